"""The UI shell: layout, navigation, dashboard, language switch, error pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from lms_core.identity import roles as R
from lms_core.plugins import NavItem, loaded_plugins, plugin_hook
from lms_core.ui import i18n


def _core_nav() -> list[NavItem]:
    """The core's own navigation; plugins add theirs through :meth:`LmsPlugin.nav_items`."""
    return [
        NavItem("ui.dashboard", _l("Dashboard"), (), 10),
        NavItem("courses.catalogue", _l("Course catalogue"), (), 20),
        NavItem("courses.my_learning", _l("My learning"), (), 21),
        NavItem("learning_record.mine", _l("Learning record"), (), 22),
        NavItem("authoring.index", _l("Authoring"), (R.AUTHOR,), 50),
        NavItem("org.units", _l("Units"), (R.UNIT_HEAD, R.HR_ADMIN), 80),
        NavItem("org.users", _l("People"), (R.UNIT_HEAD, R.HR_ADMIN), 81),
        NavItem("org.positions", _l("Job positions"), (R.HR_ADMIN,), 82),
        NavItem("hr_import.index", _l("Import"), (R.HR_ADMIN,), 83),
        NavItem("xapi_admin.index", _l("Learning records (xAPI)"), (R.HR_ADMIN,), 84),
    ]


def nav_items() -> list[NavItem]:
    """Navigation for the current user: core items then plugins', filtered by role."""
    if not current_user.is_authenticated:
        return []
    items = _core_nav()
    for plugin in loaded_plugins().values():
        items.extend(plugin.nav_items())
    return sorted(
        (i for i in items if not i.roles or current_user.has_role(*i.roles)),
        key=lambda i: i.order,
    )


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/xapi/")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    accepted = request.accept_mimetypes
    return best == "application/json" and accepted[best] > accepted["text/html"]


def _messages():
    return {
        400: _("The request was not understood. Check what you entered and try again."),
        401: _("Please log in."),
        403: _("You do not have permission to see this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        409: _("This conflicts with a change made meanwhile. Reload and try again."),
        413: _("The file is too large."),
        415: _("This type of content is not accepted."),
        429: _("Too many requests. Wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
        503: _("The service is temporarily unavailable. Try again in a moment."),
    }


def handle_error(exc):
    """Every error as a page (or JSON for API clients) in the user's language; never a stack
    trace. Werkzeug's English descriptions are replaced; a message of our own travels as
    :class:`lms_core.errors.UserError` inside the exception (see ``errors.abort_with``)."""
    from flask import current_app
    from flask_wtf.csrf import CSRFError

    from lms_core.extensions import db

    code = exc.code if isinstance(exc, HTTPException) else 500
    if not isinstance(exc, HTTPException):
        current_app.logger.exception("unhandled error on %s", request.path)
        db.session.rollback()
    user_message = getattr(exc, "user_message", None)
    if user_message is not None:
        message = str(user_message)
    elif isinstance(exc, CSRFError):
        message = _("The form has expired or was not sent from this site. Reload the page "
                    "and try again.")
    else:
        message = _messages().get(code, _messages()[500 if code >= 500 else 400])
    if wants_json():
        return jsonify(error=code, message=message), code
    return render_template("errors/error.html", code=code, message=message), code


def init_ui(app: Flask) -> None:
    from lms_core.api.views import bp as api_bp
    from lms_core.cmi5 import views as cmi5_views
    from lms_core.courses import authoring_views, player_views, report_views
    from lms_core.courses import views as course_views
    from lms_core.organisation import admin_views, import_views, views
    from lms_core.ui.views import bp as ui_bp
    from lms_core.xapi import admin_views as xapi_admin_views
    from lms_core.xapi import document_views, record_views  # noqa: F401  (routes on xapi_bp)
    from lms_core.xapi.lrs import bp as xapi_bp

    for bp in (ui_bp, views.bp, admin_views.bp, import_views.bp, course_views.bp,
               player_views.bp, report_views.bp, authoring_views.bp, api_bp, xapi_bp,
               xapi_admin_views.bp, record_views.bp, cmi5_views.bp):
        app.register_blueprint(bp)
    app.register_error_handler(HTTPException, handle_error)
    app.register_error_handler(Exception, handle_error)
    app.jinja_env.globals.update(
        get_locale=get_locale,
        plugin_hook=plugin_hook,
        nav_items=nav_items,
        localized=i18n.localized,
        role_label=R.label,
        loaded_plugins=loaded_plugins,
    )
    app.jinja_env.filters.update(date=i18n.fmt_date, datetime=i18n.fmt_datetime)
