"""The recommendation plugin, second part: learning paths accepted as assigned courses, the
onboarding plan of a rotated officer, the unit head's plan for the year, the dashboard panel,
the route of the JSON API with its OpenAPI description, batches, and the bad inputs."""

from __future__ import annotations

import copy
import io
import json
from datetime import date, datetime, timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from lms_core.api import openapi
from lms_core.courses import catalogue
from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.recommendation.plugin import plugin as recommendation_plugin
from tests.conftest import PASSWORD
from tests.core import test_recommendation as first_part
from tests.core.test_competency_evidence import add, require

#: The fixtures of the first part: its world, and the skip when the plugin is not loaded.
world = first_part.world
_recommendation_loaded = first_part._recommendation_loaded


def enrolment(user, code):
    from lms_core.courses import delivery

    db.session.expire_all()
    return delivery.enrolment_of(user, catalogue.course_by_code(code))


def enrolment_count() -> int:
    from lms_core.courses.models import Enrolment

    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))


def complete(user, course):
    from lms_core.courses import delivery

    e = delivery.enrol(user, course)
    e.completed_at = datetime(2025, 5, 1)
    db.session.commit()
    return e


# -- assign_to_self (core) ----------------------------------------------------------------------
def test_an_officer_takes_a_course_as_assigned_with_a_due_date(world):
    """The course shows in My learning among the assigned courses, with the due date; a course
    followed already becomes assigned and gets the new date."""
    officer, courses = world["officer"], world["courses"]
    due = catalogue.local_today() + timedelta(days=30)
    catalogue.assign_to_self(officer, courses["TG-2"], due_on=due)
    from lms_core.courses import delivery

    delivery.enrol(officer, courses["PL-1"])
    catalogue.assign_to_self(officer, courses["PL-1"], due_on=due + timedelta(days=7))
    db.session.commit()
    learning = catalogue.my_learning(officer)
    assigned = {i.enrolment.course.code: i.enrolment.due_on for i in learning.assigned}
    assert assigned == {"TG-2": due, "PL-1": due + timedelta(days=7)}
    assert enrolment(officer, "TG-2").assigned_by_id == officer.id


@pytest.mark.parametrize("case", ["past", "missing", "completed", "unpublished"])
def test_taking_a_course_as_assigned_is_refused_and_changes_nothing(world, make_course, case):
    """A past or missing due date, a completed course, an unpublished course: UserError,
    nothing written."""
    officer, course = world["officer"], world["courses"]["TG-2"]
    due = catalogue.local_today() + timedelta(days=30)
    if case == "past":
        due = catalogue.local_today() - timedelta(days=1)
    elif case == "missing":
        due = None
    elif case == "completed":
        complete(officer, course)
    else:
        course = make_course("DRAFT-1", publish=False)
    before = enrolment_count()
    with pytest.raises(UserError):
        catalogue.assign_to_self(officer, course, due_on=due)
    db.session.rollback()
    assert enrolment_count() == before


# -- learning paths -------------------------------------------------------------------------------
def codes(path):
    return [s.course.code for s in path.steps]


def test_the_path_covers_every_gap_in_order_with_hours_and_due_dates(world):
    """THUE.02 0 → 3 (weight 1) and THUE.01 1 → 2 (weight 2): PL-1 (level 1) before PL-3
    (level 3) of the same competency, the larger weighted gap first; one hour each; due at
    the end of each week at one hour a week; nothing uncovered."""
    from plugins.recommendation import paths

    path = paths.learning_path(world["officer"], pace=1)
    assert path.status == "ok"
    assert codes(path) == ["PL-1", "PL-3", "TG-2"]
    closes = {s.course.code: [(c.code, c.achieved, c.level) for c in s.closes]
              for s in path.steps}
    assert closes == {"PL-1": [("THUE.02", 0, 1)], "PL-3": [("THUE.02", 1, 3)],
                      "TG-2": [("THUE.01", 1, 2)]}
    today = catalogue.local_today()
    assert [s.due_on for s in path.steps] == [today + timedelta(days=7 * n) for n in (1, 2, 3)]
    assert path.total_hours == 3.0 and path.uncovered == []
    assert all(s.is_new for s in path.steps)
    assert path.steps[0].reason.startswith("Bù khoảng cách năng lực «Phân loại hàng hoá»")


