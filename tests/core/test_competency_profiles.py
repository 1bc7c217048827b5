"""Position profiles: required levels and weights per job position, set by HR on a page or
by CSV (all or nothing, line-numbered problems), read by everyone, shown as a table and a
chart; changes recompute the gaps of the position's officers. Also the shared SVG charts."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.competency import charts, demo_framework, profiles
from plugins.competency.models import PositionRequirement


@pytest.fixture(autouse=True)
def _plugin_loaded(app):
    if "competency" not in app.extensions.get("lms_plugins", {}):
        pytest.skip("the competency plugin is not loaded")


@pytest.fixture
def english(app):
    """Messages in English (outside a request they are in Vietnamese), to quote them."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def world(make_unit, make_user, make_position):
    """The demo framework, two positions, an HR administrator, an officer holding KTSTQ-KT, a
    unit head and an author."""
    demo_framework.load()
    db.session.commit()
    audit = make_position("KTSTQ-KT", "Công chức kiểm tra sau thông quan", "Auditor")
    make_position("THUE-TG", "Công chức kiểm tra trị giá", "Valuation officer")
    unit = make_unit("DOI-KT")
    make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN))
    make_user("canbo", unit=unit, position=audit)
    make_user("truongdoi", roles=(R.OFFICER, R.UNIT_HEAD), heads=unit)
    make_user("giangvien", roles=(R.OFFICER, R.AUTHOR))
    return audit


@pytest.fixture
def recomputed(monkeypatch):
    """The positions whose gaps were recomputed, in order."""
    from plugins.competency import gaps

    calls: list[int] = []
    monkeypatch.setattr(gaps, "recompute_position", lambda pid, **kw: calls.append(pid),
                        raising=False)
    return calls


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PositionRequirement))


# -- the operations ---------------------------------------------------------------------------

def test_set_and_remove_a_requirement_recompute_the_position(world, recomputed):
    """Setting adds or changes one row; removing deletes it; each recomputes the gaps of the
    position's officers."""
    profiles.set_requirement(world, "ktstq.01", 2, 2)
    profiles.set_requirement(world, "KTSTQ.01", 3, "1,5")
    db.session.commit()
    (row,) = profiles.requirements_for(world.id)
    assert (row.competency_code, row.required_level, row.weight) == ("KTSTQ.01", 3, 1.5)
    profiles.remove_requirement(world, "KTSTQ.01")
    db.session.commit()
    assert profiles.requirements_for(world.id) == []
    assert recomputed == [world.id] * 3


@pytest.mark.parametrize("code, level, weight, expected", [
    ("KTSTQ.99", 2, 1, "KTSTQ.99 is not a competency of the published framework."),
    ("CHUNG", 2, 1, "CHUNG is not a competency of the published framework."),
    ("KTSTQ.01", 4, 1, "The required level must be a whole number from 1 to 3"),
    ("KTSTQ.01", 0, 1, "The required level must be a whole number from 1 to 3"),
    ("KTSTQ.01", 2, 0, "The weight must be a number greater than 0"),
    ("KTSTQ.01", 2, -1, "The weight must be a number greater than 0"),
])
def test_bad_requirements_are_refused(world, recomputed, english, code, level, weight,
                                      expected):
    """An unknown code, a group, a level outside the scale, a weight ≤ 0: refused, nothing
    saved, nothing recomputed."""
    with pytest.raises(UserError, match=expected):
        profiles.set_requirement(world, code, level, weight)
    db.session.rollback()
    assert count() == 0 and recomputed == []


def test_without_a_published_framework_profiles_cannot_be_set(make_position, english):
    """Before any framework is published, the message says to publish one."""
    position = make_position("KTSTQ-KT")
    with pytest.raises(UserError, match="No competency framework is published yet"):
        profiles.set_requirement(position, "KTSTQ.01", 2)


# -- CSV --------------------------------------------------------------------------------------

GOOD = ("position_code,competency_code,required_level,weight\n"
        "KTSTQ-KT,KTSTQ.01,2,2\n"
        "ktstq-kt,KTSTQ.02,2,\n"
        'THUE-TG,THUE.01,2,"1,5"\n')


def test_csv_import_dry_run_then_for_real(world, recomputed):
    """The dry run reports what it would do and writes nothing; the import writes all the
    lines and recomputes each position once."""
    report = profiles.import_requirements_csv(GOOD.encode(), dry_run=True)
    assert report.ok and (report.rows, report.count("created")) == (3, 3)
    db.session.rollback()
    assert count() == 0 and recomputed == []
    report = profiles.import_requirements_csv(GOOD.encode(), dry_run=False)
    db.session.commit()
    assert report.written and count() == 3
    weights = {r.competency_code: r.weight for r in profiles.requirements_for(world.id)}
    assert weights == {"KTSTQ.01": 2.0, "KTSTQ.02": 1.0}
    from lms_core.organisation.queries import position_by_code

    assert sorted(recomputed) == sorted([world.id, position_by_code("THUE-TG").id])
    again = profiles.import_requirements_csv(GOOD.encode(), dry_run=False)
    assert again.count("unchanged") == 3 and not again.written


