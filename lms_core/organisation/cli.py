"""``lms import units|positions|officers FILE``: the HR import from the command line.

Exit status 0 when the file was imported (or, with ``--dry-run``, would be); 2 when it was
refused (a file-level problem or any rejected row), and then nothing is changed.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.extensions import db

#: Files with fewer rows than this are imported without a progress bar.
PROGRESS_MIN_ROWS = 500


def _parse_day(ctx, param, value):
    if not value:
        return date.today()
    from lms_core.ui.i18n import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: write the date as dd/mm/yyyy") from None


class _Progress:
    """A click progress bar on standard error, opened when the import knows its length."""

    def __init__(self):
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_MIN_ROWS:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=_("Importing"), file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _dry_run_option(f):
    return click.option("--dry-run", is_flag=True,
                        help="Check the file and report what would change; save nothing.")(f)


def _date_option(f):
    return click.option("--date", "on", metavar="DD/MM/YYYY", callback=_parse_day,
                        help="Effective date of the changes (default: today).")(f)


def _run(kind: str, path: Path, dry_run: bool, on: date, **options) -> None:
    from lms_core.cli import fail
    from lms_core.organisation import importer

    progress = _Progress()
    try:
        report = importer.run_import(
            kind, path.read_bytes(), dry_run=dry_run, on=on,
            note=_("Imported from %(file)s", file=path.name), progress=progress, **options)
    except UserError as exc:
        fail(exc)
    finally:
        progress.close()
    if dry_run:
        click.echo(_("Dry run: nothing was saved."))
    click.echo(_("%(kind)s, effective %(day)s: %(created)d created, %(updated)d updated, "
                 "%(unchanged)d unchanged, %(rejected)d rejected.",
                 kind=importer.kind_label(kind), day=on.strftime("%d/%m/%Y"),
                 created=report.created, updated=report.updated, unchanged=report.unchanged,
                 rejected=len(report.rejected)))
    for note in report.notes:
        click.echo(note)
    if not report.ok:
        db.session.rollback()
        for row in report.rejected:
            click.secho(_("Line %(line)d: %(reason)s", line=row.line, reason=row.reason),
                        fg="red", err=True)
        click.secho(_("Nothing was imported: correct these lines and import the file again."),
                    fg="red", err=True)
        sys.exit(2)
    if report.written:
        db.session.commit()
    else:
        db.session.rollback()


@click.group("import")
def import_cli():
    """Import units, positions and officers from CSV (see docs/hr-import.md)."""


@import_cli.command("units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_dry_run_option
@_date_option
@with_appcontext
def import_units(file: Path, dry_run: bool, on: date):
    """Import the unit tree from FILE (code, name_vi, name_en, kind, parent_code)."""
    _run("units", file, dry_run, on)


@import_cli.command("positions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_dry_run_option
@_date_option
@with_appcontext
def import_positions(file: Path, dry_run: bool, on: date):
    """Import job positions from FILE (code, name_vi, name_en, field_code, field_name_vi,
    is_leadership)."""
    _run("positions", file, dry_run, on)


@import_cli.command("officers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_dry_run_option
@_date_option
@click.option("--initial-password", metavar="PASSWORD",
              help="Password given to every new officer, to be changed at first login "
                   "(default: none, new accounts cannot log in until one is set).")
@with_appcontext
def import_officers(file: Path, dry_run: bool, on: date, initial_password: str | None):
    """Import officers and their assignments from FILE (code, full_name, username, email,
    gender, birth_date, unit_code, position_code, start_date, roles)."""
    _run("officers", file, dry_run, on, initial_password=initial_password)
