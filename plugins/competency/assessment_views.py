"""Views of the assessments: question banks and exams for training staff (authors, HR
administrators), sittings and results for officers, item analysis, results import (HR).

Who may see what:

* banks, exams' blueprints and item analysis: training staff and HR administrators;
* open exams, one's own sittings and results: anyone logged in (every account is an officer);
* a sitting's result: its officer, the heads of the officer's unit (and above), HR;
* an exam's results list: HR (everyone) and unit heads (the officers of their units);
* results import: HR administrators.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_user, role_required, visible_unit_ids
from lms_core.organisation import queries as org
from lms_core.ui.forms import run_form_operation
from lms_core.ui.i18n import fmt_datetime
from plugins.competency import assessments as A
from plugins.competency import grading, item_analysis, result_import
from plugins.competency.blueprint import bp
from plugins.competency.models import BankItem, Exam, Sitting

STAFF = (R.AUTHOR, R.HR_ADMIN)
STATIC = Path(__file__).parent / "static" / "competency"
#: Most bytes an uploaded CSV may have.
MAX_UPLOAD = 5 * 1024 * 1024


def _lang() -> str:
    return str(get_locale() or "vi")


def _flag_labels() -> dict[str, str]:
    return {"too_easy": _("too easy"), "too_hard": _("too hard"),
            "poor_discrimination": _("discriminates poorly")}


def _status_labels() -> dict[str, str]:
    return {"in_progress": _("in progress"), "submitted": _("submitted"),
            "expired": _("graded when the time ran out")}


@bp.app_template_global("competency_status")
def competency_status(value: str) -> str:
    return _status_labels().get(value, value)


# -- forms ------------------------------------------------------------------------------------

def required(message=None):
    return InputRequired(message or _l("This field is required."))


class OptionForm(Form):
    text_vi = StringField(_l("Option in Vietnamese"), [Optional(), Length(max=2000)])
    text_en = StringField(_l("Option in English"), [Optional(), Length(max=2000)])
    correct = BooleanField(_l("Right"))


class ItemForm(FlaskForm):
    code = StringField(_l("Code"), [Optional(), Length(max=60)],
                       description=_l("Empty: made from the competency and level."))
    competency_code = SelectField(_l("Competency"), [required()])
    level = SelectField(_l("Level"), [required()], coerce=int)
    kind = SelectField(_l("Kind of item"))
    stem_vi = TextAreaField(_l("Question in Vietnamese"), [required(), Length(max=5000)],
                            render_kw={"rows": 3})
    stem_en = TextAreaField(_l("Question in English"), [Optional(), Length(max=5000)],
                            render_kw={"rows": 3})
    options = FieldList(FormField(OptionForm), min_entries=len(A.OPTION_IDS),
                        max_entries=len(A.OPTION_IDS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        index = A.competency_index()
        choices = [(code, f"{code} · {A.competency_name(node, _lang())}")
                   for code, node in sorted(index.items())]
        self.competency_code.choices = choices
        self.kind.choices = [("single", _("One right option")),
                             ("multiple", _("Several right options"))]
        self.level.choices = [(lv, str(lv)) for lv in range(1, A.scale_max() + 1)]

    def fill(self, item: BankItem) -> None:
        self.competency_code.data = item.competency_code
        self.level.data = item.level
        self.kind.data = item.kind
        self.stem_vi.data, self.stem_en.data = item.stem_vi, item.stem_en
        for row, option in zip(self.options, item.options, strict=False):
            row.form.text_vi.data = option.get("text_vi", "")
            row.form.text_en.data = option.get("text_en", "")
            row.form.correct.data = bool(option.get("correct"))

    def option_values(self) -> list[dict]:
        return [{"text_vi": r.form.text_vi.data, "text_en": r.form.text_en.data,
                 "correct": r.form.correct.data} for r in self.options]


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    dry_run = BooleanField(_l("Dry run: check the file and show what would change, without "
                              "saving anything"), default=True)


class ExamForm(FlaskForm):
    code = StringField(_l("Code"), [required(), Length(max=40)])
    title_vi = StringField(_l("Title in Vietnamese"), [required(), Length(max=300)])
    title_en = StringField(_l("Title in English"), [Optional(), Length(max=300)])
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), [required()], default=45)
    pass_ratio = StringField(_l("Pass ratio"), [required()], default="0.7",
                             description=_l("Share of right answers needed per level, between "
                                            "0 and 1 (0.7 = 70%)."))


class PartForm(FlaskForm):
    competency_code = SelectField(_l("Competency"), [required()])
    level = SelectField(_l("Level"), [required()], coerce=int)
    item_count = IntegerField(_l("Items to draw"), [InputRequired(_l("This field is required."))],
                              description=_l("0 removes the part."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.competency_code.choices = [
            (code, f"{code} · {A.competency_name(node, _lang())}")
            for code, node in sorted(A.competency_index().items())]
        self.level.choices = [(lv, str(lv)) for lv in range(1, A.scale_max() + 1)]


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token."""


