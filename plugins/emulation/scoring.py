"""Scores of officers and units per period: computed, kept up to date, frozen, corrected.

Scores are derived data. :func:`recompute_period` rebuilds a period from the statements,
competency evidence and approved submissions; the incremental pass (:func:`incremental_pass`,
every 15 minutes) recomputes only the officers marked dirty since (``DirtySubject``, by the
signal receivers of :data:`RECEIVERS` and by :func:`mark_dirty`) and the units, and gives
exactly what a rebuild gives (tests/core/test_emulation_scoring.py proves it on SQLite and
PostgreSQL).

What is stored for a period, with the active rule set of its phase:

- officers (everyone assigned on some day of the period): a :class:`ScoreLine` per
  officers' indicator they have a value for (value, points, evidence), per group with points,
  and a :class:`Score` (``total``; ``unit_id``: the unit held on the last day of the period
  they were assigned);
- *member lines*: for each units' indicator, the officer's value of the measure it
  aggregates (subject ``user``, the unit indicator's criterion, 0 points): the units are
  recomputed from these, so an incremental pass never rescans every statement;
- units (every unit that existed in the period and had members, and every later unit formed
  by a merge or split, scored over its predecessors' members): lines and a :class:`Score`
  (``members`` filled; ``per_capita``, ``adjusted``, ``cluster_id``, ``rank`` are left to
  ``plugins.emulation.ranking.rank_period(period)``, called after each computation when it
  exists).

Members of a unit in a period: the officers assigned on the period's last day (or the
unit's last day, for a unit dissolved during the period) in the unit or below it as the tree
stood that day. A unit created after the period by a merge or split (a regional branch of
2025, for 2024) is scored over the officers of its predecessor units that existed at the
period's end (:func:`lms_core.organisation.queries.predecessors`).

Formulas (docs/emulation-rules.md): quantitative ``min(value / target, cap) × points``;
pass/fail ``points`` when ``value ≥ target`` (1 by default); occurrence and bonus
``min(points × value, cap)``; penalty ``−min(points × value, cap)``. A group has the sum of
its children's points, between 0 and its ``max_points``; the total is the sum of the top
groups and of the bonuses and penalties at the top, never below 0.

Closing: :func:`close_due_periods` (daily) rebuilds and freezes each period whose
``close_on`` has come. A frozen period is never recomputed; ``--force-correction``
recomputes it with the rules that scored it and records the differences as
:class:`Correction` rows (with the reason and who), as does :func:`add_correction` by hand:
corrections are applied on top of the frozen lines, shown in the breakdown, audited.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation import queries as org
from lms_core.plugins import Job
from lms_core.signals import courses as course_signals
from lms_core.signals import organisation as org_signals
from lms_core.signals import xapi as xapi_signals
from plugins.emulation import anomalies, audit, campaign, rules, sources
from plugins.emulation import measures as MS
from plugins.emulation.models import (
    Correction,
    Criterion,
    DirtySubject,
    Period,
    RuleSet,
    Score,
    ScoreLine,
    Setting,
)

#: Rows per bulk insert.
BATCH = 5000
EPSILON = 1e-9


# -- the rules of a period ------------------------------------------------------------------------
@dataclass
class Plan:
    """A rule set ready to score: the criteria by kind and the tree."""

    rule_set: RuleSet
    settings: dict
    criteria: list[Criterion]
    children: dict[int | None, list[Criterion]]

    @classmethod
    def of(cls, rule_set: RuleSet) -> Plan:
        criteria = [c for c, _d in rules.tree_rows(rule_set)]
        children: dict[int | None, list[Criterion]] = defaultdict(list)
        for c in criteria:
            children[c.parent_id].append(c)
        return cls(rule_set, rules.merged_settings(rule_set.settings), criteria, children)

    def indicators(self, subject: str) -> list[Criterion]:
        return [c for c in self.criteria if c.kind != "group" and c.subject == subject]

    @property
    def groups(self) -> list[Criterion]:
        return [c for c in self.criteria if c.kind == "group"]


def _marker_key(period: Period) -> str:
    return f"scored:{period.id}"


def scored_rule_set(period: Period) -> RuleSet | None:
    """The rule set the period's stored scores were computed with (None: never scored)."""
    setting = db.session.get(Setting, _marker_key(period))
    if setting is None or not isinstance(setting.value, dict):
        return None
    return db.session.get(RuleSet, setting.value.get("rule_set_id"))


