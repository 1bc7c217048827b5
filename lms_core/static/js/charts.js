// Charts drawn with the vendored Chart.js (static/vendor/chartjs) from the JSON held in the
// data-chart attribute of each <canvas>: no inline script (the Content-Security-Policy allows
// scripts from our own origin only). Every chart has a table with the same figures beside it,
// so a page without JavaScript (or a screen reader) loses nothing.
//
// data-chart: {"type": "line" | "bar", "labels": [...], "series": [{"label", "data"}],
//              "title", "xLabel", "yLabel"}
//          or {"type": "funnel", "points": [{"x", "y", "label", "flag"}],
//              "curve": [{"x", "lo3", "lo2", "hi2", "hi3"}], "mean", "labels": {...}}
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var PALETTE = ["#0b5d3b", "#c8a23a", "#2c5f8a", "#b3261e", "#6b4c9a", "#1b8a8a",
                 "#8a5a00", "#5d6b64", "#d16d9e", "#3f7f3f"];
  var FLAG_COLOURS = {high3: "#0b5d3b", high2: "#3f9f6f", within: "#5d6b64",
                      low2: "#d98b2b", low3: "#b3261e"};

  function axis(title, extra) {
    var out = {title: {display: !!title, text: title || ""}};
    for (var k in extra || {}) { out[k] = extra[k]; }
    return out;
  }

  function series(spec) {
    return {
      type: spec.type === "bar" ? "bar" : "line",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          var colour = PALETTE[i % PALETTE.length];
          return {label: s.label, data: s.data, borderColor: colour, backgroundColor: colour,
                  spanGaps: true, tension: 0.2, pointRadius: 3};
        })
      },
      options: {
        responsive: true, maintainAspectRatio: true, aspectRatio: 2,
        plugins: {title: {display: !!spec.title, text: spec.title}},
        scales: {x: axis(spec.xLabel), y: axis(spec.yLabel, {beginAtZero: true})}
      }
    };
  }

  function funnel(spec) {
    var labels = spec.labels || {};
    var xs = spec.points.map(function (p) { return p.x; });
    var logScale = Math.max.apply(null, xs) / Math.max(1, Math.min.apply(null, xs)) > 20;
    function limit(key, label, colour, dash) {
      return {type: "line", label: label, borderColor: colour, borderDash: dash,
              borderWidth: 1.5, pointRadius: 0, fill: false, tension: 0,
              data: spec.curve.map(function (c) { return {x: c.x, y: c[key]}; })};
    }
    var first = spec.curve[0] ? spec.curve[0].x : 1;
    var last = spec.curve.length ? spec.curve[spec.curve.length - 1].x : 1;
    return {
      type: "scatter",
      data: {
        datasets: [
          {type: "scatter", label: labels.units || "", pointRadius: 5,
           data: spec.points.map(function (p) { return {x: p.x, y: p.y, name: p.label}; }),
           backgroundColor: spec.points.map(function (p) {
             return FLAG_COLOURS[p.flag] || FLAG_COLOURS.within; })},
          {type: "line", label: labels.mean || "", borderColor: "#1d2521", borderWidth: 1,
           pointRadius: 0, data: [{x: first, y: spec.mean}, {x: last, y: spec.mean}]},
          limit("hi2", labels.limit2 || "", "#c8a23a", [6, 4]),
          limit("lo2", "", "#c8a23a", [6, 4]),
          limit("hi3", labels.limit3 || "", "#b3261e", [2, 3]),
          limit("lo3", "", "#b3261e", [2, 3])
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: true, aspectRatio: 1.6,
        plugins: {
          title: {display: !!spec.title, text: spec.title},
          legend: {labels: {filter: function (item) { return !!item.text; }}},
          tooltip: {callbacks: {label: function (ctx) {
            var p = ctx.raw || {};
            return (p.name ? p.name + ": " : "") + "n = " + p.x + ", " + p.y;
          }}}
        },
        scales: {
          x: axis(spec.xLabel, {type: logScale ? "logarithmic" : "linear"}),
          y: axis(spec.yLabel)
        }
      }
    };
  }

  function draw(canvas) {
    var spec;
    try { spec = JSON.parse(canvas.getAttribute("data-chart")); } catch (e) { return; }
    if (!spec) { return; }
    var config = spec.type === "funnel" ? funnel(spec) : series(spec);
    // Chart.js sizes the canvas from its parent: a container of its own, relatively
    // positioned (set through the CSSOM, which the Content-Security-Policy allows).
    var box = canvas.parentNode;
    if (box && box.classList && box.classList.contains("chart-box")) {
      box.style.position = "relative";
      box.style.width = "100%";
      box.style.maxWidth = "60rem";
    }
    new window.Chart(canvas, config);
  }

  function init() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) { draw(canvases[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
