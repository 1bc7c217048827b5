"""Importing results of past exam sessions (CSV) as evidence: dry run, all or nothing,
line-numbered errors, idempotent re-import; the HR page and `lms competency results import`."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.competency.models import Evidence, OfficerLevel
from plugins.competency.result_import import import_results_csv
from tests.core.test_competency_assessments import publish_framework

HEADER = "officer_code,competency_code,level,date,session\n"
SESSION = "Thi đánh giá năng lực 2019 đợt 1"


@pytest.fixture
def people(app, make_user):
    publish_framework()
    return make_user("canbo1"), make_user("canbo2")


def good_file(one, two) -> bytes:
    return (HEADER + f"{one.code},THUE.01,2,15/11/2019,{SESSION}\n"
            f"{one.code},XLVP.01,1,15/11/2019,{SESSION}\n"
            f"{two.code.lower()};GSQL.01;0;16/11/2019;{SESSION}\n".replace(";", ",")
            ).encode("utf-8-sig")


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Evidence.id)))


def test_a_good_file_adds_evidence_once(people):
    """Three lines, three pieces of evidence of source import; the same file again adds
    nothing."""
    one, two = people
    report = import_results_csv(good_file(one, two), dry_run=False)
    db.session.commit()
    assert report.ok and report.created == 3
    rows = db.session.scalars(sa.select(Evidence).order_by(Evidence.id)).all()
    assert [(r.user_id, r.competency_code, r.level, r.source, r.observed_on) for r in rows] == [
        (one.id, "THUE.01", 2, "import", date(2019, 11, 15)),
        (one.id, "XLVP.01", 1, "import", date(2019, 11, 15)),
        (two.id, "GSQL.01", 0, "import", date(2019, 11, 16))]
    assert rows[0].source_ref == f"import:{SESSION}:{one.code}:THUE.01"
    assert db.session.get(OfficerLevel, (one.id, "THUE.01")).level == 2

    again = import_results_csv(good_file(one, two), dry_run=False)
    db.session.commit()
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert count() == 3


def test_a_dry_run_reports_and_writes_nothing(people):
    """The preview counts what would be added; the database is unchanged."""
    report = import_results_csv(good_file(*people), dry_run=True)
    assert report.ok and report.created == 3 and len(report.changes) == 3
    db.session.rollback()
    assert count() == 0


def test_every_bad_line_is_reported_and_nothing_is_imported(people):
    """Unknown officer, unknown code, level outside the scale, bad date, duplicate line:
    each with its line number; the good lines are not imported either."""
    one, _two = people
    data = HEADER + "\n".join([
        f"{one.code},THUE.01,2,15/11/2019,{SESSION}",  # 2: good
        f"NOBODY,THUE.01,2,15/11/2019,{SESSION}",  # 3
        f"{one.code},NOPE.01,2,15/11/2019,{SESSION}",  # 4
        f"{one.code},XLVP.01,4,15/11/2019,{SESSION}",  # 5
        f"{one.code},XLVP.01,2,31/02/2019,{SESSION}",  # 6
        f"{one.code},GSQL.01,1,2019-11-15,{SESSION}",  # 7 (not dd/mm/yyyy)
        f"{one.code},THUE.01,3,15/11/2019,{SESSION}",  # 8 duplicate of 2
    ]) + "\n"
    report = import_results_csv(data.encode(), dry_run=False)
    reasons = dict(report.rejected)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "NOBODY" in reasons[3]
    assert "NOPE.01" in reasons[4]
    assert "ngoài thang đo" in reasons[5]
    assert "dd/mm/yyyy" in reasons[6] and "dd/mm/yyyy" in reasons[7]
    assert "dòng 2" in reasons[8]
    db.session.rollback()
    assert count() == 0


def test_a_file_without_the_columns_is_refused(people):
    """A missing column: one clear message for the file."""
    from lms_core.errors import UserError

    with pytest.raises(UserError, match="session"):
        import_results_csv(b"officer_code,competency_code,level,date\nX,Y,1,01/01/2020\n",
                           dry_run=True)


def test_hr_imports_through_the_page_with_a_preview(client, auth, people, make_user):
    """HR previews (nothing saved), then imports; an officer may not open the page."""
    make_user("quantri1", roles=(R.OFFICER, R.HR_ADMIN))
    auth.login("quantri1")
    assert client.get("/competency/results/import").status_code == 200

    def send(dry):
        form = {"file": (io.BytesIO(good_file(*people)), "ket-qua.csv")}
        if dry:
            form["dry_run"] = "y"
        return client.post("/competency/results/import", data=form,
                           content_type="multipart/form-data")

    page = send(True).get_data(as_text=True)
    assert "Chạy thử" in page and "THUE.01" in page
    assert count() == 0
    response = send(False)
    assert response.status_code == 200
    assert "Đã nhập dữ liệu từ tệp." in response.get_data(as_text=True)
    assert count() == 3
    auth.logout()
    auth.login("canbo1")
    assert client.get("/competency/results/import").status_code == 403


def test_the_command_imports_and_reports_bad_lines(runner, people, tmp_path):
    """`lms competency results import FILE [--dry-run]`: exit 0 and a summary, or exit 2 with
    the lines."""
    path = tmp_path / "results.csv"
    path.write_bytes(good_file(*people))
    result = runner.invoke(args=["competency", "results", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert count() == 0
    result = runner.invoke(args=["competency", "results", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3" in result.output
    assert count() == 3
    path.write_text(HEADER + f"X,THUE.01,2,15/11/2019,{SESSION}\n", encoding="utf-8")
    result = runner.invoke(args=["competency", "results", "import", str(path)])
    assert result.exit_code == 2
    assert "Dòng 2" in result.output
    assert count() == 3
