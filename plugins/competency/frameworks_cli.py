"""``lms competency framework ...`` and ``lms competency profiles ...``: frameworks and position
profiles from the command line.

Exit status 0 when the command did (or, with ``--dry-run``, would do) what was asked; 2 when
it was refused, and then nothing is changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.competency import frameworks as F
from plugins.competency import interchange, profiles
from plugins.competency.cli import competency_cli


def _fail(message) -> None:
    db.session.rollback()
    click.secho(_("Error: %(message)s", message=message), fg="red", err=True)
    sys.exit(2)


@competency_cli.group("framework")
def framework_cli():
    """Competency frameworks: import, export, publish, list."""


@framework_cli.command("list")
@with_appcontext
def list_frameworks():
    """Every framework and its versions."""
    listing = F.all_frameworks()
    if not listing:
        click.echo(_("No frameworks yet."))
    for code, versions in listing.items():
        click.echo(f"{code}  {versions[0].name_vi}")
        for v in versions:
            n = sum(1 for node in v.nodes if node.kind == "competency")
            click.echo("  " + _("version %(version)d: %(status)s, %(n)d competencies",
                                version=v.version, status=F.status_label(v.status), n=n))


@framework_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(interchange.FORMATS),
              help="csv (Moodle's columns) or case (CASE 1.1 JSON); default: from the file.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--code", help="The framework's code when the file gives none (plain CASE).")
@click.option("--publish", is_flag=True, help="Publish the imported version at once.")
@with_appcontext
def import_framework(file: Path, fmt: str | None, dry_run: bool, code: str | None,
                     publish: bool):
    """Import a framework FILE as a new draft version (see docs/competency-frameworks.md)."""
    try:
        report = interchange.import_framework(file.read_bytes(), fmt, filename=file.name,
                                              dry_run=dry_run, code=code, publish=publish)
    except UserError as exc:
        _fail(exc)
    if not report.ok:
        db.session.rollback()
        for problem in report.problems:
            click.secho(problem, fg="red", err=True)
        click.secho(_("Nothing was imported: correct these problems and import the file "
                      "again."), fg="red", err=True)
        sys.exit(2)
    spec = report.spec
    counts = spec.counts()
    click.echo(_("%(code)s: %(fields)d fields, %(groups)d groups, %(competencies)d "
                 "competencies, %(levels)d levels.", code=spec.code, fields=counts["field"],
                 groups=counts["group"], competencies=counts["competency"],
                 levels=spec.scale_levels))
    for note in report.notes:
        click.echo(note)
    if report.action == "unchanged":
        db.session.rollback()
        click.echo(_("The file holds exactly version %(version)d of %(code)s: there is nothing "
                     "to import.", version=report.version, code=spec.code))
        return
    if dry_run:
        db.session.rollback()
        click.echo(_("Dry run: nothing was saved. It would create version %(version)d.",
                     version=report.version))
        return
    db.session.commit()
    click.echo(_("Imported as version %(version)d (%(status)s).", version=report.version,
                 status=F.status_label(report.framework.status)))


def _pick(code: str, version: int | None):
    if version is not None:
        framework = F.framework_version(code, version)
    else:
        framework = F.published_framework(code) or next(iter(F.versions_of(code)), None)
    if framework is None:
        _fail(_("No framework %(code)s%(version)s.", code=F.normalise_code(code),
                version=f" v{version}" if version else ""))
    return framework


@framework_cli.command("export")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(interchange.FORMATS), required=True,
              help="csv (Moodle's columns) or case (CASE 1.1 JSON).")
@click.option("--version", "version", type=int,
              help="Which version (default: the published one, else the newest).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@with_appcontext
def export_framework(code: str, fmt: str, version: int | None, output: Path | None):
    """Export the framework CODE."""
    framework = _pick(code, version)
    body, _mimetype, _filename = interchange.export_bytes(framework, fmt)
    if output is None:
        click.echo(body.decode("utf-8-sig"), nl=False)
    else:
        output.write_bytes(body)
        click.echo(_("Wrote %(file)s.", file=str(output)), err=True)


@framework_cli.command("publish")
@click.argument("code")
@with_appcontext
def publish_framework(code: str):
    """Publish the draft of the framework CODE (the version before it is retired)."""
    draft = F.draft_of(code)
    if draft is None:
        _fail(_("%(code)s has no draft to publish.", code=F.normalise_code(code)))
    try:
        F.publish(draft)
    except UserError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(_("Version %(version)d of %(code)s is published.", version=draft.version,
                 code=draft.code))


@competency_cli.group("profiles")
def profiles_cli():
    """Position profiles: required levels and weights per job position."""


@profiles_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--replace", is_flag=True,
              help="The file is the whole profile of each position it names.")
@with_appcontext
def import_profiles(file: Path, dry_run: bool, replace: bool):
    """Import requirements from FILE (position_code, competency_code, required_level,
    weight)."""
    try:
        report = profiles.import_requirements_csv(file.read_bytes(), dry_run=dry_run,
                                                  replace=replace)
    except UserError as exc:
        _fail(exc)
    if not report.ok:
        db.session.rollback()
        for problem in report.problems:
            click.secho(problem, fg="red", err=True)
        click.secho(_("Nothing was imported: correct these lines and import the file again."),
                    fg="red", err=True)
        sys.exit(2)
    click.echo(_("%(rows)d lines: %(created)d created, %(updated)d updated, %(unchanged)d "
                 "unchanged, %(removed)d removed.", rows=report.rows,
                 created=report.count("created"), updated=report.count("updated"),
                 unchanged=report.count("unchanged"), removed=report.count("removed")))
    if dry_run:
        db.session.rollback()
        click.echo(_("Dry run: nothing was saved."))
        return
    db.session.commit()


@profiles_cli.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@with_appcontext
def export_profiles(output: Path | None):
    """Export every position's requirements as CSV."""
    body = profiles.export_requirements_csv()
    if output is None:
        click.echo(body.decode("utf-8-sig"), nl=False)
    else:
        output.write_bytes(body)
