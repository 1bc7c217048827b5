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


CORE_JOBS = [
    Job("core.sweep_study_sessions", sweep_study_sessions, "interval", {"minutes": 10}),
    Job("core.purge_rate_limit_counters", purge_rate_limit_counters, "interval", {"hours": 1}),
]
