"""Evidence and the rule that decides an officer's current level (plugins/competency/evidence.py),
case by case as documented in docs/competency-gaps.md."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms_core.errors import UserError
from lms_core.extensions import db

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _competency_loaded(app):
    if "competency" not in app.extensions["lms_plugins"]:
        pytest.skip("the competency plugin is not loaded in this run")


# -- shared helpers (the gap and needs tests use them too) --------------------------------------
def publish_framework(levels: int = 3):
    """A published framework: fields THUE and KTSTQ with their competencies, and a general
    competency CHUNG.01 outside any field."""
    from plugins.competency import frameworks as F

    spec = F.FrameworkSpec("KNL-HQ", "Khung năng lực Hải quan", "Customs competency framework",
                           scale_levels=levels, nodes=[
        F.NodeSpec("THUE", "Thuế xuất nhập khẩu", kind="field", name_en="Import-export tax",
                   field_code="THUE"),
        F.NodeSpec("THUE.01", "Xác định trị giá hải quan", name_en="Customs valuation",
                   parent_code="THUE"),
        F.NodeSpec("THUE.02", "Phân loại hàng hoá", name_en="Tariff classification",
                   parent_code="THUE"),
        F.NodeSpec("KTSTQ", "Kiểm tra sau thông quan", kind="field",
                   name_en="Post-clearance audit", field_code="KTSTQ"),
        F.NodeSpec("KTSTQ.01", "Kiểm tra tại trụ sở người khai", name_en="On-site audit",
                   parent_code="KTSTQ"),
        F.NodeSpec("CHUNG.01", "Pháp luật hải quan", name_en="Customs law"),
    ])
    framework = F.build_framework(spec, version=1, status="published")
    db.session.commit()
    return framework


def require(position, levels: dict[str, int], weights: dict[str, float] | None = None):
    """Set the position's requirements directly and recompute its officers' gaps."""
    from plugins.competency import gaps
    from plugins.competency.models import PositionRequirement

    db.session.execute(sa.delete(PositionRequirement).where(
        PositionRequirement.position_id == position.id))
    for code, level in levels.items():
        db.session.add(PositionRequirement(position_id=position.id, competency_code=code,
                                           required_level=level,
                                           weight=(weights or {}).get(code, 1.0)))
    db.session.flush()
    gaps.recompute_position(position.id)
    db.session.commit()


def add(user, code, level, source="import", ref=None, day=date(2025, 11, 15), **kwargs):
    from plugins.competency import evidence

    piece = evidence.add_evidence(user, code, level, source=source,
                                  source_ref=ref or f"{source}:{code}:{day.isoformat()}",
                                  observed_on=day, **kwargs)
    db.session.commit()
    return piece


def evidence_count() -> int:
    from plugins.competency.models import Evidence

    return db.session.scalar(sa.select(sa.func.count()).select_from(Evidence))


# -- the rule, as a pure function -----------------------------------------------------------------
def P(i, source, level, day):
    from plugins.competency.evidence import Piece

    return Piece(i, source, level, date.fromisoformat(day))


CASES = [
    # (name, pieces, expected level or None, id of the deciding piece)
    ("nothing", [], None, None),
    ("the latest assessment wins, even downwards",
     [("import", 2, "2024-11-16"), ("import", 1, "2025-11-15")], 1, 2),
    ("an assessment and an imported result count alike",
     [("assessment", 3, "2025-03-01"), ("import", 2, "2024-11-16")], 3, 1),
    ("same day: the one recorded last",
     [("assessment", 1, "2025-03-01"), ("assessment", 2, "2025-03-01")], 2, 2),
    ("a course raises the level up to what it declares",
     [("import", 1, "2025-03-01"), ("course", 2, "2025-05-01")], 2, 2),
    ("a course never lowers the level",
     [("import", 2, "2025-03-01"), ("course", 1, "2025-05-01")], 2, 1),
    ("a course before the latest assessment does not count",
     [("course", 2, "2024-05-01"), ("import", 1, "2025-03-01")], 1, 2),
    ("a course on the day of the assessment counts",
     [("import", 1, "2025-03-01"), ("course", 2, "2025-03-01")], 2, 2),
    ("a course alone gives its level",
     [("course", 1, "2025-05-01")], 1, 1),
    ("the highest course wins",
     [("course", 1, "2025-05-01"), ("course", 2, "2025-02-01")], 2, 2),
    ("a rating after the assessment sets the level, upwards",
     [("import", 1, "2025-03-01"), ("rating", 3, "2025-09-01")], 3, 2),
    ("a rating after the assessment sets the level, downwards",
     [("import", 3, "2025-03-01"), ("rating", 2, "2025-09-01")], 2, 2),
    ("a rating before the assessment does not",
     [("rating", 3, "2025-01-01"), ("import", 1, "2025-03-01")], 1, 2),
    ("a rating on the day of the assessment does not",
     [("import", 1, "2025-03-01"), ("rating", 3, "2025-03-01")], 1, 1),
    ("a rating too old stops counting",
     [("import", 1, "2023-01-01"), ("rating", 3, "2024-06-01")], 1, 1),
    ("a rating alone, still young",
     [("rating", 2, "2025-06-01")], 2, 1),
    ("a rating alone, too old: nothing counts",
     [("rating", 2, "2024-06-01")], None, None),
    ("a course after the rating that set the level raises it",
     [("import", 1, "2025-01-01"), ("rating", 1, "2025-06-01"), ("course", 2, "2025-09-01")],
     2, 3),
    ("a course between the assessment and a younger rating does not count",
     [("import", 1, "2025-01-01"), ("course", 2, "2025-03-01"), ("rating", 1, "2025-06-01")],
     1, 3),
    ("when the rating has expired, courses after the assessment count again",
     [("import", 1, "2023-01-01"), ("course", 2, "2023-06-01"), ("rating", 1, "2024-01-01")],
     2, 2),
    ("a rating in the future does not count yet",
     [("import", 1, "2025-01-01"), ("rating", 3, "2026-07-01")], 1, 1),
]


@pytest.mark.parametrize(("name", "pieces", "level", "deciding"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_rule_decides_the_level(name, pieces, level, deciding):
    """Each documented case of the rule gives the level and names the evidence deciding it."""
    from plugins.competency.evidence import decide

    found = decide([P(i, *p) for i, p in enumerate(pieces, start=1)], on=TODAY,
                   max_age_days=730)
    assert (found.level if found else None) == level
    assert (found.id if found else None) == deciding


def test_a_rating_counts_until_the_day_it_reaches_the_maximum_age():
    """730 days: a rating 729 days old counts, one 730 days old does not."""
    from plugins.competency.evidence import decide

    base = P(1, "import", 1, "2023-01-01")
    young = P(2, "rating", 3, (TODAY - timedelta(days=729)).isoformat())
    old = P(2, "rating", 3, (TODAY - timedelta(days=730)).isoformat())
    assert decide([base, young], on=TODAY, max_age_days=730).level == 3
    assert decide([base, old], on=TODAY, max_age_days=730).level == 1


# -- recording evidence -----------------------------------------------------------------------
@pytest.fixture
def officer(app, make_unit, make_position, make_user):
    publish_framework()
    unit = make_unit("DOI-KT")
    position = make_position("KTSTQ-KT")
    user = make_user("thuha", unit=unit, position=position)
    require(position, {"KTSTQ.01": 2, "CHUNG.01": 1})
    return user


def test_evidence_sets_the_level_and_the_gap(officer):
    """Recording an imported result updates the officer's level and the gap at once."""
    from plugins.competency import evidence, gaps
    from plugins.competency.models import OfficerLevel

    assert {g.competency_code: g.gap for g in gaps.user_gaps(officer)} == {
        "KTSTQ.01": 2, "CHUNG.01": 1}
    piece = add(officer, "KTSTQ.01", 1)
    assert evidence.current_levels(officer) == {"KTSTQ.01": 1}
    row = db.session.get(OfficerLevel, (officer.id, "KTSTQ.01"))
    assert row.evidence_id == piece.id
    assert {g.competency_code: (g.achieved_level, g.gap) for g in gaps.user_gaps(officer)} == {
        "KTSTQ.01": (1, 1), "CHUNG.01": (0, 1)}


