"""Evidence officers submit for the campaign, and the unit head's decision on it.

An officer submits an initiative (*sáng kiến*: title, description, the level at which it
was recognised), an external certificate (foreign language: VSTEP, IELTS, TOEIC...; IT: IC3,
MOS, the basic or advanced IT skills standard) or a learning model (*mô hình học tập*), with
at least one attachment. The head of a unit whose subtree holds the officer's unit approves
it or rejects it with a reason (required); only approved evidence scores (the measure
``approved_submissions`` reads the rows with status ``approved``). Before the decision the
officer may edit it or withdraw it (status ``withdrawn``, kept for the record).

Every change — submit, edit, withdraw, approve, reject — is written to the audit log
(:func:`plugins.emulation.audit.record`: who, when, the fields before and after) and marks
the officer's scores of the evidence's day for the next incremental pass
(:func:`plugins.emulation.scoring.mark_dirty`).

Who decides: the head of a unit whose subtree (today's tree) holds the unit the evidence
was submitted from, or the officer's current unit (after a restructuring). Nobody decides on
their own evidence: a unit head's own evidence goes to the head of a unit above. HR
administrators see every submission but do not decide.

Attachments: PDF, JPEG or PNG only, recognised by their first bytes (never by the file's
name), each at most ``EMULATION_EVIDENCE_MAX_MB`` megabytes (10), at most
:data:`MAX_FILES` per submission. The core's media store (``lms_core.courses.media``) is for
course media and writes a core table, which a plugin must not; so the files are kept by this
module under the same folder, ``LMS_MEDIA_DIR`` (default ``instance/media``), in
``emulation/<first two hex digits>/<SHA-256>`` (content-addressed: one copy per content,
written to a temporary name then renamed, so every app server of a cluster sharing the folder
sees whole files). A file whose transaction is rolled back stays on disk unreferenced
(harmless: the same content reuses it).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.organisation import queries as org
from plugins.emulation import audit, campaign, scoring
from plugins.emulation.models import (
    SUBMISSION_KINDS,
    AuditEntry,
    Period,
    Submission,
    SubmissionFile,
)

#: Statuses a submission goes through (``withdrawn``: by the officer, before a decision).
STATUSES = ("pending", "approved", "rejected", "withdrawn")
#: Levels at which an initiative was recognised. ``sector`` and ``national`` earn the bonus
#: of the demo rules (criterion THUONG.CN1).
SCOPES = ("unit", "sector", "national")
#: Fields of an external certificate.
CERTIFICATE_FIELDS = ("language", "it")
#: Names suggested for a certificate (any name is accepted).
CERTIFICATE_NAMES = {
    "language": ("VSTEP", "IELTS", "TOEIC", "TOEFL iBT", "Cambridge", "HSK", "JLPT", "TOPIK"),
    "it": ("IC3", "MOS", "Chuẩn kỹ năng sử dụng CNTT cơ bản",
           "Chuẩn kỹ năng sử dụng CNTT nâng cao", "ICDL"),
}
DEFAULT_MAX_MB = 10
MAX_FILES = 5
MAX_TITLE = 300
MAX_DESCRIPTION = 5000
MAX_REASON = 2000

KIND_LABELS = {
    "initiative": _l("Initiative"),
    "certificate": _l("External certificate"),
    "learning_model": _l("Learning model"),
}
STATUS_LABELS = {
    "pending": _l("pending"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
}
SCOPE_LABELS = {
    "unit": _l("Unit level (grassroots)"),
    "sector": _l("Customs sector / Ministry of Finance"),
    "national": _l("National"),
}
FIELD_LABELS = {"language": _l("Foreign language"), "it": _l("Information technology")}

#: content type -> (test of the first bytes, the usual file name ending)
FILE_TYPES = {
    "application/pdf": (lambda head: head.startswith(b"%PDF-"), ".pdf"),
    "image/jpeg": (lambda head: head.startswith(b"\xff\xd8\xff"), ".jpg"),
    "image/png": (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), ".png"),
}
_ENDINGS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"),
            "image/png": (".png",)}
_KEY = re.compile(r"^emulation/[0-9a-f]{2}/[0-9a-f]{64}$")


# -- attachments ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    """A file as received: its name and bytes."""

    filename: str
    data: bytes


def max_bytes() -> int:
    """The largest attachment accepted, in bytes (``EMULATION_EVIDENCE_MAX_MB``, 10 MB)."""
    try:
        mb = float(current_app.config.get("EMULATION_EVIDENCE_MAX_MB", DEFAULT_MAX_MB))
    except (TypeError, ValueError):
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


def max_mb_text() -> str:
    return f"{max_bytes() / (1024 * 1024):g}"


def detect_type(data: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png`` from the first bytes, else None."""
    head = bytes(data[:16])
    for ctype, (test, _ending) in FILE_TYPES.items():
        if test(head):
            return ctype
    return None