def rules_for(period: Period) -> RuleSet | None:
    """The rules a period's scores follow: those it was scored with, else the phase's
    active ones."""
    return scored_rule_set(period) or rules.active_rule_set(campaign.phase_of(period))


def _plan_for(period: Period) -> Plan:
    rule_set = rules.active_rule_set(campaign.phase_of(period))
    if rule_set is None:
        phase = campaign.phase_of(period)
        raise UserError(_("Phase %(n)d has no active rules: import and activate a rule "
                          "set first (lms emulation rules import FILE --phase %(n)d "
                          "--activate).", n=phase.number))
    return Plan.of(rule_set)


# -- formulas -------------------------------------------------------------------------------------
def indicator_points(criterion: Criterion, value: float, period_kind: str = "year") -> float:
    """The points an indicator gives for ``value`` (see the module docstring)."""
    value = float(value or 0)
    points = float(criterion.points or 0)
    kind = criterion.kind
    if kind == "quantitative":
        target = rules.target_for(criterion, period_kind) or 0
        if target <= 0:
            return 0.0
        cap = float(criterion.cap) if criterion.cap is not None else 1.0
        result = min(max(value, 0.0) / target, cap) * points
    elif kind == "pass_fail":
        target = rules.target_for(criterion, period_kind)
        result = points if value >= (target if target is not None else 1.0) else 0.0
    elif kind in ("occurrence", "bonus"):
        result = min(points * max(value, 0.0), float(criterion.cap or 0))
    elif kind == "penalty":
        result = -min(points * max(value, 0.0), float(criterion.cap or 0))
    else:
        result = 0.0
    return MS.rounded(result)


def roll_up(plan: Plan, subject: str, points: dict[int, float]
            ) -> tuple[dict[int, tuple[float, float]], float, dict[int, float]]:
    """Groups' ``(sum of children, points)`` for one subject from its indicators' points,
    the total, and the points of each top-level node (groups and top bonuses/penalties)."""
    groups: dict[int, tuple[float, float]] = {}

    def node(c: Criterion) -> float:
        if c.kind != "group":
            return points.get(c.id, 0.0) if c.subject == subject else 0.0
        raw = MS.rounded(sum(node(ch) for ch in plan.children.get(c.id, [])))
        value = MS.rounded(min(max(raw, 0.0), float(c.max_points)))
        groups[c.id] = (raw, value)
        return value

    tops = {c.id: node(c) for c in plan.children.get(None, [])}
    total = MS.rounded(max(0.0, sum(tops[k] for k in sorted(tops))))
    return groups, total, tops


# -- who is scored --------------------------------------------------------------------------------
def officers_of(period: Period) -> dict[int, MS.Officer]:
    """Everyone assigned on some day of the period, with the unit and position held on
    their last such day."""
    out: dict[int, MS.Officer] = {}
    for uid, unit_id, position_id, last in sources.assignments_overlapping(period.start,
                                                                           period.end):
        known = out.get(uid)
        if known is None or last >= known.last_day:
            out[uid] = MS.Officer(unit_id, position_id, last)
    return out


def _predecessor_basis(window: MS.Window) -> dict[int, list[int]]:
    """Units created after the period (by a merge or split) -> their predecessor units that
    existed at the period's end."""
    def compute():
        out = {}
        end = window.end
        for unit in sources.units_established_after(end):
            preds = sorted({u.id for _event, u in org.predecessors(unit)
                            if u.established_on <= end
                            and (u.dissolved_on is None or u.dissolved_on > end)})
            if preds:
                out[unit.id] = preds
        return out

    return window.cached("predecessor_basis", compute)


class _Subtrees:
    """Members of each unit and of the units below it, on one day (memoised)."""

    def __init__(self, direct: dict[int, set[int]], children: dict):
        self.direct, self.children = direct, children
        self.memo: dict[int, frozenset[int]] = {}

    def members(self, unit_id: int) -> frozenset[int]:
        if unit_id not in self.memo:
            self.memo[unit_id] = frozenset()  # guards against a cycle in bad data
            found = set(self.direct.get(unit_id, ()))
            for child in self.children.get(unit_id, ()):
                found |= self.members(child)
            self.memo[unit_id] = frozenset(found)
        return self.memo[unit_id]


