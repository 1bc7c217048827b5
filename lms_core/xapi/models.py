"""The built-in LRS's tables: statements (the one record of learning activity), the agents,
activities and statements each statement refers to, and attachment contents.

Filterable fields are columns with indexes; the statement itself is kept whole in ``payload``
as stored (the LRS returns it as it was received, plus ``stored`` and ``authority``). The
``agent`` and ``related_*`` filters go through :class:`StatementKey` rows, written by
:func:`index_statements` for every stored statement (by the LRS and by
:func:`lms_core.xapi.statements.record`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
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


class StatementKey(db.Model):
    """One agent, activity or statement a statement refers to, for the query filters.

    ``kind`` is one of :data:`REF_KINDS`; ``key`` is :func:`ref_key` of the agent's inverse
    functional identifier (:func:`actor_key`), of the activity id or of the target
    statement's id (lower case)."""

    __tablename__ = "xapi_statement_keys"
    __table_args__ = (
        sa.Index("ix_xapi_statement_keys_kind_key", "kind", "key", "statement_pk"),
    )

    statement_pk: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("xapi_statements.id", ondelete="CASCADE"), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(255), primary_key=True)

    def __repr__(self) -> str:
        return f"<StatementKey {self.statement_pk} {self.kind} {self.key}>"


class Attachment(db.Model):
    """The content of a statement attachment sent in a multipart/mixed request, once per
    SHA-2 hash (statements refer to it by their attachment's ``sha2``)."""

    __tablename__ = "xapi_attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Lower-case hex SHA-2 of the content (as the statement's attachment ``sha2`` says).
    sha2: so.Mapped[str] = so.mapped_column(sa.String(128), unique=True)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(255))
    length: so.Mapped[int]
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    stored: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Attachment {self.sha2[:12]} {self.content_type} {self.length}>"


# -- what a statement refers to ---------------------------------------------------------------
#: ``agent``: the actor, or the object when it is an Agent or Group (and their members);
#: ``related_agent``: the other agents (authority, instructor, team, context agents and groups,
#: those of a SubStatement), so ``related_agents=true`` looks up both kinds;
#: ``related_activity``: the object Activity and the context activities, also inside a
#: SubStatement; ``statement``: the id a StatementRef object targets.
REF_KINDS = ("agent", "related_agent", "related_activity", "statement")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def bounded(text: str, size: int) -> str:
    """``text``, or a fixed-size digest of it when it is longer than ``size`` characters
    (identifiers have no length limit; index columns do)."""
    if len(text) <= size:
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def actor_key(actor_json: dict[str, Any]) -> str:
    """The inverse functional identifier of an actor as one string (at most 400 characters);
    an anonymous Group is keyed by its members."""
    if "account" in actor_json:
        account = actor_json["account"]
        return bounded(f"account:{account.get('homePage')}|{account.get('name')}", 400)
    for ifi in ("mbox", "mbox_sha1sum", "openid"):
        if ifi in actor_json:
            return bounded(f"{ifi}:{actor_json[ifi]}", 400)
    return "group:" + json.dumps(actor_json.get("member", []), sort_keys=True)[:380]


def ref_key(value: str) -> str:
    """The ``key`` of a :class:`StatementKey` for an identifier."""
    return bounded(value, 255)


def _agents(value: Any) -> Iterator[str]:
    """The keys of an Agent or Group and of a Group's members."""
    if not isinstance(value, dict):
        return
    if any(k in value for k in _IFIS):
        yield ref_key(actor_key(value))
    if value.get("objectType") == "Group":
        for member in value.get("member") or []:
            if isinstance(member, dict) and any(k in member for k in _IFIS):
                yield ref_key(actor_key(member))


def _context_activities(context: dict) -> Iterator[str]:
    for items in (context.get("contextActivities") or {}).values():
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                yield ref_key(item["id"])


def _context_agents(context: dict) -> Iterator[str]:
    yield from _agents(context.get("instructor"))
    yield from _agents(context.get("team"))
    for item in context.get("contextAgents") or []:
        if isinstance(item, dict):
            yield from _agents(item.get("agent"))
    for item in context.get("contextGroups") or []:
        if isinstance(item, dict):
            yield from _agents(item.get("group"))


def statement_refs(payload: dict[str, Any]) -> set[tuple[str, str]]:
    """The ``(kind, key)`` pairs of a stored statement (see :data:`REF_KINDS`)."""
    refs: set[tuple[str, str]] = set()
    obj = payload.get("object") or {}
    kind = obj.get("objectType", "Activity")
    direct = set(_agents(payload.get("actor")))
    if kind in ("Agent", "Group"):
        direct |= set(_agents(obj))
    refs |= {("agent", key) for key in direct}
    related = set(_agents(payload.get("authority")))
    activities: set[str] = set()
    context = payload.get("context") or {}
    related |= set(_context_agents(context))
    activities |= set(_context_activities(context))
    if kind == "Activity" and isinstance(obj.get("id"), str):
        activities.add(ref_key(obj["id"]))
    elif kind == "StatementRef" and isinstance(obj.get("id"), str):
        refs.add(("statement", obj["id"].lower()))
    elif kind == "SubStatement":
        related |= set(_agents(obj.get("actor")))
        inner = obj.get("object") or {}
        inner_kind = inner.get("objectType", "Activity")
        if inner_kind in ("Agent", "Group"):
            related |= set(_agents(inner))
        elif inner_kind == "Activity" and isinstance(inner.get("id"), str):
            activities.add(ref_key(inner["id"]))
        inner_context = obj.get("context") or {}
        related |= set(_context_agents(inner_context))
        activities |= set(_context_activities(inner_context))
    refs |= {("related_agent", key) for key in related - direct}
    refs |= {("related_activity", key) for key in activities}
    return refs


def index_statements(rows: list[Statement]) -> None:
    """Insert the :class:`StatementKey` rows of ``rows`` (flushed: they have ids)."""
    values = [{"statement_pk": row.id, "kind": kind, "key": key}
              for row in rows for kind, key in sorted(statement_refs(row.payload))]
    if values:
        db.session.execute(sa.insert(StatementKey), values)
