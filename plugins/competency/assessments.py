"""Competency assessments (thi đánh giá năng lực): question banks, exam blueprints, sittings.

* A **bank** is the set of :class:`BankItem` of one competency (by code) and one level.
  Training staff create, edit and deactivate items, or import and export them as CSV.
* An **exam** is a blueprint: how many items to draw from each bank (:class:`ExamPart`),
  a time limit and a pass ratio. It can be opened only when every bank holds enough active
  items, and its levels of each competency start at 1 with none skipped (grading.py).
* A **sitting** is one officer's go at an exam. Its items are drawn when it starts, at random
  but reproducibly: the generator is seeded with the sitting's xAPI registration, which is
  derived from the exam and the officer, so one officer sits an exam once (a second start
  resumes the same sitting). The deadline is kept on the server; answers are saved as the
  officer goes. Submitting grades it (grading.py), records an xAPI statement, one piece of
  evidence per competency (``source="assessment"``, ``source_ref="sitting:<id>"``) and sends
  :data:`~plugins.competency.signals.assessment_scored`. A sitting submitted after its
  deadline, or never submitted (:func:`grade_expired_sittings`, run by the scheduler), is
  graded on the answers saved before the deadline and marked ``expired``.

Every function validates first and raises :class:`~lms_core.errors.UserError` (changing
nothing), flushes but never commits.
"""

from __future__ import annotations

import csv
import io
import logging
import random
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as identity_ops
from lms_core.plugins import Job
from plugins.competency import grading
from plugins.competency.models import (
    BankItem,
    Competency,
    Exam,
    ExamPart,
    Sitting,
)

log = logging.getLogger(__name__)

ITEM_KINDS = ("single", "multiple")
#: Option ids, in the order they are written; an item has 2 to 6 options.
OPTION_IDS = "abcdef"
MIN_OPTIONS = 2
_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,59}$")
_EXAM_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
#: Namespace of sitting registrations: uuid5(namespace, "<exam id>:<user id>:<n>").
REGISTRATION_NAMESPACE = uuid.UUID("6f1f3c9e-4b7a-5d2e-9c1a-2b3d4e5f6a7b")


# -- the published framework ------------------------------------------------------------------

def competency_index() -> dict[str, Competency]:
    """Code -> competency node of the published framework (empty when none is published)."""
    from plugins.competency import frameworks

    return frameworks.competency_index()


def scale_max() -> int:
    """The highest level of the published framework's scale (3 by default)."""
    from plugins.competency import frameworks

    return frameworks.scale_max()


def competency_name(node: Competency | None, lang: str = "vi") -> str:
    if node is None:
        return ""
    return (node.name_en if lang == "en" else "") or node.name_vi


