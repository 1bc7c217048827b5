"""Home, dashboard, language switch and health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import refresh
from flask_login import current_user, login_required

from lms_core.auth_safe import safe_next
from lms_core.extensions import db
from lms_core.organisation import queries as org

bp = Blueprint("ui", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("ui.dashboard"))
    return redirect(url_for("auth.login"))


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template(
        "dashboard.html",
        assignment=org.current_assignment(current_user),
        history=org.assignments_of(current_user),
    )


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["LMS_LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
        refresh()  # the cached locale of this request is stale now
    return redirect(safe_next(request.form.get("next")) or url_for("ui.index"))


@bp.route("/healthz")
def healthz():
    """Liveness and database check, for the load balancer."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        ok = True
    except Exception:  # noqa: BLE001 - report any database failure as unhealthy
        ok = False
    return jsonify(status="ok" if ok else "error", database=ok), (200 if ok else 503)
