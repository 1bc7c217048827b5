"""The access control matrix: every route of the core and of the loaded plugins, visited as
six personas, answers the status written in :data:`TABLE` (or :data:`PLUGIN_TABLE`).

The table is the one place that says who may open what. A route without an entry fails
(``new route without an access entry: …``), and so does an entry whose route is gone. Each
entry lists one or more cases: a URL with its parameters filled from a small world (units A
and B under a root, their heads, officers, authors, an HR administrator, courses in every
state, an enrolment with a study session and a quiz attempt, certificates, a PDF), the form
sent (POST routes get an empty or minimal form), and the expected answer per persona:

- a status code (200, 400, 403, 404, 409, ...);
- ``LOGIN``: a redirect to the login page (anonymous visitors);
- ``to(path)``: a redirect to ``path`` (exactly, ignoring the query string);
- ``away(path)``: a redirect to ``path`` that must change nothing (a learner page visited by
  someone not enrolled sends them to the course page);
- ``same(status)``: that status, and nothing changes (a form the persona may open but whose
  targets they may not touch).

Whenever a visit is refused (``LOGIN``, 401, 403, 404, 405, ``away``, ``same``) the database
must be exactly as before: the test watches SQLite's ``data_version``. A visit that changed
something is undone (the world is restored from a snapshot) before the next one. CSRF is off
(TestingConfig): it is tested elsewhere. Runs with ``LMS_PLUGINS=none`` too: plugin rows are
taken only for the plugins the app loaded.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date
from functools import cache
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from lms_core import create_app
from lms_core.db import utcnow
from lms_core.extensions import db
from tests.conftest import PASSWORD, write_package
from tests.core.test_delivery import _answers

PERSONAS = ("anonymous", "officer", "author", "head_a", "head_b", "hr")
PDF_BYTES = b"%PDF-1.4\n% access matrix\n" + b"0" * 200 + b"\n%%EOF\n"
FAR = "31/12/2099"  #: a due date that is never in the past


# -- expectations ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Expect:
    status: int
    location: str | None = None  #: for redirects: the path, with {placeholders}
    denied: bool = False  #: the visit must change nothing


LOGIN = Expect(302, "/login", denied=True)


def to(path: str) -> Expect:
    return Expect(302, path)


def away(path: str) -> Expect:
    return Expect(302, path, denied=True)


def same(status: int) -> Expect:
    return Expect(status, denied=True)


def _expect(value) -> Expect:
    if isinstance(value, Expect):
        return value
    return Expect(value, denied=value in (401, 403, 404, 405))


def E(anonymous, officer, author, head_a, head_b, hr) -> dict[str, Expect]:
    """The expected answer per persona, in the order of :data:`PERSONAS`."""
    values = (anonymous, officer, author, head_a, head_b, hr)
    return {p: _expect(v) for p, v in zip(PERSONAS, values, strict=True)}


def logged_in(value) -> dict[str, Expect]:
    """Anyone logged in gets ``value``; anonymous visitors are sent to log in."""
    return E(LOGIN, value, value, value, value, value)


def public(value) -> dict[str, Expect]:
    return E(value, value, value, value, value, value)


def hr_only(value) -> dict[str, Expect]:
    return E(LOGIN, 403, 403, 403, 403, value)


def author_only(value) -> dict[str, Expect]:
    return E(LOGIN, 403, value, 403, 403, 403)


def heads_and_hr(value) -> dict[str, Expect]:
    return E(LOGIN, 403, 403, value, value, value)


@dataclass(frozen=True)
class Case:
    path: str  #: with {placeholders} from the world
    expect: dict[str, Expect]
    data: dict | None = None  #: the form of a POST (values may hold {placeholders})


def C(path: str, expect: dict[str, Expect], data: dict | None = None) -> Case:
    return Case(path, expect, data)


# The learner pages of TEST-101 for someone not enrolled: back to the course page.
NOT_ENROLLED = away("/courses/{pub}")
EDITOR = "/authoring/{draft}/edit"
DRAFT_PAGE = "/authoring/{draft}"

# -- the table ------------------------------------------------------------------------------
#: (endpoint, method) -> cases. Personas: anonymous, officer (unit A, enrolled in {pub},
#: holder of {cert}), author (training staff, writer of the draft {draft}), head of unit A,
#: head of unit B, HR administrator.
TABLE: dict[tuple[str, str], list[Case]] = {
    # -- shell and login ----------------------------------------------------------------------
    ("ui.index", "GET"): [C("/", E(LOGIN, *[to("/dashboard")] * 5))],
    ("ui.dashboard", "GET"): [C("/dashboard", logged_in(200))],
    ("ui.healthz", "GET"): [C("/healthz", public(200))],
    ("ui.set_language", "POST"): [C("/lang/en", public(to("/")))],
    ("auth.login", "GET"): [C("/login", E(200, *[to("/dashboard")] * 5))],
    ("auth.login", "POST"): [C("/login", E(400, *[to("/dashboard")] * 5), {})],
    ("auth.logout", "POST"): [C("/logout", public(to("/login")))],
    ("auth.password", "GET"): [C("/account/password", logged_in(200))],
    ("auth.password", "POST"): [C("/account/password", logged_in(400), {})],

    # -- organisation pages -------------------------------------------------------------------
    ("org.units", "GET"): [C("/units", heads_and_hr(200))],
    ("org.unit", "GET"): [
        C("/units/{unit_a}", E(LOGIN, 403, 403, 200, 403, 200)),
        C("/units/{unit_b}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/units/{root}", E(LOGIN, 403, 403, 403, 403, 200)),
        C("/units/NO-SUCH-UNIT", E(LOGIN, 403, 403, 404, 404, 404)),
    ],
    ("org.users", "GET"): [C("/people", heads_and_hr(200))],
    ("org.user", "GET"): [
        C("/people/{officer}", E(LOGIN, 403, 403, 200, 403, 200)),
        C("/people/{officer_b}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/people/{hr}", E(LOGIN, 403, 403, 403, 403, 200)),
        C("/people/NOBODY", E(LOGIN, 403, 403, 404, 404, 404)),
    ],
    ("org.positions", "GET"): [C("/positions", hr_only(200))],

    # -- HR administration --------------------------------------------------------------------
    ("org_admin.unit_new", "GET"): [C("/admin/units/new", hr_only(200))],
    ("org_admin.unit_new", "POST"): [C("/admin/units/new", hr_only(400), {})],
    ("org_admin.unit_rename", "GET"): [C("/admin/units/{unit_a}/rename", hr_only(200))],
    ("org_admin.unit_rename", "POST"): [C("/admin/units/{unit_a}/rename", hr_only(400), {})],
    ("org_admin.unit_move", "GET"): [C("/admin/units/{unit_a}/move", hr_only(200))],
    ("org_admin.unit_move", "POST"): [C("/admin/units/{unit_a}/move", hr_only(400), {})],
    ("org_admin.unit_merge", "GET"): [C("/admin/units/merge", hr_only(200))],
    ("org_admin.unit_merge", "POST"): [C("/admin/units/merge", hr_only(400), {})],
    ("org_admin.unit_split", "GET"): [C("/admin/units/{unit_a}/split", hr_only(200))],
    ("org_admin.unit_split", "POST"): [C("/admin/units/{unit_a}/split", hr_only(400), {})],
    ("org_admin.unit_dissolve", "GET"): [C("/admin/units/{unit_a}/dissolve", hr_only(200))],
    ("org_admin.unit_dissolve", "POST"): [
        C("/admin/units/{unit_a}/dissolve", hr_only(400), {})],
    ("org_admin.position_new", "GET"): [C("/admin/positions/new", hr_only(200))],
    ("org_admin.position_new", "POST"): [C("/admin/positions/new", hr_only(400), {})],
    ("org_admin.position_edit", "GET"): [C("/admin/positions/{position}/edit", hr_only(200))],
    # The edit forms start from the saved values: an empty form saves them unchanged.
    ("org_admin.position_edit", "POST"): [
        C("/admin/positions/{position}/edit", hr_only(to("/positions")), {})],
    ("org_admin.fields", "GET"): [C("/admin/fields", hr_only(200))],
    ("org_admin.fields", "POST"): [C("/admin/fields", hr_only(400), {})],
    ("org_admin.field_edit", "GET"): [C("/admin/fields/{field}/edit", hr_only(200))],
    ("org_admin.field_edit", "POST"): [
        C("/admin/fields/{field}/edit", hr_only(to("/admin/fields")), {})],
    ("org_admin.person_new", "GET"): [C("/admin/people/new", hr_only(200))],
    ("org_admin.person_new", "POST"): [C("/admin/people/new", hr_only(400), {})],
    ("org_admin.person_roles", "GET"): [C("/admin/people/{officer}/roles", hr_only(200))],
    ("org_admin.person_roles", "POST"): [
        C("/admin/people/{officer}/roles", hr_only(to("/people/{officer}")), {})],
    ("org_admin.person_assign", "GET"): [C("/admin/people/{officer}/assign", hr_only(200))],
    ("org_admin.person_assign", "POST"): [
        C("/admin/people/{officer}/assign", hr_only(400), {})],
    ("org_admin.person_end", "GET"): [C("/admin/people/{officer}/end", hr_only(200))],
    ("org_admin.person_end", "POST"): [C("/admin/people/{officer}/end", hr_only(400), {})],
    ("org_admin.person_unlock", "GET"): [C("/admin/people/{officer}/unlock", hr_only(200))],
    # The confirmation has no field: the empty form is the whole request, and unlocks.
    ("org_admin.person_unlock", "POST"): [
        C("/admin/people/{officer}/unlock", hr_only(to("/people/{officer}")), {})],
    ("org_admin.person_active", "GET"): [C("/admin/people/{officer}/active", hr_only(200))],
    # The form carries the opposite of the current state: the button deactivates.
    ("org_admin.person_active", "POST"): [
        C("/admin/people/{officer}/active", hr_only(400), {})],
    ("hr_import.index", "GET"): [C("/admin/import/", hr_only(200))],
    ("hr_import.index", "POST"): [C("/admin/import/", hr_only(400), {})],
    ("hr_import.template", "GET"): [
        C("/admin/import/template/officers.csv", hr_only(200)),
        C("/admin/import/template/secrets.csv", hr_only(404)),
    ],

    # -- catalogue, course pages, assignment ---------------------------------------------------
    ("courses.catalogue", "GET"): [C("/courses", logged_in(200))],
    ("courses.my_learning", "GET"): [C("/my-learning", logged_in(200))],
    ("courses.course", "GET"): [
        C("/courses/{pub}", logged_in(200)),
        C("/courses/{draft}", logged_in(404)),  # a draft is not in the catalogue
    ],
    ("courses.enrol", "POST"): [
        # The officer is enrolled already (a message); the others are enrolled now.
        C("/courses/{pub}/enrol", logged_in(to("/courses/{pub}")), {}),
        C("/courses/{draft}/enrol", logged_in(404), {}),
    ],
    ("courses.assign", "GET"): [
        C("/courses/{pub}/assign", heads_and_hr(200)),
        C("/courses/{pub}/assign?unit={unit_a}", E(LOGIN, 403, 403, 200, 403, 200)),
        C("/courses/{pub}/assign?unit={unit_b}", E(LOGIN, 403, 403, 403, 200, 200)),
    ],
    ("courses.assign", "POST"): [
        # An empty form is shown again with its errors (status 400, nothing assigned).
        C("/courses/{pub}/assign", E(LOGIN, 403, 403, same(400), same(400), same(400)), {}),
        C("/courses/{pub}/assign", E(LOGIN, 403, 403, 403, 200, 200),
          {"unit": "{unit_b}", "due_on": FAR, "codes": ""}),
        # By personnel code: a head is refused the officers outside their units.
        C("/courses/{pub}/assign", E(LOGIN, 403, 403, same(200), 200, 200),
          {"unit": "", "due_on": FAR, "codes": "{officer_b}"}),
    ],

    # -- the player -----------------------------------------------------------------------------
    ("player.resume", "GET"): [
        C("/learn/{pub}", E(LOGIN, to("/learn/{pub}/{pub_reading}"), *[NOT_ENROLLED] * 4))],
    ("player.lesson", "GET"): [
        C("/learn/{pub}/{pub_reading}", E(LOGIN, 200, *[NOT_ENROLLED] * 4)),
        # A lesson of another course is not found, even for the enrolled learner.
        C("/learn/{pub}/{draft_lesson}", E(LOGIN, 404, *[NOT_ENROLLED] * 4)),
    ],
    ("player.complete", "POST"): [
        C("/learn/{pub}/{pub_reading}/complete",
          E(LOGIN, to("/learn/{pub}/{pub_reading2}"), *[NOT_ENROLLED] * 4), {})],
    ("player.quiz_start", "POST"): [
        C("/learn/{pub}/{pub_quiz}/quiz/start",
          E(LOGIN, to("/learn/{pub}/{pub_quiz}"), *[NOT_ENROLLED] * 4), {})],
    ("player.quiz_submit", "POST"): [
        # No open attempt named: a message, back to the quiz, nothing recorded.
        C("/learn/{pub}/{pub_quiz}/quiz/submit",
          E(LOGIN, away("/learn/{pub}/{pub_quiz}"), *[NOT_ENROLLED] * 4), {})],
    ("player.quiz_result", "GET"): [
        C("/learn/{pub}/{pub_quiz}/quiz/1", E(LOGIN, 200, *[NOT_ENROLLED] * 4)),
        C("/learn/{pub}/{pub_quiz}/quiz/9", E(LOGIN, 404, *[NOT_ENROLLED] * 4)),
    ],
    # Another person's study session is not found.
    ("player.beat", "POST"): [
        C("/learn/session/{session}/beat", E(LOGIN, 400, 404, 404, 404, 404), {})],
    ("player.close", "POST"): [
        C("/learn/session/{session}/close", E(LOGIN, 200, 404, 404, 404, 404), {})],
    ("player.reopen", "POST"): [
        C("/learn/session/{session}/reopen", E(LOGIN, 200, 404, 404, 404, 404), {})],
    # Content-addressed media serve any logged-in user (their address is the file's hash).
    ("player.media", "GET"): [
        C("/media/{sha256}/{media_name}", logged_in(200)),
        C("/media/{no_sha256}/x.pdf", logged_in(404)),
    ],

    # -- certificates and analytics -------------------------------------------------------------
    ("reports.certificate_pdf", "GET"): [
        C("/certificates/{cert}.pdf", E(LOGIN, 200, 403, 200, 403, 200)),
        C("/certificates/{cert_b}.pdf", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/certificates/HQ-NONE-NONE.pdf", logged_in(404)),
    ],
    ("reports.verify", "GET"): [
        C("/verify", public(200)),
        C("/verify?code={cert}", public(to("/verify/{cert}"))),
    ],
    ("reports.verify_code", "GET"): [
        C("/verify/{cert}", public(200)),
        C("/verify/HQ-NONE-NONE", public(404)),
    ],
    # The JSON API: 401 (not a redirect) for anonymous callers.
    ("api.openapi", "GET"): [C("/api/v1/openapi.json", public(200))],
    ("api.me", "GET"): [C("/api/v1/me", E(401, 200, 200, 200, 200, 200))],
    ("api.my_enrolments", "GET"): [C("/api/v1/me/enrolments", E(401, 200, 200, 200, 200, 200))],
    ("api.my_study_hours", "GET"): [
        C("/api/v1/me/study-hours", E(401, 200, 200, 200, 200, 200))],
    ("api.list_courses", "GET"): [C("/api/v1/courses", E(401, 200, 200, 200, 200, 200))],
    ("api.get_course", "GET"): [
        C("/api/v1/courses/{pub}", E(401, 200, 200, 200, 200, 200)),
        C("/api/v1/courses/{draft}", E(401, 404, 404, 404, 404, 404)),
    ],
    ("api.enrol", "POST"): [
        C("/api/v1/courses/{pub}/enrolments", E(401, 409, 201, 201, 201, 201), {}),
        C("/api/v1/courses/{draft}/enrolments", E(401, 404, 404, 404, 404, 404), {}),
    ],
    ("api.get_unit", "GET"): [
        C("/api/v1/units/{unit_a}", E(401, 403, 403, 200, 403, 200)),
        C("/api/v1/units/{unit_b}", E(401, 403, 403, 403, 200, 200)),
        C("/api/v1/units/{root}", E(401, 403, 403, 403, 403, 200)),
        C("/api/v1/units/NO-SUCH-UNIT", E(401, 403, 403, 404, 404, 404)),
    ],
    ("api.unit_members", "GET"): [
        C("/api/v1/units/{unit_a}/members", E(401, 403, 403, 200, 403, 200)),
        C("/api/v1/units/{unit_b}/members", E(401, 403, 403, 403, 200, 200)),
        C("/api/v1/units/{root}/members", E(401, 403, 403, 403, 403, 200)),
        C("/api/v1/units/NO-SUCH-UNIT/members", E(401, 403, 403, 404, 404, 404)),
    ],
    # The LRS: HTTP Basic credentials of an xAPI client, never the session.
    ("xapi.about", "GET"): [C("/xapi/about", public(200))],
    ("xapi.get_statements", "GET"): [C("/xapi/statements", public(401))],
    ("xapi.post_statements", "POST"): [C("/xapi/statements", public(401), {})],
    ("xapi.put_statement", "PUT"): [
        C("/xapi/statements?statementId=0f4a8d2e-6c1b-4a53-9a77-2d8f5e1c9b10", public(401), {})],
    # The LRS's document resources (State, Activity/Agent Profile, Activities, Agents).
    ("xapi.state", "GET"): [C("/xapi/activities/state", public(401))],
    ("xapi.state", "PUT"): [C("/xapi/activities/state", public(401), {})],
    ("xapi.state", "POST"): [C("/xapi/activities/state", public(401), {})],
    ("xapi.state", "DELETE"): [C("/xapi/activities/state", public(401))],
    ("xapi.activity_profile", "GET"): [C("/xapi/activities/profile", public(401))],
    ("xapi.activity_profile", "PUT"): [C("/xapi/activities/profile", public(401), {})],
    ("xapi.activity_profile", "POST"): [C("/xapi/activities/profile", public(401), {})],
    ("xapi.activity_profile", "DELETE"): [C("/xapi/activities/profile", public(401))],
    ("xapi.agent_profile", "GET"): [C("/xapi/agents/profile", public(401))],
    ("xapi.agent_profile", "PUT"): [C("/xapi/agents/profile", public(401), {})],
    ("xapi.agent_profile", "POST"): [C("/xapi/agents/profile", public(401), {})],
    ("xapi.agent_profile", "DELETE"): [C("/xapi/agents/profile", public(401))],
    ("xapi.activities", "GET"): [C("/xapi/activities", public(401))],
    ("xapi.agents", "GET"): [C("/xapi/agents", public(401))],
    # xAPI administration (forwarding, dead letters, LRS clients): HR administrators only.
    ("xapi_admin.index", "GET"): [C("/admin/xapi/", hr_only(200))],
    ("xapi_admin.forwarding", "GET"): [C("/admin/xapi/forwarding", hr_only(200))],
    ("xapi_admin.forwarding", "POST"): [C("/admin/xapi/forwarding", hr_only(400), {})],
    ("xapi_admin.retry", "POST"): [
        C("/admin/xapi/dead-letters/999999/retry", hr_only(404), {})],
    ("xapi_admin.retry_all", "POST"): [
        C("/admin/xapi/dead-letters/retry", hr_only(to("/admin/xapi/")), {})],
    ("xapi_admin.client_list", "GET"): [C("/admin/xapi/clients", hr_only(200))],
    ("xapi_admin.client_new", "GET"): [C("/admin/xapi/clients/new", hr_only(200))],
    ("xapi_admin.client_new", "POST"): [C("/admin/xapi/clients/new", hr_only(400), {})],
    ("xapi_admin.client_deactivate", "POST"): [
        C("/admin/xapi/clients/{xapi_client}/deactivate",
          hr_only(to("/admin/xapi/clients")), {}),
        C("/admin/xapi/clients/no-such-key/deactivate", hr_only(404), {}),
    ],
    ("xapi_admin.client_reactivate", "POST"): [
        C("/admin/xapi/clients/{xapi_client}/reactivate",
          hr_only(to("/admin/xapi/clients")), {}),
        C("/admin/xapi/clients/no-such-key/reactivate", hr_only(404), {}),
    ],
    # The learning record: your own; the people of the units you head; anyone for HR. Whether
    # a code exists is not told to those who see nobody else.
    ("learning_record.mine", "GET"): [C("/learning-record/", logged_in(200))],
    ("learning_record.person", "GET"): [
        C("/learning-record/{officer}", E(LOGIN, 200, 403, 200, 403, 200)),
        C("/learning-record/{officer_b}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/learning-record/NOBODY", E(LOGIN, 403, 403, 404, 404, 404)),
    ],
    ("learning_record.export_statements", "GET"): [
        C("/learning-record/export", hr_only(200)),
        C("/learning-record/export?since=01/01/2024&until=31/12/2099", hr_only(200)),
        C("/learning-record/export?since=31/12/2026&until=01/01/2026", hr_only(400)),
    ],
    ("api.verify_certificate", "GET"): [
        C("/api/v1/certificates/{cert}", public(200)),
        C("/api/v1/certificates/HQ-0000-0000", public(404)),
    ],
    ("reports.analytics", "GET"): [
        C("/courses/{pub}/analytics", E(LOGIN, 403, 200, 403, 403, 200))],
    ("reports.analytics_csv", "GET"): [
        C("/courses/{pub}/analytics.csv", E(LOGIN, 403, 200, 403, 403, 200))],

    # -- cmi5: the learner launches their own AUs; the fetch URL's token is its credential; AU
    # files to anyone logged in (addressed by the package hash); staff pages for HR only.
    ("cmi5.static", "GET"): [C("/cmi5/static/cmi5-player.js", public(200))],
    ("cmi5.launch", "POST"): [
        C("/cmi5/launch/{pub}/{pub_reading}", E(LOGIN, 404, *[NOT_ENROLLED] * 4), {}),
        C("/cmi5/launch/NO-SUCH/1", logged_in(404), {}),
    ],
    ("cmi5.fetch", "POST"): [C("/cmi5/fetch/not-a-token", public(200), {})],
    ("cmi5.content", "GET"): [C("/cmi5/content/{no_sha256}/index.html", logged_in(404))],
    ("cmi5.returned", "GET"): [C("/cmi5/return/{session}", logged_in(404))],
    ("cmi5.course", "GET"): [
        C("/cmi5/courses/{pub}", hr_only(200)),
        C("/cmi5/courses/NO-SUCH", hr_only(404)),
    ],
    ("cmi5.learner", "GET"): [
        C("/cmi5/courses/{pub}/learners/{officer}", hr_only(200)),
        C("/cmi5/courses/{pub}/learners/{hr}", hr_only(404)),
    ],
    ("cmi5.waive", "POST"): [
        C("/cmi5/courses/{pub}/learners/{officer}/{pub_reading}/waive", hr_only(404),
          {"reason": "Administrative"}),
    ],

    # -- authoring: training staff only -----------------------------------------------------------
    ("authoring.index", "GET"): [C("/authoring/", author_only(200))],
    ("authoring.new_course", "GET"): [C("/authoring/new", author_only(200))],
    ("authoring.new_course", "POST"): [C("/authoring/new", author_only(400), {})],
    ("authoring.package_import", "GET"): [C("/authoring/import", author_only(200))],
    ("authoring.package_import", "POST"): [C("/authoring/import", author_only(400), {})],
    ("authoring.course", "GET"): [
        C(DRAFT_PAGE, author_only(200)),
        C("/authoring/{pub}", author_only(200)),
    ],
    ("authoring.start", "POST"): [C("/authoring/{draft}/start", author_only(to(EDITOR)), {})],
    ("authoring.submit", "POST"): [
        C("/authoring/{draft}/versions/1/submit", author_only(to(DRAFT_PAGE)), {})],
    ("authoring.review", "GET"): [
        C("/authoring/{review}/versions/1/review", author_only(200)),
        # Not in review: back to the course page.
        C("/authoring/{draft}/versions/1/review", author_only(to(DRAFT_PAGE))),
    ],
    ("authoring.review", "POST"): [
        C("/authoring/{review}/versions/1/review", author_only(400), {})],
    ("authoring.archive", "GET"): [
        C("/authoring/{pub}/archive", author_only(200)),
        C("/authoring/{draft}/archive", author_only(to(DRAFT_PAGE))),
    ],
    ("authoring.archive", "POST"): [
        # The draft course is not published: a message, nothing archived.
        C("/authoring/{draft}/archive", author_only(away(DRAFT_PAGE)), {})],
    ("authoring.move_learners", "GET"): [
        C("/authoring/{pub}/move-learners", author_only(200))],
    ("authoring.move_learners", "POST"): [
        C("/authoring/{pub}/move-learners", author_only(to("/authoring/{pub}")), {})],
    ("authoring.export", "GET"): [
        C("/authoring/{draft}/export/1", author_only(200)),
        C("/authoring/{draft}/export/9", author_only(404)),
    ],
    ("authoring.preview", "GET"): [
        C("/authoring/{draft}/preview/1", author_only(200)),
        C("/authoring/{draft}/preview/1/{draft_lesson}", author_only(200)),
        C("/authoring/{draft}/preview/1/{pub_reading}", author_only(404)),
    ],
    ("authoring.editor", "GET"): [
        C(EDITOR, author_only(200)),
        # A version in review is not edited.
        C("/authoring/{review}/edit", author_only(409)),
    ],
    ("authoring.details", "GET"): [C(EDITOR + "/details", author_only(200))],
    ("authoring.details", "POST"): [C(EDITOR + "/details", author_only(400), {})],
    ("authoring.add_module", "POST"): [C(EDITOR + "/modules", author_only(400), {})],
    ("authoring.module", "GET"): [
        C(EDITOR + "/modules/{draft_module}", author_only(200)),
        C(EDITOR + "/modules/{pub_module}", author_only(404)),  # another course's module
    ],
    ("authoring.module", "POST"): [  # the form starts from the saved titles
        C(EDITOR + "/modules/{draft_module}", author_only(to(EDITOR)), {})],
    ("authoring.move_module", "POST"): [
        C(EDITOR + "/modules/{draft_module}/move/down", author_only(to(EDITOR)), {})],
    ("authoring.delete_module", "GET"): [
        C(EDITOR + "/modules/{draft_module}/delete", author_only(200))],
    ("authoring.delete_module", "POST"): [
        C(EDITOR + "/modules/{draft_module}/delete", author_only(to(EDITOR)), {})],
    ("authoring.new_lesson", "GET"): [
        C(EDITOR + "/modules/{draft_module}/lessons/new", author_only(200))],
    ("authoring.new_lesson", "POST"): [
        C(EDITOR + "/modules/{draft_module}/lessons/new", author_only(400), {})],
    ("authoring.lesson", "GET"): [
        C(EDITOR + "/lessons/{draft_lesson}", author_only(200)),
        C(EDITOR + "/lessons/{draft_pdf}", author_only(200)),
        C(EDITOR + "/lessons/{pub_reading}", author_only(404)),
    ],
    ("authoring.lesson", "POST"): [
        C(EDITOR + "/lessons/{draft_lesson}", author_only(400), {})],
    ("authoring.lesson_file", "POST"): [
        C(EDITOR + "/lessons/{draft_pdf}/file", author_only(400), {})],
    ("authoring.lesson_image", "POST"): [
        C(EDITOR + "/lessons/{draft_lesson}/image", author_only(400), {})],
    ("authoring.quiz_settings", "POST"): [
        C(EDITOR + "/lessons/{draft_quiz}/quiz", author_only(400), {})],
    ("authoring.move_lesson", "POST"): [
        C(EDITOR + "/lessons/{draft_lesson}/move/down", author_only(to(EDITOR)), {})],
    ("authoring.delete_lesson", "GET"): [
        C(EDITOR + "/lessons/{draft_lesson}/delete", author_only(200))],
    ("authoring.delete_lesson", "POST"): [
        C(EDITOR + "/lessons/{draft_lesson}/delete", author_only(to(EDITOR)), {})],
    ("authoring.new_question", "GET"): [
        C(EDITOR + "/lessons/{draft_quiz}/questions/new", author_only(200)),
        C(EDITOR + "/lessons/{draft_lesson}/questions/new", author_only(404)),  # a reading
    ],
    ("authoring.new_question", "POST"): [
        C(EDITOR + "/lessons/{draft_quiz}/questions/new", author_only(400), {})],
    ("authoring.question", "GET"): [
        C(EDITOR + "/questions/{draft_question}", author_only(200)),
        C(EDITOR + "/questions/{pub_question}", author_only(404)),
    ],
    ("authoring.question", "POST"): [
        C(EDITOR + "/questions/{draft_question}", author_only(400), {})],
    ("authoring.delete_question", "GET"): [
        C(EDITOR + "/questions/{draft_question}/delete", author_only(200))],
    ("authoring.delete_question", "POST"): [
        C(EDITOR + "/questions/{draft_question}/delete",
          author_only(to(EDITOR + "/lessons/{draft_quiz}")), {})],
}

#: Rows of each plugin, used only when the app loaded that plugin.
PLUGIN_TABLE: dict[str, dict[tuple[str, str], list[Case]]] = {
    "competency": {("competency.home", "GET"): [C("/competency/", logged_in(200))]},
    "emulation": {("emulation.home", "GET"): [C("/emulation/", logged_in(200))]},
    "recommendation": {("recommendation.home", "GET"): [C("/recommendation/", logged_in(200))]},
}

# Recommendation (plugins/recommendation/controllers.py, api.py): the JSON list of an officer
# (GET /api/v1/officers/<code>/recommendations) for the officer, the heads of the officer's
# unit and HR, 401 for anonymous callers; its first address redirects there for anyone. Tag
# suggestions for authors and HR (the world holds no suggestion: a decision on an unknown one
# is 404 to whoever may decide). The learning path is the logged-in person's own; the world's
# position requires nothing, so there is no path and accepting it is refused (nothing
# changes). A unit's plan for the year: heads of the unit (or above) and HR; an empty
# assignment form is refused with a message, nothing assigned.
_RECO_API = "/api/v1/officers/{officer}/recommendations"
_RECO_PLAN = "/recommendation/units/{unit}/plan"
_RECO_UNITS = [
    ("{unit_a}", E(LOGIN, 403, 403, 200, 403, 200)),
    ("{unit_b}", E(LOGIN, 403, 403, 403, 200, 200)),
    ("{root}", E(LOGIN, 403, 403, 403, 403, 200)),
    ("NO-SUCH-UNIT", E(LOGIN, 403, 403, 404, 404, 404)),
]
PLUGIN_TABLE["recommendation"].update({
    ("recommendation.api_officer", "GET"): [
        C("/recommendation/api/officers/{officer}", public(Expect(308, _RECO_API))),
        C("/recommendation/api/officers/NOBODY",
          public(Expect(308, "/api/v1/officers/NOBODY/recommendations")))],
    ("api.recommendation.officer_recommendations", "GET"): [
        C(_RECO_API, E(401, 200, 403, 200, 403, 200)),
        C("/api/v1/officers/{officer_b}/recommendations", E(401, 403, 403, 403, 200, 200)),
        C("/api/v1/officers/NOBODY/recommendations", E(401, 404, 404, 404, 404, 404)),
        C(_RECO_API + "?k=0", E(401, 400, 403, 400, 403, 400)),
    ],
    ("recommendation.suggestions", "GET"): [
        C("/recommendation/suggestions", E(LOGIN, 403, 200, 403, 403, 200))],
    ("recommendation.decide", "POST"): [
        C("/recommendation/suggestions/999999/accept", E(LOGIN, 403, 404, 403, 403, 404), {})],
    ("recommendation.path", "GET"): [C("/recommendation/path", logged_in(200))],
    ("recommendation.accept_path", "POST"): [
        C("/recommendation/path/accept", logged_in(away("/recommendation/path")), {})],
    ("recommendation.unit_plan", "GET"): [
        C(_RECO_PLAN.format(unit=unit), expect) for unit, expect in _RECO_UNITS],
    ("recommendation.unit_plan_xlsx", "GET"): [
        C(_RECO_PLAN.format(unit=unit) + ".xlsx", expect) for unit, expect in _RECO_UNITS],
    ("recommendation.unit_plan_assign", "POST"): [
        C(_RECO_PLAN.format(unit="{unit_a}") + "/assign",
          E(LOGIN, 403, 403, away(_RECO_PLAN.format(unit="{unit_a}")), 403,
            away(_RECO_PLAN.format(unit="{unit_a}"))), {}),
        C(_RECO_PLAN.format(unit="NO-SUCH-UNIT") + "/assign",
          E(LOGIN, 403, 403, 404, 404, 404), {})],
})

# Competency: the officer's profile, unit heatmaps and training needs (profile_views.py).
# Officers see themselves; heads their subtree; HR everyone; an unknown code is 404 to
# whoever may open such pages.
_UNIT_PAGES = [
    ("{unit_a}", E(LOGIN, 403, 403, 200, 403, 200)),
    ("{unit_b}", E(LOGIN, 403, 403, 403, 200, 200)),
    ("{root}", E(LOGIN, 403, 403, 403, 403, 200)),
    ("NO-SUCH-UNIT", E(LOGIN, 403, 403, 404, 404, 404)),
]
PLUGIN_TABLE["competency"].update({
    ("competency.officer", "GET"): [
        C("/competency/officers/{officer}", E(LOGIN, 200, 403, 200, 403, 200)),
        C("/competency/officers/{officer_b}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/competency/officers/NOBODY", E(LOGIN, 404, 404, 404, 404, 404)),
    ],
    ("competency.units", "GET"): [C("/competency/units", heads_and_hr(200))],
    ("competency.unit_heatmap", "GET"): [
        C(f"/competency/units/{unit}/heatmap", expect) for unit, expect in _UNIT_PAGES],
    ("competency.unit_needs", "GET"): [
        C(f"/competency/units/{unit}/needs", expect) for unit, expect in _UNIT_PAGES],
    ("competency.unit_needs_xlsx", "GET"): [
        C(f"/competency/units/{unit}/needs.xlsx", expect) for unit, expect in _UNIT_PAGES],
})

# Competency assessments (assessment_views.py): banks, exams and item analysis for training
# staff and HR; sittings for their officer only (404 for anyone else); a result for its
# officer, the heads of the officer's unit and HR; results import for HR. The world holds an
# open exam {exam} on which the officer has a sitting in progress {sitting} and the officer
# of unit B a graded one {sitting_b}, a closed exam {exam_closed} and a bank item {item}
# (see _competency_world).
def staff_only(value) -> dict[str, Expect]:
    return E(LOGIN, 403, value, 403, 403, value)


_EXAM = "/competency/exams/{exam}"
_SITTING = "/competency/sittings/{sitting}"
_NEW_SITTING = to("/competency/sittings/{next_sitting}")
PLUGIN_TABLE["competency"].update({
    ("competency.asset", "GET"): [C("/competency/assets/sitting.js", public(200)),
                                  C("/competency/assets/nothing.js", public(404))],
    ("competency.banks", "GET"): [C("/competency/banks", staff_only(200))],
    ("competency.bank", "GET"): [C("/competency/banks/THUE.01/1", staff_only(200)),
                                 C("/competency/banks/NOPE.01/1", staff_only(404))],
    ("competency.bank_analysis", "GET"): [
        C("/competency/banks/THUE.01/1/analysis", staff_only(200)),
        C("/competency/banks/NOPE.01/1/analysis", staff_only(404))],
    ("competency.item_new", "GET"): [C("/competency/banks/items/new", staff_only(200))],
    ("competency.item_new", "POST"): [C("/competency/banks/items/new", staff_only(400), {})],
    ("competency.item_edit", "GET"): [C("/competency/banks/items/{item}", staff_only(200)),
                                      C("/competency/banks/items/999999", staff_only(404))],
    ("competency.item_edit", "POST"): [
        C("/competency/banks/items/{item}", staff_only(400), {})],
    ("competency.item_active", "POST"): [
        C("/competency/banks/items/{item}/active",
          staff_only(to("/competency/banks/THUE.01/1")), {}),
        C("/competency/banks/items/999999/active", staff_only(404), {})],
    ("competency.bank_import", "GET"): [C("/competency/banks/import", staff_only(200))],
    ("competency.bank_import", "POST"): [C("/competency/banks/import", staff_only(400), {})],
    ("competency.bank_export", "GET"): [C("/competency/banks/export.csv", staff_only(200))],
    ("competency.exams_manage", "GET"): [C("/competency/exams/manage", staff_only(200))],
    ("competency.exam_new", "GET"): [C("/competency/exams/new", staff_only(200))],
    ("competency.exam_new", "POST"): [C("/competency/exams/new", staff_only(400), {})],
    ("competency.exam_edit", "GET"): [C(_EXAM + "/edit", staff_only(200))],
    ("competency.exam_edit", "POST"): [C(_EXAM + "/edit", staff_only(400), {})],
    ("competency.exam_blueprint", "GET"): [
        C(_EXAM + "/blueprint", staff_only(200)),
        C("/competency/exams/999999/blueprint", staff_only(404))],
    ("competency.exam_part", "POST"): [C(_EXAM + "/parts", staff_only(400), {})],
    ("competency.exam_open", "POST"): [
        C("/competency/exams/{exam_closed}/open",
          staff_only(to("/competency/exams/{exam_closed}/blueprint")), {})],
    ("competency.exam_close", "POST"): [
        C(_EXAM + "/close", staff_only(to(_EXAM + "/blueprint")), {})],
    ("competency.exam_analysis", "GET"): [C(_EXAM + "/analysis", staff_only(200))],
    ("competency.exam_results", "GET"): [
        C(_EXAM + "/results", E(LOGIN, 403, 403, 200, 200, 200))],
    ("competency.exams", "GET"): [C("/competency/exams", logged_in(200))],
    ("competency.exam", "GET"): [
        C(_EXAM, logged_in(200)),
        # A closed exam is shown to staff only (and to whoever sat it).
        C("/competency/exams/{exam_closed}", E(LOGIN, 404, 200, 404, 404, 200)),
        C("/competency/exams/999999", logged_in(404))],
    ("competency.exam_start", "POST"): [
        # The officer resumes their sitting; anyone else starts one.
        C(_EXAM + "/start", E(LOGIN, to(_SITTING), *[_NEW_SITTING] * 4), {}),
        C("/competency/exams/{exam_closed}/start",
          logged_in(away("/competency/exams/{exam_closed}")), {})],
    ("competency.sitting", "GET"): [C(_SITTING, E(LOGIN, 200, 404, 404, 404, 404))],
    ("competency.sitting_save", "POST"): [
        # No answers form: a message, nothing saved.
        C(_SITTING + "/save", E(LOGIN, away(_SITTING), 404, 404, 404, 404), {})],
    ("competency.sitting_submit", "POST"): [
        C(_SITTING + "/submit", E(LOGIN, to(_SITTING + "/result"), 404, 404, 404, 404), {}),
        # Graded already: a message, nothing changes.
        C("/competency/sittings/{sitting_b}/submit", E(LOGIN, 404, 404, 404, 404, 404), {})],
    ("competency.sitting_result", "GET"): [
        C("/competency/sittings/{sitting_b}/result", E(LOGIN, 403, 403, 403, 200, 200)),
        C(_SITTING + "/result", E(LOGIN, to(_SITTING), 403, 200, 403, 200)),
        C("/competency/sittings/999999/result", logged_in(404))],
    ("competency.results_import", "GET"): [C("/competency/results/import", hr_only(200))],
    ("competency.results_import", "POST"): [
        C("/competency/results/import", hr_only(400), {})],
    ("competency.results_template", "GET"): [
        C("/competency/results/import/template.csv", hr_only(200))],
})

# Competency frameworks and position profiles (frameworks_views.py): every published or
# retired version and every position's profile are read by anyone logged in; drafts,
# editing, import and export are for HR. The world's framework KNL-HQ v1 is published, so
# its editing pages send HR back to the version page, and its buttons are refused there
# (nothing changes) except "revise", which creates the draft v2.
_FW = "/competency/frameworks/KNL-HQ/v1"
_PROFILE = "/competency/positions/{position}"
PLUGIN_TABLE["competency"].update({
    ("competency.frameworks", "GET"): [C("/competency/frameworks", logged_in(200))],
    ("competency.framework_new", "GET"): [C("/competency/frameworks/new", hr_only(200))],
    ("competency.framework_new", "POST"): [C("/competency/frameworks/new", hr_only(400), {})],
    ("competency.framework", "GET"): [
        C("/competency/frameworks/KNL-HQ", logged_in(to(_FW))),
        C("/competency/frameworks/NO-SUCH", logged_in(404))],
    ("competency.framework_version", "GET"): [
        C(_FW, logged_in(200)),
        C("/competency/frameworks/KNL-HQ/v9", logged_in(404))],
    ("competency.framework_edit", "GET"): [
        C(_FW + "/edit", hr_only(to(_FW))),
        C("/competency/frameworks/KNL-HQ/v9/edit", hr_only(404))],
    ("competency.framework_edit", "POST"): [C(_FW + "/edit", hr_only(400), {})],
    ("competency.node_new", "GET"): [C(_FW + "/nodes/new", hr_only(to(_FW)))],
    ("competency.node_new", "POST"): [C(_FW + "/nodes/new", hr_only(400), {})],
    ("competency.node_edit", "GET"): [
        C(_FW + "/nodes/THUE.01/edit", hr_only(to(_FW))),
        C(_FW + "/nodes/NOPE.01/edit", hr_only(404))],
    ("competency.node_edit", "POST"): [C(_FW + "/nodes/THUE.01/edit", hr_only(400), {})],
    ("competency.node_delete", "POST"): [
        C(_FW + "/nodes/THUE.01/delete", hr_only(away(_FW)), {}),
        C(_FW + "/nodes/NOPE.01/delete", hr_only(404), {})],
    ("competency.framework_publish", "POST"): [C(_FW + "/publish", hr_only(away(_FW)), {})],
    ("competency.framework_discard", "POST"): [C(_FW + "/discard", hr_only(away(_FW)), {})],
    ("competency.framework_revise", "POST"): [
        C(_FW + "/revise", hr_only(to("/competency/frameworks/KNL-HQ/v2")), {})],
    ("competency.framework_export", "GET"): [
        C(_FW + "/export.csv", hr_only(200)),
        C(_FW + "/export.json", hr_only(200)),
        C(_FW + "/export.xml", hr_only(404))],
    ("competency.framework_import", "GET"): [C("/competency/frameworks/import", hr_only(200))],
    ("competency.framework_import", "POST"): [
        C("/competency/frameworks/import", hr_only(400), {})],
    ("competency.positions", "GET"): [C("/competency/positions", logged_in(200))],
    ("competency.position_profile", "GET"): [
        C(_PROFILE, logged_in(200)),
        C("/competency/positions/NO-SUCH", logged_in(404))],
    ("competency.requirement_save", "POST"): [
        C(_PROFILE + "/requirements", hr_only(400), {}),
        C(_PROFILE + "/requirements", hr_only(to(_PROFILE)),
          {"competency_code": "THUE.01", "required_level": "2", "weight": "1"})],
    ("competency.requirement_delete", "POST"): [
        C(_PROFILE + "/requirements/THUE.01/delete", hr_only(404), {})],
    ("competency.profiles_import", "GET"): [C("/competency/profiles/import", hr_only(200))],
    ("competency.profiles_import", "POST"): [
        C("/competency/profiles/import", hr_only(400), {})],
    ("competency.profiles_export", "GET"): [C("/competency/profiles/export.csv", hr_only(200))],
})


def _competency_world(*, officer, officer_b, **_people) -> dict[str, object]:
    """Assessments in the world: a published framework (unless one is), a bank, an open exam
    with the officer's sitting in progress and officer B's graded one, a closed exam."""
    from plugins.competency import assessments as A
    from plugins.competency import frameworks
    from plugins.competency.models import Competency, Framework

    if frameworks.published_framework() is None:
        framework = Framework(code="KNL-HQ", name_vi="Khung năng lực", status="published",
                              published_at=utcnow())
        db.session.add(framework)
        db.session.add(Competency(framework=framework, code="THUE.01", kind="competency",
                                  name_vi="Xác định trị giá hải quan"))
        db.session.flush()
    items = [A.save_item(None, competency_code="THUE.01", level=1, kind="single",
                         stem_vi=f"Câu hỏi {n}", options=[
                             {"text_vi": "Đúng", "correct": True}, {"text_vi": "Sai"}])
             for n in range(4)]
    exam = A.save_exam(None, code="DGNL-MATRIX", title_vi="Thi đánh giá năng lực")
    A.set_part(exam, "THUE.01", 1, 2)
    A.open_exam(exam)
    closed = A.save_exam(None, code="DGNL-CLOSED", title_vi="Bài thi đã đóng")
    A.set_part(closed, "THUE.01", 1, 2)
    sitting, _ = A.start_sitting(exam, officer)
    sitting_b, _ = A.start_sitting(exam, officer_b)
    A.submit_sitting(sitting_b, {})
    db.session.commit()
    return {"exam": exam.id, "exam_closed": closed.id, "item": items[0].id,
            "sitting": sitting.id, "sitting_b": sitting_b.id, "next_sitting": sitting_b.id + 1}


#: Objects of each plugin's rows, added to the world when the app loaded that plugin:
#: plugin -> builder(officer=, officer_b=, author=, hr=) -> URL parameters.
PLUGIN_WORLDS = {"competency": _competency_world}

# Competency training effect, supervisors' ratings and rotated officers (effect_views.py):
# the effectiveness table, its CSV and a course's page for training staff and HR; ratings
# for unit heads (of the officer's unit) and HR, never for the officer rated; rotations for
# heads and HR. The world's officers completed TEST-102, which made a post-training
# re-rating for each, {rating} (unit A) and {rating_b} (unit B), not open yet: saving one is
# refused with a message and changes nothing.
_EFFECT = E(LOGIN, 403, 200, 403, 403, 200)
PLUGIN_TABLE["competency"].update({
    ("competency.effect_index", "GET"): [C("/competency/effect", _EFFECT),
                                         C("/competency/effect?sort=gain&order=asc", _EFFECT)],
    ("competency.effect_csv", "GET"): [C("/competency/effect.csv", _EFFECT)],
    ("competency.effect_refresh", "POST"): [
        C("/competency/effect/refresh", hr_only(to("/competency/effect")), {})],
    ("competency.effect_course", "GET"): [
        C("/competency/effect/TEST-102", _EFFECT),
        C("/competency/effect/NOPE-999", E(LOGIN, 403, 404, 403, 403, 404))],
    ("competency.ratings", "GET"): [C("/competency/ratings", heads_and_hr(200))],
    ("competency.rating", "GET"): [
        C("/competency/ratings/{rating}", E(LOGIN, 403, 403, 200, 403, 200)),
        C("/competency/ratings/{rating_b}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/competency/ratings/999999", E(LOGIN, 403, 403, 404, 404, 404))],
    ("competency.rating", "POST"): [
        C("/competency/ratings/{rating}", E(LOGIN, 403, 403, same(400), 403, same(400)), {}),
        C("/competency/ratings/999999", E(LOGIN, 403, 403, 404, 404, 404), {})],
    ("competency.rotations", "GET"): [C("/competency/rotations", heads_and_hr(200))],
})


def _effect_world(*, officer, officer_b, **_people) -> dict[str, object]:
    """The post-training re-ratings made when the officers completed TEST-102."""
    import sqlalchemy as sa

    from plugins.competency.models import RatingRequest

    def rating(user) -> int:
        return db.session.scalar(sa.select(RatingRequest.id).where(
            RatingRequest.user_id == user.id, RatingRequest.reference == "course:TEST-102"))

    return {"rating": rating(officer), "rating_b": rating(officer_b)}


_world_before_effect = PLUGIN_WORLDS["competency"]


def _with_effect_world(**people) -> dict[str, object]:
    return {**_world_before_effect(**people), **_effect_world(**people)}


PLUGIN_WORLDS["competency"] = _with_effect_world

# Emulation rules (rules_views.py): every phase's rules, each version and the periods are read
# by anyone logged in; creating the campaign, importing, downloading, editing (a new version)
# and activating are for HR. The world holds the campaign with the demo rules of both phases,
# version 1 active (see _emulation_world), so activating v1 again changes nothing.
_RULES_V1 = "/emulation/rules/1/v1"
PLUGIN_TABLE["emulation"].update({
    ("emulation.rules_index", "GET"): [C("/emulation/rules", logged_in(200))],
    ("emulation.campaign_init", "POST"): [
        C("/emulation/rules/campaign", hr_only(to("/emulation/rules")), {})],
    ("emulation.rules_version", "GET"): [C(_RULES_V1, logged_in(200)),
                                         C("/emulation/rules/1/v9", logged_in(404)),
                                         C("/emulation/rules/7/v1", logged_in(404))],
    ("emulation.rules_export", "GET"): [C(_RULES_V1 + "/export.yaml", hr_only(200)),
                                        C("/emulation/rules/1/v9/export.yaml", hr_only(404))],
    ("emulation.rules_activate", "POST"): [
        C(_RULES_V1 + "/activate", hr_only(to(_RULES_V1)), {}),
        C("/emulation/rules/1/v9/activate", hr_only(404), {})],
    ("emulation.rules_edit", "GET"): [C(_RULES_V1 + "/edit", hr_only(200)),
                                      C("/emulation/rules/1/v9/edit", hr_only(404))],
    ("emulation.rules_edit", "POST"): [C(_RULES_V1 + "/edit", hr_only(400), {})],
    ("emulation.rules_import", "GET"): [C("/emulation/rules/import", hr_only(200))],
    ("emulation.rules_import", "POST"): [C("/emulation/rules/import", hr_only(400), {})],
})


def _emulation_world(**_people) -> dict[str, object]:
    """The campaign 2024–2030 with the demo rules of both phases (version 1, active)."""
    from plugins.emulation import demo_rules

    demo_rules.load()
    db.session.commit()
    return {}


PLUGIN_WORLDS["emulation"] = _emulation_world

# Emulation, evidence and reviews (evidence_views.py, review_views.py). {submission} is the
# officer's pending initiative (unit A), {submission_b} officer B's (unit B): the officer,
# the heads of the unit's subtree and HR see them; only the unit's head decides (HR does
# not); only the officer edits or withdraws. Reports: heads their subtree, HR any unit and the
# whole organisation. Ratings import and the audit log: HR.
_SUB = "/emulation/submissions/{submission}"
_SUB_B = "/emulation/submissions/{submission_b}"
_A_ONLY = E(LOGIN, 403, 403, 200, 403, 200)  # head A and HR, about unit A
PLUGIN_TABLE["emulation"].update({
    ("emulation.submissions_mine", "GET"): [C("/emulation/submissions", logged_in(200))],
    ("emulation.submission_new", "GET"): [
        C("/emulation/submissions/new", logged_in(200)),
        C("/emulation/submissions/new?kind=certificate", logged_in(200))],
    ("emulation.submission_new", "POST"): [
        C("/emulation/submissions/new?kind=initiative", logged_in(same(400)), {})],
    ("emulation.submission_detail", "GET"): [
        C(_SUB, E(LOGIN, 200, 403, 200, 403, 200)),
        C(_SUB_B, E(LOGIN, 403, 403, 403, 200, 200)),
        C("/emulation/submissions/999999", logged_in(404))],
    ("emulation.submission_edit", "GET"): [
        C(_SUB + "/edit", E(LOGIN, 200, 403, 403, 403, 403)),
        C("/emulation/submissions/999999/edit", logged_in(404))],
    ("emulation.submission_edit", "POST"): [
        C(_SUB + "/edit", E(LOGIN, same(400), 403, 403, 403, 403), {})],
    ("emulation.submission_withdraw", "POST"): [
        C(_SUB + "/withdraw", E(LOGIN, to("/emulation/submissions"), 403, 403, 403, 403), {})],
    ("emulation.submission_decide", "POST"): [
        C(_SUB + "/decide", E(LOGIN, 403, 403, same(400), 403, 403), {}),
        C(_SUB + "/decide", E(LOGIN, 403, 403, to("/emulation/submissions/review"), 403, 403),
          {"decision": "approve"}),
        C(_SUB_B + "/decide", E(LOGIN, 403, 403, 403, same(400), 403),
          {"decision": "reject", "reason": ""}),
        C("/emulation/submissions/999999/decide", logged_in(404), {})],
    ("emulation.submission_file", "GET"): [
        C(_SUB + "/files/{submission_file}", E(LOGIN, 200, 403, 200, 403, 200)),
        C(_SUB_B + "/files/{submission_b_file}", E(LOGIN, 403, 403, 403, 200, 200)),
        C(_SUB + "/files/999999", E(LOGIN, 404, 403, 404, 403, 404))],
    ("emulation.submissions_review", "GET"): [
        C("/emulation/submissions/review", heads_and_hr(200))],
    ("emulation.audit_log", "GET"): [
        C("/emulation/audit", hr_only(200)),
        C("/emulation/audit?action=submission.&actor=canbo-a&start=01/01/2024&page=2",
          hr_only(200))],
    ("emulation.reviews_index", "GET"): [
        C("/emulation/reviews", heads_and_hr(200)),
        C("/emulation/reviews?go=report&scope=2025&unit={unit_a}",
          heads_and_hr(to("/emulation/reviews/2025")))],
    ("emulation.review_report", "GET"): [
        C("/emulation/reviews/2025?unit={unit_a}", _A_ONLY),
        C("/emulation/reviews/preliminary?unit={unit_b}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/emulation/reviews/2025", heads_and_hr(200)),
        C("/emulation/reviews/2025-Q1?unit={root}", hr_only(200)),
        C("/emulation/reviews/2099?unit={unit_a}", E(LOGIN, 403, 403, 404, 403, 404)),
        C("/emulation/reviews/2025?unit=NO-SUCH-UNIT", E(LOGIN, 403, 403, 404, 404, 404))],
    ("emulation.review_download", "GET"): [
        C("/emulation/reviews/2025/report.xlsx?unit={unit_a}", _A_ONLY),
        C("/emulation/reviews/final/report.pdf?unit={unit_a}", _A_ONLY),
        C("/emulation/reviews/2025/report.pdf", heads_and_hr(200)),
        C("/emulation/reviews/2025/report.doc?unit={unit_a}", logged_in(404))],
    ("emulation.commendation", "GET"): [
        C("/emulation/commendation/2025?unit={unit_a}", _A_ONLY),
        C("/emulation/commendation/2025", heads_and_hr(200)),
        C("/emulation/commendation/2025-Q1?unit={unit_a}", E(LOGIN, 403, 403, 404, 403, 404))],
    ("emulation.commendation_confirm", "POST"): [
        C("/emulation/commendation/2025/confirm?unit={unit_a}",
          E(LOGIN, 403, 403, same(400), 403, 403), {})],
    ("emulation.commendation_download", "GET"): [
        C("/emulation/commendation/2025/proposal.xlsx?unit={unit_a}", _A_ONLY),
        C("/emulation/commendation/2025/proposal.pdf?unit={unit_b}",
          E(LOGIN, 403, 403, 403, 200, 200))],
    ("emulation.ratings_import", "GET"): [C("/emulation/ratings/import", hr_only(200))],
    ("emulation.ratings_import", "POST"): [
        C("/emulation/ratings/import", hr_only(same(400)), {})],
    ("emulation.ratings_example", "GET"): [C("/emulation/ratings/example.csv", hr_only(200))],
})


def _emulation_reviews_world(*, officer, officer_b, **_people) -> dict[str, object]:
    """The campaign and its demo rules; a pending initiative of each officer, with a PDF."""
    from plugins.emulation import demo_rules
    from plugins.emulation import submissions as S

    demo_rules.load()

    def submit(user):
        return S.submit(user, kind="initiative", title=f"Sáng kiến của {user.username}",
                        description="Mô tả sáng kiến.", occurred_on=date(2026, 3, 2),
                        details={"scope": "unit"}, files=[S.Upload("quyet-dinh.pdf", PDF_BYTES)],
                        today=date(2026, 4, 1))

    mine, theirs = submit(officer), submit(officer_b)
    db.session.commit()
    return {"submission": mine.id, "submission_file": mine.files[0].id,
            "submission_b": theirs.id, "submission_b_file": theirs.files[0].id}


_world_before_reviews = PLUGIN_WORLDS.get("emulation")


def _with_reviews_world(**people) -> dict[str, object]:
    before = _world_before_reviews(**people) if _world_before_reviews else {}
    return {**before, **_emulation_reviews_world(**people)}


PLUGIN_WORLDS["emulation"] = _with_reviews_world

# Emulation scores and rankings (score_views.py): an officer's breakdown for the officer, the
# heads of their subtree and HR; a unit's page for the heads of its subtree and HR; the
# organisation's rankings, the clusters and the leaderboard setting for HR (public
# leaderboards are off in the world); anomaly decisions for the heads of the officer's unit
# and HR. The world scores the current year, puts units A and B in the cluster {cluster}
# and flags an anomaly {anomaly} of the officer (unit A); see _emulation_rankings_world.
_UNIT_A = "/emulation/units/{unit_a_id}"
_ANOMALY = "/emulation/anomalies/{anomaly}/decide"
PLUGIN_TABLE["emulation"].update({
    ("emulation.officer", "GET"): [
        C("/emulation/officers/{officer}", E(LOGIN, 200, 403, 200, 403, 200)),
        C("/emulation/officers/{officer}?period=phase-1", E(LOGIN, 200, 403, 200, 403, 200)),
        C("/emulation/officers/{officer_b}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/emulation/officers/NOBODY", logged_in(404))],
    ("emulation.unit", "GET"): [
        C(_UNIT_A, E(LOGIN, 403, 403, 200, 403, 200)),
        C(_UNIT_A + "?period=2026-Q1", E(LOGIN, 403, 403, 200, 403, 200)),
        C(_UNIT_A + "?period=campaign", E(LOGIN, 403, 403, 200, 403, 200)),
        C("/emulation/units/{unit_b_id}", E(LOGIN, 403, 403, 403, 200, 200)),
        C("/emulation/units/{root_id}", E(LOGIN, 403, 403, 403, 403, 200)),
        C("/emulation/units/999999", E(LOGIN, 403, 403, 404, 404, 404))],
    ("emulation.rankings", "GET"): [C("/emulation/rankings", hr_only(200)),
                                    C("/emulation/rankings?period=phase-2", hr_only(200))],
    ("emulation.clusters", "GET"): [C("/emulation/clusters", hr_only(200))],
    ("emulation.clusters", "POST"): [
        C("/emulation/clusters", hr_only(400), {}),
        C("/emulation/clusters", hr_only(to("/emulation/clusters")),
          {"code": "CUM-MOI", "name_vi": "Cụm thi đua mới"})],
    ("emulation.cluster_edit", "GET"): [C("/emulation/clusters/{cluster}", hr_only(200)),
                                        C("/emulation/clusters/999999", hr_only(404))],
    ("emulation.cluster_edit", "POST"): [C("/emulation/clusters/{cluster}", hr_only(400), {})],
    ("emulation.cluster_delete", "POST"): [
        C("/emulation/clusters/{cluster}/delete", hr_only(to("/emulation/clusters")), {}),
        C("/emulation/clusters/999999/delete", hr_only(404), {})],
    ("emulation.settings", "GET"): [C("/emulation/settings", hr_only(200))],
    ("emulation.settings", "POST"): [
        C("/emulation/settings", hr_only(to("/emulation/settings")), {})],
    ("emulation.anomaly_decide", "POST"): [
        C(_ANOMALY, E(LOGIN, 403, 403, to(_UNIT_A), 403, to(_UNIT_A)), {"decision": "accepted"}),
        C(_ANOMALY, E(LOGIN, 403, 403, away(_UNIT_A), 403, away(_UNIT_A)), {}),
        C("/emulation/anomalies/999999/decide", E(LOGIN, 403, 403, 404, 404, 404),
          {"decision": "excluded"})],
})


def _emulation_rankings_world(*, officer, **_people) -> dict[str, object]:
    """The current year scored, units A and B in a cluster, an open anomaly of the officer."""
    from lms_core.organisation import queries as org
    from plugins.emulation import campaign, demo_rules, ranking, scoring
    from plugins.emulation.models import Anomaly

    demo_rules.load()
    unit_a, unit_b, root = (org.unit_by_code(c) for c in ("DOI-A", "DOI-B", "CUC-HQ"))
    cluster = ranking.create_cluster("CUM-AB", "Cụm thi đua A–B", "", [unit_a.id, unit_b.id],
                                     rerank=False)
    scoring.recompute_period(campaign.period_by_label("2026"))
    # Flagged after the scoring (which drops undecided flags whose condition no longer holds).
    anomaly = Anomaly(user_id=officer.id, kind="hours_over_day", day=date(2026, 3, 2),
                      details={"hours": 13.5, "statements": 2, "threshold": 12})
    db.session.add(anomaly)
    db.session.commit()
    return {"unit_a_id": unit_a.id, "unit_b_id": unit_b.id, "root_id": root.id,
            "cluster": cluster.id, "anomaly": anomaly.id}


_world_before_rankings = PLUGIN_WORLDS.get("emulation")


def _with_rankings_world(**people) -> dict[str, object]:
    before = _world_before_rankings(**people) if _world_before_rankings else {}
    return {**before, **_emulation_rankings_world(**people)}


PLUGIN_WORLDS["emulation"] = _with_rankings_world

#: Rows whose expected status is right but the app answers otherwise: (endpoint, method) ->
#: what is wrong, with the file and line. Kept as strict xfails until the view is fixed.
ACCESS_BUGS: dict[tuple[str, str], str] = {}

IGNORED_ENDPOINTS = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


# -- the routes -----------------------------------------------------------------------------

def _plugins_setting() -> str:
    return os.environ.get("LMS_PLUGINS", "all")


def _config(database_uri: str, **more) -> dict:
    # Rate-limit counters are database writes; this test checks that refused visits write
    # nothing, and the limits have their own tests.
    return {"SQLALCHEMY_DATABASE_URI": database_uri, "LMS_PLUGINS": _plugins_setting(),
            "LMS_RATELIMIT_ENABLED": False, **more}


def routes_of(app) -> dict[tuple[str, str], list[str]]:
    """(endpoint, method) -> the URL rules of every route of ``app`` but static files."""
    out: dict[tuple[str, str], list[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            out.setdefault((rule.endpoint, method), []).append(rule.rule)
    return out


def table_of(app) -> dict[tuple[str, str], list[Case]]:
    """The core table plus the rows of the plugins ``app`` loaded."""
    from lms_core.plugins import loaded_plugins

    table = dict(TABLE)
    for name in loaded_plugins(app):
        table.update(PLUGIN_TABLE.get(name, {}))
    return table


@cache
def _route_app():
    """An app (no database opened) whose URL map the test is generated from."""
    return create_app("testing", _config("sqlite://"))


def pytest_generate_tests(metafunc):
    if "route" not in metafunc.fixturenames:
        return
    app = _route_app()
    keys = sorted(set(routes_of(app)) | set(table_of(app)))
    params = []
    for key in keys:
        marks = ()
        if key in ACCESS_BUGS:
            marks = pytest.mark.xfail(strict=True, reason=f"access bug: {ACCESS_BUGS[key]}")
        params.append(pytest.param(key, marks=marks, id=f"{key[0]} {key[1]}"))
    metafunc.parametrize("route", params)


# -- the world ------------------------------------------------------------------------------

class World:
    """The app, its objects (as URL parameters), a client per persona, and a snapshot of the
    database to undo any change between visits."""

    def __init__(self, app, path, values: dict[str, str], user_ids: dict[str, int | None]):
        self.app = app
        self.values = values
        self.user_ids = user_ids
        self.clients = {p: app.test_client() for p in PERSONAS}
        self.watch = sqlite3.connect(path, isolation_level=None)
        self.snapshot = sqlite3.connect(":memory:", isolation_level=None)
        self.watch.backup(self.snapshot)
        self.dirty = False

    def fill(self, text: str) -> str:
        return text.format(**self.values)

    def data_version(self) -> int:
        return self.watch.execute("PRAGMA data_version").fetchone()[0]

    def restore(self) -> None:
        self.snapshot.backup(self.watch)
        self.dirty = False

    def visit(self, persona: str, method: str, path: str, data: dict | None):
        """Open ``path`` as ``persona``; returns (response, whether the database changed)."""
        if self.dirty:
            self.restore()
        client = self.clients[persona]
        with client.session_transaction() as session:
            session.clear()
            if self.user_ids[persona] is not None:
                session["_user_id"] = str(self.user_ids[persona])
                session["_fresh"] = True
        before = self.data_version()
        form = {k: self.fill(v) for k, v in data.items()} if data is not None else None
        response = client.open(path, method=method, data=form)
        response.get_data()
        response.close()
        changed = self.data_version() != before
        self.dirty = changed
        return response, changed

    def close(self) -> None:
        self.watch.close()
        self.snapshot.close()


def _build(folder) -> tuple[dict[str, str], dict[str, int | None]]:
    """Units, people and courses in every state; returns the URL parameters and the user id
    of each persona."""
    from lms_core.courses import authoring as A
    from lms_core.courses import delivery as d
    from lms_core.courses import operations as course_ops
    from lms_core.courses.package import import_package, open_package
    from lms_core.identity import operations as id_ops
    from lms_core.identity import roles as R
    from lms_core.organisation import operations as org_ops

    day = date(2024, 1, 1)
    root = org_ops.create_unit("CUC-HQ", "Cục Hải quan", "Customs Department", "department",
                               on=day)
    unit_a = org_ops.create_unit("DOI-A", "Đội A", "Team A", "team", parent=root, on=day)
    unit_b = org_ops.create_unit("DOI-B", "Đội B", "Team B", "team", parent=root, on=day)
    school = org_ops.create_unit("TRUONG", "Trường Hải quan", "Customs School", "school",
                                 parent=root, on=day)
    field = org_ops.save_field("GSQL", "Giám sát quản lý", "Customs supervision")
    position = org_ops.save_position("CV-GS", "Công chức giám sát", "Supervision officer",
                                     field=field)

    def person(username, roles, unit, heads=None):
        user = id_ops.create_user(username, f"Cán bộ {username}", password=PASSWORD,
                                  roles=list(roles))
        if heads is not None:
            id_ops.grant_role(user, R.UNIT_HEAD, heads.id)
        org_ops.assign(user, unit, position, start_on=day)
        return user

    officer = person("canbo-a", (R.OFFICER,), unit_a)
    officer_b = person("canbo-b", (R.OFFICER,), unit_b)
    head_a = person("truong-a", (R.OFFICER,), unit_a, heads=unit_a)
    head_b = person("truong-b", (R.OFFICER,), unit_b, heads=unit_b)
    author = person("giangvien", (R.OFFICER, R.AUTHOR), school)
    author2 = person("giangvien2", (R.OFFICER, R.AUTHOR), school)
    hr = person("quantri", (R.OFFICER, R.HR_ADMIN), root)
    from lms_core.xapi.clients import create_client

    xapi_client, _secret = create_client("Nội dung cmi5", ["statements/write"])

    def course(code, *, actor=None, publish=True):
        result = import_package(open_package(write_package(folder, code)), actor=actor)
        if publish:
            course_ops.publish(result.version)
        db.session.flush()
        return result.version

    pub = course("TEST-101", actor=author2)
    done = course("TEST-102", actor=author2)
    draft = course("TEST-103", actor=author, publish=False)
    review = course("TEST-104", actor=author2, publish=False)
    A.submit(review, author2)

    # The officer follows TEST-101: a lesson open (a study session), a quiz attempt failed.
    reading, reading2, quiz = pub.lessons
    enrolment = d.enrol(officer, pub.course)
    session = d.open_lesson(enrolment, reading)
    attempt = d.start_attempt(enrolment, quiz)
    d.submit_attempt(attempt, _answers(attempt, quiz, right=False))

    # The officer and the officer of unit B completed TEST-102, each with a certificate.
    def complete(user):
        enrolment = d.enrol(user, done.course)
        lessons = done.lessons
        for lesson in lessons[:2]:
            d.complete_lesson(enrolment, lesson)
        attempt = d.start_attempt(enrolment, lessons[2])
        d.submit_attempt(attempt, _answers(attempt, lessons[2]))
        return d.check_completion(enrolment)

    cert, cert_b = complete(officer), complete(officer_b)

    # The draft gets a PDF lesson (a stored media file).
    module = draft.modules[0]
    pdf = A.add_lesson(module, "pdf", "Tài liệu", "Document", 5)
    asset = A.set_lesson_file(pdf, "huong-dan.pdf", PDF_BYTES)
    draft_quiz = next(x for x in draft.lessons if x.kind == "quiz")
    db.session.commit()

    values = {
        "root": root.code, "unit_a": unit_a.code, "unit_b": unit_b.code,
        "field": field.code, "position": position.code,
        "officer": officer.code, "officer_b": officer_b.code, "hr": hr.code,
        "pub": pub.code, "pub_reading": reading.id, "pub_reading2": reading2.id,
        "pub_quiz": quiz.id, "pub_module": pub.modules[0].id,
        "pub_question": quiz.questions[0].id, "session": session.id,
        "cert": cert.code, "cert_b": cert_b.code,
        "draft": draft.code, "draft_module": module.id, "draft_lesson": draft.lessons[0].id,
        "draft_pdf": pdf.id, "draft_quiz": draft_quiz.id,
        "draft_question": draft_quiz.questions[0].id, "review": review.code,
        "sha256": asset.sha256, "media_name": asset.filename, "no_sha256": "0" * 64,
        "xapi_client": xapi_client.key,
    }
    from flask import current_app

    from lms_core.plugins import loaded_plugins

    for name in loaded_plugins(current_app):
        if name in PLUGIN_WORLDS:
            values.update(PLUGIN_WORLDS[name](officer=officer, officer_b=officer_b,
                                              author=author, hr=hr))
    users = {"anonymous": None, "officer": officer.id, "author": author.id,
             "head_a": head_a.id, "head_b": head_b.id, "hr": hr.id}
    return {k: str(v) for k, v in values.items()}, users


@pytest.fixture(scope="module")
def world(template_db, tmp_path_factory):
    """One world per module on a copy of the migrated template database."""
    folder = tmp_path_factory.mktemp("access")
    path = folder / "lms.db"
    shutil.copy(template_db, path)
    app = create_app("testing", _config(f"sqlite:///{path}",
                                        LMS_MEDIA_DIR=str(folder / "media")))
    with app.app_context():
        values, users = _build(folder / "packages")
        db.session.remove()
    world = World(app, path, values, users)
    yield world
    world.close()
    with app.app_context():
        db.engine.dispose()


# -- the tests ------------------------------------------------------------------------------

def _name(key, rules) -> str:
    return f"{key[0]} {key[1]} {', '.join(rules)}"


def _location(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def test_access(world, route):
    """Every route answers each persona as the table says, and a refusal changes nothing."""
    routes = routes_of(world.app)
    table = table_of(world.app)
    if route not in table:
        pytest.fail(f"new route without an access entry: {_name(route, routes[route])}")
    if route not in routes:
        pytest.fail(f"table entry for a route that no longer exists: {route[0]} {route[1]}")
    endpoint, method = route
    adapter = world.app.url_map.bind("localhost")
    problems, hit = [], set()
    for case in table[route]:
        path = world.fill(case.path)
        try:
            rule, _args = adapter.match(urlsplit(path).path, method=method, return_rule=True)
        except HTTPException as exc:
            problems.append(f"{path}: does not route ({exc.code})")
            continue
        if rule.endpoint != endpoint:
            problems.append(f"{path}: routes to {rule.endpoint}, not {endpoint}")
            continue
        hit.add(rule.rule)
        for persona in PERSONAS:
            want = case.expect[persona]
            response, changed = world.visit(persona, method, path, case.data)
            got = response.status_code
            where = _location(response) if 300 <= got < 400 else None
            wanted_where = world.fill(want.location) if want.location else None
            if got != want.status or (wanted_where and where != wanted_where):
                problems.append(f"{method} {path} as {persona}: expected {want.status}"
                                f"{' to ' + wanted_where if wanted_where else ''}, got {got}"
                                f"{' to ' + where if where else ''}")
            elif want.denied and changed:
                problems.append(f"{method} {path} as {persona}: refused ({got}) but the "
                                f"database changed")
    for rule in sorted(set(routes[route]) - hit):
        problems.append(f"new route without an access entry: {endpoint} {method} {rule}")
    if problems:
        pytest.fail("\n".join(problems))