def clean_filename(name: str, content_type: str) -> str:
    """The file's base name, without path or control characters, ending as its content
    says (``scan.pdf`` holding a PNG becomes ``scan.pdf.png``)."""
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    if not name:
        name = "tep-dinh-kem"
    if not name.lower().endswith(_ENDINGS[content_type]):
        name += FILE_TYPES[content_type][1]
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[:200 - len(ext)] + ext
    return name


def check_uploads(uploads: list[Upload], *, existing: int = 0) -> list[tuple[Upload, str]]:
    """Each upload with its content type; :class:`UserError` for an empty or too large file,
    a type other than PDF/JPEG/PNG, or too many files."""
    uploads = [u for u in uploads if u is not None and (u.filename or u.data)]
    if existing + len(uploads) > MAX_FILES:
        raise UserError(_("At most %(n)d files can be attached to one submission.", n=MAX_FILES),
                        "files")
    limit = max_bytes()
    out = []
    for upload in uploads:
        name = os.path.basename((upload.filename or "").replace("\\", "/")) or "?"
        if not upload.data:
            raise UserError(_("%(file)s is empty.", file=name), "files")
        if len(upload.data) > limit:
            raise UserError(_("%(file)s is larger than %(mb)s MB.", file=name,
                              mb=max_mb_text()), "files")
        ctype = detect_type(upload.data)
        if ctype is None:
            raise UserError(_("%(file)s is not a PDF, JPEG or PNG file (its content was "
                              "checked, not its name). Scan or save the document as PDF, JPEG "
                              "or PNG.", file=name), "files")
        out.append((upload, ctype))
    return out


def media_dir() -> Path:
    """``LMS_MEDIA_DIR`` (default ``instance/media``), shared with the core's media."""
    return Path(current_app.config.get("LMS_MEDIA_DIR") or
                os.path.join(current_app.instance_path, "media"))


def _store(data: bytes) -> tuple[str, str]:
    """Keep ``data`` under ``emulation/`` by its SHA-256 (once per content); returns the
    digest and the storage key."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"emulation/{digest[:2]}/{digest}"
    path = media_dir() / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    return digest, key


def file_path(f: SubmissionFile) -> Path | None:
    """Where an attachment's bytes are (None when the key is not one of ours or the file is
    missing)."""
    if not _KEY.match(f.storage_key or ""):
        return None
    path = media_dir() / f.storage_key
    return path if path.is_file() else None


def _attach(submission: Submission, checked: list[tuple[Upload, str]]) -> list[SubmissionFile]:
    added = []
    for upload, ctype in checked:
        digest, key = _store(upload.data)
        row = SubmissionFile(filename=clean_filename(upload.filename, ctype),
                             content_type=ctype, size=len(upload.data), sha256=digest,
                             storage_key=key)
        submission.files.append(row)
        added.append(row)
    return added


# -- who may do what ----------------------------------------------------------------------------
def decider_unit_ids(user) -> set[int]:
    """The units whose evidence ``user`` decides on: the subtrees of the units they head."""
    ids: set[int] = set()
    for unit_id in user.headed_unit_ids:
        ids |= org.subtree_ids(unit_id)
    return ids


def _officer_unit_ids(submission: Submission) -> set[int]:
    ids = {submission.unit_id}
    from lms_core.identity.operations import user_by_id

    officer = user_by_id(submission.user_id)
    current = org.current_assignment(officer) if officer is not None else None
    if current is not None:
        ids.add(current.unit_id)
    return ids


def is_decider(user, submission: Submission) -> bool:
    """Whether ``user`` heads a unit whose subtree holds the submission's unit (or the
    officer's current unit), and is not the officer."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.id == submission.user_id:
        return False
    ids = decider_unit_ids(user)
    return bool(ids and _officer_unit_ids(submission) & ids)


