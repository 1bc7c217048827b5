"""Authoring: training staff create, edit, review and publish courses.

Every page is for training staff (role ``author``). A POST validates its form, calls an
operation of :mod:`lms_core.courses.authoring` or :mod:`lms_core.courses.operations`,
commits once and redirects; bad input is shown on the page (status 400) and changes
nothing. The editor works on the course's draft only: its URLs refuse (409) a version in
review, published or archived.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.courses import authoring as A
from lms_core.courses import authoring_forms as F
from lms_core.courses import media, render
from lms_core.courses import operations as ops
from lms_core.courses.kinds import get_kind
from lms_core.courses.models import (
    Course,
    CourseModule,
    CourseVersion,
    Lesson,
    MediaAsset,
    Question,
)
from lms_core.courses.package import PackageError, ZipSource, export_version, import_package
from lms_core.errors import UserError, abort_with
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.organisation.models import JobPosition, ProfessionalField
from lms_core.ui.forms import HIDDEN_FIELD_TYPES, run_form_operation
from lms_core.ui.i18n import localized

bp = Blueprint("authoring", __name__, url_prefix="/authoring")

PAGE_SIZE = 30


@bp.app_template_global("author_status")
def _status_label(status: str) -> str:
    return ops.status_label(status)


@bp.app_template_global("authoring_summary")
def _authoring_summary(user) -> dict:
    """For the dashboard panel: versions waiting for ``user``'s review, ``user``'s drafts."""
    drafts = [v for c in A.courses_of(user) for v in c.versions
              if v.status == "draft" and v.author_id == user.id]
    return {"to_review": A.waiting_for_review(user), "drafts": drafts}


# -- loading and checking -------------------------------------------------------------------

def _actor():
    return current_user._get_current_object()


def _course(code: str) -> Course:
    course = db.session.scalar(sa.select(Course).where(Course.code == code.upper()))
    if course is None:
        abort(404)
    return course


def _version(course: Course, number: int) -> CourseVersion:
    version = next((v for v in course.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


def _editable(version: CourseVersion) -> CourseVersion:
    """``version`` when it is a draft; otherwise the request is refused (409)."""
    try:
        A.require_draft(version)
    except UserError as exc:
        abort_with(409, exc.message)
    return version


def _draft(course: Course) -> CourseVersion:
    """The course's draft, for the editor. A version in review is refused (409); a course
    with no draft sends the author to the course page, where “Edit” starts one."""
    working = course.working_version
    if working is None:
        flash(_("%(code)s has no draft. Press “Edit” to start a new version.", code=course.code),
              "info")
        abort(redirect(url_for(".course", code=course.code)))
    return _editable(working)


def _module(course: Course, module_id: int) -> CourseModule:
    module = db.session.get(CourseModule, module_id)
    if module is None or module.version.course_id != course.id:
        abort(404)
    _editable(module.version)
    return module


def _lesson(course: Course, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.module.version.course_id != course.id:
        abort(404)
    _editable(lesson.module.version)
    return lesson


def _question(course: Course, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.lesson.module.version.course_id != course.id:
        abort(404)
    _editable(question.lesson.module.version)
    return question


def _act(operation, success: str | None = None) -> bool:
    """Run a button's ``operation``: commit and flash ``success``, or roll back and flash
    the error."""
    try:
        operation()
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True


def _status() -> int:
    return 400 if request.method == "POST" else 200


def _form_page(form, *, title: str, submit: str, cancel: str, intro=(), **context):
    fields = [f for f in form if f.type not in HIDDEN_FIELD_TYPES]
    return render_template("authoring/form.html", form=form, fields=fields, title=title,
                           submit=submit, cancel=cancel, intro=intro, **context), _status()


def _confirm_page(*, title: str, message: str, submit: str, cancel: str, danger: bool = True):
    return render_template("authoring/confirm.html", form=F.ConfirmForm(), title=title,
                           message=message, submit=submit, cancel=cancel, danger=danger)


# -- home, new course, package import ---------------------------------------------------------

@bp.route("/")
@role_required(R.AUTHOR)
def index():
    q = request.args.get("q", "")
    page = max(1, request.args.get("page", 1, type=int))
    stmt = A.search_stmt(q)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    courses = db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("authoring/index.html", mine=A.courses_of(current_user),
                           to_review=A.waiting_for_review(current_user), courses=courses,
                           total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)), q=q)


@bp.route("/new", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def new_course():
    form = F.CourseForm()
    if form.validate_on_submit():
        field = db.session.get(ProfessionalField, form.field.data) if form.field.data else None
        ok, course = run_form_operation(form, lambda: A.create_course(
            form.code.data, form.title_vi.data, form.title_en.data,
            description_vi=form.description_vi.data, description_en=form.description_en.data,
            field=field, estimated_minutes=form.estimated_minutes.data, actor=_actor()))
        if ok:
            flash(_("Course %(code)s was created as a draft. Add its modules and lessons.",
                    code=course.code), "success")
            return redirect(url_for(".editor", code=course.code))
    return _form_page(form, title=_("New course"), submit=_("Create the course"),
                      cancel=url_for(".index"))


@bp.route("/import", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def package_import():
    form = F.PackageForm()
    problems = None
    status = 200
    if form.validate_on_submit():
        limit = current_app.config["LMS_CONTENT_MAX_BYTES"]
        data = form.file.data.read(limit + 1)
        filename = form.file.data.filename or "package.zip"
        try:
            if len(data) > limit:
                raise UserError(_("The file is larger than %(mb)s MB.",
                                  mb=f"{limit / (1024 * 1024):g}"))
            result = import_package(ZipSource(data, filename), actor=_actor())
        except PackageError as exc:
            db.session.rollback()
            problems = exc.problems
            status = 422
        except UserError as exc:
            db.session.rollback()
            form.file.errors.append(exc.message)
            status = 400
        else:
            db.session.commit()
            version = result.version
            if result.replaced_draft is not None:
                flash(_("%(code)s was imported as version %(n)d, a draft; it replaces the draft "
                        "that was in progress.", code=version.code, n=version.number),
                      "success")
            else:
                flash(_("%(code)s was imported as version %(n)d, a draft. Check it, then "
                        "submit it for review.", code=version.code, n=version.number),
                      "success")
            return redirect(url_for(".editor", code=version.code))
    elif form.is_submitted():
        status = 400
    return render_template("authoring/import.html", form=form, problems=problems), status


# -- the course page and the workflow ---------------------------------------------------------

@bp.route("/<code>")
@role_required(R.AUTHOR)
def course(code: str):
    course = _course(code)
    return render_template("authoring/course.html", course=course,
                           versions=list(reversed(course.versions)),
                           learners=A.learner_counts(course),
                           to_move=A.learners_to_move(course), form=F.ConfirmForm())


@bp.route("/<code>/start", methods=["POST"])
@role_required(R.AUTHOR)
def start(code: str):
    """“Edit”: the draft in progress, or a new draft copied from the published version."""
    course = _course(code)
    before = course.working_version
    try:
        draft = ops.start_new_version(course, _actor())
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".course", code=course.code))
    db.session.commit()
    if before is None:
        source = course.published_version
        if source is not None:
            flash(_("Version %(n)d was created as a draft copy of the published version "
                    "%(m)d. Learners keep version %(m)d until the new one is reviewed and "
                    "published.", n=draft.number, m=source.number), "success")
        else:
            flash(_("Version %(n)d was created as a draft.", n=draft.number), "success")
    return redirect(url_for(".editor", code=course.code))


@bp.route("/<code>/versions/<int:number>/submit", methods=["POST"])
@role_required(R.AUTHOR)
def submit(code: str, number: int):
    course = _course(code)
    version = _version(course, number)
    if _act(lambda: A.submit(version, _actor()),
            _("Version %(n)d was submitted for review. Another member of the training staff "
              "reviews it.", n=number)):
        return redirect(url_for(".course", code=course.code))
    if version.status == "draft":
        return redirect(url_for(".editor", code=course.code))
    return redirect(url_for(".course", code=course.code))


@bp.route("/<code>/versions/<int:number>/review", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def review(code: str, number: int):
    course = _course(code)
    version = _version(course, number)
    if version.status != "in_review":
        flash(_("Version %(n)d is not waiting for review.", n=number), "info")
        return redirect(url_for(".course", code=course.code))
    form = F.ReviewForm()
    own = version.author_id is not None and version.author_id == current_user.id
    if form.validate_on_submit():
        approve = form.decision.data == "publish"
        ok, _result = run_form_operation(form, lambda: ops.review(
            version, _actor(), approve=approve, note=form.note.data or ""))
        if ok:
            if approve:
                flash(_("Version %(n)d is published: new learners get it from now on.",
                        n=number), "success")
                waiting = A.learners_to_move(course)
                if waiting:
                    flash(_("%(count)d learners are still on an older version. Move them from "
                            "this page if they should study the new one.", count=waiting),
                          "info")
            else:
                flash(_("Version %(n)d was sent back to its author with your note.", n=number),
                      "success")
            return redirect(url_for(".course", code=course.code))
    return render_template("authoring/review.html", course=course, version=version, form=form,
                           own=own), _status()


@bp.route("/<code>/archive", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def archive(code: str):
    course = _course(code)
    if request.method == "POST":
        _act(lambda: ops.archive(course),
             _("%(code)s was withdrawn from the catalogue.", code=course.code))
        return redirect(url_for(".course", code=course.code))
    if course.published_version is None:
        flash(_("The course is not published."), "info")
        return redirect(url_for(".course", code=course.code))
    return _confirm_page(
        title=_("Archive %(code)s", code=course.code),
        message=_("The course leaves the catalogue: nobody new can join it. Learners already "
                  "enrolled keep their version and can finish it."),
        submit=_("Archive the course"), cancel=url_for(".course", code=course.code))


@bp.route("/<code>/move-learners", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def move_learners(code: str):
    course = _course(code)
    target = course.published_version
    if target is None:
        flash(_("The course is not published."), "info")
        return redirect(url_for(".course", code=course.code))
    count = A.learners_to_move(course)
    if request.method == "POST":
        moved = []
        if _act(lambda: moved.append(ops.move_learners(course, target))):
            flash(_("%(count)d learners were moved to version %(n)d.", count=moved[0],
                    n=target.number), "success")
        return redirect(url_for(".course", code=course.code))
    return _confirm_page(
        title=_("Move learners to version %(n)d", n=target.number),
        message=_("%(count)d learners who have not completed the course study an older "
                  "version. They will continue in version %(n)d; what they completed in lessons "
                  "that are in both versions is kept, other progress is dropped.",
                  count=count, n=target.number),
        submit=_("Move %(count)d learners", count=count),
        cancel=url_for(".course", code=course.code), danger=False)


@bp.route("/<code>/export/<int:number>")
@role_required(R.AUTHOR)
def export(code: str, number: int):
    """A zip of the version in the course-package format."""
    course = _course(code)
    version = _version(course, number)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / course.code
        export_version(version, root)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive_.write(path, f"{course.code}/{path.relative_to(root).as_posix()}")
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"{course.code}-v{version.number}.zip")


# -- preview ----------------------------------------------------------------------------------

def media_url(asset: MediaAsset | None) -> str | None:
    """The player's address of a stored file (it serves any logged-in user)."""
    if asset is None:
        return None
    return url_for("player.media", sha256=asset.sha256, filename=asset.filename)


