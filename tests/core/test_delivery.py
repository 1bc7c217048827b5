"""Learning: enrolment, verified study time, quizzes, completion, certificates, statements."""

import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms_core.courses import delivery as d
from lms_core.courses.models import StudySession
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.xapi.models import Statement


def verbs(user):
    rows = db.session.scalars(sa.select(Statement).where(Statement.user_id == user.id)
                              .order_by(Statement.id))
    return [s.verb_id.rsplit("/", 1)[-1] for s in rows]


@pytest.fixture
def learner(make_user):
    return make_user("hoa")


@pytest.fixture
def course(make_course):
    return make_course()


def _answers(attempt, lesson, *, right=True):
    """Responses for every drawn question, all right (or all wrong)."""
    by_id = {q.id: q for q in lesson.questions}
    out = {}
    for item in attempt.drawn:
        q = by_id[item["q"]]
        if q.type == "single":
            good = next(i for i, c in enumerate(q.choices) if c["correct"])
            out[str(q.id)] = good if right else (good + 1) % len(q.choices)
        elif q.type == "multiple":
            good = [i for i, c in enumerate(q.choices) if c["correct"]]
            out[str(q.id)] = good if right else [len(q.choices) - 1]
        elif q.type == "true_false":
            out[str(q.id)] = q.answer["answer"] if right else not q.answer["answer"]
        else:
            out[str(q.id)] = " vnaccs " if right else "sai"
    return out


def test_enrolment_records_a_registered_statement_with_the_registration(learner, course):
    enrolment = d.enrol(learner, course)
    db.session.commit()
    row = db.session.scalar(sa.select(Statement).where(Statement.user_id == learner.id))
    assert row.verb_id == "http://adlnet.gov/expapi/verbs/registered"
    assert row.registration == enrolment.registration
    assert row.payload["actor"]["account"]["name"] == learner.code
    assert "mbox" not in row.payload["actor"]
    assert row.payload["object"]["definition"]["name"]["vi-VN"] == "Khoá học thử TEST-101"


def test_an_unpublished_course_cannot_be_joined(learner, make_course):
    course = make_course(publish=False)
    with pytest.raises(UserError, match="chưa mở đăng ký"):
        d.enrol(learner, course)


def test_self_enrolment_waits_for_prerequisites_but_an_assignment_does_not(learner, make_user,
                                                                           make_course):
    make_course("A-101")
    advanced = make_course("B-201", prerequisites=["A-101"])
    with pytest.raises(UserError, match="A-101"):
        d.enrol(learner, advanced)
    hr = make_user("hr")
    enrolment = d.enrol(learner, advanced, source="assigned", assigned_by=hr,
                        due_on=date.today() + timedelta(days=30))
    assert enrolment.source == "assigned" and enrolment.due_on is not None


def test_enrolling_twice_is_refused(learner, course):
    d.enrol(learner, course)
    with pytest.raises(UserError, match="đã đăng ký"):
        d.enrol(learner, course)


def test_study_time_counts_only_what_the_clock_allows_and_caps_the_lesson(app, learner, course):
    """A lesson left open overnight earns at most its cap (3 x its expected 10 minutes)."""
    enrolment = d.enrol(learner, course)
    lesson = enrolment.version.lessons[0]
    session = d.open_lesson(enrolment, lesson)
    start = session.last_beat_at
    # A forged report of 10 minutes after 1 minute of wall-clock time counts ~1 minute.
    assert d.heartbeat(session, seq=1, active_seconds=600, now=start + timedelta(minutes=1)) == 65
    # The same heartbeat replayed counts nothing.
    assert d.heartbeat(session, seq=1, active_seconds=600, now=start + timedelta(minutes=2)) == 0
    # Eight hours later the browser claims eight hours: the lesson's cap stops it.
    counted = d.heartbeat(session, seq=2, active_seconds=8 * 3600,
                          now=start + timedelta(hours=8))
    assert 65 + counted == d.lesson_cap_seconds(lesson) == 30 * 60
    assert enrolment.verified_seconds == 30 * 60


def test_closing_a_session_records_one_experienced_statement_with_its_duration(learner, course):
    enrolment = d.enrol(learner, course)
    lesson = enrolment.version.lessons[0]
    session = d.open_lesson(enrolment, lesson)
    d.heartbeat(session, seq=1, active_seconds=90,
                now=session.last_beat_at + timedelta(seconds=95))
    d.close_session(session)
    d.close_session(session)  # twice: still one statement
    db.session.commit()
    rows = db.session.scalars(sa.select(Statement).where(
        Statement.verb_id.like("%experienced"))).all()
    assert len(rows) == 1 and rows[0].duration_seconds == 90
    assert rows[0].payload["result"]["duration"] == "PT01M30S"
    assert rows[0].payload["context"]["contextActivities"]["grouping"][0]["id"].endswith(
        "/course/TEST-101")


