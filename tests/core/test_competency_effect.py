"""The effect of training (plugins/competency/effect.py): pre/post levels, normalised gain, the
effectiveness pages and their privacy threshold, the supervisor's re-rating after a course and
its reminders, the rating form and the report command."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from tests.core.test_competency_evidence import add, publish_framework, require
from tests.core.test_delivery import _answers

COMPLETED = date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _competency_loaded(app):
    if "competency" not in app.extensions["lms_plugins"]:
        pytest.skip("the competency plugin is not loaded in this run")


@pytest.fixture
def world(app, make_unit, make_position, make_user, make_course):
    """A published framework (top level 3), a course TEST-101 declaring KTSTQ.01 level 1,
    two teams with their heads, an author and HR."""
    from lms_core.identity import roles as R

    publish_framework()
    branch = make_unit("KV03", kind="branch")
    team_a = make_unit("KV03-D1", parent=branch)
    team_b = make_unit("KV03-D2", parent=branch)
    audit = make_position("KTSTQ-KT", name_vi="Công chức kiểm tra sau thông quan")
    tax = make_position("THUE-TG", name_vi="Công chức trị giá")
    require(audit, {"KTSTQ.01": 2})
    require(tax, {"THUE.01": 2})
    course = make_course("TEST-101")
    return {
        "course": course, "team_a": team_a, "team_b": team_b, "audit": audit, "tax": tax,
        "head_a": make_user("truong-a", unit=team_a, heads=team_a),
        "head_b": make_user("truong-b", unit=team_b, heads=team_b),
        "author": make_user("giangvien", roles=(R.OFFICER, R.AUTHOR), unit=branch),
        "hr": make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=branch),
        "make_user": make_user,
    }


def completed(user, course, on: date = COMPLETED):
    """``user`` completed ``course`` on ``on`` (10:00 in Vietnam), with the course's own
    completion evidence; written directly, without the completion signal."""
    from lms_core.courses import delivery

    enrolment = delivery.enrol(user, course)
    enrolment.completed_at = datetime(on.year, on.month, on.day, 3, 0)
    enrolment.status = "completed"
    db.session.commit()
    add(user, "KTSTQ.01", 1, source="course", ref=f"course:{course.code}", day=on)
    return enrolment


def officer(world, name, history=(), *, unit="team_a", position="audit", course=None,
            on: date = COMPLETED):
    """An officer with evidence ``history`` [(source, level, day, ref?)] of KTSTQ.01 who
    completed the course on ``on``."""
    user = world["make_user"](name, unit=world[unit], position=world[position])
    for item in history:
        source, level, day = item[:3]
        add(user, "KTSTQ.01", level, source=source, day=day,
            ref=item[3] if len(item) > 3 else None)
    completed(user, course or world["course"], on)
    return user


def effect_of(user, course_code="TEST-101"):
    from plugins.competency import effect

    report = effect.compute(course_code)
    return next(o for o in report.officers if o.user_id == user.id)


def row_of(code="TEST-101", competency="KTSTQ.01"):
    from plugins.competency import effect

    return next(r for r in effect.compute(code).rows if r.competency_code == competency)


# -- pre, post and gain on constructed histories -----------------------------------------------
def test_pre_and_post_give_the_change_and_the_normalised_gain(world):
    """Pre 1 (an import before), post 2 (an assessment after): change +1, g = 1/2."""
    user = officer(world, "an", [("import", 1, date(2025, 1, 10)),
                                 ("assessment", 2, date(2025, 6, 1))])
    o = effect_of(user)
    assert (o.pre.level, o.pre.observed_on, o.pre.source) == (1, date(2025, 1, 10), "import")
    assert (o.post.level, o.post.observed_on, o.post.source) == (2, date(2025, 6, 1),
                                                                  "assessment")
    assert o.change == 1
    assert o.gain == pytest.approx(0.5)
    assert o.in_position  # the audit position requires KTSTQ.01


def test_a_supervisor_rating_after_the_course_is_a_post_level(world):
    """Pre 2, a rating of 3 five months later: g = (3 − 2) / (3 − 2) = 1."""
    user = officer(world, "an", [("assessment", 2, date(2024, 11, 16)),
                                 ("rating", 3, date(2025, 8, 1))])
    o = effect_of(user)
    assert (o.pre.level, o.post.level, o.post.source) == (2, 3, "rating")
    assert o.gain == pytest.approx(1.0)


def test_a_fall_gives_a_negative_gain(world):
    """Pre 1, post 0: change −1, g = −1/2."""
    user = officer(world, "an", [("import", 1, date(2025, 1, 10)),
                                 ("import", 0, date(2025, 9, 1))])
    o = effect_of(user)
    assert o.change == -1
    assert o.gain == pytest.approx(-0.5)


def test_pre_at_the_top_level_is_excluded_and_counted_apart(world):
    """Pre = max: g undefined; the officer is in 'already at the top level', not in n."""
    user = officer(world, "an", [("import", 3, date(2025, 1, 10)),
                                 ("assessment", 3, date(2025, 6, 1))])
    o = effect_of(user)
    assert o.at_max and o.gain is None and not o.counted
    row = row_of()
    assert (row.completers, row.at_max, row.n, row.mean_gain) == (1, 1, 0, None)


def test_no_post_measure_leaves_the_officer_out_of_n(world):
    """No evidence after the course: no post level, not counted."""
    user = officer(world, "an", [("import", 1, date(2025, 1, 10))])
    o = effect_of(user)
    assert o.pre.level == 1 and o.post is None and o.change is None
    row = row_of()
    assert (row.completers, row.with_pre, row.with_post, row.n) == (1, 1, 0, 0)


def test_a_course_completion_is_never_a_post_level(world, make_course):
    """Another course completed after this one (level 3) does not measure this one."""
    user = officer(world, "an", [("import", 1, date(2025, 1, 10)),
                                 ("course", 3, date(2025, 5, 1), "course:OTHER-301")])
    o = effect_of(user)
    assert o.post is None
    # ...and the course's own completion, dated the day completed, is not one either.
    assert row_of().with_post == 0


def test_the_course_own_completion_does_not_count_as_pre(world):
    """Only the course's own completion evidence before the day: no pre level."""
    user = world["make_user"]("an", unit=world["team_a"], position=world["audit"])
    add(user, "KTSTQ.01", 1, source="course", ref="course:TEST-101", day=date(2025, 2, 20))
    add(user, "KTSTQ.01", 2, source="assessment", day=date(2025, 6, 1))
    from lms_core.courses import delivery

    enrolment = delivery.enrol(user, world["course"])
    enrolment.completed_at = datetime(2025, 3, 1, 3, 0)
    db.session.commit()
    o = effect_of(user)
    assert o.pre is None and o.post.level == 2


