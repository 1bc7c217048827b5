"""Emulation scores: the formula of each kind with exact numbers, caps, evidence ids, units
scored over their members and over their predecessors' members, anomalies not counted until
accepted, frozen periods and corrections, the incremental pass, and recompute from scratch
equal to the incremental updates on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from plugins.emulation import anomalies, campaign, rules, scoring
from plugins.emulation import measures as MS
from plugins.emulation.models import (
    Anomaly,
    AuditEntry,
    Correction,
    DirtySubject,
    Score,
    ScoreLine,
    Submission,
)

RULES = """\
format: 1
phase: 1
scale: 100
settings:
  anomalies: {max_hours_per_day: 12, burst_completions: 3, burst_minutes: 10}
criteria:
  - code: C1
    kind: group
    max_points: 60
    name: "Nội dung 1"
    children:
      - {code: HOURS, kind: quantitative, subject: user, measure: verified_hours, target: 40,
         target_quarter: 10, points: 30, cap: 1.2, name: "Giờ học"}
      - {code: LAW, kind: pass_fail, subject: user, measure: courses_completed,
         params: {tags: [phap-luat]}, points: 14, name: "Khoá học pháp luật"}
      - {code: INIT, kind: occurrence, subject: user, measure: approved_submissions,
         params: {kind: initiative}, points: 5, cap: 10, name: "Sáng kiến"}
      - {code: PART, kind: quantitative, subject: unit, measure: participation_rate,
         params: {min_hours: 1}, target: 80, points: 60, name: "Tỷ lệ tham gia"}
  - code: C2
    kind: group
    max_points: 40
    name: "Nội dung 2"
    children:
      - {code: COURSES, kind: quantitative, subject: user, measure: courses_completed,
         target: 4, points: 40, name: "Khoá học"}
      - {code: MEANH, kind: quantitative, subject: unit, measure: unit_mean,
         params: {of: verified_hours}, target: 20, target_quarter: 5, points: 40,
         name: "Giờ học bình quân"}
  - {code: BONUS, kind: bonus, subject: user, measure: content_authored, points: 3, cap: 5,
     name: "Điểm thưởng"}
  - {code: PEN, kind: penalty, subject: user, measure: anomalies_excluded, points: 4, cap: 6,
     name: "Điểm trừ"}
