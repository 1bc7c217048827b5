"""The learner's pages: catalogue search and filters, course page, enrolment, assignment by HR
and unit heads, My learning with the hours of verified study this year."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import render_template

from lms_core.courses import catalogue as cat
from lms_core.courses import delivery as d
from lms_core.courses import operations as course_ops
from lms_core.courses.models import Enrolment
from lms_core.courses.package import import_package, open_package
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.organisation import operations as org_ops
from lms_core.text import fold
from lms_core.xapi.models import Statement
from tests.conftest import write_package
from tests.core.test_delivery import _answers


@pytest.fixture(autouse=True)
def other_pages(app):
    """The player and the certificate download are built elsewhere: stand-ins until then."""
    if "player.resume" not in app.view_functions:
        app.add_url_rule("/learn/<code>", "player.resume", lambda code: code)
    if "reports.certificate_pdf" not in app.view_functions:
        app.add_url_rule("/certificates/<code>.pdf", "reports.certificate_pdf", lambda code: code)


@pytest.fixture
def course_factory(app, tmp_path):
    """``course_factory(code, title=..., field=..., positions=..., competencies=...,
    hours=..., publish=True)`` -> Course imported from a package with that metadata."""

    def make(code, title=None, *, description="Mô tả ngắn", field=None, positions=(),
             competencies=(("KTSTQ.01", 1),), hours=1, tags=("nghiep-vu",), publish=True,
             prerequisites=()):
        folder = write_package(tmp_path / "packages", code, prerequisites=prerequisites)
        path = folder / "course.yaml"
        text = path.read_text(encoding="utf-8")
        title = title or f"Khoá học {code}"
        text = text.replace(f'title: {{vi: "Khoá học thử {code}", en: "Test course {code}"}}',
                            f'title: {{vi: "{title}", en: "Course {code}"}}')
        text = text.replace('description: {vi: "Mô tả khoá học về thuế xuất khẩu", '
                            'en: "About export duties"}',
                            f'description: {{vi: "{description}", en: "About {code}"}}')
        extra = f"tags: [{', '.join(tags)}]\n"
        if field:
            extra += f"field: {field}\n"
        if positions:
            extra += f"target_positions: [{', '.join(positions)}]\n"
        text = text.replace("tags: [nghiep-vu]\n", extra)
        text = text.replace(
            "competencies:\n  - {code: KTSTQ.01, level: 1}\n",
            "competencies:\n" + "".join(f"  - {{code: {c}, level: {lv}}}\n"
                                        for c, lv in competencies))
        text = text.replace("estimated_hours: 1\n", f"estimated_hours: {hours}\n")
        path.write_text(text, encoding="utf-8")
        result = import_package(open_package(folder))
        if publish:
            course_ops.publish(result.version)
        db.session.commit()
        return result.version.course

    return make


def enrolments_of(user):
    return db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == user.id)).all()


def in_a_month() -> date:
    return date.today() + timedelta(days=30)


# -- search -------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["thue xuat khau", "THUE XUAT KHAU", "Thuế xuất khẩu",
                                   "thuế XUẤT khẩu", "  xuat   khau  "])
def test_search_ignores_accents_and_case(auth, make_user, course_factory, client, query):
    """`thue xuat khau` finds the course titled “Thuế xuất khẩu”, whatever the case."""
    course_factory("XK-101", "Thuế xuất khẩu cơ bản")
    course_factory("KT-101", "Kiểm tra sau thông quan")
    make_user("hoa")
    auth.login("hoa")
    page = client.get("/courses", query_string={"q": query}).get_data(as_text=True)
    assert "Thuế xuất khẩu cơ bản" in page and "XK-101" in page
    assert "Kiểm tra sau thông quan" not in page


def test_every_word_of_the_query_must_match(course_factory):
    """Words are ANDed: each must occur somewhere in the course."""
    course_factory("XK-101", "Thuế xuất khẩu cơ bản")
    course_factory("KT-101", "Kiểm tra sau thông quan", tags=("thue", "kiem-tra"))
    codes = lambda q: [v.course.code for v in cat.search_courses(q).versions]  # noqa: E731
    assert codes("thue co ban") == ["XK-101"]
    assert codes("kiem thue") == ["KT-101"]  # the tag holds the second word
    assert codes("thue xuat quan") == []
    assert sorted(codes("thue")) == ["KT-101", "XK-101"]
    assert sorted(codes("")) == ["KT-101", "XK-101"]


def test_search_text_with_like_wildcards_is_taken_literally(course_factory):
    """A % or _ in the query is a character, not a wildcard."""
    course_factory("XK-101", "Thuế xuất khẩu")
    assert cat.search_courses("%").total == 0
    assert cat.search_courses("_").total == 0


@pytest.fixture
def two_courses(app, course_factory, make_position):
    """GS-101: supervision field, GS.01 level 1, position GSV, 1 hour; TH-201: tax field,
    TH.02 level 2, position TTV, 8 hours."""
    supervision = org_ops.save_field("GSQL", "Giám sát quản lý", "Supervision")
    tax = org_ops.save_field("THUE", "Thuế xuất nhập khẩu", "Import-export tax")
    db.session.commit()
    make_position("GSV", "Công chức giám sát", field=supervision)
    make_position("TTV", "Công chức thuế", field=tax)
    course_factory("GS-101", "Giám sát hải quan", field="GSQL", positions=("GSV",),
                   competencies=(("GS.01", 1),), hours=1)
    course_factory("TH-201", "Trị giá hải quan", field="THUE", positions=("TTV",),
                   competencies=(("TH.02", 2), ("GS.01", 3)), hours=8)


@pytest.mark.parametrize("args,expected", [
    ({}, ["GS-101", "TH-201"]),
    ({"field": "GSQL"}, ["GS-101"]),
    ({"field": "thue"}, ["TH-201"]),
    ({"field": "NONE"}, []),
    ({"competency": "TH.02"}, ["TH-201"]),
    ({"competency": "GS.01"}, ["GS-101", "TH-201"]),
    ({"level": "2"}, ["TH-201"]),
    ({"competency": "GS.01", "level": "1"}, ["GS-101"]),
    ({"competency": "GS.01", "level": "2"}, []),
    ({"position": "GSV"}, ["GS-101"]),
    ({"position": "TTV"}, ["TH-201"]),
    ({"hours": "2"}, ["GS-101"]),
    ({"hours": "8"}, ["GS-101", "TH-201"]),
    ({"field": "THUE", "q": "gia"}, ["TH-201"]),
    ({"field": "THUE", "q": "giam sat"}, []),
])
def test_each_filter(two_courses, make_user, auth, client, args, expected):
    """Field, competency, level, position and duration narrow the list, combined with the words."""
    make_user("hoa")
    auth.login("hoa")
    page = client.get("/courses", query_string=args).get_data(as_text=True)
    shown = [code for code in ("GS-101", "TH-201") if f'course-code">{code}<' in page]
    assert shown == expected


def test_courses_for_my_position_is_off_by_default(two_courses, make_user, make_unit, auth,
                                                   client):
    """The "my position" filter shows the courses targeting the officer's current position."""
    from lms_core.organisation.queries import position_by_code

    team = make_unit("DOI1")
    make_user("hoa", unit=team, position=position_by_code("TTV"))
    auth.login("hoa")
    everything = client.get("/courses").get_data(as_text=True)
    assert "GS-101" in everything and "TH-201" in everything
    mine = client.get("/courses?mine=1").get_data(as_text=True)
    assert "TH-201" in mine and 'course-code">GS-101<' not in mine


