"""The recommendation pages: the officer's list with reasons, the JSON API, and the tag
suggestions for authors.

Who may see what: the list (``/recommendation/``) is the logged-in officer's own; the API
(``/recommendation/api/officers/<code>``) answers for the officer themself, the heads of the
officer's unit (subtree) and HR administrators, 403 to anyone else, 404 for an unknown code;
the suggestions are for training staff (authors) and HR administrators.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_user, role_required
from lms_core.identity.operations import get_user
from plugins.recommendation import recommend, text_model
from plugins.recommendation.models import TagSuggestion


@role_required()
def home():
    """The officer's own recommendations with their reasons."""
    result = recommend.recommend_for(current_user, recommend.K_DEFAULT)
    return render_template("recommendation/home.html", result=result)


@role_required()
def api_officer(code: str):
    """JSON: the officer's top ``k`` courses (course code, score, reasons)."""
    person = get_user(code)
    if person is None:
        abort(404)
    if not can_view_user(current_user, person):
        abort(403)
    try:
        result = recommend.recommend_for(person, request.args.get("k", recommend.K_DEFAULT))
    except UserError as exc:
        return jsonify({"error": str(exc)}), 400
    return jsonify(result.as_dict())


@role_required(R.AUTHOR, R.HR_ADMIN)
def suggestions():
    """Competencies the text model finds in courses that do not declare them."""
    return render_template("recommendation/suggestions.html",
                           pending=text_model.pending_suggestions(),
                           decided=text_model.decided_suggestions(),
                           names=recommend.competency_names())


@role_required(R.AUTHOR, R.HR_ADMIN)
def decide(suggestion_id: int, decision: str):
    """Accept or reject one suggestion."""
    suggestion = db.session.get(TagSuggestion, suggestion_id)
    if suggestion is None or decision not in ("accept", "reject"):
        abort(404)
    try:
        text_model.decide(suggestion, "accepted" if decision == "accept" else "rejected",
                          current_user)
    except UserError as exc:
        flash(str(exc), "error")
        return redirect(url_for("recommendation.suggestions"))
    db.session.commit()
    if decision == "accept":
        flash(_("Accepted. Add competency %(code)s to the draft of course %(course)s in the "
                "course editor: the platform does not change courses from here.",
                code=suggestion.competency_code, course=suggestion.course_code), "success")
    else:
        flash(_("Rejected: it will not be suggested again."), "success")
    return redirect(url_for("recommendation.suggestions"))
