"""The unit tree and its history: renames, moves, merges, splits, assignments and rotations."""

from datetime import date

import pytest

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation import operations as ops
from lms_core.organisation import queries as q
from lms_core.organisation.models import Unit, UnitVersion
from lms_core.signals import organisation as signals

D2024 = date(2024, 1, 1)
MERGE = date(2025, 3, 1)


@pytest.fixture
def tree(make_unit):
    """2024: a General Department with two provincial departments, each with a team."""
    gd = make_unit("TCHQ", kind="department", name_vi="Tổng cục Hải quan")
    hn = make_unit("HQHN", gd, "provincial", name_vi="Cục Hải quan Hà Nội")
    hp = make_unit("HQHP", gd, "provincial", name_vi="Cục Hải quan Hải Phòng")
    hn_team = make_unit("HQHN-D1", hn, "team")
    hp_team = make_unit("HQHP-D1", hp, "team")
    return {"gd": gd, "hn": hn, "hp": hp, "hn_team": hn_team, "hp_team": hp_team}


def test_rename_keeps_the_old_name_for_dates_before_it(tree):
    gd = tree["gd"]
    ops.rename_unit(gd, "Cục Hải quan", "Customs Department", on=MERGE)
    db.session.commit()
    assert gd.name_vi == "Cục Hải quan"
    assert q.version_on(gd, date(2024, 6, 1)).name_vi == "Tổng cục Hải quan"
    assert q.version_on(gd, MERGE).name_vi == "Cục Hải quan"
    assert [e.kind for e in q.events_of(gd)] == ["create", "rename"]


def test_a_change_cannot_predate_the_latest_one(tree):
    ops.rename_unit(tree["hn"], "Tên mới", "New", on=MERGE)
    db.session.commit()
    with pytest.raises(UserError, match="01/03/2025"):
        ops.rename_unit(tree["hn"], "Tên khác", "Other", on=date(2024, 5, 1))


def test_move_refuses_a_cycle_and_changes_nothing(tree):
    versions_before = db.session.query(UnitVersion).count()
    with pytest.raises(UserError):
        ops.move_unit(tree["gd"], tree["hn_team"], on=MERGE)
    db.session.rollback()
    assert tree["gd"].parent_id is None
    assert db.session.query(UnitVersion).count() == versions_before


def test_merge_moves_members_and_children_and_keeps_who_was_where(tree, make_user):
    """After the 2025 merge, officers are in the new branch; on a 2024 date they were in the
    provincial departments, and the branch lists those as its predecessors."""
    direct = make_user("an", unit=tree["hn"])
    in_team = make_user("binh", unit=tree["hp_team"])
    branch = ops.create_unit("KV01", "Chi cục Hải quan khu vực I", "Regional Branch I", "branch",
                             parent=tree["gd"], on=MERGE)
    ops.merge_units([tree["hn"], tree["hp"]], branch, on=MERGE, note="Quyết định 2025")
    db.session.commit()

    assert tree["hn"].dissolved_on == MERGE and tree["hp"].dissolved_on == MERGE
    assert q.current_assignment(direct).unit_id == branch.id
    assert q.current_assignment(in_team).unit_id == tree["hp_team"].id  # team moved whole
    assert tree["hp_team"].parent_id == branch.id
    # History: on the day before, each was in the old department's subtree.
    before = date(2025, 2, 28)
    assert q.assignment_on(direct, before).unit_id == tree["hn"].id
    assert {a.user.username for a in q.members(tree["hp"].id, on=before)} == {"binh"}
    assert {a.user.username for a in q.members(branch.id)} == {"an", "binh"}
    assert q.members(branch.id, on=before) == []
    assert {u.code for _e, u in q.predecessors(branch)} == {"HQHN", "HQHP"}
    # Nothing lost: today's branch holds exactly the predecessors' members of the day before.
    assert q.member_count(branch.id) == sum(
        q.member_count(u.id, on=before) for _e, u in q.predecessors(branch))


