"""Competency frameworks: the tree and its checks, versions (draft, publish, revise, retire),
the editing pages, who may see them, and the demo framework."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lms_core.demo.organisation_data import FIELDS, POSITIONS
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.competency import demo_framework
from plugins.competency import frameworks as F
from plugins.competency.models import Competency, Framework

COURSE_CODES = ["CHUNG.01", "CHUNG.02", "CHUNG.03", "CHUNG.04", "GSQL.01", "GSQL.02",
                "THUE.01", "THUE.02", "THUE.03", "KTSTQ.01", "KTSTQ.02", "QLRR.01", "QLRR.02",
                "DTCBL.01", "XLVP.01"]


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
def hr(make_user):
    return make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN))


@pytest.fixture
def officer(make_user):
    return make_user("canbo")


def small_spec(code="KNL", **changes) -> F.FrameworkSpec:
    spec = F.FrameworkSpec(code=code, name_vi="Khung năng lực thử", name_en="Test framework",
                           nodes=[
        F.NodeSpec(code="CHUNG", kind="group", name_vi="Năng lực chung", where="Line 3"),
        F.NodeSpec(code="CHUNG.01", name_vi="Pháp luật hải quan", parent_code="CHUNG",
                   criteria={1: ("Nêu được", "States"), 2: ("Áp dụng", "Applies"),
                             3: ("Hướng dẫn", "Guides")}, where="Line 4"),
        F.NodeSpec(code="KTSTQ", kind="field", name_vi="Kiểm tra sau thông quan",
                   field_code="KTSTQ", where="Line 5"),
        F.NodeSpec(code="KTSTQ.01", name_vi="Kiểm tra sau thông quan", parent_code="KTSTQ",
                   criteria={1: ("Chuẩn bị hồ sơ", "Prepares the file")}, where="Line 6"),
    ])
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


def published(code="KNL") -> Framework:
    framework = F.build_framework(small_spec(code), version=1)
    F.publish(framework)
    db.session.commit()
    return framework


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# -- the tree and its checks ------------------------------------------------------------------

def test_a_valid_tree_has_no_problems():
    """The small framework passes every check."""
    assert F.validate_spec(small_spec()) == []


@pytest.mark.parametrize("change, expected", [
    (lambda s: s.nodes.append(F.NodeSpec(code="CHUNG.01", name_vi="Lặp", parent_code="CHUNG",
                                         where="Line 7")),
     "Line 7: The code CHUNG.01 appears twice (also at Line 4)."),
    (lambda s: setattr(s.nodes[3], "parent_code", "NOPE"),
     "Line 6: The parent NOPE of KTSTQ.01 is not in the framework."),
    (lambda s: setattr(s.nodes[1], "criteria", {4: ("Cấp 4", "")}),
     "Line 4: CHUNG.01: level 4 is outside the scale 1–3."),
    (lambda s: (setattr(s.nodes[0], "parent_code", "KTSTQ"),
                setattr(s.nodes[2], "parent_code", "CHUNG")),
     "form a cycle"),
    (lambda s: setattr(s.nodes[2], "parent_code", "CHUNG.01"),
     "KTSTQ is a professional field and cannot be placed under the competency CHUNG.01."),
    (lambda s: setattr(s.nodes[1], "code", "CHUNG 01"), "The code “CHUNG 01” is not valid"),
    (lambda s: setattr(s.nodes[1], "name_vi", " "), "CHUNG.01 has no Vietnamese name."),
    (lambda s: setattr(s, "scale_levels", 0), "between 1 and 10 levels"),
])
def test_bad_trees_are_refused_with_where_and_what(change, expected, english):
    """Duplicates, unknown parents, cycles, levels outside the scale, bad codes: each problem
    says where and what, and nothing is written."""
    spec = small_spec()
    change(spec)
    problems = F.validate_spec(spec)
    assert any(expected in p for p in problems), problems
    with pytest.raises(UserError):
        F.build_framework(spec, version=1)
    db.session.rollback()
    assert count(Framework) == 0 and count(Competency) == 0


def test_a_cycle_is_reported_once_with_its_path(english):
    """A cycle of three nodes is one problem that names the whole loop."""
    spec = small_spec()
    spec.nodes[0].parent_code = "KTSTQ.01"
    spec.nodes[2].parent_code = "CHUNG.01"
    problems = [p for p in F.validate_spec(spec) if "cycle" in p]
    assert len(problems) == 1
    assert all(code in problems[0] for code in ("CHUNG", "CHUNG.01", "KTSTQ", "KTSTQ.01"))


# -- versions ---------------------------------------------------------------------------------

def test_publish_then_revise_keeps_the_old_version_readable():
    """A revision is a new draft copy; publishing it retires the old version, which keeps its
    own names."""
    v1 = published()
    assert F.published_framework() == v1 and F.scale_max() == 3
    assert set(F.competency_index()) == {"CHUNG.01", "KTSTQ.01"}
    v2 = F.revise(v1)
    assert (v2.version, v2.status) == (2, "draft")
    node = F.node_by_code(v2, "KTSTQ.01")
    F.save_node(v2, node, code="KTSTQ.01", kind="competency", name_vi="Kiểm tra sau thông quan "
                "tại trụ sở doanh nghiệp", parent_code="KTSTQ",
                criteria={1: ("Chuẩn bị hồ sơ", ""), 2: ("Độc lập kiểm tra", "")})
    F.publish(v2)
    db.session.commit()
    assert (v1.status, v2.status) == ("retired", "published")
    assert F.published_framework("KNL") == v2
    assert F.node_by_code(v1, "KTSTQ.01").name_vi == "Kiểm tra sau thông quan"
    assert F.competency_index()["KTSTQ.01"].name_vi.endswith("trụ sở doanh nghiệp")
    assert [c.level for c in F.competency_index()["KTSTQ.01"].criteria] == [1, 2]


def test_published_versions_are_never_edited(english):
    """Editing, deleting from or publishing a published version is refused."""
    v1 = published()
    node = F.node_by_code(v1, "CHUNG.01")
    with pytest.raises(UserError, match="only a draft can be changed"):
        F.save_node(v1, node, code="CHUNG.01", kind="competency", name_vi="Đổi tên",
                    parent_code="CHUNG")
    with pytest.raises(UserError):
        F.delete_node(v1, node)
    db.session.rollback()
    assert F.node_by_code(v1, "CHUNG.01").name_vi == "Pháp luật hải quan"


def test_a_second_draft_is_refused(english):
    """While a draft exists, revising again is refused with the draft's number."""
    v1 = published()
    F.revise(v1)
    with pytest.raises(UserError, match="already has a draft, version 2"):
        F.revise(v1)


