"""Views: my score, unit rankings, organisation rankings (the plugin's home page)."""

from flask import render_template

from lms_core.identity.access import role_required
from plugins.emulation.blueprint import bp
from plugins.emulation.campaign import PHASES, current_phase


@bp.get("/")
@role_required()
def home():
    return render_template("emulation/home.html", phases=PHASES, current=current_phase())
