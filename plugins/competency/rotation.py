"""Rotated and promoted officers: gaps against the new position, an onboarding plan, and the
6-monthly evaluation by the receiving unit head.

A **rotation** here is a new assignment (signal ``assignment_changed``) that follows another
one and either changes the job position (a rotation or a promotion) or is of kind
``rotation`` (a rotation between units in the same post). A restructuring that only moves the
officer's unit (kind ``restructure``, same position) is not a rotation: it *continues* the
current one. The **term** of a rotation runs from the new assignment's start to its planned
end (a rotation's 3-year term), or :func:`term_months` (36) months when none is planned, and
stops earlier when the officer leaves the post.

On a rotation the gaps against the new position are recomputed (``gaps.py``) and the first
evaluation is created: a :class:`~plugins.competency.models.RatingRequest` of kind
``rotation``, reference ``assignment:<id>:1``, due 6 months after the start, for the head of
the receiving unit. The daily job (``effect.run_daily``) creates evaluation ``n + 1``
(due ``6 × (n + 1)`` months after the start) once evaluation ``n`` is done or past due, up to
the end of the term; saving a rating does it at once.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import visible_unit_ids
from lms_core.organisation import queries as org
from lms_core.plugins import loaded_plugins
from lms_core.ui.i18n import localized
from plugins.competency import effect
from plugins.competency.models import RatingRequest

log = logging.getLogger(__name__)

#: Months between two evaluations of a rotated officer.
EVALUATION_MONTHS = 6
#: Default of ``COMPETENCY_ROTATION_TERM_MONTHS``: how long evaluations go on when the new
#: assignment has no planned end (a rotation's term is 3 years).
DEFAULT_TERM_MONTHS = 36
#: "With no end": assignments in force on this day are the current ones.
FAR_FUTURE = date(9999, 12, 31)


def term_months() -> int:
    return effect._setting("COMPETENCY_ROTATION_TERM_MONTHS", DEFAULT_TERM_MONTHS)


def is_rotation(old, new) -> bool:
    """Whether the change from assignment ``old`` to ``new`` starts a rotation (see the
    module docstring)."""
    if old is None or new is None or new.kind == "restructure":
        return False
    return new.position_id != old.position_id or new.kind == "rotation"


def reference(assignment_id: int, number: int) -> str:
    return f"assignment:{assignment_id}:{number}"


def parse_reference(ref: str) -> tuple[int, int] | None:
    """``(assignment id, number)`` of ``assignment:<id>:<n>``, None for anything else."""
    parts = ref.split(":")
    if len(parts) != 3 or parts[0] != "assignment" or not parts[1].isdigit() \
            or not parts[2].isdigit():
        return None
    return int(parts[1]), int(parts[2])


# -- terms ----------------------------------------------------------------------------------------
@dataclass
class Term:
    """A rotation: the assignment that began it (``anchor``), the assignments that continued
    it through restructurings (``chain``, anchor first), and the last day an evaluation may
    be due."""

    anchor: object
    chain: list
    ends_on: date
    previous: object | None = None

    @property
    def current(self):
        return self.chain[-1]

    @property
    def ongoing(self) -> bool:
        return self.current.end_on is None

    def due(self, number: int) -> date:
        return effect.add_months(self.anchor.start_on, EVALUATION_MONTHS * number)


def _continues(prev, nxt) -> bool:
    return (nxt.kind == "restructure" and nxt.position_id == prev.position_id
            and prev.end_on is not None and nxt.start_on == prev.end_on)


def _term(history: list, index: int) -> Term:
    anchor = history[index]
    chain = [anchor]
    for a in history[index + 1:]:
        if not _continues(chain[-1], a):
            break
        chain.append(a)
    last = chain[-1]
    limit = last.planned_end_on or anchor.planned_end_on \
        or effect.add_months(anchor.start_on, term_months())
    if last.end_on is not None:
        limit = min(limit, last.end_on - timedelta(days=1))
    previous = history[index - 1] if index > 0 else None
    return Term(anchor, chain, limit, previous)


def term_of(user, anchor_id: int, history: list | None = None) -> Term | None:
    """The term begun by the assignment ``anchor_id`` of ``user`` (None when not found)."""
    history = history if history is not None else org.assignments_of(user)
    for i, a in enumerate(history):
        if a.id == anchor_id:
            return _term(history, i)
    return None


def current_term(user, history: list | None = None) -> Term | None:
    """The rotation the officer's current assignment belongs to, or None when the current
    assignment did not begin (or continue) a rotation."""
    history = history if history is not None else org.assignments_of(user)
    index = next((i for i, a in enumerate(history) if a.end_on is None), None)
    if index is None:
        return None
    while index > 0 and _continues(history[index - 1], history[index]):
        index -= 1
    if index == 0 or not is_rotation(history[index - 1], history[index]):
        return None
    return _term(history, index)


def _codes(position_id: int | None) -> list[str]:
    if position_id is None:
        return []
    from plugins.competency import profiles

    return [r.competency_code for r in profiles.requirements_for(position_id)]


def create_evaluation(user, term: Term, number: int) -> RatingRequest | None:
    """Evaluation ``number`` of the term, for the head of the unit the officer holds it in;
    None when it would be due after the term or exists already. Flushes."""
    due = term.due(number)
    if due > term.ends_on:
        return None
    current = term.current
    return effect.create_request(
        user, kind=effect.ROTATION, reference=reference(term.anchor.id, number), due_on=due,
        unit_id=current.unit_id, position_id=current.position_id,
        codes=_codes(current.position_id))


def _catch_up(user, term: Term, number: int, on: date) -> int:
    """Create the evaluations after ``number`` until one is not yet past due (or the term
    ends); returns how many were created."""
    created = 0
    while True:
        number += 1
        due = term.due(number)
        if due > term.ends_on:
            return created
        if create_evaluation(user, term, number) is not None:
            created += 1
        if due >= on:
            return created


def schedule_next(request: RatingRequest, *, on: date | None = None) -> int:
    """After evaluation ``request`` was rated: create the next one(s) of its term now."""
    parsed = parse_reference(request.reference)
    if parsed is None:
        return 0
    user = effect.users_by_id([request.user_id]).get(request.user_id)
    term = term_of(user, parsed[0]) if user is not None else None
    if term is None:
        return 0
    return _catch_up(user, term, parsed[1], on or effect.today())


# -- the receiver ---------------------------------------------------------------------------------
def on_assignment_changed(user, old=None, new=None, **kwargs) -> None:
    """Pending requests follow the officer (a post-training re-rating, and a rotation's
    evaluations through a restructuring, move to the new unit); a rotation's evaluations not
    yet due when its term ends are dropped; a new rotation gets its gaps recomputed and its
    first evaluation."""
    change_day = new.start_on if new is not None else (old.end_on if old is not None
                                                       else effect.today())
    continuing = new is not None and (old is None or new.kind == "restructure")
    pending = db.session.scalars(sa.select(RatingRequest).where(
        RatingRequest.user_id == user.id, RatingRequest.done_at.is_(None)))
    for request in pending:
        if request.kind == effect.ROTATION and not continuing:
            if request.due_on >= change_day:
                db.session.delete(request)
        elif new is not None:
            request.unit_id = new.unit_id
        elif request.due_on >= change_day:  # left the service before it was due
            db.session.delete(request)
    db.session.flush()
    if not is_rotation(old, new):
        return
    from plugins.competency import gaps

    recompute = getattr(gaps, "recompute_user_gaps", None)
    if recompute is not None:
        recompute(user)
    term = term_of(user, new.id)
    if term is not None:
        create_evaluation(user, term, 1)


# -- the daily job ----------------------------------------------------------------------------
def _current_rotation_assignments() -> list:
    """Current assignments of kind ``rotation`` (``org.current_assignments``)."""
    return org.current_assignments(kind="rotation")


def schedule_evaluations(on: date | None = None) -> int:
    """Create the evaluations that are due to exist on day ``on``; returns how many.

    - For each rotation whose latest evaluation is done or past due: the next ones, up to the
      first not yet past due, within the term.
    - For each current assignment of kind ``rotation`` with no evaluation at all (recorded
      while the plugin was off, or loaded in bulk): the first evaluation due on or after
      ``on`` (past ones are not invented)."""
    on = on or effect.today()
    latest: dict[tuple[int, int], tuple[int, date, object]] = {}
    for user_id, ref, due_on, done_at in db.session.execute(
            sa.select(RatingRequest.user_id, RatingRequest.reference, RatingRequest.due_on,
                      RatingRequest.done_at).where(RatingRequest.kind == effect.ROTATION)):
        parsed = parse_reference(ref)
        if parsed is None:
            continue
        key = (user_id, parsed[0])
        if key not in latest or parsed[1] > latest[key][0]:
            latest[key] = (parsed[1], due_on, done_at)
    due_users = {uid for (uid, _a), (_n, due_on, done_at) in latest.items()
                 if done_at is not None or due_on < on}
    anchors = {a for (_u, a) in latest}
    found = [a for a in _current_rotation_assignments() if a.id not in anchors]
    users = effect.users_by_id(due_users | {a.user_id for a in found})
    histories: dict[int, list] = {}

    def history(uid: int) -> list:
        if uid not in histories:
            histories[uid] = org.assignments_of(users[uid])
        return histories[uid]

    created = 0
    for (uid, anchor_id), (number, due_on, done_at) in sorted(latest.items()):
        if done_at is None and due_on >= on or uid not in users:
            continue
        term = term_of(users[uid], anchor_id, history(uid))
        if term is not None:
            created += _catch_up(users[uid], term, number, on)
    for a in found:
        if a.user_id not in users:
            continue
        term = term_of(users[a.user_id], a.id, history(a.user_id))
        if term is None or term.previous is None:
            continue
        number = 1
        while term.due(number) < on:
            number += 1
        if create_evaluation(users[a.user_id], term, number) is not None:
            created += 1
    db.session.flush()
    return created


# -- onboarding -------------------------------------------------------------------------------
@dataclass
class PlanStep:
    """One course of the onboarding plan."""

    course_code: str
    title: str
    competency_code: str = ""
    reason: str = ""


@dataclass
class GapLine:
    code: str
    name: str
    required: int
    achieved: int
    gap: int
    courses: list = field(default_factory=list)


def _get(item, name: str, default=""):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _recommended(user) -> list[PlanStep] | None:
    """The recommendation plugin's onboarding plan, when the plugin is enabled and offers
    ``plugins.recommendation.paths.onboarding_plan(user)``; None otherwise."""
    if "recommendation" not in loaded_plugins():
        return None
    try:
        module = importlib.import_module("plugins.recommendation.paths")
    except ImportError:
        return None
    plan = getattr(module, "onboarding_plan", None)
    if plan is None:
        return None
    try:
        items = list(plan(user) or [])
    except Exception:  # noqa: BLE001 - the profile must show even if the recommender fails
        log.exception("onboarding_plan of the recommendation plugin failed")
        return None
    steps = []
    for item in items:
        course = _get(item, "course", None)
        code = _get(item, "course_code") or _get(item, "code") or _get(course, "code")
        if not code:
            continue
        steps.append(PlanStep(str(code), str(_get(item, "title") or ""),
                              str(_get(item, "competency_code") or ""),
                              str(_get(item, "reason") or "")))
    return steps


def completed_course_codes(user) -> set[str]:
    """Codes of the courses the officer completed (``catalogue.completed_codes``)."""
    return catalogue.completed_codes(user)


def onboarding_summary(user, on: date | None = None) -> dict | None:
    """What the officer's profile shows after a rotation or promotion, or None when the
    current assignment is not a rotation in its term:

    ``assignment`` (current), ``previous`` (the one before the rotation), ``since``,
    ``ends_on`` (the last day of the term), ``gaps`` (:class:`GapLine`, largest weighted
    gap first, each with the courses that address it), ``plan`` (:class:`PlanStep`: the
    recommendation plugin's onboarding plan when enabled, else the courses covering the new
    gaps by gap size, without those completed), ``plan_source`` (``recommendation`` or
    ``catalogue``), ``evaluations`` (this term's requests, by number), ``next_evaluation``
    (the soonest pending one) and ``overdue`` (pending ones past due)."""
    from plugins.competency import gaps, needs

    on = on or effect.today()
    term = current_term(user)
    if term is None or on > term.ends_on:
        return None
    infos = needs.competency_infos()
    cache: dict = {}
    lines = []
    for g in gaps.new_position_gaps(user):
        info = needs.info_for(g.competency_code, infos)
        lines.append(GapLine(g.competency_code, info.name, g.required_level, g.achieved_level,
                             g.gap, needs.courses_for(g.competency_code, g.achieved_level + 1,
                                                      cache)))
    plan = _recommended(user)
    source = "recommendation"
    if plan is None:
        source = "catalogue"
        done = completed_course_codes(user)
        plan, seen = [], set()
        for line in lines:  # largest gap first
            for course in line.courses:
                if course.code in seen or course.code in done:
                    continue
                seen.add(course.code)
                plan.append(PlanStep(course.code, course.title, line.code,
                                     _("%(code)s: level %(required)d required, %(achieved)d "
                                       "achieved", code=line.code, required=line.required,
                                       achieved=line.achieved)))
    evaluations = sorted(
        db.session.scalars(sa.select(RatingRequest).where(
            RatingRequest.user_id == user.id, RatingRequest.kind == effect.ROTATION,
            RatingRequest.reference.like(f"assignment:{term.anchor.id}:%"))),
        key=lambda r: (parse_reference(r.reference) or (0, 0))[1])
    pending = [r for r in evaluations if r.done_at is None]
    return {"assignment": term.current, "previous": term.previous, "since": term.anchor.start_on,
            "ends_on": term.ends_on, "gaps": lines, "plan": plan, "plan_source": source,
            "evaluations": evaluations,
            "next_evaluation": min(pending, key=lambda r: r.due_on, default=None),
            "overdue": sum(1 for r in pending if r.due_on < on)}


# -- the HR page ------------------------------------------------------------------------------
@dataclass
class RotationRow:
    user: object
    assignment: object  #: the assignment the officer holds the rotation in now
    previous: object | None
    since: date
    ends_on: date
    ongoing: bool
    done: int
    pending: list
    overdue: int
    next_due: date | None

    @property
    def next_request(self):
        return min(self.pending, key=lambda r: r.due_on, default=None)


def rotation_rows(viewer, on: date | None = None) -> list[RotationRow]:
    """The rotated officers the viewer may see (HR: all; a unit head: those whose
    evaluations fall to the units headed and below), with their evaluations: overdue ones
    first, then by the next due date. Terms that ended with nothing pending are left out."""
    on = on or effect.today()
    stmt = sa.select(RatingRequest).where(RatingRequest.kind == effect.ROTATION)
    if not viewer.has_role(R.HR_ADMIN):
        ids = (visible_unit_ids(viewer) or set()) if viewer.has_role(R.UNIT_HEAD) else set()
        if not ids:
            return []
        stmt = stmt.where(RatingRequest.unit_id.in_(sorted(ids)))
    groups: dict[tuple[int, int], list[RatingRequest]] = defaultdict(list)
    for request in db.session.scalars(stmt):
        parsed = parse_reference(request.reference)
        if parsed is not None:
            groups[(request.user_id, parsed[0])].append(request)
    users = effect.users_by_id(uid for uid, _a in groups)
    rows = []
    for (uid, anchor_id), requests in groups.items():
        user = users.get(uid)
        term = term_of(user, anchor_id) if user is not None else None
        if term is None:
            continue
        pending = [r for r in requests if r.done_at is None]
        ongoing = term.ongoing and on <= term.ends_on
        if not ongoing and not pending:
            continue
        future = [r.due_on for r in pending if r.due_on >= on]
        rows.append(RotationRow(user, term.current, term.previous, term.anchor.start_on,
                                term.ends_on, ongoing, len(requests) - len(pending), pending,
                                sum(1 for r in pending if r.due_on < on),
                                min(future, default=None)))
    rows.sort(key=lambda r: (r.overdue == 0, r.next_due or FAR_FUTURE, r.user.full_name))
    return rows


def position_label(assignment) -> str:
    return localized(assignment.position) if assignment is not None and \
        assignment.position is not None else "—"
