"""CSV files of the assessments: the shared reader (over :mod:`lms_core.csvfile`) and report,
and the import of results of past exam sessions (before the platform existed) as evidence.

A results file has one line per officer, competency and session::

    officer_code,competency_code,level,date,session
    HQ0001,THUE.01,2,15/11/2019,Thi đánh giá năng lực 2019 đợt 1

Each line becomes a piece of evidence with ``source="import"`` and
``source_ref="import:<session>:<officer code>:<competency code>"``: importing the same file
again adds nothing (those lines are counted as already imported). All or nothing: the whole
file is checked first, each bad line is reported with its number (the header is line 1), and
if any line is bad nothing is written. A dry run checks and reports without writing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core import csvfile
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.ui.i18n import parse_date

RESULT_COLUMNS = ("officer_code", "competency_code", "level", "date", "session")
#: Longest session name (the evidence reference holds it with the two codes).
MAX_SESSION = 120


# -- reading CSV ------------------------------------------------------------------------------

#: A row of a file, with its line number (:class:`lms_core.csvfile.Row`).
CsvRow = csvfile.Row


def read_csv(data, columns: tuple[str, ...], required: tuple[str, ...]) -> list[CsvRow]:
    """The non-empty rows of a CSV file with their line numbers, read by
    :func:`lms_core.csvfile.read` (UTF-8 with or without BOM or UTF-16 with BOM; ``,``, ``;``
    or tab). Raises :class:`UserError` for a file that cannot be used at all (another
    encoding, empty, a required column missing, a line with too many values)."""
    table = csvfile.read(data)
    missing = table.missing(required)
    if missing:
        raise UserError(_("Missing column: %(names)s. The first line of the file must name "
                          "the columns: %(expected)s.", names=", ".join(missing),
                          expected=", ".join(columns)))
    for row in table.rows:
        if row.overflow:
            raise UserError(_("Line %(line)d has more values than the first line has "
                              "columns; a value that contains %(sep)s must be put in "
                              "double quotes.", line=row.line, sep=table.delimiter))
    return table.rows


@dataclass
class CsvChange:
    line: int
    key: str
    action: str  #: ``created`` or ``updated``
    details: str = ""


@dataclass
class CsvReport:
    """What an import did or, in a dry run, would do."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    changes: list[CsvChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def written(self) -> bool:
        """The caller commits when true: nothing rejected and not a dry run."""
        return self.ok and not self.dry_run

    def reject(self, line: int, reason) -> None:
        self.rejected.append((line, str(reason)))

    def add(self, line: int, key: str, action: str, details: str = "") -> None:
        self.changes.append(CsvChange(line, key, action, details))
        if action == "created":
            self.created += 1
        else:
            self.updated += 1


# -- results of past sessions -----------------------------------------------------------------

def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
    writer.writerow(["HQ0001", "THUE.01", "2", "15/11/2019", "Thi đánh giá năng lực 2019 đợt 1"])
    writer.writerow(["HQ0002", "KTSTQ.01", "1", "15/11/2019", "Thi đánh giá năng lực 2019 đợt 1"])
    return out.getvalue().encode("utf-8-sig")


def source_ref(session: str, officer_code: str, competency_code: str) -> str:
    return f"import:{session}:{officer_code}:{competency_code}"


def import_results_csv(data, *, dry_run: bool, actor=None, today: date | None = None
                       ) -> CsvReport:
    """Import results of past exam sessions as evidence (see the module). Flushes when
    written; the caller commits when :attr:`CsvReport.written`."""
    from lms_core.identity import operations as identity_ops
    from plugins.competency import assessments
    from plugins.competency.models import Evidence

    rows = read_csv(data, RESULT_COLUMNS, RESULT_COLUMNS)
    report = CsvReport(dry_run=dry_run, rows=len(rows))
    index = assessments.competency_index()
    if not index:
        raise UserError(_("No competency framework is published yet: publish one first."))
    levels = assessments.scale_max()
    today = today or date.today()
    seen: dict[tuple[str, str, str], int] = {}
    users: dict[str, object] = {}
    plans = []
    for row in rows:
        try:
            officer_code = row.get("officer_code").upper()
            user = users.get(officer_code)
            if user is None:
                user = identity_ops.get_user(officer_code) if officer_code else None
                if user is None or user.code != officer_code:
                    raise UserError(_("Unknown officer code %(code)s.", code=officer_code))
                users[officer_code] = user
            code = row.get("competency_code").upper()
            if code not in index:
                raise UserError(_("Unknown competency code %(code)s: it is not in the published "
                                  "framework.", code=code))
            try:
                level = int(row.get("level"))
            except ValueError:
                raise UserError(_("The level %(value)s is not a whole number.",
                                  value=row.get("level"))) from None
            if not 0 <= level <= levels:
                raise UserError(_("Level %(level)s is outside the scale (0 to %(max)d).",
                                  level=level, max=levels))
            try:
                day = parse_date(row.get("date"))
            except ValueError:
                day = None
            if day is None or "/" not in row.get("date"):
                raise UserError(_("The date %(value)s is not a date written dd/mm/yyyy.",
                                  value=row.get("date")))
            if day > today:
                raise UserError(_("The date %(value)s is in the future.", value=row.get("date")))
            session = " ".join(row.get("session").split())
            if not session:
                raise UserError(_("The session name is empty."))
            if len(session) > MAX_SESSION:
                raise UserError(_("The session name is longer than %(n)d characters.",
                                  n=MAX_SESSION))
            key = (session, officer_code, code)
            if key in seen:
                raise UserError(_("Duplicate of line %(line)d: the same officer, competency and "
                                  "session.", line=seen[key]))
            seen[key] = row.line
        except UserError as exc:
            report.reject(row.line, exc.message)
            continue
        plans.append((row.line, user, code, level, day, session))
    if not report.ok:
        return report
    refs = {source_ref(s, u.code, c) for _line, u, c, _lv, _d, s in plans}
    existing = set()
    for chunk_start in range(0, len(refs), 500):
        chunk = list(refs)[chunk_start:chunk_start + 500]
        existing |= set(db.session.execute(
            sa.select(Evidence.user_id, Evidence.competency_code, Evidence.source_ref).where(
                Evidence.source == "import", Evidence.source_ref.in_(chunk))).all())
    from plugins.competency import evidence

    for line, user, code, level, day, session in plans:
        ref = source_ref(session, user.code, code)
        if (user.id, code, ref) in existing:
            report.unchanged += 1
            continue
        report.add(line, f"{user.code} · {code}", "created",
                   _("level %(level)d on %(day)s (%(session)s)", level=level,
                     day=day.strftime("%d/%m/%Y"), session=session))
        if not dry_run:
            evidence.add_evidence(user, code, level, source="import", source_ref=ref,
                                  observed_on=day, recorded_by=actor,
                                  note=_("Imported result: %(session)s", session=session))
    if not dry_run:
        db.session.flush()
    return report
