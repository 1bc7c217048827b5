/*
 * What both sample AUs share: connect to the LMS with @xapi/cmi5 (../vendor/cmi5.umd.js),
 * show the connection state, and terminate then go back to the returnURL.
 *   AU.start(function (cmi5, launchData) { ... })   initialize (fetch, LMS.LaunchData,
 *                                                   learner preferences, "initialized")
 *   AU.send(function () { return cmi5.progress(40); })
 *                                                   send a statement after those sent before
 *   AU.finish()                                     "terminated" after every statement sent
 *                                                   before it, then the returnURL
 * Statements go one at a time, in order: a "progressed" still on its way when the learner
 * finishes would otherwise arrive after "terminated" (refused: the session has ended) or be
 * cancelled when the window goes to the returnURL.
 */
(function (window, document) {
  "use strict";

  var cmi5 = null;
  var queue = Promise.resolve();

  function send(statement) {
    var sent = queue.then(statement);
    queue = sent.catch(function () {});
    return sent;
  }

  function say(text, kind) {
    var box = document.querySelector("[data-au-status]");
    if (box) {
      box.textContent = text;
      box.className = "au-status" + (kind ? " " + kind : "");
    }
  }

  function message(err) {
    var data = err && err.response && err.response.data;
    return (data && (data.message || data["error-text"])) || (err && err.message) || String(err);
  }

  function isNormal() {
    return Boolean(cmi5) && cmi5.getLaunchData().launchMode === "Normal";
  }

  function start(onReady) {
    if (!window.Cmi5 || !window.Cmi5.isCmiAvailable) {
      say("Hãy mở nội dung này từ bài học trên hệ thống Học tập Hải quan.", "error");
      return;
    }
    cmi5 = window.Cmi5.instance;
    say("Đang kết nối với hệ thống…");
    cmi5.initialize().then(function () {
      var data = cmi5.getLaunchData();
      say(data.launchMode === "Normal"
        ? "Đã kết nối: kết quả của bạn được ghi vào hồ sơ học tập."
        : "Chế độ xem lại: kết quả đã có không thay đổi.", "ok");
      document.body.setAttribute("data-au-ready", data.launchMode);
      onReady(cmi5, data);
    }).catch(function (err) {
      say("Không kết nối được với hệ thống: " + message(err), "error");
    });
  }

  function finish() {
    if (!cmi5) { return Promise.resolve(); }
    say("Đang kết thúc…");
    return send(function () { return cmi5.terminate(); }).then(function () {
      var back = cmi5.getLaunchData().returnURL;
      say("Đã kết thúc. Bạn có thể đóng nội dung này.", "ok");
      document.body.setAttribute("data-au-ended", "true");
      if (back) { window.location.assign(back); }
    }).catch(function (err) {
      say("Không kết thúc được: " + message(err), "error");
    });
  }

  window.AU = { start: start, send: send, finish: finish, say: say, message: message, isNormal: isNormal };
})(window, document);
