"""Signals of the competency plugin, for the plugins that build on it (emulation,
recommendation)."""

from blinker import Namespace

_signals = Namespace()

levels_changed = _signals.signal(
    "competency-levels-changed",
    """
Sent after an officer's current levels were recomputed and changed. The `sender` is the
user; `codes` the competency codes whose level changed.
""",
)

assessment_scored = _signals.signal(
    "competency-assessment-scored",
    """
Sent when a sitting of a competency assessment is graded. The `sender` is the
:class:`~plugins.competency.models.Sitting`; `levels` maps competency code to level placed.
""",
)

framework_published = _signals.signal(
    "competency-framework-published",
    """
Sent when a framework version is published (it replaces the one in force). The `sender` is
the :class:`~plugins.competency.models.Framework`. Levels and gaps are rebuilt then, because
the competencies and scale they are read against changed.
""",
)
