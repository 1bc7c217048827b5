"""Certificates (download, public verification) and course analytics."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.courses import analytics as stats
from lms_core.courses import certificates as certs
from lms_core.courses.delivery import certificate_by_code
from lms_core.courses.models import Course, CourseVersion
from lms_core.courses.operations import status_label
from lms_core.errors import abort_with
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_user, role_required
from lms_core.ui.i18n import localized

bp = Blueprint("reports", __name__)


# -- certificates -------------------------------------------------------------------------------
@bp.route("/certificates/<code>.pdf")
@role_required()
def certificate_pdf(code: str):
    """The certificate as a PDF, for its holder, HR administrators and the heads of the
    holder's unit (and the units above it)."""
    certificate = certificate_by_code(code)
    if certificate is None:
        abort(404)
    if not can_view_user(current_user, certificate.enrolment.user):
        abort(403)
    try:
        data = certs.render_pdf(certificate)
    except certs.CertificateFontError:
        current_app.logger.exception("cannot render certificate %s", certificate.code)
        abort_with(503, _("The certificate cannot be produced at the moment: the server is "
                          "missing the fonts it needs. Please tell the administrators."))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certs.file_name(certificate)}"',
        "Cache-Control": "private, no-store",
    })


@bp.route("/verify")
def verify():
    """Public: a form to type a certificate's code (no login)."""
    code = request.args.get("code")
    if code is None:
        return render_template("reports/verify.html", code="")
    if not code.strip():
        return render_template("reports/verify.html", code="",
                               error=_("Enter the code printed on the certificate.")), 400
    certificate = certificate_by_code(code)
    if certificate is None:
        return _not_found(code)
    return redirect(url_for("reports.verify_code", code=certificate.code))


def _not_found(code: str):
    return render_template("reports/verify.html", code=code.strip().upper()[:40],
                           not_found=True), 404


@bp.route("/verify/<code>")
def verify_code(code: str):
    """Public: whether a certificate with this code was issued, and then only the holder's
    name, the course, the completion date and the hours."""
    certificate = certificate_by_code(code)
    if certificate is None:
        return _not_found(code)
    enrolment = certificate.enrolment
    return render_template("reports/verify.html", code=certificate.code,
                           certificate=certificate,
                           completed_on=enrolment.completed_at or certificate.issued_at,
                           hours=format_decimal(certificate.hours, "#,##0.0"))


# -- analytics ----------------------------------------------------------------------------------
def _course_and_version(code: str) -> tuple[Course, CourseVersion | None]:
    """The course (404) and the version asked by ``?version=<number>`` (None: every
    version; an unknown number: 404)."""
    course = db.session.scalar(sa.select(Course).where(Course.code == code.strip().upper()))
    if course is None:
        abort(404)
    number = request.args.get("version", "")
    if not number or number == "all":
        return course, None
    version = next((v for v in course.versions if str(v.number) == number), None)
    if version is None:
        abort(404)
    return course, version


def _flag_labels() -> dict[str, str]:
    return {
        "key": _("Check the answer key: learners who do well overall get it wrong more often"),
        "poor": _("Discriminates poorly"),
        "easy": _("Very easy"),
        "hard": _("Very hard"),
    }


def _note_labels() -> dict[str, str]:
    return {
        "not_enough_data": _("not enough data"),
        "no_variation": _("cannot be computed: the scores do not vary"),
    }


def _percent(share: float | None) -> str:
    return "—" if share is None else format_percent(share, "#,##0.#%")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    return _("%(h)d h %(m)02d min", h=minutes // 60, m=minutes % 60)


def _days(days: float | None) -> str:
    return "—" if days is None else _("%(n)s days", n=format_decimal(days, "#,##0.#"))


@bp.route("/courses/<code>/analytics")
@role_required(R.AUTHOR, R.HR_ADMIN)
def analytics(code: str):
    """Course analytics for training staff and HR: enrolments, completion, study time,
    drop-off by lesson, quiz item analysis (``?version=<number>`` for one version)."""
    course, version = _course_and_version(code)
    data = stats.course_analytics(course, version)
    return render_template("reports/analytics.html", data=data, course=course,
                           version=version, flag_labels=_flag_labels(),
                           note_labels=_note_labels(),
                           min_n=stats.MIN_ITEM_RESPONSES, percent=_percent,
                           duration=_duration, days=_days, status_label=status_label,
                           decimal=format_decimal)


def _question_types() -> dict[str, str]:
    return {"single": _("Single choice"), "multiple": _("Multiple choice"),
            "true_false": _("True or false"), "short_answer": _("Short answer")}


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/courses/<code>/analytics.csv")
@role_required(R.AUTHOR, R.HR_ADMIN)
def analytics_csv(code: str):
    """The item analysis as CSV (UTF-8 with a byte-order mark, for Excel)."""
    course, version = _course_and_version(code)
    notes = _note_labels()
    flags = _flag_labels()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Quiz"), _("No."), _("Question code"), _("Type"), _("Question"),
                     _("Answers"), _("Correct answers"), _("Difficulty (p)"),
                     _("Discrimination (r)"), _("Notes")])
    types = _question_types()
    for quiz in stats.item_analysis(course, version):
        for number, item in enumerate(quiz.items, start=1):
            q = item.question
            p, r = item.difficulty, item.discrimination
            remarks = [notes[item.note]] if item.note else []
            remarks += [flags[f] for f in item.flags]
            writer.writerow([_cell(localized(quiz.lesson, "title")), number, _cell(q.key),
                             types.get(q.type, q.type), _cell(localized(q, "text")), item.n,
                             item.correct, "" if p is None else f"{p:.3f}",
                             "" if r is None else f"{r:.3f}", _cell("; ".join(remarks))])
    suffix = f"-v{version.number}" if version else ""
    return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="phan-tich-cau-hoi-{course.code}{suffix}.csv"'})
