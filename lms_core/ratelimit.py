"""Rate limits kept in the database, so that every worker process and every app server behind
the load balancer counts against the same numbers (nothing lives in one process's memory).

Fixed windows: time is cut into windows of ``window`` seconds aligned on the Unix epoch, and
one row per (key, window) counts the requests. A hit is one atomic ``INSERT ... ON CONFLICT
DO UPDATE ... RETURNING`` (SQLite >= 3.35 and PostgreSQL), on a connection of its own that
commits at once, so a request that later rolls back still counts and two servers never lose
a hit. A burst at the edge of two windows may reach twice the limit; that is the price of one
row per window and is fine for the limits here (logins, public lookups).

Rows of windows that have ended are deleted by the scheduled job that calls
:func:`purge_expired`.

Use :func:`limit` on a view, or :func:`enforce` where the view is not yours to decorate
(``lms_core.security`` applies the login and certificate-verification limits that way)::

    @bp.route("/xapi/statements", methods=["POST"])
    @limit(lambda: client_ip(), "LMS_XAPI_RATE_PER_IP", 60)
    def statements(): ...
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy import orm as so
from werkzeug.exceptions import TooManyRequests

from lms_core.db import begin_writing, end_writing, is_writing, utcnow
from lms_core.extensions import db

#: Longest counter key stored as is; longer keys (a pasted novel as user name) are hashed.
MAX_KEY_LENGTH = 190


class RateLimitCounter(db.Model):
    """How many requests one key made in one fixed window."""

    __tablename__ = "ratelimit_counters"

    #: ``scope:value``, e.g. ``login-ip:10.1.2.3`` or ``login-user:nguyenvanan``.
    key: so.Mapped[str] = so.mapped_column(sa.String(200), primary_key=True)
    #: Start of the window (naive UTC), aligned on a multiple of the window length.
    window_start: so.Mapped[datetime] = so.mapped_column(primary_key=True)
    count: so.Mapped[int] = so.mapped_column(default=0)
    #: End of the window: after it the row only waits for the purge job.
    expires_at: so.Mapped[datetime] = so.mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<RateLimitCounter {self.key!r} {self.window_start:%H:%M:%S} {self.count}>"


def counter_key(scope: str, value: str) -> str:
    """The stored key for ``value`` in ``scope``; long values are replaced by their SHA-256."""
    key = f"{scope}:{value}"
    if len(key) > MAX_KEY_LENGTH:
        key = f"{scope}:sha256:{hashlib.sha256(value.encode('utf-8')).hexdigest()}"
    return key


def window_bounds(now: datetime, window: int) -> tuple[datetime, datetime]:
    """Start and end (naive UTC) of the fixed window of ``window`` seconds holding ``now``."""
    if window <= 0:
        raise ValueError("a rate-limit window must be at least one second")
    epoch = int(now.replace(tzinfo=UTC).timestamp())
    start = datetime.fromtimestamp(epoch - epoch % window, UTC).replace(tzinfo=None)
    return start, start + timedelta(seconds=window)


def _upsert(conn: sa.Connection, key: str, start: datetime, end: datetime) -> int:
    table = RateLimitCounter.__table__
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(table).values(key=key, window_start=start, count=1, expires_at=end)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key, table.c.window_start],
            set_={"count": table.c.count + 1},
        ).returning(table.c.count)
        return int(conn.execute(stmt).scalar_one())
    # Another database: update, else insert (a concurrent first hit may then fail loudly).
    where = sa.and_(table.c.key == key, table.c.window_start == start)
    if conn.execute(sa.update(table).where(where).values(count=table.c.count + 1)).rowcount:
        return int(conn.execute(sa.select(table.c.count).where(where)).scalar_one())
    conn.execute(sa.insert(table).values(key=key, window_start=start, count=1, expires_at=end))
    return 1


def hit(key: str, window: int, now: datetime | None = None) -> tuple[int, datetime]:
    """Count one request for ``key`` in the current window of ``window`` seconds.

    Returns the count including this request and the end of the window (naive UTC). The
    count is committed at once on a connection of its own, whatever the request does next
    (on SQLite, when the request's session is already in a transaction, in that one).
    """
    start, end = window_bounds(now or utcnow(), window)
    session = db.session()  # this app context's session
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has a single writer lock and this session may hold it already (a writing
        # request's transaction begins IMMEDIATE, see lms_core.db): a second connection would
        # wait for it until the busy timeout. Count in this session instead: a reading (GET)
        # request first declares the write, so its transaction can take the lock, and goes
        # back to reading after; a writing request commits now or with its own changes.
        reading = not is_writing()
        if reading:
            begin_writing(session)
        count = _upsert(session.connection(), key, start, end)
        if reading:
            end_writing(session)
        elif not (session.new or session.dirty or session.deleted):
            session.commit()
        return count, end
    with db.engine.begin() as conn:
        count = _upsert(conn, key, start, end)
    return count, end


def current_count(key: str, window: int, now: datetime | None = None) -> int:
    """How many requests ``key`` made in the current window (without counting one more)."""
    start, _end = window_bounds(now or utcnow(), window)
    return db.session.scalar(sa.select(RateLimitCounter.count).where(
        RateLimitCounter.key == key, RateLimitCounter.window_start == start)) or 0


def purge_expired(now: datetime | None = None) -> int:
    """Delete the counters of windows that have ended; returns how many. Flushes, does not
    commit (the scheduled job commits)."""
    result = db.session.execute(
        sa.delete(RateLimitCounter).where(RateLimitCounter.expires_at <= (now or utcnow())))
    db.session.flush()
    return result.rowcount or 0


def client_ip() -> str:
    """The client's address as the limits see it: ``request.remote_addr`` (corrected by
    ProxyFix when ``LMS_TRUSTED_PROXIES`` is set). IPv6 clients count per /64 network, since
    one household or one device commonly holds a whole /64."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _setting(value: int | str) -> int:
    """An int, or the name of a config key holding one."""
    return int(current_app.config[value]) if isinstance(value, str) else int(value)