def test_a_later_assessment_lowers_the_level(officer):
    """The latest assessment sets the level, even below an earlier one."""
    from plugins.competency import evidence

    add(officer, "KTSTQ.01", 2, day=date(2024, 11, 16))
    add(officer, "KTSTQ.01", 1, source="assessment", ref="sitting:1", day=date(2025, 11, 15))
    assert evidence.current_levels(officer)["KTSTQ.01"] == 1


def test_levels_changed_is_sent_with_the_codes(officer):
    """A change of level sends levels_changed for the officer with the codes changed."""
    from plugins.competency import signals

    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender.id, kwargs["codes"]))

    signals.levels_changed.connect(receiver)
    try:
        add(officer, "KTSTQ.01", 1, day=date(2024, 11, 16))
        add(officer, "KTSTQ.01", 1, ref="import:again", day=date(2025, 11, 15))
    finally:
        signals.levels_changed.disconnect(receiver)
    assert seen == [(officer.id, ["KTSTQ.01"])]  # the second piece changed nothing


@pytest.mark.parametrize(("code", "level", "source", "day", "message"), [
    ("NOPE.01", 1, "import", date(2025, 1, 1), "NOPE.01"),
    ("THUE", 1, "import", date(2025, 1, 1), "THUE"),  # a field, not a competency
    ("KTSTQ.01", 4, "import", date(2025, 1, 1), "KTSTQ.01"),
    ("KTSTQ.01", -1, "import", date(2025, 1, 1), "KTSTQ.01"),
    ("KTSTQ.01", 1, "gossip", date(2025, 1, 1), "gossip"),
    ("KTSTQ.01", 1, "import", date(2099, 1, 1), None),
])
def test_bad_evidence_is_refused_and_changes_nothing(officer, code, level, source, day, message):
    """Unknown code, level outside 0..3, unknown source, future date: refused, nothing stored."""
    from plugins.competency import evidence

    with pytest.raises(UserError) as caught:
        evidence.add_evidence(officer, code, level, source=source, source_ref="x:1",
                              observed_on=day)
    if message:
        assert message in str(caught.value)
    db.session.rollback()
    assert evidence_count() == 0
    assert evidence.current_levels(officer) == {}


