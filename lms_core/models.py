"""Every core model, imported in one place so Alembic and ``create_all`` see them all."""

from lms_core.cmi5.models import (
    Cmi5AuState,
    Cmi5Package,
    Cmi5PackageFile,
    Cmi5Registration,
    Cmi5Session,
)
from lms_core.courses.models import (
    Certificate,
    Course,
    CourseCompetency,
    CourseModule,
    CoursePrerequisite,
    CourseTag,
    CourseTargetPosition,
    CourseVersion,
    Enrolment,
    Lesson,
    LessonProgress,
    MediaAsset,
    Question,
    QuizAttempt,
    StudySession,
)
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
from lms_core.ratelimit import RateLimitCounter
from lms_core.scheduler_models import SchedulerLease
from lms_core.xapi.clients import XapiClient, XapiClientStatement
from lms_core.xapi.documents import XapiDocument
from lms_core.xapi.forwarding import ForwardingTarget, OutboxEntry
from lms_core.xapi.models import Statement

__all__ = [
    "Cmi5AuState",
    "Cmi5Package",
    "Cmi5PackageFile",
    "Cmi5Registration",
    "Cmi5Session",
    "Assignment",
    "Certificate",
    "Course",
    "CourseCompetency",
    "CourseModule",
    "CoursePrerequisite",
    "CourseTag",
    "CourseTargetPosition",
    "CourseVersion",
    "Enrolment",
    "Lesson",
    "LessonProgress",
    "MediaAsset",
    "Question",
    "QuizAttempt",
    "RateLimitCounter",
    "SchedulerLease",
    "ForwardingTarget",
    "OutboxEntry",
    "Statement",
    "XapiDocument",
    "StudySession",
    "JobPosition",
    "ProfessionalField",
    "RoleGrant",
    "Unit",
    "UnitEvent",
    "UnitEventLink",
    "UnitVersion",
    "User",
    "XapiClient",
    "XapiClientStatement",
]