def test_my_position_without_a_position_says_so(two_courses, make_user, auth, client):
    """An officer with no recorded position is told why the filter shows nothing."""
    make_user("hoa")
    auth.login("hoa")
    page = client.get("/courses?mine=1").get_data(as_text=True)
    assert "Bạn chưa được ghi nhận vị trí việc làm" in page


def test_results_come_in_pages(course_factory):
    """Pages hold ``per_page`` results in title order; a page past the end gives the last."""
    for code, title in (("C-1", "An toàn"), ("C-2", "Biên giới"), ("C-3", "Cảng biển")):
        course_factory(code, title)
    first = cat.search_courses("", per_page=2)
    assert (first.total, first.pages) == (3, 2)
    assert [v.course.code for v in first.versions] == ["C-1", "C-2"]
    last = cat.search_courses("", per_page=2, page=9)
    assert last.page == 2 and [v.course.code for v in last.versions] == ["C-3"]


def test_a_result_shows_title_code_field_hours_tags_and_competencies(two_courses, make_user,
                                                                     auth, client):
    """A result card carries what an officer needs to choose a course."""
    make_user("hoa")
    auth.login("hoa")
    page = client.get("/courses?q=tri+gia").get_data(as_text=True)
    assert "Trị giá hải quan" in page and "TH-201" in page
    assert "Thuế xuất nhập khẩu" in page  # the field
    assert "8 giờ" in page
    assert "#nghiep-vu" in page
    assert "TH.02, cấp độ 2" in page and "GS.01, cấp độ 3" in page