"""


# -- the world ------------------------------------------------------------------------------------

@dataclass
class World:
    root: object
    a: object
    b: object
    o1: object
    o2: object
    new: object
    head_a: object
    hr: object
    x: object
    y: object
    z: object
    w: object
    p: object
    q: object


def course_package(folder: Path, code: str, tag: str) -> Path:
    """A small course package tagged ``tag``."""
    from tests.conftest import write_package

    path = write_package(folder, code)
    course = path / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace("tags: [nghiep-vu]",
                                                                 f"tags: [{tag}]"),
                      encoding="utf-8")
    return path


def build_world(folder: Path) -> World:
    """Units A and B under a root, O1 and O2 merged into NEW on 1 March 2025; officers; the
    campaign with the test rules active in both phases; the law course LHQ-101 (tag phap-luat)."""
    from lms_core.courses.package import import_package, open_package
    from lms_core.identity import operations as id_ops
    from lms_core.organisation import operations as org_ops

    day = date(2024, 1, 1)
    root = org_ops.create_unit("ROOT", "Cục Hải quan", "Customs", "department", on=day)
    a = org_ops.create_unit("DOI-A", "Đội A", "Team A", "team", parent=root, on=day)
    b = org_ops.create_unit("DOI-B", "Đội B", "Team B", "team", parent=root, on=day)
    o1 = org_ops.create_unit("CUC-1", "Cục cũ 1", "Old 1", "provincial", parent=root, on=day)
    o2 = org_ops.create_unit("CUC-2", "Cục cũ 2", "Old 2", "provincial", parent=root, on=day)

    def person(name, unit, roles=(R.OFFICER,), heads=None):
        user = id_ops.create_user(name, f"Cán bộ {name}", roles=list(roles))
        if heads is not None:
            id_ops.grant_role(user, R.UNIT_HEAD, heads.id)
        org_ops.assign(user, unit, None, start_on=day)
        return user

    people = dict(head_a=person("truong-a", a, heads=a), hr=person("quantri", root,
                                                                   (R.OFFICER, R.HR_ADMIN)),
                  x=person("x", a), y=person("y", a), z=person("z", b), w=person("w", b),
                  p=person("p", o1), q=person("q", o2))
    restructured = date(2025, 3, 1)
    new = org_ops.create_unit("KV-MOI", "Chi cục khu vực", "Regional branch", "branch",
                              parent=root, on=restructured)
    org_ops.merge_units([o1, o2], new, on=restructured)
    import_package(open_package(course_package(folder, "LHQ-101", "phap-luat")))
    campaign.ensure_campaign()
    for phase in (1, 2):
        report = rules.import_rules(RULES.replace("phase: 1", f"phase: {phase}"), phase=phase,
                                    activate=True)
        assert report.ok, report.problems
    db.session.commit()
    return World(root, a, b, o1, o2, new, **people)


def at(day: date, hour: int = 2, minute: int = 0) -> datetime:
    """A naive UTC moment (02:00 UTC is 09:00 in Vietnam, the same day)."""
    return datetime(day.year, day.month, day.day, hour, minute)


def studied(user, when: datetime, hours: float, course: str = "LHQ-101"):
    """An ``experienced`` statement with the platform's verified seconds."""
    from lms_core.xapi import statements as xs
    from lms_core.xapi import vocabulary as V

    seconds = hours * 3600
    statement = xs.build(user, "experienced",
                         xs.activity(f"course/{course}/lesson/1", "lesson", "Bài học", "Lesson"),
                         result_=xs.result(duration_seconds=seconds,
                                           extensions={V.EXT_VERIFIED_SECONDS: seconds}),
                         timestamp=when)
    return xs.record(statement, user=user)


def completed(user, when: datetime, course: str):
    from lms_core.xapi import statements as xs

    statement = xs.build(user, "completed", xs.activity(f"course/{course}", "course", course,
                                                        course),
                         result_=xs.result(completion=True), timestamp=when)
    return xs.record(statement, user=user)


def assessed(user, when: datetime, passed: bool = True):
    from lms_core.xapi import statements as xs

    statement = xs.assessment_result(
        user, exam_code="DGNL-2025", title_vi="Thi đánh giá năng lực", title_en=None,
        registration="5f0c6bd4-3c2e-4e59-9e55-2b7f5c1a1a1a", passed=passed, right=8, total=10,
        levels={"THUE.01": 2}, started_at=when, submitted_at=when)
    return xs.record(statement, user=user)


def approved(user, unit, kind: str, day: date, **details) -> Submission:
    """An approved submission (the reviews part's workflow sets these), marking the scores."""
    submission = Submission(user_id=user.id, unit_id=unit.id, kind=kind, title=f"{kind} {day}",
                            occurred_on=day, status="approved", details=details)
    db.session.add(submission)
    db.session.flush()
    scoring.mark_dirty(user.id, day)
    return submission


def line(user_or_unit, period, code, subject="user"):
    rule_set = scoring.rules_for(period)
    criterion = next(c for c in rule_set.criteria if c.code == code)
    return db.session.get(ScoreLine, (period.id, subject, user_or_unit.id, criterion.id))


def total(subject_id, period, subject="user") -> float:
    score = scoring.score_of(subject, subject_id, period)
    return score.total if score is not None else None


@pytest.fixture(autouse=True)
def _plugin_loaded(app):
    if "emulation" not in app.extensions.get("lms_plugins", {}):
        pytest.skip("the emulation plugin is not loaded")


@pytest.fixture
def world(app, tmp_path) -> World:
    world = build_world(tmp_path)
    world.folder = tmp_path
    return world


