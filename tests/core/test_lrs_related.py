"""The agent and activity filters of statement queries, with related_agents and
related_activities, through the statement keys (xapi_statement_keys)."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa
from tincan import Activity, Agent, AgentAccount, Context, ContextActivities, Statement, Verb

from lms_core.extensions import db
from lms_core.xapi import clients
from lms_core.xapi.models import Statement as Row
from lms_core.xapi.models import StatementKey
from tests.core import test_lrs_statements as statements_tests
from tests.core.test_lrs_statements import ACTIVITY, ATTEMPTED, COMPLETED, Http, stmt

#: The fixtures of the Statements tests.
lrs_app, make_client = statements_tests.lrs_app, statements_tests.make_client
http, remote = statements_tests.http, statements_tests.remote

HOME = "https://hoctap.customs.gov.vn"
MODULE = f"{ACTIVITY}/module/1"
LESSON = f"{ACTIVITY}/lesson/1"
AN = {"objectType": "Agent", "name": "Nguyễn Văn An", "mbox": "mailto:an@customs.gov.vn"}
BINH = {"objectType": "Agent", "mbox": "mailto:binh@customs.gov.vn"}
CHI = {"objectType": "Agent", "account": {"homePage": HOME, "name": "HQ000003"}}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return sorted(s["id"] for s in response.get_json()["statements"])


def agent_param(agent: dict) -> str:
    return json.dumps(agent)


# -- activities ---------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["parent", "grouping", "category", "other"])
def test_related_activities_finds_context_activities(http, where):
    """A context activity matches with related_activities=true, not without."""
    sid = http.post(stmt(activity=LESSON, context={"contextActivities": {
        where: [{"id": MODULE}]}})).get_json()[0]
    http.post(stmt(activity=f"{ACTIVITY}/lesson/2"))
    assert ids(http.get(activity=MODULE, related_activities="true")) == [sid]
    assert ids(http.get(activity=MODULE)) == []
    assert ids(http.get(activity=LESSON)) == [sid]
    assert ids(http.get(activity=LESSON, related_activities="true")) == [sid]


def test_related_activities_looks_inside_sub_statements(http):
    """A SubStatement's object and context activities are related activities."""
    sub = {"objectType": "SubStatement", "actor": BINH, "verb": {"id": ATTEMPTED},
           "object": {"id": LESSON},
           "context": {"contextActivities": {"grouping": {"id": MODULE}}}}
    sid = http.post(stmt(object=sub)).get_json()[0]
    assert ids(http.get(activity=LESSON, related_activities="true")) == [sid]
    assert ids(http.get(activity=MODULE, related_activities="true")) == [sid]
    assert ids(http.get(activity=LESSON)) == []


# -- agents -------------------------------------------------------------------------------------
def test_agent_filter_matches_actor_object_and_group_members(http):
    """agent matches the actor, an Agent object, and Groups having that Agent as member."""
    as_actor = http.post(stmt() | {"actor": AN}).get_json()[0]
    as_object = http.post(stmt(object=AN)).get_json()[0]
    in_group = http.post(stmt() | {"actor": {"objectType": "Group", "member": [AN, BINH]}}
                         ).get_json()[0]
    http.post(stmt() | {"actor": BINH})
    assert ids(http.get(agent=agent_param({"mbox": AN["mbox"]}))) == sorted(
        [as_actor, as_object, in_group])


def test_an_identified_group_is_matched_by_its_identifier(http):
    """An identified Group as agent finds the statements where that Group acts."""
    team = {"objectType": "Group", "mbox": "mailto:doi1@customs.gov.vn", "member": [BINH]}
    sid = http.post(stmt() | {"actor": team}).get_json()[0]
    assert ids(http.get(agent=agent_param({"objectType": "Group",
                                           "mbox": team["mbox"]}))) == [sid]
    assert ids(http.get(agent=agent_param(BINH))) == [sid]


