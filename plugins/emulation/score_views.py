"""Views: my score (the plugin's home page), an officer's breakdown, a unit's page, the
organisation's rankings, the emulation clusters and the leaderboard setting.

Who sees what (each view checks it through ``lms_core.identity.access``):

- everyone logged in: their own score, its breakdown down to the evidence, how to improve it,
  and their rank in their unit — not others' scores, unless HR turned public leaderboards
  on (then their unit's leaderboard and the organisation's rankings too);
- unit heads: the page of each unit of their subtree (its officers' ranking, the unit against
  its cluster with the funnel plot, trends per content, the anomalies to decide, the evidence
  waiting) and the breakdown of the officers currently in their subtree (403 elsewhere);
- HR administrators: everything, the organisation-wide rankings, the clusters and the
  leaderboard setting (changes audited).

Pages only read derived rows (scores, their ranking figures, the per-unit sums the trends
need): nothing is recomputed or ranked when a page is shown or a cluster is saved. A change of
the clusters leaves the open periods' rankings stale until the scheduled job ranks them again
(within a minute or so); meanwhile the pages show the last ranking and say it is being updated
(``ranking.stale_notice``). The period selector takes a year, a quarter, a phase or the whole
campaign; phases and the campaign show the means of their years (docs/emulation-rankings.md).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_unit, can_view_user, role_required
from lms_core.organisation import queries as org
from lms_core.ui.forms import run_form_operation
from lms_core.ui.i18n import localized
from plugins.emulation import anomalies, campaign, ranking, scoring, sources
from plugins.emulation import measures as MS
from plugins.emulation.blueprint import bp
from plugins.emulation.campaign import current_phase
from plugins.emulation.models import Anomaly, Cluster, Submission

PAGE_SIZE = 50  #: officers per page of a unit's ranking
FLAG_LABELS = {"high3": _l("far above (beyond 3σ)"), "high2": _l("above (beyond 2σ)"),
               "low2": _l("below (beyond 2σ)"), "low3": _l("far below (beyond 3σ)"),
               "within": _l("within the limits")}
SUBMISSION_STATUS = {"pending": _l("pending"), "approved": _l("approved"),
                     "rejected": _l("rejected")}
EVIDENCE_SOURCES = {"assessment": _l("assessment"), "import": _l("imported result"),
                    "course": _l("course completed"), "rating": _l("supervisor's rating")}


# -- forms ----------------------------------------------------------------------------------------
class ClusterForm(FlaskForm):
    code = StringField(_l("Code"), [DataRequired(), Length(max=40)])
    name_vi = StringField(_l("Name (Vietnamese)"), [DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=300)])
    units = SelectMultipleField(_l("Units of the cluster"), coerce=int, validate_choice=False)


class SettingsForm(FlaskForm):
    public_leaderboards = BooleanField(
        _l("Public leaderboards: officers see the scores and ranks of the other officers of "
           "their unit and the rankings of the units"))


class DecisionForm(FlaskForm):
    """Accept or exclude an anomaly: the button pressed sends ``decision``."""

    note = TextAreaField(_l("Note"), [Optional(), Length(max=1000)])


class ConfirmForm(FlaskForm):
    """A button: the CSRF token is the whole form."""


# -- helpers --------------------------------------------------------------------------------------
def num(value, digits: int = 2) -> str:
    """A number in the UI's language (``1.234,5`` in Vietnamese), or an em dash."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(round(float(value), digits), pattern)


def _is_hr() -> bool:
    return current_user.has_role(R.HR_ADMIN)


def _units() -> dict[int, object]:
    """Every unit, dissolved ones too, by id (for names in tables)."""
    return {u.id: u for u, _d in org.tree_rows(include_dissolved=True)}


def _selection():
    """The period the page shows (``?period=``), or a flash and the current year."""
    try:
        return ranking.selection_periods(request.args.get("period"))
    except UserError as exc:
        flash(exc.message, "error")
        return ranking.selection_periods(None)


