"""Signals about learning records."""

from blinker import Namespace

_signals = Namespace()

statement_stored = _signals.signal(
    "statement-stored",
    """
Sent after an xAPI statement is stored in the built-in LRS, before the commit (receivers
write in the same transaction). The `sender` is the
:class:`~lms_core.xapi.models.Statement` row; `user` is the platform user it is about (None
for an actor outside the platform). Emulation and competency listen to it.
""",
)