def _members(window: MS.Window) -> dict[int, list[int]]:
    def compute():
        start, end = window.start, window.end
        ref: dict[int, date] = {}
        for unit_id, _est, dissolved in sources.units_overlapping(start, end):
            ref[unit_id] = end if dissolved is None or dissolved > end else \
                dissolved - timedelta(days=1)
        successors = _predecessor_basis(window)
        days = set(ref.values()) | ({end} if successors else set())
        members: dict[int, list[int]] = {}
        for day in sorted(days):
            direct: dict[int, set[int]] = defaultdict(set)
            for uid, unit_id, _pos in sources.assignments_on(day):
                if uid in window.officers:
                    direct[unit_id].add(uid)
            tree = _Subtrees(direct, org.children_map(on=day))
            for unit_id, d in ref.items():
                if d == day:
                    ids = tree.members(unit_id)
                    if ids:
                        members[unit_id] = sorted(ids)
            if day == end:
                for unit_id, preds in successors.items():
                    ids = frozenset().union(*[tree.members(p) for p in preds])
                    if ids:
                        members[unit_id] = sorted(ids)
        return members

    return window.cached("members", compute)


def members_by_unit(period: Period) -> dict[int, list[int]]:
    """``unit id -> ids of its member officers`` in the period, as the unit scores count
    them (see the module docstring); for the rankings' per-capita figures."""
    plan_rules = rules_for(period)
    settings = rules.merged_settings(plan_rules.settings if plan_rules else {})
    return _members(MS.Window(period, settings, officers_of(period)))


def predecessor_basis(period: Period) -> dict[int, list[int]]:
    """``unit id -> predecessor unit ids`` for the units scored over their predecessors'
    officers in this period (so that pages can say so)."""
    return _predecessor_basis(MS.Window(period, {}, {}))


# -- computing ------------------------------------------------------------------------------------
def _measure_values(window: MS.Window, key: str, params: dict, subjects: list[int]) -> dict:
    m = MS.get(key)
    if m is None or not m.available:
        return {}
    cache_key = ("measure", key, json.dumps(params, sort_keys=True, default=str))
    return window.cached(cache_key, lambda: m.func(subjects, window, params))


def _user_rows(plan: Plan, window: MS.Window, subjects: list[int], corrections):
    """Score lines and scores of ``subjects`` (officers of the window)."""
    uses = [(c.measure, rules.measure_params(c)) for c in plan.indicators("user")]
    for c in plan.indicators("unit"):
        m = MS.get(c.measure)
        if m is not None and m.feeds is not None:
            uses.append(m.feeds(rules.measure_params(c)))
    MS.plan_study(window, uses)
    anomalies.detect(window, subjects)
    lines: list[dict] = []
    points_by_user: dict[int, dict[int, float]] = defaultdict(dict)
    for c in plan.indicators("user"):
        values = _measure_values(window, c.measure, rules.measure_params(c), subjects)
        for uid in sorted(values):
            value, ev = values[uid]
            pts = indicator_points(c, value, window.kind)
            points_by_user[uid][c.id] = pts
            lines.append({"period_id": window.id, "subject": "user", "subject_id": uid,
                          "criterion_id": c.id, "value": MS.rounded(value), "points": pts,
                          "evidence": ev})
    for c in plan.indicators("unit"):
        m = MS.get(c.measure)
        if m is None or not m.available or m.feeds is None:
            continue
        key, params = m.feeds(rules.measure_params(c))
        values = _measure_values(window, key, params, subjects)
        for uid in sorted(values):
            lines.append({"period_id": window.id, "subject": "user", "subject_id": uid,
                          "criterion_id": c.id, "value": MS.rounded(values[uid][0]),
                          "points": 0.0, "evidence": {}})
    scores = []
    for uid in sorted(subjects):
        groups, total, _tops = roll_up(plan, "user", points_by_user.get(uid, {}))
        for gid, (raw, pts) in groups.items():
            if abs(raw) > EPSILON or abs(pts) > EPSILON:
                lines.append({"period_id": window.id, "subject": "user", "subject_id": uid,
                              "criterion_id": gid, "value": raw, "points": pts, "evidence": {}})
        scores.append({"period_id": window.id, "subject": "user", "subject_id": uid,
                       "unit_id": window.officers[uid].unit_id,
                       "total": MS.rounded(total + corrections.get(("user", uid), 0.0))})
    return lines, scores


