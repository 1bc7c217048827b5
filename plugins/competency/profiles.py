"""Position profiles: what each job position (*vị trí việc làm*) requires.

A profile is a set of requirements, one per competency: the **required level** (1 to the top
of the published framework's scale) and a **weight** (> 0; how much a gap in it counts in
the officer's weighted gap). Requirements refer to competencies by code, so they survive a
new framework version; a code the published version no longer has is shown as such.

Changing a position's requirements recomputes the gaps of the officers who hold it
(``plugins.competency.gaps.recompute_position``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core import csvfile
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation import queries as org
from plugins.competency.frameworks import competency_index, normalise_code, scale_max
from plugins.competency.models import PositionRequirement

COLUMNS = ("position_code", "competency_code", "required_level", "weight")
REQUIRED_COLUMNS = ("position_code", "competency_code", "required_level")
MAX_WEIGHT = 100.0


def all_positions(active_only: bool = True) -> list:
    """The job positions, by code."""
    return org.positions(active_only=active_only)


def requirements_for(position_id: int) -> list[PositionRequirement]:
    """The requirements of a position, by competency code."""
    return list(db.session.scalars(sa.select(PositionRequirement).where(
        PositionRequirement.position_id == position_id
    ).order_by(PositionRequirement.competency_code)))


def requirement_counts() -> dict[int, int]:
    """``position_id -> number of requirements``."""
    return dict(db.session.execute(sa.select(
        PositionRequirement.position_id, sa.func.count()
    ).group_by(PositionRequirement.position_id)).all())


def _recompute(position_ids) -> None:
    """Recompute the gaps of the officers holding these positions, when the gaps module
    offers it."""
    from plugins.competency import gaps

    recompute = getattr(gaps, "recompute_position", None)
    if recompute is None:
        return
    for position_id in sorted(set(position_ids)):
        recompute(position_id)


def _check_level(value, top: int) -> int:
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        level = None
    if level is None or not 1 <= level <= top:
        raise ValueError(_("the required level must be a whole number from 1 to %(max)d, not "
                           "“%(value)s”.", max=top, value=value))
    return level


def _check_weight(value) -> float:
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        weight = float(text) if text else 1.0
    except ValueError:
        weight = None
    if weight is None or not 0 < weight <= MAX_WEIGHT:
        raise ValueError(_("the weight must be a number greater than 0 and at most %(max)s, "
                           "not “%(value)s”.", max=f"{MAX_WEIGHT:g}", value=value))
    return weight


def _index_or_refuse() -> dict:
    index = competency_index()
    if not index:
        raise UserError(_("No competency framework is published yet: publish one before "
                          "setting position profiles."))
    return index


def set_requirement(position, code: str, required_level, weight=1.0, *,
                    recompute: bool = True) -> PositionRequirement:
    """Set (add or change) what ``position`` requires of the competency ``code``."""
    index = _index_or_refuse()
    code = normalise_code(code)
    if code not in index:
        raise UserError(_("%(code)s is not a competency of the published framework.",
                          code=code or "—"), field="competency_code")
    try:
        level = _check_level(required_level, scale_max())
    except ValueError as exc:
        raise UserError(str(exc)[:1].upper() + str(exc)[1:], field="required_level") from None
    try:
        weight = _check_weight(weight)
    except ValueError as exc:
        raise UserError(str(exc)[:1].upper() + str(exc)[1:], field="weight") from None
    row = db.session.get(PositionRequirement, (position.id, code))
    if row is None:
        row = PositionRequirement(position_id=position.id, competency_code=code)
        db.session.add(row)
    row.required_level, row.weight = level, weight
    db.session.flush()
    if recompute:
        _recompute([position.id])
    return row


def remove_requirement(position, code: str, *, recompute: bool = True) -> None:
    row = db.session.get(PositionRequirement, (position.id, normalise_code(code)))
    if row is None:
        raise UserError(_("%(code)s is not in the profile of this position.",
                          code=normalise_code(code)))
    db.session.delete(row)
    db.session.flush()
    if recompute:
        _recompute([position.id])


# -- CSV ------------------------------------------------------------------------------------------

@dataclass
class ProfileChange:
    line: int
    position_code: str
    competency_code: str
    required_level: int
    weight: float
    #: ``created``, ``updated``, ``unchanged``, ``removed``.
    action: str


@dataclass
class ProfileImportReport:
    dry_run: bool
    replace: bool
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    changes: list[ProfileChange] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


def import_requirements_csv(data, *, dry_run: bool = True,
                            replace: bool = False) -> ProfileImportReport:
    """Import requirements from CSV (``position_code, competency_code, required_level,
    weight``; weight optional, 1 by default), all or nothing. The file is read by
    :func:`lms_core.csvfile.read` (UTF-8 or UTF-16, ``,`` ``;`` or tab).

    Each line sets one requirement. With ``replace``, the file is the whole profile of each
    position it names: that position's requirements missing from the file are removed.
    Problems are listed per line (unknown position or competency, level outside the scale,
    weight ≤ 0, a pair given twice) and then nothing is changed."""
    table = csvfile.read(data)
    index = _index_or_refuse()
    top = scale_max()
    missing = table.missing(REQUIRED_COLUMNS)
    if missing:
        raise UserError(_("Missing column: %(names)s. The first line must name the columns: "
                          "%(expected)s.", names=", ".join(missing), expected=", ".join(COLUMNS)))
    report = ProfileImportReport(dry_run=dry_run, replace=replace)
    positions: dict[str, object] = {}
    seen: dict[tuple[str, str], int] = {}
    plan: list[tuple[object, ProfileChange]] = []
    for csv_row in table.rows:
        line = csv_row.line
        report.rows += 1
        where = _("Line %(line)d", line=line)
        if csv_row.overflow:
            # E.g. an unquoted weight 1,5 in a comma file: never read it as 1.
            report.problems.append(f"{where}: {table.overflow_message(csv_row)}")
            continue
        row = csv_row.values
        pcode = normalise_code(row.get("position_code"))
        ccode = normalise_code(row.get("competency_code"))
        errors = []
        if pcode not in positions:
            positions[pcode] = org.position_by_code(pcode) if pcode else None
        position = positions[pcode]
        if position is None:
            errors.append(_("unknown job position “%(code)s”.", code=pcode))
        if ccode not in index:
            errors.append(_("“%(code)s” is not a competency of the published framework.",
                            code=ccode))
        level = weight = None
        try:
            level = _check_level(row.get("required_level"), top)
        except ValueError as exc:
            errors.append(str(exc))
        try:
            weight = _check_weight(row.get("weight"))
        except ValueError as exc:
            errors.append(str(exc))
        key = (pcode, ccode)
        if key in seen:
            errors.append(_("%(position)s and %(code)s are given twice (also on line "
                            "%(first)d).", position=pcode, code=ccode, first=seen[key]))
        else:
            seen[key] = line
        if errors:
            report.problems.extend(f"{where}: {e}" for e in errors)
            continue
        plan.append((position, ProfileChange(line, pcode, ccode, level, weight, "")))
    if report.rows == 0:
        report.problems.append(_("The file has no requirement lines."))
    if report.problems:
        return report

    touched: set[int] = set()
    by_position: dict[int, set[str]] = {}
    for position, change in plan:
        existing = db.session.get(PositionRequirement, (position.id, change.competency_code))
        if existing is None:
            change.action = "created"
        elif existing.required_level == change.required_level and abs(
                existing.weight - change.weight) < 1e-9:
            change.action = "unchanged"
        else:
            change.action = "updated"
        report.changes.append(change)
        by_position.setdefault(position.id, set()).add(change.competency_code)
        if change.action != "unchanged":
            touched.add(position.id)
            if not dry_run:
                row = existing or PositionRequirement(position_id=position.id,
                                                      competency_code=change.competency_code)
                row.required_level, row.weight = change.required_level, change.weight
                db.session.add(row)
    if replace:
        codes = {p.id: p.code for p, _c in plan}
        for position_id, keep in by_position.items():
            for row in requirements_for(position_id):
                if row.competency_code not in keep:
                    report.changes.append(ProfileChange(
                        0, codes[position_id], row.competency_code, row.required_level,
                        row.weight, "removed"))
                    touched.add(position_id)
                    if not dry_run:
                        db.session.delete(row)
    if not dry_run and touched:
        db.session.flush()
        _recompute(touched)
        report.written = True
    return report


def export_requirements_csv(position_ids: list[int] | None = None) -> bytes:
    """The requirements as CSV (the import's columns; UTF-8 with a byte-order mark)."""
    positions = {p.id: p.code for p in all_positions(active_only=False)}
    stmt = sa.select(PositionRequirement)
    if position_ids is not None:
        stmt = stmt.where(PositionRequirement.position_id.in_(position_ids))
    rows = sorted(db.session.scalars(stmt),
                  key=lambda r: (positions.get(r.position_id, ""), r.competency_code))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([positions.get(r.position_id, ""), r.competency_code, r.required_level,
                         f"{r.weight:g}"])
    return out.getvalue().encode("utf-8-sig")


def missing_codes(codes: set[str] | None = None) -> dict[str, int]:
    """Competency codes required by some position but absent from the published framework,
    with how many positions require each (shown after publishing a new version)."""
    index = competency_index()
    stmt = sa.select(PositionRequirement.competency_code, sa.func.count()).group_by(
        PositionRequirement.competency_code)
    out = {}
    for code, n in db.session.execute(stmt):
        if code not in index and (codes is None or code in codes):
            out[code] = n
    return out
