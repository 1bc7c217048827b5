"""The xAPI profile: every statement the course player records follows docs/xapi-profile.md."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms_core.courses.models import Enrolment, QuizAttempt
from lms_core.extensions import db
from lms_core.xapi import statements as xs
from lms_core.xapi import vocabulary as V
from lms_core.xapi.models import Statement
from lms_core.xapi.validation import validate_statement

DOC = (Path(__file__).resolve().parents[2] / "docs" / "xapi-profile.md").read_text(
    encoding="utf-8")
TYPE_KEYS = {iri: key for key, iri in V.ACTIVITY_TYPES.items()}
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"


# -- driving a course through the player ---------------------------------------------------------
def _urls(page: str) -> dict[str, str]:
    return {name: re.search(rf'data-{name}-url="([^"]+)"', page).group(1)
            for name in ("beat", "close")}


def quiz_form(attempt, quiz, *, right: bool = True) -> dict:
    """The quiz form as a learner fills it in (choices by their displayed position)."""
    by_id = {q.id: q for q in quiz.questions}
    form = {"attempt": str(attempt.id)}
    for item in attempt.drawn:
        q, order, name = by_id[item["q"]], item["order"], f"q{item['q']}"
        good = [i for i, c in enumerate(q.choices) if c["correct"]]
        if q.type == "single":
            shown = order.index(good[0])
            form[name] = str(shown if right else (shown + 1) % len(order))
        elif q.type == "multiple":
            wrong = next(i for i, c in enumerate(q.choices) if not c["correct"])
            form[name] = [str(order.index(i)) for i in good] if right else [
                str(order.index(wrong))]
        elif q.type == "true_false":
            form[name] = str(q.answer["answer"] == right).lower()
        else:
            form[name] = " vnaccs " if right else "sai"
    return form


def study_course(client, course, *, english_quiz: bool = False) -> Enrolment:
    """Enrol, read both readings (with study time), fail the quiz once, pass it: the whole
    course through the player as a learner does it. Returns the enrolment."""
    code = course.code
    reading, reading2, quiz = course.published_version.lessons
    assert client.post(f"/courses/{code}/enrol").status_code == 302
    for lesson in (reading, reading2):
        page = client.get(f"/learn/{code}/{lesson.id}").get_data(as_text=True)
        urls = _urls(page)
        assert client.post(urls["beat"], json={"seq": 1, "active_seconds": 3}).status_code == 200
        assert client.post(urls["close"], json={"seq": 2, "active_seconds": 2}).status_code == 200
        assert client.post(f"/learn/{code}/{lesson.id}/complete").status_code == 302
    if english_quiz:
        client.post("/lang/en")
    for right in (False, True):
        client.post(f"/learn/{code}/{quiz.id}/quiz/start")
        attempt = db.session.scalar(sa.select(QuizAttempt).where(
            QuizAttempt.lesson_id == quiz.id).order_by(QuizAttempt.number.desc()))
        response = client.post(f"/learn/{code}/{quiz.id}/quiz/submit",
                               data=quiz_form(attempt, quiz, right=right))
        assert response.status_code == 302
    db.session.expire_all()
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.course_id == course.id))


@pytest.fixture
def learner(make_user, auth):
    user = make_user("hoa", full_name="Nguyễn Thị Hoa")
    auth.login("hoa")
    return user


@pytest.fixture
def studied(client, learner, make_course):
    """A course studied to the end through the player; returns (enrolment, statements)."""
    course = make_course()
    enrolment = study_course(client, course, english_quiz=True)
    rows = db.session.scalars(sa.select(Statement).where(Statement.user_id == learner.id)
                              .order_by(Statement.id)).all()
    return enrolment, rows


def profile_name(payload: dict) -> str:
    """The profile statement (a key of ``V.STATEMENTS``) ``payload`` claims to be."""
    verb = V.VERB_KEYS[payload["verb"]["id"]]
    kind = TYPE_KEYS[payload["object"]["definition"]["type"]]
    in_course = V.EXT_COURSE_VERSION in ((payload.get("context") or {}).get("extensions") or {})
    matches = [name for name, (v, k, where, _r) in V.STATEMENTS.items()
               if v == verb and k == kind and in_course == (where != "standalone")]
    assert len(matches) == 1, (verb, kind, matches)
    return matches[0]


def check_against_profile(payload: dict, *, registration: str | None = None) -> str:
    """Assert that ``payload`` is a valid statement shaped as its profile entry says."""
    validate_statement(payload)
    name = profile_name(payload)
    _verb, _kind, where, result_fields = V.STATEMENTS[name]
    actor = payload["actor"]
    assert set(actor) <= {"objectType", "name", "account"}, actor  # never mbox, openid
    assert actor["account"]["homePage"] == "https://hoctap.customs.gov.vn"
    assert "@" not in json.dumps(actor)
    assert set(payload["verb"]["display"]) == {"vi-VN", "en-US"}
    definition = payload["object"]["definition"]
    assert definition["name"]["vi-VN"] and definition["name"]["en-US"]
    assert payload["object"]["id"].startswith("https://hoctap.customs.gov.vn/xapi/activities/")
    for field in result_fields:
        assert field in payload["result"], (name, field)
    context = payload["context"]
    assert context["platform"] == "Học tập Hải quan"
    assert context["language"] in ("vi-VN", "en-US")
    activities = context["contextActivities"]
    assert [a["id"] for a in activities["category"]] == [V.PROFILE_VERSION_IRI]
    types = {key: [TYPE_KEYS[a["definition"]["type"]] for a in activities.get(key, [])]
             for key in ("parent", "grouping")}
    expected = {"course": {"parent": [], "grouping": []},
                "standalone": {"parent": [], "grouping": []},
                "lesson": {"parent": ["module"], "grouping": ["course"]},
                "question": {"parent": ["assessment"], "grouping": ["module", "course"]}}[where]
    assert types == expected, (name, types)
    for key in ("parent", "grouping"):
        for item in activities.get(key, []):
            assert item["definition"]["name"]["vi-VN"] and item["definition"]["name"]["en-US"]
    assert context["registration"] == registration
    if where != "standalone":
        assert context["extensions"][V.EXT_COURSE_VERSION] == 1
        assert context["revision"] == "1"
    extensions = {**(context.get("extensions") or {}),
                  **((payload.get("result") or {}).get("extensions") or {})}
    assert set(extensions) <= set(V.EXTENSIONS), extensions
    return name


# -- the tests ------------------------------------------------------------------------------------
def test_every_statement_of_a_course_studied_through_the_player_follows_the_profile(studied):
    """Each statement is valid xAPI and matches its profile entry: verb, activity type,
    context with the enrolment's registration, module and course, names in vi and en."""
    enrolment, rows = studied
    names = [check_against_profile(row.payload, registration=enrolment.registration)
             for row in rows]
    assert set(names) == set(V.STATEMENTS) - {
        "initialized-quiz", "experienced-quiz", "terminated-quiz", "assessment-passed",
        "assessment-failed"}
    assert names[:3] == ["registered", "launched", "initialized"]
    assert names[-3:] == ["passed", "completed-quiz", "completed-course"]


