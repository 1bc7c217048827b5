"""Rotated and promoted officers (plugins/competency/rotation.py): gaps against the new position,
the 6-monthly evaluations by the receiving unit head, the onboarding plan and the rotations
page."""

from __future__ import annotations

import sys
import types
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from tests.core.test_competency_evidence import publish_framework, require

START = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _competency_loaded(app):
    if "competency" not in app.extensions["lms_plugins"]:
        pytest.skip("the competency plugin is not loaded in this run")


@pytest.fixture
def org(app, make_unit, make_position, make_user, make_course):
    """Two teams with their heads, HR; "an" works in team A as a tax officer; the audit
    position requires KTSTQ.01 level 2, which the course TEST-101 develops (level 1)."""
    from lms_core.identity import roles as R

    publish_framework()
    branch = make_unit("KV04", kind="branch")
    team_a = make_unit("KV04-D1", parent=branch)
    team_b = make_unit("KV04-D2", parent=branch)
    audit = make_position("KTSTQ-KT", name_vi="Công chức kiểm tra sau thông quan")
    tax = make_position("THUE-TG", name_vi="Công chức trị giá")
    require(audit, {"KTSTQ.01": 2})
    require(tax, {"THUE.01": 2})
    make_course("TEST-101")
    return {
        "branch": branch, "team_a": team_a, "team_b": team_b, "audit": audit, "tax": tax,
        "an": make_user("an", unit=team_a, position=tax),
        "head_a": make_user("truong-a", unit=team_a, heads=team_a),
        "head_b": make_user("truong-b", unit=team_b, heads=team_b),
        "hr": make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=branch),
        "make_unit": make_unit,
    }


def rotate(org, on=START, *, unit="team_b", position="audit", kind="rotation", **kwargs):
    from lms_core.organisation import operations as org_ops

    assignment = org_ops.assign(org["an"], org[unit], org[position] if position else None,
                                start_on=on, kind=kind, **kwargs)
    db.session.commit()
    return assignment


def evaluations():
    """``{number: request}`` of the rotation evaluations."""
    from plugins.competency.models import RatingRequest
    from plugins.competency.rotation import parse_reference

    return {parse_reference(r.reference)[1]: r for r in db.session.scalars(
        sa.select(RatingRequest).where(RatingRequest.kind == "rotation"))}


def test_a_rotation_schedules_the_first_evaluation_at_six_months(org):
    """Due 6 months after the start, for the receiving unit, rating what the post requires."""
    new = rotate(org)
    (first,) = evaluations().values()
    assert first.reference == f"assignment:{new.id}:1"
    assert first.due_on == date(2026, 12, 1)
    assert (first.user_id, first.unit_id, first.position_id) == (
        org["an"].id, org["team_b"].id, org["audit"].id)
    assert first.competency_codes == ["KTSTQ.01"]


def test_a_rotation_computes_the_gaps_against_the_new_position(org):
    """The officer's gaps are now those of the audit position."""
    from plugins.competency import gaps

    rotate(org)
    rows = gaps.new_position_gaps(org["an"])
    assert [(g.competency_code, g.position_id, g.gap) for g in rows] == [
        ("KTSTQ.01", org["audit"].id, 2)]


@pytest.mark.parametrize("kind, unit, position, expected", [
    ("promotion", "team_a", "audit", 1),  # a new position in the same unit
    ("rotation", "team_b", "tax", 1),  # a rotation between units in the same post
    ("transfer", "team_b", "tax", 0),  # same post, another unit: not a rotation
])
def test_which_changes_start_a_rotation(org, kind, unit, position, expected):
    """A change of position or a rotation starts the evaluations; a plain transfer not."""
    rotate(org, kind=kind, unit=unit, position=position)
    assert len(evaluations()) == expected


def test_the_daily_job_creates_the_next_evaluation_once_one_is_past_due(org):
    """Evaluation 1 past due: evaluation 2 is created, due 12 months after the start."""
    from plugins.competency import effect

    rotate(org)
    assert effect.run_daily(date(2026, 11, 30))["scheduled"] == 0
    assert effect.run_daily(date(2026, 12, 2))["scheduled"] == 1
    db.session.commit()
    found = evaluations()
    assert sorted(found) == [1, 2] and found[2].due_on == date(2027, 6, 1)
    assert found[2].unit_id == org["team_b"].id
    assert effect.run_daily(date(2026, 12, 3))["scheduled"] == 0


