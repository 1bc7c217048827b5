"""Flask-Login wiring and the login, logout and password pages."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired

from lms_core.auth_safe import safe_next
from lms_core.errors import UserError, abort_with
from lms_core.extensions import db
from lms_core.identity import operations as ops
from lms_core.identity.models import User

bp = Blueprint("auth", __name__)


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    app.register_blueprint(bp)
    app.before_request(_require_password_change)


#: What an account that must change its password may still reach.
_ALLOWED_BEFORE_CHANGE = {"auth.password", "auth.logout", "ui.set_language", "static",
                          "ui.healthz", "reports.verify", "reports.verify_code",
                          "api.openapi", "api.verify_certificate"}


def _require_password_change():
    """An account created or imported with an initial password must choose its own before
    anything else (HR set the first one, so HR knows it)."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in _ALLOWED_BEFORE_CHANGE):
        if (request.endpoint or "").startswith("api."):
            abort_with(403, _("Please choose a new password."))
        if request.method == "GET":
            flash(_("Please choose a new password."), "warning")
        return redirect(url_for("auth.password"))
    return None


class LoginForm(FlaskForm):
    username = StringField(_l("Username or personnel code"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me on this device"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("ui.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = ops.authenticate(form.username.data, form.password.data)
        db.session.commit()  # failures and lock-outs are recorded too
        if result.ok:
            login_user(result.user, remember=form.remember.data)
            if result.user.locale:
                from flask import session

                session["lang"] = result.user.locale
            if result.user.must_change_password:
                flash(_("Please choose a new password."), "warning")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(request.args.get("next")) or url_for("ui.dashboard"))
        flash(result.error, "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            ops.change_password(current_user, form.current_password.data, form.password.data,
                                form.confirm.data)
        except UserError as exc:
            db.session.rollback()
            getattr(form, exc.field or "password").errors.append(exc.message)
            status = 400
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("ui.dashboard"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/password.html", form=form), status
