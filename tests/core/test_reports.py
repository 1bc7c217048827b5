"""Certificates (PDF download, public verification) and course analytics for authors."""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
import zlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms_core.courses import analytics
from lms_core.courses import certificates as certs
from lms_core.courses import delivery as d
from lms_core.courses.catalogue import local_today
from lms_core.courses.models import Certificate
from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.identity import roles as R
from tests.core.test_delivery import _answers


# -- helpers ------------------------------------------------------------------------------------
def _pdf_text(data: bytes) -> str:
    """The text drawn on the pages of an fpdf2 PDF (fonts embedded with a ToUnicode map):
    inflate the streams, map each font's glyph codes back to characters."""
    objects = {}
    for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S):
        body = m.group(2)
        # The stream's bytes are exactly /Length long: compressed data may itself end in
        # CR or LF, so its end cannot be found by looking for "endstream".
        stream = re.search(rb"stream\r?\n", body)
        length = re.search(rb"/Length (\d+)", body[:stream.start()]) if stream else None
        content = body[stream.end():stream.end() + int(length.group(1))] if length else b""
        if length and b"/FlateDecode" in body[:stream.start()]:
            content = zlib.decompress(content)
        objects[int(m.group(1))] = (body[:stream.start()] if stream else body, content)

    def cmap(obj_id):
        pairs = re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4,})>", objects[obj_id][1])
        return {int(a, 16): chr(int(b, 16)) for a, b in pairs}

    fonts = {}
    for head, _content in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", head):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)][0])
            if to_unicode:
                fonts[name.decode()] = cmap(int(to_unicode.group(1)))
    text = []
    for _head, content in objects.values():
        font = None
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            if token.group(1):
                font = fonts.get(token.group(1).decode(), {})
                continue
            raw = re.sub(rb"\\([nrtbf()\\])", lambda e: {b"n": b"\n", b"r": b"\r", b"t": b"\t",
                                                         b"b": b"\b", b"f": b"\f"}.get(
                e.group(1), e.group(1)), token.group(2))
            text.append("".join(font.get(int.from_bytes(raw[i:i + 2], "big"), "?")
                                for i in range(0, len(raw), 2)))
    return "\n".join(text)


def _finish(enrolment, *, quiz_right=True):
    """Complete the two readings and submit the quiz (all right, or all wrong)."""
    lessons = enrolment.version.lessons
    for lesson in lessons[:2]:
        d.complete_lesson(enrolment, lesson)
    attempt = d.start_attempt(enrolment, lessons[2])
    d.submit_attempt(attempt, _answers(attempt, lessons[2], right=quiz_right))
    return attempt


@pytest.fixture
def units(make_unit):
    branch = make_unit("CCHQ-KV1", kind="branch")
    return {"branch": branch, "team": make_unit("DOI-1", parent=branch),
            "other": make_unit("DOI-2", parent=branch)}


@pytest.fixture
def certificate(make_user, make_course, units):
    holder = make_user("hoa", unit=units["team"], full_name="Nguyễn Thị Hoà")
    course = make_course(quiz=QUIZ)
    enrolment = d.enrol(holder, course)
    _finish(enrolment)
    db.session.commit()
    return db.session.scalar(sa.select(Certificate).where(Certificate.enrolment_id == enrolment.id))


# -- certificates -------------------------------------------------------------------------------
def test_the_holder_downloads_a_certificate_pdf_with_the_code_and_the_vietnamese_text(
        client, auth, certificate):
    """The PDF is an attachment named after the code; its text is the bilingual certificate."""
    auth.login("hoa")
    response = client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="chung-nhan-{certificate.code}.pdf"')
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    for expected in ("HẢI QUAN VIỆT NAM", "GIẤY CHỨNG NHẬN HOÀN THÀNH KHOÁ HỌC",
                     "Certificate of completion", "Nguyễn Thị Hoà", "Khoá học thử TEST-101",
                     "Test course TEST-101", certificate.code,
                     f"http://localhost/verify/{certificate.code}",
                     "Số giờ học: 0,0 giờ", f"Completed on: {local_today():%d/%m/%Y}"):
        assert expected in text, expected


