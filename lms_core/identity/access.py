"""Who may see and change what. Views call these; nothing else decides access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from lms_core.identity import roles as R


def role_required(*roles: str) -> Callable:
    """Only logged-in users holding one of ``roles`` (anyone logged in when empty);
    anonymous users are sent to the login page, others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_unit_ids(user) -> set[int] | None:
    """The units whose people and data ``user`` may see: None means all (HR administrator);
    a unit head sees the subtrees of the units they head; others see none."""
    from lms_core.organisation.queries import subtree_ids

    if user.has_role(R.HR_ADMIN):
        return None
    ids: set[int] = set()
    for unit_id in user.headed_unit_ids:
        ids |= subtree_ids(unit_id)
    return ids


def can_view_unit(user, unit) -> bool:
    ids = visible_unit_ids(user)
    return ids is None or unit.id in ids


def can_view_user(viewer, user) -> bool:
    """Officers see themselves; unit heads see people currently assigned in their subtree;
    HR administrators see everyone."""
    if viewer.id == user.id:
        return True
    ids = visible_unit_ids(viewer)
    if ids is None:
        return True
    if not ids:
        return False
    from lms_core.organisation.queries import current_assignment

    current = current_assignment(user)
    return current is not None and current.unit_id in ids