def _focus_period(selection):
    """The single period a breakdown shows: the selected one, else the current or the last
    year of the selection."""
    if selection is None:
        return None
    if selection.period is not None:
        return selection.period
    current = campaign.current_period("year")
    if current is not None and current in selection.periods:
        return current
    return selection.periods[-1] if selection.periods else None


def _chart(kind: str, labels, series, *, title: str, y_label: str = "", x_label: str = "",
           **extra) -> str:
    """The JSON a ``<canvas data-chart>`` is drawn from (static/js/charts.js)."""
    return json.dumps({"type": kind, "labels": [str(x) for x in labels],
                       "series": [{"label": str(s["label"]), "data": s["data"]} for s in series],
                       "title": str(title), "yLabel": str(y_label), "xLabel": str(x_label),
                       **extra}, ensure_ascii=False)


def _funnel_chart(plot: ranking.Funnel | None, units: dict, title: str) -> str | None:
    if plot is None:
        return None
    return json.dumps({
        "type": "funnel", "title": str(title),
        "xLabel": str(_("Officers counted (members)")),
        "yLabel": str(_("Per-capita score")),
        "mean": plot.mean,
        "points": [{"x": s.members, "y": s.per_capita, "flag": s.flag,
                    "label": units[s.unit_id].code if s.unit_id in units else str(s.unit_id)}
                   for s in plot.points],
        "curve": [{"x": n, "lo3": lo3, "lo2": lo2, "hi2": hi2, "hi3": hi3}
                  for n, lo3, lo2, hi2, hi3 in plot.curve],
        "labels": {"units": str(_("Units")), "mean": str(_("Mean")),
                   "limit2": str(_("%(share)s limits (2σ)", share="95%")),
                   "limit3": str(_("%(share)s limits (3σ)", share="99.8%"))},
    }, ensure_ascii=False)


def _endpoint(name: str) -> bool:
    return name in current_app.view_functions


def changed_at(moment) -> str:
    """``14:05`` in the platform's time zone (``14:05 21/11/2026`` on another day than
    today) for a naive UTC datetime."""
    if format_datetime(moment, "yyyy-MM-dd") == campaign._today().isoformat():
        return format_datetime(moment, "HH:mm")
    return format_datetime(moment, "HH:mm dd/MM/yyyy")


def _common() -> dict:
    """What every page of this module needs."""
    return {"num": num, "localized": localized, "flag_label": lambda f: FLAG_LABELS.get(f, f),
            "is_hr": _is_hr(), "endpoint_exists": _endpoint,
            "can_view_unit": lambda u: can_view_unit(current_user, u),
            "period_name": ranking.period_name, "changed_at": changed_at,
            "choices": ranking.selection_choices()}


# -- the breakdown of an officer ------------------------------------------------------------------
def _max_points(c) -> float | None:
    """The most points an indicator gives (None for a penalty)."""
    points = float(c.points or 0)
    if c.kind == "quantitative":
        return points * float(c.cap if c.cap is not None else 1.0)
    if c.kind == "pass_fail":
        return points
    if c.kind in ("occurrence", "bonus"):
        return float(c.cap or 0)
    return None


def improvements(rows) -> list[dict]:
    """What would raise the score, from a breakdown: each indicator below its maximum whose
    group is not full yet, with what is missing (``3.5`` more ``hours``), and penalties that
    cost points; most points first."""
    by_id = {r.criterion.id: r for r in rows}

    def group_full(c) -> bool:
        parent = by_id.get(c.parent_id)
        while parent is not None:
            if parent.is_group and parent.points >= float(parent.criterion.max_points) - 1e-9:
                return True
            parent = by_id.get(parent.criterion.parent_id)
        return False

    out = []
    for r in rows:
        c = r.criterion
        if r.is_group or c.subject != "user":
            continue
        measure = MS.get(c.measure) if c.measure else None
        unit = measure.unit if measure is not None else ""
        if c.kind == "penalty":
            if r.points < 0:
                out.append({"criterion": c, "points": -r.points, "penalty": True,
                            "amount": None, "unit": unit})
            continue
        most = _max_points(c)
        if most is None or r.points >= most - 1e-9 or group_full(c):
            continue
        value = r.value
        if c.kind == "quantitative":
            target = r.target or 0
            amount = target * float(c.cap if c.cap is not None else 1.0) - value
        elif c.kind == "pass_fail":
            amount = (r.target if r.target is not None else 1.0) - value
        else:
            per = float(c.points or 0)
            amount = math.ceil((most - r.points) / per - 1e-9) if per > 0 else None
        if amount is not None and amount <= 0:
            continue
        out.append({"criterion": c, "points": most - r.points, "penalty": False,
                    "amount": amount, "unit": unit})
    out.sort(key=lambda x: (-x["points"], x["criterion"].sort_order, x["criterion"].code))
    return out


