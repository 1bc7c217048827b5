"""Changes to the organisation, each recorded with the date it takes effect.

Operations validate first and change nothing when they raise :class:`UserError`; they flush
but never commit.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation import queries as q
from lms_core.organisation.models import (
    ASSIGNMENT_KINDS,
    UNIT_KINDS,
    Assignment,
    JobPosition,
    ProfessionalField,
    Unit,
    UnitEvent,
    UnitEventLink,
    UnitVersion,
)
from lms_core.signals import organisation as signals
from lms_core.text import fold


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _record(kind: str, on: date, sources=(), targets=(), note: str = "", actor=None) -> UnitEvent:
    event = UnitEvent(kind=kind, effective_on=on, note=note or "",
                      created_by_id=getattr(actor, "id", None))
    for unit in sources:
        event.links.append(UnitEventLink(unit=unit, role="source"))
    for unit in targets:
        event.links.append(UnitEventLink(unit=unit, role="target"))
    db.session.add(event)
    return event


def _current_version(unit: Unit) -> UnitVersion:
    return next(v for v in unit.versions if v.valid_to is None)


def _check_not_before(unit: Unit, on: date) -> None:
    if unit.dissolved_on is not None:
        raise UserError(_("Unit %(code)s was dissolved on %(day)s.", code=unit.code,
                          day=_fmt(unit.dissolved_on)))
    current = _current_version(unit)
    if on < current.valid_from:
        raise UserError(_(
            "A change to unit %(code)s cannot take effect before %(day)s, the date of its "
            "latest recorded change.", code=unit.code, day=_fmt(current.valid_from)))


def _new_version(unit: Unit, on: date, **changes) -> None:
    """Close the unit's current version on ``on`` and open one with ``changes`` (a change on
    the same day as the current version's start amends it instead)."""
    current = _current_version(unit)
    if current.valid_from == on:
        for key, value in changes.items():
            setattr(current, key, value)
    else:
        current.valid_to = on
        values = {"name_vi": current.name_vi, "name_en": current.name_en,
                  "parent_id": current.parent_id} | changes
        unit.versions.append(UnitVersion(valid_from=on, **values))
    for key, value in changes.items():
        setattr(unit, key, value)
    unit.search_text = fold(f"{unit.code} {unit.name_vi} {unit.name_en}")


def _clean_code(code: str, what) -> str:
    code = (code or "").strip().upper()
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_." for c in code):
        raise UserError(_("%(what)s code %(code)r is invalid: use letters, digits, - _ . "
                          "(at most 32).", what=what, code=code))
    return code


def create_unit(code: str, name_vi: str, name_en: str, kind: str, *, parent: Unit | None = None,
                on: date, note: str = "", actor=None) -> Unit:
    code = _clean_code(code, _("Unit"))
    if kind not in UNIT_KINDS:
        raise UserError(_("Unknown unit kind: %(kind)s", kind=kind))
    if not name_vi.strip():
        raise UserError(_("The unit needs a Vietnamese name."))
    if db.session.scalar(sa.select(Unit.id).where(Unit.code == code)):
        raise UserError(_("Unit code %(code)s already exists.", code=code))
    if parent is not None:
        _check_not_before(parent, on)
    name_en = name_en.strip() or name_vi.strip()
    unit = Unit(code=code, name_vi=name_vi.strip(), name_en=name_en, kind=kind,
                parent=parent, established_on=on,
                search_text=fold(f"{code} {name_vi} {name_en}"))
    unit.versions.append(UnitVersion(valid_from=on, name_vi=unit.name_vi, name_en=name_en,
                                     parent_id=parent.id if parent else None))
    db.session.add(unit)
    db.session.flush()
    event = _record("create", on, targets=[unit], note=note, actor=actor)
    db.session.flush()
    signals.unit_changed.send(event)
    return unit


def rename_unit(unit: Unit, name_vi: str, name_en: str, *, on: date, note: str = "",
                actor=None) -> UnitEvent:
    _check_not_before(unit, on)
    if not name_vi.strip():
        raise UserError(_("The unit needs a Vietnamese name."))
    _new_version(unit, on, name_vi=name_vi.strip(), name_en=(name_en or name_vi).strip())
    event = _record("rename", on, sources=[unit], targets=[unit], note=note, actor=actor)
    db.session.flush()
    signals.unit_changed.send(event)
    return event


