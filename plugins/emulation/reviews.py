"""Review reports of the campaign: for the preliminary review (*sơ kết*, phase 1, 2024–2025),
the final review (*tổng kết*, phase 2, 2026–2030), each year and each quarter; for one unit
(its subtree) or the whole organisation; as data (:func:`build`), an Excel workbook
(:func:`report_xlsx`) and a PDF with bar charts drawn by fpdf2 itself (:func:`report_pdf`),
so no browser or chart library is needed on the server.

What a report holds, all read from the stored scores (never recomputed here):

- the officers ranked by their total (for a review, the mean of the years of the phase that
  have begun, as the rankings pages do: ``ranking.officer_scores``), ties sharing a rank
  (``ranking.competition_ranks``);
- the units: for a unit's report the units directly below it, for the organisation every
  unit ranked in its emulation cluster, with members, per-capita and adjusted scores and the
  rank in the cluster (``ranking.standings``);
- the unit's standing in each period (``ranking.history``), saying when a period's figures
  are those of its predecessor units (a regional branch formed in 2025, for 2024);
- the trends per emulation content: the officers' mean points per content in each quarter of
  a year or each year of a review (``ranking.content_trends``);
- the top contributors, the counts of evidence by kind and status (approved counts), and the
  anomalies flagged and how they were decided.

The officers counted for a unit in a period are those whose unit at the end of the period is
in the unit's subtree (or its predecessors' subtrees), as on the rankings pages
(``ranking.scope_ids``).

The PDF uses the DejaVu Sans TrueType font (folder: the ``LMS_CERTIFICATE_FONT_DIR``
setting, as the certificates do) so that Vietnamese renders and can be copied from it.
"""

from __future__ import annotations

import io
import logging
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.organisation import queries as org
from lms_core.text import fold
from lms_core.ui.i18n import fmt_date, localized
from plugins.emulation import campaign, ranking, submissions
from plugins.emulation.models import SUBMISSION_KINDS, Anomaly, Cluster, Period, Score

# fpdf2 subsets the fonts with fontTools, which logs every step at INFO: not our log's business.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
REVIEWS = ("preliminary", "final")
#: Other ways to name a review (folded).
REVIEW_ALIASES = {"preliminary": "preliminary", "so ket": "preliminary", "so-ket": "preliminary",
                  "soket": "preliminary", "phase-1": "preliminary", "final": "final",
                  "tong ket": "final", "tong-ket": "final", "tongket": "final",
                  "phase-2": "final"}
#: Officers listed in a PDF (the workbook lists every one).
PDF_OFFICERS = 100
TOP = 10
ANOMALY_KINDS = ("hours_over_day", "completion_burst")
ANOMALY_STATUSES = ("open", "accepted", "excluded")

_GREEN = (11, 93, 59)
_GOLD = (200, 162, 58)
_INK = (29, 37, 33)
_GREY = (93, 107, 100)
SERIES_COLOURS = [(11, 93, 59), (200, 162, 58), (70, 130, 180), (178, 34, 34),
                  (106, 90, 205), (93, 107, 100), (0, 128, 128)]


# -- what a report covers --------------------------------------------------------------------------
@dataclass
class Scope:
    """What a report covers: a review (the years of its phase begun so far), a year or a
    quarter."""

    key: str  #: ``preliminary``, ``final``, ``2025``, ``2025-Q3``
    kind: str  #: ``review``, ``year``, ``quarter``
    selection: ranking.Selection
    trend_periods: list[Period]
    start: date
    end: date  #: inclusive; today for a period in progress
    review: str = ""

    @property
    def periods(self) -> list[Period]:
        return self.selection.periods

    @property
    def last(self) -> Period:
        return self.periods[-1]

    @property
    def title(self) -> str:
        if self.review == "preliminary":
            return _("Preliminary review of phase 1 (%(start)d–%(end)d)",
                     start=self.start.year, end=self._phase_end().year)
        if self.review == "final":
            return _("Final review of phase 2 (%(start)d–%(end)d)",
                     start=self.start.year, end=self._phase_end().year)
        if self.kind == "year":
            return _("Review of the year %(year)s", year=self.key)
        year, q = self.key.split("-Q")
        return _("Review of quarter %(q)s/%(year)s", q=q, year=year)

    def _phase_end(self) -> date:
        phase = campaign.phase_of(self.periods[0])
        return phase.end if phase else self.end


