"""Framework import and export: Moodle's CSV and CASE 1.1 JSON, round trips, bad files
(clear message with the line or item, nothing changed), the import page and the commands."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest
import sqlalchemy as sa

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.competency import demo_framework
from plugins.competency import frameworks as F
from plugins.competency import interchange as I
from plugins.competency.models import Competency, Framework

MOODLE_HEADER = ('"Parent ID number","ID number","Short name",Description,"Description format",'
                 '"Scale values","Scale configuration","Rule type (optional)",'
                 '"Rule outcome (optional)","Rule config (optional)",'
                 '"Cross-referenced competency ID numbers","Exported ID (optional)",'
                 '"Is framework",Taxonomy')
#: A framework exported by Moodle: no columns of ours, an HTML description, Moodle's scale.
MOODLE_FILE = MOODLE_HEADER + "\n" + "\n".join([
    ',KNL-MD,"Khung năng lực (Moodle)","<p>Khung <b>thử</b></p>",1,"Cấp độ 1,Cấp độ 2,Cấp độ 3",'
    '"[{""scaleid"":""3""},{""id"":1,""scaledefault"":1,""proficient"":1}]",,,,,,1,'
    '"domain,competency"',
    ',GSQL,"Giám sát quản lý","<p>Lĩnh vực</p>",1,,,,,,,7,,',
    'GSQL,GSQL.01,"Thủ tục hải quan điện tử","<p>Tờ khai <i>điện tử</i></p>",1,,,,,,,8,,',
    'GSQL,GSQL.02,"Kiểm tra, giám sát hàng hoá",,1,,,,,,GSQL.01,9,,',
])


@pytest.fixture(autouse=True)
def _plugin_loaded(app):
    if "competency" not in app.extensions.get("lms_plugins", {}):
        pytest.skip("the competency plugin is not loaded")


@pytest.fixture
def english(app):
    """Messages in English (outside a request they are in the default language,
    Vietnamese), so that the tests can quote them."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def demo():
    demo_framework.load()
    db.session.commit()
    return F.published_framework()


@pytest.fixture
def hr(make_user):
    return make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# -- round trips ------------------------------------------------------------------------------

def test_csv_to_case_to_csv_gives_the_same_framework(demo):
    """Export CSV, read it, write it as CASE, read that, write CSV again: the framework (names
    and descriptions in both languages, kinds, tree, order, scale, criteria) is the same."""
    original = F.spec_from_framework(demo).canonical()
    from_csv = I.parse_csv(I.export_csv(demo))
    assert from_csv.canonical() == original
    copy = F.build_framework(from_csv, version=2)
    via_case = I.parse_case(json.dumps(I.export_case(copy)))
    assert via_case.canonical() == original
    again = F.build_framework(via_case, version=3)
    assert I.parse_csv(I.export_csv(again)).canonical() == original
    assert rows_of(I.export_csv(again))[1:] == rows_of(I.export_csv(demo))[1:]


def test_case_to_csv_to_case_gives_the_same_framework_and_identifiers(demo):
    """CASE → CSV → CASE keeps the framework and the CASE identifiers of document and items."""
    package = I.export_case(demo)
    spec = I.parse_case(json.dumps(package))
    first = F.build_framework(spec, version=2)
    second = F.build_framework(I.parse_csv(I.export_csv(first)), version=3)
    back = I.export_case(second)
    assert I.parse_case(json.dumps(back)).canonical() == spec.canonical()
    assert back["CFDocument"]["identifier"] == package["CFDocument"]["identifier"]
    assert [i["identifier"] for i in back["CFItems"]] == \
        [i["identifier"] for i in package["CFItems"]]


def test_the_case_export_is_a_cfpackage_with_items_associations_and_rubrics(demo):
    """A CFDocument, one CFItem per node with its code and both names, isChildOf
    associations (the top nodes are children of the document) and the levels in a rubric."""
    package = I.export_case(demo)
    doc = package["CFDocument"]
    assert doc["caseVersion"] == "1.1" and doc["title"] == demo.name_vi
    assert doc["adoptionStatus"] == "Adopted" and doc["language"] == "vi"
    items = {i["humanCodingScheme"]: i for i in package["CFItems"]}
    assert len(items) == len(demo.nodes)
    assert items["KTSTQ.01"]["fullStatement"] == "Kiểm tra sau thông quan"
    assert items["KTSTQ.01"]["alternativeLabel"] == "Post-clearance audit"
    assert items["KTSTQ"]["CFItemType"] == "Professional field"
    parents = {a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
               for a in package["CFAssociations"] if a["associationType"] == "isChildOf"}
    assert parents[items["KTSTQ.01"]["identifier"]] == items["KTSTQ"]["identifier"]
    assert parents[items["KTSTQ"]["identifier"]] == doc["identifier"]
    criteria = {c["category"]: c for c in package["CFRubrics"][0]["CFRubricCriteria"]}
    levels = criteria["KTSTQ.01"]["CFRubricCriterionLevels"]
    assert [lv["score"] for lv in levels] == [1, 2, 3]
    assert levels[0]["quality"] == "Cơ bản" and levels[0]["description"]


