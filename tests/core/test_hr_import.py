"""The HR CSV import of units, positions and officers: service, page and command."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity.models import User
from lms_core.organisation import importer
from lms_core.organisation import queries as q
from lms_core.organisation.models import (
    Assignment,
    JobPosition,
    ProfessionalField,
    Unit,
    UnitEvent,
    UnitVersion,
)

D1 = date(2025, 3, 1)
D2 = date(2025, 7, 1)

UNITS = (
    "code,name_vi,name_en,kind,parent_code\n"
    "CHQ,Cục Hải quan,Customs Department,department,\n"
    "CCKV1,Chi cục Hải quan khu vực I,Regional Branch I,branch,CHQ\n"
    "CCKV1-NB,Hải quan sân bay quốc tế Nội Bài,Noi Bai Airport Customs,sub_department,CCKV1\n"
)
POSITIONS = (
    "code,name_vi,name_en,field_code,field_name_vi,is_leadership\n"
    "KTSTQ-CV,Kiểm tra sau thông quan,Post-clearance auditor,KTSTQ,Kiểm tra sau thông quan,0\n"
    "GSQL-LD,Lãnh đạo đội giám sát,Head of supervision team,GSQL,Giám sát quản lý,có\n"
)
OFFICERS = (
    "code,full_name,username,email,gender,birth_date,unit_code,position_code,start_date,roles\n"
    "HQ0001,Nguyễn Văn An,,an@customs.gov.vn,Nam,15/04/1985,CCKV1-NB,KTSTQ-CV,,\n"
    "HQ0002,Trần Thị Bích Ngọc,ngoc.tran,,Nữ,02/09/1990,CCKV1,GSQL-LD,,author\n"
)


def run(kind, text, dry_run=False, on=D1, encoding="utf-8", **kwargs):
    """Import ``text`` and commit when the import says so (as the page and the CLI do)."""
    data = text.encode(encoding) if isinstance(text, str) else text
    report = importer.run_import(kind, data, dry_run=dry_run, on=on, **kwargs)
    if report.written:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def unit(code) -> Unit:
    return q.unit_by_code(code)


def user(code) -> User | None:
    return db.session.scalar(sa.select(User).where(User.code == code))


@pytest.fixture
def org(app):
    """Units and positions of the examples, imported."""
    assert run("units", UNITS).ok
    assert run("positions", POSITIONS).ok


# -- units ----------------------------------------------------------------------------------------

def test_units_import_then_reimport_is_idempotent(app):
    """The first import creates the tree; the same file again creates nothing."""
    first = run("units", UNITS)
    assert (first.created, first.updated, first.unchanged, first.rejected) == (3, 0, 0, [])
    assert unit("CCKV1-NB").parent.code == "CCKV1"
    assert unit("CHQ").established_on == D1
    second = run("units", UNITS, on=D2)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert count(Unit) == 3
    assert count(UnitVersion) == 3


def test_unit_rename_is_recorded_as_a_new_version(app):
    """A changed name is a rename on the import's date: the old name stays in history."""
    run("units", UNITS)
    report = run("units", UNITS.replace("Chi cục Hải quan khu vực I,Regional Branch I",
                                        "Chi cục Hải quan khu vực 1,"), on=D2)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    branch = unit("CCKV1")
    assert branch.name_vi == "Chi cục Hải quan khu vực 1"
    assert branch.name_en == "Regional Branch I"  # empty name_en keeps the English name
    assert q.version_on(branch, date(2025, 5, 1)).name_vi == "Chi cục Hải quan khu vực I"
    assert q.version_on(branch, D2).name_vi == "Chi cục Hải quan khu vực 1"
    assert [e.kind for e in q.events_of(branch)] == ["create", "rename"]


