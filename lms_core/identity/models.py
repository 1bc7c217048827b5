"""Users and their role grants."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.identity import roles as R


class User(UserMixin, db.Model):
    """A person who can log in: an officer, training staff, a unit head, an HR administrator."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Personnel code (mã cán bộ), stable across units and rotations; used by imports and APIs.
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: ``fold(full_name + code + username)``, for accent-insensitive search.
    search_text: so.Mapped[str] = so.mapped_column(sa.String(400), default="", index=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    gender: so.Mapped[str | None] = so.mapped_column(sa.String(1))  #: "M" or "F"
    birth_date: so.Mapped[date | None]
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    #: Consecutive failed logins since the last success or unlock.
    failed_logins: so.Mapped[int] = so.mapped_column(default=0)
    locked_until: so.Mapped[datetime | None]
    last_login_at: so.Mapped[datetime | None]
    password_changed_at: so.Mapped[datetime | None]
    must_change_password: so.Mapped[bool] = so.mapped_column(default=False)
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    grants: so.Mapped[list[RoleGrant]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # -- Flask-Login -------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    # -- roles -------------------------------------------------------------------------------
    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of ``roles``."""
        return bool(self.roles.intersection(roles))

    @property
    def is_hr_admin(self) -> bool:
        return self.has_role(R.HR_ADMIN)

    @property
    def headed_unit_ids(self) -> set[int]:
        """Units this user heads (the roots of the subtrees a unit head may see)."""
        return {g.unit_id for g in self.grants if g.role == R.UNIT_HEAD and g.unit_id}


class RoleGrant(db.Model):
    """One role held by one user; a unit head's grant names the unit headed."""

    __tablename__ = "user_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", "unit_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: For ``unit_head``: the unit whose subtree this person leads.
    unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("units.id"))
    granted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user: so.Mapped[User] = so.relationship(back_populates="grants")

    def __repr__(self) -> str:
        return f"<RoleGrant {self.user_id}:{self.role}:{self.unit_id}>"