def test_a_prerequisite_not_completed_comes_into_the_path_before_the_course(world):
    """PL-3 requires KT-1: KT-1 joins the path, just before PL-3, "required before PL-3"."""
    from lms_core.courses.models import CoursePrerequisite
    from plugins.recommendation import paths

    courses = world["courses"]
    db.session.add(CoursePrerequisite(version_id=courses["PL-3"].published_version_id,
                                      required_course_id=courses["KT-1"].id))
    db.session.commit()
    db.session.expire_all()
    path = paths.learning_path(world["officer"])
    assert codes(path) == ["PL-1", "KT-1", "PL-3", "TG-2"]
    kt1 = path.steps[1]
    assert kt1.closes == [] and kt1.required_for == ["PL-3"] and kt1.is_new
    assert kt1.reason == "Phải hoàn thành trước khi học PL-3"


def test_gaps_no_course_covers_are_listed_as_uncovered(world):
    """A requirement of KTSTQ.01 at level 2: KT-1 closes level 1, level 2 stays uncovered."""
    from plugins.recommendation import paths

    require(world["tax"], {"THUE.01": 2, "KTSTQ.01": 2})
    path = paths.learning_path(world["officer"])
    assert codes(path) == ["KT-1", "TG-2"]
    assert [(u.code, u.achieved, u.reached, u.required) for u in path.uncovered] == [
        ("KTSTQ.01", 0, 1, 2)]


def test_followed_courses_stay_in_the_path_and_completed_ones_never_come_back(world):
    """PL-1 in progress: a step "in My learning" keeping its own due date, not to accept;
    TG-2 completed (level not yet risen): another course is not forced, TG-2 is not proposed."""
    from lms_core.courses import delivery
    from plugins.recommendation import paths

    officer, courses = world["officer"], world["courses"]
    delivery.enrol(officer, courses["PL-1"])
    complete(officer, courses["TG-2"])
    path = paths.learning_path(officer)
    assert codes(path) == ["PL-1", "PL-3"]
    assert path.steps[0].status == "following" and path.steps[0].due_on is None
    assert [(u.code, u.reached) for u in path.uncovered] == [("THUE.01", 1)]


