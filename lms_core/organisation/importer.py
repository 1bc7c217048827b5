"""CSV import of units, job positions and officers (the HR administrator's bulk load).

Every import follows the same rules (docs/hr-import.md is the user's guide):

* The file is read by :mod:`lms_core.csvfile`: UTF-8 text, with or without a byte-order mark
  (or UTF-16 with one), its values separated by ``,``, ``;`` (Excel set to Vietnamese writes
  ``;``) or tabs. The first line names the columns (:data:`COLUMNS`, compared without
  accents or case); their order does not matter, unknown columns are ignored.
* It is **idempotent**: the code is the key, so importing the same file twice creates nothing
  the second time. A changed value updates the record through the organisation's operations,
  so history is kept: a unit's new name is a rename and a new parent a move, both effective on
  the import's date; an officer's new unit or position is a new assignment (a transfer).
* An empty optional value keeps what the database holds.
* It is **all or nothing**: the whole file is checked first and every bad row reported with
  its line number; if any row is rejected nothing is written. A file-level problem (not
  UTF-8, a required column missing) raises :class:`~lms_core.errors.UserError`.
* A **dry run** applies the file inside a savepoint and rolls it back, so the report says
  exactly what a real import would do.

The functions flush but never commit: the caller (the import page, ``lms import``) commits
once when :attr:`ImportReport.written` is true.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms_core import csvfile
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as identity_ops
from lms_core.identity import roles as R
from lms_core.identity.models import User
from lms_core.organisation import operations as ops
from lms_core.organisation.models import (
    UNIT_KINDS,
    Assignment,
    JobPosition,
    ProfessionalField,
    Unit,
    UnitVersion,
)
from lms_core.text import fold
from lms_core.ui.i18n import parse_date

KINDS = ("units", "positions", "officers")

#: Roles an officers file may grant (``officer`` is always granted). A unit head needs the
#: unit they lead, which one column cannot say, so that role is granted elsewhere.
IMPORTABLE_ROLES = (R.OFFICER, R.AUTHOR, R.HR_ADMIN)

_CODE_RE = re.compile(r"^[A-Z0-9._-]{1,32}$")
_USERNAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_TRUE = {"1", "co", "x", "yes", "y", "true", "dung"}
_FALSE = {"0", "khong", "no", "n", "false", "sai"}
_GENDERS = {"m": "M", "nam": "M", "male": "M", "f": "F", "nu": "F", "female": "F"}


@dataclass(frozen=True)
class Column:
    """One documented column of an import file."""

    name: str
    #: The column must be in the header (its value may still be optional, see ``help``).
    required: bool
    help: object  # a lazy string
    #: Values of the example rows in the downloadable template.
    examples: tuple[str, ...] = ()


COLUMNS: dict[str, tuple[Column, ...]] = {
    "units": (
        Column("code", True, _l("Unit code, the key: letters, digits, - _ . (at most 32)."),
               ("CHQ", "CCKV1", "CCKV1-NB")),
        Column("name_vi", True, _l("Vietnamese name."),
               ("Cục Hải quan", "Chi cục Hải quan khu vực I", "Hải quan sân bay quốc tế Nội Bài")),
        Column("name_en", False, _l("English name (empty: the Vietnamese name for a new unit, "
                                    "unchanged for an existing one)."),
               ("Customs Department", "Regional Customs Branch I", "Noi Bai Airport Customs")),
        Column("kind", True, _l("One of: %(kinds)s.", kinds=", ".join(UNIT_KINDS)),
               ("department", "branch", "sub_department")),
        Column("parent_code", True, _l("Code of the unit above, in the file or already in the "
                                       "system; empty for a root unit. Children may come before "
                                       "their parents."),
               ("", "CHQ", "CCKV1")),
    ),
    "positions": (
        Column("code", True, _l("Job position code, the key."), ("KTSTQ-CV", "GSQL-LD")),
        Column("name_vi", True, _l("Vietnamese name."),
               ("Kiểm tra sau thông quan", "Lãnh đạo đội giám sát quản lý")),
        Column("name_en", False, _l("English name (empty: unchanged, or the Vietnamese name for "
                                    "a new position)."),
               ("Post-clearance audit officer", "Head of a supervision team")),
        Column("field_code", False, _l("Code of the professional field (empty: none for a new "
                                       "position, unchanged for an existing one)."),
               ("KTSTQ", "GSQL")),
        Column("field_name_vi", False, _l("Vietnamese name of the field, used only to create a "
                                          "field that does not exist yet."),
               ("Kiểm tra sau thông quan", "Giám sát quản lý")),
        Column("is_leadership", False, _l("1 or 0 (also có/không); empty: 0 for a new position, "
                                          "unchanged for an existing one."),
               ("0", "1")),
    ),
    "officers": (
        Column("code", True, _l("Personnel code, the key: letters, digits, - _ . (at most 32)."),
               ("HQ0001", "HQ0002")),
        Column("full_name", True, _l("Full name."), ("Nguyễn Văn An", "Trần Thị Bích Ngọc")),
        Column("username", False, _l("Login name for a new officer (empty: the personnel code "
                                     "in lower case); an existing account keeps its own."),
               ("", "ngoc.tran")),
        Column("email", False, _l("E-mail address."), ("an.nv@customs.gov.vn", "")),
        Column("gender", False, _l("M or F (also Nam/Nữ)."), ("Nam", "Nữ")),
        Column("birth_date", False, _l("Date of birth, dd/mm/yyyy."), ("15/04/1985", "02/09/1990")),
        Column("unit_code", True, _l("Code of the unit the officer works in."),
               ("CCKV1-NB", "CCKV1-NB")),
        Column("position_code", False, _l("Code of the job position (empty: none for a new "
                                          "officer, unchanged for an existing one)."),
               ("KTSTQ-CV", "GSQL-LD")),
        Column("start_date", False, _l("First day in this unit and position, dd/mm/yyyy "
                                       "(empty: the import's effective date)."),
               ("", "01/07/2025")),
        Column("roles", False, _l("Extra roles separated by ; (officer, author, hr_admin); "
                                  "officer is always given, roles are never taken away."),
               ("", "author")),
    ),
}


def kind_label(kind: str) -> str:
    labels = {"units": _("Units"), "positions": _("Job positions"),
              "officers": _("Officers and assignments")}
    return labels[kind]


def template_csv(kind: str) -> bytes:
    """An example file for ``kind``: the header and example rows, UTF-8 with a byte-order mark
    so that Excel shows the Vietnamese letters."""
    columns = COLUMNS[kind]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.name for c in columns])
    for i in range(max(len(c.examples) for c in columns)):
        writer.writerow([c.examples[i] if i < len(c.examples) else "" for c in columns])
    return out.getvalue().encode("utf-8-sig")


# -- the report ---------------------------------------------------------------------------------

class Rejected(NamedTuple):
    """A row that cannot be imported: its line in the file (the header is line 1) and why."""

    line: int
    reason: str


@dataclass
class Change:
    """A row that creates or updates a record (``action`` is ``created`` or ``updated``)."""

    line: int
    code: str
    name: str
    action: str
    details: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    dry_run: bool
    on: date
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    #: Other things worth knowing (e.g. a professional field created for a position).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def written(self) -> bool:
        """True when the caller should commit: no row rejected and not a dry run."""
        return self.ok and not self.dry_run

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejected(line, reason))

    def count(self, change: Change) -> None:
        self.changes.append(change)
        if change.action == "created":
            self.created += 1
        else:
            self.updated += 1


Progress = Callable[[int, int], None]


# -- reading the file ---------------------------------------------------------------------------

#: A row of an import file, with its line number (:class:`lms_core.csvfile.Row`).
Row = csvfile.Row


def read_rows(kind: str, data) -> tuple[list[Row], list[Rejected]]:
    """Decode and parse a file for ``kind`` (:func:`lms_core.csvfile.read`): its non-empty
    rows and the rows rejected for their shape. Raises :class:`UserError` for a file that
    cannot be used at all (not UTF-8 or UTF-16, empty, a column named twice or missing)."""
    table = csvfile.read(data)
    table.refuse_duplicate_columns()
    missing = table.missing(c.name for c in COLUMNS[kind] if c.required)
    if missing:
        raise UserError(_(
            "Missing column: %(names)s. The first line of the file must name the columns; "
            "for this file they are: %(expected)s.", names=", ".join(missing),
            expected=", ".join(c.name for c in COLUMNS[kind])))
    rows: list[Row] = []
    rejected: list[Rejected] = []
    for row in table.rows:
        if row.overflow:
            rejected.append(Rejected(row.line, table.overflow_message(row)))
        else:
            rows.append(row)
    return rows, rejected


# -- shared checks ------------------------------------------------------------------------------

class RowError(Exception):
    """A reason to reject the row being checked (already translated)."""


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _code(value: str, column: str, required: bool = True) -> str | None:
    value = value.strip().upper()
    if not value:
        if required:
            raise RowError(_("%(column)s is empty.", column=column))
        return None
    if not _CODE_RE.match(value):
        raise RowError(_("%(column)s %(value)s is not a valid code: use letters, digits, - _ . "
                         "(at most 32).", column=column, value=value))
    return value


def _text(row: Row, column: str, required: bool = False, max_len: int = 200) -> str:
    value = " ".join(row.get(column).split())
    if required and not value:
        raise RowError(_("%(column)s is empty.", column=column))
    if len(value) > max_len:
        raise RowError(_("%(column)s is longer than %(n)d characters.", column=column, n=max_len))
    return value


def _date(row: Row, column: str) -> date | None:
    try:
        return parse_date(row.get(column))
    except ValueError:
        raise RowError(_("%(column)s: %(value)s is not a date; write dd/mm/yyyy.",
                         column=column, value=row.get(column))) from None


def _flag(row: Row, column: str) -> bool | None:
    value = fold(row.get(column))
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RowError(_("%(column)s must be 1 or 0 (có or không), not %(value)s.",
                     column=column, value=row.get(column)))


def _reject_duplicates(report: ImportReport, keys: dict[str, list[int]], message) -> set[str]:
    """Reject every line of a key that appears more than once; return those keys."""
    dup = {k for k, lines in keys.items() if len(lines) > 1}
    for key in dup:
        lines = ", ".join(str(n) for n in keys[key])
        for line in keys[key]:
            report.reject(line, message(key, lines))
    return dup


def _apply(report: ImportReport, plan: list, apply_one, progress: Progress | None) -> None:
    """Apply the checked rows inside a savepoint; roll it back for a dry run or when an
    operation refuses a row (then every refusal is in the report)."""
    savepoint = db.session.begin_nested()
    try:
        total = len(plan)
        for done, item in enumerate(plan, 1):
            try:
                apply_one(item)
            except UserError as exc:
                report.reject(item.row.line, str(exc))
            if progress is not None and (done % 100 == 0 or done == total):
                progress(done, total)
        db.session.flush()
    except BaseException:
        savepoint.rollback()
        raise
    if report.rejected:
        report.created = report.updated = 0
        report.changes.clear()
    if report.rejected or report.dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()


def _finish(report: ImportReport) -> ImportReport:
    report.rejected.sort(key=lambda r: r.line)
    return report


# -- units --------------------------------------------------------------------------------------

@dataclass
class _UnitPlan:
    row: Row
    code: str
    name_vi: str
    name_en: str
    kind: str
    parent_code: str | None
    existing: Unit | None = None
    change: Change | None = None
    rename: bool = False
    move: bool = False
    new_kind: bool = False


def import_units(data, *, dry_run: bool, on: date, actor=None, note: str = "",
                 progress: Progress | None = None) -> ImportReport:
    """Import a units file (columns: :data:`COLUMNS` ``["units"]``) effective on ``on``.

    New codes are created (``established_on = on``); a changed name is recorded as a rename
    and a changed parent as a move, both on ``on``; a changed kind is set. Rows are applied
    parents first, whatever their order in the file; a cycle in ``parent_code`` is refused
    with the codes involved."""
    report = ImportReport("units", dry_run, on)
    rows, report.rejected = read_rows("units", data)
    report.rows = len(rows) + len(report.rejected)

    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    by_id = {u.id: u for u in units.values()}
    current_from = dict(db.session.execute(
        sa.select(UnitVersion.unit_id, UnitVersion.valid_from).where(UnitVersion.valid_to.is_(None))
    ).all())

    plans: list[_UnitPlan] = []
    lines_of: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        try:
            code = _code(row.get("code"), "code")
            lines_of[code].append(row.line)
            name_vi = _text(row, "name_vi", required=True)
            name_en = _text(row, "name_en")
            kind = row.get("kind").strip().lower()
            if kind not in UNIT_KINDS:
                raise RowError(_("Unknown unit kind %(kind)s; use one of: %(kinds)s.",
                                 kind=row.get("kind") or "—", kinds=", ".join(UNIT_KINDS)))
            parent_code = _code(row.get("parent_code"), "parent_code", required=False)
        except RowError as exc:
            report.reject(row.line, str(exc))
            continue
        plans.append(_UnitPlan(row, code, name_vi, name_en, kind, parent_code, units.get(code)))
    dup = _reject_duplicates(report, lines_of, lambda code, lines: _(
        "Code %(code)s appears more than once in the file (lines %(lines)s).",
        code=code, lines=lines))
    plans = [p for p in plans if p.code not in dup]

    # The tree as it will stand: today's (active units) with the file's parents laid over it.
    parent_of: dict[str, str | None] = {
        u.code: (by_id[u.parent_id].code if u.parent_id in by_id else None)
        for u in units.values() if u.dissolved_on is None
    }
    for p in plans:
        parent_of[p.code] = p.parent_code
    in_file = set(lines_of)
    bad: set[str] = set()
    for p in plans:
        if p.parent_code is None or p.code in bad:
            continue
        if p.parent_code not in in_file and p.parent_code not in units:
            report.reject(p.row.line, _("Unknown parent unit %(code)s: it is neither in the file "
                                        "nor in the system.", code=p.parent_code))
            bad.add(p.code)
            continue
        path = [p.code]
        node = p.parent_code
        while node is not None and node not in path:
            path.append(node)
            node = parent_of.get(node)
        if node is not None:
            loop = path[path.index(node):] + [node]
            text = " → ".join(loop)
            for code in loop[:-1]:
                if code not in bad:
                    bad.add(code)
                    for line in lines_of.get(code, ()):
                        report.reject(line, _("Cycle in the unit tree: %(path)s. A unit cannot "
                                              "be placed under itself or its own sub-units.",
                                              path=text))
    plans = [p for p in plans if p.code not in bad]

    for p in plans:
        try:
            _classify_unit(p, units, current_from, on)
        except RowError as exc:
            report.reject(p.row.line, str(exc))
            p.change = None
            continue
        if p.change is None:
            report.unchanged += 1
        else:
            report.count(p.change)
    if report.rejected:
        report.created = report.updated = 0
        report.changes.clear()
        return _finish(report)

    def depth(code: str) -> int:
        n = 0
        node = parent_of.get(code)
        while node is not None:
            n += 1
            node = parent_of.get(node)
        return n

    todo = sorted((p for p in plans if p.change is not None),
                  key=lambda p: (depth(p.code), p.row.line))

    def apply_one(p: _UnitPlan) -> None:
        parent = units[p.parent_code] if p.parent_code else None
        if p.existing is None:
            units[p.code] = ops.create_unit(p.code, p.name_vi, p.name_en, p.kind, parent=parent,
                                            on=on, note=note, actor=actor)
            return
        unit = p.existing
        if p.rename:
            ops.rename_unit(unit, p.name_vi, p.name_en or unit.name_en, on=on, note=note,
                            actor=actor)
        if p.move:
            ops.move_unit(unit, parent, on=on, note=note, actor=actor)
        if p.new_kind:
            unit.kind = p.kind

    _apply(report, todo, apply_one, progress)
    return _finish(report)


def _classify_unit(p: _UnitPlan, units: dict[str, Unit], current_from: dict[int, date],
                   on: date) -> None:
    parent = units.get(p.parent_code) if p.parent_code else None
    unit = p.existing
    if unit is None:
        if parent is not None:
            _check_unit_open(parent, current_from, on)
        p.change = Change(p.row.line, p.code, p.name_vi, "created")
        return
    p.rename = p.name_vi != unit.name_vi or bool(p.name_en and p.name_en != unit.name_en)
    old_parent = unit.parent.code if unit.parent is not None else None
    p.move = p.parent_code != old_parent
    p.new_kind = p.kind != unit.kind
    if not (p.rename or p.move or p.new_kind):
        return
    if p.rename or p.move:
        _check_unit_open(unit, current_from, on)
    if p.move and parent is not None:
        _check_unit_open(parent, current_from, on)
    details = []
    if p.rename:
        details.append(_("renamed"))
    if p.move:
        details.append(_("moved under %(unit)s", unit=p.parent_code) if p.parent_code
                       else _("moved to the top of the tree"))
    if p.new_kind:
        details.append(_("kind %(old)s → %(new)s", old=unit.kind, new=p.kind))
    p.change = Change(p.row.line, p.code, p.name_vi, "updated", details)


def _check_unit_open(unit: Unit, current_from: dict[int, date], on: date) -> None:
    """The checks the tree operations make, done early so every row is reported at once."""
    if unit.dissolved_on is not None:
        raise RowError(_("Unit %(code)s was dissolved on %(day)s.", code=unit.code,
                         day=_fmt(unit.dissolved_on)))
    since = current_from.get(unit.id)
    if since is not None and on < since:
        raise RowError(_(
            "A change to unit %(code)s cannot take effect before %(day)s, the date of its "
            "latest recorded change.", code=unit.code, day=_fmt(since)))


# -- positions ----------------------------------------------------------------------------------

@dataclass
class _PositionPlan:
    row: Row
    code: str
    name_vi: str
    name_en: str
    field_code: str | None
    is_leadership: bool | None
    existing: JobPosition | None
    change: Change | None = None


def import_positions(data, *, dry_run: bool, on: date, actor=None, note: str = "",
                     progress: Progress | None = None) -> ImportReport:
    """Import a job positions file (columns: :data:`COLUMNS` ``["positions"]``).

    A professional field named in ``field_code`` must exist, unless ``field_name_vi`` is given:
    then it is created."""
    report = ImportReport("positions", dry_run, on)
    rows, report.rejected = read_rows("positions", data)
    report.rows = len(rows) + len(report.rejected)

    positions = {p.code: p for p in db.session.scalars(sa.select(JobPosition))}
    fields = {f.code: f for f in db.session.scalars(sa.select(ProfessionalField))}
    # Fields the file creates: any row may give the new field's name.
    new_fields: dict[str, str] = {}
    for row in rows:
        field_code = row.get("field_code").strip().upper()
        field_name = " ".join(row.get("field_name_vi").split())
        if field_code and field_code not in fields and field_name and len(field_name) <= 200:
            new_fields.setdefault(field_code, field_name)

    plans: list[_PositionPlan] = []
    lines_of: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        try:
            code = _code(row.get("code"), "code")
            lines_of[code].append(row.line)
            name_vi = _text(row, "name_vi", required=True)
            name_en = _text(row, "name_en")
            field_code = _code(row.get("field_code"), "field_code", required=False)
            _text(row, "field_name_vi")
            if field_code and field_code not in fields and field_code not in new_fields:
                raise RowError(_("Unknown professional field %(code)s; give its Vietnamese "
                                 "name in field_name_vi to create it.", code=field_code))
            is_leadership = _flag(row, "is_leadership")
        except RowError as exc:
            report.reject(row.line, str(exc))
            continue
        plans.append(_PositionPlan(row, code, name_vi, name_en, field_code, is_leadership,
                                   positions.get(code)))
    dup = _reject_duplicates(report, lines_of, lambda code, lines: _(
        "Code %(code)s appears more than once in the file (lines %(lines)s).",
        code=code, lines=lines))
    plans = [p for p in plans if p.code not in dup]

    for p in plans:
        pos = p.existing
        if pos is None:
            p.change = Change(p.row.line, p.code, p.name_vi, "created")
        else:
            details = []
            if p.name_vi != pos.name_vi or (p.name_en and p.name_en != pos.name_en):
                details.append(_("renamed"))
            if p.field_code and p.field_code != (pos.field.code if pos.field else None):
                details.append(_("field %(code)s", code=p.field_code))
            if p.is_leadership is not None and p.is_leadership != pos.is_leadership:
                details.append(_("leadership") if p.is_leadership else _("not leadership"))
            if details:
                p.change = Change(p.row.line, p.code, p.name_vi, "updated", details)
        if p.change is None:
            report.unchanged += 1
        else:
            report.count(p.change)
    if report.rejected:
        report.created = report.updated = 0
        report.changes.clear()
        return _finish(report)
    for code, name in new_fields.items():
        report.notes.append(_("New professional field: %(code)s — %(name)s", code=code, name=name))

    def apply_one(p: _PositionPlan) -> None:
        pos = p.existing
        if p.field_code:
            if p.field_code not in fields:
                fields[p.field_code] = ops.save_field(p.field_code, new_fields[p.field_code])
            field_obj = fields[p.field_code]
        else:
            field_obj = pos.field if pos is not None else None
        ops.save_position(
            p.code, p.name_vi, p.name_en or (pos.name_en if pos is not None else ""),
            field=field_obj,
            is_leadership=p.is_leadership if p.is_leadership is not None
            else (pos.is_leadership if pos is not None else False),
            description=pos.description if pos is not None else "",
        )

    _apply(report, [p for p in plans if p.change is not None], apply_one, progress)
    return _finish(report)


# -- officers -----------------------------------------------------------------------------------

@dataclass
class _OfficerPlan:
    row: Row
    code: str
    full_name: str
    username: str
    email: str
    gender: str | None
    birth_date: date | None
    unit: Unit
    position: JobPosition | None
    start_on: date
    roles: list[str]
    existing: User | None
    change: Change | None = None
    new_assignment: str | None = None  #: assignment kind to start, if any


def _roles(value: str) -> list[str]:
    roles = [R.OFFICER]
    for part in re.split(r"[;,|\s]+", value.strip().lower()):
        if not part or part in roles:
            continue
        if part == R.UNIT_HEAD:
            raise RowError(_("The import does not grant the unit head role, which needs the "
                             "unit led; grant it to the officer separately."))
        if part not in IMPORTABLE_ROLES:
            raise RowError(_("Unknown role %(role)s; use: %(roles)s.", role=part,
                             roles=", ".join(IMPORTABLE_ROLES)))
        roles.append(part)
    return roles


def import_officers(data, *, dry_run: bool, on: date, actor=None, note: str = "",
                    initial_password: str | None = None,
                    progress: Progress | None = None) -> ImportReport:
    """Import an officers file (columns: :data:`COLUMNS` ``["officers"]``); the personnel code
    is the key.

    A new officer gets an account (no usable password, unless ``initial_password`` is given:
    then it must be changed at first login) and an appointment from ``start_date`` (default
    ``on``). An existing officer whose unit or position differs from the current assignment
    gets a new one (a transfer) from ``start_date``; the old one ends that day, so history is
    kept. Roles are only ever added. Existing users, units and positions are loaded once, so
    a file of 20,000 officers is checked without a query per row."""
    report = ImportReport("officers", dry_run, on)
    shared_hash = None
    if initial_password:
        identity_ops.check_password_policy(initial_password)
        # One hash for the whole file: hashing 20,000 times would take many minutes, and the
        # password is the same anyway; every account must change it at first login.
        shared_hash = identity_ops.hash_password(initial_password)
    rows, report.rejected = read_rows("officers", data)
    report.rows = len(rows) + len(report.rejected)

    users = {u.code.upper(): u for u in db.session.scalars(sa.select(User))}
    usernames = {u.username.lower(): u for u in users.values()}
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    positions = {p.code: p for p in db.session.scalars(sa.select(JobPosition))}
    current = {a.user_id: a for a in db.session.scalars(
        sa.select(Assignment).where(Assignment.end_on.is_(None)))}
    today = date.today()

    plans: list[_OfficerPlan] = []
    lines_of: dict[str, list[int]] = defaultdict(list)
    new_usernames: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        try:
            code = _code(row.get("code"), "code")
            lines_of[code].append(row.line)
            existing = users.get(code)
            full_name = _text(row, "full_name", required=True)
            username = row.get("username").strip() or code.lower()
            if existing is None:
                if not _USERNAME_RE.match(username):
                    raise RowError(_("username %(value)s is not valid: use letters, digits and "
                                     ". _ - @ (at most 64), no spaces.", value=username))
                if username.lower() in usernames:
                    raise RowError(_("The username %(name)s is already taken.", name=username))
            email = _text(row, "email")
            if email and not _EMAIL_RE.match(email):
                raise RowError(_("email %(value)s is not an e-mail address.", value=email))
            gender = None
            if row.get("gender"):
                gender = _GENDERS.get(fold(row.get("gender")))
                if gender is None:
                    raise RowError(_("gender must be M or F (Nam or Nữ), not %(value)s.",
                                     value=row.get("gender")))
            birth_date = _date(row, "birth_date")
            if birth_date is not None and birth_date >= today:
                raise RowError(_("birth_date %(value)s is not in the past.",
                                 value=_fmt(birth_date)))
            unit_code = _code(row.get("unit_code"), "unit_code")
            unit = units.get(unit_code)
            if unit is None:
                raise RowError(_("Unknown unit %(code)s.", code=unit_code))
            position = None
            position_code = _code(row.get("position_code"), "position_code", required=False)
            if position_code:
                position = positions.get(position_code)
                if position is None:
                    raise RowError(_("Unknown job position %(code)s.", code=position_code))
                if not position.active:
                    raise RowError(_("Job position %(code)s is no longer in use.",
                                     code=position_code))
            start_on = _date(row, "start_date") or on
            roles = _roles(row.get("roles"))
            plan = _OfficerPlan(row, code, full_name, username, email, gender, birth_date, unit,
                                position, start_on, roles, existing)
            _classify_officer(plan, current)
        except RowError as exc:
            report.reject(row.line, str(exc))
            continue
        plans.append(plan)
        if existing is None:
            new_usernames[username.lower()].append(row.line)
    dup = _reject_duplicates(report, lines_of, lambda code, lines: _(
        "Personnel code %(code)s appears more than once in the file (lines %(lines)s).",
        code=code, lines=lines))
    # A username given to two new officers: typed twice, or one officer's username equal to
    # another's personnel code in lower case (the default username).
    code_dup_lines = {n for c in dup for n in lines_of[c]}
    name_lines = {name: [n for n in lines if n not in code_dup_lines]
                  for name, lines in new_usernames.items()}
    dup_names = _reject_duplicates(report, name_lines, lambda name, lines: _(
        "Username %(name)s appears more than once in the file (lines %(lines)s).",
        name=name, lines=lines))
    dup_lines = code_dup_lines | {n for name in dup_names for n in name_lines[name]}
    plans = [p for p in plans if p.row.line not in dup_lines]
    for p in plans:
        if p.change is None:
            report.unchanged += 1
        else:
            report.count(p.change)
    if report.rejected:
        report.created = report.updated = 0
        report.changes.clear()
        return _finish(report)

    def apply_one(p: _OfficerPlan) -> None:
        user = p.existing
        if user is None:
            user = identity_ops.create_user(p.username, p.full_name, code=p.code, roles=p.roles,
                                            email=p.email or None)
            user.gender = p.gender
            user.birth_date = p.birth_date
            if shared_hash is not None:
                user.password_hash = shared_hash
                user.must_change_password = True
        else:
            if p.full_name != user.full_name:
                user.full_name = p.full_name
                identity_ops.refresh_search_text(user)
            if p.email:
                user.email = p.email
            if p.gender:
                user.gender = p.gender
            if p.birth_date:
                user.birth_date = p.birth_date
            for role in p.roles:
                if role not in user.roles:
                    identity_ops.grant_role(user, role)
        if p.new_assignment:
            ops.assign(user, p.unit, p.position, start_on=p.start_on, kind=p.new_assignment,
                       note=note)

    _apply(report, [p for p in plans if p.change is not None], apply_one, progress)
    return _finish(report)


def _classify_officer(p: _OfficerPlan, current: dict[int, Assignment]) -> None:
    """Decide what the row changes and check the assignment's dates, as
    :func:`~lms_core.organisation.operations.assign` would."""
    user = p.existing
    details: list[str] = []
    now = current.get(user.id) if user is not None else None
    if user is not None:
        if p.position is None and now is not None:
            p.position = now.position  # empty position_code: keep the current one
        if p.full_name != user.full_name:
            details.append(_("name"))
        if (p.email and p.email != user.email) or (p.gender and p.gender != user.gender) \
                or (p.birth_date and p.birth_date != user.birth_date):
            details.append(_("personal details"))
        added = [r for r in p.roles if r not in user.roles]
        if added:
            details.append(_("roles: %(roles)s", roles=", ".join(R.label(r) for r in added)))
    moves = now is None or now.unit_id != p.unit.id or \
        (p.position is not None and now.position_id != p.position.id)
    if moves:
        if p.unit.dissolved_on is not None and p.unit.dissolved_on <= p.start_on:
            raise RowError(_("Unit %(code)s was dissolved on %(day)s.", code=p.unit.code,
                             day=_fmt(p.unit.dissolved_on)))
        if p.start_on < p.unit.established_on:
            raise RowError(_("Unit %(code)s did not exist yet on %(day)s.", code=p.unit.code,
                             day=_fmt(p.start_on)))
        if now is not None and p.start_on <= now.start_on:
            raise RowError(_("The new assignment must start after %(day)s, when the current "
                             "one started.", day=_fmt(now.start_on)))
        p.new_assignment = "transfer" if now is not None else "appointment"
        if user is not None:
            details.append(_("transfer to %(unit)s from %(day)s", unit=p.unit.code,
                             day=_fmt(p.start_on)))
    if user is None:
        p.change = Change(p.row.line, p.code, p.full_name, "created")
    elif details:
        p.change = Change(p.row.line, p.code, p.full_name, "updated", details)


# -- dispatcher ---------------------------------------------------------------------------------

def run_import(kind: str, data, *, dry_run: bool, on: date, actor=None, note: str = "",
               initial_password: str | None = None,
               progress: Progress | None = None) -> ImportReport:
    """Import ``data`` (bytes, text or a binary file) as a ``kind`` file (one of :data:`KINDS`).
    ``initial_password`` applies to officers only."""
    if kind == "units":
        return import_units(data, dry_run=dry_run, on=on, actor=actor, note=note,
                            progress=progress)
    if kind == "positions":
        return import_positions(data, dry_run=dry_run, on=on, actor=actor, note=note,
                                progress=progress)
    if kind == "officers":
        return import_officers(data, dry_run=dry_run, on=on, actor=actor, note=note,
                               initial_password=initial_password, progress=progress)
    raise UserError(_("Unknown kind of import: %(kind)s", kind=kind))
