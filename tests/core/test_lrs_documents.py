"""The built-in LRS's document resources: State, Activity Profile, Agent Profile, Activities and
Agents (/xapi/activities/state, /xapi/activities/profile, /xapi/agents/profile, /xapi/activities,
/xapi/agents)."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from tincan import (
    Activity,
    ActivityProfileDocument,
    Agent,
    AgentAccount,
    AgentProfileDocument,
    RemoteLRS,
    StateDocument,
)
from werkzeug.serving import make_server

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.xapi import clients, documents
from lms_core.xapi.documents import XapiDocument

ACTIVITY = "https://hoctap.customs.gov.vn/xapi/activities/course/HQ-01"
OTHER_ACTIVITY = "https://hoctap.customs.gov.vn/xapi/activities/course/HQ-02"
HOME = "https://hoctap.customs.gov.vn"
AN = {"objectType": "Agent", "name": "Nguyễn Văn An",
      "account": {"homePage": HOME, "name": "HQ000001"}}
BINH = {"objectType": "Agent", "account": {"homePage": HOME, "name": "HQ000002"}}
REG = "8f2c1a6e-3b4d-4e5f-9a7b-1c2d3e4f5a6b"
STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"


# -- helpers ------------------------------------------------------------------------------------
@pytest.fixture
def make_client(app):
    def make(*scopes):
        client, secret = clients.create_client("Nội dung cmi5", list(scopes or ("all",)))
        key = client.key
        db.session.commit()
        return key, secret

    return make


class Lrs:
    """A test client speaking to /xapi with a client's credentials and the version header."""

    def __init__(self, client, key, secret, version="1.0.3"):
        self.client = client
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.version = version

    def open(self, method, path, body=None, content_type="application/json", version=None,
             headers=None, **params):
        query = {k: json.dumps(v) if isinstance(v, dict | bool) else v
                 for k, v in params.items()}
        all_headers = {"Authorization": self.auth,
                       "X-Experience-API-Version": version or self.version, **(headers or {})}
        data = body
        if isinstance(body, dict | list):
            data = json.dumps(body)
        kwargs = {}
        if data is not None:
            kwargs = {"data": data, "content_type": content_type}
        return self.client.open(path, method=method, query_string=query, headers=all_headers,
                                **kwargs)

    def state(self, method, body=None, *, activityId=ACTIVITY, agent=AN, **params):  # noqa: N803
        return self.open(method, STATE, body, activityId=activityId, agent=agent, **params)


@pytest.fixture
def lrs(app, make_client):
    return Lrs(app.test_client(), *make_client("all"))


def rows(**where) -> list[XapiDocument]:
    db.session.rollback()  # see what the requests committed
    query = sa.select(XapiDocument).order_by(XapiDocument.id)
    for name, value in where.items():
        query = query.where(getattr(XapiDocument, name) == value)
    return list(db.session.scalars(query))


def etag(content: bytes) -> str:
    return '"' + documents.etag_of(content) + '"'


# -- State: one document ------------------------------------------------------------------------
def test_state_put_get_delete_one_document(lrs):
    """A State document is stored, returned byte for byte with ETag and Last-Modified, then
    deleted."""
    body = '{"bookmark": "bai-3", "diem": 7}'
    put = lrs.state("PUT", body, stateId="bookmark")
    assert put.status_code == 204
    got = lrs.state("GET", stateId="bookmark")
    assert got.status_code == 200
    assert got.get_data() == body.encode()
    assert got.mimetype == "application/json"
    assert got.headers["ETag"] == etag(body.encode()) == put.headers["ETag"]
    assert got.headers["Last-Modified"].endswith("GMT")
    head = lrs.state("HEAD", stateId="bookmark")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == got.headers["ETag"]
    assert lrs.state("DELETE", stateId="bookmark").status_code == 204
    missing = lrs.state("GET", stateId="bookmark")
    assert missing.status_code == 404 and "bookmark" in missing.get_json()["message"]
    assert rows() == []


def test_binary_documents_are_kept_byte_for_byte(lrs):
    """Any bytes with any content type come back exactly as sent, with that content type."""
    png = bytes(range(256)) * 4
    assert lrs.state("PUT", png, content_type="image/png", stateId="anh").status_code == 204
    got = lrs.state("GET", stateId="anh")
    assert got.get_data() == png and got.headers["Content-Type"] == "image/png"
    form = "a=1&b=%C3%A1"
    assert lrs.state("PUT", form, content_type="application/x-www-form-urlencoded",
                     stateId="form").status_code == 204
    got = lrs.state("GET", stateId="form")
    assert got.get_data() == form.encode()
    assert got.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_the_agent_is_known_by_its_identifier(lrs):
    """The same account with or without a name is the same agent; another account is not."""
    lrs.state("PUT", {"x": 1}, stateId="s")
    bare = {"account": AN["account"]}
    assert lrs.state("GET", agent=bare, stateId="s").status_code == 200
    assert lrs.state("GET", agent=BINH, stateId="s").status_code == 404
    assert lrs.state("GET", activityId=OTHER_ACTIVITY, stateId="s").status_code == 404
    assert len(rows()) == 1