def test_csv_import_with_replace_removes_what_the_file_leaves_out(world):
    """With replace, the file is the whole profile of each position it names."""
    profiles.set_requirement(world, "CHUNG.01", 2, recompute=False)
    db.session.commit()
    report = profiles.import_requirements_csv(GOOD.encode(), dry_run=False, replace=True)
    db.session.commit()
    assert [(c.position_code, c.competency_code) for c in report.changes
            if c.action == "removed"] == [("KTSTQ-KT", "CHUNG.01")]
    assert {r.competency_code for r in profiles.requirements_for(world.id)} == \
        {"KTSTQ.01", "KTSTQ.02"}


def test_a_bad_csv_lists_every_line_and_changes_nothing(world, recomputed, english):
    """Unknown position or code, level outside the scale, weight ≤ 0, a pair twice: every
    problem with its line, and the good lines are not saved either."""
    data = ("position_code,competency_code,required_level,weight\n"
            "KTSTQ-KT,KTSTQ.01,2,1\n"
            "KHONG-CO,KTSTQ.01,2,1\n"
            "KTSTQ-KT,KTSTQ.99,2,1\n"
            "KTSTQ-KT,KTSTQ.02,4,1\n"
            "KTSTQ-KT,KTSTQ.03,2,0\n"
            "KTSTQ-KT,KTSTQ.01,1,1\n")
    report = profiles.import_requirements_csv(data.encode(), dry_run=False)
    db.session.rollback()
    assert not report.ok and count() == 0 and recomputed == []
    problems = "\n".join(report.problems)
    assert "Line 3: unknown job position “KHONG-CO”." in problems
    assert "Line 4: “KTSTQ.99” is not a competency of the published framework." in problems
    assert "Line 5: the required level must be a whole number from 1 to 3, not “4”." in problems
    assert "Line 6: the weight must be a number greater than 0" in problems
    assert "Line 7: KTSTQ-KT and KTSTQ.01 are given twice (also on line 2)." in problems


def test_an_unquoted_decimal_comma_is_refused_not_cut(world, recomputed, english):
    """``1,5`` unquoted in a comma file is two values: the line is refused, saying to quote
    it, rather than read as weight 1; nothing is saved. Quoted, it is the weight 1.5."""
    data = ("position_code,competency_code,required_level,weight\n"
            "KTSTQ-KT,KTSTQ.01,2,1\n"
            "KTSTQ-KT,KTSTQ.02,2,1,5\n")
    report = profiles.import_requirements_csv(data.encode(), dry_run=False)
    db.session.rollback()
    assert not report.ok and count() == 0 and recomputed == []
    assert report.problems == ["Line 3: This line has 5 values but the first line names 4 "
                               "columns; a value that contains , must be put in double quotes."]
    report = profiles.import_requirements_csv(data.replace("1,5", '"1,5"').encode(),
                                              dry_run=False)
    db.session.commit()
    assert report.ok
    weights = {r.competency_code: r.weight for r in profiles.requirements_for(world.id)}
    assert weights == {"KTSTQ.01": 1.0, "KTSTQ.02": 1.5}


def test_a_file_without_the_columns_is_refused(world, english):
    """The first line must name the columns."""
    with pytest.raises(UserError, match="Missing column: required_level"):
        profiles.import_requirements_csv(b"position_code,competency_code\nA,B\n")


def test_the_export_reimports_unchanged(world):
    """Export then import the same file: nothing changes."""
    profiles.import_requirements_csv(GOOD.encode(), dry_run=False)
    db.session.commit()
    data = profiles.export_requirements_csv()
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(profiles.COLUMNS)
    report = profiles.import_requirements_csv(data, dry_run=False)
    assert report.count("unchanged") == 3 and not report.written


# -- pages ------------------------------------------------------------------------------------

def test_hr_sets_a_requirement_and_everyone_reads_the_profile(client, auth, world):
    """HR adds a requirement on the position's page; officers, unit heads and authors read
    the table and the chart (with its title), without the form."""
    auth.login("quantri")
    r = client.post("/competency/positions/KTSTQ-KT/requirements", data={
        "competency_code": "KTSTQ.01", "required_level": "2", "weight": "2"})
    assert r.status_code == 302
    assert [(x.competency_code, x.required_level, x.weight)
            for x in profiles.requirements_for(world.id)] == [("KTSTQ.01", 2, 2.0)]
    page = client.get("/competency/positions/KTSTQ-KT").get_data(as_text=True)
    assert "/competency/positions/KTSTQ-KT/requirements" in page
    auth.logout()
    for username in ("canbo", "truongdoi", "giangvien"):
        auth.login(username)
        r = client.get("/competency/positions/KTSTQ-KT")
        page = r.get_data(as_text=True)
        assert r.status_code == 200
        assert "KTSTQ.01" in page and "<svg" in page and "<title" in page
        assert "/competency/positions/KTSTQ-KT/requirements\"" not in page
        assert client.post("/competency/positions/KTSTQ-KT/requirements", data={
            "competency_code": "KTSTQ.01", "required_level": "3", "weight": "1"}
        ).status_code == 403
        auth.logout()
    assert profiles.requirements_for(world.id)[0].required_level == 2


