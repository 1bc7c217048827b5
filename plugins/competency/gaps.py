"""Gaps between what an officer's current position requires and the levels achieved.

One :class:`~plugins.competency.models.OfficerGap` row per competency the position of the
officer's **current assignment** requires (the assignment with no end date,
:func:`lms_core.organisation.queries.current_assignment`): required level, achieved level
(0 without evidence), weight and ``gap = max(0, required - achieved)``. The rows are derived:
they are rebuilt when evidence changes (:func:`plugins.competency.evidence.recompute_officer`),
when the assignment changes (signal ``assignment_changed``) and when a position's
requirements change (:func:`recompute_position`), never when a page is shown.
:func:`recompute_all` rebuilds them all from scratch and gives the same rows.

The **gap index** of an officer is ``sum(weight × gap) / sum(weight × required)``: 0 when
every requirement is met, 1 when nothing is achieved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from lms_core.courses import catalogue
from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.organisation import queries as org
from lms_core.signals import organisation as org_signals
from plugins.competency.models import OfficerGap, OfficerLevel, PositionRequirement

#: Officers per bulk chunk.
CHUNK = 2000
#: How long after taking up a new position the profile says "your new position needs…".
NEW_POSITION_DAYS = 365

Progress = Callable[[int, int], None]


# -- reading ------------------------------------------------------------------------------------
def requirements_by_position(position_ids: Iterable[int] | None = None
                             ) -> dict[int, list[tuple]]:
    """``position_id -> [(code, required_level, weight), ...]`` in one query."""
    stmt = sa.select(PositionRequirement.position_id, PositionRequirement.competency_code,
                     PositionRequirement.required_level, PositionRequirement.weight)
    if position_ids is not None:
        ids = list(position_ids)
        if not ids:
            return {}
        stmt = stmt.where(PositionRequirement.position_id.in_(ids))
    out: dict[int, list[tuple]] = defaultdict(list)
    for pid, code, level, weight in db.session.execute(stmt.order_by(
            PositionRequirement.position_id, PositionRequirement.competency_code)):
        out[pid].append((code, level, weight))
    return out


def current_assignment_rows(position_id: int | None = None) -> list[tuple[int, int, int]]:
    """``(user_id, unit_id, position_id)`` of every current assignment with a position (of
    ``position_id`` only, when given), read through ``org.current_assignments``."""
    return [(a.user_id, a.unit_id, a.position_id) for a in org.current_assignments(
        position_id=position_id, with_position=True)]


def user_gaps(user) -> list[OfficerGap]:
    """The officer's gap rows, largest weighted gap first, then by code."""
    rows = db.session.scalars(sa.select(OfficerGap).where(OfficerGap.user_id == user.id))
    return sorted(rows, key=lambda g: (-g.gap * g.weight, -g.gap, g.competency_code))


def gap_index(gaps: Iterable[OfficerGap]) -> float:
    """``sum(weight × gap) / sum(weight × required)``, 0 when nothing is required."""
    gaps = list(gaps)
    total = sum(g.weight * g.required_level for g in gaps)
    if total <= 0:
        return 0.0
    return sum(g.weight * g.gap for g in gaps) / total


def top_gaps(user, n: int = 3) -> list[OfficerGap]:
    """The officer's ``n`` largest gaps (weighted), only those not met."""
    return [g for g in user_gaps(user) if g.gap > 0][:n]


def new_position_gaps(user) -> list[OfficerGap]:
    """The gaps against the position the officer holds now (after a rotation, promotion or
    transfer): the requirements not met, largest weighted gap first. The onboarding plan and
    the 6-monthly evaluations of rotated officers start from this list."""
    return [g for g in user_gaps(user) if g.gap > 0]


def new_position_since(user, *, on: date | None = None) -> date | None:
    """The day the officer took up the position held now, when it counts as new: another
    position was held before it, and it was taken up fewer than :data:`NEW_POSITION_DAYS`
    ago or the officer is in the term of a rotation to it. None otherwise (the first
    position, or a position held for long). Assignments that keep the position (a
    restructuring that moves the unit, a transfer to the same post) do not make it new."""
    on = on or catalogue.local_today()
    current = org.current_assignment(user)
    if current is None or current.position_id is None:
        return None
    history = [a for a in org.assignments_of(user) if a.start_on <= current.start_on]
    run = []  # the assignments, newest first, holding the current position without a break
    for a in reversed(history):
        if a.position_id != current.position_id:
            break
        run.append(a)
    if len(run) == len(history):  # never held another position
        return None
    since = run[-1].start_on
    rotating = any(a.kind == "rotation" and a.planned_end_on and a.planned_end_on > on
                   for a in run)
    if rotating or (on - since) <= timedelta(days=NEW_POSITION_DAYS):
        return since
    return None