def test_registration_separates_state_documents(lrs):
    """A registration is part of the document's key; lists and deletions without one cover
    every registration, with one only that registration."""
    other_reg = str(uuid.uuid4())
    lrs.state("PUT", {"r": 0}, stateId="s")
    lrs.state("PUT", {"r": 1}, stateId="s", registration=REG.upper())
    lrs.state("PUT", {"r": 2}, stateId="t", registration=other_reg)
    lrs.state("PUT", {"b": 1}, agent=BINH, stateId="s")
    assert lrs.state("GET", stateId="s").get_json() == {"r": 0}
    assert lrs.state("GET", stateId="s", registration=REG).get_json() == {"r": 1}
    assert lrs.state("GET", stateId="t").status_code == 404
    assert lrs.state("GET").get_json() == ["s", "t"]
    assert lrs.state("GET", registration=REG).get_json() == ["s"]

    assert lrs.state("DELETE", registration=REG).status_code == 204
    assert lrs.state("GET").get_json() == ["s", "t"]
    assert lrs.state("GET", registration=REG).get_json() == []
    assert lrs.state("DELETE").status_code == 204
    assert lrs.state("GET").get_json() == []
    assert [r.agent_key for r in rows()] == ["account:https://hoctap.customs.gov.vn|HQ000002"]


def test_state_ids_since_and_last_modified(lrs):
    """``since`` keeps the ids of documents updated after it (exclusive), whatever the offset
    it is written with; the list carries the newest Last-Modified."""
    for state_id in ("cu", "moi"):
        lrs.state("PUT", {"id": state_id}, stateId=state_id)
    old, new = rows()
    old.updated = datetime(2025, 1, 1, 0, 0, 0)
    new.updated = datetime(2025, 6, 1, 12, 0, 0)
    db.session.commit()
    assert lrs.state("GET").get_json() == ["cu", "moi"]
    assert lrs.state("GET", since="2025-03-01T00:00:00Z").get_json() == ["moi"]
    assert lrs.state("GET", since="2025-06-01T19:00:00+07:00").get_json() == []
    assert lrs.state("GET", since="2025-06-01T18:59:59+07:00").get_json() == ["moi"]
    listed = lrs.state("GET")
    assert listed.headers["Last-Modified"] == "Sun, 01 Jun 2025 12:00:00 GMT"
    assert listed.headers["ETag"].startswith('"')


def test_state_put_without_preconditions_replaces_in_1_0_3_but_conflicts_in_2_0(lrs):
    """xAPI 1.0.3 lets State writes go without concurrency headers; 2.0 answers 409."""
    lrs.state("PUT", {"v": 1}, stateId="s")
    assert lrs.state("PUT", {"v": 2}, stateId="s").status_code == 204
    assert lrs.state("GET", stateId="s").get_json() == {"v": 2}
    conflict = lrs.state("PUT", {"v": 3}, stateId="s", version="2.0.0")
    assert conflict.status_code == 409 and "If-Match" in conflict.get_json()["message"]
    assert lrs.state("GET", stateId="s").get_json() == {"v": 2}
    current = lrs.state("GET", stateId="s").headers["ETag"]
    ok = lrs.state("PUT", {"v": 3}, stateId="s", version="2.0.0", headers={"If-Match": current})
    assert ok.status_code == 204
    assert lrs.state("GET", stateId="s", version="2.0.0").get_json() == {"v": 3}


# -- POST merges ----------------------------------------------------------------------------------
def test_post_merges_top_level_properties(lrs):
    """POST creates a missing document, then merges top-level properties into it."""
    assert lrs.state("POST", {"x": "foo", "y": "bar", "o": {"a": 1}}, stateId="m").status_code \
        == 204
    assert lrs.state("POST", {"x": "bash", "z": "faz", "o": {"b": 2}},
                     stateId="m").status_code == 204
    assert lrs.state("GET", stateId="m").get_json() == {"x": "bash", "y": "bar", "z": "faz",
                                                         "o": {"b": 2}}


