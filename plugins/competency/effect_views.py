"""Views: the course effectiveness table, supervisors' ratings (re-rating after a course,
6-monthly evaluation of rotated officers) and the rotated officers' page.

Who sees what:

* ``/competency/effect`` (table, CSV) and ``/competency/effect/<course>``: training staff
  (authors) see aggregates only, each with the number of officers behind it, and a figure
  behind fewer than ``COMPETENCY_EFFECT_MIN_N`` (5) officers is hidden; HR administrators
  see every figure and, on a course's page, the row of each officer. The table is the one
  stored by the nightly job; ``POST /competency/effect/refresh`` (HR only) computes it now;
* ``/competency/ratings``: the ratings a unit head may give (the units headed and below),
  every one for HR; ``/competency/ratings/<id>``: the form, for the heads of the officer's
  unit (or of the unit the request names) and HR, never for the officer rated;
* ``/competency/rotations``: rotated officers and their evaluations, HR everyone, a unit head
  the subtree headed.
"""

from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.organisation import queries as org
from lms_core.ui.forms import run_form_operation
from lms_core.ui.i18n import fmt_date, localized
from plugins.competency import effect, rotation
from plugins.competency.blueprint import bp
from plugins.competency.charts import hbar_svg
from plugins.competency.models import RatingRequest

EFFECT_ROLES = (R.AUTHOR, R.HR_ADMIN)
RATING_ROLES = (R.UNIT_HEAD, R.HR_ADMIN)
#: Most requests listed per section of the ratings page.
LIST_LIMIT = 200
#: Most bars of the gain chart.
CHART_ROWS = 30


def num(value, pattern: str = "0.00") -> str:
    """A number in the current language (``0,25`` in Vietnamese); ``—`` for None."""
    return "—" if value is None else format_decimal(value, format=pattern)


def pct(value) -> str:
    return "—" if value is None else format_percent(value)


@bp.app_context_processor
def _effect_helpers() -> dict:
    return {"effect_num": num, "effect_pct": pct}


def _full() -> bool:
    """HR sees every figure and the officers' rows; training staff the aggregates only."""
    return current_user.has_role(R.HR_ADMIN)


def _infos():
    from plugins.competency import needs

    infos = needs.competency_infos()
    return lambda code: needs.info_for(code, infos)


def _units() -> dict:
    return {u.id: u for u, _depth in org.tree_rows(include_dissolved=True)}


def _positions() -> dict:
    from plugins.competency import profiles

    return {p.id: p for p in profiles.all_positions(active_only=False)}


def source_label(source: str) -> str:
    return {"assessment": _("Assessment"), "import": _("Imported result"),
            "course": _("Course completed"), "rating": _("Supervisor's rating")}.get(source,
                                                                                      source)


# -- the effectiveness table ----------------------------------------------------------------------
def _sorted(report):
    """``(sort key, descending, rows, links)``: the rows sorted as asked (``?sort=`` one of
    course, n, gain, change, rose; ``?order=asc|desc``) and the header links, each giving
    the other direction when it is the current sort."""
    sort = request.args.get("sort", "course")
    if sort not in effect.SORTS:
        sort = "course"
    order = request.args.get("order")
    default_desc = effect.SORTS[sort][1]
    descending = default_desc if order not in ("asc", "desc") else order == "desc"
    rows = effect.sort_rows(report.rows, sort, descending=descending, full=_full(),
                            threshold=report.threshold)
    links = {}
    for key, (_func, desc) in effect.SORTS.items():
        wanted = (not descending) if key == sort else desc
        links[key] = url_for("competency.effect_index", sort=key,
                             order="desc" if wanted else "asc")
    return sort, descending, rows, links


def _chart(rows, threshold: int):
    shown = [r for r in rows if r.mean_gain is not None and (_full() or r.n >= threshold)]
    if not shown:
        return None
    shown = shown[:CHART_ROWS]
    return hbar_svg([(f"{r.course_code} · {r.competency_code} (n={r.n})", round(r.mean_gain, 2))
                     for r in shown], 1.0, marks=[0, 0.25, 0.5, 0.75, 1.0],
                    title=_("Mean normalised gain per course and competency"))


