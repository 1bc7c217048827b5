"""The registry of measures: what an indicator of the rules reads.

A measure is a function registered with :func:`measure` under a key (``verified_hours``,
``courses_completed``...). Officers' measures take ``(subjects, window, params)``: the ids of
the officers to measure, the :class:`Window` (the period being scored, with its settings and
a cache shared by the measures of one computation) and the indicator's parameters; they
return ``{user_id: (value, evidence)}`` for the officers they have a value for, computed in
bulk (a few SQL queries whatever the number of officers). ``evidence`` is a dict of id lists
(``statements``: statement primary keys, ``courses``: course codes, ``submissions``,
``evidence``: competency evidence ids, ``anomalies``) holding at most :data:`MAX_EVIDENCE`
ids each, plus ``counts``: ``{kind: total}`` when there were more.

Units' measures aggregate, over the officers who were members of the unit in the period, the
values of an officers' measure (``of`` with ``of_params``): ``(members, values, params)``
where ``members`` maps unit id to member ids and ``values`` maps user id to the member's
value. docs/emulation-rules.md documents every measure.

Measures that need the competency plugin (``needs="competency"``) return nothing when it is
disabled: their indicators give no points.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms_core.extensions import db
from lms_core.plugins import loaded_plugins
from plugins.emulation import sources
from plugins.emulation.models import SUBMISSION_KINDS, Anomaly, Submission

#: Ids kept per kind of evidence on one score line (the total is in ``counts``).
MAX_EVIDENCE = 20
#: Decimals kept of values and points, so that a rebuild gives exactly the same numbers.
DECIMALS = 4
#: Seconds in a day: an accepted day of study never counts more.
DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Param:
    """A parameter a measure accepts: ``kind`` is ``str_list``, ``number``, ``bool``,
    ``choice`` (one of ``choices``), ``mapping``, ``measure`` (an officers' measure key) or
    ``params`` (the parameters of that measure)."""

    kind: str
    help: Any = ""
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Measure:
    key: str
    func: Callable
    subject: str  #: ``user`` or ``unit``
    label: Any
    unit: Any = ""  #: what the value counts (hours, courses, %)
    params: dict[str, Param] = field(default_factory=dict)
    needs: str | None = None  #: a plugin that must be enabled
    #: Units' measures: ``params -> (officers' measure key, its params)``, the member values.
    feeds: Callable[[dict], tuple[str, dict]] | None = None

    @property
    def available(self) -> bool:
        return self.needs is None or self.needs in loaded_plugins()


#: key -> :class:`Measure`.
MEASURES: dict[str, Measure] = {}


def measure(key: str, *, label, subject: str = "user", unit="", params=None,
            needs: str | None = None, feeds=None) -> Callable:
    """Register the decorated function as the measure ``key`` (a key is registered once)."""
    if subject not in ("user", "unit"):
        raise ValueError(f"measure {key!r}: subject must be user or unit")

    def decorator(func: Callable) -> Callable:
        if key in MEASURES:
            raise ValueError(f"measure {key!r} is registered twice")
        MEASURES[key] = Measure(key, func, subject, label, unit, dict(params or {}), needs,
                                feeds)
        return func

    return decorator


def get(key: str) -> Measure | None:
    return MEASURES.get(key)


# -- the window -----------------------------------------------------------------------------------
@dataclass
class Officer:
    unit_id: int  #: the unit held on ``last_day``
    position_id: int | None
    last_day: date  #: the last day of the period the officer was assigned


class Window:
    """A period being scored: its dates, the rule set's settings, the officers assigned in
    it, the anomaly decisions, and a cache the measures of one computation share."""

    def __init__(self, period, settings: dict, officers: dict[int, Officer]):
        self.period = period
        self.id = period.id
        self.kind = period.kind
        self.label = period.label
        self.start: date = period.start
        self.end: date = period.end
        self.settings = settings
        self.officers = officers
        #: user id -> days whose hours do not count (open or excluded anomalies)
        self.excluded_days: dict[int, set[date]] = {}
        #: user id -> days accepted after review (counted, at most 24 h)
        self.accepted_days: dict[int, set[date]] = {}
        #: statement pks of completions that do not count (open or excluded bursts)
        self.excluded_statements: set[int] = set()
        self._cache: dict[Any, Any] = {}

    def cached(self, key, compute: Callable[[], Any]):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def query_ids(self, subjects: Iterable[int]) -> list[int] | None:
        """``subjects`` for an ``IN`` list, or None (no filter) when they are every officer
        of the period: one scan beats 20,000 ids."""
        ids = set(subjects)
        return None if len(ids) >= len(self.officers) else sorted(ids)


# -- helpers --------------------------------------------------------------------------------------
def rounded(value: float) -> float:
    return round(float(value), DECIMALS)


def evidence(**lists: list) -> dict:
    """An evidence dict: each list cut to :data:`MAX_EVIDENCE`, with the totals in
    ``counts`` for those cut."""
    out: dict[str, Any] = {}
    counts = {}
    for kind, ids in lists.items():
        ids = list(ids)
        if not ids:
            continue
        out[kind] = ids[:MAX_EVIDENCE]
        if len(ids) > MAX_EVIDENCE:
            counts[kind] = len(ids)
    if counts:
        out["counts"] = counts
    return out


def _codes_for(params: dict) -> list[str] | None:
    """The course codes an indicator restricts to (``courses`` and/or ``tags``), or None."""
    codes: set[str] | None = None
    if params.get("courses"):
        codes = {str(c).strip().upper() for c in params["courses"]}
    if params.get("tags"):
        tags = {str(t).strip().lower() for t in params["tags"]}
        tagged = {code for code, have in sources.course_tags().items() if have & tags}
        codes = tagged if codes is None else codes & tagged
    return sorted(codes) if codes is not None else None


def competency_enabled() -> bool:
    return "competency" in loaded_plugins()


# -- study hours ----------------------------------------------------------------------------------
_COURSE_PARAMS = {
    "tags": Param("str_list", _l("only the courses with one of these tags")),
    "courses": Param("str_list", _l("only these course codes")),
}


def _filter_key(params: dict) -> tuple[str, ...] | None:
    codes = _codes_for(params)
    return tuple(codes) if codes is not None else None


def plan_study(window: Window, uses: Iterable[tuple[str, dict]]) -> None:
    """Tell the window which course filters and daily minimums the study-time measures of
    the rules use (``(measure key, params)``), so that one pass over the statements serves
    them all."""
    filters = {None}
    minutes = {15.0}
    for key, params in uses:
        if key in ("verified_hours", "study_days"):
            filters.add(_filter_key(params))
        if key == "study_days":
            minutes.add(float(params.get("min_minutes", 15)))
    window.study_filters = [None] + sorted(f for f in filters if f is not None)
    window.study_minutes = sorted(minutes)


def study(window: Window, subjects, key: tuple[str, ...] | None = None,
          minutes: float | None = None) -> dict[int, sources.StudySummary]:
    """The study summaries of ``subjects`` (cached for the window's computation)."""
    filters = list(getattr(window, "study_filters", [None]))
    wanted = list(getattr(window, "study_minutes", [15.0]))
    if key not in filters:
        filters.append(key)
    if minutes is not None and minutes not in wanted:
        wanted.append(minutes)
    ids = window.query_ids(subjects)
    max_hours = float((window.settings or {}).get("anomalies", {}).get("max_hours_per_day",
                                                                           12))
    cache_key = ("study", tuple(filters), tuple(wanted), tuple(ids or ()))
    summaries = window.cached(cache_key, lambda: sources.study_summaries(
        window.start, window.end, ids, filters, wanted, max_hours * 3600))
    subjects = set(subjects)
    return {uid: s for uid, s in summaries.items() if uid in subjects}


def _counted(window: Window, uid: int, summary, key) -> tuple[float, int, list[date]]:
    """``(seconds, statements, days left out)`` that count for one officer and filter: days
    under an open or excluded anomaly left out, accepted days at most 24 hours."""
    seconds, statements = summary.totals.get(key, (0.0, 0))
    left_out = []
    for day, values in summary.over.items():
        s, n = values.get(key, (0.0, 0))
        if day in window.excluded_days.get(uid, ()):
            seconds -= s
            statements -= n
            left_out.append(day)
        elif day in window.accepted_days.get(uid, ()) and s > DAY_SECONDS:
            seconds -= s - DAY_SECONDS
    return max(seconds, 0.0), statements, left_out


@measure("verified_hours", label=_l("Verified study hours"), unit=_l("hours"),
         params=_COURSE_PARAMS)
def verified_hours(subjects, window: Window, params: dict):
    """Hours of verified study (the platform's visible, active, capped seconds of the
    ``experienced`` statements) in the period, days flagged as anomalies left out until the
    unit head accepts them. Evidence: the latest statements counted, with their number."""
    key = _filter_key(params)
    counted = {}
    for uid, summary in study(window, subjects, key).items():
        seconds, statements, left_out = _counted(window, uid, summary, key)
        if seconds > 0:
            counted[uid] = (seconds, statements, left_out)
    pks = window.cached(("hour-evidence", key, tuple(sorted(counted))), lambda: (
        sources.latest_study_pks(window.start, window.end, sorted(counted),
                                 per_user=MAX_EVIDENCE, codes=key,
                                 excluded={u: set(c[2]) for u, c in counted.items() if c[2]})))
    out = {}
    for uid, (seconds, statements, _left_out) in sorted(counted.items()):
        ev = evidence(statements=pks.get(uid, []))
        if statements > len(ev.get("statements", [])):
            ev["counts"] = {"statements": statements}
        out[uid] = (rounded(seconds / 3600), ev)
    return out


@measure("study_days", label=_l("Days of study"), unit=_l("days"),
         params={**_COURSE_PARAMS,
                 "min_minutes": Param("number", _l("verified minutes a day must have (15)"))})
def study_days(subjects, window: Window, params: dict):
    """Days of the period with at least ``min_minutes`` (15) verified minutes of study:
    regular learning, anytime, anywhere (days under an anomaly count once accepted)."""
    key = _filter_key(params)
    minutes = float(params.get("min_minutes", 15))
    out = {}
    for uid, summary in study(window, subjects, key, minutes).items():
        n = summary.days_at_least.get((key, minutes), 0)
        for day, values in summary.over.items():
            if day in window.excluded_days.get(uid, ()) and \
                    values.get(key, (0.0, 0))[0] >= minutes * 60:
                n -= 1
        if n > 0:
            out[uid] = (float(n), {})
    return out


# -- courses --------------------------------------------------------------------------------------
def completions(window: Window, subjects) -> list[tuple[int, int, Any, str]]:
    ids = window.query_ids(subjects)
    rows = window.cached(("completions", tuple(ids or ())),
                         lambda: sources.course_completions(window.start, window.end, ids))
    wanted = set(subjects)
    return [r for r in rows if r[1] in wanted]


@measure("courses_completed", label=_l("Courses completed"), unit=_l("courses"),
         params=_COURSE_PARAMS)
def courses_completed(subjects, window: Window, params: dict):
    """Distinct courses completed in the period (a course completed twice counts once);
    completions flagged as a burst left out until the unit head accepts them."""
    codes = _codes_for(params)
    wanted = set(codes) if codes is not None else None
    firsts: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, uid, _ts, code in completions(window, subjects):
        if pk in window.excluded_statements:
            continue
        if wanted is not None and code not in wanted:
            continue
        firsts[uid].setdefault(code, pk)
    return {uid: (float(len(done)), evidence(statements=list(done.values()),
                                             courses=list(done)))
            for uid, done in firsts.items()}


@measure("content_authored", label=_l("Courses published as author"), unit=_l("courses"),
         params=_COURSE_PARAMS)
def content_authored(subjects, window: Window, params: dict):
    """Distinct courses of which a version written by the officer was published in the
    period (training staff and experts sharing their knowledge)."""
    codes = _codes_for(params)
    wanted = set(codes) if codes is not None else None
    subjects = set(subjects)
    done: dict[int, list[str]] = defaultdict(list)
    for uid, code, _vid in sources.courses_published(window.start, window.end,
                                                     window.query_ids(subjects)):
        if uid in subjects and code not in done[uid] and (wanted is None or code in wanted):
            done[uid].append(code)
    return {uid: (float(len(c)), evidence(courses=c)) for uid, c in done.items() if c}


# -- assessments and competencies -----------------------------------------------------------------
@measure("assessments_taken", label=_l("Competency assessments taken"), unit=_l("sittings"),
         params={"passed_only": Param("bool", _l("count only the assessments passed"))})
def assessments_taken(subjects, window: Window, params: dict):
    """Competency assessment sittings graded in the period (their ``passed``/``failed``
    statements); with ``passed_only``, only those passed."""
    ids = window.query_ids(subjects)
    rows = window.cached(("assessments", tuple(ids or ())),
                         lambda: sources.assessment_results(window.start, window.end, ids))
    wanted = set(subjects)
    found: dict[int, list[int]] = defaultdict(list)
    for pk, uid, _ts, passed in rows:
        if uid in wanted and (passed or not params.get("passed_only")):
            found[uid].append(pk)
    return {uid: (float(len(pks)), evidence(statements=pks)) for uid, pks in found.items()}


def _pieces(window: Window, subjects) -> dict[int, dict[str, list]]:
    ids = window.query_ids(subjects)
    return window.cached(("pieces", tuple(ids or ())),
                         lambda: sources.evidence_pieces(ids, window.end))


def _level_on(pieces: list, day: date, max_age: int):
    from plugins.competency.evidence import decide

    return decide([p for p in pieces if p.observed_on <= day], on=day, max_age_days=max_age)


@measure("level_gains", label=_l("Competency levels gained"), unit=_l("levels"),
         needs="competency")
def level_gains(subjects, window: Window, params: dict):
    """Competency levels gained in the period: for each competency the officer already had
    a level in before the period, the level at its end (by the competency plugin's rule)
    minus the level before it, when higher. A first measurement is a baseline, not a gain."""
    if not competency_enabled():
        return {}
    from plugins.competency.evidence import rating_max_age_days

    max_age = rating_max_age_days()
    before = window.start - timedelta(days=1)
    all_pieces = _pieces(window, subjects)
    out = {}
    for uid in sorted(set(subjects)):
        gained, ids = 0, []
        for _code, pieces in sorted(all_pieces.get(uid, {}).items()):
            old = _level_on(pieces, before, max_age)
            if old is None:
                continue
            new = _level_on(pieces, window.end, max_age)
            if new is not None and new.level > old.level:
                gained += new.level - old.level
                ids.append(new.id)
        if gained:
            out[uid] = (float(gained), evidence(evidence=ids))
    return out


@measure("profile_met", label=_l("Meets the position's competency profile"),
         unit=_l("yes = 1"), needs="competency")
def profile_met(subjects, window: Window, params: dict):
    """1 when, at the end of the period, the officer's levels reach every level the job
    position held then requires; 0 when some are short. Officers whose position has no
    profile get no value (they count in no share of ``over: measured``)."""
    if not competency_enabled():
        return {}
    from plugins.competency.evidence import rating_max_age_days

    max_age = rating_max_age_days()
    requirements = window.cached("requirements", sources.position_requirements)
    all_pieces = _pieces(window, subjects)
    out = {}
    for uid in sorted(set(subjects)):
        officer = window.officers.get(uid)
        required = requirements.get(officer.position_id) if officer else None
        if not required:
            continue
        day = min(window.end, officer.last_day)
        met, ids = True, []
        for code in sorted(required):
            piece = _level_on(all_pieces.get(uid, {}).get(code, []), day, max_age)
            if piece is None or piece.level < required[code]:
                met = False
            else:
                ids.append(piece.id)
        out[uid] = (1.0 if met else 0.0, evidence(evidence=ids) if met else {})
    return out


# -- approved evidence and anomalies --------------------------------------------------------------
@measure("approved_submissions", label=_l("Approved evidence"), unit=_l("items"),
         params={"kind": Param("choice", _l("initiative, certificate or learning_model"),
                               SUBMISSION_KINDS, required=True),
                 "details": Param("mapping", _l("detail values required, e.g. "
                                                "scope: [sector, national]"))})
def approved_submissions(subjects, window: Window, params: dict):
    """Initiatives, external certificates or learning models the unit head approved, dated
    (``occurred_on``) in the period; ``details`` keeps only those whose details hold one of
    the listed values."""
    wanted = set(subjects)
    filters = {k: {str(v) for v in (vals if isinstance(vals, list) else [vals])}
               for k, vals in (params.get("details") or {}).items()}
    rows = db.session.execute(
        sa.select(Submission.id, Submission.user_id, Submission.details)
        .where(Submission.status == "approved", Submission.kind == params["kind"],
               Submission.occurred_on >= window.start, Submission.occurred_on <= window.end)
        .order_by(Submission.occurred_on, Submission.id))
    found: dict[int, list[int]] = defaultdict(list)
    for sid, uid, details in rows:
        if uid not in wanted:
            continue
        details = details or {}
        if all(str(details.get(k)) in vals for k, vals in filters.items()):
            found[uid].append(sid)
    return {uid: (float(len(ids)), evidence(submissions=ids)) for uid, ids in found.items()}


@measure("anomalies_excluded", label=_l("Anomalies excluded by the unit head"),
         unit=_l("anomalies"),
         params={"kind": Param("choice", _l("only anomalies of this kind"),
                               ("hours_over_day", "completion_burst"))})
def anomalies_excluded(subjects, window: Window, params: dict):
    """Anomalies of the period (days with impossible hours, bursts of completions) that the
    unit head reviewed and excluded: for a penalty."""
    wanted = set(subjects)
    stmt = sa.select(Anomaly.id, Anomaly.user_id).where(
        Anomaly.status == "excluded", Anomaly.day >= window.start, Anomaly.day <= window.end)
    if params.get("kind"):
        stmt = stmt.where(Anomaly.kind == params["kind"])
    found: dict[int, list[int]] = defaultdict(list)
    for aid, uid in db.session.execute(stmt.order_by(Anomaly.day, Anomaly.id)):
        if uid in wanted:
            found[uid].append(aid)
    return {uid: (float(len(ids)), evidence(anomalies=ids)) for uid, ids in found.items()}


# -- units ----------------------------------------------------------------------------------------
_OF = {
    "of": Param("measure", _l("the officers' measure aggregated"), required=True),
    "of_params": Param("params", _l("the parameters of that measure")),
}
_OVER = Param("choice", _l("members (default) or measured: officers with a value"),
              ("members", "measured"))


def _of(params: dict) -> tuple[str, dict]:
    return params["of"], dict(params.get("of_params") or {})


def _population(uids: list[int], values: dict[int, float], over: str) -> list[int]:
    return [u for u in uids if u in values] if over == "measured" else list(uids)


def _share(members, values, at_least, over):
    out = {}
    for unit_id, uids in members.items():
        population = _population(uids, values, over)
        if not population:
            continue
        meeting = [u for u in population
                   if (values.get(u, 0.0) >= at_least if at_least is not None
                       else values.get(u, 0.0) > 0)]
        out[unit_id] = (rounded(100.0 * len(meeting) / len(population)),
                        {**evidence(users=meeting),
                         "counts": {"members": len(population), "counted": len(meeting)}})
    return out


@measure("unit_share", subject="unit", label=_l("Share of members (%)"), unit="%",
         params={**_OF, "at_least": Param("number", _l("the value a member must reach "
                                                       "(default: more than 0)")),
                 "over": _OVER}, feeds=_of)
def unit_share(members, values, params):
    """Per cent of the unit's members whose value of ``of`` reaches ``at_least`` (more than
    0 by default)."""
    at_least = params.get("at_least")
    return _share(members, values, float(at_least) if at_least is not None else None,
                  params.get("over", "members"))


@measure("unit_mean", subject="unit", label=_l("Mean per member"),
         params={**_OF, "over": _OVER}, feeds=_of)
def unit_mean(members, values, params):
    """The mean value of ``of`` over the unit's members (0 for a member with none)."""
    out = {}
    for unit_id, uids in members.items():
        population = _population(uids, values, params.get("over", "members"))
        if not population:
            continue
        total = sum(values.get(u, 0.0) for u in sorted(population))
        out[unit_id] = (rounded(total / len(population)),
                        {"counts": {"members": len(population)}})
    return out


@measure("unit_per_100", subject="unit", label=_l("Per 100 members"), params=_OF, feeds=_of)
def unit_per_100(members, values, params):
    """The members' total of ``of`` per 100 members (initiatives per 100 officers)."""
    out = {}
    for unit_id, uids in members.items():
        if not uids:
            continue
        contributors = [u for u in uids if values.get(u, 0.0) > 0]
        total = sum(values.get(u, 0.0) for u in sorted(uids))
        out[unit_id] = (rounded(100.0 * total / len(uids)),
                        {**evidence(users=contributors),
                         "counts": {"members": len(uids), "counted": len(contributors)}})
    return out


@measure("participation_rate", subject="unit", label=_l("Participation rate (%)"), unit="%",
         params={"min_hours": Param("number", _l("verified hours a member must reach (1)"))},
         feeds=lambda params: ("verified_hours", {}))
def participation_rate(members, values, params):
    """Per cent of the unit's members with at least ``min_hours`` (1) verified hours of
    study in the period."""
    return _share(members, values, float(params.get("min_hours", 1)), "members")


@measure("profile_share", subject="unit", label=_l("Share meeting their position profile (%)"),
         unit="%", needs="competency", feeds=lambda params: ("profile_met", {}))
def profile_share(members, values, params):
    """Per cent of the unit's members in a position with a competency profile who meet it at
    the end of the period."""
    return _share(members, values, 1.0, "measured")


def user_measures() -> list[Measure]:
    return [m for m in MEASURES.values() if m.subject == "user"]


def unit_measures() -> list[Measure]:
    return [m for m in MEASURES.values() if m.subject == "unit"]
