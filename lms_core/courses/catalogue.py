"""The learner's side of the courses as plain functions: catalogue search, a learner's own
courses, verified study hours, and assignment of a course to officers by HR or a unit head.

The catalogue offers published versions only: a course appears through
``Course.published_version_id``, so it appears once, with its current version; drafts,
versions in review and archived courses never do. Search is accent-insensitive: the query is
folded with :func:`lms_core.text.fold` and every word must occur in
``CourseVersion.search_text`` (the fold of code, titles, descriptions and tags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import orm as so

from lms_core.courses import delivery
from lms_core.courses.models import (
    Certificate,
    Course,
    CourseCompetency,
    CourseModule,
    CourseTargetPosition,
    CourseVersion,
    Enrolment,
)
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation import queries as org
from lms_core.organisation.models import Assignment, JobPosition, ProfessionalField
from lms_core.text import fold
from lms_core.xapi import vocabulary as V
from lms_core.xapi.models import Statement

#: Results per catalogue page.
PAGE_SIZE = 20
#: The choices of the "at most N hours" filter.
DURATION_CHOICES = (1, 2, 4, 8, 16, 40)
#: Competency levels (the competency framework has 3).
LEVELS = (1, 2, 3)
#: Most personnel codes one assignment form accepts (a large unit is ~2,000 officers).
MAX_CODES = 5000


# -- catalogue ----------------------------------------------------------------------------------
@dataclass
class CataloguePage:
    """One page of search results: published versions, each with its ``course`` loaded."""

    versions: list[CourseVersion]
    total: int
    page: int
    pages: int
    per_page: int


def query_words(q: str | None) -> list[str]:
    """The folded, distinct words of a search text (``"Thuế  XUẤT"`` -> ``["thue", "xuat"]``)."""
    return list(dict.fromkeys(fold(q).split()))


def _published_join():
    """CourseVersion joined to its Course, for published versions only."""
    return sa.and_(Course.id == CourseVersion.course_id,
                   Course.published_version_id == CourseVersion.id)


def search_courses(q: str | None = "", *, field: str | None = None,
                   competency: str | None = None, level: int | None = None,
                   position: str | None = None, max_hours: float | None = None,
                   page: int = 1, per_page: int = PAGE_SIZE, lang: str = "vi") -> CataloguePage:
    """Search the published courses.

    ``q``: words that must all occur (accents and case ignored) in the code, titles,
    descriptions or tags. ``field``: a professional field's code. ``competency``: a competency
    code the course develops; ``level``: the level it develops (1-3), of that competency when
    both are given, of any competency otherwise. ``position``: a job position's code the course
    targets. ``max_hours``: at most this many estimated hours. An unknown code matches nothing.

    Two queries (count, page) plus one per eager-loaded collection of the page (tags,
    competencies, positions), whatever the number of courses. Ordered by title in ``lang``,
    then code. A page past the end gives the last page.
    """
    conditions = [CourseVersion.status == "published"]
    for word in query_words(q):
        conditions.append(CourseVersion.search_text.contains(word, autoescape=True))
    if field:
        conditions.append(CourseVersion.field_id == sa.select(ProfessionalField.id).where(
            ProfessionalField.code == field.strip().upper()).scalar_subquery())
    if competency or level:
        held = [CourseCompetency.version_id == CourseVersion.id]
        if competency:
            held.append(CourseCompetency.competency_code == competency.strip().upper())
        if level:
            held.append(CourseCompetency.level == int(level))
        conditions.append(sa.exists().where(*held))
    if position:
        conditions.append(sa.exists().where(
            CourseTargetPosition.version_id == CourseVersion.id,
            CourseTargetPosition.position_id == JobPosition.id,
            JobPosition.code == position.strip().upper()))
    if max_hours is not None:
        conditions.append(CourseVersion.estimated_minutes <= round(float(max_hours) * 60))

    total = db.session.scalar(
        sa.select(sa.func.count(CourseVersion.id)).join(Course, _published_join())
        .where(*conditions)) or 0
    per_page = max(1, per_page)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    title = CourseVersion.title_en if lang == "en" else CourseVersion.title_vi
    versions = db.session.scalars(
        sa.select(CourseVersion).join(Course, _published_join()).where(*conditions)
        .options(so.contains_eager(CourseVersion.course))
        .order_by(title, Course.code)
        .limit(per_page).offset((page - 1) * per_page)).unique().all()
    return CataloguePage(list(versions), total, page, pages, per_page)


def competency_codes() -> list[str]:
    """The competency codes developed by some published course, for the filter."""
    return list(db.session.scalars(
        sa.select(CourseCompetency.competency_code).distinct()
        .join(Course, Course.published_version_id == CourseCompetency.version_id)
        .order_by(CourseCompetency.competency_code)))


def published_course(code: str) -> Course | None:
    """The course with this code when it is in the catalogue (published), else None."""
    course = course_by_code(code)
    return course if course is not None and course.published_version_id else None


def course_by_code(code: str) -> Course | None:
    return db.session.scalar(sa.select(Course).where(Course.code == (code or "").strip().upper()))


def enrolments_by_course(user, course_ids) -> dict[int, Enrolment]:
    """``course_id -> Enrolment`` of ``user`` for the given courses, in one query."""
    ids = list(course_ids)
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id.in_(ids)))
    return {e.course_id: e for e in rows}


def prerequisite_status(user, version: CourseVersion) -> list[tuple[Course, str]]:
    """Each prerequisite course of ``version`` with the user's status: ``completed``,
    ``in_progress`` (enrolled, not completed) or ``not_started``."""
    courses = [p.required_course for p in version.prerequisites]
    mine = enrolments_by_course(user, [c.id for c in courses])
    out = []
    for course in sorted(courses, key=lambda c: c.code):
        enrolment = mine.get(course.id)
        if enrolment is None:
            status = "not_started"
        elif enrolment.completed_at is not None:
            status = "completed"
        else:
            status = "in_progress"
        out.append((course, status))
    return out


def current_position(user) -> JobPosition | None:
    """The job position of the user's current assignment, if any."""
    assignment = org.current_assignment(user)
    return assignment.position if assignment is not None else None


