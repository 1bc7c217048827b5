/*
 * The course player: counts study time, remembers where the learner was, shows PDFs.
 * Vanilla JavaScript, no inline script: every setting comes from data- attributes of the
 * [data-player] element rendered by courses/player.html.
 *
 * Rules of the study clock (the server checks them again: courses/delivery.py heartbeat):
 *
 *  1. Time counts only while the page is visible (Page Visibility API:
 *     document.visibilityState === "visible") AND the learner was active within the idle
 *     timeout (data-idle-seconds = LMS_STUDY_IDLE_SECONDS). Activity is a pointer, key,
 *     wheel, scroll or touch event; a playing video counts as activity. Time after the last
 *     activity counts up to the idle timeout, no further.
 *  2. The clock ticks every second and one tick never counts more than MAX_TICK_SECONDS, so a
 *     computer that slept does not earn its sleep.
 *  3. Every data-beat-seconds (30 s) a heartbeat is POSTed as JSON {seq, active_seconds
 *     [, position][, page]} to data-beat-url, with the CSRF token (data-csrf-token) in the
 *     X-CSRFToken header. seq increases with every beat; active_seconds are the whole seconds
 *     counted since the last acknowledged beat. When a beat fails (network, server), its
 *     seconds stay pending and go with the next beat, under the next seq. The server counts
 *     a seq once, never more than the wall-clock time between two beats, and caps each
 *     lesson at a multiple of its expected duration.
 *  4. When the page is hidden (visibilitychange) or left (pagehide), the pending seconds and
 *     the close of the session go together in one navigator.sendBeacon to data-close-url.
 *     A beacon cannot set headers, so that body is form-encoded (URLSearchParams) with the
 *     token as the csrf_token field. When the page is visible again (or comes back from the
 *     back/forward cache) a new session is asked from data-reopen-url, and counting goes on.
 *  5. The indicator "Study time counted: mm:ss" ([data-study-clock]) shows the time the
 *     server counted for this lesson (lesson_seconds in its answers), never a local guess.
 *  6. A video's position (seconds) and a PDF's page travel with the beats and the close;
 *     the server keeps them and the page restores them on the next visit.
 *
 * The timing logic is in small named functions (countableSeconds, StudyClock, ...) exposed as
 * window.LmsPlayer, so that a browser test can drive it with its own clock.
 */
