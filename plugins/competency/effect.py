"""The effect of training: pre/post levels around each course completion, normalised gain,
and the supervisor's re-rating 3–6 months after a course.

docs/competency-effect.md explains the rules with examples. In short, for every completion of
a course that declares competencies (``course_competencies`` of the version completed), per
declared competency:

- **pre**: the officer's level *before* the course: :func:`plugins.competency.evidence.decide`
  applied to the evidence observed strictly before the day of completion, the course's own
  completion evidence left out (so it cannot count);
- **post**: the level measured *after* it: the same rule applied to the evidence of source
  ``assessment``, ``import`` or ``rating`` observed strictly after the day of completion and at
  most :func:`window_days` (365 by default) after it. Course completions never count as post:
  a course cannot prove its own effect;
- **level change** ``post − pre`` and **normalised gain** ``g = (post − pre) / (max − pre)``,
  ``max`` the top of the scale. ``g`` is undefined when ``pre = max``: such officers are left
  out of every figure and counted as "already at the top level".

Per course and competency: ``n`` officers with both measures (pre below the top), the mean
change, the mean ``g``, the share who rose at least one level, and how many of the officers who
completed it now hold a position that requires the competency (``profiles.requirements_for``
of the current assignment's position). Training staff see these aggregates only, and a figure
based on fewer than :func:`min_n` officers (5 by default) is hidden; HR also sees the rows of
each officer.

The table of every course costs seconds at 20,000 officers, so it is not computed on each view:
:func:`refresh_table` stores it (:class:`~plugins.competency.models.EffectSnapshot`), run by the
nightly job ``competency.effect_table``, by ``lms competency effect refresh`` and by HR's
"Compute now" button, and the page reads :func:`stored_table`. A course's page computes that
course when opened (it is cheap), with the officers' rows.

Re-rating: when a course with competencies is completed, a
:class:`~plugins.competency.models.RatingRequest` (``post_training``) is due 90 days later for
the head of the officer's unit; the daily job marks reminders from 14 days before the due
date (there is no e-mail on the intranet: reminded requests appear on the unit head's pages),
and the rated levels become evidence of source ``rating``.
"""

from __future__ import annotations

import calendar
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_user, visible_unit_ids
from lms_core.organisation import queries as org
from lms_core.plugins import Job
from lms_core.signals import courses as course_signals
from lms_core.signals import organisation as org_signals
from lms_core.ui.i18n import fmt_date, localized
from plugins.competency.models import EffectSnapshot, Evidence, RatingRequest

#: Defaults of the settings (``COMPETENCY_...``); see the functions below.
DEFAULT_WINDOW_DAYS = 365
DEFAULT_MIN_N = 5
DEFAULT_RERATING_DAYS = 90
DEFAULT_REMINDER_DAYS = 14
#: Sources that measure a level after training (a course completion never does).
POST_SOURCES = ("assessment", "import", "rating")
#: Kinds of rating request.
POST_TRAINING = "post_training"
ROTATION = "rotation"
#: Longest comment of a rating.
COMMENT_MAX = 2000
#: Officers per evidence query.
CHUNK = 2000


# -- settings -----------------------------------------------------------------------------------
def _setting(name: str, default: int) -> int:
    if not has_app_context():
        return default
    return int(current_app.config.get(name, default))


def window_days() -> int:
    """How long after a completion a measure still counts as its post level
    (``COMPETENCY_EFFECT_WINDOW_DAYS``, 365)."""
    return _setting("COMPETENCY_EFFECT_WINDOW_DAYS", DEFAULT_WINDOW_DAYS)


def min_n() -> int:
    """The fewest officers behind a figure that training staff may see
    (``COMPETENCY_EFFECT_MIN_N``, 5)."""
    return _setting("COMPETENCY_EFFECT_MIN_N", DEFAULT_MIN_N)


def rerating_days() -> int:
    """Days from a completion to the supervisor's re-rating (``COMPETENCY_RERATING_DAYS``, 90)."""
    return _setting("COMPETENCY_RERATING_DAYS", DEFAULT_RERATING_DAYS)


def reminder_days() -> int:
    """A rating opens, and its reminder is shown, this many days before it is due
    (``COMPETENCY_RATING_REMINDER_DAYS``, 14)."""
    return _setting("COMPETENCY_RATING_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)


# -- dates --------------------------------------------------------------------------------------
def today() -> date:
    """Today in the platform's time zone."""
    return catalogue.local_today()


_UTC = ZoneInfo("UTC")


def _zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or "Asia/Ho_Chi_Minh")