def test_moving_a_node_under_its_own_child_is_refused(english):
    """Re-parenting that would make a cycle changes nothing."""
    draft = F.build_framework(small_spec(), version=1)
    db.session.commit()
    node = F.node_by_code(draft, "KTSTQ")
    with pytest.raises(UserError, match="cycle|cannot be placed"):
        F.save_node(draft, node, code="KTSTQ", kind="field", name_vi="Kiểm tra sau thông quan",
                    parent_code="KTSTQ.01")
    db.session.rollback()
    assert F.node_by_code(draft, "KTSTQ").parent_id is None


def test_renaming_a_code_keeps_the_children_below_it():
    """A node's code may change in a draft; its children follow it."""
    draft = F.build_framework(small_spec(), version=1)
    F.save_node(draft, F.node_by_code(draft, "CHUNG"), code="NLC", kind="group",
                name_vi="Năng lực chung")
    db.session.commit()
    assert F.node_by_code(draft, "CHUNG.01").parent.code == "NLC"


def test_a_node_with_children_cannot_be_deleted_and_a_draft_can_be_discarded(english):
    """Delete is refused while nodes are below; discarding a draft removes it whole."""
    draft = F.build_framework(small_spec(), version=1)
    db.session.commit()
    with pytest.raises(UserError, match="Move or delete the 1 nodes below CHUNG"):
        F.delete_node(draft, F.node_by_code(draft, "CHUNG"))
    F.delete_node(draft, F.node_by_code(draft, "CHUNG.01"))
    F.discard(draft)
    db.session.commit()
    assert count(Framework) == 0 and count(Competency) == 0


def test_shrinking_the_scale_is_refused_while_criteria_use_the_levels(english):
    """The scale cannot lose a level that a competency's criteria still describe."""
    draft = F.build_framework(small_spec(), version=1)
    db.session.commit()
    with pytest.raises(UserError, match="level 3 is outside the scale 1–2"):
        F.update_framework(draft, name_vi="Khung", scale_levels=2)
    db.session.rollback()
    assert F.framework_version("KNL", 1).scale_levels == 3