def _unit_rows(plan: Plan, window: MS.Window, corrections):
    """Lines and scores of every unit of the period, from the stored member lines."""
    members = _members(window)
    indicators = plan.indicators("unit")
    member_values: dict[int, dict[int, float]] = defaultdict(dict)
    if indicators:
        rows = db.session.execute(
            sa.select(ScoreLine.criterion_id, ScoreLine.subject_id, ScoreLine.value)
            .where(ScoreLine.period_id == window.id, ScoreLine.subject == "user",
                   ScoreLine.criterion_id.in_([c.id for c in indicators])))
        for cid, uid, value in rows:
            member_values[cid][uid] = value
    lines: list[dict] = []
    points_by_unit: dict[int, dict[int, float]] = defaultdict(dict)
    for c in indicators:
        m = MS.get(c.measure)
        if m is None or not m.available:
            continue
        values = m.func(members, member_values.get(c.id, {}), rules.measure_params(c))
        for unit_id in sorted(values):
            value, ev = values[unit_id]
            pts = indicator_points(c, value, window.kind)
            points_by_unit[unit_id][c.id] = pts
            lines.append({"period_id": window.id, "subject": "unit", "subject_id": unit_id,
                          "criterion_id": c.id, "value": MS.rounded(value), "points": pts,
                          "evidence": ev})
    scores = []
    for unit_id in sorted(members):
        groups, total, _tops = roll_up(plan, "unit", points_by_unit.get(unit_id, {}))
        for gid, (raw, pts) in groups.items():
            if abs(raw) > EPSILON or abs(pts) > EPSILON:
                lines.append({"period_id": window.id, "subject": "unit", "subject_id": unit_id,
                              "criterion_id": gid, "value": raw, "points": pts, "evidence": {}})
        scores.append({"period_id": window.id, "subject": "unit", "subject_id": unit_id,
                       "unit_id": unit_id, "members": len(members[unit_id]),
                       "total": MS.rounded(total + corrections.get(("unit", unit_id), 0.0))})
    return lines, scores


def _corrections_total(period: Period) -> dict[tuple[str, int], float]:
    out: dict[tuple[str, int], float] = defaultdict(float)
    for subject, sid, delta in db.session.execute(
            sa.select(Correction.subject, Correction.subject_id, Correction.delta)
            .where(Correction.period_id == period.id).order_by(Correction.id)):
        out[(subject, sid)] = MS.rounded(out[(subject, sid)] + delta)
    return out


def _delete(model, period_id: int, subject: str, ids: list[int] | None) -> None:
    base = sa.delete(model).where(model.period_id == period_id, model.subject == subject) \
        .execution_options(synchronize_session=False)
    if ids is None:
        db.session.execute(base)
        return
    for part in sources.chunks(ids):
        db.session.execute(base.where(model.subject_id.in_(part)))


def _insert(model, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[i:i + BATCH])


def _write_users(period: Period, ids: list[int] | None, lines, scores) -> None:
    _delete(ScoreLine, period.id, "user", ids)
    _delete(Score, period.id, "user", ids)
    _insert(ScoreLine, lines)
    _insert(Score, scores)


def _write_units(period: Period, lines, scores) -> None:
    _delete(ScoreLine, period.id, "unit", None)
    _delete(Score, period.id, "unit", None)
    _insert(ScoreLine, lines)
    _insert(Score, scores)


def _mark_scored(period: Period, rule_set: RuleSet) -> None:
    value = {"rule_set_id": rule_set.id, "at": utcnow().isoformat(timespec="seconds")}
    setting = db.session.get(Setting, _marker_key(period))
    if setting is None:
        db.session.add(Setting(key=_marker_key(period), value=value))
    else:
        setting.value = value
    db.session.flush()


def _rank(period: Period) -> None:
    """``plugins.emulation.ranking.rank_period(period)``, when that module exists."""
    if importlib.util.find_spec("plugins.emulation.ranking") is None:
        return
    ranking = importlib.import_module("plugins.emulation.ranking")
    hook = getattr(ranking, "rank_period", None)
    if hook is not None:
        hook(period)


@dataclass
class Result:
    period: str
    officers: int = 0
    units: int = 0
    lines: int = 0
    seconds: float = 0.0
    corrections: int = 0
    full: bool = True
    #: A frozen period recomputed with --force-correction (``corrections`` were recorded).
    corrected: bool = False


def _compute(period: Period, plan: Plan, users: list[int] | None) -> Result:
    """Write the period's scores: every officer (``users`` None) or only ``users``; then
    every unit. Flushes."""
    began = time.perf_counter()
    window = MS.Window(period, plan.settings, officers_of(period))
    corrections = _corrections_total(period)
    if users is None:
        subjects = sorted(window.officers)
        ids = None
    else:
        ids = sorted(set(users))
        subjects = [u for u in ids if u in window.officers]
    lines, scores = _user_rows(plan, window, subjects, corrections)
    _write_users(period, ids, lines, scores)
    unit_lines, unit_scores = _unit_rows(plan, window, corrections)
    _write_units(period, unit_lines, unit_scores)
    db.session.flush()
    return Result(period.label, len(scores), len(unit_scores), len(lines) + len(unit_lines),
                  time.perf_counter() - began, full=users is None)


