"""Read-side public functions of the organisation: trees, members, assignments, lineage.

Plugins read the organisation only through these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from lms_core.extensions import db
from lms_core.organisation.models import (
    Assignment,
    JobPosition,
    Unit,
    UnitEvent,
    UnitEventLink,
    UnitVersion,
)


def active_on(model, day: date, start="valid_from", end="valid_to"):
    """SQL condition: the row of ``model`` is in force on ``day`` (half-open interval)."""
    s, e = getattr(model, start), getattr(model, end)
    return sa.and_(s <= day, sa.or_(e.is_(None), e > day))


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code.strip().upper()))


def positions(active_only: bool = True) -> list[JobPosition]:
    """The job positions, by code (only the active ones unless ``active_only`` is False)."""
    stmt = sa.select(JobPosition).order_by(JobPosition.code)
    if active_only:
        stmt = stmt.where(JobPosition.active.is_(True))
    return list(db.session.scalars(stmt))


def position_by_code(code: str) -> JobPosition | None:
    return db.session.scalar(sa.select(JobPosition).where(JobPosition.code == code.strip().upper()))


def parent_map(on: date | None = None) -> dict[int, int | None]:
    """``unit_id -> parent_id`` for the tree today (active units) or on a date."""
    if on is None:
        rows = db.session.execute(
            sa.select(Unit.id, Unit.parent_id).where(Unit.dissolved_on.is_(None))
        )
    else:
        rows = db.session.execute(
            sa.select(UnitVersion.unit_id, UnitVersion.parent_id).where(active_on(UnitVersion, on))
        )
    return {uid: pid for uid, pid in rows}


def children_map(on: date | None = None) -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for uid, pid in parent_map(on).items():
        children[pid].append(uid)
    return children


def subtree_ids(unit_id: int, on: date | None = None) -> set[int]:
    """``unit_id`` and every unit below it, today or as the tree stood on ``on``."""
    children = children_map(on)
    seen = {unit_id}
    stack = [unit_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def ancestors(unit: Unit) -> list[Unit]:
    """The path from the root down to ``unit``'s parent (today's tree)."""
    path = []
    node = unit.parent
    while node is not None and len(path) < 100:
        path.append(node)
        node = node.parent
    return list(reversed(path))


def tree_rows(root_ids: Iterable[int] | None = None, include_dissolved: bool = False):
    """Units in depth-first order as ``(unit, depth)``, for display; from the roots of
    today's tree, or from ``root_ids``."""
    stmt = sa.select(Unit).order_by(Unit.code)
    if not include_dissolved:
        stmt = stmt.where(Unit.dissolved_on.is_(None))
    units = {u.id: u for u in db.session.scalars(stmt)}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for u in units.values():
        children[u.parent_id if u.parent_id in units else None].append(u)
    for kids in children.values():
        kids.sort(key=lambda u: (u.kind != "department", u.code))
    roots = [units[i] for i in root_ids if i in units] if root_ids is not None else children[None]
    out: list[tuple[Unit, int]] = []

    def walk(unit: Unit, depth: int) -> None:
        out.append((unit, depth))
        for child in children.get(unit.id, ()):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


def version_on(unit: Unit, day: date) -> UnitVersion | None:
    """The unit's name and parent as they stood on ``day`` (None before it existed)."""
    for v in unit.versions:
        if v.valid_from <= day and (v.valid_to is None or day < v.valid_to):
            return v
    return None


def current_assignment(user) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment).where(Assignment.user_id == user.id, Assignment.end_on.is_(None))
    )


def assignment_on(user, day: date) -> Assignment | None:
    """The assignment ``user`` held on ``day``: which unit they belonged to, in what post."""
    return db.session.scalar(
        sa.select(Assignment).where(
            Assignment.user_id == user.id, active_on(Assignment, day, "start_on", "end_on")
        )
    )


def assignments_of(user) -> list[Assignment]:
    return list(db.session.scalars(
        sa.select(Assignment).where(Assignment.user_id == user.id).order_by(Assignment.start_on)
    ))