def _read_upload(form) -> bytes | None:
    data = form.file.data.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        form.file.errors.append(_("The file is larger than %(mb)s MB.", mb="5"))
        return None
    return data


def _run_import(form, operation):
    """Run a CSV import from ``form``: (report, status)."""
    report, status = None, 200
    if form.validate_on_submit():
        data = _read_upload(form)
        if data is not None:
            try:
                report = operation(data, dry_run=form.dry_run.data)
            except UserError as exc:
                db.session.rollback()
                form.file.errors.append(exc.message)
            else:
                if report.written:
                    db.session.commit()
                else:
                    db.session.rollback()
                    if not report.ok:
                        status = 422
        if report is None:
            status = 400
    elif form.is_submitted():
        status = 400
    return report, status


# -- the script of the sitting page -------------------------------------------------------------

@bp.get("/assets/<path:filename>")
def asset(filename: str):
    """The sitting page's script and style (no inline script or style: the CSP forbids
    them). Public, like the core's static files."""
    return send_from_directory(STATIC, filename, max_age=3600)


# -- question banks -------------------------------------------------------------------------------

@bp.get("/banks")
@role_required(*STAFF)
def banks():
    return render_template("competency/assessments/banks.html", banks=A.bank_summary(),
                           index=A.competency_index(), levels=A.scale_max(), lang=_lang())


def _bank_args(code: str, level: int):
    code = code.strip().upper()
    node = A.competency_index().get(code)
    if node is None and not A.bank_items(code, level):
        abort(404)
    return code, node


@bp.get("/banks/<code>/<int:level>")
@role_required(*STAFF)
def bank(code: str, level: int):
    code, node = _bank_args(code, level)
    return render_template("competency/assessments/bank.html", code=code, level=level,
                           competency=node, items=A.bank_items(code, level), lang=_lang(),
                           form=ConfirmForm())


@bp.get("/banks/<code>/<int:level>/analysis")
@role_required(*STAFF)
def bank_analysis(code: str, level: int):
    code, node = _bank_args(code, level)
    stats = item_analysis.analyse(competency_code=code, level=level)
    return render_template("competency/assessments/analysis.html", stats=stats, exam=None,
                           code=code, level=level, competency=node, flags=_flag_labels(),
                           min_sittings=item_analysis.MIN_SITTINGS, lang=_lang())


@bp.route("/banks/items/new", methods=["GET", "POST"])
@role_required(*STAFF)
def item_new():
    form = ItemForm()
    if not form.is_submitted():
        form.competency_code.data = request.args.get("competency", "").upper() or None
        form.level.data = request.args.get("level", type=int) or 1
    status = 200
    if form.validate_on_submit():
        ok, item = run_form_operation(form, lambda: A.save_item(
            None, code=form.code.data, competency_code=form.competency_code.data,
            level=form.level.data, kind=form.kind.data, stem_vi=form.stem_vi.data,
            stem_en=form.stem_en.data, options=form.option_values()))
        if ok:
            flash(_("Item %(code)s saved.", code=item.code), "success")
            return redirect(url_for(".bank", code=item.competency_code, level=item.level))
        status = 422
    elif form.is_submitted():
        status = 400
    return render_template("competency/assessments/item.html", form=form, item=None,
                           title=_("New item")), status


