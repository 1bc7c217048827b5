"""Gaps against the current position (plugins/competency/gaps.py), the officer's profile, the
unit heatmap, the dashboard panel, the recompute command and the demo evidence."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from tests.core.test_competency_evidence import add, evidence_count, publish_framework, require


@pytest.fixture(autouse=True)
def _competency_loaded(app):
    if "competency" not in app.extensions["lms_plugins"]:
        pytest.skip("the competency plugin is not loaded in this run")


def gap_rows() -> set[tuple]:
    from plugins.competency.models import OfficerGap

    return {(g.user_id, g.competency_code, g.position_id, g.unit_id, g.required_level,
             g.achieved_level, g.weight, g.gap)
            for g in db.session.scalars(sa.select(OfficerGap))}


@pytest.fixture
def org(app, make_unit, make_position, make_user):
    """A branch with two teams; auditors and tax officers; a head per team; HR."""
    from lms_core.identity import roles as R

    publish_framework()
    branch = make_unit("KV02", kind="branch")
    team_a = make_unit("KV02-D1", parent=branch)
    team_b = make_unit("KV02-D2", parent=branch)
    audit = make_position("KTSTQ-KT", name_vi="Công chức kiểm tra sau thông quan")
    tax = make_position("THUE-TG", name_vi="Công chức trị giá")
    require(audit, {"KTSTQ.01": 2, "CHUNG.01": 1}, {"KTSTQ.01": 3.0})
    require(tax, {"THUE.01": 2, "THUE.02": 1, "CHUNG.01": 1})
    people = {
        "an": make_user("an", unit=team_a, position=audit),
        "binh": make_user("binh", unit=team_a, position=audit),
        "chi": make_user("chi", unit=team_b, position=tax),
        "head_a": make_user("truong-a", unit=team_a, heads=team_a),
        "head_br": make_user("truong-kv", unit=branch, heads=branch),
        "hr": make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=branch),
    }
    return {"branch": branch, "team_a": team_a, "team_b": team_b, "audit": audit, "tax": tax,
            **people}


def test_one_gap_row_per_required_competency(org):
    """Each officer gets required, achieved, weight and gap per competency of the position."""
    from plugins.competency import gaps

    add(org["an"], "KTSTQ.01", 1)
    add(org["an"], "CHUNG.01", 2)
    rows = {g.competency_code: (g.required_level, g.achieved_level, g.weight, g.gap,
                                g.unit_id, g.position_id) for g in gaps.user_gaps(org["an"])}
    assert rows == {"KTSTQ.01": (2, 1, 3.0, 1, org["team_a"].id, org["audit"].id),
                    "CHUNG.01": (1, 2, 1.0, 0, org["team_a"].id, org["audit"].id)}
    # sum(weight × gap) / sum(weight × required) = 3×1 / (3×2 + 1×1)
    assert gaps.gap_index(gaps.user_gaps(org["an"])) == pytest.approx(3 / 7)
    assert [g.competency_code for g in gaps.top_gaps(org["an"])] == ["KTSTQ.01"]


def test_no_position_no_gaps(org, make_user):
    """An officer without a position (or without requirements) has no gap rows."""
    from plugins.competency import gaps

    assert gaps.user_gaps(org["head_a"]) == []
    assert gaps.gap_index([]) == 0.0


def test_a_rotation_computes_the_gaps_against_the_new_position(org):
    """After a rotation the gaps are those of the new position, and the profile says so."""
    from lms_core.organisation import operations as ops
    from plugins.competency import gaps

    add(org["an"], "CHUNG.01", 1)
    ops.assign(org["an"], org["team_b"], org["tax"], start_on=date(2026, 3, 1), kind="rotation")
    db.session.commit()
    rows = {g.competency_code: (g.required_level, g.achieved_level, g.gap, g.unit_id)
            for g in gaps.user_gaps(org["an"])}
    assert rows == {"THUE.01": (2, 0, 2, org["team_b"].id), "THUE.02": (1, 0, 1, org["team_b"].id),
                    "CHUNG.01": (1, 1, 0, org["team_b"].id)}
    assert [g.competency_code for g in gaps.new_position_gaps(org["an"])] == ["THUE.01",
                                                                              "THUE.02"]
    # New during the 3-year rotation term; not the first position ever held.
    assert gaps.new_position_since(org["an"], on=date(2026, 6, 1)) == date(2026, 3, 1)
    assert gaps.recently_changed_position(org["an"], on=date(2028, 6, 1))
    assert not gaps.recently_changed_position(org["an"], on=date(2029, 6, 1))
    assert not gaps.recently_changed_position(org["binh"], on=date(2026, 6, 1))


def test_a_move_that_keeps_the_position_does_not_make_it_new(org):
    """A transfer in the same post keeps the day the position was taken up."""
    from lms_core.organisation import operations as ops
    from plugins.competency import gaps

    ops.assign(org["chi"], org["team_b"], org["audit"], start_on=date(2026, 1, 5),
               kind="promotion")
    ops.assign(org["chi"], org["team_a"], org["audit"], start_on=date(2026, 4, 1),
               kind="transfer")
    ops.assign(org["binh"], org["team_b"], org["audit"], start_on=date(2026, 4, 1),
               kind="transfer")
    db.session.commit()
    assert gaps.new_position_since(org["chi"], on=date(2026, 6, 1)) == date(2026, 1, 5)
    assert not gaps.recently_changed_position(org["chi"], on=date(2027, 3, 1))
    assert gaps.new_position_since(org["binh"], on=date(2026, 6, 1)) is None


def test_the_profile_says_what_the_new_position_needs(org, client, auth):
    """The rotated officer's profile lists the new position's unmet requirements."""
    from lms_core.organisation import operations as ops
    from plugins.competency import evidence

    start = evidence.today().replace(day=1)
    ops.assign(org["an"], org["team_b"], org["tax"], start_on=start, kind="rotation")
    db.session.commit()
    auth.login("an")
    html = client.get("/competency/").get_data(as_text=True)
    assert "Vị trí mới của bạn cần…" in html
    assert "THUE.01" in html and "yêu cầu mức 2, đạt mức 0" in html
    auth.logout()
    auth.login("binh")
    assert "Vị trí mới" not in client.get("/competency/").get_data(as_text=True)


def test_ending_the_assignment_removes_the_gaps(org):
    """An officer who leaves has no gaps any more."""
    from lms_core.organisation import operations as ops
    from plugins.competency import gaps

    ops.end_assignment(org["binh"], on=date(2026, 1, 1))
    db.session.commit()
    assert gaps.user_gaps(org["binh"]) == []


def test_changing_requirements_recomputes_the_holders(org):
    """recompute_position rebuilds the gaps of every officer holding the position."""
    from plugins.competency import gaps

    require(org["audit"], {"KTSTQ.01": 3})
    assert {g.competency_code: g.gap for g in gaps.user_gaps(org["binh"])} == {"KTSTQ.01": 3}
    assert {g.competency_code for g in gaps.user_gaps(org["chi"])} == {
        "THUE.01", "THUE.02", "CHUNG.01"}


def test_recompute_all_equals_the_incremental_result(org):
    """Rebuilding every gap from scratch gives exactly the rows kept up to date by events."""
    from lms_core.organisation import operations as ops
    from plugins.competency import gaps
    from plugins.competency.models import OfficerGap

    add(org["an"], "KTSTQ.01", 2)
    add(org["chi"], "THUE.01", 1)
    ops.assign(org["binh"], org["team_b"], org["tax"], start_on=date(2026, 2, 1))
    db.session.commit()
    before = gap_rows()
    db.session.execute(sa.delete(OfficerGap))
    progress = []
    assert gaps.recompute_all(progress=lambda done, total: progress.append((done, total))) == 3
    db.session.commit()
    assert gap_rows() == before
    assert progress and progress[-1][0] == progress[-1][1]


# -- pages ----------------------------------------------------------------------------------------
def test_the_officer_sees_radar_table_history_and_courses(org, client, auth, make_course):
    """The profile shows the position, a radar with a title, the figures and the evidence."""
    make_course("KTSTQ-101")  # declares KTSTQ.01 level 1
    add(org["binh"], "KTSTQ.01", 0, ref="import:ket-qua-2025.csv:12")
    auth.login("binh")
    page = client.get("/competency/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Công chức kiểm tra sau thông quan" in html
    assert re.search(r'<svg[^>]*role="img"', html) and "<title" in html
    assert "import:ket-qua-2025.csv:12" in html and "quyết định mức năng lực" in html
    assert 'href="/courses/KTSTQ-101"' in html  # a course that addresses the gap


def test_a_head_opens_profiles_only_in_the_subtree(org, client, auth):
    """The team head opens the team's officers; another team's officer is refused."""
    add(org["an"], "KTSTQ.01", 2)
    auth.login("truong-a")
    assert client.get(f"/competency/officers/{org['an'].code}").status_code == 200
    assert client.get(f"/competency/officers/{org['chi'].code}").status_code == 403
    assert client.get("/competency/officers/NOBODY").status_code == 404
    auth.logout()
    auth.login("an")
    assert client.get(f"/competency/officers/{org['binh'].code}").status_code == 403
    auth.logout()
    auth.login("quantri")
    assert client.get(f"/competency/officers/{org['chi'].code}").status_code == 200


def test_the_heatmap_counts_officers_below_requirement(org, client, auth):
    """Each cell says how many officers of the position are below, out of how many."""
    from plugins.competency import gaps

    add(org["an"], "KTSTQ.01", 2)
    add(org["an"], "CHUNG.01", 1)
    add(org["binh"], "CHUNG.01", 1)
    data = gaps.unit_heatmap(org["branch"].id)
    cell = data.cell(org["audit"].id, "KTSTQ.01")
    assert (cell.below, cell.total, cell.required) == (1, 2, 2)
    assert (data.cell(org["audit"].id, "CHUNG.01").below, data.officers[org["tax"].id]) == (0, 1)
    auth.login("truong-kv")
    html = client.get("/competency/units/KV02/heatmap").get_data(as_text=True)
    assert "1/2" in html and "0/2" in html and "1/1" in html
    assert "Công chức trị giá" in html and "<title" in html
    # Filtered to the tax field: the audit competencies are gone.
    html = client.get("/competency/units/KV02/heatmap?field=THUE").get_data(as_text=True)
    assert "THUE.01" in html and "KTSTQ.01" not in html


def test_the_heatmap_is_for_heads_of_the_unit_and_hr(org, client, auth):
    """The team head sees their team only; officers are refused; HR sees any unit."""
    auth.login("truong-a")
    assert client.get("/competency/units/KV02-D1/heatmap").status_code == 200
    assert client.get("/competency/units/KV02/heatmap").status_code == 403
    assert client.get("/competency/units/NOPE/heatmap").status_code == 404
    auth.logout()
    auth.login("an")
    assert client.get("/competency/units/KV02-D1/heatmap").status_code == 403
    auth.logout()
    auth.login("quantri")
    assert client.get("/competency/units/KV02/heatmap").status_code == 200
    assert "KV02-D1" in client.get("/competency/units").get_data(as_text=True)


def test_the_dashboard_panel_shows_the_top_three_gaps(org, client, auth):
    """The dashboard lists the officer's largest gaps with the levels."""
    auth.login("chi")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "THUE.01" in html and "yêu cầu mức 2, đạt mức 0" in html
    assert 'href="/competency/"' in html


