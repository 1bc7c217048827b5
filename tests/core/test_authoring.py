"""Authoring: training staff build courses in the browser, import packages, review and
publish; learners keep their version until moved; what reaches a learner is sanitised."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from lms_core.courses import authoring as A
from lms_core.courses import delivery as d
from lms_core.courses.models import (
    Course,
    CourseVersion,
    Enrolment,
    Lesson,
    MediaAsset,
    Question,
)
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.xapi.models import Statement
from tests.conftest import write_package

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64  #: the start of an MP4 file
FAKE_MP4 = b"<html>not a video</html>" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["LMS_MEDIA_DIR"] = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def authors(make_user):
    """Two members of the training staff: An writes, Binh reviews."""
    return (make_user("an", roles=(R.AUTHOR,), full_name="Nguyễn Văn An"),
            make_user("binh", roles=(R.AUTHOR,), full_name="Trần Thị Bình"))


def _course(code):
    db.session.expire_all()
    return db.session.scalar(sa.select(Course).where(Course.code == code))


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _page(response):
    return response.get_data(as_text=True)


def _build(client, code="DEMO-101"):
    """Through the pages: a course with a module, a reading and a quiz of two questions."""
    r = client.post("/authoring/new", data={
        "code": code.lower(), "title_vi": "Khoá học thử", "title_en": "Trial course",
        "description_vi": "Giới thiệu **thuế**", "estimated_minutes": "45", "field": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/authoring/{code}/edit")
    assert client.post(f"/authoring/{code}/edit/modules",
                       data={"title_vi": "Chương 1", "title_en": "Chapter 1"}).status_code == 302
    module = _course(code).latest_version.modules[0]
    r = client.post(f"/authoring/{code}/edit/modules/{module.id}/lessons/new", data={
        "kind": "text", "title_vi": "Khái niệm", "title_en": "Concepts", "minutes": "10"})
    assert r.status_code == 302
    text = _course(code).latest_version.lessons[0]
    r = client.post(f"/authoring/{code}/edit/lessons/{text.id}", data={
        "title_vi": "Khái niệm", "title_en": "Concepts", "minutes": "10",
        "body_vi": "# Khái niệm\n\nHải quan là **cơ quan**.", "body_en": ""})
    assert r.status_code == 302
    r = client.post(f"/authoring/{code}/edit/modules/{module.id}/lessons/new", data={
        "kind": "quiz", "title_vi": "Kiểm tra", "title_en": "Test", "minutes": "5"})
    quiz = _course(code).latest_version.lessons[1]
    r = client.post(f"/authoring/{code}/edit/lessons/{quiz.id}/questions/new", data={
        "type": "single", "text_vi": "Luồng đỏ là gì?", "points": "1",
        "choices-0-text": "Kiểm tra thực tế hàng hoá", "choices-0-correct": "y",
        "choices-1-text": "Miễn kiểm tra"})
    assert r.status_code == 302
    r = client.post(f"/authoring/{code}/edit/lessons/{quiz.id}/questions/new", data={
        "type": "true_false", "text_vi": "VNACCS là hệ thống thông quan tự động.",
        "points": "1", "answer": "true"})
    assert r.status_code == 302
    r = client.post(f"/authoring/{code}/edit/lessons/{quiz.id}/quiz", data={
        "pass_mark": "50", "attempts": "2", "draw": "0", "shuffle": "y", "graded": "y"})
    assert r.status_code == 302
    return _course(code)


def _publish(client, auth, code, number, *, author="an", reviewer="binh"):
    auth.login(author)
    assert client.post(f"/authoring/{code}/versions/{number}/submit").status_code == 302
    auth.logout()
    auth.login(reviewer)
    r = client.post(f"/authoring/{code}/versions/{number}/review",
                    data={"decision": "publish", "note": ""})
    assert r.status_code == 302
    auth.logout()


# -- the workflow ----------------------------------------------------------------------------

def test_an_author_builds_a_course_and_another_author_publishes_it(client, auth, authors):
    """Create, add a module, a reading and a quiz; submit; the author may not review; the
    other author publishes and the catalogue offers that version."""
    an, binh = authors
    auth.login("an")
    course = _build(client)
    version = course.versions[0]
    assert version.status == "draft" and version.author_id == an.id
    assert [lesson.kind for lesson in version.lessons] == ["text", "quiz"]
    quiz = version.lessons[1]
    assert [q.type for q in quiz.questions] == ["single", "true_false"]
    assert quiz.settings["pass_mark"] == 50 and quiz.settings["attempts"] == 2
    assert "thu" in version.search_text  # folded: "Khoá học thử" is found by "thu"

    r = client.post("/authoring/DEMO-101/versions/1/submit", follow_redirects=True)
    assert "submitted for review" in _page(r) or "Đã gửi thẩm định" in _page(r)
    assert _course("DEMO-101").versions[0].status == "in_review"

    r = client.get("/authoring/DEMO-101/versions/1/review")
    assert "another member of the training staff must review it" in _page(r) or \
        "cán bộ đào tạo khác" in _page(r)
    r = client.post("/authoring/DEMO-101/versions/1/review",
                    data={"decision": "publish", "note": ""})
    assert r.status_code == 400
    version = _course("DEMO-101").versions[0]
    assert version.status == "in_review" and version.reviewer_id is None

    auth.logout()
    auth.login("binh")
    r = client.get("/authoring/")
    assert "DEMO-101" in _page(r)  # waiting for Binh's review
    r = client.post("/authoring/DEMO-101/versions/1/review",
                    data={"decision": "publish", "note": "Tốt"})
    assert r.status_code == 302
    course = _course("DEMO-101")
    assert course.published_version.number == 1
    assert course.published_version.status == "published"
    assert course.published_version.reviewer_id == binh.id


def test_sending_back_needs_a_note_and_returns_the_draft(client, auth, authors):
    """A reviewer who sends a version back must say why; the author then sees the note."""
    auth.login("an")
    _build(client)
    client.post("/authoring/DEMO-101/versions/1/submit")
    auth.logout()
    auth.login("binh")
    r = client.post("/authoring/DEMO-101/versions/1/review", data={"decision": "return"})
    assert r.status_code == 400
    assert _course("DEMO-101").versions[0].status == "in_review"
    r = client.post("/authoring/DEMO-101/versions/1/review",
                    data={"decision": "return", "note": "Thêm câu hỏi về trị giá."})
    assert r.status_code == 302
    version = _course("DEMO-101").versions[0]
    assert version.status == "draft" and version.review_note == "Thêm câu hỏi về trị giá."
    auth.logout()
    auth.login("an")
    assert "Thêm câu hỏi về trị giá." in _page(client.get("/authoring/DEMO-101/edit"))


def test_editing_a_published_course_makes_a_new_draft_and_leaves_v1_alone(client, auth,
                                                                           authors):
    """“Edit” on a published course creates draft version 2; version 1 stays published and
    unchanged while version 2 is edited."""
    auth.login("an")
    _build(client)
    auth.logout()
    _publish(client, auth, "DEMO-101", 1)
    auth.login("an")
    r = client.post("/authoring/DEMO-101/start", follow_redirects=True)
    assert r.status_code == 200
    course = _course("DEMO-101")
    assert [(v.number, v.status) for v in course.versions] == [(1, "published"), (2, "draft")]
    assert course.published_version.number == 1
    v1_lesson, v2_lesson = course.versions[0].lessons[0], course.versions[1].lessons[0]
    assert v1_lesson.key == v2_lesson.key and v1_lesson.id != v2_lesson.id
    r = client.post(f"/authoring/DEMO-101/edit/lessons/{v2_lesson.id}", data={
        "title_vi": "Khái niệm (mới)", "title_en": "Concepts (new)", "minutes": "12",
        "body_vi": "Nội dung mới", "body_en": ""})
    assert r.status_code == 302
    course = _course("DEMO-101")
    assert course.versions[1].lessons[0].body_vi == "Nội dung mới"
    assert course.versions[0].lessons[0].title_vi == "Khái niệm"
    assert course.versions[0].lessons[0].body_vi.startswith("# Khái niệm")
    # Pressing Edit again continues the same draft rather than making version 3.
    client.post("/authoring/DEMO-101/start")
    assert len(_course("DEMO-101").versions) == 2


def test_learners_keep_their_version_until_moved(client, auth, authors, make_user):
    """A learner enrolled in v1 stays on v1 when v2 is published; moving brings them to v2,
    and a new learner gets v2 at once."""
    hoa = make_user("hoa")
    auth.login("an")
    _build(client)
    auth.logout()
    _publish(client, auth, "DEMO-101", 1)
    enrolment = d.enrol(hoa, _course("DEMO-101"))
    db.session.commit()
    auth.login("binh")  # Binh writes version 2, An reviews it
    client.post("/authoring/DEMO-101/start")
    auth.logout()
    _publish(client, auth, "DEMO-101", 2, author="binh", reviewer="an")
    course = _course("DEMO-101")
    assert course.published_version.number == 2
    assert [v.status for v in course.versions] == ["archived", "published"]
    assert db.session.get(Enrolment, enrolment.id).version.number == 1

    lan = make_user("lan")
    assert d.enrol(lan, course).version.number == 2
    db.session.commit()

    auth.login("an")
    r = client.get("/authoring/DEMO-101/move-learners")
    assert "1" in _page(r) and r.status_code == 200
    r = client.post("/authoring/DEMO-101/move-learners", follow_redirects=True)
    assert r.status_code == 200
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).version.number == 2


def test_a_quiz_without_questions_cannot_be_submitted(client, auth, authors):
    """Submitting a draft whose quiz has no questions is refused with a message."""
    auth.login("an")
    course = _build(client)
    for question_id in [q.id for q in course.versions[0].lessons[1].questions]:
        client.post(f"/authoring/DEMO-101/edit/questions/{question_id}/delete")
    assert _count(Question) == 0
    r = client.post("/authoring/DEMO-101/versions/1/submit", follow_redirects=True)
    assert "has no questions" in _page(r) or "chưa có câu hỏi" in _page(r)
    assert _course("DEMO-101").versions[0].status == "draft"


def test_the_completion_rule_needs_a_graded_quiz(authors):
    """A course whose rule asks for passed quizzes but has none cannot be submitted."""
    an, _binh = authors
    course = A.create_course("READ-101", "Đọc", "Reading", actor=an)
    version = course.versions[0]
    module = A.add_module(version, "Chương 1", "Chapter 1")
    lesson = A.add_lesson(module, "text", "Bài 1", "Lesson 1", 5)
    A.update_lesson(lesson, title_vi="Bài 1", title_en="Lesson 1", minutes=5, body_vi="Nội dung")
    with pytest.raises(UserError, match="chưa có bài kiểm tra tính điểm"):
        A.submit(version, an)
    A.update_version_details(version, title_vi="Đọc", title_en="Reading", estimated_minutes=5,
                             require_quiz_passed=False)
    A.submit(version, an)
    assert version.status == "in_review"


# -- bad input changes nothing ---------------------------------------------------------------

def test_a_video_whose_bytes_are_not_a_video_is_refused(client, auth, authors):
    """An .mp4 that is not a video: a message naming the accepted types, nothing stored."""
    auth.login("an")
    course = _build(client)
    module = course.versions[0].modules[0]
    client.post(f"/authoring/DEMO-101/edit/modules/{module.id}/lessons/new", data={
        "kind": "video", "title_vi": "Phim", "title_en": "Film", "minutes": "5"})
    video = _course("DEMO-101").versions[0].lessons[-1]
    r = client.post(f"/authoring/DEMO-101/edit/lessons/{video.id}/file",
                    data={"file": (io.BytesIO(FAKE_MP4), "gioi-thieu.mp4")},
                    content_type="multipart/form-data")
    assert r.status_code == 400
    assert ".mp4, .m4v, .webm" in _page(r)
    assert _count(MediaAsset) == 0
    assert db.session.get(Lesson, video.id).asset_id is None

    r = client.post(f"/authoring/DEMO-101/edit/lessons/{video.id}/file",
                    data={"file": (io.BytesIO(MP4), "gioi-thieu.mp4")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Lesson, video.id).asset
    assert stored.content_type == "video/mp4" and stored.size == len(MP4)
    page = _page(client.get(f"/authoring/DEMO-101/preview/1/{video.id}"))
    url = f"/media/{stored.sha256}/gioi-thieu.mp4"
    assert f'<source src="{url}" type="video/mp4">' in page  # the player's own template
    r = client.get(url)
    assert r.status_code == 200 and r.data == MP4
    r.close()


def test_a_pdf_lesson_refuses_a_video_by_name(authors):
    """The wrong kind of file for the lesson names the accepted types."""
    an, _binh = authors
    course = A.create_course("PDF-101", "Tài liệu", "Document", actor=an)
    module = A.add_module(course.versions[0], "Chương 1", "Chapter 1")
    lesson = A.add_lesson(module, "pdf", "Sơ đồ", "Chart", 5)
    with pytest.raises(UserError, match=r"\.pdf"):
        A.set_lesson_file(lesson, "phim.mp4", MP4)
    assert lesson.asset_id is None and _count(MediaAsset) == 0


def test_a_single_choice_question_with_two_correct_answers_is_refused(client, auth, authors):
    """The question form refuses two correct choices for a single-choice question."""
    auth.login("an")
    course = _build(client)
    quiz = course.versions[0].lessons[1]
    r = client.post(f"/authoring/DEMO-101/edit/lessons/{quiz.id}/questions/new", data={
        "type": "single", "text_vi": "Câu hỏi", "points": "1",
        "choices-0-text": "A", "choices-0-correct": "y",
        "choices-1-text": "B", "choices-1-correct": "y"})
    assert r.status_code == 400
    assert "exactly one correct choice" in _page(r) or "đúng một phương án" in _page(r)
    assert _count(Question) == 2


@pytest.mark.parametrize("kwargs,message", [
    ({"type": "single", "choices": [{"text": "A", "correct": True}]}, "ít nhất hai phương án"),
    ({"type": "single", "choices": [{"text": "A"}, {"text": "B"}]}, "đúng một phương án đúng"),
    ({"type": "multiple", "choices": [{"text": "A"}, {"text": "B"}]}, "ít nhất một phương án đúng"),
    ({"type": "multiple", "choices": [{"text": "", "correct": True}, {"text": "B"}]},
     "phải có nội dung"),
    ({"type": "true_false", "answer": None}, "đúng hay sai"),
    ({"type": "short_answer", "answers": [" ", ""]}, "đáp án được chấp nhận"),
    ({"type": "essay"}, "Loại câu hỏi không hợp lệ"),
    ({"type": "true_false", "answer": True, "points": 0}, "số dương"),
    ({"type": "true_false", "answer": True, "text_vi": "  "}, "nội dung câu hỏi bằng tiếng Việt"),
])
def test_questions_are_checked_like_the_package_reader(authors, kwargs, message):
    """Each rule of the quiz file format refuses the question (message in Vietnamese, the
    default language), which is not saved."""
    an, _binh = authors
    course = A.create_course("Q-101", "Câu hỏi", "Questions", actor=an)
    quiz = A.add_lesson(A.add_module(course.versions[0], "C1", "C1"), "quiz", "KT", "T", 5)
    with pytest.raises(UserError, match=message):
        A.add_question(quiz, **{"text_vi": "Câu hỏi?", **kwargs})
    assert quiz.questions == []


def test_a_draw_larger_than_the_bank_is_refused(authors):
    """The quiz cannot draw more questions than its bank holds, nor lose them below it."""
    an, _binh = authors
    course = A.create_course("Q-102", "Câu hỏi", "Questions", actor=an)
    quiz = A.add_lesson(A.add_module(course.versions[0], "C1", "C1"), "quiz", "KT", "T", 5)
    first = A.add_question(quiz, type="true_false", text_vi="Đúng?", answer=True)
    with pytest.raises(UserError, match="không thể rút 2 câu"):
        A.update_quiz_settings(quiz, pass_mark=70, attempts=0, draw=2, shuffle=True,
                               graded=True)
    A.update_quiz_settings(quiz, pass_mark=70, attempts=0, draw=1, shuffle=True, graded=True)
    with pytest.raises(UserError, match="giảm số câu rút ra"):
        A.delete_question(first)
    assert len(quiz.questions) == 1


def test_a_course_code_is_not_reused(authors):
    """Creating a course with a code in use is refused."""
    an, _binh = authors
    A.create_course("DUP-101", "Một", "One", actor=an)
    with pytest.raises(UserError, match="Đã có khoá học"):
        A.create_course("dup-101", "Hai", "Two", actor=an)
    assert _count(Course) == 1


def _zip(folder) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def test_a_bad_package_lists_every_problem_with_file_and_line(client, auth, authors, tmp_path):
    """A package with errors is refused with each problem's file:line; nothing is kept."""
    quiz = ("pass_mark: 70\nquestions:\n  - id: a\n    type: single\n    text: x\n    choices:\n"
            "      - {text: a, correct: true}\n      - {text: b, correct: true}\n")
    folder = write_package(tmp_path, "BAD-101", quiz=quiz, extra_yaml="field: NOPE\n")
    auth.login("an")
    r = client.post("/authoring/import", data={"file": (io.BytesIO(_zip(folder)), "bad.zip")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    page = _page(r)
    assert "quizzes/final.yaml:3" in page and "exactly one correct choice" in page
    assert "course.yaml:1" in page and "unknown professional field" in page
    assert _count(Course) == 0 and _count(CourseVersion) == 0

    r = client.post("/authoring/import",
                    data={"file": (io.BytesIO(b"not a zip"), "broken.zip")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "not a valid zip file" in _page(r)
    assert _count(Course) == 0


def test_a_good_package_becomes_a_draft_and_a_reimport_a_new_version(client, auth, authors,
                                                                     tmp_path):
    """A valid zip becomes a draft course; imported again after publishing, a version 2."""
    an, _binh = authors
    data = _zip(write_package(tmp_path, "PKG-101"))
    auth.login("an")
    r = client.post("/authoring/import", data={"file": (io.BytesIO(data), "pkg.zip")},
                    content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/authoring/PKG-101/edit")
    course = _course("PKG-101")
    assert [(v.number, v.status) for v in course.versions] == [(1, "draft")]
    assert course.versions[0].author_id == an.id
    auth.logout()
    _publish(client, auth, "PKG-101", 1)
    auth.login("an")
    client.post("/authoring/import", data={"file": (io.BytesIO(data), "pkg.zip")},
                content_type="multipart/form-data")
    course = _course("PKG-101")
    assert [(v.number, v.status) for v in course.versions] == [(1, "published"), (2, "draft")]


def test_an_exported_version_imports_again(client, auth, authors):
    """The export of a published version is a zip package that the import page accepts."""
    auth.login("an")
    _build(client)
    auth.logout()
    _publish(client, auth, "DEMO-101", 1)
    auth.login("an")
    r = client.get("/authoring/DEMO-101/export/1")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert "DEMO-101/course.yaml" in names
    data = r.data
    r = client.post("/authoring/import", data={"file": (io.BytesIO(data), "demo.zip")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    version = _course("DEMO-101").latest_version
    assert version.number == 2 and [x.kind for x in version.lessons] == ["text", "quiz"]


def test_importing_over_a_draft_in_progress_replaces_it(client, auth, authors, tmp_path):
    """A package imported while its course has a draft replaces that draft."""
    data = _zip(write_package(tmp_path, "PKG-101"))
    auth.login("an")
    client.post("/authoring/import", data={"file": (io.BytesIO(data), "pkg.zip")},
                content_type="multipart/form-data")
    r = client.post("/authoring/import", data={"file": (io.BytesIO(data), "pkg.zip")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    assert [(v.number, v.status) for v in _course("PKG-101").versions] == [(1, "draft")]


@pytest.mark.parametrize("status", ["in_review", "published"])
def test_the_editor_refuses_a_version_that_is_not_a_draft(client, auth, authors, status):
    """Editor URLs on a version in review or published are refused and change nothing."""
    auth.login("an")
    _build(client)
    client.post("/authoring/DEMO-101/versions/1/submit")
    if status == "published":
        auth.logout()
        auth.login("binh")
        client.post("/authoring/DEMO-101/versions/1/review", data={"decision": "publish"})
    version = _course("DEMO-101").versions[0]
    assert version.status == status
    text, quiz = version.lessons
    module = version.modules[0]
    question = quiz.questions[0]
    if status == "in_review":
        assert client.get("/authoring/DEMO-101/edit").status_code == 409
        assert client.get("/authoring/DEMO-101/edit/details").status_code == 409
    refused = [
        client.get(f"/authoring/DEMO-101/edit/lessons/{text.id}"),
        client.post(f"/authoring/DEMO-101/edit/lessons/{text.id}", data={
            "title_vi": "Đổi", "title_en": "Changed", "minutes": "3", "body_vi": "Đổi"}),
        client.post(f"/authoring/DEMO-101/edit/lessons/{text.id}/delete"),
        client.post(f"/authoring/DEMO-101/edit/modules/{module.id}",
                    data={"title_vi": "Đổi", "title_en": "Changed"}),
        client.post(f"/authoring/DEMO-101/edit/modules/{module.id}/lessons/new", data={
            "kind": "text", "title_vi": "Mới", "title_en": "New", "minutes": "3"}),
        client.post(f"/authoring/DEMO-101/edit/lessons/{quiz.id}/quiz", data={
            "pass_mark": "10", "attempts": "0", "draw": "0"}),
        client.post(f"/authoring/DEMO-101/edit/questions/{question.id}/delete"),
    ]
    assert [r.status_code for r in refused] == [409] * len(refused)
    assert "cannot be edited" in _page(refused[1]) or "không sửa được" in _page(refused[1])
    version = _course("DEMO-101").versions[0]
    assert version.lessons[0].title_vi == "Khái niệm" and version.modules[0].title_vi == "Chương 1"
    assert len(version.lessons) == 2 and len(version.lessons[1].questions) == 2
    assert version.lessons[1].settings["pass_mark"] == 50
    with pytest.raises(UserError):
        A.update_module(version.modules[0], "Đổi", "Changed")


# -- the editor's operations -----------------------------------------------------------------

def test_lessons_and_modules_reorder_and_move_between_modules(authors):
    """Up and down reorder within a module and cross into the neighbouring module."""
    an, _binh = authors
    version = A.create_course("ORD-101", "Thứ tự", "Order", actor=an).versions[0]
    m1 = A.add_module(version, "C1", "C1")
    m2 = A.add_module(version, "C2", "C2")
    a = A.add_lesson(m1, "text", "A", "A", 5)
    b = A.add_lesson(m1, "text", "B", "B", 5)
    c = A.add_lesson(m2, "text", "C", "C", 5)
    A.move_lesson(b, -1)
    assert [x.title_vi for x in m1.lessons] == ["B", "A"]
    A.move_lesson(a, 1)  # past the end of C1: the start of C2
    assert [x.title_vi for x in m1.lessons] == ["B"]
    assert [(x.title_vi, x.position) for x in m2.lessons] == [("A", 1), ("C", 2)]
    with pytest.raises(UserError):
        A.move_lesson(c, 1)
    A.move_module(m2, -1)
    assert [m.title_vi for m in version.modules] == ["C2", "C1"]
    A.delete_module(version.modules[0])
    assert [(m.title_vi, m.position) for m in version.modules] == [("C1", 1)]
    assert _count(Lesson) == 1


def test_details_tags_competencies_and_prerequisites(client, auth, authors, make_position):
    """The details form saves the rule, tags, competencies, positions and prerequisites."""
    an, _binh = authors
    base = A.create_course("BASE-101", "Cơ sở", "Basics", actor=an)
    position = make_position("KTV")
    db.session.commit()
    auth.login("an")
    _build(client)
    r = client.post("/authoring/DEMO-101/edit/details", data={
        "title_vi": "Thuế xuất khẩu", "title_en": "Export duties", "description_vi": "",
        "description_en": "", "field": "", "estimated_minutes": "90", "min_minutes": "10",
        "require_all_lessons": "y", "tags": "Nghiep-vu, phap-luat, nghiep-vu",
        "competencies": "thue.01 2\nKTSTQ.01 1", "target_positions": [str(position.id)],
        "prerequisites": [str(base.id)]})
    assert r.status_code == 302
    version = _course("DEMO-101").versions[0]
    assert version.tag_names == ["nghiep-vu", "phap-luat"]
    assert sorted((c.competency_code, c.level) for c in version.competencies) == [
        ("KTSTQ.01", 1), ("THUE.01", 2)]
    assert [t.position_id for t in version.target_positions] == [position.id]
    assert [p.required_course.code for p in version.prerequisites] == ["BASE-101"]
    assert not version.require_quiz_passed and version.min_minutes == 10
    assert "thue xuat khau" in version.search_text and "phap-luat" in version.search_text

    r = client.post("/authoring/DEMO-101/edit/details", data={
        "title_vi": "X", "title_en": "X", "estimated_minutes": "90", "min_minutes": "0",
        "competencies": "THUE.01 5"})
    assert r.status_code == 400 and _course("DEMO-101").versions[0].title_vi == "Thuế xuất khẩu"


def test_details_can_be_saved_with_no_competency(client, auth, authors):
    """An empty competencies box clears them instead of failing."""
    auth.login("an")
    _build(client)
    r = client.post("/authoring/DEMO-101/edit/details", data={
        "title_vi": "Thuế xuất khẩu", "title_en": "Export duties", "estimated_minutes": "90",
        "min_minutes": "0", "competencies": ""})
    assert r.status_code == 302
    assert _course("DEMO-101").versions[0].competencies == []


def test_a_prerequisite_cycle_is_refused(authors):
    """A course cannot require a course that requires it."""
    an, _binh = authors
    first = A.create_course("ONE-101", "Một", "One", actor=an)
    second = A.create_course("TWO-101", "Hai", "Two", actor=an)
    A.set_prerequisites(second.versions[0], [first])
    with pytest.raises(UserError, match="TWO-101"):
        A.set_prerequisites(first.versions[0], [second])
    with pytest.raises(UserError, match="tiên quyết của chính nó"):
        A.set_prerequisites(first.versions[0], [first])
    assert first.versions[0].prerequisites == []


# -- preview and sanitising ------------------------------------------------------------------

def test_the_preview_never_lets_a_script_through(client, auth, authors):
    """A lesson body with a script and an onerror handler is kept as written but never
    reaches the preview; the preview records nothing."""
    auth.login("an")
    course = _build(client)
    text = course.versions[0].lessons[0]
    body = ("# Bài học\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
            "[link](javascript:alert(3)) **đậm**")
    client.post(f"/authoring/DEMO-101/edit/lessons/{text.id}", data={
        "title_vi": "Khái niệm", "title_en": "Concepts", "minutes": "10", "body_vi": body})
    assert db.session.get(Lesson, text.id).body_vi == body.strip()
    r = client.get(f"/authoring/DEMO-101/preview/1/{text.id}")
    page = _page(r)
    assert r.status_code == 200
    assert "<strong>đậm</strong>" in page and "<h1>Bài học</h1>" in page
    for bad in ("alert(1)", "onerror", "alert(2)", 'href="javascript'):
        assert bad not in page
    quiz = course.versions[0].lessons[1]
    page = _page(client.get(f"/authoring/DEMO-101/preview/1/{quiz.id}"))
    assert "Luồng đỏ là gì?" in page and "Kiểm tra thực tế hàng hoá" in page
    assert _count(Enrolment) == 0 and _count(Statement) == 0


# -- access ----------------------------------------------------------------------------------

AUTHOR_URLS = [
    ("get", "/authoring/"),
    ("get", "/authoring/new"),
    ("get", "/authoring/import"),
    ("get", "/authoring/TEST-101"),
    ("get", "/authoring/TEST-101/edit"),
    ("get", "/authoring/TEST-101/edit/details"),
    ("get", "/authoring/TEST-101/preview/1"),
    ("get", "/authoring/TEST-101/export/1"),
    ("get", "/authoring/TEST-101/move-learners"),
    ("get", "/authoring/TEST-101/archive"),
    ("post", "/authoring/TEST-101/start"),
    ("post", "/authoring/TEST-101/versions/1/submit"),
    ("post", "/authoring/TEST-101/versions/1/review"),
]


@pytest.mark.parametrize("method,url", AUTHOR_URLS)
def test_officers_get_403_and_anonymous_users_go_to_login(client, auth, make_user, make_course,
                                                          method, url):
    """Only training staff use the authoring pages."""
    make_course()
    r = getattr(client, method)(url)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    make_user("officer", roles=(R.OFFICER, R.UNIT_HEAD, R.HR_ADMIN))
    auth.login("officer")
    assert getattr(client, method)(url).status_code == 403
    assert _course("TEST-101").published_version.number == 1


def test_the_pages_render_for_an_author(client, auth, authors, make_course):
    """Each authoring page answers an author with its content."""
    make_course()
    auth.login("an")
    course = _build(client)
    quiz = course.versions[0].lessons[1]
    question = quiz.questions[0]
    module = course.versions[0].modules[0]
    for url, text in [
        ("/authoring/", "TEST-101"),
        ("/authoring/?q=khoa hoc thu", "DEMO-101"),
        ("/authoring/new", 'name="code"'),
        ("/authoring/import", 'type="file"'),
        ("/authoring/TEST-101", "TEST-101"),
        ("/authoring/DEMO-101/edit", "Chương 1"),
        ("/authoring/DEMO-101/edit/details", "Khoá học thử"),
        (f"/authoring/DEMO-101/edit/modules/{module.id}", "Chương 1"),
        (f"/authoring/DEMO-101/edit/modules/{module.id}/delete", "Chương 1"),
        (f"/authoring/DEMO-101/edit/modules/{module.id}/lessons/new", 'name="kind"'),
        (f"/authoring/DEMO-101/edit/lessons/{quiz.id}", "Luồng đỏ là gì?"),
        (f"/authoring/DEMO-101/edit/lessons/{quiz.id}/questions/new", "choices-5-text"),
        (f"/authoring/DEMO-101/edit/questions/{question.id}", "Kiểm tra thực tế hàng hoá"),
        (f"/authoring/DEMO-101/edit/questions/{question.id}/delete", "Luồng đỏ là gì?"),
        ("/authoring/DEMO-101/preview/1", "Giới thiệu <strong>thuế</strong>"),
        ("/authoring/TEST-101/archive", "TEST-101"),
        ("/authoring/TEST-101/move-learners", "0"),
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
        assert text in _page(r), url
    r = client.post("/authoring/TEST-101/archive")
    assert r.status_code == 302 and _course("TEST-101").published_version is None


def test_the_dashboard_panel_shows_what_waits_for_review(app, client, auth, authors,
                                                           make_user):
    """The panel offered for the dashboard lists the versions waiting for the author's
    review; it is empty for an officer."""
    from flask import render_template_string

    _an, binh = authors
    officer = make_user("hoa")
    auth.login("an")
    _build(client)
    client.post("/authoring/DEMO-101/versions/1/submit")
    panel = '{% include "authoring/_dashboard_panel.html" %}'
    with app.test_request_context():
        html = render_template_string(panel, user=binh)
        officer_html = render_template_string(panel, user=officer)
    assert "/authoring/DEMO-101/versions/1/review" in html
    assert officer_html.strip() == ""
