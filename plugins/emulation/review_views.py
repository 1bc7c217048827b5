"""Pages of the reviews (reviews.py), the commendation proposals (commendation.py) and the
import of annual ratings.

Who may see what:

- review reports (``/emulation/reviews``): a unit's report (its subtree), in the browser, as
  XLSX or PDF, for the heads of that unit or of a unit above it and for HR administrators;
  the whole organisation's report for HR administrators only; officers get 403;
- commendation (``/emulation/commendation/<year>``): the candidates of a unit with the
  criteria each meets or misses, and the export of the proposal list, for the unit's heads
  and HR; confirming the list for the heads of the unit (or of a unit above it) only;
- annual ratings import: HR administrators only.

An unknown unit code or a period that names nothing (or has not begun) is 404.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField

from lms_core.errors import UserError, abort_with
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_unit, role_required
from lms_core.organisation import queries as org
from lms_core.ui.i18n import localized
from plugins.emulation import commendation as C
from plugins.emulation import ranking, reviews
from plugins.emulation.blueprint import bp
from plugins.emulation.score_views import changed_at

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf"}


class ActionForm(FlaskForm):
    """Nothing but the CSRF token."""


class RatingsForm(FlaskForm):
    file = FileField(_l("CSV file"))
    dry_run = BooleanField(_l("Dry run: check the file and show what would change, without "
                              "saving anything"), default=True)


def _is_hr() -> bool:
    return current_user.has_role(R.HR_ADMIN)


def _reviewer_only() -> None:
    """Unit heads and HR administrators; others get 403."""
    if not current_user.headed_unit_ids and not _is_hr():
        abort(403)


def _unit(code: str | None, *, organisation_allowed: bool):
    """The unit of ``?unit=`` checked for the viewer: None means the whole organisation (HR
    only, when allowed); a head without a code gets the first unit they lead."""
    _reviewer_only()
    code = (code or "").strip()
    if not code:
        if _is_hr() and organisation_allowed:
            return None
        headed = sorted((u for u, depth in org.tree_rows(current_user.headed_unit_ids)
                         if depth == 0), key=lambda u: u.code)
        if headed:
            return headed[0]
        if _is_hr():
            return None
        abort(403)
    unit = org.unit_by_code(code)
    if unit is None:
        abort(404)
    if not can_view_unit(current_user, unit):
        abort(403)
    return unit


def _unit_choices() -> list[tuple[str, str]]:
    """Units the viewer may choose: HR every active unit; a head their subtrees."""
    roots = None if _is_hr() else sorted(current_user.headed_unit_ids)
    return [(u.code, ("  " * depth) + f"{u.code} · {u.name_vi}")
            for u, depth in org.tree_rows(roots)]


def _scope(key: str):
    try:
        return reviews.scope_for(key)
    except UserError as exc:
        abort_with(404, exc.message)


# -- review reports --------------------------------------------------------------------------
@bp.get("/reviews")
@role_required()
def reviews_index():
    _reviewer_only()
    go, unit = request.args.get("go"), request.args.get("unit") or None
    if go == "report" and request.args.get("scope"):
        return redirect(url_for("emulation.review_report", key=request.args["scope"],
                                unit=unit))
    if go == "commendation" and request.args.get("year"):
        return redirect(url_for("emulation.commendation", year=request.args["year"],
                                unit=unit))
    return render_template("emulation/reviews/index.html", choices=reviews.scope_choices(),
                           units=_unit_choices(), is_hr=_is_hr(),
                           years=[p for p in C.years() if p.start <= C.today()])


@bp.get("/reviews/<key>")
@role_required()
def review_report(key: str):
    unit = _unit(request.args.get("unit"), organisation_allowed=True)
    if unit is None and not _is_hr():
        abort(403)
    scope = _scope(key)
    report = reviews.build(scope, unit)
    officers = report.officers[:200]
    return render_template("emulation/reviews/report.html", report=report, scope=scope,
                           officers=officers, summary=reviews.summary(report),
                           num=reviews._num, pct=reviews._pct,
                           period_label=reviews.period_label, kind_label=reviews.kind_label,
                           status_label=reviews.status_label,
                           anomaly_label=reviews.anomaly_label,
                           anomaly_status_label=reviews.anomaly_status_label,
                           statuses=reviews.submissions.STATUSES,
                           kinds=reviews.SUBMISSION_KINDS,
                           anomaly_kinds=reviews.ANOMALY_KINDS,
                           anomaly_statuses=reviews.ANOMALY_STATUSES,
                           localized=localized, units=_unit_choices(), is_hr=_is_hr(),
                           chart=_trend_chart(report),
                           officer_url=lambda code: _officer_url(code, scope.last.label),
                           stale=ranking.stale_notice(scope.periods), changed_at=changed_at)


def _officer_url(code: str, label: str) -> str | None:
    """The officer's breakdown on the rankings pages, when that page exists."""
    if "emulation.officer" not in current_app.view_functions:
        return None
    return url_for("emulation.officer", code=code, period=label)


