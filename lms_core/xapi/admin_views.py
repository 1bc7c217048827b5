"""HR administrators' pages for the learning records: forwarding to an external LRS and the
xAPI clients of the built-in LRS (``/admin/xapi``).

Every page is for HR administrators only (403 for everyone else). Secrets are never shown:
the forwarding secret can only be replaced, and a client's secret appears once, on the page
that answers its creation (not stored, not in a redirect, not in the session).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import Optional, Regexp

from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.organisation.forms import AdminForm, CheckboxListField, at_most, required
from lms_core.ui.forms import HIDDEN_FIELD_TYPES, run_form_operation
from lms_core.xapi import clients
from lms_core.xapi import forwarding as fwd

bp = Blueprint("xapi_admin", __name__, url_prefix="/admin/xapi")

#: What each scope lets a client do (scopes without a label are shown by name alone).
SCOPE_LABELS = {
    "statements/write": _l("store statements"),
    "statements/read": _l("read every statement"),
    "statements/read/mine": _l("read the statements it stored"),
    "all/read": _l("read everything"),
    "all": _l("everything, voiding included"),
    "define": _l("define activities"),
}


def scope_label(scope: str) -> str:
    label = SCOPE_LABELS.get(scope)
    return f"{scope} — {label}" if label else scope


# -- forms ----------------------------------------------------------------------------------
class ForwardingForm(AdminForm):
    enabled = BooleanField(_l("Forward statements to this LRS"))
    endpoint = StringField(_l("Endpoint of the external LRS"), [Optional(), at_most(500)],
                           description=_l("For example https://lrs.example.gov.vn/xapi/"))
    key = StringField(_l("Key (user name)"), [at_most(200)])
    secret = PasswordField(_l("Secret"), [at_most(500)])
    version = SelectField(_l("xAPI version"))
    batch_size = StringField(_l("Statements per request"), [
        required(), Regexp(r"^\s*\d{1,4}\s*$",
                           message=_l("The batch size is a whole number from 1 to %(max)d.",
                                      max=fwd.MAX_BATCH_SIZE))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version.choices = [(v, v) for v in fwd.VERSIONS]


class ClientForm(AdminForm):
    name = StringField(_l("Client name"), [required(), at_most(200)],
                       description=_l("Who uses these credentials, e.g. a supplier's cmi5 "
                                      "content."))
    scopes = CheckboxListField(_l("Scopes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(s, scope_label(s)) for s in clients.SCOPES]

    def validate_scopes(self, field) -> None:
        if not field.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_("Choose at least one scope."))


def _lrs_endpoint() -> str:
    """The built-in LRS's endpoint as clients must configure it (``https://host/xapi/``)."""
    return url_for("xapi.about", _external=True).rsplit("about", 1)[0]


def _render_form(form, *, title: str, submit: str, cancel: str, intro=(), status=None):
    visible = [f for f in form if f.type not in HIDDEN_FIELD_TYPES]
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render_template("org/admin/form.html", form=form, title=title, submit=submit,
                           cancel=cancel, groups=[(None, visible)], intro=list(intro)), status


# -- forwarding -----------------------------------------------------------------------------
@bp.get("/")
@role_required(R.HR_ADMIN)
def index():
    target = fwd.current_target()
    return render_template(
        "xapi_admin/index.html", target=target, saved=fwd.saved_target() is not None,
        backlog=fwd.backlog(), retrying=fwd.retrying_entries(), dead=fwd.dead_letters())