def test_a_bad_requirement_form_is_refused_with_400(client, auth, world):
    """A level outside the scale is shown again with its error; nothing is saved."""
    auth.login("quantri")
    r = client.post("/competency/positions/KTSTQ-KT/requirements", data={
        "competency_code": "KTSTQ.01", "required_level": "5", "weight": "1"})
    assert r.status_code == 400 and count() == 0
    r = client.post("/competency/positions/KTSTQ-KT/requirements", data={
        "competency_code": "KTSTQ.01", "required_level": "2", "weight": "0"})
    assert r.status_code == 400 and count() == 0


def test_hr_removes_a_requirement(client, auth, world):
    """The remove button deletes the row; a second time it is not found."""
    profiles.set_requirement(world, "KTSTQ.01", 2, recompute=False)
    db.session.commit()
    auth.login("quantri")
    url = "/competency/positions/KTSTQ-KT/requirements/KTSTQ.01/delete"
    assert client.post(url).status_code == 302 and count() == 0
    assert client.post(url).status_code == 404


def test_profiles_import_page(client, auth, world):
    """HR uploads a CSV: a bad one answers 422 with its lines, a good one is imported."""
    auth.login("quantri")
    bad = b"position_code,competency_code,required_level,weight\nKHONG-CO,KTSTQ.01,2,1\n"
    r = client.post("/competency/profiles/import", data={
        "file": (io.BytesIO(bad), "p.csv")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "KHONG-CO" in r.get_data(as_text=True) and count() == 0
    r = client.post("/competency/profiles/import", data={
        "file": (io.BytesIO(GOOD.encode()), "p.csv")}, content_type="multipart/form-data")
    assert r.status_code == 200 and count() == 3
    r = client.get("/competency/profiles/export.csv")
    assert r.status_code == 200 and b"KTSTQ-KT,KTSTQ.01,2,2" in r.data
    auth.logout()
    auth.login("canbo")
    assert client.get("/competency/profiles/export.csv").status_code == 403
    assert client.get("/competency/profiles/import").status_code == 403
    assert client.get("/competency/positions").status_code == 200


def test_the_cli_imports_profiles(runner, tmp_path, world):
    """``lms competency profiles import``: a dry run saves nothing, then the import does."""
    path = tmp_path / "profiles.csv"
    path.write_text(GOOD, encoding="utf-8")
    r = runner.invoke(args=["competency", "profiles", "import", str(path), "--dry-run"])
    assert r.exit_code == 0 and count() == 0
    r = runner.invoke(args=["competency", "profiles", "import", str(path)])
    assert r.exit_code == 0 and count() == 3
    path.write_text("position_code,competency_code,required_level\nX,Y,9\n", encoding="utf-8")
    r = runner.invoke(args=["competency", "profiles", "import", str(path)])
    assert r.exit_code == 2 and count() == 3


# -- charts -----------------------------------------------------------------------------------

def test_the_radar_chart_has_a_title_a_description_and_one_polygon_per_series():
    """Labels and names are escaped; every value is stated in the description."""
    svg = str(charts.radar_svg(["Pháp luật", "Dữ liệu <x>", "Tiếng Anh"],
                               [("Yêu cầu", [2, 3, 1]), ("Đạt được", [1, 3, 0])], 3,
                               title="Năng lực"))
    assert svg.startswith("<svg") and "<title" in svg and "Năng lực" in svg
    assert "Dữ liệu &lt;x&gt;" in svg and "<x>" not in svg
    assert svg.count("<polygon") == 3 + 2  # three rings, two series
    assert "Yêu cầu: Pháp luật 2, Dữ liệu &lt;x&gt; 3, Tiếng Anh 1" in svg
    assert "style=" not in svg


def test_the_bar_chart_scales_bars_to_the_maximum():
    """A bar at the maximum is the full width; the values are written after the bars."""
    svg = str(charts.hbar_svg([("A", 3), ("B", 1.5)], 3, title="Cấp độ yêu cầu"))
    assert 'width="360"' in svg and 'width="180"' in svg and ">1.5<" in svg
    assert "style=" not in svg


def test_the_bar_chart_draws_negative_values_left_of_zero():
    """With a negative minimum (a gain that fell), a negative bar ends left of the zero line."""
    svg = str(charts.hbar_svg([("Giảm", -0.5), ("Tăng", 1)], 1, min_value=-1, title="g"))
    assert '<rect x="350" y="24" width="90"' in svg  # from -0.5 to the zero line
    assert '<rect x="440" y="54" width="180"' in svg and ">-0.5<" in svg
