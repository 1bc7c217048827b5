"""Learning paths: an ordered plan of courses that covers all of an officer's gaps, with the
hours, suggested due dates, and what no course covers; accepted, its courses become the
officer's assigned courses.

**Which courses.** Starting from the levels achieved, a course closes a gap level when it
declares the competency at a level that fits (``candidates.fits``: ``achieved + 1 ≤ L ≤
required``), and the officer's level is then counted as ``L``. First the courses the officer
already follows (self-enrolled or assigned, not completed) are counted, lowest declared level
first: they are part of the path and are never added again. Then, while some gap is open,
the best candidate at the levels reached so far is chosen, scored by the same blend as the
recommendations (``ranking.score``: gap size and weight, learned effect, level fit, duration,
rating due dates), so a course one level above the level reached comes first and a course
covering several gaps is worth more. Completed courses are never chosen. A chosen course
whose prerequisites are not completed brings them into the path (not yet followed ones as new
steps, before it); a course whose prerequisites cannot be taken (not published) is left out.
The levels no course reaches are listed as **uncovered**.

**Order.** Prerequisites before the courses that need them and, for one competency, a lower
level before a higher one; otherwise courses already followed first, then the largest
weighted gap (``weight × gap``), then the soonest rating due date of the competencies
closed, then the order in which the courses were chosen.

**Due dates.** At a pace of :func:`hours_per_week` hours a week (the setting
``RECOMMENDATION_PATH_HOURS_PER_WEEK``, 4 by default) from today, a step is due at the end of
the week in which the hours up to it are done: ``today + 7 × ceil(cumulative hours / pace)``
days, at least a week. Courses already followed keep their own due date.

**Accepting** (:func:`accept_path`) assigns the new steps to the officer with their due dates
(``lms_core.courses.catalogue.assign_to_self``): they appear in My learning among the assigned
courses. Accepting again adds nothing, since accepted courses are then followed.

:func:`onboarding_plan` is the path of a rotated officer for the new position, as the
competency plugin's onboarding summary asks for it.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.errors import UserError
from plugins.recommendation import candidates as C
from plugins.recommendation import ranking, recommend

#: Default of ``RECOMMENDATION_PATH_HOURS_PER_WEEK``.
DEFAULT_HOURS_PER_WEEK = 4.0
#: A far date, for ordering steps without a rating due.
_NEVER = date(9999, 12, 31)


def hours_per_week() -> float:
    """The pace of the suggested due dates (hours of study a week)."""
    value = DEFAULT_HOURS_PER_WEEK
    if has_app_context():
        value = current_app.config.get("RECOMMENDATION_PATH_HOURS_PER_WEEK", value)
    return max(0.5, float(value))


@dataclass(frozen=True)
class Closing:
    """A gap level a step closes: competency ``code`` from ``achieved`` to ``level``."""

    code: str
    name: str
    achieved: int
    level: int
    required: int


@dataclass
class Step:
    """One course of the path."""

    course: C.CourseFacts
    #: The gap levels it closes (none for a course taken only as a prerequisite).
    closes: list[Closing]
    #: ``new`` (to be assigned when the path is accepted) or ``following`` (in My learning).
    status: str = "new"
    due_on: date | None = None
    #: Codes of the courses of the path it is a prerequisite of.
    required_for: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    #: The order of choice (0, 1, …); prerequisites come after the chosen courses.
    chosen: int = 0

    @property
    def hours(self) -> float:
        return round(self.course.minutes / 60, 1)

    @property
    def course_code(self) -> str:
        return self.course.code

    @property
    def title(self) -> str:
        return self.course.title

    @property
    def competency_code(self) -> str:
        return self.closes[0].code if self.closes else ""

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def is_new(self) -> bool:
        return self.status == "new"


@dataclass
class Uncovered:
    """A gap no course of the catalogue closes (from ``reached`` to ``required``)."""

    code: str
    name: str
    achieved: int
    reached: int
    required: int


@dataclass
class LearningPath:
    user: object
    #: ``ok``, ``no_position`` or ``no_gaps``.
    status: str = "ok"
    steps: list[Step] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    start_on: date | None = None
    hours_per_week: float = DEFAULT_HOURS_PER_WEEK
    notes: list[str] = field(default_factory=list)

    @property
    def total_hours(self) -> float:
        return round(sum(s.course.minutes for s in self.steps) / 60, 1)

    @property
    def new_steps(self) -> list[Step]:
        return [s for s in self.steps if s.is_new]

    @property
    def new_hours(self) -> float:
        return round(sum(s.course.minutes for s in self.new_steps) / 60, 1)

    @property
    def ends_on(self) -> date | None:
        return max((s.due_on for s in self.steps if s.due_on), default=None)


# -- building the path ----------------------------------------------------------------------------
def _closings(course: C.CourseFacts, state: dict[str, int], gaps: dict[str, C.Gap],
              names: dict[str, str]) -> list[Closing]:
    out = []
    for code, level in sorted(course.competencies.items()):
        gap = gaps.get(code)
        if gap is not None and state[code] + 1 <= level <= gap.required:
            out.append(Closing(code, names.get(code, code), state[code], level, gap.required))
    return out


def _apply(closes: list[Closing], state: dict[str, int]) -> None:
    for c in closes:
        state[c.code] = max(state[c.code], c.level)


def _takeable(code: str, facts: dict, mine: C.Enrolled, seen: frozenset = frozenset()) -> bool:
    """Whether the course can be followed: each prerequisite completed, followed, or itself
    published and takeable."""
    course = facts.get(code)
    if course is None or code in seen:
        return False
    for pre in course.prerequisites:
        if pre in mine.completed or pre in mine.following:
            continue
        if not _takeable(pre, facts, mine, seen | {code}):
            return False
    return True


def learning_path(user, *, ctx: recommend.Context | None = None,
                  pace: float | None = None) -> LearningPath:
    """The officer's learning path (see the module docstring), from today."""
    ctx = ctx or recommend.context()
    pace = pace or hours_per_week()
    path = LearningPath(user, start_on=ctx.today, hours_per_week=pace)
    position = catalogue.current_position(user)
    if position is None:
        path.status = "no_position"
        path.notes.append(_("You hold no job position, so there are no competency gaps to "
                            "close."))
        return path
    gaps = {g.code: g for g in C.officer_gaps(user) if g.size > 0}
    if not gaps:
        path.status = "no_gaps"
        path.notes.append(_("You have no competency gaps against your position: there is "
                            "no path to follow."))
        return path
    facts = ctx.facts
    mine = C.enrolled(user, ctx.codes_by_id)
    due = recommend.due_dates(user)
    state = {code: g.achieved for code, g in gaps.items()}
    steps: dict[str, Step] = {}

    # 1. What the officer already follows, lowest declared level first.
    def lowest(code: str) -> tuple:
        course = facts[code]
        return (min((lv for c, lv in course.competencies.items() if c in gaps), default=9),
                code)

    for code in sorted((c for c in mine.following if c in facts), key=lowest):
        closes = _closings(facts[code], state, gaps, ctx.names)
        if closes:
            _apply(closes, state)
            steps[code] = Step(facts[code], closes, "following", mine.following[code],
                               chosen=len(steps))

    # 2. The best candidate at the levels reached, until every gap is closed.
    available = [f for code, f in sorted(facts.items())
                 if code not in mine.taken and _takeable(code, facts, mine)]
    while True:
        open_gaps = [C.Gap(code, g.required, state[code], g.weight)
                     for code, g in gaps.items() if state[code] < g.required]
        if not open_gaps:
            break
        found = C.match(open_gaps, [f for f in available if f.code not in steps])
        if not found:
            break
        scored = ranking.score(found, position=position.code, effect=ctx.effect,
                               text_sim=ctx.similarity, due=due, today=ctx.today)
        best = min(scored, key=lambda r: (-r.score, r.course.code))
        closes = _closings(best.course, state, gaps, ctx.names)
        _apply(closes, state)
        best.reasons = ranking.explain(best, ctx.names, due=due)
        steps[best.course.code] = Step(best.course, closes, reasons=best.reasons,
                                       score=best.score, chosen=len(steps))

    # 3. Prerequisites not yet completed come into the path.
    pending = [s for s in steps.values() if s.is_new]
    while pending:
        step = pending.pop()
        for pre in step.course.prerequisites:
            if pre in mine.completed:
                continue
            if pre not in steps:
                if pre not in facts:  # followed, though no longer in the catalogue
                    continue
                following = pre in mine.following
                steps[pre] = Step(facts[pre], [], "following" if following else "new",
                                  mine.following.get(pre), chosen=len(steps))
                if not following:
                    pending.append(steps[pre])
            steps[pre].required_for.append(step.course.code)
    for step in steps.values():
        if not step.closes and step.required_for:
            step.reasons = [_("Required before %(codes)s",
                              codes=", ".join(sorted(step.required_for)))]
        elif step.status == "following" and not step.reasons:
            step.reasons = [_("Already in your learning: closes your gap in «%(name)s», "
                              "level %(achieved)d → %(level)d", name=c.name,
                              achieved=c.achieved, level=c.level) for c in step.closes[:1]]

    path.steps = _ordered(list(steps.values()), gaps, due)
    _schedule(path, ctx.today, pace)
    path.uncovered = [Uncovered(code, ctx.names.get(code, code), g.achieved, state[code],
                                g.required)
                      for code, g in sorted(gaps.items(), key=lambda kv: (
                          -kv[1].size * kv[1].weight, kv[0])) if state[code] < g.required]
    return path


