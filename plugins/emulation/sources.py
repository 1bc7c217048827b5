"""Read-only queries on core (and competency) data that the measures need in bulk.

The core's public functions answer one officer at a time (``catalogue.study_seconds``,
``queries.members``); scoring 20,000 officers needs the same facts for everyone in a few
queries. They are kept in this one module so that they can move into the core's public API
as they are (reported to the lead). Nothing here writes.

Days are local days (the platform's time zone, ``BABEL_DEFAULT_TIMEZONE``, Asia/Ho_Chi_Minh:
UTC+7 all year); stored timestamps are naive UTC. A period ``[start, end]`` of local days is
the UTC interval ``[start 00:00 local, end + 1 day 00:00 local)``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from lms_core.courses.models import Course, CourseTag, CourseVersion
from lms_core.extensions import db
from lms_core.organisation.models import Assignment, Unit
from lms_core.xapi import vocabulary as V
from lms_core.xapi.models import Statement

#: Ids per ``IN (...)`` list.
CHUNK = 5000
EXPERIENCED = V.VERBS["experienced"][0]
COMPLETED = V.VERBS["completed"][0]
PASSED = V.VERBS["passed"][0]
FAILED = V.VERBS["failed"][0]
VOIDED = V.VERBS["voided"][0]


# -- time ---------------------------------------------------------------------------------------
def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")


def to_utc(day: date) -> datetime:
    """Local midnight starting ``day``, as a naive UTC datetime."""
    local = datetime(day.year, day.month, day.day, tzinfo=zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The local days ``start``..``end`` (inclusive) as naive UTC ``[lo, hi)``."""
    return to_utc(start), to_utc(end + timedelta(days=1))


def local_date(moment: datetime) -> date:
    """The local day of a naive UTC datetime."""
    return moment.replace(tzinfo=UTC).astimezone(zone()).date()


