"""Views: the officer's competency profile (the plugin's home page), an officer's profile for
unit heads and HR, the unit heatmap and the training needs report (HTML and XLSX).

Who sees what: an officer sees their own profile; a unit head sees the profiles and unit
pages of their subtree (``lms_core.identity.access``); an HR administrator sees everything.
The pages only read derived rows (levels, gaps): nothing is recomputed when a page is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import Response, abort, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_unit, can_view_user, role_required
from lms_core.identity.operations import get_user
from lms_core.organisation import queries as org
from lms_core.text import fold
from lms_core.ui.i18n import localized
from plugins.competency import evidence as ev
from plugins.competency import gaps, needs
from plugins.competency.blueprint import bp
from plugins.competency.charts import radar_svg
from plugins.competency.models import OfficerLevel

#: Colour buckets of the heatmap: (upper bound of the share below requirement, fill, text).
HEAT = ((0.0, "#edf7f0", "#1d2521"), (0.25, "#fff3c4", "#1d2521"),
        (0.5, "#f9d38c", "#1d2521"), (0.75, "#f0a868", "#1d2521"), (1.0, "#b3261e", "#ffffff"))


def source_label(source: str) -> str:
    return {"assessment": _("Assessment"), "import": _("Imported result"),
            "course": _("Course completed"), "rating": _("Supervisor's rating")}.get(source,
                                                                                      source)


def heat(share: float) -> tuple[str, str]:
    """``(fill, text colour)`` of a heatmap cell whose share of officers below is ``share``."""
    for bound, fill, text in HEAT:
        if share <= bound:
            return fill, text
    return HEAT[-1][1], HEAT[-1][2]


# -- the profile --------------------------------------------------------------------------------
@dataclass
class Line:
    """One competency of the profile: the requirement (if any), the level and its history."""

    info: needs.CompetencyInfo
    required: int | None
    achieved: int
    weight: float | None
    gap: int
    evidence: list
    deciding_id: int | None
    courses: list


def _profile(person) -> dict:
    """Everything the profile page shows about ``person``."""
    infos = needs.competency_infos()
    assignment = org.current_assignment(person)
    rows = gaps.user_gaps(person)
    levels = {lv.competency_code: lv for lv in db.session.scalars(
        sa.select(OfficerLevel).where(OfficerLevel.user_id == person.id))}
    history = defaultdict(list)
    for item in ev.evidence_of(person):
        history[item.competency_code].append(item)
    cache: dict = {}
    lines = []
    for g in rows:
        level = levels.get(g.competency_code)
        lines.append(Line(needs.info_for(g.competency_code, infos), g.required_level,
                          g.achieved_level, g.weight, g.gap, history.get(g.competency_code, []),
                          level.evidence_id if level else None,
                          needs.courses_for(g.competency_code, g.achieved_level + 1, cache)
                          if g.gap > 0 else []))
    lines.sort(key=lambda line: (line.info.order, line.info.code))
    required_codes = {g.competency_code for g in rows}
    others = []
    for code in sorted(set(history) - required_codes,
                       key=lambda c: (needs.info_for(c, infos).order, c)):
        level = levels.get(code)
        others.append(Line(needs.info_for(code, infos), None, level.level if level else 0,
                           None, 0, history[code], level.evidence_id if level else None, []))
    chart = None
    if lines:
        from plugins.competency import frameworks

        top = frameworks.scale_max() or max(line.required or 0 for line in lines)
        chart = radar_svg(
            [line.info.code for line in lines],
            [(_("Required level"), [line.required for line in lines]),
             (_("Achieved"), [line.achieved for line in lines])],
            top, title=_("Required and achieved levels for %(position)s",
                         position=localized(assignment.position) if assignment and
                         assignment.position else "—"))
    new_position = gaps.new_position_since(person, on=ev.today())
    return {
        "person": person, "assignment": assignment, "lines": lines, "others": others,
        "chart": chart, "gap_index": gaps.gap_index(rows), "framework_ready": bool(infos),
        "new_position": new_position,
        "new_gaps": [line for line in lines if line.gap > 0] if new_position else [],
        # A rating observed on or before this day no longer counts.
        "rating_cutoff": ev.today() - timedelta(days=ev.rating_max_age_days()),
        "source_label": source_label,
    }


@bp.get("/")
@role_required()
def home():
    """The officer's own competency profile."""
    return render_template("competency/home.html", **_profile(current_user), own=True)


@bp.get("/officers/<code>")
@role_required()
def officer(code: str):
    """An officer's competency profile, for the officer, their unit heads and HR."""
    person = get_user(code)
    if person is None:
        abort(404)
    if not can_view_user(current_user, person):
        abort(403)
    return render_template("competency/profile/officer.html", **_profile(person),
                           own=person.id == current_user.id)


