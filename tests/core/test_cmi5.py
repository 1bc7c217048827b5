"""cmi5: importing course structures, launching AUs, the fetch URL, the session rules the LRS
enforces, moveOn, and the LMS's satisfied / abandoned / waived statements."""

from __future__ import annotations

import base64
import io
import json
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from lms_core.cmi5 import operations as ops
from lms_core.cmi5 import vocabulary as C
from lms_core.cmi5.models import Cmi5AuState, Cmi5Package, Cmi5Session
from lms_core.courses import delivery
from lms_core.courses import operations as course_ops
from lms_core.courses.models import Certificate, Course, Enrolment, LessonProgress
from lms_core.courses.package import PackageError, export_version, import_package, open_package
from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.xapi import documents
from lms_core.xapi.clients import XapiClient
from lms_core.xapi.models import Statement

SAMPLE = Path(__file__).resolve().parents[2] / "content" / "CMI5-101"
CASE_AU = "https://hoctap.customs.gov.vn/cmi5/CMI5-101/au/tinh-huong"
TEST_AU = "https://hoctap.customs.gov.vn/cmi5/CMI5-101/au/kiem-tra"
NS = C.STRUCTURE_NS


# -- helpers ---------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    """The media store of each test in its own folder."""
    app.config["LMS_MEDIA_DIR"] = str(tmp_path / "media")


@pytest.fixture
def gsql(app):
    """The professional field the sample course names."""
    from lms_core.organisation import operations as org_ops

    org_ops.save_field("GSQL", "Giám sát quản lý", "Customs supervision")
    db.session.commit()


def _import(folder, publish=True) -> Course:
    result = import_package(open_package(folder))
    if publish:
        course_ops.publish(result.version)
    db.session.commit()
    return result.version.course


@pytest.fixture
def sample(app, gsql):
    """CMI5-101, the shipped sample, imported and published."""
    return _import(SAMPLE)


@pytest.fixture
def officer(make_user):
    return make_user("canbo")


def _au(au_id, url, *, move_on=None, mastery=None, method=None, extra=""):
    attrs = "".join(f' {k}="{v}"' for k, v in (("moveOn", move_on), ("masteryScore", mastery),
                                                 ("launchMethod", method)) if v is not None)
    return f"""  <au id="{au_id}"{attrs}>
    <title><langstring lang="vi-VN">Bài {au_id[-1]}</langstring></title>
    <description><langstring lang="vi-VN">Mô tả</langstring></description>
    <url>{url}</url>{extra}
  </au>
"""


def _xml(aus: str, ns: str = NS) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="{ns}">
  <course id="https://example.vn/course/1">
    <title><langstring lang="vi-VN">Khoá thử</langstring></title>
    <description><langstring lang="vi-VN">Mô tả</langstring></description>
  </course>
{aus}</courseStructure>
"""


def write_cmi5_package(root: Path, code: str, xml: str, lessons: list[tuple[str, str]],
                       files=("a.html",), structure="cmi5/cmi5.xml") -> Path:
    """A course package whose lessons are the given (AU id, title) of ``xml``."""
    folder = root / code
    (folder / "cmi5").mkdir(parents=True)
    if structure.endswith(".zip"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("cmi5.xml", xml)
            for name in files:
                archive.writestr(name, "<!doctype html><title>AU</title>")
        (folder / structure).write_bytes(buffer.getvalue())
    else:
        (folder / structure).write_text(xml, encoding="utf-8")
        for name in files:
            path = folder / "cmi5" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("<!doctype html><title>AU</title>", encoding="utf-8")
    entries = "".join(f"""      - kind: cmi5
        title: {{vi: "{title}", en: "{title}"}}
        minutes: 5
        structure: {structure}
        au: {au_id}
""" for au_id, title in lessons)
    (folder / "course.yaml").write_text(f"""format: 1
