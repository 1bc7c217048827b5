"""The recommendation pages: the officer's list with reasons and learning path, the unit
head's plan for the year, the tag suggestions for authors, and the old JSON address.

Who may see what: the list (``/recommendation/``) and the path (``/recommendation/path``,
accepted with a POST) are the logged-in officer's own; a unit's plan
(``/recommendation/units/<code>/plan``, its XLSX, and assigning a planned course) is for the
heads of the unit or of a unit above it and HR administrators, 403 to anyone else, 404 for an
unknown unit; the suggestions are for training staff (authors) and HR administrators. The
JSON list of an officer is ``GET /api/v1/officers/<code>/recommendations`` (``api.py``); the
first address, ``/recommendation/api/officers/<code>``, redirects there.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.courses import catalogue
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_unit, role_required
from lms_core.organisation import queries as org
from lms_core.ui.i18n import fmt_date, parse_date
from plugins.recommendation import paths, plan, recommend, text_model
from plugins.recommendation.models import TagSuggestion


@role_required()
def home():
    """The officer's own recommendations with their reasons."""
    result = recommend.recommend_for(current_user, recommend.K_DEFAULT)
    ids = current_user.headed_unit_ids
    headed = [u for u, depth in org.tree_rows(sorted(ids)) if depth == 0] if ids else []
    return render_template("recommendation/home.html", result=result, headed=headed)


def api_officer(code: str):
    """The first address of the JSON list: a permanent redirect to the API's
    (``GET /api/v1/officers/<code>/recommendations``), with the same query."""
    target = url_for("api.recommendation.officer_recommendations", code=code)
    if request.args:
        target += "?" + urlencode(list(request.args.items(multi=True)))
    return redirect(target, 308)


@role_required()
def path():
    """The officer's own learning path, to accept as assigned courses."""
    return render_template("recommendation/path.html", path=paths.learning_path(current_user))


@role_required()
def accept_path():
    """Accept the path: its new courses become the officer's assigned courses."""
    try:
        done = paths.accept_path(current_user)
    except UserError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("recommendation.path"))
    db.session.commit()
    if done:
        flash(_("%(n)d courses were added to My learning as assigned courses, each with its "
                "due date.", n=len(done)), "success")
    else:
        flash(_("Every course of the path is already in My learning: nothing was added."),
              "info")
    return redirect(url_for("recommendation.path"))


# -- the unit head's plan -------------------------------------------------------------------------
def _unit_or_abort(code: str):
    unit = org.unit_by_code(code)
    if unit is None:
        abort(404)
    if not can_view_unit(current_user, unit):
        abort(403)
    return unit


@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit_plan(code: str):
    """The unit's top training needs and the courses covering the most officers' gaps."""
    unit = _unit_or_abort(code)
    return render_template("recommendation/plan.html", unit=unit, path=org.ancestors(unit),
                           plan=plan.unit_plan(unit),
                           year_end=date(catalogue.local_today().year, 12, 31))


@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit_plan_xlsx(code: str):
    """The plan as an XLSX workbook (in Vietnamese, an official document)."""
    unit = _unit_or_abort(code)
    with force_locale("vi"):
        body = plan.plan_xlsx(plan.unit_plan(unit), unit_label=f"{unit.code} {unit.name_vi}")
    return Response(body, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="ke-hoach-dao-tao-{unit.code}.xlsx"',
    })


@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit_plan_assign(code: str):
    """Assign a planned course to the officers of the unit it covers, due on a date."""
    unit = _unit_or_abort(code)
    back = url_for("recommendation.unit_plan", code=unit.code)
    try:
        due_on = parse_date(request.form.get("due_on"))
    except ValueError:
        flash(_("Write the due date as dd/mm/yyyy."), "error")
        return redirect(back)
    try:
        result = plan.assign_planned_course(plan.unit_plan(unit), request.form.get("course"),
                                            current_user, due_on=due_on)
    except UserError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(_("%(n)d officers were assigned %(code)s, due %(day)s.", n=len(result.assigned),
            code=request.form.get("course", "").strip().upper(), day=fmt_date(due_on)),
          "success")
    for refusal in result.refused:
        flash(f"{refusal.who}: {refusal.reason}", "warning")
    return redirect(back)


def unit_page_panel(unit, **kwargs) -> str:
    """The link to the unit's plan on the unit page (for those who may open the plan)."""
    if not current_user.is_authenticated or not current_user.has_role(R.UNIT_HEAD,
                                                                      R.HR_ADMIN):
        return ""
    if not can_view_unit(current_user, unit):
        return ""
    return render_template("recommendation/_unit_link.html", unit=unit)


def dashboard_panel(user, **kwargs) -> str:
    """The dashboard panel: the officer's top 3 courses with their first reason."""
    try:
        result = recommend.recommend_for(user, 3)
    except UserError:
        return ""
    return render_template("recommendation/_dashboard_panel.html", result=result)


@role_required(R.AUTHOR, R.HR_ADMIN)
def suggestions():
    """Competencies the text model finds in courses that do not declare them."""
    return render_template("recommendation/suggestions.html",
                           pending=text_model.pending_suggestions(),
                           decided=text_model.decided_suggestions(),
                           names=recommend.competency_names())


@role_required(R.AUTHOR, R.HR_ADMIN)
def decide(suggestion_id: int, decision: str):
    """Accept or reject one suggestion."""
    suggestion = db.session.get(TagSuggestion, suggestion_id)
    if suggestion is None or decision not in ("accept", "reject"):
        abort(404)
    try:
        text_model.decide(suggestion, "accepted" if decision == "accept" else "rejected",
                          current_user)
    except UserError as exc:
        flash(str(exc), "error")
        return redirect(url_for("recommendation.suggestions"))
    db.session.commit()
    if decision == "accept":
        flash(_("Accepted. Add competency %(code)s to the draft of course %(course)s in the "
                "course editor: the platform does not change courses from here.",
                code=suggestion.competency_code, course=suggestion.course_code), "success")
    else:
        flash(_("Rejected: it will not be suggested again."), "success")
    return redirect(url_for("recommendation.suggestions"))
