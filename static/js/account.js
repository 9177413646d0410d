/*
 * The header's account slot on cached pages (templates/includes/header.html).
 *
 * Public pages are cached and shared, so the server renders the slot neutral: a link to /accounts/, no name and no
 * 登录. When the "signed in" hint cookie is set (accounts/signed_in.py: set at login, cleared at logout and when a
 * session ends) this script asks the slot's personal endpoint (/accounts/me/, same origin, never cached) who is
 * signed in, and shows the name, 管理后台 where it applies and 退出, in the labels the endpoint gives in the page's
 * language. Without the cookie it asks nothing; if the request fails or no one is signed in the slot stays as it
 * was. No inline script: the site's Content Security Policy allows only files from this origin.
 */
(function () {
  "use strict";

  var HINT = "ntr_signed_in";

  function hinted() {
    return document.cookie.split(";").some(function (pair) {
      return pair.trim().split("=")[0] === HINT;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function fill(slot, data) {
    var parts = [element("span", "nav-user-name", data.label)];
    (data.links || []).forEach(function (link) {
      var anchor = element("a", "", link.label);
      anchor.href = link.url;
      parts.push(anchor);
    });
    var form = element("form", "nav-logout");
    form.method = "post";
    form.action = data.logout.url;
    var token = element("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = data.logout.csrf;
    form.appendChild(token);
    var button = element("button", "nav-button", data.logout.label);
    button.type = "submit";
    form.appendChild(button);
    parts.push(form);

    slot.textContent = "";
    parts.forEach(function (part) {
      slot.appendChild(part);
    });
    slot.classList.add("nav-account-filled");
    slot.setAttribute("data-account-filled", "");
  }

  function start() {
    var slot = document.querySelector("[data-account-slot]");
    if (!slot || !hinted() || !window.fetch) {
      return;
    }
    window
      .fetch(slot.getAttribute("data-account-url"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return response.ok && json ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.authenticated && data.logout) {
          fill(slot, data);
        }
      })
      .catch(function () {
        /* the slot stays neutral */
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
