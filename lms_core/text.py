"""Text helpers for Vietnamese: accent folding for search."""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str | None) -> str:
    """Lower-case ``text`` without diacritics, for accent-insensitive search.

    ``fold("Thuế xuất khẩu") == "thue xuat khau"``; đ/Đ become d, which Unicode does not
    decompose. White space is collapsed to single spaces.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
