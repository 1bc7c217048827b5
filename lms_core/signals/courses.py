"""Signals about courses and learners' progress."""

from blinker import Namespace

_signals = Namespace()

course_published = _signals.signal(
    "course-published",
    """
Sent when a course version is published. The `sender` is the
:class:`~lms_core.courses.models.CourseVersion`; `previous` is the version it replaces (or
None). The competency plugin reads the competencies the course declares.
""",
)

enrolment_created = _signals.signal(
    "enrolment-created",
    """
Sent when an officer is enrolled (self-enrolment or assignment). The `sender` is the
:class:`~lms_core.courses.models.Enrolment`.
""",
)

course_completed = _signals.signal(
    "course-completed",
    """
Sent when an enrolment meets its course's completion rule. The `sender` is the
:class:`~lms_core.courses.models.Enrolment`; `certificate` the certificate issued.
""",
)
