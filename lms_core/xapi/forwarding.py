"""Forwarding statements to an external LRS through a durable outbox.

- **The target** (:class:`ForwardingTarget`, one row) is set by an HR administrator at
  ``/admin/xapi/forwarding``: endpoint, key and secret (HTTP Basic), xAPI version, batch size,
  on/off. Until one is saved, the ``LMS_XAPI_FORWARD_*`` settings give it (on as soon as
  ``LMS_XAPI_FORWARD_ENDPOINT`` is set); once saved, the row wins. The secret is kept as given
  (the external LRS needs it back) and never shown again: the form only replaces it.
- **The outbox** (:class:`OutboxEntry`): a receiver of
  :data:`~lms_core.signals.xapi.statement_stored` adds a row for each statement stored while
  forwarding is on, in the same transaction as the statement, so a statement is never stored
  without its outbox row nor the other way round. Statements stored while forwarding is off
  are not queued (turning it on forwards from then on); ``lms xapi backfill --since`` queues
  the earlier ones. Turning it off pauses the queue: queued rows wait and go when it is on
  again, to the target configured then.
- **Sending** (:func:`forward_pending`, the scheduler's ``core.forward_xapi_statements`` job
  every minute, or ``lms xapi forward``): due rows in outbox order, in batches, with the
  ``tincan`` :class:`~tincan.RemoteLRS` client's ``save_statements``. Each statement goes with
  its own id exactly as stored, so a resend (after a timeout whose request did reach the
  receiver) is a statement the receiver already holds with the same content, which a conformant
  LRS accepts without storing it twice. What an answer does:

  ========================================  ==============================================
  2xx                                       every row of the batch is sent
  400, 409, 413, 422 (the content refused)  the batch is split in halves, each sent again,
                                            until the refused statement is alone: it is
                                            parked as a dead letter with the receiver's
                                            message; the others are sent
  anything else: no connection, timeout,    the whole batch waits (exponential backoff per
  5xx, 401, 403, 404, 429 ...               row: 30 s, 1 min, 2 min ... at most 1 h) and
                                            the pass stops; nothing is split
  ========================================  ==============================================

  A row is never deleted before it is delivered: sent rows are kept :data:`KEEP_SENT_DAYS`
  days, dead letters until an administrator retries them.

Two passes at once (the CLI beside the scheduler) may send the same rows twice; the ids make
that harmless. Network I/O happens outside any database transaction.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import orm as so
from tincan import RemoteLRS, StatementList
from tincan import Statement as TinCanStatement
from tincan.lrs_response import LRSResponse

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.signals.xapi import statement_stored
from lms_core.xapi.models import Statement

#: The xAPI versions a target may speak (the ``X-Experience-API-Version`` header sent).
VERSIONS = ("1.0.3", "2.0.0")
DEFAULT_BATCH_SIZE = 50
MAX_BATCH_SIZE = 500
#: Seconds to wait for the receiver to connect and answer (``LMS_XAPI_FORWARD_TIMEOUT``).
DEFAULT_TIMEOUT = 10
#: Backoff of a row after its n-th failed attempt: ``BACKOFF_BASE * 2**(n-1)`` seconds, at most
#: ``BACKOFF_MAX``.
BACKOFF_BASE = 30
BACKOFF_MAX = 3600
#: A pass stops starting new batches after this many seconds (the job runs every minute).
PASS_SECONDS = 50
#: Delivered rows are deleted this many days after delivery.
KEEP_SENT_DAYS = 7
#: Answers that refuse the statements themselves: split the batch to find the bad one.
REFUSALS = frozenset({400, 409, 413, 422})

PENDING, SENT, DEAD = "pending", "sent", "dead"
TARGET_ID = 1  #: the one forwarding target


class ForwardingTarget(db.Model):
    """The external LRS statements are forwarded to (one row, id 1)."""

    __tablename__ = "xapi_forwarding_targets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The LRS's endpoint, ending with ``/`` (``https://lrs.example/xapi/``).
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    key: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: The Basic password, kept as given because it must be sent; never shown on a page.
    secret: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    version: so.Mapped[str] = so.mapped_column(sa.String(10), default="1.0.3")
    enabled: so.Mapped[bool] = so.mapped_column(default=False)
    batch_size: so.Mapped[int] = so.mapped_column(default=DEFAULT_BATCH_SIZE)
    last_attempt_at: so.Mapped[datetime | None]
    last_success_at: so.Mapped[datetime | None]
    #: The last failure of a whole batch (no connection, 5xx ...), with its time.
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    last_error_at: so.Mapped[datetime | None]
    updated_at: so.Mapped[datetime | None]
    updated_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)

    def __repr__(self) -> str:
        return f"<ForwardingTarget {self.endpoint!r} {'on' if self.enabled else 'off'}>"


class OutboxEntry(db.Model):
    """A statement to forward: written with the statement, kept until delivered."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (sa.Index("ix_xapi_outbox_state_due", "state", "next_attempt_at", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    statement_pk: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("xapi_statements.id", ondelete="CASCADE"), unique=True)
    #: pending (to send), sent, or dead (refused by the receiver on its own: a dead letter).
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default=PENDING)
    #: Requests that carried this row (each split half counts).
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_attempt_at: so.Mapped[datetime | None]
    sent_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    #: HTTP status of the last failure (None: no answer at all).
    last_status: so.Mapped[int | None]
    #: Why the last attempt failed, or why the receiver refused the statement.
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(1000))

    statement: so.Mapped[Statement] = so.relationship()

    def __repr__(self) -> str:
        return f"<OutboxEntry {self.id} {self.state} statement={self.statement_pk}>"


