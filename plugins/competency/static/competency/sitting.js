/*
 * The sitting page of a competency assessment: a countdown and saving answers as they change.
 * Vanilla JavaScript, no inline script (the CSP forbids it); settings come from data-
 * attributes of the form[data-sitting] rendered by competency/assessments/sitting.html.
 *
 * - The deadline is the server's: data-remaining is the seconds left when the page was made,
 *   counted down from the moment the page loaded (the computer's clock is not trusted).
 *   Every save answers the seconds the server still allows, and the countdown follows it.
 * - Each change of an answer POSTs the whole form to the form's action (the save URL) with
 *   Accept: application/json and the CSRF token in X-CSRFToken. A failed save is retried
 *   with the next change, and the "Save answers" button works without JavaScript anyway.
 * - At zero the form is sent to the submit URL: the server grades the answers saved before
 *   the deadline.
 */
(function (window, document) {
  "use strict";

  var form = document.querySelector("form[data-sitting]");
  if (!form) { return; }
  var clock = document.querySelector("[data-countdown]");
  var status = document.querySelector("[data-save-status]");
  var submitButton = form.querySelector("[data-submit]");
  var remaining = parseInt(form.getAttribute("data-remaining"), 10) || 0;
  var started = Date.now();
  var finished = false;
  var saving = false;
  var again = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
  }

  function left() { return remaining - (Date.now() - started) / 1000; }

  function tick() {
    var seconds = left();
    if (clock) {
      clock.textContent = format(seconds);
      clock.classList.toggle("countdown-low", seconds <= 300);
    }
    if (seconds <= 0 && !finished) {
      finished = true;
      if (status) { status.textContent = form.getAttribute("data-text-timeout"); }
      submitButton.click();
    }
  }

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    if (finished) { return; }
    if (saving) { again = true; return; }
    saving = true;
    say(form.getAttribute("data-text-saving"));
    window.fetch(form.action, {
      method: "POST",
      body: new window.FormData(form),
      credentials: "same-origin",
      headers: {"Accept": "application/json",
                "X-CSRFToken": form.getAttribute("data-csrf-token")}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (answer) {
      if (typeof answer.data.remaining === "number") {
        remaining = answer.data.remaining; started = Date.now();
      }
      say(answer.ok ? form.getAttribute("data-text-saved") + " " +
          new Date().toLocaleTimeString("vi-VN") : (answer.data.error || ""));
    }).catch(function () {
      say(form.getAttribute("data-text-failed"));
    }).then(function () {
      saving = false;
      if (again) { again = false; save(); }
    });
  }

  form.addEventListener("change", save);
  form.addEventListener("submit", function () { finished = true; });
  tick();
  window.setInterval(tick, 1000);
})(window, document);
