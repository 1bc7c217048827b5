"""Authoring: training staff create, edit, review and publish courses."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
