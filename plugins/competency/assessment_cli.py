"""Commands of the assessments:

    lms competency results import FILE [--dry-run]     results of past exam sessions (CSV)
    lms competency bank import FILE [--dry-run]         question bank items (CSV)
    lms competency bank export [FILE] [--competency CODE]
    lms competency assessments grade-expired            grade sittings whose time ran out
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.competency.cli import competency_cli

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _report(report, *, items: bool) -> None:
    """Print an import report; commit when it was written, exit 2 when lines were rejected."""
    if report.dry_run:
        click.echo(_("Dry run: nothing was saved."))
    if items:
        click.echo(_("%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                     "%(rejected)d rejected.", created=report.created, updated=report.updated,
                     unchanged=report.unchanged, rejected=len(report.rejected)))
    else:
        click.echo(_("%(created)d results added, %(unchanged)d already imported, %(rejected)d "
                     "rejected.", created=report.created, unchanged=report.unchanged,
                     rejected=len(report.rejected)))
    if not report.ok:
        db.session.rollback()
        for line, reason in report.rejected:
            click.secho(_("Line %(line)d: %(reason)s", line=line, reason=reason), fg="red",
                        err=True)
        click.secho(_("Nothing was imported: correct these lines and import the file again."),
                    fg="red", err=True)
        sys.exit(2)
    if report.written:
        db.session.commit()
    else:
        db.session.rollback()


def _fail(exc: UserError) -> None:
    db.session.rollback()
    click.secho(str(exc.message), fg="red", err=True)
    sys.exit(2)


@competency_cli.group("results")
def results_cli():
    """Results of competency assessments."""


@results_cli.command("import")
@click.argument("file", type=_FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and report, saving nothing.")
def results_import(file: Path, dry_run: bool):
    """Import results of past exam sessions from a CSV file (officer_code, competency_code,
    level, date dd/mm/yyyy, session): all or nothing; importing it again adds nothing."""
    from plugins.competency.result_import import import_results_csv

    try:
        report = import_results_csv(file.read_bytes(), dry_run=dry_run)
    except UserError as exc:
        _fail(exc)
    _report(report, items=False)


@competency_cli.group("bank")
def bank_cli():
    """Question banks of the assessments."""


@bank_cli.command("import")
@click.argument("file", type=_FILE)
@click.option("--dry-run", is_flag=True, help="Check the file and report, saving nothing.")
def bank_import(file: Path, dry_run: bool):
    """Create or update question bank items from a CSV file (the export's columns)."""
    from plugins.competency.assessments import import_items_csv

    try:
        report = import_items_csv(file.read_bytes(), dry_run=dry_run)
    except UserError as exc:
        _fail(exc)
    _report(report, items=True)


@bank_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--competency", default=None, help="Only the items of this competency code.")
def bank_export(file: Path | None, competency: str | None):
    """Write the question bank as CSV to FILE (default: standard output)."""
    from plugins.competency.assessments import all_items, export_items_csv

    data = export_items_csv(all_items(competency))
    if file is None:
        sys.stdout.buffer.write(data)
    else:
        file.write_bytes(data)


@competency_cli.group("assessments")
def assessments_cli():
    """Sittings of the assessments."""


@assessments_cli.command("grade-expired")
def grade_expired():
    """Grade the sittings whose time ran out without a submission (the scheduled job
    ``competency.grade_expired_sittings`` does the same every 5 minutes)."""
    from plugins.competency.assessments import grade_expired_sittings

    done = grade_expired_sittings()
    db.session.commit()
    click.echo(_("%(n)d expired sittings graded.", n=done))
