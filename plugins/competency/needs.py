"""Training needs: how many officers of a unit need which competency at which level, and
the courses that address it, per professional field; exported as XLSX.

A need is a (competency, level needed) pair with the number of officers of the unit's
subtree whose current position requires that level and who are below it (from the gap rows,
``gaps.unit_needs``). A course addresses it when it is published and declares the
competency at a level at least the level needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.ui.i18n import localized
from plugins.competency import gaps

#: Most courses listed per need.
MAX_COURSES = 20
#: The field key of competencies outside any field of the framework (general competencies).
GENERAL = ""


@dataclass(frozen=True)
class CompetencyInfo:
    code: str
    name: str
    field_code: str  #: the professional field's code, or :data:`GENERAL`
    field_name: str
    order: int  #: position in the framework (depth-first)


def competency_infos() -> dict[str, CompetencyInfo]:
    """``code -> CompetencyInfo`` for the competencies of the published framework, in the
    current language, each with the professional field it sits under. Empty when no
    framework is published."""
    from plugins.competency import frameworks

    framework = frameworks.published_framework()
    if framework is None:
        return {}
    nodes = {n.id: n for n in framework.nodes}
    children: dict[int | None, list] = {}
    for n in nodes.values():
        children.setdefault(n.parent_id if n.parent_id in nodes else None, []).append(n)
    for kids in children.values():
        kids.sort(key=lambda n: (n.sort_order, n.code))
    out: dict[str, CompetencyInfo] = {}
    counter = 0

    def walk(node, field_node) -> None:
        nonlocal counter
        if node.kind == "field":
            field_node = node
        if node.kind == "competency":
            counter += 1
            out[node.code] = CompetencyInfo(
                node.code, localized(node),
                (field_node.field_code or field_node.code) if field_node else GENERAL,
                localized(field_node) if field_node else _("General competencies"), counter)
        for child in children.get(node.id, ()):
            walk(child, field_node)

    for root in children.get(None, ()):
        walk(root, None)
    return out


def info_for(code: str, infos: dict[str, CompetencyInfo]) -> CompetencyInfo:
    """The info of ``code``, or a placeholder for a code no longer in the framework."""
    return infos.get(code) or CompetencyInfo(code, code, GENERAL, _("General competencies"),
                                              10**6)


def fields_of(infos: dict[str, CompetencyInfo]) -> list[tuple[str, str]]:
    """``(field code, field name)`` of the framework, in framework order."""
    seen: dict[str, str] = {}
    for info in sorted(infos.values(), key=lambda i: i.order):
        seen.setdefault(info.field_code, info.field_name)
    return list(seen.items())


@dataclass(frozen=True)
class CourseRef:
    code: str
    title: str
    level: int  #: the level the course declares for the competency


def courses_for(code: str, level: int, cache: dict | None = None) -> list[CourseRef]:
    """Published courses declaring competency ``code`` at ``level`` or above, highest level
    first, then by title."""
    cache = cache if cache is not None else {}
    if "" not in cache:  # the codes some published course develops: one query per report
        cache[""] = set(catalogue.competency_codes())
    if code not in cache[""]:
        return []
    if code not in cache:
        page = catalogue.search_courses(competency=code, per_page=MAX_COURSES * 2)
        found = []
        for version in page.versions:
            declared = max((c.level for c in version.competencies
                            if c.competency_code == code), default=0)
            found.append(CourseRef(version.course.code, localized(version, "title"), declared))
        cache[code] = found
    matching = [c for c in cache[code] if c.level >= level]
    return sorted(matching, key=lambda c: (-c.level, c.title))[:MAX_COURSES]


@dataclass
class Need:
    info: CompetencyInfo
    level: int
    officers: int
    courses: list[CourseRef] = field(default_factory=list)


@dataclass
class NeedsReport:
    officers: int  #: officers of the subtree whose position requires something
    needs: list[Need]

    def by_field(self) -> list[tuple[str, str, list[Need]]]:
        """``(field code, field name, needs)``, fields in framework order."""
        groups: dict[str, list[Need]] = {}
        names: dict[str, str] = {}
        order: dict[str, int] = {}
        for need in self.needs:
            key = need.info.field_code
            groups.setdefault(key, []).append(need)
            names[key] = need.info.field_name
            order[key] = min(order.get(key, 10**7), need.info.order)
        return [(k, names[k], groups[k]) for k in sorted(groups, key=lambda k: order[k])]


def training_needs(unit_id: int, *, field_code: str | None = None) -> NeedsReport:
    """The training needs of the unit's subtree (of one professional field when
    ``field_code`` is given): per competency and level needed, the officers below it and the
    courses that address it. Needs are ordered by field, then by number of officers."""
    infos = competency_infos()
    codes = None
    if field_code is not None:
        codes = {c for c, i in infos.items() if i.field_code == field_code}
    cache: dict = {}
    needs = []
    for row in gaps.unit_needs(unit_id, codes):
        info = info_for(row.code, infos)
        needs.append(Need(info, row.level, row.officers, courses_for(row.code, row.level, cache)))
    needs.sort(key=lambda n: (n.info.order, n.info.code, n.level))
    return NeedsReport(gaps.unit_officer_count(unit_id), needs)


def needs_xlsx(report: NeedsReport, *, unit_label: str) -> bytes:
    """The report as an XLSX workbook: one sheet, a header row, one row per need with its
    professional field, and the courses that address it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Training needs")[:31]
    headers = [_("Professional field"), _("Competency code"), _("Competency"),
               _("Level needed"), _("Officers below the level"), _("Courses that address it")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for need in report.needs:
        sheet.append([
            need.info.field_name, need.info.code, need.info.name, need.level, need.officers,
            "; ".join(f"{c.code} — {c.title} ({_('level %(n)d', n=c.level)})"
                      for c in need.courses) or _("No course yet"),
        ])
    for index, width in enumerate((32, 16, 48, 14, 18, 80), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[5].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.properties.title = f"{_('Training needs')}: {unit_label}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
