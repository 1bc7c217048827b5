"""Grading a sitting: which items are right, and the level each competency places the officer at.

The rule (docs/competency-assessments.md gives it with worked numbers):

* An item is **right** when the options chosen are exactly its right options: the one right
  option of a ``single`` item; all the right options of a ``multiple`` item and nothing else.
  An unanswered item is wrong.
* For each competency of the exam, **level L is reached** when

  1. the sitting holds items of level L of that competency,
  2. level L - 1 is reached (level 0 always is), and
  3. the share of right answers among *all* the items of levels 1 to L of that competency is
     at least the exam's pass ratio (0.7 by default).

  The officer is placed at the highest level reached; level 0 ("below level 1") when level 1
  is not reached. Example with 0.7 and 4 items per level: level 2 needs at least 6 of the 8
  level-1 and level-2 items right (6/8 = 0.75; 5/8 = 0.625 is not enough) *and* at least 3 of
  the 4 level-1 items (level 1 reached).

Shares are compared exactly (fractions), so 7 right of 10 is 0.7 and passes a ratio of 0.7.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

DEFAULT_PASS_RATIO = 0.7


def ratio(value: float | str | Fraction) -> Fraction:
    """The pass ratio as an exact fraction (0.7 -> 7/10, not 0.69999...)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(str(value)).limit_denominator(10_000)


def right_options(options: Iterable[Mapping[str, Any]]) -> set[str]:
    return {str(o["id"]) for o in options if o.get("correct")}


def is_right(kind: str, options: Iterable[Mapping[str, Any]], chosen: Iterable[str] | None) -> bool:
    """Whether ``chosen`` (option ids) answers the item right: exactly its right options.

    A ``single`` item answered with several options is wrong even if one of them is right."""
    picked = {str(c) for c in (chosen or ())}
    if not picked:
        return False
    if kind == "single" and len(picked) != 1:
        return False
    return picked == right_options(options)


def reached_level(tallies: Mapping[int, tuple[int, int]], pass_ratio: float | Fraction) -> int:
    """The level placed from ``{level: (right, total)}`` of one competency (see the module).

    Levels absent from ``tallies`` (or with no item) cannot be reached, so neither can any
    level above them."""
    needed = ratio(pass_ratio)
    placed = 0
    right = total = 0
    level = 1
    while True:
        tally = tallies.get(level)
        if not tally or tally[1] <= 0:
            return placed
        right += tally[0]
        total += tally[1]
        if Fraction(right, total) < needed:
            return placed
        placed = level
        level += 1


@dataclass(frozen=True)
class GradedItem:
    """What grading needs of an item: its id, competency, level, kind and options."""

    id: int
    competency_code: str
    level: int
    kind: str
    options: list[dict[str, Any]]


def grade(items: Iterable[GradedItem], answers: Mapping[str, list[str]],
          pass_ratio: float | Fraction = DEFAULT_PASS_RATIO) -> dict[str, Any]:
    """Grade the items of a sitting against its saved ``answers`` (``{"<item id>": [ids]}``).

    Returns the result stored on the sitting::

        {"right": 11, "total": 16, "scaled": 0.6875,
         "items": {"12": true, "15": false, ...},
         "competencies": {"THUE.01": {"level": 1,
                                     "levels": {"1": [4, 4], "2": [2, 4]}}, ...}}
    """
    items = list(items)
    per_item: dict[str, bool] = {}
    tallies: dict[str, dict[int, list[int]]] = {}
    for item in items:
        ok = is_right(item.kind, item.options, answers.get(str(item.id)))
        per_item[str(item.id)] = ok
        tally = tallies.setdefault(item.competency_code, {}).setdefault(item.level, [0, 0])
        tally[0] += int(ok)
        tally[1] += 1
    competencies = {}
    for code in sorted(tallies):
        levels = tallies[code]
        competencies[code] = {
            "level": reached_level({lv: (r, t) for lv, (r, t) in levels.items()}, pass_ratio),
            "levels": {str(lv): list(levels[lv]) for lv in sorted(levels)},
        }
    right = sum(per_item.values())
    total = len(per_item)
    return {
        "right": right,
        "total": total,
        "scaled": round(right / total, 4) if total else 0.0,
        "items": per_item,
        "competencies": competencies,
    }


def levels_placed(result: Mapping[str, Any] | None) -> dict[str, int]:
    """``{competency code: level}`` of a stored result."""
    if not result:
        return {}
    return {code: int(c["level"]) for code, c in result.get("competencies", {}).items()}


def passed(result: Mapping[str, Any] | None) -> bool:
    """The sitting's overall success (the xAPI verb ``passed``): level 1 or more reached in
    **every** competency of the exam. A sitting with no item never passes."""
    levels = levels_placed(result)
    return bool(levels) and all(level >= 1 for level in levels.values())