def _review_kind(key: str) -> str | None:
    return REVIEW_ALIASES.get(fold(key).strip()) or REVIEW_ALIASES.get(key.strip().lower())


def scope_for(key: str, *, today: date | None = None) -> Scope:
    """The scope named ``key``: ``preliminary`` (or ``so-ket``), ``final`` (``tong-ket``), a
    year (``2025``) or a quarter (``2025-Q3``). :class:`UserError` when it names nothing or
    has not begun."""
    today = today or campaign._today()
    key = (key or "").strip()
    review = _review_kind(key)
    if review:
        phase = next((p for p in campaign.phase_rows() if p.review == review), None)
        if phase is None:
            raise UserError(_("There is no campaign yet: run “lms emulation campaign init” "
                              "(or load the demo)."))
        years = [p for p in campaign.periods("year")
                 if p.phase_id == phase.id and p.start <= today]
        if not years:
            raise UserError(_("Phase %(n)d has not begun: there is nothing to review yet.",
                              n=phase.number))
        selection = ranking.Selection(f"phase-{phase.number}", "phase", years, phase.number)
        return Scope(review, "review", selection, years, phase.start, min(phase.end, today),
                     review)
    period = campaign.period_by_label(key)
    if period.start > today:
        raise UserError(_("%(label)s has not begun: there is nothing to review yet.",
                          label=period.label))
    selection = ranking.Selection(period.label, period.kind, [period])
    if period.kind == "year":
        trend = [p for p in campaign.periods("quarter")
                 if period.start <= p.start <= period.end and p.start <= today]
    else:
        trend = [period]
    return Scope(period.label, period.kind, selection, trend or [period], period.start,
                 min(period.end, today))


def scope_choices(*, today: date | None = None) -> list[tuple[str, str]]:
    """``(key, label)`` of the reports that can be made today: the reviews, then the years
    and quarters begun, newest first."""
    today = today or campaign._today()
    out = []
    for phase in campaign.phase_rows():
        if phase.start <= today:
            label = (_("Preliminary review (%(year)d)", year=phase.end.year)
                     if phase.review == "preliminary"
                     else _("Final review (%(year)d)", year=phase.end.year))
            out.append((phase.review, label))
    for p in reversed(campaign.periods()):
        if p.start > today:
            continue
        if p.kind == "year":
            out.append((p.label, _("Year %(year)s", year=p.label)))
        else:
            year, q = p.label.split("-Q")
            out.append((p.label, _("Quarter %(q)s/%(year)s", q=q, year=year)))
    return out


# -- the report ------------------------------------------------------------------------------------
@dataclass
class OfficerRow:
    user_id: int
    name: str
    code: str
    unit_name: str
    totals: dict[str, float | None]  #: period label -> total
    total: float  #: the period's total, or the mean of the years of a review
    rank: int | None = None
    evidence: int = 0  #: approved submissions in the scope


@dataclass
class UnitRow:
    unit_id: int
    code: str
    name: str
    cluster: str
    members: float
    per_capita: float | None
    adjusted: float | None
    rank: int | None  #: in the emulation cluster
    total: float  #: the unit's own indicators
    flag: str = "within"


@dataclass
class HistoryLine:
    label: str
    members: int | None
    per_capita: float | None
    adjusted: float | None
    rank: int | None
    group_size: int
    basis: list[str]  #: predecessor units, when the figures are theirs


@dataclass
class Report:
    scope: Scope
    unit: Any  #: a Unit, or None for the whole organisation
    title: str
    unit_label: str
    generated_on: date
    officers: list[OfficerRow]
    units: list[UnitRow]
    history: list[HistoryLine]
    trend: ranking.Trend
    evidence: dict[str, dict[str, int]]
    anomalies: dict[str, dict[str, int]]
    notes: list[str] = field(default_factory=list)

    @property
    def top(self) -> list[OfficerRow]:
        return [o for o in self.officers if o.total > 0][:TOP]

    @property
    def mean_total(self) -> float | None:
        if not self.officers:
            return None
        return round(math.fsum(o.total for o in self.officers) / len(self.officers), 2)

    @property
    def participation(self) -> float | None:
        """Share of the officers counted with a score above 0."""
        if not self.officers:
            return None
        return sum(1 for o in self.officers if o.total > 0) / len(self.officers)

    def evidence_total(self, status: str) -> int:
        return sum(by.get(status, 0) for by in self.evidence.values())

    def anomaly_total(self, status: str | None = None) -> int:
        return sum(n for by in self.anomalies.values() for s, n in by.items()
                   if status is None or s == status)

    def content_name(self, code: str) -> str:
        c = self.trend.names.get(code)
        return localized(c) if c is not None else code

    def content_max(self, code: str) -> float | None:
        c = self.trend.names.get(code)
        return c.max_points if c is not None else None


