"""The roles a person may hold (several at once)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

OFFICER = "officer"
AUTHOR = "author"  #: training staff: authors and reviewers of courses
UNIT_HEAD = "unit_head"
HR_ADMIN = "hr_admin"

ALL_ROLES = (OFFICER, AUTHOR, UNIT_HEAD, HR_ADMIN)

LABELS = {
    OFFICER: _l("Officer"),
    AUTHOR: _l("Training staff"),
    UNIT_HEAD: _l("Unit head"),
    HR_ADMIN: _l("HR administrator"),
}


def label(role: str) -> str:
    return str(LABELS.get(role, role))
