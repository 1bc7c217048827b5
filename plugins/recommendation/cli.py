"""``lms recommend``: recommendations, training and the offline evaluation.

- ``lms recommend --officer CODE [--k 10] [--json]`` (same as ``lms recommend for CODE``):
  the officer's recommendations with reasons;
- ``lms recommend train``: retrain the text and effect models and store them;
- ``lms recommend evaluate --split-date YYYY-MM-DD [--k 10] [--synthetic]``: the offline
  evaluation (metrics table) on the platform's history, or on the synthetic history with
  planted effects.
"""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup, with_appcontext

from lms_core.errors import UserError
from lms_core.extensions import db


def _show(code: str, k: int, as_json: bool) -> None:
    from lms_core.identity.operations import get_user
    from plugins.recommendation import recommend

    user = get_user(code)
    if user is None:
        raise click.ClickException(f"no officer with the code {code!r}")
    try:
        result = recommend.recommend_for(user, k)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    for note in result.notes:
        click.echo(note)
    for i, rec in enumerate(result.items, 1):
        click.echo(f"{i:>2}. {rec.course.code}  {rec.course.title}  ({rec.score:.3f})")
        for reason in rec.reasons:
            click.echo(f"      - {reason}")
    for course in result.popular:
        click.echo(f"  * {course.code}  {course.title}")


@click.group("recommend", cls=AppGroup, invoke_without_command=True,
             help="Course recommendations from competency gaps: "
                  "lms recommend --officer CODE [--k 10] [--json]; train; for; evaluate.")
@click.option("--officer", "code", metavar="CODE", help="Personnel code or username.")
@click.option("--k", "k", default=10, show_default=True, help="How many courses (1-50).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@with_appcontext
def recommend_cli(ctx, code, k, as_json):
    if ctx.invoked_subcommand is not None:
        return
    if not code:
        click.echo(ctx.get_help())
        return
    _show(code, k, as_json)


@recommend_cli.command("for")
@click.argument("code")
@click.option("--k", "k", default=10, show_default=True, help="How many courses (1-50).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def for_officer(code, k, as_json):
    """Recommendations for the officer CODE."""
    _show(code, k, as_json)


@recommend_cli.command("train")
def train():
    """Retrain the text and effect models and store them in the database."""
    from plugins.recommendation import recommend

    summary = recommend.train_all()
    db.session.commit()
    for kind, facts in summary.items():
        click.echo(f"{kind}: version {facts['version']}, {facts['n']} samples, "
                   + ", ".join(f"{key}={value}" for key, value in facts.items()
                               if key not in ("version", "n")))


@recommend_cli.command("evaluate")
@click.option("--split-date", "split", required=True, metavar="YYYY-MM-DD",
              help="Train on history before this day, test on what happened after.")
@click.option("--k", "k", default=10, show_default=True)
@click.option("--synthetic", is_flag=True,
              help="Evaluate on the synthetic history with planted effects instead.")
@click.option("--officers", default=600, show_default=True,
              help="Officers of the synthetic history.")
@click.option("--seed", default=7, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def evaluate_cmd(split, k, synthetic, officers, seed, as_json):
    """Offline evaluation: NDCG@k, recall@k and coverage of the model and the baselines."""
    from plugins.recommendation import evaluate
    from plugins.recommendation import synthetic as synth

    try:
        split_on = date.fromisoformat(split)
    except ValueError:
        raise click.BadParameter("give the date as YYYY-MM-DD",
                                param_hint="--split-date") from None
    if not 1 <= k <= 50:
        raise click.BadParameter("from 1 to 50", param_hint="--k")
    data = synth.generate(officers, seed) if synthetic else evaluate.dataset_from_db()
    scores = evaluate.evaluate(data, split_on, k=k, seed=seed)
    if as_json:
        click.echo(json.dumps({m: s.__dict__ for m, s in scores.items()}, indent=2))
    else:
        click.echo(evaluate.table(scores, k))
