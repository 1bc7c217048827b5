/*
 * The case AU: five steps; reaching the last one and pressing "Hoàn thành bài học" sends
 * "completed" (moveOn Completed), then "terminated". Moving forward sends the cmi5 allowed
 * "progressed" statement with the percent reached. In Browse or Review mode nothing but
 * "initialized" and "terminated" is sent.
 */
(function (window, document) {
  "use strict";

  var steps = Array.prototype.slice.call(document.querySelectorAll("[data-step]"));
  var previous = document.querySelector("[data-previous]");
  var next = document.querySelector("[data-next]");
  var complete = document.querySelector("[data-complete]");
  var leave = document.querySelector("[data-leave]");
  var current = 0;
  var furthest = 0;
  var cmi5 = null;

  function show(index) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    previous.disabled = index === 0;
    next.hidden = index === steps.length - 1;
    complete.hidden = index !== steps.length - 1;
    if (index > furthest) {
      furthest = index;
      if (window.AU.isNormal() && index < steps.length - 1) {
        var percent = Math.round(100 * index / steps.length);
        window.AU.send(function () { return cmi5.progress(percent); }).catch(function () {});
      }
    }
  }

  function ready(instance) {
    cmi5 = instance;
    next.disabled = false;
    leave.disabled = false;
    show(0);
  }

  previous.addEventListener("click", function () { show(Math.max(0, current - 1)); });
  next.addEventListener("click", function () { show(Math.min(steps.length - 1, current + 1)); });
  leave.addEventListener("click", function () { window.AU.finish(); });
  complete.addEventListener("click", function () {
    complete.disabled = true;
    var done = window.AU.isNormal()
      ? window.AU.send(function () { return cmi5.complete(); }) : Promise.resolve();
    done.then(function () { return window.AU.finish(); }).catch(function (err) {
      complete.disabled = false;
      window.AU.say("Không ghi nhận được: " + window.AU.message(err), "error");
    });
  });

  window.addEventListener("DOMContentLoaded", function () { window.AU.start(ready); });
})(window, document);
