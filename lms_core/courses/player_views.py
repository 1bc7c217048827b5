"""The course player: lessons, study time, quizzes, media.

Every visit to a lesson page opens a study session (:func:`delivery.open_lesson`). The page's
script (``static/js/player.js``) reports the seconds the page was visible and the learner
active in heartbeats, and closes the session when the page is hidden or left; the server
decides what counts (:func:`delivery.heartbeat`: wall-clock limit, replay, cap per lesson).
Sessions whose page never said goodbye are closed by the scheduled sweeper
(``core.sweep_study_sessions``).
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from lms_core.courses import delivery, render
from lms_core.courses import media as media_store
from lms_core.courses.kinds import get_kind
from lms_core.courses.models import (
    Certificate,
    Course,
    Enrolment,
    Lesson,
    MediaAsset,
    Question,
    QuizAttempt,
    StudySession,
)
from lms_core.db import begin_writing, end_writing
from lms_core.errors import UserError, abort_with
from lms_core.extensions import db
from lms_core.identity.access import role_required
from lms_core.ui.i18n import localized

bp = Blueprint("player", __name__)

#: How often the page reports study time (seconds); the sweeper's timeout is far longer.
BEAT_SECONDS = 30
#: Longest short answer kept.
SHORT_ANSWER_MAX = 500
#: A heartbeat cannot report more than this (seconds); the server's own limits are tighter.
MAX_REPORTED_SECONDS = 24 * 3600
#: Media are content-addressed, so a browser may keep them; private: they need a login.
MEDIA_MAX_AGE = 24 * 3600


# -- loading and access (the cmi5 launch pages use them too) ----------------------------------
def course_page(code: str) -> str | None:
    """The course's page in the catalogue, when the learner pages provide one."""
    try:
        return url_for("courses.course", code=code)
    except BuildError:
        return None


def enrolment_or_leave(code: str) -> Enrolment:
    """The current user's enrolment in course ``code``: 404 for an unknown course; to the
    course page (where one enrols) with a message when the user is not enrolled."""
    course = db.session.scalar(sa.select(Course).where(Course.code == code.strip().upper()))
    if course is None:
        abort(404)
    enrolment = delivery.enrolment_of(current_user, course)
    if enrolment is None:
        message = _("You are not enrolled in this course. Enrol on the course page first.")
        target = course_page(course.code)
        if target is None:
            abort_with(404, message)
        flash(message, "warning")
        abort(redirect(target))
    return enrolment


def lesson_or_404(enrolment: Enrolment, lesson_id: int, kind: str | None = None) -> Lesson:
    """A lesson of the version the learner follows (a lesson of another course or version, or
    of another ``kind`` when one is given, is not found)."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.module.version_id != enrolment.version_id or \
            (kind is not None and lesson.kind != kind):
        abort(404)
    return lesson


def _session_or_404(session_id: str) -> tuple[StudySession, Enrolment, Lesson]:
    """A study session of the current user (another user's is not found)."""
    session = db.session.get(StudySession, session_id)
    if session is None:
        abort(404)
    enrolment = db.session.get(Enrolment, session.enrolment_id)
    if enrolment is None or enrolment.user_id != current_user.id:
        abort(404)
    return session, enrolment, db.session.get(Lesson, session.lesson_id)


def _lesson_url(enrolment: Enrolment, lesson: Lesson, anchor: str = "") -> str:
    url = url_for("player.lesson", code=enrolment.course.code, lesson_id=lesson.id)
    return f"{url}#{anchor}" if anchor else url


# -- small helpers for the pages ------------------------------------------------------------
def clock(seconds: float) -> str:
    """``mm:ss`` (minutes may pass 59), as the study-time indicator shows it."""
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _neighbours(enrolment: Enrolment, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    lessons = enrolment.version.lessons
    index = next(i for i, item in enumerate(lessons) if item.id == lesson.id)
    return (lessons[index - 1] if index > 0 else None,
            lessons[index + 1] if index + 1 < len(lessons) else None)


def _completed_ids(enrolment: Enrolment) -> set[int]:
    return {p.lesson_id for p in enrolment.progress if p.completed_at is not None}


def _certificate(enrolment: Enrolment) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.enrolment_id == enrolment.id))


def _flash_course_completed(enrolment: Enrolment, was_completed: bool) -> None:
    if was_completed or enrolment.completed_at is None:
        return
    certificate = _certificate(enrolment)
    if certificate is not None:
        flash(_("Congratulations! You have completed the course. Your certificate code is "
                "%(code)s.", code=certificate.code), "success")
    else:
        flash(_("Congratulations! You have completed the course."), "success")


