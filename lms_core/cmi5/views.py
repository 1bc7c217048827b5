"""cmi5 pages and endpoints, at /cmi5 (docs/cmi5.md):

- ``POST /cmi5/launch/<code>/<lesson>``: the learner launches an AU of a course they follow;
  the browser goes to the AU (in the player's frame, or the whole window) with the launch
  parameters. Officers launch their own AUs only.
- ``POST /cmi5/fetch/<token>``: the AU's one-time fetch URL (no login, no CSRF token: the
  token is the credential); answers JSON as section 8.2 says.
- ``GET /cmi5/content/<package>/<path>``: the files of imported course structures, to
  anyone logged in (like course media; their address holds the package's hash).
- ``GET /cmi5/return/<session>``: where an AU sends the learner when it terminates; back to
  the lesson in the player.
- ``GET /cmi5/courses/<code>`` and ``/cmi5/courses/<code>/learners/<person>``: each
  learner's AU states, and ``POST .../<lesson>/waive``: HR administrators only.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import lms_core.cmi5.models  # noqa: F401  (register the cmi5 tables)
from lms_core.cmi5 import operations as ops
from lms_core.cmi5 import rules
from lms_core.cmi5.models import Cmi5Session
from lms_core.cmi5.structure import package_file
from lms_core.courses import delivery
from lms_core.courses import media as media_store
from lms_core.courses.models import Course, Enrolment, Lesson
from lms_core.courses.player_views import enrolment_or_leave, lesson_or_404
from lms_core.errors import UserError
from lms_core.extensions import csrf, db
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.identity.models import User

bp = Blueprint("cmi5", __name__, url_prefix="/cmi5", static_folder="static",
               cli_group="cmi5")
rules.install()

#: AU files are addressed by the package's hash: a browser may keep them; private: login.
CONTENT_MAX_AGE = 24 * 3600
#: Most learners listed on the staff page of a course (the most recent enrolments).
STAFF_PAGE_ROWS = 200

STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "passed": _l("Passed"),
    "failed": _l("Not passed yet"),
    "satisfied": _l("Requirement met"),
    "waived": _l("Waived"),
}
MOVE_ON_LABELS = {
    "Passed": _l("Pass the assessment in the content."),
    "Completed": _l("Go through the content to the end."),
    "CompletedAndPassed": _l("Go through the content to the end and pass its assessment."),
    "CompletedOrPassed": _l("Go through the content to the end, or pass its assessment."),
    "NotApplicable": _l("Nothing is required: the content is optional."),
}
REASON_LABELS = {
    "Tested Out": _l("Tested out (passed an assessment instead)"),
    "Equivalent AU": _l("Completed equivalent content of this course"),
    "Equivalent Outside Activity": _l("Completed an equivalent activity outside the course"),
    "Administrative": _l("Administrative decision"),
}


# -- loading ------------------------------------------------------------------------------------
def _course_or_404(code: str) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.code == code.strip().upper()))
    if course is None:
        abort(404)
    return course


def _lesson_url(enrolment: Enrolment, lesson: Lesson) -> str:
    return url_for("player.lesson", code=enrolment.course.code, lesson_id=lesson.id)


def percent(value: float | None) -> str:
    """A scaled score (0..1) as the locale writes a percentage: ``80%``, ``82,5%``."""
    return "" if value is None else format_percent(value, "#,##0.#%")


# -- the player's cmi5 lesson --------------------------------------------------------------------
@bp.app_template_global("cmi5_panel")
def cmi5_panel(enrolment: Enrolment, lesson: Lesson) -> dict:
    """What the player shows of an AU (templates/cmi5/lesson.html)."""
    info = ops.au_status(enrolment, lesson)
    info["status_label"] = STATUS_LABELS[info["status"]]
    info["move_on_label"] = MOVE_ON_LABELS.get(info["move_on"], "")
    info["frame"] = info["own"] and info["launch_method"] == "AnyWindow"
    info["score_text"] = percent(info["score"])
    info["mastery_text"] = percent(info["mastery_score"])
    return info


@bp.route("/launch/<code>/<int:lesson_id>", methods=["POST"])
@role_required()
def launch(code: str, lesson_id: int):
    """Launch the AU: ``mode`` Normal (default), Browse or Review. The answer sends the
    browser to the AU (its frame in the player, or the whole window)."""
    enrolment = enrolment_or_leave(code)
    lesson = lesson_or_404(enrolment, lesson_id, "cmi5")
    mode = request.form.get("mode") or "Normal"
    try:
        result = ops.launch(enrolment, lesson, mode=mode)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(_lesson_url(enrolment, lesson))
    db.session.commit()
    if result.own:
        return redirect(result.url, 303)
    return render_template("cmi5/external.html", lesson=lesson, url=result.url,
                           new_window=result.launch_method == "OwnWindow",
                           back=_lesson_url(enrolment, lesson))


@bp.route("/fetch/<token>", methods=["POST"])
@csrf.exempt
def fetch(token: str):
    """The one-time fetch URL (8.2): 200 with ``{"auth-token": ...}`` the first time, 200
    with ``{"error-code", "error-text"}`` afterwards or for a token that is not valid."""
    answer = ops.fetch(token)
    db.session.commit()
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/content/<key>/<path:path>")
@role_required()
def content(key: str, path: str):
    """A file of an imported course structure."""
    row = package_file(key, path)
    if row is None:
        abort(404)
    stored = media_store.asset_path(row.asset)
    if not stored.is_file():
        abort(404)
    response = send_file(stored, mimetype=row.content_type, conditional=True,
                         max_age=CONTENT_MAX_AGE, download_name=row.path.rsplit("/", 1)[-1])
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.route("/return/<session_id>")
@role_required()
def returned(session_id: str):
    """The AU's ``returnURL``: back to the lesson in the player (the whole window, when the
    AU ran in the player's frame)."""
    session = db.session.get(Cmi5Session, session_id)
    if session is None or session.registration_row.enrolment.user_id != current_user.id:
        abort(404)
    enrolment = session.registration_row.enrolment
    lesson = db.session.get(Lesson, session.lesson_id)
    return render_template("cmi5/return.html", lesson=lesson,
                           back=_lesson_url(enrolment, lesson))


