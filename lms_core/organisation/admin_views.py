"""HR administration of the organisation: units, positions, people, assignments."""

from flask import Blueprint

bp = Blueprint("org_admin", __name__, url_prefix="/admin")