def test_unit_parent_change_is_a_move_with_history(app):
    """A new parent_code moves the unit on the import's date; the old parent stays in history."""
    run("units", UNITS)
    moved = UNITS.replace("sub_department,CCKV1", "sub_department,CHQ")
    report = run("units", moved, on=D2)
    assert report.updated == 1
    assert unit("CCKV1-NB").parent.code == "CHQ"
    assert q.version_on(unit("CCKV1-NB"), D1).parent_id == unit("CCKV1").id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitEvent)
                             .where(UnitEvent.kind == "move")) == 1


def test_children_may_come_before_their_parents(app):
    """The file is applied parents first, whatever its order."""
    lines = UNITS.splitlines()
    report = run("units", "\n".join([lines[0], *reversed(lines[1:])]))
    assert report.ok and report.created == 3
    assert unit("CCKV1-NB").parent.code == "CCKV1"
    assert unit("CCKV1").parent.code == "CHQ"


def test_semicolon_delimiter_and_byte_order_mark(app):
    """Excel's Vietnamese CSV (semicolons, BOM) is read like a plain one."""
    text = UNITS.replace(",", ";")
    report = run("units", text.encode("utf-8-sig"))
    assert report.ok and report.created == 3
    assert unit("CCKV1-NB").name_vi == "Hải quan sân bay quốc tế Nội Bài"


def test_decomposed_vietnamese_is_stored_composed(app):
    """Names written with combining accents match the same names typed normally."""
    import unicodedata

    run("units", UNITS)
    report = run("units", unicodedata.normalize("NFD", UNITS), on=D2)
    assert report.unchanged == 3 and report.updated == 0


def test_missing_column_rejects_the_whole_file(app):
    """A file without a required column is refused, naming the column, and nothing is written."""
    text = UNITS.replace("kind,", "loai,")
    with pytest.raises(UserError) as exc:
        importer.run_import("units", text.encode(), dry_run=False, on=D1)
    assert "kind" in str(exc.value) and "Thiếu cột" in str(exc.value)
    assert count(Unit) == 0


def test_bad_encoding_is_refused_with_a_clear_message(app):
    """A latin-1 file is refused with a message about UTF-8; nothing is written."""
    text = "code,name_vi,name_en,kind,parent_code\nPHC,Phòng Hành chính,,department,\n"
    with pytest.raises(UserError) as exc:
        importer.run_import("units", text.encode("latin-1"), dry_run=False, on=D1)
    assert "UTF-8" in str(exc.value) and "dòng 2" in str(exc.value)
    assert count(Unit) == 0


def test_excel_workbook_is_refused(app):
    """An .xlsx file uploaded by mistake gets a message saying how to save a CSV."""
    with pytest.raises(UserError, match="Excel"):
        importer.run_import("units", b"PK\x03\x04rest-of-zip", dry_run=False, on=D1)


def test_duplicate_codes_are_rejected_and_nothing_written(app):
    """Both lines of a duplicated code are reported; no unit is created."""
    text = UNITS + "CCKV1,Chi cục khác,,branch,CHQ\n"
    report = run("units", text)
    assert not report.ok
    assert [r.line for r in report.rejected] == [3, 5]
    assert "CCKV1" in report.rejected[0].reason and "3, 5" in report.rejected[0].reason
    assert count(Unit) == 0


def test_unknown_parent_is_rejected(app):
    text = UNITS + "DOI9,Đội 9,,team,KHONGCO\n"
    report = run("units", text)
    assert [(r.line, "KHONGCO" in r.reason) for r in report.rejected] == [(5, True)]
    assert count(Unit) == 0


def test_cycle_in_the_file_is_rejected_with_the_codes(app):
    """Two units that name each other as parent are both rejected, the cycle spelled out."""
    text = ("code,name_vi,kind,parent_code\n"
            "A,Đơn vị A,team,B\n"
            "B,Đơn vị B,team,A\n"
            "C,Đơn vị C,team,\n")
    report = run("units", text)
    assert [r.line for r in report.rejected] == [2, 3]
    assert "A → B → A" in report.rejected[0].reason
    assert "lặp vòng" in report.rejected[0].reason
    assert count(Unit) == 0