def local_date(moment: datetime | None, zone: ZoneInfo | None = None) -> date:
    """The platform's calendar day of a naive UTC timestamp (today when None)."""
    if moment is None:
        return today()
    return moment.replace(tzinfo=_UTC).astimezone(zone or _zone()).date()


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- reading the core (through its public functions) ---------------------------------------------
@dataclass(frozen=True)
class Completion:
    """One officer's completion of a course, for one competency the version declares."""

    user_id: int
    course_id: int
    course_code: str
    competency_code: str
    declared_level: int
    completed_on: date


def completions(course_code: str | None = None) -> list[Completion]:
    """Every completion of a course version that declares competencies, one row per declared
    competency (of ``course_code`` only, when given), by course, competency and officer.
    Read through the catalogue's public functions (``catalogue.completions``,
    ``catalogue.declared_competencies``)."""
    done = catalogue.completions(codes=[course_code] if course_code is not None else None)
    declared = catalogue.declared_competencies(c.version_id for c in done)
    zone = _zone()
    out = [Completion(c.user_id, c.course_id, c.course_code, comp, level,
                      local_date(c.completed_at, zone))
           for c in done for comp, level in declared.get(c.version_id, {}).items()]
    out.sort(key=lambda c: (c.course_code, c.competency_code, c.user_id))
    return out


@dataclass(frozen=True)
class CourseInfo:
    code: str
    title: str
    published: bool
    #: ``competency code -> level`` the published version declares (empty when unpublished).
    declared: dict[str, int] = field(default_factory=dict)
    #: The title in each language, ``{"vi": ..., "en": ...}`` (stored with the table).
    titles: dict[str, str] = field(default_factory=dict)


def courses_with_competencies(course_code: str | None = None) -> dict[str, CourseInfo]:
    """``course code -> CourseInfo`` of the published courses declaring competencies (through
    the catalogue), plus the courses with completions that no longer are in the catalogue."""
    out: dict[str, CourseInfo] = {}
    page = catalogue.search_courses(per_page=100_000)
    for version in page.versions:
        if course_code is not None and version.course.code != course_code.strip().upper():
            continue
        declared = {c.competency_code: c.level for c in version.competencies}
        if declared:
            out[version.course.code] = CourseInfo(
                version.course.code, localized(version, "title"), True, declared,
                {"vi": version.title_vi or "", "en": version.title_en or ""})
    return out


def _title(titles: dict[str, str], default: str) -> str:
    """The title in the current language (Vietnamese when there is no English one)."""
    lang = str(get_locale() or "vi")
    return titles.get(lang) or titles.get("vi") or default


def users_by_id(ids: Iterable[int]) -> dict:
    """``user id -> User``."""
    from lms_core.identity import operations as identity_ops

    return identity_ops.users_by_ids(ids)


# -- pre and post --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    """The evidence that gave a pre or post level."""

    level: int
    observed_on: date
    source: str
    source_ref: str


@dataclass(frozen=True)
class _Ev:
    id: int
    source: str
    source_ref: str
    level: int
    observed_on: date


def _decide(pieces: list[_Ev], *, on: date, max_age_days: int) -> Measure | None:
    from plugins.competency.evidence import Piece, decide

    if not pieces:
        return None
    by_id = {p.id: p for p in pieces}
    chosen = decide([Piece(p.id, p.source, p.level, p.observed_on) for p in pieces],
                    on=on, max_age_days=max_age_days)
    if chosen is None:
        return None
    p = by_id[chosen.id]
    return Measure(p.level, p.observed_on, p.source, p.source_ref)


def pre_post(pieces: Iterable[_Ev], *, course_code: str, completed_on: date,
             window: int, rating_max_age: int) -> tuple[Measure | None, Measure | None]:
    """The pre and post levels of one completion from the officer's evidence of the
    competency (see the module docstring)."""
    own = f"course:{course_code}"
    before, after = [], []
    end = completed_on + timedelta(days=window)
    for p in pieces:
        if p.observed_on < completed_on:
            if not (p.source == "course" and p.source_ref == own):
                before.append(p)
        elif completed_on < p.observed_on <= end and p.source in POST_SOURCES:
            after.append(p)
    pre = _decide(before, on=completed_on - timedelta(days=1), max_age_days=rating_max_age)
    # Every rating in the window counts: the window itself bounds their age.
    post = _decide(after, on=end, max_age_days=window + 1)
    return pre, post