def test_evaluations_stop_at_the_end_of_the_term(org):
    """A 2-year rotation term: four evaluations, however late the job runs."""
    from plugins.competency import effect

    rotate(org, planned_end_on=date(2028, 6, 1))
    effect.run_daily(date(2030, 1, 1))
    db.session.commit()
    found = evaluations()
    assert sorted(found) == [1, 2, 3, 4] and found[4].due_on == date(2028, 6, 1)


def test_without_a_planned_end_evaluations_go_on_for_three_years(org):
    """A promotion with no planned end: six evaluations (36 months)."""
    from plugins.competency import effect

    rotate(org, kind="promotion", unit="team_a")
    effect.run_daily(date(2031, 1, 1))
    assert sorted(evaluations()) == [1, 2, 3, 4, 5, 6]


def recent_rotation(org):
    """A rotation whose first evaluation is due in a week (so it is open today)."""
    from plugins.competency import effect

    start = effect.add_months(effect.today() - timedelta(days=-7), -6)
    rotate(org, on=start)
    return evaluations()[1]


def test_rating_an_evaluation_records_evidence_and_schedules_the_next(org, client, auth):
    """The receiving unit head rates: evidence ``rating:<id>``; evaluation 2 exists at once."""
    from plugins.competency.models import Evidence

    first = recent_rotation(org)
    auth.login("truong-b")
    assert "KTSTQ.01" in client.get(f"/competency/ratings/{first.id}").get_data(as_text=True)
    response = client.post(f"/competency/ratings/{first.id}",
                           data={"level-KTSTQ.01": "1", "comment": "Đang thích nghi"})
    assert response.status_code == 302
    piece = db.session.scalar(sa.select(Evidence).where(Evidence.source == "rating"))
    assert (piece.user_id, piece.level, piece.source_ref) == (org["an"].id, 1,
                                                              f"rating:{first.id}")
    assert sorted(evaluations()) == [1, 2]


def test_the_former_unit_head_cannot_rate_the_evaluation(org, client, auth):
    """The head of the unit the officer left gets 403."""
    first = recent_rotation(org)
    auth.login("truong-a")
    assert client.get(f"/competency/ratings/{first.id}").status_code == 403
    assert client.post(f"/competency/ratings/{first.id}",
                       data={"level-KTSTQ.01": "2"}).status_code == 403
    db.session.refresh(first)
    assert first.done_at is None


def test_overdue_evaluations_are_listed_for_hr_and_the_receiving_head(org, client, auth):
    """A rotation of January 2025: evaluations past due show as overdue, the next one's
    date is given; the head of team A does not see the officer."""
    from plugins.competency import effect

    rotate(org, on=date(2025, 1, 1))
    effect.run_daily()
    db.session.commit()
    overdue = [r for r in evaluations().values() if r.due_on < effect.today()]
    upcoming = min(r.due_on for r in evaluations().values() if r.due_on >= effect.today())
    assert len(overdue) == 3  # 01/07/2025, 01/01/2026, 01/07/2026
    auth.login("quantri")
    page = client.get("/competency/rotations").get_data(as_text=True)
    assert "Cán bộ an" in page and 'class="error"' in page
    assert upcoming.strftime("%d/%m/%Y") in page
    auth.logout()
    auth.login("truong-b")
    assert "Cán bộ an" in client.get("/competency/rotations").get_data(as_text=True)
    auth.logout()
    auth.login("truong-a")
    assert "Cán bộ an" not in client.get("/competency/rotations").get_data(as_text=True)
    auth.logout()
    auth.login("an")
    assert client.get("/competency/rotations").status_code == 403


def test_leaving_the_post_drops_evaluations_not_yet_due(org):
    """Rotated again before evaluation 2 is due: it is dropped, the overdue one stays, and
    the new post gets its own first evaluation."""
    from plugins.competency import effect

    first_term = rotate(org, on=date(2025, 1, 1))
    effect.run_daily(date(2025, 7, 2))  # evaluation 1 past due: 2 created (01/01/2026)
    db.session.commit()
    second = rotate(org, on=date(2025, 10, 1), unit="team_a", position="tax")
    from plugins.competency.models import RatingRequest

    refs = sorted(db.session.scalars(sa.select(RatingRequest.reference)))
    assert refs == [f"assignment:{first_term.id}:1", f"assignment:{second.id}:1"]


def test_ending_the_assignment_drops_evaluations_not_yet_due(org):
    """The officer leaves the service: the pending evaluation not yet due is dropped."""
    from lms_core.organisation import operations as org_ops

    rotate(org)
    org_ops.end_assignment(org["an"], on=date(2026, 9, 1))
    db.session.commit()
    assert evaluations() == {}


