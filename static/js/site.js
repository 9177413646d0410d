/*
 * 适老化 switches: 大字号 (larger text) and 高对比度 (high contrast).
 * The site's only script. Loaded from <head> without defer so a stored choice applies before the first paint;
 * no inline scripts, handlers or style attributes, so it works under a strict Content-Security-Policy.
 * Each switch toggles a class on <html>; site.css does the rest. The choice is kept in localStorage.
 */
(function () {
  "use strict";

  var SWITCHES = ["text-large", "high-contrast"];
  var PREFIX = "ntr.a11y.";
  var root = document.documentElement;

  function load(name) {
    try {
      return window.localStorage.getItem(PREFIX + name) === "on";
    } catch (e) {
      return false; // storage disabled (private mode, policy): the switch still works for this page
    }
  }

  function save(name, on) {
    try {
      if (on) {
        window.localStorage.setItem(PREFIX + name, "on");
      } else {
        window.localStorage.removeItem(PREFIX + name);
      }
    } catch (e) {
      /* ignore: see load() */
    }
  }

  function apply(name, on) {
    root.classList.toggle(name, on);
    var buttons = document.querySelectorAll('[data-a11y-switch="' + name + '"]');
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  SWITCHES.forEach(function (name) {
    root.classList.toggle(name, load(name));
  });

  function bind() {
    var groups = document.querySelectorAll("[data-a11y-switches]");
    for (var i = 0; i < groups.length; i += 1) {
      groups[i].hidden = false;
    }
    SWITCHES.forEach(function (name) {
      apply(name, root.classList.contains(name));
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-a11y-switch]") : null;
      if (!button) {
        return;
      }
      var name = button.getAttribute("data-a11y-switch");
      if (SWITCHES.indexOf(name) === -1) {
        return;
      }
      var on = !root.classList.contains(name);
      apply(name, on);
      save(name, on);
    });
  }

  // Keep other open tabs of the site in step.
  window.addEventListener("storage", function (event) {
    if (event.key && event.key.indexOf(PREFIX) === 0) {
      var name = event.key.slice(PREFIX.length);
      if (SWITCHES.indexOf(name) !== -1) {
        apply(name, event.newValue === "on");
      }
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
