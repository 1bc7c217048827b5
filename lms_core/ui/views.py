"""Home, dashboard, language switch and health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
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
    """Health check for the load balancer and monitoring; public, JSON, no secrets.

    503 when the database does not answer ``SELECT 1``. The scheduler's lease is reported
    (``ok`` while its last renewal is younger than three lease lengths) but does not fail the
    check unless ``LMS_HEALTH_REQUIRE_SCHEDULER`` is on: an app server is fit to serve while
    the scheduler restarts, possibly on another node."""
    from lms_core.scheduler import lease_status

    try:
        db.session.execute(sa.text("SELECT 1"))
        database = True
    except Exception:  # noqa: BLE001 - report any database failure as unhealthy
        db.session.rollback()
        database = False
    scheduler = {"ok": False, "held": False, "holder": None, "renewed_at": None,
                 "expires_at": None}
    if database:
        try:
            scheduler = lease_status()
        except Exception:  # noqa: BLE001 - e.g. the lease table is not migrated yet
            db.session.rollback()
            current_app.logger.exception("healthz: cannot read the scheduler lease")
    healthy = database and (scheduler["ok"]
                            or not current_app.config.get("LMS_HEALTH_REQUIRE_SCHEDULER"))
    response = jsonify(status="ok" if healthy else "error", database=database,
                       scheduler=scheduler)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