def test_the_officer_accepts_the_path_and_sees_the_courses_assigned(world, client, auth):
    """POST accept: the three courses are assigned with the suggested due dates and My
    learning lists them as assigned; accepting again adds nothing and says so."""
    from plugins.recommendation import paths

    officer = world["officer"]
    planned = {s.course.code: s.due_on for s in paths.learning_path(officer).steps}
    auth.login("an")
    page = client.get("/recommendation/path").get_data(as_text=True)
    assert "Lộ trình học tập của tôi" in page and "Chấp nhận lộ trình" in page
    assert "PL-3" in page and "mức 1 → 3" in page
    response = client.post("/recommendation/path/accept", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã thêm 3 khoá học vào Học tập của tôi" in html
    assert "Chấp nhận lộ trình" not in html
    assigned = {i.enrolment.course.code: i.enrolment.due_on
                for i in catalogue.my_learning(officer).assigned}
    assert assigned == planned
    learning = client.get("/my-learning").get_data(as_text=True)
    assigned_part = learning.split('id="assigned"')[1].split('id="in-progress"')[0]
    for code in planned:
        assert code in assigned_part
    before = enrolment_count()
    again = client.post("/recommendation/path/accept", follow_redirects=True)
    assert "không có khoá học nào được thêm" in again.get_data(as_text=True)
    assert enrolment_count() == before


@pytest.mark.parametrize("who", ["no_position", "no_gaps"])
def test_no_position_or_no_gaps_means_no_path_and_accepting_changes_nothing(world, client,
                                                                           auth, who):
    """The page says why; accepting is refused with that message; nothing is enrolled."""
    officer = world["make_user"]("binh", unit=world["team_a"],
                                 position=world["tax"] if who == "no_gaps" else None)
    if who == "no_gaps":
        add(officer, "THUE.01", 2)
        add(officer, "THUE.02", 3)
    auth.login("binh")
    page = client.get("/recommendation/path").get_data(as_text=True)
    expected = ("chưa được bố trí vị trí việc làm" if who == "no_position"
                else "không còn khoảng cách năng lực")
    assert expected in page and "Chấp nhận lộ trình" not in page
    before = enrolment_count()
    refused = client.post("/recommendation/path/accept", follow_redirects=True)
    assert expected in refused.get_data(as_text=True)
    assert enrolment_count() == before


def test_a_rotated_officer_gets_the_path_as_onboarding_plan_on_the_profile(world, client,
                                                                          auth, make_position):
    """After a rotation to an audit post (KTSTQ.01 at 1), the competency profile shows the
    recommendation service's plan: KT-1."""
    from lms_core.organisation import operations as org_ops
    from plugins.competency import rotation

    audit = make_position("KTSTQ-KT", name_vi="Công chức kiểm tra sau thông quan")
    require(audit, {"KTSTQ.01": 1})
    org_ops.assign(world["officer"], world["team_a"], audit,
                   start_on=catalogue.local_today() - timedelta(days=10), kind="rotation")
    db.session.commit()
    summary = rotation.onboarding_summary(world["officer"])
    assert summary["plan_source"] == "recommendation"
    assert [(s.course_code, s.competency_code) for s in summary["plan"]] == [
        ("KT-1", "KTSTQ.01")]
    auth.login("an")
    html = client.get("/competency/").get_data(as_text=True)
    assert "Do hệ thống gợi ý khoá học đề xuất." in html and "KT-1" in html


# -- the unit head's plan -------------------------------------------------------------------------
@pytest.fixture
def unit_world(world):
    """Besides "an" (THUE.01 1/2, THUE.02 0/3) in team A: "binh" (nothing achieved) and
    "chi" (THUE.01 met, THUE.02 2/3) in team B."""
    from lms_core.organisation import queries as org

    make_user, tax = world["make_user"], world["tax"]
    team_b = org.unit_by_code("KV03-D2")
    binh = make_user("binh", unit=team_b, position=tax)
    chi = make_user("chi", unit=team_b, position=tax)
    add(chi, "THUE.01", 2)
    add(chi, "THUE.02", 2)
    branch = world["team_a"].parent
    return {**world, "binh": binh, "chi": chi, "branch": branch, "team_b": team_b}


def test_the_plan_ranks_needs_and_covers_the_most_officers_first(unit_world):
    """Needs: THUE.02 (3 officers, 7 levels) before THUE.01 (2 officers, weighted 6). Courses:
    PL-3 covers the three THUE.02 gaps, then TG-2 the two THUE.01 gaps; nothing uncovered."""
    from plugins.recommendation import plan

    p = plan.unit_plan(unit_world["branch"])
    assert [(n.code, n.officers, n.levels, n.weighted) for n in p.needs] == [
        ("THUE.02", 3, 7, 7.0), ("THUE.01", 2, 3, 6.0)]
    assert [(c.course.code, c.officers, c.by_competency) for c in p.courses] == [
        ("PL-3", 3, {"THUE.02": 3}), ("TG-2", 2, {"THUE.01": 2})]
    assert (p.pairs, p.covered, p.total_hours, p.uncovered) == (5, 5, 5.0, [])
    team = plan.unit_plan(unit_world["team_a"])  # "an" alone: ties go to the larger need
    assert [(c.course.code, c.officers) for c in team.courses] == [("PL-1", 1), ("TG-2", 1)]


def test_the_plan_page_is_for_the_unit_heads_and_hr(unit_world, client, auth):
    """Head of team A: its plan (200), team B's 403; an officer 403; an unknown unit 404;
    HR any unit; the unit page links to the plan for its head."""
    cases = [("truong-a", "KV03-D1", 200), ("truong-a", "KV03-D2", 403),
             ("an", "KV03-D1", 403), ("truong-a", "NO-SUCH", 404), ("quantri", "KV03", 200)]
    for who, unit, status in cases:
        auth.login(who)
        response = client.get(f"/recommendation/units/{unit}/plan")
        assert response.status_code == status, (who, unit)
        auth.logout()
    auth.login("quantri")
    html = client.get("/recommendation/units/KV03/plan").get_data(as_text=True)
    assert "Kế hoạch đào tạo, bồi dưỡng trong năm" in html
    assert html.index("PL-3") < html.index("TG-2")
    auth.logout()
    auth.login("truong-a")
    unit_page = client.get("/units/KV03-D1").get_data(as_text=True)
    assert "/recommendation/units/KV03-D1/plan" in unit_page


def test_the_plan_exports_as_xlsx(unit_world, client, auth):
    """Two sheets: the needs and the courses with officers and hours, in Vietnamese."""
    from openpyxl import load_workbook

    auth.login("quantri")
    response = client.get("/recommendation/units/KV03/plan.xlsx")
    assert response.status_code == 200
    assert "ke-hoach-dao-tao-KV03.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    needs, courses = book.worksheets
    assert needs["A1"].value == "Mã năng lực" and needs["A2"].value == "THUE.02"
    rows = [[c.value for c in row] for row in courses.iter_rows(min_row=2, max_row=3)]
    assert [(r[1], r[4], r[6]) for r in rows] == [("PL-3", 3, 3.0), ("TG-2", 2, 2.0)]


def test_a_head_assigns_a_planned_course_to_the_officers_it_covers(unit_world, client, auth):
    """HR assigns TG-2 from the branch's plan: "an" and "binh" get it, due on the date; a bad
    date or a course outside the plan changes nothing."""
    due = catalogue.local_today() + timedelta(days=60)
    auth.login("quantri")
    before = enrolment_count()
    for form in ({"course": "TG-2", "due_on": "31-12"}, {"course": "KT-1",
                                                        "due_on": due.strftime("%d/%m/%Y")}):
        response = client.post("/recommendation/units/KV03/plan/assign", data=form,
                               follow_redirects=True)
        assert response.status_code == 200
        assert enrolment_count() == before
    response = client.post("/recommendation/units/KV03/plan/assign", follow_redirects=True,
                           data={"course": "TG-2", "due_on": due.strftime("%d/%m/%Y")})
    assert "Đã giao khoá học TG-2 cho 2 cán bộ, công chức" in response.get_data(as_text=True)
    for person in (unit_world["officer"], unit_world["binh"]):
        e = enrolment(person, "TG-2")
        assert (e.source, e.due_on) == ("assigned", due)
    assert enrolment(unit_world["chi"], "TG-2") is None


# -- the dashboard --------------------------------------------------------------------------------
def test_the_dashboard_shows_the_top_three_with_their_first_reason(world, client, auth):
    """The panel "Khoá học gợi ý cho bạn": three courses, "mức … → …", a link to the path."""
    auth.login("an")
    html = client.get("/dashboard").get_data(as_text=True)
    panel = html.split('data-panel="recommendation"')[1].split("</section>")[0]
    assert "Khoá học gợi ý cho bạn" in html
    assert panel.count("<li>") == 3 and "Bù khoảng cách năng lực" in panel
    assert "/recommendation/path" in panel


def test_the_dashboard_says_so_when_there_is_no_position(world, client, auth):
    """An officer with no position: a short note, no list."""
    world["make_user"]("binh")
    auth.login("binh")
    html = client.get("/dashboard").get_data(as_text=True)
    panel = html.split('data-panel="recommendation"')[1].split("</section>")[0]
    assert "chưa được bố trí vị trí việc làm" in panel and "<ol" not in panel


# -- the API and its description ------------------------------------------------------------------
def test_the_api_document_describes_the_recommendations_route(world, client):
    """GET /api/v1/openapi.json holds the path, its schemas and the operation named after the
    endpoint; the document is valid OpenAPI 3.1 and every reference resolves."""
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/officers/{code}/recommendations"]["get"]
    assert op["operationId"] == "recommendation.officer_recommendations"
    assert {"Recommendations", "RecommendedCourse"} <= set(doc["components"]["schemas"])
    assert "recommendation" in {t["name"] for t in doc["tags"]}
    assert [str(e).splitlines()[0] for e in OPENAPI_31_VALIDATOR.iter_errors(doc)] == []
    assert openapi.query_schema("recommendation.officer_recommendations")["k"]["maximum"] == 50
    text = json.dumps(doc)
    for name in set(text.split('"#/components/schemas/')[1:]):
        assert name.split('"')[0] in doc["components"]["schemas"]


#: The recommendation operation alone, from the plugin's description merged into the core's.
FUZZ_CONFIG = copy.deepcopy(__import__("tests.core.test_api_fuzz", fromlist=["CONFIG"]).CONFIG)
FUZZ_CONFIG["dictionaries"] = {"known_codes": {"values": ["an", "AN", "truong-b", "NOBODY"]}}
fuzz_schema = schemathesis.openapi.from_dict(
    openapi.document(plugins=[recommendation_plugin]),
    config=schemathesis.Config.from_dict(FUZZ_CONFIG)).include(tag="recommendation")


@pytest.fixture
def fuzz_client(world, app, request):
    client = app.test_client()
    response = client.post("/login", data={"username": request.param, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("fuzz_client", ["an", "quantri"], indirect=True)
@fuzz_schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzz_the_recommendations_route(case, fuzz_client):
    """Schemathesis, as the officer and as HR: every answer is documented, never a 5xx."""
    case.call_and_validate(session=fuzz_client, app=fuzz_client.application)


# -- batches and bad input ------------------------------------------------------------------------
def test_a_batch_gives_each_officer_the_same_list_as_alone(world):
    """recommend_many shares one context; each result equals recommend_for's."""
    from plugins.recommendation import recommend

    other = world["make_user"]("binh", unit=world["team_a"], position=world["tax"])
    people = [world["officer"], other, world["head_a"]]
    batch = list(recommend.recommend_many(people, 5))
    alone = [recommend.recommend_for(p, 5) for p in people]
    assert [r.as_dict() for r in batch] == [r.as_dict() for r in alone]
    assert [r.status for r in batch] == ["ok", "ok", "no_position"]


def test_an_incompatible_stored_model_is_said_and_the_list_still_comes(world, client, auth):
    """A stored effect model that does not load: the page says it is not used and will be
    retrained, and still lists the courses with reasons."""
    from plugins.recommendation import store
    from plugins.recommendation.models import TrainedModel

    db.session.add(TrainedModel(kind="effect", version=1, blob=b"written by sklearn 0.1"))
    db.session.commit()
    store.clear_cache()
    auth.login("an")
    html = client.get("/recommendation/").get_data(as_text=True)
    assert "phiên bản không tương thích" in html and "huấn luyện lại" in html
    assert "mức 1 → 2" in html
    assert "Chưa có mô hình hiệu quả" not in html


@pytest.mark.parametrize("args, message", [
    (["--officer", "an", "--k", "0"], "k"),
    (["--officer", "an", "--k", "51"], "k"),
    (["--officer", "NOBODY"], "NOBODY"),
])
def test_the_command_refuses_bad_input(world, runner, args, message):
    """k out of range or an unknown officer: a non-zero exit with a message."""
    result = runner.invoke(args=["recommend", *args])
    assert result.exit_code != 0 and message in result.output


def test_the_command_prints_the_json_of_an_officer_without_position(world, runner):
    """`lms recommend --officer binh --json`: status no_position, popular courses."""
    world["make_user"]("binh")
    result = runner.invoke(args=["recommend", "--officer", "binh", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["status"] == "no_position" and len(body["popular"]) == 3
    assert body["recommendations"] == []


def test_the_path_is_computed_from_the_same_context_as_the_recommendations(world):
    """With today fixed in the context, due dates count from that day."""
    from plugins.recommendation import paths, recommend

    ctx = recommend.context(today=date(2030, 1, 7))
    path = paths.learning_path(world["officer"], ctx=ctx, pace=10)
    assert {s.due_on for s in path.steps} == {date(2030, 1, 14)}


def test_a_plugin_cannot_describe_a_path_or_schema_twice():
    """The OpenAPI merge refuses a plugin path or schema that already exists."""
    from lms_core.plugins import LmsPlugin

    class Clashing(LmsPlugin):
        """Clashing"""

        name = "clashing"

        def __init__(self, paths=None, schemas=None):
            super().__init__()
            self._paths, self._schemas = paths or {}, schemas or {}

        def api_paths(self):
            return self._paths

        def api_schemas(self):
            return self._schemas

    with pytest.raises(ValueError, match="/me"):
        openapi.document(plugins=[Clashing(paths={"/me": {}})])
    with pytest.raises(ValueError, match="Error"):
        openapi.document(plugins=[Clashing(schemas={"Error": {}})])
    assert "/me" in openapi.document(plugins=[Clashing()])["paths"]