def test_english_titles_in_english(course_factory, make_user, auth, client):
    """The title follows the user's language."""
    course_factory("XK-101", "Thuế xuất khẩu")
    make_user("hoa")
    auth.login("hoa")
    client.post("/lang/en")
    page = client.get("/courses").get_data(as_text=True)
    assert "Course XK-101" in page and "Thuế xuất khẩu" not in page


# -- only published versions --------------------------------------------------------------------
def test_drafts_and_archived_courses_are_not_offered(course_factory, make_user, auth, client):
    """A draft and an archived course appear neither in the list nor as a course page."""
    course_factory("PUB-1", "Khoá đã xuất bản")
    course_factory("DRAFT-1", "Khoá nháp", publish=False)
    old = course_factory("OLD-1", "Khoá đã lưu trữ")
    course_ops.archive(old)
    db.session.commit()
    make_user("hoa")
    auth.login("hoa")
    page = client.get("/courses").get_data(as_text=True)
    assert "Khoá đã xuất bản" in page
    assert "Khoá nháp" not in page and "Khoá đã lưu trữ" not in page
    assert client.get("/courses/DRAFT-1").status_code == 404
    assert client.get("/courses/OLD-1").status_code == 404
    assert client.get("/courses/NOPE-9").status_code == 404
    assert [v.course.code for v in cat.search_courses("khoa").versions] == ["PUB-1"]


def test_a_new_version_replaces_the_old_one_in_the_catalogue(course_factory, make_user, auth,
                                                             client):
    """After a new version is published the course is listed once, with the new title."""
    course = course_factory("XK-101", "Thuế xuất khẩu")
    author = make_user("author", roles=(R.AUTHOR,))
    draft = course_ops.start_new_version(course, author)
    draft.title_vi = "Thuế xuất khẩu (sửa đổi 2025)"
    draft.search_text = fold(f"XK-101 {draft.title_vi} {draft.title_en}")
    db.session.commit()
    make_user("hoa")
    auth.login("hoa")
    assert "sửa đổi 2025" not in client.get("/courses").get_data(as_text=True)  # a draft
    course_ops.publish(draft)
    db.session.commit()
    page = client.get("/courses?q=thue").get_data(as_text=True)
    assert page.count('course-code">XK-101<') == 1
    assert "Thuế xuất khẩu (sửa đổi 2025)" in page
    assert cat.search_courses("thue").total == 1


# -- course page and enrolment ------------------------------------------------------------------
def test_enrolling_from_the_course_page(course_factory, make_user, auth, client):
    """The course page shows modules and lessons; Enrol creates the enrolment and the button
    becomes Continue, a link to the player."""
    course_factory("XK-101", "Thuế xuất khẩu", description="Nội dung **quan trọng**")
    user = make_user("hoa")
    auth.login("hoa")
    page = client.get("/courses/xk-101").get_data(as_text=True)
    assert "<strong>quan trọng</strong>" in page
    assert "Chương 1" in page and "Quy trình" in page and "Bài kiểm tra" in page
    assert "10 phút" in page and "KTSTQ.01, cấp độ 1" in page
    assert 'action="/courses/XK-101/enrol"' in page and "/learn/XK-101" not in page
    response = client.post("/courses/XK-101/enrol")
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/XK-101")
    [enrolment] = enrolments_of(user)
    assert enrolment.source == "self" and enrolment.course.code == "XK-101"
    page = client.get("/courses/XK-101").get_data(as_text=True)
    assert 'href="/learn/XK-101"' in page and "Tiếp tục học" in page
    assert 'action="/courses/XK-101/enrol"' not in page
    assert "Đã đăng ký" in client.get("/courses").get_data(as_text=True)