def enabled() -> bool:
    return bool(current_app.config.get("LMS_RATELIMIT_ENABLED", True))


def too_many_message(retry_at: datetime) -> str:
    """The generic message of a refused request, with the local time to try again."""
    return _("Too many requests. Please try again after %(time)s.",
             time=format_time(retry_at, "HH:mm"))


def enforce(scope: str, value: str | None, limit: int | str, window: int | str, *,
            message: Callable[[datetime], str] | None = None) -> int:
    """Count one request of ``value`` in ``scope``; past ``limit`` requests in the window,
    abort with HTTP 429 (a ``Retry-After`` header and a message in the user's language).

    ``limit`` and ``window`` (seconds) are ints or names of config keys. A ``value`` of None
    or "" is not limited. ``message(retry_at)`` gives the text (default:
    :func:`too_many_message`). Returns the count, or 0 when nothing was counted.
    """
    if not value or not enabled():
        return 0
    max_hits, seconds = _setting(limit), _setting(window)
    count, end = hit(counter_key(scope, value), seconds)
    if count > max_hits:
        now = utcnow()
        retry_after = max(1, int((end - now).total_seconds() + 0.999))
        g.lms_retry_after = retry_after
        exc = TooManyRequests(retry_after=retry_after)
        exc.user_message = (message or too_many_message)(end)  # type: ignore[attr-defined]
        current_app.logger.warning("rate limit %s exceeded by %s (%d in %d s)", scope, value[:100],
                                   count, seconds)
        raise exc
    return count


def limit(key_func: Callable[[], str | None], limit: int | str, window: int | str, *,
          scope: str | None = None, message: Callable[[datetime], str] | None = None):
    """Decorate a view: at most ``limit`` calls per ``window`` seconds for each value of
    ``key_func()`` (evaluated in the request; None skips the limit), then HTTP 429.

    ``limit`` and ``window`` are ints or config key names; ``scope`` names the counters
    (default: the view's module and name), so two views do not share a budget unless told.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        name = scope or f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            enforce(name, key_func(), limit, window, message=message)
            return view(*args, **kwargs)

        return wrapped

    return decorator