def test_the_sweeper_closes_abandoned_sessions(learner, course):
    enrolment = d.enrol(learner, course)
    session = d.open_lesson(enrolment, enrolment.version.lessons[0])
    d.heartbeat(session, seq=1, active_seconds=30, now=session.last_beat_at + timedelta(seconds=30))
    assert d.sweep_sessions(now=utcnow() + timedelta(minutes=10)) == 0
    assert d.sweep_sessions(now=utcnow() + timedelta(hours=1)) == 1
    assert db.session.get(StudySession, session.id).statement_id is not None


def test_a_quiz_draws_questions_limits_attempts_and_grades_once(learner, course):
    enrolment = d.enrol(learner, course)
    quiz = enrolment.version.lessons[2]
    first = d.start_attempt(enrolment, quiz, rng=random.Random(1))
    assert len(first.drawn) == 3  # draw: 3 of the pool of 4
    assert d.start_attempt(enrolment, quiz) is first  # resumable
    d.submit_attempt(first, _answers(first, quiz, right=False))
    assert first.passed is False and first.score == 0
    with pytest.raises(UserError, match="đã được nộp"):
        d.submit_attempt(first, _answers(first, quiz))
    second = d.start_attempt(enrolment, quiz, rng=random.Random(2))
    d.submit_attempt(second, _answers(second, quiz, right=False))
    with pytest.raises(UserError, match="hết 2 lượt"):
        d.start_attempt(enrolment, quiz)
    assert verbs(learner).count("answered") == 6
    assert verbs(learner).count("failed") == 2


@pytest.mark.parametrize("qtype,response,ok", [
    ("short_answer", "  VnAccs ", True), ("short_answer", "vnaccs/vcis", False),
    ("true_false", "true", True), ("true_false", False, False),
    ("single", 0, True), ("single", "x", False),
    ("multiple", [0, 1], True), ("multiple", [0], False), ("multiple", [0, 1, 2], False),
])
def test_grading(course, qtype, response, ok):
    question = next(q for q in course.published_version.lessons[2].questions if q.type == qtype)
    assert d.grade(question, response) is ok


def test_completion_issues_a_certificate_and_statements(learner, course):
    enrolment = d.enrol(learner, course)
    lessons = enrolment.version.lessons
    d.complete_lesson(enrolment, lessons[0])
    assert d.check_completion(enrolment) is None
    d.complete_lesson(enrolment, lessons[1])
    attempt = d.start_attempt(enrolment, lessons[2])
    d.submit_attempt(attempt, _answers(attempt, lessons[2]))
    db.session.commit()
    assert attempt.passed and enrolment.completed_at is not None
    certificate = d.check_completion(enrolment)
    assert certificate.code.startswith("HQ-") and d.certificate_by_code(certificate.code.lower())
    assert verbs(learner)[-2:] == ["completed", "completed"]  # the quiz lesson, then the course
    assert "passed" in verbs(learner)


def test_minimum_time_is_part_of_the_rule(learner, make_course):
    course = make_course(min_minutes=5)
    enrolment = d.enrol(learner, course)
    lessons = enrolment.version.lessons
    for lesson in lessons[:2]:
        d.complete_lesson(enrolment, lesson)
    attempt = d.start_attempt(enrolment, lessons[2])
    d.submit_attempt(attempt, _answers(attempt, lessons[2]))
    assert enrolment.completed_at is None
    assert d.completion_status(enrolment)["minutes_ok"] is False
    session = d.open_lesson(enrolment, lessons[0])
    d.heartbeat(session, seq=1, active_seconds=300, now=session.last_beat_at + timedelta(minutes=5))
    assert d.check_completion(enrolment) is not None


def test_a_quiz_is_not_completed_by_the_reading_button(learner, course):
    enrolment = d.enrol(learner, course)
    with pytest.raises(UserError):
        d.complete_lesson(enrolment, enrolment.version.lessons[2])


def test_a_lesson_of_another_version_is_refused(learner, make_course, tmp_path):
    course = make_course()
    other = make_course("OTHER-1")
    enrolment = d.enrol(learner, course)
    with pytest.raises(UserError):
        d.open_lesson(enrolment, other.published_version.lessons[0])