def test_related_agents_covers_instructor_team_authority_and_sub_statements(http):
    """With related_agents=true the instructor, team members, authority, 2.0 context agents
    and groups and a SubStatement's agents match; without it they do not."""
    with_instructor = http.post(stmt(context={"instructor": AN})).get_json()[0]
    with_team = http.post(stmt(context={"team": {"objectType": "Group",
                                                  "member": [AN]}})).get_json()[0]
    sub = {"objectType": "SubStatement", "actor": AN, "verb": {"id": ATTEMPTED},
           "object": {"id": LESSON}}
    in_sub = http.post(stmt(object=sub)).get_json()[0]
    context_agent = http.post(stmt(context={"contextAgents": [
        {"objectType": "contextAgent", "agent": AN}]}), version="2.0.0").get_json()[0]
    context_group = http.post(stmt(context={"contextGroups": [
        {"objectType": "contextGroup", "group": {"objectType": "Group", "member": [AN]}}]}),
        version="2.0.0").get_json()[0]
    unrelated = http.post(stmt(context={"instructor": BINH})).get_json()[0]
    related = ids(http.get(agent=agent_param(AN), related_agents="true"))
    assert related == sorted([with_instructor, with_team, in_sub, context_agent,
                              context_group])
    assert ids(http.get(agent=agent_param(AN))) == []
    authority = http.get(statementId=unrelated).get_json()["authority"]
    everything = ids(http.get(agent=agent_param({"account": authority["account"]}),
                              related_agents="true"))
    assert unrelated in everything and len(everything) == 6
    assert ids(http.get(agent=agent_param({"account": authority["account"]}))) == []


def test_filters_combine(http):
    """agent, verb, activity and registration filters are combined with AND."""
    registration = str(uuid.uuid4())
    wanted = http.post(stmt(activity=LESSON, context={
        "registration": registration, "instructor": AN,
        "contextActivities": {"parent": [{"id": MODULE}]}})).get_json()[0]
    http.post(stmt(verb=ATTEMPTED, activity=LESSON, context={
        "registration": registration, "instructor": AN,
        "contextActivities": {"parent": [{"id": MODULE}]}}))
    http.post(stmt(activity=LESSON, context={"instructor": AN}))
    found = http.get(agent=agent_param(AN), related_agents="true", verb=COMPLETED,
                     activity=MODULE, related_activities="true", registration=registration)
    assert ids(found) == [wanted]


# -- the keys -----------------------------------------------------------------------------------
def test_keys_are_written_for_stored_statements(http):
    """Storing a statement writes its agent and activity keys; long identifiers are digested
    to fit the index."""
    long_iri = f"{ACTIVITY}/{'x' * 400}"
    sid = http.post(stmt(activity=long_iri, context={"instructor": AN})).get_json()[0]
    row = db.session.scalar(sa.select(Row).where(Row.statement_id == sid))
    keys = {(k.kind, k.key) for k in db.session.scalars(
        sa.select(StatementKey).where(StatementKey.statement_pk == row.id))}
    assert ("agent", f"account:{HOME}|HQ000001") in keys
    assert ("related_agent", "mbox:mailto:an@customs.gov.vn") in keys
    assert all(len(key) <= 255 for _kind, key in keys)
    assert ids(http.get(activity=long_iri)) == [sid]
    assert ids(http.get(activity=long_iri, related_activities="true")) == [sid]


def test_platform_statements_are_indexed_too(http, make_user):
    """record() writes the keys: the platform's statements are found by their context."""
    from lms_core.xapi import statements as S

    user = make_user("an", roles=("officer",))
    lesson = S.activity("course/HQ-01/lesson/1", "lesson", "Bài 1", "Lesson 1")
    built = S.build(user, "experienced", lesson)
    built.context = Context(context_activities=ContextActivities(
        grouping=[Activity(id=ACTIVITY)]))
    row = S.record(built, user=user)
    db.session.commit()
    assert ids(http.get(activity=ACTIVITY, related_activities="true")) == [row.statement_id]
    actor = {"account": row.payload["actor"]["account"]}
    assert ids(http.get(agent=agent_param(actor))) == [row.statement_id]