def gain(pre: int, post: int, top: int) -> float | None:
    """Normalised gain ``(post − pre) / (top − pre)``; None when ``pre`` is at the top."""
    if pre >= top:
        return None
    return (post - pre) / (top - pre)


@dataclass
class OfficerEffect:
    """One officer's pre/post for one competency of one completed course."""

    user_id: int
    course_code: str
    competency_code: str
    declared_level: int
    completed_on: date
    pre: Measure | None
    post: Measure | None
    top: int
    unit_id: int | None = None
    position_id: int | None = None
    #: The officer's current position requires the competency.
    in_position: bool = False

    @property
    def measured(self) -> bool:
        return self.pre is not None and self.post is not None

    @property
    def at_max(self) -> bool:
        return self.measured and self.pre.level >= self.top

    @property
    def counted(self) -> bool:
        """Both measures, and room to rise: counted in n and every figure."""
        return self.measured and not self.at_max

    @property
    def change(self) -> int | None:
        return self.post.level - self.pre.level if self.measured else None

    @property
    def gain(self) -> float | None:
        return gain(self.pre.level, self.post.level, self.top) if self.measured else None


@dataclass
class EffectRow:
    """The figures of one course and one competency."""

    course_code: str
    course_title: str
    competency_code: str
    declared_level: int | None
    completers: int = 0
    with_pre: int = 0
    with_post: int = 0
    at_max: int = 0
    n: int = 0
    sum_change: int = 0
    sum_gain: float = 0.0
    rose: int = 0
    in_position: int = 0
    #: The course title in each language, ``{"vi": ..., "en": ...}`` (stored with the table).
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def mean_change(self) -> float | None:
        return self.sum_change / self.n if self.n else None

    @property
    def mean_gain(self) -> float | None:
        return self.sum_gain / self.n if self.n else None

    @property
    def share_rose(self) -> float | None:
        return self.rose / self.n if self.n else None

    @property
    def share_in_position(self) -> float | None:
        return self.in_position / self.completers if self.completers else None

    def as_dict(self, *, full: bool = True, threshold: int = DEFAULT_MIN_N) -> dict:
        """The row for CSV/JSON; unless ``full``, the figures behind fewer than ``threshold``
        officers are None (the level figures behind n, the counts of officers already at the
        top level and now in a position that requires it behind the officers who completed
        the course)."""
        show = full or self.n >= threshold
        show_pos = full or self.completers >= threshold
        return {
            "course": self.course_code, "title": self.course_title,
            "competency": self.competency_code, "declared_level": self.declared_level,
            "completed": self.completers, "with_pre": self.with_pre,
            "with_post": self.with_post,
            "already_at_max": self.at_max if show_pos else None, "n": self.n,
            "mean_change": _round(self.mean_change) if show else None,
            "mean_gain": _round(self.mean_gain) if show else None,
            "share_rose": _round(self.share_rose) if show else None,
            "in_position": self.in_position if show_pos else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass
class EffectReport:
    rows: list[EffectRow]
    officers: list[OfficerEffect]
    top: int
    window: int
    threshold: int


def _pieces(user_ids: list[int], codes: set[str]) -> dict[tuple[int, str], list[_Ev]]:
    out: dict[tuple[int, str], list[_Ev]] = defaultdict(list)
    if not user_ids or not codes:
        return out
    for start in range(0, len(user_ids), CHUNK):
        rows = db.session.execute(
            sa.select(Evidence.id, Evidence.user_id, Evidence.competency_code, Evidence.source,
                      Evidence.source_ref, Evidence.level, Evidence.observed_on)
            .where(Evidence.user_id.in_(user_ids[start:start + CHUNK]),
                   Evidence.competency_code.in_(sorted(codes))))
        for eid, uid, code, source, ref, level, observed_on in rows:
            out[(uid, code)].append(_Ev(eid, source, ref, level, observed_on))
    return out


def _current_positions(user_ids: set[int]) -> dict[int, tuple[int, int]]:
    """``user id -> (unit id, position id)`` of the current assignments with a position."""
    from plugins.competency import gaps

    return {uid: (unit_id, pid) for uid, unit_id, pid in gaps.current_assignment_rows()
            if uid in user_ids}


def compute(course_code: str | None = None) -> EffectReport:
    """The effect of every course with competencies (of ``course_code`` only, when given):
    one :class:`EffectRow` per course and competency, and the officers' rows behind them."""
    from plugins.competency import evidence, frameworks, profiles

    top = frameworks.scale_max()
    window = window_days()
    rating_max_age = evidence.rating_max_age_days()
    infos = courses_with_competencies(course_code)
    done = completions(course_code)
    missing = {c.course_code for c in done if c.course_code not in infos}
    missing_titles = {lang: catalogue.course_titles(missing, lang=lang) for lang in ("vi", "en")}

    rows: dict[tuple[str, str], EffectRow] = {}
    for info in infos.values():
        for code, level in info.declared.items():
            rows[(info.code, code)] = EffectRow(info.code, info.title, code, level,
                                                titles=info.titles)
    for c in done:
        if (c.course_code, c.competency_code) not in rows:
            info = infos.get(c.course_code)
            if info is not None:
                titles = info.titles
            else:
                titles = {lang: missing_titles[lang].get(c.course_code, c.course_code)
                          for lang in ("vi", "en")}
            rows[(c.course_code, c.competency_code)] = EffectRow(
                c.course_code, _title(titles, c.course_code), c.competency_code,
                c.declared_level, titles=titles)

    user_ids = sorted({c.user_id for c in done})
    pieces = _pieces(user_ids, {c.competency_code for c in done})
    positions = _current_positions(set(user_ids))
    required: dict[int, set[str]] = {}

    def requires(position_id: int, code: str) -> bool:
        if position_id not in required:
            required[position_id] = {r.competency_code
                                     for r in profiles.requirements_for(position_id)}
        return code in required[position_id]

    officers = []
    for c in done:
        pre, post = pre_post(pieces.get((c.user_id, c.competency_code), ()),
                             course_code=c.course_code, completed_on=c.completed_on,
                             window=window, rating_max_age=rating_max_age)
        unit_id, position_id = positions.get(c.user_id, (None, None))
        item = OfficerEffect(c.user_id, c.course_code, c.competency_code, c.declared_level,
                             c.completed_on, pre, post, top, unit_id, position_id,
                             position_id is not None and requires(position_id,
                                                                  c.competency_code))
        officers.append(item)
        row = rows[(c.course_code, c.competency_code)]
        row.completers += 1
        row.with_pre += pre is not None
        row.with_post += post is not None
        row.in_position += item.in_position
        if item.at_max:
            row.at_max += 1
        elif item.counted:
            row.n += 1
            row.sum_change += item.change
            row.sum_gain += item.gain
            row.rose += item.change > 0
    ordered = sorted(rows.values(), key=lambda r: (r.course_code, r.competency_code))
    return EffectReport(ordered, officers, top, window, min_n())


#: Sort keys of the table: name -> (key function, whether larger comes first by default).
SORTS = {
    "course": (lambda r: (r.course_code, r.competency_code), False),
    "n": (lambda r: r.n, True),
    "gain": (lambda r: r.mean_gain, True),
    "change": (lambda r: r.mean_change, True),
    "rose": (lambda r: r.share_rose, True),
}


def sort_rows(rows: list[EffectRow], key: str, *, descending: bool | None = None,
              full: bool = True, threshold: int = DEFAULT_MIN_N) -> list[EffectRow]:
    """``rows`` sorted by ``key`` (one of :data:`SORTS`; unknown: by course). Rows whose
    figure is missing, or hidden (``full`` False and n below ``threshold``), come last."""
    func, default_desc = SORTS.get(key, SORTS["course"])
    descending = default_desc if descending is None else descending
    if key not in SORTS or key == "course":
        return sorted(rows, key=func, reverse=descending)

    def value(row):
        if key != "n" and not full and row.n < threshold:
            return None
        return func(row)

    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    known.sort(key=lambda r: (r.course_code, r.competency_code))
    known.sort(key=value, reverse=descending)
    return known + sorted(unknown, key=lambda r: (r.course_code, r.competency_code))


# -- the stored table -----------------------------------------------------------------------------
#: The counts of an :class:`EffectRow` kept in the stored table; every figure derives from them.
STORED_COUNTS = ("completers", "with_pre", "with_post", "at_max", "n", "sum_change", "sum_gain",
                 "rose", "in_position")


@dataclass
class StoredTable:
    """The course effectiveness table of the last computation (:func:`refresh_table`)."""

    #: Its rows (the officers' rows are not stored: a course's page computes them).
    report: EffectReport
    #: When it was computed (naive UTC) and by whom (None: the job or the command).
    computed_at: datetime
    computed_by_id: int | None
    seconds: float


def _stored_row(row: EffectRow) -> dict:
    out = {"course": row.course_code, "competency": row.competency_code,
           "declared_level": row.declared_level,
           "title_vi": row.titles.get("vi") or row.course_title,
           "title_en": row.titles.get("en") or ""}
    out.update({name: getattr(row, name) for name in STORED_COUNTS})
    return out


def _row_from(data: dict) -> EffectRow:
    titles = {"vi": data.get("title_vi") or "", "en": data.get("title_en") or ""}
    row = EffectRow(data["course"], _title(titles, data["course"]), data["competency"],
                    data.get("declared_level"), titles=titles)
    for name in STORED_COUNTS:
        setattr(row, name, data.get(name) or 0)
    return row


def refresh_table(*, by=None) -> EffectSnapshot:
    """Compute the table of every course (:func:`compute`) and store it in place of the
    previous one; ``by`` is who asked (None for the scheduled job and the command). Takes as
    long as :func:`compute` (seconds at 20,000 officers). Flushes; the caller commits."""
    started = time.perf_counter()
    report = compute()
    snapshot = EffectSnapshot(computed_at=utcnow(), computed_by_id=by.id if by else None,
                              window_days=report.window, top_level=report.top,
                              rows=[_stored_row(r) for r in report.rows],
                              seconds=round(time.perf_counter() - started, 3))
    db.session.execute(sa.delete(EffectSnapshot))
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def stored_table() -> StoredTable | None:
    """The table of the last computation, None before the first. The privacy threshold is
    today's :func:`min_n`; the window and the top level are those it was computed with."""
    snapshot = db.session.scalar(sa.select(EffectSnapshot).order_by(
        EffectSnapshot.computed_at.desc(), EffectSnapshot.id.desc()).limit(1))
    if snapshot is None:
        return None
    rows = [_row_from(data) for data in snapshot.rows or []]
    report = EffectReport(rows, [], snapshot.top_level, snapshot.window_days, min_n())
    return StoredTable(report, snapshot.computed_at, snapshot.computed_by_id, snapshot.seconds)


def table_job() -> None:
    """The scheduled job: :func:`refresh_table`, then commit."""
    refresh_table()
    db.session.commit()


# -- rating requests ------------------------------------------------------------------------------
def request_exists(user_id: int, kind: str, reference: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        RatingRequest.user_id == user_id, RatingRequest.kind == kind,
        RatingRequest.reference == reference))) or False


