"""The course player: resuming, lessons, study-time heartbeats, quizzes and media."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms_core.courses import delivery as d
from lms_core.courses import operations as course_ops
from lms_core.courses.models import Certificate, LessonProgress, QuizAttempt, StudySession
from lms_core.courses.package import import_package, open_package
from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.xapi.models import Statement
from tests.conftest import write_package
from tests.core.test_xapi_profile import quiz_form

VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
PDF_BYTES = b"%PDF-1.4\n% test document\n" + b"0" * 500 + b"\n%%EOF\n"


@pytest.fixture
def course(make_course):
    return make_course()


@pytest.fixture
def learner(make_user, course, auth):
    user = make_user("hoa")
    d.enrol(user, course)
    db.session.commit()
    auth.login("hoa")
    return user


def _lessons(course):
    return course.published_version.lessons


def _enrolment(user, course):
    return d.enrolment_of(user, course)


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _session_urls(response) -> dict:
    text = response.get_data(as_text=True)
    return {name: re.search(rf'data-{name}-url="([^"]+)"', text).group(1)
            for name in ("beat", "close", "reopen")}


def _session_of(url: str) -> StudySession:
    return db.session.get(StudySession, url.split("/")[3])


def _verbs(user, verb):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Statement).where(
        Statement.user_id == user.id, Statement.verb_id.endswith("/" + verb)))


def _all_statements(user):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Statement).where(
        Statement.user_id == user.id))


# -- resume, access, lesson pages ---------------------------------------------------------------
def test_resume_opens_the_first_lesson_then_the_last_one_opened(client, learner, course):
    """A new learner starts at the first lesson; later, at the lesson last opened."""
    first, second, _quiz = _lessons(course)
    response = client.get("/learn/TEST-101")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/learn/TEST-101/{first.id}")
    assert client.get(f"/learn/TEST-101/{second.id}").status_code == 200
    response = client.get("/learn/TEST-101")
    assert response.headers["Location"].endswith(f"/learn/TEST-101/{second.id}")


def test_resume_skips_done_lessons_when_nothing_was_opened(client, learner, course):
    """Without a last lesson, resuming goes to the first lesson not completed."""
    first, second, _quiz = _lessons(course)
    d.complete_lesson(_enrolment(learner, course), first)
    enrolment = _enrolment(learner, course)
    enrolment.last_lesson_id = None
    db.session.commit()
    response = client.get("/learn/TEST-101")
    assert response.headers["Location"].endswith(f"/learn/TEST-101/{second.id}")


def test_a_course_not_enrolled_in_or_a_lesson_of_another_course_is_refused(
        client, learner, make_course):
    """Not enrolled: no lesson is shown; another course's lesson or an unknown course: 404."""
    other = make_course("B-201")
    response = client.get("/learn/B-201")
    assert response.status_code in (302, 404)
    assert "/learn/" not in response.headers.get("Location", "")
    other_lesson = _lessons(other)[0]
    assert client.get(f"/learn/B-201/{other_lesson.id}").status_code in (302, 404)
    assert client.get(f"/learn/TEST-101/{other_lesson.id}").status_code == 404
    assert client.get("/learn/NOPE-1").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StudySession)) == 0


def test_a_text_lesson_shows_sanitised_html_and_the_outline(client, learner, course):
    """Author HTML is cleaned: no script reaches the page; Markdown is rendered."""
    first = _lessons(course)[0]
    first.body_vi = ("Bài đọc <script>alert('x')</script> có **chữ đậm**.\n\n"
                     '<p onclick="x()">a</p>')
    db.session.commit()
    response = client.get(f"/learn/TEST-101/{first.id}")
    page = _page(response)
    assert response.status_code == 200
    assert "<script>alert" not in page and "onclick" not in page
    assert "<strong>chữ đậm</strong>" in page
    assert "Khái niệm" in page and "Quy trình" in page and "Bài kiểm tra" in page
    assert "Thời gian học được tính:" in page
    assert 'data-csrf-token="' in page


def test_lesson_titles_follow_the_language(client, learner, course):
    """In English the lesson titles are the English ones."""
    client.post("/lang/en", data={"next": "/"})
    page = _page(client.get(f"/learn/TEST-101/{_lessons(course)[0].id}"))
    assert "Concepts" in page and "Customs is a" in page