@pytest.mark.parametrize(("stored", "stored_type", "posted", "posted_type", "words"), [
    ('{"a": 1}', "application/json", "abc", "text/plain", "not application/json"),
    ('{"a": 1}', "application/json", "a=1", "application/x-www-form-urlencoded",
     "not application/json"),
    ("/ asdf /", "application/octet-stream", '{"b": 2}', "application/json",
     "stored document is 'application/octet-stream'"),
    ("[1, 2]", "application/json", '{"b": 2}', "application/json", "not a JSON object"),
    ('{"a": 1}', "application/json", '{"b": 2}{', "application/json", "not valid JSON"),
    ('{"a": 1}', "application/json", "[1]", "application/json", "must be a JSON object"),
])
def test_post_refuses_what_cannot_be_merged(lrs, stored, stored_type, posted, posted_type,
                                            words):
    """A POST onto a document that is not a JSON object, or of something that is not one, is
    400 and leaves the document as it was."""
    lrs.state("PUT", stored, content_type=stored_type, stateId="m")
    before = rows()[0].content
    response = lrs.state("POST", posted, content_type=posted_type, stateId="m")
    assert response.status_code == 400
    assert words in response.get_json()["message"]
    assert [r.content for r in rows()] == [before]


def test_declared_json_must_be_json(lrs):
    """A document sent as application/json that is not valid JSON is refused, not stored."""
    response = lrs.state("PUT", '{"a": 1', stateId="s")
    assert response.status_code == 400 and "not valid JSON" in response.get_json()["message"]
    response = lrs.state("POST", "NaN", stateId="s")
    assert response.status_code == 400
    assert rows() == []


# -- Activity and Agent Profiles, concurrency -----------------------------------------------------
def test_activity_profile_concurrency(lrs):
    """A profile PUT needs a precondition (400 without one for a new document); If-None-Match:
    * creates; over an existing document it needs If-Match (409 without, 412 with a stale
    ETag); a matching ETag replaces it."""
    params = {"activityId": ACTIVITY, "profileId": "cau-hinh"}
    bare = lrs.open("PUT", ACTIVITY_PROFILE, {"v": 1}, **params)
    assert bare.status_code == 400 and "If-None-Match: *" in bare.get_json()["message"]
    assert rows() == []
    created = lrs.open("PUT", ACTIVITY_PROFILE, {"v": 1}, headers={"If-None-Match": "*"},
                       **params)
    assert created.status_code == 204
    first = lrs.open("GET", ACTIVITY_PROFILE, **params)
    tag = first.headers["ETag"]
    assert tag == etag(b'{"v": 1}') and len(tag) == 42

    again = lrs.open("PUT", ACTIVITY_PROFILE, {"v": 9}, headers={"If-None-Match": "*"},
                     **params)
    assert again.status_code == 412
    conflict = lrs.open("PUT", ACTIVITY_PROFILE, {"v": 9}, **params)
    assert conflict.status_code == 409
    assert "If-Match" in conflict.get_json()["message"]
    stale = lrs.open("PUT", ACTIVITY_PROFILE, {"v": 9}, headers={"If-Match": '"' + "1" * 40 + '"'},
                     **params)
    assert stale.status_code == 412
    assert lrs.open("GET", ACTIVITY_PROFILE, **params).get_json() == {"v": 1}

    replaced = lrs.open("PUT", ACTIVITY_PROFILE, {"v": 2}, headers={"If-Match": tag}, **params)
    assert replaced.status_code == 204
    assert lrs.open("GET", ACTIVITY_PROFILE, **params).get_json() == {"v": 2}
    assert lrs.open("POST", ACTIVITY_PROFILE, {"w": 1}, headers={"If-Match": tag},
                    **params).status_code == 412
    assert lrs.open("DELETE", ACTIVITY_PROFILE, headers={"If-Match": tag},
                    **params).status_code == 412
    assert lrs.open("GET", ACTIVITY_PROFILE, **params).get_json() == {"v": 2}
    current = lrs.open("GET", ACTIVITY_PROFILE, **params).headers["ETag"]
    assert lrs.open("DELETE", ACTIVITY_PROFILE, headers={"If-Match": current},
                    **params).status_code == 204
    assert rows() == []
    missing = lrs.open("PUT", ACTIVITY_PROFILE, {"v": 3}, headers={"If-Match": current},
                       **params)
    assert missing.status_code == 412 and rows() == []


