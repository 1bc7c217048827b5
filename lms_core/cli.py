"""The ``lms`` command: Flask's CLI with the app's own groups. It reads the same settings as
the app (``LMS_DATABASE_URL`` and friends)."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from lms_core.errors import UserError
from lms_core.extensions import db


def _create_app():
    from lms_core import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """Học tập Hải quan — management commands."""


def fail(message) -> None:
    """Print a user error and exit with status 2, after rolling back."""
    db.session.rollback()
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(2)


@click.group("user")
def user_cli():
    """Manage user accounts."""


@user_cli.command("create")
@click.argument("username")
@click.option("--password", required=True, help="The password (checked against the policy).")
@click.option("--role", "roles", multiple=True, default=["officer"], show_default=True,
              type=click.Choice(["officer", "author", "unit_head", "hr_admin"]))
@click.option("--name", "full_name", help="Full name (default: the username).")
@click.option("--code", help="Personnel code (default: the username, upper-cased).")
@click.option("--unit", "unit_code", help="Unit code: assigns the user there from today; a "
              "unit_head leads this unit.")
@click.option("--position", "position_code", help="Job position code for the assignment.")
@with_appcontext
def user_create(username, password, roles, full_name, code, unit_code, position_code):
    """Create a user account."""
    from lms_core.identity import operations as ops
    from lms_core.identity import roles as R
    from lms_core.organisation import operations as org_ops
    from lms_core.organisation import queries as q

    try:
        unit = position = None
        if unit_code:
            unit = q.unit_by_code(unit_code)
            if unit is None:
                raise UserError(f"unknown unit {unit_code!r}")
        if position_code:
            position = q.position_by_code(position_code)
            if position is None:
                raise UserError(f"unknown position {position_code!r}")
            if unit is None:
                raise UserError("--position needs --unit")
        if R.UNIT_HEAD in roles and unit is None:
            raise UserError("a unit_head needs --unit")
        user = ops.create_user(username, full_name or username, code=code, password=password,
                               roles=[r for r in roles if r != R.UNIT_HEAD])
        if R.UNIT_HEAD in roles:
            ops.grant_role(user, R.UNIT_HEAD, unit.id)
        if unit is not None:
            org_ops.assign(user, unit, position, start_on=date.today())
        db.session.commit()
    except UserError as exc:
        fail(exc)
    click.echo(json.dumps({"username": user.username, "code": user.code,
                           "roles": sorted(user.roles)}, ensure_ascii=False))


@user_cli.command("unlock")
@click.argument("username")
@with_appcontext
def user_unlock(username):
    """Clear a lock-out after failed logins."""
    from lms_core.identity import operations as ops

    user = ops.get_user(username)
    if user is None:
        fail(f"unknown user {username!r}")
    ops.unlock(user)
    db.session.commit()
    click.echo(f"unlocked {user.username}")


def register_cli(app: Flask) -> None:
    """Add the core's command groups to ``app.cli`` (plugins add theirs when loaded)."""
    from lms_core.courses.cli import content_cli
    from lms_core.demo.cli import demo_cli
    from lms_core.organisation.cli import import_cli
    from lms_core.scheduler import scheduler_cli
    from lms_core.xapi.cli import xapi_cli

    for group in (user_cli, demo_cli, import_cli, content_cli, scheduler_cli, xapi_cli):
        app.cli.add_command(group)
