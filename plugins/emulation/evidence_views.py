"""Pages of the evidence workflow (submissions.py) and the audit log.

Who may see what:

- ``/emulation/submissions``: anyone logged in sees their own submissions and submits new
  ones (an initiative, an external certificate, a learning model);
- a submission's page and its attachments: the officer, the heads of the units whose
  subtree holds the officer's unit, HR administrators; others get 403;
- editing and withdrawing: the officer, while the evidence is pending;
- ``/emulation/submissions/review`` and the decision: unit heads (their subtree's pending
  evidence; HR administrators see every pending submission but do not decide); a decision
  by anyone who is not the head of the officer's unit (or of a unit above it) is 403 and
  changes nothing;
- ``/emulation/audit``: HR administrators only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.organisation import queries as org
from lms_core.ui.forms import run_form_operation
from lms_core.ui.i18n import parse_date
from plugins.emulation import submissions as S
from plugins.emulation.blueprint import bp
from plugins.emulation.models import SUBMISSION_KINDS

DATE_LABELS = {
    "initiative": _l("Date recognised"),
    "certificate": _l("Date issued"),
    "learning_model": _l("Date started"),
}
TITLE_HINTS = {
    "initiative": _l("The initiative's name, as in the decision recognising it."),
    "certificate": _l("For example: IELTS Academic 6.5, MOS Excel 2019."),
    "learning_model": _l("For example: the team's weekly study group on e-manifests."),
}
ACTION_LABELS = {
    "submission.submit": _l("submitted"),
    "submission.edit": _l("edited"),
    "submission.withdraw": _l("withdrawn"),
    "submission.approve": _l("approved"),
    "submission.reject": _l("rejected"),
}


class SubmissionForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("Description"))
    occurred_on = StringField(_l("Date"))
    scope = SelectField(_l("Recognised at"), choices=[], validate_choice=False)
    decision = StringField(_l("Number of the recognition decision (if any)"))
    cert_field = SelectField(_l("Field"), choices=[], validate_choice=False)
    cert_name = StringField(_l("Certificate name"))
    cert_level = StringField(_l("Level or score"))
    cert_issuer = StringField(_l("Issued by"))
    participants = StringField(_l("Participants (if known)"))
    files = MultipleFileField(_l("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [("", "—")] + [(k, str(v)) for k, v in S.SCOPE_LABELS.items()]
        self.cert_field.choices = [("", "—")] + [(k, str(v))
                                                 for k, v in S.FIELD_LABELS.items()]

    def details(self) -> dict:
        return {"scope": self.scope.data, "decision": self.decision.data,
                "field": self.cert_field.data, "name": self.cert_name.data,
                "level": self.cert_level.data, "issuer": self.cert_issuer.data,
                "participants": self.participants.data}

    def fill(self, s) -> None:
        details = s.details or {}
        self.title.data, self.description.data = s.title, s.description
        self.occurred_on.data = s.occurred_on.strftime("%d/%m/%Y")
        self.scope.data = details.get("scope", "")
        self.decision.data = details.get("decision", "")
        self.cert_field.data = details.get("field", "")
        self.cert_name.data = details.get("name", "")
        self.cert_level.data = details.get("level", "")
        self.cert_issuer.data = details.get("issuer", "")
        self.participants.data = str(details.get("participants", "") or "")


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason or comment"))


class ActionForm(FlaskForm):
    """Nothing but the CSRF token."""


def _day(text: str | None):
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None:
        raise UserError(_("Give the date as dd/mm/yyyy."), "occurred_on")
    return day


def _uploads() -> list[S.Upload]:
    """The files sent, each read up to one byte over the limit (enough to refuse it)."""
    limit = S.max_bytes()
    out = []
    for storage in request.files.getlist("files"):
        if storage is None or not storage.filename:
            continue
        out.append(S.Upload(storage.filename, storage.read(limit + 1)))
    return out


def _load(submission_id: int):
    submission = S.get(submission_id)
    if submission is None:
        abort(404)
    if not S.can_view(current_user, submission):
        abort(403)
    return submission


def _value_text(key: str, value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "files" and isinstance(value, list):
        return ", ".join(str(f.get("name", "")) for f in value if isinstance(f, dict))
    if key == "status":
        return str(S.STATUS_LABELS.get(value, value))
    if key in ("decided_by_id", "actor_id"):
        user = id_ops.user_by_id(value) if isinstance(value, int) else None
        return f"{user.full_name} ({user.code})" if user else str(value)
    if key in ("occurred_on", "decided_at") and isinstance(value, str) and len(value) >= 10:
        y, m, d = value[:10].split("-")
        return f"{d}/{m}/{y}" + (value[10:16].replace("T", " ") if len(value) > 10 else "")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def change_rows(entry) -> list[tuple[str, str, str]]:
    """``(field, before, after)`` of an audit entry, as text."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [(k, _value_text(k, before.get(k)) if entry.before is not None else "",
             _value_text(k, after.get(k)) if entry.after is not None else "")
            for k in keys]