code: {code}
title: {{vi: "Khoá {code}", en: "Course {code}"}}
description: {{vi: "Mô tả", en: "About"}}
estimated_hours: 1
completion: {{lessons: all, quiz_passed: false}}
modules:
  - title: {{vi: "Chương 1", en: "Chapter 1"}}
    lessons:
{entries}""", encoding="utf-8")
    return folder


def _problems(folder) -> list[str]:
    with pytest.raises(PackageError) as caught:
        import_package(open_package(folder))
    db.session.rollback()
    return [f"{p.where}: {p.message}" for p in caught.value.problems]


class Au:
    """An AU in a test: launched over HTTP by the logged-in learner; speaks xAPI with the
    auth-token of its fetch URL."""

    def __init__(self, client, location: str):
        query = parse_qs(urlsplit(location).query)
        self.client = client
        self.location = location
        self.endpoint = query["endpoint"][0]
        self.fetch_url = query["fetch"][0]
        self.actor = json.loads(query["actor"][0])
        self.registration = query["registration"][0]
        self.activity_id = query["activityId"][0]
        self.token = None
        self.session_id = None

    def fetch(self):
        answer = self.client.post(urlsplit(self.fetch_url).path)
        body = answer.get_json()
        if "auth-token" in body:
            self.token = body["auth-token"]
            state = documents.get_state(self.activity_id, self.actor, C.LAUNCH_DATA,
                                        self.registration)
            self.launch_data = json.loads(state[0])
            self.session_id = self.launch_data["contextTemplate"]["extensions"][
                C.EXT_SESSION_ID]
        return answer

    def statement(self, verb, *, defined=True, move_on=False, result=None, **changes):
        category = [{"id": C.CATEGORY_CMI5}] if defined else []
        if move_on:
            category.append({"id": C.CATEGORY_MOVE_ON})
        template = json.loads(json.dumps(self.launch_data["contextTemplate"]))
        context = {**template, "registration": self.registration}
        if category:
            context["contextActivities"] = {**context.get("contextActivities", {}),
                                            "category": category}
        out = {"id": str(uuid.uuid4()), "actor": self.actor,
               "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
               "object": {"objectType": "Activity", "id": self.activity_id},
               "context": context, "timestamp": utcnow().isoformat() + "Z"}
        if result is not None:
            out["result"] = result
        out.update(changes)
        return out

    def post(self, *statements, token=None):
        body = list(statements) if len(statements) > 1 else statements[0]
        return self.client.post("/xapi/statements", data=json.dumps(body),
                                content_type="application/json", headers={
                                    "Authorization": f"Basic {token or self.token}",
                                    "X-Experience-API-Version": "1.0.3"})

    def send(self, verb, **kwargs):
        return self.post(self.statement(verb, **kwargs))

    def complete(self):
        return self.send(C.COMPLETED, move_on=True,
                         result={"completion": True, "duration": "PT5M"})

    def passed(self, scaled):
        return self.send(C.PASSED, move_on=True, result={
            "success": True, "score": {"scaled": scaled}, "duration": "PT3M"})

    def failed(self, scaled):
        return self.send(C.FAILED, move_on=True, result={
            "success": False, "score": {"scaled": scaled}, "duration": "PT3M"})


def _lesson(course, au_id):
    version = course.published_version
    return next(x for x in version.lessons if (x.settings or {}).get("au_id") == au_id)


@pytest.fixture
def learner(client, auth, officer, sample):
    """``learner(au_id, mode="Normal")`` -> an :class:`Au` launched by the enrolled officer
    (fetched, ready to send statements)."""
    delivery.enrol(officer, sample)
    db.session.commit()
    auth.login("canbo")

    def launch(au_id=CASE_AU, mode="Normal", fetch=True):
        lesson = _lesson(sample, au_id)
        answer = client.post(f"/cmi5/launch/{sample.code}/{lesson.id}", data={"mode": mode})
        assert answer.status_code == 303, answer.get_data(as_text=True)
        au = Au(client, answer.headers["Location"])
        if fetch:
            assert "auth-token" in au.fetch().get_json()
        return au

    return launch


def _verbs(**where) -> list[str]:
    query = sa.select(Statement).order_by(Statement.id)
    for key, value in where.items():
        query = query.where(getattr(Statement, key) == value)
    return [row.verb_id.rsplit("/", 1)[-1] for row in db.session.scalars(query)]


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# -- importing -----------------------------------------------------------------------------------
def test_the_sample_imports_each_au_as_a_cmi5_lesson_with_its_structure_data(sample):
    """CMI5-101: two cmi5 lessons holding id, url, moveOn, masteryScore, parameters, block."""
    case, test = (_lesson(sample, CASE_AU), _lesson(sample, TEST_AU))
    assert case.kind == test.kind == "cmi5"
    assert case.settings["url"] == "tinh-huong/index.html"
    assert case.settings["move_on"] == "Completed" and case.settings["mastery_score"] is None
    assert case.settings["launch_parameters"] == "steps=5"
    assert case.settings["launch_method"] == "AnyWindow"
    assert test.settings["move_on"] == "Passed" and test.settings["mastery_score"] == 0.8
    assert [b["id"] for b in test.settings["blocks"]] == [
        "https://hoctap.customs.gov.vn/cmi5/CMI5-101/block/to-khai-nhap-khau"]
    assert case.settings["package"] == test.settings["package"]
    assert "Hải Phòng" in case.body_vi


def test_au_files_are_served_to_logged_in_users_under_the_strict_policy(client, auth, officer,
                                                                        sample):
    """The AU's page comes from our origin, with the app's CSP; anonymous visitors log in."""
    key = _lesson(sample, CASE_AU).settings["package"]
    url = f"/cmi5/content/{key}/tinh-huong/index.html"
    assert client.get(url).status_code == 302
    auth.login("canbo")
    with client.get(url) as page:
        assert page.status_code == 200 and page.mimetype == "text/html"
        assert "Khai trước thông tin tờ khai" in page.get_data(as_text=True)
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    with client.get(f"/cmi5/content/{key}/vendor/cmi5.umd.js") as script:
        assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert client.get(f"/cmi5/content/{key}/no-such-file.html").status_code == 404
    assert client.get(f"/cmi5/content/{'0' * 64}/tinh-huong/index.html").status_code == 404


def test_structure_problems_name_the_line_and_nothing_is_imported(app, tmp_path):
    """Bad moveOn, masteryScore, launchMethod, duplicate ids, a missing AU file: all listed."""
    aus = (_au("https://example.vn/au/1", "a.html", move_on="Sometimes")
           + _au("https://example.vn/au/2", "a.html", mastery="1.5", method="NewTab")
           + _au("https://example.vn/au/1", "missing.html")
           + _au("https://example.vn/au/4", "../outside.html"))
    folder = write_cmi5_package(tmp_path, "BAD-1", _xml(aus), [("https://example.vn/au/2", "X")])
    problems = _problems(folder)
    assert any(p.startswith("cmi5/cmi5.xml:7: au https://example.vn/au/1: moveOn 'Sometimes'")
               for p in problems), problems
    assert any("masteryScore '1.5' must be a decimal from 0 to 1" in p for p in problems)
    assert any("launchMethod 'NewTab'" in p for p in problems)
    assert any("id 'https://example.vn/au/1' is already used on line 7" in p for p in problems)
    assert any("'missing.html': no such file beside cmi5.xml" in p for p in problems)
    assert any("'../outside.html' leaves the folder of cmi5.xml" in p for p in problems)
    assert _count(Course) == 0 and _count(Cmi5Package) == 0


@pytest.mark.parametrize("xml, expected", [
    ("<courseStructure", "cmi5/cmi5.xml:1: invalid XML"),
    (_xml(_au("https://example.vn/au/1", "a.html"), ns="urn:other"),
     "the root element must be <courseStructure> in the namespace"),
    ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY big "ha">]>\n<x>&big;</x>',
     "a DTD or entity declaration is not allowed"),
    (_xml(""), "courseStructure holds no <au> or <block>"),
    (_xml(_au("not an iri", "a.html")), "id 'not an iri' is not an IRI"),
    (_xml(_au("https://example.vn/au/1", "a.html?fetch=1")),
     "the url's query string uses fetch, which the launch sets"),
])
def test_unreadable_or_invalid_structures_are_refused(app, tmp_path, xml, expected):
    """Malformed XML, another namespace, a DTD, no AU, a bad id, a reserved parameter."""
    folder = write_cmi5_package(tmp_path, "BAD-2", xml, [("https://example.vn/au/1", "X")])
    problems = _problems(folder)
    assert any(expected in p for p in problems), problems
    assert _count(Course) == 0


def test_a_lesson_naming_an_unknown_au_or_the_same_au_twice_is_refused(app, tmp_path):
    """The AU must be in the structure, once."""
    xml = _xml(_au("https://example.vn/au/1", "a.html") + _au("https://example.vn/au/2",
                                                                "a.html"))
    folder = write_cmi5_package(tmp_path, "BAD-3", xml, [
        ("https://example.vn/au/9", "X"), ("https://example.vn/au/1", "Y"),
        ("https://example.vn/au/1", "Z")])
    problems = _problems(folder)
    assert any("AU 'https://example.vn/au/9' is not in cmi5/cmi5.xml (its AUs: "
               "https://example.vn/au/1, https://example.vn/au/2)" in p for p in problems)
    assert any("AU https://example.vn/au/1 is already a lesson" in p for p in problems)


def test_a_zip_structure_in_the_package_imports_and_unsafe_zips_are_refused(app, tmp_path):
    """structure: a zip holding cmi5.xml and the AU files; '..' in the zip is refused."""
    xml = _xml(_au("https://example.vn/au/1", "au/start.html"))
    folder = write_cmi5_package(tmp_path, "ZIP-1", xml, [("https://example.vn/au/1", "X")],
                                files=("au/start.html",), structure="cmi5/noi-dung.zip")
    course = _import(folder)
    lesson = course.published_version.lessons[0]
    assert lesson.settings["url"] == "au/start.html" and lesson.source_path == "cmi5/noi-dung.zip"
    bad = tmp_path / "evil"
    folder = write_cmi5_package(bad, "ZIP-2", xml, [("https://example.vn/au/1", "X")],
                                files=("au/start.html", "../evil.html"),
                                structure="cmi5/noi-dung.zip")
    assert any("absolute path or '..' in the zip" in p for p in _problems(folder))


def test_a_structure_alone_becomes_a_course_with_the_cli(app, runner, tmp_path):
    """`lms cmi5 import` takes a zip: one module per block, one lesson per AU."""
    block = f"""  <block id="https://example.vn/block/1">
    <title><langstring lang="vi-VN">Phần 1</langstring>
      <langstring lang="en-US">Part 1</langstring></title>
    <description><langstring lang="vi-VN">Mô tả</langstring></description>
{_au("https://example.vn/au/2", "b.html", move_on="Passed", mastery="0.7")}  </block>
"""
    xml = _xml(_au("https://example.vn/au/1", "a.html", move_on="Completed") + block)
    path = tmp_path / "noi-dung.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cmi5.xml", xml)
        archive.writestr("a.html", "<!doctype html>")
        archive.writestr("b.html", "<!doctype html>")
    result = runner.invoke(args=["cmi5", "import", str(path), "--code", "ext-1", "--publish"])
    assert result.exit_code == 0, result.output
    version = db.session.scalar(sa.select(Course).where(Course.code == "EXT-1")).published_version
    assert [m.title_vi for m in version.modules] == ["Khoá thử", "Phần 1"]
    assert [x.settings["au_id"] for x in version.lessons] == ["https://example.vn/au/1",
                                                               "https://example.vn/au/2"]
    alone = tmp_path / "cmi5.xml"
    alone.write_text(xml, encoding="utf-8")
    refused = runner.invoke(args=["cmi5", "import", str(alone), "--code", "EXT-2"])
    assert refused.exit_code == 2
    assert "needs fully qualified URLs" in refused.output
    assert db.session.scalar(sa.select(Course).where(Course.code == "EXT-2")) is None


def test_export_writes_the_structure_back_and_it_imports_again(sample, tmp_path):
    """A course with cmi5 lessons survives export and import."""
    out = export_version(sample.published_version, tmp_path / "out")
    assert (out / "cmi5" / "cmi5.xml").exists()
    assert (out / "cmi5" / "vendor" / "cmi5.umd.js").read_bytes() == \
        (SAMPLE / "cmi5" / "vendor" / "cmi5.umd.js").read_bytes()
    again = import_package(open_package(out)).version
    assert [x.settings for x in again.lessons] == [x.settings for x in
                                                    sample.published_version.lessons]


# -- launching ----------------------------------------------------------------------------------
def test_launch_sends_the_au_url_with_the_five_parameters(learner, officer, sample):
    """endpoint, fetch, actor (an account, no name), registration, activityId."""
    au = learner(fetch=False)
    enrolment = db.session.scalar(sa.select(Enrolment))
    lesson = _lesson(sample, CASE_AU)
    assert urlsplit(au.location).path.endswith("/tinh-huong/index.html")
    assert au.endpoint == "http://localhost/xapi/"
    assert urlsplit(au.fetch_url).path.startswith("/cmi5/fetch/")
    assert au.actor == {"objectType": "Agent", "account": {
        "homePage": "https://hoctap.customs.gov.vn", "name": officer.code}}
    assert au.registration == enrolment.registration
    assert au.activity_id.endswith(f"/course/CMI5-101/lesson/{lesson.key}")
    assert au.activity_id != CASE_AU


def test_launch_writes_launch_data_preferences_and_the_launched_statement(learner):
    """LMS.LaunchData as section 10 says; cmi5LearnerPreferences; launched with extensions."""
    au = learner(TEST_AU)
    data = au.launch_data
    session = db.session.scalar(sa.select(Cmi5Session))
    assert data["contextTemplate"]["extensions"] == {C.EXT_SESSION_ID: session.id}
    assert {"objectType": "Activity", "id": TEST_AU} in \
        data["contextTemplate"]["contextActivities"]["grouping"]
    assert data["launchMode"] == "Normal" and data["moveOn"] == "Passed"
    assert data["masteryScore"] == 0.8
    assert data["returnURL"] == f"http://localhost/cmi5/return/{session.id}"
    assert "launchParameters" not in data and "entitlementKey" not in data
    case = learner(CASE_AU)
    assert case.launch_data["launchParameters"] == "steps=5"
    preferences = documents.get_agent_profile(au.actor, C.LEARNER_PREFERENCES)
    assert json.loads(preferences[0])["languagePreference"] == "vi-VN,en-US"
    launched = db.session.scalars(sa.select(Statement).where(
        Statement.verb_id == C.LAUNCHED, Statement.activity_id == au.activity_id)).one()
    context = launched.payload["context"]
    assert context["registration"] == au.registration
    assert context["extensions"][C.EXT_SESSION_ID] == au.session_id
    assert context["extensions"][C.EXT_LAUNCH_MODE] == "Normal"
    assert context["extensions"][C.EXT_MOVE_ON] == "Passed"
    assert context["extensions"][C.EXT_MASTERY_SCORE] == 0.8
    assert context["extensions"][C.EXT_LAUNCH_URL].endswith("/kiem-tra/index.html")
    assert {"id": C.CATEGORY_CMI5} in [{"id": a["id"]} for a in
                                       context["contextActivities"]["category"]]


def test_the_au_reads_launch_data_but_cannot_change_it(learner):
    """The AU's token writes its own state, but LMS.LaunchData only the LMS writes."""
    au = learner(TEST_AU)
    before = documents.get_state(au.activity_id, au.actor, C.LAUNCH_DATA, au.registration)

    def state(method, state_id=None, body=b"{}"):
        query = {"activityId": au.activity_id, "agent": json.dumps(au.actor),
                 "registration": au.registration}
        if state_id:
            query["stateId"] = state_id
        return au.client.open("/xapi/activities/state", method=method, query_string=query,
                              data=body, content_type="application/json", headers={
                                  "Authorization": f"Basic {au.token}",
                                  "X-Experience-API-Version": "1.0.3"})

    assert state("GET", C.LAUNCH_DATA).status_code == 200
    for method, state_id in (("PUT", C.LAUNCH_DATA), ("POST", C.LAUNCH_DATA),
                             ("DELETE", C.LAUNCH_DATA), ("DELETE", None)):
        answer = state(method, state_id)
        assert answer.status_code == 403, (method, state_id)
        assert "LMS.LaunchData" in answer.get_json()["message"]
    assert documents.get_state(au.activity_id, au.actor, C.LAUNCH_DATA,
                               au.registration) == before
    assert state("PUT", "bookmark", b'{"page": 3}').status_code == 204