def test_the_player_records_each_event_in_order_with_its_results(studied):
    """Reading, quiz attempts, answers and completion appear as the learner did them."""
    enrolment, rows = studied
    verbs = [V.VERB_KEYS[r.verb_id] for r in rows]
    assert verbs[:9] == ["registered", "launched", "initialized", "experienced", "terminated",
                         "completed", "progressed", "initialized", "experienced"]
    assert verbs.count("answered") == 6 and verbs.count("attempted") == 2
    progress = [r.payload["result"]["extensions"][V.EXT_PROGRESS] for r in rows
                if r.verb_id.endswith("/progressed")]
    assert progress == [33, 67]
    failed = next(r for r in rows if r.verb_id.endswith("/failed"))
    passed = next(r for r in rows if r.verb_id.endswith("/passed"))
    assert failed.payload["result"]["score"]["scaled"] == 0 and failed.success is False
    assert passed.payload["result"]["score"] == {"scaled": 1.0, "raw": 3.0, "min": 0,
                                                 "max": 3.0}
    assert passed.payload["context"]["extensions"][V.EXT_ATTEMPT] == 2
    assert passed.payload["context"]["language"] == "en-US"  # the quiz was taken in English
    assert rows[0].payload["context"]["language"] == "vi-VN"
    sessions = {r.payload["context"]["extensions"].get(V.EXT_STUDY_SESSION) for r in rows
                if V.VERB_KEYS[r.verb_id] in ("initialized", "experienced", "terminated")}
    assert len(sessions) == 2 and None not in sessions
    assert {r.registration for r in rows} == {enrolment.registration}


