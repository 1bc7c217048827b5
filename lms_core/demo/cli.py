"""``lms demo load``: the demo organisation, its history and the documented demo accounts."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms_core.courses.package import SHIPPED_CONTENT
from lms_core.demo.loader import DEFAULT_OFFICERS, DEFAULT_SEED
from lms_core.extensions import db


@click.group("demo")
def demo_cli():
    """Demo data."""


@demo_cli.command("load")
@click.option("--officers", default=DEFAULT_OFFICERS, show_default=True, type=click.IntRange(min=0),
              help="Generated officers, on top of the documented demo accounts.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, type=int,
              help="Random seed: the same seed gives the same officers.")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database already holds units or users.")
@click.option("--reset", is_flag=True,
              help="First delete EVERY row of EVERY table (not only demo rows), then load.")
@click.option("--content", "content", type=click.Path(file_okay=False, path_type=Path),
              help="Course packages imported and published after the organisation, before the "
              "plugins' history (default: the courses shipped in content/).")
@click.option("--no-content", is_flag=True, help="Import no courses.")
@with_appcontext
def demo_load(officers, seed, if_empty, reset, content, no_content):
    """Load a believable Vietnam Customs organisation with its 2024–2025 history.

    The tree of 1 January 2024, the restructuring of 1 March 2025 (20 regional branches
    absorb the 35 provincial departments), the adjustment of 1 July 2025, officers with
    Vietnamese names, rotations, and one demo account per role (see docs/demo.md). Then the
    shipped courses, imported and published, so that the plugins' history (learning records,
    scores) finds their tags and levels; then each plugin's demo data.
    """
    from lms_core.cli import fail
    from lms_core.demo import loader
    from lms_core.errors import UserError
    from lms_core.organisation import queries as q
    from lms_core.plugins import loaded_plugins

    started = time.perf_counter()
    units, users = loader.database_counts()
    if (units or users) and if_empty:
        click.echo(f"The database already holds {units} units and {users} users: demo data "
                   "not loaded.")
        return
    if (units or users) and not reset:
        fail(f"the database already holds {units} units and {users} users. Load the demo "
             "into a fresh database (set LMS_DATABASE_URL, then `lms db upgrade`), or add "
             "--reset to delete every row of every table first.")
    if reset and (units or users):
        emptied = loader.reset_database()
        click.echo(f"Reset: deleted every row of {len(emptied)} tables.")

    def progress(iterable, label):
        return click.progressbar(list(iterable), label=label.ljust(24))

    try:
        result = loader.load_demo(officers=officers, seed=seed, progress=progress)
        db.session.commit()
        if not no_content:
            courses = _import_courses(content or SHIPPED_CONTENT)
            click.echo(f"Courses: {courses} imported and published from "
                       f"{content or SHIPPED_CONTENT}.")
        for plugin in loaded_plugins().values():
            summary = plugin.load_demo(seed)
            db.session.commit()
            if summary:
                click.echo(f"{plugin.title}: {summary}")
    except UserError as exc:
        fail(exc)
    elapsed = time.perf_counter() - started
    click.echo(f"Loaded {result.units} units, {result.positions} job positions, "
               f"{result.officers} generated officers, {len(result.accounts)} demo accounts, "
               f"{len(result.rotations)} rotations in {elapsed:.1f} s.")
    click.echo("")
    click.echo(f"Demo accounts (password for all, and for every generated officer: "
               f"{loader.DEMO_PASSWORD}):")
    click.echo(f"  {'username':<14}{'roles':<28}unit today")
    for account in result.accounts:
        roles = ", ".join([*account.roles, *(["unit_head"] if account.heads else [])])
        unit = loader.current_unit(account.username)
        path = [u.name_vi for u in q.ancestors(unit)[1:]] + [unit.name_vi]
        click.echo(f"  {account.username:<14}{roles:<28}{unit.code}: {' / '.join(path)}")


def _import_courses(path: Path) -> int:
    """Import and publish the course packages under ``path`` (skipping courses that exist);
    any refused package stops the load with its problems."""
    from lms_core.courses.package import import_all
    from lms_core.errors import UserError

    if not path.is_dir():
        raise UserError(f"no course folder {path}")
    outcomes = import_all(path, publish=True, if_missing=True)
    refused = [o for o in outcomes if o.error is not None]
    if refused:
        problems = "; ".join(f"{o.path.name}: " + (", ".join(
            f"{p.where}: {p.message}" for p in getattr(o.error, "problems", None) or [])
            or str(o.error)) for o in refused)
        raise UserError(f"course packages refused: {problems}")
    return sum(1 for o in outcomes if o.result is not None)