def _media_url(asset: MediaAsset | None) -> str | None:
    if asset is None:
        return None
    return url_for("player.media", sha256=asset.sha256, filename=asset.filename)


def _session_urls(session: StudySession) -> dict[str, str]:
    return {
        "beat_url": url_for("player.beat", session_id=session.id),
        "close_url": url_for("player.close", session_id=session.id),
        "reopen_url": url_for("player.reopen", session_id=session.id),
    }


# -- resume and lesson pages ----------------------------------------------------------------
@bp.route("/learn/<code>")
@role_required()
def resume(code: str):
    """Back where the learner left off: the last lesson opened, else the first not done."""
    enrolment = enrolment_or_leave(code)
    lessons = enrolment.version.lessons
    if not lessons:
        abort_with(404, _("This course has no lessons yet."))
    target = next((item for item in lessons if item.id == enrolment.last_lesson_id), None)
    if target is None:
        done = _completed_ids(enrolment)
        target = next((item for item in lessons if item.id not in done), lessons[0])
    return redirect(_lesson_url(enrolment, target))


@bp.route("/learn/<code>/<int:lesson_id>")
@role_required()
def lesson(code: str, lesson_id: int):
    """A lesson in the player: the outline with progress, the lesson, previous/next."""
    begin_writing(db.session)  # opening the lesson records a study session
    enrolment = enrolment_or_leave(code)
    lesson = lesson_or_404(enrolment, lesson_id)
    session = delivery.open_lesson(enrolment, lesson)
    end_writing(db.session)
    progress = delivery.progress_of(enrolment, lesson)
    kind = get_kind(lesson.kind)
    previous, following = _neighbours(enrolment, lesson)
    cap = delivery.lesson_cap_seconds(lesson)
    context: dict[str, Any] = {
        "enrolment": enrolment, "version": enrolment.version, "course": enrolment.course,
        "lesson": lesson, "kind": kind, "progress": progress, "session": session,
        "session_urls": _session_urls(session),
        "summary": delivery.progress_summary(enrolment),
        "previous": previous, "following": following,
        "done": progress.completed_at is not None,
        "cap_seconds": cap, "counted_clock": clock(progress.verified_seconds),
        "cap_clock": clock(cap), "beat_seconds": BEAT_SECONDS,
        "idle_seconds": current_app.config["LMS_STUDY_IDLE_SECONDS"],
        "course_url": course_page(enrolment.course.code),
        "certificate": _certificate(enrolment) if enrolment.completed_at else None,
        "media_url": _media_url(lesson.asset),
        "resume": progress.resume or {},
    }
    if lesson.kind == "text":
        context["body"] = render.markdown(localized(lesson, "body"))
    elif lesson.kind == "quiz":
        context["quiz"] = _quiz_page(enrolment, lesson)
    return render_template("courses/player.html", **context)


@bp.route("/learn/<code>/<int:lesson_id>/complete", methods=["POST"])
@role_required()
def complete(code: str, lesson_id: int):
    """"Mark as done": complete a reading lesson and go on to the next one."""
    enrolment = enrolment_or_leave(code)
    lesson = lesson_or_404(enrolment, lesson_id)
    was_completed = enrolment.completed_at is not None
    try:
        delivery.complete_lesson(enrolment, lesson)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(_lesson_url(enrolment, lesson))
    db.session.commit()
    _flash_course_completed(enrolment, was_completed)
    _previous, following = _neighbours(enrolment, lesson)
    if following is None:
        done = _completed_ids(enrolment)
        following = next((item for item in enrolment.version.lessons if item.id not in done),
                         lesson)
    return redirect(_lesson_url(enrolment, following))


