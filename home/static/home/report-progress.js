// The progress page of a PDF built in the background (home/templates/home/report.html): asks the
// status URL every second, shows the stage and the percentage, then starts the download once ready.
// Without JavaScript, the page reloads itself every two seconds instead (<noscript> refresh).
(function () {
  "use strict";
  var section = document.querySelector("[data-status-url]");
  if (!section) return;
  var url = section.getAttribute("data-status-url");
  var bar = section.querySelector("progress");
  var stage = section.querySelector("[data-report-stage]");
  var percent = section.querySelector("[data-report-percent]");
  var link = section.querySelector("[data-report-link]");
  var failed = section.querySelector("[data-report-failed]");
  var intro = section.querySelector("[data-report-intro]");
  var delay = 1000;

  function show(state) {
    if (bar) bar.value = state.progress;
    if (stage) stage.textContent = state.stage;
    if (percent) percent.textContent = state.progress + " %";
    section.setAttribute("data-status", state.status);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.ready) {
          if (intro) intro.hidden = true;
          link.hidden = false;
          window.location.assign(state.download_url);
        } else if (state.failed) {
          if (intro) intro.hidden = true;
          failed.hidden = false;
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 10000);  // the server is busy or restarting: ask less often
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
