"""The grading rule of competency assessments (plugins/competency/grading.py), case by case at
the boundaries documented in docs/competency-assessments.md."""

from __future__ import annotations

import pytest

from plugins.competency import grading
from plugins.competency.grading import GradedItem, grade, is_right, passed, reached_level

OPTIONS = [{"id": "a", "correct": True}, {"id": "b", "correct": False},
           {"id": "c", "correct": True}, {"id": "d", "correct": False}]
SINGLE = [{"id": "a", "correct": False}, {"id": "b", "correct": True}, {"id": "c"}]


@pytest.mark.parametrize(("kind", "options", "chosen", "right"), [
    ("single", SINGLE, ["b"], True),
    ("single", SINGLE, ["a"], False),
    ("single", SINGLE, [], False),
    ("single", SINGLE, None, False),
    ("single", SINGLE, ["a", "b"], False),  # two options on a single-answer item
    ("multiple", OPTIONS, ["a", "c"], True),
    ("multiple", OPTIONS, ["c", "a"], True),
    ("multiple", OPTIONS, ["a"], False),  # not all the right options
    ("multiple", OPTIONS, ["a", "c", "d"], False),  # a wrong one as well
    ("multiple", OPTIONS, [], False),
])
def test_an_item_is_right_only_with_exactly_its_right_options(kind, options, chosen, right):
    """Exactly the right options: nothing missing, nothing extra, unanswered is wrong."""
    assert is_right(kind, options, chosen) is right


@pytest.mark.parametrize(("tallies", "level"), [
    # Level 1 alone: 0.7 of the level-1 items.
    ({1: (7, 10)}, 1),
    ({1: (6, 10)}, 0),
    ({1: (3, 4)}, 1),  # 0.75
    ({1: (2, 4)}, 0),  # 0.5
    ({1: (0, 0)}, 0),  # no item: nothing can be reached
    # Level 2: 0.7 of the level-1 and level-2 items together, level 1 reached.
    ({1: (4, 4), 2: (2, 4)}, 2),  # 6/8 = 0.75
    ({1: (4, 4), 2: (1, 4)}, 1),  # 5/8 = 0.625
    ({1: (3, 4), 2: (3, 4)}, 2),  # 6/8, level 1 at 3/4
    ({1: (2, 4), 2: (4, 4)}, 0),  # 6/8 overall but level 1 (2/4) not reached
    ({1: (7, 10), 2: (7, 10)}, 2),  # exactly 0.7 at both steps
    ({1: (7, 10), 2: (6, 10)}, 1),  # 13/20 = 0.65
    # Level 3: 0.7 of the items of levels 1-3.
    ({1: (4, 4), 2: (4, 4), 3: (1, 4)}, 3),  # 9/12 = 0.75
    ({1: (4, 4), 2: (3, 4), 3: (1, 4)}, 2),  # 8/12 = 0.667
    ({1: (3, 4), 2: (3, 4), 3: (3, 4)}, 3),
    ({1: (4, 4), 2: (1, 4), 3: (4, 4)}, 1),  # level 2 missed (5/8): level 3 is out of reach
    # A level with no item stops the climb.
    ({1: (4, 4), 3: (4, 4)}, 1),
    ({2: (4, 4)}, 0),
])
def test_the_level_placed_at_the_boundaries(tallies, level):
    """Level L needs pass_ratio of the items of levels 1..L and level L-1 reached."""
    assert reached_level(tallies, 0.7) == level


def test_exactly_the_pass_ratio_passes_without_rounding_trouble():
    """7/10 passes 0.7 and 17/20 passes 0.85, although 0.7 * 10 is 7.000000000000001 in
    floating point."""
    assert reached_level({1: (7, 10)}, 0.7) == 1
    assert reached_level({1: (17, 20)}, 0.85) == 1
    assert reached_level({1: (16, 20)}, 0.85) == 0
    assert reached_level({1: (1, 3)}, 0.3333) == 1


def test_a_stricter_ratio_places_lower():
    """With 0.8, 6 of 8 (0.75) no longer reaches level 2."""
    assert reached_level({1: (4, 4), 2: (2, 4)}, 0.8) == 1
    assert reached_level({1: (4, 4), 2: (3, 4)}, 0.8) == 2


def _items(code, level, n, start):
    return [GradedItem(start + i, code, level, "single",
                       [{"id": "a", "correct": True}, {"id": "b", "correct": False}])
            for i in range(n)]


def test_grade_places_each_competency_and_counts_the_items():
    """grade() tallies per competency and level and places each one by the rule."""
    items = _items("THUE.01", 1, 4, 1) + _items("THUE.01", 2, 4, 5) + _items("XLVP.01", 1, 4, 9)
    answers = {"1": ["a"], "2": ["a"], "3": ["a"], "4": ["a"],  # THUE.01 L1 4/4
               "5": ["a"], "6": ["b"], "7": ["a"],  # L2 2/4 (8 unanswered)
               "9": ["a"], "10": ["a"], "11": ["b"]}  # XLVP.01 L1 2/4
    result = grade(items, answers, 0.7)
    assert result["right"] == 8 and result["total"] == 12
    assert result["scaled"] == pytest.approx(0.6667)
    assert result["competencies"]["THUE.01"] == {"level": 2, "levels": {"1": [4, 4], "2": [2, 4]}}
    assert result["competencies"]["XLVP.01"] == {"level": 0, "levels": {"1": [2, 4]}}
    assert result["items"]["6"] is False and result["items"]["8"] is False
    assert grading.levels_placed(result) == {"THUE.01": 2, "XLVP.01": 0}


def test_passed_means_level_one_in_every_competency():
    """The overall verb is passed only when no competency is left at level 0."""
    assert passed({"competencies": {"A": {"level": 1}, "B": {"level": 3}}})
    assert not passed({"competencies": {"A": {"level": 2}, "B": {"level": 0}}})
    assert not passed({"competencies": {}})
    assert not passed(None)