def local_date(moment: datetime) -> date:
    """The platform's calendar day of a naive UTC ``moment``."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


def _user(user_id: int):
    return identity_ops.user_by_id(user_id)


# -- question banks ---------------------------------------------------------------------------

@dataclass
class BankRow:
    """One bank (competency and level) with its counts of items."""

    competency_code: str
    level: int
    active: int
    inactive: int
    competency: Competency | None = None


def bank_summary() -> list[BankRow]:
    """Every bank that holds an item, by competency code and level, with the counts."""
    rows = db.session.execute(
        sa.select(BankItem.competency_code, BankItem.level, BankItem.active,
                  sa.func.count(BankItem.id))
        .group_by(BankItem.competency_code, BankItem.level, BankItem.active)).all()
    banks: dict[tuple[str, int], BankRow] = {}
    for code, level, active, count in rows:
        row = banks.setdefault((code, level), BankRow(code, level, 0, 0))
        if active:
            row.active += count
        else:
            row.inactive += count
    index = competency_index()
    for row in banks.values():
        row.competency = index.get(row.competency_code)
    return [banks[k] for k in sorted(banks)]


def bank_items(competency_code: str, level: int) -> list[BankItem]:
    return list(db.session.scalars(
        sa.select(BankItem).where(BankItem.competency_code == competency_code,
                                  BankItem.level == level)
        .order_by(BankItem.active.desc(), BankItem.code)))


def active_counts() -> dict[tuple[str, int], int]:
    """(competency code, level) -> number of active items."""
    return {(c, lv): n for c, lv, n in db.session.execute(
        sa.select(BankItem.competency_code, BankItem.level, sa.func.count(BankItem.id))
        .where(BankItem.active.is_(True))
        .group_by(BankItem.competency_code, BankItem.level))}


def item_by_code(code: str) -> BankItem | None:
    return db.session.scalar(sa.select(BankItem).where(BankItem.code == (code or "").strip()))


def next_item_code(competency_code: str, level: int) -> str:
    """A free code ``<competency>-<level>-<nnn>`` for a new item."""
    prefix = f"{competency_code}-{level}-"
    used = set(db.session.scalars(sa.select(BankItem.code).where(
        BankItem.code.startswith(prefix, autoescape=True))))
    n = len(used) + 1
    while f"{prefix}{n:03d}" in used:
        n += 1
    return f"{prefix}{n:03d}"


def _clean_options(options: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Options with text, numbered a, b, c... in order; blank options dropped."""
    out = []
    for option in options:
        text_vi = str(option.get("text_vi") or "").strip()
        text_en = str(option.get("text_en") or "").strip()
        if not text_vi and not text_en:
            if option.get("correct"):
                raise UserError(_("An option marked right has no text."))
            continue
        if not text_vi:
            raise UserError(_("Each option needs its Vietnamese text."))
        out.append({"text_vi": text_vi, "text_en": text_en, "correct": bool(option.get("correct"))})
    if len(out) > len(OPTION_IDS):
        raise UserError(_("An item has at most %(n)d options.", n=len(OPTION_IDS)))
    for option_id, option in zip(OPTION_IDS, out, strict=False):
        option["id"] = option_id
    return [{"id": o["id"], "text_vi": o["text_vi"], "text_en": o["text_en"],
             "correct": o["correct"]} for o in out]


def check_item(*, competency_code: str, level: int, kind: str, stem_vi: str,
               options: list[dict[str, Any]], index: Mapping[str, Competency] | None = None,
               levels: int | None = None) -> None:
    """Raise :class:`UserError` for an item that cannot be saved (options already cleaned)."""
    index = competency_index() if index is None else index
    levels = scale_max() if levels is None else levels
    if not index:
        raise UserError(_("No competency framework is published yet: publish one first."))
    if competency_code not in index:
        raise UserError(_("Unknown competency code %(code)s: it is not in the published "
                          "framework.", code=competency_code), field="competency_code")
    if not 1 <= level <= levels:
        raise UserError(_("Level %(level)s is outside the scale (1 to %(max)d).",
                          level=level, max=levels), field="level")
    if kind not in ITEM_KINDS:
        raise UserError(_("Unknown kind %(kind)s: use single or multiple.", kind=kind),
                        field="kind")
    if not stem_vi.strip():
        raise UserError(_("The question needs its Vietnamese text."), field="stem_vi")
    if len(options) < MIN_OPTIONS:
        raise UserError(_("An item needs at least %(n)d options.", n=MIN_OPTIONS))
    right = sum(1 for o in options if o["correct"])
    if right == 0:
        raise UserError(_("No option is marked right."))
    if kind == "single" and right > 1:
        raise UserError(_("A single-answer item has exactly one right option; %(n)d are "
                          "marked right.", n=right))
    if right == len(options):
        raise UserError(_("Every option is marked right: at least one must be wrong."))


def save_item(item: BankItem | None, *, competency_code: str, level: int, kind: str,
              stem_vi: str, stem_en: str = "", options: Iterable[Mapping[str, Any]],
              code: str | None = None, active: bool | None = None) -> BankItem:
    """Create (``item`` None) or update a bank item. ``options`` are dicts with ``text_vi``,
    ``text_en`` and ``correct``; blank ones are dropped and the rest numbered a, b, c..."""
    competency_code = (competency_code or "").strip().upper()
    kind = (kind or "single").strip().lower()
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise UserError(_("The level is a whole number."), field="level") from None
    cleaned = _clean_options(options)
    check_item(competency_code=competency_code, level=level, kind=kind, stem_vi=stem_vi or "",
               options=cleaned)
    if item is None:
        code = (code or "").strip().upper() or next_item_code(competency_code, level)
        if not _CODE_RE.match(code):
            raise UserError(_("An item code has letters, digits, - _ . (at most 60)."),
                            field="code")
        if item_by_code(code) is not None:
            raise UserError(_("The code %(code)s is taken.", code=code), field="code")
        item = BankItem(code=code)
        db.session.add(item)
    item.competency_code = competency_code
    item.level = level
    item.kind = kind
    item.stem_vi = stem_vi.strip()
    item.stem_en = (stem_en or "").strip()
    item.options = cleaned
    if active is not None:
        item.active = active
    elif item.active is None:
        item.active = True
    db.session.flush()
    return item