# -- study time ---------------------------------------------------------------------------------
def _number(value, *, low: float, high: float) -> float | None:
    """``value`` as a finite number within [low, high], or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _report() -> dict[str, Any]:
    """A heartbeat from the page: JSON (fetch) or a form (sendBeacon, which cannot send the
    CSRF header, so the token travels as the ``csrf_token`` field)."""
    data = request.get_json(silent=True) if request.is_json else request.form
    return data if isinstance(data, dict) or hasattr(data, "getlist") else {}


def _read_beat(data) -> tuple[int, float]:
    seq = _number(data.get("seq"), low=1, high=2**31 - 1)
    active = _number(data.get("active_seconds"), low=0, high=MAX_REPORTED_SECONDS)
    if seq is None or active is None or seq != int(seq):
        raise UserError(_("The study time report is not valid."))
    return int(seq), active


def _remember_place(enrolment: Enrolment, lesson: Lesson, data) -> None:
    """Keep a video's position (seconds) and a PDF's page for the next visit."""
    place = {}
    position = _number(data.get("position"), low=0, high=MAX_REPORTED_SECONDS)
    if position is not None and lesson.kind == "video":
        place["position"] = round(position, 1)
    page = _number(data.get("page"), low=1, high=100_000)
    if page is not None and lesson.kind == "pdf":
        place["page"] = int(page)
    if place:
        progress = delivery.progress_of(enrolment, lesson)
        progress.resume = {**(progress.resume or {}), **place}  # a new dict: JSON change seen
        db.session.flush()


def _beat_answer(session: StudySession, enrolment: Enrolment, lesson: Lesson,
                 counted: int) -> dict[str, Any]:
    progress = delivery.progress_of(enrolment, lesson)
    return {"counted": counted, "lesson_seconds": progress.verified_seconds,
            "cap_seconds": delivery.lesson_cap_seconds(lesson),
            "open": session.closed_at is None}


@bp.route("/learn/session/<session_id>/beat", methods=["POST"])
@role_required()
def beat(session_id: str):
    """A heartbeat ``{seq, active_seconds[, position, page]}``; answers what was counted."""
    session, enrolment, lesson = _session_or_404(session_id)
    data = _report()
    try:
        seq, active = _read_beat(data)
        counted = delivery.heartbeat(session, seq=seq, active_seconds=active)
    except UserError as exc:
        return jsonify(error=400, message=str(exc)), 400
    if session.closed_at is None:
        _remember_place(enrolment, lesson, data)
    answer = _beat_answer(session, enrolment, lesson, counted)
    db.session.commit()
    return jsonify(answer)


@bp.route("/learn/session/<session_id>/close", methods=["POST"])
@role_required()
def close(session_id: str):
    """The page was hidden or left: count its last seconds (optional ``seq`` and
    ``active_seconds``) and close the session, which records one ``experienced`` statement."""
    session, enrolment, lesson = _session_or_404(session_id)
    data = _report()
    counted = 0
    if session.closed_at is None:
        if data.get("seq") not in (None, ""):
            try:
                seq, active = _read_beat(data)
                counted = delivery.heartbeat(session, seq=seq, active_seconds=active)
            except UserError:
                counted = 0  # a bad last report: close anyway with what was counted
        _remember_place(enrolment, lesson, data)
        delivery.close_session(session)
    answer = _beat_answer(session, enrolment, lesson, counted)
    db.session.commit()
    return jsonify(answer)


@bp.route("/learn/session/<session_id>/reopen", methods=["POST"])
@role_required()
def reopen(session_id: str):
    """The page is visible again after it closed its session: a new session for the same
    lesson (the open session itself when it was not closed)."""
    session, enrolment, lesson = _session_or_404(session_id)
    if session.closed_at is not None:
        try:
            session = delivery.open_lesson(enrolment, lesson)
        except UserError as exc:
            return jsonify(error=409, message=str(exc)), 409
    answer = {"session": session.id, **_session_urls(session),
              **_beat_answer(session, enrolment, lesson, 0)}
    db.session.commit()
    return jsonify(answer)


# -- quizzes --------------------------------------------------------------------------------------
def _choice_text(choice: dict) -> str:
    if str(get_locale() or "vi") == "en" and choice.get("text_en"):
        return choice["text_en"]
    return choice.get("text", "")


def _attempts_left(lesson: Lesson, attempts: list[QuizAttempt]) -> int | None:
    """Attempts the learner may still start; None when there is no limit."""
    allowed = lesson.settings.get("attempts", 0)
    return max(0, allowed - len(attempts)) if allowed else None


def _drawn(attempt: QuizAttempt, lesson: Lesson) -> list[tuple[int, Question, list[int]]]:
    """The attempt's questions in their drawn order: (number, question, choice order)."""
    by_id = {q.id: q for q in lesson.questions}
    out = []
    for item in attempt.drawn:
        question = by_id.get(item["q"])
        if question is not None:
            order = list(item.get("order") or range(len(question.choices)))
            out.append((len(out) + 1, question, order))
    return out


