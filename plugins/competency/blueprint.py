from flask import Blueprint

bp = Blueprint("competency", __name__, url_prefix="/competency", template_folder="templates")

# The view modules add their routes to ``bp`` when imported.
from plugins.competency import (  # noqa: E402,F401
    assessment_views,
    effect_views,
    frameworks_views,
    profile_views,
)