def offset_minutes(day: date) -> int:
    """The time zone's offset from UTC on ``day``, in minutes (420 in Vietnam)."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=zone())
    return int(moment.utcoffset().total_seconds() // 60)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def local_day_sql(column, minutes: int):
    """SQL: the local day of a UTC timestamp column (a fixed offset of ``minutes``)."""
    if _dialect() == "sqlite":
        return sa.func.date(column, f"{minutes:+d} minutes")
    return sa.cast(column + timedelta(minutes=minutes), sa.Date)


def as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def activity_prefix(kind: str) -> str:
    """``<LMS_XAPI_BASE>/xapi/activities/<kind>/``: ``course`` or ``competency/exam``."""
    return f"{current_app.config['LMS_XAPI_BASE'].rstrip('/')}/xapi/activities/{kind}/"


def _users_in(column, user_ids: list[int] | None):
    """The ``IN`` conditions to run a query once per chunk of ``user_ids`` (once, with no
    condition, for everyone when None)."""
    if user_ids is None:
        yield sa.true()
        return
    for part in chunks(user_ids):
        yield column.in_(part)


# -- statements ---------------------------------------------------------------------------------
def daily_verified_seconds(start: date, end: date, user_ids: list[int] | None = None,
                           course_codes: list[str] | None = None
                           ) -> list[tuple[int, date, float, int, int]]:
    """``(user_id, local day, verified seconds, statements, last statement pk)`` per officer
    and day of the period: the ``experienced`` statements (one per closed study session) not
    voided, with the platform's verified seconds (statements from outside content carry
    none). With ``course_codes``, only the lessons of those courses. One grouped query (per
    chunk of officers); the last pk of each day is the evidence kept with the hours."""
    lo, hi = utc_bounds(start, end)
    day = local_day_sql(Statement.timestamp, offset_minutes(start))
    conditions = [Statement.verb_id == EXPERIENCED, Statement.voided.is_(False),
                  Statement.verified_seconds.is_not(None), Statement.user_id.is_not(None),
                  Statement.timestamp >= lo, Statement.timestamp < hi]
    if course_codes is not None:
        if not course_codes:
            return []
        prefix = activity_prefix("course")
        conditions.append(sa.or_(*[
            Statement.activity_id.like(_like_prefix(f"{prefix}{code}/") + "%", escape="\\")
            for code in sorted(course_codes)]))
    out = []
    for users in _users_in(Statement.user_id, user_ids):
        rows = db.session.execute(
            sa.select(Statement.user_id, day, sa.func.sum(Statement.verified_seconds),
                      sa.func.count(), sa.func.max(Statement.id))
            .where(*conditions, users).group_by(Statement.user_id, day))
        out += [(uid, as_date(d), float(s or 0), int(n), int(pk)) for uid, d, s, n, pk in rows]
    return out


def course_completions(start: date, end: date, user_ids: list[int] | None = None
                       ) -> list[tuple[int, int, datetime, str]]:
    """``(statement pk, user_id, timestamp, course code)`` of the courses completed in the
    period (the ``completed`` statement of a course, not of a lesson), oldest first."""
    lo, hi = utc_bounds(start, end)
    prefix = activity_prefix("course")
    pattern = _like_prefix(prefix)
    out = []
    for users in _users_in(Statement.user_id, user_ids):
        rows = db.session.execute(
            sa.select(Statement.id, Statement.user_id, Statement.timestamp, Statement.activity_id)
            .where(Statement.verb_id == COMPLETED, Statement.voided.is_(False),
                   Statement.user_id.is_not(None),
                   Statement.timestamp >= lo, Statement.timestamp < hi,
                   Statement.activity_id.like(pattern + "%", escape="\\"),
                   sa.not_(Statement.activity_id.like(pattern + "%/%", escape="\\")), users)
            .order_by(Statement.timestamp, Statement.id))
        out += [(pk, uid, ts, activity[len(prefix):]) for pk, uid, ts, activity in rows]
    out.sort(key=lambda r: (r[2], r[0]))
    return out


def assessment_results(start: date, end: date, user_ids: list[int] | None = None
                       ) -> list[tuple[int, int, datetime, bool]]:
    """``(statement pk, user_id, timestamp, passed)`` of the competency assessments taken in
    the period (``passed``/``failed`` statements on an exam activity)."""
    lo, hi = utc_bounds(start, end)
    pattern = _like_prefix(activity_prefix("competency/exam"))
    out = []
    for users in _users_in(Statement.user_id, user_ids):
        rows = db.session.execute(
            sa.select(Statement.id, Statement.user_id, Statement.timestamp, Statement.verb_id)
            .where(Statement.verb_id.in_((PASSED, FAILED)), Statement.voided.is_(False),
                   Statement.user_id.is_not(None),
                   Statement.timestamp >= lo, Statement.timestamp < hi,
                   Statement.activity_id.like(pattern + "%", escape="\\"), users)
            .order_by(Statement.timestamp, Statement.id))
        out += [(pk, uid, ts, verb == PASSED) for pk, uid, ts, verb in rows]
    return out


def statement_owner(statement_id: str) -> tuple[int | None, datetime] | None:
    """``(user_id, timestamp)`` of the statement with this xAPI id (a voided one too)."""
    row = db.session.execute(
        sa.select(Statement.user_id, Statement.timestamp)
        .where(Statement.statement_id == str(statement_id).lower())).first()
    return (row[0], row[1]) if row is not None else None


def statements_by_pks(pks: Iterable[int]) -> list[Statement]:
    """The statements with these primary keys (the evidence of a score line), newest first."""
    ids = list(dict.fromkeys(int(p) for p in pks))
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Statement).where(Statement.id.in_(ids))
                                   .order_by(Statement.timestamp.desc(), Statement.id.desc())))


# -- courses ------------------------------------------------------------------------------------
def course_tags() -> dict[str, set[str]]:
    """``course code -> tags`` (of any of its versions)."""
    out: dict[str, set[str]] = defaultdict(set)
    rows = db.session.execute(
        sa.select(Course.code, CourseTag.tag)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .join(CourseTag, CourseTag.version_id == CourseVersion.id))
    for code, tag in rows:
        out[code].add(tag)
    return dict(out)


def courses_published(start: date, end: date, user_ids: list[int] | None = None
                      ) -> list[tuple[int, str, int]]:
    """``(author user_id, course code, version id)`` of the course versions published in the
    period by the officer who wrote them."""
    lo, hi = utc_bounds(start, end)
    out = []
    for users in _users_in(CourseVersion.author_id, user_ids):
        rows = db.session.execute(
            sa.select(CourseVersion.author_id, Course.code, CourseVersion.id)
            .join(Course, Course.id == CourseVersion.course_id)
            .where(CourseVersion.author_id.is_not(None), CourseVersion.published_at >= lo,
                   CourseVersion.published_at < hi, users)
            .order_by(CourseVersion.published_at, CourseVersion.id))
        out += [(uid, code, vid) for uid, code, vid in rows]
    return out


# -- organisation -------------------------------------------------------------------------------
def assignments_overlapping(start: date, end: date) -> list[tuple[int, int, int | None, date]]:
    """``(user_id, unit_id, position_id, last day held within the period)`` of every
    assignment in force on some day of ``[start, end]``."""
    rows = db.session.execute(
        sa.select(Assignment.user_id, Assignment.unit_id, Assignment.position_id,
                  Assignment.start_on, Assignment.end_on)
        .where(Assignment.start_on <= end,
               sa.or_(Assignment.end_on.is_(None), Assignment.end_on > start))
        .order_by(Assignment.user_id, Assignment.start_on, Assignment.id))
    out = []
    for uid, unit_id, position_id, _start_on, end_on in rows:
        last = end if end_on is None else min(end, as_date(end_on) - timedelta(days=1))
        out.append((uid, unit_id, position_id, last))
    return out


def assignments_on(day: date) -> list[tuple[int, int, int | None]]:
    """``(user_id, unit_id, position_id)`` of the assignments in force on ``day``."""
    return [tuple(r) for r in db.session.execute(
        sa.select(Assignment.user_id, Assignment.unit_id, Assignment.position_id)
        .where(Assignment.start_on <= day,
               sa.or_(Assignment.end_on.is_(None), Assignment.end_on > day)))]


def units_overlapping(start: date, end: date) -> list[tuple[int, date, date | None]]:
    """``(unit id, established_on, dissolved_on)`` of the units that existed on some day of
    ``[start, end]`` (``dissolved_on`` is the first day without the unit)."""
    return [(uid, as_date(est), as_date(dis) if dis is not None else None)
            for uid, est, dis in db.session.execute(
                sa.select(Unit.id, Unit.established_on, Unit.dissolved_on)
                .where(Unit.established_on <= end,
                       sa.or_(Unit.dissolved_on.is_(None), Unit.dissolved_on > start)))]


def units_established_after(day: date) -> list[Unit]:
    """Units established after ``day`` that still exist (successors of older units)."""
    return list(db.session.scalars(sa.select(Unit).where(Unit.established_on > day,
                                                         Unit.dissolved_on.is_(None))))


def unit_lifetimes(ids: Iterable[int]) -> dict[int, tuple[date, date | None]]:
    ids = list(ids)
    if not ids:
        return {}
    return {uid: (as_date(est), as_date(dis) if dis is not None else None)
            for uid, est, dis in db.session.execute(
                sa.select(Unit.id, Unit.established_on, Unit.dissolved_on)
                .where(Unit.id.in_(ids)))}


# -- competency (read-only; only called when the competency plugin is enabled) -------------------
def evidence_pieces(user_ids: list[int] | None, until: date) -> dict[int, dict[str, list]]:
    """``user_id -> competency code -> [Piece]`` of the evidence observed on or before
    ``until`` (:class:`plugins.competency.evidence.Piece`)."""
    from plugins.competency.evidence import Piece
    from plugins.competency.models import Evidence

    out: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for users in _users_in(Evidence.user_id, user_ids):
        rows = db.session.execute(
            sa.select(Evidence.id, Evidence.user_id, Evidence.competency_code, Evidence.source,
                      Evidence.level, Evidence.observed_on)
            .where(Evidence.observed_on <= until, users))
        for pk, uid, code, source, level, observed in rows:
            out[uid][code].append(Piece(pk, source, level, as_date(observed)))
    return out


def position_requirements() -> dict[int, dict[str, int]]:
    """``position_id -> {competency code: required level}``."""
    from plugins.competency.models import PositionRequirement

    out: dict[int, dict[str, int]] = defaultdict(dict)
    for pid, code, level in db.session.execute(
            sa.select(PositionRequirement.position_id, PositionRequirement.competency_code,
                      PositionRequirement.required_level)):
        out[pid][code] = level
    return dict(out)
