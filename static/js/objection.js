/*
 * The objection form: moves focus to the error summary after a refused submission, and tells the reader at once
 * when the chosen evidence file is larger than the server accepts (10 MB), instead of after a long upload.
 * The server checks everything again; this only saves time. No inline script or style.
 */
(function () {
  "use strict";

  var MAX_BYTES = 10 * 1024 * 1024;

  function start() {
    var summary = document.querySelector("[data-form-errors]");
    if (summary) {
      summary.focus();
    }
    var form = document.querySelector("[data-objection-form]");
    if (!form) {
      return;
    }
    var file = form.querySelector('input[type="file"]');
    if (!file) {
      return;
    }
    var note = document.createElement("p");
    note.className = "field-errors";
    note.setAttribute("role", "alert");
    note.hidden = true;
    file.parentNode.insertBefore(note, file.nextSibling);
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (chosen && chosen.size > MAX_BYTES) {
        note.textContent = file.getAttribute("data-too-large") || "> 10 MB";
        note.hidden = false;
        file.value = "";
      } else {
        note.hidden = true;
        note.textContent = "";
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
