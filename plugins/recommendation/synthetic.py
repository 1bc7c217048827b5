"""A synthetic history with **planted course effects**, so that the offline evaluation has a
known answer (used by the tests and by ``lms recommend evaluate --synthetic``).

The world (all random draws from ``random.Random(seed)``):

- six competencies (QLRR.01 Phân tích rủi ro, QLRR.02 Quản lý thông tin doanh nghiệp,
  THUE.01 Xác định trị giá hải quan, THUE.02 Phân loại hàng hoá, KTSTQ.01 Kiểm tra sau thông
  quan tại trụ sở, GSQL.01 Giám sát hải quan tại cửa khẩu);
- three positions, each requiring four of them at level 2 or 3;
- for each competency ``X`` (code prefix ``P`` = ``X`` without dots), four courses that all
  **declare** it, with planted effects (the chance that an officer with a gap rises one level):

  ====================  ========  =======================================================
  course                declares  planted effect
  ====================  ========  =======================================================
  ``P-A1`` (proven)     level 1   **70%** (e.g. QLRR01-A1 raises QLRR.01 for 70%)
  ``P-B1`` (claims)     level 1   **2%**: claims the competency, raises almost nobody
  ``P-A2`` (proven)     level 2   **60%**
  ``P-B2`` (claims)     level 2   **5%**
  ====================  ========  =======================================================

  The "claims" courses are the more popular: officers pick them 60% of the time;
- one general course ``CHUNG-100`` declaring nothing, taken by about half the officers,
  raising nobody (the "most popular" trap).

Each officer starts (1 January 2023) below the requirement in most competencies, then over two
years takes three courses that fit a gap (level rule of ``candidates.py``); the post level is
measured 60 days after the completion (``pre + 1`` when the planted draw says so, else
``pre``), and the officer's level moves on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from plugins.recommendation.candidates import CourseFacts
from plugins.recommendation.effect_model import Event

COMPETENCIES = {
    "QLRR.01": ("Phân tích rủi ro", "Thu thập, phân tích thông tin, đánh giá rủi ro trong "
                "hoạt động xuất nhập khẩu"),
    "QLRR.02": ("Quản lý thông tin doanh nghiệp", "Quản lý hồ sơ, đánh giá tuân thủ của "
                "doanh nghiệp"),
    "THUE.01": ("Xác định trị giá hải quan", "Kiểm tra, tham vấn, xác định trị giá tính "
                "thuế hàng hoá xuất khẩu, nhập khẩu"),
    "THUE.02": ("Phân loại hàng hoá", "Phân loại hàng hoá, áp mã số theo Danh mục hàng hoá "
                "xuất khẩu, nhập khẩu"),
    "KTSTQ.01": ("Kiểm tra sau thông quan tại trụ sở", "Kiểm tra sau thông quan tại trụ sở "
                 "người khai hải quan, kiểm tra chứng từ, sổ sách kế toán"),
    "GSQL.01": ("Giám sát hải quan tại cửa khẩu", "Giám sát hàng hoá, phương tiện vận tải "
                "tại cửa khẩu, kho bãi, cảng biển"),
}
POSITIONS = {
    "RR-PT": {"QLRR.01": 3, "QLRR.02": 2, "THUE.01": 2, "GSQL.01": 2},
    "THUE-TG": {"THUE.01": 3, "THUE.02": 2, "QLRR.01": 2, "KTSTQ.01": 2},
    "KTSTQ-KT": {"KTSTQ.01": 3, "THUE.01": 2, "THUE.02": 2, "QLRR.02": 2},
}
#: ``suffix -> (declared level, planted effect, choice weight)``.
PLANTED = {"A1": (1, 0.70, 0.4), "B1": (1, 0.02, 0.6), "A2": (2, 0.60, 0.4),
           "B2": (2, 0.05, 0.6)}
GENERAL = "CHUNG-100"
START = date(2023, 1, 1)
DAYS = 730
POST_DELAY = 60
#: A split date that leaves about a third of the history for testing.
SPLIT = date(2024, 5, 1)


def course_code(competency: str, suffix: str) -> str:
    return f"{competency.replace('.', '')}-{suffix}"


def planted_effect(code: str) -> float:
    """The planted effect of a course (0 for the general course)."""
    return PLANTED[code.rsplit("-", 1)[1]][1] if code != GENERAL else 0.0


@dataclass
class Dataset:
    """A history in plain data: what the evaluation needs."""

    competencies: dict[str, str]  #: code -> text
    names: dict[str, str]  #: code -> name
    courses: dict[str, CourseFacts]
    #: position code -> {competency code: (required level, weight)}
    requirements: dict[str, dict[str, tuple[int, float]]]
    officers: dict[int, str | None]  #: user id -> position code
    events: list[Event]
    #: ``(user id, course code, completed on)`` of every completion.
    completions: list[tuple[int, str, date]]
    #: user id -> [(day, competency code, level)] of the level evidence, in date order.
    levels: dict[int, list[tuple[date, str, int]]] = field(default_factory=dict)


def _courses() -> dict[str, CourseFacts]:
    out = {}
    for comp, (name, description) in COMPETENCIES.items():
        for suffix, (level, _effect, _w) in PLANTED.items():
            code = course_code(comp, suffix)
            kind = "chuyên sâu" if level == 2 else "cơ bản"
            title = f"{name} {kind}" if suffix.startswith("A") else f"Tổng quan {name.lower()}"
            out[code] = CourseFacts(code, title, {comp: level}, minutes=240 if level == 1
                                    else 480, text=f"{title}. {description}.")
    out[GENERAL] = CourseFacts(GENERAL, "Kỹ năng làm việc văn phòng", {}, minutes=120,
                               text="Kỹ năng soạn thảo văn bản, giao tiếp công sở")
    return out


def generate(n_officers: int = 600, seed: int = 7) -> Dataset:
    rng = random.Random(seed)
    courses = _courses()
    requirements = {p: {c: (lv, 1.0) for c, lv in reqs.items()} for p, reqs in POSITIONS.items()}
    data = Dataset({c: f"{n}. {d}" for c, (n, d) in COMPETENCIES.items()},
                   {c: n for c, (n, _d) in COMPETENCIES.items()}, courses, requirements,
                   {}, [], [])
    by_comp: dict[str, list[CourseFacts]] = {}
    for c in courses.values():
        for comp in c.competencies:
            by_comp.setdefault(comp, []).append(c)
    for uid in range(1, n_officers + 1):
        position = rng.choice(sorted(POSITIONS))
        data.officers[uid] = position
        level = {}
        history = []
        for comp, required in POSITIONS[position].items():
            level[comp] = rng.choice([lv for lv in range(0, required)] + [0])
            history.append((START, comp, level[comp]))
        days = sorted(rng.sample(range(10, DAYS - POST_DELAY), 3))
        taken: set[str] = set()
        for day in days:
            on = START + timedelta(days=day)
            gaps = [c for c, req in POSITIONS[position].items() if level[c] < req]
            if not gaps:
                break
            comp = rng.choice(sorted(gaps))
            options = [c for c in by_comp[comp] if c.code not in taken
                       and level[comp] + 1 <= c.competencies[comp] <= POSITIONS[position][comp]]
            if not options:
                continue
            weights = [PLANTED[c.code.rsplit("-", 1)[1]][2] for c in options]
            course = rng.choices(options, weights)[0]
            taken.add(course.code)
            pre = level[comp]
            post = pre + 1 if rng.random() < planted_effect(course.code) else pre
            post_on = on + timedelta(days=POST_DELAY)
            data.events.append(Event(uid, position, course.code, comp,
                                     course.competencies[comp], POSITIONS[position][comp],
                                     pre, post, on, post_on))
            data.completions.append((uid, course.code, on))
            history.append((post_on, comp, post))
            level[comp] = post
        if rng.random() < 0.5:
            data.completions.append((uid, GENERAL, START + timedelta(days=rng.randrange(DAYS))))
        data.levels[uid] = sorted(history)
    return data
