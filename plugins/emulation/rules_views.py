"""Pages of the campaign's scoring rules.

Who may see what:

- the rules of each phase and every version of them (the criteria tree, the formulas, the
  settings), and the campaign's periods: anyone logged in — officers and units are scored
  by rules they can read;
- creating the campaign, importing a YAML file (with a dry run that previews it), downloading
  a version as YAML, editing the targets, points and caps (which creates a new version) and
  activating a version: HR administrators only (others get 403).

Every POST validates its form, calls an operation (rules.py, campaign.py), commits once and
redirects; bad input is shown with status 400 and changes nothing.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from plugins.emulation import campaign, rules
from plugins.emulation import measures as MS
from plugins.emulation.blueprint import bp

KIND_LABELS = {
    "group": _l("Group"),
    "quantitative": _l("Quantitative (against a target)"),
    "pass_fail": _l("Pass/fail"),
    "occurrence": _l("Points per occurrence"),
    "bonus": _l("Bonus"),
    "penalty": _l("Penalty"),
}
FORMULAS = {
    "quantitative": _l("min(value ÷ target, cap) × points"),
    "pass_fail": _l("points when value ≥ target"),
    "occurrence": _l("min(points × count, cap)"),
    "bonus": _l("+ min(points × count, cap), on top"),
    "penalty": _l("− min(points × count, cap)"),
}
SUBJECT_LABELS = {"user": _l("Officers"), "unit": _l("Units")}
STATUS_LABELS = {"draft": _l("draft"), "active": _l("active"), "retired": _l("retired")}


class ImportForm(FlaskForm):
    file = FileField(_l("Rules file (YAML)"))
    phase = SelectField(_l("Phase"), choices=[], validate_choice=False)
    dry_run = BooleanField(_l("Dry run: check and preview, save nothing"), default=True)
    activate = BooleanField(_l("Activate the new version at once"))


class EditForm(FlaskForm):
    activate = BooleanField(_l("Activate the new version at once"))


class ActionForm(FlaskForm):
    pass


def _is_hr() -> bool:
    return current_user.has_role(R.HR_ADMIN)


def _version(phase: int, version: int):
    try:
        phase_row = campaign.phase_row(phase)
    except UserError:
        abort(404)
    rule_set = rules.rule_set_by_version(phase_row, version)
    if rule_set is None:
        abort(404)
    return phase_row, rule_set


def _spec_rows(spec: rules.RuleSpec) -> list[tuple[rules.CriterionSpec, int]]:
    out: list[tuple[rules.CriterionSpec, int]] = []

    def walk(code, depth):
        for c in spec.children(code):
            out.append((c, depth))
            walk(c.code, depth + 1)

    walk(None, 0)
    return out


#: The fields of each kind of indicator that the edit page offers.
EDIT_FIELDS = {
    "quantitative": ("target", "target_quarter", "points", "cap"),
    "pass_fail": ("target", "target_quarter", "points"),
    "occurrence": ("points", "cap"),
    "bonus": ("points", "cap"),
    "penalty": ("points", "cap"),
}
FIELD_LABELS = {"target": _l("Target (year)"), "target_quarter": _l("Target (quarter)"),
                "points": _l("Points"), "cap": _l("Cap"), "max_points": _l("Max. points")}


def _value_text(value) -> str:
    """A parameter's value for reading: lists joined, mappings as ``key: value``."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _helpers() -> dict:
    return {"kind_label": lambda k: KIND_LABELS.get(k, k),
            "value_text": _value_text,
            "formula": lambda k: FORMULAS.get(k, ""),
            "subject_label": lambda s: SUBJECT_LABELS.get(s, s),
            "status_label": lambda s: STATUS_LABELS.get(s, s),
            "measure_label": lambda key: (MS.get(key).label if MS.get(key) else key),
            "measure_unit": lambda key: (MS.get(key).unit if MS.get(key) else ""),
            "measure_available": lambda key: (MS.get(key).available if MS.get(key) else False),
            "is_hr": _is_hr()}


@bp.get("/rules")
@role_required()
def rules_index():
    phases = []
    for phase in campaign.phase_rows():
        versions = rules.rule_sets(phase)
        phases.append((phase, versions, next((v for v in versions if v.status == "active"),
                                             None)))
    return render_template("emulation/rules/index.html", phases=phases,
                           campaign=campaign.campaign(), periods=campaign.periods(),
                           form=ActionForm(), **_helpers())


@bp.post("/rules/campaign")
@role_required(R.HR_ADMIN)
def campaign_init():
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        campaign.ensure_campaign()
    except UserError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("emulation.rules_index"))
    db.session.commit()
    flash(_("The campaign, its phases and periods are ready. Import the rules of each phase."),
          "success")
    return redirect(url_for("emulation.rules_index"))


@bp.get("/rules/<int:phase>/v<int:version>")
@role_required()
def rules_version(phase: int, version: int):
    phase_row, rule_set = _version(phase, version)
    settings = rules.merged_settings(rule_set.settings)
    return render_template("emulation/rules/version.html", phase=phase_row, rule_set=rule_set,
                           rows=rules.tree_rows(rule_set), versions=rules.rule_sets(phase_row),
                           settings=settings, scale=settings.get("_scale", 100),
                           target_quarter=lambda c: (c.params or {}).get(rules.TARGET_QUARTER),
                           params=rules.measure_params, form=ActionForm(), **_helpers())


