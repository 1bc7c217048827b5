"""Learning: enrolment, lessons, study time, quizzes, completion and certificates.

Every learning event is recorded as an xAPI statement (:mod:`lms_core.xapi.statements`) in the
same transaction as the state it changes. The progress tables are the working state; the
statements are the record that hours, completions and scores are derived from.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms_core.courses.kinds import get_kind
from lms_core.courses.models import (
    Certificate,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Question,
    QuizAttempt,
    StudySession,
)
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.signals import courses as signals
from lms_core.text import fold
from lms_core.xapi import statements as xs
from lms_core.xapi import vocabulary as V

#: Heartbeats may report a little more than the wall-clock gap (network jitter), no more.
HEARTBEAT_SLACK_SECONDS = 5
#: A study session with no heartbeat for this long is closed by the sweeper.
SESSION_TIMEOUT = timedelta(minutes=30)


# -- enrolment ----------------------------------------------------------------------------------
def enrolment_of(user, course: Course) -> Enrolment | None:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user.id,
                                                        Enrolment.course_id == course.id))


def missing_prerequisites(user, course: Course) -> list[Course]:
    version = course.published_version
    if version is None:
        return []
    done = set(db.session.scalars(sa.select(Enrolment.course_id).where(
        Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None))))
    return [p.required_course for p in version.prerequisites
            if p.required_course_id not in done]


def enrol(user, course: Course, *, source: str = "self", assigned_by=None,
          due_on: date | None = None) -> Enrolment:
    """Enrol ``user`` in the course's published version. Self-enrolment needs the
    prerequisites completed; an assignment (by HR or a unit head) does not wait for them.
    Assigning a course the officer already follows sets its due date."""
    version = course.published_version
    if version is None:
        raise UserError(_("This course is not open for enrolment."))
    existing = enrolment_of(user, course)
    if existing is not None:
        if existing.completed_at is not None:
            raise UserError(_("%(name)s has already completed this course.",
                              name=user.full_name))
        if source == "assigned":
            existing.source = "assigned"
            existing.assigned_by_id = getattr(assigned_by, "id", None)
            existing.due_on = due_on
            db.session.flush()
            return existing
        raise UserError(_("You are already enrolled in this course."))
    if source == "self":
        missing = missing_prerequisites(user, course)
        if missing:
            raise UserError(_("Complete these courses first: %(codes)s.",
                              codes=", ".join(c.code for c in missing)))
    if due_on is not None and due_on < date.today():
        raise UserError(_("The due date is in the past."), field="due_on")
    enrolment = Enrolment(user_id=user.id, course_id=course.id, version_id=version.id,
                          source=source, assigned_by_id=getattr(assigned_by, "id", None),
                          due_on=due_on)
    db.session.add(enrolment)
    db.session.flush()
    xs.record(xs.build(user, "registered", xs.course_activity(version),
                       context=xs.learning_context(enrolment)), user=user)
    signals.enrolment_created.send(enrolment)
    return enrolment


def assign(course: Course, users, *, by, due_on: date | None) -> list[Enrolment]:
    """Assign the course to several officers (access is checked by the caller)."""
    return [enrol(u, course, source="assigned", assigned_by=by, due_on=due_on) for u in users]


# -- lessons ----------------------------------------------------------------------------------
def _check_lesson(enrolment: Enrolment, lesson: Lesson) -> None:
    if lesson.module.version_id != enrolment.version_id:
        raise UserError(_("This lesson is not part of your version of the course."))


def progress_of(enrolment: Enrolment, lesson: Lesson, *,
                create: bool = True) -> LessonProgress | None:
    progress = next((p for p in enrolment.progress if p.lesson_id == lesson.id), None)
    if progress is None and create:
        progress = LessonProgress(lesson_id=lesson.id)
        enrolment.progress.append(progress)
        db.session.flush()
    return progress


def open_lesson(enrolment: Enrolment, lesson: Lesson) -> StudySession:
    """The learner opens a lesson: remember it for resuming and start a study session."""
    _check_lesson(enrolment, lesson)
    progress = progress_of(enrolment, lesson)
    progress.last_seen_at = utcnow()
    first_time = enrolment.last_lesson_id is None and not any(
        p.verified_seconds or p.completed_at for p in enrolment.progress)
    enrolment.last_lesson_id = lesson.id
    session = StudySession(enrolment_id=enrolment.id, lesson_id=lesson.id)
    db.session.add(session)
    db.session.flush()
    if first_time:
        xs.record(xs.build(enrolment.user, "launched", xs.course_activity(enrolment.version),
                           context=xs.learning_context(enrolment),
                           timestamp=session.started_at), user=enrolment.user)
    return session


def lesson_cap_seconds(lesson: Lesson) -> int:
    """Most study time a lesson can count: a multiple of its expected duration."""
    return int(lesson.minutes * 60 * current_app.config["LMS_STUDY_CAP_FACTOR"])


def heartbeat(session: StudySession, *, seq: int, active_seconds: float,
              now: datetime | None = None) -> int:
    """Count the visible, active seconds the browser reports for a study session. Returns the
    seconds counted. A replayed or out-of-order heartbeat counts nothing; a report larger than
    the time since the previous heartbeat is cut to that time; the lesson's total is capped."""
    now = now or utcnow()
    if session.closed_at is not None or seq <= session.last_seq:
        return 0
    if active_seconds < 0:
        raise UserError(_("Invalid study time."))
    elapsed = (now - session.last_beat_at).total_seconds() + HEARTBEAT_SLACK_SECONDS
    accepted = int(min(active_seconds, max(elapsed, 0)))
    enrolment = db.session.get(Enrolment, session.enrolment_id)
    lesson = db.session.get(Lesson, session.lesson_id)
    progress = progress_of(enrolment, lesson)
    room = max(0, lesson_cap_seconds(lesson) - progress.verified_seconds)
    counted = min(accepted, room)
    if session.last_seq == 0:
        # The page reported once: the visit is a study session in the record.
        xs.record(xs.build(enrolment.user, "initialized", xs.lesson_activity(lesson),
                           context=_session_context(enrolment, lesson, session),
                           timestamp=session.started_at), user=enrolment.user)
    session.last_seq = seq
    session.last_beat_at = now
    session.reported_seconds += int(active_seconds)
    session.counted_seconds += counted
    progress.verified_seconds += counted
    progress.last_seen_at = now
    enrolment.verified_seconds += counted
    db.session.flush()
    return counted


