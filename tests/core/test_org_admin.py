"""HR administration of the organisation, and who may see which organisation pages."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.models import User
from lms_core.organisation import queries as q
from lms_core.organisation.models import (
    JobPosition,
    ProfessionalField,
    Unit,
    UnitEvent,
)


@pytest.fixture
def org(make_unit, make_position):
    """HQ with A (and A1 below it) and B; a position in post-clearance audit."""
    from lms_core.organisation import operations as ops

    hq = make_unit("HQ", kind="department", name_vi="Cục Hải quan", name_en="Customs Department")
    a = make_unit("A", parent=hq, kind="branch", name_vi="Chi cục Hải quan khu vực I")
    a1 = make_unit("A1", parent=a, kind="team", name_vi="Đội Kiểm soát")
    b = make_unit("B", parent=hq, kind="branch", name_vi="Chi cục Hải quan khu vực II")
    audit = ops.save_field("KTSTQ", "Kiểm tra sau thông quan", "Post-clearance audit")
    db.session.commit()
    pos = make_position("KTV", name_vi="Kiểm tra viên", field=audit)
    return {"hq": hq, "a": a, "a1": a1, "b": b, "pos": pos, "field": audit}


@pytest.fixture
def hr(make_user, auth):
    """An HR administrator, logged in."""
    user = make_user("hr", roles=(R.HR_ADMIN,), full_name="Quản trị Nhân sự")
    auth.login("hr")
    return user


def _unit(code):
    db.session.expire_all()
    return q.unit_by_code(code)


def _user(username):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# -- units ----------------------------------------------------------------------------------

def test_create_unit(client, hr, org):
    """A new unit is placed under its parent from the effective date."""
    response = client.post("/admin/units/new", data={
        "code": "a2", "name_vi": "Đội Thủ tục", "name_en": "Procedures team", "kind": "team",
        "parent": org["a"].id, "on": "01/02/2024", "note": "QĐ 123"})
    assert response.status_code == 302 and response.location.endswith("/units/A2")
    unit = _unit("A2")
    assert unit.parent_id == org["a"].id and unit.established_on == date(2024, 2, 1)
    assert "Đội Thủ tục" in client.get("/units/A").get_data(as_text=True)


def test_create_form_preselects_the_parent(client, hr, org):
    page = client.get("/admin/units/new?parent=A").get_data(as_text=True)
    assert f'<option selected value="{org["a"].id}">' in page


def test_duplicate_unit_code_is_refused(client, hr, org):
    """A duplicate code gets a Vietnamese message and creates nothing."""
    before = _count(Unit)
    response = client.post("/admin/units/new", data={
        "code": "A", "name_vi": "Trùng mã", "kind": "team", "parent": "", "on": "01/02/2024"})
    assert response.status_code == 400
    assert "Mã đơn vị A đã tồn tại" in response.get_data(as_text=True)
    assert _count(Unit) == before
    assert _unit("A").name_vi == "Chi cục Hải quan khu vực I"


@pytest.mark.parametrize("on,message", [("31/02/2024", "dd/mm/yyyy"),
                                        ("", "Thông tin này là bắt buộc")])
def test_unit_form_needs_a_valid_date(client, hr, org, on, message):
    before = _count(Unit)
    response = client.post("/admin/units/new", data={
        "code": "NEW", "name_vi": "Mới", "kind": "team", "on": on})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _count(Unit) == before


def test_rename_keeps_the_old_name(client, hr, org):
    """The old name stays in the unit's versions and is shown for an earlier date."""
    response = client.post("/admin/units/A/rename", data={
        "name_vi": "Chi cục Hải quan khu vực Một", "name_en": "Regional branch One",
        "on": "01/03/2025"})
    assert response.status_code == 302
    unit = _unit("A")
    assert unit.name_vi == "Chi cục Hải quan khu vực Một"
    assert [(v.name_vi, v.valid_to) for v in unit.versions] == [
        ("Chi cục Hải quan khu vực I", date(2025, 3, 1)),
        ("Chi cục Hải quan khu vực Một", None)]
    page = client.get("/units/A?on=15/02/2025").get_data(as_text=True)
    assert "Chi cục Hải quan khu vực I." in page


