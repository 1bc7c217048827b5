"""``lms xapi ...``: the credentials of the programs that use the built-in LRS."""

from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.xapi import clients


@click.group("xapi")
def xapi_cli():
    """The built-in LRS (/xapi)."""


@xapi_cli.group("client")
def client_cli():
    """LRS clients (HTTP Basic key and secret)."""


@client_cli.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(clients.SCOPES), help="A scope; repeat for several.")
@with_appcontext
def client_create(name, scopes):
    """Create a client and print its key and secret as JSON (the secret is shown only now)."""
    from lms_core.cli import fail

    try:
        client, secret = clients.create_client(name, list(scopes))
    except UserError as error:
        fail(error)
    db.session.commit()
    click.echo(json.dumps({"name": client.name, "key": client.key, "secret": secret,
                           "scopes": client.scopes}, ensure_ascii=False))


@client_cli.command("list")
@with_appcontext
def client_list():
    """List the clients (never their secrets) as JSON lines."""
    for client in db.session.scalars(sa.select(clients.XapiClient)
                                     .order_by(clients.XapiClient.id)):
        click.echo(json.dumps({"name": client.name, "key": client.key, "scopes": client.scopes,
                               "active": client.active}, ensure_ascii=False))


@client_cli.command("deactivate")
@click.argument("key")
@with_appcontext
def client_deactivate(key):
    """Refuse this client's credentials from now on."""
    from lms_core.cli import fail

    try:
        clients.set_active(key, False)
    except UserError as error:
        fail(error)
    db.session.commit()
    click.echo(f"Deactivated {key}.")


# -- forwarding to an external LRS (lms_core/xapi/forwarding.py) ------------------------------
@xapi_cli.command("forward")
@click.option("--now", "ignore_backoff", is_flag=True,
              help="Also send statements still waiting after a failure (after a repair).")
@with_appcontext
def forward(ignore_backoff):
    """Send the queued statements to the external LRS now (one pass, as the scheduler does).
    Exits with status 1 when the external LRS could not be reached."""
    from lms_core.xapi import forwarding

    result = forwarding.forward_pending(ignore_backoff=ignore_backoff)
    if not result.enabled:
        click.echo("Forwarding is off: nothing sent.")
        return
    click.echo(f"sent: {result.sent}\nrefused (dead letters): {result.dead}\n"
               f"waiting after a failure: {result.waiting}\nrequests: {result.requests}")
    if result.error:
        click.echo(f"stopped: {result.error}", err=True)
        raise SystemExit(1)


@xapi_cli.command("outbox")
@with_appcontext
def outbox():
    """Show the forwarding backlog: queued, failed, refused statements and the last delivery."""
    from lms_core.xapi import forwarding

    target = forwarding.current_target()
    state = forwarding.backlog()

    def when(value):
        return value.isoformat(timespec="seconds") + "Z" if value else "-"

    click.echo(f"forwarding: {'on' if target.enabled and target.endpoint else 'off'}\n"
               f"endpoint: {target.endpoint or '-'}\n"
               f"pending: {state.pending}\ndue: {state.due}\nretrying: {state.retrying}\n"
               f"dead: {state.dead}\noldest_pending: {when(state.oldest_pending_at)}\n"
               f"last_success: {when(target.last_success_at)}\n"
               f"last_error: {when(target.last_error_at)} {target.last_error or ''}".rstrip())
    for entry in forwarding.dead_letters(limit=20):
        click.echo(f"dead {entry.statement.statement_id}: {entry.last_error}")


@xapi_cli.command("backfill")
@click.option("--since", required=True, help="Day (dd/mm/yyyy) from which stored statements "
              "are queued, local time.")
@with_appcontext
def backfill(since):
    """Queue for forwarding the statements stored since a day that were never queued (stored
    while forwarding was off)."""
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from flask import current_app

    from lms_core.cli import fail
    from lms_core.ui.i18n import parse_date
    from lms_core.xapi import forwarding

    try:
        day = parse_date(since)
    except ValueError:
        day = None
    if day is None:
        fail(f"--since {since!r} is not a day written dd/mm/yyyy")
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start = datetime.combine(day, time(), zone).astimezone(UTC).replace(tzinfo=None)
    count = forwarding.enqueue_since(start)
    db.session.commit()
    click.echo(f"Queued {count} statements.")


# -- export (lms_core/xapi/export.py) -----------------------------------------------------------
@xapi_cli.command("export")
@click.option("--since", required=True, help="First day of the period (dd/mm/yyyy, local).")
@click.option("--until", required=True, help="Last day of the period, included (dd/mm/yyyy).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
@with_appcontext
def export_statements(since, until, output):
    """Write the statements of a period as JSON lines (one statement a line, by timestamp),
    streamed in constant memory. Prints the count on standard error."""
    import sys

    from lms_core.cli import fail
    from lms_core.xapi import export

    try:
        first, last = export.parse_period(since, until)
    except UserError as error:
        fail(error)
    count = 0
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        for text in export.lines(first, last):
            out.write(text)
            out.write("\n")
            count += 1
    finally:
        if output:
            out.close()
        else:
            out.flush()
    click.echo(f"Exported {count} statements.", err=True)