def test_an_entitlement_key_reaches_the_launch_data(app, client, auth, officer, tmp_path):
    """entitlementKey.courseStructure is the structure's entitlementKey."""
    xml = _xml(_au("https://example.vn/au/1", "a.html",
                   extra="\n    <entitlementKey> KEY-123 </entitlementKey>"))
    course = _import(write_cmi5_package(tmp_path, "ENT-1", xml, [("https://example.vn/au/1",
                                                                   "X")]))
    delivery.enrol(officer, course)
    db.session.commit()
    auth.login("canbo")
    lesson = course.published_version.lessons[0]
    au = Au(client, client.post(f"/cmi5/launch/ENT-1/{lesson.id}").headers["Location"])
    au.fetch()
    assert au.launch_data["entitlementKey"] == {"courseStructure": "KEY-123"}


def test_only_an_enrolled_learner_launches_and_only_cmi5_lessons(client, auth, make_user,
                                                                 sample):
    """Not enrolled: back to the course page; a lesson of another kind: 404."""
    make_user("khac")
    auth.login("khac")
    lesson = _lesson(sample, CASE_AU)
    answer = client.post(f"/cmi5/launch/{sample.code}/{lesson.id}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/courses/{sample.code}")
    assert _count(Cmi5Session) == 0
    assert client.post(f"/cmi5/launch/{sample.code}/999999").status_code == 302
    assert client.post("/cmi5/launch/NO-SUCH/1").status_code == 404


