"""The HR import page."""

from flask import Blueprint

bp = Blueprint("hr_import", __name__, url_prefix="/admin/import")
