"""The recommendation plugin: stored models, candidates from gaps, the text and effect models,
the ranking with its reasons, the pages, the API, the commands and the offline evaluation."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from tests.core.test_competency_evidence import add, publish_framework, require


@pytest.fixture(autouse=True)
def _recommendation_loaded(app):
    if "recommendation" not in app.extensions["lms_plugins"]:
        pytest.skip("the recommendation plugin is not loaded in this run")


def declare(course, levels: dict[str, int]):
    """Make the published version of ``course`` declare exactly ``levels``."""
    from lms_core.courses.models import CourseCompetency

    version_id = course.published_version_id
    db.session.execute(sa.delete(CourseCompetency).where(
        CourseCompetency.version_id == version_id))
    for code, level in levels.items():
        db.session.add(CourseCompetency(version_id=version_id, competency_code=code, level=level))
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def world(app, make_unit, make_position, make_user, make_course):
    """A framework; position THUE-TG requires THUE.01 at 2 and THUE.02 at 3; officer "an"
    holds THUE.01 at 1 and THUE.02 at 0; courses at various levels; a head, another head, HR."""
    from lms_core.identity import roles as R

    publish_framework()
    branch = make_unit("KV03", kind="branch")
    team_a = make_unit("KV03-D1", parent=branch)
    team_b = make_unit("KV03-D2", parent=branch)
    tax = make_position("THUE-TG", name_vi="Công chức trị giá")
    require(tax, {"THUE.01": 2, "THUE.02": 3}, {"THUE.01": 2.0})
    officer = make_user("an", unit=team_a, position=tax)
    add(officer, "THUE.01", 1, day=date(2025, 1, 10))
    courses = {}
    for code, levels in {"TG-2": {"THUE.01": 2}, "TG-1": {"THUE.01": 1},
                         "TG-3": {"THUE.01": 3}, "PL-1": {"THUE.02": 1},
                         "PL-3": {"THUE.02": 3}, "KT-1": {"KTSTQ.01": 1}}.items():
        courses[code] = make_course(code)
        declare(courses[code], levels)
    return {"officer": officer, "courses": courses, "tax": tax, "team_a": team_a,
            "head_a": make_user("truong-a", unit=team_a, heads=team_a),
            "head_b": make_user("truong-b", unit=team_b, heads=team_b),
            "hr": make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), unit=branch),
            "make_user": make_user, "make_course": make_course}


# -- 1. stored models -----------------------------------------------------------------------------
def test_a_saved_model_is_versioned_and_loaded_back_without_retraining(app):
    """Saving twice gives versions 1 and 2; a fresh cache loads version 2 from the database."""
    from plugins.recommendation import store
    from plugins.recommendation.models import TrainedModel

    store.save("text", {"weights": [1, 2]}, n_samples=3, metrics={"a": 1})
    row = store.save("text", {"weights": [3]}, n_samples=5)
    db.session.commit()
    store.clear_cache()
    obj, loaded = store.load("text")
    assert obj == {"weights": [3]}
    assert (loaded.version, loaded.n_samples, loaded.id) == (2, 5, row.id)
    assert loaded.sklearn_version
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainedModel)) == 2


def test_an_unloadable_or_old_format_model_is_ignored(app):
    """A pickle that does not load, or a row of another format, gives None, not an error."""
    from plugins.recommendation import store
    from plugins.recommendation.models import TrainedModel

    assert store.load("effect") is None
    db.session.add(TrainedModel(kind="effect", version=1, blob=b"not a pickle"))
    db.session.add(TrainedModel(kind="text", version=1, format=0, blob=store.dumps({})))
    db.session.commit()
    store.clear_cache()
    assert store.load("effect") is None
    assert store.load("text") is None


# -- 2. candidates ---------------------------------------------------------------------------------
def test_candidates_are_courses_at_the_right_level_for_the_gaps(world):
    """Level 1 → 2 in THUE.01: TG-2 only (TG-1 is below, TG-3 above the requirement); level
    0 → 3 in THUE.02: PL-1 and PL-3; KTSTQ.01 is not required."""
    from plugins.recommendation import candidates

    found = candidates.for_officer(world["officer"])
    assert [c.course.code for c in found] == ["PL-1", "PL-3", "TG-2"]
    tg2 = next(c for c in found if c.course.code == "TG-2")
    assert (tg2.main.gap.code, tg2.main.gap.achieved, tg2.main.gap.required) == ("THUE.01", 1, 2)
    pl = {c.course.code: c.main.fit for c in found if c.course.code.startswith("PL")}
    assert pl["PL-1"] > pl["PL-3"] > 0


def test_completed_followed_and_blocked_courses_are_not_candidates(world):
    """A completed course, a course in progress and a course whose prerequisite is not
    completed are left out."""
    from lms_core.courses import delivery
    from lms_core.courses.models import CoursePrerequisite
    from plugins.recommendation import candidates

    officer, courses = world["officer"], world["courses"]
    done = delivery.enrol(officer, courses["PL-1"])
    done.completed_at = datetime(2025, 5, 1)
    delivery.enrol(officer, courses["TG-2"])
    db.session.add(CoursePrerequisite(version_id=courses["PL-3"].published_version_id,
                                      required_course_id=courses["KT-1"].id))
    db.session.commit()
    db.session.expire_all()
    assert candidates.for_officer(officer) == []


def test_the_level_rule_as_a_pure_function():
    """achieved + 1 ≤ declared ≤ required; a met requirement gives nothing."""
    from plugins.recommendation.candidates import Gap, fits, level_fit

    gap = Gap("X", required=2, achieved=0)
    assert [fits(gap, lv) for lv in (1, 2, 3)] == [True, True, False]
    assert level_fit(gap, 1) == 1.0 and level_fit(gap, 2) == 0.5
    assert not fits(Gap("X", required=2, achieved=2), 3)


# -- 3. text model and tag suggestions ------------------------------------------------------------
def retitle(course, title_vi):
    version = course.published_version
    version.title_vi = title_vi
    db.session.commit()


def test_the_text_model_suggests_an_undeclared_competency_without_accents(world):
    """A course titled "Phan loai hang hoa" (no accents) declaring KTSTQ.01 gets THUE.02
    (Phân loại hàng hoá) suggested; declared competencies are never suggested."""
    from plugins.recommendation import text_model
    from plugins.recommendation.models import TagSuggestion

    retitle(world["courses"]["KT-1"], "Phan loai hang hoa xuat khau")
    row = text_model.train()
    db.session.commit()
    assert row.kind == "text" and row.version == 1
    found = {(s.course_code, s.competency_code): s for s in
             db.session.scalars(sa.select(TagSuggestion))}
    assert ("KT-1", "THUE.02") in found
    assert found[("KT-1", "THUE.02")].status == "suggested"
    assert ("KT-1", "KTSTQ.01") not in found


def test_an_author_accepts_a_suggestion_and_the_course_is_unchanged(world, client, auth):
    """Accepting records the decision and says the course editor adds the competency; the
    course's competencies stay as they were; deciding twice is refused."""
    from lms_core.identity import roles as R
    from plugins.recommendation import text_model
    from plugins.recommendation.models import TagSuggestion

    world["make_user"]("giangvien", roles=(R.OFFICER, R.AUTHOR), unit=world["team_a"])
    retitle(world["courses"]["KT-1"], "Phân loại hàng hoá xuất khẩu")
    text_model.train()
    db.session.commit()
    s = db.session.scalar(sa.select(TagSuggestion).where(
        TagSuggestion.course_code == "KT-1", TagSuggestion.competency_code == "THUE.02"))
    auth.login("giangvien")
    page = client.get("/recommendation/suggestions")
    assert page.status_code == 200 and "KT-1" in page.get_data(as_text=True)
    response = client.post(f"/recommendation/suggestions/{s.id}/accept", follow_redirects=True)
    assert "trình soạn khoá học" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TagSuggestion, s.id).status == "accepted"
    assert {c.competency_code for c in world["courses"]["KT-1"].published_version.competencies} \
        == {"KTSTQ.01"}
    again = client.post(f"/recommendation/suggestions/{s.id}/reject", follow_redirects=True)
    assert "đã được quyết định" in again.get_data(as_text=True)
    assert db.session.get(TagSuggestion, s.id).status == "accepted"