def _evidence(rows, person) -> dict:
    """The evidence of a breakdown's lines, ready to show: statements as sentences, courses,
    submissions, competency evidence and anomalies, by criterion id."""
    from lms_core.xapi import sentences

    wanted: dict[str, set] = defaultdict(set)
    for r in rows:
        ev = (r.line.evidence if r.line is not None else None) or {}
        for kind in ("statements", "submissions", "evidence", "anomalies"):
            wanted[kind].update(int(x) for x in ev.get(kind, []) if str(x).isdigit())
    who = None if person.id == current_user.id else person.full_name
    statements = {s.id: sentences.line(s, who=who)
                  for s in sources.statements_by_pks(wanted["statements"])}
    submissions = {}
    if wanted["submissions"]:
        submissions = {s.id: s for s in db.session.scalars(
            sa.select(Submission).where(Submission.id.in_(sorted(wanted["submissions"]))))}
    flags = {}
    if wanted["anomalies"]:
        flags = {a.id: a for a in db.session.scalars(
            sa.select(Anomaly).where(Anomaly.id.in_(sorted(wanted["anomalies"]))))}
    pieces = {}
    if wanted["evidence"] and MS.competency_enabled():
        from plugins.competency.models import Evidence

        pieces = {e.id: e for e in db.session.scalars(
            sa.select(Evidence).where(Evidence.id.in_(sorted(wanted["evidence"]))))}
    out = {}
    for r in rows:
        ev = (r.line.evidence if r.line is not None else None) or {}
        if not ev:
            continue
        counts = ev.get("counts") or {}
        items = {
            "statements": [statements[int(x)] for x in ev.get("statements", [])
                           if int(x) in statements],
            "courses": list(ev.get("courses", [])),
            "submissions": [submissions[int(x)] for x in ev.get("submissions", [])
                            if int(x) in submissions],
            "evidence": [pieces[int(x)] for x in ev.get("evidence", []) if int(x) in pieces],
            "anomalies": [flags[int(x)] for x in ev.get("anomalies", []) if int(x) in flags],
        }
        more = {k: counts[k] - len(ev.get(k, [])) for k in counts
                if isinstance(counts.get(k), int) and counts[k] > len(ev.get(k, []))}
        if any(items.values()) or more:
            out[r.criterion.id] = {**items, "more": more}
    return out