(function (window, document) {
  "use strict";

  var MAX_TICK_SECONDS = 5;
  var TICK_MS = 1000;
  var REOPEN_RETRY_MS = 15000;
  var DESKTOP_QUERY = "(min-width: 900px)";
  var ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "scroll", "touchstart"];

  // -- pure timing functions ----------------------------------------------------------------

  /** Whether the learner counts as active at `now` (ms): input within the idle timeout. */
  function isActive(now, lastActivity, idleMs) {
    return now - lastActivity <= idleMs;
  }

  /** Seconds of the interval [from, to] (ms) that count: only up to the idle timeout after
   *  the last activity, and at most maxTickMs of it. Visibility is the caller's business. */
  function countableSeconds(from, to, lastActivity, idleMs, maxTickMs) {
    if (!(to > from)) { return 0; }
    var end = Math.min(to, lastActivity + idleMs, from + maxTickMs);
    return Math.max(0, end - from) / 1000;
  }

  /** mm:ss; minutes may pass 59 ("75:03"). */
  function formatClock(seconds) {
    var s = Math.max(0, Math.floor(Number(seconds) || 0));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }

  /** The browser side of a study session: pending seconds, heartbeat numbers. */
  function StudyClock(options) {
    this.idleMs = options.idleSeconds * 1000;
    this.maxTickMs = (options.maxTickSeconds || MAX_TICK_SECONDS) * 1000;
    this.pending = 0;        // seconds counted and not yet acknowledged by the server
    this.seq = 0;            // number of the last heartbeat built for this session
    this.lastTick = null;    // ms of the last tick while visible; null while hidden
    this.lastActivity = options.now;
  }

  /** The learner did something (or a video is playing) at `now`. */
  StudyClock.prototype.activity = function (now) {
    this.lastActivity = Math.max(this.lastActivity, now);
  };

  /** Advance to `now`; counts the time since the previous tick when the page was visible
   *  throughout. Returns the seconds added. */
  StudyClock.prototype.tick = function (now, visible) {
    var added = 0;
    if (visible && this.lastTick !== null) {
      added = countableSeconds(this.lastTick, now, this.lastActivity, this.idleMs, this.maxTickMs);
      this.pending += added;
    }
    this.lastTick = visible ? now : null;
    return added;
  };

  /** Stop counting until the next visible tick (the page was hidden). */
  StudyClock.prototype.pause = function () {
    this.lastTick = null;
  };

  /** The next heartbeat: a new seq and the whole pending seconds. */
  StudyClock.prototype.nextBeat = function () {
    this.seq += 1;
    return { seq: this.seq, active_seconds: Math.floor(this.pending) };
  };

  /** The server received `beat`: its seconds are no longer pending. */
  StudyClock.prototype.acknowledge = function (beat) {
    this.pending = Math.max(0, this.pending - beat.active_seconds);
  };

  /** A new study session: heartbeat numbers start again (pending seconds are kept). */
  StudyClock.prototype.newSession = function () {
    this.seq = 0;
  };

  // -- the page -------------------------------------------------------------------------------

  function pageVisible() {
    return document.visibilityState === "visible";
  }

  function now() {
    return Date.now();
  }

  function videoPlaying(root) {
    var videos = root.querySelectorAll("video");
    for (var i = 0; i < videos.length; i++) {
      if (!videos[i].paused && !videos[i].ended) { return true; }
    }
    return false;
  }

  /** Study time of one lesson page: ticks, heartbeats, close and reopen of the session. */
  function StudyTimer(root) {
    var data = root.dataset;
    this.root = root;
    this.beatUrl = data.beatUrl;
    this.closeUrl = data.closeUrl;
    this.reopenUrl = data.reopenUrl;
    this.csrf = data.csrfToken || "";
    this.beatMs = Number(data.beatSeconds || 30) * 1000;
    this.clock = new StudyClock({ idleSeconds: Number(data.idleSeconds || 300), now: now() });
    this.display = root.querySelector("[data-study-clock]");
    this.capNote = root.querySelector("[data-cap-note]");
    this.closed = false;
    this.generation = 0;     // which session an answer belongs to (reopen starts a new one)
    this.inFlight = false;
    this.reopening = false;
    this.reopenAfter = 0;
    this.lastBeatAt = now();
    this.place = function () { return {}; };  // extra fields: video position, PDF page
  }

  StudyTimer.prototype.start = function () {
    var self = this;
    var onActivity = function () { self.clock.activity(now()); };
    ACTIVITY_EVENTS.forEach(function (name) {
      document.addEventListener(name, onActivity, { passive: true, capture: true });
    });
    document.addEventListener("visibilitychange", function () { self.onVisibility(); });
    window.addEventListener("pagehide", function () { self.close(); });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { self.onVisibility(); }
    });
    this.clock.tick(now(), pageVisible());
    this.timer = window.setInterval(function () { self.onTick(); }, TICK_MS);
  };

  StudyTimer.prototype.onTick = function () {
    var t = now();
    var visible = pageVisible();
    if (visible && videoPlaying(this.root)) { this.clock.activity(t); }
    this.clock.tick(t, visible);
    if (!visible) { return; }
    if (this.closed) {
      if (t >= this.reopenAfter) { this.reopen(); }
      return;
    }
    if (t - this.lastBeatAt >= this.beatMs) { this.beat(); }
  };

  StudyTimer.prototype.onVisibility = function () {
    var t = now();
    if (pageVisible()) {
      this.clock.activity(t);  // coming back to the page is an action of the learner
      this.clock.tick(t, true);
      if (this.closed) { this.reopen(); }
    } else {
      this.close();
    }
  };

  StudyTimer.prototype.withPlace = function (beat) {
    var extra = this.place() || {};
    for (var key in extra) {
      if (Object.prototype.hasOwnProperty.call(extra, key) && extra[key] !== null &&
          extra[key] !== undefined) {
        beat[key] = extra[key];
      }
    }
    return beat;
  };

  StudyTimer.prototype.post = function (url, payload) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": this.csrf
      },
      body: JSON.stringify(payload)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("json") < 0) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  };

  /** Send a heartbeat; its seconds stay pending until the server answers. */
  StudyTimer.prototype.beat = function () {
    if (this.inFlight || this.closed) { return; }
    var self = this;
    var beat = this.withPlace(this.clock.nextBeat());
    var generation = this.generation;
    this.inFlight = true;
    this.lastBeatAt = now();
    this.post(this.beatUrl, beat).then(function (answer) {
      if (generation !== self.generation) {
        // The session was closed meanwhile; the close carried these seconds already.
      } else if (answer.open === false) {
        // The server closed the session (e.g. the sweeper after a long sleep): keep the
        // seconds for a new session.
        self.closed = true;
        self.reopen();
      } else {
        self.clock.acknowledge(beat);
      }
      self.show(answer);
    }).catch(function () {
      // Network or server trouble: the seconds stay pending for the next beat.
    }).then(function () {
      self.inFlight = false;
    });
  };

  /** Send the pending seconds and close the session in one beacon (page hidden or left). */
  StudyTimer.prototype.close = function () {
    if (this.closed) { return; }
    this.clock.tick(now(), true);  // the time up to this moment was visible
    this.clock.pause();
    var beat = this.withPlace(this.clock.nextBeat());
    var body = new URLSearchParams();
    body.append("csrf_token", this.csrf);
    for (var key in beat) {
      if (Object.prototype.hasOwnProperty.call(beat, key)) { body.append(key, String(beat[key])); }
    }
    var sent = false;
    if (navigator.sendBeacon) {
      try { sent = navigator.sendBeacon(this.closeUrl, body); } catch (e) { sent = false; }
    }
    if (!sent && window.fetch) {
      window.fetch(this.closeUrl, { method: "POST", body: body, credentials: "same-origin",
                                    keepalive: true }).catch(function () {});
    }
    this.clock.acknowledge(beat);
    this.closed = true;
    this.generation += 1;
  };

  /** The page is visible again after its session closed: ask for a new one. */
  StudyTimer.prototype.reopen = function () {
    if (this.reopening || !this.reopenUrl) { return; }
    var self = this;
    this.reopening = true;
    this.post(this.reopenUrl, {}).then(function (answer) {
      self.beatUrl = answer.beat_url;
      self.closeUrl = answer.close_url;
      self.reopenUrl = answer.reopen_url;
      self.clock.newSession();
      self.closed = false;
      self.lastBeatAt = now();
      self.show(answer);
    }).catch(function () {
      self.reopenAfter = now() + REOPEN_RETRY_MS;
    }).then(function () {
      self.reopening = false;
    });
  };

  /** Show what the server counted for this lesson. */
  StudyTimer.prototype.show = function (answer) {
    if (typeof answer.lesson_seconds !== "number") { return; }
    if (this.display) { this.display.textContent = formatClock(answer.lesson_seconds); }
    if (this.capNote && typeof answer.cap_seconds === "number") {
      this.capNote.hidden = answer.lesson_seconds < answer.cap_seconds;
    }
  };

  // -- video: resume where the learner stopped ---------------------------------------------

  function initVideo(root, timer) {
    var video = root.querySelector("video[data-lesson-video]");
    if (!video) { return; }
    var resumeAt = Number(video.dataset.resumePosition || 0);
    var restore = function () {
      var duration = video.duration;
      if (resumeAt > 0 && isFinite(duration) && resumeAt < duration - 3) {
        try { video.currentTime = resumeAt; } catch (e) { /* not seekable yet */ }
      }
    };
    if (video.readyState >= 1) { restore(); } else {
      video.addEventListener("loadedmetadata", restore, { once: true });
    }
    if (timer) {
      timer.place = function () {
        return { position: Math.floor(video.currentTime || 0) };
      };
    }
  }

  // -- PDF: PDF.js (vendored, loaded on PDF lessons only) renders pages to a canvas ----------

  function PdfViewer(el) {
    this.el = el;
    this.canvas = el.querySelector("[data-pdf-canvas]");
    this.stage = el.querySelector("[data-pdf-stage]");
    this.status = el.querySelector("[data-pdf-status]");
    this.pageInput = el.querySelector("[data-pdf-page]");
    this.pagesLabel = el.querySelector("[data-pdf-pages]");
    this.doc = null;
    this.page = Math.max(1, parseInt(el.dataset.page, 10) || 1);
    this.zoom = 1;            // multiple of "fit to width"
    this.task = null;
    this.queued = false;
  }

  PdfViewer.prototype.load = function () {
    var self = this;
    var el = this.el;
    return import(el.dataset.lib).then(function (pdfjs) {
      pdfjs.GlobalWorkerOptions.workerSrc = el.dataset.worker;
      return pdfjs.getDocument({ url: el.dataset.src, isEvalSupported: false,
                                 enableXfa: false }).promise;
    }).then(function (doc) {
      self.doc = doc;
      self.page = Math.min(self.page, doc.numPages);
      self.pagesLabel.textContent = String(doc.numPages);
      self.pageInput.max = String(doc.numPages);
      el.querySelector("[data-pdf-toolbar]").hidden = false;
      self.status.textContent = "";
      self.bind();
      return self.render();
    }).catch(function () {
      self.status.textContent = el.dataset.msgError || "";
      self.canvas.hidden = true;
    });
  };

  PdfViewer.prototype.bind = function () {
    var self = this;
    var on = function (selector, handler) {
      var button = self.el.querySelector(selector);
      if (button) { button.addEventListener("click", handler); }
    };
    on("[data-pdf-prev]", function () { self.go(self.page - 1); });
    on("[data-pdf-next]", function () { self.go(self.page + 1); });
    on("[data-pdf-zoom-in]", function () { self.setZoom(self.zoom * 1.25); });
    on("[data-pdf-zoom-out]", function () { self.setZoom(self.zoom / 1.25); });
    on("[data-pdf-fit]", function () { self.setZoom(1); });
    this.pageInput.addEventListener("change", function () {
      self.go(parseInt(self.pageInput.value, 10) || self.page);
    });
    var width = this.stage.clientWidth;
    window.addEventListener("resize", function () {
      if (Math.abs(self.stage.clientWidth - width) > 8) {
        width = self.stage.clientWidth;
        self.render();
      }
    });
  };

  PdfViewer.prototype.go = function (number) {
    if (!this.doc) { return; }
    var page = Math.min(Math.max(1, number), this.doc.numPages);
    if (page !== this.page) {
      this.page = page;
      this.render();
      this.el.scrollIntoView({ block: "start" });
    }
    this.pageInput.value = String(this.page);
  };

  PdfViewer.prototype.setZoom = function (zoom) {
    this.zoom = Math.min(4, Math.max(0.5, zoom));
    this.render();
  };

  /** Draw the current page; a request during drawing is done once the drawing ends. */
  PdfViewer.prototype.render = function () {
    var self = this;
    if (this.task) { this.queued = true; return Promise.resolve(); }
    this.pageInput.value = String(this.page);
    return this.doc.getPage(this.page).then(function (page) {
      var ratio = window.devicePixelRatio || 1;
      var natural = page.getViewport({ scale: 1 });
      var room = Math.max(200, self.stage.clientWidth - 16);
      var scale = (room / natural.width) * self.zoom;
      var viewport = page.getViewport({ scale: scale * ratio });
      var canvas = self.canvas;
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = Math.floor(viewport.width / ratio) + "px";
      canvas.style.height = Math.floor(viewport.height / ratio) + "px";
      self.task = page.render({ canvasContext: canvas.getContext("2d"), canvas: canvas,
                                viewport: viewport });
      return self.task.promise;
    }).catch(function () { /* a cancelled or failed drawing: the next request redraws */ })
      .then(function () {
        self.task = null;
        if (self.queued) { self.queued = false; return self.render(); }
      });
  };

  function initPdf(root, timer) {
    var el = root.querySelector("[data-pdf-viewer]");
    if (!el || !el.dataset.lib) { return; }
    var viewer = new PdfViewer(el);
    viewer.load();
    if (timer) {
      timer.place = function () { return viewer.doc ? { page: viewer.page } : {}; };
    }
  }

  // -- the outline: open beside the lesson on a desktop, folded above it on a phone ---------

  function initOutline(root) {
    var outline = root.querySelector("[data-outline]");
    if (!outline || !window.matchMedia) { return; }
    var query = window.matchMedia(DESKTOP_QUERY);
    var apply = function () { outline.open = query.matches; };
    apply();
    if (query.addEventListener) { query.addEventListener("change", apply); }
  }

  function init() {
    var root = document.querySelector("[data-player]");
    if (!root) { return; }
    initOutline(root);
    var timer = null;
    if (root.dataset.countsTime === "true" && root.dataset.beatUrl && window.fetch) {
      timer = new StudyTimer(root);
    }
    initVideo(root, timer);
    initPdf(root, timer);
    if (timer) { timer.start(); }
    window.LmsPlayer.timer = timer;  // the page's timer, for browser tests
  }

  window.LmsPlayer = {
    isActive: isActive,
    countableSeconds: countableSeconds,
    formatClock: formatClock,
    StudyClock: StudyClock,
    StudyTimer: StudyTimer,
    PdfViewer: PdfViewer,
    MAX_TICK_SECONDS: MAX_TICK_SECONDS,
    timer: null
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})(window, document);