def test_mark_as_done_completes_the_lesson_and_moves_on(client, learner, course):
    """The button completes the reading and opens the next lesson; progress shows it."""
    first, second, _quiz = _lessons(course)
    response = client.post(f"/learn/TEST-101/{first.id}/complete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/learn/TEST-101/{second.id}")
    progress = db.session.scalar(sa.select(LessonProgress).where(
        LessonProgress.lesson_id == first.id))
    assert progress.completed_at is not None
    page = _page(client.get(f"/learn/TEST-101/{second.id}"))
    assert "Hoàn thành 33%" in page
    assert "Đã học 1/3 bài" in page
    assert "Hoàn thành 50%" in page  # the first module: one of its two lessons


def test_a_quiz_cannot_be_marked_done(client, learner, course):
    """A quiz is completed by passing it, not by a button."""
    quiz = _lessons(course)[2]
    response = client.post(f"/learn/TEST-101/{quiz.id}/complete", follow_redirects=True)
    assert "Bài học này được hoàn thành khi đạt bài kiểm tra." in _page(response)
    assert not any(p.completed_at for p in _enrolment(learner, course).progress)


# -- study time ----------------------------------------------------------------------------------
def test_heartbeats_count_active_time_once_and_up_to_the_cap(client, learner, course):
    """A beat counts its seconds (JSON answer); a replay counts nothing; the cap holds."""
    first = _lessons(course)[0]
    urls = _session_urls(client.get(f"/learn/TEST-101/{first.id}"))
    session = _session_of(urls["beat"])
    session.last_beat_at = utcnow() - timedelta(seconds=60)
    db.session.commit()

    answer = client.post(urls["beat"], json={"seq": 1, "active_seconds": 40}).get_json()
    assert answer == {"counted": 40, "lesson_seconds": 40, "cap_seconds": 1800, "open": True}
    replay = client.post(urls["beat"], json={"seq": 1, "active_seconds": 40}).get_json()
    assert replay["counted"] == 0 and replay["lesson_seconds"] == 40

    session = _session_of(urls["beat"])
    d.heartbeat(session, seq=2, active_seconds=5000,
                now=session.last_beat_at + timedelta(hours=2))
    session.last_beat_at = utcnow() - timedelta(seconds=60)
    db.session.commit()
    capped = client.post(urls["beat"], json={"seq": 3, "active_seconds": 30}).get_json()
    assert capped["counted"] == 0
    assert capped["lesson_seconds"] == capped["cap_seconds"] == 1800
    assert _enrolment(learner, course).verified_seconds == 1800
    page = _page(client.get(f"/learn/TEST-101/{first.id}"))
    assert "30:00" in page and "đã đạt mức tối đa" in page


def test_a_bad_heartbeat_is_refused_and_changes_nothing(client, learner, course):
    """Negative or missing numbers get a 400 with a message; nothing is counted."""
    urls = _session_urls(client.get(f"/learn/TEST-101/{_lessons(course)[0].id}"))
    for body in ({"seq": 1, "active_seconds": -5}, {"seq": "x", "active_seconds": 5}, {}):
        response = client.post(urls["beat"], json=body)
        assert response.status_code == 400
        assert response.get_json()["message"]
    session = _session_of(urls["beat"])
    assert session.counted_seconds == 0 and session.last_seq == 0


def test_another_users_study_session_is_not_found(client, learner, course, make_user, auth):
    """A session can only be reported on or closed by its own learner."""
    urls = _session_urls(client.get(f"/learn/TEST-101/{_lessons(course)[0].id}"))
    make_user("lan")
    auth.logout()
    auth.login("lan")
    assert client.post(urls["beat"], json={"seq": 1, "active_seconds": 5}).status_code == 404
    assert client.post(urls["close"], data={"seq": 1, "active_seconds": 5}).status_code == 404
    assert client.post(urls["reopen"]).status_code == 404
    session = _session_of(urls["beat"])
    assert session.closed_at is None and session.counted_seconds == 0


def test_close_counts_the_last_seconds_and_records_one_experienced_statement(
        client, learner, course):
    """The beacon's form body closes the session once; a later beat counts nothing and
    reopening gives a new session."""
    urls = _session_urls(client.get(f"/learn/TEST-101/{_lessons(course)[0].id}"))
    session = _session_of(urls["beat"])
    session.last_beat_at = utcnow() - timedelta(seconds=60)
    db.session.commit()
    answer = client.post(urls["close"], data={"csrf_token": "x", "seq": "1",
                                              "active_seconds": "25"}).get_json()
    assert answer["counted"] == 25 and answer["open"] is False
    client.post(urls["close"], data={"seq": "2", "active_seconds": "25"})
    assert _verbs(learner, "experienced") == 1
    assert _session_of(urls["beat"]).closed_at is not None
    late = client.post(urls["beat"], json={"seq": 3, "active_seconds": 20}).get_json()
    assert late["counted"] == 0 and late["open"] is False and late["lesson_seconds"] == 25

    reopened = client.post(urls["reopen"]).get_json()
    assert reopened["session"] != session.id and reopened["open"] is True
    assert reopened["beat_url"] == f"/learn/session/{reopened['session']}/beat"