@bp.route("/banks/items/<int:item_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def item_edit(item_id: int):
    item = db.get_or_404(BankItem, item_id)
    form = ItemForm()
    if not form.is_submitted():
        form.fill(item)
    status = 200
    if form.validate_on_submit():
        ok, _saved = run_form_operation(form, lambda: A.save_item(
            item, competency_code=form.competency_code.data, level=form.level.data,
            kind=form.kind.data, stem_vi=form.stem_vi.data, stem_en=form.stem_en.data,
            options=form.option_values()))
        if ok:
            flash(_("Item %(code)s saved.", code=item.code), "success")
            return redirect(url_for(".bank", code=item.competency_code, level=item.level))
        status = 422
    elif form.is_submitted():
        status = 400
    return render_template("competency/assessments/item.html", form=form, item=item,
                           title=_("Item %(code)s", code=item.code)), status


@bp.post("/banks/items/<int:item_id>/active")
@role_required(*STAFF)
def item_active(item_id: int):
    item = db.get_or_404(BankItem, item_id)
    form = ConfirmForm()
    back = url_for(".bank", code=item.competency_code, level=item.level)
    if not form.validate_on_submit():
        abort(400)
    try:
        A.set_item_active(item, not item.active)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_("Item %(code)s is drawn again.", code=item.code) if item.active else
          _("Item %(code)s is deactivated: it is no longer drawn.", code=item.code), "success")
    return redirect(back)


@bp.route("/banks/import", methods=["GET", "POST"])
@role_required(*STAFF)
def bank_import():
    form = UploadForm()
    report, status = _run_import(form, A.import_items_csv)
    return render_template("competency/assessments/import.html", form=form, report=report,
                           title=_("Import question bank items"), kind="items",
                           columns=A.BANK_COLUMNS, required=A.BANK_REQUIRED), status


