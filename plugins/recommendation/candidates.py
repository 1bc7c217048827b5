"""Candidate generation: the courses that could close an officer's competency gaps.

A published course is a candidate for an officer when it declares (``course_competencies``)
a competency in which the officer is below the level the position requires
(:class:`~plugins.competency.models.OfficerGap` with ``gap > 0``) **at the right level**:

- the declared level ``L`` is at least ``achieved + 1`` (a level-1 course does nothing for an
  officer already at level 1), and
- ``L`` is at most the required level (``L ≤ required``): level 3 material is not offered for a
  gap whose requirement is level 1 or 2. Within that window, the course one level above the
  achieved level fits best (:func:`level_fit`: 1.0 for ``achieved + 1``, 0.5 for
  ``achieved + 2``, …).

It is left out when the officer has completed it or is following it (any enrolment: self
enrolled or assigned, not completed), and when a prerequisite course is not completed
(:func:`lms_core.courses.catalogue.prerequisite_status`).

:func:`match` is the rule as a pure function over plain data (also used by the offline
evaluation); :func:`for_officer` applies it to an officer in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lms_core.courses import catalogue


@dataclass(frozen=True)
class Gap:
    """One requirement of the officer's position and the level achieved."""

    code: str
    required: int
    achieved: int
    weight: float = 1.0

    @property
    def size(self) -> int:
        return max(0, self.required - self.achieved)


@dataclass(frozen=True)
class CourseFacts:
    """What the recommender knows of a published course."""

    code: str
    title: str
    #: ``competency code -> declared level``.
    competencies: dict[str, int] = field(default_factory=dict)
    minutes: int = 60
    prerequisites: tuple[str, ...] = ()
    #: Vietnamese texts (title, description, tags, module titles), folded by the text model.
    text: str = ""
    title_en: str = ""


@dataclass
class Match:
    """A gap a course addresses, at the declared level."""

    gap: Gap
    level: int

    @property
    def fit(self) -> float:
        return level_fit(self.gap, self.level)


@dataclass
class Candidate:
    course: CourseFacts
    #: The gaps it addresses, the largest weighted gap first.
    matches: list[Match]

    @property
    def main(self) -> Match:
        return self.matches[0]


def fits(gap: Gap, level: int) -> bool:
    """The declared ``level`` suits the gap: ``achieved + 1 ≤ level ≤ required``."""
    return gap.size > 0 and gap.achieved + 1 <= level <= gap.required


def level_fit(gap: Gap, level: int) -> float:
    """1.0 for a course one level above the achieved level, halved per level beyond."""
    if not fits(gap, level):
        return 0.0
    return 0.5 ** (level - gap.achieved - 1)


def match(gaps: Iterable[Gap], courses: Iterable[CourseFacts], *,
          excluded: set[str] = frozenset(),
          prerequisites_met: Callable[[CourseFacts], bool] | None = None) -> list[Candidate]:
    """The candidates among ``courses`` for ``gaps`` (see the module docstring), ordered by
    course code. ``excluded``: course codes completed or in progress."""
    open_gaps = {g.code: g for g in gaps if g.size > 0}
    out = []
    for course in courses:
        if course.code in excluded:
            continue
        found = [Match(open_gaps[code], level) for code, level in course.competencies.items()
                 if code in open_gaps and fits(open_gaps[code], level)]
        if not found:
            continue
        if prerequisites_met is not None and not prerequisites_met(course):
            continue
        found.sort(key=lambda m: (-m.gap.size * m.gap.weight, -m.fit, m.gap.code))
        out.append(Candidate(course, found))
    out.sort(key=lambda c: c.course.code)
    return out


# -- the database ---------------------------------------------------------------------------------
def _version_text(version) -> str:
    parts = [version.title_vi, version.description_vi]
    parts += [t.tag.replace("-", " ") for t in version.tags]
    parts += [m.title_vi for m in version.modules]
    return " ".join(p for p in parts if p)


def published_courses() -> dict[str, tuple[CourseFacts, object]]:
    """``code -> (CourseFacts, published CourseVersion)`` of every course in the catalogue."""
    page = catalogue.search_courses(per_page=1_000_000)
    out = {}
    for v in page.versions:
        facts = CourseFacts(
            code=v.course.code, title=v.title_vi, title_en=v.title_en,
            competencies={c.competency_code: c.level for c in v.competencies},
            minutes=v.estimated_minutes or 0,
            prerequisites=tuple(sorted(p.required_course.code for p in v.prerequisites)),
            text=_version_text(v))
        out[facts.code] = (facts, v)
    return out


def officer_gaps(user) -> list[Gap]:
    """The officer's gap rows (the competency plugin's, derived), met ones included."""
    from plugins.competency import gaps

    return [Gap(g.competency_code, g.required_level, g.achieved_level, g.weight)
            for g in gaps.user_gaps(user)]


def taken_codes(user, course_ids: Iterable[int]) -> set[str]:
    """Codes of the given courses the officer completed or is following."""
    mine = catalogue.enrolments_by_course(user, course_ids)
    return {e.course.code for e in mine.values()}


def for_officer(user, courses: dict | None = None,
                gaps: list[Gap] | None = None) -> list[Candidate]:
    """The candidates for ``user`` from the catalogue (see the module docstring)."""
    courses = published_courses() if courses is None else courses
    gaps = officer_gaps(user) if gaps is None else gaps
    versions = {code: v for code, (_f, v) in courses.items()}
    excluded = taken_codes(user, [v.course_id for v in versions.values()])

    def prerequisites_met(course: CourseFacts) -> bool:
        return all(status == "completed"
                   for _c, status in catalogue.prerequisite_status(user, versions[course.code]))

    return match(gaps, [f for f, _v in courses.values()], excluded=excluded,
                 prerequisites_met=prerequisites_met)