@pytest.fixture
def history(world) -> World:
    """A year 2025 for officers x, y, z, w; p and q studied in 2024 in the old units."""
    x, y, z, w = world.x, world.y, world.z, world.w
    studied(x, at(date(2025, 3, 3)), 5)
    studied(x, at(date(2025, 3, 4)), 15)  # more than 12 hours: flagged, not counted
    studied(x, at(date(2025, 6, 10)), 3)
    completed(x, at(date(2025, 3, 5)), "LHQ-101")
    for minute in (0, 3, 6):  # three courses within ten minutes: a burst
        completed(x, at(date(2025, 5, 5), minute=minute), f"SO-10{minute}")
    approved(x, world.a, "initiative", date(2025, 4, 1))
    for d in range(1, 7):
        studied(y, at(date(2025, 2, d)), 10)
    for d in range(3):
        approved(y, world.a, "initiative", date(2025, 8, 1 + d))
    studied(z, at(date(2025, 7, 7)), 14)
    version = _publish_by(w, datetime(2025, 9, 1, 3), world.folder)
    scoring.mark_dirty(w.id, date(2025, 9, 1))
    studied(world.p, at(date(2024, 5, 5)), 10)
    studied(world.q, at(date(2024, 6, 6)), 2)
    db.session.commit()
    world.version = version
    return world


def _publish_by(author, when: datetime, folder: Path):
    """A course version written by ``author``, published at ``when``."""
    from lms_core.courses.package import import_package, open_package

    version = import_package(open_package(course_package(folder, "SO-101", "ky-nang-so"))).version
    version.author_id = author.id
    version.status = "published"
    version.published_at = when
    version.course.published_version_id = version.id
    db.session.flush()
    return version


# -- formulas -------------------------------------------------------------------------------------

def test_each_kind_gives_exact_points_with_caps(history):
    """Quantitative with a cap, pass/fail, occurrence capped, bonus, penalty, group sums."""
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    x, y, w = history.x, history.y, history.w
    # x: 5 h + 3 h counted (the 15-hour day is flagged) of 40 h -> 8/40 x 30
    assert (line(x, period, "HOURS").value, line(x, period, "HOURS").points) == (8.0, 6.0)
    assert line(x, period, "LAW").points == 14.0  # the law course: pass
    assert line(x, period, "INIT").points == 5.0
    assert (line(x, period, "COURSES").value, line(x, period, "COURSES").points) == (1.0, 10.0)
    assert (line(x, period, "C1").points, line(x, period, "C2").points) == (25.0, 10.0)
    assert total(x.id, period) == 35.0
    # y: 60 h is 1.5 times the target, capped at 1.2; three initiatives capped at 10 points
    assert (line(y, period, "HOURS").value, line(y, period, "HOURS").points) == (60.0, 36.0)
    assert line(y, period, "INIT").points == 10.0
    assert total(y.id, period) == 46.0
    # w: a course published as author, a bonus on top
    assert line(w, period, "BONUS").points == 3.0 and total(w.id, period) == 3.0
    assert scoring.score_of("user", x.id, period).unit_id == history.a.id


def test_a_quarter_uses_its_own_target(history):
    """2025-Q1: 5 counted hours of a 10-hour quarter target."""
    period = campaign.period_by_label("2025-Q1")
    scoring.recompute_period(period)
    assert line(history.x, period, "HOURS").points == 15.0
    assert line(history.y, period, "HOURS").points == 36.0
    assert line(history.x, period, "INIT") is None  # the initiative is dated April


def test_score_lines_keep_the_evidence_behind_them(history):
    """Statement ids of the counted hours and completions, course codes, submissions."""
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    from lms_core.xapi.models import Statement

    x = history.x
    hours = db.session.scalars(sa.select(Statement).where(
        Statement.user_id == x.id, Statement.verified_seconds.is_not(None))
        .order_by(Statement.timestamp)).all()
    counted = [s.id for s in hours if s.verified_seconds != 15 * 3600]
    assert line(x, period, "HOURS").evidence == {"statements": list(reversed(counted))}
    courses = line(x, period, "COURSES").evidence
    assert courses["courses"] == ["LHQ-101"] and len(courses["statements"]) == 1
    assert len(line(x, period, "INIT").evidence["submissions"]) == 1
    shown = [s.id for s in scoring.sources.statements_by_pks(courses["statements"])]
    assert shown == courses["statements"]