def can_decide(user, submission: Submission) -> bool:
    return submission.status == "pending" and is_decider(user, submission)


def can_view(user, submission: Submission) -> bool:
    """The officer, the heads who decide on it, HR administrators."""
    if user.id == submission.user_id or user.has_role(R.HR_ADMIN):
        return True
    return is_decider(user, submission)


def can_edit(user, submission: Submission) -> bool:
    return user.id == submission.user_id and submission.status == "pending"


# -- reading ---------------------------------------------------------------------------------------
def get(submission_id: int) -> Submission | None:
    return db.session.get(Submission, submission_id)


def of_user(user, *, status: str | None = None) -> list[Submission]:
    """The officer's submissions, newest first."""
    stmt = sa.select(Submission).where(Submission.user_id == user.id)
    if status:
        stmt = stmt.where(Submission.status == status)
    return list(db.session.scalars(stmt.order_by(Submission.created_at.desc(),
                                                 Submission.id.desc())))


def _scope_stmt(user, stmt):
    """Restrict ``stmt`` (on Submission) to what ``user`` reviews: heads, the evidence
    submitted from their subtrees' units or by the officers in them today (after a
    restructuring the unit submitted from may be gone), never their own; HR administrators
    see everything."""
    if user.has_role(R.HR_ADMIN):
        return stmt
    ids = decider_unit_ids(user)
    if not ids:
        return stmt.where(sa.false())
    members = sorted({a.user_id for unit_id in user.headed_unit_ids
                      for a in org.members(unit_id)})
    where = Submission.unit_id.in_(sorted(ids))
    if members:
        where = sa.or_(where, *[Submission.user_id.in_(members[i:i + 5000])
                                for i in range(0, len(members), 5000)])
    return stmt.where(where, Submission.user_id != user.id)


def pending_for(user, *, limit: int = 500) -> list[Submission]:
    """The pending submissions ``user`` decides on (HR: every pending one), oldest first."""
    stmt = _scope_stmt(user, sa.select(Submission).where(Submission.status == "pending"))
    return list(db.session.scalars(stmt.order_by(Submission.created_at, Submission.id)
                                   .limit(limit)))


def pending_count(user) -> int:
    """How many pending submissions wait for ``user``'s decision (for a panel or a badge)."""
    if not user.headed_unit_ids and not user.has_role(R.HR_ADMIN):
        return 0
    stmt = _scope_stmt(user, sa.select(sa.func.count(Submission.id))
                       .where(Submission.status == "pending"))
    return db.session.scalar(stmt) or 0


def decided_for(user, *, limit: int = 50) -> list[Submission]:
    """The latest decisions in ``user``'s scope, newest first."""
    stmt = _scope_stmt(user, sa.select(Submission).where(
        Submission.status.in_(("approved", "rejected"))))
    return list(db.session.scalars(stmt.order_by(Submission.decided_at.desc(),
                                                 Submission.id.desc()).limit(limit)))


def history(submission: Submission) -> list[AuditEntry]:
    """The audit entries of the submission, oldest first."""
    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "submission", AuditEntry.object_id == str(submission.id))
        .order_by(AuditEntry.at, AuditEntry.id)))


