/*
 * 新赛道培育库 — 精准性培育 pages' progressive enhancement. Every page works without it.
 *
 * - Print: the yearly report's “打印” button (hidden without script) calls window.print().
 * - The entry page's indicator <select data-autosubmit> submits its form on change (a button does it otherwise).
 *
 * A file, loaded with defer: no inline script, handler or style attribute (a strict CSP holds).
 */
(function () {
  "use strict";

  function init() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () {
        window.print();
      });
    }
    var selects = document.querySelectorAll("select[data-autosubmit]");
    for (var j = 0; j < selects.length; j += 1) {
      selects[j].addEventListener("change", function (event) {
        var form = event.target.form;
        if (form) {
          form.submit();
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
