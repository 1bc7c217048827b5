from flask import Blueprint

from plugins.emulation import controllers

bp = Blueprint("emulation", __name__, url_prefix="/emulation", template_folder="templates")
bp.add_url_rule("/", "home", controllers.home)
