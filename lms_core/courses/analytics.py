"""Course analytics for authors: enrolments and completion, study time, drop-off by lesson and
the quality of quiz questions (classical item analysis).

Every function takes a course and optionally one of its versions. With a version, only the
learners enrolled in that version (and the attempts at its quizzes) count; without one, every
version counts, lessons and questions being matched across versions by their stable keys and
shown as they are in the *reference* version (the one given, else the published one, else
the latest). Counts are computed by the database with aggregate queries; only the item
analysis reads rows, the submitted attempts of one quiz at a time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from lms_core.courses.delivery import grade
from lms_core.courses.models import (
    Course,
    CourseModule,
    CourseVersion,
    Enrolment,
    Lesson,
    LessonProgress,
    Question,
    QuizAttempt,
)
from lms_core.extensions import db

#: Fewer answers than this and a question's discrimination is "not enough data": a
#: correlation over a handful of attempts is noise. (Its difficulty, a plain share, is shown
#: with its n whatever the number.)
MIN_ITEM_RESPONSES = 10
#: Item-analysis rules of thumb used for the flags shown to authors.
EASY_ABOVE = 0.9
HARD_BELOW = 0.3
POOR_DISCRIMINATION_BELOW = 0.2


def reference_version(course: Course, version: CourseVersion | None = None) -> CourseVersion:
    """The version whose lessons and questions the analytics are shown against."""
    return version or course.published_version or course.latest_version


def _enrolment_scope(course: Course, version: CourseVersion | None) -> list:
    where = [Enrolment.course_id == course.id]
    if version is not None:
        where.append(Enrolment.version_id == version.id)
    return where


# -- enrolments and completion ----------------------------------------------------------------
@dataclass(frozen=True)
class Overview:
    enrolled: int
    completed: int
    #: Median verified study time (seconds) of the learners who completed; None without any.
    median_study_seconds: float | None
    #: Median days from enrolment to completion of the learners who completed.
    median_days_to_complete: float | None

    @property
    def completion_rate(self) -> float | None:
        """Share (0-1) of the enrolled learners who completed; None when nobody enrolled."""
        return self.completed / self.enrolled if self.enrolled else None


def _days_to_complete():
    """Days (with fractions) from enrolment to completion, computed by the database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.extract("epoch", Enrolment.completed_at - Enrolment.enrolled_at) / 86400.0
    return sa.func.julianday(Enrolment.completed_at) - sa.func.julianday(Enrolment.enrolled_at)


def _median(expr, where: list) -> float | None:
    """The median of ``expr`` over the enrolments matching ``where``: the database sorts and
    returns the one or two middle values (portable: no MEDIAN function in SQLite)."""
    n = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(*where))
    if not n:
        return None
    middle = db.session.scalars(
        sa.select(expr).select_from(Enrolment).where(*where).order_by(expr)
        .offset((n - 1) // 2).limit(1 if n % 2 else 2)).all()
    return sum(float(v) for v in middle) / len(middle)


def overview(course: Course, version: CourseVersion | None = None) -> Overview:
    """Enrolments, completions and the medians of study time and of days to complete."""
    where = _enrolment_scope(course, version)
    enrolled, completed = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(Enrolment.completed_at)).where(*where)).one()
    done = [*where, Enrolment.completed_at.is_not(None)]
    return Overview(
        enrolled=enrolled, completed=completed,
        median_study_seconds=_median(Enrolment.verified_seconds, done),
        median_days_to_complete=_median(_days_to_complete(), done))


# -- drop-off by lesson -------------------------------------------------------------------------
@dataclass(frozen=True)
class LessonFunnel:
    lesson: Lesson
    #: Learners in scope who opened the lesson (have progress on it) and who completed it.
    reached: int
    completed: int
    enrolled: int

    @property
    def stopped(self) -> int:
        """Reached the lesson but have not completed it (yet)."""
        return self.reached - self.completed

    @property
    def reached_percent(self) -> float:
        return 100 * self.reached / self.enrolled if self.enrolled else 0.0

    @property
    def completed_percent(self) -> float:
        return 100 * self.completed / self.enrolled if self.enrolled else 0.0


