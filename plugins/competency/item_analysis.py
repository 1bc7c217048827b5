"""Item analysis for training staff: how hard each item is and how well it separates the
officers who know from those who do not (docs/competency-assessments.md).

Computed from graded sittings only (submitted or expired), from the per-item marks stored in
each sitting's result, so a later edit of an item does not rewrite history.

* **Difficulty** ``p``: the share of the sittings that drew the item and answered it right.
* **Discrimination**: the *corrected point-biserial* correlation between the item's mark
  (1 right, 0 wrong) and the sitting's share right on its *other* items (the rest score,
  so the item does not correlate with itself)::

      r = (M1 - M0) / s * sqrt(p * (1 - p))

  where M1 and M0 are the mean rest scores of the sittings that got the item right and wrong,
  and s the (population) standard deviation of the rest score over all of them. Undefined
  when everyone, or no one, got it right, or when the rest scores do not vary.
* **Flags**, once the item was drawn in at least :data:`MIN_SITTINGS` sittings:
  ``too_easy`` when p > 0.9, ``too_hard`` when p < 0.2, ``poor_discrimination`` when the
  discrimination is below 0.2 (or undefined).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from lms_core.extensions import db
from plugins.competency.models import BankItem, Sitting

TOO_EASY = 0.9
TOO_HARD = 0.2
POOR_DISCRIMINATION = 0.2
#: Fewer sittings than this say too little to flag an item.
MIN_SITTINGS = 5
GRADED = ("submitted", "expired")


@dataclass
class ItemStats:
    item: BankItem
    sittings: int = 0
    right: int = 0
    difficulty: float | None = None
    discrimination: float | None = None
    flags: list[str] = field(default_factory=list)


def point_biserial(marks: list[int], rest: list[float]) -> float | None:
    """Point-biserial correlation of 0/1 ``marks`` with the ``rest`` scores (None when it is
    undefined)."""
    n = len(marks)
    if n < 2 or n != len(rest):
        return None
    ones = [r for m, r in zip(marks, rest, strict=True) if m]
    zeros = [r for m, r in zip(marks, rest, strict=True) if not m]
    if not ones or not zeros:
        return None
    mean = sum(rest) / n
    sd = math.sqrt(sum((r - mean) ** 2 for r in rest) / n)
    if sd == 0:
        return None
    p = len(ones) / n
    return (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / sd * math.sqrt(p * (1 - p))


def flags_for(stats: ItemStats) -> list[str]:
    if stats.sittings < MIN_SITTINGS or stats.difficulty is None:
        return []
    flags = []
    if stats.difficulty > TOO_EASY:
        flags.append("too_easy")
    if stats.difficulty < TOO_HARD:
        flags.append("too_hard")
    if stats.discrimination is None or stats.discrimination < POOR_DISCRIMINATION:
        flags.append("poor_discrimination")
    return flags


def analyse(*, exam_id: int | None = None, competency_code: str | None = None,
            level: int | None = None) -> list[ItemStats]:
    """Statistics of the items of one exam's graded sittings (``exam_id``), or of one bank
    (``competency_code`` and ``level``, over every exam). Items never drawn are listed with
    zero sittings when a bank is analysed."""
    query = sa.select(Sitting.result).where(Sitting.status.in_(GRADED),
                                            Sitting.result.is_not(None))
    if exam_id is not None:
        query = query.where(Sitting.exam_id == exam_id)
    results = [r for r in db.session.scalars(query) if r and r.get("items")]

    item_query = sa.select(BankItem)
    if competency_code is not None:
        item_query = item_query.where(BankItem.competency_code == competency_code)
        if level is not None:
            item_query = item_query.where(BankItem.level == level)
        items = list(db.session.scalars(item_query.order_by(BankItem.code)))
    else:
        drawn = {int(k) for r in results for k in r["items"]}
        items = list(db.session.scalars(item_query.where(BankItem.id.in_(drawn)).order_by(
            BankItem.competency_code, BankItem.level, BankItem.code))) if drawn else []
    stats = {i.id: ItemStats(i) for i in items}
    marks: dict[int, list[int]] = {i: [] for i in stats}
    rests: dict[int, list[float]] = {i: [] for i in stats}
    for result in results:
        per_item = result["items"]
        total = len(per_item)
        right = sum(1 for v in per_item.values() if v)
        for key, ok in per_item.items():
            item_id = int(key)
            if item_id not in stats:
                continue
            marks[item_id].append(int(bool(ok)))
            others = total - 1
            rests[item_id].append((right - int(bool(ok))) / others if others else 0.0)
    for item_id, s in stats.items():
        s.sittings = len(marks[item_id])
        s.right = sum(marks[item_id])
        if s.sittings:
            s.difficulty = s.right / s.sittings
            s.discrimination = point_biserial(marks[item_id], rests[item_id])
        s.flags = flags_for(s)
    return list(stats.values())