def test_activity_profile_ids_and_since(lrs):
    """The ids of an Activity's profiles, newest filter by ``since``; other Activities apart."""
    for pid in ("a", "b"):
        lrs.open("POST", ACTIVITY_PROFILE, {"p": pid}, activityId=ACTIVITY, profileId=pid)
    lrs.open("PUT", ACTIVITY_PROFILE, {"p": "c"}, headers={"If-None-Match": "*"},
             activityId=OTHER_ACTIVITY, profileId="c")
    first = rows(document_id="a")[0]
    first.updated = datetime(2024, 1, 1)
    db.session.commit()
    assert lrs.open("GET", ACTIVITY_PROFILE, activityId=ACTIVITY).get_json() == ["a", "b"]
    assert lrs.open("GET", ACTIVITY_PROFILE, activityId=ACTIVITY,
                    since="2024-06-01T00:00:00Z").get_json() == ["b"]
    no_id = lrs.open("DELETE", ACTIVITY_PROFILE, activityId=ACTIVITY)
    assert no_id.status_code == 400 and "profileId" in no_id.get_json()["message"]
    assert len(rows()) == 3


def test_agent_profile_roundtrip_and_conflict(lrs):
    """An Agent Profile is stored per agent; replacing it without If-Match is 409."""
    params = {"agent": AN, "profileId": "cmi5LearnerPreferences"}
    body = {"languagePreference": "vi-VN", "audioPreference": "on"}
    assert lrs.open("POST", AGENT_PROFILE, body, **params).status_code == 204
    got = lrs.open("GET", AGENT_PROFILE, **params)
    assert got.get_json() == body and got.headers["Last-Modified"]
    assert lrs.open("PUT", AGENT_PROFILE, {"x": 1}, **params).status_code == 409
    assert lrs.open("GET", AGENT_PROFILE, agent=AN).get_json() == ["cmi5LearnerPreferences"]
    assert lrs.open("GET", AGENT_PROFILE, agent=BINH).get_json() == []
    assert lrs.open("POST", AGENT_PROFILE, {"audioPreference": "off"}, **params).status_code \
        == 204
    assert lrs.open("GET", AGENT_PROFILE, **params).get_json() == {
        "languagePreference": "vi-VN", "audioPreference": "off"}
    assert lrs.open("DELETE", AGENT_PROFILE, **params).status_code == 204
    assert lrs.open("GET", AGENT_PROFILE, **params).status_code == 404


def test_the_same_key_is_stored_once(lrs):
    """Writing one document many times keeps one row."""
    for i in range(3):
        lrs.state("PUT", {"i": i}, stateId="s")
        lrs.state("POST", {"j": i}, stateId="s")
    assert len(rows()) == 1 and json.loads(rows()[0].content) == {"i": 2, "j": 2}


# -- bad input ----------------------------------------------------------------------------------
BAD = [
    ("PUT", STATE, {"agent": AN, "stateId": "s"}, "activityId parameter is required"),
    ("GET", STATE, {"activityId": "not an iri", "agent": AN}, "not an absolute IRI"),
    ("PUT", STATE, {"activityId": ACTIVITY, "stateId": "s"}, "agent parameter is required"),
    ("POST", STATE, {"activityId": ACTIVITY, "agent": "not JSON", "stateId": "s"},
     "must be an Agent as JSON"),
    ("GET", STATE, {"activityId": ACTIVITY, "agent": True, "stateId": "s"},
     "must be a JSON object"),
    ("PUT", STATE, {"activityId": ACTIVITY, "stateId": "s",
                    "agent": {"mbox": "mailto:an@customs.gov.vn", "account": AN["account"]}},
     "exactly one of mbox"),
    ("PUT", STATE, {"activityId": ACTIVITY, "stateId": "s",
                    "agent": {"objectType": "Group", "member": [AN]}},
     "only an identified Group"),
    ("PUT", STATE, {"activityId": ACTIVITY, "agent": AN, "stateId": "s",
                    "registration": "abc"}, "registration: 'abc' is not a UUID"),
    ("DELETE", STATE, {"activityId": ACTIVITY, "agent": AN, "registration": "true"},
     "is not a UUID"),
    ("PUT", STATE, {"activityId": ACTIVITY, "agent": AN}, "stateId parameter is required"),
    ("POST", STATE, {"activityId": ACTIVITY, "agent": AN, "stateId": ""}, "non-empty"),
    ("GET", STATE, {"activityId": ACTIVITY, "agent": AN, "since": "not a timestamp"},
     "since: 'not a timestamp' is not an ISO 8601 timestamp"),
    ("GET", STATE, {"activityId": ACTIVITY, "agent": AN, "stateId": "s",
                    "since": "2025-01-01T00:00:00Z"}, "cannot be combined with stateId"),
    ("PUT", STATE, {"activityId": ACTIVITY, "agent": AN, "stateId": "s",
                    "since": "2025-01-01T00:00:00Z"}, "Unknown parameter 'since'"),
    ("GET", STATE, {"activityId": ACTIVITY, "agent": AN, "profileId": "p"},
     "Unknown parameter 'profileId'"),
    ("PUT", ACTIVITY_PROFILE, {"profileId": "p"}, "activityId parameter is required"),
    ("PUT", ACTIVITY_PROFILE, {"activityId": ACTIVITY}, "profileId parameter is required"),
    ("GET", ACTIVITY_PROFILE, {"activityId": ACTIVITY, "since": "2025-13-01T00:00:00Z"},
     "not a valid date"),
    ("PUT", AGENT_PROFILE, {"profileId": "p"}, "agent parameter is required"),
    ("PUT", AGENT_PROFILE, {"profileId": "p",
                            "agent": {"objectType": "Group", "mbox": "mailto:doi@hq.vn"}},
     "a Group cannot be here"),
    ("POST", AGENT_PROFILE, {"agent": {"name": "An"}, "profileId": "p"}, "exactly one of mbox"),
    ("GET", "/xapi/activities", {}, "activityId parameter is required"),
    ("GET", "/xapi/activities", {"activityId": "bai-1"}, "not an absolute IRI"),
    ("GET", "/xapi/agents", {}, "agent parameter is required"),
    ("GET", "/xapi/agents", {"agent": {"objectType": "Agent", "name": "An"}},
     "exactly one of mbox"),
]


