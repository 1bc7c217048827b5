"""``lms competency gaps ...``: rebuild the derived levels and gaps."""

from __future__ import annotations

import time
from contextlib import contextmanager

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from plugins.competency.cli import competency_cli


@competency_cli.group("gaps")
def gaps_cli():
    """Officers' gaps against the positions they hold."""


@contextmanager
def _bar(label: str):
    """A click progress bar fed by ``progress(done, total)`` callbacks."""
    with click.progressbar(length=1, label=label.ljust(8)) as bar:
        state = {"done": 0}

        def update(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - state["done"])
            state["done"] = done

        yield update


@gaps_cli.command("recompute")
@click.option("--officer", "code", metavar="CODE",
              help="Only this officer (personnel code or username): levels, then gaps.")
@click.option("--levels", is_flag=True,
              help="First rebuild every officer's levels from the evidence.")
@with_appcontext
def recompute(code, levels):
    """Recompute the gaps (required − achieved) from the levels, the positions'
    requirements and the current assignments.

    Not needed in normal running (gaps follow evidence, assignments and requirements as they
    change); use it after a bulk change made outside the application, or to check that the
    derived rows match a rebuild from scratch.
    """
    from lms_core.extensions import db
    from lms_core.identity.operations import get_user
    from plugins.competency import evidence, gaps
    from plugins.competency.models import OfficerGap

    started = time.perf_counter()
    if code:
        user = get_user(code)
        if user is None:
            raise click.ClickException(f"no officer with the personnel code or username "
                                       f"{code!r}")
        evidence.recompute_officer(user)
        rows = gaps.user_gaps(user)
        db.session.commit()
        below = sum(1 for g in rows if g.gap > 0)
        click.echo(f"{user.code} {user.full_name}: {len(rows)} required competencies, "
                   f"{below} below the required level, gap index {gaps.gap_index(rows):.2f} "
                   f"({time.perf_counter() - started:.2f} s).")
        return
    if levels:
        with _bar("Levels") as update:
            written = evidence.recompute_all_levels(progress=update)
        click.echo(f"{written} levels rebuilt from the evidence.")
    with _bar("Gaps") as update:
        officers = gaps.recompute_all(progress=update)
    db.session.commit()
    rows = db.session.scalar(sa.select(sa.func.count()).select_from(OfficerGap)) or 0
    below = db.session.scalar(sa.select(sa.func.count()).select_from(OfficerGap)
                              .where(OfficerGap.gap > 0)) or 0
    click.echo(f"Gaps recomputed for {officers} officers: {rows} required competencies, "
               f"{below} below the required level, in {time.perf_counter() - started:.1f} s.")
