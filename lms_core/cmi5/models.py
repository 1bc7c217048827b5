"""cmi5 tables: the stored files of imported course structures, and each learner's
registrations, launch sessions and assignable-unit (AU) states.

A cmi5 lesson (:mod:`lms_core.courses.kinds`, kind ``cmi5``) is one AU; its ``settings`` hold
the AU's course-structure data and the key of the :class:`Cmi5Package` its files live in.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db


class Cmi5Package(db.Model):
    """The files of one cmi5 course structure (cmi5.xml and the AU files beside it), by path.

    Content-addressed: ``key`` is the SHA-256 of the sorted list of paths and file digests,
    so importing the same structure again (a new course version) reuses the row. The bytes
    are in the media store (:mod:`lms_core.courses.media`)."""

    __tablename__ = "cmi5_packages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    files: so.Mapped[list[Cmi5PackageFile]] = so.relationship(
        back_populates="package", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Cmi5Package {self.key[:12]}>"


class Cmi5PackageFile(db.Model):
    __tablename__ = "cmi5_package_files"

    package_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("cmi5_packages.id", ondelete="CASCADE"), primary_key=True)
    #: Relative to the folder of cmi5.xml (``au/index.html``), as the AU URLs are.
    path: so.Mapped[str] = so.mapped_column(sa.String(500), primary_key=True)
    asset_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("media_assets.id"))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))

    package: so.Mapped[Cmi5Package] = so.relationship(back_populates="files")
    asset = so.relationship("MediaAsset", lazy="joined")


class Cmi5Registration(db.Model):
    """The cmi5 registration of an enrolment: its id is the enrolment's xAPI registration,
    so the AUs' statements and the platform's share it."""

    __tablename__ = "cmi5_registrations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enrolment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True)
    registration: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Blocks and the course found satisfied: ``{object IRI: ISO time}`` (one "satisfied"
    #: statement each per registration).
    satisfied: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)

    enrolment = so.relationship("Enrolment", lazy="joined")
    states: so.Mapped[list[Cmi5AuState]] = so.relationship(
        back_populates="registration_row", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Cmi5Registration {self.registration}>"


class Cmi5AuState(db.Model):
    """What a registration has achieved in one AU (by the lesson's stable key, so that it
    survives a move to a new course version)."""

    __tablename__ = "cmi5_au_states"
    __table_args__ = (sa.UniqueConstraint("registration_id", "lesson_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("cmi5_registrations.id", ondelete="CASCADE"))
    lesson_key: so.Mapped[str] = so.mapped_column(sa.String(36))
    completed_at: so.Mapped[datetime | None]
    passed_at: so.Mapped[datetime | None]
    failed_at: so.Mapped[datetime | None]
    #: The scaled score of the "passed" (or last "failed") statement, 0..1.
    score_scaled: so.Mapped[float | None]
    satisfied_at: so.Mapped[datetime | None]
    waived_at: so.Mapped[datetime | None]
    waived_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    waive_reason: so.Mapped[str] = so.mapped_column(sa.String(40), default="")

    registration_row: so.Mapped[Cmi5Registration] = so.relationship(back_populates="states")


class Cmi5Session(db.Model):
    """One launch of an AU: from the "launched" statement to "terminated" (or "abandoned").

    The fetch URL holds a one-time token (only its SHA-256 is kept); the first POST to it
    creates the session's own xAPI client, whose credentials are the auth-token. Statements
    sent with that client are checked against the session (:mod:`lms_core.cmi5.rules`)."""

    __tablename__ = "cmi5_sessions"
    __table_args__ = (sa.Index("ix_cmi5_sessions_open", "ended_at", "last_seen_at"),)

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True,
                                          default=lambda: str(uuid.uuid4()))
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("cmi5_registrations.id", ondelete="CASCADE"), index=True)
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"))
    lesson_key: so.Mapped[str] = so.mapped_column(sa.String(36))
    #: The AU's activity id (the IRI the AU must use as the object of cmi5 defined statements).
    activity_id: so.Mapped[str] = so.mapped_column(sa.String(500))
    launch_mode: so.Mapped[str] = so.mapped_column(sa.String(8), default="Normal")
    fetch_token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    client_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("xapi_clients.id"), unique=True)
    launched_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    fetched_at: so.Mapped[datetime | None]
    initialized_at: so.Mapped[datetime | None]
    terminated_at: so.Mapped[datetime | None]
    abandoned_at: so.Mapped[datetime | None]
    #: When the session ended (terminated or abandoned); None while it is open.
    ended_at: so.Mapped[datetime | None]
    #: The last sign of life: the launch, the fetch, or the last statement the AU sent.
    last_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: The last statement the AU sent (stored time), for an "abandoned" statement's duration.
    last_statement_at: so.Mapped[datetime | None]
    #: cmi5 defined verbs the AU used in this session (each at most once).
    verbs: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)

    registration_row: so.Mapped[Cmi5Registration] = so.relationship(lazy="joined")
    lesson = so.relationship("Lesson")

    def __repr__(self) -> str:
        return f"<Cmi5Session {self.id}>"
