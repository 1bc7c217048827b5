"""``lms emulation report``, ``lms emulation proposal`` and ``lms emulation ratings import``:
review reports, commendation proposal lists and annual ratings from the command line::

    lms emulation report --period 2025 --unit KV02 --format pdf --output kv02-2025.pdf
    lms emulation report --period preliminary --format xlsx --output so-ket.xlsx
    lms emulation proposal --year 2025 --unit KV02 --format xlsx --output de-nghi.xlsx
    lms emulation ratings import xep-loai-2025.csv --dry-run

``--period`` is a year (2025), a quarter (2025-Q3) or a review: ``preliminary`` (*sơ kết*,
phase 1) or ``final`` (*tổng kết*, phase 2); without ``--unit`` the report is the whole
organisation's. Exit status 0 when done, 2 when refused (nothing changed).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.emulation import commendation as C
from plugins.emulation import reviews
from plugins.emulation.cli import emulation_cli
from plugins.emulation.rules_cli import actor_option, fail, resolve_actor

FORMATS = click.Choice(["xlsx", "pdf"])


@emulation_cli.command("report")
@click.option("--period", "key", required=True, metavar="PERIOD",
              help="A year (2025), a quarter (2025-Q3), preliminary or final.")
@click.option("--unit", "unit_code", metavar="CODE", help="The unit (default: the whole "
              "organisation).")
@click.option("--format", "fmt", type=FORMATS, required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def report(key: str, unit_code: str | None, fmt: str, output: Path):
    """Write a review report (rankings, trends per content, top contributors, evidence,
    anomalies; charts in the PDF)."""
    try:
        data, _name, rep = reviews.make(key, unit_code, fmt)
    except UserError as exc:
        fail(exc.message)
    output.write_bytes(data)
    click.echo(_("%(file)s: %(title)s, %(unit)s: %(n)d officers (%(size)d bytes).",
                 file=str(output), title=rep.title, unit=rep.unit_label,
                 n=len(rep.officers), size=len(data)))


@emulation_cli.command("proposal")
@click.option("--year", required=True, metavar="YEAR")
@click.option("--unit", "unit_code", required=True, metavar="CODE")
@click.option("--format", "fmt", type=FORMATS, required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def proposal(year: str, unit_code: str, fmt: str, output: Path):
    """Write a unit's commendation proposal list (the confirmed one, else the draft)."""
    try:
        unit = reviews.resolve_unit(unit_code)
        ev = C.evaluate(C.year_period(year), unit)
        data = C.proposal_xlsx(ev) if fmt == "xlsx" else C.proposal_pdf(ev)
    except UserError as exc:
        fail(exc.message)
    output.write_bytes(data)
    state = _("confirmed") if ev.is_confirmed else _("draft")
    click.echo(_("%(file)s: %(unit)s %(year)s (%(state)s): %(counts)s.", file=str(output),
                 unit=unit.code, year=year, state=state, counts=", ".join(
                     f"{C.TITLE_NAMES[t]} {len(ev.proposed(t))}" for t in C.TITLES)))


@emulation_cli.group("ratings")
def ratings_cli():
    """Officers' annual ratings (for the commendation criteria)."""


@ratings_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@actor_option
@with_appcontext
def ratings_import(file: Path, dry_run: bool, by: str | None):
    """Import annual ratings from a CSV file (officer_code,year,rating,points,disciplined)."""
    actor = resolve_actor(by)
    try:
        rep = C.import_ratings(file.read_bytes(), dry_run=dry_run, actor=actor)
    except UserError as exc:
        fail(exc.message)
    if not rep.ok:
        db.session.rollback()
        for line, reason in rep.rejected:
            click.echo(_("line %(line)d: %(reason)s", line=line, reason=reason), err=True)
        fail(_("Nothing was imported: %(n)d lines are wrong.", n=len(rep.rejected)))
    if rep.written:
        db.session.commit()
    else:
        db.session.rollback()
    click.echo(_("%(what)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged "
                 "(%(rows)d rows).", what=_("Dry run") if dry_run else _("Imported"),
                 created=rep.created, updated=rep.updated, unchanged=rep.unchanged,
                 rows=rep.rows))