def test_rename_before_the_latest_change_is_refused(client, hr, org):
    response = client.post("/admin/units/A/rename", data={"name_vi": "Tên mới", "on": "01/01/2020"})
    assert response.status_code == 400
    assert "không thể có hiệu lực trước ngày 01/01/2024" in response.get_data(as_text=True)
    assert _unit("A").name_vi == "Chi cục Hải quan khu vực I"


def test_move_unit(client, hr, org):
    response = client.post("/admin/units/A1/move", data={"parent": org["b"].id,
                                                          "on": "01/06/2025"})
    assert response.status_code == 302
    assert _unit("A1").parent_id == org["b"].id
    assert q.subtree_ids(org["a"].id, on=date(2025, 5, 31)) == {org["a"].id, org["a1"].id}
    assert org["a1"].id not in q.subtree_ids(org["a"].id)


def test_move_making_a_cycle_is_refused(client, hr, org):
    """Putting A under its own child is refused and changes nothing."""
    events = _count(UnitEvent)
    response = client.post("/admin/units/A/move", data={"parent": org["a1"].id,
                                                         "on": "01/06/2025"})
    assert response.status_code == 400
    assert "vòng lặp" in response.get_data(as_text=True)
    unit = _unit("A")
    assert unit.parent_id == org["hq"].id and len(unit.versions) == 1
    assert _count(UnitEvent) == events


def test_merge_moves_members_and_keeps_history(client, hr, org, make_user):
    """After a merge the members are in the target; the day before they were in the source."""
    lan = make_user("lan", unit=org["a"], position=org["pos"])
    response = client.post("/admin/units/merge", data={
        "sources": [org["a"].id], "target": org["b"].id, "on": "01/03/2025", "note": "NQ 1"})
    assert response.status_code == 302 and response.location.endswith("/units/B")
    a, b = _unit("A"), _unit("B")
    assert a.dissolved_on == date(2025, 3, 1)
    assert q.current_assignment(lan).unit_id == b.id
    assert q.current_assignment(lan).position_id == org["pos"].id
    assert q.assignment_on(lan, date(2025, 2, 28)).unit_id == a.id
    assert [m.user_id for m in q.members(a.id, on=date(2025, 2, 28))] == [lan.id]
    assert [m.user_id for m in q.members(b.id)] == [lan.id]
    assert _unit("A1").parent_id == b.id
    page = client.get("/units/B").get_data(as_text=True)
    assert "Cán bộ lan" in page and "Chi cục Hải quan khu vực I" in page


def test_merge_into_itself_is_refused(client, hr, org):
    response = client.post("/admin/units/merge", data={
        "sources": [org["a"].id, org["b"].id], "target": org["a"].id, "on": "01/03/2025"})
    assert response.status_code == 400
    assert "sáp nhập một đơn vị vào chính đơn vị đó" in response.get_data(as_text=True)
    assert _unit("A").is_active and _unit("B").is_active


def test_split_sends_everyone_to_the_main_target_by_default(client, hr, org, make_unit, make_user):
    c1 = make_unit("C1", parent=org["hq"])
    c2 = make_unit("C2", parent=org["hq"])
    lan = make_user("lan", unit=org["a"])
    response = client.post("/admin/units/A/split", data={
        "main_target": c1.id, "other_targets": [c2.id], "on": "01/07/2025"})
    assert response.status_code == 302
    assert _unit("A").dissolved_on == date(2025, 7, 1)
    assert q.current_assignment(lan).unit_id == c1.id
    assert _unit("A1").parent_id == c1.id


