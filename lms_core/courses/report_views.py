"""Certificates (download, public verification) and course analytics."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