@bp.app_template_global("competency_panel")
def competency_panel(user) -> dict:
    """What the dashboard panel shows: the officer's three largest gaps and the gap index."""
    infos = needs.competency_infos()
    rows = gaps.user_gaps(user)
    top = [(g, needs.info_for(g.competency_code, infos)) for g in rows if g.gap > 0][:3]
    return {"top": top, "required": len(rows), "gap_index": gaps.gap_index(rows),
            "levels": len(ev.current_levels(user))}


# -- unit pages ---------------------------------------------------------------------------------
def _unit_or_abort(code: str):
    unit = org.unit_by_code(code)
    if unit is None:
        abort(404)
    if not can_view_unit(current_user, unit):
        abort(403)
    return unit


def _positions(ids: set[int]) -> dict:
    """``position_id -> JobPosition`` for the positions ``ids`` (those held in a unit's
    subtree), through the organisation's public list of positions."""
    if not ids:
        return {}
    return {p.id: p for p in org.positions(active_only=False) if p.id in ids}


def _field_filter(infos) -> tuple[str | None, set[str] | None, list]:
    fields = needs.fields_of(infos)
    wanted = (request.args.get("field") or "").strip().upper()
    known = {code for code, _name in fields}
    if wanted and wanted in known:
        return wanted, {c for c, i in infos.items() if i.field_code == wanted}, fields
    if wanted == "GENERAL" and needs.GENERAL in known:
        return needs.GENERAL, {c for c, i in infos.items() if i.field_code == needs.GENERAL}, \
            fields
    return None, None, fields


@bp.get("/units")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def units():
    """The units whose heatmap and training needs the viewer may open."""
    visible = None if current_user.is_hr_admin else current_user.headed_unit_ids
    roots = sorted(visible) if visible is not None else [
        uid for uid, pid in org.parent_map().items() if pid is None]
    rows = [(u, d) for u, d in org.tree_rows(roots) if d <= 1]
    return render_template("competency/unit/index.html", rows=rows)


@dataclass
class HeatCell:
    below: int
    total: int
    required: int
    fill: str
    ink: str
    title: str  #: "3 of 12 below level 2"


@dataclass
class HeatRow:
    name: str
    officers: int
    cells: list  #: a :class:`HeatCell` per column, None where the position requires nothing


def _heat_rows(data: gaps.Heatmap, positions: dict, columns: list[str]) -> list[HeatRow]:
    """The heatmap as rows ready to draw: names, colours and titles computed once (a large
    branch has thousands of cells)."""
    template = _("%(below)d of %(total)d below level %(level)d")  # formatted per cell below
    rows = []
    for pid in data.position_ids:
        name = localized(positions[pid]) if pid in positions else f"#{pid}"
        cells = []
        for code in columns:
            cell = data.cell(pid, code)
            if cell is None:
                cells.append(None)
                continue
            fill, ink = heat(cell.share)
            cells.append(HeatCell(cell.below, cell.total, cell.required, fill, ink,
                                  template % {"below": cell.below, "total": cell.total,
                                              "level": cell.required}))
        rows.append(HeatRow(name, data.officers.get(pid, 0), cells))
    rows.sort(key=lambda r: fold(r.name))
    return rows


@bp.get("/units/<code>/heatmap")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit_heatmap(code: str):
    """Positions × competencies of the unit's subtree: officers below the requirement."""
    unit = _unit_or_abort(code)
    infos = needs.competency_infos()
    field_code, codes, fields = _field_filter(infos)
    data = gaps.unit_heatmap(unit.id, codes)
    positions = _positions(set(data.position_ids))
    columns = sorted(data.codes, key=lambda c: (needs.info_for(c, infos).order, c))
    rows = _heat_rows(data, positions, columns)
    return render_template(
        "competency/unit/heatmap.html", unit=unit, path=org.ancestors(unit), rows=rows,
        columns=[needs.info_for(c, infos) for c in columns], fields=fields,
        field_code=field_code, legend=HEAT, officers=sum(r.officers for r in rows))


def _needs_report(unit):
    infos = needs.competency_infos()
    field_code, _codes, fields = _field_filter(infos)
    report = needs.training_needs(unit.id, field_code=field_code)
    return report, field_code, fields


@bp.get("/units/<code>/needs")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit_needs(code: str):
    """The unit's training needs per professional field, with the courses that address them."""
    unit = _unit_or_abort(code)
    report, field_code, fields = _needs_report(unit)
    return render_template("competency/unit/needs.html", unit=unit, path=org.ancestors(unit),
                           report=report, fields=fields, field_code=field_code)


@bp.get("/units/<code>/needs.xlsx")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit_needs_xlsx(code: str):
    """The training needs report as an XLSX workbook."""
    unit = _unit_or_abort(code)
    # An official report: in Vietnamese whatever the interface language.
    with force_locale("vi"):
        report, field_code, _fields = _needs_report(unit)
        body = needs.needs_xlsx(report, unit_label=f"{unit.code} {unit.name_vi}")
    suffix = f"-{field_code or 'CHUNG'}" if field_code is not None else ""
    return Response(body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="nhu-cau-dao-tao-{unit.code}{suffix}.xlsx"',
    })