# -- staff: AU states and waivers ------------------------------------------------------------------
def _learner_rows(course: Course) -> list[dict]:
    enrolments = list(db.session.scalars(
        sa.select(Enrolment).where(Enrolment.course_id == course.id)
        .order_by(Enrolment.enrolled_at.desc()).limit(STAFF_PAGE_ROWS)))
    rows = []
    for enrolment in enrolments:
        aus = [(lesson, ops.au_status(enrolment, lesson))
               for lesson in ops.cmi5_lessons(enrolment.version)]
        rows.append({"enrolment": enrolment, "aus": aus})
    return rows


@bp.route("/courses/<code>")
@role_required(R.HR_ADMIN)
def course(code: str):
    """The cmi5 content of a course and where each learner stands in it."""
    course = _course_or_404(code)
    version = course.published_version or course.latest_version
    return render_template("cmi5/course.html", course=course, version=version,
                           lessons=ops.cmi5_lessons(version), rows=_learner_rows(course),
                           labels=STATUS_LABELS, limit=STAFF_PAGE_ROWS, percent=percent)


def _learner_enrolment(code: str, person: str) -> tuple[Course, Enrolment]:
    course = _course_or_404(code)
    user = db.session.scalar(sa.select(User).where(User.code == person.strip().upper()))
    enrolment = delivery.enrolment_of(user, course) if user is not None else None
    if enrolment is None:
        abort(404)
    return course, enrolment


@bp.route("/courses/<code>/learners/<person>")
@role_required(R.HR_ADMIN)
def learner(code: str, person: str):
    """One learner's AUs in the course, with the staff's waiver."""
    course, enrolment = _learner_enrolment(code, person)
    aus = [(lesson, ops.au_status(enrolment, lesson))
           for lesson in ops.cmi5_lessons(enrolment.version)]
    return render_template("cmi5/learner.html", course=course, enrolment=enrolment, aus=aus,
                           labels=STATUS_LABELS, reasons=REASON_LABELS,
                           move_on=MOVE_ON_LABELS, percent=percent)


@bp.route("/courses/<code>/learners/<person>/<int:lesson_id>/waive", methods=["POST"])
@role_required(R.HR_ADMIN)
def waive(code: str, person: str, lesson_id: int):
    """Waive an AU for the learner: it counts as met (reason required)."""
    course, enrolment = _learner_enrolment(code, person)
    lesson = lesson_or_404(enrolment, lesson_id, "cmi5")
    page = url_for("cmi5.learner", code=course.code, person=enrolment.user.code)
    try:
        ops.waive(enrolment, lesson, reason=request.form.get("reason", ""), by=current_user)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(page)
    db.session.commit()
    flash(_("“%(title)s” is waived for %(name)s.", title=lesson.title_vi,
            name=enrolment.user.full_name), "success")
    return redirect(page)


# -- commands --------------------------------------------------------------------------------------
@bp.cli.command("sweep")
def sweep_command():
    """Abandon silent cmi5 sessions; deactivate the clients of ended ones."""
    import click

    abandoned, closed = ops.sweep()
    db.session.commit()
    click.echo(f"{abandoned} session(s) abandoned, {closed} client(s) deactivated")


def _import_options(func):
    import click

    for option in reversed([
        click.argument("path", type=click.Path(exists=True, dir_okay=False)),
        click.option("--code", required=True, help="Course code of the new course."),
        click.option("--field", "field_code", help="Professional field code."),
        click.option("--hours", default=1.0, show_default=True, type=float,
                     help="Expected study time of the course in hours."),
        click.option("--minutes", default=15, show_default=True, type=int,
                     help="Expected minutes of each AU."),
        click.option("--publish", is_flag=True, help="Publish the imported version at once."),
    ]):
        func = option(func)
    return func


@bp.cli.command("import")
@_import_options
def import_command(path, code, field_code, hours, minutes, publish):
    """Import a cmi5.xml, or a zip holding cmi5.xml and the AU files, as a course (one
    module per top-level block, one lesson per AU). Nothing is kept on any error."""
    import sys
    from pathlib import Path

    import click

    from lms_core.cmi5.structure import structure_source
    from lms_core.courses import operations as course_ops
    from lms_core.courses.package import PackageError, import_package

    try:
        source = structure_source(Path(path), code=code.strip().upper(), field_code=field_code,
                                  estimated_hours=hours, minutes=minutes)
        result = import_package(source)
        if publish:
            course_ops.publish(result.version)
    except UserError as exc:
        db.session.rollback()
        click.secho(f"{path}: refused, nothing imported", fg="red", err=True)
        for problem in getattr(exc, "problems", None) or []:
            click.echo(f"  {problem.where}: {problem.message}", err=True)
        if not isinstance(exc, PackageError):
            click.echo(f"  {exc}", err=True)
        sys.exit(2)
    db.session.commit()
    version = result.version
    click.echo(f"{version.code} version {version.number}: {len(version.lessons)} AU(s), "
               f"{'published' if publish else 'draft'}")