@bp.get("/rules/<int:phase>/v<int:version>/export.yaml")
@role_required(R.HR_ADMIN)
def rules_export(phase: int, version: int):
    _phase_row, rule_set = _version(phase, version)
    return Response(rules.export_yaml(rule_set), mimetype="application/x-yaml", headers={
        "Content-Disposition":
            f"attachment; filename=emulation-rules-phase{phase}-v{version}.yaml"})


@bp.post("/rules/<int:phase>/v<int:version>/activate")
@role_required(R.HR_ADMIN)
def rules_activate(phase: int, version: int):
    _phase_row, rule_set = _version(phase, version)
    if not ActionForm().validate_on_submit():
        abort(400)
    if rule_set.status == "active":
        flash(_("Version %(version)d is already the active one.", version=version), "info")
        return redirect(url_for("emulation.rules_version", phase=phase, version=version))
    rules.activate_rule_set(rule_set, current_user)
    db.session.commit()
    flash(_("Version %(version)d is now the active rules of phase %(phase)d; the scores of its "
            "open periods are rebuilt by the next scoring pass.", version=version, phase=phase),
          "success")
    return redirect(url_for("emulation.rules_version", phase=phase, version=version))


def _number(text: str | None, label: str, problems: list[str]) -> float | None:
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        problems.append(_("%(what)s: “%(text)s” is not a number.", what=label, text=text))
        return None


@bp.route("/rules/<int:phase>/v<int:version>/edit", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def rules_edit(phase: int, version: int):
    phase_row, rule_set = _version(phase, version)
    form = EditForm()
    rows = rules.tree_rows(rule_set)
    problems: list[str] = []
    values = request.form if request.method == "POST" else None
    if form.validate_on_submit():
        changes: dict[str, dict] = {}
        for c, _depth in rows:
            if c.kind == "group":
                changes[c.code] = {"max_points": _number(
                    values.get(f"{c.code}:max_points"), f"{c.code} max_points", problems)}
                continue
            changes[c.code] = {key: _number(values.get(f"{c.code}:{key}"),
                                            f"{c.code} {FIELD_LABELS[key]}", problems)
                               for key in rules.EDITABLE}
        if not problems:
            report = rules.revise(rule_set, changes, actor=current_user,
                                  activate=form.activate.data)
            if report.ok:
                db.session.commit()
                if report.action == "unchanged":
                    flash(_("Nothing changed: no new version was created."), "info")
                    return redirect(url_for("emulation.rules_version", phase=phase,
                                            version=version))
                flash(_("Version %(version)d created%(active)s.", version=report.version,
                        active=_(" and activated") if report.activated else ""), "success")
                return redirect(url_for("emulation.rules_version", phase=phase,
                                        version=report.version))
            db.session.rollback()
            problems = report.problems
    elif request.method == "POST":
        problems.append(_("The form has expired: send it again."))

    def current(c, key):
        if values is not None:
            return values.get(f"{c.code}:{key}", "")
        if key == "target_quarter":
            value = (c.params or {}).get(rules.TARGET_QUARTER)
        else:
            value = getattr(c, key)
        return "" if value is None else f"{value:g}"

    status = 400 if request.method == "POST" else 200
    return render_template("emulation/rules/edit.html", phase=phase_row, rule_set=rule_set,
                           rows=rows, form=form, problems=problems, current=current,
                           edit_fields=EDIT_FIELDS, field_labels=FIELD_LABELS,
                           **_helpers()), status


@bp.route("/rules/import", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def rules_import():
    form = ImportForm()
    form.phase.choices = [(str(p.number), p.name_vi) for p in campaign.phase_rows()]
    report, rows, problems = None, [], []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload else b""
        if not data:
            problems.append(_("Choose a YAML rules file."))
        elif not form.phase.data or not form.phase.data.isdigit():
            problems.append(_("Choose the phase."))
        else:
            report = rules.import_rules(data, phase=int(form.phase.data),
                                        dry_run=form.dry_run.data,
                                        activate=form.activate.data, actor=current_user)
            if report.ok and not report.dry_run and report.action == "create":
                db.session.commit()
                flash(_("Version %(version)d of the rules of phase %(phase)d created%(active)s.",
                        version=report.version, phase=report.phase,
                        active=_(" and activated") if report.activated else ""), "success")
                return redirect(url_for("emulation.rules_version", phase=report.phase,
                                        version=report.version))
            if report.ok:
                db.session.commit()  # "unchanged" may have activated the version
                rows = _spec_rows(report.spec)
            else:
                db.session.rollback()
                problems = report.problems
    elif request.method == "POST":
        problems.append(_("Choose a YAML rules file and the phase."))
    status = 400 if problems else 200
    return render_template("emulation/rules/import.html", form=form, report=report, rows=rows,
                           problems=problems, measures=sorted(MS.MEASURES.values(),
                                                             key=lambda m: (m.subject, m.key)),
                           spec_params=lambda c: c.params, spec_tq=lambda c: c.target_quarter,
                           **_helpers()), status