def test_cycle_through_an_existing_unit_is_rejected(app):
    """Placing a root under its own descendant is a cycle even if the descendant is not listed."""
    run("units", UNITS)
    text = "code,name_vi,kind,parent_code\nCHQ,Cục Hải quan,department,CCKV1-NB\n"
    report = run("units", text, on=D2)
    assert len(report.rejected) == 1
    assert "CHQ → CCKV1-NB → CCKV1 → CHQ" in report.rejected[0].reason
    assert unit("CHQ").parent is None


def test_unknown_kind_and_change_before_latest_version(app):
    """Bad kinds and dates before a unit's latest change are reported with their lines."""
    run("units", UNITS, on=D2)
    text = UNITS.replace(",department,\n", ",phong,\n").replace("Regional Branch I", "Branch One")
    report = run("units", text, on=D1)
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {2, 3}
    assert "phong" in reasons[2]
    assert "01/07/2025" in reasons[3]
    assert unit("CCKV1").name_en == "Regional Branch I"


def test_dry_run_writes_nothing_but_reports_the_counts(app):
    report = run("units", UNITS, dry_run=True)
    assert report.ok and report.dry_run and not report.written
    assert report.created == 3
    assert count(Unit) == 0 and count(UnitEvent) == 0


def test_one_bad_row_among_good_ones_writes_nothing(app):
    """All or nothing: the good rows are not imported while one row is wrong."""
    text = UNITS + ",Đơn vị không mã,,team,CHQ\n"
    report = run("units", text)
    assert [r.line for r in report.rejected] == [5]
    assert report.created == 0
    assert count(Unit) == 0


def test_too_many_values_on_a_line_is_rejected(app):
    """An unquoted comma in a name shifts the columns: the line is rejected, not mis-read."""
    text = UNITS + "DOI1,Đội 1, Nội Bài,Team 1,team,CCKV1-NB\n"
    report = run("units", text)
    assert [r.line for r in report.rejected] == [5]
    assert "ngoặc kép" in report.rejected[0].reason


# -- positions ------------------------------------------------------------------------------------