def recompute_period(period: Period, *, users: list[int] | None = None,
                     force_correction: bool = False, reason: str = "", actor=None,
                     rank: bool = True) -> Result:
    """Rebuild the period's scores from scratch (or only those of ``users`` and the units).

    A frozen period is refused unless ``force_correction``: then it is recomputed with the
    rules that scored it, and what differs from the frozen scores is recorded as
    corrections with ``reason`` (required) and ``actor``. Flushes; the caller commits."""
    if period.frozen_at is not None:
        if not force_correction:
            raise UserError(_("The period %(label)s is closed (frozen on %(day)s): its scores "
                              "change only through a recorded correction "
                              "(--force-correction with a reason).", label=period.label,
                              day=period.frozen_at.strftime("%d/%m/%Y")))
        return _force_correction(period, reason=reason, actor=actor, rank=rank)
    plan = _plan_for(period)
    result = _compute(period, plan, users)
    if users is None:
        _mark_scored(period, plan.rule_set)
        db.session.execute(sa.delete(DirtySubject).where(DirtySubject.period_id == period.id))
    if rank:
        _rank(period)
    db.session.flush()
    return result


def recompute_all(*, today: date | None = None, progress=None) -> list[Result]:
    """Rebuild every open period that has begun (for ``lms emulation recompute --all`` and
    after loading demo data)."""
    today = today or campaign._today()
    out = []
    items = [p for p in campaign.periods() if p.frozen_at is None and p.start <= today]
    for period in (progress(items) if progress else items):
        if rules.active_rule_set(campaign.phase_of(period)) is None:
            continue
        out.append(recompute_period(period))
    return out


# -- incremental ----------------------------------------------------------------------------------
def _needs_rebuild(period: Period) -> bool:
    active = rules.active_rule_set(campaign.phase_of(period))
    if active is None:
        return False
    scored = scored_rule_set(period)
    return scored is None or scored.id != active.id


def incremental_pass(*, today: date | None = None) -> list[Result]:
    """Bring the open periods up to date: rebuild those never scored or scored with rules
    that are no longer active; recompute the officers marked dirty (and the units) in the
    others. Marks made while it runs are kept for the next pass. Flushes."""
    today = today or campaign._today()
    started_at = utcnow()
    dirty: dict[int, list[int]] = defaultdict(list)
    for period_id, user_id in db.session.execute(
            sa.select(DirtySubject.period_id, DirtySubject.user_id)
            .where(DirtySubject.marked_at <= started_at)):
        dirty[period_id].append(user_id)
    results = []
    for period in campaign.periods():
        if period.frozen_at is not None:
            if dirty.get(period.id):
                db.session.execute(sa.delete(DirtySubject).where(
                    DirtySubject.period_id == period.id))
            continue
        if period.start <= today and _needs_rebuild(period):
            results.append(recompute_period(period))
            continue
        users = dirty.get(period.id)
        if not users:
            continue
        if rules.active_rule_set(campaign.phase_of(period)) is None:
            continue
        result = _compute(period, _plan_for(period), users)
        result.full = False
        results.append(result)
        for part in sources.chunks(users):
            db.session.execute(sa.delete(DirtySubject).where(
                DirtySubject.period_id == period.id, DirtySubject.user_id.in_(part),
                DirtySubject.marked_at <= started_at))
        _rank(period)
    db.session.flush()
    return results


def _savepoint_key():
    session = db.session()
    return session.get_nested_transaction() or session.get_transaction()


def _upsert_dirty(rows: list[dict]) -> None:
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(DirtySubject).values(rows)
    stmt = stmt.on_conflict_do_update(index_elements=["period_id", "user_id"],
                                      set_={"marked_at": stmt.excluded.marked_at})
    db.session.execute(stmt)


def _txn_state() -> dict:
    """What this transaction (or savepoint) already marked, and the periods of each day."""
    info = db.session().info
    key = _savepoint_key()
    if key is None or info.get("emulation_dirty_txn") is not key:
        info["emulation_dirty_state"] = {"seen": set(), "days": {}}
        info["emulation_dirty_txn"] = key
    return info["emulation_dirty_state"]