def test_the_same_reference_counts_once(officer):
    """A second piece with the same officer, code, source and reference is refused."""
    from plugins.competency import evidence

    add(officer, "KTSTQ.01", 1, ref="import:ket-qua-2025.csv:7")
    with pytest.raises(UserError):
        evidence.add_evidence(officer, "KTSTQ.01", 2, source="import",
                              source_ref="import:ket-qua-2025.csv:7", observed_on=date(2025, 12, 1))
    db.session.rollback()
    assert evidence_count() == 1
    assert evidence.current_levels(officer) == {"KTSTQ.01": 1}


def test_level_zero_is_a_result(officer):
    """An assessment below level 1 is recorded as level 0."""
    from plugins.competency import evidence

    add(officer, "KTSTQ.01", 0, source="assessment", ref="sitting:9")
    assert evidence.current_levels(officer) == {"KTSTQ.01": 0}


def test_nothing_is_recorded_without_a_published_framework(app, make_user):
    """With no framework published, evidence is refused."""
    from plugins.competency import evidence

    user = make_user("lan")
    with pytest.raises(UserError):
        evidence.add_evidence(user, "KTSTQ.01", 1, source="import", source_ref="x:1",
                              observed_on=date(2025, 1, 1))
    assert evidence_count() == 0


def test_the_maximum_age_of_ratings_is_a_setting(app, officer):
    """COMPETENCY_RATING_MAX_AGE_DAYS decides when a rating stops counting."""
    from plugins.competency import evidence

    today = evidence.today()
    add(officer, "KTSTQ.01", 1, day=today - timedelta(days=400))
    add(officer, "KTSTQ.01", 3, source="rating", ref="rating:1", day=today - timedelta(days=100))
    assert evidence.rating_max_age_days() == 730  # the default
    assert evidence.current_levels(officer)["KTSTQ.01"] == 3
    app.config["COMPETENCY_RATING_MAX_AGE_DAYS"] = 90
    evidence.recompute_officer(officer)
    assert evidence.current_levels(officer)["KTSTQ.01"] == 1