def move_unit(unit: Unit, new_parent: Unit | None, *, on: date, note: str = "",
              actor=None) -> UnitEvent:
    """Put ``unit`` (with its subtree) under ``new_parent``; refuses a cycle."""
    _check_not_before(unit, on)
    if new_parent is not None:
        _check_not_before(new_parent, on)
        if new_parent.id in q.subtree_ids(unit.id):
            raise UserError(_("Unit %(code)s cannot be placed under %(parent)s: that would make "
                              "a cycle in the unit tree.", code=unit.code, parent=new_parent.code))
    _new_version(unit, on, parent_id=new_parent.id if new_parent else None)
    unit.parent = new_parent
    event = _record("move", on, sources=[unit], targets=[new_parent] if new_parent else [unit],
                    note=note, actor=actor)
    db.session.flush()
    signals.unit_changed.send(event)
    return event


def _dissolve(unit: Unit, on: date) -> None:
    _current_version(unit).valid_to = on
    unit.dissolved_on = on


def _move_members(source: Unit, target_for, on: date, note: str) -> list[tuple]:
    """End the direct members' assignments in ``source`` on ``on`` and continue each in the
    unit ``target_for(user_id)`` with the same position."""
    moved = []
    rows = db.session.scalars(
        sa.select(Assignment).where(Assignment.unit_id == source.id, Assignment.end_on.is_(None))
    ).all()
    for old in rows:
        if old.start_on > on:
            raise UserError(_("An assignment in %(code)s starts after %(day)s; change it first.",
                              code=source.code, day=_fmt(on)))
    for old in rows:
        target = target_for(old.user_id)
        new = Assignment(user_id=old.user_id, unit_id=target.id, position_id=old.position_id,
                         start_on=on, kind="restructure", planned_end_on=old.planned_end_on,
                         note=note)
        if old.start_on == on:
            old.unit_id = target.id
            moved.append((old, old))
        else:
            old.end_on = on
            db.session.add(new)
            moved.append((old, new))
    return moved


def merge_units(sources: list[Unit], target: Unit, *, on: date, note: str = "",
                actor=None) -> UnitEvent:
    """Merge ``sources`` into ``target`` on ``on``: their direct members continue in the
    target, their child units move under it, and the sources are dissolved. Who belonged
    where before ``on`` stays answerable."""
    if not sources:
        raise UserError(_("Choose at least one unit to merge."))
    if target in sources:
        raise UserError(_("A unit cannot be merged into itself."))
    if len({u.id for u in sources}) != len(sources):
        raise UserError(_("A unit is listed twice."))
    for unit in [*sources, target]:
        _check_not_before(unit, on)
    target_tree = q.subtree_ids(target.id)
    for src in sources:
        if src.id in q.ancestors_ids(target):
            raise UserError(_("Unit %(code)s contains the target unit and cannot be merged into "
                              "it.", code=src.code))
    moved = []
    for src in sources:
        moved += _move_members(src, lambda _uid: target, on, note)
        for child in [c for c in src.children if c.dissolved_on is None]:
            if child.id not in target_tree:
                _new_version(child, on, parent_id=target.id)
                child.parent = target
        _dissolve(src, on)
    event = _record("merge", on, sources=sources, targets=[target], note=note, actor=actor)
    db.session.flush()
    _announce(moved)
    signals.unit_changed.send(event)
    return event


def split_unit(source: Unit, targets: list[Unit], *, on: date,
               member_targets: dict[int, Unit] | None = None,
               child_targets: dict[int, Unit] | None = None, note: str = "",
               actor=None) -> UnitEvent:
    """Split ``source`` into ``targets`` on ``on``. Each direct member goes to
    ``member_targets[user_id]`` (default: the first target); each child unit to
    ``child_targets[unit_id]`` (default: the first target). The source is dissolved."""
    if not targets:
        raise UserError(_("Choose the units the split creates."))
    if source in targets:
        raise UserError(_("A unit cannot be split into itself."))
    member_targets = member_targets or {}
    child_targets = child_targets or {}
    for unit in [source, *targets]:
        _check_not_before(unit, on)
    valid = {t.id for t in targets}
    for chosen in [*member_targets.values(), *child_targets.values()]:
        if chosen.id not in valid:
            raise UserError(_("Unit %(code)s is not one of the split's targets.", code=chosen.code))
    moved = _move_members(source, lambda uid: member_targets.get(uid, targets[0]), on, note)
    for child in [c for c in source.children if c.dissolved_on is None]:
        if child in targets:
            continue
        new_parent = child_targets.get(child.id, targets[0])
        _new_version(child, on, parent_id=new_parent.id)
        child.parent = new_parent
    _dissolve(source, on)
    event = _record("split", on, sources=[source], targets=targets, note=note, actor=actor)
    db.session.flush()
    _announce(moved)
    signals.unit_changed.send(event)
    return event


