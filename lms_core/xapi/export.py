"""Export of statements as JSON lines for a period (``lms xapi export`` and the HR download
at /learning-record/export).

One statement per line, exactly as the LRS stores and returns it (with ``stored`` and
``authority``), ordered by ``timestamp``. The period is given in local days (dd/mm/yyyy, the
platform's time zone), both days included, and selects statements by their ``timestamp``.
Voided statements are left out, as the LRS leaves them out of queries; voiding statements are
kept. Rows are read in batches (``yield_per``), so memory stays constant whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.ui.i18n import parse_date
from lms_core.xapi.models import Statement

#: Rows fetched from the database at a time.
BATCH = 1000


def parse_period(since_text: str | None, until_text: str | None) -> tuple[date, date]:
    """The period from two dates written dd/mm/yyyy; both are needed and ``since`` comes
    first. Raises :class:`UserError` with a message for the user."""
    try:
        since, until = parse_date(since_text), parse_date(until_text)
    except ValueError:
        raise UserError(_("Dates are written dd/mm/yyyy.")) from None
    if since is None or until is None:
        raise UserError(_("Give the first and the last day of the period."))
    if since > until:
        raise UserError(_("The period ends before it starts."))
    return since, until


def local_day_start_utc(day: date) -> datetime:
    """Midnight of ``day`` in the platform's time zone, as a naive UTC datetime."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def period_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """``[start, end)`` in naive UTC for the local days ``since`` to ``until`` included."""
    return local_day_start_utc(since), local_day_start_utc(until + timedelta(days=1))


def query(since: date, until: date) -> sa.Select:
    start, end = period_bounds(since, until)
    return (sa.select(sa.cast(Statement.payload, sa.Text))
            .where(Statement.timestamp >= start, Statement.timestamp < end,
                   Statement.voided.is_(False))
            .order_by(Statement.timestamp, Statement.id))


def lines(since: date, until: date, *, batch: int = BATCH) -> Iterator[str]:
    """The statements of the period, one JSON text per item (no newline), streamed."""
    result = db.session.execute(query(since, until).execution_options(yield_per=batch))
    try:
        for text in result.scalars():
            # Raw newlines in JSON text can only be whitespace: keep one statement a line.
            yield text.replace("\n", " ") if "\n" in text else text
    finally:
        result.close()


def filename(since: date, until: date) -> str:
    return f"xapi-statements-{since:%Y%m%d}-{until:%Y%m%d}.jsonl"