# -- video, PDF, media -------------------------------------------------------------------------
@pytest.fixture
def media_course(app, tmp_path, make_user, auth):
    """A published course with a video and a PDF lesson, and a learner enrolled in it."""
    app.config["LMS_MEDIA_DIR"] = str(tmp_path / "media")
    lessons = """\
      - kind: video
        title: {vi: "Video hướng dẫn", en: "Video guide"}
        file: media/clip.mp4
        minutes: 5
      - kind: pdf
        title: {vi: "Văn bản", en: "Document"}
        file: media/doc.pdf
        minutes: 5
"""
    folder = write_package(tmp_path / "packages", "MEDIA-1", lessons=lessons)
    (folder / "media").mkdir()
    (folder / "media" / "clip.mp4").write_bytes(VIDEO_BYTES)
    (folder / "media" / "doc.pdf").write_bytes(PDF_BYTES)
    result = import_package(open_package(folder))
    course_ops.publish(result.version)
    db.session.commit()
    course = result.version.course
    user = make_user("minh")
    d.enrol(user, course)
    db.session.commit()
    auth.login("minh")
    return course


def test_a_video_lesson_remembers_the_position(client, media_course):
    """The video's position sent with a beat comes back as the resume point."""
    video = _lessons(media_course)[0]
    response = client.get(f"/learn/MEDIA-1/{video.id}")
    page = _page(response)
    assert '<video controls preload="metadata"' in page
    assert f"/media/{video.asset.sha256}/clip.mp4" in page
    urls = _session_urls(response)
    client.post(urls["beat"], json={"seq": 1, "active_seconds": 0, "position": 42.5})
    progress = db.session.scalar(sa.select(LessonProgress).where(
        LessonProgress.lesson_id == video.id))
    assert progress.resume == {"position": 42.5}
    assert 'data-resume-position="42.5"' in _page(client.get(f"/learn/MEDIA-1/{video.id}"))


def test_a_pdf_lesson_is_shown_in_the_page_with_a_download_link(client, media_course):
    """The page loads the vendored PDF.js (no CDN) and offers the file for download."""
    pdf = _lessons(media_course)[1]
    page = _page(client.get(f"/learn/MEDIA-1/{pdf.id}"))
    assert "data-pdf-viewer" in page
    assert "/static/vendor/pdfjs/pdf.min.js" in page and "http" not in re.search(
        r'data-lib="([^"]+)"', page).group(1)
    assert f"/media/{pdf.asset.sha256}/doc.pdf?download=1" in page
    lib = client.get("/static/vendor/pdfjs/pdf.min.js")
    assert lib.status_code == 200 and "javascript" in lib.content_type
    lib.close()
    worker = client.get("/static/vendor/pdfjs/pdf.worker.min.js")
    assert worker.status_code == 200
    worker.close()


def test_media_supports_range_requests_for_logged_in_users(client, media_course, auth):
    """A Range request gets 206 and exactly those bytes; anonymous users go to log in."""
    video = _lessons(media_course)[0]
    url = f"/media/{video.asset.sha256}/clip.mp4"
    full = client.get(url)
    assert full.status_code == 200 and full.data == VIDEO_BYTES
    full.close()
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert full.content_type == "video/mp4"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.data == VIDEO_BYTES[100:200]
    part.close()
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(VIDEO_BYTES)}"
    assert client.get("/media/" + "0" * 64 + "/none.mp4").status_code == 404
    auth.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# -- quizzes -------------------------------------------------------------------------------------
def _start(client, quiz) -> QuizAttempt:
    client.post(f"/learn/TEST-101/{quiz.id}/quiz/start")
    return db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.lesson_id == quiz.id)
                             .order_by(QuizAttempt.number.desc()))


def _submit(client, quiz, form, follow=True):
    return client.post(f"/learn/TEST-101/{quiz.id}/quiz/submit", data=form,
                       follow_redirects=follow)


def test_the_quiz_page_shows_the_drawn_questions_in_the_drawn_order(client, learner, course):
    """Questions and their choices appear in the order drawn for this attempt."""
    quiz = _lessons(course)[2]
    attempt = _start(client, quiz)
    assert attempt is not None and len(attempt.drawn) == 3
    page = _page(client.get(f"/learn/TEST-101/{quiz.id}"))
    by_id = {q.id: q for q in quiz.questions}
    positions = [page.index(by_id[item["q"]].text_vi) for item in attempt.drawn]
    assert positions == sorted(positions)
    for item in attempt.drawn:
        q = by_id[item["q"]]
        if q.choices:
            shown = [page.index(q.choices[i]["text"]) for i in item["order"]]
            assert shown == sorted(shown)
    assert "Điểm đạt" in page and "70%" in page and "0/2" in page
    assert 'name="attempt"' in page


