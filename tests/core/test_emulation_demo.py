"""The emulation demo history: ``lms demo load`` leaves scores, rankings, evidence and
anomalies a unit head can work with, and scores that a recompute gives again."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
import sqlalchemy as sa

from lms_core import create_app
from lms_core.courses.catalogue import local_today
from lms_core.demo.loader import DEMO_PASSWORD
from lms_core.extensions import db
from lms_core.identity.models import User
from lms_core.identity.operations import get_user
from lms_core.organisation import queries as org
from lms_core.organisation.models import Unit
from lms_core.xapi import vocabulary as V
from lms_core.xapi.models import Statement, StatementKey
from plugins.emulation import anomalies, campaign, scoring, sources, submissions
from plugins.emulation.models import (
    Anomaly,
    AuditEntry,
    Correction,
    Score,
    ScoreLine,
    Submission,
)
from tests.conftest import _plugins_setting

OFFICERS = "40"

pytestmark = pytest.mark.skipif(_plugins_setting() == "none",
                                reason="the emulation plugin is not loaded")


def _app(path, media):
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                  "LMS_PLUGINS": _plugins_setting(),
                                  "LMS_MEDIA_DIR": str(media)})


def _load(template_db, folder, seed: str = "2025"):
    path = folder / "demo.db"
    shutil.copy(template_db, path)
    app = _app(path, folder / "media")
    with app.app_context():
        result = app.test_cli_runner().invoke(
            args=["demo", "load", "--officers", OFFICERS, "--seed", seed])
        assert result.exit_code == 0, result.output
        assert "Emulation:" in result.output and "statements" in result.output
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture(scope="module")
def demo_db(template_db, tmp_path_factory):
    """A small demo loaded once through the CLI, for the module."""
    return _load(template_db, tmp_path_factory.mktemp("emulation-demo"))


@pytest.fixture
def app(demo_db, tmp_path):
    """Each test gets its own copy of the loaded demo database."""
    path = tmp_path / "lms.db"
    shutil.copy(demo_db, path)
    shutil.copytree(demo_db.parent / "media", tmp_path / "media")
    app = _app(path, tmp_path / "media")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def _scores() -> list[tuple]:
    """Every stored score, by period label and the officer's code or the unit's code."""
    users = dict(db.session.execute(sa.select(User.id, User.code)).all())
    labels = {p.id: p.label for p in campaign.periods()}
    out = []
    for s in db.session.scalars(sa.select(Score)):
        who = users.get(s.subject_id) if s.subject == "user" else \
            db.session.get(Unit, s.subject_id).code
        out.append((labels[s.period_id], s.subject, who, s.total, s.per_capita, s.rank))
    return sorted(out, key=lambda r: tuple(str(x) for x in r))


def _stored(period) -> tuple[list, list]:
    lines = db.session.execute(
        sa.select(ScoreLine.subject, ScoreLine.subject_id, ScoreLine.criterion_id,
                  ScoreLine.value, ScoreLine.points, ScoreLine.evidence)
        .where(ScoreLine.period_id == period.id)
        .order_by(ScoreLine.subject, ScoreLine.subject_id, ScoreLine.criterion_id)).all()
    totals = db.session.execute(
        sa.select(Score.subject, Score.subject_id, Score.unit_id, Score.total, Score.members,
                  Score.per_capita, Score.adjusted, Score.rank)
        .where(Score.period_id == period.id)
        .order_by(Score.subject, Score.subject_id)).all()
    return [tuple(r) for r in lines], [tuple(r) for r in totals]


def test_the_unit_head_sees_ranked_officers_of_branch_ii_for_2025(client):
    """KV02's 2025 ranking lists its officers, with scores above zero."""
    branch = org.unit_by_code("KV02")
    period = campaign.period_by_label("2025")
    members = {a.user_id for a in org.members(branch.id, on=period.end)}
    scores = db.session.scalars(sa.select(Score).where(
        Score.period_id == period.id, Score.subject == "user",
        Score.subject_id.in_(members))).all()
    assert len(scores) >= 3
    assert all(s.rank is not None for s in scores)
    best = max(scores, key=lambda s: s.total)
    assert best.total > 0 and sum(s.total > 0 for s in scores) >= 3
    _login(client, "truongdonvi")
    page = client.get(f"/emulation/units/{branch.id}?period=2025")
    assert page.status_code == 200
    assert db.session.get(User, best.subject_id).full_name in page.get_data(as_text=True)


