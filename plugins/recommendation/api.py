"""The recommendation routes of the JSON API (``/api/v1``) and their OpenAPI description.

``GET /api/v1/officers/<code>/recommendations?k=10``: the officer's top ``k`` courses with
their score and reasons, for the officer themself, the heads of the officer's unit (or of a
unit above it) and HR administrators; 403 for anyone else, 404 for an unknown code, 400 for
``k`` outside 1–50, 401 when not logged in, all in the API's error format. The blueprint is
nested in the core's API blueprint (:meth:`lms_core.plugins.LmsPlugin.api_blueprints`), which
answers the 401s and errors; the logic is :func:`plugins.recommendation.recommend.recommend_for`,
the same as the pages and ``lms recommend``.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.errors import abort_with
from lms_core.identity.access import can_view_user
from lms_core.identity.operations import get_user
from lms_core.plugins import api_query_args
from plugins.recommendation import recommend

bp = Blueprint("recommendation", __name__)

#: Longest officer code accepted in the path (personnel codes and usernames are shorter).
MAX_CODE_LENGTH = 64


@bp.get("/officers/<code>/recommendations")
def officer_recommendations(code: str):
    """JSON: the officer's top ``k`` courses (course code, score, reasons)."""
    person = get_user(code) if len(code) <= MAX_CODE_LENGTH and "\x00" not in code else None
    if person is None:
        abort_with(404, _("No officer has the code %(code)s.", code=code[:40]))
    if not can_view_user(current_user, person):
        abort(403)
    k = api_query_args()["k"]
    return jsonify(recommend.recommend_for(person, k).as_dict())


# -- the OpenAPI description ----------------------------------------------------------------------
def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*codes: int) -> dict:
    return {str(c): {"$ref": f"#/components/responses/E{c}"} for c in codes}


def _object(properties: dict, description: str) -> dict:
    return {"type": "object", "description": description, "properties": properties,
            "required": list(properties), "additionalProperties": False}


STRING = {"type": "string"}
LEVEL = {"type": "integer", "minimum": 0}

SCHEMAS = {
    "RecommendedCourse": _object({
        "course": {**STRING, "description": "Course code."},
        "title": {**STRING, "description": "Title in Vietnamese."},
        "score": {"type": "number", "description": "The blend of gap, expected effect, level "
                                                    "fit, duration and due dates (0-1)."},
        "competency": {**STRING, "description": "The competency of the main gap it closes."},
        "achieved_level": LEVEL,
        "course_level": {**LEVEL, "description": "The level the course declares."},
        "required_level": LEVEL,
        "covers": {"type": "array", "items": STRING,
                   "description": "Every gap it addresses (competency codes)."},
        "expected_effect": {"type": "number", "minimum": 0, "maximum": 1,
                            "description": "Probability that it raises the level (learned), "
                                           "or the tag and text signal at cold start."},
        "cold_start": {"type": "boolean",
                       "description": "Too little history: the effect is not measured."},
        "hours": {"type": "number", "minimum": 0},
        "reasons": {"type": "array", "items": STRING,
                    "description": "Why, in the caller's language."},
    }, "A recommended course with its reasons."),
    "PopularCourse": _object({"course": STRING, "title": STRING},
                             "A course offered when no gap can be closed."),
    "Recommendations": _object({
        "officer": {**STRING, "description": "Personnel code."},
        "k": {"type": "integer", "minimum": 1, "maximum": recommend.K_MAX},
        "status": {"type": "string", "enum": ["ok", "no_position", "no_gaps",
                                              "no_candidates"],
                   "description": "ok, or why there is no recommendation (then `popular`)."},
        "recommendations": {"type": "array", "items": _ref("RecommendedCourse")},
        "popular": {"type": "array", "items": _ref("PopularCourse"),
                    "description": "The most followed courses (those of the position first), "
                                   "when no gap can be closed."},
        "notes": {"type": "array", "items": STRING,
                  "description": "How the list was made (no trained model yet, …)."},
        "models": _object({"effect": {"type": ["integer", "null"]},
                           "text": {"type": ["integer", "null"]}},
                          "Versions of the stored models used (null: none)."),
    }, "An officer's recommended courses."),
}

PATHS = {
    "/officers/{code}/recommendations": {"get": {
        "operationId": "recommendation.officer_recommendations",
        "summary": "An officer's recommended courses",
        "description": (
            "The courses that close the officer's competency gaps against the position, "
            "ranked by the learned model (or by the declared competencies while it has too "
            "little history, which `notes` says), each with its reasons. For the officer, the "
            "heads of the officer's unit or of a unit above it, and HR administrators. An "
            "officer with no position or no gap gets the most followed courses in `popular`."),
        "tags": ["recommendation"],
        "parameters": [
            {"name": "code", "in": "path", "required": True,
             "description": "Personnel code or username.", "example": "canbo",
             "schema": {"type": "string", "minLength": 1, "maxLength": MAX_CODE_LENGTH,
                        "pattern": "^[^\\u0000-\\u001f\\u007f/]+$"}},
            {"name": "k", "in": "query", "required": False,
             "description": f"How many courses, 1 to {recommend.K_MAX}.",
             "schema": {"type": "integer", "minimum": 1, "maximum": recommend.K_MAX,
                        "default": recommend.K_DEFAULT}},
        ],
        "responses": {
            "200": {"description": "The recommendations.",
                    "content": {"application/json": {"schema": _ref("Recommendations")}}},
            **_errors(400, 401, 403, 404),
        },
    }},
}