def test_positions_create_fields_and_are_idempotent(app):
    """New fields are created from field_name_vi; the same file again changes nothing."""
    report = run("positions", POSITIONS)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert count(ProfessionalField) == 2
    lead = q.position_by_code("GSQL-LD")
    assert lead.is_leadership and lead.field.code == "GSQL"
    again = run("positions", POSITIONS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_position_update_keeps_description_and_field_when_empty(app):
    """An update changes what the file gives and keeps the rest."""
    run("positions", POSITIONS)
    pos = q.position_by_code("KTSTQ-CV")
    pos.description = "Mô tả vị trí"
    db.session.commit()
    text = "code,name_vi,is_leadership\nKTSTQ-CV,Chuyên viên kiểm tra sau thông quan,không\n"
    report = run("positions", text)
    assert report.updated == 1
    pos = q.position_by_code("KTSTQ-CV")
    assert pos.name_vi == "Chuyên viên kiểm tra sau thông quan"
    assert pos.description == "Mô tả vị trí" and pos.field.code == "KTSTQ"


def test_unknown_field_and_bad_flag_are_rejected(app):
    text = ("code,name_vi,field_code,is_leadership\n"
            "VT1,Vị trí 1,KHONGCO,0\n"
            "VT2,Vị trí 2,,có lẽ\n")
    report = run("positions", text)
    assert [r.line for r in report.rejected] == [2, 3]
    assert "field_name_vi" in report.rejected[0].reason
    assert count(JobPosition) == 0


# -- officers -------------------------------------------------------------------------------------

def test_officers_are_created_with_assignment_and_no_password(org):
    """New officers get an account without a usable password and an appointment."""
    report = run("officers", OFFICERS)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    an = user("HQ0001")
    assert an.username == "hq0001" and an.password_hash is None
    assert an.gender == "M" and an.birth_date == date(1985, 4, 15)
    assert an.roles == {"officer"}
    current = q.current_assignment(an)
    assert (current.unit.code, current.position.code, current.start_on, current.kind) == \
        ("CCKV1-NB", "KTSTQ-CV", D1, "appointment")
    ngoc = user("HQ0002")
    assert ngoc.username == "ngoc.tran" and ngoc.gender == "F"
    assert ngoc.roles == {"officer", "author"}


def test_initial_password_must_be_changed(org, auth):
    """With an initial password, new officers can log in and are asked to change it."""
    run("officers", OFFICERS, initial_password="Batdau2025x")
    an = user("HQ0001")
    assert an.must_change_password
    response = auth.login("hq0001", "Batdau2025x")
    assert response.status_code == 302 and response.location.endswith("/password")


def test_officers_reimport_is_idempotent(org):
    run("officers", OFFICERS)
    report = run("officers", OFFICERS, on=D2)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert count(User) == 2 and count(Assignment) == 2


def test_officer_transfer_on_reimport_keeps_history(org):
    """A new unit on re-import is a transfer from start_date; the old assignment ends then."""
    run("officers", OFFICERS)
    moved = OFFICERS.replace("CCKV1-NB,KTSTQ-CV,,", "CCKV1,KTSTQ-CV,01/07/2025,")
    report = run("officers", moved, on=date(2025, 6, 1))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    an = user("HQ0001")
    history = q.assignments_of(an)
    assert [(a.unit.code, a.start_on, a.end_on, a.kind) for a in history] == [
        ("CCKV1-NB", D1, D2, "appointment"),
        ("CCKV1", D2, None, "transfer"),
    ]
    assert q.assignment_on(an, date(2025, 5, 1)).unit.code == "CCKV1-NB"
    assert count(User) == 2


def test_officer_name_update_and_roles_only_added(org):
    run("officers", OFFICERS)
    text = OFFICERS.replace("Nguyễn Văn An", "Nguyễn Văn Ân").replace(",author", ",")
    report = run("officers", text, on=D2)
    assert (report.updated, report.unchanged) == (1, 1)
    assert user("HQ0001").full_name == "Nguyễn Văn Ân"
    assert "author" in user("HQ0002").roles  # roles are never taken away
    assert len(q.assignments_of(user("HQ0001"))) == 1


@pytest.mark.parametrize("row,needle", [
    ("HQ9,Lê Văn Chín,,,,,KHONGCO,KTSTQ-CV,,", "KHONGCO"),
    ("HQ9,Lê Văn Chín,,,,,CCKV1,KHONGCO,,", "KHONGCO"),
    ("HQ9,Lê Văn Chín,,,,31/02/1990,CCKV1,,,", "31/02/1990"),
    ("HQ9,Lê Văn Chín,,,,,CCKV1,,2025-13-01,", "2025-13-01"),
    ("HQ9,Lê Văn Chín,,,X,,CCKV1,,,", "Giới tính"),
    ("HQ9,Lê Văn Chín,,khong-phai-email,,,CCKV1,,,", "khong-phai-email"),
    ("HQ9,Lê Văn Chín,,,,,CCKV1,,,unit_head", "lãnh đạo đơn vị"),
    ("HQ9,Lê Văn Chín,,,,,CCKV1,,,admin", "admin"),
    ("HQ9,,,,,,CCKV1,,,", "full_name"),
    ("HQ9,Lê Văn Chín,le van chin,,,,CCKV1,,,", "le van chin"),
    ("HQ9,Lê Văn Chín,,,,,CCKV1,,01/01/2020,", "01/01/2020"),
])
def test_bad_officer_rows_are_rejected_and_nothing_written(org, row, needle):
    """Each bad value is reported in Vietnamese on its line; the good rows are not imported."""
    report = run("officers", OFFICERS + row + "\n")
    assert [r.line for r in report.rejected] == [4]
    assert needle in report.rejected[0].reason
    assert count(User) == 0


def test_duplicate_personnel_codes_are_rejected(org):
    text = OFFICERS + "hq0001,Nguyễn Văn An Khác,,,,,CCKV1,,,\n"
    report = run("officers", text)
    assert [r.line for r in report.rejected] == [2, 4]
    assert "HQ0001" in report.rejected[0].reason
    assert count(User) == 0


def test_duplicate_and_taken_usernames_are_rejected(org):
    """A username given twice in the file, or already someone else's, is refused."""
    run("officers", OFFICERS)
    text = (OFFICERS.splitlines()[0] + "\n"
            "HQ7,Phạm Văn Bảy,pvbay,,,,CCKV1,,,\n"
            "HQ8,Phạm Văn Tám,PVBAY,,,,CCKV1,,,\n"
            "HQ9,Lê Văn Chín,ngoc.tran,,,,CCKV1,,,\n")
    report = run("officers", text, on=D2)
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {2, 3, 4}
    assert "2, 3" in reasons[2] and "ngoc.tran" in reasons[4]
    assert count(User) == 2


def test_transfer_before_the_current_assignment_is_rejected(org):
    run("officers", OFFICERS, on=D2)
    moved = OFFICERS.replace("CCKV1-NB,KTSTQ-CV,,", "CCKV1,KTSTQ-CV,01/05/2025,")
    report = run("officers", moved, on=D2)
    assert [r.line for r in report.rejected] == [2]
    assert "01/07/2025" in report.rejected[0].reason
    assert len(q.assignments_of(user("HQ0001"))) == 1


def test_weak_initial_password_is_refused(org):
    with pytest.raises(UserError):
        importer.run_import("officers", OFFICERS.encode(), dry_run=False, on=D1,
                            initial_password="ngan")
    assert count(User) == 0


def test_officers_dry_run_writes_nothing(org):
    report = run("officers", OFFICERS, dry_run=True)
    assert report.ok and report.created == 2
    assert count(User) == 0 and count(Assignment) == 0


# -- the page -------------------------------------------------------------------------------------

def _upload(client, kind, text, dry_run=True, effective="01/03/2025"):
    data = {"kind": kind, "effective_date": effective,
            "file": (io.BytesIO(text.encode("utf-8") if isinstance(text, str) else text),
                     f"{kind}.csv")}
    if dry_run:
        data["dry_run"] = "y"
    return client.post("/admin/import/", data=data, content_type="multipart/form-data")


def test_page_dry_run_is_checked_by_default(client, auth, make_user):
    make_user("hr", roles=("hr_admin",))
    auth.login("hr")
    page = client.get("/admin/import/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="dry_run"', html)
    assert "parent_code" in html and "/admin/import/template/officers.csv" in html


def test_page_dry_run_then_import(client, auth, make_user):
    """HR checks the file (nothing saved), then imports it and sees the counts."""
    make_user("hr", roles=("hr_admin",))
    auth.login("hr")
    response = _upload(client, "units", UNITS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chạy thử" in html and "Hải quan sân bay quốc tế Nội Bài" in html
    assert count(Unit) == 0
    response = _upload(client, "units", UNITS, dry_run=False)
    assert response.status_code == 200
    assert "Đã nhập dữ liệu từ tệp" in response.get_data(as_text=True)
    db.session.rollback()
    assert count(Unit) == 3
    event = db.session.scalars(sa.select(UnitEvent)).first()
    assert event.created_by_id == user("HR").id and "units.csv" in event.note


def test_page_shows_rejected_lines_in_vietnamese(client, auth, make_user):
    make_user("hr", roles=("hr_admin",))
    auth.login("hr")
    response = _upload(client, "units", UNITS + "CCKV1,Trùng mã,,branch,CHQ\n", dry_run=False)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Chưa nhập dữ liệu nào" in html
    assert "xuất hiện nhiều lần trong tệp" in html
    db.session.rollback()
    assert count(Unit) == 0


def test_page_bad_encoding_shows_a_message_not_a_stack_trace(client, auth, make_user):
    make_user("hr", roles=("hr_admin",))
    auth.login("hr")
    latin1 = "code,name_vi,kind,parent_code\nPHC,Phòng Hành chính,department,\n".encode("latin-1")
    response = _upload(client, "units", latin1, dry_run=False)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "không được mã hóa UTF-8" in html and "Traceback" not in html


def test_page_refuses_a_file_over_the_size_limit(app, client, auth, make_user):
    make_user("hr", roles=("hr_admin",))
    auth.login("hr")
    app.config["LMS_IMPORT_MAX_BYTES"] = 50
    response = _upload(client, "units", UNITS, dry_run=False)
    assert response.status_code == 400
    assert "vượt quá" in response.get_data(as_text=True)
    db.session.rollback()
    assert count(Unit) == 0


def test_page_bad_effective_date(client, auth, make_user):
    make_user("hr", roles=("hr_admin",))
    auth.login("hr")
    response = _upload(client, "units", UNITS, dry_run=False, effective="31/02/2025")
    assert response.status_code == 400
    assert "dd/mm/yyyy" in response.get_data(as_text=True)
    db.session.rollback()
    assert count(Unit) == 0


def test_template_download_has_bom_and_columns(client, auth, make_user):
    make_user("hr", roles=("hr_admin",))
    auth.login("hr")
    response = client.get("/admin/import/template/officers.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(c.name for c in importer.COLUMNS["officers"])
    assert "Nguyễn Văn An" in text
    assert client.get("/admin/import/template/nothing.csv").status_code == 404


def test_template_files_import_cleanly(app):
    """The example files import without a rejected line, in order."""
    for kind in importer.KINDS:
        report = run(kind, importer.template_csv(kind))
        assert report.ok, (kind, report.rejected)


@pytest.mark.parametrize("path", ["/admin/import/", "/admin/import/template/units.csv"])
def test_officers_get_403_and_anonymous_users_are_sent_to_login(client, auth, make_user, path):
    assert client.get(path).status_code == 302
    make_user("lan")
    auth.login("lan")
    assert client.get(path).status_code == 403
    assert _upload(client, "units", UNITS, dry_run=False).status_code == 403
    db.session.rollback()
    assert count(Unit) == 0


# -- the command ----------------------------------------------------------------------------------

def test_cli_imports_and_exits_0(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    result = runner.invoke(args=["import", "units", str(path), "--date", "01/03/2025"])
    assert result.exit_code == 0, result.output
    assert "3" in result.output
    db.session.rollback()
    assert count(Unit) == 3
    assert unit("CHQ").established_on == D1


def test_cli_dry_run_saves_nothing(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    result = runner.invoke(args=["import", "units", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Chạy thử" in result.output
    db.session.rollback()
    assert count(Unit) == 0


def test_cli_rejected_rows_exit_2_and_change_nothing(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS + "DOI9,Đội 9,,team,KHONGCO\n", encoding="utf-8")
    result = runner.invoke(args=["import", "units", str(path)])
    assert result.exit_code == 2
    assert "Dòng 5" in result.output and "KHONGCO" in result.output
    db.session.rollback()
    assert count(Unit) == 0


def test_cli_bad_file_exits_2(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes("code,name_vi\nA,Phòng\n".encode("latin-1"))
    result = runner.invoke(args=["import", "units", str(path)])
    assert result.exit_code == 2
    assert "UTF-8" in result.output


def test_cli_officers_with_initial_password(runner, tmp_path, org):
    path = tmp_path / "officers.csv"
    path.write_text(OFFICERS, encoding="utf-8")
    result = runner.invoke(args=["import", "officers", str(path), "--date", "01/03/2025",
                                 "--initial-password", "Batdau2025x"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert user("HQ0002").must_change_password and user("HQ0002").password_hash
