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
    ("api.verify_certificate", "GET"): [
        C("/api/v1/certificates/{cert}", public(200)),
        C("/api/v1/certificates/HQ-0000-0000", public(404)),
    ],
    ("reports.analytics", "GET"): [
        C("/courses/{pub}/analytics", E(LOGIN, 403, 200, 403, 403, 200))],
    ("reports.analytics_csv", "GET"): [
        C("/courses/{pub}/analytics.csv", E(LOGIN, 403, 200, 403, 403, 200))],

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
    }
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