@pytest.mark.parametrize(("method", "path", "params", "words"), BAD,
                         ids=[f"{m} {p} {w}" for m, p, _, w in BAD])
def test_bad_input_is_400_with_a_precise_message(lrs, method, path, params, words):
    """Missing or malformed parameters: 400 naming the problem, and nothing stored."""
    body = {"a": 1} if method in ("PUT", "POST") else None
    response = lrs.open(method, path, body, **params)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert words in response.get_json()["message"]
    assert rows() == []


def test_a_parameter_given_twice_is_refused(lrs):
    """Two values for one parameter are ambiguous: 400."""
    response = lrs.client.put(
        f"{STATE}?activityId={ACTIVITY}&agent={json.dumps(AN)}&stateId=a&stateId=b",
        data="{}", content_type="application/json",
        headers={"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 400
    assert "'stateId' is given more than once" in response.get_json()["message"]
    assert rows() == []


def test_an_oversized_document_is_413(lrs, app):
    """A document larger than MAX_CONTENT_LENGTH is refused with a message, not stored."""
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = lrs.state("PUT", b"x" * 2000, content_type="text/plain", stateId="big")
    assert response.status_code == 413
    assert "too large" in response.get_json()["message"]
    assert rows() == []


def test_a_document_created_meanwhile_is_a_conflict(lrs, monkeypatch):
    """When another request creates the document between our read and our insert, the write
    is a 409 and the other request's document stays."""
    lrs.state("PUT", {"first": True}, stateId="s")
    monkeypatch.setattr(documents, "find", lambda *args, **kwargs: None)
    response = lrs.state("PUT", {"second": True}, stateId="s")
    assert response.status_code == 409
    assert "another request" in response.get_json()["message"]
    monkeypatch.undo()
    assert lrs.state("GET", stateId="s").get_json() == {"first": True}
    assert len(rows()) == 1


# -- credentials and scopes -----------------------------------------------------------------------
def test_credentials_are_required(app):
    """Without credentials every document resource answers 401."""
    client = app.test_client()
    for path in (STATE, ACTIVITY_PROFILE, AGENT_PROFILE, "/xapi/activities", "/xapi/agents"):
        response = client.get(path, headers={"X-Experience-API-Version": "1.0.3"})
        assert response.status_code == 401, path


def test_scopes_decide_who_reads_and_writes_documents(app, lrs, make_client):
    """``state`` and ``profile`` each open their documents; ``all/read`` reads both and writes
    neither; a statements-only client gets a 403 saying which scope it lacks."""
    lrs.state("PUT", {"v": 1}, stateId="s")
    lrs.open("POST", AGENT_PROFILE, {"v": 1}, agent=AN, profileId="p")
    state_only = Lrs(app.test_client(), *make_client("state"))
    profile_only = Lrs(app.test_client(), *make_client("profile"))
    reader = Lrs(app.test_client(), *make_client("all/read"))
    statements = Lrs(app.test_client(), *make_client("statements/write", "statements/read"))

    assert state_only.state("GET", stateId="s").status_code == 200
    assert state_only.state("PUT", {"v": 2}, stateId="s").status_code == 204
    refused = state_only.open("GET", AGENT_PROFILE, agent=AN, profileId="p")
    assert refused.status_code == 403
    assert refused.get_json()["message"] == ("This client may not read profile documents "
                                             "(scope profile or all/read).")
    assert profile_only.open("GET", AGENT_PROFILE, agent=AN, profileId="p").status_code == 200
    assert profile_only.state("GET", stateId="s").status_code == 403
    assert reader.state("GET", stateId="s").status_code == 200
    assert reader.open("GET", AGENT_PROFILE, agent=AN, profileId="p").status_code == 200
    denied = reader.state("PUT", {"v": 3}, stateId="s")
    assert denied.status_code == 403
    assert denied.get_json()["message"] == ("This client may not write State documents "
                                            "(scope state).")
    assert statements.state("DELETE").status_code == 403
    assert statements.open("GET", "/xapi/activities", activityId=ACTIVITY).status_code == 200
    assert state_only.open("GET", "/xapi/agents", agent=AN).status_code == 403
    assert lrs.state("GET", stateId="s").get_json() == {"v": 2}
    assert len(rows()) == 2


# -- Activities and Agents ------------------------------------------------------------------------
def statement(activity, name=None, description=None, actor=AN):
    definition = {"type": "http://adlnet.gov/expapi/activities/course"}
    if name:
        definition["name"] = name
    if description:
        definition["description"] = description
    return {"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"objectType": "Activity", "id": activity, "definition": definition}}


def test_activities_resource_merges_what_statements_said(lrs):
    """The Activity carries every language the statements gave its name in, the newest text
    winning; an unknown Activity is still an Activity."""
    first = statement(ACTIVITY, name={"vi-VN": "Thủ tục hải quan", "en-US": "Customs"})
    second = statement(ACTIVITY, name={"en-US": "Customs procedures", "fr-FR": "Douane"},
                       description={"vi-VN": "Khoá học cơ bản"})
    assert lrs.open("POST", "/xapi/statements", [first]).status_code == 200
    assert lrs.open("POST", "/xapi/statements", [second]).status_code == 200
    response = lrs.open("GET", "/xapi/activities", activityId=ACTIVITY)
    assert response.status_code == 200 and response.headers["ETag"]
    assert response.get_json() == {
        "objectType": "Activity", "id": ACTIVITY,
        "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                       "name": {"vi-VN": "Thủ tục hải quan", "en-US": "Customs procedures",
                                "fr-FR": "Douane"},
                       "description": {"vi-VN": "Khoá học cơ bản"}}}
    unknown = "http://www.example.com/never-seen/" + str(uuid.uuid4())
    assert lrs.open("GET", "/xapi/activities", activityId=unknown).get_json() == {
        "objectType": "Activity", "id": unknown}


def test_agents_resource_returns_a_person(lrs):
    """The Person object lists the agent's identifier and the names it was known by."""
    renamed = {**AN, "name": "Nguyễn V. An"}
    lrs.open("POST", "/xapi/statements", [statement(ACTIVITY, actor=renamed)])
    person = lrs.open("GET", "/xapi/agents", agent={"account": AN["account"]}).get_json()
    assert person == {"objectType": "Person", "name": ["Nguyễn V. An"],
                      "account": [{"homePage": HOME, "name": "HQ000001"}]}
    stranger = {"objectType": "Agent", "mbox": "mailto:khach@example.com", "name": "Khách"}
    assert lrs.open("GET", "/xapi/agents", agent=stranger).get_json() == {
        "objectType": "Person", "name": ["Khách"], "mbox": ["mailto:khach@example.com"]}


# -- the functions the cmi5 launch uses -----------------------------------------------------------
def test_platform_functions_share_the_documents_of_the_lrs(lrs):
    """save_state/get_state and save_agent_profile/get_agent_profile read and write the same
    documents a client sees through /xapi."""
    launch = json.dumps({"launchMode": "Normal", "moveOn": "Completed"}).encode()
    documents.save_state(ACTIVITY, AN, "LMS.LaunchData", launch, registration=REG)
    documents.save_agent_profile(AN, "cmi5LearnerPreferences", b'{"languagePreference": "vi"}')
    db.session.commit()
    got = lrs.state("GET", stateId="LMS.LaunchData", registration=REG)
    assert got.get_data() == launch and got.mimetype == "application/json"
    assert documents.get_state(ACTIVITY, AN, "LMS.LaunchData") is None
    assert documents.get_state(ACTIVITY, {"account": AN["account"]}, "LMS.LaunchData",
                               registration=REG.upper()) == (launch, "application/json")
    lrs.open("POST", AGENT_PROFILE, {"audioPreference": "off"}, agent=AN,
             profileId="cmi5LearnerPreferences")
    content, content_type = documents.get_agent_profile(AN, "cmi5LearnerPreferences")
    assert json.loads(content) == {"languagePreference": "vi", "audioPreference": "off"}
    assert content_type == "application/json"
    documents.save_state(ACTIVITY, AN, "LMS.LaunchData", b"{}", registration=REG)
    assert documents.get_state(ACTIVITY, AN, "LMS.LaunchData", REG) == (b"{}",
                                                                        "application/json")
    assert documents.get_agent_profile(BINH, "cmi5LearnerPreferences") is None


@pytest.mark.parametrize("call", [
    lambda: documents.save_state("bai-1", AN, "s", b"{}"),
    lambda: documents.save_state(ACTIVITY, {"name": "An"}, "s", b"{}"),
    lambda: documents.save_state(ACTIVITY, AN, "s", b"{}", registration="abc"),
    lambda: documents.save_state(ACTIVITY, AN, "", b"{}"),
    lambda: documents.save_state(ACTIVITY, AN, "s", b"{oops"),
    lambda: documents.save_agent_profile({"objectType": "Group", "member": [AN]}, "p", b"{}"),
])
def test_platform_functions_refuse_bad_input(app, call):
    """Bad arguments raise UserError and store nothing."""
    with pytest.raises(UserError):
        call()
    assert rows() == []


# -- the tincan client over real HTTP -------------------------------------------------------------
@pytest.fixture
def remote(app, make_client):
    """A tincan RemoteLRS talking to the app served on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    key, secret = make_client("state", "profile")
    yield RemoteLRS(endpoint=f"http://127.0.0.1:{server.server_port}/xapi/", version="1.0.3",
                    username=key, password=secret)
    server.shutdown()
    thread.join()


def tincan_agent():
    return Agent(name="Trần Thị Bình", account=AgentAccount(home_page=HOME, name="HQ000002"))


def header(response, name):
    # tincan looks its headers up in a list of pairs, so it never finds the ETag itself.
    return response.response.getheader(name)


def test_tincan_client_reads_and_writes_state(remote):
    """RemoteLRS saves, retrieves, lists and deletes State documents."""
    activity = Activity(id=ACTIVITY)
    doc = StateDocument(id="bookmark", activity=activity, agent=tincan_agent(),
                        content='{"trang": 3}', content_type="application/json")
    assert remote.save_state(doc).success
    # tincan sends its bodies as str, which http.client encodes as Latin-1: ASCII text here.
    other = StateDocument(id="ghi-chu", activity=activity, agent=tincan_agent(),
                          content="Ghi chu: da xem", content_type="text/plain")
    assert remote.save_state(other).success

    got = remote.retrieve_state(activity, tincan_agent(), "bookmark")
    assert got.success and bytes(got.content.content) == b'{"trang": 3}'
    assert header(got, "ETag") == etag(b'{"trang": 3}')
    text = remote.retrieve_state(activity, tincan_agent(), "ghi-chu")
    assert bytes(text.content.content) == b"Ghi chu: da xem"
    ids = remote.retrieve_state_ids(activity, tincan_agent())
    assert ids.success and ids.content == ["bookmark", "ghi-chu"]
    assert remote.retrieve_state_ids(activity, tincan_agent(),
                                     since="2999-01-01T00:00:00Z").content == []

    doc.etag = '"' + "0" * 40 + '"'  # a stale ETag is refused and changes nothing
    doc.content = '{"trang": 9}'
    assert remote.save_state(doc).response.status == 412
    assert bytes(remote.retrieve_state(activity, tincan_agent(), "bookmark").content.content) \
        == b'{"trang": 3}'

    doc.etag = None
    assert remote.delete_state(doc).success
    assert remote.retrieve_state(activity, tincan_agent(), "bookmark").response.status == 404
    assert remote.clear_state(activity, tincan_agent()).success
    assert remote.retrieve_state_ids(activity, tincan_agent()).content == []


def test_tincan_client_reads_and_writes_profiles_with_etags(remote, lrs):
    """RemoteLRS retrieves Activity and Agent Profiles and replaces them following the ETag
    flow: the current ETag is accepted, none is a 409, a stale one a 412."""
    # xAPI 1.0.3: a client creating a profile sends If-None-Match: *, which tincan cannot; an
    # authoring tool creates the Activity Profile, the LMS the learner's preferences.
    lrs.open("PUT", ACTIVITY_PROFILE, {"soCau": 10}, headers={"If-None-Match": "*"},
             activityId=ACTIVITY, profileId="cau-hinh")
    documents.save_agent_profile(BINH, "cmi5LearnerPreferences",
                                 b'{"languagePreference": "vi-VN"}')
    db.session.commit()
    activity = Activity(id=ACTIVITY)
    new = ActivityProfileDocument(id="moi", activity=activity, content='{"a": 1}',
                                  content_type="application/json")
    refused = remote.save_activity_profile(new)
    assert refused.response.status == 400 and b"If-None-Match" in refused.data.encode()

    got = remote.retrieve_activity_profile(activity, "cau-hinh")
    assert got.success and json.loads(bytes(got.content.content)) == {"soCau": 10}
    profile = got.content
    profile.content = '{"soCau": 20}'
    profile.content_type = "application/json"
    assert remote.save_activity_profile(profile).response.status == 409  # no If-Match
    profile.etag = header(got, "ETag")
    assert remote.save_activity_profile(profile).success
    assert bytes(remote.retrieve_activity_profile(activity, "cau-hinh").content.content) \
        == b'{"soCau": 20}'
    profile.content = '{"soCau": 30}'
    assert remote.save_activity_profile(profile).response.status == 412  # now stale
    assert remote.retrieve_activity_profile_ids(activity).content == ["cau-hinh"]

    agent = tincan_agent()
    got = remote.retrieve_agent_profile(agent, "cmi5LearnerPreferences")
    assert json.loads(bytes(got.content.content)) == {"languagePreference": "vi-VN"}
    preferences = AgentProfileDocument(id="cmi5LearnerPreferences", agent=agent,
                                       content='{"languagePreference": "en-US"}',
                                       content_type="application/json",
                                       etag=header(got, "ETag"))
    assert remote.save_agent_profile(preferences).success
    assert remote.retrieve_agent_profile_ids(agent).content == ["cmi5LearnerPreferences"]
    latest = remote.retrieve_agent_profile(agent, "cmi5LearnerPreferences")
    assert bytes(latest.content.content) == b'{"languagePreference": "en-US"}'
    assert remote.delete_agent_profile(preferences).response.status == 412  # stale ETag
    preferences.etag = header(latest, "ETag")
    assert remote.delete_agent_profile(preferences).success
    assert remote.retrieve_agent_profile(agent, "cmi5LearnerPreferences").response.status \
        == 404


# -- PostgreSQL ---------------------------------------------------------------------------------
@pytest.mark.postgres
def test_documents_and_definitions_on_postgres(postgres_url):
    """The document key, merges, id lists and the JSON queries of the Activities and Agents
    resources work on PostgreSQL too."""
    from lms_core import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url, "LMS_PLUGINS": "none"})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        client, secret = clients.create_client("pg", ["all"])
        key = client.key
        db.session.commit()
        lrs = Lrs(app.test_client(), key, secret)
        assert lrs.state("PUT", {"a": 1}, stateId="s").status_code == 204
        assert lrs.state("PUT", {"r": 1}, stateId="s", registration=REG).status_code == 204
        assert lrs.state("POST", {"b": 2}, stateId="s").status_code == 204
        assert lrs.state("GET", stateId="s").get_json() == {"a": 1, "b": 2}
        assert lrs.state("GET").get_json() == ["s"]
        assert lrs.state("GET", since="2000-01-01T00:00:00Z").get_json() == ["s"]
        monkey = pytest.MonkeyPatch()
        monkey.setattr(documents, "find", lambda *args, **kwargs: None)
        assert lrs.state("PUT", {"c": 3}, stateId="s").status_code == 409
        monkey.undo()
        assert lrs.state("GET", stateId="s").get_json() == {"a": 1, "b": 2}
        for name in ({"vi-VN": "Thủ tục"}, {"en-US": "Procedures"}):
            lrs.open("POST", "/xapi/statements", [statement(ACTIVITY, name=name)])
        activity = lrs.open("GET", "/xapi/activities", activityId=ACTIVITY).get_json()
        assert activity["definition"]["name"] == {"vi-VN": "Thủ tục", "en-US": "Procedures"}
        person = lrs.open("GET", "/xapi/agents", agent={"account": AN["account"]}).get_json()
        assert person["name"] == ["Nguyễn Văn An"]
        db.session.remove()
        db.engine.dispose()
