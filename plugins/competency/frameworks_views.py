"""Pages of competency frameworks and position profiles.

Who may see what:

- the list of frameworks and every published or retired version (a page per version, so
  results recorded against an old version stay readable): anyone logged in;
- drafts, editing, publishing, revising, import and export: HR administrators only (others
  get 403; a draft's page is not found for them);
- the profile of a job position (its required levels and weights, as a table and a chart):
  anyone logged in (officers, unit heads, training staff); changing it, importing and
  exporting profiles: HR administrators only.

Every POST validates its form, calls an operation (frameworks.py, interchange.py,
profiles.py), commits once and redirects; bad input is shown with status 400 (422 for a file
whose lines are wrong) and changes nothing.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.organisation import queries as org
from lms_core.ui.forms import run_form_operation
from lms_core.ui.i18n import localized
from plugins.competency import charts, interchange, profiles
from plugins.competency import frameworks as F
from plugins.competency.blueprint import bp
from plugins.competency.models import NODE_KINDS, Framework

MAX_PREVIEW = 300  #: codes listed at most in an import preview


# -- forms ----------------------------------------------------------------------------------

class FrameworkForm(FlaskForm):
    code = StringField(_l("Code"), [DataRequired(_l("Enter a code.")), Length(max=40)],
                       description=_l("Letters, digits and - _ . ; it never changes."))
    name_vi = StringField(_l("Name (Vietnamese)"), [DataRequired(_l("Enter the name.")),
                                                    Length(max=300)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=300)])
    description_vi = TextAreaField(_l("Description (Vietnamese)"), [Optional()])
    description_en = TextAreaField(_l("Description (English)"), [Optional()])
    scale_levels = IntegerField(
        _l("Number of levels"), [InputRequired(_l("Enter the number of levels.")),
                                 NumberRange(1, F.MAX_LEVELS)], default=F.DEFAULT_LEVELS,
        description=_l("Vietnam Customs classifies officers into 3 levels."))


def _framework_edit_form(framework: Framework, **kwargs) -> FrameworkForm:
    """The framework form without the code, with a pair of name fields per level."""

    class EditForm(FrameworkForm):
        code = None  # the code of a framework never changes

    for s in F.normalise_scale(framework.scale, framework.scale_levels):
        n = s["level"]
        setattr(EditForm, f"level_{n}_vi", StringField(
            _l("Level %(n)d: name (Vietnamese)", n=n), [Optional(), Length(max=100)]))
        setattr(EditForm, f"level_{n}_en", StringField(
            _l("Level %(n)d: name (English)", n=n), [Optional(), Length(max=100)]))
    return EditForm(**kwargs)


class NodeFormBase(FlaskForm):
    code = StringField(_l("Code"), [DataRequired(_l("Enter a code.")), Length(max=40)],
                       description=_l("Letters, digits and - _ . (for example GSQL.01)."))
    kind = SelectField(_l("Kind of node"), choices=[])
    parent = SelectField(_l("Placed under"), choices=[])
    name_vi = StringField(_l("Name (Vietnamese)"), [DataRequired(_l("Enter the name.")),
                                                    Length(max=300)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=300)])
    description_vi = TextAreaField(_l("Description (Vietnamese)"), [Optional()])
    description_en = TextAreaField(_l("Description (English)"), [Optional()])
    field_code = StringField(_l("Professional field code"), [Optional(), Length(max=40)],
                             description=_l("For a professional field: the code of the field "
                                            "in the organisation (for example KTSTQ)."))
    sort_order = IntegerField(_l("Order among its siblings"), [Optional()],
                              description=_l("Lower numbers come first."))


def _node_form(framework: Framework, node=None, **kwargs):
    scale = F.normalise_scale(framework.scale, framework.scale_levels)

    class NodeForm(NodeFormBase):
        pass

    for s in scale:
        n = s["level"]
        name = s["name_en"] if str(get_locale() or "vi") == "en" else s["name_vi"]
        setattr(NodeForm, f"level_{n}_vi", TextAreaField(
            _l("Level %(n)d (%(name)s): observable criteria in Vietnamese", n=n, name=name),
            [Optional()]))
        setattr(NodeForm, f"level_{n}_en", TextAreaField(
            _l("Level %(n)d (%(name)s): observable criteria in English", n=n, name=name),
            [Optional()]))
    form = NodeForm(**kwargs)
    form.kind.choices = [(k, F.kind_label(k)) for k in NODE_KINDS]
    below = F.subtree_codes(framework, node.code) if node is not None else set()
    form.parent.choices = [("", _("— top of the framework —"))] + [
        (n.code, f"{'· ' * depth}{n.code} – {localized(n)}")
        for n, depth in F.tree_rows(framework) if n.code not in below]
    form.scale = scale
    return form


def _criteria_from(form) -> dict[int, tuple[str, str]]:
    return {s["level"]: ((form[f"level_{s['level']}_vi"].data or "").strip(),
                         (form[f"level_{s['level']}_en"].data or "").strip())
            for s in form.scale}


class ImportForm(FlaskForm):
    file = FileField(_l("File"), [FileRequired(_l("Choose a file."))])
    fmt = SelectField(_l("Format"), choices=[], default="")
    code = StringField(_l("Framework code (optional)"), [Optional(), Length(max=40)],
                       description=_l("Only when the file does not give one (a plain CASE "
                                      "file); by default it is made from the title."))
    dry_run = BooleanField(_l("Dry run: check the file and show what would change, without "
                              "saving anything"), default=True)
    publish = BooleanField(_l("Publish the imported version at once"), default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fmt.choices = [("", _("Recognise from the file")),
                            ("csv", _("CSV (Moodle's columns)")),
                            ("case", _("CASE 1.1 JSON (CFPackage)"))]


class RequirementForm(FlaskForm):
    competency_code = SelectField(_l("Competency"), [DataRequired(_l("Choose a competency."))],
                                  choices=[])
    required_level = IntegerField(_l("Required level"),
                                  [InputRequired(_l("Enter the required level."))])
    weight = DecimalField(_l("Weight"), [InputRequired(_l("Enter the weight."))], default=1,
                          places=None,
                          description=_l("Greater than 0; 1 is usual, 2 for a core competency "
                                         "of the position."))


class ProfileImportForm(FlaskForm):
    file = FileField(_l("CSV file"), [FileRequired(_l("Choose a CSV file."))])
    replace = BooleanField(_l("The file holds the whole profile of each position it names "
                              "(requirements not in the file are removed)"), default=False)
    dry_run = BooleanField(_l("Dry run: check the file and show what would change, without "
                              "saving anything"), default=True)


class ConfirmForm(FlaskForm):
    """A button: the CSRF token is the whole form."""


# -- helpers --------------------------------------------------------------------------------

def _is_hr() -> bool:
    return current_user.has_role(R.HR_ADMIN)


def _version(code: str, version: int) -> Framework:
    """The version, or 404; a draft is not found for anyone but HR."""
    framework = F.framework_version(code, version)
    if framework is None or (framework.status == "draft" and not _is_hr()):
        abort(404)
    return framework


def _draft(code: str, version: int) -> Framework:
    framework = F.framework_version(code, version)
    if framework is None:
        abort(404)
    return framework


def _not_editable(framework: Framework) -> Response | None:
    """For the GET of an editing page of a version that is not a draft: back to its page,
    saying why (a POST is refused by the operation itself)."""
    if request.method == "GET" and framework.status != "draft":
        flash(_("Version %(version)d of %(code)s is %(status)s: only a draft can be changed. "
                "Create a new version to revise it.", version=framework.version,
                code=framework.code, status=F.status_label(framework.status)), "warning")
        return redirect(_version_url(framework))
    return None


def _read_upload(field) -> bytes | None:
    limit = int(current_app.config.get("LMS_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
    data = field.data.read(limit + 1)
    if len(data) > limit:
        field.errors.append(_("The file is larger than %(mb)s MB.",
                              mb=f"{limit / (1024 * 1024):g}"))
        return None
    return data


def _level_names(framework: Framework | None) -> dict[int, str]:
    """``level -> name`` in the current language."""
    if framework is None:
        return {}
    english = str(get_locale() or "vi") == "en"
    return {level: (s["name_en"] if english and s["name_en"] else s["name_vi"])
            for level, s in F.level_names(framework).items()}


def _version_url(framework: Framework) -> str:
    return url_for("competency.framework_version", code=framework.code,
                   version=framework.version)


# -- frameworks -----------------------------------------------------------------------------

@bp.get("/frameworks")
@role_required()
def frameworks():
    listing = F.all_frameworks()
    if not _is_hr():
        listing = {code: [v for v in versions if v.status != "draft"]
                   for code, versions in listing.items()}
        listing = {code: versions for code, versions in listing.items() if versions}
    current = F.published_framework()
    return render_template("competency/frameworks/index.html", listing=listing,
                           current=current, status_label=F.status_label, is_hr=_is_hr())


@bp.route("/frameworks/new", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def framework_new():
    form = FrameworkForm()
    if form.validate_on_submit():
        ok, framework = run_form_operation(form, lambda: F.create_framework(
            form.code.data, form.name_vi.data, name_en=form.name_en.data or "",
            description_vi=form.description_vi.data or "",
            description_en=form.description_en.data or "",
            scale_levels=form.scale_levels.data))
        if ok:
            flash(_("Framework %(code)s was created as a draft, version 1. Add its fields, "
                    "groups and competencies, then publish it.", code=framework.code),
                  "success")
            return redirect(_version_url(framework))
    status = 400 if request.method == "POST" else 200
    return render_template("competency/frameworks/form.html", form=form,
                           title=_("New competency framework"), submit=_("Create the draft"),
                           cancel=url_for("competency.frameworks")), status


@bp.get("/frameworks/<code>")
@role_required()
def framework(code: str):
    """The version in force (HR: else the newest version)."""
    current = F.published_framework(code)
    if current is None:
        versions = [v for v in F.versions_of(code) if _is_hr() or v.status != "draft"]
        if not versions:
            abort(404)
        current = versions[0]
    return redirect(_version_url(current))


@bp.get("/frameworks/<code>/v<int:version>")
@role_required()
def framework_version(code: str, version: int):
    framework = _version(code, version)
    versions = [v for v in F.versions_of(framework.code) if _is_hr() or v.status != "draft"]
    current = F.published_framework(framework.code)
    rows = F.tree_rows(framework)
    counts = F.spec_from_framework(framework).counts()
    return render_template(
        "competency/frameworks/version.html", framework=framework, versions=versions,
        current=current, rows=rows, counts=counts, levels=_level_names(framework),
        status_label=F.status_label, kind_label=F.kind_label, is_hr=_is_hr(),
        confirm=ConfirmForm())


@bp.route("/frameworks/<code>/v<int:version>/edit", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def framework_edit(code: str, version: int):
    framework = _draft(code, version)
    if (refused := _not_editable(framework)) is not None:
        return refused
    data = None
    if request.method == "GET":
        data = {"name_vi": framework.name_vi, "name_en": framework.name_en,
                "description_vi": framework.description_vi,
                "description_en": framework.description_en,
                "scale_levels": framework.scale_levels}
        for s in F.normalise_scale(framework.scale, framework.scale_levels):
            data[f"level_{s['level']}_vi"] = s["name_vi"]
            data[f"level_{s['level']}_en"] = s["name_en"]
    form = _framework_edit_form(framework, data=data)
    if form.validate_on_submit():
        scale = [{"level": s["level"],
                  "name_vi": (form[f"level_{s['level']}_vi"].data or "").strip(),
                  "name_en": (form[f"level_{s['level']}_en"].data or "").strip()}
                 for s in F.normalise_scale(framework.scale, framework.scale_levels)]
        ok, _fw = run_form_operation(form, lambda: F.update_framework(
            framework, name_vi=form.name_vi.data, name_en=form.name_en.data or "",
            description_vi=form.description_vi.data or "",
            description_en=form.description_en.data or "",
            scale_levels=form.scale_levels.data, scale=scale))
        if ok:
            flash(_("The framework was saved."), "success")
            return redirect(_version_url(framework))
    status = 400 if request.method == "POST" else 200
    return render_template("competency/frameworks/form.html", form=form,
                           title=_("Edit %(code)s, version %(version)d", code=framework.code,
                                   version=framework.version),
                           submit=_("Save"), cancel=_version_url(framework),
                           framework=framework), status


@bp.route("/frameworks/<code>/v<int:version>/nodes/new", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def node_new(code: str, version: int):
    framework = _draft(code, version)
    if (refused := _not_editable(framework)) is not None:
        return refused
    data = None
    if request.method == "GET":
        data = {"parent": F.normalise_code(request.args.get("parent")),
                "kind": request.args.get("kind") or "competency"}
    form = _node_form(framework, data=data)
    if form.validate_on_submit():
        ok, node = run_form_operation(form, lambda: F.save_node(
            framework, None, code=form.code.data, kind=form.kind.data,
            name_vi=form.name_vi.data, name_en=form.name_en.data or "",
            description_vi=form.description_vi.data or "",
            description_en=form.description_en.data or "", parent_code=form.parent.data,
            field_code=form.field_code.data, sort_order=form.sort_order.data,
            criteria=_criteria_from(form)))
        if ok:
            flash(_("%(code)s was added.", code=node.code), "success")
            return redirect(_version_url(framework) + f"#node-{node.code}")
    status = 400 if request.method == "POST" else 200
    return render_template("competency/frameworks/form.html", form=form,
                           title=_("Add to %(code)s, version %(version)d", code=framework.code,
                                   version=framework.version),
                           submit=_("Add"), cancel=_version_url(framework),
                           framework=framework), status


@bp.route("/frameworks/<code>/v<int:version>/nodes/<node_code>/edit", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def node_edit(code: str, version: int, node_code: str):
    framework = _draft(code, version)
    node = F.node_by_code(framework, node_code)
    if node is None:
        abort(404)
    if (refused := _not_editable(framework)) is not None:
        return refused
    data = None
    if request.method == "GET":
        data = {"code": node.code, "kind": node.kind,
                "parent": node.parent.code if node.parent else "",
                "name_vi": node.name_vi, "name_en": node.name_en,
                "description_vi": node.description_vi, "description_en": node.description_en,
                "field_code": node.field_code or "", "sort_order": node.sort_order}
        for c in node.criteria:
            data[f"level_{c.level}_vi"] = c.criteria_vi
            data[f"level_{c.level}_en"] = c.criteria_en
    form = _node_form(framework, node, data=data)
    if form.validate_on_submit():
        ok, saved = run_form_operation(form, lambda: F.save_node(
            framework, node, code=form.code.data, kind=form.kind.data,
            name_vi=form.name_vi.data, name_en=form.name_en.data or "",
            description_vi=form.description_vi.data or "",
            description_en=form.description_en.data or "", parent_code=form.parent.data,
            field_code=form.field_code.data, sort_order=form.sort_order.data,
            criteria=_criteria_from(form)))
        if ok:
            flash(_("%(code)s was saved.", code=saved.code), "success")
            return redirect(_version_url(framework) + f"#node-{saved.code}")
    status = 400 if request.method == "POST" else 200
    return render_template("competency/frameworks/form.html", form=form,
                           title=_("Edit %(code)s", code=node.code), submit=_("Save"),
                           cancel=_version_url(framework), framework=framework,
                           delete_url=url_for("competency.node_delete", code=framework.code,
                                              version=framework.version,
                                              node_code=node.code),
                           confirm=ConfirmForm()), status


def _post_action(code: str, version: int, action, success) -> Response:
    """Run ``action(framework)`` for a button: commit and flash ``success(result)``, or flash
    the refusal; back to the version page (or where ``success`` says)."""
    framework = _draft(code, version)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = action(framework)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(_version_url(framework))
    message, target = success(framework, result)
    db.session.commit()
    flash(message, "success")
    return redirect(target)


@bp.post("/frameworks/<code>/v<int:version>/nodes/<node_code>/delete")
@role_required(R.HR_ADMIN)
def node_delete(code: str, version: int, node_code: str):
    framework = _draft(code, version)
    node = F.node_by_code(framework, node_code)
    if node is None:
        abort(404)
    return _post_action(
        code, version, lambda fw: F.delete_node(fw, node),
        lambda fw, _r: (_("%(code)s was deleted.", code=node_code), _version_url(fw)))


@bp.post("/frameworks/<code>/v<int:version>/publish")
@role_required(R.HR_ADMIN)
def framework_publish(code: str, version: int):
    def done(fw, _result):
        missing = profiles.missing_codes()
        if missing:
            flash(_("Position profiles require competencies this version does not have: "
                    "%(codes)s. Update the profiles.", codes=", ".join(sorted(missing))),
                  "warning")
        return (_("Version %(version)d of %(code)s is published; the version before it is "
                  "retired and stays readable.", version=fw.version, code=fw.code),
                _version_url(fw))

    return _post_action(code, version, F.publish, done)


@bp.post("/frameworks/<code>/v<int:version>/revise")
@role_required(R.HR_ADMIN)
def framework_revise(code: str, version: int):
    return _post_action(
        code, version, F.revise,
        lambda fw, new: (_("Version %(version)d was created as a draft, a copy of version "
                           "%(old)d. Edit it, then publish it.", version=new.version,
                           old=fw.version), _version_url(new)))


@bp.post("/frameworks/<code>/v<int:version>/discard")
@role_required(R.HR_ADMIN)
def framework_discard(code: str, version: int):
    return _post_action(
        code, version, F.discard,
        lambda fw, _r: (_("The draft version %(version)d of %(code)s was discarded.",
                          version=version, code=code), url_for("competency.frameworks")))


@bp.get("/frameworks/<code>/v<int:version>/export.<fmt>")
@role_required(R.HR_ADMIN)
def framework_export(code: str, version: int, fmt: str):
    framework = _draft(code, version)
    fmt = {"csv": "csv", "json": "case"}.get(fmt)
    if fmt is None:
        abort(404)
    body, mimetype, filename = interchange.export_bytes(framework, fmt)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/frameworks/import", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def framework_import():
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        data = _read_upload(form.file)
        if data is not None:
            try:
                report = interchange.import_framework(
                    data, form.fmt.data or None, filename=form.file.data.filename or "",
                    dry_run=form.dry_run.data, code=form.code.data or None,
                    publish=form.publish.data)
            except UserError as exc:
                db.session.rollback()
                form.file.errors.append(exc.message)
            else:
                if report.written:
                    db.session.commit()
                    flash(_("%(code)s was imported as version %(version)d.",
                            code=report.framework.code, version=report.framework.version),
                          "success")
                    return redirect(_version_url(report.framework))
                db.session.rollback()
                if not report.ok:
                    status = 422
        if report is None:
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("competency/frameworks/import.html", form=form, report=report,
                           columns=interchange.MOODLE_COLUMNS, extra=interchange.EXTRA_COLUMNS,
                           max_preview=MAX_PREVIEW), status


# -- position profiles ----------------------------------------------------------------------

def _position(code: str):
    position = org.position_by_code(code)
    if position is None:
        abort(404)
    return position


@bp.get("/positions")
@role_required()
def positions():
    listing = profiles.all_positions()
    return render_template("competency/profiles/index.html", positions=listing,
                           counts=profiles.requirement_counts(),
                           framework=F.published_framework(), is_hr=_is_hr())


def _requirement_form(index, top, **kwargs) -> RequirementForm:
    form = RequirementForm(**kwargs)
    form.competency_code.choices = [("", _("— choose —"))] + [
        (code, f"{code} – {localized(node)}") for code, node in index.items()]
    form.required_level.validators = [InputRequired(_("Enter the required level.")),
                                      NumberRange(1, top)]
    return form


def _render_profile(position, form, status: int = 200):
    framework = F.published_framework()
    index = F.competency_index(framework)
    top = F.scale_max(framework)
    names = _level_names(framework)
    rows = [(r, index.get(r.competency_code)) for r in profiles.requirements_for(position.id)]
    chart = charts.hbar_svg(
        [(f"{r.competency_code} {localized(node) if node else ''}".strip(), r.required_level)
         for r, node in rows], top,
        title=_("Required levels of %(position)s", position=localized(position)))
    return render_template(
        "competency/profiles/position.html", position=position, rows=rows, chart=chart,
        framework=framework, names=names, top=top, form=form, is_hr=_is_hr(),
        confirm=ConfirmForm()), status


@bp.get("/positions/<code>")
@role_required()
def position_profile(code: str):
    position = _position(code)
    form = None
    if _is_hr():
        chosen = F.normalise_code(request.args.get("competency"))
        data = {"competency_code": chosen, "weight": 1}
        for r in profiles.requirements_for(position.id):
            if r.competency_code == chosen:
                data.update(required_level=r.required_level, weight=r.weight)
        form = _requirement_form(F.competency_index(), F.scale_max(), data=data)
    return _render_profile(position, form)


@bp.post("/positions/<code>/requirements")
@role_required(R.HR_ADMIN)
def requirement_save(code: str):
    position = _position(code)
    form = _requirement_form(F.competency_index(), F.scale_max())
    if form.validate_on_submit():
        ok, row = run_form_operation(form, lambda: profiles.set_requirement(
            position, form.competency_code.data, form.required_level.data, form.weight.data))
        if ok:
            flash(_("%(position)s now requires level %(level)d of %(code)s (weight %(weight)s).",
                    position=position.code, level=row.required_level, code=row.competency_code,
                    weight=f"{row.weight:g}"), "success")
            return redirect(url_for("competency.position_profile", code=position.code))
    return _render_profile(position, form, 400)


@bp.post("/positions/<code>/requirements/<competency>/delete")
@role_required(R.HR_ADMIN)
def requirement_delete(code: str, competency: str):
    position = _position(code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        profiles.remove_requirement(position, competency)
    except UserError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("%(code)s was removed from the profile of %(position)s.",
            code=F.normalise_code(competency), position=position.code), "success")
    return redirect(url_for("competency.position_profile", code=position.code))


@bp.route("/profiles/import", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def profiles_import():
    form = ProfileImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        data = _read_upload(form.file)
        if data is not None:
            try:
                report = profiles.import_requirements_csv(
                    data, dry_run=form.dry_run.data, replace=form.replace.data)
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
    return render_template("competency/profiles/import.html", form=form, report=report,
                           columns=profiles.COLUMNS, max_preview=MAX_PREVIEW,
                           top=F.scale_max()), status


@bp.get("/profiles/export.csv")
@role_required(R.HR_ADMIN)
def profiles_export():
    return Response(profiles.export_requirements_csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             "attachment; filename=position-profiles.csv"})