def test_an_earlier_course_counts_in_the_pre_level(world):
    """An earlier course raising the level to 2 gives pre 2 (the evidence rule)."""
    user = officer(world, "an", [("import", 1, date(2024, 11, 16)),
                                 ("course", 2, date(2025, 1, 5), "course:OLD-201"),
                                 ("assessment", 3, date(2025, 6, 1))])
    o = effect_of(user)
    assert (o.pre.level, o.pre.source) == (2, "course")
    assert o.gain == pytest.approx(1.0)


def test_evidence_on_the_day_of_completion_is_neither_pre_nor_post(world):
    """Same-day evidence is ambiguous (before or after the course?): it counts as neither."""
    user = officer(world, "an", [("import", 1, date(2025, 1, 10)),
                                 ("assessment", 2, COMPLETED)])
    o = effect_of(user)
    assert o.pre.level == 1 and o.post is None


def test_a_measure_outside_the_window_is_not_a_post_level(world, app):
    """An assessment 400 days after completion is outside the 365-day window; a window of
    500 days takes it."""
    user = officer(world, "an", [("import", 1, date(2025, 1, 10)),
                                 ("assessment", 2, COMPLETED + timedelta(days=400))])
    assert effect_of(user).post is None
    app.config["COMPETENCY_EFFECT_WINDOW_DAYS"] = 500
    assert effect_of(user).post.level == 2


def test_the_row_aggregates_the_officers_measured(world):
    """n, mean change, mean g, share who rose and officers in a position that requires it."""
    officer(world, "an", [("import", 1, date(2025, 1, 10)), ("assessment", 2, date(2025, 6, 1))])
    officer(world, "binh", [("import", 2, date(2025, 1, 10)), ("rating", 3, date(2025, 7, 1))])
    officer(world, "chi", [("import", 1, date(2025, 1, 10)), ("import", 1, date(2025, 9, 1))],
            unit="team_b", position="tax")
    officer(world, "dung", [("import", 3, date(2025, 1, 10)), ("import", 3, date(2025, 9, 1))])
    officer(world, "em", [("import", 0, date(2025, 1, 10))])
    row = row_of()
    assert (row.completers, row.with_pre, row.with_post, row.at_max, row.n) == (5, 5, 4, 1, 3)
    assert row.mean_change == pytest.approx(2 / 3)
    assert row.mean_gain == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert row.share_rose == pytest.approx(2 / 3)
    assert row.in_position == 4  # chi holds the tax position, which does not require it