def test_split_with_a_target_per_member(client, hr, org, make_unit, make_user):
    """The administrator first chooses the targets, then where each member and unit goes."""
    c1 = make_unit("C1", parent=org["hq"])
    c2 = make_unit("C2", parent=org["hq"])
    lan = make_user("lan", unit=org["a"], full_name="Nguyễn Thị Lan")
    minh = make_user("minh", unit=org["a"], full_name="Trần Văn Minh")
    data = {"main_target": c1.id, "other_targets": [c2.id], "on": "01/07/2025"}
    step = client.post("/admin/units/A/split", data=data | {"allocate": "1"})
    assert step.status_code == 200
    page = step.get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page and f'name="member_{minh.id}"' in page
    assert _unit("A").is_active
    response = client.post("/admin/units/A/split", data=data | {
        "allocating": "1", f"member_{lan.id}": c1.id, f"member_{minh.id}": c2.id,
        f"child_{org['a1'].id}": c2.id})
    assert response.status_code == 302
    assert q.current_assignment(lan).unit_id == c1.id
    assert q.current_assignment(minh).unit_id == c2.id
    assert _unit("A1").parent_id == c2.id


def test_split_allocation_outside_the_targets_is_refused(client, hr, org, make_unit, make_user):
    c1 = make_unit("C1", parent=org["hq"])
    lan = make_user("lan", unit=org["a"])
    response = client.post("/admin/units/A/split", data={
        "main_target": c1.id, "on": "01/07/2025", "allocating": "1",
        f"member_{lan.id}": org["b"].id, f"child_{org['a1'].id}": c1.id})
    assert response.status_code == 400
    assert _unit("A").is_active and q.current_assignment(lan).unit_id == org["a"].id


def test_dissolve_an_empty_unit(client, hr, org):
    response = client.post("/admin/units/A1/dissolve", data={"on": "01/07/2025"})
    assert response.status_code == 302
    assert _unit("A1").dissolved_on == date(2025, 7, 1)
    assert "Đội Kiểm soát" not in client.get("/units").get_data(as_text=True)


def test_dissolving_a_unit_with_members_is_refused(client, hr, org, make_user):
    make_user("lan", unit=org["a1"])
    response = client.post("/admin/units/A1/dissolve", data={"on": "01/07/2025"})
    assert response.status_code == 400
    assert "vẫn còn nhân sự" in response.get_data(as_text=True)
    assert _unit("A1").is_active


def test_unit_page_offers_actions_to_hr_only(client, auth, hr, org, make_user):
    assert "/admin/units/A/rename" in client.get("/units/A").get_data(as_text=True)
    auth.logout()
    make_user("head", roles=(), heads=org["a"])
    auth.login("head")
    page = client.get("/units/A")
    assert page.status_code == 200 and "/admin/units/A/rename" not in page.get_data(as_text=True)


# -- positions and fields ------------------------------------------------------------------

def test_create_and_edit_a_position(client, hr, org):
    response = client.post("/admin/positions/new", data={
        "code": "ptp", "name_vi": "Phó Trưởng phòng", "name_en": "Deputy head of division",
        "field_id": org["field"].id, "is_leadership": "y", "description": "Lãnh đạo cấp phòng"})
    assert response.status_code == 302
    pos = q.position_by_code("PTP")
    assert pos.is_leadership and pos.field_id == org["field"].id
    response = client.post("/admin/positions/PTP/edit", data={
        "name_vi": "Phó Đội trưởng", "field_id": "", "description": ""})
    assert response.status_code == 302
    db.session.expire_all()
    pos = q.position_by_code("PTP")
    assert (pos.name_vi, pos.field_id, pos.is_leadership) == ("Phó Đội trưởng", None, False)
    assert "Phó Đội trưởng" in client.get("/positions").get_data(as_text=True)


def test_duplicate_position_code_is_refused(client, hr, org):
    response = client.post("/admin/positions/new", data={"code": "KTV", "name_vi": "Khác"})
    assert response.status_code == 400
    assert "Mã vị trí việc làm KTV đã tồn tại" in response.get_data(as_text=True)
    assert q.position_by_code("KTV").name_vi == "Kiểm tra viên"
    assert _count(JobPosition) == 1


def test_professional_fields(client, hr, org):
    response = client.post("/admin/fields", data={"code": "QLRR", "name_vi": "Quản lý rủi ro",
                                                  "name_en": "Risk management"})
    assert response.status_code == 302
    assert "Quản lý rủi ro" in client.get("/admin/fields").get_data(as_text=True)
    response = client.post("/admin/fields/QLRR/edit", data={"name_vi": "Quản lý rủi ro hải quan"})
    assert response.status_code == 302
    db.session.expire_all()
    field = db.session.scalar(sa.select(ProfessionalField).filter_by(code="QLRR"))
    assert field.name_vi == "Quản lý rủi ro hải quan"
    response = client.post("/admin/fields", data={"code": "QLRR", "name_vi": "Trùng"})
    assert response.status_code == 400 and _count(ProfessionalField) == 2


