"""Public read functions the plugins use instead of querying core tables: course completions,
declared competencies, course titles, completed codes, enrolment states and counts, and the
published catalogue's state (lms_core.courses.catalogue); current assignments and units by id
(lms_core.organisation.queries)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lms_core.courses import catalogue as cat
from lms_core.courses import delivery as d
from lms_core.courses import operations as course_ops
from lms_core.extensions import db
from lms_core.organisation import operations as org_ops
from lms_core.organisation import queries as q


def completed(user, course, at: datetime):
    """``user`` completed ``course`` at ``at`` (naive UTC), written directly."""
    enrolment = d.enrol(user, course)
    enrolment.completed_at = at
    enrolment.status = "completed"
    db.session.commit()
    return enrolment


@pytest.fixture
def courses(make_course, make_user):
    """TEST-101 and TEST-102 (each declaring KTSTQ.01 level 1); an completed both, binh
    completed TEST-102 only, chi enrolled in TEST-101 without completing it."""
    c1, c2 = make_course("TEST-101"), make_course("TEST-102")
    an, binh, chi = make_user("an"), make_user("binh"), make_user("chi")
    completed(an, c1, datetime(2025, 3, 1, 3))
    completed(an, c2, datetime(2025, 6, 1, 3))
    completed(binh, c2, datetime(2025, 2, 1, 3))
    d.enrol(chi, c1)
    db.session.commit()
    return {"c1": c1, "c2": c2, "an": an, "binh": binh, "chi": chi}


def test_completions_lists_every_completed_enrolment(courses):
    """By course code, then officer; an enrolment not completed is left out."""
    rows = cat.completions()
    an, binh = courses["an"], courses["binh"]
    assert [(r.course_code, r.user_id) for r in rows] == [
        ("TEST-101", an.id), ("TEST-102", an.id), ("TEST-102", binh.id)]
    first = rows[0]
    assert first.course_id == courses["c1"].id
    assert first.version_id == courses["c1"].published_version_id
    assert first.completed_at == datetime(2025, 3, 1, 3)


def test_completions_of_some_courses_or_since_a_moment(courses):
    """``codes`` (any case) and ``since`` narrow the list; an unknown code matches nothing."""
    assert {r.course_code for r in cat.completions(codes=["test-102"])} == {"TEST-102"}
    assert cat.completions(codes=["NOPE-1"]) == []
    late = cat.completions(since=datetime(2025, 3, 1, 3))
    assert [(r.course_code, r.user_id) for r in late] == [
        ("TEST-101", courses["an"].id), ("TEST-102", courses["an"].id)]


def test_declared_competencies_by_version(courses):
    """Each version's competencies with their level; unknown versions are absent."""
    v1 = courses["c1"].published_version_id
    assert cat.declared_competencies([v1, v1, 999_999]) == {v1: {"KTSTQ.01": 1}}
    assert cat.declared_competencies([]) == {}


def test_completed_codes_of_an_officer(courses):
    assert cat.completed_codes(courses["an"]) == {"TEST-101", "TEST-102"}
    assert cat.completed_codes(courses["chi"]) == set()


def test_course_titles_also_of_courses_no_longer_published(courses, make_user):
    """The published title (not a newer draft's); an archived course's newest title."""
    c1, c2 = courses["c1"], courses["c2"]
    draft = course_ops.start_new_version(c1, make_user("tacgia"))
    draft.title_vi = "Tên mới chưa xuất bản"
    course_ops.archive(c2)
    db.session.commit()
    titles = cat.course_titles(["test-101", "TEST-102", "NOPE-1"], lang="vi")
    assert titles == {"TEST-101": "Khoá học thử TEST-101", "TEST-102": "Khoá học thử TEST-102"}
    assert cat.course_titles(["TEST-101"], lang="en") == {"TEST-101": "Test course TEST-101"}
    assert cat.course_titles(["TEST-101"]) == {"TEST-101": "Khoá học thử TEST-101"}
    assert cat.course_titles([]) == {}