# -- the target -------------------------------------------------------------------------------
def saved_target() -> ForwardingTarget | None:
    return db.session.get(ForwardingTarget, TARGET_ID)


def _configured_target() -> ForwardingTarget:
    """A target (not added to the session) from the ``LMS_XAPI_FORWARD_*`` settings."""
    cfg = current_app.config
    endpoint = _endpoint_text(cfg.get("LMS_XAPI_FORWARD_ENDPOINT") or "")
    return ForwardingTarget(
        id=TARGET_ID, endpoint=endpoint, key=cfg.get("LMS_XAPI_FORWARD_KEY") or "",
        secret=cfg.get("LMS_XAPI_FORWARD_SECRET") or "",
        version=cfg.get("LMS_XAPI_FORWARD_VERSION") or VERSIONS[0],
        batch_size=int(cfg.get("LMS_XAPI_FORWARD_BATCH_SIZE") or DEFAULT_BATCH_SIZE),
        enabled=bool(endpoint))


def current_target() -> ForwardingTarget:
    """The saved target, else the one the settings describe (not saved)."""
    return saved_target() or _configured_target()


def is_enabled() -> bool:
    """True when statements stored now are queued for forwarding."""
    row = saved_target()
    if row is not None:
        return row.enabled and bool(row.endpoint)
    return bool((current_app.config.get("LMS_XAPI_FORWARD_ENDPOINT") or "").strip())


