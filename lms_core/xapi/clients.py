"""Credentials of the programs that talk to the built-in LRS (HTTP Basic: key and secret).

The secret is a random 256-bit token (``secrets.token_urlsafe(32)``) shown once at creation;
only its SHA-256 hex digest is kept. A fast hash is enough for a random token of that size,
and the check costs microseconds (:func:`authenticate`).

Scopes (the xAPI OAuth scope names): ``statements/write``, ``statements/read``,
``statements/read/mine`` (only the statements this client stored), ``all/read``, ``all``,
``define``, ``state`` (State documents) and ``profile`` (Activity and Agent Profile
documents). Only a client with ``all`` may void statements ("no voiding for content").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db

SCOPES = ("statements/write", "statements/read", "statements/read/mine", "all/read", "all",
          "define", "state", "profile")


class XapiClient(db.Model):
    __tablename__ = "xapi_clients"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: The public half of the credentials (the Basic user name).
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    secret_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    scopes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def has(self, *scopes: str) -> bool:
        """True when the client holds any of ``scopes`` (``all`` holds every scope)."""
        return "all" in self.scopes or any(s in self.scopes for s in scopes)

    def __repr__(self) -> str:
        return f"<XapiClient {self.name} {self.key}>"


class XapiClientStatement(db.Model):
    """Which client stored a statement (for the ``statements/read/mine`` scope)."""

    __tablename__ = "xapi_client_statements"

    statement_pk: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("xapi_statements.id", ondelete="CASCADE"), primary_key=True)
    client_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("xapi_clients.id"), index=True)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_client(name: str, scopes: list[str] | tuple[str, ...]) -> tuple[XapiClient, str]:
    """A new active client; returns it with its secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise UserError("The client needs a name.")
    if len(name) > 200:
        raise UserError("The client's name is longer than 200 characters.")
    if not scopes:
        raise UserError("Give at least one scope: " + ", ".join(SCOPES) + ".")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise UserError(f"Unknown scope {unknown[0]!r}; the scopes are: {', '.join(SCOPES)}.")
    secret = secrets.token_urlsafe(32)
    client = XapiClient(name=name, key=secrets.token_hex(16), secret_hash=_digest(secret),
                        scopes=list(dict.fromkeys(scopes)), active=True)
    db.session.add(client)
    db.session.flush()
    return client, secret


def set_active(key: str, active: bool) -> XapiClient:
    client = db.session.scalar(sa.select(XapiClient).where(XapiClient.key == key))
    if client is None:
        raise UserError(f"No xAPI client has the key {key!r}.")
    client.active = active
    db.session.flush()
    return client


def authenticate(key: str, secret: str) -> XapiClient | None:
    """The active client with these credentials, or None."""
    client = db.session.scalar(sa.select(XapiClient).where(XapiClient.key == key))
    given = _digest(secret or "")
    if client is None or not client.active:
        hmac.compare_digest(given, given)  # same work whether the key exists or not
        return None
    return client if hmac.compare_digest(given, client.secret_hash) else None