def _mark(user_id: int, period_ids: list[int]) -> None:
    state = _txn_state()
    now = utcnow()
    rows = [{"period_id": pid, "user_id": user_id, "marked_at": now}
            for pid in period_ids if (pid, user_id) not in state["seen"]]
    _upsert_dirty(rows)
    state = _txn_state()  # the upsert may have begun the transaction
    state["seen"].update((r["period_id"], user_id) for r in rows)


def mark_dirty(user_id: int, day: date) -> None:
    """The officer's scores of the (open) periods holding ``day`` must be recomputed by the
    next incremental pass. Call it when a score input of that day changes (an approved
    submission, an anomaly decision). Cheap: once per officer and period per transaction."""
    if user_id is None or day is None:
        return
    days = _txn_state()["days"]
    if day not in days:
        days[day] = [p.id for p in campaign.periods_containing(day, open_only=True)]
    _mark(user_id, days[day])


def mark_dirty_open(user_id: int, *, today: date | None = None) -> None:
    """Mark the officer in every open period that has begun (a change of unit, of
    competency levels)."""
    today = today or campaign._today()
    _mark(user_id, list(db.session.scalars(sa.select(Period.id).where(
        Period.frozen_at.is_(None), Period.start <= today))))


# -- receivers ------------------------------------------------------------------------------------
_SCORED_VERBS = (sources.EXPERIENCED, sources.COMPLETED, sources.PASSED, sources.FAILED)


def on_statement_stored(statement, user=None, **kwargs) -> None:
    """A statement that can change hours, completions or assessments marks its officer on
    the statement's (local) day; a voiding statement marks the voided one's."""
    verb = statement.verb_id
    if verb in _SCORED_VERBS:
        user_id = getattr(user, "id", None) or statement.user_id
        if user_id is not None:
            mark_dirty(user_id, sources.local_date(statement.timestamp))
    elif verb == sources.VOIDED:
        target = ((statement.payload or {}).get("object") or {}).get("id")
        owner = sources.statement_owner(target) if target else None
        if owner is not None and owner[0] is not None:
            mark_dirty(owner[0], sources.local_date(owner[1]))


def on_course_completed(enrolment, **kwargs) -> None:
    mark_dirty(enrolment.user_id, sources.local_date(enrolment.completed_at or utcnow()))


def on_course_published(version, previous=None, **kwargs) -> None:
    if version.author_id is not None:
        mark_dirty(version.author_id, sources.local_date(version.published_at or utcnow()))


def on_assignment_changed(user, old=None, new=None, **kwargs) -> None:
    mark_dirty_open(user.id)


def on_levels_changed(user, codes=(), **kwargs) -> None:
    mark_dirty_open(user.id)


def on_assessment_scored(sitting, levels=None, **kwargs) -> None:
    mark_dirty(sitting.user_id, sources.local_date(sitting.submitted_at or utcnow()))


def _receivers() -> list:
    out = [(xapi_signals.statement_stored, on_statement_stored),
           (course_signals.course_completed, on_course_completed),
           (course_signals.course_published, on_course_published),
           (org_signals.assignment_changed, on_assignment_changed)]
    try:
        from plugins.competency import signals as competency_signals
    except ImportError:  # the competency plugin is not installed
        return out
    return out + [(competency_signals.levels_changed, on_levels_changed),
                  (competency_signals.assessment_scored, on_assessment_scored)]


#: (signal, receiver) pairs the plugin connects.
RECEIVERS: list = _receivers()


# -- closing and corrections ----------------------------------------------------------------------
def close_due_periods(*, today: date | None = None, actor=None) -> list[Period]:
    """Rebuild and freeze every open period whose ``close_on`` has come (oldest first).
    Flushes; returns the periods frozen."""
    today = today or campaign._today()
    frozen = []
    for period in campaign.periods():
        if period.frozen_at is not None or period.close_on > today:
            continue
        if rules.active_rule_set(campaign.phase_of(period)) is not None:
            recompute_period(period)
        period.frozen_at = utcnow()
        db.session.execute(sa.delete(DirtySubject).where(DirtySubject.period_id == period.id))
        audit.record(actor, "period.freeze", "period", period.label, {"frozen_at": None},
                     {"frozen_at": period.frozen_at, "close_on": period.close_on})
        frozen.append(period)
    db.session.flush()
    return frozen


def _top_points(period_id: int, top_ids: set[int]) -> dict[tuple[str, int], dict[int, float]]:
    out: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    if not top_ids:
        return out
    for subject, sid, cid, pts in db.session.execute(
            sa.select(ScoreLine.subject, ScoreLine.subject_id, ScoreLine.criterion_id,
                      ScoreLine.points)
            .where(ScoreLine.period_id == period_id, ScoreLine.criterion_id.in_(top_ids))):
        out[(subject, sid)][cid] = pts
    return out


