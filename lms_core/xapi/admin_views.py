"""HR administrators' pages for the LRS (being built): xAPI clients and forwarding."""

from flask import Blueprint

bp = Blueprint("xapi_admin", __name__, url_prefix="/admin/xapi")
