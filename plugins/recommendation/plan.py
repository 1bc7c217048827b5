"""The unit head's training plan for the year: the unit's top training needs and the courses
that cover the most officers' gaps.

For a unit's subtree as it stands today, from the gap rows of the competency plugin (one per
officer and competency the officer's current position requires, ``gap > 0`` for those not
met):

- **needs**: per competency, how many officers have a gap, the levels missing in all
  (``Σ gap``) and the weighted need ``Σ weight × gap`` (the position's weight of the
  competency), largest weighted need first;
- **courses** by greedy set cover over the (officer, competency) pairs with a gap: a
  published course covers a pair when it declares the competency at a level that fits the
  officer's gap (``achieved + 1 ≤ L ≤ required``, ``candidates.fits``) and the officer has
  neither completed nor started it; each next course is the one covering the most pairs not
  yet covered (ties: the larger weighted need covered, the shorter course, the code), until no
  course covers a remaining pair or :data:`MAX_COURSES` are chosen. Per course: the pairs and
  officers it newly covers, its hours, and the hours of all those officers;
- **uncovered**: per competency, the officers whose gap no chosen course covers.

A pair counts as covered by one course even when the gap is more than one level: the plan
says which course to organise first; the officers' own learning paths go further.

The plan exports as XLSX (:func:`plan_xlsx`) and a unit head assigns a planned course to the
officers it covers (:func:`assign_planned_course`, through
``lms_core.courses.catalogue.assign_course`` with the unit head as the actor).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.errors import UserError
from lms_core.identity import operations as identity_ops
from plugins.recommendation import candidates as C
from plugins.recommendation import recommend

#: Most courses in a plan.
MAX_COURSES = 30
#: Officers per query of their enrolments.
CHUNK = 2000


@dataclass
class NeedLine:
    code: str
    name: str
    officers: int  #: officers with a gap in the competency
    levels: int  #: ``Σ gap``
    weighted: float  #: ``Σ weight × gap``


@dataclass
class PlannedCourse:
    course: C.CourseFacts
    #: ``(user id, competency code)`` pairs it newly covers.
    pairs: list[tuple[int, str]]
    #: ``competency code -> officers`` it covers in that competency.
    by_competency: dict[str, int] = field(default_factory=dict)

    @property
    def user_ids(self) -> list[int]:
        return sorted({uid for uid, _code in self.pairs})

    @property
    def officers(self) -> int:
        return len(self.user_ids)

    @property
    def hours(self) -> float:
        return round(self.course.minutes / 60, 1)

    @property
    def total_hours(self) -> float:
        return round(self.course.minutes * self.officers / 60, 1)


@dataclass
class UnitPlan:
    unit: object
    officers_with_gaps: int = 0
    needs: list[NeedLine] = field(default_factory=list)
    courses: list[PlannedCourse] = field(default_factory=list)
    #: ``(competency code, name, officers not covered)``.
    uncovered: list[tuple[str, str, int]] = field(default_factory=list)
    pairs: int = 0  #: (officer, competency) pairs with a gap

    @property
    def covered(self) -> int:
        return sum(len(c.pairs) for c in self.courses)

    @property
    def total_hours(self) -> float:
        return round(sum(c.total_hours for c in self.courses), 1)

    def course(self, code: str) -> PlannedCourse | None:
        return next((c for c in self.courses if c.course.code == code), None)


@dataclass(frozen=True)
class _Pair:
    user_id: int
    code: str
    required: int
    achieved: int
    weight: float

    @property
    def key(self) -> tuple[int, str]:
        return (self.user_id, self.code)


def _gap_rows(unit) -> list[_Pair]:
    from plugins.competency import gaps

    return [_Pair(g.user_id, g.competency_code, g.required_level, g.achieved_level, g.weight)
            for g in gaps.unit_gaps(unit.id)]


def _taken(user_ids: list[int], codes_by_id: dict[int, str]) -> dict[int, set[str]]:
    """``user id -> codes of the courses completed or started``."""
    out: dict[int, set[str]] = defaultdict(set)
    for uid, states in catalogue.enrolment_states(user_ids).items():
        out[uid] = {codes_by_id[e.course_id] for e in states if e.course_id in codes_by_id}
    return out


def unit_plan(unit, *, ctx: recommend.Context | None = None,
              max_courses: int = MAX_COURSES) -> UnitPlan:
    """The unit's plan for the year (see the module docstring)."""
    ctx = ctx or recommend.context()
    rows = _gap_rows(unit)
    plan = UnitPlan(unit, len({r.user_id for r in rows}), pairs=len(rows))
    by_code: dict[str, list[_Pair]] = defaultdict(list)
    for r in rows:
        by_code[r.code].append(r)
    plan.needs = sorted(
        (NeedLine(code, ctx.names.get(code, code), len({r.user_id for r in items}),
                  sum(r.required - r.achieved for r in items),
                  round(sum(r.weight * (r.required - r.achieved) for r in items), 2))
         for code, items in by_code.items()),
        key=lambda n: (-n.weighted, -n.officers, n.code))
    if not rows:
        return plan
    taken = _taken(sorted({r.user_id for r in rows}), ctx.codes_by_id)
    weight = {r.key: r.weight * (r.required - r.achieved) for r in rows}
    covers: dict[str, set[tuple[int, str]]] = {}
    for code, course in ctx.facts.items():
        found = {r.key for comp, level in course.competencies.items()
                 for r in by_code.get(comp, ())
                 if r.achieved + 1 <= level <= r.required and code not in taken[r.user_id]}
        if found:
            covers[code] = found
    left = set(weight)
    facts = ctx.facts
    while left and covers and len(plan.courses) < max_courses:
        def rank(code: str, left: set = left) -> tuple:
            new = covers[code] & left
            return (-len(new), -sum(weight[p] for p in new), facts[code].minutes, code)

        best = min(covers, key=rank)
        new = covers.pop(best) & left
        if not new:
            break
        left -= new
        counts: dict[str, set[int]] = defaultdict(set)
        for uid, comp in new:
            counts[comp].add(uid)
        plan.courses.append(PlannedCourse(facts[best], sorted(new),
                                          {c: len(u) for c, u in sorted(counts.items())}))
    missing: dict[str, set[int]] = defaultdict(set)
    for uid, comp in left:
        missing[comp].add(uid)
    plan.uncovered = sorted(((c, ctx.names.get(c, c), len(u)) for c, u in missing.items()),
                            key=lambda t: (-t[2], t[0]))
    return plan