def counts(user_ids: list[int] | None, start: date, end: date) -> dict[str, dict[str, int]]:
    """``kind -> status -> count`` of the submissions dated ``start``..``end`` (of
    ``user_ids``, or everyone's when None)."""
    out: dict[str, dict[str, int]] = {k: {s: 0 for s in STATUSES} for k in SUBMISSION_KINDS}
    base = (sa.select(Submission.kind, Submission.status, sa.func.count(Submission.id))
            .where(Submission.occurred_on >= start, Submission.occurred_on <= end)
            .group_by(Submission.kind, Submission.status))
    if user_ids is None:
        parts = [base]
    else:
        ids = sorted(set(user_ids))
        parts = [base.where(Submission.user_id.in_(ids[i:i + 5000]))
                 for i in range(0, len(ids), 5000)]
    for stmt in parts:
        for kind, status, n in db.session.execute(stmt):
            out.setdefault(kind, {}).setdefault(status, 0)
            out[kind][status] += n
    return out


def approved_initiatives(user_ids: list[int], start: date, end: date) -> dict[int, list[int]]:
    """``user id -> ids of approved initiatives dated start..end``."""
    out: dict[int, list[int]] = {}
    ids = sorted(set(user_ids))
    for i in range(0, len(ids), 5000):
        for sid, uid in db.session.execute(
                sa.select(Submission.id, Submission.user_id).where(
                    Submission.kind == "initiative", Submission.status == "approved",
                    Submission.occurred_on >= start, Submission.occurred_on <= end,
                    Submission.user_id.in_(ids[i:i + 5000])).order_by(Submission.id)):
            out.setdefault(uid, []).append(sid)
    return out


# -- checking --------------------------------------------------------------------------------------
def _text(value, limit: int) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()[:limit]


def _check_details(kind: str, details: dict | None) -> dict:
    """The kind's details, checked and normalised."""
    details = dict(details or {})
    if kind == "initiative":
        scope = str(details.get("scope") or "").strip()
        if scope not in SCOPES:
            raise UserError(_("Choose the level at which the initiative was recognised."),
                            "scope")
        out = {"scope": scope}
        decision = _text(details.get("decision"), 100)
        if decision:
            out["decision"] = decision
        return out
    if kind == "certificate":
        field = str(details.get("field") or "").strip()
        if field not in CERTIFICATE_FIELDS:
            raise UserError(_("Choose whether the certificate is for a foreign language or for "
                              "information technology."), "cert_field")
        name = _text(details.get("name"), 100)
        if not name:
            raise UserError(_("Give the certificate's name (for example IELTS, TOEIC, VSTEP, "
                              "IC3, MOS)."), "cert_name")
        level = _text(details.get("level"), 50)
        if not level:
            raise UserError(_("Give the level or score written on the certificate (for "
                              "example B2, 6.5, 750)."), "cert_level")
        out = {"field": field, "name": name, "level": level}
        issuer = _text(details.get("issuer"), 200)
        if issuer:
            out["issuer"] = issuer
        return out
    participants = details.get("participants")
    if participants in (None, ""):
        return {}
    try:
        n = int(str(participants).strip())
    except ValueError:
        n = -1
    if not 1 <= n <= 100000:
        raise UserError(_("The number of participants must be a whole number, 1 or more."),
                        "participants")
    return {"participants": n}


def _check_day(day, today: date | None) -> date:
    if not isinstance(day, date):
        raise UserError(_("Give the date as dd/mm/yyyy."), "occurred_on")
    today = today or campaign._today()
    if day > today:
        raise UserError(_("The date cannot be in the future."), "occurred_on")
    c = campaign.campaign()
    if c is None:
        raise UserError(_("The campaign has not started yet: evidence cannot be submitted."))
    if not c.start <= day <= c.end:
        raise UserError(_("%(day)s is outside the campaign (%(start)s – %(end)s).",
                          day=day.strftime("%d/%m/%Y"), start=c.start.strftime("%d/%m/%Y"),
                          end=c.end.strftime("%d/%m/%Y")), "occurred_on")
    closed = db.session.scalar(sa.select(Period).where(
        Period.kind == "year", Period.start <= day, Period.end >= day,
        Period.frozen_at.is_not(None)))
    if closed is not None:
        raise UserError(_("The scores of %(label)s are closed: evidence dated then can no "
                          "longer be submitted or changed. Ask the HR administrator for a "
                          "recorded correction.", label=closed.label), "occurred_on")
    return day