def recently_changed_position(user, *, on: date | None = None) -> bool:
    """True when the position held now counts as new (see :func:`new_position_since`)."""
    return new_position_since(user, on=on) is not None


# -- writing ------------------------------------------------------------------------------------
def _rows_for(user_id: int, unit_id: int, position_id: int, reqs: list[tuple],
              levels: dict[str, int], now) -> list[dict]:
    out = []
    for code, required, weight in reqs:
        achieved = levels.get(code, 0)
        out.append({"user_id": user_id, "competency_code": code, "position_id": position_id,
                    "unit_id": unit_id, "required_level": required, "achieved_level": achieved,
                    "weight": weight, "gap": max(0, required - achieved), "computed_at": now})
    return out


def _write(user_id: int, unit_id: int | None, position_id: int | None) -> list[OfficerGap]:
    # One cheap query first: most assignment changes (a restructuring moves thousands of
    # officers) concern positions without requirements and officers without gap rows.
    requires, has_rows = db.session.execute(sa.select(
        sa.exists().where(PositionRequirement.position_id == position_id)
        if position_id is not None else sa.false(),
        sa.exists().where(OfficerGap.user_id == user_id))).one()
    if has_rows:
        db.session.execute(sa.delete(OfficerGap).where(OfficerGap.user_id == user_id),
                           execution_options={"synchronize_session": False})
    if not requires:
        return []
    reqs = requirements_by_position([position_id])[position_id]
    levels = dict(db.session.execute(
        sa.select(OfficerLevel.competency_code, OfficerLevel.level)
        .where(OfficerLevel.user_id == user_id)).all())
    rows = [OfficerGap(**r) for r in _rows_for(user_id, unit_id, position_id, reqs, levels,
                                               utcnow())]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def recompute_user_gaps(user) -> list[OfficerGap]:
    """Rebuild ``user``'s gap rows against the position of the current assignment (none when
    the officer has no current assignment, no position, or the position requires nothing)."""
    current = org.current_assignment(user)
    if current is None:
        return _write(user.id, None, None)
    return _write(user.id, current.unit_id, current.position_id)


def _rebuild(assignments: list[tuple[int, int, int]], *, delete_all: bool,
             progress: Progress | None = None) -> int:
    """Bulk: delete the gap rows (all of them, or those of the officers in ``assignments``)
    and insert them again, a chunk of officers at a time. Returns the officers with gaps."""
    reqs = requirements_by_position()
    if delete_all:
        db.session.execute(sa.delete(OfficerGap))
    wanted = [a for a in assignments if a[2] in reqs]
    total = len(assignments)
    now = utcnow()
    done = 0
    for start in range(0, len(assignments), CHUNK):
        chunk = assignments[start:start + CHUNK]
        ids = [a[0] for a in chunk]
        if not delete_all:
            db.session.execute(sa.delete(OfficerGap).where(OfficerGap.user_id.in_(ids)))
        with_reqs = [a for a in chunk if a[2] in reqs]
        levels: dict[int, dict[str, int]] = defaultdict(dict)
        if with_reqs:
            for uid, code, level in db.session.execute(
                    sa.select(OfficerLevel.user_id, OfficerLevel.competency_code,
                              OfficerLevel.level)
                    .where(OfficerLevel.user_id.in_([a[0] for a in with_reqs]))):
                levels[uid][code] = level
        rows = []
        for uid, unit_id, pid in with_reqs:
            rows += _rows_for(uid, unit_id, pid, reqs[pid], levels.get(uid, {}), now)
        if rows:
            db.session.execute(OfficerGap.__table__.insert(), rows)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    db.session.flush()
    return len(wanted)


def recompute_position(position_id: int, *, progress: Progress | None = None) -> int:
    """Rebuild the gaps of every officer currently holding the position (after its
    requirements changed); returns how many officers now have gap rows."""
    return _rebuild(current_assignment_rows(position_id), delete_all=False, progress=progress)


