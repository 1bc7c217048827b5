"""Forms of the HR administration pages: units, positions, professional fields, people.

Select fields list today's active units in tree order (indented) and are filled when the
form is built, in the current language. Dates are entered dd/mm/yyyy.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp, ValidationError

from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.organisation import queries as q
from lms_core.organisation.models import (
    ASSIGNMENT_KINDS,
    UNIT_KINDS,
    JobPosition,
    ProfessionalField,
    Unit,
)
from lms_core.ui.i18n import fmt_date, localized, parse_date

UNIT_KIND_LABELS = {
    "department": _l("Department (Vụ, Cục)"),
    "central": _l("Central unit"),
    "branch": _l("Regional branch"),
    "provincial": _l("Provincial customs department"),
    "sub_department": _l("Sub-department (Chi cục)"),
    "team": _l("Team (Đội)"),
    "school": _l("School"),
}

#: The kinds an HR administrator records by hand; ``restructure`` is written by merges/splits.
ASSIGNMENT_KIND_LABELS = {
    "appointment": _l("Appointment"),
    "transfer": _l("Transfer"),
    "rotation": _l("Rotation"),
    "promotion": _l("Promotion"),
}
assert set(UNIT_KIND_LABELS) == set(UNIT_KINDS)
assert set(ASSIGNMENT_KIND_LABELS) <= set(ASSIGNMENT_KINDS)

#: The roles granted with a plain checkbox; unit heads are granted per unit.
PLAIN_ROLES = (R.OFFICER, R.AUTHOR, R.HR_ADMIN)

#: WTForms' own messages that our forms can show, in our catalog (WTForms has no Vietnamese).
_WTFORMS_MESSAGES = {
    "This field is required.": _l("This field is required."),
    "Not a valid choice.": _l("Not a valid choice."),
    "Invalid Choice: could not coerce.": _l("Not a valid choice."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l("Not a valid choice."),
    "'%(value)s' is not a valid choice for this field.": _l("Not a valid choice."),
    "'%(value)s' are not valid choices for this field.": _l("Not a valid choice."),
}


class _Translations:
    def gettext(self, string: str) -> str:
        return str(_WTFORMS_MESSAGES.get(string, string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


_TRANSLATIONS = _Translations()


def required():
    return DataRequired(message=_l("This field is required."))


def at_most(n: int):
    return Length(max=n, message=_l("At most %(max)d characters."))


def _opt_int(value) -> int | None:
    """Coerce a select's value: empty means none."""
    if value in (None, "", "None"):
        return None
    return int(value)


class DayField(StringField):
    """A date entered as dd/mm/yyyy (yyyy-mm-dd is accepted too); ``data`` is a date or None."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                        "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return fmt_date(self.data) if self.data else ""

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        try:
            self.data = parse_date(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_("Dates are written dd/mm/yyyy.")) from None


class CheckboxList:
    """Render a multiple select as a list of checkboxes, one label per option."""

    _row = Markup('<label class="check"><input type="checkbox" id="{}" name="{}" value="{}"{}> '
                  "{}</label>")

    def __call__(self, field, **kwargs) -> Markup:
        rows = [
            self._row.format(f"{field.id}-{i}", field.name, value,
                             Markup(" checked") if selected else "", label)
            for i, (value, label, selected, _render_kw) in enumerate(field.iter_choices())
        ]
        return Markup('<div id="{}" class="checks">{}</div>').format(field.id,
                                                                     Markup("").join(rows))


class CheckboxListField(SelectMultipleField):
    widget = CheckboxList()


class AdminForm(FlaskForm):
    """Base of the admin forms: WTForms' messages come from our catalog."""

    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS


# -- choices --------------------------------------------------------------------------------

def unit_choices(exclude: set[int] | frozenset[int] = frozenset()) -> list[tuple[int, str]]:
    """Today's active units, depth-first, each indented by its depth."""
    return [
        (unit.id, "\u00a0\u00a0\u00a0" * depth + f"{localized(unit)} ({unit.code})")
        for unit, depth in q.tree_rows()
        if unit.id not in exclude
    ]


def position_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(
        sa.select(JobPosition).where(JobPosition.active.is_(True)).order_by(JobPosition.code))
    return [(p.id, f"{localized(p)} ({p.code})") for p in rows]


def field_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(sa.select(ProfessionalField).order_by(ProfessionalField.code))
    return [(f.id, f"{localized(f)} ({f.code})") for f in rows]


def _unit_label(unit_id: int) -> str:
    unit = db.session.get(Unit, unit_id)
    return f"{localized(unit)} ({unit.code})" if unit is not None else str(unit_id)


def _none(label) -> list[tuple[str, str]]:
    return [("", str(label))]


def _kind_choices(labels: dict) -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in labels.items()]


# -- units ----------------------------------------------------------------------------------