def test_evidence_ids_are_capped_with_the_total_kept(world):
    """At most MAX_EVIDENCE ids; the count says how many there were."""
    for d in range(1, 26):
        studied(world.x, at(date(2025, 1, d)), 1)
    db.session.commit()
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    evidence = line(world.x, period, "HOURS").evidence
    assert len(evidence["statements"]) == MS.MAX_EVIDENCE
    assert evidence["counts"] == {"statements": 25}


def test_units_are_scored_over_their_members(history):
    """Unit A: 2 of 3 members studied an hour or more; mean hours above the target."""
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    a = history.a
    part = line(a, period, "PART", "unit")
    assert part.value == 66.6667 and part.points == 50.0
    assert part.evidence["counts"] == {"members": 3, "counted": 2}
    assert line(a, period, "MEANH", "unit").value == 22.6667
    assert total(a.id, period, "unit") == 90.0
    assert scoring.score_of("unit", a.id, period).members == 3
    # The officers of unit A's subtree are in the root's members too.
    members = scoring.members_by_unit(period)
    assert set(members[a.id]) == {history.head_a.id, history.x.id, history.y.id}
    assert set(members[a.id]) < set(members[history.root.id])


def test_a_unit_formed_by_a_merge_is_scored_over_its_predecessors_earlier(history):
    """2024: the branch created in 2025 counts the officers of the units it absorbed."""
    period = campaign.period_by_label("2024")
    scoring.recompute_period(period)
    new, o1 = history.new, history.o1
    assert scoring.predecessor_basis(period) == {new.id: sorted([o1.id, history.o2.id])}
    assert scoring.members_by_unit(period)[new.id] == sorted([history.p.id, history.q.id])
    assert line(new, period, "MEANH", "unit").value == 6.0  # (10 h + 2 h) / 2
    assert total(new.id, period, "unit") == 72.0  # 60 (everyone studied) + 6/20 x 40
    assert total(o1.id, period, "unit") == 80.0  # O1 itself: p alone, 10 h
    # In 2025 the old unit is scored for its two months, over the members it had then.
    later = campaign.period_by_label("2025")
    scoring.recompute_period(later)
    assert scoring.members_by_unit(later)[o1.id] == [history.p.id]
    assert history.new.id not in scoring.predecessor_basis(later)


def test_a_penalty_never_takes_the_total_below_zero(history):
    """z's flagged day is excluded by HR: a 4-point penalty on nothing gives 0."""
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    flag = db.session.scalar(sa.select(Anomaly).where(Anomaly.user_id == history.z.id))
    anomalies.decide(flag, "excluded", history.hr)
    scoring.recompute_period(period)
    assert line(history.z, period, "PEN").points == -4.0
    assert line(history.z, period, "HOURS") is None
    assert total(history.z.id, period) == 0.0


# -- anomalies ------------------------------------------------------------------------------------

def test_anomalies_are_flagged_and_count_only_once_accepted(history):
    """A 15-hour day and a burst of completions wait for the unit head; accepted, they count
    (never more than 24 hours a day)."""
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    x = history.x
    flags = {a.kind: a for a in db.session.scalars(sa.select(Anomaly).where(
        Anomaly.user_id == x.id))}
    assert flags["hours_over_day"].day == date(2025, 3, 4)
    assert flags["hours_over_day"].status == "open"
    assert flags["hours_over_day"].details["hours"] == 15.0
    assert flags["completion_burst"].details["completions"] == 3
    with pytest.raises(UserError):
        anomalies.decide(flags["hours_over_day"], "accepted", history.y)  # not their head
    with pytest.raises(UserError):
        anomalies.decide(flags["hours_over_day"], "accepted", x)  # not one's own
    anomalies.decide(flags["hours_over_day"], "accepted", history.head_a)
    anomalies.decide(flags["completion_burst"], "accepted", history.head_a)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DirtySubject).where(
        DirtySubject.user_id == x.id)) >= 2
    scoring.incremental_pass()
    assert line(x, period, "HOURS").value == 23.0
    assert line(x, period, "HOURS").points == 17.25
    assert line(x, period, "COURSES").points == 40.0
    assert total(x.id, period) == 76.25
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action == "anomaly.decide")).all()
    assert len(actions) == 2