def _table():
    """``(report, stored)``: the stored table (:func:`effect.stored_table`) or, before the
    first computation was stored, the table computed now (``stored`` None)."""
    stored = effect.stored_table()
    return (stored.report if stored is not None else effect.compute()), stored


class RefreshForm(FlaskForm):
    """The "Compute now" button: nothing but its CSRF token."""


@bp.get("/effect")
@role_required(*EFFECT_ROLES)
def effect_index():
    """The course effectiveness table, as last stored, with when it was computed."""
    report, stored = _table()
    sort, descending, rows, links = _sorted(report)
    computed_by = None
    if stored is not None and stored.computed_by_id is not None:
        computed_by = effect.users_by_id([stored.computed_by_id]).get(stored.computed_by_id)
    return render_template("competency/effect/index.html", report=report, rows=rows,
                           sort=sort, descending=descending, links=links, full=_full(),
                           info=_infos(), chart=_chart(rows, report.threshold),
                           stored=stored, computed_by=computed_by,
                           refresh_form=RefreshForm() if _full() else None)


@bp.post("/effect/refresh")
@role_required(R.HR_ADMIN)
def effect_refresh():
    """HR computes the table now (it is otherwise computed every night) and stores it."""
    form = RefreshForm()
    if not form.validate_on_submit():
        abort(400)
    snapshot = effect.refresh_table(by=current_user)
    db.session.commit()
    flash(_("The course effectiveness table was computed again (%(n)d rows).",
            n=len(snapshot.rows)), "success")
    return redirect(url_for("competency.effect_index"))


@bp.get("/effect.csv")
@role_required(*EFFECT_ROLES)
def effect_csv():
    """The table as CSV, as last stored (figures hidden for training staff stay empty)."""
    report, _stored = _table()
    rows = _sorted(report)[2]
    out = io.StringIO()
    columns = ["course", "title", "competency", "declared_level", "completed", "with_pre",
               "with_post", "already_at_max", "n", "mean_change", "mean_gain", "share_rose",
               "in_position"]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(row.as_dict(full=_full(), threshold=report.threshold))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition":
                             "attachment; filename=competency-effect.csv"})


@bp.get("/effect/<code>")
@role_required(*EFFECT_ROLES)
def effect_course(code: str):
    """One course: its figures per competency; for HR, the officers' rows too."""
    report = effect.compute(code.strip().upper())
    if not report.rows:
        abort(404)
    full = _full()
    officers = []
    if full:
        users = effect.users_by_id(o.user_id for o in report.officers)
        units, positions = _units(), _positions()
        officers = sorted(
            ((o, users.get(o.user_id), units.get(o.unit_id), positions.get(o.position_id))
             for o in report.officers),
            key=lambda t: (t[0].competency_code, t[1].full_name if t[1] else "",
                           t[0].completed_on))
    return render_template("competency/effect/course.html", report=report,
                           rows=report.rows, course=report.rows[0], full=full,
                           officers=officers, info=_infos(), source_label=source_label)


# -- ratings --------------------------------------------------------------------------------------
class RatingForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(),
                                                       Length(max=effect.COMMENT_MAX)])


def _request_rows(requests):
    users = effect.users_by_id(r.user_id for r in requests)
    units = _units()
    cache: dict = {}
    return [(r, users.get(r.user_id), units.get(r.unit_id), effect.describe(r, cache))
            for r in requests]


@bp.get("/ratings")
@role_required(*RATING_ROLES)
def ratings():
    """The ratings the viewer may give: reminded ones (due within the reminder days or
    overdue), later ones, and those done recently."""
    stmt = effect.requests_stmt(current_user)
    reminded, later = [], []
    if stmt is not None:
        reminded = list(db.session.scalars(
            stmt.where(RatingRequest.reminded_at.is_not(None)).limit(LIST_LIMIT)))
        later = list(db.session.scalars(
            stmt.where(RatingRequest.reminded_at.is_(None)).limit(LIST_LIMIT)))
    done = effect.requests_for(current_user, pending=False, limit=20)
    return render_template(
        "competency/effect/ratings.html", today=effect.today(),
        reminded=_request_rows(reminded), later=_request_rows(later), done=_request_rows(done),
        reminded_count=effect.count_requests(current_user, reminded=True),
        later_count=effect.count_requests(current_user, reminded=False),
        limit=LIST_LIMIT, reminder_days=effect.reminder_days())