def organisation_label() -> str:
    roots = [u for u, depth in org.tree_rows() if depth == 0]
    if len(roots) == 1:
        return _("%(name)s (whole organisation)", name=roots[0].name_vi)
    return _("Vietnam Customs (whole organisation)")


def _officers(scope: Scope, unit) -> list[OfficerRow]:
    per_period: dict[int, dict[str, tuple[float, int | None]]] = defaultdict(dict)
    for p in scope.periods:
        selection = ranking.Selection(p.label, p.kind, [p])
        unit_ids = ranking.scope_ids(unit, p) if unit is not None else None
        for uid, s in ranking.officer_scores(selection, unit_ids=unit_ids).items():
            per_period[uid][p.label] = (s.total, s.unit_id)
    users = id_ops.users_by_ids(per_period)
    last_units = {}
    rows = []
    labels = [p.label for p in scope.periods]
    for uid, by_label in per_period.items():
        user = users.get(uid)
        if user is None:
            continue
        values = [by_label[lb][0] for lb in labels if lb in by_label]
        last_units[uid] = next(by_label[lb][1] for lb in reversed(labels) if lb in by_label)
        rows.append(OfficerRow(uid, user.full_name, user.code, "",
                               {lb: by_label[lb][0] if lb in by_label else None
                                for lb in labels},
                               ranking.rounded(math.fsum(values) / len(values)) or 0.0))
    names = org.units_by_ids(last_units.values())
    for r in rows:
        u = names.get(last_units.get(r.user_id))
        r.unit_name = u.name_vi if u is not None else ""
    ranks = ranking.competition_ranks((r.user_id, r.total) for r in rows)
    for r in rows:
        r.rank = ranks.get(r.user_id)
    rows.sort(key=lambda r: (r.rank or 10**9, fold(r.name), r.user_id))
    return rows


def _units(scope: Scope, unit) -> list[UnitRow]:
    standings = ranking.standings(scope.selection)
    if unit is not None:
        children = {c.id for c, depth in org.tree_rows([unit.id]) if depth == 1}
        standings = [s for s in standings if s.unit_id in children]
    else:
        standings = [s for s in standings if s.cluster_id is not None] or [
            s for s in standings if s.unit_id in {u.id for u, d in org.tree_rows() if d == 1}]
    names = org.units_by_ids(s.unit_id for s in standings)
    clusters = {c.id: c for c in db.session.scalars(sa.select(Cluster))}
    rows = []
    for s in standings:
        u = names.get(s.unit_id)
        if u is None:
            continue
        c = clusters.get(s.cluster_id)
        rows.append(UnitRow(s.unit_id, u.code, u.name_vi, c.name_vi if c else "",
                            s.members, s.per_capita, s.adjusted, s.rank, s.total, s.flag))
    if unit is not None:
        ranks = ranking.competition_ranks((r.unit_id, r.adjusted) for r in rows)
        rows.sort(key=lambda r: (ranks.get(r.unit_id) or 10**9, r.code))
    return rows


def _history(scope: Scope, unit) -> list[HistoryLine]:
    if unit is None:
        out = []
        for p in scope.periods:
            n, mean = db.session.execute(
                sa.select(sa.func.count(), sa.func.avg(Score.total)).where(
                    Score.period_id == p.id, Score.subject == "user")).one()
            out.append(HistoryLine(p.label, int(n or 0),
                                   ranking.rounded(float(mean)) if mean is not None else None,
                                   None, None, 0, []))
        return out
    return [HistoryLine(h.period.label, h.score.members if h.score else None,
                        h.score.per_capita if h.score else None,
                        h.score.adjusted if h.score else None,
                        h.score.rank if h.score else None, h.group_size,
                        [f"{u.code} {u.name_vi}" for u in h.basis])
            for h in ranking.history(unit, scope.periods)]