# -- my learning --------------------------------------------------------------------------------
@dataclass
class LearningItem:
    enrolment: Enrolment
    progress: dict | None = None  #: :func:`delivery.progress_summary`, for unfinished courses
    certificate: Certificate | None = None

    @property
    def overdue(self) -> bool:
        due = self.enrolment.due_on
        return due is not None and self.enrolment.completed_at is None and due < local_today()


@dataclass
class MyLearning:
    assigned: list[LearningItem] = field(default_factory=list)
    in_progress: list[LearningItem] = field(default_factory=list)
    completed: list[LearningItem] = field(default_factory=list)
    hours_this_year: float = 0.0
    year: int = 0


def my_learning(user, *, today: date | None = None) -> MyLearning:
    """The user's courses in three sections, each course in exactly one:

    - ``assigned``: assigned by HR or a unit head and not completed, soonest due first;
    - ``in_progress``: self-enrolled and not completed, most recently enrolled first;
    - ``completed``: newest first, with the certificate.

    Plus the verified study hours of the current calendar year (:func:`study_hours`).
    A fixed number of queries whatever the number of courses.
    """
    today = today or local_today()
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.user_id == user.id)
        .options(so.selectinload(Enrolment.progress),
                 so.joinedload(Enrolment.version).selectinload(CourseVersion.modules)
                 .selectinload(CourseModule.lessons))
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())).unique().all()
    certificates = {c.enrolment_id: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.enrolment_id.in_([e.id for e in enrolments])))
    } if enrolments else {}
    out = MyLearning(year=today.year, hours_this_year=study_hours(user, today.year))
    for enrolment in enrolments:
        if enrolment.completed_at is not None:
            out.completed.append(LearningItem(enrolment,
                                              certificate=certificates.get(enrolment.id)))
        elif enrolment.source == "assigned":
            out.assigned.append(LearningItem(enrolment, delivery.progress_summary(enrolment)))
        else:
            out.in_progress.append(LearningItem(enrolment, delivery.progress_summary(enrolment)))
    out.assigned.sort(key=lambda i: (i.enrolment.due_on is None, i.enrolment.due_on or today))
    out.completed.sort(key=lambda i: i.enrolment.completed_at, reverse=True)
    return out


def learning_summary(user, *, today: date | None = None) -> dict:
    """Counts for the dashboard panel: ``in_progress``, ``assigned``, ``completed``,
    ``next_due`` (the soonest due date of an unfinished assigned course, or None),
    ``overdue`` (how many are past due) and ``hours`` this calendar year."""
    today = today or local_today()
    done = Enrolment.completed_at.is_not(None)
    assigned = sa.and_(Enrolment.completed_at.is_(None), Enrolment.source == "assigned")
    row = db.session.execute(sa.select(
        sa.func.count(sa.case((done, 1))),
        sa.func.count(sa.case((assigned, 1))),
        sa.func.count(sa.case((sa.and_(sa.not_(done), Enrolment.source != "assigned"), 1))),
        sa.func.min(sa.case((assigned, Enrolment.due_on))),
        sa.func.count(sa.case((sa.and_(assigned, Enrolment.due_on < today), 1))),
    ).where(Enrolment.user_id == user.id)).one()
    next_due = row[3]
    if isinstance(next_due, str):  # SQLite returns MIN() over a CASE as text
        next_due = date.fromisoformat(next_due)
    return {"completed": row[0], "assigned": row[1], "in_progress": row[2],
            "next_due": next_due, "overdue": row[4], "hours": study_hours(user, today.year),
            "year": today.year}


