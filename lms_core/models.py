"""Every core model, imported in one place so Alembic and ``create_all`` see them all."""

from lms_core.identity.models import RoleGrant, User
from lms_core.organisation.models import (
    Assignment,
    JobPosition,
    ProfessionalField,
    Unit,
    UnitEvent,
    UnitEventLink,
    UnitVersion,
)

__all__ = [
    "Assignment",
    "JobPosition",
    "ProfessionalField",
    "RoleGrant",
    "Unit",
    "UnitEvent",
    "UnitEventLink",
    "UnitVersion",
    "User",
]