def test_a_flag_whose_day_no_longer_exceeds_is_dropped(world):
    """An undecided flag disappears when the day's counted hours fall back (voided)."""
    statement = studied(world.x, at(date(2025, 10, 1)), 13)
    db.session.commit()
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Anomaly)) == 1
    statement.voided = True
    scoring.recompute_period(period)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Anomaly)) == 0


def test_open_anomalies_are_listed_for_the_officers_of_a_unit(history):
    """The unit head's list: open flags of the unit's officers."""
    scoring.recompute_period(campaign.period_by_label("2025"))
    mine = anomalies.listing([history.x.id, history.y.id])
    assert [a.kind for a in mine] == ["completion_burst", "hours_over_day"]
    assert anomalies.listing([]) == []


# -- incremental ----------------------------------------------------------------------------------

def test_statements_mark_the_officer_dirty_in_the_periods_of_their_day(world):
    """A statement of 5 March 2025 marks 2025 and 2025-Q1, once per transaction."""
    db.session.execute(sa.delete(DirtySubject))
    db.session.commit()
    studied(world.x, at(date(2025, 3, 5)), 1)
    studied(world.x, at(date(2025, 3, 6)), 1)
    db.session.commit()
    marked = {(r.period_id, r.user_id) for r in db.session.scalars(sa.select(DirtySubject))}
    assert marked == {(campaign.period_by_label("2025").id, world.x.id),
                      (campaign.period_by_label("2025-Q1").id, world.x.id)}


def test_the_incremental_pass_recomputes_only_what_is_dirty(history):
    """After a full pass, a new statement recomputes that officer and the units only."""
    scoring.incremental_pass()
    db.session.commit()
    period = campaign.period_by_label("2025")
    assert total(history.x.id, period) == 35.0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DirtySubject)) == 0
    studied(history.x, at(date(2025, 11, 20)), 4)
    db.session.commit()
    results = scoring.incremental_pass()
    db.session.commit()
    assert {r.period for r in results} == {"2025", "2025-Q4"}
    assert all(not r.full and r.officers == 1 for r in results)
    assert line(history.x, period, "HOURS").value == 12.0
    assert total(history.x.id, period) == 38.0
    assert scoring.incremental_pass() == []


def test_activating_new_rules_rebuilds_the_open_periods(history, app):
    """The next pass rebuilds every open period with the newly active version."""
    scoring.incremental_pass()
    period = campaign.period_by_label("2025")
    report = rules.import_rules(RULES.replace("target: 40,", "target: 80,"), phase=1,
                                activate=True)
    assert report.ok
    results = scoring.incremental_pass()
    assert "2025" in {r.period for r in results if r.full}
    assert scoring.scored_rule_set(period).version == 2
    assert line(history.x, period, "HOURS").points == 3.0  # 8/80 x 30


def _snapshot():
    lines = sorted((r.period_id, r.subject, r.subject_id, r.criterion_id, r.value, r.points,
                    repr(sorted(r.evidence.items()))) for r in db.session.scalars(
        sa.select(ScoreLine)))
    scores = sorted((s.period_id, s.subject, s.subject_id, s.unit_id, s.total, s.members,
                     s.per_capita, s.adjusted, s.cluster_id, s.rank)
                    for s in db.session.scalars(sa.select(Score)))
    flags = sorted((a.user_id, a.kind, a.day, a.status, repr(sorted(a.details.items())))
                   for a in db.session.scalars(sa.select(Anomaly)))
    return lines, scores, flags


