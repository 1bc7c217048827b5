"""The audit log of every change to a score input: rules, corrections, anomaly decisions,
evidence submissions and their decisions, frozen periods.

Write it with :func:`record` in the same transaction as the change (it flushes, never
commits). ``before``/``after`` are JSON-able dicts of the fields that changed (None for a
creation or a deletion).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from lms_core.extensions import db
from plugins.emulation.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(actor, action: str, object_type: str, object_id, before: dict | None = None,
           after: dict | None = None) -> AuditEntry:
    """Add an audit entry: ``actor`` (a user, a user id or None for the system) did
    ``action`` (``rules.import``, ``correction.add``, ``anomaly.decide``...) to the object
    ``object_type``/``object_id``, changing ``before`` into ``after``."""
    actor_id = actor if isinstance(actor, int) or actor is None else getattr(actor, "id", None)
    entry = AuditEntry(actor_id=actor_id, action=action[:40], object_type=object_type[:40],
                       object_id=str(object_id)[:60],
                       before=_jsonable(before) if before is not None else None,
                       after=_jsonable(after) if after is not None else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(*, object_type: str | None = None, object_id=None, action_prefix: str | None = None,
            limit: int = 200) -> list[AuditEntry]:
    """The newest entries first, filtered by object and/or action prefix (``rules.``)."""
    stmt = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if object_type is not None:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    if action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    return list(db.session.scalars(stmt.limit(limit)))
