"""The built-in LRS's Statements resource (/xapi/statements)."""

from __future__ import annotations

import base64
import json
import threading
import uuid

import pytest
import sqlalchemy as sa
from tincan import Activity, Agent, AgentAccount, RemoteLRS, Statement, StatementRef, Verb
from werkzeug.serving import make_server

from lms_core.extensions import db
from lms_core.xapi import clients
from lms_core.xapi.models import Statement as Row

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
ACTIVITY = "https://hoctap.customs.gov.vn/xapi/activities/course/HQ-01"


@pytest.fixture
def lrs_app(app):
    """The app with the LRS blueprint and CLI group (registered here until the app does)."""
    from lms_core.xapi.cli import xapi_cli
    from lms_core.xapi.lrs import bp

    if "xapi" not in app.blueprints:
        app.register_blueprint(bp)
    if "xapi" not in app.cli.commands:
        app.cli.add_command(xapi_cli)
    return app


@pytest.fixture
def make_client(lrs_app):
    def make(*scopes, name="Nội dung cmi5"):
        client, secret = clients.create_client(name, list(scopes or ("all",)))
        key = client.key
        db.session.commit()  # and no read after it: the served app's requests need the lock
        return key, secret

    return make


@pytest.fixture
def http(lrs_app, make_client):
    """A test client that sends a full-scope client's credentials and the version header."""
    key, secret = make_client("all")
    return Http(lrs_app.test_client(), key, secret)


class Http:
    def __init__(self, client, key, secret):
        self.client = client
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()

    def headers(self, version="1.0.3", **extra):
        headers = {"Authorization": self.auth, **extra}
        if version is not None:
            headers["X-Experience-API-Version"] = version
        return headers

    def post(self, body, version="1.0.3", content_type="application/json", **kw):
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post("/xapi/statements", data=data, content_type=content_type,
                                headers=self.headers(version), **kw)

    def put(self, sid, body):
        return self.client.put(f"/xapi/statements?statementId={sid}", data=json.dumps(body),
                               content_type="application/json", headers=self.headers())

    def get(self, version="1.0.3", **params):
        return self.client.get("/xapi/statements", query_string=params,
                               headers=self.headers(version))


def stmt(verb=COMPLETED, activity=ACTIVITY, name="HQ000001", **extra):
    return {"actor": {"objectType": "Agent", "name": "Nguyễn Văn An",
                      "account": {"homePage": "https://hoctap.customs.gov.vn", "name": name}},
            "verb": {"id": verb, "display": {"vi-VN": "đã hoàn thành", "en-US": "completed"}},
            "object": {"objectType": "Activity", "id": activity}, **extra}