def incremental_equals_rebuild(folder: Path) -> None:
    """Build a history event by event with an incremental pass after each, then rebuild
    every period from scratch: the stored scores are exactly the same."""
    world = build_world(folder)
    scoring.incremental_pass()
    db.session.commit()
    x, y, z = world.x, world.y, world.z
    steps = [
        lambda: (studied(x, at(date(2025, 3, 3)), 5), studied(y, at(date(2025, 2, 1)), 10.5)),
        lambda: (studied(x, at(date(2025, 3, 4)), 15), completed(x, at(date(2025, 3, 5)),
                                                                 "LHQ-101")),
        lambda: [completed(y, at(date(2025, 5, 5), minute=m), f"SO-1{m:02d}")
                 for m in (0, 2, 4, 9)],
        lambda: (studied(z, at(date(2025, 7, 7)), 14), assessed(z, at(date(2025, 7, 8)))),
        lambda: anomalies.decide(db.session.scalar(sa.select(Anomaly).where(
            Anomaly.user_id == x.id)), "accepted", world.head_a),
        lambda: anomalies.decide(db.session.scalar(sa.select(Anomaly).where(
            Anomaly.user_id == z.id)), "excluded", world.hr),
        lambda: approved(x, world.a, "initiative", date(2025, 4, 1)),
        lambda: _move(z, world.a, date(2025, 9, 1)),
        lambda: (studied(z, at(date(2025, 9, 15)), 2.25), studied(world.p, at(date(2024, 5, 5)),
                                                                  3)),
        lambda: (_publish_by(world.w, datetime(2025, 9, 1, 3), folder),
                 scoring.mark_dirty(world.w.id, date(2025, 9, 1))),
        lambda: studied(x, at(date(2026, 2, 2)), 1.5),
    ]
    for step in steps:
        step()
        db.session.commit()
        scoring.incremental_pass()
        db.session.commit()
    before = _snapshot()
    assert len(before[0]) > 50 and before[2]
    for period in campaign.periods():
        if period.start <= date(2026, 11, 22) and scoring.scored_rule_set(period) is not None:
            scoring.recompute_period(period)
    db.session.commit()
    after = _snapshot()
    assert after[1] == before[1]
    assert after[0] == before[0]
    assert after[2] == before[2]


def _move(user, unit, day):
    from lms_core.organisation import operations as org_ops

    org_ops.assign(user, unit, None, start_on=day)


def test_recompute_from_scratch_equals_the_incremental_updates(app, tmp_path):
    """On SQLite."""
    incremental_equals_rebuild(tmp_path)


@pytest.mark.postgres
def test_recompute_from_scratch_equals_the_incremental_updates_on_postgresql(postgres_url,
                                                                           tmp_path):
    """On PostgreSQL."""
    from flask_migrate import upgrade

    from lms_core import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url, "LMS_PLUGINS": "all"})
    with app.app_context():  # its own context: the SQLite app's is open too
        upgrade()
        try:
            incremental_equals_rebuild(tmp_path)
        finally:
            db.session.remove()
            db.engine.dispose()


# -- frozen periods and corrections ---------------------------------------------------------------

def test_closing_freezes_due_periods_and_refuses_recompute(history, english):
    """Closed on 15 January 2026: 2025 is frozen, a late statement changes nothing."""
    frozen = scoring.close_due_periods(today=date(2026, 1, 15))
    db.session.commit()
    labels = {p.label for p in frozen}
    assert {"2024", "2025", "2025-Q4"} <= labels and "2026-Q1" not in labels
    period = campaign.period_by_label("2025")
    assert period.frozen_at is not None and total(history.x.id, period) == 35.0
    with pytest.raises(UserError, match="closed"):
        scoring.recompute_period(period)
    studied(history.x, at(date(2025, 11, 20)), 4)
    db.session.commit()
    scoring.incremental_pass(today=date(2026, 1, 20))
    assert total(history.x.id, period) == 35.0
    assert scoring.close_due_periods(today=date(2026, 1, 15)) == []
    assert db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "period.freeze", AuditEntry.object_id == "2025")) is not None


