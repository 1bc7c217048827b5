"""``lms demo load``: the demo organisation, its 2025 restructuring and the demo accounts."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
import sqlalchemy as sa

from lms_core import create_app
from lms_core.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD
from lms_core.extensions import db
from lms_core.identity.models import User
from lms_core.organisation import queries as q
from lms_core.organisation.models import Assignment, Unit, UnitEvent
from tests.conftest import _plugins_setting

OFFICERS = "120"


@pytest.fixture(scope="module")
def demo_db(template_db, tmp_path_factory):
    """A migrated database with a small demo loaded once through the CLI, for the module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(template_db, path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                 "LMS_PLUGINS": _plugins_setting()})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "load", "--officers", OFFICERS])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def app(demo_db, tmp_path):
    """Each test gets its own copy of the loaded demo database."""
    path = tmp_path / "lms.db"
    shutil.copy(demo_db, path)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                 "LMS_PLUGINS": _plugins_setting()})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _snapshot() -> list[tuple]:
    """Every officer with their current unit: what a seed must reproduce."""
    return db.session.execute(
        sa.select(User.code, User.username, User.full_name, User.gender, User.birth_date,
                  Unit.code)
        .join(Assignment, Assignment.user_id == User.id).join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.end_on.is_(None)).order_by(User.code)
    ).all()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_each_demo_account_logs_in_with_the_documented_password(client, auth, account):
    """Every documented account logs in with the documented password."""
    response = auth.login(account.username, DEMO_PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    assert account.full_name in client.get("/dashboard").get_data(as_text=True)


def test_hr_admin_sees_units_and_an_officer_does_not(client, auth):
    """The HR administrator gets the Units navigation and the branches; an officer does not."""
    auth.login("quantri", DEMO_PASSWORD)
    assert 'href="/units"' in client.get("/dashboard").get_data(as_text=True)
    page = client.get("/units").get_data(as_text=True)
    assert "Chi cục Hải quan khu vực II" in page and "Ban Tổ chức cán bộ" in page
    auth.logout()
    auth.login("canbo", DEMO_PASSWORD)
    assert 'href="/units"' not in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/units").status_code == 403


def test_generated_officers_log_in_with_the_same_password(auth):
    user = db.session.scalar(sa.select(User).where(User.code == "HQ000100"))
    assert auth.login(user.username, DEMO_PASSWORD).status_code == 302


def test_unit_heads_lead_regional_branches(app):
    heads = {a.username: a.heads for a in DEMO_ACCOUNTS if a.heads}
    assert set(heads) == {"truongdonvi", "truongdonvi2"}
    for username, code in heads.items():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        assert user.headed_unit_ids == {q.unit_by_code(code).id}
    hr = db.session.scalar(sa.select(User).where(User.username == "quantri"))
    assert hr.is_hr_admin


def test_twenty_regional_branches_absorb_the_thirty_five_provincial_departments(app):
    """20 active branches KV I–XX; the 35 provincial departments were dissolved on 1/3/2025
    and each is a predecessor of exactly one branch."""
    branches = db.session.scalars(
        sa.select(Unit).where(Unit.kind == "branch").order_by(Unit.code)).all()
    assert [b.code for b in branches] == [f"KV{i:02d}" for i in range(1, 21)]
    assert all(b.is_active for b in branches)
    assert branches[0].name_vi == "Chi cục Hải quan khu vực I"
    assert branches[19].name_en == "Regional Customs Branch XX"
    provincial = db.session.scalars(sa.select(Unit).where(Unit.kind == "provincial")).all()
    assert len(provincial) == 35
    assert {p.dissolved_on for p in provincial} == {date(2025, 3, 1)}
    absorbed = []
    for branch in branches:
        preds = [unit for _event, unit in q.predecessors(branch)]
        assert preds and 1 <= len(preds) <= 3
        assert all(u.kind == "provincial" for u in preds)
        absorbed += [u.code for u in preds]
    assert sorted(absorbed) == sorted(p.code for p in provincial)
    hcm = q.unit_by_code("KV02")
    assert [u.name_vi for _e, u in q.predecessors(hcm)] == ["Cục Hải quan Thành phố Hồ Chí Minh"]


def test_the_root_is_renamed_and_history_keeps_the_old_names(app):
    root = q.unit_by_code("HQVN")
    assert root.name_vi == "Cục Hải quan"
    assert q.version_on(root, date(2024, 6, 30)).name_vi == "Tổng cục Hải quan"
    sub = q.unit_by_code("HQHCM-05")
    assert sub.name_vi == "Hải quan cửa khẩu sân bay quốc tế Tân Sơn Nhất"
    old = q.version_on(sub, date(2024, 6, 30))
    assert old.name_vi == "Chi cục Hải quan cửa khẩu sân bay quốc tế Tân Sơn Nhất"
    assert old.parent_id == q.unit_by_code("HQHCM").id
    assert sub.parent.code == "KV02"
    central = db.session.scalars(sa.select(Unit).where(Unit.kind == "central")).all()
    assert 12 <= len(central) <= 13
    assert q.unit_by_code("VTCCB").dissolved_on == date(2025, 3, 1)


def test_an_officer_belonged_elsewhere_on_30_june_2024(app):
    """canbo's team sat under the HCMC department in 2024 and under branch II today; the
    branch head's own assignment moved from the department to the branch."""
    day = date(2024, 6, 30)
    canbo = db.session.scalar(sa.select(User).where(User.username == "canbo"))
    then, now = q.assignment_on(canbo, day), q.current_assignment(canbo)
    hcm_dept, hcm_branch = q.unit_by_code("HQHCM"), q.unit_by_code("KV02")
    assert then.unit_id in q.subtree_ids(hcm_dept.id, on=day)
    assert then.unit_id not in q.subtree_ids(hcm_dept.id)
    assert now.unit_id in q.subtree_ids(hcm_branch.id)
    assert hcm_branch.id not in q.subtree_ids(q.unit_by_code("HQVN").id, on=day)
    head = db.session.scalar(sa.select(User).where(User.username == "truongdonvi"))
    assert q.assignment_on(head, day).unit.code == "HQHCM"
    assert q.current_assignment(head).unit.code == "KV02"
    assert q.current_assignment(head).kind == "restructure"


def test_nobody_is_lost_in_the_merge_and_hcmc_is_the_largest_branch(app):
    """Branch II today has exactly the members its predecessors had the day before."""
    branch = q.unit_by_code("KV02")
    before = sum(q.member_count(u.id, on=date(2025, 2, 28)) for _e, u in q.predecessors(branch))
    assert before > 0
    assert q.member_count(branch.id) == before
    assert q.member_count(branch.id, on=date(2025, 3, 1)) == before
    sizes = {f"KV{i:02d}": q.member_count(q.unit_by_code(f"KV{i:02d}").id)
             for i in range(1, 21)}
    assert max(sizes, key=sizes.get) == "KV02"
    everyone = _count(User)
    assert q.member_count(q.unit_by_code("HQVN").id) == everyone == int(OFFICERS) + 6


def test_areas_were_adjusted_on_1_july_2025(app):
    """Binh Thuan's customs unit moved from branch XV to branch XIV."""
    unit = q.unit_by_code("HQDNA-07")
    assert q.version_on(unit, date(2025, 6, 30)).parent_id == q.unit_by_code("KV15").id
    assert unit.parent.code == "KV14"
    moves = db.session.scalars(sa.select(UnitEvent).where(UnitEvent.kind == "move")).all()
    assert moves and {e.effective_on for e in moves} == {date(2025, 7, 1)}


def test_rotations_are_three_year_terms(app):
    rotations = db.session.scalars(
        sa.select(Assignment).where(Assignment.kind == "rotation")).all()
    assert len(rotations) >= 3
    for a in rotations:
        assert a.start_on.year in (2024, 2025) and a.position.is_leadership
        assert a.planned_end_on == a.start_on.replace(year=a.start_on.year + 3)


def test_if_empty_on_a_loaded_database_changes_nothing(runner):
    counts = [_count(m) for m in (User, Unit, Assignment, UnitEvent)]
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert [_count(m) for m in (User, Unit, Assignment, UnitEvent)] == counts


def test_loading_twice_is_refused_and_changes_nothing(runner):
    counts = [_count(m) for m in (User, Unit, Assignment)]
    result = runner.invoke(args=["demo", "load", "--officers", "10"])
    assert result.exit_code == 2 and "--reset" in result.output
    assert [_count(m) for m in (User, Unit, Assignment)] == counts


def test_same_seed_gives_the_same_officers(runner):
    """--reset reloads from scratch: the default seed reproduces everyone, another differs."""
    before = _snapshot()
    result = runner.invoke(args=["demo", "load", "--reset", "--officers", OFFICERS])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _snapshot() == before
    result = runner.invoke(args=["demo", "load", "--reset", "--officers", OFFICERS,
                                 "--seed", "7"])
    assert result.exit_code == 0, result.output
    after = _snapshot()
    assert len(after) == len(before) and after != before
