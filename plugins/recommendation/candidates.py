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
    catalogue.load_structure(page.versions)
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


def course_codes_by_id(courses: dict) -> dict[int, str]:
    """``course id -> code`` of the courses of :func:`published_courses` and of their
    prerequisites (which may no longer be in the catalogue)."""
    out = {}
    for _f, v in courses.values():
        out[v.course_id] = v.course.code
        for p in v.prerequisites:
            out[p.required_course_id] = p.required_course.code
    return out


@dataclass(frozen=True)
class Catalogue:
    """What the recommender knows of the catalogue, as plain data (no database objects, so it
    can be kept between requests)."""

    #: ``code -> CourseFacts`` of the published courses.
    facts: dict[str, CourseFacts]
    #: ``code -> course id`` of the published courses.
    ids: dict[str, int]
    #: ``course id -> code`` of the published courses and of their prerequisites.
    codes_by_id: dict[int, str]


def catalogue_snapshot() -> Catalogue:
    """The catalogue now (:func:`published_courses`, about half a second at 1,000 courses)."""
    courses = published_courses()
    return Catalogue({code: f for code, (f, _v) in courses.items()},
                     {code: v.course_id for code, (_f, v) in courses.items()},
                     course_codes_by_id(courses))


@dataclass
class Enrolled:
    """The officer's courses among those the recommender knows: completed, and followed
    (enrolled, self or assigned, not completed) with their due date (None when none)."""

    completed: set[str] = field(default_factory=set)
    following: dict[str, object] = field(default_factory=dict)

    @property
    def taken(self) -> set[str]:
        return self.completed | set(self.following)


def enrolled(user, codes_by_id: dict[int, str]) -> Enrolled:
    """The officer's enrolments in the courses of ``codes_by_id``, in one light query
    (:func:`catalogue.enrolment_states`: three columns, where ``enrolments_by_course`` loads
    whole rows, ten times slower in a batch of 20,000 officers)."""
    out = Enrolled()
    for e in catalogue.enrolment_states([user.id]).get(user.id, []):
        code = codes_by_id.get(e.course_id)
        if code is None:
            continue
        if e.completed_at is not None:
            out.completed.add(code)
        else:
            out.following[code] = e.due_on
    return out


def officer_gaps(user) -> list[Gap]:
    """The officer's gap rows (the competency plugin's, derived), met ones included."""
    return officer_gaps_and_position(user)[0]


def officer_gaps_and_position(user) -> tuple[list[Gap], int | None]:
    """The officer's gap rows and the id of the position they were computed against (None
    when there are no rows: no position, or a position that requires nothing)."""
    from plugins.competency import gaps

    rows = gaps.user_gaps(user)
    return ([Gap(g.competency_code, g.required_level, g.achieved_level, g.weight)
             for g in rows], rows[0].position_id if rows else None)


def taken_codes(user, course_ids: Iterable[int]) -> set[str]:
    """Codes of the given courses the officer completed or is following."""
    mine = catalogue.enrolments_by_course(user, course_ids)
    return {e.course.code for e in mine.values()}


def for_officer(user, courses: dict[str, CourseFacts] | None = None,
                gaps: list[Gap] | None = None, *, codes_by_id: dict[int, str] | None = None,
                mine: Enrolled | None = None) -> list[Candidate]:
    """The candidates for ``user`` among ``courses`` (``code -> CourseFacts``; the catalogue
    when None), see the module docstring. A course's prerequisites are met when the officer
    completed every one of them (as :func:`lms_core.courses.catalogue.prerequisite_status`
    says ``completed``)."""
    if courses is None:
        snapshot = catalogue_snapshot()
        courses, codes_by_id = snapshot.facts, snapshot.codes_by_id
    gaps = officer_gaps(user) if gaps is None else gaps
    if mine is None:
        mine = enrolled(user, catalogue_snapshot().codes_by_id if codes_by_id is None
                        else codes_by_id)

    def prerequisites_met(course: CourseFacts) -> bool:
        return all(code in mine.completed for code in course.prerequisites)

    return match(gaps, courses.values(), excluded=mine.taken,
                 prerequisites_met=prerequisites_met)