def _ordered(steps: list[Step], gaps: dict[str, C.Gap], due: dict[str, date]) -> list[Step]:
    """Topological order (prerequisites first, lower levels of a competency first), ties by
    the priority of the module docstring. A prerequisite takes the priority of the most
    urgent course needing it, so it comes just before it."""
    by_code = {s.course.code: s for s in steps}

    def own_key(s: Step) -> tuple:
        weighted = max((gaps[c.code].size * gaps[c.code].weight for c in s.closes),
                       default=0.0)
        soonest = min((due.get(c.code, _NEVER) for c in s.closes), default=_NEVER)
        return (s.status != "following", -weighted, soonest, s.chosen)

    keys: dict[str, tuple] = {}

    def key(code: str, seen: frozenset = frozenset()) -> tuple:
        if code not in keys:
            s = by_code[code]
            options = [own_key(s)] if s.closes or not s.required_for else []
            options += [key(d, seen | {code}) for d in s.required_for
                        if d in by_code and d not in seen]
            keys[code] = min(options) if options else own_key(s)
        return keys[code]

    before: dict[str, set[str]] = {s.course.code: set() for s in steps}
    for s in steps:
        for d in s.required_for:
            if d in before:
                before[d].add(s.course.code)
    for a in steps:
        for b in steps:
            if a is b:
                continue
            for ca in a.closes:
                for cb in b.closes:
                    if ca.code == cb.code and ca.level < cb.level:
                        before[b.course.code].add(a.course.code)
    waiting = {code: set(pre) for code, pre in before.items()}
    ready = [(key(code), code) for code, pre in waiting.items() if not pre]
    heapq.heapify(ready)
    out: list[Step] = []
    while ready:
        _k, code = heapq.heappop(ready)
        out.append(by_code[code])
        for other, pre in waiting.items():
            if code in pre:
                pre.discard(code)
                if not pre and by_code[other] not in out:
                    heapq.heappush(ready, (key(other), other))
    left = [s for s in steps if s not in out]  # a cycle of prerequisites: keep them last
    return out + sorted(left, key=lambda s: key(s.course.code))