def _session_context(enrolment: Enrolment, lesson: Lesson, session: StudySession):
    return xs.learning_context(enrolment, lesson,
                               extensions={V.EXT_STUDY_SESSION: session.id})


def close_session(session: StudySession, *, now: datetime | None = None) -> None:
    """End a study session. Its counted time becomes one ``experienced`` statement; a session
    that reported (and so was ``initialized``) is ``terminated`` with its wall-clock length."""
    if session.closed_at is not None:
        return
    session.closed_at = now or utcnow()
    if session.counted_seconds > 0 or session.last_seq > 0:
        enrolment = db.session.get(Enrolment, session.enrolment_id)
        lesson = db.session.get(Lesson, session.lesson_id)
        context = _session_context(enrolment, lesson, session)
        if session.counted_seconds > 0:
            row = xs.record(xs.build(
                enrolment.user, "experienced", xs.lesson_activity(lesson),
                result_=xs.result(duration_seconds=session.counted_seconds,
                                  extensions={V.EXT_VERIFIED_SECONDS: session.counted_seconds}),
                context=context, timestamp=session.started_at), user=enrolment.user)
            session.statement_id = row.statement_id
        if session.last_seq > 0:
            length = max(0.0, (session.closed_at - session.started_at).total_seconds())
            xs.record(xs.build(enrolment.user, "terminated", xs.lesson_activity(lesson),
                               result_=xs.result(duration_seconds=round(length)),
                               context=context, timestamp=session.closed_at),
                      user=enrolment.user)
    db.session.flush()


def sweep_sessions(now: datetime | None = None) -> int:
    """Close the study sessions whose browser stopped reporting (closed tab, lost network).
    Run by the scheduler; returns how many were closed."""
    now = now or utcnow()
    stale = db.session.scalars(sa.select(StudySession).where(
        StudySession.closed_at.is_(None), StudySession.last_beat_at < now - SESSION_TIMEOUT)).all()
    for session in stale:
        close_session(session, now=session.last_beat_at)
    return len(stale)


