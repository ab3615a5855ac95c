/* Suggestions as you type in the catalogue's search boxes: an ARIA 1.2 combobox with a list popup.
   Up/Down move through the suggestions (the focus stays in the field), Enter opens the one chosen or
   searches what was typed, Escape closes the list. Without JavaScript the box is a plain search form. */
(function () {
  "use strict";

  function setUp(form) {
    var input = form.querySelector('input[role="combobox"]');
    var combo = form.querySelector(".search-combo");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = form.querySelector("[data-search-status]");
    if (!input || !combo || !list) {
      return;
    }
    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function highlight(index) {
      var options = list.querySelectorAll('[role="option"]');
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(index) {
      if (items[index]) {
        window.location.assign(items[index].url);
      }
    }

    function announce() {
      var text = "";
      if (items.length === 1) {
        text = combo.dataset.statusOne;
      } else if (items.length > 1) {
        text = combo.dataset.statusMany.replace("%s", String(items.length));
      } else if (input.value.trim().length >= 2) {
        text = combo.dataset.statusNone;
      }
      status.textContent = text;
    }

    function show(suggestions) {
      items = suggestions || [];
      list.textContent = "";
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "suggestion suggestion-" + item.kind;
        var label = document.createElement("span");
        label.className = "suggestion-label";
        label.textContent = item.label;
        option.appendChild(label);
        var hint = item.kind === "keyword" ? combo.dataset.keywordHint + (item.hint ? " · " + item.hint : "") : "";
        if (hint) {
          var small = document.createElement("span");
          small.className = "suggestion-hint";
          small.textContent = hint;
          option.appendChild(small);
        }
        // mousedown, not click: it comes before the field loses the focus (which closes the list).
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          go(i);
        });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (items.length && document.activeElement === input) {
        open();
      } else {
        close();
      }
      announce();
    }

    function ask() {
      var query = input.value.trim();
      if (query === asked) {
        return;
      }
      asked = query;
      if (controller) {
        controller.abort();
      }
      if (query.length < 2) {
        show([]);
        return;
      }
      controller = new AbortController();
      fetch(combo.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) {
            show(data.suggestions);
          }
        })
        .catch(function () {
          /* aborted or offline: the form still searches on Enter */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) {
          return;
        }
        event.preventDefault();
        open();
        var last = items.length - 1;
        if (event.key === "ArrowDown") {
          highlight(active >= last ? 0 : active + 1);
        } else {
          highlight(active <= 0 ? last : active - 1);
        }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          go(active);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      close();
    });

    input.addEventListener("focus", function () {
      open();
    });
  }

  document.querySelectorAll("form.search-box").forEach(setUp);
})();