# -- study hours --------------------------------------------------------------------------------
def _local_zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or "Asia/Ho_Chi_Minh")


def local_today() -> date:
    """Today in the platform's time zone, which decides what "this year" is."""
    return datetime.now(_local_zone()).date()


def year_bounds_utc(year: int) -> tuple[datetime, datetime]:
    """The calendar ``year`` in the platform's time zone (Vietnam), as naive UTC datetimes
    ``[start, end)`` comparable with the stored timestamps."""
    zone = _local_zone()

    def utc(day: date) -> datetime:
        local = datetime(day.year, day.month, day.day, tzinfo=zone)
        return local.astimezone(UTC).replace(tzinfo=None)

    return utc(date(year, 1, 1)), utc(date(year + 1, 1, 1))


def study_seconds(user, year: int | None = None) -> float:
    """Verified study seconds of ``user`` in calendar ``year`` (default: this year); see
    :func:`study_hours`."""
    year = year or local_today().year
    start, end = year_bounds_utc(year)
    total = db.session.scalar(sa.select(sa.func.sum(Statement.verified_seconds)).where(
        Statement.user_id == user.id,
        Statement.verb_id == V.VERBS["experienced"][0],
        Statement.voided.is_(False),
        Statement.timestamp >= start, Statement.timestamp < end))
    return float(total or 0)


def study_hours(user, year: int | None = None) -> float:
    """Verified study time of ``user`` in calendar ``year`` (default: this year), in hours,
    rounded to 0.1.

    Derived from the statements, the one record of learning: the sum of the verified seconds
    of the user's ``experienced`` statements (one per closed study session, carrying only the
    seconds the heartbeat rules counted: visible, active, no more than the wall clock, capped
    per lesson; a statement sent by outside content through the LRS has none, whatever
    duration it claims) whose ``timestamp`` (the session's start) falls in the year, counted in the
    platform's time zone (Asia/Ho_Chi_Minh). Voided statements are left out; sessions still
    open count once they are closed (by the learner or the sweeper). One indexed query.
    """
    return round(study_seconds(user, year) / 3600, 1)


# -- assignment ---------------------------------------------------------------------------------
@dataclass
class Refusal:
    who: str  #: personnel code (and name when known)
    reason: str


@dataclass
class AssignmentResult:
    assigned: list = field(default_factory=list)  #: the users who got (or kept) the course
    refused: list[Refusal] = field(default_factory=list)


def parse_codes(text: str | None) -> list[str]:
    """Personnel codes pasted one per line (commas, semicolons and spaces also separate),
    upper-cased, in order, without repeats."""
    return list(dict.fromkeys(c.upper() for c in re.split(r"[\s,;]+", text or "") if c))


def _check_assignable(course: Course, due_on: date | None) -> None:
    """Refuse (:class:`UserError`) an assignment of an unpublished course, or without a due
    date, or due in the past."""
    if course.published_version is None:
        raise UserError(_("This course is not open for enrolment."))
    if due_on is None:
        raise UserError(_("Give the due date."), field="due_on")
    if due_on < local_today():
        raise UserError(_("The due date is in the past."), field="due_on")


