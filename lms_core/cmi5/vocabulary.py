"""The IRIs and values of the cmi5 specification (Quartz) that this package uses."""

from __future__ import annotations

#: Namespace of cmi5.xml (CourseStructure.xsd).
STRUCTURE_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"

MOVE_ON = ("NotApplicable", "Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
LAUNCH_MODES = ("Normal", "Browse", "Review")
#: The reasons the specification suggests for "waived" (9.5.5.2).
WAIVE_REASONS = ("Tested Out", "Equivalent AU", "Equivalent Outside Activity", "Administrative")

#: Launch URL parameters (8.1): an AU URL's own query string may not use these names.
LAUNCH_PARAMETERS = ("endpoint", "fetch", "actor", "registration", "activityId")

LAUNCH_DATA = "LMS.LaunchData"
LEARNER_PREFERENCES = "cmi5LearnerPreferences"

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_VERBS = "https://w3id.org/xapi/adl/verbs/"
LAUNCHED = ADL + "launched"
INITIALIZED = ADL + "initialized"
COMPLETED = ADL + "completed"
PASSED = ADL + "passed"
FAILED = ADL + "failed"
TERMINATED = ADL + "terminated"
ABANDONED = CMI5_VERBS + "abandoned"
WAIVED = CMI5_VERBS + "waived"
SATISFIED = CMI5_VERBS + "satisfied"
#: Verbs an AU may use in cmi5 defined statements.
AU_VERBS = (INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED)
#: Verbs only the LMS uses.
LMS_VERBS = (LAUNCHED, ABANDONED, WAIVED, SATISFIED)

CATEGORY_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CATEGORY_MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon"

EXT_SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
EXT_MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
EXT_LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
EXT_LAUNCH_URL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
EXT_MOVE_ON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
EXT_LAUNCH_PARAMETERS = "https://w3id.org/xapi/cmi5/context/extensions/launchparameters"
EXT_REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"

TYPE_BLOCK = "https://w3id.org/xapi/cmi5/activitytype/block"
TYPE_COURSE = "https://w3id.org/xapi/cmi5/activitytype/course"