def test_force_correction_records_the_differences_as_corrections(history, english):
    """The frozen lines stay; corrections on top carry the reason and who; idempotent."""
    scoring.close_due_periods(today=date(2026, 1, 15))
    period = campaign.period_by_label("2025")
    studied(history.x, at(date(2025, 11, 20)), 4)
    db.session.commit()
    with pytest.raises(UserError, match="reason"):
        scoring.recompute_period(period, force_correction=True, actor=history.hr)
    result = scoring.recompute_period(period, force_correction=True, actor=history.hr,
                                      reason="Bổ sung dữ liệu học tập bị thiếu")
    db.session.commit()
    assert result.corrections > 0
    x = history.x
    assert line(x, period, "HOURS").value == 8.0  # the frozen line is untouched
    assert total(x.id, period) == 38.0  # 12 h: 9 points instead of 6
    corrections = scoring.corrections_of("user", x.id, period)
    assert [(c.criterion_id, c.delta, c.by_id) for c in corrections] == [
        (line(x, period, "C1").criterion_id, 3.0, history.hr.id)]
    rows = {r.criterion.code: r for r in scoring.officer_breakdown(x, period)}
    assert rows["C1"].points == 28.0 and rows["C1"].corrections[0].reason.startswith("Bổ sung")
    again = scoring.recompute_period(period, force_correction=True, actor=history.hr,
                                     reason="Lần hai")
    assert again.corrections == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "correction.recompute")) >= 1


def test_a_correction_by_hand_changes_only_a_frozen_score(history, english):
    """An open period is refused; a frozen one takes the delta, audited."""
    scoring.recompute_period(campaign.period_by_label("2026"))
    with pytest.raises(UserError, match="open"):
        scoring.add_correction(campaign.period_by_label("2026"), "user", history.x.id, 2,
                               reason="x", actor=history.hr)
    scoring.close_due_periods(today=date(2026, 1, 15))
    period = campaign.period_by_label("2025")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Correction))
    with pytest.raises(UserError, match="reason"):
        scoring.add_correction(period, "user", history.x.id, 2, reason=" ", actor=history.hr)
    with pytest.raises(UserError):
        scoring.add_correction(period, "user", history.x.id, 0, reason="x", actor=history.hr)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Correction)) == before
    scoring.add_correction(period, "user", history.z.id, 2.5, reason="Phúc khảo", actor=history.hr)
    db.session.commit()
    assert total(history.z.id, period) == 2.5
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "correction.add"))
    assert entry.before == {"total": 0.0} and entry.after["total"] == 2.5


def test_the_command_line_recomputes_closes_and_corrects(history, runner):
    """recompute --period, close-periods, a refused recompute (exit 2), correct."""
    result = runner.invoke(args=["emulation", "recompute", "--period", "2025"])
    assert result.exit_code == 0, result.output
    assert total(history.x.id, campaign.period_by_label("2025")) == 35.0
    assert runner.invoke(args=["emulation", "recompute", "--period", "2031"]).exit_code == 2
    result = runner.invoke(args=["emulation", "close-periods", "--today", "15/01/2026"])
    assert result.exit_code == 0 and "2025" in result.output
    result = runner.invoke(args=["emulation", "recompute", "--period", "2025"])
    assert result.exit_code == 2
    result = runner.invoke(args=["emulation", "recompute", "--period", "2025",
                                 "--force-correction", "--reason", "Sửa", "--by", "quantri"])
    assert result.exit_code == 0
    result = runner.invoke(args=["emulation", "correct", "--period", "2025", "--officer", "z",
                                 "--points", "1.5", "--reason", "Phúc khảo", "--by", "quantri"])
    assert result.exit_code == 0, result.output
    assert total(history.z.id, campaign.period_by_label("2025")) == 1.5
    assert runner.invoke(args=["emulation", "incremental"]).exit_code == 0


