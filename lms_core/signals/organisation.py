"""Signals about the unit tree, positions and assignments."""

from blinker import Namespace

_signals = Namespace()

assignment_changed = _signals.signal(
    "assignment-changed",
    """
Sent when an officer's assignment changes (appointment, transfer, rotation, promotion, or a
restructuring that moves the officer's unit). The `sender` is the user; `old` is the
assignment that ended (or None), `new` the one that starts. Receivers use it to recompute
gaps against the new position or to plan onboarding.
""",
)

unit_changed = _signals.signal(
    "unit-changed",
    """
Sent after a change to the unit tree is recorded. The `sender` is the
:class:`~lms_core.organisation.models.UnitEvent` (kind create, rename, move, merge, split or
dissolve), whose links name the source and target units.
""",
)