def test_missing_prerequisites_are_named_and_nothing_is_created(course_factory, make_user, auth,
                                                                client):
    """Self-enrolment in a course whose prerequisite is not completed is refused by name."""
    course_factory("A-101", "Khoá cơ sở")
    course_factory("B-201", "Khoá nâng cao", prerequisites=["A-101"])
    user = make_user("hoa")
    auth.login("hoa")
    page = client.get("/courses/B-201").get_data(as_text=True)
    assert "A-101" in page and "Chưa học" in page
    assert 'action="/courses/B-201/enrol"' not in page
    response = client.post("/courses/B-201/enrol", follow_redirects=True)
    assert "Cần hoàn thành trước các khoá học: A-101." in response.get_data(as_text=True)
    assert enrolments_of(user) == []


def test_prerequisite_status_follows_the_learner(course_factory, make_user, auth, client):
    """A prerequisite in progress shows as such."""
    first = course_factory("A-101", "Khoá cơ sở")
    course_factory("B-201", "Khoá nâng cao", prerequisites=["A-101"])
    user = make_user("hoa")
    d.enrol(user, first)
    db.session.commit()
    auth.login("hoa")
    assert "Đang học" in client.get("/courses/B-201").get_data(as_text=True)


def test_enrolling_twice_changes_nothing(course_factory, make_user, auth, client):
    """The second enrolment is refused with a message; one enrolment, one statement."""
    course_factory("XK-101")
    user = make_user("hoa")
    auth.login("hoa")
    client.post("/courses/XK-101/enrol")
    statements = db.session.scalar(sa.select(sa.func.count(Statement.id)))
    response = client.post("/courses/XK-101/enrol", follow_redirects=True)
    assert "Bạn đã đăng ký khoá học này." in response.get_data(as_text=True)
    assert len(enrolments_of(user)) == 1
    assert db.session.scalar(sa.select(sa.func.count(Statement.id))) == statements


def test_enrolling_in_an_unpublished_or_unknown_course_is_not_found(course_factory, make_user,
                                                                    auth, client):
    """An unpublished course cannot be joined: a clear 404, nothing created."""
    course_factory("DRAFT-1", publish=False)
    user = make_user("hoa")
    auth.login("hoa")
    response = client.post("/courses/DRAFT-1/enrol")
    assert response.status_code == 404
    assert "Khoá học này chưa mở đăng ký." in response.get_data(as_text=True)
    assert client.post("/courses/NOPE-1/enrol").status_code == 404
    assert enrolments_of(user) == []


def test_a_learner_keeps_the_page_of_a_withdrawn_course(course_factory, make_user, auth, client):
    """After the course is archived, an enrolled learner still sees it and can continue."""
    course = course_factory("XK-101")
    user = make_user("hoa")
    d.enrol(user, course)
    course_ops.archive(course)
    db.session.commit()
    auth.login("hoa")
    page = client.get("/courses/XK-101").get_data(as_text=True)
    assert "/learn/XK-101" in page
    assert client.post("/courses/XK-101/enrol").status_code == 404


# -- assignment ---------------------------------------------------------------------------------
@pytest.fixture
def org_tree(make_unit, make_user):
    """Branch BR with teams T1 (and T1A below it) and T2; an officer in each, one in OUT."""
    branch = make_unit("BR", kind="branch")
    t1 = make_unit("T1", parent=branch)
    t1a = make_unit("T1A", parent=t1)
    t2 = make_unit("T2", parent=branch)
    out = make_unit("OUT", kind="branch")
    people = {
        "in_t1": make_user("in_t1", unit=t1),
        "in_t1a": make_user("in_t1a", unit=t1a),
        "in_t2": make_user("in_t2", unit=t2),
        "in_br": make_user("in_br", unit=branch),
        "outside": make_user("outside", unit=out),
    }
    return {"BR": branch, "T1": t1, "T1A": t1a, "T2": t2, "OUT": out, **people}