class UnitForm(AdminForm):
    code = StringField(_l("Code"), [required(), at_most(32)],
                       description=_l("Letters, digits, - _ . ; never reused."))
    name_vi = StringField(_l("Name in Vietnamese"), [required(), at_most(200)])
    name_en = StringField(_l("Name in English"), [Optional(), at_most(200)])
    kind = SelectField(_l("Kind of unit"))
    parent = SelectField(_l("Parent unit"), coerce=_opt_int)
    on = DayField(_l("Effective date"), [required()])
    note = TextAreaField(_l("Note (decision number, reason)"), [Optional(), at_most(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices(UNIT_KIND_LABELS)
        self.parent.choices = _none(_("— top level —")) + unit_choices()


class RenameForm(AdminForm):
    name_vi = StringField(_l("New name in Vietnamese"), [required(), at_most(200)])
    name_en = StringField(_l("New name in English"), [Optional(), at_most(200)])
    on = DayField(_l("Effective date"), [required()])
    note = TextAreaField(_l("Note (decision number, reason)"), [Optional(), at_most(2000)])


class MoveForm(AdminForm):
    parent = SelectField(_l("New parent unit"), coerce=_opt_int)
    on = DayField(_l("Effective date"), [required()])
    note = TextAreaField(_l("Note (decision number, reason)"), [Optional(), at_most(2000)])

    def __init__(self, unit, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent.choices = _none(_("— top level —")) + unit_choices(exclude={unit.id})


class MergeForm(AdminForm):
    sources = SelectMultipleField(_l("Units to merge"), [required()], coerce=int,
                                  render_kw={"size": 12},
                                  description=_l("Hold Ctrl (or ⌘) to choose several."))
    target = SelectField(_l("Merged into"), [required()], coerce=_opt_int)
    on = DayField(_l("Effective date"), [required()])
    note = TextAreaField(_l("Note (decision number, reason)"), [Optional(), at_most(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices()
        self.sources.choices = units
        self.target.choices = _none(_("— choose —")) + units


class SplitForm(AdminForm):
    """The split of one unit. Built by :func:`split_form`, which adds one select per direct
    member and per child unit once the administrator asks to choose them one by one."""

    main_target = SelectField(_l("Main target unit"), [required()], coerce=_opt_int,
                              description=_l("Receives the members and the units below, "
                                             "unless chosen otherwise."))
    other_targets = SelectMultipleField(_l("Other target units"), coerce=int,
                                        render_kw={"size": 8},
                                        description=_l("Hold Ctrl (or ⌘) to choose several."))
    on = DayField(_l("Effective date"), [required()])
    note = TextAreaField(_l("Note (decision number, reason)"), [Optional(), at_most(2000)])
    allocating = HiddenField()

    member_fields: list[tuple[int, str]] = []
    child_fields: list[tuple[int, str]] = []

    def __init__(self, source, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices(exclude={source.id})
        self.main_target.choices = _none(_("— choose —")) + units
        self.other_targets.choices = units
        targets = self.target_choices(units)
        for _id, name in [*self.member_fields, *self.child_fields]:
            self[name].choices = targets

    def target_choices(self, units: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """The chosen targets, main first, as choices for the per-member selects."""
        labels = dict(units)
        chosen = [self.main_target.data, *(self.other_targets.data or [])]
        out: list[tuple[int, str]] = []
        for unit_id in chosen:
            if unit_id in labels and unit_id not in dict(out):
                out.append((unit_id, labels[unit_id].strip("\u00a0")))
        return out

    def validate_other_targets(self, field) -> None:
        if self.main_target.data in (field.data or []):
            raise ValidationError(_("The main target is already chosen."))

    def allocation(self) -> tuple[dict[int, int], dict[int, int]]:
        """``(user_id -> unit_id, child_unit_id -> unit_id)`` as chosen on the form."""
        members = {uid: self[name].data for uid, name in self.member_fields}
        children = {cid: self[name].data for cid, name in self.child_fields}
        return members, children


def split_form(source, members, children, *, allocating: bool) -> SplitForm:
    """A :class:`SplitForm` for ``source``; with ``allocating``, one select per current direct
    member (assignments ``members``) and per active child unit."""

    class Form(SplitForm):
        member_fields = []
        child_fields = []

    if allocating:
        for a in members:
            name = f"member_{a.user_id}"
            Form.member_fields.append((a.user_id, name))
            setattr(Form, name, SelectField(f"{a.user.full_name} ({a.user.code})",
                                            [required()], coerce=_opt_int))
        for child in children:
            name = f"child_{child.id}"
            Form.child_fields.append((child.id, name))
            setattr(Form, name, SelectField(f"{localized(child)} ({child.code})",
                                            [required()], coerce=_opt_int))
    return Form(source)


class DissolveForm(AdminForm):
    on = DayField(_l("Effective date"), [required()])
    note = TextAreaField(_l("Note (decision number, reason)"), [Optional(), at_most(2000)])


# -- positions and fields -------------------------------------------------------------------

class PositionForm(AdminForm):
    """Create (with ``code``) or edit a job position; the edit page removes ``code``."""

    code = StringField(_l("Code"), [required(), at_most(32)])
    name_vi = StringField(_l("Name in Vietnamese"), [required(), at_most(200)])
    name_en = StringField(_l("Name in English"), [Optional(), at_most(200)])
    field_id = SelectField(_l("Professional field"), coerce=_opt_int)
    is_leadership = BooleanField(_l("Leadership position"))
    description = TextAreaField(_l("Description"), [Optional(), at_most(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_id.choices = _none(_("— none —")) + field_choices()

    def validate_code(self, field) -> None:
        if field.data and q.position_by_code(field.data) is not None:
            raise ValidationError(_("Position code %(code)s already exists.",
                                    code=field.data.strip().upper()))


class FieldForm(AdminForm):
    """Create (with ``code``) or edit a professional field; the edit page removes ``code``."""

    code = StringField(_l("Code"), [required(), at_most(32)])
    name_vi = StringField(_l("Name in Vietnamese"), [required(), at_most(200)])
    name_en = StringField(_l("Name in English"), [Optional(), at_most(200)])

    def validate_code(self, field) -> None:
        code = (field.data or "").strip().upper()
        exists = db.session.scalar(
            sa.select(ProfessionalField.id).where(ProfessionalField.code == code))
        if exists:
            raise ValidationError(_("Field code %(code)s already exists.", code=code))


# -- people ---------------------------------------------------------------------------------

def _role_choices() -> list[tuple[str, str]]:
    return [(role, R.label(role)) for role in PLAIN_ROLES]


class PersonForm(AdminForm):
    username = StringField(_l("Username"), [required(), at_most(64)],
                           render_kw={"autocomplete": "off"})
    full_name = StringField(_l("Full name"), [required(), at_most(200)])
    code = StringField(_l("Personnel code"), [Optional(), at_most(32)],
                       description=_l("Empty: the username in capitals."))
    email = StringField(_l("Email"), [
        Optional(), at_most(200),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("This is not an email address.")),
    ])
    roles = CheckboxListField(_l("Roles"))
    password = PasswordField(_l("Initial password"), [required()],
                             render_kw={"autocomplete": "new-password"})
    unit = SelectField(_l("Unit"), coerce=_opt_int)
    position = SelectField(_l("Job position"), coerce=_opt_int)
    start_on = DayField(_l("Start date"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = _role_choices()
        self.password.description = _(
            "At least %(n)d characters, with letters and digits. The person must change it "
            "at the first login.", n=current_app.config["LMS_PASSWORD_MIN_LENGTH"])
        self.unit.choices = _none(_("— no assignment yet —")) + unit_choices()
        self.position.choices = _none(_("— none —")) + position_choices()

    def validate_start_on(self, field) -> None:
        if self.unit.data and not field.data:
            raise ValidationError(_("Give the date the assignment starts."))


class RolesForm(AdminForm):
    roles = CheckboxListField(_l("Roles"))
    heads = CheckboxListField(_l("Unit head of"), coerce=int,
                              description=_l("Untick a unit to withdraw the role for it."))
    add_head = SelectField(_l("Make unit head of"), coerce=_opt_int)

    def __init__(self, person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = _role_choices()
        units = dict(unit_choices())
        headed = sorted(person.headed_unit_ids)
        self.heads.choices = [(uid, _unit_label(uid)) for uid in headed]
        self.add_head.choices = _none(_("— none —")) + [
            (uid, label) for uid, label in units.items() if uid not in headed]


class AssignForm(AdminForm):
    unit = SelectField(_l("Unit"), [required()], coerce=_opt_int)
    position = SelectField(_l("Job position"), coerce=_opt_int)
    start_on = DayField(_l("Start date"), [required()])
    kind = SelectField(_l("Kind"))
    planned_end_on = DayField(_l("Planned end of the rotation"),
                              description=_l("Rotations only; empty means a 3-year term."))
    note = TextAreaField(_l("Note (decision number, reason)"), [Optional(), at_most(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = _none(_("— choose —")) + unit_choices()
        self.position.choices = _none(_("— none —")) + position_choices()
        self.kind.choices = _kind_choices(ASSIGNMENT_KIND_LABELS)

    def validate_planned_end_on(self, field) -> None:
        if field.data and self.kind.data != "rotation":
            raise ValidationError(_("A planned end is only recorded for a rotation."))
        if field.data and self.start_on.data and field.data <= self.start_on.data:
            raise ValidationError(_("The planned end must be after the start date."))


class EndForm(AdminForm):
    on = DayField(_l("End date"), [required()],
                  description=_l("The first day the officer no longer holds the post."))


class ConfirmForm(AdminForm):
    """A confirmation with no fields (unlock an account)."""


class ActiveForm(AdminForm):
    active = HiddenField(validators=[AnyOf(["0", "1"], message=_l("Not a valid choice."))])