# -- reading --------------------------------------------------------------------------------------

def test_the_breakdown_lists_the_officers_criteria_in_order(history):
    """Groups and officers' indicators (no units' ones), each with its line or none."""
    period = campaign.period_by_label("2025")
    scoring.recompute_period(period)
    rows = scoring.officer_breakdown(history.x, period)
    assert [r.criterion.code for r in rows] == ["C1", "HOURS", "LAW", "INIT", "C2", "COURSES",
                                                "BONUS", "PEN"]
    criterion, score_line = rows[1]
    assert criterion.code == "HOURS" and score_line.points == 6.0 and rows[1].target == 40
    assert rows[6].line is None and rows[6].points == 0.0
    units = [r.criterion.code for r in scoring.unit_breakdown(history.a, period)]
    assert units == ["C1", "PART", "C2", "MEANH"]


def test_measures_needing_competency_read_levels_and_profiles(history):
    """Levels gained in the period and the position profile met at its end."""
    from lms_core.organisation import operations as org_ops
    from plugins.competency.models import Evidence, PositionRequirement

    position = org_ops.save_position("CV-THUE", "Công chức thuế", "Tax officer")
    org_ops.assign(history.y, history.a, position, start_on=date(2024, 6, 1))
    db.session.add(PositionRequirement(position_id=position.id, competency_code="THUE.01",
                                       required_level=2))
    for level, day in ((1, date(2024, 6, 1)), (2, date(2025, 6, 1))):
        db.session.add(Evidence(user_id=history.y.id, competency_code="THUE.01", level=level,
                                source="assessment", source_ref=f"test:{level}",
                                observed_on=day))
    db.session.add(Evidence(user_id=history.x.id, competency_code="THUE.01", level=2,
                            source="assessment", source_ref="test:x", observed_on=date(2025, 2, 1)))
    db.session.flush()
    period = campaign.period_by_label("2025")
    window = MS.Window(period, {}, scoring.officers_of(period))
    gains = MS.level_gains([history.x.id, history.y.id], window, {})
    assert list(gains) == [history.y.id] and gains[history.y.id][0] == 1.0  # x: a baseline
    met = MS.profile_met([history.x.id, history.y.id], window, {})
    assert met == {history.y.id: (1.0, {"evidence": [gains[history.y.id][1]["evidence"][0]]})}


def test_the_registry_refuses_a_measure_registered_twice(app):
    """Keys are unique."""
    with pytest.raises(ValueError):
        MS.measure("verified_hours", label="x")(lambda *a: {})
    assert {"verified_hours", "courses_completed", "assessments_taken", "level_gains",
            "approved_submissions", "content_authored", "participation_rate",
            "profile_share"} <= set(MS.MEASURES)


def test_receivers_and_jobs_are_declared(app):
    """The plugin connects the statement signal and schedules the two jobs."""
    from lms_core.signals.xapi import statement_stored

    assert (statement_stored, scoring.on_statement_stored) in scoring.RECEIVERS
    assert [j.id for j in scoring.JOBS] == ["emulation.incremental_pass",
                                            "emulation.close_periods"]
    assert scoring.JOBS[0].trigger_args == {"minutes": 15}


@pytest.fixture
def english(app):
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def test_without_the_competency_plugin_its_measures_give_nothing(template_db, tmp_path):
    """The emulation plugin works alone; level gains and profiles then have no value."""
    import shutil

    from lms_core import create_app

    path = tmp_path / "alone.db"
    shutil.copy(template_db, path)
    alone = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                   "LMS_PLUGINS": "emulation"})
    with alone.app_context():
        try:
            assert not MS.get("level_gains").available and MS.get("verified_hours").available
            campaign.ensure_campaign()
            period = campaign.period_by_label("2025")
            window = MS.Window(period, {}, {})
            assert MS.level_gains([1, 2], window, {}) == {}
            assert MS.profile_met([1, 2], window, {}) == {}
        finally:
            db.session.remove()
            db.engine.dispose()
