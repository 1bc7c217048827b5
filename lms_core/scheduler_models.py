"""The scheduler's lease: one row per lease name, telling which ``lms scheduler run`` process
may run the scheduled jobs, until when.

A process holds the lease ``name`` while ``holder`` is its id and ``expires_at`` is in the
future; it renews the row well before then, so ``renewed_at`` is the scheduler's heartbeat
(read by ``/healthz``). The functions that take, renew and release it are in
:mod:`lms_core.scheduler`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.extensions import db


class SchedulerLease(db.Model):
    __tablename__ = "scheduler_leases"

    #: The lease's name; the scheduler uses ``"default"``.
    name: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    #: The holding process: ``host:pid:random``, unique per process.
    holder: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: When the current holder took the lease (naive UTC, like every timestamp).
    acquired_at: so.Mapped[datetime]
    #: The holder's last renewal: the scheduler's heartbeat.
    renewed_at: so.Mapped[datetime]
    #: After this moment any process may take the lease over.
    expires_at: so.Mapped[datetime]

    def __repr__(self) -> str:
        return f"<SchedulerLease {self.name!r} {self.holder!r} until {self.expires_at}>"