def _helpers() -> dict:
    return {"kind_label": lambda k: S.KIND_LABELS.get(k, k),
            "status_label": lambda s: S.STATUS_LABELS.get(s, s),
            "scope_label": lambda s: S.SCOPE_LABELS.get(s, s),
            "field_label": lambda f: S.FIELD_LABELS.get(f, f),
            "action_label": lambda a: ACTION_LABELS.get(a, a), "change_rows": change_rows,
            "user_of": id_ops.user_by_id, "max_mb": S.max_mb_text(), "max_files": S.MAX_FILES,
            "certificate_names": S.CERTIFICATE_NAMES}


def _unit_of(submission):
    return org.units_by_ids([submission.unit_id]).get(submission.unit_id)


@bp.get("/submissions")
@role_required()
def submissions_mine():
    return render_template("emulation/evidence/mine.html",
                           submissions=S.of_user(current_user),
                           waiting=S.pending_count(current_user), kinds=SUBMISSION_KINDS,
                           **_helpers())


@bp.route("/submissions/new", methods=["GET", "POST"])
@role_required()
def submission_new():
    kind = request.args.get("kind", "")
    if kind not in SUBMISSION_KINDS:
        return render_template("emulation/evidence/choose.html", kinds=SUBMISSION_KINDS,
                               **_helpers())
    form = SubmissionForm()
    status = 200
    if form.validate_on_submit():
        ok, submission = run_form_operation(form, lambda: S.submit(
            current_user, kind=kind, title=form.title.data,
            description=form.description.data, occurred_on=_day(form.occurred_on.data),
            details=form.details(), files=_uploads()))
        if ok:
            flash(_("Your evidence has been submitted: the head of your unit will review "
                    "it."), "success")
            return redirect(url_for("emulation.submission_detail", submission_id=submission.id))
        status = 400
    elif request.method == "POST":
        form.form_errors.append(_("The form has expired: send it again."))
        status = 400
    form.occurred_on.label.text = str(DATE_LABELS[kind])
    return render_template("emulation/evidence/form.html", form=form, kind=kind,
                           submission=None, date_label=DATE_LABELS[kind],
                           title_hint=TITLE_HINTS[kind], **_helpers()), status


@bp.get("/submissions/<int:submission_id>")
@role_required()
def submission_detail(submission_id: int):
    submission = _load(submission_id)
    return _detail(submission, DecisionForm(formdata=None))


def _detail(submission, decision_form, status: int = 200):
    return render_template(
        "emulation/evidence/detail.html", s=submission, officer=id_ops.user_by_id(
            submission.user_id), unit=_unit_of(submission),
        decided_by=id_ops.user_by_id(submission.decided_by_id)
        if submission.decided_by_id else None,
        history=S.history(submission), decision_form=decision_form, action_form=ActionForm(),
        can_decide=S.can_decide(current_user, submission),
        can_edit=S.can_edit(current_user, submission), **_helpers()), status


@bp.route("/submissions/<int:submission_id>/edit", methods=["GET", "POST"])
@role_required()
def submission_edit(submission_id: int):
    submission = _load(submission_id)
    if submission.user_id != current_user.id:
        abort(403)
    if submission.status != "pending":
        flash(_("This evidence has been decided: it can no longer be changed."), "error")
        return redirect(url_for("emulation.submission_detail", submission_id=submission.id))
    form = SubmissionForm() if request.method == "POST" else SubmissionForm(formdata=None)
    if request.method == "GET":
        form.fill(submission)
    status = 200
    if form.validate_on_submit():
        remove = [int(v) for v in request.form.getlist("remove") if v.isdigit()]
        ok, _result = run_form_operation(form, lambda: S.update(
            submission, current_user, title=form.title.data,
            description=form.description.data, occurred_on=_day(form.occurred_on.data),
            details=form.details(), files=_uploads(), remove=remove))
        if ok:
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("emulation.submission_detail", submission_id=submission.id))
        status = 400
    elif request.method == "POST":
        form.form_errors.append(_("The form has expired: send it again."))
        status = 400
    form.occurred_on.label.text = str(DATE_LABELS[submission.kind])
    return render_template("emulation/evidence/form.html", form=form, kind=submission.kind,
                           submission=submission, date_label=DATE_LABELS[submission.kind],
                           title_hint=TITLE_HINTS[submission.kind], **_helpers()), status


