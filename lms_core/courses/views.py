"""Learner pages: catalogue, course page, enrolment, assignment, My learning."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import orm as so
from wtforms import SelectField, TextAreaField

from lms_core.courses import catalogue as cat
from lms_core.courses import delivery
from lms_core.courses.kinds import get_kind
from lms_core.courses.models import CourseModule, CourseVersion
from lms_core.courses.render import markdown
from lms_core.errors import UserError, abort_with
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_unit, role_required
from lms_core.organisation import queries as org
from lms_core.organisation.forms import AdminForm, DayField, required
from lms_core.organisation.models import JobPosition, ProfessionalField
from lms_core.ui.i18n import fmt_date, localized

bp = Blueprint("courses", __name__)

PREREQUISITE_LABELS = {
    "completed": _l("Completed"),
    "in_progress": _l("In progress"),
    "not_started": _l("Not started"),
}


@bp.app_template_filter("fmt_hours")
def fmt_hours(value) -> str:
    """A number of hours with at most one decimal, in the current language (1,5 in Vietnamese)."""
    return format_decimal(round(float(value or 0), 1), format="#,##0.#")


@bp.app_template_global("learning_summary")
def _learning_summary(user) -> dict:
    """For the dashboard panel (``courses/_dashboard_panel.html``)."""
    return cat.learning_summary(user)


def _lang() -> str:
    return str(get_locale() or "vi")


def _course_or_404(code: str):
    course = cat.course_by_code(code)
    if course is None:
        abort_with(404, _("There is no course with the code %(code)s.", code=code))
    return course


def _published_or_404(code: str):
    course = _course_or_404(code)
    if course.published_version is None:
        abort_with(404, _("This course is not open for enrolment."))
    return course


# -- catalogue ----------------------------------------------------------------------------------
@bp.route("/courses")
@login_required
def catalogue():
    args = request.args
    q = args.get("q", "").strip()[:200]
    field = args.get("field", "").strip()
    competency = args.get("competency", "").strip()
    level = args.get("level", type=int)
    level = level if level in cat.LEVELS else None
    hours = args.get("hours", type=int)
    hours = hours if hours in cat.DURATION_CHOICES else None
    mine = args.get("mine") == "1"
    position = args.get("position", "").strip()
    my_position = cat.current_position(current_user)
    if mine:
        position = my_position.code if my_position is not None else ""
    result = cat.search_courses(
        q, field=field or None, competency=competency or None, level=level,
        position=position or None, max_hours=hours,
        page=max(1, args.get("page", 1, type=int)), lang=_lang())
    if mine and my_position is None:
        flash(_("You have no job position on record, so courses for your position cannot be "
                "shown."), "info")
    filters = {k: v for k, v in {
        "q": q, "field": field, "competency": competency, "level": level, "hours": hours,
        "position": "" if mine else position, "mine": "1" if mine else ""}.items() if v}
    return render_template(
        "courses/catalogue.html", result=result, filters=filters, q=q, field=field,
        competency=competency, level=level, hours=hours, position=position, mine=mine,
        my_position=my_position,
        enrolments=cat.enrolments_by_course(current_user, [v.course_id for v in result.versions]),
        fields=db.session.scalars(sa.select(ProfessionalField).order_by(ProfessionalField.code)),
        positions=db.session.scalars(sa.select(JobPosition).where(JobPosition.active.is_(True))
                                     .order_by(JobPosition.code)),
        competencies=cat.competency_codes(), levels=cat.LEVELS,
        durations=cat.DURATION_CHOICES, today=cat.local_today())


# -- course page --------------------------------------------------------------------------------
@bp.route("/courses/<code>")
@login_required
def course(code: str):
    course = _course_or_404(code)
    enrolment = delivery.enrolment_of(current_user, course)
    if course.published_version is None and enrolment is None:
        abort_with(404, _("This course is not open for enrolment."))
    # A learner studies the version they enrolled in; others see the published one.
    version_id = enrolment.version_id if enrolment is not None else course.published_version_id
    version = db.session.scalar(
        sa.select(CourseVersion).where(CourseVersion.id == version_id)
        .options(so.selectinload(CourseVersion.modules).selectinload(CourseModule.lessons)))
    can_assign = (course.published_version is not None
                  and current_user.has_role(R.HR_ADMIN, R.UNIT_HEAD))
    return render_template(
        "courses/course.html", course=course, version=version, enrolment=enrolment,
        description=markdown(localized(version, "description")),
        progress=delivery.progress_summary(enrolment) if enrolment is not None else None,
        prerequisites=cat.prerequisite_status(current_user, version),
        missing=delivery.missing_prerequisites(current_user, course) if enrolment is None else [],
        prerequisite_labels=PREREQUISITE_LABELS, kind_label=lambda k: get_kind(k).label,
        can_assign=can_assign, today=cat.local_today())


@bp.route("/courses/<code>/enrol", methods=["POST"])
@login_required
def enrol(code: str):
    course = _published_or_404(code)
    try:
        delivery.enrol(current_user, course)
    except UserError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("You are enrolled in %(title)s.",
                title=localized(course.published_version, "title")), "success")
    return redirect(url_for("courses.course", code=course.code))


# -- assignment ---------------------------------------------------------------------------------
class AssignCourseForm(AdminForm):
    unit = SelectField(_l("Whole unit (with the units below it)"), default="")
    codes = TextAreaField(_l("Or personnel codes, one per line"))
    due_on = DayField(_l("Due date"), [required()])

    def __init__(self, unit_rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = [("", _("— none —"))] + [
            (unit.code, "\u00a0\u00a0\u00a0" * depth + f"{localized(unit)} ({unit.code})")
            for unit, depth in unit_rows]


@bp.route("/courses/<code>/assign", methods=["GET", "POST"])
@role_required(R.HR_ADMIN, R.UNIT_HEAD)
def assign(code: str):
    course = _published_or_404(code)
    roots = None if current_user.is_hr_admin else sorted(current_user.headed_unit_ids)
    form = AssignCourseForm(org.tree_rows(roots))
    if request.method == "GET" and request.args.get("unit"):
        form.unit.data = request.args["unit"].strip().upper()
    unit = None
    if form.unit.data:
        unit = org.unit_by_code(form.unit.data)
        if unit is None or unit.dissolved_on is not None:
            abort_with(404, _("Unknown unit %(code)s.", code=form.unit.data))
        if not can_view_unit(current_user, unit):
            abort(403)
    result = None
    if form.validate_on_submit():
        try:
            result = cat.assign_course(course, current_user, due_on=form.due_on.data, unit=unit,
                                       codes=cat.parse_codes(form.codes.data))
        except UserError as error:
            db.session.rollback()
            target = getattr(form, error.field or "", None)
            if target is not None:
                target.errors = [*target.errors, error.message]
            else:
                flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("%(n)d officers were assigned %(code)s, due %(day)s.",
                    n=len(result.assigned), code=course.code, day=fmt_date(form.due_on.data)),
                  "success")
    status = 400 if request.method == "POST" and result is None else 200
    return render_template("courses/assign.html", course=course,
                           version=course.published_version, form=form, result=result,
                           unit=unit), status


# -- my learning --------------------------------------------------------------------------------
@bp.route("/my-learning")
@login_required
def my_learning():
    return render_template("courses/my_learning.html", learning=cat.my_learning(current_user),
                           today=cat.local_today())