# -- the fetch URL -------------------------------------------------------------------------------
def test_fetch_returns_the_token_once_then_the_spec_error(learner):
    """First POST: auth-token; second: error-code 1; a made-up token: error-code 2."""
    au = learner(fetch=False)
    first = au.fetch()
    assert first.status_code == 200 and first.mimetype == "application/json"
    assert set(first.get_json()) == {"auth-token"}
    again = au.fetch()
    assert again.status_code == 200
    assert again.get_json() == {"error-code": "1", "error-text":
                                "The authorization token has already been returned."}
    forged = au.client.post("/cmi5/fetch/" + "x" * 43)
    assert forged.status_code == 200 and forged.get_json()["error-code"] == "2"
    assert au.client.get(urlsplit(au.fetch_url).path).status_code == 405
    assert _count(XapiClient) == 1


def test_the_token_authorises_the_lrs_and_the_cookie_does_not(learner):
    """The auth-token is HTTP Basic credentials; the browser's session is not enough."""
    au = learner()
    key, _secret = base64.b64decode(au.token).decode().split(":", 1)
    client = db.session.scalar(sa.select(XapiClient).where(XapiClient.key == key))
    assert client.scopes == ["statements/write", "statements/read/mine", "state", "profile"]
    assert au.send(C.INITIALIZED).status_code == 200
    cookie_only = au.client.post("/xapi/statements", json=au.statement(C.TERMINATED),
                                 headers={"X-Experience-API-Version": "1.0.3"})
    assert cookie_only.status_code == 401
    forged = au.post(au.statement(C.TERMINATED), token=base64.b64encode(
        f"{key}:wrong".encode()).decode())
    assert forged.status_code == 401
    assert _verbs(registration=au.registration)[-1] == "initialized"


