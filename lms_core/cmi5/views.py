"""cmi5 launch and fetch (being built)."""

from flask import Blueprint

bp = Blueprint("cmi5", __name__, url_prefix="/cmi5")