def complete_lesson(enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    """The learner finished a reading, video or PDF lesson."""
    _check_lesson(enrolment, lesson)
    if not get_kind(lesson.kind).is_complete_on_visit(lesson):
        raise UserError(_("This lesson is completed by passing its quiz."))
    progress = progress_of(enrolment, lesson)
    if progress.completed_at is None:
        _mark_completed(enrolment, lesson, progress)
        check_completion(enrolment)
        _record_progress(enrolment)
    return progress


def _mark_completed(enrolment, lesson, progress) -> None:
    progress.completed_at = utcnow()
    xs.record(xs.build(enrolment.user, "completed", xs.lesson_activity(lesson),
                       result_=xs.result(completion=True),
                       context=xs.learning_context(enrolment, lesson)), user=enrolment.user)
    db.session.flush()


def _record_progress(enrolment: Enrolment) -> None:
    """After a lesson is completed: ``progressed`` with the share of lessons done, unless the
    course is now completed (its ``completed`` statement says so)."""
    if enrolment.completed_at is not None:
        return
    xs.record(xs.build(enrolment.user, "progressed", xs.course_activity(enrolment.version),
                       result_=xs.result(extensions={
                           V.EXT_PROGRESS: progress_summary(enrolment)["percent"]}),
                       context=xs.learning_context(enrolment)), user=enrolment.user)


# -- quizzes ----------------------------------------------------------------------------------
def attempts_of(enrolment: Enrolment, lesson: Lesson) -> list[QuizAttempt]:
    return list(db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.lesson_id == lesson.id)
        .order_by(QuizAttempt.number)))


def start_attempt(enrolment: Enrolment, lesson: Lesson, *, rng: random.Random | None = None
                  ) -> QuizAttempt:
    """The open attempt, or a new one with its own random draw of questions (and order of
    choices). Refused when the allowed attempts are used up or the quiz is passed."""
    _check_lesson(enrolment, lesson)
    if lesson.kind != "quiz":
        raise UserError(_("This lesson is not a quiz."))
    attempts = attempts_of(enrolment, lesson)
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt is not None:
        return open_attempt
    if any(a.passed for a in attempts):
        raise UserError(_("You have already passed this quiz."))
    allowed = lesson.settings.get("attempts", 0)
    if allowed and len(attempts) >= allowed:
        raise UserError(_("You have used all %(n)d attempts of this quiz.", n=allowed))
    rng = rng or random.SystemRandom()
    questions = list(lesson.questions)
    draw = lesson.settings.get("draw") or len(questions)
    chosen = rng.sample(questions, min(draw, len(questions)))
    drawn = []
    for q in chosen:
        order = list(range(len(q.choices)))
        if lesson.settings.get("shuffle", True):
            rng.shuffle(order)
        drawn.append({"q": q.id, "order": order})
    attempt = QuizAttempt(enrolment_id=enrolment.id, lesson_id=lesson.id,
                          number=len(attempts) + 1, drawn=drawn, responses={})
    db.session.add(attempt)
    db.session.flush()
    xs.record(xs.build(enrolment.user, "attempted", xs.lesson_activity(lesson),
                       context=_attempt_context(enrolment, lesson, attempt),
                       timestamp=attempt.started_at), user=enrolment.user)
    return attempt


def _attempt_context(enrolment: Enrolment, lesson: Lesson, attempt: QuizAttempt, *,
                     question: bool = False):
    return xs.learning_context(enrolment, lesson, question=question,
                               extensions={V.EXT_ATTEMPT: attempt.number})


def grade(question: Question, response) -> bool:
    """Whether ``response`` answers ``question``: a choice index (single), a list of choice
    indexes (multiple), a boolean (true/false) or a text (short answer: case, accents and
    spacing ignored)."""
    if question.type == "single":
        try:
            return bool(question.choices[int(response)]["correct"])
        except (TypeError, ValueError, IndexError):
            return False
    if question.type == "multiple":
        try:
            chosen = {int(r) for r in (response or [])}
        except (TypeError, ValueError):
            return False
        return chosen == {i for i, c in enumerate(question.choices) if c["correct"]}
    if question.type == "true_false":
        if isinstance(response, str):
            response = {"true": True, "false": False}.get(response.lower())
        return response is not None and bool(response) == bool(question.answer.get("answer"))
    accepted = {fold(str(a)) for a in question.answer.get("answers", [])}
    return fold(str(response or "")) in accepted


