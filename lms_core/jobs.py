"""The core's scheduled jobs (plugins add theirs through :meth:`LmsPlugin.jobs`)."""

from __future__ import annotations

from lms_core.plugins import Job


def sweep_study_sessions() -> None:
    """Close study sessions whose browser stopped reporting, so their time is recorded."""
    from lms_core.courses.delivery import sweep_sessions
    from lms_core.extensions import db

    sweep_sessions()
    db.session.commit()


def purge_rate_limit_counters() -> None:
    """Delete the rate-limit counters of windows that have ended."""
    from lms_core.extensions import db
    from lms_core.ratelimit import purge_expired

    purge_expired()
    db.session.commit()


def forward_xapi_statements() -> None:
    """Send the outbox's due statements to the external LRS (when forwarding is on).

    Idempotent: a statement sent twice carries the same id, which the receiver stores once.
    Commits after each batch (see :func:`lms_core.xapi.forwarding.forward_pending`)."""
    from lms_core.xapi.forwarding import forward_pending

    forward_pending()


def sweep_cmi5_sessions() -> None:
    """Abandon cmi5 sessions whose AU went silent; deactivate the clients of ended ones."""
    from lms_core.cmi5.operations import sweep
    from lms_core.extensions import db

    sweep()
    db.session.commit()


CORE_JOBS = [
    Job("core.sweep_study_sessions", sweep_study_sessions, "interval", {"minutes": 10}),
    Job("core.purge_rate_limit_counters", purge_rate_limit_counters, "interval", {"hours": 1}),
    Job("core.forward_xapi_statements", forward_xapi_statements, "interval", {"minutes": 1}),
    Job("core.sweep_cmi5_sessions", sweep_cmi5_sessions, "interval", {"minutes": 10}),
]