def _quiz_page(enrolment: Enrolment, lesson: Lesson) -> dict[str, Any]:
    """What the quiz lesson shows: rules, the open attempt's form, previous attempts."""
    attempts = delivery.attempts_of(enrolment, lesson)
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    submitted = [a for a in attempts if a.submitted_at is not None]
    passed = any(a.passed for a in submitted)
    left = _attempts_left(lesson, attempts)
    items = []
    if open_attempt is not None:
        for number, question, order in _drawn(open_attempt, lesson):
            items.append({
                "n": number, "question": question,
                "text": render.markdown(localized(question, "text")),
                "choices": [{"pos": pos, "text": _choice_text(question.choices[index])}
                            for pos, index in enumerate(order)
                            if 0 <= index < len(question.choices)],
            })
    settings = lesson.settings or {}
    return {
        "settings": settings, "allowed": settings.get("attempts", 0),
        "pass_mark": settings.get("pass_mark", 70),
        "draw": settings.get("draw") or len(lesson.questions),
        "attempts": attempts, "submitted": submitted, "open_attempt": open_attempt,
        "questions": items, "passed": passed, "left": left,
        "can_start": open_attempt is None and not passed and left != 0,
        "next_number": len(attempts) + 1,
    }


def _original_index(order: list[int], value) -> int | None:
    """The original choice index of a displayed position sent by the form."""
    try:
        position = int(value)
    except (TypeError, ValueError):
        return None
    return order[position] if 0 <= position < len(order) else None


def _responses(attempt: QuizAttempt, lesson: Lesson, form) -> dict[str, Any]:
    """The form's answers keyed by question id, choices mapped back to original indexes."""
    out: dict[str, Any] = {}
    for _n, question, order in _drawn(attempt, lesson):
        name, key = f"q{question.id}", str(question.id)
        if question.type == "single":
            out[key] = _original_index(order, form.get(name))
        elif question.type == "multiple":
            chosen = {_original_index(order, v) for v in form.getlist(name)}
            out[key] = sorted(i for i in chosen if i is not None)
        elif question.type == "true_false":
            value = form.get(name)
            out[key] = value if value in ("true", "false") else None
        else:
            out[key] = (form.get(name) or "").strip()[:SHORT_ANSWER_MAX]
    return out


def _attempt_or_none(enrolment: Enrolment, lesson: Lesson, attempt_id) -> QuizAttempt | None:
    try:
        attempt = db.session.get(QuizAttempt, int(attempt_id))
    except (TypeError, ValueError):
        return None
    if attempt is None or attempt.enrolment_id != enrolment.id or \
            attempt.lesson_id != lesson.id:
        return None
    return attempt


@bp.route("/learn/<code>/<int:lesson_id>/quiz/start", methods=["POST"])
@role_required()
def quiz_start(code: str, lesson_id: int):
    """Start an attempt (or resume the open one): a fresh random draw of questions."""
    enrolment = enrolment_or_leave(code)
    lesson = lesson_or_404(enrolment, lesson_id)
    try:
        delivery.start_attempt(enrolment, lesson)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(_lesson_url(enrolment, lesson, "quiz"))
    db.session.commit()
    return redirect(_lesson_url(enrolment, lesson, "quiz"))


@bp.route("/learn/<code>/<int:lesson_id>/quiz/submit", methods=["POST"])
@role_required()
def quiz_submit(code: str, lesson_id: int):
    """Grade the attempt named by the form once; a second submission (back and resubmit, or
    after the attempts are used up) is refused with a message and changes nothing."""
    enrolment = enrolment_or_leave(code)
    lesson = lesson_or_404(enrolment, lesson_id)
    attempt = _attempt_or_none(enrolment, lesson, request.form.get("attempt"))
    if attempt is None:
        flash(_("There is no open attempt of this quiz. Start an attempt first."), "error")
        return redirect(_lesson_url(enrolment, lesson, "quiz"))
    was_completed = enrolment.completed_at is not None
    try:
        delivery.submit_attempt(attempt, _responses(attempt, lesson, request.form))
    except UserError as exc:
        flash(exc.message, "error")
        attempts = delivery.attempts_of(enrolment, lesson)
        if not any(a.passed for a in attempts) and _attempts_left(lesson, attempts) == 0 and \
                all(a.submitted_at is not None for a in attempts):
            flash(_("You have used all %(n)d attempts of this quiz. These answers were not "
                    "recorded; your results and progress are kept.",
                    n=lesson.settings.get("attempts", 0)), "warning")
        else:
            flash(_("These answers were not recorded again; the result below is the one "
                    "that counts."), "info")
        return redirect(url_for("player.quiz_result", code=code, lesson_id=lesson.id,
                                number=attempt.number))
    db.session.commit()
    _flash_course_completed(enrolment, was_completed)
    return redirect(url_for("player.quiz_result", code=code, lesson_id=lesson.id,
                            number=attempt.number))


