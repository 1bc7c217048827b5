from flask import render_template

from lms_core.identity.access import role_required


@role_required()
def home():
    return render_template("recommendation/home.html")