def test_a_published_course_without_completions_is_listed(world):
    """Every course tied to competencies appears, with n = 0."""
    row = row_of()
    assert (row.course_code, row.declared_level, row.completers, row.n) == ("TEST-101", 1, 0, 0)


# -- the pages -----------------------------------------------------------------------------------
def five_measured(world, course=None):
    """Five officers of team A with pre 1 and post 2 (g = 0.5 each)."""
    return [officer(world, f"cb{i}", [("import", 1, date(2025, 1, 10)),
                                      ("assessment", 2, date(2025, 6, 1))], course=course)
            for i in range(5)]


def test_training_staff_see_figures_only_from_five_officers(world, client, auth, make_course):
    """Below five officers a figure is hidden from authors, with n beside it; HR sees it."""
    officer(world, "an", [("import", 1, date(2025, 1, 10)), ("assessment", 2, date(2025, 6, 1))])
    auth.login("giangvien")
    page = client.get("/competency/effect").get_data(as_text=True)
    assert "TEST-101" in page and "n=1" in page
    assert "0,50" not in page
    auth.logout()
    auth.login("quantri")
    assert "0,50" in client.get("/competency/effect").get_data(as_text=True)


def test_training_staff_see_figures_behind_five_officers(world, client, auth):
    """Five officers measured: the author sees mean g 0,50 and n=5, no officer's name."""
    five_measured(world)
    auth.login("giangvien")
    page = client.get("/competency/effect").get_data(as_text=True)
    assert "0,50" in page and "n=5" in page
    course = client.get("/competency/effect/TEST-101")
    assert course.status_code == 200
    text = course.get_data(as_text=True)
    assert "0,50" in text and "Cán bộ cb0" not in text


def test_hr_sees_each_officer_row_on_the_course_page(world, client, auth):
    """HR opens the course page: each officer with pre, post and g."""
    officer(world, "an", [("import", 1, date(2025, 1, 10)), ("assessment", 2, date(2025, 6, 1))])
    auth.login("quantri")
    page = client.get("/competency/effect/TEST-101").get_data(as_text=True)
    assert "Cán bộ an" in page and "10/01/2025" in page and "01/06/2025" in page


def test_the_table_sorts_by_gain(world, client, auth, make_course):
    """?sort=gain puts the course with the larger mean gain first."""
    other = make_course("TEST-102")
    five_measured(world)
    for i in range(5):
        officer(world, f"x{i}", [("import", 1, date(2025, 1, 10)),
                                 ("assessment", 3, date(2025, 6, 1))], course=other)
    auth.login("giangvien")
    page = client.get("/competency/effect?sort=gain").get_data(as_text=True)
    assert page.index("TEST-102") < page.index("TEST-101")
    page = client.get("/competency/effect?sort=gain&order=asc").get_data(as_text=True)
    assert page.index("TEST-101") < page.index("TEST-102")