def lesson_dropoff(course: Course, version: CourseVersion | None = None) -> list[LessonFunnel]:
    """For each lesson of the reference version, in course order: how many enrolled learners
    reached it and how many completed it. One GROUP BY over the progress table; lessons are
    matched across versions by key (a learner moved to a new version is counted once)."""
    reference = reference_version(course, version)
    where = _enrolment_scope(course, version)
    enrolled = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(*where))
    done_enrolment = sa.case((LessonProgress.completed_at.is_not(None),
                              LessonProgress.enrolment_id))
    rows = db.session.execute(
        sa.select(Lesson.key, sa.func.count(sa.distinct(LessonProgress.enrolment_id)),
                  sa.func.count(sa.distinct(done_enrolment)))
        .select_from(LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
        .where(*where).group_by(Lesson.key)).all()
    counts = {key: (reached, completed) for key, reached, completed in rows}
    return [LessonFunnel(lesson, *counts.get(lesson.key, (0, 0)), enrolled=enrolled)
            for lesson in reference.lessons]


# -- quiz item analysis -------------------------------------------------------------------------
class _Correlation:
    """Running sums for the Pearson correlation of a 0/1 item score with a rest score."""

    def __init__(self) -> None:
        self.n = 0
        self.sx = self.sy = self.sxy = self.syy = 0.0

    def add(self, x: int, y: float) -> None:
        self.n += 1
        self.sx += x
        self.sy += y
        self.sxy += x * y
        self.syy += y * y

    def value(self) -> float | None:
        """The correlation, or None when either score does not vary (it is undefined)."""
        n = self.n
        var_x = n * self.sx - self.sx * self.sx  # x is 0/1: sum of squares == sum
        var_y = n * self.syy - self.sy * self.sy
        if n < 2 or var_x <= 1e-12 or var_y <= 1e-12:
            return None
        return (n * self.sxy - self.sx * self.sy) / math.sqrt(var_x * var_y)


@dataclass
class ItemStats:
    """One question's figures over the submitted attempts that drew it."""

    question: Question
    n: int = 0  #: answers (attempts that drew the question)
    correct: int = 0
    #: Corrected item-total (point-biserial) correlation; None when not enough data or
    #: undefined (see :attr:`note`).
    discrimination: float | None = None
    #: Why there is no discrimination: "not_enough_data" or "no_variation"; None otherwise.
    note: str | None = None

    @property
    def difficulty(self) -> float | None:
        """The share (0-1) of answers that were correct: the classical difficulty index p."""
        return self.correct / self.n if self.n else None

    @property
    def flags(self) -> list[str]:
        """Rules of thumb for the author: "key" (negative discrimination: check the answer
        key), "poor" (discriminates poorly), "easy", "hard". Only with enough data."""
        if self.n < MIN_ITEM_RESPONSES:
            return []
        out = []
        if self.discrimination is not None:
            if self.discrimination < 0:
                out.append("key")
            elif self.discrimination < POOR_DISCRIMINATION_BELOW:
                out.append("poor")
        p = self.difficulty
        if p is not None and p > EASY_ABOVE:
            out.append("easy")
        elif p is not None and p < HARD_BELOW:
            out.append("hard")
        return out


@dataclass
class QuizAnalysis:
    lesson: Lesson
    attempts: int = 0  #: submitted attempts counted
    items: list[ItemStats] = field(default_factory=list)


def _quiz_lesson_ids(course: Course, lesson: Lesson, version: CourseVersion | None) -> list[int]:
    if version is not None:
        return [lesson.id]
    return list(db.session.scalars(
        sa.select(Lesson.id).join(CourseModule, CourseModule.id == Lesson.module_id)
        .join(CourseVersion, CourseVersion.id == CourseModule.version_id)
        .where(CourseVersion.course_id == course.id, Lesson.key == lesson.key)))


def analyse_quiz(course: Course, lesson: Lesson, version: CourseVersion | None = None, *,
                 min_n: int = MIN_ITEM_RESPONSES) -> QuizAnalysis:
    """Item analysis of one quiz over its submitted attempts (every attempt, retakes
    included; in every version unless ``version`` is given).

    For each question of ``lesson``: n, the difficulty p (share answered correctly, graded
    again from the stored responses with :func:`delivery.grade`) and the discrimination: the
    point-biserial correlation between the item's score (0/1) and the attempt's score on its
    *other* drawn questions (the share of their points earned), i.e. the corrected
    item-total correlation. It is left out below ``min_n`` answers, and when either score
    does not vary. A question only in other versions of the quiz is not shown.
    """
    lesson_ids = _quiz_lesson_ids(course, lesson, version)
    questions = {q.id: q for q in db.session.scalars(
        sa.select(Question).where(Question.lesson_id.in_(lesson_ids)))}
    stats = {q.key: ItemStats(q) for q in lesson.questions}
    correlations = {key: _Correlation() for key in stats}
    result = QuizAnalysis(lesson)
    rows = db.session.execute(
        sa.select(QuizAttempt.drawn, QuizAttempt.responses)
        .where(QuizAttempt.lesson_id.in_(lesson_ids), QuizAttempt.submitted_at.is_not(None))
        .execution_options(yield_per=1000))
    for drawn, responses in rows:
        result.attempts += 1
        graded = []
        for item in drawn or []:
            question = questions.get(item.get("q"))
            if question is not None:
                ok = grade(question, (responses or {}).get(str(question.id)))
                graded.append((question.key, int(ok), question.points))
        total = sum(points for _key, _ok, points in graded)
        earned = sum(points for _key, ok, points in graded if ok)
        for key, ok, points in graded:
            item_stats = stats.get(key)
            if item_stats is None:
                continue
            item_stats.n += 1
            item_stats.correct += ok
            rest_max = total - points
            if rest_max > 0:
                correlations[key].add(ok, (earned - (points if ok else 0)) / rest_max)
    for key, item_stats in stats.items():
        if item_stats.n < min_n:
            item_stats.note = "not_enough_data"
        else:
            item_stats.discrimination = correlations[key].value()
            if item_stats.discrimination is None:
                item_stats.note = "no_variation"
    result.items = list(stats.values())
    return result


def item_analysis(course: Course, version: CourseVersion | None = None, *,
                  min_n: int = MIN_ITEM_RESPONSES) -> list[QuizAnalysis]:
    """:func:`analyse_quiz` for every quiz of the reference version, in course order."""
    reference = reference_version(course, version)
    return [analyse_quiz(course, lesson, version, min_n=min_n)
            for lesson in reference.lessons if lesson.kind == "quiz"]


@dataclass(frozen=True)
class CourseAnalytics:
    course: Course
    version: CourseVersion | None  #: None: every version
    reference: CourseVersion
    overview: Overview
    lessons: list[LessonFunnel]
    quizzes: list[QuizAnalysis]


def course_analytics(course: Course, version: CourseVersion | None = None) -> CourseAnalytics:
    """Everything the analytics page shows."""
    return CourseAnalytics(course=course, version=version,
                           reference=reference_version(course, version),
                           overview=overview(course, version),
                           lessons=lesson_dropoff(course, version),
                           quizzes=item_analysis(course, version))
