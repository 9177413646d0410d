/*
 * The reviewer's scoring form: drafts are autosaved so a long session loses nothing.
 *
 * On every edit the form is POSTed (fetch, same origin, CSRF token from the form or the csrftoken cookie) to its
 * data-autosave-url after a short pause. The answer carries the assignment's new version, which goes into the form's
 * hidden "version" field, so the next save and the final submit are accepted; a stale version (the form was changed
 * in another window) is refused by the server with 409 and autosaving stops, so nothing is silently overwritten.
 * A submit waits for a save in flight. No inline script or handler: the page works under a strict CSP.
 */
(function () {
  "use strict";

  var DELAY = 1200;
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var version = form.querySelector('input[name="version"]');
  var timer = null;
  var inflight = false;
  var again = false;
  var stopped = false;
  var dirty = false;
  var submitter = null;

  function csrfToken() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (input && input.value) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function show(text, kind) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.className = "autosave-status " + kind;
    status.setAttribute("data-state", kind);
  }

  function markErrors(errors) {
    var fieldsets = form.querySelectorAll("fieldset[data-code]");
    for (var i = 0; i < fieldsets.length; i += 1) {
      var code = fieldsets[i].getAttribute("data-code");
      fieldsets[i].classList.toggle("has-error", Boolean(errors && errors[code]));
    }
  }

  function finish() {
    inflight = false;
    if (submitter && !stopped) {
      var button = submitter;
      submitter = null;
      form.requestSubmit(button);
      return;
    }
    submitter = null;
    if (again && !stopped) {
      again = false;
      save();
    }
  }

  function save() {
    if (stopped) {
      return;
    }
    if (inflight) {
      again = true;
      return;
    }
    inflight = true;
    dirty = false;
    var data = new FormData(form);
    data.delete("action");
    show(status.getAttribute("data-msg-saving"), "saving");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { code: response.status, body: body };
        });
      })
      .then(function (result) {
        var body = result.body || {};
        if (result.code === 200 && body.ok) {
          version.value = body.version;
          markErrors(body.errors);
          show(body.message, Object.keys(body.errors || {}).length ? "error" : "saved");
        } else {
          // 409: changed elsewhere; 400/403: the assignment cannot be edited any more. Stop and say why.
          stopped = true;
          show(body.message || status.getAttribute("data-msg-offline"), "error");
        }
      })
      .catch(function () {
        dirty = true;
        show(status.getAttribute("data-msg-offline"), "error");
      })
      .then(finish);
  }

  form.addEventListener("input", function (event) {
    if (!event.target.name || event.target.name === "version" || stopped) {
      return;
    }
    dirty = true;
    show(status.getAttribute("data-msg-dirty"), "dirty");
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.getAttribute("data-confirm") && !button.hasAttribute("data-confirmed")) {
      if (!window.confirm(button.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      button.setAttribute("data-confirmed", "");
    }
    window.clearTimeout(timer);
    if (inflight) {
      // The form carries every value; wait for the save in flight so it carries the version that save returns.
      event.preventDefault();
      submitter = button || null;
      again = false;
      return;
    }
    dirty = false;
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !stopped) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