@pytest.fixture
def remote(lrs_app, make_client):
    """A tincan RemoteLRS talking to the app served on a free local port."""
    server = make_server("127.0.0.1", 0, lrs_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    key, secret = make_client("all")
    yield RemoteLRS(endpoint=f"http://127.0.0.1:{server.server_port}/xapi/", version="1.0.3",
                    username=key, password=secret)
    server.shutdown()
    thread.join()


def tincan_statement(verb=COMPLETED, activity=ACTIVITY, name="HQ000002"):
    return Statement(actor=Agent(name="Trần Thị Bình", account=AgentAccount(
        home_page="https://hoctap.customs.gov.vn", name=name)), verb=Verb(id=verb),
        object=Activity(id=activity))


# -- through the tincan client ------------------------------------------------------------------
def test_tincan_client_saves_retrieves_queries_and_pages(remote):
    """Statements saved with RemoteLRS come back one by one, by query and page by page."""
    one = remote.save_statement(tincan_statement())
    assert one.success, one.data
    saved_id = str(one.content.id)
    batch = [tincan_statement(activity=f"{ACTIVITY}/lesson/{i}") for i in range(5)]
    many = remote.save_statements(batch)
    assert many.success, many.data

    got = remote.retrieve_statement(saved_id)
    assert got.success and got.content.verb.id == COMPLETED
    assert got.content.authority is not None and got.content.stored is not None

    agent = Agent(account=AgentAccount(home_page="https://hoctap.customs.gov.vn",
                                       name="HQ000002"))
    page = remote.query_statements({"agent": agent, "verb": Verb(id=COMPLETED), "limit": 2})
    assert page.success, page.data
    seen = [str(s.id) for s in page.content.statements]
    assert len(seen) == 2 and page.content.more
    while page.content.more:
        page = remote.more_statements(page.content)
        assert page.success, page.data
        seen += [str(s.id) for s in page.content.statements]
    assert len(seen) == len(set(seen)) == 6

    only = remote.query_statements({"activity": Activity(id=f"{ACTIVITY}/lesson/3")})
    assert [s.object.id for s in only.content.statements] == [f"{ACTIVITY}/lesson/3"]


def test_tincan_client_voids_a_statement(remote):
    """A voided statement leaves the queries and is found by voidedStatementId."""
    target = remote.save_statement(tincan_statement()).content
    voiding = Statement(actor=target.actor, verb=Verb(id=VOIDED),
                        object=StatementRef(id=target.id))
    assert remote.save_statement(voiding).success
    assert not remote.retrieve_statement(str(target.id)).success
    assert remote.retrieve_voided_statement(str(target.id)).success
    ids = [str(s.id) for s in remote.query_statements({"verb": Verb(id=COMPLETED)})
           .content.statements]
    assert str(target.id) not in ids


# -- storing ------------------------------------------------------------------------------------
def test_post_assigns_ids_and_stores_authority(http):
    """POST returns the ids; the rows hold stored, authority and the filter columns."""
    response = http.post([stmt(), stmt(verb=ATTEMPTED, id=str(uuid.uuid4()))])
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    ids = response.get_json()
    rows = {r.statement_id: r for r in db.session.scalars(sa.select(Row))}
    assert set(ids) <= set(rows)
    row = rows[ids[0]]
    assert row.verb_id == COMPLETED and row.activity_id == ACTIVITY
    assert row.payload["authority"]["account"]["homePage"].endswith("/xapi/clients")
    assert row.payload["stored"] and row.payload["timestamp"] and not row.voided


def test_same_id_same_content_is_not_stored_twice(http):
    """Posting the same statement again (reordered keys, other case) adds no row."""
    sid = str(uuid.uuid4())
    body = stmt(id=sid, timestamp="2026-01-05T08:00:00+07:00")
    assert http.post(body).status_code == 200
    again = dict(reversed(list({**body, "id": sid.upper(),
                                "timestamp": "2026-01-05T01:00:00Z"}.items())))
    assert http.post(again).status_code == 200
    assert http.put(sid, body).status_code == 204
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 1


def test_same_id_other_content_is_409_and_changes_nothing(http):
    """Reusing an id for other content is a conflict; the batch stores nothing."""
    sid = str(uuid.uuid4())
    assert http.put(sid, stmt()).status_code == 204
    response = http.post([stmt(name="HQ000009"), stmt(verb=ATTEMPTED, id=sid)])
    assert response.status_code == 409
    assert sid in response.get_json()["message"]
    assert http.put(sid, stmt(verb=ATTEMPTED)).status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 1


def test_put_id_must_match_and_is_required(http):
    """PUT needs statementId and a body id that equals it."""
    assert http.client.put("/xapi/statements", data=json.dumps(stmt()),
                           content_type="application/json",
                           headers=http.headers()).status_code == 400
    response = http.put(str(uuid.uuid4()), stmt(id=str(uuid.uuid4())))
    assert response.status_code == 400 and "differs" in response.get_json()["message"]


def test_oversized_batch_is_refused(http, lrs_app):
    """A batch above LMS_XAPI_MAX_BATCH is refused whole."""
    lrs_app.config["LMS_XAPI_MAX_BATCH"] = 3
    response = http.post([stmt() for _ in range(4)])
    assert response.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_duplicate_ids_in_a_batch_are_refused(http):
    """Two statements with one id in a batch: 400, nothing stored."""
    sid = str(uuid.uuid4())
    assert http.post([stmt(id=sid), stmt(id=sid)]).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


@pytest.mark.parametrize("body, words", [
    ("{not json", "not valid JSON"),
    ({k: v for k, v in stmt().items() if k != "actor"}, "actor is missing"),
    ({k: v for k, v in stmt().items() if k != "verb"}, "verb is missing"),
    ({k: v for k, v in stmt().items() if k != "object"}, "object is missing"),
    (stmt(verb="completed"), "statement.verb.id: 'completed' is not an absolute IRI"),
    ({**stmt(), "verb": {"id": COMPLETED, "display": {"vietnamese!": "x"}}},
     "statement.verb.display: 'vietnamese!' is not an RFC 5646 language tag"),
    (stmt(id="123"), "statement.id: '123' is not a UUID"),
    (stmt(timestamp="05/01/2026"), "statement.timestamp"),
    (stmt(result={"duration": "90 minutes"}), "statement.result.duration"),
    (stmt(result={"score": {"scaled": 1.5}}), "statement.result.score.scaled"),
    (stmt(result={"score": {"raw": 11, "min": 0, "max": 10}}), "above max"),
    (stmt(version="3.0.0"), "statement.version"),
    (stmt(foo=1), "unknown property 'foo'"),
    ({**stmt(), "object": {"objectType": "Person", "id": ACTIVITY}}, "statement.object.objectType"),
    ({**stmt(), "actor": {"name": "An"}}, "exactly one of mbox"),
    ({**stmt(), "actor": {"mbox": "an@customs.gov.vn"}}, "statement.actor.mbox"),
    (stmt(verb=VOIDED), "StatementRef"),
])
def test_invalid_statements_are_400_with_a_precise_message(http, body, words):
    """Each malformed statement is refused with a message that names the problem."""
    response = http.post(body)
    assert response.status_code == 400
    assert response.get_json()["error"] == 400
    assert words in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_wrong_content_type_is_400(http):
    """Statements must be sent as application/json."""
    response = http.post(json.dumps(stmt()), content_type="text/plain")
    assert response.status_code == 400 and "Content-Type" in response.get_json()["message"]


@pytest.mark.parametrize("version", [None, "0.95", "1.1.0"])
def test_missing_or_unknown_version_header_is_400(http, version):
    """Without a supported X-Experience-API-Version header nothing is stored."""
    response = http.post(stmt(), version=version)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.get_json()["message"]
    assert response.headers["X-Experience-API-Version"]


def test_version_2_is_accepted(http):
    """A 2.0.0 request is answered in 2.0.0."""
    response = http.post(stmt(), version="2.0.0")
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


# -- authentication and scopes ------------------------------------------------------------------
def test_credentials_are_required(lrs_app, http):
    """No or wrong credentials: 401 with a Basic challenge."""
    anonymous = lrs_app.test_client().get(
        "/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    http.auth = http.auth[:-4] + "AAAA"
    assert http.get().status_code == 401


def test_scopes_limit_what_a_client_may_do(lrs_app, http, make_client):
    """A write-only client cannot read; content clients cannot void; read/mine sees its own."""
    sid = http.post(stmt()).get_json()[0]
    writer = Http(lrs_app.test_client(), *make_client("statements/write"))
    assert writer.get().status_code == 403
    response = writer.post(stmt(verb=VOIDED, object={"objectType": "StatementRef", "id": sid}))
    assert response.status_code == 403 and "void" in response.get_json()["message"]
    mine = Http(lrs_app.test_client(),
                *make_client("statements/write", "statements/read/mine"))
    own = mine.post(stmt(name="HQ000077")).get_json()[0]
    ids = [s["id"] for s in mine.get().get_json()["statements"]]
    assert ids == [own]
    assert mine.get(statementId=sid).status_code == 404


def test_deactivated_client_is_refused(http, lrs_app, make_client):
    """A deactivated client's credentials stop working."""
    key, secret = make_client("all")
    clients.set_active(key, False)
    db.session.commit()
    assert Http(lrs_app.test_client(), key, secret).get().status_code == 401


# -- reading ------------------------------------------------------------------------------------
def test_single_statement_headers_and_404(http):
    """A statement by id carries Last-Modified and Consistent-Through; an unknown id is 404."""
    sid = http.post(stmt()).get_json()[0]
    response = http.get(statementId=sid)
    assert response.status_code == 200 and response.get_json()["id"] == sid
    assert response.headers["Last-Modified"]
    assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")
    assert http.get(statementId=str(uuid.uuid4())).status_code == 404
    assert http.get(voidedStatementId=sid).status_code == 404
    assert http.get(statementId=sid, verb=COMPLETED).status_code == 400


def test_voiding_statement_cannot_be_voided(http):
    """Voiding a voiding statement is refused and leaves both as they were."""
    sid = http.post(stmt()).get_json()[0]
    ref = {"objectType": "StatementRef", "id": sid}
    voiding = http.post(stmt(verb=VOIDED, object=ref)).get_json()[0]
    response = http.post(stmt(verb=VOIDED, object={"objectType": "StatementRef",
                                                   "id": voiding}))
    assert response.status_code == 400
    assert http.get(statementId=voiding).status_code == 200
    assert http.get(voidedStatementId=sid).status_code == 200


def test_filters_format_and_order(http):
    """registration, since/until, ascending and format=ids filter and shape the results."""
    registration = str(uuid.uuid4())
    first = http.post(stmt(context={"registration": registration})).get_json()[0]
    http.post(stmt(verb=ATTEMPTED))
    found = http.get(registration=registration).get_json()["statements"]
    assert [s["id"] for s in found] == [first]
    ordered = http.get(ascending="true").get_json()["statements"]
    assert ordered[0]["id"] == first
    ids = http.get(format="ids").get_json()["statements"][0]
    assert ids["verb"] == {"id": COMPLETED if ids["id"] == first else ATTEMPTED}
    assert "name" not in ids["actor"]
    canonical = http.get(format="canonical").get_json()["statements"][0]
    assert len(canonical["verb"]["display"]) == 1
    assert http.get(since="2999-01-01T00:00:00Z").get_json()["statements"] == []


@pytest.mark.parametrize("params, words", [
    ({"related_activities": "maybe"}, "related_activities must be true or false"),
    ({"related_agents": "yes"}, "related_agents must be true or false"),
    ({"attachments": "2"}, "attachments must be true or false"),
    ({"ascending": "up"}, "ascending must be true or false"),
    ({"format": "full"}, "format must be ids, exact or canonical"),
    ({"registration": "not-a-uuid"}, "registration"),
    ({"verb": "completed"}, "verb: 'completed' is not an absolute IRI"),
    ({"agent": "{\"objectType\": \"Group\", \"member\": [{\"mbox\": \"mailto:a@b.vn\"}]}"},
     "not an anonymous Group"),
    ({"agent": "not json"}, "agent must be an Agent or Group as JSON"),
    ({"agent": "{\"name\": \"x\"}"}, "agent"),
    ({"since": "yesterday"}, "since"),
    ({"limit": "-1"}, "limit"),
    ({"colour": "red"}, "Unknown query parameter 'colour'"),
    ({"more": "garbage"}, "more"),
])
def test_bad_query_parameters_are_400(http, params, words):
    """Unsupported or malformed query parameters are refused, never ignored."""
    response = http.get(**params)
    assert response.status_code == 400 and words in response.get_json()["message"]


def test_paging_is_stable_under_inserts(http):
    """Statements stored between two pages neither repeat nor shift what follows."""
    first = [http.post(stmt(activity=f"{ACTIVITY}/{i}")).get_json()[0] for i in range(4)]
    page = http.get(limit=2).get_json()
    http.post(stmt(activity=f"{ACTIVITY}/late"))
    rest = http.client.get(page["more"], headers=http.headers()).get_json()
    seen = [s["id"] for s in page["statements"] + rest["statements"]]
    assert seen == list(reversed(first)) and rest["more"] == ""


def test_platform_statements_are_returned(http, make_user):
    """A statement recorded by the platform itself is found by the LRS."""
    from lms_core.xapi import statements as S

    user = make_user("an", roles=("officer",))
    row = S.record(S.build(user, "completed", S.activity("course/HQ-01", "course", "Khoá",
                                                         "Course")), user=user)
    db.session.commit()
    response = http.get(statementId=row.statement_id)
    assert response.status_code == 200
    agent = json.dumps({"account": {"homePage": "https://hoctap.customs.gov.vn",
                                    "name": user.code}})
    assert [s["id"] for s in http.get(agent=agent).get_json()["statements"]] == [
        row.statement_id]
    posted = http.post(stmt(name=user.code))
    assert posted.status_code == 200
    stored = db.session.scalar(sa.select(Row).where(Row.statement_id == posted.get_json()[0]))
    assert stored.user_id == user.id


def test_cli_creates_a_client(runner, lrs_app):
    """`lms xapi client create` prints working credentials once."""
    result = runner.invoke(args=["xapi", "client", "create", "Nội dung SCORM",
                                 "--scope", "statements/write", "--scope", "statements/read"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scopes"] == ["statements/write", "statements/read"]
    stored = db.session.scalar(sa.select(clients.XapiClient))
    assert stored.secret_hash != data["secret"]
    assert Http(lrs_app.test_client(), data["key"], data["secret"]).get().status_code == 200
    bad = runner.invoke(args=["xapi", "client", "create", "x", "--scope", "everything"])
    assert bad.exit_code != 0


def test_time_claimed_by_outside_content_is_not_study_time(http, make_user, make_course):
    """Content may send `experienced` with any duration; only the platform's own verified
    time counts as study hours."""
    from datetime import timedelta

    from lms_core.courses import delivery
    from lms_core.courses.catalogue import study_hours

    officer = make_user("an")
    experienced = "http://adlnet.gov/expapi/verbs/experienced"
    claim = stmt(verb=experienced, name=officer.code, result={"duration": "PT10H"},
                 context={"extensions": {
                     "https://hoctap.customs.gov.vn/xapi/extensions/verified-seconds": 36000}})
    assert http.post(claim).status_code == 200
    assert db.session.scalar(sa.select(Row).where(Row.verb_id == experienced)).user_id \
        == officer.id
    assert study_hours(officer) == 0
    enrolment = delivery.enrol(officer, make_course())
    session = delivery.open_lesson(enrolment, enrolment.version.lessons[0])
    delivery.heartbeat(session, seq=1, active_seconds=360,
                       now=session.last_beat_at + timedelta(minutes=6))
    delivery.close_session(session)
    db.session.commit()
    assert study_hours(officer) == 0.1


# -- version rules and headers ------------------------------------------------------------------
@pytest.mark.parametrize("asked, answered", [("1.0.0", "1.0.3"), ("1.0.3", "1.0.3"),
                                             ("2.0.0", "2.0.0")])
def test_response_version_follows_the_request(http, asked, answered):
    """1.0.x requests are answered as 1.0.3, 2.0.0 requests as 2.0.0."""
    assert http.post(stmt(), version=asked).headers["X-Experience-API-Version"] == answered
    assert http.get(version=asked).headers["X-Experience-API-Version"] == answered


def test_requests_without_a_version_are_answered_as_the_latest(http, lrs_app):
    """No version header: 400, answered with the latest version; About needs none."""
    response = http.get(version=None)
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    about = lrs_app.test_client().get("/xapi/about")
    assert about.status_code == 200 and "2.0.0" in about.get_json()["version"]


@pytest.mark.parametrize("params", [{}, {"statementId": str(uuid.uuid4())},
                                    {"limit": "-5"}, {"verb": "nope"}])
def test_every_statement_get_says_how_consistent_it_is(http, params):
    """Every GET of statements (errors included) carries Consistent-Through and
    Last-Modified."""
    response = http.get(**params)
    assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")
    assert response.headers["Last-Modified"].endswith("GMT")


def test_head_answers_like_get_without_a_body(http):
    """HEAD of a statement: the GET's status and headers, no body."""
    sid = http.post(stmt()).get_json()[0]
    response = http.client.head("/xapi/statements", query_string={"statementId": sid},
                                headers=http.headers())
    assert response.status_code == 200 and response.data == b""
    assert response.headers["X-Experience-API-Consistent-Through"]
    missing = http.client.head("/xapi/statements",
                               query_string={"statementId": str(uuid.uuid4())},
                               headers=http.headers())
    assert missing.status_code == 404


# -- single statements --------------------------------------------------------------------------
@pytest.mark.parametrize("other", [{"agent": json.dumps({"mbox": "mailto:an@customs.gov.vn"})},
                                   {"verb": COMPLETED}, {"activity": ACTIVITY},
                                   {"registration": str(uuid.uuid4())},
                                   {"related_activities": "true"},
                                   {"related_agents": "false"},
                                   {"since": "2026-01-01T00:00:00Z"},
                                   {"until": "2026-01-01T00:00:00Z"}, {"limit": "1"},
                                   {"ascending": "true"}])
@pytest.mark.parametrize("name", ["statementId", "voidedStatementId"])
def test_statement_id_with_another_filter_is_400(http, name, other):
    """statementId and voidedStatementId take only format and attachments beside them."""
    sid = http.post(stmt()).get_json()[0]
    response = http.get(**{name: sid, **other})
    assert response.status_code == 400
    assert f"{name} cannot be combined with" in response.get_json()["message"]


def test_statement_id_takes_format_and_attachments(http):
    """format and attachments=false are allowed beside statementId."""
    sid = http.post(stmt()).get_json()[0]
    response = http.get(statementId=sid, format="ids", attachments="false")
    assert response.status_code == 200 and response.get_json()["verb"] == {"id": COMPLETED}


def test_voided_statement_only_by_voided_statement_id(http):
    """A voided statement is 404 by statementId, found by voidedStatementId, absent from
    queries; the voiding statement is returned."""
    sid = http.post(stmt()).get_json()[0]
    voiding = http.post(stmt(verb=VOIDED, object={"objectType": "StatementRef",
                                                  "id": sid})).get_json()[0]
    assert http.get(statementId=sid).status_code == 404
    assert http.get(voidedStatementId=sid).get_json()["id"] == sid
    assert http.get(voidedStatementId=voiding).status_code == 404
    ids = [s["id"] for s in http.get().get_json()["statements"]]
    assert ids == [voiding]


def test_statements_targeting_a_match_are_returned_with_it(http):
    """A filter also returns the statements whose StatementRef object targets a statement
    it matches (voided or not), but not the voided statement itself."""
    verb = "http://adlnet.gov/expapi/verbs/experienced"
    target = http.post(stmt(verb=verb)).get_json()[0]
    http.post(stmt())  # matches nothing
    voiding = http.post(stmt(verb=VOIDED, object={"objectType": "StatementRef",
                                                  "id": target})).get_json()[0]
    ref = http.post(stmt(verb=ATTEMPTED, object={"objectType": "StatementRef",
                                                 "id": target})).get_json()[0]
    ids = [s["id"] for s in http.get(verb=verb).get_json()["statements"]]
    assert ids == [ref, voiding]
    assert [s["id"] for s in http.get(verb=verb, limit=1).get_json()["statements"]] == [ref]


# -- formats ------------------------------------------------------------------------------------
def _rich_statement():
    group = {"objectType": "Group", "name": "Đội kiểm soát",
             "member": [{"name": "An", "mbox": "mailto:an@customs.gov.vn"},
                        {"name": "Bình", "mbox": "mailto:binh@customs.gov.vn"}]}
    return stmt(object={"objectType": "Activity", "id": ACTIVITY, "definition": {
        "name": {"en": "Course", "en-GB": "Course (GB)", "vi-VN": "Khoá học"},
        "description": {"en-US": "About", "vi-VN": "Giới thiệu"}}},
        context={"team": group, "instructor": {"name": "Chi", "mbox": "mailto:c@x.vn"}})


def test_format_ids_keeps_only_identifiers(http):
    """format=ids: agents by IFI, anonymous groups by members, activities and verbs by id."""
    sid = http.post(_rich_statement()).get_json()[0]
    got = http.get(statementId=sid, format="ids").get_json()
    assert got["object"] == {"id": ACTIVITY}
    assert got["verb"] == {"id": COMPLETED}
    assert got["actor"] == {"objectType": "Agent", "account": {
        "homePage": "https://hoctap.customs.gov.vn", "name": "HQ000001"}}
    assert got["context"]["team"] == {"objectType": "Group", "member": [
        {"mbox": "mailto:an@customs.gov.vn"}, {"mbox": "mailto:binh@customs.gov.vn"}]}
    assert got["context"]["instructor"] == {"mbox": "mailto:c@x.vn"}


@pytest.mark.parametrize("accept, expected", [("en-GB", {"en-GB": "Course (GB)"}),
                                              ("vi", {"vi-VN": "Khoá học"}),
                                              ("fr", {"en": "Course"})])
def test_format_canonical_picks_one_language(http, accept, expected):
    """format=canonical keeps the language Accept-Language asks for (exact tag first)."""
    sid = http.post(_rich_statement()).get_json()[0]
    response = http.client.get("/xapi/statements",
                               query_string={"statementId": sid, "format": "canonical"},
                               headers=http.headers(**{"Accept-Language": accept}))
    assert response.get_json()["object"]["definition"]["name"] == expected
    exact = http.client.get("/xapi/statements", query_string={"statementId": sid},
                            headers=http.headers(**{"Accept-Language": accept})).get_json()
    assert len(exact["object"]["definition"]["name"]) == 3


# -- what is stored -----------------------------------------------------------------------------
def test_single_context_activity_is_stored_as_a_list(http):
    """A context activity sent as one object comes back as a one-element list."""
    parent = {"id": f"{ACTIVITY}/module/1"}
    sub = {"objectType": "SubStatement", "actor": stmt()["actor"], "verb": {"id": ATTEMPTED},
           "object": {"id": ACTIVITY}, "context": {"contextActivities": {"grouping": parent}}}
    sid = http.post(stmt(context={"contextActivities": {"parent": parent}})).get_json()[0]
    other = http.post(stmt(object=sub)).get_json()[0]
    assert http.get(statementId=sid).get_json()["context"]["contextActivities"] == {
        "parent": [parent]}
    assert http.get(statementId=other).get_json()["object"]["context"]["contextActivities"] \
        == {"grouping": [parent]}


def test_timestamps_are_converted_to_utc_in_2_0_only(http):
    """2.0 stores a timestamp with an offset in UTC; 1.0.3 keeps it as sent."""
    sent = "2026-03-02T15:30:00.250+07:00"
    two = http.post(stmt(timestamp=sent), version="2.0.0").get_json()[0]
    one = http.post(stmt(timestamp=sent)).get_json()[0]
    assert http.get(statementId=two).get_json()["timestamp"] == "2026-03-02T08:30:00.250Z"
    assert http.get(statementId=one).get_json()["timestamp"] == sent
    assert http.get(statementId=two).get_json()["version"] == "2.0.0"


CONTEXT_AGENT = {"objectType": "contextAgent", "agent": {"mbox": "mailto:gv@customs.gov.vn"},
                 "relevantTypes": ["https://hoctap.customs.gov.vn/xapi/roles/instructor"]}
CONTEXT_GROUP = {"objectType": "contextGroup", "group": {
    "objectType": "Group", "mbox": "mailto:doi1@customs.gov.vn",
    "member": [{"mbox": "mailto:an@customs.gov.vn"}]}}


def test_context_agents_and_groups_are_2_0_only(http):
    """contextAgents and contextGroups are accepted in 2.0 statements (sub-statements too) and
    refused as unknown in 1.0.3 ones."""
    context = {"contextAgents": [CONTEXT_AGENT], "contextGroups": [CONTEXT_GROUP]}
    assert http.post(stmt(context=context), version="2.0.0").status_code == 200
    sub = {"objectType": "SubStatement", "actor": stmt()["actor"], "verb": {"id": ATTEMPTED},
           "object": {"id": ACTIVITY}, "context": context}
    assert http.post(stmt(object=sub), version="2.0.0").status_code == 200
    response = http.post(stmt(context=context))
    assert response.status_code == 400
    assert "unknown property 'contextAgents'" in response.get_json()["message"]


@pytest.mark.parametrize("context, words", [
    ({"contextAgents": {"agent": {"mbox": "mailto:a@b.vn"}}}, "must be a list"),
    ({"contextAgents": [{**CONTEXT_AGENT, "objectType": "Agent"}]}, "must be 'contextAgent'"),
    ({"contextAgents": [{"objectType": "contextAgent"}]}, "needs an agent"),
    ({"contextAgents": [{**CONTEXT_AGENT, "agent": {"name": "x"}}]}, "exactly one of mbox"),
    ({"contextAgents": [{**CONTEXT_AGENT, "relevantTypes": []}]}, "non-empty list of IRIs"),
    ({"contextAgents": [{**CONTEXT_AGENT, "relevantTypes": ["teacher"]}]},
     "relevantTypes[0]: 'teacher' is not an absolute IRI"),
    ({"contextGroups": [{**CONTEXT_GROUP, "objectType": "contextAgent"}]},
     "must be 'contextGroup'"),
    ({"contextGroups": [{**CONTEXT_GROUP, "group": {"mbox": "mailto:a@b.vn"}}]},
     "group.objectType: must be 'Group'"),
])
def test_invalid_context_agents_and_groups_are_400(http, context, words):
    """Malformed 2.0 context agents and groups are refused with the property named."""
    response = http.post(stmt(context=context), version="2.0.0")
    assert response.status_code == 400 and words in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def _interaction(**definition):
    return {"objectType": "Activity", "id": ACTIVITY, "definition": definition}


@pytest.mark.parametrize("body, words", [
    (stmt(object=_interaction(interactionType={"kind": "choice"})), "interactionType"),
    (stmt(object=_interaction(interactionType=["choice"])), "interactionType"),
    (stmt(object=_interaction(correctResponsesPattern=["a"])),
     "correctResponsesPattern: needs an interactionType"),
    (stmt(object=_interaction(choices=[{"id": "a"}])), "choices: needs an interactionType"),
    (stmt(result={"duration": "P4W1D"}), "mixes weeks"),
    (stmt(authority={"objectType": "Group", "mbox": "mailto:g@b.vn", "member": [
        {"mbox": "mailto:a@b.vn"}, {"mbox": "mailto:c@b.vn"}]}), "anonymous Group of exactly two"),
    (stmt(authority={"objectType": "Group", "member": [
        {"mbox": f"mailto:{n}@b.vn"} for n in "abc"]}), "anonymous Group of exactly two"),
    (stmt(attachments=[{"usageType": ACTIVITY, "display": {"en": "x"}, "contentType": "pdf",
                        "length": 1, "sha2": "a" * 64, "fileUrl": ACTIVITY}]),
     "not an Internet media type"),
    (stmt(attachments=[{"usageType": ACTIVITY, "display": {"en": "x"},
                        "contentType": "text/plain", "length": 1, "sha2": "abc",
                        "fileUrl": ACTIVITY}]), "not a hex SHA-2 hash"),
])
def test_more_invalid_statements_are_400(http, body, words):
    """Interaction definitions, durations, authorities and attachments are checked too."""
    response = http.post(body)
    assert response.status_code == 400 and words in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_an_oauth_style_authority_is_replaced_by_the_lrs(http):
    """A valid two-Agent authority Group is accepted; the LRS records its own authority."""
    authority = {"objectType": "Group", "member": [
        {"account": {"homePage": "https://auth.example.vn", "name": "app"}},
        {"mbox": "mailto:an@customs.gov.vn"}]}
    sid = http.post(stmt(authority=authority)).get_json()[0]
    stored = http.get(statementId=sid).get_json()["authority"]
    assert stored["account"]["homePage"].endswith("/xapi/clients")


# -- request bodies -----------------------------------------------------------------------------
def test_bodies_the_database_cannot_hold_are_400(http):
    """Deeply nested extensions and unpaired surrogates are refused, never a 500."""
    deep: dict = {"v": 1}
    for _ in range(80):
        deep = {"k": deep}
    response = http.post(stmt(result={"extensions": {f"{ACTIVITY}/x": deep}}))
    assert response.status_code == 400 and "more than 64 deep" in response.get_json()["message"]
    body = json.dumps(stmt(), ensure_ascii=False).replace("Nguyễn Văn An", "\\ud800")
    response = http.post(body)
    assert response.status_code == 400 and "unpaired surrogate" in response.get_json()["message"]
    assert http.post("[]").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_post_takes_no_parameters(http):
    """POST with a query parameter is refused (PUT chooses ids)."""
    response = http.client.post(f"/xapi/statements?statementId={uuid.uuid4()}",
                                data=json.dumps(stmt()), content_type="application/json",
                                headers=http.headers())
    assert response.status_code == 400 and "PUT" in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_request_size_limit_is_413(http, lrs_app):
    """A statements request above LMS_XAPI_MAX_REQUEST_BYTES is refused with the limit."""
    lrs_app.config["LMS_XAPI_MAX_REQUEST_BYTES"] = 200
    response = http.post(stmt())
    assert response.status_code == 413 and "at most 200 bytes" in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_a_race_on_the_same_id_is_settled_by_comparing(http, monkeypatch):
    """When the unique index refuses an insert (another request stored the id meanwhile), the
    request is retried and compared instead of failing with a 500."""
    from lms_core.xapi import lrs

    calls = []
    real = lrs.store_statements

    def racing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
        return real(*args, **kwargs)

    monkeypatch.setattr(lrs, "store_statements", racing)
    assert http.post(stmt()).status_code == 200
    assert len(calls) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 1


# -- the alternate request syntax (xAPI 1.0.x) --------------------------------------------------
def _form(http, method, fields, query="", version="1.0.3", headers=True):
    extra = http.headers(version) if headers else {}
    return http.client.post(f"/xapi/statements?method={method}{query}", data=fields,
                            content_type="application/x-www-form-urlencoded", headers=extra)


def test_alternate_syntax_carries_a_put_with_its_headers(http):
    """A PUT sent as a form, credentials and version in the form, stores the statement."""
    sid = str(uuid.uuid4())
    response = _form(http, "PUT", {"statementId": sid, "content": json.dumps(stmt()),
                                   "Authorization": http.auth,
                                   "X-Experience-API-Version": "1.0.3"}, headers=False)
    assert response.status_code == 204
    assert http.get(statementId=sid).status_code == 200


def test_alternate_syntax_carries_a_get(http):
    """A GET sent as a form answers the StatementResult."""
    http.post(stmt())
    response = _form(http, "GET", {"limit": "1"})
    assert response.status_code == 200
    assert len(response.get_json()["statements"]) == 1 and "more" in response.get_json()


@pytest.mark.parametrize("method, query, fields, version, words", [
    ("PUT", f"&statementId={uuid.uuid4()}", {"content": "{}"}, "1.0.3", "form field"),
    ("PATCH", "", {}, "1.0.3", "is not GET"),
    ("PUT", "", {"statementId": str(uuid.uuid4()), "content": json.dumps(stmt())}, "2.0.0",
     "removed the alternate request syntax"),
    ("PUT", "", {"statementId": str(uuid.uuid4()), "content": json.dumps(stmt()),
                 "X-Experience-API-Version": "0.8"}, "1.0.3", "not supported"),
])
def test_bad_alternate_requests_are_400(http, method, query, fields, version, words):
    """Extra query parameters, unknown methods, 2.0 requests and bad versions are refused."""
    response = _form(http, method, fields, query, version)
    assert response.status_code == 400 and words in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_alternate_syntax_must_be_a_form_post(http):
    """?method= on a PUT, or with a JSON body, is refused."""
    response = http.client.put("/xapi/statements?method=POST", data=json.dumps(stmt()),
                               content_type="application/json", headers=http.headers())
    assert response.status_code == 400 and "POST" in response.get_json()["message"]
    response = http.client.post("/xapi/statements?method=PUT", data=json.dumps(stmt()),
                                content_type="application/json", headers=http.headers())
    assert response.status_code == 400 and "form body" in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0


def test_nul_characters_are_400(http):
    """NUL characters, which PostgreSQL text cannot hold, are refused in bodies and filters."""
    response = http.post(stmt(verb="http://adlnet.gov/expapi/verbs/x\u0000y"))
    assert response.status_code == 400 and "NUL" in response.get_json()["message"]
    assert http.get(verb="http://adlnet.gov/expapi/verbs/x\u0000y").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Row)) == 0
