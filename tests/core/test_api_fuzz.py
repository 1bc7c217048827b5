"""Schemathesis fuzzes the JSON API from its own OpenAPI document: no request gets a 5xx, and
every response has a documented status, content type and shape.

Each operation gets its explicit examples, the coverage phase's boundary and invalid values
(wrong types, out-of-range numbers, bad dates, unknown choices, other HTTP methods) and a
bounded number of generated requests, valid and invalid, derandomized so that CI runs are
repeatable. Half the generated codes in paths are codes that exist, so that the success paths
are fuzzed too (query parameters of a real unit, enrolment in a real course). Run as an
officer, as an HR administrator (who may see every unit) and as an anonymous caller on SQLite,
and as the HR administrator on PostgreSQL (stricter about text and types). The access rules
themselves, unit head scoping included, are tested one by one in test_api.py.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from lms_core.api import openapi
from lms_core.extensions import db
from lms_core.identity import roles as R
from tests.conftest import PASSWORD, write_package

#: Generated requests per operation and caller (the examples and coverage phases add theirs).
MAX_EXAMPLES = 20
#: Codes that exist in :func:`world`; path parameters draw from them half of the time.
KNOWN_CODES = ["LHQ-101", "THUE-101", "KV02", "KV02-D1", "KV01", "HQ", "HQ-7K3M-Q9TX"]
CONFIG = {
    "generation": {
        "mode": "all",  # valid requests and invalid ones (which must get a 4xx)
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
        # The session cookie is the real one of the test client; never a generated one.
        "with-security-parameters": False,
    },
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
               "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "negative_data_rejection": {"enabled": True},
    },
    "dictionaries": {"known_codes": {"values": KNOWN_CODES}},
    "parameters": {"path.code": {"dictionary": "known_codes", "probability": 0.5}},
}
#: The fixtures (app, database, logged-in client) are shared by the requests of a test on
#: purpose: the server's state carries over between requests, as in real use.
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])



def _document() -> dict:
    """The document of an app with the enabled plugins (``LMS_PLUGINS``): the core's routes
    and those the plugins add to the API."""
    from lms_core import create_app
    from tests.conftest import _plugins_setting

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                 "LMS_PLUGINS": _plugins_setting()})
    with app.app_context():
        return openapi.document()


schema = schemathesis.openapi.from_dict(_document(), config=schemathesis.Config.from_dict(CONFIG))


def test_the_document_is_valid_openapi_3_1():
    """The document validates against the OpenAPI 3.1 meta-schema (the one schemathesis
    ships), so every tool can read it."""
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    errors = [str(e).splitlines()[0] for e in OPENAPI_31_VALIDATOR.iter_errors(_document())]
    assert errors == []


@pytest.fixture
def api_app(app):
    """The app with the API blueprint registered (until the UI shell registers it)."""
    from lms_core.api.views import bp

    if "api" not in app.blueprints:
        app.register_blueprint(bp)
    return app


def build_world(folder) -> None:
    """The codes of :data:`KNOWN_CODES` exist: courses, units with members, a certificate."""
    from lms_core.courses import delivery
    from lms_core.courses import operations as course_ops
    from lms_core.courses.package import import_package, open_package
    from lms_core.identity import operations as id_ops
    from lms_core.organisation import operations as org_ops

    def unit(code, parent=None, kind="team"):
        return org_ops.create_unit(code, f"Đơn vị {code}", f"Unit {code}", kind,
                                   parent=parent, on=date(2024, 1, 1))

    def user(username, unit, position=None, roles=(R.OFFICER,), start_on=date(2024, 1, 1)):
        person = id_ops.create_user(username, f"Cán bộ {username}", password=PASSWORD,
                                    roles=roles)
        org_ops.assign(person, unit, position, start_on=start_on)
        return person

    def course(code):
        version = import_package(open_package(write_package(folder, code))).version
        course_ops.publish(version)
        return version.course

    root = unit("HQ", kind="department")
    branch = unit("KV02", root, "branch")
    team = unit("KV02-D1", branch)
    other = unit("KV01", root, "branch")
    position = org_ops.save_position("GSQL-TT", "Công chức thủ tục", "Procedures officer")
    officer = user("canbo", team, position)
    user("quantri", root, roles=(R.OFFICER, R.HR_ADMIN))
    user("canbo2", other)
    for year in (2024, 2025):
        user(f"nguoi{year}", team, start_on=date(year, 3, 1))
    course("LHQ-101")
    enrolment = delivery.enrol(officer, course("THUE-101"))
    enrolment.version.require_quiz_passed = False
    for lesson in enrolment.version.lessons:
        delivery.progress_of(enrolment, lesson).completed_at = enrolment.enrolled_at
    delivery.check_completion(enrolment).code = "HQ-7K3M-Q9TX"
    db.session.commit()


@pytest.fixture
def world(api_app, tmp_path):
    build_world(tmp_path)


def _client(api_app, username):
    client = api_app.test_client()
    if username is not None:
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302
    return client


@pytest.fixture
def officer(api_app, world):
    return _client(api_app, "canbo")


@pytest.fixture
def hr_admin(api_app, world):
    return _client(api_app, "quantri")


@pytest.fixture
def anonymous(api_app, world):
    return _client(api_app, None)


@schema.parametrize()
@SHARED_FIXTURES
def test_fuzz_as_an_officer(case, officer):
    """An officer: every request is answered as documented, never with a 5xx."""
    case.call_and_validate(session=officer, app=officer.application)


@schema.parametrize()
@SHARED_FIXTURES
def test_fuzz_as_hr(case, hr_admin):
    """An HR administrator, who may see every unit: answered as documented, never a 5xx."""
    case.call_and_validate(session=hr_admin, app=hr_admin.application)


@schema.parametrize()
@SHARED_FIXTURES
def test_fuzz_as_anonymous(case, anonymous):
    """Anonymous: 401, or the public routes, as documented; never a 5xx."""
    case.call_and_validate(session=anonymous, app=anonymous.application)


# -- PostgreSQL -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pg_app(postgres_server, tmp_path_factory):
    """The app on a PostgreSQL database holding the world, shared by the PostgreSQL runs."""
    from flask_migrate import upgrade

    from lms_core import create_app
    from lms_core.api.views import bp

    postgres_server.drop_database("api_fuzz")
    url = postgres_server.create_database("api_fuzz")
    # The HR administrator logs in once per operation: more than the per-account limit.
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url,
                                 "LMS_PLUGINS": os.environ.get("LMS_PLUGINS", "all"),
                                 "LMS_LOGIN_LIMIT_PER_USER": 1000})
    if "api" not in app.blueprints:
        app.register_blueprint(bp)
    with app.app_context():
        upgrade()
        build_world(tmp_path_factory.mktemp("packages"))
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    postgres_server.drop_database("api_fuzz")


@pytest.fixture
def pg_hr_admin(pg_app):
    with pg_app.app_context():
        yield _client(pg_app, "quantri")
        db.session.remove()


@pytest.mark.postgres
@schema.parametrize()
@SHARED_FIXTURES
def test_fuzz_on_postgresql_as_hr(case, pg_hr_admin):
    """On PostgreSQL, stricter than SQLite about text (no NUL) and types: as HR, every
    request is answered as documented, never with a 5xx."""
    case.call_and_validate(session=pg_hr_admin, app=pg_hr_admin.application)
