/*
 * 新赛道培育库 — the provincial portal's progressive enhancement. Every page works without it.
 *
 * - Track search: the nomination form's track <select> (grouped by field) works alone; with this script a search
 *   box appears above it that asks /portal/tracks/search/?q=… (name, alias, pinyin or initials) and sets the
 *   select to the chosen result.
 * - Print: the print documents' “打印” button calls window.print(); the page numbers, running header and footer
 *   printed in the page margins take their (translated) words from the sheet's data-page-* attributes.
 *
 * A file, loaded with defer: no inline script, handler or style attribute (a strict CSP holds).
 */
(function () {
  "use strict";

  var DELAY = 200;

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    node.textContent = value;
    return node;
  }

  function bindTrackSearch(box) {
    var input = box.querySelector("[data-track-search-input]");
    var results = box.querySelector("[data-track-search-results]");
    var form = box.closest("form");
    var select = form ? form.querySelector("select[name=track]") : null;
    if (!input || !results || !select || !window.fetch) {
      return;
    }
    var url = box.getAttribute("data-search-url");
    // Wording comes from the template (translated there), not from this file.
    var labels = {
      chosen: box.getAttribute("data-label-chosen") || "",
      none: box.getAttribute("data-label-none") || "",
      aliases: box.getAttribute("data-label-aliases") || "",
      separator: box.getAttribute("data-list-separator") || "、",
    };
    var timer = null;
    var latest = 0;
    var chosen = text("p", "track-chosen", "");
    chosen.setAttribute("aria-live", "polite");
    select.parentNode.appendChild(chosen);
    box.hidden = false;

    function showChosen() {
      var option = select.options[select.selectedIndex];
      chosen.textContent = option && option.value ? labels.chosen + option.textContent : "";
    }

    function choose(track) {
      var value = String(track.id);
      var exists = false;
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === value) {
          exists = true;
          break;
        }
      }
      if (!exists) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = track.name;
        select.appendChild(option);
      }
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      results.textContent = "";
      input.value = track.name;
      showChosen();
      select.focus();
    }

    function render(data) {
      results.textContent = "";
      if (!data.results.length) {
        var none = text("li", "muted", labels.none);
        results.appendChild(none);
        return;
      }
      data.results.forEach(function (track) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.setAttribute("data-track-id", String(track.id));
        button.appendChild(document.createTextNode(track.name));
        var meta = track.field;
        if (track.aliases.length) {
          meta += " · " + labels.aliases + track.aliases.join(labels.separator);
        }
        if (track.status !== "active") {
          meta += " · " + track.status_label;
        }
        button.appendChild(text("span", "track-meta", meta));
        button.addEventListener("click", function () {
          choose(track);
        });
        item.appendChild(button);
        results.appendChild(item);
      });
    }

    function search() {
      var term = input.value.trim();
      if (!term) {
        results.textContent = "";
        return;
      }
      var ticket = (latest += 1);
      window
        .fetch(url + "?q=" + encodeURIComponent(term), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket === latest) {
            render(data);
          }
        })
        .catch(function () {
          /* the select still works */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter picks the first result instead of submitting the whole form.
        event.preventDefault();
        var first = results.querySelector("button");
        if (first) {
          first.click();
        }
      } else if (event.key === "ArrowDown") {
        var button = results.querySelector("button");
        if (button) {
          event.preventDefault();
          button.focus();
        }
      }
    });
    results.addEventListener("keydown", function (event) {
      var current = event.target.closest ? event.target.closest("li") : null;
      if (!current) {
        return;
      }
      if (event.key === "ArrowDown" && current.nextElementSibling) {
        event.preventDefault();
        current.nextElementSibling.querySelector("button").focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (current.previousElementSibling) {
          current.previousElementSibling.querySelector("button").focus();
        } else {
          input.focus();
        }
      }
    });
    select.addEventListener("change", showChosen);
  }

  function bindPrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }

  // A CSS string literal of a text (for a custom property the page margins read).
  function cssString(value) {
    return '"' + String(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/[\r\n]+/g, " ") + '"';
  }

  // The page margins hold no markup: the sheet's words reach them as custom properties (portal.css, @page).
  function bindPageMargins(sheet) {
    var root = document.documentElement.style;
    var format = sheet.getAttribute("data-page-format") || "";
    var at = format.indexOf("{page}");
    var of = format.indexOf("{pages}");
    if (at >= 0 && of > at) {
      root.setProperty("--page-before", cssString(format.slice(0, at)));
      root.setProperty("--page-between", cssString(format.slice(at + 6, of)));
      root.setProperty("--page-after", cssString(format.slice(of + 7)));
    }
    root.setProperty("--page-header", cssString(sheet.getAttribute("data-page-header") || ""));
    root.setProperty("--page-footer", cssString(sheet.getAttribute("data-page-footer") || ""));
  }

  function init() {
    var sheets = document.querySelectorAll("[data-page-format]");
    for (var k = 0; k < sheets.length; k += 1) {
      bindPageMargins(sheets[k]);
    }
    var boxes = document.querySelectorAll("[data-track-search]");
    for (var i = 0; i < boxes.length; i += 1) {
      bindTrackSearch(boxes[i]);
    }
    var printers = document.querySelectorAll("[data-print]");
    for (var j = 0; j < printers.length; j += 1) {
      bindPrint(printers[j]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