# -- the session rules ---------------------------------------------------------------------------
@pytest.mark.parametrize("change, status, message", [
    ({"actor": {"objectType": "Agent", "account": {"homePage": "https://hoctap.customs.gov.vn",
                                                   "name": "HQ999999"}}},
     403, "the actor must be the learner the AU was launched for"),
    ({"actor": {"objectType": "Agent", "mbox": "mailto:an@customs.gov.vn"}},
     403, "the actor must be the learner"),
    ({"registration": str(uuid.uuid4())}, 403, "is not the registration this auth-token"),
    ({"registration": None}, 400, "context.registration is missing"),
    ({"session": "other"}, 403, "is not the session this auth-token was issued for"),
    ({"session": None}, 400, "context.extensions lacks the cmi5 session id"),
])
def test_statements_must_be_the_launched_learner_registration_and_session(learner, change,
                                                                           status, message):
    """Another actor, registration or session id is refused, and nothing is stored."""
    au = learner()
    statement = au.statement(C.INITIALIZED)
    if "actor" in change:
        statement["actor"] = change["actor"]
    if "registration" in change:
        if change["registration"] is None:
            del statement["context"]["registration"]
        else:
            statement["context"]["registration"] = change["registration"]
    if "session" in change:
        if change["session"] is None:
            del statement["context"]["extensions"]
        else:
            statement["context"]["extensions"][C.EXT_SESSION_ID] = change["session"]
    before = _count(Statement)
    answer = au.post(statement)
    assert answer.status_code == status
    assert message in answer.get_json()["message"]
    assert _count(Statement) == before


