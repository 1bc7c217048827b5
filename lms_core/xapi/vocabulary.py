"""The verbs, activity types and extensions the product uses (docs/xapi-profile.md)."""

from __future__ import annotations

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/adl/verbs/"

#: verb key -> (IRI, Vietnamese display, English display)
VERBS: dict[str, tuple[str, str, str]] = {
    "registered": (ADL + "registered", "đã đăng ký", "registered"),
    "launched": (ADL + "launched", "đã mở", "launched"),
    "initialized": (ADL + "initialized", "đã bắt đầu", "initialized"),
    "experienced": (ADL + "experienced", "đã học", "experienced"),
    "progressed": (ADL + "progressed", "đã tiến triển", "progressed"),
    "answered": (ADL + "answered", "đã trả lời", "answered"),
    "attempted": (ADL + "attempted", "đã làm bài", "attempted"),
    "completed": (ADL + "completed", "đã hoàn thành", "completed"),
    "passed": (ADL + "passed", "đã đạt", "passed"),
    "failed": (ADL + "failed", "chưa đạt", "failed"),
    "terminated": (ADL + "terminated", "đã kết thúc", "terminated"),
    "satisfied": (CMI5 + "satisfied", "đã đáp ứng", "satisfied"),
    "abandoned": (CMI5 + "abandoned", "đã bỏ dở", "abandoned"),
    "waived": (CMI5 + "waived", "được miễn", "waived"),
    "voided": (ADL + "voided", "đã huỷ", "voided"),
}

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
}

#: Extension holding the study seconds counted after the visibility, idle and cap rules.
EXT_VERIFIED_SECONDS = "https://hoctap.customs.gov.vn/xapi/extensions/verified-seconds"
#: Extension holding the course version number the learner follows.
EXT_COURSE_VERSION = "https://hoctap.customs.gov.vn/xapi/extensions/course-version"