def test_an_officers_breakdown_leads_to_the_statements_behind_it(app):
    """canbo's 2025 hours come from her own ``experienced`` statements with verified time."""
    canbo = get_user("canbo")
    period = campaign.period_by_label("2025")
    hours = next(r for r in scoring.officer_breakdown(canbo, period)
                 if r.criterion.code == "ND2.CN1")
    assert hours.line is not None and hours.value > 0 and hours.points > 0
    statements = sources.statements_by_pks(hours.line.evidence["statements"])
    assert statements
    prefix = sources.activity_prefix("course")
    for s in statements:
        assert s.user_id == canbo.id and s.verb_id == V.VERBS["experienced"][0]
        assert s.verified_seconds > 0 and s.activity_id.startswith(prefix)
        assert period.start <= sources.local_date(s.timestamp) <= period.end
        assert s.payload["result"]["extensions"][V.EXT_VERIFIED_SECONDS] == s.verified_seconds
    # They name the imported course's lessons, so each leads to its lesson page.
    from lms_core.courses import catalogue
    from lms_core.xapi import statements as xs

    lessons = {xs.lesson_activity(lesson).id
               for code in {s.activity_id.split("/course/")[1].split("/")[0] for s in statements}
               for m in catalogue.published_course(code).published_version.modules
               for lesson in m.lessons}
    assert {s.activity_id for s in statements} <= lessons
    # The LRS index has the statement's agent and activities, as for any stored statement.
    keys = set(db.session.execute(sa.select(StatementKey.kind, StatementKey.key).where(
        StatementKey.statement_pk == statements[0].id)).all())
    assert ("related_activity", statements[0].activity_id) in keys
    assert any(kind == "agent" and canbo.code in key for kind, key in keys)


def test_canbo_reads_her_history_in_her_learning_record(client):
    """Her 2024 record shows the Customs Law course she completed, with study time."""
    _login(client, "canbo")
    page = client.get("/learning-record/?since=01/01/2024&until=31/12/2024")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Luật Hải quan 2014: những nội dung cơ bản" in text
    completed = db.session.scalars(sa.select(Statement).where(
        Statement.user_id == get_user("canbo").id,
        Statement.verb_id == V.VERBS["completed"][0])).all()
    years = {sources.local_date(s.timestamp).year for s in completed}
    assert {2024, 2025} <= years


def test_the_branch_head_has_evidence_waiting_with_its_attachment(client):
    """truongdonvi's pending list holds canbo's initiative; its PDF opens."""
    head = get_user("truongdonvi")
    pending = submissions.pending_for(head)
    mine = [s for s in pending if s.user_id == get_user("canbo").id]
    assert len(pending) >= 2 and len(mine) == 1 and mine[0].kind == "initiative"
    assert all(s.status == "pending" and s.files for s in pending)
    _login(client, "truongdonvi")
    page = client.get("/emulation/submissions/review")
    assert page.status_code == 200 and mine[0].title in page.get_data(as_text=True)
    attachment = client.get(f"/emulation/submissions/{mine[0].id}/files/{mine[0].files[0].id}")
    data = attachment.data
    attachment.close()
    assert attachment.status_code == 200 and data.startswith(b"%PDF-")


def test_decisions_and_submissions_are_in_the_audit_log(app):
    """Every submission has its audit entry; decided ones have the head's decision."""
    decided = db.session.scalars(sa.select(Submission).where(
        Submission.status.in_(("approved", "rejected")))).all()
    assert decided and any(s.status == "rejected" and s.reason for s in decided)
    for s in decided[:20]:
        actions = [e.action for e in submissions.history(s)]
        decision = {"approved": "submission.approve", "rejected": "submission.reject"}
        assert actions == ["submission.submit", decision[s.status]]
        assert s.decided_by_id not in (None, s.user_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Submission))
    submitted = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "submission.submit"))
    assert submitted == total


