"""Believable Vietnamese names for demo officers, with usernames derived from them.

Family names follow their approximate frequency in Vietnam (Nguyễn about 38%); in the south
Huỳnh and Võ replace most of Hoàng and Vũ, as the two pairs split by region. Middle names
depend on gender (Văn, Đức … for men; Thị, Ngọc … for women).
"""

from __future__ import annotations

import random
from itertools import accumulate

from lms_core.text import fold

_FAMILY_NORTH = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 4.5, "Huỳnh": 0.5, "Phan": 4.5,
    "Vũ": 3.5, "Võ": 0.4, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3,
    "Dương": 1, "Lý": 0.5, "Đinh": 1, "Trịnh": 0.8, "Đào": 0.8, "Mai": 0.6, "Trương": 0.6,
    "Lương": 0.5, "Cao": 0.5, "Hà": 0.6, "Tạ": 0.3, "Lâm": 0.3, "Chu": 0.3, "Tô": 0.3,
    "Thái": 0.2, "Kiều": 0.2,
}
_FAMILY_SOUTH = _FAMILY_NORTH | {"Hoàng": 0.8, "Huỳnh": 4.2, "Vũ": 0.5, "Võ": 3.4,
                                 "Lâm": 0.7, "Trương": 1.0, "Trịnh": 0.4, "Kiều": 0.1}

_MIDDLE = {
    "M": {"Văn": 30, "Đức": 10, "Minh": 10, "Quang": 7, "Hữu": 7, "Công": 6, "Thanh": 6,
          "Quốc": 5, "Xuân": 4, "Ngọc": 4, "Trọng": 4, "Tuấn": 3, "Anh": 3, "Hoàng": 3,
          "Việt": 3, "Duy": 3, "Thành": 3, "Mạnh": 2, "Tiến": 2, "Đình": 4},
    "F": {"Thị": 40, "Ngọc": 8, "Thu": 6, "Thanh": 6, "Minh": 4, "Hồng": 4, "Kim": 4,
          "Phương": 4, "Thùy": 4, "Mai": 3, "Bích": 2, "Diệu": 2, "Hải": 2, "Hoài": 2,
          "Khánh": 2, "Lan": 2, "Quỳnh": 2, "Thảo": 2},
}

_GIVEN = {
    "M": ["Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng",
          "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong",
          "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Tiến",
          "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Hoàng", "Thái",
          "Hậu", "Công", "Bảo", "Đông", "Hiệp", "Trí"],
    "F": ["An", "Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
          "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "Ngân", "Ngọc", "Nhung",
          "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trinh", "Uyên",
          "Vân", "Yến", "Hồng", "Nga", "Thanh", "Hương Giang", "Lệ", "Nhàn", "Tuyết"],
}


class _Choice:
    """Weighted choice from a fixed table (cumulative weights computed once)."""

    def __init__(self, table: dict[str, float]):
        self.items = list(table)
        self.cum = list(accumulate(table.values()))

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cum)[0]


_FAMILY = {False: _Choice(_FAMILY_NORTH), True: _Choice(_FAMILY_SOUTH)}
_MIDDLE_CHOICE = {g: _Choice(t) for g, t in _MIDDLE.items()}


def full_name(rng: random.Random, gender: str, south: bool = False) -> str:
    """A name like "Nguyễn Thị Thu Hương": family, middle, given (``gender`` "M" or "F")."""
    family = _FAMILY[south](rng)
    middle = _MIDDLE_CHOICE[gender](rng)
    given = rng.choice(_GIVEN[gender])
    while given == middle or given.split()[0] == middle:
        given = rng.choice(_GIVEN[gender])
    return f"{family} {middle} {given}"


def base_username(name: str) -> str:
    """The usual Vietnamese account form: given name then initials, ``Nguyễn Thị Lan`` ->
    ``lannt``; a two-word given name keeps only its last word whole."""
    words = fold(name).replace("-", " ").split()
    return words[-1] + "".join(w[0] for w in words[:-1])


class Usernames:
    """Hands out unique usernames (``lannt``, ``lannt2``, ``lannt3`` …)."""

    def __init__(self, taken=()):
        self.taken = {t.lower() for t in taken}

    def take(self, name: str) -> str:
        base = base_username(name)
        candidate, n = base, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{base}{n}"
        self.taken.add(candidate)
        return candidate