def test_the_keys_index_serves_related_queries(http):
    """On SQLite the related filters are answered through the keys index."""
    from lms_core.xapi import lrs

    http.post(stmt(context={"instructor": AN}))
    query = sa.select(Row.id).where(lrs._matching(lrs.parse_query({
        "agent": agent_param(AN), "related_agents": "true"})))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(str(r[-1]) for r in db.session.execute(
        sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_xapi_statement_keys_kind_key" in plan


def test_the_migration_indexes_statements_stored_before_it(tmp_path):
    """Upgrading a database that already holds statements writes their keys."""
    from flask_migrate import upgrade

    from lms_core import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db",
                                 "LMS_PLUGINS": "none"})
    with app.app_context():
        upgrade(revision="a4088ca1b482")
        payload = stmt(context={"instructor": AN,
                                "contextActivities": {"parent": [{"id": MODULE}]}})
        db.session.execute(sa.text(
            "INSERT INTO xapi_statements (statement_id, actor_key, verb_id, activity_id, "
            "timestamp, stored, voided, payload) VALUES (:sid, 'x', :verb, :act, "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 0, :payload)"),
            {"sid": str(uuid.uuid4()), "verb": COMPLETED, "act": ACTIVITY,
             "payload": json.dumps(payload)})
        db.session.commit()
        upgrade()
        keys = {(k.kind, k.key) for k in db.session.scalars(sa.select(StatementKey))}
        assert ("related_activity", MODULE) in keys
        assert ("related_agent", "mbox:mailto:an@customs.gov.vn") in keys
        db.session.remove()
        db.engine.dispose()


# -- through the tincan client ------------------------------------------------------------------
def test_tincan_client_queries_related_activities_page_by_page(remote):
    """RemoteLRS finds statements by a context activity and pages through them."""
    account = AgentAccount(home_page=HOME, name="HQ000002")
    for i in range(5):
        saved = remote.save_statement(Statement(
            actor=Agent(account=account), verb=Verb(id=COMPLETED),
            object=Activity(id=f"{ACTIVITY}/lesson/{i}"),
            context=Context(context_activities=ContextActivities(
                parent=[Activity(id=MODULE)]))))
        assert saved.success, saved.data
    remote.save_statement(Statement(actor=Agent(account=account), verb=Verb(id=COMPLETED),
                                    object=Activity(id=f"{ACTIVITY}/lesson/9")))
    page = remote.query_statements({"activity": Activity(id=MODULE), "related_activities": True,
                                    "limit": 2})
    assert page.success, page.data
    seen = [s.object.id for s in page.content.statements]
    assert len(seen) == 2 and page.content.more
    while page.content.more:
        page = remote.more_statements(page.content)
        assert page.success, page.data
        seen += [s.object.id for s in page.content.statements]
    assert sorted(seen) == [f"{ACTIVITY}/lesson/{i}" for i in range(5)]
    plain = remote.query_statements({"activity": Activity(id=MODULE)})
    assert plain.success and plain.content.statements == []
    related = remote.query_statements({"agent": Agent(account=account), "related_agents": True,
                                       "activity": Activity(id=MODULE),
                                       "related_activities": True})
    assert len(related.content.statements) == 5


# -- PostgreSQL ---------------------------------------------------------------------------------
@pytest.mark.postgres
def test_related_filters_on_postgres(postgres_url):
    """The keys, the related filters and StatementRef targets work on PostgreSQL too."""
    from lms_core import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url, "LMS_PLUGINS": "none"})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        client, secret = clients.create_client("pg", ["all"])
        key = client.key
        db.session.commit()
        lrs = Http(app.test_client(), key, secret)
        team = {"objectType": "Group", "member": [AN, BINH]}
        first = lrs.post(stmt(activity=LESSON, context={
            "team": team, "contextActivities": {"grouping": {"id": MODULE}}})).get_json()[0]
        second = lrs.post(stmt(object=AN)).get_json()[0]
        ref = lrs.post(stmt(verb=ATTEMPTED, object={"objectType": "StatementRef",
                                                    "id": first})).get_json()[0]
        lrs.post(stmt() | {"actor": CHI})
        assert ids(lrs.get(activity=MODULE, related_activities="true")) == sorted([first, ref])
        assert ids(lrs.get(agent=agent_param(BINH), related_agents="true")) == sorted(
            [first, ref])
        assert ids(lrs.get(agent=agent_param(AN))) == [second]
        assert ids(lrs.get(agent=agent_param(CHI))) != []
        db.session.remove()
        db.engine.dispose()