# -- people ---------------------------------------------------------------------------------

def test_create_a_person_with_a_first_assignment(client, auth, hr, org):
    """The account gets its roles and assignment and must change the password first."""
    response = client.post("/admin/people/new", data={
        "username": "lan", "full_name": "Nguyễn Thị Lan", "code": "hq0001",
        "email": "lan@customs.gov.vn", "roles": [R.OFFICER, R.AUTHOR],
        "password": "Hocsuotdoi2024", "unit": org["a1"].id, "position": org["pos"].id,
        "start_on": "15/01/2024"})
    assert response.status_code == 302 and response.location.endswith("/people/HQ0001")
    lan = _user("lan")
    assert lan.roles == {R.OFFICER, R.AUTHOR} and lan.must_change_password
    current = q.current_assignment(lan)
    assert (current.unit_id, current.position_id, current.start_on) == (
        org["a1"].id, org["pos"].id, date(2024, 1, 15))
    auth.logout()
    response = auth.login("lan", "Hocsuotdoi2024")
    assert response.location.endswith("/account/password")


@pytest.mark.parametrize("password,message", [
    ("short1", "ít nhất 10 ký tự"),
    ("onlyletterslong", "cả chữ và số"),
    ("lan123456789", "không được chứa tên đăng nhập"),
])
def test_new_person_password_policy(client, hr, password, message):
    response = client.post("/admin/people/new", data={
        "username": "lan", "full_name": "Nguyễn Thị Lan", "roles": [R.OFFICER],
        "password": password})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _user("lan") is None


def test_new_person_with_a_taken_username(client, hr, make_user):
    make_user("lan")
    before = _count(User)
    response = client.post("/admin/people/new", data={
        "username": "LAN", "full_name": "Khác", "password": "Hocsuotdoi2024"})
    assert response.status_code == 400 and "đã được sử dụng" in response.get_data(as_text=True)
    assert _count(User) == before


def test_edit_roles_and_unit_head_grants(client, hr, org, make_user):
    lan = make_user("lan", unit=org["a"])
    response = client.post("/admin/people/LAN/roles", data={
        "roles": [R.OFFICER, R.AUTHOR], "add_head": org["a"].id})
    assert response.status_code == 302
    lan = _user("lan")
    assert lan.roles == {R.OFFICER, R.AUTHOR, R.UNIT_HEAD}
    assert lan.headed_unit_ids == {org["a"].id}
    response = client.post("/admin/people/LAN/roles", data={"roles": [R.OFFICER],
                                                            "add_head": org["b"].id})
    assert response.status_code == 302
    lan = _user("lan")
    assert lan.roles == {R.OFFICER, R.UNIT_HEAD} and lan.headed_unit_ids == {org["b"].id}


def test_hr_admin_cannot_demote_or_deactivate_themselves(client, hr):
    response = client.post("/admin/people/HR/roles", data={"roles": [R.OFFICER]})
    assert response.status_code == 400
    assert "không thể tự bỏ vai trò" in response.get_data(as_text=True)
    assert _user("hr").roles == {R.HR_ADMIN}
    response = client.post("/admin/people/HR/active", data={"active": "0"})
    assert response.status_code == 400
    assert "không thể tự vô hiệu hoá" in response.get_data(as_text=True)
    assert _user("hr").active


def test_unlock_an_account(client, hr, make_user):
    lan = make_user("lan")
    lan.locked_until = utcnow() + timedelta(minutes=10)
    lan.failed_logins = 3
    db.session.commit()
    assert "/admin/people/LAN/unlock" in client.get("/people/LAN").get_data(as_text=True)
    response = client.post("/admin/people/LAN/unlock")
    assert response.status_code == 302
    lan = _user("lan")
    assert lan.locked_until is None and lan.failed_logins == 0