def members_stmt(unit_id: int, on: date | None = None, recursive: bool = True):
    """A select of the assignments in force on ``on`` (today when None) in ``unit_id`` (and
    below it as the tree stood that day, when ``recursive``)."""
    day = on or date.today()
    ids = subtree_ids(unit_id, on) if recursive else {unit_id}
    return sa.select(Assignment).where(
        Assignment.unit_id.in_(ids), active_on(Assignment, day, "start_on", "end_on")
    )


def members(unit_id: int, on: date | None = None, recursive: bool = True) -> list[Assignment]:
    """Who belonged to the unit on a date: the assignments, with user, unit and position."""
    return list(db.session.scalars(members_stmt(unit_id, on, recursive)))


def member_count(unit_id: int, on: date | None = None, recursive: bool = True) -> int:
    stmt = members_stmt(unit_id, on, recursive)
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0


def events_of(unit: Unit) -> list[UnitEvent]:
    """Every event the unit took part in, oldest first."""
    return list(db.session.scalars(
        sa.select(UnitEvent).join(UnitEventLink).where(UnitEventLink.unit_id == unit.id)
        .order_by(UnitEvent.effective_on, UnitEvent.id)
    ).unique())


def predecessors(unit: Unit) -> list[tuple[UnitEvent, Unit]]:
    """Units that merged or split into ``unit``, and theirs in turn, newest first, each with
    the event that made the link. A regional branch formed in 2025 lists the provincial
    departments it absorbed."""
    out: list[tuple[UnitEvent, Unit]] = []
    seen = {unit.id}
    frontier = [unit.id]
    while frontier:
        rows = db.session.execute(
            sa.select(UnitEvent, UnitEventLink.unit_id)
            .join(UnitEventLink, UnitEventLink.event_id == UnitEvent.id)
            .where(UnitEvent.kind.in_(("merge", "split")), UnitEventLink.role == "target",
                   UnitEventLink.unit_id.in_(frontier))
            .order_by(UnitEvent.effective_on.desc())
        ).all()
        frontier = []
        for event, _target in rows:
            for src in event.units("source"):
                if src.id not in seen:
                    seen.add(src.id)
                    frontier.append(src.id)
                    out.append((event, src))
    return out


def ancestors_ids(unit: Unit) -> set[int]:
    return {u.id for u in ancestors(unit)}


def current_assignments(*, position_id: int | None = None, kind: str | None = None,
                        with_position: bool = False) -> list[Assignment]:
    """Every officer's current assignment (no end date) in a unit that is not dissolved, by
    officer: of ``position_id`` only, of ``kind`` only (e.g. ``rotation``), or only those with
    a position (``with_position``), when given. One query; 20,000 officers load in a fraction
    of a second. A merge ends the assignments in the dissolved units and continues them in
    the target, so each officer appears at most once."""
    stmt = (sa.select(Assignment).join(Unit, Unit.id == Assignment.unit_id)
            .where(Assignment.end_on.is_(None), Unit.dissolved_on.is_(None)))
    if position_id is not None:
        stmt = stmt.where(Assignment.position_id == position_id)
    elif with_position:
        stmt = stmt.where(Assignment.position_id.is_not(None))
    if kind is not None:
        stmt = stmt.where(Assignment.kind == kind)
    return list(db.session.scalars(stmt.order_by(Assignment.user_id, Assignment.id)))


def units_by_ids(ids: Iterable[int]) -> dict[int, Unit]:
    """``unit id -> Unit`` (dissolved ones too); unknown ids are absent. One query per 1,000
    ids."""
    wanted = sorted({i for i in ids if i is not None})
    out: dict[int, Unit] = {}
    for start in range(0, len(wanted), 1000):
        for unit in db.session.scalars(sa.select(Unit).where(
                Unit.id.in_(wanted[start:start + 1000]))):
            out[unit.id] = unit
    return out
