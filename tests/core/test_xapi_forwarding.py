"""Forwarding statements to an external LRS: the outbox, the job, the CLI.

The receiver is a second instance of this app (its own SQLite file) serving its LRS over real
HTTP on 127.0.0.1; a fault proxy (tests/faultproxy.py) between the two refuses connections,
drops requests or answers, delays answers or says 503. Passes run with a fixed clock.
"""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tincan import Activity, Agent, AgentAccount, LanguageMap, Verb
from tincan import Statement as TinCanStatement
from werkzeug.serving import make_server

from lms_core import create_app
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.xapi import clients
from lms_core.xapi import forwarding as fwd
from lms_core.xapi.models import Statement
from lms_core.xapi.statements import record
from tests.faultproxy import FaultProxy

HOME = "https://hoctap.customs.gov.vn"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ACTIVITY = f"{HOME}/xapi/activities/course/HQ-01"


# -- the receiver and the proxy ---------------------------------------------------------------
@dataclass
class Receiver:
    """Another instance of the app, its LRS served on 127.0.0.1."""

    app: object
    port: int
    key: str
    secret: str
    path: Path

    def counts(self) -> Counter:
        """How many times each statement id is stored at the receiver."""
        with sqlite3.connect(self.path) as conn:
            return Counter(row[0].lower() for row in conn.execute(
                "SELECT statement_id FROM xapi_statements"))

    def payload(self, statement_id: str) -> dict:
        with sqlite3.connect(self.path) as conn:
            (text,) = conn.execute("SELECT payload FROM xapi_statements WHERE statement_id = ?",
                                   (statement_id,)).fetchone()
        return json.loads(text)

    def post(self, body, version="1.0.3"):
        """POST statements to the receiver's LRS directly (not through the proxy)."""
        auth = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return self.app.test_client().post(
            "/xapi/statements", data=json.dumps(body), content_type="application/json",
            headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": version})


@pytest.fixture
def receiver(template_db, tmp_path):
    """A second instance of the app with its own database and an xAPI client for the sender."""
    path = tmp_path / "receiver.db"
    shutil.copy(template_db, path)
    other = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                   "LMS_PLUGINS": "none"})
    with other.app_context():
        client, secret = clients.create_client("Kho phân tích của Tổng cục",
                                               ["statements/write", "statements/read"])
        key = client.key
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, other, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield Receiver(other, server.server_port, key, secret, path)
    server.shutdown()
    thread.join(timeout=10)
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def proxy(receiver):
    proxy = FaultProxy(receiver.port)
    yield proxy
    proxy.close()


@pytest.fixture
def forwarding_to(app, receiver, proxy):
    """``forwarding_to(batch_size=3, version="1.0.3")``: forwarding on, through the proxy."""
    app.config["LMS_XAPI_FORWARD_TIMEOUT"] = 5

    def configure(batch_size=3, version="1.0.3"):
        target = fwd.save_target(endpoint=f"{proxy.url}/xapi/", key=receiver.key,
                                 secret=receiver.secret, version=version, enabled=True,
                                 batch_size=batch_size)
        db.session.commit()
        return target

    return configure


def statement(n: int, sid: str | None = None) -> TinCanStatement:
    return TinCanStatement(
        id=uuid.UUID(sid) if sid else uuid.uuid4(),
        actor=Agent(name="Nguyễn Văn An", account=AgentAccount(home_page=HOME,
                                                                 name=f"HQ{n:06d}")),
        verb=Verb(id=COMPLETED, display=LanguageMap({"vi-VN": "đã hoàn thành",
                                                     "en-US": "completed"})),
        object=Activity(id=f"{ACTIVITY}/{n}"), timestamp=datetime.now(UTC))


def store(count: int, start: int = 0) -> list[str]:
    """Record ``count`` statements as the platform does, commit; returns their ids."""
    ids = [record(statement(start + i)).statement_id for i in range(count)]
    db.session.commit()
    return ids


def later(**delta) -> datetime:
    """A clock a little ahead of now, so that rows queued just now are due."""
    return utcnow() + timedelta(seconds=1, **delta)


def states() -> Counter:
    return Counter(db.session.scalars(sa.select(fwd.OutboxEntry.state)))


def entries() -> list[fwd.OutboxEntry]:
    return list(db.session.scalars(sa.select(fwd.OutboxEntry).order_by(fwd.OutboxEntry.id)))