def test_the_framework_in_use_is_the_configured_one(app):
    """With COMPETENCY_FRAMEWORK set, that framework is the platform's, else the newest."""
    published("AAA")
    newest = published("BBB")
    assert F.published_framework() == newest
    app.config["COMPETENCY_FRAMEWORK"] = "AAA"
    assert F.published_framework().code == "AAA"


# -- pages ------------------------------------------------------------------------------------

def test_hr_builds_publishes_and_revises_a_framework_in_the_browser(client, auth, hr, officer):
    """Create a draft, add a field and a competency with criteria, publish, revise: each
    version has its own page, and officers read the published ones only."""
    auth.login("quantri")
    r = client.post("/competency/frameworks/new", data={
        "code": "khq", "name_vi": "Khung thử nghiệm", "name_en": "Trial", "scale_levels": 3})
    assert r.status_code == 302 and r.headers["Location"].endswith("/competency/frameworks/KHQ/v1")
    r = client.post("/competency/frameworks/KHQ/v1/nodes/new", data={
        "code": "xlvp", "kind": "field", "parent": "", "name_vi": "Xử lý vi phạm"})
    assert r.status_code == 302
    r = client.post("/competency/frameworks/KHQ/v1/nodes/new", data={
        "code": "XLVP.01", "kind": "competency", "parent": "XLVP",
        "name_vi": "Xử lý vi phạm hành chính", "name_en": "Administrative violations",
        "level_1_vi": "Lập biên bản đúng mẫu", "level_1_en": "Draws up the record",
        "level_2_vi": "Dự thảo quyết định xử phạt", "level_3_vi": "Xử lý vụ việc phức tạp"})
    assert r.status_code == 302
    page = client.get("/competency/frameworks/KHQ/v1").get_data(as_text=True)
    assert "Lập biên bản đúng mẫu" in page and "/competency/frameworks/KHQ/v1/publish" in page

    auth.logout()
    auth.login("canbo")
    assert client.get("/competency/frameworks/KHQ/v1").status_code == 404  # a draft
    assert client.post("/competency/frameworks/KHQ/v1/publish").status_code == 403
    auth.logout()

    auth.login("quantri")
    assert client.post("/competency/frameworks/KHQ/v1/publish").status_code == 302
    assert client.post("/competency/frameworks/KHQ/v1/revise").headers["Location"].endswith(
        "/competency/frameworks/KHQ/v2")
    r = client.post("/competency/frameworks/KHQ/v2/nodes/XLVP.01/edit", data={
        "code": "XLVP.01", "kind": "competency", "parent": "XLVP",
        "name_vi": "Xử lý vi phạm hành chính về hải quan", "level_1_vi": "Lập biên bản"})
    assert r.status_code == 302
    assert client.post("/competency/frameworks/KHQ/v2/publish").status_code == 302
    auth.logout()

    auth.login("canbo")
    v1 = client.get("/competency/frameworks/KHQ/v1")
    v2 = client.get("/competency/frameworks/KHQ/v2")
    assert v1.status_code == v2.status_code == 200
    assert "Lập biên bản đúng mẫu" in v1.get_data(as_text=True)
    assert "hành chính về hải quan" in v2.get_data(as_text=True)
    assert client.get("/competency/frameworks/KHQ").headers["Location"].endswith("/KHQ/v2")
    assert client.get("/competency/frameworks").status_code == 200


def test_a_bad_node_form_is_shown_again_and_changes_nothing(client, auth, hr):
    """A duplicate code answers 400 with the message; the draft is unchanged."""
    F.build_framework(small_spec(), version=1)
    db.session.commit()
    auth.login("quantri")
    r = client.post("/competency/frameworks/KNL/v1/nodes/new", data={
        "code": "CHUNG.01", "kind": "competency", "parent": "CHUNG", "name_vi": "Trùng mã"})
    assert r.status_code == 400
    assert "CHUNG.01" in r.get_data(as_text=True)
    assert count(Competency) == 4


def test_editing_a_published_version_through_the_page_is_refused(client, auth, hr):
    """The edit form of a published version answers 400 with the reason; nothing changes."""
    published()
    auth.login("quantri")
    r = client.post("/competency/frameworks/KNL/v1/nodes/CHUNG.01/edit", data={
        "code": "CHUNG.01", "kind": "competency", "parent": "CHUNG", "name_vi": "Đổi"})
    assert r.status_code == 400
    assert F.node_by_code(F.framework_version("KNL", 1), "CHUNG.01").name_vi == \
        "Pháp luật hải quan"