def _officer_context(person, selection) -> dict:
    """Everything the score section of an officer shows."""
    years = [p for p in campaign.periods("year") if p.start <= campaign._today()]
    per_year = []
    for p in years:
        score = scoring.score_of("user", person.id, p)
        if score is not None:
            rank, of, unit_id = ranking.officer_rank(person.id, p)
            per_year.append({"period": p, "total": score.total, "rank": rank, "of": of,
                             "unit_id": unit_id})
    focus = _focus_period(selection)
    rows, evidence, tips, score, rank = [], {}, [], None, (None, 0, None)
    if focus is not None:
        rows = scoring.officer_breakdown(person, focus)
        score = scoring.score_of("user", person.id, focus)
        if score is not None:
            rank = ranking.officer_rank(person.id, focus)
        evidence = _evidence(rows, person)
        tips = improvements(rows)
    mine = ranking.officer_scores(selection, user_ids=[person.id]) if selection else {}
    total = mine.get(person.id)
    tops = [r for r in rows if r.depth == 0]
    content_chart = None
    if tops:
        content_chart = _chart(
            "bar", [r.criterion.code for r in tops],
            [{"label": _("Points"), "data": [r.points for r in tops]},
             {"label": _("Most points"),
              "data": [float(r.criterion.max_points or 0) if r.is_group else None
                       for r in tops]}],
            title=_("Points per emulation content"), y_label=_("Points"))
    trend_chart = None
    if per_year:
        trend_chart = _chart("line", [y["period"].label for y in per_year],
                             [{"label": _("Total"), "data": [y["total"] for y in per_year]}],
                             title=_("Total score per year"), y_label=_("Points"))
    return {"person": person, "selection": selection, "focus": focus, "rows": rows,
            "evidence": evidence, "tips": tips, "score": score, "rank": rank,
            "total": total, "per_year": per_year,
            "content_chart": content_chart, "trend_chart": trend_chart,
            "submission_status": lambda s: SUBMISSION_STATUS.get(s, s),
            "evidence_source": lambda s: EVIDENCE_SOURCES.get(s, s),
            "anomaly_kind": lambda k: anomalies.KIND_LABELS.get(k, k),
            "anomaly_status": lambda s: anomalies.STATUS_LABELS.get(s, s),
            "measure_of": MS.get}


def _leaderboard(person, selection) -> list:
    """The officers of ``person``'s unit in the selection, ranked (public leaderboards)."""
    focus = _focus_period(selection)
    if focus is None:
        return []
    own = scoring.score_of("user", person.id, focus)
    if own is None or own.unit_id is None:
        return []
    items = ranking.rank_officers(ranking.officer_scores(selection,
                                                         unit_ids=[own.unit_id]).values())
    people = id_ops.users_by_ids([s.user_id for s in items])
    return [(s, people.get(s.user_id)) for s in items]


# -- home and officers ----------------------------------------------------------------------------
def _phases() -> list[tuple[campaign.Phase, str]]:
    """The campaign's phases as the database holds them (HR may edit them), each with its
    name in the UI's language ("" before there is a campaign: the defaults then)."""
    names = {p.number: localized(p) for p in campaign.phase_rows()}
    return [(p, names.get(p.number, "")) for p in campaign.phases()]


@bp.get("/")
@role_required()
def home():
    selection = _selection()
    units = _units()
    headed = sorted((units[u] for u in current_user.headed_unit_ids if u in units),
                    key=lambda u: u.code)
    context = _common()
    public = ranking.public_leaderboards()
    phases = _phases()
    if selection is None:
        return render_template("emulation/home.html", phases=phases, current=current_phase(),
                               selection=None, headed=headed, public=public, **context)
    return render_template(
        "emulation/home.html", phases=phases, current=current_phase(), headed=headed,
        public=public, leaderboard=_leaderboard(current_user, selection) if public else [],
        units=units, **_officer_context(current_user, selection), **context)


@bp.get("/officers/<code>")
@role_required()
def officer(code: str):
    person = id_ops.get_user(code)
    if person is None:
        abort(404)
    if not can_view_user(current_user, person):
        abort(403)
    selection = _selection()
    assignment = org.current_assignment(person)
    return render_template("emulation/scores/officer.html", assignment=assignment,
                           units=_units(), **_officer_context(person, selection), **_common())


# -- units ----------------------------------------------------------------------------------------
def _basis_notes(unit, periods) -> list[tuple[object, list]]:
    return [(p, basis) for p in periods if (basis := ranking.basis_of(unit, p))]


#: Most anomalies a unit page lists.
ANOMALY_LIMIT = 500


def _open_anomalies(unit) -> list[Anomaly]:
    """The open anomalies of the officers in ``unit`` or below it today, newest first: one
    query in which the database matches the flagged officers (few) against the members,
    rather than loading every member of a large unit."""
    members = org.members_stmt(unit.id).subquery()
    return list(db.session.scalars(
        sa.select(Anomaly)
        .where(Anomaly.status == "open", Anomaly.user_id.in_(sa.select(members.c.user_id)))
        .order_by(Anomaly.day.desc(), Anomaly.id.desc()).limit(ANOMALY_LIMIT)))