def set_item_active(item: BankItem, active: bool) -> BankItem:
    """Deactivate an item (it is drawn no more; sittings that drew it keep it) or reactivate
    it. Deactivating an item that an open exam needs is refused."""
    if not active and item.active:
        need = _open_exam_shortfall(item.competency_code, item.level, removed=1)
        if need:
            raise UserError(_("The open exam %(exam)s needs %(n)d active items of this bank: "
                              "close it first or add items.", exam=need[0], n=need[1]))
    item.active = active
    db.session.flush()
    return item


def _open_exam_shortfall(code: str, level: int, removed: int) -> tuple[str, int] | None:
    have = active_counts().get((code, level), 0) - removed
    for exam_code, count in db.session.execute(
            sa.select(Exam.code, ExamPart.item_count).join(ExamPart, ExamPart.exam_id == Exam.id)
            .where(Exam.open.is_(True), ExamPart.competency_code == code,
                   ExamPart.level == level)):
        if count > have:
            return exam_code, count
    return None


# -- bank CSV ---------------------------------------------------------------------------------

BANK_COLUMNS = ("code", "competency_code", "level", "kind", "stem_vi", "stem_en", "correct",
                *[f"option_{o}_{lang}" for o in OPTION_IDS for lang in ("vi", "en")], "active")
BANK_REQUIRED = ("code", "competency_code", "level", "stem_vi", "correct", "option_a_vi",
                 "option_b_vi")