def test_the_csv_export_leaves_hidden_figures_empty_for_authors(world, client, auth):
    """The CSV holds n for every row and no figure below five officers for an author."""
    officer(world, "an", [("import", 1, date(2025, 1, 10)), ("assessment", 2, date(2025, 6, 1))])
    auth.login("giangvien")
    response = client.get("/competency/effect.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    row = lines[1].split(",")
    assert row[0] == "TEST-101" and row[8] == "1" and row[10] == ""


def test_unit_heads_and_officers_cannot_open_the_effect_pages(world, client, auth):
    """The effect pages are for training staff and HR."""
    world["make_user"]("an", unit=world["team_a"], position=world["audit"])
    auth.login("truong-a")
    assert client.get("/competency/effect").status_code == 403
    assert client.get("/competency/effect/TEST-101").status_code == 403
    auth.logout()
    auth.login("an")
    assert client.get("/competency/effect").status_code == 403
    auth.logout()
    auth.login("quantri")
    assert client.get("/competency/effect/NOPE-999").status_code == 404


# -- the re-rating after a course --------------------------------------------------------------
def finish(user, course):
    """Complete ``course`` through the player (lessons, quiz), which sends the signal."""
    from lms_core.courses import delivery as d

    enrolment = d.enrol(user, course)
    version = course.published_version
    reading, reading2, quiz = version.lessons
    d.complete_lesson(enrolment, reading)
    d.complete_lesson(enrolment, reading2)
    attempt = d.start_attempt(enrolment, quiz)
    d.submit_attempt(attempt, _answers(attempt, quiz))
    assert d.check_completion(enrolment) is not None
    db.session.commit()
    return enrolment


def requests():
    from plugins.competency.models import RatingRequest

    return list(db.session.scalars(sa.select(RatingRequest).order_by(RatingRequest.id)))


def test_completing_a_course_asks_the_unit_head_for_a_rerating(world):
    """Due 90 days after completion, for the officer's unit, the declared competencies."""
    from plugins.competency import effect

    user = world["make_user"]("an", unit=world["team_a"], position=world["audit"])
    finish(user, world["course"])
    (request,) = requests()
    assert (request.user_id, request.kind, request.reference) == (user.id, "post_training",
                                                                  "course:TEST-101")
    assert request.due_on == effect.today() + timedelta(days=90)
    assert request.unit_id == world["team_a"].id
    assert request.competency_codes == ["KTSTQ.01"]


def make_request(user, due_on, *, unit, codes=("KTSTQ.01",), ref="course:TEST-101"):
    from plugins.competency.models import RatingRequest

    request = RatingRequest(user_id=user.id, kind="post_training", reference=ref,
                            due_on=due_on, unit_id=unit.id, competency_codes=list(codes))
    db.session.add(request)
    db.session.commit()
    return request


def test_the_daily_job_marks_reminders_due_within_14_days_or_overdue(world, client, auth):
    """Due in 10 days and overdue: reminded; due in 30 days or done: not."""
    from plugins.competency import effect

    on = effect.today()
    user = world["make_user"]("an", unit=world["team_a"], position=world["audit"])
    soon = make_request(user, on + timedelta(days=10), unit=world["team_a"], ref="course:A")
    late = make_request(user, on - timedelta(days=3), unit=world["team_a"], ref="course:B")
    later = make_request(user, on + timedelta(days=30), unit=world["team_a"], ref="course:C")
    done = make_request(user, on + timedelta(days=5), unit=world["team_a"], ref="course:D")
    done.done_at = datetime(2026, 1, 1)
    db.session.commit()
    assert effect.run_daily(on) == {"scheduled": 0, "reminded": 2}
    db.session.commit()
    reminded = {r.reference for r in requests() if r.reminded_at is not None}
    assert reminded == {soon.reference, late.reference}
    assert effect.run_daily(on)["reminded"] == 0  # idempotent
    auth.login("truong-a")
    page = client.get("/competency/ratings").get_data(as_text=True)
    assert "(2)" in page and later.due_on.strftime("%d/%m/%Y") in page
    counts = effect.panel_counts(world["head_a"], on)
    assert (counts["reminded_count"], counts["overdue"], counts["pending"]) == (2, 1, 3)


def test_the_job_is_scheduled_daily(app):
    """The plugin schedules the ratings job every day."""
    from lms_core.plugins import all_jobs

    job = next(j for j in all_jobs(app) if j.id == "competency.ratings_daily")
    assert job.trigger == "cron" and job.trigger_args == {"hour": 6, "minute": 10}


# -- the rating form -----------------------------------------------------------------------------
@pytest.fixture
def open_request(world):
    from plugins.competency import effect

    user = world["make_user"]("an", unit=world["team_a"], position=world["audit"])
    return user, make_request(user, effect.today() + timedelta(days=3), unit=world["team_a"])


def rating_evidence():
    from plugins.competency.models import Evidence

    return list(db.session.scalars(sa.select(Evidence).where(Evidence.source == "rating")))


def test_the_unit_head_rates_and_the_rating_becomes_evidence_once(world, open_request,
                                                                     client, auth):
    """A level per competency and a comment: evidence ``rating:<id>``; saving again changes
    nothing and says so."""
    from plugins.competency import effect

    user, request = open_request
    auth.login("truong-a")
    page = client.get(f"/competency/ratings/{request.id}")
    assert page.status_code == 200 and "KTSTQ.01" in page.get_data(as_text=True)
    response = client.post(f"/competency/ratings/{request.id}",
                           data={"level-KTSTQ.01": "2", "comment": "Tiến bộ rõ"})
    assert response.status_code == 302
    (piece,) = rating_evidence()
    assert (piece.user_id, piece.competency_code, piece.level, piece.source_ref) == (
        user.id, "KTSTQ.01", 2, f"rating:{request.id}")
    assert piece.observed_on == effect.today()
    assert piece.recorded_by_id == world["head_a"].id
    db.session.refresh(request)
    assert request.done_at is not None and request.answers == {
        "levels": {"KTSTQ.01": 2}, "comment": "Tiến bộ rõ"}
    again = client.post(f"/competency/ratings/{request.id}",
                        data={"level-KTSTQ.01": "3", "comment": "Khác"}, follow_redirects=True)
    assert again.status_code == 200 and "flash-warning" in again.get_data(as_text=True)
    assert [(p.level, p.id) for p in rating_evidence()] == [(2, piece.id)]
    db.session.refresh(request)
    assert request.answers["levels"] == {"KTSTQ.01": 2}


def test_a_missing_or_bad_level_changes_nothing(world, open_request, client, auth):
    """No level, or a level above the scale: 400, nothing recorded, the request pending."""
    _user, request = open_request
    auth.login("quantri")
    for data in ({"comment": "x"}, {"level-KTSTQ.01": "4"}, {"level-KTSTQ.01": "hai"}):
        assert client.post(f"/competency/ratings/{request.id}", data=data).status_code == 400
    assert rating_evidence() == []
    db.session.refresh(request)
    assert request.done_at is None


def test_a_rating_not_yet_open_is_refused(world, client, auth):
    """More than 14 days before it is due, the form says when it opens and saves nothing."""
    from plugins.competency import effect

    user = world["make_user"]("an", unit=world["team_a"], position=world["audit"])
    request = make_request(user, effect.today() + timedelta(days=60), unit=world["team_a"])
    auth.login("truong-a")
    opens = (request.due_on - timedelta(days=14)).strftime("%d/%m/%Y")
    assert opens in client.get(f"/competency/ratings/{request.id}").get_data(as_text=True)
    response = client.post(f"/competency/ratings/{request.id}", data={"level-KTSTQ.01": "2"})
    assert response.status_code == 400 and rating_evidence() == []


def test_another_unit_head_and_the_officer_are_refused(world, open_request, client, auth):
    """The head of another team and the officer rated get 403; nothing changes."""
    user, request = open_request
    for username in ("truong-b", "an", "giangvien"):
        auth.login(username)
        assert client.get(f"/competency/ratings/{request.id}").status_code == 403
        assert client.post(f"/competency/ratings/{request.id}",
                           data={"level-KTSTQ.01": "2"}).status_code == 403
        auth.logout()
    assert rating_evidence() == []
    auth.login("truong-b")
    assert "Cán bộ an" not in client.get("/competency/ratings").get_data(as_text=True)


def test_a_pending_rerating_follows_the_officer_to_a_new_unit(world, open_request):
    """After a transfer, the head of the new unit rates (and the old one no longer can)."""
    from lms_core.organisation import operations as org_ops
    from plugins.competency import effect

    user, request = open_request
    org_ops.assign(user, world["team_b"], world["audit"], start_on=date(2026, 6, 1),
                   kind="transfer")
    db.session.commit()
    db.session.refresh(request)
    assert request.unit_id == world["team_b"].id
    assert effect.can_rate(world["head_b"], request, user)
    assert not effect.can_rate(world["head_a"], request, user)


# -- the command ---------------------------------------------------------------------------------
def test_the_report_command_prints_the_table_and_json(world, runner):
    """``lms competency effect report`` prints the rows; ``--json`` the same as data."""
    officer(world, "an", [("import", 1, date(2025, 1, 10)), ("assessment", 2, date(2025, 6, 1))])
    result = runner.invoke(args=["competency", "effect", "report"])
    assert result.exit_code == 0, result.output
    assert "TEST-101" in result.output and "KTSTQ.01" in result.output and "0.50" in result.output
    result = runner.invoke(args=["competency", "effect", "report", "--course", "TEST-101",
                                 "--json"])
    data = json.loads(result.output)
    assert (data["rows"][0]["n"], data["rows"][0]["mean_gain"], data["top_level"]) == (1, 0.5, 3)
    result = runner.invoke(args=["competency", "effect", "report", "--course", "NOPE-1"])
    assert result.exit_code != 0 and "NOPE-1" in result.output


def test_the_dashboard_partial_lists_reminded_ratings_for_the_unit_head(world, app):
    """The panel template: the reminded rating with its link; nothing for an officer."""
    from flask import render_template

    from plugins.competency import effect

    user = world["make_user"]("an", unit=world["team_a"], position=world["audit"])
    request = make_request(user, effect.today() + timedelta(days=5), unit=world["team_a"])
    effect.run_daily()
    db.session.commit()
    with app.test_request_context():
        html = render_template("competency/effect/_ratings_panel.html", user=world["head_a"])
        assert f"/competency/ratings/{request.id}" in html and "Cán bộ an" in html
        assert render_template("competency/effect/_ratings_panel.html", user=user).strip() == ""


# -- the stored table ------------------------------------------------------------------------------
def measured(world, name, course=None):
    """An officer of team A with pre 1 and post 2 who completed the course."""
    return officer(world, name, [("import", 1, date(2025, 1, 10)),
                                 ("assessment", 2, date(2025, 6, 1))], course=course)


def test_before_the_first_computation_the_page_computes_and_says_so(world, client, auth):
    """Nothing stored yet: the page shows the table computed for the view, and says so."""
    measured(world, "an")
    auth.login("quantri")
    page = client.get("/competency/effect").get_data(as_text=True)
    assert "Bảng chưa được lưu" in page and "n=1" in page


def test_the_page_shows_the_stored_table_and_when_it_was_computed(world, client, auth):
    """The page reads the stored table (a later completion is not in it) with its date."""
    from plugins.competency import effect

    measured(world, "an")
    effect.refresh_table()
    db.session.commit()
    measured(world, "binh")
    auth.login("giangvien")
    page = client.get("/competency/effect").get_data(as_text=True)
    assert "n=1" in page and "n=2" not in page
    assert "Được tính lúc " + effect.today().strftime("%d/%m/%Y") in page
    assert "Bảng chưa được lưu" not in page and "Tính lại ngay" not in page  # HR's button
    csv_text = client.get("/competency/effect.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").splitlines()[1].split(",")[8] == "1"


def test_hr_recomputes_now_and_a_new_completion_shows(world, client, auth):
    """HR's button stores a new table, which counts the completion made since."""
    from plugins.competency import effect

    measured(world, "an")
    effect.refresh_table()
    db.session.commit()
    measured(world, "binh")
    auth.login("quantri")
    page = client.get("/competency/effect").get_data(as_text=True)
    assert "n=1" in page and "Tính lại ngay" in page
    response = client.post("/competency/effect/refresh")
    assert response.status_code == 302 and response.location.endswith("/competency/effect")
    page = client.get("/competency/effect").get_data(as_text=True)
    assert "n=2" in page and "Đã tính lại bảng hiệu quả khoá học (1 dòng)" in page
    assert "Được Cán bộ quantri tính lúc" in page
    stored = effect.stored_table()
    assert stored.computed_by_id == world["hr"].id and len(stored.report.rows) == 1


def test_only_hr_may_recompute(world, client, auth):
    """Training staff see the table but may not recompute it; nothing is stored."""
    from plugins.competency import effect

    auth.login("giangvien")
    assert client.post("/competency/effect/refresh").status_code == 403
    assert effect.stored_table() is None


def test_the_command_and_the_nightly_job_store_the_table(world, runner, app):
    """``lms competency effect refresh`` and the job both refresh the stored table."""
    from lms_core.plugins import all_jobs
    from plugins.competency import effect

    measured(world, "an")
    result = runner.invoke(args=["competency", "effect", "refresh"])
    assert result.exit_code == 0, result.output
    assert "1 rows" in result.output
    assert [r.n for r in effect.stored_table().report.rows] == [1]
    measured(world, "binh")
    assert [r.n for r in effect.stored_table().report.rows] == [1]
    job = next(j for j in all_jobs(app) if j.id == "competency.effect_table")
    assert job.trigger == "cron" and job.trigger_args == {"hour": 2, "minute": 40}
    job.func()
    db.session.expire_all()
    (row,) = effect.stored_table().report.rows
    assert (row.n, row.completers, row.mean_gain) == (2, 2, 0.5)


def test_the_stored_table_keeps_both_titles(world, client, auth):
    """The course title follows the reader's language, whatever the language it was stored in."""
    from plugins.competency import effect

    effect.refresh_table()
    db.session.commit()
    auth.login("giangvien")
    assert "Khoá học thử TEST-101" in client.get("/competency/effect").get_data(as_text=True)
    client.post("/lang/en")
    assert "Test course TEST-101" in client.get("/competency/effect").get_data(as_text=True)
