"""The JSON API at /api/v1: each endpoint's answers and access rules, paging, errors as JSON
(401 for anonymous callers, 400 naming a bad parameter, 409 on a second enrolment), CSRF on
POST, and the OpenAPI document describing exactly the routes that exist."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms_core.api import openapi
from lms_core.courses import catalogue as cat
from lms_core.courses import delivery as d
from lms_core.courses.models import Enrolment
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.organisation import operations as org_ops
from tests.conftest import PASSWORD
from tests.core.test_catalogue import _study, course_factory, in_a_month  # noqa: F401
from tests.core.test_delivery import _answers

API = "/api/v1"


@pytest.fixture
def api_app(app):
    """The app with the API blueprint registered (until the UI shell registers it)."""
    from lms_core.api.views import bp

    if "api" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def org(api_app, make_unit, make_position, make_user):
    """HQ > KV02 (renamed on 1 March 2025) > KV02-D1, and HQ > KV01; an officer in KV02-D1,
    the heads of KV02 and KV01, an HR administrator, and an officer moved from KV01 to KV02-D1
    on 1 March 2025."""
    root = make_unit("HQ", kind="department", name_vi="Cục Hải quan", name_en="Customs")
    kv02 = make_unit("KV02", parent=root, kind="branch", name_vi="Chi cục Hải quan Hà Nội",
                     name_en="Hanoi Customs")
    team = make_unit("KV02-D1", parent=kv02, name_vi="Đội Thủ tục", name_en="Procedures team")
    kv01 = make_unit("KV01", parent=root, kind="branch")
    org_ops.rename_unit(kv02, "Chi cục Hải quan khu vực II", "Customs branch II",
                        on=date(2025, 3, 1))
    db.session.commit()
    position = make_position("GSQL-TT", "Công chức thủ tục", "Procedures officer")
    officer = make_user("canbo", unit=team, position=position, full_name="Nguyễn Văn An")
    moved = make_user("luanchuyen", unit=kv01, full_name="Trần Thị Bình")
    org_ops.assign(moved, team, position, start_on=date(2025, 3, 1), kind="transfer")
    db.session.commit()
    return {
        "root": root, "kv02": kv02, "team": team, "kv01": kv01, "position": position,
        "officer": officer, "moved": moved,
        "head_kv02": make_user("truongdonvi", heads=kv02, unit=kv02),
        "head_kv01": make_user("truongdonvi2", heads=kv01, unit=kv01),
        "hr": make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=root),
    }


def login(client, username):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def complete(enrolment):
    """Finish every lesson and pass the quiz: the course is completed, with a certificate."""
    lessons = enrolment.version.lessons
    for lesson in lessons[:-1]:
        d.complete_lesson(enrolment, lesson)
    attempt = d.start_attempt(enrolment, lessons[-1])
    d.submit_attempt(attempt, _answers(attempt, lessons[-1]))
    return d.check_completion(enrolment)


# -- the document -------------------------------------------------------------------------------
def _routes(app) -> set[tuple[str, str]]:
    """``(method, path)`` of every route of the api blueprint, paths as in the document."""
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)[len(openapi.BASE_PATH):]
            out |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_the_document_is_public_and_describes_every_route_and_only_those(api_app, client):
    """GET /openapi.json needs no login; its operations are exactly the blueprint's routes,
    each named after its view, with JSON error responses."""
    doc = get_json(client, f"{API}/openapi.json")
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": "/api/v1"}]
    described = {(method.upper(), path) for path, item in doc["paths"].items()
                 for method in item}
    assert described == _routes(api_app)
    endpoints = {rule.endpoint for rule in api_app.url_map.iter_rules()
                 if rule.endpoint.startswith("api.")}
    assert {f"api.{op}" for op in openapi.operations()} == endpoints
    for _method, _path, op in openapi.operations().values():
        for status, response in op["responses"].items():
            if status.startswith("4"):
                assert response == {"$ref": f"#/components/responses/E{status}"}


def test_the_views_enforce_every_rule_the_document_gives_for_a_query_parameter(api_app):
    """Query parameters are described only with keywords the views' parser enforces."""
    from lms_core.api.views import SUPPORTED_KEYWORDS

    for op_id in openapi.operations():
        for name, schema in openapi.query_schema(op_id).items():
            assert set(schema) <= SUPPORTED_KEYWORDS, (op_id, name)
            assert schema["type"] in ("integer", "number", "string"), (op_id, name)
            assert schema.get("format") in (None, "date"), (op_id, name)