# -- the outbox --------------------------------------------------------------------------------
def test_outbox_row_is_written_in_the_statement_transaction(app):
    """A statement stored while forwarding is on gets its outbox row; a rollback keeps neither."""
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi", key="k", secret="s",
                    version="1.0.3", enabled=True, batch_size=10)
    db.session.commit()
    record(statement(1))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Statement)) == 0
    assert entries() == []
    (sid,) = store(1)
    (entry,) = entries()
    assert (entry.statement.statement_id, entry.state, entry.attempts) == (sid, "pending", 0)


def test_statements_posted_to_the_built_in_lrs_are_queued_too(app):
    """Statements that content sends to /xapi are queued like the platform's own."""
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi/", key="k", secret="s",
                    version="1.0.3", enabled=True, batch_size=10)
    client, secret = clients.create_client("Nội dung cmi5", ["statements/write"])
    db.session.commit()
    auth = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    body = [json.loads(statement(n).to_json()) for n in range(2)]
    response = app.test_client().post(
        "/xapi/statements", data=json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 200
    assert sorted(e.statement.statement_id for e in entries()) == sorted(response.json)


def test_statements_stored_while_forwarding_is_off_are_not_queued_until_backfilled(app):
    """Off: statements are stored but not queued; a backfill queues exactly those."""
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi/", key="k", secret="s",
                    version="1.0.3", enabled=False, batch_size=10)
    db.session.commit()
    before = utcnow() - timedelta(seconds=1)
    off = store(2)
    assert entries() == []
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi/", key="k", secret=None,
                    version="1.0.3", enabled=True, batch_size=10)
    db.session.commit()
    on = store(1)
    assert fwd.enqueue_since(before) == 2
    db.session.commit()
    assert fwd.enqueue_since(before) == 0  # never twice
    assert sorted(e.statement.statement_id for e in entries()) == sorted(off + on)


def test_settings_from_the_environment_until_a_target_is_saved(app, receiver, proxy):
    """LMS_XAPI_FORWARD_* turn forwarding on while no target is saved; the job then keeps it."""
    app.config.update(LMS_XAPI_FORWARD_ENDPOINT=f"{proxy.url}/xapi",
                      LMS_XAPI_FORWARD_KEY=receiver.key,
                      LMS_XAPI_FORWARD_SECRET=receiver.secret)
    assert fwd.saved_target() is None and fwd.is_enabled()
    ids = store(2)
    result = fwd.forward_pending(now=later())
    assert result.sent == 2
    assert set(receiver.counts()) == set(ids)
    saved = fwd.saved_target()
    assert saved.endpoint == f"{proxy.url}/xapi/" and saved.last_success_at is not None


def test_bad_settings_are_refused_and_change_nothing(app):
    """Each bad value is refused with the field named, and no target is saved."""
    good = dict(endpoint="https://lrs.example.gov.vn/xapi/", key="k", secret="s",
                version="1.0.3", enabled=True, batch_size=10)
    for change, bad_field in [({"endpoint": "ftp://lrs.example/"}, "endpoint"),
                              ({"endpoint": "https://u:p@lrs.example/xapi/"}, "endpoint"),
                              ({"endpoint": ""}, "endpoint"), ({"key": ""}, "key"),
                              ({"secret": None}, "secret"), ({"version": "0.95"}, "version"),
                              ({"batch_size": 0}, "batch_size"),
                              ({"batch_size": 501}, "batch_size")]:
        with pytest.raises(UserError) as caught:
            fwd.save_target(**{**good, **change})
        assert caught.value.field == bad_field, change
        db.session.rollback()
        assert fwd.saved_target() is None


def test_an_empty_secret_keeps_the_saved_one(app):
    """Saving without a secret keeps the one saved; a new one replaces it."""
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi/", key="k", secret="bí-mật-1",
                    version="1.0.3", enabled=True, batch_size=10)
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi/", key="k2", secret="",
                    version="2.0.0", enabled=True, batch_size=20)
    db.session.commit()
    assert (fwd.saved_target().secret, fwd.saved_target().key) == ("bí-mật-1", "k2")
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi/", key="k2", secret="bí-mật-2",
                    version="2.0.0", enabled=True, batch_size=20)
    db.session.commit()
    assert fwd.saved_target().secret == "bí-mật-2"