def test_enrolment_states_of_many_officers(courses, make_user):
    """Each officer's enrolments, light: completed or not, with the due date; officers
    without enrolments are absent."""
    an, chi = courses["an"], courses["chi"]
    nobody = make_user("khong")
    states = cat.enrolment_states([an.id, chi.id, nobody.id, an.id])
    assert set(states) == {an.id, chi.id}
    assert [(e.course_id, e.completed_at) for e in states[an.id]] == [
        (courses["c1"].id, datetime(2025, 3, 1, 3)), (courses["c2"].id, datetime(2025, 6, 1, 3))]
    assert [(e.course_id, e.completed_at, e.due_on) for e in states[chi.id]] == [
        (courses["c1"].id, None, None)]
    assert cat.enrolment_states([]) == {}


def test_enrolment_counts_per_course(courses):
    assert cat.enrolment_counts() == {courses["c1"].id: 2, courses["c2"].id: 2}


def test_the_published_state_changes_when_the_catalogue_does(courses, make_user):
    """Publishing a new version or archiving a course changes the key; a draft does not."""
    before = cat.published_state()
    assert before[0] == 2
    draft = course_ops.start_new_version(courses["c1"], make_user("tacgia"))
    db.session.commit()
    assert cat.published_state() == before
    course_ops.archive(courses["c2"])
    db.session.commit()
    assert cat.published_state()[0] == 1
    assert draft.status == "draft"


@pytest.fixture
def people(make_unit, make_position, make_user):
    """Two teams; an (with a position), binh (without), chi rotated into team B, dung who
    left the service."""
    branch = make_unit("KV03", kind="branch")
    team_a, team_b = make_unit("KV03-D1", parent=branch), make_unit("KV03-D2", parent=branch)
    audit, tax = make_position("KTSTQ-KT"), make_position("THUE-TG")
    an = make_user("an", unit=team_a, position=audit)
    binh = make_user("binh", unit=team_a)
    chi = make_user("chi", unit=team_a, position=audit)
    org_ops.assign(chi, team_b, tax, start_on=date(2025, 7, 1), kind="rotation")
    dung = make_user("dung", unit=team_b, position=tax)
    org_ops.end_assignment(dung, on=date(2025, 9, 1))
    db.session.commit()
    return {"an": an, "binh": binh, "chi": chi, "dung": dung, "team_a": team_a,
            "team_b": team_b, "audit": audit, "tax": tax}


def test_current_assignments_one_per_officer_still_serving(people):
    """The assignment with no end of each officer; one who left is not there."""
    rows = q.current_assignments()
    by_user = {a.user_id: a for a in rows}
    assert set(by_user) == {people[n].id for n in ("an", "binh", "chi")}
    assert len(rows) == 3
    assert by_user[people["chi"].id].unit_id == people["team_b"].id
    assert by_user[people["chi"].id].kind == "rotation"


def test_current_assignments_by_position_kind_or_with_a_position(people):
    assert [a.user_id for a in q.current_assignments(position_id=people["audit"].id)] == [
        people["an"].id]
    assert [a.user_id for a in q.current_assignments(kind="rotation")] == [people["chi"].id]
    assert {a.user_id for a in q.current_assignments(with_position=True)} == {
        people["an"].id, people["chi"].id}


def test_current_assignments_leave_out_dissolved_units(people, make_unit, make_user):
    """After a merge the members count in the target; an assignment left open in a
    dissolved unit (old data) is not current."""
    old = make_unit("KV03-D9", parent=people["team_a"])
    em = make_user("em", unit=old)
    org_ops.merge_units([old], people["team_a"], on=date(2025, 10, 1))
    stale = make_unit("KV03-D8", parent=people["team_a"])
    giang = make_user("giang", unit=stale)
    stale.dissolved_on = date(2025, 10, 1)
    db.session.commit()
    current = {a.user_id: a.unit_id for a in q.current_assignments()}
    assert current[em.id] == people["team_a"].id
    assert giang.id not in current


def test_units_by_ids(people):
    a, b = people["team_a"], people["team_b"]
    assert q.units_by_ids([a.id, b.id, a.id, None, 999_999]) == {a.id: a, b.id: b}
    assert q.units_by_ids([]) == {}