@bp.route("/<code>/preview/<int:number>")
@bp.route("/<code>/preview/<int:number>/<int:lesson_id>")
@role_required(R.AUTHOR)
def preview(code: str, number: int, lesson_id: int | None = None):
    """The version as a learner sees it: readings, videos and PDFs through the player's own
    templates, quizzes with their whole bank and answer key. Nothing is recorded (no
    enrolment, no study session, no statement)."""
    course = _course(code)
    version = _version(course, number)
    lessons = version.lessons
    lesson = None
    if lesson_id is not None:
        lesson = next((x for x in lessons if x.id == lesson_id), None)
        if lesson is None:
            abort(404)
    index = lessons.index(lesson) if lesson is not None else -1
    return render_template(
        "authoring/preview.html", course=course, version=version, lesson=lesson,
        kind=get_kind(lesson.kind) if lesson is not None and lesson.kind else None,
        body=render.markdown(localized(lesson, "body")) if lesson is not None else None,
        media_url=media_url(lesson.asset) if lesson is not None else None, resume={},
        description=render.markdown(localized(version, "description")),
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if 0 <= index < len(lessons) - 1 else
        (lessons[0] if lesson is None and lessons else None),
        markdown=render.markdown)


# -- the draft editor -------------------------------------------------------------------------

