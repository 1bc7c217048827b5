"""Scheduled jobs: APScheduler running the core's and the plugins' :class:`~lms_core.plugins.Job`
objects, each inside an app context, in its own ``lms scheduler run`` process."""

from __future__ import annotations

import functools

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from lms_core.plugins import Job, all_jobs


def _run_in_context(app: Flask, job: Job):
    @functools.wraps(job.func)
    def run():
        with app.app_context():
            try:
                job.func()
            except Exception:
                app.logger.exception("scheduled job %s failed", job.id)
                from lms_core.extensions import db

                db.session.rollback()
                raise

    return run


def build_scheduler(app: Flask, scheduler_cls=None):
    """An APScheduler scheduler holding every job of ``app``; not started."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = (scheduler_cls or BlockingScheduler)(timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
    for job in all_jobs(app):
        scheduler.add_job(_run_in_context(app, job), job.trigger, id=job.id,
                          replace_existing=True, coalesce=True, max_instances=1,
                          **job.trigger_args)
    return scheduler


@click.group("scheduler")
def scheduler_cli():
    """Run or inspect the scheduled jobs."""


@scheduler_cli.command("list")
@with_appcontext
def list_jobs():
    """List the scheduled jobs of the core and the loaded plugins."""
    for job in all_jobs(current_app):
        args = ", ".join(f"{k}={v}" for k, v in job.trigger_args.items())
        click.echo(f"{job.id}\t{job.trigger}({args})")


@scheduler_cli.command("run")
@with_appcontext
def run():
    """Run the scheduler in the foreground until interrupted."""
    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    click.echo(f"scheduler: {len(scheduler.get_jobs())} jobs")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