def test_render_pdf_can_leave_the_content_uncompressed(app, certificate):
    """With compression off the page content is readable as is."""
    with app.test_request_context():
        plain = certs.render_pdf(certificate, compress=False)
        packed = certs.render_pdf(certificate)
    assert b") Tj" in plain and b") Tj" not in packed
    assert _pdf_text(plain) == _pdf_text(packed)


@pytest.mark.parametrize("who,status", [
    ("other", 403),   # an officer of another team
    ("hr", 200),      # HR administrator
    ("head", 200),    # head of the branch above the holder's team
    ("nextdoor", 403),  # head of a sibling team
])
def test_who_may_download_a_certificate(client, auth, make_user, units, certificate, who, status):
    """The holder, HR and the heads of the holder's unit subtree; nobody else."""
    make_user("other", unit=units["other"])
    make_user("hr", roles=(R.HR_ADMIN,))
    make_user("head", heads=units["branch"])
    make_user("nextdoor", heads=units["other"])
    auth.login(who)
    assert client.get(f"/certificates/{certificate.code}.pdf").status_code == status


def test_an_unknown_certificate_is_404_and_anonymous_users_must_log_in(client, auth,
                                                                        certificate):
    """No PDF without a login; a code that does not exist is not found."""
    response = client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login("hoa")
    assert client.get("/certificates/HQ-AAAA-BBBB.pdf").status_code == 404


def test_missing_fonts_give_a_clear_error(app, client, auth, certificate, tmp_path):
    """Without the TrueType fonts the download says so instead of failing obscurely."""
    app.config["LMS_CERTIFICATE_FONT_DIR"] = str(tmp_path)
    with pytest.raises(certs.CertificateFontError, match="fonts-dejavu-core"):
        certs.render_pdf(certificate, url="https://example.test/verify/x")
    auth.login("hoa")
    response = client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 503
    assert "thiếu phông chữ" in response.get_data(as_text=True)