@bp.route("/<code>/edit")
@role_required(R.AUTHOR)
def editor(code: str):
    course = _course(code)
    version = _draft(course)
    return render_template("authoring/editor.html", course=course, version=version,
                           module_form=F.ModuleForm(formdata=None), form=F.ConfirmForm(),
                           kind=get_kind)


@bp.route("/<code>/edit/details", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def details(code: str):
    course = _course(code)
    version = _draft(course)
    form = F.DetailsForm(course)
    if request.method == "GET":
        form.title_vi.data, form.title_en.data = version.title_vi, version.title_en
        form.description_vi.data = version.description_vi
        form.description_en.data = version.description_en
        form.field.data = version.field_id
        form.estimated_minutes.data = version.estimated_minutes
        form.require_all_lessons.data = version.require_all_lessons
        form.require_quiz_passed.data = version.require_quiz_passed
        form.min_minutes.data = version.min_minutes
        form.tags.data = ", ".join(version.tag_names)
        form.competencies.data = "\n".join(
            f"{c.competency_code} {c.level}"
            for c in sorted(version.competencies, key=lambda c: c.competency_code))
        form.target_positions.data = [t.position_id for t in version.target_positions]
        form.prerequisites.data = [p.required_course_id for p in version.prerequisites]
    if form.validate_on_submit():
        def save():
            field = (db.session.get(ProfessionalField, form.field.data)
                     if form.field.data else None)
            A.update_version_details(
                version, title_vi=form.title_vi.data, title_en=form.title_en.data,
                description_vi=form.description_vi.data or "",
                description_en=form.description_en.data or "", field=field,
                estimated_minutes=form.estimated_minutes.data,
                require_all_lessons=form.require_all_lessons.data,
                require_quiz_passed=form.require_quiz_passed.data,
                min_minutes=form.min_minutes.data)
            A.set_tags(version, form.tag_list)
            A.set_competencies(version, form.competency_items)
            A.set_target_positions(version, db.session.scalars(sa.select(JobPosition).where(
                JobPosition.id.in_(form.target_positions.data or []))))
            A.set_prerequisites(version, db.session.scalars(sa.select(Course).where(
                Course.id.in_(form.prerequisites.data or []))))

        ok, _result = run_form_operation(form, save)
        if ok:
            flash(_("The details were saved."), "success")
            return redirect(url_for(".editor", code=course.code))
    return _form_page(form, title=_("Details of %(code)s, version %(n)d", code=course.code,
                                    n=version.number),
                      submit=_("Save"), cancel=url_for(".editor", code=course.code),
                      intro=[_("Descriptions are written in Markdown; see them as learners do "
                               "in the preview.")])


@bp.route("/<code>/edit/modules", methods=["POST"])
@role_required(R.AUTHOR)
def add_module(code: str):
    course = _course(code)
    version = _draft(course)
    form = F.ModuleForm()
    if form.validate_on_submit():
        ok, _module_ = run_form_operation(form, lambda: A.add_module(version, form.title_vi.data,
                                                       form.title_en.data))
        if ok:
            flash(_("The module was added."), "success")
            return redirect(url_for(".editor", code=course.code))
    return render_template("authoring/editor.html", course=course, version=version,
                           module_form=form, form=F.ConfirmForm(), kind=get_kind), 400


@bp.route("/<code>/edit/modules/<int:module_id>", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def module(code: str, module_id: int):
    course = _course(code)
    item = _module(course, module_id)
    form = F.ModuleForm(data={"title_vi": item.title_vi, "title_en": item.title_en})
    if form.validate_on_submit():
        ok, _result = run_form_operation(form, lambda: A.update_module(item, form.title_vi.data,
                                                         form.title_en.data))
        if ok:
            flash(_("The module was renamed."), "success")
            return redirect(url_for(".editor", code=course.code))
    return _form_page(form, title=_("Rename the module"), submit=_("Save"),
                      cancel=url_for(".editor", code=course.code))


@bp.route("/<code>/edit/modules/<int:module_id>/move/<direction>", methods=["POST"])
@role_required(R.AUTHOR)
def move_module(code: str, module_id: int, direction: str):
    course = _course(code)
    item = _module(course, module_id)
    if direction not in ("up", "down"):
        abort(404)
    _act(lambda: A.move_module(item, -1 if direction == "up" else 1))
    return redirect(url_for(".editor", code=course.code, _anchor=f"module-{module_id}"))


@bp.route("/<code>/edit/modules/<int:module_id>/delete", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def delete_module(code: str, module_id: int):
    course = _course(code)
    item = _module(course, module_id)
    if request.method == "POST":
        _act(lambda: A.delete_module(item), _("The module was deleted."))
        return redirect(url_for(".editor", code=course.code))
    return _confirm_page(
        title=_("Delete the module “%(title)s”", title=item.title_vi),
        message=_("The module and its %(n)d lessons will be deleted from this draft. Published "
                  "versions are not affected.", n=len(item.lessons)),
        submit=_("Delete"), cancel=url_for(".editor", code=course.code))


@bp.route("/<code>/edit/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def new_lesson(code: str, module_id: int):
    course = _course(code)
    item = _module(course, module_id)
    form = F.NewLessonForm()
    if form.validate_on_submit():
        ok, lesson = run_form_operation(form, lambda: A.add_lesson(
            item, form.kind.data, form.title_vi.data, form.title_en.data, form.minutes.data))
        if ok:
            flash(_("The lesson was added. Now give it its content."), "success")
            return redirect(url_for(".lesson", code=course.code, lesson_id=lesson.id))
    return _form_page(form, title=_("New lesson in “%(title)s”", title=item.title_vi),
                      submit=_("Add the lesson"), cancel=url_for(".editor", code=course.code))


def _lesson_page(course, lesson, *, status=200, **forms):
    """The lesson editor with its forms; those not given are filled from the lesson."""
    forms.setdefault("lesson_form", F.LessonForm(formdata=None, data={
        "title_vi": lesson.title_vi, "title_en": lesson.title_en, "minutes": lesson.minutes,
        "body_vi": lesson.body_vi, "body_en": lesson.body_en}))
    forms.setdefault("file_form", F.FileForm(formdata=None))
    forms.setdefault("image_form", F.FileForm(formdata=None))
    settings = {**lesson.settings} if lesson.kind == "quiz" else {}
    forms.setdefault("quiz_form", F.QuizSettingsForm(formdata=None, data=settings))
    kind = get_kind(lesson.kind)
    accept = ",".join(e for c in media.KIND_TYPES.get(kind.file_kind or "", ())
                      for e in media.TYPES[c][0])
    image_accept = ",".join(e for c in media.KIND_TYPES["image"] for e in media.TYPES[c][0])
    return render_template("authoring/lesson.html", course=course, version=lesson.module.version,
                           lesson=lesson, kind=kind, accept=accept, image_accept=image_accept,
                           confirm=F.ConfirmForm(), type_labels=F.QUESTION_TYPE_LABELS,
                           media_url=media_url(lesson.asset),
                           max_mb=f"{current_app.config['MAX_CONTENT_LENGTH'] / 1048576:g}",
                           **forms), status


@bp.route("/<code>/edit/lessons/<int:lesson_id>", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def lesson(code: str, lesson_id: int):
    course = _course(code)
    item = _lesson(course, lesson_id)
    if request.method == "GET":
        return _lesson_page(course, item)
    form = F.LessonForm()
    if form.validate_on_submit():
        ok, _result = run_form_operation(form, lambda: A.update_lesson(
            item, title_vi=form.title_vi.data, title_en=form.title_en.data,
            minutes=form.minutes.data, body_vi=form.body_vi.data, body_en=form.body_en.data))
        if ok:
            flash(_("The lesson was saved."), "success")
            return redirect(url_for(".lesson", code=course.code, lesson_id=item.id))
    return _lesson_page(course, item, status=400, lesson_form=form)


@bp.route("/<code>/edit/lessons/<int:lesson_id>/file", methods=["POST"])
@role_required(R.AUTHOR)
def lesson_file(code: str, lesson_id: int):
    course = _course(code)
    item = _lesson(course, lesson_id)
    form = F.FileForm()
    if form.validate_on_submit():
        upload = form.file.data
        ok, _asset = run_form_operation(form, lambda: A.set_lesson_file(item, upload.filename or "",
                                                          upload.read()))
        if ok:
            flash(_("The file was saved."), "success")
            return redirect(url_for(".lesson", code=course.code, lesson_id=item.id))
    return _lesson_page(course, item, status=400, file_form=form)


@bp.route("/<code>/edit/lessons/<int:lesson_id>/image", methods=["POST"])
@role_required(R.AUTHOR)
def lesson_image(code: str, lesson_id: int):
    """Store an image and give the Markdown that shows it."""
    course = _course(code)
    item = _lesson(course, lesson_id)
    form = F.FileForm()
    if form.validate_on_submit():
        upload = form.file.data
        ok, stored = run_form_operation(form, lambda: A.store_image(item.module.version,
                                                      upload.filename or "", upload.read()))
        if ok:
            flash(_("The image was saved. Copy this line into the text where it should "
                    "appear: %(markdown)s", markdown=f"![]({A.image_url(stored)})"), "success")
            return redirect(url_for(".lesson", code=course.code, lesson_id=item.id))
    return _lesson_page(course, item, status=400, image_form=form)


@bp.route("/<code>/edit/lessons/<int:lesson_id>/quiz", methods=["POST"])
@role_required(R.AUTHOR)
def quiz_settings(code: str, lesson_id: int):
    course = _course(code)
    item = _lesson(course, lesson_id)
    form = F.QuizSettingsForm()
    if form.validate_on_submit():
        ok, _result = run_form_operation(form, lambda: A.update_quiz_settings(
            item, pass_mark=form.pass_mark.data, attempts=form.attempts.data,
            draw=form.draw.data, shuffle=form.shuffle.data, graded=form.graded.data))
        if ok:
            flash(_("The quiz settings were saved."), "success")
            return redirect(url_for(".lesson", code=course.code, lesson_id=item.id))
    return _lesson_page(course, item, status=400, quiz_form=form)


@bp.route("/<code>/edit/lessons/<int:lesson_id>/move/<direction>", methods=["POST"])
@role_required(R.AUTHOR)
def move_lesson(code: str, lesson_id: int, direction: str):
    course = _course(code)
    item = _lesson(course, lesson_id)
    if direction not in ("up", "down"):
        abort(404)
    _act(lambda: A.move_lesson(item, -1 if direction == "up" else 1))
    return redirect(url_for(".editor", code=course.code, _anchor=f"lesson-{lesson_id}"))


@bp.route("/<code>/edit/lessons/<int:lesson_id>/delete", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def delete_lesson(code: str, lesson_id: int):
    course = _course(code)
    item = _lesson(course, lesson_id)
    if request.method == "POST":
        _act(lambda: A.delete_lesson(item), _("The lesson was deleted."))
        return redirect(url_for(".editor", code=course.code))
    return _confirm_page(
        title=_("Delete the lesson “%(title)s”", title=item.title_vi),
        message=_("The lesson and everything in it will be deleted from this draft. Published "
                  "versions are not affected."),
        submit=_("Delete"), cancel=url_for(".lesson", code=course.code, lesson_id=item.id))


@bp.route("/<code>/edit/lessons/<int:lesson_id>/questions/new", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def new_question(code: str, lesson_id: int):
    course = _course(code)
    item = _lesson(course, lesson_id)
    if item.kind != "quiz":
        abort(404)
    form = F.QuestionForm()
    if form.validate_on_submit():
        ok, _question_ = run_form_operation(form, lambda: A.add_question(item, **form.values()))
        if ok:
            flash(_("The question was added."), "success")
            return redirect(url_for(".lesson", code=course.code, lesson_id=item.id,
                                    _anchor="questions"))
    return render_template("authoring/question.html", course=course, lesson=item, form=form,
                           title=_("New question")), _status()


@bp.route("/<code>/edit/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def question(code: str, question_id: int):
    course = _course(code)
    item = _question(course, question_id)
    form = F.QuestionForm()
    if request.method == "GET":
        form.fill(item)
    if form.validate_on_submit():
        ok, _result = run_form_operation(form, lambda: A.update_question(item, **form.values()))
        if ok:
            flash(_("The question was saved."), "success")
            return redirect(url_for(".lesson", code=course.code, lesson_id=item.lesson_id,
                                    _anchor="questions"))
    return render_template("authoring/question.html", course=course, lesson=item.lesson,
                           form=form, question=item,
                           title=_("Question %(key)s", key=item.key)), _status()


@bp.route("/<code>/edit/questions/<int:question_id>/delete", methods=["GET", "POST"])
@role_required(R.AUTHOR)
def delete_question(code: str, question_id: int):
    course = _course(code)
    item = _question(course, question_id)
    lesson_id = item.lesson_id
    if request.method == "POST":
        _act(lambda: A.delete_question(item), _("The question was deleted."))
        return redirect(url_for(".lesson", code=course.code, lesson_id=lesson_id,
                                _anchor="questions"))
    return _confirm_page(
        title=_("Delete question %(key)s", key=item.key),
        message=item.text_vi, submit=_("Delete"),
        cancel=url_for(".lesson", code=course.code, lesson_id=lesson_id))