@bp.get("/banks/export.csv")
@role_required(*STAFF)
def bank_export():
    code = request.args.get("competency", "").strip().upper() or None
    name = f"question-bank-{code}.csv" if code else "question-bank.csv"
    return Response(A.export_items_csv(A.all_items(code)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


# -- exams for staff ------------------------------------------------------------------------------

@bp.get("/exams/manage")
@role_required(*STAFF)
def exams_manage():
    exams = A.exams()
    return render_template("competency/assessments/exams_manage.html", exams=exams,
                           counts=A.sitting_counts(e.id for e in exams), lang=_lang())


@bp.route("/exams/new", methods=["GET", "POST"])
@role_required(*STAFF)
def exam_new():
    form = ExamForm()
    status = 200
    if form.validate_on_submit():
        ok, exam = run_form_operation(form, lambda: A.save_exam(
            None, code=form.code.data, title_vi=form.title_vi.data, title_en=form.title_en.data,
            time_limit_minutes=form.time_limit_minutes.data, pass_ratio=form.pass_ratio.data))
        if ok:
            flash(_("Exam %(code)s created: now add its parts.", code=exam.code), "success")
            return redirect(url_for(".exam_blueprint", exam_id=exam.id))
        status = 422
    elif form.is_submitted():
        status = 400
    return render_template("competency/assessments/exam_form.html", form=form, exam=None,
                           title=_("New exam")), status


@bp.route("/exams/<int:exam_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def exam_edit(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    form = ExamForm(obj=exam) if not request.method == "POST" else ExamForm()
    status = 200
    if form.validate_on_submit():
        ok, _exam = run_form_operation(form, lambda: A.save_exam(
            exam, code=form.code.data, title_vi=form.title_vi.data, title_en=form.title_en.data,
            time_limit_minutes=form.time_limit_minutes.data, pass_ratio=form.pass_ratio.data))
        if ok:
            flash(_("Exam %(code)s saved.", code=exam.code), "success")
            return redirect(url_for(".exam_blueprint", exam_id=exam.id))
        status = 422
    elif form.is_submitted():
        status = 400
    return render_template("competency/assessments/exam_form.html", form=form, exam=exam,
                           title=_("Exam %(code)s", code=exam.code)), status


def _blueprint_page(exam: Exam, part_form: PartForm, status: int = 200):
    return render_template(
        "competency/assessments/exam_blueprint.html", exam=exam, part_form=part_form,
        parts=A.part_statuses(exam), problems=A.exam_problems(exam),
        counts=A.sitting_counts([exam.id])[exam.id], form=ConfirmForm(), lang=_lang()), status


@bp.get("/exams/<int:exam_id>/blueprint")
@role_required(*STAFF)
def exam_blueprint(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    return _blueprint_page(exam, PartForm(formdata=None, item_count=4))


@bp.post("/exams/<int:exam_id>/parts")
@role_required(*STAFF)
def exam_part(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    form = PartForm()
    if not form.validate_on_submit():
        return _blueprint_page(exam, form, 400)
    ok, _part = run_form_operation(form, lambda: A.set_part(
        exam, form.competency_code.data, form.level.data, form.item_count.data))
    if not ok:
        return _blueprint_page(exam, form, 422)
    flash(_("The parts of the exam are saved."), "success")
    return redirect(url_for(".exam_blueprint", exam_id=exam.id))


@bp.post("/exams/<int:exam_id>/open")
@role_required(*STAFF)
def exam_open(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        A.open_exam(exam)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The exam is open: officers can sit it."), "success")
    return redirect(url_for(".exam_blueprint", exam_id=exam.id))


@bp.post("/exams/<int:exam_id>/close")
@role_required(*STAFF)
def exam_close(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    A.close_exam(exam)
    db.session.commit()
    flash(_("The exam is closed: no new sitting can start; sittings in progress go on until "
            "their time is up."), "success")
    return redirect(url_for(".exam_blueprint", exam_id=exam.id))


@bp.get("/exams/<int:exam_id>/analysis")
@role_required(*STAFF)
def exam_analysis(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    stats = item_analysis.analyse(exam_id=exam.id)
    return render_template("competency/assessments/analysis.html", stats=stats, exam=exam,
                           code=None, level=None, competency=None, flags=_flag_labels(),
                           min_sittings=item_analysis.MIN_SITTINGS, lang=_lang())


@bp.get("/exams/<int:exam_id>/results")
@role_required(R.HR_ADMIN, R.UNIT_HEAD)
def exam_results(exam_id: int):
    """The graded sittings of the exam: HR sees everyone, a unit head the officers currently
    in their units."""
    exam = db.get_or_404(Exam, exam_id)
    query = sa.select(Sitting).where(Sitting.exam_id == exam.id).order_by(Sitting.started_at)
    ids = visible_unit_ids(current_user)
    if ids is not None:
        user_ids = {a.user_id for unit_id in ids for a in org.members(unit_id, recursive=False)}
        query = query.where(Sitting.user_id.in_(user_ids))
    sittings = list(db.session.scalars(query))
    rows = [(s, A._user(s.user_id)) for s in sittings]
    codes = sorted({p.competency_code for p in exam.parts})
    return render_template("competency/assessments/exam_results.html", exam=exam, rows=rows,
                           codes=codes, levels_placed=grading.levels_placed, lang=_lang())


# -- officers: exams and sittings -----------------------------------------------------------------

@bp.get("/exams")
@role_required()
def exams():
    mine = A.sittings_of(current_user)
    sat = {s.exam_id for s in mine}
    exams_by_id = {e.id: e for e in A.exams()}
    return render_template("competency/assessments/exams.html",
                           open_exams=[e for e in A.exams(open_only=True) if e.id not in sat],
                           mine=mine, exams_by_id=exams_by_id,
                           is_staff=current_user.has_role(*STAFF),
                           levels_placed=grading.levels_placed, lang=_lang())


@bp.get("/exams/<int:exam_id>")
@role_required()
def exam(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    sitting = A.sitting_of(exam, current_user)
    if not exam.open and sitting is None and not current_user.has_role(*STAFF):
        abort(404)
    index = A.competency_index()
    codes = sorted({p.competency_code for p in exam.parts})
    return render_template("competency/assessments/exam.html", exam=exam, sitting=sitting,
                           index=index, codes=codes,
                           items=sum(p.item_count for p in exam.parts),
                           percent=round(exam.pass_ratio * 100), form=ConfirmForm(),
                           lang=_lang())


@bp.post("/exams/<int:exam_id>/start")
@role_required()
def exam_start(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sitting, created = A.start_sitting(exam, current_user)
        db.session.commit()
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".exam", exam_id=exam.id))
    except sa.exc.IntegrityError:
        # Two starts raced: the other one created the sitting; resume it.
        db.session.rollback()
        sitting, created = A.sitting_of(exam, current_user), False
    if sitting.status != "in_progress":
        flash(_("You have sat this exam already: here is your result."), "info")
        return redirect(url_for(".sitting_result", sitting_id=sitting.id))
    if not created:
        flash(_("Your sitting goes on where you left it: your saved answers are kept and the "
                "time kept running."), "info")
    return redirect(url_for(".sitting", sitting_id=sitting.id))


def _own_sitting(sitting_id: int) -> Sitting:
    """The current user's sitting (404 for anyone else's: its existence is not disclosed)."""
    sitting = db.session.get(Sitting, sitting_id)
    if sitting is None or sitting.user_id != current_user.id:
        abort(404)
    return sitting


def _posted_answers(sitting: Sitting) -> dict[str, list[str]] | None:
    """The answers of the sitting form (``q<item id>`` fields), or None when the request
    holds no answers form (then nothing is saved)."""
    if request.form.get("answers_form") != "1":
        return None
    return {str(i): request.form.getlist(f"q{i}") for i in sitting.item_ids}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/sittings/<int:sitting_id>")
@role_required()
def sitting(sitting_id: int):
    sitting = _own_sitting(sitting_id)
    if sitting.status != "in_progress":
        return redirect(url_for(".sitting_result", sitting_id=sitting.id))
    exam = db.session.get(Exam, sitting.exam_id)
    items = A.sitting_items(sitting)
    saved = sitting.answers or {}
    questions = [(n, item, A.option_order(sitting, item), set(saved.get(str(item.id), [])))
                 for n, item in enumerate(items, start=1)]
    remaining = A.remaining_seconds(sitting)
    return render_template("competency/assessments/sitting.html", sitting=sitting, exam=exam,
                           questions=questions, remaining=remaining,
                           answered=len(sitting.answers or {}), lang=_lang())


@bp.post("/sittings/<int:sitting_id>/save")
@role_required()
def sitting_save(sitting_id: int):
    """Save the answers (the form, or the page's script sending it as it changes)."""
    sitting = _own_sitting(sitting_id)
    answers = _posted_answers(sitting)
    try:
        if answers is None:
            raise UserError(_("No answers were sent."))
        A.save_answers(sitting, answers)
    except UserError as exc:
        db.session.rollback()
        if _wants_json():
            return jsonify(saved=False, error=str(exc.message),
                           remaining=A.remaining_seconds(sitting)), 409
        flash(exc.message, "error")
        return redirect(url_for(".sitting", sitting_id=sitting.id))
    db.session.commit()
    if _wants_json():
        return jsonify(saved=True, answered=len(sitting.answers),
                       remaining=A.remaining_seconds(sitting))
    flash(_("Your answers are saved."), "success")
    return redirect(url_for(".sitting", sitting_id=sitting.id))


@bp.post("/sittings/<int:sitting_id>/submit")
@role_required()
def sitting_submit(sitting_id: int):
    sitting = _own_sitting(sitting_id)
    result_url = url_for(".sitting_result", sitting_id=sitting.id)
    try:
        A.submit_sitting(sitting, _posted_answers(sitting))
    except A.AlreadySubmitted as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(result_url)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".sitting", sitting_id=sitting.id))
    db.session.commit()
    if sitting.status == "expired":
        flash(_("The time ran out at %(time)s: only the answers saved before then were graded.",
                time=fmt_datetime(sitting.deadline_at)), "warning")
    else:
        flash(_("Your answers are submitted and graded."), "success")
    return redirect(result_url)


@bp.get("/sittings/<int:sitting_id>/result")
@role_required()
def sitting_result(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    user = A._user(sitting.user_id)
    if not can_view_user(current_user, user):
        abort(403)
    exam = db.session.get(Exam, sitting.exam_id)
    if sitting.status == "in_progress":
        if sitting.user_id == current_user.id:
            return redirect(url_for(".sitting", sitting_id=sitting.id))
        return render_template("competency/assessments/result.html", sitting=sitting,
                               exam=exam, person=user, rows=[], passed=False, lang=_lang())
    rows = A.result_rows(sitting, user, lang=_lang())
    return render_template("competency/assessments/result.html", sitting=sitting, exam=exam,
                           person=user, rows=rows, passed=grading.passed(sitting.result),
                           percent=round(exam.pass_ratio * 100),
                           has_requirements=any(r.required is not None for r in rows),
                           lang=_lang())


# -- results import (HR) --------------------------------------------------------------------------

@bp.route("/results/import", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def results_import():
    form = UploadForm()
    report, status = _run_import(form, lambda data, dry_run: result_import.import_results_csv(
        data, dry_run=dry_run, actor=current_user))
    return render_template("competency/assessments/import.html", form=form, report=report,
                           title=_("Import results of past exam sessions"), kind="results",
                           columns=result_import.RESULT_COLUMNS,
                           required=result_import.RESULT_COLUMNS), status


@bp.get("/results/import/template.csv")
@role_required(R.HR_ADMIN)
def results_template():
    return Response(result_import.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=results.csv"})
