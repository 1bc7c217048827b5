"""HR administration of the organisation: units, positions, people, assignments.

Every page is for HR administrators only. A POST validates its form, calls an operation,
commits once and redirects with a message; bad input (a form error or a
:class:`~lms_core.errors.UserError` from the operation) is shown on the form with status 400
and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.identity.models import User
from lms_core.organisation import forms as F
from lms_core.organisation import operations as ops
from lms_core.organisation import queries as q
from lms_core.organisation.models import JobPosition, ProfessionalField, Unit
from lms_core.ui.forms import HIDDEN_FIELD_TYPES, run_form_operation
from lms_core.ui.i18n import fmt_date, localized

bp = Blueprint("org_admin", __name__, url_prefix="/admin")



# -- helpers --------------------------------------------------------------------------------

def _unit(code: str) -> Unit:
    unit = q.unit_by_code(code)
    if unit is None:
        abort(404)
    return unit


def _unit_by_id(unit_id: int | None) -> Unit | None:
    return db.session.get(Unit, unit_id) if unit_id else None


def _position_by_id(position_id: int | None) -> JobPosition | None:
    return db.session.get(JobPosition, position_id) if position_id else None


def _person(code: str) -> User:
    person = db.session.scalar(sa.select(User).where(User.code == code.strip().upper()))
    if person is None:
        abort(404)
    return person


def _actor() -> User:
    return current_user._get_current_object()


def _render(form, *, title: str, submit: str, cancel: str,
            template: str = "org/admin/form.html",
            groups: Iterable[tuple[str | None, Iterable[str]]] | None = None,
            status: int | None = None, **context):
    """The form page; status 400 after a refused POST."""
    visible = [f for f in form if f.type not in HIDDEN_FIELD_TYPES]
    if groups is None:
        grouped = [(None, visible)]
    else:
        grouped = [(legend, [form[name] for name in names if name in form])
                   for legend, names in groups]
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, title=title, submit=submit, cancel=cancel,
                           groups=grouped, **context), status


# -- units ----------------------------------------------------------------------------------

@bp.route("/units/new", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def unit_new():
    form = F.UnitForm()
    if request.method == "GET" and (parent := q.unit_by_code(request.args.get("parent", ""))):
        form.parent.data = parent.id
    if form.validate_on_submit():
        ok, unit = run_form_operation(form, lambda: ops.create_unit(
            form.code.data, form.name_vi.data, form.name_en.data or "", form.kind.data,
            parent=_unit_by_id(form.parent.data), on=form.on.data, note=form.note.data,
            actor=_actor()))
        if ok:
            flash(_("Unit %(code)s was created.", code=unit.code), "success")
            return redirect(url_for("org.unit", code=unit.code))
    return _render(form, title=_("New unit"), submit=_("Create the unit"),
                   cancel=url_for("org.units"))


@bp.route("/units/<code>/rename", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def unit_rename(code: str):
    unit = _unit(code)
    form = F.RenameForm(data={"name_vi": unit.name_vi, "name_en": unit.name_en})
    if form.validate_on_submit():
        ok, _event = run_form_operation(form, lambda: ops.rename_unit(
            unit, form.name_vi.data, form.name_en.data or "", on=form.on.data,
            note=form.note.data, actor=_actor()))
        if ok:
            flash(_("Unit %(code)s was renamed from %(day)s.", code=unit.code,
                    day=fmt_date(form.on.data)), "success")
            return redirect(url_for("org.unit", code=unit.code))
    return _render(form, title=_("Rename %(unit)s", unit=localized(unit)), submit=_("Rename"),
                   cancel=url_for("org.unit", code=unit.code),
                   intro=[_("The old name stays on record until the effective date.")])


@bp.route("/units/<code>/move", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def unit_move(code: str):
    unit = _unit(code)
    form = F.MoveForm(unit, data={"parent": unit.parent_id})
    if form.validate_on_submit():
        ok, _event = run_form_operation(form, lambda: ops.move_unit(
            unit, _unit_by_id(form.parent.data), on=form.on.data, note=form.note.data,
            actor=_actor()))
        if ok:
            flash(_("Unit %(code)s was moved.", code=unit.code), "success")
            return redirect(url_for("org.unit", code=unit.code))
    return _render(form, title=_("Move %(unit)s", unit=localized(unit)), submit=_("Move"),
                   cancel=url_for("org.unit", code=unit.code),
                   intro=[_("The unit moves with all the units below it.")])


@bp.route("/units/merge", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def unit_merge():
    form = F.MergeForm()
    if request.method == "GET":
        if source := q.unit_by_code(request.args.get("source", "")):
            form.sources.data = [source.id]
        if target := q.unit_by_code(request.args.get("target", "")):
            form.target.data = target.id
    if form.validate_on_submit():
        def merge():
            sources = [_unit_by_id(i) for i in form.sources.data]
            return ops.merge_units(sources, _unit_by_id(form.target.data), on=form.on.data,
                                   note=form.note.data, actor=_actor())

        ok, event = run_form_operation(form, merge)
        if ok:
            target = event.units("target")[0]
            flash(_("The units were merged into %(code)s from %(day)s.", code=target.code,
                    day=fmt_date(form.on.data)), "success")
            return redirect(url_for("org.unit", code=target.code))
    return _render(form, title=_("Merge units"), submit=_("Merge"), cancel=url_for("org.units"),
                   intro=[_("From the effective date the members of the merged units continue "
                            "in the target unit with the same job position, the units below "
                            "them move under it, and the merged units are dissolved. Who "
                            "belonged where before that date stays on record.")])


@bp.route("/units/<code>/split", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def unit_split(code: str):
    source = _unit(code)
    members = sorted(q.members(source.id, recursive=False), key=lambda a: a.user.full_name)
    children = sorted((c for c in source.children if c.is_active), key=lambda c: c.code)
    allocating = request.form.get("allocating") == "1"
    form = F.split_form(source, members, children, allocating=allocating)
    groups = [(None, ["main_target", "other_targets", "on", "note"])]
    if allocating:
        groups += [(_("Members"), [name for _uid, name in form.member_fields]),
                   (_("Units below"), [name for _cid, name in form.child_fields])]
    page = {"title": _("Split %(unit)s", unit=localized(source)), "submit": _("Split"),
            "cancel": url_for("org.unit", code=source.code), "template": "org/admin/split.html",
            "allocating": allocating, "can_allocate": bool(members or children),
            "intro": [_("From the effective date the unit is dissolved and its members and the "
                        "units below it go to the main target unit, with the same job "
                        "position. To send some of them to another target, choose the targets "
                        "and press “Choose per member”.")]}
    if form.validate_on_submit():
        if "allocate" in request.form and not allocating:
            # Step one of two: the targets are known; show a select per member and child.
            form = F.split_form(source, members, children, allocating=True)
            form.allocating.data = "1"
            groups += [(_("Members"), [name for _uid, name in form.member_fields]),
                       (_("Units below"), [name for _cid, name in form.child_fields])]
            return _render(form, groups=groups, status=200, **page | {"allocating": True})

        def split():
            targets = [_unit_by_id(i) for i in [form.main_target.data, *form.other_targets.data]]
            member_ids, child_ids = form.allocation()
            return ops.split_unit(
                source, targets, on=form.on.data,
                member_targets={uid: _unit_by_id(t) for uid, t in member_ids.items()},
                child_targets={cid: _unit_by_id(t) for cid, t in child_ids.items()},
                note=form.note.data, actor=_actor())

        ok, _event = run_form_operation(form, split)
        if ok:
            flash(_("Unit %(code)s was split from %(day)s.", code=source.code,
                    day=fmt_date(form.on.data)), "success")
            return redirect(url_for("org.unit", code=source.code))
    return _render(form, groups=groups, **page)


@bp.route("/units/<code>/dissolve", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def unit_dissolve(code: str):
    unit = _unit(code)
    form = F.DissolveForm()
    if form.validate_on_submit():
        ok, _event = run_form_operation(form, lambda: ops.dissolve_unit(
            unit, on=form.on.data, note=form.note.data, actor=_actor()))
        if ok:
            flash(_("Unit %(code)s was dissolved from %(day)s.", code=unit.code,
                    day=fmt_date(form.on.data)), "success")
            return redirect(url_for("org.unit", code=unit.code))
    children = sum(1 for c in unit.children if c.is_active)
    return _render(form, title=_("Dissolve %(unit)s", unit=localized(unit)),
                   submit=_("Dissolve"), cancel=url_for("org.unit", code=unit.code),
                   intro=[_("Only an empty unit can be dissolved: move its members and the units "
                            "below it first, or merge it into another unit."),
                          _("Now: %(members)d officers, %(units)d units below.",
                            members=q.member_count(unit.id, recursive=False), units=children)])


# -- positions and professional fields ------------------------------------------------------

@bp.route("/positions/new", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def position_new():
    form = F.PositionForm()
    if form.validate_on_submit():
        ok, position = run_form_operation(form, lambda: ops.save_position(
            form.code.data, form.name_vi.data, form.name_en.data or "",
            field=db.session.get(ProfessionalField, form.field_id.data) if form.field_id.data
            else None, is_leadership=form.is_leadership.data, description=form.description.data))
        if ok:
            flash(_("Job position %(code)s was saved.", code=position.code), "success")
            return redirect(url_for("org.positions"))
    return _render(form, title=_("New job position"), submit=_("Save"),
                   cancel=url_for("org.positions"))


@bp.route("/positions/<code>/edit", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def position_edit(code: str):
    position = q.position_by_code(code)
    if position is None:
        abort(404)
    form = F.PositionForm(obj=position)
    del form.code
    if form.validate_on_submit():
        ok, _position = run_form_operation(form, lambda: ops.save_position(
            position.code, form.name_vi.data, form.name_en.data or "",
            field=db.session.get(ProfessionalField, form.field_id.data) if form.field_id.data
            else None, is_leadership=form.is_leadership.data, description=form.description.data))
        if ok:
            flash(_("Job position %(code)s was saved.", code=position.code), "success")
            return redirect(url_for("org.positions"))
    return _render(form, title=_("Job position %(code)s", code=position.code), submit=_("Save"),
                   cancel=url_for("org.positions"))


def _fields() -> list[ProfessionalField]:
    return list(db.session.scalars(sa.select(ProfessionalField).order_by(ProfessionalField.code)))


@bp.route("/fields", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def fields():
    form = F.FieldForm()
    if form.validate_on_submit():
        ok, field = run_form_operation(form, lambda: ops.save_field(
            form.code.data, form.name_vi.data, form.name_en.data or ""))
        if ok:
            flash(_("Professional field %(code)s was saved.", code=field.code), "success")
            return redirect(url_for("org_admin.fields"))
    return _render(form, title=_("Professional fields"), submit=_("Add the field"),
                   cancel=url_for("org.positions"), template="org/admin/fields.html",
                   field_list=_fields())


@bp.route("/fields/<code>/edit", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def field_edit(code: str):
    field = db.session.scalar(
        sa.select(ProfessionalField).where(ProfessionalField.code == code.strip().upper()))
    if field is None:
        abort(404)
    form = F.FieldForm(obj=field)
    del form.code
    if form.validate_on_submit():
        ok, _field = run_form_operation(form, lambda: ops.save_field(
            field.code, form.name_vi.data, form.name_en.data or ""))
        if ok:
            flash(_("Professional field %(code)s was saved.", code=field.code), "success")
            return redirect(url_for("org_admin.fields"))
    return _render(form, title=_("Professional field %(code)s", code=field.code),
                   submit=_("Save"), cancel=url_for("org_admin.fields"))


# -- people ---------------------------------------------------------------------------------

def _create_person(form: F.PersonForm) -> User:
    person = id_ops.create_user(
        form.username.data, form.full_name.data, code=form.code.data or None,
        password=form.password.data, roles=form.roles.data, email=form.email.data or None)
    person.must_change_password = True
    if form.unit.data:
        ops.assign(person, _unit_by_id(form.unit.data), _position_by_id(form.position.data),
                   start_on=form.start_on.data, kind="appointment")
    db.session.flush()
    return person


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def person_new():
    form = F.PersonForm(data={"roles": [R.OFFICER]})
    if form.validate_on_submit():
        ok, person = run_form_operation(form, lambda: _create_person(form))
        if ok:
            flash(_("The account %(name)s was created; the person must change the password at "
                    "the first login.", name=person.username), "success")
            return redirect(url_for("org.user", code=person.code))
    return _render(form, title=_("New person"), submit=_("Create the account"),
                   cancel=url_for("org.users"),
                   groups=[(None, ["username", "full_name", "code", "email", "roles", "password"]),
                           (_("First assignment (optional)"), ["unit", "position", "start_on"])])


@bp.route("/people/<code>/roles", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def person_roles(code: str):
    person = _person(code)
    form = F.RolesForm(person, data={"roles": sorted(person.roles - {R.UNIT_HEAD}),
                                     "heads": sorted(person.headed_unit_ids)})
    if form.validate_on_submit():
        ok, _result = run_form_operation(form, lambda: id_ops.set_roles(
            person, set(form.roles.data), keep_heads=set(form.heads.data),
            add_head=form.add_head.data, actor=_actor()))
        if ok:
            flash(_("The roles of %(name)s were saved.", name=person.full_name), "success")
            return redirect(url_for("org.user", code=person.code))
    return _render(form, title=_("Roles of %(name)s", name=person.full_name), submit=_("Save"),
                   cancel=url_for("org.user", code=person.code),
                   intro=[_("A unit head sees the people and data of the unit they lead and of "
                            "the units below it.")])


@bp.route("/people/<code>/assign", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def person_assign(code: str):
    person = _person(code)
    form = F.AssignForm()
    if form.validate_on_submit():
        ok, assignment = run_form_operation(form, lambda: ops.assign(
            person, _unit_by_id(form.unit.data), _position_by_id(form.position.data),
            start_on=form.start_on.data, kind=form.kind.data,
            planned_end_on=form.planned_end_on.data, note=form.note.data))
        if ok:
            flash(_("The new assignment of %(name)s starts on %(day)s.", name=person.full_name,
                    day=fmt_date(assignment.start_on)), "success")
            return redirect(url_for("org.user", code=person.code))
    current = q.current_assignment(person)
    intro = [_("The current assignment ends the day the new one starts. A rotation is recorded "
               "here with the kind “Rotation”.")]
    if current is not None:
        intro.append(_("Current: %(unit)s, since %(day)s.", unit=localized(current.unit),
                       day=fmt_date(current.start_on)))
    return _render(form, title=_("New assignment for %(name)s", name=person.full_name),
                   submit=_("Record the assignment"),
                   cancel=url_for("org.user", code=person.code), intro=intro)


@bp.route("/people/<code>/end", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def person_end(code: str):
    person = _person(code)
    form = F.EndForm()
    if form.validate_on_submit():
        ok, _assignment = run_form_operation(
            form, lambda: ops.end_assignment(person, on=form.on.data))
        if ok:
            flash(_("The assignment of %(name)s ends on %(day)s.", name=person.full_name,
                    day=fmt_date(form.on.data)), "success")
            return redirect(url_for("org.user", code=person.code))
    current = q.current_assignment(person)
    intro = [_("For retirement or leaving the service; a move to another unit is a new "
               "assignment instead.")]
    if current is not None:
        intro.append(_("Current: %(unit)s, since %(day)s.", unit=localized(current.unit),
                       day=fmt_date(current.start_on)))
    return _render(form, title=_("End the assignment of %(name)s", name=person.full_name),
                   submit=_("End the assignment"), cancel=url_for("org.user", code=person.code),
                   intro=intro)


@bp.route("/people/<code>/unlock", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def person_unlock(code: str):
    person = _person(code)
    form = F.ConfirmForm()
    if form.validate_on_submit():
        ok, _result = run_form_operation(form, lambda: id_ops.unlock(person))
        if ok:
            flash(_("The account %(name)s was unlocked.", name=person.username), "success")
            return redirect(url_for("org.user", code=person.code))
    return _render(form, title=_("Unlock the account of %(name)s", name=person.full_name),
                   submit=_("Unlock"), cancel=url_for("org.user", code=person.code),
                   intro=[_("The failed logins are forgotten and the person can log in again.")])


@bp.route("/people/<code>/active", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def person_active(code: str):
    person = _person(code)
    # The target state comes from the form that was shown; a POST without it is refused.
    form = F.ActiveForm(data={"active": "0" if person.active else "1"}
                        if request.method == "GET" else None)
    if form.validate_on_submit():
        active = form.active.data == "1"
        ok, _result = run_form_operation(
            form, lambda: id_ops.set_active(person, active, actor=_actor()))
        if ok:
            flash(_("The account %(name)s was reactivated.", name=person.username) if active
                  else _("The account %(name)s was deactivated.", name=person.username),
                  "success")
            return redirect(url_for("org.user", code=person.code))
    activating = form.active.data == "1"
    return _render(
        form,
        title=(_("Reactivate the account of %(name)s", name=person.full_name) if activating
               else _("Deactivate the account of %(name)s", name=person.full_name)),
        submit=_("Reactivate") if activating else _("Deactivate"),
        cancel=url_for("org.user", code=person.code),
        intro=[_("A deactivated account cannot log in; its history, assignments and results "
                 "are kept.")])