def test_anomalies_are_flagged_for_the_head_and_older_ones_decided(client):
    """Branch II's head has open anomalies; older ones were decided, with the penalty."""
    branch = org.unit_by_code("KV02")
    members = sorted({a.user_id for a in org.members(branch.id)})
    flagged = anomalies.listing(members, status="open")
    assert flagged and {a.kind for a in flagged} <= set(anomalies.KINDS)
    decided = db.session.scalars(sa.select(Anomaly).where(Anomaly.status != "open")).all()
    assert {a.status for a in decided} == {"accepted", "excluded"}
    excluded = next(a for a in decided if a.status == "excluded")
    period = next(p for p in campaign.periods_containing(excluded.day) if p.kind == "year")
    officer = db.session.get(User, excluded.user_id)
    penalty = next(r for r in scoring.officer_breakdown(officer, period)
                   if r.criterion.code == "TRU.CN1")
    assert penalty.points < 0
    _login(client, "truongdonvi")
    page = client.get(f"/emulation/units/{branch.id}")
    assert page.status_code == 200
    assert db.session.get(User, flagged[0].user_id).full_name in page.get_data(as_text=True)


def test_past_periods_are_closed_and_the_current_year_is_open(app):
    """2024 and 2025 are frozen; this year is open and scored."""
    assert campaign.period_by_label("2024").frozen_at is not None
    assert campaign.period_by_label("2025").frozen_at is not None
    current = campaign.current_period("year")
    assert current is not None and current.frozen_at is None
    assert scoring.scored_rule_set(current) is not None
    assert current.label == str(local_today().year)


def test_assessment_sittings_count_for_2025(app):
    """The 2025 assessment session's results are statements the scores count."""
    period = campaign.period_by_label("2025")
    results = sources.assessment_results(period.start, period.end)
    assert results
    assert {sources.local_date(ts) for _pk, _uid, ts, _ok in results} == {date(2025, 11, 15)}
    uid = results[0][1]
    line = next(r for r in scoring.officer_breakdown(db.session.get(User, uid), period)
                if r.criterion.code == "ND4.CN2")
    assert line.points > 0


@pytest.mark.parametrize("label", ["2024", "2025"])
def test_the_closed_years_count_courses_by_their_tags(app, label):
    """The demo imports the shipped courses before scoring, so the indicators that filter on a
    course's tags (law, digital skills, foreign languages, professional courses, and the unit
    shares built on them) score in the frozen years, with the completions behind them."""
    period = campaign.period_by_label(label)
    assert period.frozen_at is not None
    rule_set = scoring.scored_rule_set(period)
    codes = {"ND1.CN1", "ND1.CN2", "ND1.DV1", "ND3.CN1", "ND3.CN2", "ND4.CN1"}
    criteria = {c.id: c.code for c in rule_set.criteria if c.code in codes}
    assert set(criteria.values()) == codes
    scored = dict(db.session.execute(
        sa.select(ScoreLine.criterion_id, sa.func.count())
        .where(ScoreLine.period_id == period.id, ScoreLine.points > 0,
               ScoreLine.criterion_id.in_(criteria))
        .group_by(ScoreLine.criterion_id)).all())
    assert {criteria[cid] for cid in scored} == codes, scored
    line = db.session.scalars(sa.select(ScoreLine).where(
        ScoreLine.period_id == period.id, ScoreLine.points > 0,
        ScoreLine.criterion_id == next(k for k, v in criteria.items() if v == "ND1.CN1"))
    ).first()
    completions = sources.statements_by_pks(line.evidence["statements"])
    assert completions and all(s.verb_id == V.VERBS["completed"][0] for s in completions)
    assert all("/course/LHQ-" in s.activity_id or "/course/XLVP-" in s.activity_id
               for s in completions), [s.activity_id for s in completions]


def test_a_recompute_from_scratch_gives_what_the_demo_left(app):
    """The open periods rebuild to the same rows; the closed ones need no correction."""
    for period in campaign.periods():
        if period.frozen_at is None and period.start <= local_today():
            before = _stored(period)
            scoring.recompute_period(period)
            assert _stored(period) == before, period.label
    hr = get_user("quantri")
    result = scoring.recompute_period(campaign.period_by_label("2025"), force_correction=True,
                                      reason="kiểm tra", actor=hr)
    assert result.corrections == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Correction)) == 0


def test_the_same_seed_gives_the_same_scores(demo_db, template_db, tmp_path):
    """A second load with the same seed scores every officer and unit the same."""
    first = _app(demo_db, tmp_path / "media-1")
    with first.app_context():
        expected = _scores()
        db.session.remove()
        db.engine.dispose()
    again = _app(_load(template_db, tmp_path), tmp_path / "media")
    with again.app_context():
        assert _scores() == expected
        db.session.remove()
        db.engine.dispose()