def test_initialized_comes_first_and_nothing_is_accepted_after_terminated(learner):
    """The first statement is initialized; after terminated the session takes nothing."""
    au = learner()
    early = au.complete()
    assert early.status_code == 400
    assert "the first statement of a cmi5 session must be initialized, not completed" in \
        early.get_json()["message"]
    assert au.send(C.INITIALIZED).status_code == 200
    allowed = au.send("http://adlnet.gov/expapi/verbs/experienced", defined=False)
    assert allowed.status_code == 200
    assert au.send(C.TERMINATED, result={"duration": "PT1M"}).status_code == 200
    before = _count(Statement)
    late = au.complete()
    assert late.status_code == 403
    assert "has ended (terminated); no statement is accepted for it any more" in \
        late.get_json()["message"]
    also = au.send("http://adlnet.gov/expapi/verbs/experienced", defined=False)
    assert also.status_code == 403
    assert _count(Statement) == before
    session = db.session.scalar(sa.select(Cmi5Session))
    assert session.terminated_at is not None and session.ended_at is not None


def test_a_batch_is_checked_in_order_and_refused_whole(learner):
    """[initialized, terminated, completed] in one POST: refused, nothing stored."""
    au = learner()
    before = _count(Statement)
    answer = au.post(au.statement(C.INITIALIZED), au.statement(C.TERMINATED),
                     au.statement(C.COMPLETED, move_on=True, result={"completion": True}))
    assert answer.status_code == 403 and answer.get_json()["message"].startswith(
        "statements[2]: cmi5 session")
    assert _count(Statement) == before


@pytest.mark.parametrize("build, status, message", [
    (lambda au: au.statement(C.SATISFIED), 403, "only the LMS makes satisfied statements"),
    (lambda au: au.statement(C.WAIVED), 403, "only the LMS makes waived statements"),
    (lambda au: au.statement("http://adlnet.gov/expapi/verbs/experienced"), 400,
     "a cmi5 defined statement (cmi5 category) uses one of the verbs"),
    (lambda au: au.statement(C.COMPLETED, move_on=True, result={"completion": True},
                             object={"objectType": "Activity", "id": "https://x.vn/a"}),
     400, "the object of a cmi5 defined statement is the AU"),
    (lambda au: au.statement(C.COMPLETED, result={"completion": True}), 400,
     "has the moveOn category"),
    (lambda au: au.statement(C.COMPLETED, move_on=True, result={"completion": False}), 400,
     "a completed statement has result.completion true"),
    (lambda au: au.statement(C.COMPLETED, move_on=True, result={
        "completion": True, "score": {"scaled": 1}}), 400,
     "only passed and failed statements carry a score"),
    (lambda au: au.statement(C.TERMINATED, move_on=True), 400,
     "only completed, passed and failed statements have the moveOn category"),
])
def test_cmi5_defined_statements_follow_the_verb_object_and_result_rules(learner, build,
                                                                          status, message):
    """LMS verbs, other verbs, another object, the moveOn category, result properties."""
    au = learner()
    assert au.send(C.INITIALIZED).status_code == 200
    answer = au.post(build(au))
    assert answer.status_code == status
    assert message in answer.get_json()["message"]


def test_the_same_statement_sent_again_is_accepted_once(learner):
    """A retry with the same id is not a second initialized."""
    au = learner()
    statement = au.statement(C.INITIALIZED)
    assert au.post(statement).status_code == 200
    assert au.post(statement).status_code == 200
    assert _verbs(verb_id=C.INITIALIZED) == ["initialized"]
    assert au.send(C.INITIALIZED).status_code == 400


def test_review_mode_takes_only_initialized_and_terminated(learner):
    """Launched in Review mode, the AU may not send completed."""
    au = learner(mode="Review")
    assert au.launch_data["launchMode"] == "Review"
    assert au.send(C.INITIALIZED).status_code == 200
    answer = au.complete()
    assert answer.status_code == 400 and "launched in Review mode" in answer.get_json()["message"]


def test_a_new_launch_abandons_the_open_session(learner):
    """Launching again ends the previous session with abandoned; its token stops working."""
    first = learner()
    assert first.send(C.INITIALIZED).status_code == 200
    second = learner()
    abandoned = db.session.scalars(sa.select(Statement).where(
        Statement.verb_id == C.ABANDONED)).one()
    assert abandoned.payload["context"]["extensions"][C.EXT_SESSION_ID] == first.session_id
    assert abandoned.payload["result"]["duration"].startswith("PT")
    assert first.send(C.TERMINATED).status_code == 401
    assert second.send(C.INITIALIZED).status_code == 200


