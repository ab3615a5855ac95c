// Keyboard triage (documented on the page): j/k move between rows, x ticks, Shift+x ticks the page,
// o/Enter opens, a/t/q open a bulk action, Esc goes back to the list, / searches.
// Progressive enhancement: without this file the table, the checkboxes and the bulk form still work.
(function () {
  "use strict";
  var form = document.querySelector("form[data-shortcuts]");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-row]"));
  var boxes = rows.map(function (row) { return row.querySelector('input[name="selected"]'); });
  var all = document.getElementById("select-all");
  var count = document.getElementById("selection-count");
  var action = document.getElementById("bulk_action");
  var current = -1;

  function ticked() { return boxes.filter(function (box) { return box.checked; }).length; }

  function refresh() {
    var n = ticked();
    rows.forEach(function (row, i) { row.classList.toggle("is-selected", boxes[i].checked); });
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    if (count) count.textContent = n ? (count.dataset.template || "{n}").replace("{n}", n) : "";
  }

  function go(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    boxes[current].focus();
  }

  function openBulk(value, fieldId) {
    if (!action) return;
    action.value = value;
    action.dispatchEvent(new Event("change", { bubbles: true }));
    var field = document.getElementById(fieldId);
    (field || action).focus();
  }

  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
  }
  boxes.forEach(function (box, i) {
    box.addEventListener("change", refresh);
    box.addEventListener("focus", function () {
      current = i;
      rows.forEach(function (row, j) { row.classList.toggle("is-current", j === i); });
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var inRow = boxes.indexOf(target) !== -1;
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable;
    if (event.key === "Escape") {
      if (typing && !inRow) { event.preventDefault(); go(current < 0 ? 0 : current); }
      return;
    }
    if (typing && !inRow) return;
    var key = event.key;
    if (key === "j" || key === "ArrowDown" && inRow) { event.preventDefault(); go(current + 1); }
    else if (key === "k" || key === "ArrowUp" && inRow) { event.preventDefault(); go(current < 0 ? 0 : current - 1); }
    else if (key === "x" && current >= 0) {
      event.preventDefault();
      boxes[current].checked = !boxes[current].checked;
      refresh();
    } else if (key === "X" && all) {
      event.preventDefault();
      all.checked = !(ticked() === boxes.length);
      all.dispatchEvent(new Event("change"));
    } else if ((key === "o" || key === "Enter" && inRow) && current >= 0) {
      var link = rows[current].querySelector("a[href]");
      if (link) { event.preventDefault(); window.location.assign(link.href); }
    } else if (key === "a") { event.preventDefault(); openBulk("assign", "bulk_assignee"); }
    else if (key === "t") { event.preventDefault(); openBulk("team", "bulk_team"); }
    else if (key === "q") { event.preventDefault(); openBulk("qualify", "bulk_kind"); }
    else if (key === "/") {
      var search = document.getElementById("id_q");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });
  refresh();
})();
