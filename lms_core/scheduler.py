"""Scheduled jobs: APScheduler running the core's and the plugins' :class:`~lms_core.plugins.Job`
objects, each inside an app context, in its own ``lms scheduler run`` process.

Any number of scheduler processes may run (one per app server, say); a lease row in the
database (:class:`~lms_core.scheduler_models.SchedulerLease`) lets exactly one of them run the
jobs. The holder renews the lease every third of ``LMS_SCHEDULER_LEASE_SECONDS``; the others
stay idle and try again at the same pace, and one of them takes over when the holder stops
renewing (a crash, a lost machine), at most one lease length later. On SIGTERM or SIGINT the
holder waits for a running job to finish and releases the lease at once.

A job may still run twice: a holder that stalls longer than the lease (a long garbage
collection, a frozen virtual machine) finishes the job it was running after another process
has taken over. Every job must therefore be idempotent: doing it twice leaves the same state as
doing it once (sweeping closed sessions, recomputing roll-ups from statements).
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import secrets
import signal
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.plugins import Job, all_jobs
from lms_core.scheduler_models import SchedulerLease

log = logging.getLogger("lms_core.scheduler")

#: The name of the lease the scheduler takes.
DEFAULT_LEASE = "default"
#: Default lease length in seconds (``LMS_SCHEDULER_LEASE_SECONDS``).
DEFAULT_LEASE_SECONDS = 30
#: ``/healthz`` counts the scheduler alive while its last renewal is younger than this many
#: lease lengths.
HEALTHY_LEASE_PERIODS = 3


# -- the lease -------------------------------------------------------------------------------
def make_holder_id() -> str:
    """An id for this process, unique across machines and restarts: ``host:pid:random``."""
    return f"{socket.gethostname()[:150]}:{os.getpid()}:{secrets.token_hex(4)}"


def lease_seconds(app: Flask | None = None) -> float:
    """The configured lease length in seconds (``LMS_SCHEDULER_LEASE_SECONDS``, default 30)."""
    app = app or current_app
    return float(app.config.get("LMS_SCHEDULER_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS)


def acquire_lease(name: str, holder: str, seconds: float, *, now: datetime | None = None) -> bool:
    """Take or renew the lease ``name`` for ``holder`` for ``seconds``; True when it is held.

    Atomic on SQLite and PostgreSQL without explicit locks: one UPDATE that matches only an
    expired lease or one ``holder`` already holds (the affected row count tells which), then,
    when no row exists yet, an INSERT whose unique-key violation means another process created
    it first. Runs in its own short transactions on the engine, apart from ``db.session``, and
    commits them. Times are naive UTC from this machine's clock (keep the nodes on NTP: a skew
    well below the lease length is harmless)."""
    table = SchedulerLease.__table__
    now = now or utcnow()
    expires = now + timedelta(seconds=seconds)
    with db.engine.begin() as conn:
        updated = conn.execute(
            sa.update(table)
            .where(table.c.name == name,
                   sa.or_(table.c.expires_at < now, table.c.holder == holder))
            .values(holder=holder, renewed_at=now, expires_at=expires,
                    acquired_at=sa.case((table.c.holder == holder, table.c.acquired_at),
                                        else_=now))
        ).rowcount
        if updated == 1:
            return True
        if conn.execute(sa.select(table.c.name).where(table.c.name == name)).first():
            return False  # held by another process
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.insert(table).values(name=name, holder=holder, acquired_at=now,
                                                 renewed_at=now, expires_at=expires))
    except IntegrityError:
        return False  # another process inserted the row between our UPDATE and INSERT
    return True


def release_lease(name: str, holder: str, *, now: datetime | None = None) -> bool:
    """Give the lease up at once if ``holder`` holds it, so another process need not wait for
    it to expire; True when it was released. The row stays, with the last holder."""
    table = SchedulerLease.__table__
    now = now or utcnow()
    with db.engine.begin() as conn:
        return conn.execute(
            sa.update(table)
            .where(table.c.name == name, table.c.holder == holder, table.c.expires_at > now)
            .values(expires_at=now)
        ).rowcount == 1


def lease_status(name: str = DEFAULT_LEASE, *, now: datetime | None = None,
                 app: Flask | None = None) -> dict[str, Any]:
    """The lease as a dict for ``/healthz`` and ``lms scheduler status``: ``ok`` (renewed within
    :data:`HEALTHY_LEASE_PERIODS` lease lengths), ``held`` (not expired), ``holder`` and the
    times in ISO 8601 UTC; holder and times are None when no scheduler ever ran."""
    table = SchedulerLease.__table__
    now = now or utcnow()
    with db.engine.connect() as conn:  # apart from db.session, like the functions above
        lease = conn.execute(sa.select(table).where(table.c.name == name)).first()
    if lease is None:
        return {"ok": False, "held": False, "holder": None, "renewed_at": None,
                "expires_at": None}
    max_age = timedelta(seconds=HEALTHY_LEASE_PERIODS * lease_seconds(app))
    return {
        "ok": lease.renewed_at >= now - max_age,
        "held": lease.expires_at > now,
        "holder": lease.holder,
        "renewed_at": lease.renewed_at.isoformat(timespec="seconds") + "Z",
        "expires_at": lease.expires_at.isoformat(timespec="seconds") + "Z",
    }


# -- jobs ------------------------------------------------------------------------------------
def _run_in_context(app: Flask, job: Job):
    @functools.wraps(job.func)
    def run():
        with app.app_context():
            try:
                job.func()
            except Exception:
                log.exception("scheduled job %s failed", job.id)
                db.session.rollback()
                raise

    return run


def extra_jobs(app: Flask) -> list[Job]:
    """Site jobs from ``LMS_SCHEDULER_EXTRA_JOBS``: a list (or a comma-separated string) of
    ``"package.module:function:seconds"``, each run every ``seconds`` like a plugin's job.
    The test suite uses it to give the scheduler processes a job it can observe."""
    setting = app.config.get("LMS_SCHEDULER_EXTRA_JOBS") or []
    specs = setting.split(",") if isinstance(setting, str) else list(setting)
    jobs = []
    for spec in (s.strip() for s in specs):
        if not spec:
            continue
        try:
            module, func, seconds = spec.rsplit(":", 2)
            target = getattr(importlib.import_module(module), func)
            interval = float(seconds)
        except (ValueError, ImportError, AttributeError) as exc:
            raise ValueError(f"LMS_SCHEDULER_EXTRA_JOBS: cannot use {spec!r} ({exc})") from exc
        jobs.append(Job(f"extra.{module}.{func}", target, "interval", {"seconds": interval}))
    return jobs


def build_scheduler(app: Flask, scheduler_cls=None):
    """An APScheduler scheduler holding every job of ``app``; not started."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = (scheduler_cls or BlockingScheduler)(timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
    for job in all_jobs(app) + extra_jobs(app):
        scheduler.add_job(_run_in_context(app, job), job.trigger, id=job.id,
                          replace_existing=True, coalesce=True, max_instances=1,
                          **job.trigger_args)
    return scheduler


