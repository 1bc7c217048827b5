"""The learning record: a person's statements as sentences, and the export of statements.

- ``/learning-record/``: your own record, newest first, by page, for a period and a course.
- ``/learning-record/<code>``: the record of the person with that personnel code: yourself,
  the people of the units you head (their subtrees), anyone for HR administrators; 403
  otherwise.
- ``/learning-record/export``: HR administrators download the statements of a period as JSON
  lines (the form when no period is given).

Statements are the LRS's (voided ones and voiding statements left out), the person's by the
platform user they were recorded for. The period is in local days and selects by
``timestamp``; a course selects the statements of the person's enrolment in it (its xAPI
registration).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.courses.models import Course, Enrolment
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_user, role_required, visible_unit_ids
from lms_core.identity.models import User
from lms_core.ui.i18n import fmt_date, parse_date
from lms_core.xapi import export
from lms_core.xapi import sentences as S
from lms_core.xapi import statements as xs
from lms_core.xapi import vocabulary as V
from lms_core.xapi.models import Statement

bp = Blueprint("learning_record", __name__, url_prefix="/learning-record")

PAGE_SIZE = 50


# -- reading a record ---------------------------------------------------------------------------
def _enrolments(person) -> list[Enrolment]:
    return list(db.session.scalars(sa.select(Enrolment).join(Course).where(
        Enrolment.user_id == person.id).order_by(Course.code)))


def _filters(person, since: date | None, until: date | None,
             enrolment: Enrolment | None) -> list:
    conditions = [Statement.user_id == person.id, Statement.voided.is_(False),
                  Statement.verb_id != V.VERBS["voided"][0]]
    if since is not None:
        conditions.append(Statement.timestamp >= export.local_day_start_utc(since))
    if until is not None:
        conditions.append(Statement.timestamp < export.period_bounds(until, until)[1])
    if enrolment is not None:
        conditions.append(Statement.registration == enrolment.registration)
    return conditions


def _summary(conditions: list, enrolments: list[Enrolment]) -> dict:
    """Statements, verified study hours and courses completed under ``conditions``."""
    count, seconds = db.session.execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(Statement.verified_seconds), 0)
    ).where(*conditions)).one()
    course_ids = [xs.course_activity(e.version).id for e in enrolments]
    completed = db.session.scalar(sa.select(sa.func.count(sa.distinct(Statement.activity_id)))
                                  .where(*conditions,
                                         Statement.verb_id == V.VERBS["completed"][0],
                                         Statement.activity_id.in_(course_ids))) \
        if course_ids else 0
    return {"count": count, "hours": round(float(seconds) / 3600, 1), "completed": completed}


def _dates() -> tuple[date | None, date | None, str | None]:
    """The period asked for (either end may be missing) and an error message."""
    since_text, until_text = request.args.get("since", ""), request.args.get("until", "")
    try:
        since, until = parse_date(since_text), parse_date(until_text)
    except ValueError:
        return None, None, _("Dates are written dd/mm/yyyy.")
    if since and until and since > until:
        return None, None, _("The period ends before it starts.")
    return since, until, None


def _record(person, endpoint: str, **url_args):
    own = person.id == current_user.id
    enrolments = _enrolments(person)
    since, until, error = _dates()
    code = request.args.get("course", "").strip().upper()
    enrolment = next((e for e in enrolments if e.course.code == code), None)
    if code and enrolment is None:
        error = error or _("%(name)s is not enrolled in the course %(code)s.",
                           name=_("You") if own else person.full_name, code=code)
    page = max(1, request.args.get("page", 1, type=int))
    lines, summary, pages = [], {"count": 0, "hours": 0.0, "completed": 0}, 1
    if error is None:
        conditions = _filters(person, since, until, enrolment)
        summary = _summary(conditions, enrolments)
        pages = max(1, -(-summary["count"] // PAGE_SIZE))
        rows = db.session.scalars(sa.select(Statement).where(*conditions)
                                  .order_by(Statement.timestamp.desc(), Statement.id.desc())
                                  .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
        who = None if own else person.full_name
        lines = [S.line(row, who=who) for row in rows]
    args = {"since": fmt_date(since) if since else request.args.get("since", ""),
            "until": fmt_date(until) if until else request.args.get("until", ""),
            "course": code}
    page_args = {k: v for k, v in {**url_args, **args}.items() if v}
    status = 400 if error else 200
    return render_template(
        "learning_record/record.html", person=person, own=own, enrolments=enrolments,
        lines=lines, summary=summary, page=page, pages=pages, error=error, args=args,
        endpoint=endpoint, url_args=url_args, page_args=page_args,
        hours=format_decimal(summary["hours"], "#,##0.0"), duration=S.duration_text), status


@bp.route("/")
@role_required()
def mine():
    """Your own learning record."""
    return _record(current_user, "learning_record.mine")


@bp.route("/<code>")
@role_required()
def person(code: str):
    """Someone's learning record: yourself, your units' people, anyone for HR."""
    code = code.strip().upper()
    if code != current_user.code and visible_unit_ids(current_user) == set():
        abort(403)  # sees nobody else: whether the code exists is not told either
    person = db.session.scalar(sa.select(User).where(User.code == code))
    if person is None:
        abort(404)
    if not can_view_user(current_user, person):
        abort(403)
    return _record(person, "learning_record.person", code=person.code)


# -- export -------------------------------------------------------------------------------------
@bp.route("/export")
@role_required(R.HR_ADMIN)
def export_statements():
    """The form; with ``since`` and ``until``, the download (JSON lines, streamed)."""
    since_text, until_text = request.args.get("since"), request.args.get("until")
    if since_text is None and until_text is None:
        return render_template("learning_record/export.html", error=None, since="", until="")
    try:
        since, until = export.parse_period(since_text, until_text)
    except UserError as exc:
        return render_template("learning_record/export.html", error=exc.message,
                               since=since_text or "", until=until_text or ""), 400

    def generate():
        for text in export.lines(since, until):
            yield text + "\n"

    response = Response(stream_with_context(generate()), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{export.filename(since, until)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