def create_request(user, *, kind: str, reference: str, due_on: date, unit_id: int | None,
                   position_id: int | None, codes: Iterable[str]) -> RatingRequest | None:
    """Create a rating request unless the same ``(officer, kind, reference)`` exists (then
    None). Flushes."""
    if request_exists(user.id, kind, reference):
        return None
    request = RatingRequest(user_id=user.id, kind=kind, reference=reference, due_on=due_on,
                            unit_id=unit_id, position_id=position_id,
                            competency_codes=sorted(set(codes)))
    db.session.add(request)
    db.session.flush()
    return request


def on_course_completed(enrolment, **kwargs) -> RatingRequest | None:
    """A course with competencies was completed: the head of the officer's unit is asked to
    re-rate those competencies :func:`rerating_days` after (``post_training``,
    ``course:<code>``); the unit is the one the officer belonged to on the day completed."""
    codes = [c.competency_code for c in enrolment.version.competencies]
    if not codes:
        return None
    user = enrolment.user
    completed_on = local_date(enrolment.completed_at)
    assignment = org.assignment_on(user, completed_on) or org.current_assignment(user)
    return create_request(
        user, kind=POST_TRAINING, reference=f"course:{enrolment.course.code}",
        due_on=completed_on + timedelta(days=rerating_days()),
        unit_id=assignment.unit_id if assignment else None,
        position_id=assignment.position_id if assignment else None, codes=codes)


