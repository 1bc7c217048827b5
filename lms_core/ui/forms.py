"""What every form page does with an operation: run it, commit, or show its error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lms_core.errors import UserError
from lms_core.extensions import db

#: Fields a person never sees, so an error cannot be shown beside them.
HIDDEN_FIELD_TYPES = ("CSRFTokenField", "HiddenField")


def run_form_operation(form, operation: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ``operation``; commit and return ``(True, result)``, or roll back, put the
    :class:`UserError` message on the form (on its field when named) and return
    ``(False, None)``."""
    try:
        result = operation()
    except UserError as exc:
        db.session.rollback()
        field = form._fields.get(exc.field) if exc.field else None
        if field is not None and field.type not in HIDDEN_FIELD_TYPES:
            field.errors = [*field.errors, exc.message]
        else:
            form.form_errors.append(exc.message)
        return False, None
    db.session.commit()
    return True, result
