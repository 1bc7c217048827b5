"""``lms emulation campaign ...`` and ``lms emulation rules ...``: the campaign's calendar and
the scoring rules from the command line.

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
from lms_core.identity import operations as id_ops
from plugins.emulation import campaign, rules
from plugins.emulation.cli import emulation_cli


def fail(message) -> None:
    db.session.rollback()
    click.secho(_("Error: %(message)s", message=message), fg="red", err=True)
    sys.exit(2)


def actor_option(func):
    return click.option("--by", "by", metavar="USER",
                        help="Username or personnel code of who does it (for the audit log).")(
        func)


def resolve_actor(by: str | None):
    if not by:
        return None
    user = id_ops.get_user(by)
    if user is None:
        fail(_("No user has the username or personnel code %(code)s.", code=by))
    return user


@emulation_cli.group("campaign")
def campaign_cli():
    """The campaign 2024–2030: phases and scoring periods."""


@campaign_cli.command("init")
@click.option("--year-close", metavar="DD/MM",
              help="Day a year closes, in the next year (default EMULATION_YEAR_CLOSE, 15/01).")
@click.option("--quarter-close-days", type=int, metavar="N",
              help="Days after a quarter's end it closes (default 15).")
@with_appcontext
def init_campaign(year_close: str | None, quarter_close_days: int | None):
    """Create the campaign, its phases and periods (or bring them up to date)."""
    try:
        c = campaign.ensure_campaign(year_close=year_close,
                                     quarter_close_days=quarter_close_days)
    except UserError as exc:
        fail(exc)
    db.session.commit()
    click.echo(_("%(name)s: %(phases)d phases, %(periods)d periods.", name=c.name_vi,
                 phases=len(c.phases), periods=len(campaign.periods())))


@campaign_cli.command("periods")
@with_appcontext
def list_periods():
    """Every period with its closing day and whether it is frozen."""
    rows = campaign.periods()
    if not rows:
        click.echo(_("There is no campaign yet: run “lms emulation campaign init” (or load the "
                     "demo)."))
    for p in rows:
        state = _("frozen on %(day)s", day=p.frozen_at.strftime("%d/%m/%Y")) \
            if p.frozen_at else _("open")
        click.echo(f"{p.label:8} {p.start:%d/%m/%Y}–{p.end:%d/%m/%Y}  "
                   + _("closes %(day)s", day=p.close_on.strftime("%d/%m/%Y")) + f"  {state}")


@emulation_cli.group("rules")
def rules_cli():
    """Scoring rules of each phase: import, export, list, activate."""


def _print_report(report: rules.Report) -> None:
    counts = report.spec.counts()
    click.echo(_("Phase %(phase)d: %(groups)d groups, %(user)d officers' indicators, %(unit)d "
                 "units' indicators, %(scale)s points.", phase=report.phase,
                 groups=counts["group"], user=counts["user"], unit=counts["unit"],
                 scale=f"{report.spec.scale:g}"))
    if report.action == "unchanged":
        click.echo(_("Version %(version)d already holds exactly these rules: nothing to "
                     "import.", version=report.version))
    elif report.dry_run:
        click.echo(_("Dry run: would create version %(version)d.", version=report.version))
    else:
        click.echo(_("Version %(version)d created.", version=report.version))
    for key, label in (("added", _("New criteria")), ("removed", _("Criteria removed")),
                       ("changed", _("Criteria changed"))):
        if report.changes.get(key):
            click.echo(f"{label}: {', '.join(report.changes[key])}")
    if report.activated:
        click.echo(_("Version %(version)d is now active.", version=report.version))


@rules_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--phase", type=int, help="The phase (1 or 2); default: every phase in the file.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--activate", is_flag=True, help="Make the imported version the active one.")
@actor_option
@with_appcontext
def import_rules(file: Path, phase: int | None, dry_run: bool, activate: bool, by: str | None):
    """Import a rules FILE (YAML) as a new version of a phase's rules."""
    actor = resolve_actor(by)
    data = file.read_bytes()
    try:
        campaign.ensure_campaign()
    except UserError as exc:
        fail(exc)
    numbers = [phase] if phase is not None else (rules.phases_in(data) or [None])
    reports = []
    for number in numbers:
        report = rules.import_rules(data, phase=number, dry_run=dry_run, activate=activate,
                                    actor=actor)
        if not report.ok:
            db.session.rollback()
            for problem in report.problems:
                click.secho(problem, fg="red", err=True)
            click.secho(_("Nothing was imported: correct these problems and import the file "
                          "again."), fg="red", err=True)
            sys.exit(2)
        reports.append(report)
    for report in reports:
        _print_report(report)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()


def _rule_set(phase: int, version: int | None):
    try:
        phase_row = campaign.phase_row(phase)
    except UserError as exc:
        fail(exc)
    rule_set = rules.rule_set_by_version(phase_row, version) if version \
        else rules.active_rule_set(phase_row)
    if rule_set is None:
        fail(_("Phase %(phase)d has no version %(version)s.", phase=phase,
               version=version or _("active")))
    return rule_set


@rules_cli.command("export")
@click.option("--phase", type=int, required=True, help="The phase (1 or 2).")
@click.option("--version", type=int, help="The version (default: the active one).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of the standard output.")
@with_appcontext
def export_rules(phase: int, version: int | None, output: Path | None):
    """Export a phase's rules as YAML (the file imports back to the same rules)."""
    text = rules.export_yaml(_rule_set(phase, version))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(_("Written to %(path)s.", path=output))
    else:
        click.echo(text, nl=False)


@rules_cli.command("list")
@with_appcontext
def list_rules():
    """Every version of each phase's rules."""
    rows = campaign.phase_rows()
    if not rows:
        click.echo(_("There is no campaign yet: run “lms emulation campaign init” (or load the "
                     "demo)."))
    for phase in rows:
        click.echo(phase.name_vi)
        versions = rules.rule_sets(phase)
        if not versions:
            click.echo("  " + _("no rules yet"))
        for v in versions:
            n = sum(1 for c in v.criteria if c.kind != "group")
            click.echo("  " + _("version %(version)d: %(status)s, %(n)d indicators",
                                version=v.version, status=v.status, n=n))


@rules_cli.command("activate")
@click.option("--phase", type=int, required=True)
@click.option("--version", type=int, required=True)
@actor_option
@with_appcontext
def activate_rules(phase: int, version: int, by: str | None):
    """Make a version the active rules of its phase (the active one is retired)."""
    actor = resolve_actor(by)
    rule_set = _rule_set(phase, version)
    rules.activate_rule_set(rule_set, actor)
    db.session.commit()
    click.echo(_("Version %(version)d is now active.", version=version))