def test_hr_assigns_a_course_to_a_whole_unit(course_factory, org_tree, make_user, auth, client):
    """Every officer currently in the unit's subtree gets an assigned enrolment with the due
    date; nobody else does."""
    course_factory("XK-101")
    make_user("hr", roles=(R.OFFICER, R.HR_ADMIN))
    auth.login("hr")
    assert client.get("/courses/XK-101/assign").status_code == 200
    due = in_a_month()
    response = client.post("/courses/XK-101/assign",
                           data={"unit": "BR", "due_on": due.strftime("%d/%m/%Y")})
    assert response.status_code == 200
    assert "4 cán bộ, công chức đã được giao khoá học." in response.get_data(as_text=True)
    for name in ("in_t1", "in_t1a", "in_t2", "in_br"):
        [enrolment] = enrolments_of(org_tree[name])
        assert enrolment.source == "assigned" and enrolment.due_on == due
    assert enrolments_of(org_tree["outside"]) == []


def test_an_assigned_course_shows_its_due_date_to_the_officer(course_factory, org_tree,
                                                              make_user, auth, client):
    """The catalogue badge reads "Assigned, due dd/mm/yyyy"."""
    course = course_factory("XK-101")
    hr = make_user("hr", roles=(R.OFFICER, R.HR_ADMIN))
    due = in_a_month()
    cat.assign_course(course, hr, due_on=due, codes=["IN_T1"])
    db.session.commit()
    auth.login("in_t1")
    page = client.get("/courses").get_data(as_text=True)
    assert f"Được giao, hạn {due.strftime('%d/%m/%Y')}" in page


def test_a_unit_head_assigns_only_within_their_subtree(course_factory, org_tree, make_user,
                                                       auth, client):
    """Codes of officers outside the head's units are refused with the reason, and nothing is
    created for them; another unit's page is forbidden."""
    course_factory("XK-101")
    make_user("head", heads=org_tree["T1"], unit=org_tree["T1"])
    auth.login("head")
    page = client.get("/courses/XK-101/assign").get_data(as_text=True)
    assert "T1A" in page and 'value="T2"' not in page
    due = in_a_month().strftime("%d/%m/%Y")
    response = client.post("/courses/XK-101/assign", data={
        "codes": "in_t1a\nOUTSIDE\n\nnobody-here\n", "due_on": due})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 cán bộ, công chức đã được giao khoá học." in text
    assert "OUTSIDE" in text and "Không thuộc các đơn vị do bạn phụ trách." in text
    assert "NOBODY-HERE" in text and "Không có cán bộ, công chức nào mang mã này." in text
    assert len(enrolments_of(org_tree["in_t1a"])) == 1
    assert enrolments_of(org_tree["outside"]) == []
    assert client.get("/courses/XK-101/assign?unit=T2").status_code == 403
    response = client.post("/courses/XK-101/assign", data={"unit": "T2", "due_on": due})
    assert response.status_code == 403
    assert enrolments_of(org_tree["in_t2"]) == []
    response = client.post("/courses/XK-101/assign", data={"unit": "T1", "due_on": due})
    # in_t1, in_t1a (already assigned: new due date) and the head, who works in T1 too
    assert "3 cán bộ, công chức đã được giao khoá học." in response.get_data(as_text=True)


def test_an_officer_cannot_assign(course_factory, org_tree, auth, client):
    """Assignment is for HR administrators and unit heads."""
    course_factory("XK-101")
    auth.login("in_t1")
    assert client.get("/courses/XK-101/assign").status_code == 403
    due = in_a_month().strftime("%d/%m/%Y")
    response = client.post("/courses/XK-101/assign", data={"codes": "IN_T2", "due_on": due})
    assert response.status_code == 403
    assert enrolments_of(org_tree["in_t2"]) == []
    assert "/assign" not in client.get("/courses/XK-101").get_data(as_text=True)