def test_right_answers_pass_the_quiz_and_complete_the_course(client, learner, course):
    """Passing the quiz after the readings completes the course with a certificate."""
    first, second, quiz = _lessons(course)
    client.post(f"/learn/TEST-101/{first.id}/complete")
    client.post(f"/learn/TEST-101/{second.id}/complete")
    attempt = _start(client, quiz)
    response = _submit(client, quiz, quiz_form(attempt, quiz))
    page = _page(response)
    assert response.status_code == 200
    assert "Kết quả lượt làm bài thứ 1" in page and "100%" in page and "Đạt" in page
    assert "Chúc mừng! Bạn đã hoàn thành khoá học." in page
    enrolment = _enrolment(learner, course)
    assert enrolment.completed_at is not None
    certificate = db.session.scalar(sa.select(Certificate).where(
        Certificate.enrolment_id == enrolment.id))
    assert certificate is not None and certificate.code in page
    assert 'class="correct-answer"' in page  # passed: the answers may be shown


def test_wrong_answers_fail_without_revealing_the_correct_answers(client, learner, course):
    """While attempts remain, a failed result says right/wrong but not the right answer."""
    quiz = _lessons(course)[2]
    attempt = _start(client, quiz)
    page = _page(_submit(client, quiz, quiz_form(attempt, quiz, right=False)))
    assert "Chưa đạt" in page and "Sai" in page
    assert 'class="correct-answer"' not in page
    assert "Điều 77 Luật Hải quan" not in page
    by_id = {q.id: q for q in quiz.questions}
    for item in attempt.drawn:
        for choice in by_id[item["q"]].choices:
            if choice["correct"]:
                assert choice["text"] not in page
    assert "Số lượt làm bài còn lại: 1" in page
    assert _enrolment(learner, course).completed_at is None


def test_a_submission_after_the_attempts_are_used_changes_nothing(client, learner, course):
    """With both attempts used: a clear message, no new attempt, results and progress kept."""
    first, _second, quiz = _lessons(course)
    client.post(f"/learn/TEST-101/{first.id}/complete")
    for _ in range(2):
        attempt = _start(client, quiz)
        _submit(client, quiz, quiz_form(attempt, quiz, right=False))
    last = _page(client.get(f"/learn/TEST-101/{quiz.id}/quiz/2"))
    assert 'class="correct-answer"' in last  # no attempt left: the answers are shown

    before = _all_statements(learner)
    scores = [(a.id, a.score, a.responses) for a in db.session.scalars(sa.select(QuizAttempt))]
    page = _page(_submit(client, quiz, quiz_form(attempt, quiz, right=True)))
    assert "Bạn đã dùng hết 2 lượt làm bài kiểm tra này" in page
    assert "kết quả và tiến độ học tập của bạn vẫn được giữ nguyên" in page
    page = _page(client.post(f"/learn/TEST-101/{quiz.id}/quiz/start", follow_redirects=True))
    assert "Bạn đã dùng hết 2 lượt làm bài kiểm tra này." in page

    db.session.expire_all()
    assert [(a.id, a.score, a.responses)
            for a in db.session.scalars(sa.select(QuizAttempt))] == scores
    assert _all_statements(learner) == before
    progress = db.session.scalar(sa.select(LessonProgress).where(
        LessonProgress.lesson_id == first.id))
    assert progress.completed_at is not None


def test_a_double_submission_is_refused_with_a_message(client, learner, course):
    """Back and submit again: the first result stands and a message says so."""
    quiz = _lessons(course)[2]
    attempt = _start(client, quiz)
    form = quiz_form(attempt, quiz, right=False)
    _submit(client, quiz, form)
    before = _all_statements(learner)
    response = _submit(client, quiz, quiz_form(attempt, quiz, right=True))
    page = _page(response)
    assert response.status_code == 200
    assert "Lượt làm bài này đã được nộp." in page
    assert "Bài làm này không được ghi nhận lại" in page
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.passed is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1
    assert _all_statements(learner) == before


def test_submitting_without_an_open_attempt_says_so(client, learner, course):
    """A form with no valid attempt records nothing."""
    quiz = _lessons(course)[2]
    page = _page(_submit(client, quiz, {"attempt": "999"}))
    assert "chưa có lượt làm bài đang mở" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 0