def test_gaps_are_not_recomputed_when_a_page_is_shown(org, client, auth):
    """Showing the profile and the heatmap writes nothing."""
    from plugins.competency.models import OfficerGap

    db.session.execute(sa.update(OfficerGap).values(gap=9))
    db.session.commit()
    auth.login("quantri")
    client.get("/competency/units/KV02/heatmap")
    client.get(f"/competency/officers/{org['an'].code}")
    assert set(db.session.scalars(sa.select(OfficerGap.gap))) == {9}


# -- the command ----------------------------------------------------------------------------------
def test_the_recompute_command_rebuilds_and_prints_counts(org, runner):
    """`lms competency gaps recompute` restores the rows and says how many."""
    from plugins.competency.models import OfficerGap

    add(org["an"], "KTSTQ.01", 2)
    before = gap_rows()
    db.session.execute(sa.delete(OfficerGap))
    db.session.commit()
    result = runner.invoke(args=["competency", "gaps", "recompute", "--levels"])
    assert result.exit_code == 0, result.output
    assert "Gaps recomputed for 3 officers: 7 required competencies" in result.output
    db.session.expire_all()
    assert gap_rows() == before
    result = runner.invoke(args=["competency", "gaps", "recompute", "--officer", org["an"].code])
    assert result.exit_code == 0 and "2 required competencies, 1 below" in result.output
    result = runner.invoke(args=["competency", "gaps", "recompute", "--officer", "NOBODY"])
    assert result.exit_code != 0 and "NOBODY" in result.output


