from flask import Blueprint

bp = Blueprint("emulation", __name__, url_prefix="/emulation", template_folder="templates")

# The view modules add their routes to ``bp`` when imported.
from plugins.emulation import (  # noqa: E402,F401
    evidence_views,
    review_views,
    rules_views,
    score_views,
)
