"""The learning record (being built): an officer's statements in plain sentences, and exports."""

from flask import Blueprint

bp = Blueprint("learning_record", __name__, url_prefix="/learning-record")
