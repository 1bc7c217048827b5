"""The unit tree with its history, professional fields, job positions and assignments.

Dates are half-open intervals: a row is in force on day ``d`` when
``valid_from <= d`` and (``valid_to`` is null or ``d < valid_to``). So a merge effective on
1 March 2025 ends the old rows *on* 2025-03-01 and starts the new ones that same day.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db

UNIT_KINDS = ("department", "central", "branch", "provincial", "sub_department", "team", "school")
EVENT_KINDS = ("create", "rename", "move", "merge", "split", "dissolve")
ASSIGNMENT_KINDS = ("appointment", "transfer", "rotation", "promotion", "restructure")


class ProfessionalField(db.Model):
    """A professional field (lĩnh vực nghiệp vụ), e.g. post-clearance audit. Configurable."""

    __tablename__ = "professional_fields"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200))


class Unit(db.Model):
    """A unit of the organisation. The columns hold its state today; history is in
    :class:`UnitVersion` (names and parents over time) and :class:`UnitEvent`."""

    __tablename__ = "units"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stable code; never reused, even after the unit is dissolved.
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    established_on: so.Mapped[date]
    dissolved_on: so.Mapped[date | None]
    search_text: so.Mapped[str] = so.mapped_column(sa.String(400), default="")

    parent: so.Mapped[Unit | None] = so.relationship(remote_side=[id], back_populates="children")
    children: so.Mapped[list[Unit]] = so.relationship(back_populates="parent")
    versions: so.Mapped[list[UnitVersion]] = so.relationship(
        back_populates="unit", order_by="UnitVersion.valid_from", cascade="all, delete-orphan",
        foreign_keys="UnitVersion.unit_id",
    )

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class UnitVersion(db.Model):
    """A unit's name and parent over one interval of time (slowly changing dimension)."""

    __tablename__ = "unit_versions"
    __table_args__ = (sa.Index("ix_unit_versions_unit_from", "unit_id", "valid_from"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    valid_from: so.Mapped[date]
    valid_to: so.Mapped[date | None]
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("units.id"))

    unit: so.Mapped[Unit] = so.relationship(foreign_keys=[unit_id], back_populates="versions")


class UnitEvent(db.Model):
    """A change to the tree: creation, rename, move, merge, split or dissolution."""

    __tablename__ = "unit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    effective_on: so.Mapped[date] = so.mapped_column(index=True)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    links: so.Mapped[list[UnitEventLink]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin"
    )

    def units(self, role: str) -> list[Unit]:
        return [link.unit for link in self.links if link.role == role]


class UnitEventLink(db.Model):
    """A unit taking part in an event, as ``source`` (before) or ``target`` (after)."""

    __tablename__ = "unit_event_links"

    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("unit_events.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), primary_key=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(8), primary_key=True)

    event: so.Mapped[UnitEvent] = so.relationship(back_populates="links")
    unit: so.Mapped[Unit] = so.relationship(lazy="joined")


class JobPosition(db.Model):
    """A job position (vị trí việc làm); competency requirements hang off it in plugins."""

    __tablename__ = "job_positions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    field_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("professional_fields.id"))
    is_leadership: so.Mapped[bool] = so.mapped_column(default=False)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    active: so.Mapped[bool] = so.mapped_column(default=True)

    field: so.Mapped[ProfessionalField | None] = so.relationship(lazy="joined")


class Assignment(db.Model):
    """An officer holding a position in a unit over an interval; rotations are assignments
    of kind ``rotation`` with a planned end (3-year terms)."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.Index("ix_assignments_user_start", "user_id", "start_on"),
        sa.Index("ix_assignments_unit_start", "unit_id", "start_on"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"))
    position_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("job_positions.id"))
    start_on: so.Mapped[date]
    end_on: so.Mapped[date | None]  #: exclusive; null while current
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), default="appointment")
    planned_end_on: so.Mapped[date | None]  #: end of a rotation term
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user = so.relationship("User", lazy="joined")
    unit: so.Mapped[Unit] = so.relationship(lazy="joined")
    position: so.Mapped[JobPosition | None] = so.relationship(lazy="joined")

    def active_on(self, day: date) -> bool:
        return self.start_on <= day and (self.end_on is None or day < self.end_on)