def assign_planned_course(plan: UnitPlan, course_code: str, actor, *, due_on):
    """Assign a course of the plan to the officers it covers, with ``actor`` (the unit head
    or HR) as the one who assigns (``catalogue.assign_course``: the same checks and
    refusals). Raises :class:`UserError`, changing nothing, when the course is not in the
    plan or the assignment is refused as a whole. Returns the assignment result. Flushes."""
    planned = plan.course((course_code or "").strip().upper())
    if planned is None:
        raise UserError(_("This course is not in the unit's plan."), field="course")
    course = catalogue.published_course(planned.course.code)
    if course is None:
        raise UserError(_("This course is not open for enrolment."), field="course")
    users = identity_ops.users_by_ids(planned.user_ids)
    codes = [users[uid].code for uid in planned.user_ids if uid in users]
    return catalogue.assign_course(course, actor, due_on=due_on, codes=codes)


def plan_xlsx(plan: UnitPlan, *, unit_label: str) -> bytes:
    """The plan as an XLSX workbook: a sheet of needs, a sheet of courses."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    needs = book.active
    needs.title = _("Training needs")[:31]
    needs.append([_("Competency code"), _("Competency"), _("Officers with a gap"),
                  _("Levels missing"), _("Weighted need")])
    for n in plan.needs:
        needs.append([n.code, n.name, n.officers, n.levels, n.weighted])
    courses = book.create_sheet(_("Courses to organise")[:31])
    courses.append([_("Order"), _("Course code"), _("Course"), _("Competencies covered"),
                    _("Officers"), _("Hours per officer"), _("Total hours")])
    for i, c in enumerate(plan.courses, 1):
        courses.append([i, c.course.code, c.course.title,
                        "; ".join(f"{code} ({n})" for code, n in c.by_competency.items()),
                        c.officers, c.hours, c.total_hours])
    courses.append([])
    courses.append(["", "", _("Total"), "", sum(c.officers for c in plan.courses), "",
                    plan.total_hours])
    for sheet, widths in ((needs, (16, 48, 18, 16, 16)), (courses, (8, 16, 48, 40, 12, 16,
                                                                     14))):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
    book.properties.title = f"{_('Training plan')}: {unit_label}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