def opens_on(request: RatingRequest) -> date:
    """The first day the rating can be given (and its reminder shows)."""
    return request.due_on - timedelta(days=reminder_days())


def is_overdue(request: RatingRequest, on: date | None = None) -> bool:
    return request.done_at is None and request.due_on < (on or today())


def mark_reminders(on: date | None = None) -> int:
    """Mark ``reminded_at`` on the pending requests due within :func:`reminder_days` or
    overdue that were not reminded yet; returns how many. The reminders are shown on the
    unit head's dashboard panel and rating list (no e-mail on the intranet)."""
    on = on or today()
    limit = on + timedelta(days=reminder_days())
    result = db.session.execute(
        sa.update(RatingRequest)
        .where(RatingRequest.done_at.is_(None), RatingRequest.reminded_at.is_(None),
               RatingRequest.due_on <= limit)
        .values(reminded_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount or 0


def run_daily(on: date | None = None) -> dict[str, int]:
    """What the daily job does: schedule the next 6-monthly evaluations of rotated officers,
    then mark reminders. Returns the counts."""
    from plugins.competency import rotation

    on = on or today()
    scheduled = rotation.schedule_evaluations(on=on)
    reminded = mark_reminders(on)
    return {"scheduled": scheduled, "reminded": reminded}


def daily_job() -> None:
    """The scheduled job: :func:`run_daily`, then commit."""
    run_daily()
    db.session.commit()


# -- who rates, and the rating -------------------------------------------------------------------
def can_rate(viewer, request: RatingRequest, officer) -> bool:
    """HR administrators, and the heads of the officer's unit (those who may view the
    officer) or of the unit the request names; never the officer rated."""
    if viewer.id == officer.id:
        return False
    if viewer.has_role(R.HR_ADMIN):
        return True
    if not viewer.has_role(R.UNIT_HEAD):
        return False
    if can_view_user(viewer, officer):
        return True
    ids = visible_unit_ids(viewer)
    return request.unit_id is not None and request.unit_id in (ids or set())


def requests_stmt(viewer, *, pending: bool = True):
    """A select of the rating requests the viewer may give, pending (or done) ones, soonest
    due (or latest done) first: every one for HR, those of the units headed (and below) for a
    unit head, never one about the viewer; None when the viewer may give none."""
    stmt = sa.select(RatingRequest)
    stmt = stmt.where(RatingRequest.done_at.is_(None) if pending
                      else RatingRequest.done_at.is_not(None))
    if not viewer.has_role(R.HR_ADMIN):
        if not viewer.has_role(R.UNIT_HEAD):
            return None
        ids = visible_unit_ids(viewer) or set()
        if not ids:
            return None
        stmt = stmt.where(RatingRequest.unit_id.in_(sorted(ids)))
    stmt = stmt.where(RatingRequest.user_id != viewer.id)
    order = (RatingRequest.due_on, RatingRequest.id) if pending else (
        RatingRequest.done_at.desc(), RatingRequest.id.desc())
    return stmt.order_by(*order)


def requests_for(viewer, *, pending: bool = True, limit: int | None = None
                 ) -> list[RatingRequest]:
    """The requests of :func:`requests_stmt` (at most ``limit``)."""
    stmt = requests_stmt(viewer, pending=pending)
    if stmt is None:
        return []
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def count_requests(viewer, *, pending: bool = True, reminded: bool | None = None,
                   due_before: date | None = None) -> int:
    """How many requests of :func:`requests_stmt`, optionally only the reminded (or not yet
    reminded) ones, or those due before a day."""
    stmt = requests_stmt(viewer, pending=pending)
    if stmt is None:
        return 0
    if reminded is not None:
        stmt = stmt.where(RatingRequest.reminded_at.is_not(None) if reminded
                          else RatingRequest.reminded_at.is_(None))
    if due_before is not None:
        stmt = stmt.where(RatingRequest.due_on < due_before)
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        stmt.order_by(None).subquery())) or 0