def test_officers_cannot_see_or_decide_suggestions(world, client, auth):
    """An officer gets 403 on the page and on a decision."""
    auth.login("an")
    assert client.get("/recommendation/suggestions").status_code == 403
    assert client.post("/recommendation/suggestions/1/accept").status_code == 403


# -- 4. effect model ------------------------------------------------------------------------------
def test_the_effect_model_tells_proven_courses_from_courses_that_only_claim():
    """On the synthetic history, a proven course gets a much higher probability than a course
    declaring the same competency at the same level; an unseen course is a cold start."""
    from plugins.recommendation import effect_model as E
    from plugins.recommendation import synthetic

    data = synthetic.generate(n_officers=300, seed=3)
    model = E.fit(data.events)
    assert model.trained
    rows, keys = [], []
    for code in ("QLRR01-A1", "QLRR01-B1", "NEW-1"):
        rows.append(E.features(gap=2, achieved=0, declared=1, text_sim=0.3, course_code=code,
                               competency_code="QLRR.01", position="RR-PT"))
        keys.append(("RR-PT", code, "QLRR.01"))
    proven, claims, new = model.predict(rows, keys, [0.3, 0.3, 0.3])
    assert not proven.cold_start and not claims.cold_start
    assert proven.p > 0.5 > 0.15 > claims.p
    assert new.cold_start and new.p == 0.3
    assert proven.n >= E.MIN_HISTORY and 0.5 < proven.rose / proven.n < 0.9


