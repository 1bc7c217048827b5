"""Recommendation: courses from competency gaps, learned with scikit-learn."""
from flask import Blueprint

from plugins.recommendation import controllers

bp = Blueprint("recommendation", __name__, url_prefix="/recommendation",
               template_folder="templates")
bp.add_url_rule("/", "home", controllers.home)
bp.add_url_rule("/path", "path", controllers.path)
bp.add_url_rule("/path/accept", "accept_path", controllers.accept_path, methods=["POST"])
bp.add_url_rule("/units/<code>/plan", "unit_plan", controllers.unit_plan)
bp.add_url_rule("/units/<code>/plan.xlsx", "unit_plan_xlsx", controllers.unit_plan_xlsx)
bp.add_url_rule("/units/<code>/plan/assign", "unit_plan_assign", controllers.unit_plan_assign,
                methods=["POST"])
bp.add_url_rule("/api/officers/<code>", "api_officer", controllers.api_officer)
bp.add_url_rule("/suggestions", "suggestions", controllers.suggestions)
bp.add_url_rule("/suggestions/<int:suggestion_id>/<decision>", "decide", controllers.decide,
                methods=["POST"])
