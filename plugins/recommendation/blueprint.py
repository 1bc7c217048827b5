from flask import Blueprint

from plugins.recommendation import controllers

bp = Blueprint("recommendation", __name__, url_prefix="/recommendation",
               template_folder="templates")
bp.add_url_rule("/", "home", controllers.home)