def test_too_little_history_gives_an_untrained_model_that_says_so():
    """Fewer than MIN_SAMPLES events: no classifier, every prediction is a cold start."""
    from plugins.recommendation import effect_model as E

    events = [E.Event(1, "P", "X", "C", 1, 2, 0, 1, date(2025, 1, 1))]
    model = E.fit(events)
    assert not model.trained and model.reason == "too_few"
    (pred,) = model.predict([{}], [("P", "X", "C")], [0.25])
    assert pred.cold_start and pred.p == 0.25


# -- 5. ranking and reasons ------------------------------------------------------------------------
def test_reasons_are_in_vietnamese_with_the_share_of_the_same_position(app):
    """The reasons read "Bù khoảng cách năng lực «…», mức 1 → 2" and "64% công chức cùng vị
    trí học khoá này đã lên một mức (n=…)"."""
    from plugins.recommendation import effect_model as E
    from plugins.recommendation import ranking
    from plugins.recommendation.candidates import CourseFacts, Gap, match

    events = [E.Event(i, "RR-PT", "A", "QLRR.01", 2, 2, 1, 2 if i < 64 else 1,
                      date(2025, 1, 1)) for i in range(100)]
    events += [E.Event(200 + i, "RR-PT", "B", "QLRR.01", 2, 2, 1, 1, date(2025, 1, 1))
               for i in range(30)]
    model = E.fit(events)
    courses = [CourseFacts("A", "Khoá A", {"QLRR.01": 2}), CourseFacts("B", "Khoá B",
                                                                       {"QLRR.01": 2})]
    found = match([Gap("QLRR.01", 2, 1)], courses)
    recs = ranking.rank(found, 10, position="RR-PT", effect=model)
    assert [r.course.code for r in recs] == ["A", "B"]
    with app.test_request_context():
        reasons = ranking.explain(recs[0], {"QLRR.01": "Phân tích rủi ro"})
    assert reasons[0] == "Bù khoảng cách năng lực «Phân tích rủi ro», mức 1 → 2"
    assert reasons[1] == "64% công chức cùng vị trí học khoá này đã lên một mức (n=100)"


def test_diversity_puts_another_gap_before_a_second_course_for_the_same_gap():
    """Two close courses for gap X and a weaker one for gap Y: Y comes second."""
    from plugins.recommendation import ranking
    from plugins.recommendation.candidates import CourseFacts, Gap, match

    gaps = [Gap("X", 2, 0, weight=1.0), Gap("Y", 1, 0, weight=0.6)]
    courses = [CourseFacts("X1", "", {"X": 1}), CourseFacts("X2", "", {"X": 1}),
               CourseFacts("Y1", "", {"Y": 1})]
    recs = ranking.rank(match(gaps, courses), 3, position=None, effect=None)
    assert [r.course.code for r in recs][:2] in (["X1", "Y1"], ["X2", "Y1"])