@pytest.mark.parametrize("path", ["/competency/frameworks/new", "/competency/frameworks/import",
                                  "/competency/frameworks/KNL/v1/export.csv"])
def test_officers_cannot_open_hr_pages(client, auth, officer, path):
    """The editor, import and export are for HR administrators."""
    published()
    auth.login("canbo")
    assert client.get(path).status_code == 403


# -- the demo framework -----------------------------------------------------------------------

def test_the_demo_framework_covers_the_fields_and_the_course_codes():
    """Published, a node per professional field and CHUNG, every course code, three levels
    with criteria in both languages for every competency."""
    summary = demo_framework.load()
    db.session.commit()
    assert "KNL-HQ" in summary
    framework = F.published_framework()
    assert framework.code == "KNL-HQ" and framework.name_vi == "Khung năng lực công chức Hải quan"
    nodes = {n.code: n for n in framework.nodes}
    for code, _vi, _en in FIELDS:
        assert nodes[code].kind == "field" and nodes[code].field_code == code
    assert nodes["CHUNG"].kind == "group"
    index = F.competency_index()
    assert set(COURSE_CODES) <= set(index)
    for code, _vi, _en in FIELDS:
        assert sum(1 for c in index if c.startswith(code + ".")) >= 2, code
    for node in index.values():
        assert node.name_en and node.description_vi and node.description_en
        assert [c.level for c in node.criteria] == [1, 2, 3]
        assert all(c.criteria_vi and c.criteria_en for c in node.criteria)
    assert demo_framework.load() == ""  # once only


def test_the_course_package_doc_names_match_the_demo_framework():
    """Every code of docs/course-package.md's table is in the demo framework."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "course-package.md").read_text("utf-8")
    documented = set(re.findall(r"^\| ([A-Z]+\.\d\d) \|", doc, re.M))
    codes = {c[1] for c in demo_framework.COMPETENCIES}
    assert documented and documented <= codes


def test_the_demo_profiles_cover_every_position_sensibly(make_position):
    """Every demo position gets 4 to 8 requirements of known codes; leaders need leadership
    (CHUNG.06), and the leaders at the top need more of it than their deputies' staff."""
    for spec in POSITIONS:
        make_position(spec.code, spec.name_vi, spec.name_en, is_leadership=spec.leadership)
    demo_framework.load()
    db.session.commit()
    from lms_core.organisation import queries as org
    from plugins.competency import profiles

    index = F.competency_index()
    for spec in POSITIONS:
        rows = profiles.requirements_for(org.position_by_code(spec.code).id)
        assert 4 <= len(rows) <= 8, spec.code
        assert {r.competency_code for r in rows} <= set(index)
        assert all(1 <= r.required_level <= 3 and r.weight > 0 for r in rows)
        if spec.leadership:
            assert "CHUNG.06" in {r.competency_code for r in rows}, spec.code
    level = {r.competency_code: r.required_level
             for r in profiles.requirements_for(org.position_by_code("LD-TCT").id)}
    assert level["CHUNG.06"] == 3 and level["CHUNG.01"] == 3


def test_hr_edits_a_drafts_details_and_level_names(client, auth, hr):
    """The details form saves the names and the names of the levels; the scale may grow;
    the form of a published version sends HR back to its page."""
    F.build_framework(small_spec(), version=1)
    db.session.commit()
    auth.login("quantri")
    page = client.get("/competency/frameworks/KNL/v1/edit").get_data(as_text=True)
    assert "Thành thạo" in page
    r = client.post("/competency/frameworks/KNL/v1/edit", data={
        "name_vi": "Khung năng lực mới", "name_en": "New framework", "scale_levels": "4",
        "level_1_vi": "Nhập môn", "level_1_en": "Entry", "level_2_vi": "Thành thạo",
        "level_3_vi": "Chuyên sâu"})
    assert r.status_code == 302
    framework = F.framework_version("KNL", 1)
    assert (framework.name_vi, framework.scale_levels) == ("Khung năng lực mới", 4)
    names = F.level_names(framework)
    assert names[1]["name_vi"] == "Nhập môn" and names[4]["name_vi"] == "Mức 4"
    F.publish(framework)
    db.session.commit()
    r = client.get("/competency/frameworks/KNL/v1/edit")
    assert r.status_code == 302 and r.headers["Location"].endswith("/competency/frameworks/KNL/v1")