def assign_course(course: Course, actor, *, due_on: date | None, unit=None,
                  codes: list[str] = ()) -> AssignmentResult:
    """Assign ``course`` to the officers currently assigned in ``unit``'s subtree and/or to
    the officers with the personnel ``codes``, due on ``due_on``.

    ``actor`` is an HR administrator (anyone) or a unit head (only officers currently assigned
    in the subtrees they lead); ``unit`` must be one the actor may see. Officers who cannot be
    given the course are refused with a reason and nothing is created for them: an unknown
    code, someone outside the actor's units, a deactivated account, a course already
    completed. An officer already following the course gets the due date. Raises
    :class:`UserError`, changing nothing, when the course is not published, the due date is
    missing or past, nobody is chosen, or the unit is outside the actor's units.
    """
    from lms_core.identity.access import visible_unit_ids
    from lms_core.identity.models import User

    _check_assignable(course, due_on)
    codes = list(codes or [])
    if unit is None and not codes:
        raise UserError(_("Choose a unit or paste personnel codes."))
    if len(codes) > MAX_CODES:
        raise UserError(_("At most %(n)d personnel codes at a time.", n=MAX_CODES),
                        field="codes")
    visible = visible_unit_ids(actor)
    if unit is not None and visible is not None and unit.id not in visible:
        raise UserError(_("You can only assign courses in the units you lead."), field="unit")

    result = AssignmentResult()
    chosen: dict[int, User] = {}
    if unit is not None:
        for a in org.members(unit.id):
            chosen.setdefault(a.user_id, a.user)
    if codes:
        users = {u.code: u for u in db.session.scalars(sa.select(User).where(User.code.in_(codes)))}
        units_of = dict(db.session.execute(
            sa.select(Assignment.user_id, Assignment.unit_id).where(
                Assignment.user_id.in_([u.id for u in users.values()]),
                Assignment.end_on.is_(None))).all()) if users else {}
        for code in codes:
            user = users.get(code)
            if user is None:
                result.refused.append(Refusal(code, _("No officer has this personnel code.")))
            elif visible is not None and units_of.get(user.id) not in visible:
                result.refused.append(Refusal(f"{code} — {user.full_name}",
                                              _("Not currently assigned in the units you lead.")))
            else:
                chosen.setdefault(user.id, user)
    existing = {e.user_id: e for e in db.session.scalars(sa.select(Enrolment).where(
        Enrolment.course_id == course.id, Enrolment.user_id.in_(list(chosen))))} if chosen else {}
    to_assign = []
    for user in sorted(chosen.values(), key=lambda u: (u.full_name, u.code)):
        enrolment = existing.get(user.id)
        if not user.active:
            result.refused.append(Refusal(f"{user.code} — {user.full_name}",
                                          _("The account is deactivated.")))
        elif enrolment is not None and enrolment.completed_at is not None:
            result.refused.append(Refusal(f"{user.code} — {user.full_name}",
                                          _("Has already completed this course.")))
        else:
            to_assign.append(user)
    delivery.assign(course, to_assign, by=actor, due_on=due_on)
    result.assigned = to_assign
    return result


def assign_to_self(user, course: Course, *, due_on: date | None):
    """The officer accepts ``course`` as assigned to themselves, due on ``due_on`` (a
    learning plan they chose to follow): it then shows in My learning among the assigned
    courses, with the due date. Returns the enrolment.

    The same rules as :func:`assign_course`: raises :class:`UserError`, changing nothing,
    when the course is not published, the due date is missing or past, the account is
    deactivated or the course is already completed. A course the officer already follows
    becomes assigned, with the new due date."""
    _check_assignable(course, due_on)
    if not user.active:
        raise UserError(_("The account is deactivated."))
    existing = delivery.enrolment_of(user, course)
    if existing is not None and existing.completed_at is not None:
        raise UserError(_("Has already completed this course."))
    (enrolment,) = delivery.assign(course, [user], by=user, due_on=due_on)
    return enrolment


# -- completions, for plugins (read only) --------------------------------------------------------
@dataclass(frozen=True)
class Completion:
    """One completed enrolment: who completed which course, in which version, and when."""

    user_id: int
    course_id: int
    course_code: str
    version_id: int
    #: Naive UTC, as stored (``Enrolment.completed_at``).
    completed_at: datetime


def completions(*, since: datetime | None = None, codes=None) -> list[Completion]:
    """Every completed enrolment, ordered by course code, officer and time: of the courses
    with these ``codes`` only (any case; an unknown code matches nothing) and completed at or
    after ``since`` (naive UTC) only, when given. One query, whatever the number of rows
    (60,000 completions load in well under a second)."""
    stmt = (sa.select(Enrolment.user_id, Course.id, Course.code, Enrolment.version_id,
                      Enrolment.completed_at)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.completed_at.is_not(None)))
    if codes is not None:
        stmt = stmt.where(Course.code.in_(sorted({(c or "").strip().upper() for c in codes})))
    if since is not None:
        stmt = stmt.where(Enrolment.completed_at >= since)
    return [Completion(*row) for row in db.session.execute(
        stmt.order_by(Course.code, Enrolment.user_id, Enrolment.completed_at, Enrolment.id))]


