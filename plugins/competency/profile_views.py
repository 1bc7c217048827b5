"""Views: the officer's competency profile (the plugin's home page)."""

from flask import render_template
from flask_login import current_user

from lms_core.identity.access import role_required
from lms_core.organisation import queries as org
from plugins.competency.blueprint import bp


@bp.get("/")
@role_required()
def home():
    assignment = org.current_assignment(current_user)
    return render_template("competency/home.html", assignment=assignment)
