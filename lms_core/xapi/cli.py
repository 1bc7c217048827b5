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
