"""The HR import page: upload a CSV of units, positions or officers, check it (dry run) or
import it, and read the report; example files to download."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import role_required
from lms_core.organisation import importer
from lms_core.ui.i18n import parse_date

bp = Blueprint("hr_import", __name__, url_prefix="/admin/import")


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"))
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
    dry_run = BooleanField(_l("Dry run: check the file and show what would change, without "
                              "saving anything"), default=True)
    effective_date = StringField(_l("Effective date (dd/mm/yyyy)"),
                                 validators=[DataRequired(_l("Enter the effective date."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind, importer.kind_label(kind)) for kind in importer.KINDS]

    def validate_effective_date(self, field) -> None:
        try:
            self.effective_on = parse_date(field.data)
        except ValueError:
            raise ValidationError(_("Dates are written dd/mm/yyyy.")) from None


def _read_upload(form: ImportForm) -> bytes | None:
    """The uploaded bytes, or None (with the field's error set) when over the size limit."""
    limit = current_app.config["LMS_IMPORT_MAX_BYTES"]
    data = form.file.data.read(limit + 1)
    if len(data) > limit:
        form.file.errors.append(_("The file is larger than %(mb)s MB.",
                                  mb=f"{limit / (1024 * 1024):g}"))
        return None
    return data


@bp.route("/", methods=["GET", "POST"])
@role_required(R.HR_ADMIN)
def index():
    form = ImportForm()
    if not form.is_submitted():
        form.effective_date.data = date.today().strftime("%d/%m/%Y")
    report = None
    status = 200
    if form.validate_on_submit():
        data = _read_upload(form)
        if data is not None:
            filename = form.file.data.filename or "import.csv"
            try:
                report = importer.run_import(
                    form.kind.data, data, dry_run=form.dry_run.data, on=form.effective_on,
                    actor=current_user, note=_("Imported from %(file)s", file=filename))
            except UserError as exc:
                db.session.rollback()
                form.file.errors.append(exc.message)
            else:
                if report.written:
                    db.session.commit()
                else:
                    db.session.rollback()
                    if not report.ok:
                        status = 422
        if report is None:
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("org/import.html", form=form, report=report,
                           columns=importer.COLUMNS, kind_label=importer.kind_label,
                           max_changes=200), status


@bp.route("/template/<kind>.csv")
@role_required(R.HR_ADMIN)
def template(kind: str):
    """An example file for ``kind``, built from the column definitions (UTF-8 with BOM)."""
    if kind not in importer.KINDS:
        abort(404)
    return Response(importer.template_csv(kind), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={kind}.csv"})