def submit_attempt(attempt: QuizAttempt, responses: dict, *, now: datetime | None = None
                   ) -> QuizAttempt:
    """Grade an attempt once. ``responses`` maps question id (as text) to the response. A
    second submission of the same attempt is refused and changes nothing."""
    if attempt.submitted_at is not None:
        raise UserError(_("This attempt was already submitted."))
    enrolment = db.session.get(Enrolment, attempt.enrolment_id)
    lesson = db.session.get(Lesson, attempt.lesson_id)
    by_id = {q.id: q for q in lesson.questions}
    score = max_score = 0.0
    kept = {}
    for item in attempt.drawn:
        question = by_id[item["q"]]
        response = responses.get(str(question.id))
        correct = grade(question, response)
        kept[str(question.id)] = response
        max_score += question.points
        score += question.points if correct else 0
        xs.record(xs.build(
            enrolment.user, "answered", xs.question_activity(lesson, question),
            result_=xs.result(success=correct, response=xs.response_text(question, response)),
            context=_attempt_context(enrolment, lesson, attempt, question=True)),
            user=enrolment.user)
    attempt.responses = kept
    attempt.score, attempt.max_score = score, max_score
    scaled = score / max_score if max_score else 0.0
    attempt.passed = scaled * 100 >= lesson.settings.get("pass_mark", 70) - 1e-9
    attempt.submitted_at = now or utcnow()
    taken = max(0.0, (attempt.submitted_at - attempt.started_at).total_seconds())
    xs.record(xs.build(
        enrolment.user, "passed" if attempt.passed else "failed", xs.lesson_activity(lesson),
        result_=xs.result(success=attempt.passed, completion=True, scaled=scaled, raw=score,
                          max_score=max_score, duration_seconds=round(taken)),
        context=_attempt_context(enrolment, lesson, attempt)), user=enrolment.user)
    progress = progress_of(enrolment, lesson)
    graded = lesson.settings.get("graded", True)
    newly_completed = progress.completed_at is None and (attempt.passed or not graded)
    if newly_completed:
        _mark_completed(enrolment, lesson, progress)
    db.session.flush()
    check_completion(enrolment)
    if newly_completed:
        _record_progress(enrolment)
    return attempt


# -- completion ---------------------------------------------------------------------------------
def completion_status(enrolment: Enrolment) -> dict:
    """What the completion rule needs and what is met: lessons done, quizzes passed, minutes."""
    version = enrolment.version
    lessons = version.lessons
    done = {p.lesson_id for p in enrolment.progress if p.completed_at is not None}
    graded_quizzes = [lesson for lesson in lessons
                      if lesson.kind == "quiz" and lesson.settings.get("graded", True)]
    passed = {a.lesson_id for a in db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.passed.is_(True)))}
    minutes = enrolment.verified_seconds // 60
    return {
        "lessons_total": len(lessons),
        "lessons_done": len([lesson for lesson in lessons if lesson.id in done]),
        "lessons_ok": not version.require_all_lessons or all(lesson.id in done
                                                             for lesson in lessons),
        "quizzes_ok": not version.require_quiz_passed or all(q.id in passed
                                                             for q in graded_quizzes),
        "minutes": minutes,
        "min_minutes": version.min_minutes,
        "minutes_ok": minutes >= version.min_minutes,
    }


def check_completion(enrolment: Enrolment) -> Certificate | None:
    """Complete the enrolment when its course's rule is met: record the statement and issue
    the certificate. Returns the certificate (new or existing) or None."""
    if enrolment.completed_at is not None:
        return db.session.scalar(sa.select(Certificate).where(
            Certificate.enrolment_id == enrolment.id))
    status = completion_status(enrolment)
    if not (status["lessons_ok"] and status["quizzes_ok"] and status["minutes_ok"]):
        return None
    enrolment.completed_at = utcnow()
    enrolment.status = "completed"
    version = enrolment.version
    xs.record(xs.build(enrolment.user, "completed", xs.course_activity(version),
                       result_=xs.result(completion=True,
                                         duration_seconds=enrolment.verified_seconds),
                       context=xs.learning_context(enrolment)), user=enrolment.user)
    certificate = Certificate(
        enrolment_id=enrolment.id, code=new_certificate_code(),
        holder_name=enrolment.user.full_name, course_title_vi=version.title_vi,
        course_title_en=version.title_en,
        hours=round(max(enrolment.verified_seconds / 3600, 0), 1))
    db.session.add(certificate)
    db.session.flush()
    signals.course_completed.send(enrolment, certificate=certificate)
    return certificate


#: Letters and digits that cannot be mistaken for each other when typed from paper.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_certificate_code() -> str:
    """``HQ-XXXX-XXXX``: random (40 bits), for the public verification page."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"HQ-{raw[:4]}-{raw[4:]}"


def certificate_by_code(code: str) -> Certificate | None:
    code = (code or "").strip().upper()
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def progress_summary(enrolment: Enrolment) -> dict:
    """Percent complete for the course and per module, for progress bars."""
    done = {p.lesson_id for p in enrolment.progress if p.completed_at is not None}
    modules = []
    for module in enrolment.version.modules:
        total = len(module.lessons)
        count = sum(1 for lesson in module.lessons if lesson.id in done)
        modules.append({"module": module, "done": count, "total": total,
                        "percent": round(100 * count / total) if total else 0})
    total = sum(m["total"] for m in modules)
    count = sum(m["done"] for m in modules)
    return {"percent": round(100 * count / total) if total else 0, "done": count,
            "total": total, "modules": modules, "completed_ids": done}