def panel_counts(viewer, on: date | None = None, *, shown: int = 5) -> dict:
    """For the dashboard: the first ``shown`` reminded requests the viewer may give (due
    within the reminder days, or overdue), how many are reminded, overdue and pending."""
    on = on or today()
    stmt = requests_stmt(viewer)
    reminded = [] if stmt is None else list(db.session.scalars(
        stmt.where(RatingRequest.reminded_at.is_not(None)).limit(shown)))
    return {"reminded": reminded,
            "reminded_count": count_requests(viewer, reminded=True),
            "overdue": count_requests(viewer, due_before=on),
            "pending": count_requests(viewer)}


def codes_to_rate(request: RatingRequest) -> list[str]:
    """The competencies to rate: the request's own list; for an evaluation created before
    its position had requirements, the position's current requirements."""
    codes = list(request.competency_codes or [])
    if not codes and request.kind == ROTATION and request.position_id is not None:
        from plugins.competency import profiles

        codes = [r.competency_code for r in profiles.requirements_for(request.position_id)]
    return codes


class AlreadyRated(UserError):
    """The request was rated already: nothing changes."""


def record_rating(request: RatingRequest, levels: dict[str, object], comment: str, *, by,
                  on: date | None = None) -> list[Evidence]:
    """Save the supervisor's rating: one piece of evidence of source ``rating``
    (``rating:<request id>``, observed ``on``) per competency of the published framework the
    request names, then mark the request done.

    Raises :class:`UserError`, changing nothing, when the request was rated already
    (:class:`AlreadyRated`), it is not open yet (:func:`opens_on`), a level is missing or not a
    whole number from 0 to the top of the scale, the comment is too long, or there is nothing
    to rate and no comment. Flushes, never commits."""
    from plugins.competency import evidence, frameworks

    on = on or today()
    if request.done_at is not None:
        raise AlreadyRated(_("This rating was already saved on %(day)s; nothing was changed.",
                             day=fmt_date(request.done_at)))
    if on < opens_on(request):
        raise UserError(_("This rating opens on %(day)s.", day=fmt_date(opens_on(request))))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise UserError(_("The comment is at most %(n)d characters.", n=COMMENT_MAX),
                        field="comment")
    index = frameworks.competency_index()
    top = frameworks.scale_max()
    codes = [c for c in codes_to_rate(request) if c in index]
    if not codes and not comment:
        raise UserError(_("There is no competency of the framework to rate: write a comment."),
                        field="comment")
    chosen: dict[str, int] = {}
    for code in codes:
        raw = levels.get(code)
        text = str(raw).strip() if raw is not None else ""
        if not text.isdigit() or not 0 <= int(text) <= top:
            raise UserError(_("Choose a level from 0 to %(max)d for %(code)s.", max=top,
                              code=code), field=f"level-{code}")
        chosen[code] = int(text)
    officer = users_by_id([request.user_id])[request.user_id]
    pieces = []
    for code, level in chosen.items():
        pieces.append(evidence.add_evidence(
            officer, code, level, source="rating", source_ref=f"rating:{request.id}",
            observed_on=on, recorded_by=by, note=comment[:500]))
    request.answers = {"levels": chosen, "comment": comment}
    request.done_at = utcnow()
    request.done_by_id = by.id
    db.session.flush()
    if request.kind == ROTATION:
        from plugins.competency import rotation

        rotation.schedule_next(request, on=on)
    return pieces