def _check(kind: str, title, description, occurred_on, details, today) -> tuple:
    if kind not in SUBMISSION_KINDS:
        raise UserError(_("Unknown kind of evidence."), "kind")
    title = _text(title, MAX_TITLE + 1)
    if not title:
        raise UserError(_("Give a title."), "title")
    if len(title) > MAX_TITLE:
        raise UserError(_("The title is too long (at most %(n)d characters).", n=MAX_TITLE),
                        "title")
    description = _text(description, MAX_DESCRIPTION + 1)
    if len(description) > MAX_DESCRIPTION:
        raise UserError(_("The description is too long (at most %(n)d characters).",
                          n=MAX_DESCRIPTION), "description")
    if kind in ("initiative", "learning_model") and not description:
        raise UserError(_("Describe the initiative or the learning model: what it is, what "
                          "it changed."), "description")
    return title, description, _check_day(occurred_on, today), _check_details(kind, details)


def snapshot(s: Submission) -> dict:
    """The submission's fields as the audit log keeps them."""
    return {"kind": s.kind, "status": s.status, "title": s.title,
            "description": s.description, "occurred_on": s.occurred_on,
            "details": dict(s.details or {}), "unit_id": s.unit_id,
            "files": [{"name": f.filename, "sha256": f.sha256, "size": f.size}
                      for f in s.files],
            "reason": s.reason or "", "decided_by_id": s.decided_by_id}


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


# -- operations ------------------------------------------------------------------------------------
def submit(user, *, kind: str, title: str, description: str = "", occurred_on: date | None,
           details: dict | None = None, files: list[Upload] = (),
           today: date | None = None) -> Submission:
    """The officer submits evidence (pending the unit head's decision). Flushes."""
    title, description, day, details = _check(kind, title, description, occurred_on, details,
                                              today)
    checked = check_uploads(list(files))
    if not checked:
        raise UserError(_("Attach at least one file: the certificate, the decision recognising "
                          "the initiative, or a document describing the model (PDF, JPEG or "
                          "PNG)."), "files")
    assignment = org.current_assignment(user)
    if assignment is None:
        raise UserError(_("You are not assigned to a unit, so nobody can review your "
                          "evidence. Ask the HR administrator."))
    submission = Submission(user_id=user.id, unit_id=assignment.unit_id, kind=kind,
                            title=title, description=description, details=details,
                            occurred_on=day, status="pending", reason="")
    db.session.add(submission)
    _attach(submission, checked)
    db.session.flush()
    audit.record(user, "submission.submit", "submission", submission.id, None,
                 snapshot(submission))
    scoring.mark_dirty(user.id, day)
    return submission


def update(submission: Submission, actor, *, title: str, description: str = "",
           occurred_on: date | None, details: dict | None = None, files: list[Upload] = (),
           remove: list[int] = (), today: date | None = None) -> Submission:
    """The officer changes their pending submission (fields, files added or removed).
    Flushes; audited with the fields that changed."""
    if actor.id != submission.user_id:
        raise UserError(_("Only the officer who submitted the evidence can change it."))
    if submission.status != "pending":
        raise UserError(_("This evidence has been decided (%(status)s): it can no longer be "
                          "changed.", status=STATUS_LABELS[submission.status]))
    title, description, day, details = _check(submission.kind, title, description,
                                              occurred_on, details, today)
    remove_ids = {int(r) for r in remove}
    unknown = remove_ids - {f.id for f in submission.files}
    if unknown:
        raise UserError(_("That file is not attached to this submission."), "files")
    kept = [f for f in submission.files if f.id not in remove_ids]
    checked = check_uploads(list(files), existing=len(kept))
    if not kept and not checked:
        raise UserError(_("Attach at least one file: the certificate, the decision recognising "
                          "the initiative, or a document describing the model (PDF, JPEG or "
                          "PNG)."), "files")
    before = snapshot(submission)
    old_day = submission.occurred_on
    for f in list(submission.files):
        if f.id in remove_ids:
            submission.files.remove(f)
    submission.title, submission.description = title, description
    submission.occurred_on, submission.details = day, details
    _attach(submission, checked)
    db.session.flush()
    old, new = _diff(before, snapshot(submission))
    if not new:
        return submission
    audit.record(actor, "submission.edit", "submission", submission.id, old, new)
    scoring.mark_dirty(submission.user_id, old_day)
    if day != old_day:
        scoring.mark_dirty(submission.user_id, day)
    return submission