def recompute_all(progress: Progress | None = None) -> int:
    """Rebuild every officer's gaps from scratch, in bulk: the requirements, the current
    assignments and the levels are read in a few queries, the rows deleted and inserted in
    chunks. ``progress(done, total)`` is called after each chunk of officers. Returns how many
    officers have gap rows (those whose position requires something)."""
    return _rebuild(current_assignment_rows(), delete_all=True, progress=progress)


# -- aggregates for unit pages ------------------------------------------------------------------
@dataclass
class Cell:
    below: int = 0  #: officers of the position below the required level
    total: int = 0  #: officers of the position (with a requirement for the competency)
    required: int = 0  #: the level the position requires

    @property
    def share(self) -> float:
        return self.below / self.total if self.total else 0.0


@dataclass
class Heatmap:
    position_ids: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    cells: dict[tuple[int, str], Cell] = field(default_factory=dict)
    officers: dict[int, int] = field(default_factory=dict)  #: position -> officers

    def cell(self, position_id: int, code: str) -> Cell | None:
        return self.cells.get((position_id, code))


def unit_heatmap(unit_id: int, codes: set[str] | None = None) -> Heatmap:
    """Positions × competencies for the unit's subtree (today's tree): per cell, how many of
    the officers holding the position are below the required level, out of how many. One
    aggregate query over the gap rows. ``codes`` restricts the competencies shown."""
    ids = org.subtree_ids(unit_id)
    stmt = (sa.select(OfficerGap.position_id, OfficerGap.competency_code,
                      sa.func.count(), sa.func.sum(sa.case((OfficerGap.gap > 0, 1), else_=0)),
                      sa.func.max(OfficerGap.required_level))
            .where(OfficerGap.unit_id.in_(ids))
            .group_by(OfficerGap.position_id, OfficerGap.competency_code))
    out = Heatmap()
    positions, all_codes = set(), set()
    for pid, code, total, below, required in db.session.execute(stmt):
        out.officers[pid] = max(out.officers.get(pid, 0), total)
        if codes is not None and code not in codes:
            continue
        out.cells[(pid, code)] = Cell(int(below or 0), total, required)
        positions.add(pid)
        all_codes.add(code)
    out.position_ids = sorted(positions)
    out.codes = sorted(all_codes)
    return out


@dataclass
class NeedRow:
    code: str
    level: int  #: the level needed (the position's requirement)
    officers: int  #: officers below it


def unit_needs(unit_id: int, codes: set[str] | None = None) -> list[NeedRow]:
    """How many officers of the unit's subtree are below each (competency, required level):
    one aggregate query over the gap rows; largest counts first."""
    ids = org.subtree_ids(unit_id)
    rows = db.session.execute(
        sa.select(OfficerGap.competency_code, OfficerGap.required_level,
                  sa.func.count(sa.distinct(OfficerGap.user_id)))
        .where(OfficerGap.unit_id.in_(ids), OfficerGap.gap > 0)
        .group_by(OfficerGap.competency_code, OfficerGap.required_level))
    out = [NeedRow(code, level, n) for code, level, n in rows
           if codes is None or code in codes]
    return sorted(out, key=lambda r: (-r.officers, r.code, r.level))


def unit_gaps(unit_id: int) -> list[OfficerGap]:
    """The gaps (``gap > 0``) of every officer of the unit's subtree, by officer and
    competency code: one query."""
    ids = org.subtree_ids(unit_id)
    return list(db.session.scalars(
        sa.select(OfficerGap).where(OfficerGap.unit_id.in_(sorted(ids)), OfficerGap.gap > 0)
        .order_by(OfficerGap.user_id, OfficerGap.competency_code)))


def unit_officer_count(unit_id: int) -> int:
    """Officers of the subtree who have gap rows (whose position requires something)."""
    ids = org.subtree_ids(unit_id)
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(OfficerGap.user_id)))
                             .where(OfficerGap.unit_id.in_(ids))) or 0


# -- receivers ----------------------------------------------------------------------------------
def on_assignment_changed(user, old=None, new=None, **kwargs) -> None:
    """The officer's assignment changed: rebuild the gaps against the new position (or
    remove them when the assignment ended). ``new`` is the assignment that starts."""
    if new is None:
        recompute_user_gaps(user)
    else:
        _write(user.id, new.unit_id, new.position_id)


#: (signal, receiver) pairs the plugin connects.
RECEIVERS: list = [(org_signals.assignment_changed, on_assignment_changed)]