def test_the_csv_export_starts_with_moodles_fourteen_columns(demo):
    """Moodle reads its columns by position: they come first, in Moodle's order, and the
    framework is the first line."""
    rows = rows_of(I.export_csv(demo))
    assert rows[0][:14] == [label for _k, label in I.MOODLE_COLUMNS]
    assert rows[1][1] == "KNL-HQ" and rows[1][12] == "1"
    assert rows[1][5] == "Cơ bản,Thành thạo,Chuyên sâu"
    assert all(row[12] == "" for row in rows[2:])


def test_a_plain_moodle_file_imports():
    """Moodle's 14 columns alone: HTML descriptions become text, a node with children is a
    group, the others competencies, the scale comes from the scale values."""
    spec = I.parse_csv(MOODLE_FILE.encode("utf-8"))
    assert (spec.code, spec.scale_levels) == ("KNL-MD", 3)
    assert spec.description_vi == "Khung thử"
    nodes = {n.code: n for n in spec.nodes}
    assert nodes["GSQL"].kind == "group" and nodes["GSQL.01"].kind == "competency"
    assert nodes["GSQL.01"].description_vi == "Tờ khai điện tử"
    assert nodes["GSQL.02"].name_vi == "Kiểm tra, giám sát hàng hoá"
    assert F.normalise_scale(spec.scale, 3)[0]["name_vi"] == "Cấp độ 1"  # from Moodle


def test_semicolons_and_a_byte_order_mark_are_read():
    """A file saved by Excel in Vietnamese (BOM, semicolons) imports the same."""
    rows = rows_of(MOODLE_FILE.encode("utf-8"))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    spec = I.parse_csv(out.getvalue().encode("utf-8-sig"))
    assert [n.code for n in spec.nodes] == ["GSQL", "GSQL.01", "GSQL.02"]


def test_a_utf16_file_with_tabs_is_read():
    """Excel's "Unicode Text" (UTF-16 with a byte-order mark, tabs) imports the same."""
    rows = rows_of(MOODLE_FILE.encode("utf-8"))
    out = io.StringIO()
    csv.writer(out, delimiter="\t").writerows(rows)
    spec = I.parse_csv(out.getvalue().encode("utf-16"))
    assert [n.code for n in spec.nodes] == ["GSQL", "GSQL.01", "GSQL.02"]
    assert spec.description_vi == "Khung thử"


def test_a_plain_case_package_imports(english):
    """A CASE package without our extensions: the code comes from the title (or --code),
    kinds from the tree, levels from the rubric's scores."""
    doc_id, a, b = "d0000000-0000-4000-8000-000000000001", "i-a", "i-b"
    package = {"CFPackage": {
        "CFDocument": {"identifier": doc_id, "uri": "urn:x", "title": "Khung năng lực thử",
                       "creator": "X", "lastChangeDateTime": "2025-01-01T00:00:00+00:00"},
        "CFItems": [
            {"identifier": a, "fullStatement": "Quản lý rủi ro", "humanCodingScheme": "QLRR"},
            {"identifier": b, "fullStatement": "Phân luồng", "humanCodingScheme": "QLRR.01"},
        ],
        "CFAssociations": [
            {"associationType": "isChildOf", "originNodeURI": {"identifier": a},
             "destinationNodeURI": {"identifier": doc_id}},
            {"associationType": "isChildOf", "originNodeURI": {"identifier": b},
             "destinationNodeURI": {"identifier": a}},
            {"associationType": "isRelatedTo", "originNodeURI": {"identifier": b},
             "destinationNodeURI": {"identifier": a}},
        ],
        "CFRubrics": [{"CFRubricCriteria": [{"CFItemURI": {"identifier": b},
                                             "CFRubricCriterionLevels": [
            {"score": 1, "quality": "Đạt", "description": "Biết phân luồng"},
            {"score": 2, "quality": "Khá", "description": "Thiết lập tiêu chí"}]}]}],
    }}
    spec = I.parse_case(json.dumps(package))
    assert spec.code == "KHUNG-NANG-LUC-THU" and spec.scale_levels == 2
    assert [(n.code, n.kind, n.parent_code) for n in spec.nodes] == [
        ("QLRR", "group", None), ("QLRR.01", "competency", "QLRR")]
    assert spec.nodes[1].criteria[2] == ("Thiết lập tiêu chí", "")
    assert spec.notes and "isChildOf" in spec.notes[0]
    assert I.parse_case(json.dumps(package), code="knl-rr").code == "KNL-RR"