def withdraw(submission: Submission, actor) -> Submission:
    """The officer withdraws their pending submission (kept, status ``withdrawn``)."""
    if actor.id != submission.user_id:
        raise UserError(_("Only the officer who submitted the evidence can withdraw it."))
    if submission.status != "pending":
        raise UserError(_("This evidence has been decided (%(status)s): it can no longer be "
                          "withdrawn.", status=STATUS_LABELS[submission.status]))
    submission.status = "withdrawn"
    db.session.flush()
    audit.record(actor, "submission.withdraw", "submission", submission.id,
                 {"status": "pending"}, {"status": "withdrawn"})
    scoring.mark_dirty(submission.user_id, submission.occurred_on)
    return submission


def decide(submission: Submission, actor, *, approve: bool, reason: str = "",
           now: datetime | None = None) -> Submission:
    """The unit head approves or rejects pending evidence; a rejection needs a reason.
    Flushes; audited; the officer's scores of that day are marked for recomputation."""
    if not is_decider(actor, submission):
        raise UserError(_("Only the head of the officer's unit (or of a unit above it) can "
                          "decide on this evidence."))
    if submission.status != "pending":
        raise UserError(_("This evidence has already been decided (%(status)s).",
                          status=STATUS_LABELS.get(submission.status, submission.status)))
    reason = _text(reason, MAX_REASON + 1)
    if len(reason) > MAX_REASON:
        raise UserError(_("The reason is too long (at most %(n)d characters).", n=MAX_REASON),
                        "reason")
    if not approve and not reason:
        raise UserError(_("Give the reason for the rejection: the officer sees it."), "reason")
    before = {"status": submission.status, "reason": submission.reason or "",
              "decided_by_id": submission.decided_by_id}
    submission.status = "approved" if approve else "rejected"
    submission.reason = reason
    submission.decided_by_id = actor.id
    submission.decided_at = now or utcnow()
    db.session.flush()
    audit.record(actor, "submission.approve" if approve else "submission.reject",
                 "submission", submission.id, before,
                 {"status": submission.status, "reason": reason, "decided_by_id": actor.id,
                  "decided_at": submission.decided_at})
    scoring.mark_dirty(submission.user_id, submission.occurred_on)
    return submission


# -- the audit log -------------------------------------------------------------------------------
#: Action prefixes the audit page filters by.
AUDIT_ACTIONS = ("submission.", "rating.", "proposal.", "rules.", "correction.", "anomaly.",
                 "period.")


@dataclass
class AuditFilter:
    action: str = ""  #: an action or a prefix ending in "."
    object_type: str = ""
    object_id: str = ""
    actor_id: int | None = None
    start: date | None = None
    end: date | None = None


def audit_query(f: AuditFilter):
    """A select of the audit entries matching ``f``, newest first."""
    stmt = sa.select(AuditEntry)
    if f.action:
        if f.action.endswith("."):
            stmt = stmt.where(AuditEntry.action.startswith(f.action, autoescape=True))
        else:
            stmt = stmt.where(AuditEntry.action == f.action)
    if f.object_type:
        stmt = stmt.where(AuditEntry.object_type == f.object_type)
    if f.object_id:
        stmt = stmt.where(AuditEntry.object_id == f.object_id)
    if f.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == f.actor_id)
    if f.start is not None:
        stmt = stmt.where(AuditEntry.at >= _utc_start(f.start))
    if f.end is not None:
        from datetime import timedelta

        stmt = stmt.where(AuditEntry.at < _utc_start(f.end + timedelta(days=1)))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _utc_start(day: date) -> datetime:
    from plugins.emulation.sources import to_utc

    return to_utc(day)


def audit_page(f: AuditFilter, page: int, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """One page of entries and the number of pages."""
    stmt = audit_query(f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, pages


def object_types() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.object_type).distinct()
                                   .order_by(AuditEntry.object_type)))