def _force_correction(period: Period, *, reason: str, actor, rank: bool) -> Result:
    began = time.perf_counter()
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Give the reason for correcting the closed period %(label)s.",
                          label=period.label))
    rule_set = rules_for(period)
    if rule_set is None:
        raise UserError(_("The period %(label)s was never scored.", label=period.label))
    plan = Plan.of(rule_set)
    old_totals = dict(((s, sid), total) for s, sid, total in db.session.execute(
        sa.select(Score.subject, Score.subject_id, Score.total)
        .where(Score.period_id == period.id)))
    top_ids = {c.id for c in plan.children.get(None, [])}
    old_tops = _top_points(period.id, top_ids)
    old_corr: dict[tuple[str, int, int | None], float] = defaultdict(float)
    for c in db.session.scalars(sa.select(Correction).where(Correction.period_id == period.id)):
        old_corr[(c.subject, c.subject_id, c.criterion_id)] += c.delta
    # Recompute inside a savepoint, read the new figures, and undo it: the frozen lines stay.
    savepoint = db.session.begin_nested()
    _compute(period, plan, None)
    new_tops = _top_points(period.id, top_ids)
    new_totals = {(s, sid): total - _corr_sum(old_corr, s, sid) for s, sid, total in
                  db.session.execute(sa.select(Score.subject, Score.subject_id, Score.total)
                                     .where(Score.period_id == period.id))}
    savepoint.rollback()
    scores = {(s.subject, s.subject_id): s for s in db.session.scalars(
        sa.select(Score).where(Score.period_id == period.id))}
    added = 0
    for key in sorted(set(new_totals) | set(old_totals)):
        subject, sid = key
        new_total = MS.rounded(new_totals.get(key, 0.0))
        score = scores.get(key)
        old_total = old_totals.get(key, 0.0)
        deltas = []
        for cid in sorted(top_ids):
            old = old_tops.get(key, {}).get(cid, 0.0) + old_corr.get((subject, sid, cid), 0.0)
            new = new_tops.get(key, {}).get(cid, 0.0)
            if abs(new - old) > EPSILON:
                deltas.append((cid, MS.rounded(new - old)))
        residual = MS.rounded(new_total - old_total - sum(d for _c, d in deltas))
        if abs(residual) > EPSILON:
            deltas.append((None, residual))
        for cid, delta in deltas:
            db.session.add(Correction(period_id=period.id, subject=subject, subject_id=sid,
                                      criterion_id=cid, delta=delta, reason=reason,
                                      by_id=getattr(actor, "id", None)))
            added += 1
        if deltas:
            if score is None:
                score = Score(period_id=period.id, subject=subject, subject_id=sid,
                              unit_id=sid if subject == "unit" else None, total=0.0)
                db.session.add(score)
            before = score.total
            score.total = MS.rounded(new_total)
            audit.record(actor, "correction.recompute", "score",
                         f"{period.label}:{subject}:{sid}", {"total": before},
                         {"total": score.total, "reason": reason,
                          "deltas": [[c, d] for c, d in deltas]})
    db.session.flush()
    if rank and added:
        _rank(period)
    return Result(period.label, seconds=time.perf_counter() - began, corrections=added,
                  corrected=True)


def _corr_sum(old_corr, subject, sid) -> float:
    return sum(v for (s, i, _c), v in old_corr.items() if s == subject and i == sid)