def _answer_text(question: Question, order: list[int], response) -> list[str]:
    """What the learner answered, as texts in the order the choices were shown."""
    if question.type in ("single", "multiple"):
        chosen = response if isinstance(response, list) else [response]
        picked = set()
        for value in chosen:
            try:
                picked.add(int(value))
            except (TypeError, ValueError):
                continue
        return [_choice_text(question.choices[i]) for i in order if i in picked]
    if question.type == "true_false":
        if response in (True, "true"):
            return [_("True")]
        if response in (False, "false"):
            return [_("False")]
        return []
    return [str(response)] if response not in (None, "") else []


def _correct_text(question: Question, order: list[int]) -> list[str]:
    if question.type in ("single", "multiple"):
        return [_choice_text(question.choices[i]) for i in order
                if 0 <= i < len(question.choices) and question.choices[i].get("correct")]
    if question.type == "true_false":
        return [_("True") if question.answer.get("answer") else _("False")]
    return [str(a) for a in question.answer.get("answers", [])]


@bp.route("/learn/<code>/<int:lesson_id>/quiz/<int:number>")
@role_required()
def quiz_result(code: str, lesson_id: int, number: int):
    """The result of a submitted attempt. Correct answers are shown only once the quiz is
    passed or no attempt remains, so that they cannot be copied into the next attempt."""
    enrolment = enrolment_or_leave(code)
    lesson = lesson_or_404(enrolment, lesson_id)
    attempts = delivery.attempts_of(enrolment, lesson)
    attempt = next((a for a in attempts if a.number == number), None)
    if attempt is None:
        abort(404)
    if attempt.submitted_at is None:
        return redirect(_lesson_url(enrolment, lesson, "quiz"))
    passed = any(a.passed for a in attempts)
    left = _attempts_left(lesson, attempts)
    open_attempt = any(a.submitted_at is None for a in attempts)
    reveal = passed or (left == 0 and not open_attempt)
    rows = []
    for n, question, order in _drawn(attempt, lesson):
        response = (attempt.responses or {}).get(str(question.id))
        right = delivery.grade(question, response)
        explanation = localized(question, "explanation")
        rows.append({
            "n": n, "text": render.markdown(localized(question, "text")),
            "right": right, "answer": _answer_text(question, order, response),
            "correct": _correct_text(question, order) if reveal else None,
            "explanation": render.markdown(explanation) if explanation and
            (reveal or right) else None,
        })
    max_score = attempt.max_score or 0
    percent = round(100 * (attempt.score or 0) / max_score) if max_score else 0
    _previous, following = _neighbours(enrolment, lesson)
    return render_template(
        "courses/lessons/quiz_result.html", enrolment=enrolment, version=enrolment.version,
        course=enrolment.course, lesson=lesson, attempt=attempt, rows=rows, reveal=reveal,
        passed=passed, left=left, percent=percent,
        score_text=format_decimal(attempt.score or 0, "#,##0.#"),
        max_text=format_decimal(max_score, "#,##0.#"),
        pass_mark=lesson.settings.get("pass_mark", 70),
        can_start=not passed and left != 0 and not open_attempt, following=following,
        summary=delivery.progress_summary(enrolment),
        certificate=_certificate(enrolment) if enrolment.completed_at else None,
        course_url=course_page(enrolment.course.code))


# -- media ----------------------------------------------------------------------------------------
@bp.route("/media/<sha256>/<path:filename>")
@role_required()
def media(sha256: str, filename: str):
    """A file from the media store, with conditional and range requests (a video can seek,
    PDF.js can fetch parts). The name in the URL is only for the reader and the download."""
    asset = db.session.scalar(sa.select(MediaAsset).where(MediaAsset.sha256 == sha256.lower()))
    if asset is None:
        abort(404)
    path = media_store.asset_path(asset)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=asset.content_type, conditional=True,
                         as_attachment=request.args.get("download") == "1",
                         download_name=asset.filename, max_age=MEDIA_MAX_AGE)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