def test_merge_sends_one_assignment_signal_per_moved_officer(tree, make_user):
    make_user("an", unit=tree["hn"])
    make_user("chi", unit=tree["hn"])
    seen = []

    def receiver(sender, old, new):
        seen.append((sender.username, old.unit_id, new.unit_id))

    branch = ops.create_unit("KV01", "Chi cục Hải quan khu vực I", "", "branch", on=MERGE)
    with signals.assignment_changed.connected_to(receiver):
        ops.merge_units([tree["hn"]], branch, on=MERGE)
    assert sorted(seen) == [("an", tree["hn"].id, branch.id), ("chi", tree["hn"].id, branch.id)]


@pytest.mark.parametrize("case", ["self", "empty", "twice"])
def test_bad_merges_change_nothing(tree, case):
    sources = {"self": [tree["hn"], tree["hp"]], "empty": [], "twice": [tree["hn"], tree["hn"]]}
    target = tree["hn"] if case == "self" else tree["hp"]
    with pytest.raises(UserError):
        ops.merge_units(sources[case], target, on=MERGE)
    db.session.rollback()
    assert db.session.get(Unit, tree["hn"].id).dissolved_on is None


def test_split_sends_members_where_told(tree, make_user):
    a = make_user("an", unit=tree["hn"])
    b = make_user("binh", unit=tree["hn"])
    north = ops.create_unit("HN-N", "Bắc", "North", "provincial", parent=tree["gd"], on=MERGE)
    south = ops.create_unit("HN-S", "Nam", "South", "provincial", parent=tree["gd"], on=MERGE)
    ops.split_unit(tree["hn"], [north, south], on=MERGE, member_targets={b.id: south},
                   child_targets={tree["hn_team"].id: south})
    db.session.commit()
    assert q.current_assignment(a).unit_id == north.id
    assert q.current_assignment(b).unit_id == south.id
    assert tree["hn_team"].parent_id == south.id
    assert {u.code for _e, u in q.predecessors(south)} == {"HQHN"}


def test_dissolving_a_unit_with_members_is_refused(tree, make_user):
    make_user("an", unit=tree["hn_team"])
    with pytest.raises(UserError):
        ops.dissolve_unit(tree["hn_team"], on=MERGE)


def test_rotation_is_an_assignment_with_a_three_year_term(tree, make_user, make_position):
    deputy = make_position("PTP", is_leadership=True)
    officer = make_user("an", unit=tree["hn_team"])
    rotation = ops.assign(officer, tree["hp_team"], deputy, start_on=date(2024, 7, 1),
                          kind="rotation")
    db.session.commit()
    assert rotation.planned_end_on == date(2027, 7, 1)
    history = q.assignments_of(officer)
    assert [(a.unit.code, a.start_on, a.end_on) for a in history] == [
        ("HQHN-D1", D2024, date(2024, 7, 1)), ("HQHP-D1", date(2024, 7, 1), None)]
    assert q.assignment_on(officer, date(2024, 6, 30)).unit.code == "HQHN-D1"


def test_an_assignment_cannot_start_before_the_current_one(tree, make_user):
    officer = make_user("an", unit=tree["hn_team"], start_on=date(2024, 5, 1))
    with pytest.raises(UserError, match="01/05/2024"):
        ops.assign(officer, tree["hp_team"], None, start_on=date(2024, 4, 1))


def test_subtree_on_a_date_follows_the_tree_of_that_date(tree):
    ops.move_unit(tree["hn_team"], tree["hp"], on=date(2024, 9, 1))
    db.session.commit()
    assert tree["hn_team"].id in q.subtree_ids(tree["hn"].id, on=date(2024, 8, 31))
    assert tree["hn_team"].id not in q.subtree_ids(tree["hn"].id)
    assert tree["hn_team"].id in q.subtree_ids(tree["hp"].id)


def test_unit_codes_are_unique_and_clean(tree):
    with pytest.raises(UserError):
        ops.create_unit("HQHN", "Trùng", "Dup", "team", on=D2024)
    with pytest.raises(UserError):
        ops.create_unit("bad code!", "Sai", "Bad", "team", on=D2024)