@bp.post("/submissions/<int:submission_id>/withdraw")
@role_required()
def submission_withdraw(submission_id: int):
    submission = _load(submission_id)
    if submission.user_id != current_user.id:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        S.withdraw(submission, current_user)
    except UserError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("emulation.submission_detail", submission_id=submission.id))
    db.session.commit()
    flash(_("The evidence has been withdrawn."), "success")
    return redirect(url_for("emulation.submissions_mine"))


@bp.post("/submissions/<int:submission_id>/decide")
@role_required()
def submission_decide(submission_id: int):
    submission = S.get(submission_id)
    if submission is None:
        abort(404)
    if not S.is_decider(current_user, submission):
        abort(403)
    form = DecisionForm()
    decision = request.form.get("decision", "")
    if not form.validate_on_submit() or decision not in ("approve", "reject"):
        form.form_errors.append(_("Choose whether to approve or to reject the evidence."))
        return _detail(submission, form, 400)
    if submission.status != "pending":
        flash(_("This evidence has already been decided (%(status)s).",
                status=S.STATUS_LABELS.get(submission.status, submission.status)), "error")
        return redirect(url_for("emulation.submission_detail", submission_id=submission.id))
    ok, _result = run_form_operation(form, lambda: S.decide(
        submission, current_user, approve=decision == "approve", reason=form.reason.data))
    if not ok:
        return _detail(submission, form, 400)
    if decision == "approve":
        flash(_("Approved: the officer's score includes it after the next scoring pass."),
              "success")
    else:
        flash(_("Rejected: the officer sees your reason."), "success")
    return redirect(url_for("emulation.submissions_review"))


@bp.get("/submissions/<int:submission_id>/files/<int:file_id>")
@role_required()
def submission_file(submission_id: int, file_id: int):
    submission = _load(submission_id)
    f = next((x for x in submission.files if x.id == file_id), None)
    if f is None:
        abort(404)
    path = S.file_path(f)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=f.content_type, as_attachment=True,
                         download_name=f.filename, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/submissions/review")
@role_required()
def submissions_review():
    if not current_user.headed_unit_ids and not current_user.has_role(R.HR_ADMIN):
        abort(403)
    pending = S.pending_for(current_user)
    units = org.units_by_ids(s.unit_id for s in pending)
    return render_template("emulation/evidence/review.html", pending=pending,
                           decided=S.decided_for(current_user, limit=30), units=units,
                           deciding=bool(current_user.headed_unit_ids), **_helpers())


@bp.get("/audit")
@role_required(R.HR_ADMIN)
def audit_log():
    args = request.args
    problems = []
    f = S.AuditFilter(action=args.get("action", "").strip(),
                      object_type=args.get("object_type", "").strip(),
                      object_id=args.get("object_id", "").strip())
    who = args.get("actor", "").strip()
    if who:
        actor = id_ops.get_user(who)
        if actor is None:
            problems.append(_("Nobody has the username or personnel code “%(who)s”.", who=who))
            f.actor_id = -1
        else:
            f.actor_id = actor.id
    for key in ("start", "end"):
        text = args.get(key, "")
        try:
            setattr(f, key, parse_date(text))
        except ValueError:
            problems.append(_("“%(text)s” is not a date: write dd/mm/yyyy.", text=text))
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    entries, pages = S.audit_page(f, page)
    actors = id_ops.users_by_ids({e.actor_id for e in entries if e.actor_id})
    query = {k: v for k, v in args.items() if k != "page" and v}
    return render_template("emulation/audit.html", entries=entries, pages=pages,
                           page=min(page, pages), actors=actors, problems=problems,
                           actions=S.AUDIT_ACTIONS, object_types=S.object_types(),
                           args=args, query=query, change_rows=change_rows)