# -- bad files --------------------------------------------------------------------------------

def _csv_with(*lines: str) -> bytes:
    header = MOODLE_HEADER + ",kind,name_vi,level_1_vi,level_4_vi"
    frame = ',KNL-X,"Khung",,2,"A,B,C",,,,,,,1,,,,,'
    return "\n".join([header, frame, *lines]).encode("utf-8")


@pytest.mark.parametrize("lines, expected", [
    ([",A,Nhóm,,2,,,,,,,,,,group,,,", "NOPE,A.01,Năng lực,,2,,,,,,,,,,competency,,,"],
     "Line 4: The parent NOPE of A.01 is not in the framework."),
    (["B,A,Nhóm A,,2,,,,,,,,,,group,,,", "A,B,Nhóm B,,2,,,,,,,,,,group,,,"],
     "form a cycle"),
    ([",A,Nhóm,,2,,,,,,,,,,group,,,", "A,A.01,Năng lực,,2,,,,,,,,,,competency,,,Cấp 4"],
     "Line 4: A.01: level 4 is outside the scale 1–3."),
    ([",A,Nhóm,,2,,,,,,,,,,group,,,", ",A,Nhóm lặp,,2,,,,,,,,,,group,,,"],
     "Line 4: The code A appears twice (also at Line 3)."),
    ([",A,,,2,,,,,,,,,,group,,,"], "Line 3: A has no Vietnamese name."),
])
def test_bad_csv_lines_are_named_and_nothing_is_imported(lines, expected, english):
    """Unknown parent, cycle, level outside the scale, duplicate code, no name: the report
    lists the line and what is wrong, and no framework is written."""
    report = I.import_framework(_csv_with(*lines), "csv", dry_run=False)
    assert not report.ok and not report.written
    assert any(expected in p for p in report.problems), report.problems
    db.session.rollback()
    assert count(Framework) == 0 and count(Competency) == 0


@pytest.mark.parametrize("data, fmt, expected", [
    (b"code,name\nA,B\n", "csv", "not a competency framework CSV file"),
    (MOODLE_HEADER.encode() + b"\n,A,Nhom,,2,,,,,,,,,\n", "csv", "No line describes the "
                                                                   "framework itself"),
    (b'{"CFItems": []}', "case", "it has no CFPackage with a CFDocument"),
    (b'{"CFDocument": ', "case", "it is not valid JSON"),
    (b"[1, 2]", "case", "it has no CFPackage with a CFDocument"),
    (b"PK\x03\x04 workbook", "csv", "Excel workbook"),
    (unicodedata.normalize("NFD", "Phòng,Hành chính").encode("cp1258"), "csv",
     "Windows-1258"),
    (b"", "csv", "The file is empty."),
])
def test_files_that_are_not_frameworks_are_refused(data, fmt, expected, english):
    """Not the CSV columns, not CASE, not JSON, a workbook, Windows-1258, empty: a clear
    message."""
    with pytest.raises(UserError, match=expected):
        I.import_framework(data, fmt, dry_run=False)
    db.session.rollback()
    assert count(Framework) == 0


def test_case_items_with_an_unknown_parent_are_named(english):
    """An isChildOf to an identifier that is not in the package names the association."""
    package = {"CFDocument": {"identifier": "doc", "title": "Khung"},
               "CFItems": [{"identifier": "x", "fullStatement": "Năng lực",
                            "humanCodingScheme": "X.01"}],
               "CFAssociations": [{"associationType": "isChildOf",
                                   "originNodeURI": {"identifier": "x"},
                                   "destinationNodeURI": {"identifier": "ghost"}}]}
    report = I.import_framework(json.dumps(package).encode(), "case", dry_run=False)
    assert report.problems == ["CFAssociation 1: the parent ghost of X.01 is not an item of "
                               "this package (unknown parent)."]
    assert count(Framework) == 0


def test_case_levels_outside_the_scale_are_refused(demo, english):
    """A rubric level above the scale declared by the document is a problem of that item."""
    package = I.export_case(demo)
    package["CFDocument"]["extensions"]["code"] = "KNL-Y"
    levels = package["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"]
    levels[0]["score"] = 5
    report = I.import_framework(json.dumps(package).encode(), "case", dry_run=False)
    assert any("level 5 is outside the scale 1–3" in p and p.startswith("CFItem")
               for p in report.problems), report.problems
    db.session.rollback()
    assert F.versions_of("KNL-Y") == []


# -- the import's outcomes --------------------------------------------------------------------

