"""Learner pages: catalogue, course page, enrolment, assignment, My learning."""

from flask import Blueprint

bp = Blueprint("courses", __name__)