# -- demo evidence --------------------------------------------------------------------------------
def test_the_demo_loader_does_nothing_without_a_framework(app, make_unit, make_user):
    """No framework and no profiles yet: it returns an empty summary and writes nothing."""
    from plugins.competency import demo_evidence

    make_user("canbo", unit=make_unit("DOI-1"))
    assert demo_evidence.load(7) == ""
    assert evidence_count() == 0


def test_the_demo_history_is_deterministic_and_gives_gaps(org, make_user):
    """The same seed gives the same evidence; the officer demo account has gaps."""
    from plugins.competency import demo_evidence, gaps
    from plugins.competency.models import Evidence, OfficerGap, OfficerLevel

    canbo = make_user("canbo", unit=org["team_a"], position=org["audit"])

    def snapshot():
        return sorted((e.user_id, e.competency_code, e.level, e.source, e.source_ref,
                       e.observed_on) for e in db.session.scalars(sa.select(Evidence)))

    summary = demo_evidence.load(7)
    assert "pieces of evidence" in summary
    first = snapshot()
    assert {s for _u, _c, _l, s, _r, _d in first} >= {"import"}
    assert any(g.gap > 0 for g in gaps.user_gaps(canbo))
    assert {e[3] for e in first if e[0] == canbo.id} >= {"import", "rating"}
    for model in (OfficerGap, OfficerLevel, Evidence):
        db.session.execute(sa.delete(model))
    demo_evidence.load(7)
    assert snapshot() == first


def test_publishing_a_new_framework_version_rebuilds_levels_and_gaps(org):
    """A newly published version puts levels and gaps back in line with the evidence."""
    from plugins.competency import frameworks, gaps
    from plugins.competency.models import OfficerGap, OfficerLevel

    add(org["an"], "KTSTQ.01", 1)
    before = gap_rows()
    db.session.execute(sa.delete(OfficerGap))
    db.session.execute(sa.delete(OfficerLevel))
    assert gaps.user_gaps(org["an"]) == []
    draft = frameworks.revise(frameworks.published_framework())
    frameworks.publish(draft)
    assert gap_rows() == before
    assert db.session.scalar(sa.select(OfficerLevel.level).where(
        OfficerLevel.user_id == org["an"].id, OfficerLevel.competency_code == "KTSTQ.01")) == 1
