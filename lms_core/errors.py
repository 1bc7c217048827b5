"""Errors that carry a message for the user, in the user's language."""

from __future__ import annotations


class UserError(ValueError):
    """Bad input from a user: shown as a clear message; the operation changed nothing.

    ``message`` is already translated (or a lazy string); ``field`` names the form field
    concerned, when there is one.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


def abort_with(code: int, message) -> None:
    """Abort the request with HTTP ``code`` and a message of our own (already translated),
    which the error page shows instead of the generic text for that code."""
    from werkzeug.exceptions import HTTPException, default_exceptions

    exc: HTTPException = default_exceptions[code]()
    exc.user_message = message  # type: ignore[attr-defined]
    raise exc
