"""``lms content ...``: import and export course packages."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from lms_core.courses.models import Course
from lms_core.courses.package import PackageError, export_version, import_all
from lms_core.extensions import db


@click.group("content")
def content_cli():
    """Course packages (docs/course-package.md)."""


@content_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish each imported version at once (for the "
              "content shipped with the product); otherwise it waits as a draft for review.")
@click.option("--dry-run", is_flag=True, help="Validate only; keep nothing.")
@click.option("--if-missing", is_flag=True, help="Skip courses whose code already exists.")
def import_cmd(path: Path, publish: bool, dry_run: bool, if_missing: bool):
    """Import a package (folder or zip), or every package in a folder of packages.

    Each package is all-or-nothing; the command exits with status 2 if any was refused."""
    _import(path, publish=publish, dry_run=dry_run, if_missing=if_missing)


@with_appcontext
def _import(path: Path, *, publish: bool, dry_run: bool, if_missing: bool) -> None:
    failures = 0
    for outcome in import_all(path, publish=publish, dry_run=dry_run, if_missing=if_missing):
        name = outcome.path.name
        if outcome.skipped:
            click.echo(f"{name}: {outcome.code} exists, skipped")
        elif outcome.error is not None:
            failures += 1
            click.secho(f"{name}: refused, nothing imported", fg="red", err=True)
            for problem in getattr(outcome.error, "problems", None) or []:
                click.echo(f"  {name}/{problem.where}: {problem.message}", err=True)
            if not isinstance(outcome.error, PackageError):
                click.echo(f"  {outcome.error}", err=True)
        else:
            version = outcome.result.version
            state = "checked" if dry_run else ("published" if publish else "draft")
            click.echo(f"{name}: {version.code} version {version.number} "
                       f"({len(version.lessons)} lessons) {state}"
                       + (", replacing the draft in progress"
                          if outcome.result.replaced_draft else ""))
    if failures:
        sys.exit(2)


@content_cli.command("export")
@click.argument("code")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--version", "number", type=int, help="Version number (default: the published "
              "one, else the latest).")
@with_appcontext
def export_cmd(code: str, dest: Path, number: int | None):
    """Write a course as a package folder DEST."""
    course = db.session.scalar(sa.select(Course).where(Course.code == code.upper()))
    if course is None:
        click.secho(f"Error: no course {code}", fg="red", err=True)
        sys.exit(2)
    if number is not None:
        version = next((v for v in course.versions if v.number == number), None)
        if version is None:
            click.secho(f"Error: {code} has no version {number}", fg="red", err=True)
            sys.exit(2)
    else:
        version = course.published_version or course.latest_version
    if dest.exists() and any(dest.iterdir()):
        click.secho(f"Error: {dest} is not empty", fg="red", err=True)
        sys.exit(2)
    export_version(version, dest)
    click.echo(f"{code} version {version.number} written to {dest}")
