/*
 * The test AU: five questions. The score is compared with the masteryScore of LMS.LaunchData
 * (0.8 in cmi5.xml): "passed" or "failed" with the scaled score, then "terminated" when the
 * learner leaves. A learner who failed launches the AU again for a new attempt. In Browse or
 * Review mode the score is shown and nothing is recorded.
 */
(function (window, document) {
  "use strict";

  var form = document.querySelector("[data-quiz]");
  var result = document.querySelector("[data-result]");
  var scoreText = document.querySelector("[data-score]");
  var submit = document.querySelector("[data-submit]");
  var rule = document.querySelector("[data-rule]");
  var cmi5 = null;
  var mastery = 0.8;

  function ready(instance, launchData) {
    cmi5 = instance;
    if (typeof launchData.masteryScore === "number") { mastery = launchData.masteryScore; }
    rule.textContent = "Trả lời năm câu hỏi. Cần đúng từ " + Math.round(mastery * 100) +
      "% trở lên.";
    form.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var questions = Array.prototype.slice.call(form.querySelectorAll("[data-answer]"));
    var right = questions.filter(function (q) {
      var chosen = q.querySelector("input:checked");
      return chosen && chosen.value === q.getAttribute("data-answer");
    }).length;
    var scaled = right / questions.length;
    var score = { scaled: scaled, raw: right, min: 0, max: questions.length };
    var passed = scaled >= mastery;
    submit.disabled = true;
    var send = !window.AU.isNormal() ? Promise.resolve()
      : window.AU.send(function () { return passed ? cmi5.pass(score) : cmi5.fail(score); });
    send.then(function () {
      form.hidden = true;
      result.hidden = false;
      scoreText.textContent = "Bạn trả lời đúng " + right + "/" + questions.length + " câu (" +
        Math.round(scaled * 100) + "%): " + (passed ? "đạt." : "chưa đạt, hãy học lại tình huống và làm lại.");
      scoreText.className = passed ? "pass" : "fail";
    }).catch(function (err) {
      submit.disabled = false;
      window.AU.say("Không ghi nhận được kết quả: " + window.AU.message(err), "error");
    });
  });

  document.querySelector("[data-finish]").addEventListener("click", function () {
    window.AU.finish();
  });

  window.addEventListener("DOMContentLoaded", function () { window.AU.start(ready); });
})(window, document);
