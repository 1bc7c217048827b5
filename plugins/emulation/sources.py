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
def _course_filter(codes: tuple[str, ...]):
    """SQL: the statement is about a lesson of one of these courses (by its activity id)."""
    if not codes:
        return sa.false()
    prefix = activity_prefix("course")
    return sa.or_(*[Statement.activity_id.like(_like_prefix(f"{prefix}{code}/") + "%",
                                               escape="\\") for code in codes])


def _study_conditions(lo: datetime, hi: datetime) -> list:
    return [Statement.verb_id == EXPERIENCED, Statement.voided.is_(False),
            Statement.verified_seconds.is_not(None), Statement.user_id.is_not(None),
            Statement.timestamp >= lo, Statement.timestamp < hi]


class StudySummary:
    """One officer's verified study in a period, for each course filter (``None``: every
    course): ``totals[f] = (seconds, statements)``; ``days_at_least[(f, minutes)]`` = days
    with at least that many minutes; ``over[day][f] = (seconds, statements)`` for the days
    above the threshold (the days an anomaly can concern)."""

    __slots__ = ("totals", "days_at_least", "over")

    def __init__(self):
        self.totals: dict = {}
        self.days_at_least: dict = {}
        self.over: dict[date, dict] = {}


def study_summaries(start: date, end: date, user_ids: list[int] | None,
                    filters: list[tuple[str, ...] | None], minutes: list[float],
                    threshold_seconds: float) -> dict[int, StudySummary]:
    """Everything the study-time measures and the anomaly check need, in one pass over the
    period's statements: grouped per officer and local day, then per officer (with the days
    above ``threshold_seconds`` listed). ``filters[0]`` must be None (every course)."""
    lo, hi = utc_bounds(start, end)
    day = local_day_sql(Statement.timestamp, offset_minutes(start)).label("d")
    columns = [Statement.user_id.label("uid"), day]
    for k, codes in enumerate(filters):
        if codes is None:
            columns += [sa.func.sum(Statement.verified_seconds).label(f"s{k}"),
                        sa.func.count().label(f"n{k}")]
        else:
            match = _course_filter(codes)
            columns += [sa.func.sum(sa.case((match, Statement.verified_seconds))).label(f"s{k}"),
                        sa.func.count(sa.case((match, 1))).label(f"n{k}")]
    pairs = [(k, m) for k in range(len(filters)) for m in minutes]
    agg = sa.func.string_agg if _dialect() == "postgresql" else sa.func.group_concat
    out: dict[int, StudySummary] = {}
    for users in _users_in(Statement.user_id, user_ids):
        g = sa.select(*columns).where(*_study_conditions(lo, hi), users) \
            .group_by(Statement.user_id, day).subquery()
        text = sa.cast(g.c.d, sa.String)
        for k in range(len(filters)):
            text = text + "|" + sa.cast(sa.func.coalesce(g.c[f"s{k}"], 0.0), sa.String) + \
                "|" + sa.cast(g.c[f"n{k}"], sa.String)
        select = [g.c.uid]
        for k in range(len(filters)):
            select += [sa.func.sum(g.c[f"s{k}"]), sa.func.sum(g.c[f"n{k}"])]
        select += [sa.func.count(sa.case((g.c[f"s{k}"] >= m * 60, 1))) for k, m in pairs]
        select.append(agg(sa.case((g.c.s0 > threshold_seconds, text)), ","))
        for row in db.session.execute(sa.select(*select).group_by(g.c.uid)):
            summary = StudySummary()
            uid, values = row[0], row[1:]
            for k, key in enumerate(filters):
                summary.totals[key] = (float(values[2 * k] or 0), int(values[2 * k + 1] or 0))
            base = 2 * len(filters)
            for i, (k, m) in enumerate(pairs):
                summary.days_at_least[(filters[k], m)] = int(values[base + i] or 0)
            for item in (values[-1] or "").split(","):
                if not item:
                    continue
                parts = item.split("|")
                summary.over[as_date(parts[0])] = {
                    key: (float(parts[1 + 2 * k]), int(parts[2 + 2 * k]))
                    for k, key in enumerate(filters)}
            out[uid] = summary
    return out


def _latest_union(n: int, lo: datetime, hi: datetime, per_user: int,
                  codes: tuple[str, ...] | None, excluded_days: list[date] = ()):
    """A UNION ALL of ``n`` indexed ``LIMIT`` queries, one per officer (``:u0``...)."""
    parts = []
    for i in range(n):
        conditions = [Statement.user_id == sa.bindparam(f"u{i}"), *_study_conditions(lo, hi)]
        if codes is not None:
            conditions.append(_course_filter(codes))
        for day in excluded_days:
            d_lo, d_hi = utc_bounds(day, day)
            conditions.append(sa.not_(sa.and_(Statement.timestamp >= d_lo,
                                              Statement.timestamp < d_hi)))
        parts.append(sa.select(Statement.id, Statement.user_id, Statement.timestamp)
                     .where(*conditions)
                     .order_by(Statement.timestamp.desc(), Statement.id.desc())
                     .limit(per_user).subquery(f"t{i}"))
    return sa.union_all(*[sa.select(p.c.id, p.c.user_id, p.c.timestamp) for p in parts])


def latest_study_pks(start: date, end: date, user_ids: list[int], *, per_user: int,
                     codes: tuple[str, ...] | None = None,
                     excluded: dict[int, set[date]] | None = None) -> dict[int, list[int]]:
    """The ``per_user`` latest counted ``experienced`` statements of each officer (pks,
    newest first), leaving out the excluded days: the evidence kept with the hours. One
    indexed ``LIMIT`` per officer, 200 officers per query."""
    lo, hi = utc_bounds(start, end)
    excluded = excluded or {}
    found: dict[int, list] = defaultdict(list)

    def run(statement, ids):
        for pk, uid, moment in db.session.execute(statement, {f"u{i}": u
                                                              for i, u in enumerate(ids)}):
            found[uid].append((moment, pk))

    plain = [u for u in sorted(set(user_ids)) if not excluded.get(u)]
    size = 200
    templates: dict[int, object] = {}
    for i in range(0, len(plain), size):
        batch = plain[i:i + size]
        if len(batch) not in templates:
            templates[len(batch)] = _latest_union(len(batch), lo, hi, per_user, codes)
        run(templates[len(batch)], batch)
    for uid in sorted(u for u in set(user_ids) if excluded.get(u)):
        run(_latest_union(1, lo, hi, per_user, codes, sorted(excluded[uid])), [uid])
    return {uid: [pk for _moment, pk in sorted(items, reverse=True)]
            for uid, items in found.items()}


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