def add_correction(period: Period, subject: str, subject_id: int, delta: float, *,
                   reason: str, actor, criterion: Criterion | None = None) -> Correction:
    """Correct a frozen score by ``delta`` points (on ``criterion`` when given): the only
    way a closed period's score changes. Audited; Score.total includes it."""
    if period.frozen_at is None:
        raise UserError(_("The period %(label)s is open: its scores follow the data, so "
                          "correct the data (evidence, anomalies) instead.", label=period.label))
    if subject not in ("user", "unit"):
        raise UserError(_("A correction is for an officer or a unit."))
    try:
        delta = float(delta)
    except (TypeError, ValueError):
        delta = 0.0
    if abs(delta) < EPSILON or abs(delta) > 1000:
        raise UserError(_("Give the points to add (or take off, with a minus sign), not 0."))
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("Give the reason for the correction."))
    score = db.session.scalar(sa.select(Score).where(
        Score.period_id == period.id, Score.subject == subject, Score.subject_id == subject_id))
    if score is None:
        raise UserError(_("There is no score to correct for this %(who)s in %(label)s.",
                          who=_("officer") if subject == "user" else _("unit"),
                          label=period.label))
    scored = rules_for(period)
    if criterion is not None and (scored is None or criterion.rule_set_id != scored.id):
        raise UserError(_("The criterion %(code)s is not in the rules that scored %(label)s.",
                          code=criterion.code, label=period.label))
    correction = Correction(period_id=period.id, subject=subject, subject_id=subject_id,
                            criterion_id=criterion.id if criterion else None,
                            delta=MS.rounded(delta), reason=reason,
                            by_id=getattr(actor, "id", None))
    db.session.add(correction)
    before = score.total
    score.total = MS.rounded(score.total + delta)
    db.session.flush()
    audit.record(actor, "correction.add", "score", f"{period.label}:{subject}:{subject_id}",
                 {"total": before}, {"total": score.total, "delta": correction.delta,
                                     "criterion": criterion.code if criterion else None,
                                     "reason": reason, "correction_id": correction.id})
    _rank(period)
    return correction


# -- reading --------------------------------------------------------------------------------------
@dataclass
class BreakdownRow:
    """One criterion of a subject's breakdown; unpacks as ``(criterion, line)``."""

    criterion: Criterion
    line: ScoreLine | None
    depth: int = 0
    corrections: list[Correction] = field(default_factory=list)
    target: float | None = None  #: the indicator's target for this period's kind

    def __iter__(self):
        yield self.criterion
        yield self.line

    @property
    def value(self) -> float:
        return self.line.value if self.line is not None else 0.0

    @property
    def points(self) -> float:
        """Points, with the corrections of this criterion."""
        base = self.line.points if self.line is not None else 0.0
        return MS.rounded(base + sum(c.delta for c in self.corrections))

    @property
    def is_group(self) -> bool:
        return self.criterion.kind == "group"


def breakdown(subject: str, subject_id: int, period: Period) -> list[BreakdownRow]:
    """The criteria tree for one officer (``user``) or unit in a period, in order, each with
    its line (None: nothing counted) and corrections. Empty when the phase has no rules."""
    rule_set = rules_for(period)
    if rule_set is None:
        return []
    lines = {ln.criterion_id: ln for ln in db.session.scalars(sa.select(ScoreLine).where(
        ScoreLine.period_id == period.id, ScoreLine.subject == subject,
        ScoreLine.subject_id == subject_id))}
    corrections: dict[int | None, list[Correction]] = defaultdict(list)
    for c in db.session.scalars(sa.select(Correction).where(
            Correction.period_id == period.id, Correction.subject == subject,
            Correction.subject_id == subject_id).order_by(Correction.id)):
        corrections[c.criterion_id].append(c)
    rows = []
    for c, depth in rules.tree_rows(rule_set):
        if c.kind != "group" and c.subject != subject:
            continue
        rows.append(BreakdownRow(c, lines.get(c.id), depth, corrections.get(c.id, []),
                                 rules.target_for(c, period.kind) if c.kind != "group"
                                 else None))
    return rows


def officer_breakdown(user, period: Period) -> list[BreakdownRow]:
    return breakdown("user", user.id, period)


def unit_breakdown(unit, period: Period) -> list[BreakdownRow]:
    return breakdown("unit", unit.id, period)


def score_of(subject: str, subject_id: int, period: Period) -> Score | None:
    return db.session.scalar(sa.select(Score).where(
        Score.period_id == period.id, Score.subject == subject, Score.subject_id == subject_id))


def corrections_of(subject: str, subject_id: int, period: Period) -> list[Correction]:
    """Every correction of the subject's score in the period (criterion or not), oldest
    first."""
    return list(db.session.scalars(sa.select(Correction).where(
        Correction.period_id == period.id, Correction.subject == subject,
        Correction.subject_id == subject_id).order_by(Correction.id)))


# -- jobs -----------------------------------------------------------------------------------------
def incremental_job() -> None:
    """Scheduled: the incremental pass, committed."""
    incremental_pass()
    db.session.commit()


def close_job() -> None:
    """Scheduled: freeze the periods whose closing day has come, committed."""
    close_due_periods()
    db.session.commit()


#: Scheduled jobs (lms_core.plugins.Job).
JOBS: list = [
    Job("emulation.incremental_pass", incremental_job, "interval", {"minutes": 15}),
    Job("emulation.close_periods", close_job, "cron", {"hour": 1, "minute": 15}),
]