def test_refresh_recomputes_levels_computed_before_the_rating_expired(officer, app):
    """Levels computed while a rating counted are recomputed once it has expired."""
    from plugins.competency import evidence, gaps
    from plugins.competency.models import OfficerLevel

    today = evidence.today()
    add(officer, "KTSTQ.01", 1, day=today - timedelta(days=800))
    add(officer, "KTSTQ.01", 2, source="rating", ref="rating:1", day=today - timedelta(days=20))
    # The level row was computed a long time ago, while the rating counted.
    db.session.execute(sa.update(OfficerLevel).values(updated_at=evidence.utcnow()
                                                      - timedelta(days=3000)))
    app.config["COMPETENCY_RATING_MAX_AGE_DAYS"] = 10
    assert evidence.refresh_expired_ratings() == 1
    db.session.commit()
    assert evidence.current_levels(officer)["KTSTQ.01"] == 1
    assert {g.competency_code: g.gap for g in gaps.user_gaps(officer)}["KTSTQ.01"] == 1
    assert evidence.refresh_expired_ratings() == 0  # done: not picked again


# -- course completions ---------------------------------------------------------------------------
def _complete(user, course):
    from lms_core.courses import delivery as d
    from tests.core.test_delivery import _answers

    version = course.published_version
    enrolment = d.enrol(user, course)
    lessons = version.lessons
    for lesson in lessons[:2]:
        d.complete_lesson(enrolment, lesson)
    attempt = d.start_attempt(enrolment, lessons[2])
    d.submit_attempt(attempt, _answers(attempt, lessons[2]))
    d.check_completion(enrolment)
    db.session.commit()
    return enrolment


def test_a_completed_course_is_evidence_at_its_declared_level(officer, make_course):
    """Completing a course that declares KTSTQ.01 level 1 records course evidence and the level."""
    from plugins.competency import evidence, gaps

    course = make_course("KTSTQ-101")
    enrolment = _complete(officer, course)
    assert enrolment.completed_at is not None
    pieces = evidence.evidence_of(officer)
    assert [(p.competency_code, p.level, p.source, p.source_ref) for p in pieces] == [
        ("KTSTQ.01", 1, "course", "course:KTSTQ-101")]
    assert pieces[0].observed_on == evidence._local_date(enrolment.completed_at)
    assert evidence.current_levels(officer) == {"KTSTQ.01": 1}
    assert {g.competency_code: g.gap for g in gaps.user_gaps(officer)}["KTSTQ.01"] == 1


def test_a_course_does_not_lower_a_higher_level(officer, make_course):
    """An officer at level 2 stays at 2 after a course that declares level 1."""
    from plugins.competency import evidence

    add(officer, "KTSTQ.01", 2, day=date(2025, 11, 15))
    _complete(officer, make_course("KTSTQ-101"))
    assert evidence.current_levels(officer) == {"KTSTQ.01": 2}
    assert evidence_count() == 2


def test_a_course_with_an_unknown_competency_completes_without_evidence(app, make_unit,
                                                                       make_position, make_user,
                                                                       make_course):
    """With no framework published, completing a course still works and records nothing."""
    user = make_user("minh", unit=make_unit("DOI-X"), position=make_position("CV-X"))
    enrolment = _complete(user, make_course("KTSTQ-101"))
    assert enrolment.completed_at is not None
    assert evidence_count() == 0
