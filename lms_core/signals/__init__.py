"""Core signals, one module per domain. Plugins connect receivers here (strongly:
``signal.connect(func, weak=False)`` or through :meth:`LmsPlugin.connect_signals`) and never
need to import core internals to learn what happened.

Every signal's docstring says who sends it, the ``sender`` and the keyword arguments.
"""

from lms_core.signals import courses, identity, organisation, plugins, xapi

__all__ = ["courses", "identity", "organisation", "plugins", "xapi"]