def _schedule(path: LearningPath, today: date, pace: float) -> None:
    hours = 0.0
    for step in path.steps:
        hours += step.course.minutes / 60
        if step.is_new:
            weeks = max(1, math.ceil(round(hours / pace, 6)))
            step.due_on = today + timedelta(days=7 * weeks)


# -- accepting ------------------------------------------------------------------------------------
def accept_path(user, path: LearningPath | None = None) -> list:
    """Assign the path's new steps to the officer, with their due dates (see the module
    docstring). Returns the enrolments created or made assigned (none when every course of
    the path is already followed). Raises :class:`UserError`, changing nothing, when the
    officer has no path (no position, no gaps). Flushes."""
    path = path or learning_path(user)
    if path.status != "ok":
        raise UserError(path.notes[0] if path.notes else _("There is no path to accept."))
    done = []
    for step in path.new_steps:
        course = catalogue.published_course(step.course.code)
        if course is None:
            raise UserError(_("The course %(code)s is no longer in the catalogue: reload "
                              "the page.", code=step.course.code))
        done.append(catalogue.assign_to_self(user, course, due_on=step.due_on))
    return done


# -- rotated officers -----------------------------------------------------------------------------
def onboarding_plan(user) -> list[Step]:
    """The onboarding plan of a rotated officer: the learning path against the position held
    now (each step has ``course_code``, ``title``, ``competency_code`` and ``reason``, as
    ``plugins.competency.rotation`` reads them)."""
    path = learning_path(user)
    return path.steps if path.status == "ok" else []