def request_by_id(request_id: int) -> RatingRequest | None:
    return db.session.get(RatingRequest, request_id)


def describe(request: RatingRequest, cache: dict | None = None) -> str:
    """What the request is about, for lists: the course, or the n-th evaluation. ``cache``
    keeps course titles across calls."""
    cache = cache if cache is not None else {}
    kind, _sep, rest = request.reference.partition(":")
    if request.kind == POST_TRAINING and kind == "course":
        if rest not in cache:
            course = catalogue.course_by_code(rest)
            version = course.published_version if course is not None else None
            cache[rest] = localized(version, "title") if version is not None else ""
        return _("After the course %(code)s %(title)s", code=rest, title=cache[rest]).strip()
    if request.kind == ROTATION:
        number = rest.rpartition(":")[2]
        return _("6-monthly evaluation no. %(n)s in the new position", n=number)
    return request.reference


def _on_assignment_changed(user, old=None, new=None, **kwargs) -> None:
    from plugins.competency import rotation

    rotation.on_assignment_changed(user, old=old, new=new)


#: (signal, receiver) pairs the plugin connects.
RECEIVERS: list = [
    (course_signals.course_completed, on_course_completed),
    (org_signals.assignment_changed, _on_assignment_changed),
]
#: Scheduled jobs (lms_core.plugins.Job), in the platform's time zone: the course
#: effectiveness table at 02:40, the daily reminders and rotation evaluations at 06:10.
JOBS: list = [Job("competency.effect_table", table_job, "cron", {"hour": 2, "minute": 40}),
              Job("competency.ratings_daily", daily_job, "cron", {"hour": 6, "minute": 10})]
