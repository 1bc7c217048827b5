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