def test_import_creates_a_draft_then_the_next_version(demo, english):
    """A new code makes version 1; an existing code the next version; the same content again
    is "unchanged"; a second import while a draft exists is refused."""
    data = I.export_csv(demo)
    same = I.import_framework(data, "csv", dry_run=False)
    assert same.action == "unchanged" and not same.written
    changed = data.decode("utf-8-sig").replace("Khung năng lực công chức Hải quan",
                                               "Khung năng lực công chức Hải quan 2026")
    report = I.import_framework(changed.encode(), "csv", dry_run=True)
    assert (report.action, report.version, report.written) == ("new_version", 2, False)
    assert count(Framework) == 1
    report = I.import_framework(changed.encode(), "csv", dry_run=False)
    db.session.commit()
    assert report.framework.version == 2 and report.framework.status == "draft"
    again = I.import_framework(changed.encode(), "csv", dry_run=False)
    assert again.problems == ["KNL-HQ already has a draft, version 2: publish or discard it "
                              "before importing a new version."]


def test_import_page_previews_then_imports(client, auth, hr):
    """HR uploads a Moodle file: the dry run shows what would be created and saves nothing;
    the real import creates the draft and opens it."""
    auth.login("quantri")
    r = client.post("/competency/frameworks/import", data={
        "file": (io.BytesIO(MOODLE_FILE.encode()), "khung.csv"), "dry_run": "y"},
        content_type="multipart/form-data")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "KNL-MD" in page and count(Framework) == 0
    r = client.post("/competency/frameworks/import", data={
        "file": (io.BytesIO(MOODLE_FILE.encode()), "khung.csv"), "publish": "y"},
        content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/KNL-MD/v1")
    assert F.published_framework("KNL-MD") is not None
    assert set(F.competency_index(F.published_framework("KNL-MD"))) == {"GSQL.01", "GSQL.02"}


def test_import_page_lists_the_problems_and_saves_nothing(client, auth, hr):
    """A file with bad lines answers 422 with each line's problem."""
    auth.login("quantri")
    bad = _csv_with(",A,Nhóm,,2,,,,,,,,,,group,,,", "NOPE,A.01,Năng lực,,2,,,,,,,,,,,,,")
    r = client.post("/competency/frameworks/import", data={
        "file": (io.BytesIO(bad), "khung.csv")}, content_type="multipart/form-data")
    assert r.status_code == 422
    assert "NOPE" in r.get_data(as_text=True) and "A.01" in r.get_data(as_text=True)
    assert count(Framework) == 0
    r = client.post("/competency/frameworks/import", data={
        "file": (io.BytesIO(b'{"x": 1}'), "khung.json")}, content_type="multipart/form-data")
    assert r.status_code == 400 and count(Framework) == 0


def test_export_downloads_csv_and_case(client, auth, hr, demo):
    """HR downloads either format; the names say which framework and version."""
    auth.login("quantri")
    r = client.get("/competency/frameworks/KNL-HQ/v1/export.csv")
    assert r.status_code == 200 and "KNL-HQ-v1.csv" in r.headers["Content-Disposition"]
    assert I.parse_csv(r.data).code == "KNL-HQ"
    r = client.get("/competency/frameworks/KNL-HQ/v1/export.json")
    assert r.status_code == 200 and r.json["CFDocument"]["extensions"]["code"] == "KNL-HQ"
    assert client.get("/competency/frameworks/KNL-HQ/v1/export.xml").status_code == 404


# -- commands ---------------------------------------------------------------------------------

def test_commands_import_and_export(runner, tmp_path, demo):
    """``lms competency framework import/export``: a dry run saves nothing; a bad file exits
    with status 2 and the line; the export round-trips."""
    case_file = tmp_path / "knl.json"
    r = runner.invoke(args=["competency", "framework", "export", "KNL-HQ", "--format", "case",
                            "-o", str(case_file)])
    assert r.exit_code == 0, r.output
    package = json.loads(case_file.read_text("utf-8"))
    package["CFDocument"]["extensions"]["code"] = "KNL-COPY"
    case_file.write_text(json.dumps(package), "utf-8")
    r = runner.invoke(args=["competency", "framework", "import", str(case_file), "--dry-run"])
    assert r.exit_code == 0, r.output
    assert F.versions_of("KNL-COPY") == []
    r = runner.invoke(args=["competency", "framework", "import", str(case_file), "--publish"])
    assert r.exit_code == 0, r.output
    assert F.published_framework("KNL-COPY") is not None
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv_with(",A,Nhóm,,2,,,,,,,,,,group,,,", "A,A.01,Năng lực,,2,,,,,,,,,,,,,X"))
    r = runner.invoke(args=["competency", "framework", "import", str(bad)])
    assert r.exit_code == 2 and "A.01" in r.output
    assert F.versions_of("KNL-X") == []
    r = runner.invoke(args=["competency", "framework", "export", "KNL-HQ", "--format", "csv"])
    assert r.exit_code == 0 and r.output.startswith("Parent ID number")
