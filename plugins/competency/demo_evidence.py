"""Demo data: a believable history of evidence for the demo officers, then their levels and
gaps.

For every officer holding a position with competency requirements (read from the database:
the framework and the position profiles are loaded by ``demo_framework`` first; without them
this loader does nothing and returns ""):

- results of the competency assessment sessions of November 2024 and November 2025, as
  imported results (``source="import"``); about a third of the officers sat neither;
- course completions of the shipped courses (``content/``) that declare a required
  competency, at the level the course declares (the course rows are imported later by
  ``lms content import``; evidence refers to them by code only);
- a few supervisors' ratings, some older than the age at which ratings stop counting.

An officer's results follow an ability of their own, the unit they work in and how demanding
the position is, so units and positions differ (the heatmap of a regional branch is not
uniform). The demo accounts get a hand-written history: ``canbo`` has clear gaps and every
kind of evidence. Deterministic for a seed; bulk inserts (fast for 20,000 officers); then
:func:`evidence.recompute_all_levels` and :func:`gaps.recompute_all`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.identity.operations import get_user
from lms_core.organisation import queries as org
from plugins.competency import evidence, frameworks, gaps
from plugins.competency.models import Evidence

#: The two assessment sessions whose results are imported.
SESSIONS = (
    ("ket-qua-thi-danh-gia-nang-luc-2024.csv", date(2024, 11, 16)),
    ("ket-qua-thi-danh-gia-nang-luc-2025.csv", date(2025, 11, 15)),
)
#: Courses shipped in content/ and the (competency, level) each declares.
COURSES = {
    "LHQ-101": [("CHUNG.01", 1)], "SO-102": [("CHUNG.02", 1)], "SO-101": [("CHUNG.03", 1)],
    "NN-101": [("CHUNG.04", 1)], "GSQL-101": [("GSQL.01", 1)], "THUE-101": [("THUE.02", 1)],
    "THUE-201": [("THUE.01", 2)], "KTSTQ-101": [("KTSTQ.01", 1), ("KTSTQ.02", 1)],
    "QLRR-101": [("QLRR.01", 1), ("QLRR.02", 1)], "XLVP-101": [("XLVP.01", 1)],
}
CHUNK = 5000


def _clamp(value: float, top: int) -> int:
    return max(0, min(top, int(round(value))))


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


class _Rows:
    """Evidence rows to insert, with the import line numbers per session file."""

    def __init__(self, framework_id: int, today: date):
        self.rows: list[dict] = []
        self.lines: dict[str, int] = defaultdict(int)
        self.ratings = 0
        self.framework_id = framework_id
        self.today = today
        self.now = utcnow()

    def add(self, user_id: int, code: str, level: int, source: str, ref: str, day: date,
            note: str = "") -> None:
        self.rows.append({
            "user_id": user_id, "competency_code": code, "level": level, "source": source,
            "source_ref": ref, "observed_on": min(day, self.today), "recorded_at": self.now,
            "recorded_by_id": None, "framework_id": self.framework_id, "statement_id": None,
            "note": note})

    def imported(self, user_id: int, code: str, level: int, session: int) -> None:
        name, day = SESSIONS[session]
        self.lines[name] += 1
        self.add(user_id, code, level, "import", f"import:{name}:{self.lines[name] + 1}", day)

    def rating(self, user_id: int, code: str, level: int, day: date, note: str = "") -> None:
        self.ratings += 1
        self.add(user_id, code, level, "rating", f"rating:demo-{self.ratings}", day, note)

    def course(self, user_id: int, code: str, level: int, course: str, day: date) -> None:
        self.add(user_id, code, level, "course", f"course:{course}", day)


def _courses_by_code(known: set[str]) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for course, declared in COURSES.items():
        for code, level in declared:
            if code in known:
                out[code].append((course, level))
    return out


def _generated(rows: _Rows, assignments, reqs, top: int, known: set[str],
               rng: random.Random, skip: set[int]) -> None:
    """Evidence for the generated officers (everyone but ``skip``)."""
    courses = _courses_by_code(known)
    parents = org.parent_map()
    unit_bias: dict[int, float] = {}

    def bias_of(unit_id: int) -> float:
        # Every unit has its own tendency, added to its parent's: sub-departments and teams
        # of the same branch differ, and branches differ.
        if unit_id not in unit_bias:
            parent = parents.get(unit_id)
            base = bias_of(parent) if parent is not None and parent != unit_id else 0.0
            unit_bias[unit_id] = base * 0.6 + rng.gauss(0, 0.35)
        return unit_bias[unit_id]

    position_bias = {(pid, code): rng.gauss(0, 0.45)
                     for pid, items in sorted(reqs.items()) for code, _l, _w in items}
    for user_id, unit_id, pid in sorted(assignments):
        if user_id in skip or pid not in reqs:
            continue
        ability = rng.gauss(0, 0.55) + bias_of(unit_id)
        sat = [rng.random() < 0.55, rng.random() < 0.62]
        if not any(sat) and rng.random() < 0.5:
            sat[1] = True
        for code, required, _weight in reqs[pid]:
            true = required - 0.45 + ability + position_bias[(pid, code)] + rng.gauss(0, 0.5)
            earlier = true - (0.6 if rng.random() < 0.5 else 0.0)
            if sat[0]:
                rows.imported(user_id, code, _clamp(earlier, top), 0)
            if sat[1]:
                rows.imported(user_id, code, _clamp(true, top), 1)
            if code in courses and rng.random() < 0.22:
                course, level = rng.choice(courses[code])
                rows.course(user_id, code, level, course,
                            _day_between(rng, date(2025, 1, 6), date(2026, 10, 30)))
            if rng.random() < 0.05:
                rows.rating(user_id, code, _clamp(true + rng.choice((0, 0, 1)), top),
                            _day_between(rng, date(2023, 6, 1), date(2026, 9, 30)))


def _canbo(rows: _Rows, user, reqs, position_id, top: int, known: set[str]) -> None:
    """The officer demo account: every kind of evidence, and gaps to close."""
    items = reqs.get(position_id, [])
    courses = _courses_by_code(known)
    for i, (code, required, _weight) in enumerate(items):
        story = i % 5
        if story == 0:  # the 2025 result is lower than 2024's: the latest counts
            rows.imported(user.id, code, min(top, required), 0)
            rows.imported(user.id, code, max(0, required - 1), 1)
        elif story == 1:  # a supervisor's rating after the assessment, and an old one
            rows.rating(user.id, code, max(0, required - 1), date(2023, 5, 12),
                        note="Đánh giá của lãnh đạo đội năm 2023")
            rows.imported(user.id, code, max(0, required - 1), 0)
            rows.rating(user.id, code, min(top, required), date(2026, 6, 18),
                        note="Đánh giá của lãnh đạo đội sau 6 tháng")
        elif story == 2:  # below, with a course completion that can raise it to level 1
            rows.imported(user.id, code, 0, 1)
            if code in courses:
                course, level = courses[code][0]
                rows.course(user.id, code, level, course, date(2026, 3, 20))
        elif story == 3:  # progressed between the sessions, meets the requirement
            rows.imported(user.id, code, max(0, required - 1), 0)
            rows.imported(user.id, code, required, 1)
        else:  # never assessed: level 0
            pass


def load(seed: int | None = None) -> str:
    """Load the demo evidence (see the module); flushes, never commits. Returns a one-line
    summary, or "" when there is no published framework or no position profile yet."""
    framework = frameworks.published_framework()
    if framework is None:
        return ""
    reqs = gaps.requirements_by_position()
    if not reqs:
        return ""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)):
        return ""  # loaded already
    rng = random.Random(f"competency-evidence-{seed}")
    known = set(frameworks.competency_index(framework))
    top = frameworks.scale_max(framework)
    reqs = {pid: [r for r in items if r[0] in known] for pid, items in reqs.items()}
    assignments = gaps.current_assignment_rows()
    rows = _Rows(framework.id, evidence.today())
    skip = set()
    canbo = get_user("canbo")
    if canbo is not None:
        current = org.current_assignment(canbo)
        if current is not None and current.position_id in reqs:
            _canbo(rows, canbo, reqs, current.position_id, top, known)
            skip.add(canbo.id)
    _generated(rows, assignments, reqs, top, known, rng, skip)
    for start in range(0, len(rows.rows), CHUNK):
        db.session.execute(Evidence.__table__.insert(), rows.rows[start:start + CHUNK])
    levels = evidence.recompute_all_levels()
    officers = gaps.recompute_all()
    db.session.flush()
    return (f"{len(rows.rows)} pieces of evidence (assessment results of 2024 and 2025, "
            f"courses, ratings), {levels} levels, gaps of {officers} officers")
