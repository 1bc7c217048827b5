"""``lms emulation recompute``, ``incremental``, ``close-periods``, ``correct`` and ``rerank``:
scores and rankings from the command line (the scheduler runs the incremental pass, the
closing and the re-ranking after a change of the clusters itself).

Exit status 0 on success; 2 when refused (nothing changed).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.organisation import queries as org
from lms_core.ui.i18n import parse_date
from plugins.emulation import campaign, ranking, scoring
from plugins.emulation.cli import emulation_cli
from plugins.emulation.rules_cli import actor_option, fail, resolve_actor


def _echo(result: scoring.Result) -> None:
    if result.corrected:
        click.echo(_("%(period)s: %(n)d corrections recorded (%(seconds).1f s).",
                     period=result.period, n=result.corrections, seconds=result.seconds))
    else:
        click.echo(_("%(period)s: %(officers)d officers, %(units)d units, %(lines)d score lines "
                     "(%(seconds).1f s).", period=result.period, officers=result.officers,
                     units=result.units, lines=result.lines, seconds=result.seconds))


def _today(text: str | None):
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        fail(_("Write the date as dd/mm/yyyy, not “%(text)s”.", text=text))


@emulation_cli.command("recompute")
@click.option("--period", "label", metavar="LABEL", help="A year (2025) or a quarter (2025-Q3).")
@click.option("--all", "every", is_flag=True, help="Every open period that has begun.")
@click.option("--force-correction", is_flag=True,
              help="Recompute a closed (frozen) period; differences become corrections.")
@click.option("--reason", help="Why a closed period is corrected (with --force-correction).")
@actor_option
@with_appcontext
def recompute(label: str | None, every: bool, force_correction: bool, reason: str | None,
              by: str | None):
    """Rebuild a period's scores from scratch."""
    actor = resolve_actor(by)
    if bool(label) == every:
        fail(_("Give --period LABEL or --all."))
    try:
        if every:
            results = scoring.recompute_all()
        else:
            period = campaign.period_by_label(label)
            if force_correction and actor is None:
                fail(_("Say who corrects the closed period (--by USER)."))
            results = [scoring.recompute_period(period, force_correction=force_correction,
                                                reason=reason or "", actor=actor)]
    except UserError as exc:
        fail(exc)
    db.session.commit()
    for result in results:
        _echo(result)


@emulation_cli.command("incremental")
@with_appcontext
def incremental():
    """Run the incremental pass now (the scheduler runs it every 15 minutes)."""
    results = scoring.incremental_pass()
    db.session.commit()
    if not results:
        click.echo(_("Nothing to recompute."))
    for result in results:
        _echo(result)


@emulation_cli.command("close-periods")
@click.option("--today", metavar="DD/MM/YYYY", help="Close as if today were this day.")
@actor_option
@with_appcontext
def close_periods(today: str | None, by: str | None):
    """Rebuild and freeze every period whose closing day has come."""
    actor = resolve_actor(by)
    frozen = scoring.close_due_periods(today=_today(today), actor=actor)
    db.session.commit()
    if not frozen:
        click.echo(_("No period is due to close."))
    for period in frozen:
        click.echo(_("%(period)s is closed: its scores are frozen.", period=period.label))


@emulation_cli.command("correct")
@click.option("--period", "label", required=True, metavar="LABEL")
@click.option("--officer", metavar="CODE", help="The officer's username or personnel code.")
@click.option("--unit", "unit_code", metavar="CODE", help="The unit's code.")
@click.option("--points", type=float, required=True, help="Points to add (negative: take off).")
@click.option("--criterion", metavar="CODE", help="The criterion corrected (optional).")
@click.option("--reason", required=True)
@actor_option
@with_appcontext
def correct(label: str, officer: str | None, unit_code: str | None, points: float,
            criterion: str | None, reason: str, by: str | None):
    """Correct a closed period's score (the only way it changes), with the reason."""
    actor = resolve_actor(by)
    if actor is None:
        fail(_("Say who corrects the score (--by USER)."))
    if bool(officer) == bool(unit_code):
        fail(_("Give --officer CODE or --unit CODE."))
    try:
        period = campaign.period_by_label(label)
        if officer:
            user = id_ops.get_user(officer)
            if user is None:
                raise UserError(_("No user has the username or personnel code %(code)s.",
                                  code=officer))
            subject, subject_id = "user", user.id
        else:
            unit = org.unit_by_code(unit_code)
            if unit is None:
                raise UserError(_("No unit has the code %(code)s.", code=unit_code))
            subject, subject_id = "unit", unit.id
        node = None
        if criterion:
            rule_set = scoring.rules_for(period)
            node = next((c for c in (rule_set.criteria if rule_set else [])
                         if c.code == criterion), None)
            if node is None:
                raise UserError(_("The rules of %(period)s have no criterion %(code)s.",
                                  period=period.label, code=criterion))
        scoring.add_correction(period, subject, subject_id, points, reason=reason, actor=actor,
                               criterion=node)
    except UserError as exc:
        fail(exc)
    db.session.commit()
    score = scoring.score_of(subject, subject_id, period)
    click.echo(_("Corrected: the score of %(period)s is now %(total)s.", period=period.label,
                 total=f"{score.total:g}"))


@emulation_cli.command("rerank")
@click.option("--period", "label", metavar="LABEL",
              help="Rank this open period again, stale or not (a year or a quarter).")
@with_appcontext
def rerank(label: str | None):
    """Rank again now the open periods whose ranking waits for an update after a change of
    the emulation clusters (the scheduler does it every minute)."""
    try:
        if label:
            period = campaign.period_by_label(label)
            if period.frozen_at is not None:
                raise UserError(_("The period %(label)s is closed: it keeps the ranking it was "
                                  "closed with (only a correction ranks it again).",
                                  label=period.label))
            periods = [period]
        else:
            periods = ranking.stale_periods()
    except UserError as exc:
        fail(exc)
    if not periods:
        click.echo(_("No ranking waits for an update."))
        return
    results = [ranking.rank_period(p) for p in periods]
    db.session.commit()
    for result in results:
        click.echo(_("%(period)s ranked again: %(units)d units, %(officers)d officers "
                     "(%(seconds).1f s).", period=result.period, units=result.units,
                     officers=result.officers, seconds=result.seconds))