# -- delivery ----------------------------------------------------------------------------------
def test_everything_stored_during_an_outage_is_delivered_once_with_the_same_ids(
        app, receiver, proxy, forwarding_to):
    """Down (refused, then 503), statements wait; once up, each arrives exactly once."""
    forwarding_to(batch_size=3)
    proxy.set_mode("refuse")
    ids = store(7)
    first = fwd.forward_pending(now=later())
    assert (first.sent, first.waiting, first.requests) == (0, 3, 1)
    assert "ConnectionRefused" in first.error
    assert states() == {"pending": 7}

    proxy.set_mode("unavailable")
    ids += store(3, start=7)
    second = fwd.forward_pending(now=later(minutes=10))
    assert second.sent == 0 and "HTTP 503" in second.error
    assert receiver.counts() == Counter()

    proxy.set_mode("pass")
    third = fwd.forward_pending(now=later(hours=2))
    assert (third.sent, third.error) == (10, None)
    assert receiver.counts() == Counter({sid: 1 for sid in ids})
    assert states() == {"sent": 10}
    target = fwd.saved_target()
    assert target.last_success_at is not None and "HTTP 503" in target.last_error

    again = fwd.forward_pending(now=later(hours=3))
    assert (again.sent, again.requests) == (0, 0)
    assert receiver.counts() == Counter({sid: 1 for sid in ids})


@pytest.mark.parametrize("fault", ["drop_response", "delay"])
def test_a_request_whose_answer_is_lost_is_resent_without_duplicates(
        app, receiver, proxy, forwarding_to, fault):
    """The receiver stored the batch but the answer never came: resent, stored once."""
    forwarding_to(batch_size=10)
    app.config["LMS_XAPI_FORWARD_TIMEOUT"] = 0.5
    proxy.set_mode(fault, delay=5)
    ids = store(4)
    first = fwd.forward_pending(now=later())
    assert first.sent == 0 and first.error
    assert proxy.forwarded == 1
    assert receiver.counts() == Counter({sid: 1 for sid in ids})  # it did arrive
    assert states() == {"pending": 4}

    proxy.set_mode("pass")
    second = fwd.forward_pending(now=later(hours=1))
    assert second.sent == 4 and proxy.forwarded == 2
    assert receiver.counts() == Counter({sid: 1 for sid in ids})
    assert states() == {"sent": 4}


def test_a_request_dropped_before_the_receiver_is_resent(app, receiver, proxy, forwarding_to):
    """A request lost on the way is sent again later and then delivered."""
    forwarding_to(batch_size=10)
    proxy.set_mode("drop_request")
    ids = store(2)
    assert fwd.forward_pending(now=later()).error
    assert receiver.counts() == Counter()
    proxy.set_mode("pass")
    assert fwd.forward_pending(now=later(hours=1)).sent == 2
    assert receiver.counts() == Counter({sid: 1 for sid in ids})


def test_a_refused_statement_is_parked_and_the_rest_of_its_batch_delivered(
        app, receiver, proxy, forwarding_to):
    """One statement the receiver refuses (its id holds other content there) becomes a dead
    letter with the receiver's reason; the other seven arrive."""
    forwarding_to(batch_size=8)
    clash = str(uuid.uuid4())
    other = json.loads(statement(99, clash).to_json())
    assert receiver.post(other).status_code == 200
    ids = store(3) + [record(statement(3, clash)).statement_id] + store(4, start=4)
    result = fwd.forward_pending(now=later())
    assert (result.sent, result.dead, result.error) == (7, 1, None)
    assert 3 <= result.requests <= 7  # halves down to the refused one, never one by one
    (dead,) = fwd.dead_letters()
    assert dead.statement.statement_id == clash
    assert dead.last_status == 409 and "already stored with other content" in dead.last_error
    counts = receiver.counts()
    assert counts == Counter({sid: 1 for sid in ids})  # the clash id: the receiver's own
    assert receiver.payload(clash)["object"]["id"] == f"{ACTIVITY}/99"

    # Retried, it is refused again and parked again; nothing else is sent twice.
    fwd.retry_dead_letter(dead.id)
    db.session.commit()
    assert fwd.backlog().dead == 0
    again = fwd.forward_pending(now=later(minutes=1))
    assert (again.sent, again.dead, again.requests) == (0, 1, 1)
    assert receiver.counts() == counts