def test_the_sweep_abandons_silent_sessions_and_closes_ended_ones(learner):
    """A session silent for hours is abandoned once; a terminated one's client is closed."""
    done = learner()
    done.send(C.INITIALIZED)
    done.send(C.TERMINATED, result={"duration": "PT1M"})
    assert ops.sweep(utcnow() + ops.CLIENT_GRACE + timedelta(minutes=1)) == (0, 1)
    db.session.commit()
    assert done.send(C.TERMINATED).status_code == 401
    silent = learner()
    silent.send(C.INITIALIZED)
    later = utcnow() + ops.SESSION_TIMEOUT + timedelta(minutes=1)
    assert ops.sweep(later) == (1, 0)
    assert ops.sweep(later) == (0, 0)
    db.session.commit()
    assert _verbs(verb_id=C.ABANDONED) == ["abandoned"]
    assert silent.send(C.TERMINATED).status_code == 401


# -- moveOn, satisfied, completion -----------------------------------------------------------------
@pytest.mark.parametrize("move_on, completed, passed, met", [
    ("Passed", False, True, True), ("Passed", True, False, False),
    ("Completed", True, False, True), ("Completed", False, True, False),
    ("CompletedAndPassed", True, False, False), ("CompletedAndPassed", True, True, True),
    ("CompletedOrPassed", False, True, True), ("CompletedOrPassed", True, False, True),
    ("CompletedOrPassed", False, False, False), ("NotApplicable", False, False, True),
])
def test_move_on_rules(move_on, completed, passed, met):
    """Each moveOn value against what the registration achieved."""
    state = Cmi5AuState(completed_at=utcnow() if completed else None,
                        passed_at=utcnow() if passed else None)
    assert ops.move_on_met(move_on, state) is met


@pytest.mark.parametrize("move_on, sends, satisfied", [
    ("Completed", ["completed"], True),
    ("Passed", ["completed"], False),
    ("Passed", ["passed"], True),
    ("CompletedAndPassed", ["passed"], False),
    ("CompletedAndPassed", ["completed", "passed"], True),
    ("CompletedOrPassed", ["passed"], True),
])
def test_the_au_statements_satisfy_the_lesson_by_its_move_on(app, client, auth, officer,
                                                             tmp_path, move_on, sends,
                                                             satisfied):
    """The AU's completed/passed statements meet (or not) its moveOn; the lesson follows."""
    xml = _xml(_au("https://example.vn/au/1", "a.html", move_on=move_on)
               + _au("https://example.vn/au/2", "a.html", move_on="Completed"))
    course = _import(write_cmi5_package(tmp_path, "MO-1", xml, [
        ("https://example.vn/au/1", "X"), ("https://example.vn/au/2", "Y")]))
    delivery.enrol(officer, course)
    db.session.commit()
    auth.login("canbo")
    lesson = course.published_version.lessons[0]
    au = Au(client, client.post(f"/cmi5/launch/MO-1/{lesson.id}").headers["Location"])
    au.fetch()
    au.send(C.INITIALIZED)
    for verb in sends:
        answer = au.complete() if verb == "completed" else au.passed(1.0)
        assert answer.status_code == 200, answer.get_json()
    state = db.session.scalar(sa.select(Cmi5AuState))
    assert (state.satisfied_at is not None) is satisfied
    progress = db.session.scalar(sa.select(LessonProgress).where(
        LessonProgress.lesson_id == lesson.id))
    assert (progress is not None and progress.completed_at is not None) is satisfied
    assert db.session.scalar(sa.select(Enrolment)).completed_at is None


def test_both_aus_satisfied_complete_block_course_and_the_platform_course(learner, officer):
    """Case completed, then test passed: satisfied block and course, certificate issued."""
    case = learner(CASE_AU)
    case.send(C.INITIALIZED)
    assert case.complete().status_code == 200
    case.send(C.TERMINATED, result={"duration": "PT6M"})
    assert _verbs(verb_id=C.SATISFIED) == []
    test = learner(TEST_AU)
    test.send(C.INITIALIZED)
    assert test.failed(0.6).status_code == 200
    test.send(C.TERMINATED)
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.completed_at is None
    retry = learner(TEST_AU)
    retry.send(C.INITIALIZED)
    below = retry.passed(0.6)
    assert below.status_code == 400 and "below the masteryScore 0.8" in \
        below.get_json()["message"]
    assert retry.passed(0.8).status_code == 200
    satisfied = db.session.scalars(sa.select(Statement).where(
        Statement.verb_id == C.SATISFIED).order_by(Statement.id)).all()
    types = [s.payload["object"]["definition"]["type"] for s in satisfied]
    assert types == [C.TYPE_BLOCK, C.TYPE_COURSE]
    assert all(s.payload["context"]["extensions"][C.EXT_SESSION_ID] == retry.session_id
               for s in satisfied)
    assert satisfied[0].payload["context"]["contextActivities"]["grouping"][0]["id"] == \
        "https://hoctap.customs.gov.vn/cmi5/CMI5-101/block/to-khai-nhap-khau"
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None
    assert db.session.scalar(sa.select(Certificate).where(
        Certificate.enrolment_id == enrolment.id)) is not None
    assert delivery.progress_summary(enrolment)["percent"] == 100
    failed_again = retry.failed(0.2)
    assert failed_again.status_code == 400