def _endpoint_text(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith("/") else text + "/"


def save_target(*, endpoint: str, key: str, secret: str | None, version: str, enabled: bool,
                batch_size: int, actor=None) -> ForwardingTarget:
    """Save the forwarding target. ``secret`` empty or None keeps the current one.

    Raises :class:`UserError` (naming the field) and changes nothing on bad input: an endpoint
    that is not an http(s) URL or holds credentials, an unknown version, a batch size outside
    1–500, or forwarding turned on without an endpoint, key or secret."""
    current = current_target()
    endpoint = _endpoint_text(endpoint or "")
    key = (key or "").strip()
    new_secret = secret or current.secret or ""
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(_("The endpoint must be an http:// or https:// address, such as "
                              "https://lrs.example.gov.vn/xapi/."), field="endpoint")
        if parts.username or parts.password:
            raise UserError(_("Put the key and secret in their own fields, not in the "
                              "endpoint."), field="endpoint")
        if parts.query or parts.fragment:
            raise UserError(_("The endpoint cannot have a query (?) or a fragment (#)."),
                            field="endpoint")
    if len(endpoint) > 500:
        raise UserError(_("At most %(max)d characters.", max=500), field="endpoint")
    if len(key) > 200:
        raise UserError(_("At most %(max)d characters.", max=200), field="key")
    if len(new_secret) > 500:
        raise UserError(_("At most %(max)d characters.", max=500), field="secret")
    if version not in VERSIONS:
        raise UserError(_("Choose xAPI version %(versions)s.", versions=" / ".join(VERSIONS)),
                        field="version")
    if not isinstance(batch_size, int) or not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise UserError(_("The batch size is a whole number from 1 to %(max)d.",
                          max=MAX_BATCH_SIZE), field="batch_size")
    if enabled:
        if not endpoint:
            raise UserError(_("Forwarding needs the endpoint of the external LRS."),
                            field="endpoint")
        if not key:
            raise UserError(_("Forwarding needs the key of the external LRS."), field="key")
        if not new_secret:
            raise UserError(_("Forwarding needs the secret of the external LRS."),
                            field="secret")
    row = saved_target()
    if row is None:
        row = ForwardingTarget(id=TARGET_ID)
        db.session.add(row)
    row.endpoint, row.key, row.secret, row.version = endpoint, key, new_secret, version
    row.enabled, row.batch_size = enabled, batch_size
    row.updated_at = utcnow()
    row.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    return row


# -- the outbox -------------------------------------------------------------------------------
def _queue_stored_statement(sender: Statement, **_kwargs: Any) -> None:
    """Queue a statement just stored, in its transaction, when forwarding is on."""
    if is_enabled():
        now = utcnow()
        db.session.add(OutboxEntry(statement_pk=sender.id, state=PENDING, attempts=0,
                                   created_at=now, next_attempt_at=now))


# Connected once, strongly, when this module is imported (the app imports it with the xAPI
# admin pages); the receiver reads the current app's database, so it serves every app.
statement_stored.connect(_queue_stored_statement, weak=False)


def enqueue_since(since: datetime, *, now: datetime | None = None) -> int:
    """Queue the statements stored at or after ``since`` that were never queued (those stored
    while forwarding was off); returns how many."""
    now = now or utcnow()
    table = OutboxEntry.__table__
    chosen = (sa.select(Statement.id).where(
        Statement.stored >= since,
        ~sa.exists().where(table.c.statement_pk == Statement.id)).order_by(Statement.id))
    ids = list(db.session.scalars(chosen))
    if ids:
        db.session.execute(sa.insert(table), [
            {"statement_pk": pk, "state": PENDING, "attempts": 0, "created_at": now,
             "next_attempt_at": now} for pk in ids])
    db.session.flush()
    return len(ids)


def retry_dead_letter(entry_id: int, *, now: datetime | None = None) -> OutboxEntry:
    """Put a dead letter back in the queue, due now, with its backoff reset."""
    entry = db.session.get(OutboxEntry, entry_id)
    if entry is None or entry.state != DEAD:
        raise UserError(_("This statement is not among the refused statements."))
    entry.state, entry.attempts = PENDING, 0
    entry.next_attempt_at = now or utcnow()
    db.session.flush()
    return entry


def retry_all_dead_letters(*, now: datetime | None = None) -> int:
    """Put every dead letter back in the queue; returns how many."""
    result = db.session.execute(
        sa.update(OutboxEntry).where(OutboxEntry.state == DEAD)
        .values(state=PENDING, attempts=0, next_attempt_at=now or utcnow())
        .execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount


def purge_sent(before: datetime) -> int:
    """Delete delivered rows sent before ``before``; never a pending or dead one."""
    result = db.session.execute(
        sa.delete(OutboxEntry).where(OutboxEntry.state == SENT, OutboxEntry.sent_at < before)
        .execution_options(synchronize_session=False))
    return result.rowcount


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt (1, 2, ...)."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


# -- reading the state ------------------------------------------------------------------------
@dataclass
class Backlog:
    pending: int
    due: int
    retrying: int  #: pending rows that failed at least once
    dead: int
    oldest_pending_at: datetime | None


def backlog(now: datetime | None = None) -> Backlog:
    """Counts of the outbox for the admin page and ``lms xapi outbox``."""
    now = now or utcnow()
    pending = OutboxEntry.state == PENDING
    row = db.session.execute(sa.select(
        sa.func.count().filter(pending),
        sa.func.count().filter(pending, OutboxEntry.next_attempt_at <= now),
        sa.func.count().filter(pending, OutboxEntry.attempts > 0),
        sa.func.count().filter(OutboxEntry.state == DEAD),
        sa.func.min(OutboxEntry.created_at).filter(pending),
    ).select_from(OutboxEntry)).one()
    return Backlog(*row)


def retrying_entries(limit: int = 20) -> list[OutboxEntry]:
    """Pending rows whose last attempt failed, the most recent failure first."""
    return list(db.session.scalars(
        sa.select(OutboxEntry).options(so.joinedload(OutboxEntry.statement))
        .where(OutboxEntry.state == PENDING, OutboxEntry.attempts > 0)
        .order_by(OutboxEntry.last_attempt_at.desc(), OutboxEntry.id.desc()).limit(limit)))


def dead_letters(limit: int = 100) -> list[OutboxEntry]:
    """Statements the receiver refused on their own, the most recent first."""
    return list(db.session.scalars(
        sa.select(OutboxEntry).options(so.joinedload(OutboxEntry.statement))
        .where(OutboxEntry.state == DEAD)
        .order_by(OutboxEntry.last_attempt_at.desc(), OutboxEntry.id.desc()).limit(limit)))


# -- the client -------------------------------------------------------------------------------
class StoredStatement(TinCanStatement):
    """A ``tincan`` Statement that serialises to the JSON this LRS stored, unchanged.

    Rebuilding a stored statement with tincan's models would change it (numbers and durations
    reformatted) or fail (tincan 1.0 knows no xAPI 2.0 property such as ``contextAgents``);
    the receiver must get the same statement, with the same id, every time."""

    def __init__(self, payload: dict[str, Any]):
        super().__init__(id=payload["id"])
        object.__setattr__(self, "_stored_json", payload)

    def as_version(self, version: str | None = None) -> dict[str, Any]:
        return self._stored_json


class ForwardingClient(RemoteLRS):
    """tincan's RemoteLRS with a network timeout and any xAPI version header.

    tincan's own transport opens its connections without a timeout (a receiver that accepts
    a request and never answers would hang the job for ever) and refuses version 2.0.0. This
    one does the same requests with ``timeout`` seconds for connecting and for each read, and
    sends the body as UTF-8."""

    def __init__(self, endpoint: str, key: str, secret: str, version: str = VERSIONS[0],
                 timeout: float = DEFAULT_TIMEOUT):
        super().__init__(endpoint=endpoint, username=key, password=secret)
        object.__setattr__(self, "_header_version", version)
        object.__setattr__(self, "_timeout", timeout)
        object.__setattr__(self, "last_status", None)

    def _send_request(self, request) -> LRSResponse:
        object.__setattr__(self, "last_status", None)
        headers = {"X-Experience-API-Version": self._header_version}
        if self.auth is not None:
            headers["Authorization"] = self.auth
        headers.update(request.headers)
        url = request.resource if request.resource.startswith("http") else (
            self.endpoint + request.resource)
        parts = urlsplit(url)
        query = "&".join(q for q in (parts.query, urlencode(
            {k: str(v) for k, v in request.query_params.items()})) if q)
        path = (parts.path or "/") + (f"?{query}" if query else "")
        body = getattr(request, "content", None)
        if isinstance(body, str):
            body = body.encode("utf-8")
        cls = http.client.HTTPSConnection if parts.scheme == "https" else (
            http.client.HTTPConnection)
        connection = cls(parts.hostname, parts.port, timeout=self._timeout)
        try:
            connection.request(request.method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        object.__setattr__(self, "last_status", response.status)
        return LRSResponse(success=200 <= response.status < 300, request=request,
                           response=response, data=data)


def client_for(target: ForwardingTarget) -> ForwardingClient:
    timeout = float(current_app.config.get("LMS_XAPI_FORWARD_TIMEOUT") or DEFAULT_TIMEOUT)
    return ForwardingClient(target.endpoint, target.key, target.secret, target.version,
                            timeout)


# -- sending ----------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to some rows of a batch: sent, dead (refused alone) or retry."""

    entry_ids: list[int]
    kind: str
    status: int | None = None
    reason: str | None = None


def _reason(status: int | None, data: bytes | str | None) -> str:
    """The receiver's message: the ``message`` of a JSON error, else the start of the body."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
            text = parsed["message"]
    except ValueError:
        pass
    text = " ".join(text.split())[:900]
    return f"HTTP {status}: {text}" if text else f"HTTP {status}"


def _post(client: ForwardingClient, batch: list[tuple[int, dict]]) -> Outcome:
    ids = [entry_id for entry_id, _payload in batch]
    statements = StatementList([StoredStatement(payload) for _id, payload in batch])
    try:
        response = client.save_statements(statements)
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, timeout, bad answer
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Outcome(ids, "retry", None, reason[:900])
    except ValueError:  # a 2xx whose body is not the list of ids: stored all the same
        if client.last_status is not None and 200 <= client.last_status < 300:
            return Outcome(ids, SENT, client.last_status)
        raise
    status = response.response.status
    if response.success:
        return Outcome(ids, SENT, status)
    kind = "refused" if status in REFUSALS else "retry"
    return Outcome(ids, kind, status, _reason(status, response.data))


def deliver(client: ForwardingClient, batch: list[tuple[int, dict]],
            on_request: Callable[[], None] | None = None) -> list[Outcome]:
    """Send ``batch`` (``(entry_id, payload)`` pairs); split it while the receiver refuses its
    content. Returns the outcomes; rows of a half never tried (after a failure that is not a
    refusal) are in none of them. Touches no database."""
    if on_request is not None:
        on_request()
    outcome = _post(client, batch)
    if outcome.kind != "refused":
        return [outcome]
    if len(batch) == 1:
        return [Outcome(outcome.entry_ids, DEAD, outcome.status, outcome.reason)]
    middle = len(batch) // 2
    first = deliver(client, batch[:middle], on_request)
    if any(o.kind == "retry" for o in first):
        return first
    return first + deliver(client, batch[middle:], on_request)


def _apply(outcomes: list[Outcome], now: datetime) -> None:
    entries = {e.id: e for e in db.session.scalars(sa.select(OutboxEntry).where(
        OutboxEntry.id.in_([i for o in outcomes for i in o.entry_ids])))}
    for outcome in outcomes:
        for entry_id in outcome.entry_ids:
            entry = entries.get(entry_id)
            if entry is None or entry.state == SENT:
                continue
            entry.attempts += 1
            entry.last_attempt_at = now
            if outcome.kind == SENT:
                entry.state, entry.sent_at = SENT, now
            elif outcome.kind == DEAD:
                entry.state = DEAD
                entry.last_status, entry.last_error = outcome.status, outcome.reason
            else:
                entry.last_status, entry.last_error = outcome.status, outcome.reason
                entry.next_attempt_at = now + timedelta(seconds=backoff_seconds(entry.attempts))
    db.session.flush()


@dataclass
class PassResult:
    """What one pass did."""

    enabled: bool = True
    sent: int = 0
    dead: int = 0
    waiting: int = 0  #: rows that failed and wait for their next attempt
    requests: int = 0
    error: str | None = None  #: why the pass stopped early (the receiver is unavailable)
    outcomes: list[Outcome] = field(default_factory=list)


def forward_pending(*, now: datetime | None = None, ignore_backoff: bool = False,
                    max_seconds: float = PASS_SECONDS) -> PassResult:
    """One pass over the outbox: send the due rows, oldest first, batch after batch, until none
    is left, a batch fails for a reason other than its content, or ``max_seconds`` have passed.

    Like a CLI command, this commits: after reading each batch (so no transaction stays open
    during network I/O) and after recording each batch's outcome (so what was delivered stays
    recorded even if a later batch hangs). ``now`` fixes the clock (tests); ``ignore_backoff``
    sends rows whose next attempt is still to come (``lms xapi forward --now``)."""
    result = PassResult()
    target = saved_target()
    if target is None and is_enabled():  # configured by the settings only: keep its state
        target = _configured_target()
        db.session.add(target)
        db.session.commit()
    if target is None or not target.enabled or not target.endpoint:
        result.enabled = False
        db.session.rollback()
        return result
    client = client_for(target)
    batch_size = max(1, min(target.batch_size or DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE))
    started = time.monotonic()
    cursor = 0
    while time.monotonic() - started < max_seconds:
        at = now or utcnow()
        query = (sa.select(OutboxEntry.id, Statement.payload)
                 .join(Statement, Statement.id == OutboxEntry.statement_pk)
                 .where(OutboxEntry.state == PENDING, OutboxEntry.id > cursor)
                 .order_by(OutboxEntry.id).limit(batch_size))
        if not ignore_backoff:
            query = query.where(OutboxEntry.next_attempt_at <= at)
        batch = [(entry_id, payload) for entry_id, payload in db.session.execute(query)]
        db.session.rollback()  # no transaction open while waiting on the network
        if not batch:
            break
        cursor = batch[-1][0]

        def count_request() -> None:
            result.requests += 1

        outcomes = deliver(client, batch, count_request)
        at = now or utcnow()
        _apply(outcomes, at)
        target = saved_target()
        target.last_attempt_at = at
        failure = next((o for o in outcomes if o.kind == "retry"), None)
        if any(o.kind == SENT for o in outcomes):
            target.last_success_at = at
        if failure is not None:
            target.last_error, target.last_error_at = failure.reason, at
        db.session.commit()
        result.outcomes += outcomes
        for outcome in outcomes:
            count = len(outcome.entry_ids)
            if outcome.kind == SENT:
                result.sent += count
            elif outcome.kind == DEAD:
                result.dead += count
            else:
                result.waiting += count
        if failure is not None:
            result.error = failure.reason
            break
    purge_sent((now or utcnow()) - timedelta(days=KEEP_SENT_DAYS))
    db.session.commit()
    return result