def _org_trend(periods: list[Period]) -> ranking.Trend:
    """The officers' mean points per content over the whole organisation."""
    from plugins.emulation import scoring
    from plugins.emulation.models import Criterion, ScoreLine

    names: dict[str, Criterion] = {}
    values: dict[str, list[float | None]] = defaultdict(lambda: [None] * len(periods))
    officers = []
    for i, p in enumerate(periods):
        rule_set = scoring.rules_for(p)
        if rule_set is not None:
            for c in rule_set.criteria:
                if c.parent_id is None and c.kind == "group":
                    names.setdefault(c.code, c)
        n = db.session.scalar(sa.select(sa.func.count()).select_from(Score).where(
            Score.period_id == p.id, Score.subject == "user")) or 0
        sums = dict(db.session.execute(
            sa.select(Criterion.code, sa.func.sum(ScoreLine.points))
            .join(Criterion, Criterion.id == ScoreLine.criterion_id)
            .where(ScoreLine.period_id == p.id, ScoreLine.subject == "user",
                   Criterion.parent_id.is_(None), Criterion.kind == "group")
            .group_by(Criterion.code)).all())
        officers.append(n)
        if n:
            for code in names:
                values[code][i] = ranking.rounded(float(sums.get(code) or 0.0) / n)
    codes = sorted(names, key=lambda c: (names[c].sort_order, c))
    return ranking.Trend(codes, names, {c: values[c] for c in codes}, periods, officers)


def _anomalies(user_ids: list[int] | None, start: date, end: date) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {k: {s: 0 for s in ANOMALY_STATUSES}
                                      for k in ANOMALY_KINDS}
    base = (sa.select(Anomaly.kind, Anomaly.status, sa.func.count(Anomaly.id))
            .where(Anomaly.day >= start, Anomaly.day <= end)
            .group_by(Anomaly.kind, Anomaly.status))
    if user_ids is None:
        parts = [base]
    else:
        parts = [base.where(Anomaly.user_id.in_(user_ids[i:i + 5000]))
                 for i in range(0, len(user_ids), 5000)]
    for stmt in parts:
        for kind, status, n in db.session.execute(stmt):
            out.setdefault(kind, {}).setdefault(status, 0)
            out[kind][status] += n
    return out


def _approved_by_user(user_ids: list[int], start: date, end: date) -> dict[int, int]:
    from plugins.emulation.models import Submission

    out: dict[int, int] = defaultdict(int)
    for i in range(0, len(user_ids), 5000):
        for uid, n in db.session.execute(
                sa.select(Submission.user_id, sa.func.count(Submission.id)).where(
                    Submission.status == "approved", Submission.occurred_on >= start,
                    Submission.occurred_on <= end,
                    Submission.user_id.in_(user_ids[i:i + 5000]))
                .group_by(Submission.user_id)):
            out[uid] += n
    return out


def build(scope: Scope, unit=None, *, today: date | None = None) -> Report:
    """The review report of ``unit`` (its subtree; None: the whole organisation)."""
    officers = _officers(scope, unit)
    ids = sorted(o.user_id for o in officers)
    approved = _approved_by_user(ids, scope.start, scope.end)
    for o in officers:
        o.evidence = approved.get(o.user_id, 0)
    trend = (ranking.content_trends(unit, scope.trend_periods) if unit is not None
             else _org_trend(scope.trend_periods))
    history = _history(scope, unit)
    notes = []
    for h in history:
        if h.basis:
            notes.append(_("For %(label)s the unit did not exist yet: its figures are those of "
                           "the officers of its predecessor units (%(units)s).",
                           label=h.label, units=", ".join(h.basis)))
    if scope.kind == "review":
        notes.append(_("The officers' totals are the means of the years %(years)s.",
                       years=", ".join(p.label for p in scope.periods)))
    if scope.end < scope.periods[-1].end:
        notes.append(_("%(label)s is in progress: figures up to %(day)s.",
                       label=scope.periods[-1].label, day=fmt_date(scope.end)))
    label = (f"{unit.name_vi} ({unit.code})" if unit is not None else organisation_label())
    return Report(scope, unit, scope.title, label, today or campaign._today(), officers,
                  _units(scope, unit), history, trend,
                  submissions.counts(ids if unit is not None else None, scope.start,
                                     scope.end),
                  _anomalies(ids if unit is not None else None, scope.start, scope.end),
                  notes)


def file_name(report: Report, ext: str) -> str:
    who = report.unit.code if report.unit is not None else "toan-nganh"
    return f"bao-cao-thi-dua-{report.scope.key}-{who}.{ext}"


