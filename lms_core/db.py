"""The declarative base, naming conventions and database helpers shared by core and plugins."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import orm as so

#: Stable constraint names, so Alembic migrations name the same constraint the same way on
#: SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    """Base class of every model (through ``db.Model``)."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        ident = getattr(self, "code", None) or getattr(self, "id", None)
        return f"<{type(self).__name__} {ident!r}>"


def utcnow() -> datetime:
    """Now in UTC as a naive datetime: every timestamp column stores naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # pragma: no cover - trivial
    """WAL for concurrent readers beside one writer, enforced foreign keys, a busy wait.

    pysqlite's own transaction handling is switched off (``isolation_level = None``) and
    SQLAlchemy emits BEGIN itself (below): otherwise pysqlite defers BEGIN, a SAVEPOINT opens
    the transaction and releasing it commits, so nested transactions (an import's dry run)
    would not roll back. This is SQLAlchemy's documented recipe for pysqlite."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


#: Requests with these methods only read, unless the view calls :func:`begin_writing`.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_writing() -> bool:
    """Whether this request's (or command's) transactions begin as writers."""
    from flask import g, has_request_context, request

    if not has_request_context():  # CLI commands, scheduled jobs
        return True
    return g.get("db_writing", request.method not in SAFE_METHODS)


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_begin(conn):
    """On SQLite, a transaction that will write begins IMMEDIATE: it waits (busy_timeout) for
    the single writer lock up front. A deferred transaction that reads and then writes fails
    at once with "database is locked" when another connection committed meanwhile, because
    WAL cannot upgrade its old snapshot. Reads begin deferred and never wait."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if is_writing() else "BEGIN")


def begin_writing(session) -> None:
    """Declare that this GET request writes (e.g. opening a lesson records a study session).
    Call it before the view's first write; on SQLite the read transaction so far is ended so
    the next one begins IMMEDIATE. Objects loaded so far are refreshed on next access."""
    from flask import g

    g.db_writing = True
    session = session() if callable(session) else session  # a scoped_session: this one
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        session.commit()


def end_writing(session) -> None:
    """Commit what a GET request wrote (see :func:`begin_writing`); what follows only reads,
    so on SQLite the writer lock is free again while the page is rendered."""
    from flask import g

    session.commit()
    g.db_writing = False