def export_items_csv(items: Iterable[BankItem]) -> bytes:
    """The items as CSV (UTF-8 with BOM, so Excel reads the Vietnamese letters)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(BANK_COLUMNS)
    for item in items:
        by_id = {o["id"]: o for o in item.options}
        row = [item.code, item.competency_code, item.level, item.kind, item.stem_vi,
               item.stem_en, ",".join(o["id"] for o in item.options if o.get("correct"))]
        for option_id in OPTION_IDS:
            option = by_id.get(option_id, {})
            row += [option.get("text_vi", ""), option.get("text_en", "")]
        row.append("1" if item.active else "0")
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def all_items(competency_code: str | None = None) -> list[BankItem]:
    query = sa.select(BankItem).order_by(BankItem.competency_code, BankItem.level, BankItem.code)
    if competency_code:
        query = query.where(BankItem.competency_code == competency_code.strip().upper())
    return list(db.session.scalars(query))


def import_items_csv(data, *, dry_run: bool):
    """Create or update bank items from CSV (columns :data:`BANK_COLUMNS`; ``correct`` lists
    the right options' letters, e.g. ``a`` or ``a,c``). The code is the key: importing the
    same file again changes nothing. All or nothing: every bad line is reported with its line
    number and, if there is one, nothing is written. Returns a
    :class:`~plugins.competency.result_import.CsvReport`."""
    from plugins.competency.result_import import CsvReport, read_csv

    rows = read_csv(data, BANK_COLUMNS, BANK_REQUIRED)
    report = CsvReport(dry_run=dry_run, rows=len(rows))
    index = competency_index()
    levels = scale_max()
    if not index:
        raise UserError(_("No competency framework is published yet: publish one first."))
    seen: dict[str, int] = {}
    plans = []
    for row in rows:
        try:
            code = row.get("code").upper()
            if not code:
                raise UserError(_("The code is empty."))
            if not _CODE_RE.match(code):
                raise UserError(_("An item code has letters, digits, - _ . (at most 60)."))
            if code in seen:
                raise UserError(_("The code %(code)s is also on line %(line)d.", code=code,
                                  line=seen[code]))
            seen[code] = row.line
            competency_code = row.get("competency_code").upper()
            try:
                level = int(row.get("level"))
            except ValueError:
                raise UserError(_("The level %(value)s is not a whole number.",
                                  value=row.get("level"))) from None
            kind = (row.get("kind") or "single").lower()
            letters = [x.strip().lower() for x in re.split(r"[,;\s]+", row.get("correct"))
                       if x.strip()]
            bad = [x for x in letters if x not in OPTION_IDS]
            if bad:
                raise UserError(_("The right options are given by their letters a to f, not "
                                  "%(value)s.", value=", ".join(bad)))
            raw = []
            for option_id in OPTION_IDS:
                raw.append({"text_vi": row.get(f"option_{option_id}_vi"),
                            "text_en": row.get(f"option_{option_id}_en"),
                            "correct": option_id in letters, "letter": option_id})
            present = [o for o in raw if o["text_vi"] or o["text_en"]]
            missing = [x for x in letters if not any(o["letter"] == x for o in present)]
            if missing:
                raise UserError(_("Option %(letter)s is marked right but has no text.",
                                  letter=missing[0]))
            # Letters must be consecutive (a, b, c...), as the export writes them.
            if [o["letter"] for o in present] != list(OPTION_IDS[:len(present)]):
                raise UserError(_("Options are filled in order from a, without gaps."))
            options = _clean_options(present)
            active_text = row.get("active").strip().lower()
            if active_text not in ("", "1", "0", "yes", "no", "co", "khong", "true", "false"):
                raise UserError(_("Active is 1 or 0, not %(value)s.", value=row.get("active")))
            active = None if not active_text else active_text in ("1", "yes", "co", "true")
            check_item(competency_code=competency_code, level=level, kind=kind,
                       stem_vi=row.get("stem_vi"), options=options, index=index, levels=levels)
        except UserError as exc:
            report.reject(row.line, exc.message)
            continue
        plans.append((row, code, competency_code, level, kind, options, active))
    if not report.ok:
        return report
    existing = {i.code: i for i in db.session.scalars(
        sa.select(BankItem).where(BankItem.code.in_([p[1] for p in plans])))} if plans else {}
    for row, code, competency_code, level, kind, options, active in plans:
        item = existing.get(code)
        values = dict(competency_code=competency_code, level=level, kind=kind,
                      stem_vi=row.get("stem_vi").strip(), stem_en=row.get("stem_en").strip(),
                      options=options)
        if item is None:
            report.add(row.line, code, "created")
            if not dry_run:
                db.session.add(BankItem(code=code, active=True if active is None else active,
                                        **values))
            continue
        changed = any(getattr(item, k) != v for k, v in values.items()) or (
            active is not None and item.active != active)
        if not changed:
            report.unchanged += 1
            continue
        report.add(row.line, code, "updated")
        if not dry_run:
            for k, v in values.items():
                setattr(item, k, v)
            if active is not None:
                item.active = active
    if not dry_run:
        db.session.flush()
    return report


# -- exams ------------------------------------------------------------------------------------

def exam_by_code(code: str) -> Exam | None:
    return db.session.scalar(sa.select(Exam).where(Exam.code == (code or "").strip().upper()))


def exams(*, open_only: bool = False) -> list[Exam]:
    query = sa.select(Exam).order_by(Exam.open.desc(), Exam.created_at.desc(), Exam.id.desc())
    if open_only:
        query = query.where(Exam.open.is_(True))
    return list(db.session.scalars(query))


def save_exam(exam: Exam | None, *, code: str, title_vi: str, title_en: str = "",
              time_limit_minutes: int = 45, pass_ratio: float = grading.DEFAULT_PASS_RATIO
              ) -> Exam:
    """Create (``exam`` None) or update an exam's settings. An open exam's time limit and
    pass ratio cannot change: close it first (its sittings must be graded alike)."""
    code = (code or "").strip().upper()
    title_vi = (title_vi or "").strip()
    if not _EXAM_CODE_RE.match(code):
        raise UserError(_("An exam code has letters, digits, - _ . (at most 40)."), field="code")
    other = exam_by_code(code)
    if other is not None and other is not exam:
        raise UserError(_("The code %(code)s is taken.", code=code), field="code")
    if not title_vi:
        raise UserError(_("The exam needs its Vietnamese title."), field="title_vi")
    try:
        minutes = int(time_limit_minutes)
    except (TypeError, ValueError):
        raise UserError(_("The time limit is a whole number of minutes."),
                        field="time_limit_minutes") from None
    if not 1 <= minutes <= 600:
        raise UserError(_("The time limit is between 1 and 600 minutes."),
                        field="time_limit_minutes")
    try:
        share = float(pass_ratio)
    except (TypeError, ValueError):
        raise UserError(_("The pass ratio is a number between 0 and 1, e.g. 0.7."),
                        field="pass_ratio") from None
    if not 0 < share <= 1:
        raise UserError(_("The pass ratio is a number between 0 and 1, e.g. 0.7."),
                        field="pass_ratio")
    if exam is not None and exam.open and (minutes != exam.time_limit_minutes
                                           or abs(share - exam.pass_ratio) > 1e-9):
        raise UserError(_("Close the exam before changing its time limit or pass ratio."))
    if exam is None:
        exam = Exam(code=code)
        db.session.add(exam)
    exam.code = code
    exam.title_vi = title_vi
    exam.title_en = (title_en or "").strip()
    exam.time_limit_minutes = minutes
    exam.pass_ratio = share
    db.session.flush()
    return exam


def set_part(exam: Exam, competency_code: str, level: int, item_count: int) -> ExamPart | None:
    """Draw ``item_count`` items of ``competency_code`` at ``level``; 0 removes the part.
    The parts of an open exam do not change."""
    if exam.open:
        raise UserError(_("Close the exam before changing its parts."))
    competency_code = (competency_code or "").strip().upper()
    try:
        level, item_count = int(level), int(item_count)
    except (TypeError, ValueError):
        raise UserError(_("The level and the number of items are whole numbers.")) from None
    index = competency_index()
    if competency_code not in index:
        raise UserError(_("Unknown competency code %(code)s: it is not in the published "
                          "framework.", code=competency_code), field="competency_code")
    if not 1 <= level <= scale_max():
        raise UserError(_("Level %(level)s is outside the scale (1 to %(max)d).",
                          level=level, max=scale_max()), field="level")
    if not 0 <= item_count <= 100:
        raise UserError(_("The number of items is between 0 and 100."), field="item_count")
    part = db.session.get(ExamPart, (exam.id, competency_code, level))
    if item_count == 0:
        if part is not None:
            db.session.delete(part)
            db.session.flush()
            db.session.expire(exam, ["parts"])
        return None
    if part is None:
        part = ExamPart(exam_id=exam.id, competency_code=competency_code, level=level,
                        item_count=item_count)
        db.session.add(part)
    part.item_count = item_count
    db.session.flush()
    db.session.expire(exam, ["parts"])
    return part


@dataclass
class PartStatus:
    part: ExamPart
    available: int
    competency: Competency | None

    @property
    def enough(self) -> bool:
        return self.available >= self.part.item_count


def part_statuses(exam: Exam) -> list[PartStatus]:
    counts = active_counts()
    index = competency_index()
    return [PartStatus(p, counts.get((p.competency_code, p.level), 0), index.get(p.competency_code))
            for p in exam.parts]


def exam_problems(exam: Exam) -> list[str]:
    """Why the exam cannot be opened (empty when it can): no part, a bank with too few active
    items, a competency whose levels skip one or do not start at 1, an unknown code."""
    problems = []
    if not exam.parts:
        problems.append(_("The exam has no part: add the items to draw per competency and "
                          "level."))
    index = competency_index()
    levels: dict[str, set[int]] = {}
    for status in part_statuses(exam):
        part = status.part
        levels.setdefault(part.competency_code, set()).add(part.level)
        if part.competency_code not in index:
            problems.append(_("Unknown competency code %(code)s: it is not in the published "
                              "framework.", code=part.competency_code))
        if not status.enough:
            problems.append(_("%(code)s level %(level)d: the part draws %(n)d items but the bank "
                              "holds %(have)d active items.", code=part.competency_code,
                              level=part.level, n=part.item_count, have=status.available))
    for code, held in sorted(levels.items()):
        if sorted(held) != list(range(1, max(held) + 1)):
            problems.append(_("%(code)s: the levels tested must start at 1 with none skipped "
                              "(a level is reached only with the levels below it).", code=code))
    return problems


def open_exam(exam: Exam) -> Exam:
    problems = exam_problems(exam)
    if problems:
        raise UserError(" ".join(str(p) for p in problems))
    exam.open = True
    db.session.flush()
    return exam


def close_exam(exam: Exam) -> Exam:
    """Close the exam to new sittings; sittings in progress go on until their deadline."""
    exam.open = False
    db.session.flush()
    return exam


def sitting_counts(exam_ids: Iterable[int]) -> dict[int, Counter]:
    """exam id -> Counter of its sittings by status."""
    ids = list(exam_ids)
    out: dict[int, Counter] = {i: Counter() for i in ids}
    if not ids:
        return out
    for exam_id, status, n in db.session.execute(
            sa.select(Sitting.exam_id, Sitting.status, sa.func.count(Sitting.id))
            .where(Sitting.exam_id.in_(ids)).group_by(Sitting.exam_id, Sitting.status)):
        out[exam_id][status] = n
    return out


# -- sittings ---------------------------------------------------------------------------------

def registration_for(exam: Exam, user, number: int = 1) -> str:
    """The xAPI registration of ``user``'s ``number``-th sitting of ``exam``: fixed, so the
    database's unique registration refuses a second sitting even when two starts race."""
    return str(uuid.uuid5(REGISTRATION_NAMESPACE, f"{exam.id}:{user.id}:{number}"))


def draw_items(exam: Exam, registration: str) -> list[int]:
    """The ids of the items a sitting with ``registration`` draws: for each part,
    ``item_count`` active items of its bank, at random; the whole list shuffled. The same
    registration and banks give the same draw."""
    rng = random.Random(f"competency-sitting:{registration}")
    drawn: list[int] = []
    for part in exam.parts:
        pool = list(db.session.scalars(
            sa.select(BankItem.id).where(BankItem.competency_code == part.competency_code,
                                         BankItem.level == part.level,
                                         BankItem.active.is_(True))
            .order_by(BankItem.id)))
        if len(pool) < part.item_count:
            raise UserError(_("This exam cannot be sat now: a question bank holds too few "
                              "items. Please tell the training staff."))
        drawn += rng.sample(pool, part.item_count)
    rng.shuffle(drawn)
    return drawn


def option_order(sitting: Sitting, item: BankItem) -> list[dict[str, Any]]:
    """The item's options in the order this sitting shows them (shuffled, reproducibly)."""
    options = list(item.options)
    random.Random(f"{sitting.registration}:{item.id}").shuffle(options)
    return options


def sitting_of(exam: Exam, user) -> Sitting | None:
    return db.session.scalar(sa.select(Sitting).where(
        Sitting.exam_id == exam.id, Sitting.user_id == user.id).order_by(Sitting.id.desc())
        .limit(1))


def sittings_of(user) -> list[Sitting]:
    return list(db.session.scalars(sa.select(Sitting).where(Sitting.user_id == user.id)
                                   .order_by(Sitting.started_at.desc())))


def start_sitting(exam: Exam, user, *, now: datetime | None = None) -> tuple[Sitting, bool]:
    """Start ``user``'s sitting of ``exam``, or return the one they have: ``(sitting,
    created)``. A sitting in progress is resumed (its deadline does not move); a graded one
    is returned as it is (one sitting per officer and exam)."""
    existing = sitting_of(exam, user)
    if existing is not None:
        return existing, False
    if not exam.open:
        raise UserError(_("This exam is not open."))
    now = now or utcnow()
    registration = registration_for(exam, user)
    sitting = Sitting(exam_id=exam.id, user_id=user.id, registration=registration,
                      status="in_progress", started_at=now,
                      deadline_at=now + timedelta(minutes=exam.time_limit_minutes),
                      item_ids=draw_items(exam, registration), answers={})
    db.session.add(sitting)
    db.session.flush()
    return sitting, True


def remaining_seconds(sitting: Sitting, now: datetime | None = None) -> int:
    if sitting.status != "in_progress":
        return 0
    return max(0, int((sitting.deadline_at - (now or utcnow())).total_seconds()))


def sitting_items(sitting: Sitting) -> list[BankItem]:
    """The sitting's items in the order shown."""
    items = {i.id: i for i in db.session.scalars(
        sa.select(BankItem).where(BankItem.id.in_(sitting.item_ids)))}
    return [items[i] for i in sitting.item_ids if i in items]


def _check_answers(sitting: Sitting, answers: Mapping[Any, Iterable[str]]) -> dict[str, list[str]]:
    items = {i.id: i for i in sitting_items(sitting)}
    clean: dict[str, list[str]] = {}
    for key, chosen in answers.items():
        try:
            item = items[int(key)]
        except (KeyError, TypeError, ValueError):
            raise UserError(_("An answer names a question that is not in this sitting.")) from None
        ids = {o["id"] for o in item.options}
        picked = sorted({str(c) for c in chosen if str(c)})
        if any(c not in ids for c in picked):
            raise UserError(_("An answer names an option the question does not have."))
        if item.kind == "single" and len(picked) > 1:
            raise UserError(_("Choose one option for a single-answer question."))
        clean[str(item.id)] = picked
    return clean


def save_answers(sitting: Sitting, answers: Mapping[Any, Iterable[str]], *,
                 now: datetime | None = None) -> Sitting:
    """Save the answers given (``{item id: [option ids]}``; an empty list clears an answer);
    answers to other items stay. Refused once the sitting is graded or its time is up."""
    now = now or utcnow()
    if sitting.status != "in_progress":
        raise UserError(_("This sitting has been graded: its answers can no longer change."))
    if now > sitting.deadline_at:
        raise UserError(_("The time is up: answers can no longer be saved."))
    clean = _check_answers(sitting, answers)
    merged = dict(sitting.answers or {})
    for key, picked in clean.items():
        if picked:
            merged[key] = picked
        else:
            merged.pop(key, None)
    sitting.answers = merged
    db.session.flush()
    return sitting


class AlreadySubmitted(UserError):
    """The sitting was graded before: nothing was done."""


def submit_sitting(sitting: Sitting, answers: Mapping[Any, Iterable[str]] | None = None, *,
                   now: datetime | None = None) -> Sitting:
    """Submit and grade. Before the deadline the ``answers`` given are saved first and the
    sitting becomes ``submitted``; after it, they are ignored, the sitting is graded on the
    answers saved before the deadline and becomes ``expired``. A second submission raises
    :class:`AlreadySubmitted` and changes nothing."""
    now = now or utcnow()
    if sitting.status != "in_progress":
        raise AlreadySubmitted(_("This sitting was already submitted on %(when)s; its result "
                                 "stands and is counted once.",
                                 when=_fmt_datetime(sitting.submitted_at)))
    expired = now > sitting.deadline_at
    if not expired and answers is not None:
        save_answers(sitting, answers, now=now)
    return _finish(sitting, "expired" if expired else "submitted", now)


def _fmt_datetime(value: datetime | None) -> str:
    from lms_core.ui.i18n import fmt_datetime

    return fmt_datetime(value) if value else ""


def _finish(sitting: Sitting, status: str, now: datetime) -> Sitting:
    # Claim the sitting with a conditional UPDATE: of two submissions racing, only one
    # changes the row; the other is told the sitting was submitted already.
    claimed = db.session.execute(
        sa.update(Sitting).where(Sitting.id == sitting.id, Sitting.status == "in_progress")
        .values(status=status, submitted_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.refresh(sitting)
        raise AlreadySubmitted(_("This sitting was already submitted on %(when)s; its result "
                                 "stands and is counted once.",
                                 when=_fmt_datetime(sitting.submitted_at)))
    sitting.status = status
    sitting.submitted_at = now
    exam = db.session.get(Exam, sitting.exam_id)
    items = [grading.GradedItem(i.id, i.competency_code, i.level, i.kind, i.options)
             for i in sitting_items(sitting)]
    result = grading.grade(items, sitting.answers or {}, exam.pass_ratio)
    result["expired"] = status == "expired"
    sitting.result = result
    db.session.flush()
    user = _user(sitting.user_id)
    statement = _record_statement(sitting, exam, user, result, now)
    levels = grading.levels_placed(result)
    from plugins.competency import evidence

    observed = local_date(min(now, sitting.deadline_at))
    for code, level in levels.items():
        evidence.add_evidence(user, code, level, source="assessment",
                              source_ref=f"sitting:{sitting.id}", observed_on=observed,
                              statement_id=statement.statement_id)
    from plugins.competency.signals import assessment_scored

    assessment_scored.send(sitting, levels=levels)
    return sitting


def _record_statement(sitting: Sitting, exam: Exam, user, result: dict, now: datetime):
    """One ``passed``/``failed`` statement for the graded sitting (grading.passed), with the
    levels placed in the result extension ``EXT_COMPETENCY_LEVELS``."""
    from lms_core.xapi import statements as S
    from plugins.competency import frameworks

    framework = frameworks.published_framework()
    statement = S.assessment_result(
        user, exam_code=exam.code, title_vi=exam.title_vi, title_en=exam.title_en,
        registration=sitting.registration, passed=grading.passed(result),
        right=result["right"], total=result["total"], levels=grading.levels_placed(result),
        started_at=sitting.started_at, submitted_at=min(now, sitting.deadline_at),
        framework=f"{framework.code} v{framework.version}" if framework else None)
    return S.record(statement, user=user)


def grade_expired_sittings(*, now: datetime | None = None) -> int:
    """Grade every sitting in progress whose deadline has passed, on the answers saved before
    it (status ``expired``). Each sitting is graded in its own savepoint: one that fails (it
    is logged) does not stop the others. Flushes; returns the number graded."""
    now = now or utcnow()
    done = 0
    ids = list(db.session.scalars(sa.select(Sitting.id).where(
        Sitting.status == "in_progress", Sitting.deadline_at < now).order_by(Sitting.id)))
    for sitting_id in ids:
        try:
            with db.session.begin_nested():
                sitting = db.session.get(Sitting, sitting_id)
                if sitting is None or sitting.status != "in_progress":
                    continue
                _finish(sitting, "expired", now)
                done += 1
        except Exception:  # noqa: BLE001 - one bad sitting must not stop the job
            log.exception("could not grade expired sitting %s", sitting_id)
    return done


def grade_expired_sittings_job() -> None:
    """The scheduled job: grade expired sittings and commit."""
    grade_expired_sittings()
    db.session.commit()


#: Scheduled jobs of the assessments (for the plugin to schedule).
JOBS = [Job("competency.grade_expired_sittings", grade_expired_sittings_job, "interval",
            {"minutes": 5})]


# -- results for the officer ------------------------------------------------------------------

@dataclass
class ResultRow:
    code: str
    competency: Competency | None
    level: int
    levels: dict[int, tuple[int, int]]
    required: int | None = None
    courses: list = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, (self.required or 0) - self.level)


def required_levels(user) -> dict[str, int]:
    """Code -> level the officer's current position requires (empty when the profiles part
    is not there or the officer holds no position)."""
    from lms_core.organisation import queries as org

    assignment = org.current_assignment(user)
    if assignment is None or assignment.position_id is None:
        return {}
    try:
        from plugins.competency import profiles
        requirements_for = profiles.requirements_for
    except (ImportError, AttributeError):
        return {}
    return {r.competency_code: r.required_level for r in requirements_for(assignment.position_id)}


def result_rows(sitting: Sitting, user, *, lang: str = "vi") -> list[ResultRow]:
    """Per competency of the graded sitting: level placed, items right per level, the level
    required by the officer's position and, where below it, courses that develop it."""
    from lms_core.courses import catalogue

    index = competency_index()
    required = required_levels(user)
    rows = []
    for code, data in sorted((sitting.result or {}).get("competencies", {}).items()):
        row = ResultRow(code, index.get(code), int(data["level"]),
                        {int(k): (v[0], v[1]) for k, v in data["levels"].items()},
                        required.get(code))
        if row.gap or row.level == 0:
            # Courses that develop this competency beyond the level placed.
            found = catalogue.search_courses(competency=code, per_page=20, lang=lang).versions
            row.courses = [v for v in found if any(
                c.competency_code == code and c.level > row.level for c in v.competencies)][:5]
        rows.append(row)
    return rows
