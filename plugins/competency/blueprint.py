from flask import Blueprint

from plugins.competency import controllers

bp = Blueprint("competency", __name__, url_prefix="/competency", template_folder="templates")
bp.add_url_rule("/", "home", controllers.home)