def test_the_verification_page_needs_no_login_and_shows_only_what_the_certificate_says(
        client, certificate):
    """Holder, course, completion date and hours; nothing else about the person."""
    page = client.get("/verify")
    assert page.status_code == 200 and 'name="code"' in page.get_data(as_text=True)
    response = client.get(f"/verify/{certificate.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Giấy chứng nhận này hợp lệ" in html
    assert "Nguyễn Thị Hoà" in html and "Khoá học thử TEST-101" in html
    assert f"{local_today():%d/%m/%Y}" in html and "0,0" in html
    assert "HOA" not in html.replace(certificate.code, "")  # no personnel code
    assert "DOI-1" not in html  # no unit


def test_a_code_typed_in_lower_case_is_found(client, certificate):
    """The code is not case-sensitive, in the address and in the form."""
    assert client.get(f"/verify/{certificate.code.lower()}").status_code == 200
    response = client.get("/verify", query_string={"code": f"  {certificate.code.lower()} "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.code}")


def test_an_unknown_code_is_404_with_a_message(client, certificate):
    """A wrong code says so clearly and offers the form again."""
    response = client.get("/verify/HQ-ZZZZ-9999")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Không có giấy chứng nhận nào mang mã HQ-ZZZZ-9999" in html
    assert 'name="code"' in html and "Nguyễn Thị Hoà" not in html
    assert client.get("/verify", query_string={"code": "nope"}).status_code == 404
    empty = client.get("/verify", query_string={"code": " "})
    assert empty.status_code == 400
    assert "Nhập mã in trên giấy chứng nhận" in empty.get_data(as_text=True)


# -- analytics ----------------------------------------------------------------------------------
#: Three questions, all drawn; 2 of 3 right passes. q1 is one everybody gets right.
QUIZ = """\
pass_mark: 60
attempts: 2
questions:
  - id: q1
    type: true_false
    text: "Luồng đỏ là kiểm tra thực tế hàng hoá."
    answer: true
  - id: q2
    type: single
    text: "Thời hạn kiểm tra sau thông quan?"
    choices:
      - {text: "05 năm", correct: true}
      - {text: "01 năm"}
  - id: q3
    type: short_answer
    text: "Tên hệ thống thông quan tự động?"
    answers: ["VNACCS"]
"""

#: Quiz takers by (q2 right, q3 right): how many of each; q1 is always right.
PATTERNS = {(1, 1): 4, (1, 0): 3, (0, 1): 1, (0, 0): 2}


def _responses(attempt, lesson, q2: int, q3: int) -> dict:
    by_key = {q.key: q for q in lesson.questions}
    return {str(by_key["q1"].id): True, str(by_key["q2"].id): 0 if q2 else 1,
            str(by_key["q3"].id): "vnaccs" if q3 else "sai"}


@pytest.fixture
def cohort(make_user, make_course):
    """14 learners: 10 take the quiz (8 pass, 2 fail), 3 stop after lesson 1 (one of them
    opened lesson 2), 1 never starts."""
    course = make_course(quiz=QUIZ)
    n = 0

    def learner():
        nonlocal n
        n += 1
        return d.enrol(make_user(f"hv{n:02d}"), course)

    for (q2, q3), count in PATTERNS.items():
        for _ in range(count):
            enrolment = learner()
            lessons = enrolment.version.lessons
            d.complete_lesson(enrolment, lessons[0])
            d.complete_lesson(enrolment, lessons[1])
            attempt = d.start_attempt(enrolment, lessons[2])
            d.submit_attempt(attempt, _responses(attempt, lessons[2], q2, q3))
    lessons = course.published_version.lessons
    for _ in range(3):
        enrolment = learner()
        d.complete_lesson(enrolment, lessons[0])
    d.open_lesson(enrolment, lessons[1])  # the last of them looked at lesson 2
    learner()
    db.session.commit()
    return course


def test_enrolments_completion_and_drop_off_by_lesson(cohort):
    """Exact counts: who enrolled, completed, and how far each learner got."""
    overview = analytics.overview(cohort)
    assert (overview.enrolled, overview.completed) == (14, 8)
    assert overview.completion_rate == pytest.approx(8 / 14)
    rows = analytics.lesson_dropoff(cohort)
    assert [(r.lesson.title_en, r.reached, r.completed) for r in rows] == [
        ("Concepts", 13, 13), ("Process", 11, 10), ("Test", 10, 8)]
    assert rows[1].stopped == 1 and rows[2].stopped == 2


def test_item_difficulty_and_corrected_item_total_discrimination(cohort):
    """p is the share right; r the point-biserial correlation with the rest of the attempt."""
    (quiz,) = analytics.item_analysis(cohort)
    assert quiz.attempts == 10
    items = {i.question.key: i for i in quiz.items}
    assert (items["q1"].n, items["q1"].difficulty) == (10, 1.0)
    assert items["q1"].discrimination is None and items["q1"].note == "no_variation"
    assert items["q2"].difficulty == pytest.approx(0.7)
    assert items["q3"].difficulty == pytest.approx(0.5)
    # By hand, for q2: its rest score is (q1 + q3) / 2: 1 for patterns (1,1) and (0,1), 1/2 else.
    rest = {(1, 1): 1.0, (1, 0): 0.5, (0, 1): 1.0, (0, 0): 0.5}
    right = [rest[p] for p, c in PATTERNS.items() for _ in range(c) if p[0]]
    wrong = [rest[p] for p, c in PATTERNS.items() for _ in range(c) if not p[0]]
    m1, m0 = statistics.mean(right), statistics.mean(wrong)  # 11/14 and 2/3
    s = statistics.pstdev(right + wrong)  # 0.25
    expected = (m1 - m0) / s * math.sqrt(0.7 * 0.3)
    assert items["q2"].discrimination == pytest.approx(expected)
    assert items["q2"].discrimination == pytest.approx(0.2182, abs=1e-4)
    assert items["q2"].flags == []
    # With fewer than the minimum number of answers: "not enough data".
    (small,) = analytics.item_analysis(cohort, min_n=11)
    assert all(i.discrimination is None and i.note == "not_enough_data" for i in small.items)


def test_medians_of_study_time_and_days_to_complete(make_user, make_course):
    """Median verified seconds and days of those who completed; even counts average the
    middle two; learners who did not complete do not count."""
    course = make_course(quiz=QUIZ)
    now = utcnow()
    for i, (seconds, days) in enumerate([(600, 1), (1200, 2), (3000, 10), (9000, 30), (50, None)]):
        enrolment = d.enrol(make_user(f"m{i}"), course)
        enrolment.verified_seconds = seconds
        enrolment.enrolled_at = now - timedelta(days=40)
        if days is not None:
            enrolment.completed_at = enrolment.enrolled_at + timedelta(days=days)
    db.session.commit()
    overview = analytics.overview(course)
    assert overview.median_study_seconds == 2100  # (1200 + 3000) / 2
    assert overview.median_days_to_complete == pytest.approx(6)  # (2 + 10) / 2
    empty = analytics.overview(make_course("EMPTY-1"))
    assert (empty.enrolled, empty.completion_rate, empty.median_study_seconds) == (0, None, None)


def test_one_version_counts_only_its_learners(cohort):
    """Version 1 is the only one: the same figures as for every version."""
    version = cohort.published_version
    assert analytics.overview(cohort, version).enrolled == 14
    assert [r.reached for r in analytics.lesson_dropoff(cohort, version)] == [13, 11, 10]


def test_the_analytics_page_shows_the_figures_to_training_staff(client, auth, make_user, cohort):
    """Training staff see counts, drop-off bars and the item table."""
    make_user("gv", roles=(R.AUTHOR,))
    auth.login("gv")
    response = client.get("/courses/test-101/analytics")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tỷ lệ hoàn thành" in html and "57,1%" in html
    assert "Đã mở: 11" in html and "Hoàn thành: 10" in html
    assert 'class="bar"' in html and 'value="78.6"' in html  # 11 of 14 reached lesson 2
    assert "không tính được" in html  # q1: everybody right
    assert client.get("/courses/TEST-101/analytics?version=1").status_code == 200
    assert client.get("/courses/TEST-101/analytics?version=9").status_code == 404
    assert client.get("/courses/NOPE-1/analytics").status_code == 404


def test_the_item_analysis_downloads_as_csv(client, auth, make_user, cohort):
    """One row per question, UTF-8 with BOM, with p and r."""
    make_user("hr", roles=(R.HR_ADMIN,))
    auth.login("hr")
    response = client.get("/courses/TEST-101/analytics.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "phan-tich-cau-hoi-TEST-101.csv" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Bài kiểm tra", "STT", "Mã câu hỏi"]
    assert [(r[2], r[5], r[7], r[8]) for r in rows[1:]] == [
        ("q1", "10", "1.000", ""), ("q2", "10", "0.700", "0.218"), ("q3", "10", "0.500", "0.218")]


@pytest.mark.parametrize("roles", [(R.OFFICER,), (R.UNIT_HEAD,)])
def test_officers_and_unit_heads_may_not_see_course_analytics(client, auth, make_user,
                                                              make_unit, make_course, roles):
    """Analytics are for training staff and HR only."""
    make_course()
    heads = make_unit("DOI-9") if R.UNIT_HEAD in roles else None
    make_user("cb", roles=roles, heads=heads)
    auth.login("cb")
    assert client.get("/courses/TEST-101/analytics").status_code == 403
    assert client.get("/courses/TEST-101/analytics.csv").status_code == 403


@pytest.mark.postgres
def test_the_medians_are_computed_by_postgresql_too(postgres_url, tmp_path):
    """The days between enrolment and completion use PostgreSQL's own date arithmetic."""
    from lms_core import create_app
    from lms_core.courses import operations as course_ops
    from lms_core.courses.package import import_package, open_package
    from lms_core.identity import operations as id_ops
    from tests.conftest import write_package

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": postgres_url, "LMS_PLUGINS": "none"})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        version = import_package(open_package(write_package(tmp_path, quiz=QUIZ))).version
        course_ops.publish(version)
        now = utcnow()
        for i, days in enumerate([1, 2, 10]):
            enrolment = d.enrol(id_ops.create_user(f"pg{i}", f"Cán bộ {i}"), version.course)
            enrolment.enrolled_at = now - timedelta(days=20)
            enrolment.completed_at = enrolment.enrolled_at + timedelta(days=days, hours=12)
            enrolment.verified_seconds = 100 * (i + 1)
        db.session.commit()
        overview = analytics.overview(version.course)
        assert overview.median_days_to_complete == pytest.approx(2.5)
        assert overview.median_study_seconds == 200
        assert [r.reached for r in analytics.lesson_dropoff(version.course)] == [0, 0, 0]
        db.session.remove()
        db.engine.dispose()
