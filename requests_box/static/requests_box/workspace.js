// The request workspace (progressive enhancement: every form works without this file).
// - fits the workspace to the window and shows the latest messages;
// - keyboard: r answer, n internal note, Ctrl+Enter send, q qualification, s status, Esc leave / back;
// - the live preview of the deadline that urgency × importance gives, computed by the server;
// - shows the complaint's fields for a complaint, the answer type when resolving.
(function () {
  "use strict";
  var ws = document.getElementById("workspace");
  if (!ws) return;
  var thread = document.getElementById("thread");

  function fit() {
    var top = ws.getBoundingClientRect().top + window.scrollY;
    document.documentElement.style.setProperty("--ws-top", top + "px");
  }
  fit();
  window.addEventListener("resize", fit);
  if (thread) thread.scrollTop = thread.scrollHeight;

  // -- the composer
  var composer = document.getElementById("form-compose");
  function setMode(mode) {
    if (!composer) return;
    var radio = composer.querySelector('input[name="compose-mode"][value="' + mode + '"]');
    if (!radio) return;
    radio.checked = true;
    composer.dataset.mode = mode;
    var text = composer.querySelector("textarea");
    if (text) text.focus();
  }
  if (composer) {
    composer.addEventListener("change", function (event) {
      if (event.target.name === "compose-mode") composer.dataset.mode = event.target.value;
    });
  }

  // -- the side panel
  var panel = document.getElementById("form-save");
  if (panel) {
    var kind = panel.querySelector('[name="panel-kind"]');
    var complaintFields = panel.querySelector("[data-complaint-fields]");
    if (kind && complaintFields) {
      kind.addEventListener("change", function () { complaintFields.hidden = kind.value !== "reclamation"; });
    }
    var output = panel.querySelector("[data-preview-text]");
    var rule = panel.querySelector("[data-preview-rule]");
    var changes = panel.querySelector("[data-preview-changes]");
    var timer = null;
    var preview = function () {
      var params = new URLSearchParams();
      ["urgent", "important"].forEach(function (name) {
        var box = panel.querySelector('[name="panel-' + name + '"]');
        params.set(name, box && box.checked ? "1" : "0");
      });
      var date = panel.querySelector('[name="panel-requested_deadline"]');
      if (date && date.value) params.set("requested_deadline", date.value);
      fetch(panel.dataset.previewUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !output) return;
          output.textContent = data.text;
          if (rule) rule.textContent = "(" + data.rule + ")";
          if (changes) changes.hidden = !data.changes;
        })
        .catch(function () {});
    };
    panel.addEventListener("change", function (event) {
      if (/^panel-(urgent|important|requested_deadline)$/.test(event.target.name)) {
        clearTimeout(timer);
        timer = setTimeout(preview, 150);
      }
    });
  }
  var status = document.getElementById("form-status");
  if (status) {
    var select = status.querySelector('[name="status-status"]');
    var resolveOnly = status.querySelector("[data-resolve-only]");
    var toggle = function () { if (select && resolveOnly) resolveOnly.hidden = select.value !== "resolved"; };
    if (select) select.addEventListener("change", toggle);
    toggle();
  }

  // -- keyboard
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) {
      event.preventDefault();
      if (target.form.requestSubmit) target.form.requestSubmit(); else target.form.submit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      if (typing) { target.blur(); return; }
      if (ws.dataset.back) window.location.assign(ws.dataset.back);
      return;
    }
    if (typing) return;
    var first;
    if (event.key === "r") { event.preventDefault(); setMode("reply"); }
    else if (event.key === "n") { event.preventDefault(); setMode("note"); }
    else if (event.key === "q" && panel) {
      first = panel.querySelector("select, input:not([type=hidden]), textarea");
      if (first) { event.preventDefault(); first.focus(); first.scrollIntoView({ block: "nearest" }); }
    } else if (event.key === "s" && status) {
      first = status.querySelector("select");
      if (first) { event.preventDefault(); first.focus(); first.scrollIntoView({ block: "nearest" }); }
    }
  });
})();