@bp.get("/units/<int:unit_id>")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit(unit_id: int):
    units = _units()
    the_unit = units.get(unit_id)
    if the_unit is None:
        abort(404)
    if not can_view_unit(current_user, the_unit):
        abort(403)
    selection = _selection()
    context = _common()
    years = [p for p in campaign.periods("year") if p.start <= campaign._today()]
    empty = {"unit": the_unit, "units": units, "selection": selection,
             "path": org.ancestors(the_unit)}
    if selection is None or not selection.periods:
        return render_template("emulation/scores/unit.html", **empty, **context)
    everyone = ranking.standings(selection)
    mine = next((s for s in everyone if s.unit_id == the_unit.id), None)
    peers = [s for s in everyone if mine is not None and s.cluster_id == mine.cluster_id]
    stats = ranking.group_stats(selection)
    plot = ranking.funnel(peers, stats.get(ranking.group_key(mine.cluster_id))) \
        if mine is not None else None
    cluster = db.session.get(Cluster, mine.cluster_id) if mine and mine.cluster_id else None
    # The officers counted for the unit in the selection, ranked among themselves.
    scope: set[int] = set()
    for p in selection.periods:
        scope |= ranking.scope_ids(the_unit, p)
    officers = ranking.rank_officers(ranking.officer_scores(selection, unit_ids=scope).values())
    pages = max(1, -(-len(officers) // PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    shown = officers[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    people = id_ops.users_by_ids([s.user_id for s in shown])
    # History and trends over the years begun.
    history = ranking.history(the_unit, years)
    trend = ranking.content_trends(the_unit, years)
    trend_chart = _chart(
        "line", [p.label for p in trend.periods],
        [{"label": f"{code} — {localized(trend.names[code])}", "data": trend.values[code]}
         for code in trend.codes],
        title=_("Mean points per officer and per emulation content"), y_label=_("Points"))
    history_chart = _chart(
        "line", [h.period.label for h in history],
        [{"label": _("Per-capita score"),
          "data": [h.score.per_capita if h.score else None for h in history]},
         {"label": _("Adjusted score"),
          "data": [h.score.adjusted if h.score else None for h in history]}],
        title=_("Per-capita and adjusted score per year"), y_label=_("Points"))
    # Anomalies of the officers in the unit today, and the evidence waiting.
    flags = _open_anomalies(the_unit)
    flagged_people = id_ops.users_by_ids([a.user_id for a in flags])
    subtree = sorted(org.subtree_ids(the_unit.id))
    pending = db.session.scalar(sa.select(sa.func.count()).select_from(Submission).where(
        Submission.status == "pending", Submission.unit_id.in_(subtree))) or 0
    title = (_("Units of the cluster %(code)s", code=cluster.code) if cluster
             else _("Units in no cluster"))
    return render_template(
        "emulation/scores/unit.html", **empty, mine=mine, peers=peers, cluster=cluster,
        stale=ranking.stale_notice([*selection.periods, *years]),
        group=stats.get(ranking.group_key(mine.cluster_id)) if mine else None,
        funnel=plot, funnel_chart=_funnel_chart(plot, units, title),
        officers=shown, people=people, page=page, pages=pages, total_officers=len(officers),
        history=history, history_chart=history_chart, trend=trend, trend_chart=trend_chart,
        basis_notes=_basis_notes(the_unit, selection.periods), flags=flags,
        flagged_people=flagged_people, pending=pending, decision_form=DecisionForm(),
        anomaly_kind=lambda k: anomalies.KIND_LABELS.get(k, k), **context)


# -- anomalies ------------------------------------------------------------------------------------
def decide_anomaly(anomaly: Anomaly, decision: str, actor, note: str = "") -> Anomaly:
    """Accept or exclude a flagged anomaly (scoring's :func:`anomalies.decide`: audited, the
    officer's scores marked for the next pass)."""
    return anomalies.decide(anomaly, decision, actor, note)


@bp.post("/anomalies/<int:anomaly_id>/decide")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def anomaly_decide(anomaly_id: int):
    anomaly = db.session.get(Anomaly, anomaly_id)
    if anomaly is None:
        abort(404)
    person = id_ops.user_by_id(anomaly.user_id)
    if person is None or person.id == current_user.id or not can_view_user(current_user,
                                                                            person):
        abort(403)
    assignment = org.current_assignment(person)
    units = _units()
    target_unit = units.get(assignment.unit_id) if assignment else None
    if target_unit is not None and can_view_unit(current_user, target_unit):
        back = url_for("emulation.unit", unit_id=target_unit.id)
    else:
        back = url_for("emulation.officer", code=person.code)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose accept or exclude."), "error")
        return redirect(back)
    try:
        decide_anomaly(anomaly, request.form.get("decision", ""), current_user,
                       form.note.data or "")
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_("The anomaly of %(name)s on %(day)s is now %(status)s; the scores follow at the "
            "next update.", name=person.full_name, day=anomaly.day.strftime("%d/%m/%Y"),
            status=anomalies.STATUS_LABELS.get(anomaly.status, anomaly.status)), "success")
    return redirect(back)


# -- the organisation's rankings ------------------------------------------------------------------
def _comparison(units: dict, clustered: list[int]) -> tuple[list, list, dict]:
    """Adjusted score and rank of each unit per year and per phase."""
    columns = []
    for p in campaign.periods("year"):
        if p.start <= campaign._today():
            columns.append(ranking.Selection(p.label, "year", [p]))
    for phase in campaign.phase_rows():
        if phase.start <= campaign._today():
            columns.append(ranking.selection_periods(f"phase-{phase.number}"))
    cells: dict[tuple[int, str], ranking.Standing] = {}
    for col in columns:
        for s in ranking.standings(col):
            cells[(s.unit_id, col.key)] = s
    rows = [uid for uid in clustered if any((uid, c.key) in cells for c in columns)]
    return columns, rows, cells


@bp.get("/rankings")
@role_required()
def rankings():
    if not _is_hr() and not ranking.public_leaderboards():
        abort(403)
    selection = _selection()
    units = _units()
    context = _common()
    if selection is None or not selection.periods:
        return render_template("emulation/scores/rankings.html", selection=selection,
                               groups=[], units=units, **context)
    items = ranking.standings(selection)
    stats = ranking.group_stats(selection)
    by_cluster = {c.id: c for c in ranking.clusters()}
    groups = []
    for cid in [c for c in sorted(by_cluster, key=lambda i: by_cluster[i].code)] + [None]:
        members = [s for s in items if s.cluster_id == cid]
        if not members:
            continue
        ref = stats.get(ranking.group_key(cid))
        plot = ranking.funnel(members, ref, ranking.group_key(cid))
        title = (_("Cluster %(code)s", code=by_cluster[cid].code) if cid
                 else _("Units in no cluster"))
        groups.append({"cluster": by_cluster.get(cid), "items": members, "stats": ref,
                       "funnel": plot, "chart": _funnel_chart(plot, units, title)})
    org_plot = ranking.organisation_funnel(
        selection, [s for s in items if s.cluster_id is not None] or items)
    clustered = [s.unit_id for s in items if s.cluster_id is not None] or \
        [s.unit_id for s in items]
    columns, rows, cells = _comparison(units, clustered)
    years = [c for c in columns if c.kind == "year"]
    series = []
    for cid in sorted(by_cluster, key=lambda i: by_cluster[i].code):
        means = []
        for col in years:
            ref = ranking.group_stats(col).get(ranking.group_key(cid))
            means.append(ref.mean if ref is not None and ref.basis == "cluster" else None)
        if any(m is not None for m in means):
            series.append({"label": by_cluster[cid].code, "data": means})
    org_means = [(ranking.group_stats(col).get("organisation") or ranking.GroupStats(None, 0, 0))
                 .mean for col in years]
    series.append({"label": _("Organisation"), "data": org_means})
    compare_chart = _chart("line", [c.key for c in years], series,
                           title=_("Mean officer score per cluster and year"),
                           y_label=_("Points"))
    return render_template(
        "emulation/scores/rankings.html", selection=selection, groups=groups, units=units,
        stale=ranking.stale_notice([*selection.periods, *(p for c in columns for p in c.periods)]),
        org_funnel=org_plot, org_chart=_funnel_chart(org_plot, units, _("All units")),
        organisation=stats.get("organisation"), columns=columns, rows=rows, cells=cells,
        compare_chart=compare_chart, compare_series=series, compare_years=years, **context)


# -- clusters (HR) --------------------------------------------------------------------------------
def _unit_choices() -> list[tuple[int, str]]:
    return [(u.id, "\u00a0\u00a0" * depth + f"{u.code} — {localized(u)}")
            for u, depth in org.tree_rows()]


def _cluster_or_404(cluster_id: int) -> Cluster:
    cluster = db.session.get(Cluster, cluster_id)
    if cluster is None:
        abort(404)
    return cluster


@bp.route("/clusters", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def clusters():
    form = ClusterForm()
    form.units.choices = _unit_choices()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            ok, cluster = run_form_operation(form, lambda: ranking.create_cluster(
                form.code.data, form.name_vi.data, form.name_en.data or "",
                form.units.data or [], actor=current_user))
            if ok:
                flash(_("The cluster %(code)s was created; the rankings of the open periods "
                        "follow it within a few minutes.", code=cluster.code), "success")
                return redirect(url_for("emulation.clusters"))
        status = 400
    listing = [(c, sorted(ranking.cluster_units(c))) for c in ranking.clusters()]
    return render_template("emulation/scores/clusters.html", form=form, listing=listing,
                           units=_units(), no_campaign=campaign.campaign() is None,
                           stale=ranking.stale_notice(campaign.periods()), **_common()), status


@bp.route("/clusters/<int:cluster_id>", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def cluster_edit(cluster_id: int):
    cluster = _cluster_or_404(cluster_id)
    form = ClusterForm(obj=cluster if request.method == "GET" else None)
    form.units.choices = _unit_choices()
    if request.method == "GET":
        form.units.data = ranking.cluster_units(cluster)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            ok, _saved = run_form_operation(form, lambda: ranking.update_cluster(
                cluster, form.code.data, form.name_vi.data, form.name_en.data or "",
                form.units.data or [], actor=current_user))
            if ok:
                flash(_("The cluster %(code)s was saved; the rankings of the open periods "
                        "follow it within a few minutes.", code=cluster.code), "success")
                return redirect(url_for("emulation.clusters"))
        status = 400
    return render_template("emulation/scores/cluster_form.html", form=form, cluster=cluster,
                           confirm=ConfirmForm(), **_common()), status


@bp.post("/clusters/<int:cluster_id>/delete")
@role_required(R.HR_ADMIN)
def cluster_delete(cluster_id: int):
    cluster = _cluster_or_404(cluster_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    code = cluster.code
    try:
        ranking.delete_cluster(cluster, actor=current_user)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("emulation.cluster_edit", cluster_id=cluster_id))
    db.session.commit()
    flash(_("The cluster %(code)s was deleted: its units are ranked with the units in no "
            "cluster.", code=code), "success")
    return redirect(url_for("emulation.clusters"))


# -- settings (HR) --------------------------------------------------------------------------------
@bp.route("/settings", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.public_leaderboards.data = ranking.public_leaderboards()
    elif form.validate_on_submit():
        value = ranking.set_public_leaderboards(form.public_leaderboards.data, current_user)
        db.session.commit()
        flash(_("Public leaderboards are on: officers see their unit's leaderboard and the "
                "units' rankings.") if value else
              _("Public leaderboards are off: officers see only their own score and rank."),
              "success")
        return redirect(url_for("emulation.settings"))
    else:
        return render_template("emulation/scores/settings.html", form=form, **_common()), 400
    return render_template("emulation/scores/settings.html", form=form, **_common())
