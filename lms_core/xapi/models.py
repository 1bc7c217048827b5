"""The built-in LRS's statement table: the one record of learning activity.

Filterable fields are columns with indexes; the statement itself is kept whole in ``payload``
as stored (the LRS returns it as it was received, plus ``stored`` and ``authority``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db


class Statement(db.Model):
    __tablename__ = "xapi_statements"
    __table_args__ = (
        sa.Index("ix_xapi_statements_user_verb_time", "user_id", "verb_id", "timestamp"),
        sa.Index("ix_xapi_statements_activity_time", "activity_id", "timestamp"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The statement's own id (UUID). Unique: the same statement is stored once.
    statement_id: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    #: The actor's inverse functional identifier, e.g. ``account:https://host|HQ000001``.
    actor_key: so.Mapped[str] = so.mapped_column(sa.String(400), index=True)
    #: The platform user, when the actor is one of ours.
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    verb_id: so.Mapped[str] = so.mapped_column(sa.String(400), index=True)
    #: The object's id when the object is an Activity.
    activity_id: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    registration: so.Mapped[str | None] = so.mapped_column(sa.String(36), index=True)
    timestamp: so.Mapped[datetime] = so.mapped_column(index=True)
    stored: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    voided: so.Mapped[bool] = so.mapped_column(default=False)
    #: ``result.duration`` in seconds, as the statement says.
    duration_seconds: so.Mapped[float | None]
    #: Study seconds the platform itself verified (visible, active, capped: see
    #: courses/delivery.py). Set only by :func:`lms_core.xapi.statements.record`; statements
    #: sent by outside content through the LRS leave it empty, so they never count as study
    #: hours whatever duration they claim.
    verified_seconds: so.Mapped[float | None]
    score_scaled: so.Mapped[float | None]
    success: so.Mapped[bool | None]
    completion: so.Mapped[bool | None]
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<Statement {self.statement_id} {self.verb_id.rsplit('/', 1)[-1]}>"
