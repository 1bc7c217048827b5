"""The course player: lessons, study time, quizzes, media."""

from flask import Blueprint

bp = Blueprint("player", __name__)