def test_statements_the_receiver_finds_invalid_are_parked_one_by_one(
        app, receiver, proxy, forwarding_to, monkeypatch):
    """Two statements the receiver answers 400 for, in a batch of ten: both parked with the
    receiver's message, the eight others delivered."""
    from lms_core.xapi import lrs

    rejected = {f"{ACTIVITY}/2", f"{ACTIVITY}/7"}

    def receiver_rule(_client, statements):
        for i, item in enumerate(statements):
            if item["object"]["id"] in rejected:
                raise lrs.LrsError(400, f"statements[{i}].object: this activity is retired")

    monkeypatch.setattr(lrs, "STATEMENT_CHECKS", [receiver_rule])
    forwarding_to(batch_size=10)
    ids = store(10)
    result = fwd.forward_pending(now=later())
    assert (result.sent, result.dead, result.error) == (8, 2, None)
    dead = {e.statement.activity_id: e for e in fwd.dead_letters()}
    assert set(dead) == rejected
    assert all(e.last_status == 400 and "this activity is retired" in e.last_error
               for e in dead.values())
    assert receiver.counts() == Counter({sid: 1 for sid in ids[:2] + ids[3:7] + ids[8:]})


def test_a_server_error_waits_for_the_whole_batch_without_splitting(
        app, receiver, proxy, forwarding_to):
    """503: one request, every row of the batch backs off, none is parked."""
    forwarding_to(batch_size=4)
    proxy.set_mode("unavailable")
    store(4)
    result = fwd.forward_pending(now=later())
    assert (result.requests, result.waiting, result.dead) == (1, 4, 0)
    assert proxy.requests == 1
    assert {(e.state, e.attempts, e.last_status) for e in entries()} == {("pending", 1, 503)}


def test_backoff_doubles_after_each_failure_up_to_an_hour(app, receiver, proxy, forwarding_to):
    """Waits of 30 s, 1, 2, 4 min ...; a pass before the next attempt sends nothing."""
    forwarding_to()
    proxy.set_mode("refuse")
    store(1)
    clock = later()
    waits = []
    for _ in range(5):
        assert fwd.forward_pending(now=clock).requests == 1
        (entry,) = entries()
        waits.append((entry.next_attempt_at - clock).total_seconds())
        early = fwd.forward_pending(now=entry.next_attempt_at - timedelta(seconds=1))
        assert early.requests == 0
        clock = entry.next_attempt_at
    assert waits == [30, 60, 120, 240, 480]
    assert fwd.backoff_seconds(12) == 3600
    assert fwd.backlog(now=clock).retrying == 1


def test_forward_now_ignores_the_backoff(app, receiver, proxy, forwarding_to, runner):
    """`lms xapi forward --now` sends rows still waiting after a failure."""
    forwarding_to()
    proxy.set_mode("refuse")
    ids = store(2)
    fwd.forward_pending(now=later())
    proxy.set_mode("pass")
    waiting = runner.invoke(args=["xapi", "forward"])
    assert waiting.exit_code == 0 and "sent: 0" in waiting.output
    result = runner.invoke(args=["xapi", "forward", "--now"])
    assert result.exit_code == 0, result.output
    assert "sent: 2" in result.output
    assert receiver.counts() == Counter({sid: 1 for sid in ids})