def declared_competencies(version_ids) -> dict[int, dict[str, int]]:
    """``version id -> {competency code: level}`` that each course version declares (versions
    declaring none are absent), in one query."""
    ids = sorted(set(version_ids))
    out: dict[int, dict[str, int]] = {}
    if not ids:
        return out
    for version_id, code, level in db.session.execute(
            sa.select(CourseCompetency.version_id, CourseCompetency.competency_code,
                      CourseCompetency.level)
            .where(CourseCompetency.version_id.in_(ids))
            .order_by(CourseCompetency.version_id, CourseCompetency.competency_code)):
        out.setdefault(version_id, {})[code] = level
    return out


def course_titles(codes, *, lang: str | None = None) -> dict[str, str]:
    """``course code -> title`` of the courses with these ``codes``, also those no longer in
    the catalogue: the published version's title, else the newest version's. In ``lang``
    (``vi`` or ``en``; the current language when None), the Vietnamese title when the English
    one is empty. Unknown codes are absent. Two queries."""
    from lms_core.ui.i18n import localized

    wanted = sorted({(c or "").strip().upper() for c in codes} - {""})
    if not wanted:
        return {}
    courses = {c.id: c for c in db.session.scalars(sa.select(Course).where(
        Course.code.in_(wanted)))}
    chosen: dict[int, CourseVersion] = {}
    for version in db.session.scalars(sa.select(CourseVersion).where(
            CourseVersion.course_id.in_(list(courses))).order_by(CourseVersion.number)):
        current = chosen.get(version.course_id)
        # Later (newer) versions replace earlier ones, never the published one.
        if current is None or current.id != courses[version.course_id].published_version_id:
            chosen[version.course_id] = version
    out = {}
    for course_id, version in chosen.items():
        if lang is None:
            title = localized(version, "title")
        else:
            title = (getattr(version, f"title_{lang}", "") if lang != "vi" else "") \
                or version.title_vi or ""
        out[courses[course_id].code] = title
    return out


def completed_codes(user) -> set[str]:
    """The codes of the courses ``user`` has completed (any version). One query."""
    return set(db.session.scalars(
        sa.select(Course.code).join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None))))


@dataclass(frozen=True)
class EnrolmentState:
    """One enrolment, light: which course, whether completed, and the due date."""

    user_id: int
    course_id: int
    #: Naive UTC, as stored; None while not completed.
    completed_at: datetime | None
    due_on: date | None


def enrolment_states(user_ids) -> dict[int, list[EnrolmentState]]:
    """``user id -> their enrolments`` (any course, self-enrolled or assigned), three columns
    each, one query per 5,000 officers: for batches over many officers, where
    :func:`enrolments_by_course` (whole rows with their version and progress) is too heavy.
    Officers without enrolments are absent."""
    ids = sorted(set(user_ids))
    out: dict[int, list[EnrolmentState]] = {}
    for start in range(0, len(ids), 5000):
        for row in db.session.execute(
                sa.select(Enrolment.user_id, Enrolment.course_id, Enrolment.completed_at,
                          Enrolment.due_on)
                .where(Enrolment.user_id.in_(ids[start:start + 5000]))
                .order_by(Enrolment.user_id, Enrolment.course_id)):
            out.setdefault(row.user_id, []).append(EnrolmentState(*row))
    return out


def enrolment_counts() -> dict[int, int]:
    """``course id -> number of enrolments`` (courses nobody enrolled in are absent). One
    aggregate query."""
    return dict(db.session.execute(
        sa.select(Enrolment.course_id, sa.func.count()).group_by(Enrolment.course_id)).all())


def published_state() -> tuple[int, int, int]:
    """A key that changes whenever a course is published, republished or archived (a
    published version never changes): the number of published courses and the sum and the
    largest of their published version ids. For callers that keep something derived from
    the catalogue. One aggregate query."""
    published = Course.published_version_id
    return tuple(db.session.execute(sa.select(
        sa.func.count(Course.id), sa.func.coalesce(sa.func.sum(published), 0),
        sa.func.coalesce(sa.func.max(published), 0)).where(published.is_not(None))).one())


def load_structure(versions) -> None:
    """Load the modules and prerequisites of these course versions (e.g. the results of
    :func:`search_courses`, which leaves them to lazy loading) in a few queries rather than
    two per course."""
    ids = [v.id for v in versions]
    for start in range(0, len(ids), 500):
        db.session.scalars(sa.select(CourseVersion).where(
            CourseVersion.id.in_(ids[start:start + 500])).options(
            so.selectinload(CourseVersion.modules),
            so.selectinload(CourseVersion.prerequisites))).all()