def test_answers_are_interactions_with_their_choices_and_the_response(studied):
    """An answered question carries its cmi.interaction definition and the learner's
    response in the xAPI format of its interaction type."""
    _enrolment, rows = studied
    answers = [r.payload for r in rows if r.verb_id.endswith("/answered")]
    by_type = {}
    for payload in answers:
        definition = payload["object"]["definition"]
        assert definition["type"] == V.ACTIVITY_TYPES["question"]
        assert definition["correctResponsesPattern"]
        by_type.setdefault(definition["interactionType"], []).append(payload)
    assert set(by_type) <= {"choice", "true-false", "fill-in"}
    for payload in by_type.get("choice", []):
        definition = payload["object"]["definition"]
        ids = [c["id"] for c in definition["choices"]]
        assert ids == [str(i) for i in range(len(ids))]
        assert all(c["description"]["vi-VN"] for c in definition["choices"])
        response = payload["result"]["response"]
        assert response == "" or set(response.split("[,]")) <= set(ids)
        if payload["result"]["success"]:
            assert response == definition["correctResponsesPattern"][0]
    for payload in by_type.get("true-false", []):
        assert payload["result"]["response"] in ("true", "false")
        assert payload["object"]["definition"]["correctResponsesPattern"][0] in ("true",
                                                                                 "false")
    for payload in by_type.get("fill-in", []):
        assert payload["object"]["definition"]["correctResponsesPattern"] == ["VNACCS"]


def test_a_competency_assessment_result_follows_the_profile(app, make_user):
    """The statement built for the competency plugin: the exam, the score, the levels."""
    user = make_user("lan")
    started = datetime(2026, 3, 12, 1, 0, tzinfo=UTC)
    statement = xs.assessment_result(
        user, exam_code="DGNL-2026-GSQL", title_vi="Thi đánh giá năng lực giám sát quản lý",
        title_en="", registration="5b0f3c1e-8a7d-4a4b-9a51-0d6f1c2e3a4b", passed=True,
        right=17, total=20, levels={"GSQL.02": 1, "GSQL.01": 2},
        started_at=started, submitted_at=started + timedelta(minutes=40), framework="KNL-HQ 1")
    row = xs.record(statement, user=user)
    db.session.commit()
    assert check_against_profile(row.payload, registration=row.registration) == \
        "assessment-passed"
    result = row.payload["result"]
    assert result["score"] == {"scaled": 0.85, "raw": 17, "min": 0, "max": 20}
    assert result["extensions"][V.EXT_COMPETENCY_LEVELS] == {"GSQL.01": 2, "GSQL.02": 1}
    assert result["duration"] == "PT40M00S"
    assert row.payload["object"]["id"].endswith("/xapi/activities/competency/exam/DGNL-2026-GSQL")
    assert row.payload["context"]["registration"] == "5b0f3c1e-8a7d-4a4b-9a51-0d6f1c2e3a4b"
    assert row.registration == "5b0f3c1e-8a7d-4a4b-9a51-0d6f1c2e3a4b" and row.success is True