# -- the process -----------------------------------------------------------------------------
def run_with_lease(app: Flask, stop: threading.Event, *, name: str = DEFAULT_LEASE,
                   holder: str | None = None, scheduler=None) -> None:
    """Run ``app``'s jobs while this process holds the lease, until ``stop`` is set.

    The jobs' scheduler starts paused: it is resumed when the lease is taken and paused again
    if a renewal fails (the database was unreachable, or another process took over after this
    one stalled). On stop, a running job is waited for, then the lease is released."""
    from apscheduler.schedulers.background import BackgroundScheduler

    seconds = lease_seconds(app)
    holder = holder or make_holder_id()
    scheduler = scheduler or build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)
    active = waiting_logged = False
    log.info("scheduler %s started with %d jobs, lease %r of %gs", holder,
             len(scheduler.get_jobs()), name, seconds)
    try:
        while not stop.is_set():
            try:
                with app.app_context():
                    held = acquire_lease(name, holder, seconds)
            except SQLAlchemyError:
                log.exception("scheduler %s could not reach the lease", holder)
                held = False
            if held and not active:
                scheduler.resume()
                active, waiting_logged = True, False
                log.info("scheduler %s holds the lease: running the jobs", holder)
            elif not held and active:
                scheduler.pause()
                active = False
                log.warning("scheduler %s lost the lease: jobs paused", holder)
            elif not held and not waiting_logged:
                waiting_logged = True
                log.info("scheduler %s on standby: the lease is held by another process", holder)
            stop.wait(seconds / 3)
    finally:
        scheduler.shutdown(wait=True)
        if active:
            try:
                with app.app_context():
                    released = release_lease(name, holder)
                if released:
                    log.info("scheduler %s released the lease", holder)
            except SQLAlchemyError:
                log.exception("scheduler %s could not release the lease; it expires by itself",
                              holder)


@click.group("scheduler")
def scheduler_cli():
    """Run or inspect the scheduled jobs."""


@scheduler_cli.command("list")
@with_appcontext
def list_jobs():
    """List the scheduled jobs of the core and the loaded plugins."""
    app = current_app._get_current_object()
    for job in all_jobs(app) + extra_jobs(app):
        args = ", ".join(f"{k}={v}" for k, v in job.trigger_args.items())
        click.echo(f"{job.id}\t{job.trigger}({args})")


@scheduler_cli.command("status")
@with_appcontext
def status():
    """Show which process holds the scheduler's lease and when it last renewed it."""
    state = lease_status()
    if state["holder"] is None:
        click.echo("no scheduler has run on this database")
        return
    click.echo(f"holder: {state['holder']}\nheld: {'yes' if state['held'] else 'no'}\n"
               f"renewed_at: {state['renewed_at']}\nexpires_at: {state['expires_at']}\n"
               f"healthy: {'yes' if state['ok'] else 'no'}")


@scheduler_cli.command("run")
@with_appcontext
def run():
    """Run the scheduler in the foreground until SIGTERM or Ctrl+C. It runs the jobs only
    while it holds the database lease; other scheduler processes wait on standby."""
    from lms_core.logging import init_logging

    app = current_app._get_current_object()
    init_logging(app)  # harmless after create_app did it: the jobs must never run unlogged
    stop = threading.Event()

    def request_stop(signum, _frame):
        log.info("scheduler stopping on signal %d", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    run_with_lease(app, stop)