def _trend_chart(report) -> dict | None:
    """The bars of the trend chart (inline SVG), as geometry for the template."""
    trend = report.trend
    if not trend.codes or not trend.periods:
        return None
    # Bars on the scale of the contents' points (the largest content's maximum).
    values = [v for c in trend.codes for v in trend.values[c] if v is not None]
    top = max([report.content_max(c) or 0.0 for c in trend.codes] + values) or 1.0
    bar, gap, label_w, width = 12, 10, 0, 520
    rows = []
    y = 0
    for code in trend.codes:
        bars = []
        for i, p in enumerate(trend.periods):
            v = trend.values[code][i]
            bars.append({"y": y + i * bar, "w": 0 if v is None else round(v / top * width, 1),
                         "value": reviews._num(v), "period": reviews.period_label(p.label),
                         "colour": i % 7})
        rows.append({"code": code, "name": report.content_name(code), "y": y, "bars": bars})
        y += bar * len(trend.periods) + gap + 16
    return {"rows": rows, "height": y, "width": width + label_w + 60, "bar": bar,
            "periods": [reviews.period_label(p.label) for p in trend.periods]}


@bp.get("/reviews/<key>/report.<fmt>")
@role_required()
def review_download(key: str, fmt: str):
    if fmt not in MIME:
        abort(404)
    unit = _unit(request.args.get("unit"), organisation_allowed=True)
    if unit is None and not _is_hr():
        abort(403)
    scope = _scope(key)
    report = reviews.build(scope, unit)
    return _download(fmt, reviews.report_xlsx if fmt == "xlsx" else reviews.report_pdf, report,
                     reviews.file_name(report, fmt))


def _download(fmt: str, export, subject, file_name: str) -> Response:
    """``export(subject)`` as an attachment; 503 when the export cannot be made here (no
    Unicode font for a PDF)."""
    try:
        data = export(subject)
    except UserError as exc:
        abort_with(503, exc.message)
    return Response(data, mimetype=MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="{file_name}"',
        "Cache-Control": "private, no-store"})


# -- commendation ----------------------------------------------------------------------------------
def _year(label: str):
    try:
        period = C.year_period(label)
    except UserError as exc:
        abort_with(404, exc.message)
    if period.start > C.today():
        abort_with(404, _("%(label)s has not begun.", label=period.label))
    return period


def _commendation_context(period, unit, ev, *, status: int = 200, problems=()):
    return render_template(
        "emulation/reviews/commendation.html", period=period, unit=unit, ev=ev,
        titles=C.TITLES, title_names=C.TITLE_NAMES, individual=C.INDIVIDUAL_TITLES,
        describe=C.describe, rating_label=C.rating_label, num=reviews._num, pct=reviews._pct,
        can_confirm=C.can_confirm(current_user, unit), form=ActionForm(), problems=problems,
        units=_unit_choices(), years=[p for p in C.years() if p.start <= C.today()],
        confirmed_by=C._confirmed_by(ev), stale=ranking.stale_notice([period]),
        changed_at=changed_at), status


@bp.get("/commendation/<year>")
@role_required()
def commendation(year: str):
    unit = _unit(request.args.get("unit"), organisation_allowed=False)
    period = _year(year)
    if unit is None:
        return render_template("emulation/reviews/commendation_choose.html", period=period,
                               units=_unit_choices(),
                               years=[p for p in C.years() if p.start <= C.today()])
    return _commendation_context(period, unit, C.evaluate(period, unit))


@bp.post("/commendation/<year>/confirm")
@role_required()
def commendation_confirm(year: str):
    unit = _unit(request.args.get("unit"), organisation_allowed=False)
    if unit is None:
        abort(404)
    period = _year(year)
    if not C.can_confirm(current_user, unit):
        abort(403)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    selection = set(request.form.getlist("candidate"))
    try:
        rows = C.confirm(period, unit, current_user, selection)
    except UserError as exc:
        db.session.rollback()
        return _commendation_context(period, unit, C.evaluate(period, unit), status=400,
                                     problems=[exc.message])
    db.session.commit()
    flash(_("The proposal list of %(unit)s for %(year)s is confirmed (%(n)d proposals). "
            "Export it to send it on.", unit=unit.name_vi, year=period.label, n=len(rows)),
          "success")
    return redirect(url_for("emulation.commendation", year=period.label, unit=unit.code))


@bp.get("/commendation/<year>/proposal.<fmt>")
@role_required()
def commendation_download(year: str, fmt: str):
    if fmt not in MIME:
        abort(404)
    unit = _unit(request.args.get("unit"), organisation_allowed=False)
    if unit is None:
        abort(404)
    period = _year(year)
    ev = C.evaluate(period, unit)
    return _download(fmt, C.proposal_xlsx if fmt == "xlsx" else C.proposal_pdf, ev,
                     C.export_name(ev, fmt))


# -- annual ratings --------------------------------------------------------------------------------
@bp.route("/ratings/import", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def ratings_import():
    form = RatingsForm()
    report, problems, status = None, [], 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(C.MAX_RATING_FILE + 1) if upload else b""
        if not data:
            problems.append(_("Choose a CSV file."))
        else:
            try:
                report = C.import_ratings(data, dry_run=form.dry_run.data, actor=current_user)
            except UserError as exc:
                problems.append(exc.message)
            else:
                if report.written:
                    db.session.commit()
                else:
                    db.session.rollback()
                    if not report.ok:
                        status = 422
        if problems:
            db.session.rollback()
            status = 400
    elif request.method == "POST":
        problems.append(_("Choose a CSV file."))
        status = 400
    return render_template("emulation/reviews/ratings.html", form=form, report=report,
                           problems=problems, columns=C.RATING_COLUMNS,
                           required=C.RATING_REQUIRED), status


@bp.get("/ratings/example.csv")
@role_required(R.HR_ADMIN)
def ratings_example():
    return Response("\ufeff" + C.RATING_EXAMPLE, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=xep-loai-hang-nam.csv"})