def test_pseudonymous_actors_carry_no_code_and_no_name(app, make_user, make_course):
    """With LMS_XAPI_ACTOR_ID=pseudonym the account name is a keyed hash and maps back."""
    from lms_core.courses import delivery

    app.config.update(LMS_XAPI_ACTOR_ID="pseudonym", LMS_XAPI_PSEUDONYM_KEY="k" * 32)
    user = make_user("binh", full_name="Trần Văn Bình")
    row_user = make_user("other")
    delivery.enrol(user, make_course())
    db.session.commit()
    row = db.session.scalar(sa.select(Statement).where(Statement.user_id == user.id))
    actor = row.payload["actor"]
    assert set(actor) <= {"objectType", "account"}
    name = actor["account"]["name"]
    assert re.fullmatch(r"[0-9a-f]{32}", name) and user.code not in json.dumps(row.payload)
    assert xs.user_for_actor(actor) == user
    assert xs.user_for_actor({"account": {"homePage": actor["account"]["homePage"],
                                          "name": xs.pseudonym(row_user.code)}}) == row_user
    assert xs.user_for_actor({"account": {"homePage": "https://elsewhere.example",
                                          "name": name}}) is None
    app.config.update(LMS_XAPI_PSEUDONYM_KEY="")
    with pytest.raises(RuntimeError, match="LMS_XAPI_PSEUDONYM_KEY"):
        xs.actor(user)


def test_actors_are_accounts_named_by_the_personnel_code_by_default(app, make_user):
    """The default actor: the personnel code on the home page, with the person's name."""
    user = make_user("cuong", full_name="Lê Văn Cường")
    actor = json.loads(xs.actor(user).to_json("1.0.3"))
    assert actor["account"] == {"homePage": "https://hoctap.customs.gov.vn", "name": user.code}
    assert actor["name"] == "Lê Văn Cường" and "mbox" not in actor
    assert xs.user_for_actor(actor) == user
    other = {"account": {"homePage": "https://elsewhere.example", "name": user.code}}
    assert xs.users_for_actors([actor, other, {"mbox": "mailto:x@example.com"}, actor]) == [
        user, None, None, user]


# -- the document ---------------------------------------------------------------------------------
def _json_examples() -> list[dict]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", DOC, re.S)]


def test_the_profile_document_states_its_version_and_every_name_of_the_vocabulary():
    """The document carries the version of vocabulary.py and lists every verb IRI, activity
    type, extension and statement of the profile."""
    assert f"Version {V.PROFILE_VERSION}" in DOC and V.PROFILE_DATE in DOC
    assert V.PROFILE_VERSION_IRI in DOC
    missing = [iri for iri, _vi, _en in V.VERBS.values() if f"`{iri}`" not in DOC]
    missing += [iri for iri in V.ACTIVITY_TYPES.values() if f"`{iri}`" not in DOC]
    missing += [iri for iri in V.EXTENSIONS if f"`{iri}`" not in DOC]
    missing += [name for name in V.STATEMENTS if f'<a id="{name}"></a>' not in DOC]
    assert not missing, missing


def test_every_example_in_the_profile_document_is_a_valid_statement_of_the_profile():
    """Each JSON example validates, and each statement of the profile has one."""
    examples = _json_examples()
    named = set()
    for example in examples:
        validate_statement(example)
        categories = [a["id"] for a in ((example.get("context") or {}).get(
            "contextActivities") or {}).get("category", [])]
        if CMI5_CATEGORY in categories or example["verb"]["id"] == V.VERBS["voided"][0]:
            continue  # cmi5 and voiding statements: defined by their own specifications
        registration = (example.get("context") or {}).get("registration")
        named.add(check_against_profile(example, registration=registration))
    assert named == set(V.STATEMENTS)
