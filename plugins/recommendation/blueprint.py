"""Recommendation: courses from competency gaps, learned with scikit-learn."""
from flask import Blueprint

from plugins.recommendation import controllers

bp = Blueprint("recommendation", __name__, url_prefix="/recommendation",
               template_folder="templates")
bp.add_url_rule("/", "home", controllers.home)
bp.add_url_rule("/api/officers/<code>", "api_officer", controllers.api_officer)
bp.add_url_rule("/suggestions", "suggestions", controllers.suggestions)
bp.add_url_rule("/suggestions/<int:suggestion_id>/<decision>", "decide", controllers.decide,
                methods=["POST"])