# -- labels ----------------------------------------------------------------------------------------
def _num(x, digits: int = 2) -> str:
    if x is None:
        return "—"
    text = f"{float(x):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(x) -> str:
    return "—" if x is None else f"{100 * float(x):.0f}%"


def kind_label(kind: str) -> str:
    return str(submissions.KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(submissions.STATUS_LABELS.get(status, status))


def anomaly_label(kind: str) -> str:
    if kind == "hours_over_day":
        return _("Too many hours in a day")
    if kind == "completion_burst":
        return _("Burst of completions")
    return kind


def anomaly_status_label(status: str) -> str:
    return {"open": _("open"), "accepted": _("accepted"), "excluded": _("excluded")}.get(
        status, status)


def period_label(label: str) -> str:
    if "-Q" in label:
        year, q = label.split("-Q")
        return _("Q%(q)s/%(year)s", q=q, year=year)
    return label


def summary(report: Report) -> list[tuple[str, str]]:
    """The report's key figures as ``(label, value)``."""
    last = report.history[-1] if report.history else None
    rows = [(_("Report"), report.title), (_("Unit"), report.unit_label),
            (_("From"), fmt_date(report.scope.start)), (_("To"), fmt_date(report.scope.end)),
            (_("Officers counted"), str(len(report.officers))),
            (_("Mean score of the officers"), _num(report.mean_total)),
            (_("Officers with points"), _pct(report.participation))]
    if report.unit is not None and last is not None:
        rows += [(_("Per-capita score (%(label)s)", label=last.label), _num(last.per_capita)),
                 (_("Adjusted score (%(label)s)", label=last.label), _num(last.adjusted)),
                 (_("Rank in the emulation cluster (%(label)s)", label=last.label),
                  f"{last.rank}/{last.group_size}" if last.rank else "—")]
    rows += [(_("Evidence approved"), str(report.evidence_total("approved"))),
             (_("Evidence pending"), str(report.evidence_total("pending"))),
             (_("Anomalies flagged"), str(report.anomaly_total())),
             (_("Anomalies still open"), str(report.anomaly_total("open"))),
             (_("Made on"), fmt_date(report.generated_on))]
    return rows


# -- Excel -----------------------------------------------------------------------------------------
def report_xlsx(report: Report) -> bytes:
    """The report as a workbook: summary, officers (all), units, trends (with a bar chart),
    top contributors, evidence, anomalies."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wb = Workbook()

    def sheet(title, header, rows, widths):
        ws = wb.create_sheet(title[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        return ws

    ws = wb.active
    ws.title = _("Summary")[:31]
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([report.unit_label])
    ws.append([])
    for label, value in summary(report):
        ws.append([label, value])
    ws.append([])
    for note in report.notes:
        ws.append([note])
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 60
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    labels = [p.label for p in report.scope.periods]
    many = len(labels) > 1
    sheet(_("Officers"),
          [_("Rank"), _("Full name"), _("Code"), _("Unit")] +
          ([period_label(lb) for lb in labels] if many else []) +
          [_("Mean score") if many else _("Score"), _("Evidence approved")],
          [[o.rank, o.name, o.code, o.unit_name] +
           ([o.totals.get(lb) for lb in labels] if many else []) + [o.total, o.evidence]
           for o in report.officers],
          [7, 30, 12, 40] + [10] * (len(labels) if many else 0) + [12, 12])
    sheet(_("Units"),
          [_("Rank"), _("Code"), _("Unit"), _("Emulation cluster"), _("Members"),
           _("Per-capita score"), _("Adjusted score"), _("Unit's own points")],
          [[u.rank, u.code, u.name, u.cluster, u.members, u.per_capita, u.adjusted, u.total]
           for u in report.units], [7, 12, 44, 44, 10, 12, 12, 12])
    if report.unit is not None:
        sheet(_("Standing"),
              [_("Period"), _("Members"), _("Per-capita score"), _("Adjusted score"),
               _("Rank in the emulation cluster"), _("Counted from")],
              [[period_label(h.label), h.members, h.per_capita, h.adjusted,
                f"{h.rank}/{h.group_size}" if h.rank else None, "; ".join(h.basis)]
               for h in report.history], [12, 10, 14, 14, 16, 60])
    trend = report.trend
    ws_t = sheet(_("Trends"),
                 [_("Content"), _("Points available")] +
                 [period_label(p.label) for p in trend.periods],
                 [[report.content_name(code), report.content_max(code)] + list(
                     trend.values.get(code, [])) for code in trend.codes] +
                 [[_("Officers counted"), None] + list(trend.officers)],
                 [60, 10] + [10] * len(trend.periods))
    if trend.codes and trend.periods:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Mean points per content")
        chart.y_axis.title = _("points")
        data = Reference(ws_t, min_col=3, max_col=2 + len(trend.periods), min_row=1,
                         max_row=1 + len(trend.codes))
        cats = Reference(ws_t, min_col=1, min_row=2, max_row=1 + len(trend.codes))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.height, chart.width = 10, 24
        ws_t.add_chart(chart, f"A{len(trend.codes) + 5}")
    sheet(_("Top contributors"),
          [_("Rank"), _("Full name"), _("Code"), _("Unit"), _("Score"),
           _("Evidence approved")],
          [[o.rank, o.name, o.code, o.unit_name, o.total, o.evidence] for o in report.top],
          [7, 30, 12, 40, 10, 12])
    sheet(_("Evidence"), [_("Kind")] + [status_label(s) for s in submissions.STATUSES],
          [[kind_label(k)] + [report.evidence.get(k, {}).get(s, 0) for s in
                              submissions.STATUSES] for k in SUBMISSION_KINDS],
          [30, 12, 12, 12, 12])
    sheet(_("Anomalies"), [_("Kind")] + [anomaly_status_label(s) for s in ANOMALY_STATUSES],
          [[anomaly_label(k)] + [report.anomalies.get(k, {}).get(s, 0) for s in
                                 ANOMALY_STATUSES] for k in ANOMALY_KINDS],
          [34, 12, 12, 12])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- PDF -------------------------------------------------------------------------------------------
def font_dir() -> Path:
    return Path(current_app.config.get("LMS_CERTIFICATE_FONT_DIR") or DEFAULT_FONT_DIR)


def font_paths() -> dict[str, Path]:
    """The regular and bold DejaVu Sans files; :class:`UserError` naming what is missing."""
    folder = font_dir()
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise UserError(_("The PDF cannot be made: the fonts %(files)s are missing on the "
                          "server (install fonts-dejavu-core or set LMS_CERTIFICATE_FONT_DIR). "
                          "Export the Excel workbook instead.", files=", ".join(missing)))
    return paths


def _nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text if text is not None else ""))


class ReportPdf(FPDF):
    """An A4 landscape report in DejaVu Sans: a title block, headings, paragraphs, tables
    and bar charts, the page number in the footer."""

    def __init__(self, *, title: str, subtitle: str = "", orientation: str = "L"):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.report_title = _nfc(title)
        self.subtitle = _nfc(subtitle)
        for style, path in font_paths().items():
            self.add_font("DejaVu", style, str(path))
        #: The document's title names the unit too: it is what a file manager shows.
        self.set_title(f"{self.report_title} — {self.subtitle}" if self.subtitle
                       else self.report_title)
        self.set_subject(self.subtitle)
        self.set_author("Học tập Hải quan")
        self.set_creator("Học tập Hải quan")
        self.set_lang("vi")
        self.set_margins(14, 14, 14)
        self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(*_GREY)
        self.cell(0, 5, f"{self.report_title} · {self.subtitle}"[:150], align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="R")
        self.set_text_color(*_INK)

    def start(self) -> None:
        self.add_page()
        self.set_text_color(*_GREEN)
        self.set_font("DejaVu", "B", 16)
        self.multi_cell(0, 8, self.report_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.subtitle:
            self.set_font("DejaVu", "B", 12)
            self.multi_cell(0, 6, self.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*_GOLD)
        self.set_line_width(0.6)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(4)
        self.set_text_color(*_INK)

    def heading(self, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 25:
            self.add_page()
        self.ln(2)
        self.set_font("DejaVu", "B", 12)
        self.set_text_color(*_GREEN)
        self.multi_cell(0, 6, _nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*_INK)
        self.ln(1)

    def paragraph(self, text: str, *, bold: bool = False, size: float = 9) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, 4.6, _nfc(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def facts(self, pairs: list[tuple[str, str]], width: float = 90) -> None:
        for label, value in pairs:
            self.set_font("DejaVu", "B", 9)
            y = self.get_y()
            self.multi_cell(width, 5, _nfc(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font("DejaVu", "", 9)
            self.multi_cell(0, 5, _nfc(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_y(max(self.get_y(), y + 5))
        self.ln(1)

    def data_table(self, headers: list[str], rows: list[list[str]],
                   widths: tuple[float, ...] | list[float], *, numeric: set[int] = frozenset(),
                   size: float = 8) -> None:
        """A table with a bold heading row repeated on each page."""
        from fpdf.enums import TableCellFillMode
        from fpdf.fonts import FontFace

        self.set_font("DejaVu", "", size)
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(*_GREY)
        self.set_line_width(0.1)
        align = tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(headers)))
        with self.table(col_widths=tuple(widths), width=min(sum(widths), self.epw),
                        align="LEFT", text_align=align, line_height=1.35 * size * 0.3528 + 1,
                        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 239, 233)),
                        cell_fill_mode=TableCellFillMode.ROWS, cell_fill_color=(246, 248, 247),
                        repeat_headings=1, padding=0.8) as table:
            head = table.row()
            for h in headers:
                head.cell(_nfc(h))
            for values in rows:
                row = table.row()
                for v in values:
                    row.cell(_nfc(v))
        self.ln(2)

    def bars(self, title: str, categories: list[str], series: list[tuple[str, list]], *,
             max_value: float | None = None, label_width: float = 80) -> None:
        """A horizontal bar chart: for each category one bar per series (with its value),
        and a legend of the series; drawn with rectangles, no image."""
        values = [v for _label, vs in series for v in vs if v is not None]
        top = max_value or (max(values) if values else 0) or 1.0
        bar_h, gap = 3.6, 2.4
        height = 8 + len(categories) * (len(series) * bar_h + gap) + 8
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()
        self.heading(title)
        x0 = self.l_margin + label_width
        chart_w = self.epw - label_width - 18
        y = y_start = self.get_y()
        self.set_draw_color(*_GREY)
        self.set_line_width(0.2)
        for i, category in enumerate(categories):
            block = len(series) * bar_h
            self.set_font("DejaVu", "", 7.5)
            self.set_xy(self.l_margin, y)
            text = _nfc(category)
            while self.get_string_width(text) > label_width - 2 and len(text) > 4:
                text = text[:-2]
            if text != _nfc(category):
                text = text.rstrip() + "…"
            self.cell(label_width - 2, block, text, align="R")
            for j, (_label, vs) in enumerate(series):
                v = vs[i] if i < len(vs) else None
                colour = SERIES_COLOURS[j % len(SERIES_COLOURS)]
                self.set_fill_color(*colour)
                w = 0 if v is None else max(0.0, float(v)) / top * chart_w
                if w > 0:
                    self.rect(x0, y + j * bar_h + 0.3, w, bar_h - 0.6, style="F")
                self.set_font("DejaVu", "", 6.5)
                self.set_xy(x0 + w + 1, y + j * bar_h)
                self.cell(16, bar_h, _num(v), align="L")
            y += block + gap
        self.line(x0, y_start, x0, y - gap)
        # The legend.
        self.set_xy(x0, y)
        self.set_font("DejaVu", "", 7.5)
        for j, (label, _vs) in enumerate(series):
            if len(series) == 1 and not label:
                break
            colour = SERIES_COLOURS[j % len(SERIES_COLOURS)]
            self.set_fill_color(*colour)
            self.rect(self.get_x(), y + 1.2, 3, 3, style="F")
            self.set_x(self.get_x() + 4)
            self.cell(self.get_string_width(_nfc(label)) + 6, 5.5, _nfc(label))
        self.set_xy(self.l_margin, y + 7)

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def report_pdf(report: Report) -> bytes:
    """The report as a PDF with its charts."""
    pdf = ReportPdf(title=report.title, subtitle=report.unit_label)
    pdf.start()
    pdf.facts(summary(report)[4:])
    for note in report.notes:
        pdf.paragraph(note)
    trend = report.trend
    if trend.codes:
        pdf.bars(_("Mean points per content and period"),
                 [report.content_name(c) for c in trend.codes],
                 [(period_label(p.label), [trend.values[c][i] for c in trend.codes])
                  for i, p in enumerate(trend.periods)],
                 max_value=max((report.content_max(c) or 0 for c in trend.codes),
                               default=None) or None)
        pdf.data_table([_("Content"), _("Points available")] +
                       [period_label(p.label) for p in trend.periods],
                       [[report.content_name(c), _num(report.content_max(c))] +
                        [_num(v) for v in trend.values[c]] for c in trend.codes] +
                       [[_("Officers counted"), ""] + [str(n) for n in trend.officers]],
                       [110, 24] + [20] * len(trend.periods),
                       numeric=set(range(1, 2 + len(trend.periods))))
    if report.unit is not None and report.history:
        pdf.heading(_("The unit's standing"))
        pdf.data_table([_("Period"), _("Members"), _("Per-capita score"), _("Adjusted score"),
                        _("Rank in the emulation cluster"), _("Counted from")],
                       [[period_label(h.label), _num(h.members, 0), _num(h.per_capita),
                         _num(h.adjusted), f"{h.rank}/{h.group_size}" if h.rank else "—",
                         "; ".join(h.basis)] for h in report.history],
                       [22, 20, 30, 30, 36, 131], numeric={1, 2, 3})
    if report.units:
        shown = report.units[:40]
        pdf.bars(_("Units: adjusted score"), [f"{u.code} {u.name}" for u in shown[:20]],
                 [("", [u.adjusted for u in shown[:20]])], max_value=100)
        pdf.heading(_("Units ranked"))
        pdf.data_table([_("Rank"), _("Code"), _("Unit"), _("Emulation cluster"), _("Members"),
                        _("Per-capita score"), _("Adjusted score")],
                       [[str(u.rank or "—"), u.code, u.name, u.cluster, _num(u.members, 0),
                         _num(u.per_capita), _num(u.adjusted)] for u in shown],
                       [14, 22, 80, 80, 20, 26, 27], numeric={0, 4, 5, 6})
        if len(report.units) > len(shown):
            pdf.paragraph(_("%(n)d more units are in the Excel workbook.",
                            n=len(report.units) - len(shown)))
    if report.top:
        pdf.bars(_("Top contributors: score"), [o.name for o in report.top],
                 [("", [o.total for o in report.top])], max_value=100, label_width=60)
    pdf.heading(_("Officers ranked"))
    labels = [p.label for p in report.scope.periods]
    many = len(labels) > 1
    shown = report.officers[:PDF_OFFICERS]
    pdf.data_table([_("Rank"), _("Full name"), _("Code"), _("Unit")] +
                   ([period_label(lb) for lb in labels] if many else []) +
                   [_("Mean score") if many else _("Score"), _("Evidence approved")],
                   [[str(o.rank or "—"), o.name, o.code, o.unit_name] +
                    ([_num(o.totals.get(lb)) for lb in labels] if many else []) +
                    [_num(o.total), str(o.evidence)] for o in shown],
                   [14, 60, 24, 90 - 16 * (len(labels) if many else 0)] +
                   [16] * (len(labels) if many else 0) + [22, 26],
                   numeric={0} | set(range(4, 6 + (len(labels) if many else 0))))
    if len(report.officers) > len(shown):
        pdf.paragraph(_("%(n)d more officers are in the Excel workbook.",
                        n=len(report.officers) - len(shown)))
    pdf.heading(_("Evidence and anomalies"))
    pdf.data_table([_("Kind")] + [status_label(s) for s in submissions.STATUSES],
                   [[kind_label(k)] + [str(report.evidence.get(k, {}).get(s, 0))
                                       for s in submissions.STATUSES]
                    for k in SUBMISSION_KINDS], [80, 30, 30, 30, 30],
                   numeric={1, 2, 3, 4})
    pdf.data_table([_("Anomaly")] + [anomaly_status_label(s) for s in ANOMALY_STATUSES],
                   [[anomaly_label(k)] + [str(report.anomalies.get(k, {}).get(s, 0))
                                          for s in ANOMALY_STATUSES] for k in ANOMALY_KINDS],
                   [80, 30, 30, 30], numeric={1, 2, 3})
    return pdf.output_bytes()


def resolve_unit(code: str | None):
    """The unit of that code, or None for the whole organisation; :class:`UserError` when
    no unit has the code."""
    if not code:
        return None
    unit = org.unit_by_code(code)
    if unit is None:
        raise UserError(_("No unit has the code %(code)s.", code=code.strip().upper()))
    return unit


def make(scope_key: str, unit_code: str | None, fmt: str) -> tuple[bytes, str, Report]:
    """The report file (``xlsx`` or ``pdf``), its name and the report."""
    if fmt not in ("xlsx", "pdf"):
        raise UserError(_("The format is xlsx or pdf."))
    report = build(scope_for(scope_key), resolve_unit(unit_code))
    data = report_xlsx(report) if fmt == "xlsx" else report_pdf(report)
    return data, file_name(report, fmt), report