def test_failed_cannot_follow_passed_and_completed_is_once_per_registration(learner):
    """Per registration: one completed, no failed after passed."""
    test = learner(TEST_AU)
    test.send(C.INITIALIZED)
    assert test.passed(1.0).status_code == 200
    test.send(C.TERMINATED)
    again = learner(TEST_AU)
    again.send(C.INITIALIZED)
    answer = again.failed(0.2)
    assert answer.status_code == 400
    assert "failed cannot follow passed in the same registration" in answer.get_json()["message"]
    case = learner(CASE_AU)
    case.send(C.INITIALIZED)
    case.complete()
    case.send(C.TERMINATED)
    case2 = learner(CASE_AU)
    case2.send(C.INITIALIZED)
    twice = case2.complete()
    assert twice.status_code == 400
    assert "already completed in this registration" in twice.get_json()["message"]


def test_not_applicable_aus_are_satisfied_when_the_registration_is_made(app, officer,
                                                                        tmp_path):
    """moveOn NotApplicable: satisfied at enrolment, with satisfied for the course."""
    xml = _xml(_au("https://example.vn/au/1", "a.html"))
    course = _import(write_cmi5_package(tmp_path, "NA-1", xml, [("https://example.vn/au/1",
                                                                  "X")]))
    enrolment = delivery.enrol(officer, course)
    db.session.commit()
    assert _verbs(verb_id=C.SATISFIED) == ["satisfied"]
    assert enrolment.completed_at is not None


def test_staff_waive_an_au_and_it_counts_as_met(client, auth, make_user, officer, sample):
    """HR waives the test: waived with its reason, satisfied, lesson done; only once."""
    make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN))
    delivery.enrol(officer, sample)
    db.session.commit()
    lesson = _lesson(sample, TEST_AU)
    url = f"/cmi5/courses/{sample.code}/learners/{officer.code}/{lesson.id}/waive"
    auth.login("canbo")
    assert client.post(url, data={"reason": "Tested Out"}).status_code == 403
    auth.logout()
    auth.login("quantri")
    page = client.get(f"/cmi5/courses/{sample.code}/learners/{officer.code}")
    assert page.status_code == 200 and "Kiểm tra tình huống" in page.get_data(as_text=True)
    assert client.post(url, data={"reason": "Because"}).status_code == 302
    assert _verbs(verb_id=C.WAIVED) == []
    answer = client.post(url, data={"reason": "Tested Out"}, follow_redirects=True)
    assert answer.status_code == 200
    waived = db.session.scalars(sa.select(Statement).where(Statement.verb_id == C.WAIVED)).one()
    assert waived.payload["result"]["extensions"][C.EXT_REASON] == "Tested Out"
    assert waived.payload["result"]["success"] is True
    assert waived.payload["result"]["completion"] is True
    state = db.session.scalar(sa.select(Cmi5AuState))
    assert state.waived_at is not None and state.satisfied_at is not None
    progress = db.session.scalar(sa.select(LessonProgress).where(
        LessonProgress.lesson_id == lesson.id))
    assert progress.completed_at is not None
    client.post(url, data={"reason": "Administrative"})
    assert _verbs(verb_id=C.WAIVED) == ["waived"]
    overview = client.get(f"/cmi5/courses/{sample.code}")
    assert overview.status_code == 200 and officer.full_name in overview.get_data(as_text=True)


# -- pages -------------------------------------------------------------------------------------
def test_the_player_shows_the_au_state_and_the_launch_button(client, auth, officer, sample):
    """Not started, then the requirement met after the AU completed."""
    delivery.enrol(officer, sample)
    db.session.commit()
    auth.login("canbo")
    lesson = _lesson(sample, CASE_AU)
    page = client.get(f"/learn/{sample.code}/{lesson.id}").get_data(as_text=True)
    assert "Chưa học" in page and 'data-frame="cmi5-au"' in page
    assert f'action="/cmi5/launch/{sample.code}/{lesson.id}"' in page
    au = Au(client, client.post(f"/cmi5/launch/{sample.code}/{lesson.id}").headers["Location"])
    au.fetch()
    au.send(C.INITIALIZED)
    au.complete()
    page = client.get(f"/learn/{sample.code}/{lesson.id}").get_data(as_text=True)
    assert "Đã đáp ứng yêu cầu" in page and "Xem lại (không thay đổi kết quả)" in page
    back = client.get(f"/cmi5/return/{au.session_id}")
    assert back.status_code == 200
    assert f'data-back="/learn/{sample.code}/{lesson.id}"' in back.get_data(as_text=True)


def test_a_return_page_of_another_learner_is_not_found(client, auth, make_user, learner):
    """The return page belongs to the session's learner."""
    au = learner()
    make_user("khac")
    auth.logout()
    auth.login("khac")
    assert client.get(f"/cmi5/return/{au.session_id}").status_code == 404
