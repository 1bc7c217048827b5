from flask import render_template

from lms_core.identity.access import role_required
from plugins.emulation.campaign import PHASES, current_phase


@role_required()
def home():
    return render_template("emulation/home.html", phases=PHASES, current=current_phase())
