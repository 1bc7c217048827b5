"""Signals about users and their roles."""

from blinker import Namespace

_signals = Namespace()

user_created = _signals.signal(
    "user-created",
    """
Sent after a user is created (CLI, admin page or HR import), before the commit.
The `sender` is the :class:`~lms_core.identity.models.User`.
""",
)

roles_changed = _signals.signal(
    "roles-changed",
    """
Sent when a user's role grants change. The `sender` is the user; `added` and `removed` are
sets of ``(role, unit_id)`` tuples.
""",
)

login_failed = _signals.signal(
    "login-failed",
    """
Sent after a failed login for a known user. The `sender` is the user; `locked` is True when
this failure locked the account.
""",
)
