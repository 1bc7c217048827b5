"""The campaign's calendar as data: the campaign 2024–2030, its two phases and its scoring
periods (years and quarters), each with the day it is closed.

:func:`ensure_campaign` creates the rows (and updates them when run again); every other
function reads them. Until the tables hold a campaign, :data:`PHASES` (the two phases of
DOMAIN.md) answers :func:`phases` and :func:`current_phase`, so the dashboard panel works on
an empty database.

Closing days (when the scheduled job freezes a period's scores, see
``scoring.close_due_periods``): a year closes on ``EMULATION_YEAR_CLOSE`` of the next year
(``"15/01"``: 15 January), a quarter ``EMULATION_QUARTER_CLOSE_DAYS`` days (15) after its last
day. Both are settings, and arguments of :func:`ensure_campaign`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.emulation import models as M

CAMPAIGN_CODE = "HTSDD-2024-2030"
CAMPAIGN_NAME = ("Thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời giai đoạn "
                 "2024–2030",
                 "Building a learning society and promoting lifelong learning, 2024–2030")
CAMPAIGN_START = date(2024, 1, 1)
CAMPAIGN_END = date(2030, 12, 31)
#: ``(number, start, end, review, name_vi, name_en)`` of the two phases.
PHASE_SPECS = (
    (1, date(2024, 1, 1), date(2025, 12, 31), "preliminary",
     "Giai đoạn 1 (2024–2025), sơ kết năm 2025", "Phase 1 (2024–2025), preliminary review 2025"),
    (2, date(2026, 1, 1), date(2030, 12, 31), "final",
     "Giai đoạn 2 (2026–2030), tổng kết năm 2030", "Phase 2 (2026–2030), final review 2030"),
)
REVIEW_KINDS = ("preliminary", "final")
PERIOD_KINDS = ("year", "quarter")
#: Defaults of the settings ``EMULATION_YEAR_CLOSE`` (day/month of the next year) and
#: ``EMULATION_QUARTER_CLOSE_DAYS``.
DEFAULT_YEAR_CLOSE = "15/01"
DEFAULT_QUARTER_CLOSE_DAYS = 15

_REVIEW_LABELS = {"preliminary": _l("preliminary review (%(year)d)"),
                  "final": _l("final review (%(year)d)")}


@dataclass(frozen=True)
class Phase:
    """A phase as the pages show it (from the database, or the defaults)."""

    number: int
    start: date
    end: date  #: inclusive
    review: object  #: the review that closes the phase, for display
    review_kind: str = ""
    id: int | None = None

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _review_label(kind: str, year: int):
    label = _REVIEW_LABELS.get(kind)
    return label % {"year": year} if label is not None else kind


#: The two phases of DOMAIN.md, used while the database holds no campaign.
PHASES = (
    Phase(1, date(2024, 1, 1), date(2025, 12, 31), _l("preliminary review (2025)"), "preliminary"),
    Phase(2, date(2026, 1, 1), date(2030, 12, 31), _l("final review (2030)"), "final"),
)


# -- reading ------------------------------------------------------------------------------------
def campaign() -> M.Campaign | None:
    """The campaign (the first one: the platform runs one campaign at a time)."""
    return db.session.scalar(sa.select(M.Campaign).order_by(M.Campaign.id).limit(1))


def phase_rows() -> list[M.Phase]:
    c = campaign()
    return list(c.phases) if c is not None else []


def phases() -> tuple[Phase, ...]:
    """The phases from the database, or :data:`PHASES` while there is no campaign."""
    rows = phase_rows() if has_app_context() else []
    if not rows:
        return PHASES
    return tuple(Phase(p.number, p.start, p.end, _review_label(p.review, p.end.year), p.review,
                       p.id) for p in rows)


def current_phase(today: date | None = None) -> Phase | None:
    today = today or _today()
    return next((p for p in phases() if p.contains(today)), None)


def phase_row(number: int) -> M.Phase:
    """The phase numbered ``number``; :class:`UserError` when there is none."""
    row = next((p for p in phase_rows() if p.number == number), None)
    if row is None:
        if campaign() is None:
            raise UserError(_("There is no campaign yet: run “lms emulation campaign init” "
                              "(or load the demo)."))
        raise UserError(_("The campaign has no phase %(n)d.", n=number))
    return row


def phase_of(period: M.Period) -> M.Phase:
    return db.session.get(M.Phase, period.phase_id)


def periods(kind: str | None = None) -> list[M.Period]:
    """Every period of the campaign, oldest first (years before their quarters)."""
    stmt = sa.select(M.Period).order_by(M.Period.start, M.Period.kind.desc())
    if kind:
        stmt = stmt.where(M.Period.kind == kind)
    return list(db.session.scalars(stmt))


def periods_containing(day: date, *, open_only: bool = False) -> list[M.Period]:
    """The periods (a year and a quarter) whose dates hold ``day``; with ``open_only``, only
    those not frozen."""
    stmt = sa.select(M.Period).where(M.Period.start <= day, M.Period.end >= day)
    if open_only:
        stmt = stmt.where(M.Period.frozen_at.is_(None))
    return list(db.session.scalars(stmt))


def current_period(kind: str = "year", today: date | None = None) -> M.Period | None:
    """The period of ``kind`` (``year`` or ``quarter``) holding today, or None outside the
    campaign."""
    if kind not in PERIOD_KINDS:
        raise UserError(_("Unknown kind of period %(kind)s: year or quarter.", kind=kind))
    today = today or _today()
    return db.session.scalar(sa.select(M.Period).where(
        M.Period.kind == kind, M.Period.start <= today, M.Period.end >= today))


_LABEL = re.compile(r"^\s*(\d{4})(?:\s*[-/ ]?\s*Q([1-4]))?\s*$", re.IGNORECASE)
_LABEL_Q_FIRST = re.compile(r"^\s*Q([1-4])\s*[-/ ]\s*(\d{4})\s*$", re.IGNORECASE)


def period_by_label(label: str) -> M.Period:
    """The period labelled ``2025`` or ``2025-Q3`` (also ``Q3/2025``). Raises
    :class:`UserError` for a label that names no period, saying when it is outside the
    campaign."""
    text = str(label or "")
    match = _LABEL.match(text)
    if match:
        year, quarter = int(match.group(1)), match.group(2)
    else:
        match = _LABEL_Q_FIRST.match(text)
        if not match:
            raise UserError(_("“%(label)s” is not a period: write a year (2025) or a quarter "
                              "(2025-Q3).", label=text.strip()))
        year, quarter = int(match.group(2)), match.group(1)
    canonical = f"{year}-Q{quarter}" if quarter else str(year)
    c = campaign()
    if c is None:
        raise UserError(_("There is no campaign yet: run “lms emulation campaign init” "
                          "(or load the demo)."))
    row = db.session.scalar(sa.select(M.Period).where(M.Period.campaign_id == c.id,
                                                      M.Period.label == canonical))
    if row is None:
        if not (c.start.year <= year <= c.end.year):
            raise UserError(_("The period %(label)s is outside the campaign (%(start)s – "
                              "%(end)s).", label=canonical, start=_fmt(c.start),
                              end=_fmt(c.end)))
        raise UserError(_("The campaign has no period %(label)s.", label=canonical))
    return row


def check_in_campaign(day: date) -> None:
    """:class:`UserError` when ``day`` is outside the campaign."""
    c = campaign()
    if c is None:
        raise UserError(_("There is no campaign yet: run “lms emulation campaign init” "
                          "(or load the demo)."))
    if not (c.start <= day <= c.end):
        raise UserError(_("%(day)s is outside the campaign (%(start)s – %(end)s).",
                          day=_fmt(day), start=_fmt(c.start), end=_fmt(c.end)))


# -- writing ------------------------------------------------------------------------------------
def parse_year_close(text: str) -> tuple[int, int]:
    """``"15/01"`` -> ``(15, 1)`` (day, month); :class:`UserError` otherwise."""
    match = re.match(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*$", str(text or ""))
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        try:
            date(2025, month, day)
            return day, month
        except ValueError:
            pass
    raise UserError(_("The closing day of a year must be written dd/mm (for example 15/01), "
                      "not “%(text)s”.", text=text))


def _close_settings(year_close: str | None, quarter_close_days: int | None) -> tuple:
    config = current_app.config if has_app_context() else {}
    year_close = year_close or config.get("EMULATION_YEAR_CLOSE", DEFAULT_YEAR_CLOSE)
    if quarter_close_days is None:
        quarter_close_days = config.get("EMULATION_QUARTER_CLOSE_DAYS",
                                        DEFAULT_QUARTER_CLOSE_DAYS)
    try:
        quarter_close_days = int(quarter_close_days)
    except (TypeError, ValueError):
        quarter_close_days = -1
    if not 0 <= quarter_close_days <= 366:
        raise UserError(_("The days between the end of a quarter and its closing must be "
                          "between 0 and 366."))
    return parse_year_close(year_close), quarter_close_days


def period_specs(year_close: tuple[int, int] = (15, 1), quarter_close_days: int = 15):
    """``(kind, start, end, label, close_on)`` of every period of the campaign."""
    out = []
    for year in range(CAMPAIGN_START.year, CAMPAIGN_END.year + 1):
        out.append(("year", date(year, 1, 1), date(year, 12, 31), str(year),
                    date(year + 1, year_close[1], year_close[0])))
        for q in range(4):
            start = date(year, 3 * q + 1, 1)
            end = (date(year + 1, 1, 1) if q == 3 else date(year, 3 * q + 4, 1)) - timedelta(1)
            out.append(("quarter", start, end, f"{year}-Q{q + 1}",
                        end + timedelta(days=quarter_close_days)))
    return out


def ensure_campaign(*, year_close: str | None = None,
                    quarter_close_days: int | None = None) -> M.Campaign:
    """Create the campaign, its two phases and its periods, or bring them up to date (names,
    dates, closing days of the periods not frozen yet). Idempotent; flushes."""
    year_close_dm, quarter_days = _close_settings(year_close, quarter_close_days)
    c = db.session.scalar(sa.select(M.Campaign).where(M.Campaign.code == CAMPAIGN_CODE))
    if c is None:
        c = M.Campaign(code=CAMPAIGN_CODE, name_vi=CAMPAIGN_NAME[0], name_en=CAMPAIGN_NAME[1],
                       start=CAMPAIGN_START, end=CAMPAIGN_END)
        db.session.add(c)
        db.session.flush()
    c.name_vi, c.name_en, c.start, c.end = (*CAMPAIGN_NAME, CAMPAIGN_START, CAMPAIGN_END)
    by_number = {p.number: p for p in c.phases}
    phase_by_number = {}
    for number, start, end, review, vi, en in PHASE_SPECS:
        p = by_number.get(number)
        if p is None:
            p = M.Phase(campaign=c, number=number, start=start, end=end, review=review,
                        name_vi=vi, name_en=en)
            db.session.add(p)
        p.start, p.end, p.review, p.name_vi, p.name_en = start, end, review, vi, en
        phase_by_number[number] = p
    db.session.flush()
    existing = {(p.kind, p.start): p for p in db.session.scalars(
        sa.select(M.Period).where(M.Period.campaign_id == c.id))}
    for kind, start, end, label, close_on in period_specs(year_close_dm, quarter_days):
        phase = next(p for p in phase_by_number.values() if p.start <= start <= p.end)
        row = existing.get((kind, start))
        if row is None:
            db.session.add(M.Period(campaign_id=c.id, phase_id=phase.id, kind=kind, start=start,
                                    end=end, label=label, close_on=close_on))
        elif row.frozen_at is None:
            row.end, row.label, row.close_on, row.phase_id = end, label, close_on, phase.id
    db.session.flush()
    return c


# -- helpers ------------------------------------------------------------------------------------
def _today() -> date:
    if has_app_context():
        from lms_core.courses.catalogue import local_today

        return local_today()
    return date.today()


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")