@pytest.mark.parametrize("data,message", [
    ({"codes": "IN_T1", "due_on": ""}, "Thông tin này là bắt buộc."),
    ({"codes": "IN_T1", "due_on": "31/02/2030"}, "dd/mm/yyyy"),
    ({"codes": "IN_T1", "due_on": "01/01/2020"}, "Hạn hoàn thành đã qua."),
    ({"codes": "", "due_on": "01/01/2099"}, "Chọn một đơn vị hoặc dán danh sách mã cán bộ."),
])
def test_a_bad_assignment_changes_nothing(course_factory, org_tree, make_user, auth, client,
                                          data, message):
    """A missing, malformed or past due date, or nobody chosen: a message, nothing created."""
    course_factory("XK-101")
    make_user("hr", roles=(R.OFFICER, R.HR_ADMIN))
    auth.login("hr")
    response = client.post("/courses/XK-101/assign", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0


def test_assigning_leaves_out_those_who_completed_and_updates_the_others(course_factory,
                                                                          org_tree, make_user):
    """An officer who completed the course is refused; one already enrolled gets the due date."""
    course = course_factory("XK-101")
    hr = make_user("hr", roles=(R.OFFICER, R.HR_ADMIN))
    done = d.enrol(org_tree["in_t1"], course)
    lessons = done.version.lessons
    d.complete_lesson(done, lessons[0])
    d.complete_lesson(done, lessons[1])
    attempt = d.start_attempt(done, lessons[2])
    d.submit_attempt(attempt, _answers(attempt, lessons[2]))
    following = d.enrol(org_tree["in_t2"], course)
    db.session.commit()
    result = cat.assign_course(course, hr, due_on=in_a_month(), codes=["IN_T1", "IN_T2"])
    assert [u.code for u in result.assigned] == ["IN_T2"]
    assert [r.who.split(" ")[0] for r in result.refused] == ["IN_T1"]
    assert following.source == "assigned" and following.due_on == in_a_month()
    assert done.source == "self"


# -- my learning --------------------------------------------------------------------------------
def _study(enrolment, lesson, seconds, *, start=None):
    """One closed study session of ``seconds`` verified seconds (started at ``start``)."""
    session = d.open_lesson(enrolment, lesson)
    if start is not None:
        session.started_at = session.last_beat_at = start
    d.heartbeat(session, seq=1, active_seconds=seconds,
                now=session.last_beat_at + timedelta(seconds=seconds))
    d.close_session(session, now=session.last_beat_at)


def test_my_learning_sections_and_hours_this_year(course_factory, make_user, auth, client):
    """Assigned (overdue highlighted), in progress with a progress bar, completed with its
    certificate, and the hours of this year's 'experienced' statements only."""
    self_course = course_factory("SELF-1", "Khoá tự chọn")
    assigned_course = course_factory("ASG-1", "Khoá được giao")
    late_course = course_factory("LATE-1", "Khoá quá hạn")
    done_course = course_factory("DONE-1", "Khoá đã xong")
    user = make_user("hoa")
    hr = make_user("hr", roles=(R.OFFICER, R.HR_ADMIN))
    mine = d.enrol(user, self_course)
    d.complete_lesson(mine, mine.version.lessons[0])
    assigned = d.enrol(user, assigned_course, source="assigned", assigned_by=hr,
                       due_on=in_a_month())
    late = d.enrol(user, late_course, source="assigned", assigned_by=hr, due_on=in_a_month())
    late.due_on = date.today() - timedelta(days=3)
    done = d.enrol(user, done_course)
    lessons = done.version.lessons
    d.complete_lesson(done, lessons[0])
    d.complete_lesson(done, lessons[1])
    attempt = d.start_attempt(done, lessons[2])
    d.submit_attempt(attempt, _answers(attempt, lessons[2]))
    certificate = d.check_completion(done)
    # This year: 30 + 30 + 30 minutes; last year: 20 minutes, not counted.
    _study(mine, mine.version.lessons[1], 1800)
    _study(assigned, assigned.version.lessons[0], 1800)
    _study(assigned, assigned.version.lessons[1], 1800)
    year = cat.local_today().year
    _study(late, late.version.lessons[0], 1200, start=datetime(year - 1, 6, 1, 3, 0))
    db.session.commit()

    experienced = db.session.scalars(sa.select(Statement).where(
        Statement.user_id == user.id, Statement.verb_id.like("%/experienced"))).all()
    this_year = [s for s in experienced if s.timestamp.year == year]
    assert len(experienced) == 4 and len(this_year) == 3
    assert cat.study_seconds(user, year) == sum(s.duration_seconds for s in this_year) == 5400
    assert cat.study_hours(user, year) == 1.5
    assert cat.study_hours(user, year - 1) == round(1200 / 3600, 1)

    learning = cat.my_learning(user)
    assert [i.enrolment.course.code for i in learning.assigned] == ["LATE-1", "ASG-1"]
    assert [i.overdue for i in learning.assigned] == [True, False]
    assert [i.enrolment.course.code for i in learning.in_progress] == ["SELF-1"]
    assert learning.in_progress[0].progress["percent"] == 33
    assert [i.enrolment.course.code for i in learning.completed] == ["DONE-1"]

    auth.login("hoa")
    page = client.get("/my-learning").get_data(as_text=True)
    assert "1,5" in page and f"giờ học được xác thực trong năm {year}" in page
    assigned_part, rest = page.split('id="in-progress"')
    progress_part, completed_part = rest.split('id="completed"')
    assert "Khoá được giao" in assigned_part and "Khoá quá hạn" in assigned_part
    assert f"Hạn {in_a_month().strftime('%d/%m/%Y')}" in assigned_part
    assert "learning-item overdue" in assigned_part and "Quá hạn từ" in assigned_part
    assert "Khoá tự chọn" in progress_part and 'value="33"' in progress_part
    assert "/learn/SELF-1" in progress_part
    assert "Khoá đã xong" in completed_part and certificate.code in completed_part
    assert "Khoá đã xong" not in assigned_part + progress_part


def test_my_learning_when_nothing_yet(make_user, auth, client):
    """A new officer sees empty sections and zero hours."""
    make_user("hoa")
    auth.login("hoa")
    response = client.get("/my-learning")
    assert response.status_code == 200
    assert "Chưa có khoá học nào đang học." in response.get_data(as_text=True)


def test_the_dashboard_panel_counts(app, course_factory, make_user):
    """The panel counts courses in progress, assigned (with the next due date) and completed."""
    course = course_factory("ASG-1")
    other = course_factory("SELF-1")
    user = make_user("hoa")
    hr = make_user("hr", roles=(R.OFFICER, R.HR_ADMIN))
    due = in_a_month()
    d.enrol(user, course, source="assigned", assigned_by=hr, due_on=due)
    d.enrol(user, other)
    db.session.commit()
    summary = cat.learning_summary(user)
    assert (summary["in_progress"], summary["assigned"], summary["completed"]) == (1, 1, 0)
    assert summary["next_due"] == due and summary["hours"] == 0
    with app.test_request_context():
        html = render_template("courses/_dashboard_panel.html", user=user)
    assert f"hạn gần nhất {due.strftime('%d/%m/%Y')}" in html and "/my-learning" in html


# -- efficiency ---------------------------------------------------------------------------------
def test_a_catalogue_page_takes_the_same_queries_for_more_courses(app, course_factory):
    """Search, count and the data a card shows: no query per course."""
    from sqlalchemy import event

    def queries_for_page() -> int:
        db.session.expire_all()
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            result = cat.search_courses("khoa")
            for v in result.versions:
                (v.course.code, v.field, v.tag_names, [c.level for c in v.competencies],
                 [t.position for t in v.target_positions])
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    course_factory("C-1")
    course_factory("C-2")
    few = queries_for_page()
    for n in range(3, 7):
        course_factory(f"C-{n}")
    assert cat.search_courses("khoa").total == 6
    assert queries_for_page() == few


# -- access -------------------------------------------------------------------------------------
@pytest.mark.parametrize("method,path", [
    ("get", "/courses"), ("get", "/courses/XK-101"), ("post", "/courses/XK-101/enrol"),
    ("get", "/courses/XK-101/assign"), ("post", "/courses/XK-101/assign"),
    ("get", "/my-learning"),
])
def test_anonymous_users_are_sent_to_the_login_page(course_factory, client, method, path):
    """Every learner page needs a login."""
    course_factory("XK-101")
    response = getattr(client, method)(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