@bp.route("/forwarding", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def forwarding():
    target = fwd.current_target()
    # The saved values fill the form only when it is opened: a POST is taken as sent.
    form = ForwardingForm(data={"enabled": target.enabled, "endpoint": target.endpoint,
                                "key": target.key, "version": target.version,
                                "batch_size": str(target.batch_size)}
                          if request.method == "GET" else None)
    form.secret.description = (
        _("A secret is saved. Leave this empty to keep it; type a new one to replace it.")
        if target.has_secret else _("No secret is saved yet."))
    if form.validate_on_submit():
        ok, _row = run_form_operation(form, lambda: fwd.save_target(
            endpoint=form.endpoint.data or "", key=form.key.data or "",
            secret=form.secret.data or None, version=form.version.data,
            enabled=form.enabled.data, batch_size=int(form.batch_size.data),
            actor=current_user._get_current_object()))
        if ok:
            flash(_("The forwarding settings were saved."), "success")
            return redirect(url_for("xapi_admin.index"))
    return _render_form(
        form, title=_("Forwarding to an external LRS"), submit=_("Save"),
        cancel=url_for("xapi_admin.index"),
        intro=[_("Statements stored while forwarding is on are queued and sent to the "
                 "external LRS every minute, with their own ids, so a resend never creates "
                 "a duplicate there. Statements stored while it is off are not queued.")])


def _dead_letter(entry_id: int) -> fwd.OutboxEntry:
    entry = db.session.get(fwd.OutboxEntry, entry_id)
    if entry is None or entry.state != fwd.DEAD:
        abort(404)
    return entry


@bp.post("/dead-letters/<int:entry_id>/retry")
@role_required(R.HR_ADMIN)
def retry(entry_id: int):
    entry = _dead_letter(entry_id)
    fwd.retry_dead_letter(entry.id)
    db.session.commit()
    flash(_("The statement is queued again; it is sent on the next run."), "success")
    return redirect(url_for("xapi_admin.index"))


@bp.post("/dead-letters/retry")
@role_required(R.HR_ADMIN)
def retry_all():
    count = fwd.retry_all_dead_letters()
    db.session.commit()
    flash(_("%(count)d refused statements are queued again.", count=count), "success")
    return redirect(url_for("xapi_admin.index"))


# -- clients --------------------------------------------------------------------------------
@bp.get("/clients")
@role_required(R.HR_ADMIN)
def client_list():
    # cmi5 mints one short-lived client per launched session: they are not listed here.
    rows = db.session.scalars(sa.select(clients.XapiClient).where(
        clients.XapiClient.name.not_like("cmi5 session %")).order_by(
        clients.XapiClient.active.desc(), clients.XapiClient.name, clients.XapiClient.id))
    return render_template("xapi_admin/clients.html", clients=list(rows),
                           scope_label=scope_label, lrs_endpoint=_lrs_endpoint())


@bp.route("/clients/new", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def client_new():
    form = ClientForm()
    if form.validate_on_submit():
        ok, created = run_form_operation(
            form, lambda: clients.create_client(form.name.data, form.scopes.data))
        if ok:
            client, secret = created
            # The secret exists only in this answer: never in a redirect or the session.
            response = render_template("xapi_admin/client_created.html", client=client,
                                       secret=secret, scope_label=scope_label,
                                       lrs_endpoint=_lrs_endpoint())
            return response, 200, {"Cache-Control": "no-store"}
    return _render_form(
        form, title=_("New xAPI client"), submit=_("Create the client"),
        cancel=url_for("xapi_admin.client_list"),
        intro=[_("A client is a program that sends or reads statements in the built-in LRS "
                 "(content made with an authoring tool, a reporting tool). Its key and secret "
                 "are shown once, right after it is created.")])


def _client(key: str) -> clients.XapiClient:
    client = db.session.scalar(sa.select(clients.XapiClient).where(
        clients.XapiClient.key == key))
    if client is None:
        abort(404)
    return client


@bp.post("/clients/<key>/deactivate")
@role_required(R.HR_ADMIN)
def client_deactivate(key: str):
    client = _client(key)
    clients.set_active(client.key, False)
    db.session.commit()
    flash(_("Client %(name)s is deactivated: its credentials are refused from now on.",
            name=client.name), "success")
    return redirect(url_for("xapi_admin.client_list"))


@bp.post("/clients/<key>/reactivate")
@role_required(R.HR_ADMIN)
def client_reactivate(key: str):
    client = _client(key)
    clients.set_active(client.key, True)
    db.session.commit()
    flash(_("Client %(name)s is active again.", name=client.name), "success")
    return redirect(url_for("xapi_admin.client_list"))