def test_every_reference_of_the_document_resolves(api_app):
    """No $ref points at a schema or response that does not exist."""
    doc = openapi.document()
    refs = re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', str(doc).replace("'", '"'))
    assert refs
    for section, name in refs:
        assert name in doc["components"][section], (section, name)


# -- authentication -----------------------------------------------------------------------------
PROTECTED = [
    ("get", "/me"), ("get", "/me/enrolments"), ("get", "/me/study-hours"),
    ("get", "/courses"), ("get", "/courses/TEST-101"), ("post", "/courses/TEST-101/enrolments"),
    ("get", "/units/KV02"), ("get", "/units/KV02/members"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_anonymous_callers_get_401_json_not_a_redirect(org, make_course, client, method, path):
    """Without a session: 401 with a JSON message, never the login page."""
    make_course("TEST-101")
    response = getattr(client, method)(API + path)
    assert response.status_code == 401
    assert response.get_json() == {"error": 401, "message": "Vui lòng đăng nhập."}
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0


def test_an_account_that_must_change_its_password_gets_403_json(org, client):
    """An initial password: the API refuses with a JSON 403 until a new one is chosen."""
    org["officer"].must_change_password = True
    db.session.commit()
    login(client, "canbo")
    assert get_json(client, f"{API}/me", 403) == {"error": 403,
                                                  "message": "Vui lòng đặt mật khẩu mới."}


def test_unknown_api_paths_and_methods_answer_json(api_app, client, org):
    """A wrong path or method under /api/ is a JSON 404 or 405, not an HTML page."""
    login(client, "canbo")
    assert get_json(client, f"{API}/nothing-here", 404)["error"] == 404
    response = client.delete(f"{API}/me")
    assert response.status_code == 405 and response.get_json()["error"] == 405


# -- me -----------------------------------------------------------------------------------------
def test_me_gives_code_name_roles_unit_position_and_the_csrf_token(org, client):
    """The officer's personnel code, name, roles, current unit and position (codes, names in
    both languages) and a CSRF token."""
    login(client, "canbo")
    me = get_json(client, f"{API}/me")
    assert me["code"] == org["officer"].code
    assert me["full_name"] == "Nguyễn Văn An"
    assert me["roles"] == ["officer"]
    assert me["unit"] == {"code": "KV02-D1", "name_vi": "Đội Thủ tục",
                          "name_en": "Procedures team"}
    assert me["position"] == {"code": "GSQL-TT", "name_vi": "Công chức thủ tục",
                              "name_en": "Procedures officer"}
    assert me["assigned_since"] == "2024-01-01"
    assert me["headed_units"] == [] and me["csrf_token"]


def test_me_of_a_unit_head_lists_the_units_headed(org, client):
    """A unit head sees the role and the unit headed, with today's name."""
    login(client, "truongdonvi")
    me = get_json(client, f"{API}/me")
    assert "unit_head" in me["roles"]
    assert me["headed_units"] == [{"code": "KV02", "name_vi": "Chi cục Hải quan khu vực II",
                                   "name_en": "Customs branch II"}]
    assert me["position"] is None


# -- catalogue ----------------------------------------------------------------------------------
def test_catalogue_search_filters_and_pages(org, course_factory, client):  # noqa: F811
    """Published courses only, accent-insensitive words, filters, pages of per_page with the
    total; titles in both languages."""
    course_factory("THUE-101", "Thuế xuất khẩu cơ bản", competencies=(("THUE.01", 2),), hours=2)
    course_factory("THUE-201", "Thuế nhập khẩu nâng cao", competencies=(("THUE.01", 3),),
                   hours=8)
    course_factory("LHQ-101", "Luật Hải quan", positions=("GSQL-TT",))
    course_factory("NHAP-1", "Thuế bản nháp", publish=False)
    login(client, "canbo")

    everything = get_json(client, f"{API}/courses")
    assert everything["total"] == 3 and everything["page"] == 1
    assert everything["per_page"] == 20 and everything["pages"] == 1
    assert [c["code"] for c in everything["items"]] == ["LHQ-101", "THUE-201", "THUE-101"]
    first = everything["items"][-1]
    assert first["title_vi"] == "Thuế xuất khẩu cơ bản" and first["title_en"] == "Course THUE-101"
    assert first["competencies"] == [{"code": "THUE.01", "level": 2}]
    assert first["estimated_hours"] == 2 and first["enrolled"] is False
    assert first["published_at"].endswith("+00:00")

    found = get_json(client, f"{API}/courses?q=thue%20khau")
    assert {c["code"] for c in found["items"]} == {"THUE-101", "THUE-201"}
    assert [c["code"] for c in get_json(client, f"{API}/courses?competency=thue.01&level=3")
            ["items"]] == ["THUE-201"]
    assert [c["code"] for c in get_json(client, f"{API}/courses?max_hours=4")["items"]] == [
        "LHQ-101", "THUE-101"]
    by_position = get_json(client, f"{API}/courses?position=GSQL-TT")["items"]
    assert [c["code"] for c in by_position] == ["LHQ-101"]
    assert by_position[0]["target_positions"][0]["name_en"] == "Procedures officer"
    assert get_json(client, f"{API}/courses?field=NOPE")["total"] == 0

    page1 = get_json(client, f"{API}/courses?per_page=2")
    page2 = get_json(client, f"{API}/courses?per_page=2&page=2")
    assert (page1["total"], page1["pages"], len(page1["items"])) == (3, 2, 2)
    assert [c["code"] for c in page1["items"] + page2["items"]] == [
        "LHQ-101", "THUE-201", "THUE-101"]
    past_the_end = get_json(client, f"{API}/courses?per_page=2&page=99")
    assert past_the_end["page"] == 2 and past_the_end["items"] == page2["items"]
    assert len(get_json(client, f"{API}/courses?per_page=100")["items"]) == 3


BAD_PARAMETERS = [
    ("/courses?page=abc", "page"),
    ("/courses?page=0", "page"),
    ("/courses?page=", "page"),
    ("/courses?per_page=101", "per_page"),
    ("/courses?per_page=0", "per_page"),
    ("/courses?per_page=1.5", "per_page"),
    ("/courses?level=4", "level"),
    ("/courses?level=hai", "level"),
    ("/courses?max_hours=nan", "max_hours"),
    ("/courses?max_hours=0", "max_hours"),
    ("/courses?max_hours=1e400", "max_hours"),
    ("/courses?q=" + "a" * 201, "q"),
    ("/courses?q=thue%00", "q"),
    ("/courses?field=" + "F" * 65, "field"),
    ("/me/enrolments?section=archived", "section"),
    ("/me/study-hours?year=2025.5", "year"),
    ("/me/study-hours?year=1800", "year"),
    ("/units/KV02?on=2025-02-30", "on"),
    ("/units/KV02?on=01/03/2025", "on"),
    ("/units/KV02?on=20250301", "on"),
    ("/units/KV02/members?on=hôm nay", "on"),
    ("/units/KV02/members?page=-1", "page"),
    ("/units/KV02/members?per_page=1000", "per_page"),
]


@pytest.mark.parametrize(("url", "name"), BAD_PARAMETERS)
def test_a_bad_parameter_gets_400_naming_it(org, client, url, name):
    """A malformed, out-of-range or unknown value: 400, in Vietnamese, naming the parameter."""
    login(client, "quantri")
    body = get_json(client, API + url, 400)
    assert body["error"] == 400
    assert body["message"].startswith(f"Tham số {name} ")


def test_the_message_follows_the_language_of_the_account(org, api_app, client):
    """An officer who chose English gets the message in English."""
    org["officer"].locale = "en"
    db.session.commit()
    login(client, "canbo")
    with api_app.app_context():  # a request of its own: Flask-Babel keeps the language in g
        message = get_json(client, f"{API}/courses?per_page=500", 400)["message"]
    assert message == "The parameter per_page must be at most 100."


# -- a course -----------------------------------------------------------------------------------
def test_course_details_of_the_published_version(org, course_factory, client):  # noqa: F811
    """Modules and lessons (titles, kinds, minutes), competencies, prerequisites with the
    caller's status, target positions, completion rule."""
    course_factory("LHQ-101", "Luật Hải quan")
    course_factory("KTSTQ-101", "Kiểm tra sau thông quan", positions=("GSQL-TT",),
                   prerequisites=("LHQ-101",))
    login(client, "canbo")
    course = get_json(client, f"{API}/courses/ktstq-101")
    assert course["code"] == "KTSTQ-101" and course["version"] == 1
    assert course["description_vi"] == "Mô tả ngắn" and course["description_en"]
    assert [m["title_vi"] for m in course["modules"]] == ["Chương 1", "Kiểm tra"]
    assert course["modules"][0]["lessons"][0] == {
        "title_vi": "Khái niệm", "title_en": "Concepts", "kind": "text", "minutes": 10}
    assert course["modules"][1]["lessons"][0]["kind"] == "quiz"
    assert course["competencies"] == [{"code": "KTSTQ.01", "level": 1}]
    assert course["prerequisites"] == [{"code": "LHQ-101", "title_vi": "Luật Hải quan",
                                        "title_en": "Course LHQ-101",
                                        "status": "not_started"}]
    assert [p["code"] for p in course["target_positions"]] == ["GSQL-TT"]
    assert course["completion"] == {"all_lessons": True, "quiz_passed": True, "min_minutes": 0}
    assert course["enrolment"] is None and course["enrolled"] is False


def test_unknown_or_unpublished_course_is_404_with_a_message(org, course_factory, client):  # noqa: F811
    """Not found, in JSON, with the course code in the message."""
    course_factory("NHAP-1", publish=False)
    login(client, "canbo")
    assert get_json(client, f"{API}/courses/KHONG-CO", 404) == {
        "error": 404, "message": "Không có khoá học nào mang mã KHONG-CO."}
    assert get_json(client, f"{API}/courses/NHAP-1", 404)["error"] == 404
    assert client.post(f"{API}/courses/NHAP-1/enrolments").status_code == 404


# -- enrolment ----------------------------------------------------------------------------------
def test_self_enrolment_then_a_second_time_is_409(org, make_course, client):
    """201 with the enrolment and a Location; enrolling again: 409 with the Vietnamese message
    and still one enrolment."""
    make_course("TEST-101")
    login(client, "canbo")
    response = client.post(f"{API}/courses/test-101/enrolments")
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/api/v1/me/enrolments")
    enrolment = response.get_json()
    assert enrolment["course_code"] == "TEST-101" and enrolment["source"] == "self"
    assert enrolment["section"] == "in_progress" and enrolment["status"] == "active"
    assert enrolment["progress_percent"] == 0 and enrolment["lessons_total"] == 3

    again = client.post(f"{API}/courses/TEST-101/enrolments")
    assert again.status_code == 409
    assert again.get_json() == {"error": 409, "message": "Bạn đã đăng ký khoá học này."}
    rows = db.session.scalars(sa.select(Enrolment)).all()
    assert [(e.user_id, e.course.code) for e in rows] == [(org["officer"].id, "TEST-101")]
    assert get_json(client, f"{API}/courses/TEST-101")["enrolment"]["course_code"] == "TEST-101"


def test_enrolment_refused_without_the_prerequisites_changes_nothing(org, make_course, client):
    """Missing prerequisites: 400 naming the courses to complete first; nothing enrolled."""
    make_course("LHQ-101")
    make_course("KTSTQ-101", prerequisites=("LHQ-101",))
    login(client, "canbo")
    response = client.post(f"{API}/courses/KTSTQ-101/enrolments")
    assert response.status_code == 400
    assert response.get_json()["message"] == "Cần hoàn thành trước các khoá học: LHQ-101."
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0


def test_a_completed_course_cannot_be_enrolled_again(org, make_course, client):
    """409 with the message saying it is completed."""
    course = make_course("TEST-101")
    complete(d.enrol(org["officer"], course))
    db.session.commit()
    login(client, "canbo")
    response = client.post(f"{API}/courses/TEST-101/enrolments")
    assert response.status_code == 409
    assert response.get_json()["message"] == "Nguyễn Văn An đã hoàn thành khoá học này."


def test_post_needs_the_csrf_token_in_the_header_when_csrf_is_on(org, make_course, api_app,
                                                                 client):
    """With CSRF on: no or a wrong X-CSRFToken is 400 and enrols nobody, so is HTTPS without a
    Referer; the token from GET /me works; an anonymous POST is still a 401."""
    make_course("TEST-101")
    login(client, "canbo")
    api_app.config["WTF_CSRF_ENABLED"] = True
    url = f"{API}/courses/TEST-101/enrolments"
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post(url, headers=headers)
        assert response.status_code == 400
        assert "X-CSRFToken" in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0
    token = get_json(client, f"{API}/me")["csrf_token"]
    over_https = client.post(url, headers={"X-CSRFToken": token}, base_url="https://localhost")
    assert over_https.status_code == 400 and "Referer" in over_https.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0
    assert client.post(url, headers={"X-CSRFToken": token}).status_code == 201
    with api_app.app_context():  # Flask-Login keeps the user in g: a request of its own
        assert api_app.test_client().post(url).status_code == 401


# -- my learning --------------------------------------------------------------------------------
def test_my_enrolments_progress_due_dates_and_certificates(org, make_course, client):
    """Assigned (with due date, overdue flag), in progress (with percent), completed (100 %,
    completion date, certificate code), in the order of My learning; one section on request."""
    officer, hr = org["officer"], org["hr"]
    started = d.enrol(officer, make_course("SELF-1"))
    d.complete_lesson(started, started.version.lessons[0])
    assigned = d.enrol(officer, make_course("ASG-1"), source="assigned", assigned_by=hr,
                       due_on=in_a_month())
    late = d.enrol(officer, make_course("LATE-1"), source="assigned", assigned_by=hr,
                   due_on=in_a_month())
    late.due_on = cat.local_today() - timedelta(days=3)
    certificate = complete(d.enrol(officer, make_course("DONE-1")))
    db.session.commit()
    login(client, "canbo")

    items = get_json(client, f"{API}/me/enrolments")["items"]
    assert [(i["course_code"], i["section"]) for i in items] == [
        ("LATE-1", "assigned"), ("ASG-1", "assigned"), ("SELF-1", "in_progress"),
        ("DONE-1", "completed")]
    late_item, assigned_item, started_item, done_item = items
    assert late_item["overdue"] is True and assigned_item["overdue"] is False
    assert assigned_item["due_on"] == in_a_month().isoformat()
    assert assigned_item["source"] == "assigned" and assigned_item["progress_percent"] == 0
    assert started_item["progress_percent"] == 33 and started_item["lessons_done"] == 1
    assert started_item["completed_at"] is None and started_item["certificate_code"] is None
    assert done_item["progress_percent"] == 100 and done_item["status"] == "completed"
    assert done_item["certificate_code"] == certificate.code
    assert done_item["completed_at"].startswith(
        assigned.enrolled_at.date().isoformat()[:4])
    only_done = get_json(client, f"{API}/me/enrolments?section=completed")["items"]
    assert only_done == [done_item]


def test_study_hours_come_from_the_statements(org, make_course, client):
    """This year's verified hours, the same as My learning; another year on request."""
    enrolment = d.enrol(org["officer"], make_course("TEST-101"))
    _study(enrolment, enrolment.version.lessons[0], 1800)
    _study(enrolment, enrolment.version.lessons[1], 900)
    db.session.commit()
    login(client, "canbo")
    year = cat.local_today().year
    assert get_json(client, f"{API}/me/study-hours") == {"year": year, "hours": 0.8}
    assert cat.study_hours(org["officer"], year) == 0.8
    assert get_json(client, f"{API}/me/study-hours?year={year - 1}") == {
        "year": year - 1, "hours": 0.0}


# -- units --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("username", "code", "status"), [
    ("quantri", "KV02", 200),
    ("quantri", "KV01", 200),
    ("truongdonvi", "KV02", 200),
    ("truongdonvi", "KV02-D1", 200),
    ("truongdonvi", "KV01", 403),
    ("truongdonvi", "HQ", 403),
    ("truongdonvi2", "KV02", 403),
    ("truongdonvi2", "KV02-D1", 403),
    ("canbo", "KV02-D1", 403),
    ("quantri", "KV99", 404),
    ("truongdonvi", "KV99", 404),
    ("canbo", "KV99", 403),  # as on the pages: officers are refused before any look-up
])
def test_unit_access_follows_the_pages(org, client, username, code, status):
    """HR sees every unit, a unit head the subtree they lead (the head of unit A gets 403 on
    unit B), officers none; members follow the same rule."""
    login(client, username)
    body = get_json(client, f"{API}/units/{code}", status)
    members = get_json(client, f"{API}/units/{code}/members", status)
    if status != 200:
        assert body["error"] == members["error"] == status and body["message"]