def _rating_page(rating: RatingRequest, officer, form, status: int = 200):
    from plugins.competency import evidence, frameworks

    framework = frameworks.published_framework()
    index = frameworks.competency_index(framework)
    top = frameworks.scale_max(framework)
    names = frameworks.level_names(framework) if framework is not None else {}
    lang = str(get_locale() or "vi")
    levels = [(0, _("Below level 1"))] + [
        (n, f"{n} · " + ((names.get(n, {}).get(f"name_{lang}") or names.get(n, {}).get(
            "name_vi") or "") if names else "")) for n in range(1, top + 1)]
    codes = effect.codes_to_rate(rating)
    current = evidence.current_levels(officer)
    answers = (rating.answers or {}).get("levels", {})
    lines = []
    for code in codes:
        node = index.get(code)
        criteria = {c.level: (c.criteria_en if lang == "en" and c.criteria_en else
                              c.criteria_vi) for c in node.criteria} if node else {}
        lines.append({"code": code, "node": node, "name": localized(node) if node else code,
                      "current": current.get(code), "criteria": criteria,
                      "chosen": request.form.get(f"level-{code}") if request.method == "POST"
                      else answers.get(code)})
    assignment = org.current_assignment(officer)
    units = _units()
    return render_template(
        "competency/effect/rating.html", rating=rating, officer=officer, form=form,
        lines=lines, levels=levels, about=effect.describe(rating),
        opens_on=effect.opens_on(rating), today=effect.today(), assignment=assignment,
        unit=units.get(rating.unit_id),
        done_by=effect.users_by_id([rating.done_by_id]).get(rating.done_by_id)
        if rating.done_by_id else None,
        overdue=effect.is_overdue(rating)), status


@bp.route("/ratings/<int:request_id>", methods=["GET", "POST"])
@role_required(*RATING_ROLES)
def rating(request_id: int):
    """The rating form of one request: a level per competency and a comment."""
    rating = effect.request_by_id(request_id)
    if rating is None:
        abort(404)
    officer = effect.users_by_id([rating.user_id]).get(rating.user_id)
    if officer is None:
        abort(404)
    if not effect.can_rate(current_user, rating, officer):
        abort(403)
    form = RatingForm()
    if request.method == "GET":
        return _rating_page(rating, officer, form)
    if rating.done_at is not None:
        flash(_("This rating was already saved on %(day)s; nothing was changed.",
                day=fmt_date(rating.done_at)), "warning")
        return redirect(url_for("competency.rating", request_id=rating.id))
    if not form.validate_on_submit():
        return _rating_page(rating, officer, form, 400)
    levels = {key[len("level-"):]: value for key, value in request.form.items()
              if key.startswith("level-")}
    ok, _pieces = run_form_operation(form, lambda: effect.record_rating(
        rating, levels, form.comment.data or "", by=current_user))
    if not ok:
        return _rating_page(rating, officer, form, 400)
    flash(_("The rating of %(name)s is saved.", name=officer.full_name), "success")
    return redirect(url_for("competency.ratings"))


# -- rotations ------------------------------------------------------------------------------------
@bp.get("/rotations")
@role_required(*RATING_ROLES)
def rotations():
    """Rotated officers with their next evaluation; overdue evaluations first."""
    return render_template("competency/rotation/index.html",
                           rows=rotation.rotation_rows(current_user), today=effect.today(),
                           position_label=rotation.position_label)


# -- for pages owned elsewhere ------------------------------------------------------------------
@bp.app_template_global("competency_ratings_panel")
def competency_ratings_panel(user) -> dict | None:
    """What a dashboard panel shows a unit head or HR: reminded ratings, overdue and pending
    counts (None for anyone else)."""
    if not user.has_role(*RATING_ROLES):
        return None
    counts = effect.panel_counts(user)
    counts["rows"] = _request_rows(counts["reminded"])
    return counts


@bp.app_template_global("competency_onboarding")
def competency_onboarding(user) -> dict | None:
    """:func:`plugins.competency.rotation.onboarding_summary` for a template."""
    return rotation.onboarding_summary(user)

