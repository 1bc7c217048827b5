/*
 * cmi5 in the player (templates/cmi5/lesson.html) and the AU's return page
 * (templates/cmi5/return.html). Vanilla JavaScript, no inline script.
 *
 * - A launch form with data-frame="<name>" opens the AU in the player's frame of that name
 *   (the AU's launchMethod is AnyWindow and it is served by this platform); without this
 *   script the launch takes the whole window, which the AU allows too.
 * - While the AU runs in the frame (same origin), the learner's input in it counts as
 *   activity for the player's study clock (static/js/player.js listens on the document).
 * - The return page ([data-cmi5-return], the AU's returnURL) takes the whole window back to
 *   the lesson, also when it was loaded in the frame.
 */
(function (window, document) {
  "use strict";

  var FORWARDED = ["pointerdown", "keydown", "wheel", "touchstart"];
  var FORWARD_EVERY_MS = 1000;

  function forwardActivity(frame) {
    var doc;
    try {
      doc = frame.contentDocument;
    } catch (e) {
      return; // another origin: nothing to watch
    }
    if (!doc) { return; }
    var last = 0;
    FORWARDED.forEach(function (name) {
      doc.addEventListener(name, function () {
        var now = Date.now();
        if (now - last < FORWARD_EVERY_MS) { return; }
        last = now;
        document.dispatchEvent(new Event(name));
      }, { passive: true, capture: true });
    });
  }

  function initLaunch(form) {
    var name = form.getAttribute("data-frame");
    if (!name) { return; }
    var stage = document.querySelector("[data-cmi5-stage]");
    var frame = document.querySelector("[data-cmi5-frame]");
    if (!stage || !frame) { return; }
    form.target = name;
    form.addEventListener("submit", function () {
      stage.hidden = false;
      stage.scrollIntoView({ block: "start" });
    });
    frame.addEventListener("load", function () { forwardActivity(frame); });
  }

  function initReturn(section) {
    var back = section.getAttribute("data-back");
    if (!back) { return; }
    try {
      window.top.location.assign(back);
    } catch (e) {
      window.location.assign(back);
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-cmi5-launch]"), initLaunch);
    Array.prototype.forEach.call(document.querySelectorAll("[data-cmi5-return]"), initReturn);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})(window, document);