def dissolve_unit(unit: Unit, *, on: date, note: str = "", actor=None) -> UnitEvent:
    """Dissolve an empty unit (no current members, no active child units)."""
    _check_not_before(unit, on)
    if any(c.dissolved_on is None for c in unit.children):
        raise UserError(_("Unit %(code)s still has units under it.", code=unit.code))
    if q.member_count(unit.id, recursive=False):
        raise UserError(_("Unit %(code)s still has members; move them first.", code=unit.code))
    _dissolve(unit, on)
    event = _record("dissolve", on, sources=[unit], note=note, actor=actor)
    db.session.flush()
    signals.unit_changed.send(event)
    return event


def _announce(moved: list[tuple]) -> None:
    for old, new in moved:
        signals.assignment_changed.send(new.user, old=old if old is not new else None, new=new)


def assign(user, unit: Unit, position: JobPosition | None, *, start_on: date,
           kind: str = "appointment", planned_end_on: date | None = None,
           note: str = "") -> Assignment:
    """Start a new assignment for ``user`` on ``start_on``, ending the current one that day.
    A rotation is ``kind="rotation"`` with its planned end (default: a 3-year term)."""
    if kind not in ASSIGNMENT_KINDS:
        raise UserError(_("Unknown assignment kind: %(kind)s", kind=kind))
    if unit.dissolved_on is not None and unit.dissolved_on <= start_on:
        raise UserError(_("Unit %(code)s was dissolved on %(day)s.", code=unit.code,
                          day=_fmt(unit.dissolved_on)))
    if start_on < unit.established_on:
        raise UserError(_("Unit %(code)s did not exist yet on %(day)s.", code=unit.code,
                          day=_fmt(start_on)))
    current = q.current_assignment(user)
    if current is not None:
        if start_on <= current.start_on:
            raise UserError(_("The new assignment must start after %(day)s, when the current "
                              "one started.", day=_fmt(current.start_on)))
        if current.unit_id == unit.id and current.position_id == getattr(position, "id", None) \
                and kind == current.kind:
            raise UserError(_("The officer already holds this position in this unit."))
        current.end_on = start_on
    if kind == "rotation" and planned_end_on is None:
        try:
            planned_end_on = start_on.replace(year=start_on.year + 3)
        except ValueError:  # 29 February
            planned_end_on = start_on.replace(year=start_on.year + 3, day=28)
    new = Assignment(user_id=user.id, unit_id=unit.id, position_id=getattr(position, "id", None),
                     start_on=start_on, kind=kind, planned_end_on=planned_end_on, note=note or "")
    db.session.add(new)
    db.session.flush()
    signals.assignment_changed.send(user, old=current, new=new)
    return new


def end_assignment(user, *, on: date) -> Assignment:
    """End the user's current assignment (retirement, leaving the service)."""
    current = q.current_assignment(user)
    if current is None:
        raise UserError(_("The officer has no current assignment."))
    if on <= current.start_on:
        raise UserError(_("The end date must be after %(day)s.", day=_fmt(current.start_on)))
    current.end_on = on
    db.session.flush()
    signals.assignment_changed.send(user, old=current, new=None)
    return current


def save_position(code: str, name_vi: str, name_en: str = "", *,
                  field: ProfessionalField | None = None, is_leadership: bool = False,
                  description: str = "") -> JobPosition:
    """Create the position with this code, or update it."""
    code = _clean_code(code, _("Position"))
    if not name_vi.strip():
        raise UserError(_("The position needs a Vietnamese name."))
    position = q.position_by_code(code)
    if position is None:
        position = JobPosition(code=code)
        db.session.add(position)
    position.name_vi = name_vi.strip()
    position.name_en = (name_en or name_vi).strip()
    position.field = field
    position.is_leadership = is_leadership
    position.description = description or ""
    db.session.flush()
    return position


def save_field(code: str, name_vi: str, name_en: str = "") -> ProfessionalField:
    code = _clean_code(code, _("Field"))
    field = db.session.scalar(sa.select(ProfessionalField).where(ProfessionalField.code == code))
    if field is None:
        field = ProfessionalField(code=code)
        db.session.add(field)
    field.name_vi = name_vi.strip()
    field.name_en = (name_en or name_vi).strip()
    db.session.flush()
    return field