def test_a_restructuring_continues_the_rotation_in_the_new_unit(org):
    """The receiving team is merged into another: the evaluation moves there, and the next
    one follows."""
    from lms_core.organisation import operations as org_ops
    from plugins.competency import effect

    rotate(org)
    team_c = org["make_unit"]("KV04-D3", parent=org["branch"])
    org_ops.merge_units([org["team_b"]], team_c, on=date(2026, 9, 1))
    db.session.commit()
    found = evaluations()
    assert list(found) == [1] and found[1].unit_id == team_c.id
    effect.run_daily(date(2026, 12, 2))
    found = evaluations()
    assert sorted(found) == [1, 2] and found[2].unit_id == team_c.id


def test_the_job_finds_rotations_recorded_without_evaluations(org):
    """A rotation with no evaluation (recorded while the plugin was off): the job creates the
    first one due on or after the day it runs, not the past ones."""
    from plugins.competency import effect
    from plugins.competency.models import RatingRequest

    new = rotate(org, on=date(2025, 1, 1))
    db.session.execute(sa.delete(RatingRequest))
    db.session.commit()
    assert effect.run_daily(date(2026, 2, 1))["scheduled"] == 1
    (only,) = evaluations().items()
    assert only[0] == 3 and only[1].reference == f"assignment:{new.id}:3"
    assert only[1].due_on == date(2026, 7, 1)


# -- onboarding ----------------------------------------------------------------------------------
def test_the_onboarding_summary_lists_the_new_gaps_and_courses(org, monkeypatch):
    """Gaps against the audit post, the course TEST-101 to close them (from the catalogue,
    when no recommender offers a plan), the next evaluation."""
    from plugins.competency import rotation

    monkeypatch.setitem(sys.modules, "plugins.recommendation.paths",
                        types.ModuleType("plugins.recommendation.paths"))  # offers no plan
    assert rotation.onboarding_summary(org["an"]) is None  # not rotated
    rotate(org)
    summary = rotation.onboarding_summary(org["an"], on=date(2026, 7, 1))
    assert [(g.code, g.required, g.achieved, g.gap) for g in summary["gaps"]] == [
        ("KTSTQ.01", 2, 0, 2)]
    assert [s.course_code for s in summary["plan"]] == ["TEST-101"]
    assert summary["plan_source"] == "catalogue"
    assert summary["next_evaluation"].due_on == date(2026, 12, 1)
    assert summary["previous"].position_id == org["tax"].id


def test_the_recommendation_plugin_proposes_the_plan_when_it_can(org, app, monkeypatch):
    """With the recommendation plugin enabled and offering onboarding_plan, its plan is used."""
    from plugins.competency import rotation

    if "recommendation" not in app.extensions["lms_plugins"]:
        pytest.skip("the recommendation plugin is not loaded in this run")
    paths = types.ModuleType("plugins.recommendation.paths")
    paths.onboarding_plan = lambda user: [{"course_code": "KTSTQ-101", "title": "Kiểm tra STQ",
                                           "reason": "gợi ý"}]
    monkeypatch.setitem(sys.modules, "plugins.recommendation.paths", paths)
    rotate(org)
    summary = rotation.onboarding_summary(org["an"], on=date(2026, 7, 1))
    assert summary["plan_source"] == "recommendation"
    assert [(s.course_code, s.reason) for s in summary["plan"]] == [("KTSTQ-101", "gợi ý")]


def test_the_daily_command_runs_the_job_now(org, runner):
    """``lms competency effect daily`` creates due evaluations and marks reminders."""
    rotate(org, on=date(2025, 1, 1))
    result = runner.invoke(args=["competency", "effect", "daily"])
    assert result.exit_code == 0, result.output
    assert "evaluations created" in result.output
    assert len(evaluations()) >= 2


def test_the_onboarding_partial_shows_gaps_plan_and_next_evaluation(org, app):
    """The template the profile page includes: the gap, the course and the next date."""
    from flask import render_template

    rotate(org, on=date(2026, 6, 1))
    with app.test_request_context():
        html = render_template("competency/rotation/_onboarding.html", person=org["an"])
    assert "KTSTQ.01" in html and "TEST-101" in html and "01/12/2026" in html
    with app.test_request_context():
        html = render_template("competency/rotation/_onboarding.html", person=org["head_a"])
    assert html.strip() == ""
