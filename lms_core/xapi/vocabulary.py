"""The verbs, activity types and extensions the product uses: the vocabulary of its xAPI
profile (docs/xapi-profile.md, which lists every statement built from these names).

IRIs are constants, never built from settings, so that statements stay comparable across
installations; only activity *ids* start with ``LMS_XAPI_BASE``.
"""

from __future__ import annotations

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/adl/verbs/"
#: The product's own IRIs (extensions, the profile).
OWN = "https://hoctap.customs.gov.vn/xapi/"

#: The profile's version: raise the minor number when statements gain fields, the major one
#: when a statement changes meaning or shape. docs/xapi-profile.md states the same number.
PROFILE_VERSION = "1.0"
PROFILE_DATE = "2026-11-22"
#: The profile; each statement names the version it follows in its context's ``category``.
PROFILE_IRI = OWN + "profile"
PROFILE_VERSION_IRI = f"{PROFILE_IRI}/{PROFILE_VERSION}"

#: verb key -> (IRI, Vietnamese display, English display)
VERBS: dict[str, tuple[str, str, str]] = {
    "registered": (ADL + "registered", "đã đăng ký", "registered"),
    "launched": (ADL + "launched", "đã mở", "launched"),
    "initialized": (ADL + "initialized", "đã bắt đầu", "initialized"),
    "experienced": (ADL + "experienced", "đã học", "experienced"),
    "progressed": (ADL + "progressed", "đã tiến triển", "progressed"),
    "attempted": (ADL + "attempted", "đã làm bài", "attempted"),
    "answered": (ADL + "answered", "đã trả lời", "answered"),
    "completed": (ADL + "completed", "đã hoàn thành", "completed"),
    "passed": (ADL + "passed", "đã đạt", "passed"),
    "failed": (ADL + "failed", "chưa đạt", "failed"),
    "terminated": (ADL + "terminated", "đã kết thúc", "terminated"),
    "satisfied": (CMI5 + "satisfied", "đã đáp ứng", "satisfied"),
    "abandoned": (CMI5 + "abandoned", "đã bỏ dở", "abandoned"),
    "waived": (CMI5 + "waived", "được miễn", "waived"),
    "voided": (ADL + "voided", "đã huỷ", "voided"),
}

#: The verb key of an IRI (the inverse of :data:`VERBS`).
VERB_KEYS: dict[str, str] = {iri: key for key, (iri, _vi, _en) in VERBS.items()}

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    #: A quiz lesson and a competency assessment (exam) alike.
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    #: The profile version named in ``context.contextActivities.category``.
    "profile": "http://adlnet.gov/expapi/activities/profile",
}

#: Result extension: the study seconds the platform itself counted (visible, active, no more
#: than the wall clock, capped per lesson). Only statements recorded by the platform carry
#: it; it is what study hours are summed from.
EXT_VERIFIED_SECONDS = OWN + "extensions/verified-seconds"
#: Context extension: the number of the course version the learner follows.
EXT_COURSE_VERSION = OWN + "extensions/course-version"
#: Context extension: the study session (one visit to a lesson page) the statement belongs to.
EXT_STUDY_SESSION = OWN + "extensions/study-session"
#: Context extension: the number of the quiz attempt (1, 2, ...).
EXT_ATTEMPT = OWN + "extensions/attempt"
#: Result extension of a competency assessment: ``{competency code: level placed}`` (0 when
#: below the first level), e.g. ``{"GSQL.01": 2, "TXNK.03": 1}``.
EXT_COMPETENCY_LEVELS = OWN + "extensions/competency-levels"
#: Context extension of a competency assessment: the competency framework's code and version,
#: e.g. ``"KNL-HQ v2"``.
EXT_COMPETENCY_FRAMEWORK = OWN + "extensions/competency-framework"
#: Result extension of ``progressed`` (the cmi5 one): percent of the course's lessons done.
EXT_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"

#: Every extension the product's statements carry (the profile documents each one).
EXTENSIONS = (EXT_VERIFIED_SECONDS, EXT_COURSE_VERSION, EXT_STUDY_SESSION, EXT_ATTEMPT,
              EXT_COMPETENCY_LEVELS, EXT_COMPETENCY_FRAMEWORK, EXT_PROGRESS)

#: The statements of the profile: name -> (verb key, object activity type key, where the
#: statement's context sits: "course" (no parent), "lesson" (parent module, grouping course),
#: "question" (parent lesson, grouping module and course) or "standalone" (no course)),
#: the result fields it always has. tests/core/test_xapi_profile.py checks every statement the
#: course player records against this table, and the profile document against it.
STATEMENTS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "registered": ("registered", "course", "course", ()),
    "launched": ("launched", "course", "course", ()),
    "initialized": ("initialized", "lesson", "lesson", ()),
    "initialized-quiz": ("initialized", "assessment", "lesson", ()),
    "experienced": ("experienced", "lesson", "lesson", ("duration", "extensions")),
    "experienced-quiz": ("experienced", "assessment", "lesson", ("duration", "extensions")),
    "terminated": ("terminated", "lesson", "lesson", ("duration",)),
    "terminated-quiz": ("terminated", "assessment", "lesson", ("duration",)),
    "completed-lesson": ("completed", "lesson", "lesson", ("completion",)),
    "progressed": ("progressed", "course", "course", ("extensions",)),
    "attempted": ("attempted", "assessment", "lesson", ()),
    "answered": ("answered", "question", "question", ("success", "response")),
    "passed": ("passed", "assessment", "lesson", ("success", "completion", "score", "duration")),
    "failed": ("failed", "assessment", "lesson", ("success", "completion", "score", "duration")),
    "completed-quiz": ("completed", "assessment", "lesson", ("completion",)),
    "completed-course": ("completed", "course", "course", ("completion", "duration")),
    "assessment-passed": ("passed", "assessment", "standalone",
                          ("success", "completion", "score", "duration", "extensions")),
    "assessment-failed": ("failed", "assessment", "standalone",
                          ("success", "completion", "score", "duration", "extensions")),
}
