"""``lms competency effect ...``: the course effectiveness table (printed, or stored for the
web page) and the daily ratings work."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from plugins.competency.cli import competency_cli


@competency_cli.group("effect")
def effect_cli():
    """The effect of training: pre/post levels, normalised gain, supervisors' re-ratings."""


def _fmt(value, pattern: str = "{:.2f}") -> str:
    return "-" if value is None else pattern.format(value)


@effect_cli.command("report")
@click.option("--course", "code", metavar="CODE", help="Only this course.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
def report(code, as_json):
    """Print the course effectiveness table: per course and competency, the officers who
    completed it, those already at the top level, n (officers with a pre and a post level),
    the mean level change, the mean normalised gain g, the share who rose a level and how
    many now hold a position that requires the competency. Every figure is printed (this is
    an administrator's command); the web page hides figures behind fewer than 5 officers
    from training staff."""
    from plugins.competency import effect

    result = effect.compute(code.strip().upper() if code else None)
    if code and not result.rows:
        raise click.ClickException(f"no course {code!r} with competencies or completions")
    if as_json:
        click.echo(json.dumps({
            "window_days": result.window, "top_level": result.top,
            "min_n": result.threshold,
            "rows": [r.as_dict(full=True) for r in result.rows]}, ensure_ascii=False,
            indent=2))
        return
    header = (f"{'course':<12} {'competency':<10} {'done':>5} {'max':>4} {'n':>4} "
              f"{'change':>7} {'gain g':>7} {'rose':>6} {'in pos':>7}")
    click.echo(header)
    click.echo("-" * len(header))
    for r in result.rows:
        click.echo(f"{r.course_code:<12} {r.competency_code:<10} {r.completers:>5} "
                   f"{r.at_max:>4} {r.n:>4} {_fmt(r.mean_change, '{:+.2f}'):>7} "
                   f"{_fmt(r.mean_gain):>7} {_fmt(r.share_rose, '{:.0%}'):>6} "
                   f"{r.in_position:>7}")
    if not result.rows:
        click.echo("(no course declares competencies)")
    click.echo(f"post level: measured within {result.window} days after completion; "
               f"top level {result.top}.")


@effect_cli.command("refresh")
@with_appcontext
def refresh():
    """Compute the course effectiveness table now and store it for the web page (the nightly
    job competency.effect_table does the same at 02:40)."""
    from lms_core.extensions import db
    from plugins.competency import effect

    snapshot = effect.refresh_table()
    db.session.commit()
    click.echo(f"Stored the course effectiveness table: {len(snapshot.rows)} rows, computed in "
               f"{snapshot.seconds:.1f} s.")


@effect_cli.command("daily")
@with_appcontext
def daily():
    """Do now what the daily job does: create the next 6-monthly evaluations of rotated
    officers and mark the reminders of ratings due within 14 days or overdue."""
    from lms_core.extensions import db
    from plugins.competency import effect

    counts = effect.run_daily()
    db.session.commit()
    click.echo(f"{counts['scheduled']} evaluations created, {counts['reminded']} reminders "
               f"marked.")