def test_deactivate_and_reactivate_an_account(client, auth, hr, make_user):
    make_user("lan")
    assert client.post("/admin/people/LAN/active", data={"active": "0"}).status_code == 302
    assert not _user("lan").active
    assert "đã bị vô hiệu hoá" in client.get("/people/LAN").get_data(as_text=True)
    assert client.post("/admin/people/LAN/active", data={"active": "1"}).status_code == 302
    assert _user("lan").active


def test_deactivated_person_cannot_log_in(client, auth, hr, make_user):
    make_user("lan")
    client.post("/admin/people/LAN/active", data={"active": "0"})
    auth.logout()
    assert auth.login("lan").status_code == 401


def test_rotation_is_a_new_assignment(client, hr, org, make_user):
    """A rotation ends the current post the day it starts and has a 3-year planned end."""
    lan = make_user("lan", unit=org["a"], position=org["pos"])
    response = client.post("/admin/people/LAN/assign", data={
        "unit": org["b"].id, "position": org["pos"].id, "start_on": "01/07/2025",
        "kind": "rotation", "note": "Đợt 2"})
    assert response.status_code == 302
    history = q.assignments_of(lan)
    assert [(a.unit_id, a.start_on, a.end_on) for a in history] == [
        (org["a"].id, date(2024, 1, 1), date(2025, 7, 1)), (org["b"].id, date(2025, 7, 1), None)]
    assert history[1].kind == "rotation" and history[1].planned_end_on == date(2028, 7, 1)
    page = client.get("/people/LAN").get_data(as_text=True)
    assert "Luân chuyển" in page and "01/07/2025" in page


def test_assignment_before_the_current_one_is_refused(client, hr, org, make_user):
    lan = make_user("lan", unit=org["a"], start_on=date(2025, 1, 1))
    response = client.post("/admin/people/LAN/assign", data={
        "unit": org["b"].id, "start_on": "01/06/2024", "kind": "transfer"})
    assert response.status_code == 400
    assert "phải bắt đầu sau ngày 01/01/2025" in response.get_data(as_text=True)
    assert [(a.unit_id, a.end_on) for a in q.assignments_of(lan)] == [(org["a"].id, None)]


def test_planned_end_is_for_rotations_only(client, hr, org, make_user):
    lan = make_user("lan", unit=org["a"])
    response = client.post("/admin/people/LAN/assign", data={
        "unit": org["b"].id, "start_on": "01/07/2025", "kind": "transfer",
        "planned_end_on": "01/07/2027"})
    assert response.status_code == 400
    assert "Chỉ ghi ngày dự kiến kết thúc" in response.get_data(as_text=True)
    assert len(q.assignments_of(lan)) == 1


def test_end_the_current_assignment(client, hr, org, make_user):
    lan = make_user("lan", unit=org["a"])
    response = client.post("/admin/people/LAN/end", data={"on": "01/10/2025"})
    assert response.status_code == 302
    assert q.current_assignment(lan) is None
    assert q.assignment_on(lan, date(2025, 9, 30)).unit_id == org["a"].id


# -- access ---------------------------------------------------------------------------------

ADMIN_PAGES = [
    ("GET", "/admin/units/new"), ("POST", "/admin/units/new"),
    ("GET", "/admin/units/A/rename"), ("POST", "/admin/units/A/rename"),
    ("GET", "/admin/units/A/move"), ("POST", "/admin/units/A/move"),
    ("GET", "/admin/units/merge"), ("POST", "/admin/units/merge"),
    ("GET", "/admin/units/A/split"), ("POST", "/admin/units/A/split"),
    ("GET", "/admin/units/A1/dissolve"), ("POST", "/admin/units/A1/dissolve"),
    ("GET", "/admin/positions/new"), ("POST", "/admin/positions/new"),
    ("GET", "/admin/positions/KTV/edit"), ("POST", "/admin/positions/KTV/edit"),
    ("GET", "/admin/fields"), ("POST", "/admin/fields"),
    ("GET", "/admin/fields/KTSTQ/edit"), ("POST", "/admin/fields/KTSTQ/edit"),
    ("GET", "/admin/people/new"), ("POST", "/admin/people/new"),
    ("GET", "/admin/people/LAN/roles"), ("POST", "/admin/people/LAN/roles"),
    ("GET", "/admin/people/LAN/assign"), ("POST", "/admin/people/LAN/assign"),
    ("GET", "/admin/people/LAN/end"), ("POST", "/admin/people/LAN/end"),
    ("GET", "/admin/people/LAN/unlock"), ("POST", "/admin/people/LAN/unlock"),
    ("GET", "/admin/people/LAN/active"), ("POST", "/admin/people/LAN/active"),
]