def test_unit_today_and_as_it_stood_on_a_date(org, client):
    """Name, kind, parent, children, dates; with ?on= the name of that day; before the unit
    existed: 404."""
    login(client, "truongdonvi")
    today = get_json(client, f"{API}/units/KV02")
    assert today == {
        "code": "KV02", "name_vi": "Chi cục Hải quan khu vực II", "name_en": "Customs branch II",
        "kind": "branch", "parent": {"code": "HQ", "name_vi": "Cục Hải quan",
                                     "name_en": "Customs"},
        "children": [{"code": "KV02-D1", "name_vi": "Đội Thủ tục",
                      "name_en": "Procedures team"}],
        "established_on": "2024-01-01", "dissolved_on": None, "on": None}
    before = get_json(client, f"{API}/units/KV02?on=2025-02-28")
    assert before["name_vi"] == "Chi cục Hải quan Hà Nội" and before["on"] == "2025-02-28"
    assert [c["code"] for c in before["children"]] == ["KV02-D1"]
    assert get_json(client, f"{API}/units/KV02?on=2023-12-31", 404)["message"] == (
        "Đơn vị KV02 không tồn tại vào ngày 31/12/2023.")


def test_members_on_a_date_with_paging(org, client):
    """Who belonged to the unit (and below) on a date, by name, with unit and position; paged."""
    login(client, "truongdonvi")
    now = get_json(client, f"{API}/units/KV02/members")
    names = [m["full_name"] for m in now["items"]]
    assert names == sorted(names) and "Trần Thị Bình" in names and now["total"] == len(names)
    an = next(m for m in now["items"] if m["full_name"] == "Nguyễn Văn An")
    assert an == {"personnel_code": org["officer"].code, "full_name": "Nguyễn Văn An",
                  "unit": {"code": "KV02-D1", "name_vi": "Đội Thủ tục",
                           "name_en": "Procedures team"},
                  "position": {"code": "GSQL-TT", "name_vi": "Công chức thủ tục",
                               "name_en": "Procedures officer"},
                  "start_on": "2024-01-01", "end_on": None, "kind": "appointment"}

    before = get_json(client, f"{API}/units/KV02/members?on=2025-02-28")
    assert "Trần Thị Bình" not in [m["full_name"] for m in before["items"]]
    assert before["on"] == "2025-02-28" and before["total"] == now["total"] - 1
    login(client, "truongdonvi2")
    then = get_json(client, f"{API}/units/KV01/members?on=2025-02-28")["items"]
    moved = next(m for m in then if m["full_name"] == "Trần Thị Bình")
    assert moved["end_on"] == "2025-03-01" and moved["unit"]["code"] == "KV01"

    login(client, "truongdonvi")
    pages = [get_json(client, f"{API}/units/KV02/members?per_page=1&page={n}")
             for n in range(1, now["total"] + 1)]
    assert [p["items"][0]["full_name"] for p in pages] == names
    assert {p["pages"] for p in pages} == {now["total"]}
    assert get_json(client, f"{API}/units/KV02/members?per_page=1&page=999")["page"] == (
        now["total"])


# -- certificates -------------------------------------------------------------------------------
def test_certificate_verification_is_public(org, make_course, client):
    """Anyone can check a code: holder, course titles, completion date, hours; unknown: 404."""
    certificate = complete(d.enrol(org["officer"], make_course("TEST-101")))
    db.session.commit()
    body = get_json(client, f"{API}/certificates/{certificate.code.lower()}")
    assert body == {
        "code": certificate.code, "valid": True, "holder_name": "Nguyễn Văn An",
        "course_title_vi": "Khoá học thử TEST-101", "course_title_en": "Test course TEST-101",
        "completed_on": cat.local_today().isoformat(), "hours": certificate.hours}
    missing = get_json(client, f"{API}/certificates/HQ-AAAA-BBBB", 404)
    assert missing["error"] == 404 and "HQ-AAAA-BBBB" in missing["message"]
