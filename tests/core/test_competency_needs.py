"""The training needs report per unit and field (plugins/competency/needs.py), on the page and
as an XLSX workbook."""

from __future__ import annotations

import io

import pytest

from tests.core.test_competency_evidence import add, publish_framework, require


@pytest.fixture(autouse=True)
def _competency_loaded(app):
    if "competency" not in app.extensions["lms_plugins"]:
        pytest.skip("the competency plugin is not loaded in this run")


@pytest.fixture
def org(app, make_unit, make_position, make_user, make_course):
    """A branch: three auditors (one meets KTSTQ.01 level 2), a tax officer; a published course
    declaring KTSTQ.01 level 1."""
    from lms_core.identity import roles as R

    publish_framework()
    branch = make_unit("KV02", kind="branch")
    team = make_unit("KV02-D1", parent=branch)
    other = make_unit("KV03", kind="branch")
    audit = make_position("KTSTQ-KT")
    junior = make_position("KTSTQ-TS")
    tax = make_position("THUE-TG")
    require(audit, {"KTSTQ.01": 2, "CHUNG.01": 1})
    require(junior, {"KTSTQ.01": 1})
    require(tax, {"THUE.01": 2})
    people = [make_user("an", unit=team, position=audit),
              make_user("binh", unit=team, position=audit),
              make_user("cuong", unit=team, position=audit),
              make_user("dung", unit=team, position=junior),
              make_user("giang", unit=branch, position=tax),
              make_user("khanh", unit=other, position=tax)]
    add(people[0], "KTSTQ.01", 2)
    add(people[0], "CHUNG.01", 1)
    make_course("KTSTQ-101")
    make_user("truong-kv", unit=branch, heads=branch)
    make_user("truong-kv3", unit=other, heads=other)
    make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=branch)
    return {"branch": branch, "team": team, "other": other}


def test_needs_count_officers_and_list_the_courses_that_address_them(org):
    """Per competency and level needed: how many officers, and courses at that level or above."""
    from plugins.competency import needs

    report = needs.training_needs(org["branch"].id)
    rows = {(n.info.code, n.level): (n.officers, [c.code for c in n.courses])
            for n in report.needs}
    assert rows == {
        ("KTSTQ.01", 2): (2, []),  # the course develops level 1 only
        ("KTSTQ.01", 1): (1, ["KTSTQ-101"]),
        ("CHUNG.01", 1): (2, []),
        ("THUE.01", 2): (1, []),  # khanh works in another branch
    }
    assert report.officers == 5
    fields = [(code, [n.info.code for n in items]) for code, _name, items in report.by_field()]
    assert fields == [("THUE", ["THUE.01"]), ("KTSTQ", ["KTSTQ.01", "KTSTQ.01"]),
                      ("", ["CHUNG.01"])]


def test_the_field_filter_keeps_one_field(org):
    """Filtered to post-clearance audit, only its competencies remain."""
    from plugins.competency import needs

    report = needs.training_needs(org["branch"].id, field_code="KTSTQ")
    assert {n.info.code for n in report.needs} == {"KTSTQ.01"}


def test_the_needs_page_shows_counts_and_courses(org, client, auth):
    """The unit head sees the needs with the course that addresses them."""
    auth.login("truong-kv")
    page = client.get("/competency/units/KV02/needs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Kiểm tra sau thông quan" in html and "KTSTQ-101" in html
    assert 'href="/competency/units/KV02/needs.xlsx"' in html
    html = client.get("/competency/units/KV02/needs?field=THUE").get_data(as_text=True)
    assert "THUE.01" in html and "KTSTQ.01" not in html


def test_the_xlsx_export_is_a_real_workbook(org, client, auth):
    """The export opens with openpyxl: Vietnamese headers, one row per need, the field column."""
    from openpyxl import load_workbook

    auth.login("truong-kv")
    response = client.get("/competency/units/KV02/needs.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "nhu-cau-dao-tao-KV02.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Lĩnh vực nghiệp vụ", "Mã năng lực", "Năng lực", "Mức năng lực cần đạt",
                       "Số cán bộ chưa đạt mức", "Khoá học đáp ứng")
    by_key = {(r[1], r[3]): r for r in rows[1:]}
    assert len(rows) == 5
    assert by_key[("KTSTQ.01", 1)][0] == "Kiểm tra sau thông quan"
    assert by_key[("KTSTQ.01", 1)][4] == 1
    assert by_key[("KTSTQ.01", 1)][5].startswith("KTSTQ-101")
    assert by_key[("KTSTQ.01", 2)][4] == 2 and by_key[("KTSTQ.01", 2)][5] == "Chưa có khoá học"
    assert by_key[("CHUNG.01", 1)][0] == "Năng lực chung"


def test_the_xlsx_export_follows_the_field_filter(org, client, auth):
    """Exported for one field, the workbook holds that field's needs only, in Vietnamese even
    from the English interface."""
    from openpyxl import load_workbook

    auth.login("quantri")
    client.post("/lang/en")
    assert "Training needs" in client.get("/competency/units/KV02/needs").get_data(as_text=True)
    response = client.get("/competency/units/KV02/needs.xlsx?field=THUE")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["THUE.01"]
    assert rows[0][0] == "Lĩnh vực nghiệp vụ" and rows[1][0] == "Thuế xuất nhập khẩu"


def test_the_needs_are_for_heads_of_the_unit_and_hr(org, client, auth):
    """Another branch's head and officers are refused; HR opens any unit."""
    auth.login("truong-kv3")
    assert client.get("/competency/units/KV02/needs").status_code == 403
    assert client.get("/competency/units/KV02/needs.xlsx").status_code == 403
    assert client.get("/competency/units/KV03/needs.xlsx").status_code == 200
    auth.logout()
    auth.login("an")
    assert client.get("/competency/units/KV02-D1/needs").status_code == 403
    assert client.get("/competency/units/KV02-D1/needs.xlsx").status_code == 403
    auth.logout()
    auth.login("quantri")
    assert client.get("/competency/units/KV03/needs").status_code == 200