@pytest.mark.parametrize("url", [url for method, url in ADMIN_PAGES if method == "GET"])
def test_admin_pages_open_for_hr(client, hr, org, make_user, url):
    make_user("lan", unit=org["a"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("method,url", ADMIN_PAGES)
def test_admin_pages_refuse_officers_and_unit_heads(client, auth, org, make_user, method, url):
    """Officers and unit heads get 403; nothing is changed."""
    make_user("lan", unit=org["a"])
    make_user("head", roles=(R.OFFICER,), heads=org["a"], unit=org["a"])
    for username in ("lan", "head"):
        auth.login(username)
        assert client.open(url, method=method, data={"on": "01/07/2025"}).status_code == 403
        auth.logout()
    assert _unit("A1").is_active and _user("lan").active


@pytest.mark.parametrize("method,url", ADMIN_PAGES)
def test_admin_pages_send_anonymous_users_to_login(client, org, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302 and "/login" in response.location


# -- read pages: HR sees everything, a unit head their subtree only ------------------------

@pytest.fixture
def people(org, make_user):
    """Lan in A1 (moved there from B on 01/03/2025), Bình in B, and the head of A."""
    from lms_core.organisation import operations as ops

    lan = make_user("lan", unit=org["b"], full_name="Nguyễn Thị Lan")
    ops.assign(lan, org["a1"], org["pos"], start_on=date(2025, 3, 1), kind="transfer")
    db.session.commit()
    binh = make_user("binh", unit=org["b"], full_name="Lê Văn Bình")
    head = make_user("head", roles=(R.OFFICER,), heads=org["a"], unit=org["a"],
                     full_name="Phạm Quốc Hùng")
    return {"lan": lan, "binh": binh, "head": head}


def test_hr_reads_the_tree_members_on_a_date_and_people(client, hr, org, people):
    page = client.get("/units").get_data(as_text=True)
    assert all(name in page for name in ("Cục Hải quan", "Đội Kiểm soát",
                                         "Chi cục Hải quan khu vực II"))
    before = client.get("/units/B?on=28/02/2025").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in before and "Lê Văn Bình" in before
    now = client.get("/units/B").get_data(as_text=True)
    assert "Nguyễn Thị Lan" not in now and "Lê Văn Bình" in now
    found = client.get("/people?q=nguyen thi lan").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in found and "Lê Văn Bình" not in found
    page = client.get("/people/LAN").get_data(as_text=True)
    assert "Đội Kiểm soát" in page and "Chi cục Hải quan khu vực II" in page
    assert "/admin/people/LAN/assign" in page


def test_unit_head_sees_their_subtree_only(client, auth, org, people):
    auth.login("head")
    tree = client.get("/units").get_data(as_text=True)
    assert "Đội Kiểm soát" in tree and "Chi cục Hải quan khu vực II" not in tree
    assert client.get("/units/A").status_code == 200
    page = client.get("/units/A1?on=01/04/2025").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page
    assert client.get("/units/B").status_code == 403
    assert client.get("/units/HQ").status_code == 403
    listed = client.get("/people").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in listed and "Lê Văn Bình" not in listed
    assert "Lê Văn Bình" not in client.get("/people?q=le van binh").get_data(as_text=True)
    lan = client.get("/people/LAN")
    assert lan.status_code == 200 and "/admin/people" not in lan.get_data(as_text=True)
    assert client.get("/people/BINH").status_code == 403


def test_officer_cannot_open_the_read_pages(client, auth, org, people):
    auth.login("binh")
    for url in ("/units", "/units/B", "/people", "/people/LAN", "/positions"):
        assert client.get(url).status_code == 403