def test_statements_arrive_exactly_as_stored_even_in_xapi_2(app, receiver, proxy,
                                                            forwarding_to):
    """The receiver holds the statement as the sender stored it, 2.0 properties included."""
    forwarding_to(version="2.0.0")
    client, secret = clients.create_client("Nội dung 2.0", ["statements/write"])
    db.session.commit()
    body = json.loads(statement(5).to_json())
    body.pop("version", None)  # a 2.0.0 statement, by the request's header
    body.update(result={"score": {"raw": 5, "max": 10}, "duration": "PT1M30.5S"},
                context={"contextAgents": [{"objectType": "contextAgent", "agent": {
                    "objectType": "Agent", "account": {"homePage": HOME, "name": "HQ000009"}}}]})
    auth = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    response = app.test_client().post(
        "/xapi/statements", data=json.dumps(body), content_type="application/json",
        headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": "2.0.0"})
    assert response.status_code == 200, response.json
    (sid,) = response.json
    assert fwd.forward_pending(now=later()).sent == 1
    sent = db.session.scalar(sa.select(Statement).where(Statement.statement_id == sid)).payload
    got = receiver.payload(sid)
    mine = {k: v for k, v in sent.items() if k not in ("stored", "authority")}
    assert {k: v for k, v in got.items() if k not in ("stored", "authority")} == mine


# -- the job and the commands ------------------------------------------------------------------
def test_the_scheduler_runs_forwarding_every_minute(app, runner):
    """The job is listed, and with forwarding off it sends nothing."""
    from lms_core.jobs import CORE_JOBS, forward_xapi_statements

    (job,) = [j for j in CORE_JOBS if j.id == "core.forward_xapi_statements"]
    assert job.trigger_args == {"minutes": 1}
    assert "core.forward_xapi_statements\tinterval(minutes=1)" in runner.invoke(
        args=["scheduler", "list"]).output
    store(1)
    forward_xapi_statements()
    assert entries() == []


def test_the_job_delivers_the_backlog(app, receiver, proxy, forwarding_to):
    """The scheduler's job function delivers what is due."""
    from lms_core.jobs import forward_xapi_statements

    forwarding_to()
    ids = store(5)
    forward_xapi_statements()
    assert receiver.counts() == Counter({sid: 1 for sid in ids})


def test_cli_shows_the_backlog_and_fails_when_the_receiver_is_down(
        app, receiver, proxy, forwarding_to, runner):
    """`lms xapi outbox` counts the queue; `lms xapi forward` exits 1 when the LRS is down."""
    forwarding_to()
    proxy.set_mode("refuse")
    store(4)
    down = runner.invoke(args=["xapi", "forward"])
    assert down.exit_code == 1 and "ConnectionRefused" in down.output
    status = runner.invoke(args=["xapi", "outbox"])
    assert status.exit_code == 0
    assert "forwarding: on" in status.output and "pending: 4" in status.output
    assert "retrying: 3" in status.output
    assert receiver.secret not in status.output + down.output


def test_cli_backfill_queues_statements_stored_while_off(app, runner):
    """`lms xapi backfill --since` queues what was stored while forwarding was off."""
    store(3)
    fwd.save_target(endpoint="https://lrs.example.gov.vn/xapi/", key="k", secret="s",
                    version="1.0.3", enabled=True, batch_size=10)
    db.session.commit()
    bad = runner.invoke(args=["xapi", "backfill", "--since", "hôm qua"])
    assert bad.exit_code == 2 and entries() == []
    result = runner.invoke(args=["xapi", "backfill", "--since",
                                 (utcnow() - timedelta(days=2)).strftime("%d/%m/%Y")])
    assert result.exit_code == 0 and "Queued 3" in result.output
    assert states() == {"pending": 3}


def test_delivered_rows_are_purged_after_a_week_but_never_undelivered_ones(
        app, receiver, proxy, forwarding_to):
    """A pass deletes rows sent over a week ago; pending and dead rows stay."""
    forwarding_to()
    store(2)
    fwd.forward_pending(now=later())
    proxy.set_mode("refuse")
    store(1)
    result = fwd.forward_pending(now=later(days=8))
    assert result.error
    assert states() == {"pending": 1}


# -- PostgreSQL --------------------------------------------------------------------------------
@pytest.mark.postgres
def test_forwarding_from_postgres(postgres_url, receiver, proxy):
    """On PostgreSQL too: queued with the statement, held during an outage, delivered once,
    the refused statement parked."""
    sender = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url,
                                    "LMS_PLUGINS": "none", "LMS_XAPI_FORWARD_TIMEOUT": 5})
    assert sender.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with sender.app_context():
        fwd.save_target(endpoint=f"{proxy.url}/xapi/", key=receiver.key,
                        secret=receiver.secret, version="1.0.3", enabled=True, batch_size=4)
        db.session.commit()
        clash = str(uuid.uuid4())
        assert receiver.post(json.loads(statement(99, clash).to_json())).status_code == 200
        proxy.set_mode("refuse")
        ids = store(3) + [record(statement(3, clash)).statement_id] + store(3, start=4)
        assert fwd.forward_pending(now=later()).error
        assert fwd.backlog(now=later()).retrying == 4
        proxy.set_mode("pass")
        result = fwd.forward_pending(now=later(hours=1))
        assert (result.sent, result.dead, result.error) == (6, 1, None)
        assert receiver.counts() == Counter({sid: 1 for sid in ids})
        assert [e.statement.statement_id for e in fwd.dead_letters()] == [clash]
        db.session.remove()
        db.engine.dispose()