# -- 6. interfaces ---------------------------------------------------------------------------------
def test_the_officer_sees_recommendations_with_reasons(world, client, auth):
    """The page lists TG-2 with "mức 1 → 2" and says no model is trained yet."""
    auth.login("an")
    page = client.get("/recommendation/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "TG-2" in html and "mức 1 → 2" in html and "TG-3" not in html
    assert "Chưa có mô hình hiệu quả" in html


def test_an_officer_without_a_position_is_told_and_offered_popular_courses(world, client,
                                                                            auth):
    """No position: the page says so and lists popular courses."""
    world["make_user"]("binh")
    auth.login("binh")
    html = client.get("/recommendation/").get_data(as_text=True)
    assert "chưa được bố trí vị trí việc làm" in html
    assert "KT-1" in html


def test_the_api_answers_the_officer_their_head_and_hr_only(world, client, auth):
    """GET /api/v1/officers/<code>/recommendations: 200 with course codes for the officer, the
    head of the unit and HR; 403 for the head of another unit; 404 for an unknown code; 400
    for k out of range; 401 when not logged in; errors in the API's format."""
    url = "/api/v1/officers/an/recommendations"
    assert client.get(url).status_code == 401
    for who, status in (("an", 200), ("truong-a", 200), ("quantri", 200), ("truong-b", 403)):
        auth.login(who)
        response = client.get(url + "?k=2")
        assert response.status_code == status, who
        assert response.mimetype == "application/json"
        if status == 200:
            body = response.get_json()
            assert body["k"] == 2 and len(body["recommendations"]) == 2
            assert all(r["reasons"] for r in body["recommendations"])
        auth.logout()
    auth.login("an")
    missing = client.get("/api/v1/officers/NOBODY/recommendations")
    assert missing.status_code == 404 and missing.get_json()["error"] == 404
    for bad in ("0", "51", "abc"):
        response = client.get(f"{url}?k={bad}")
        body = response.get_json()
        assert response.status_code == 400 and body["error"] == 400
        assert "k" in body["message"]
    assert client.get(url).get_json()["k"] == 10


def test_the_first_address_of_the_list_redirects_to_the_api(world, client, auth):
    """/recommendation/api/officers/<code>?k=2 is a permanent redirect to the API's address,
    query kept; followed, it answers the same."""
    auth.login("an")
    response = client.get("/recommendation/api/officers/an?k=2")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/api/v1/officers/an/recommendations?k=2")
    followed = client.get("/recommendation/api/officers/an?k=2", follow_redirects=True)
    assert followed.status_code == 200 and followed.get_json()["k"] == 2


def test_train_then_recommend_from_the_command_line(world, runner):
    """`lms recommend train` stores both models; `lms recommend --officer an --json` prints
    the list, marked cold start (no history yet)."""
    from plugins.recommendation.models import TrainedModel

    result = runner.invoke(args=["recommend", "train"])
    assert result.exit_code == 0, result.output
    assert "effect: version 1" in result.output
    kinds = set(db.session.scalars(sa.select(TrainedModel.kind)))
    assert kinds == {"text", "effect"}
    result = runner.invoke(args=["recommend", "--officer", "an", "--k", "10", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert [r["course"] for r in body["recommendations"]][0] in {"TG-2", "PL-1"}
    assert {r["course"] for r in body["recommendations"]} == {"TG-2", "PL-1", "PL-3"}
    assert all(r["cold_start"] for r in body["recommendations"])
    assert body["models"]["effect"] == 1
    bad = runner.invoke(args=["recommend", "--officer", "NOBODY"])
    assert bad.exit_code != 0 and "NOBODY" in bad.output


def test_a_broken_stored_model_does_not_break_the_page_and_the_job_retrains(world, client,
                                                                            auth, app):
    """A model row that does not load is ignored (fallback, 200); the daily job stores a new
    version that loads."""
    from plugins.recommendation import store
    from plugins.recommendation.models import TrainedModel
    from plugins.recommendation.plugin import plugin

    db.session.add(TrainedModel(kind="effect", version=1, blob=b"garbage"))
    db.session.commit()
    store.clear_cache()
    auth.login("an")
    assert client.get("/recommendation/").status_code == 200
    (job,) = [j for j in plugin.jobs() if j.id == "recommendation.retrain_daily"]
    assert job.trigger == "cron"
    job.func()
    store.clear_cache()
    obj, row = store.load("effect")
    assert row.version == 2


# -- 7. evaluation ---------------------------------------------------------------------------------
def test_the_learned_model_beats_every_baseline_on_the_planted_history():
    """Time split on the synthetic history: NDCG@10 of the learned model is above most
    popular, random and gap-tag matching only."""
    from plugins.recommendation import evaluate, synthetic

    data = synthetic.generate(n_officers=400, seed=5)
    scores = evaluate.evaluate(data, synthetic.SPLIT, k=10, seed=5)
    learned = scores["learned"].ndcg
    assert scores["learned"].officers > 50
    for baseline in ("popular", "random", "gap_tag"):
        assert learned > scores[baseline].ndcg, (baseline, evaluate.table(scores))


def test_evaluate_prints_the_metrics_table(app, runner):
    """`lms recommend evaluate --synthetic --split-date …` prints a row per method; a bad
    date is refused."""
    result = runner.invoke(args=["recommend", "evaluate", "--split-date", "2024-05-01",
                                 "--synthetic", "--officers", "200"])
    assert result.exit_code == 0, result.output
    assert "NDCG@10" in result.output
    for method in ("learned", "gap_tag", "popular", "random"):
        assert method in result.output
    bad = runner.invoke(args=["recommend", "evaluate", "--split-date", "01/05/2024"])
    assert bad.exit_code != 0


def test_training_on_an_empty_platform_stores_untrained_models(app, runner):
    """No course, no framework, no history: `lms recommend train` succeeds (cold start)."""
    result = runner.invoke(args=["recommend", "train"])
    assert result.exit_code == 0, result.output
    assert "trained=False" in result.output
