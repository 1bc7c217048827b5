"""The learning record: statements as sentences, who may read whose, and the exports."""

from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from lms_core.courses.catalogue import local_today
from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.xapi import statements as xs
from lms_core.xapi.models import Statement
from tests.core.test_xapi_profile import study_course

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local(row) -> tuple[str, str]:
    """The statement's time as the page shows it: (HH:MM, dd/mm/yyyy), local time."""
    when = row.timestamp.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZONE)
    return when.strftime("%H:%M"), when.strftime("%d/%m/%Y")


def page_text(response) -> str:
    return response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")


@pytest.fixture
def world(make_unit, make_user):
    """Units A and B under a root; an officer in each, the head of A, an HR administrator."""
    root = make_unit("ROOT", kind="department")
    unit_a = make_unit("A", parent=root)
    unit_b = make_unit("B", parent=root)
    return {
        "hoa": make_user("hoa", unit=unit_a, full_name="Nguyễn Thị Hoa"),
        "binh": make_user("binh", unit=unit_b, full_name="Trần Văn Bình"),
        "head_a": make_user("head_a", unit=unit_a, heads=unit_a),
        "head_b": make_user("head_b", unit=unit_b, heads=unit_b),
        "hr": make_user("hr", roles=(R.OFFICER, R.HR_ADMIN), unit=root),
    }


@pytest.fixture
def studied(client, auth, world, make_course):
    """Hoa studied TEST-101 to the end through the player; returns her statements."""
    auth.login("hoa")
    study_course(client, make_course())
    rows = db.session.scalars(sa.select(Statement).where(
        Statement.user_id == world["hoa"].id).order_by(Statement.id)).all()
    return rows


def _of(rows, verb: str, kind: str = ""):
    return next(r for r in rows if r.verb_id.endswith("/" + verb) and kind in r.activity_id)


def test_my_record_reads_as_vietnamese_sentences_newest_first(client, studied):
    """Each statement is a sentence with its local time; hours and scores beside them."""
    response = client.get("/learning-record/")
    assert response.status_code == 200
    page = page_text(response)
    done = next(r for r in reversed(studied) if r.verb_id.endswith("/completed"))
    hour, day = local(done)
    assert (f"Bạn đã hoàn thành khoá học «Khoá học thử TEST-101» lúc {hour} ngày {day}."
            in page)
    registered = _of(studied, "registered")
    hour, day = local(registered)
    assert f"Bạn đã đăng ký khoá học «Khoá học thử TEST-101» lúc {hour} ngày {day}." in page
    assert page.index("đã hoàn thành khoá học") < page.index("đã đăng ký khoá học")
    assert "Bạn đã đạt bài kiểm tra «Bài kiểm tra»" in page and "với điểm 100% (3/3)" in page
    assert "Bạn chưa đạt bài kiểm tra «Bài kiểm tra»" in page
    assert "với điểm 0% (0/3)." in page
    assert "Bạn đã trả lời đúng câu hỏi" in page and "Bạn đã trả lời sai câu hỏi" in page
    assert "Bạn đã học bài học «Khái niệm» trong 5 giây" in page
    assert "Bạn đã hoàn thành 33% khoá học «Khoá học thử TEST-101»" in page
    assert f"<dd>{len(studied)}</dd>" in page  # records
    assert "<dd>0,0 giờ</dd>" in page and "<dd>1</dd>" in page  # hours, courses completed


def test_the_record_speaks_english_when_the_interface_does(client, studied):
    """With the English interface, the same statements read in English."""
    client.post("/lang/en")
    page = page_text(client.get("/learning-record/"))
    done = next(r for r in reversed(studied) if r.verb_id.endswith("/completed"))
    hour, day = local(done)
    assert f"You completed the course «Test course TEST-101» at {hour} on {day}." in page
    assert "You passed the test «Test»" in page and "with a score of 100% (3/3)" in page
    assert "You studied the lesson «Concepts» for 5 s" in page


def test_period_and_course_filters_choose_the_statements(client, studied, make_course, world):
    """A period after the studies shows nothing; a course shows only its enrolment's."""
    from lms_core.courses import delivery

    other = make_course("OTHER-1")
    delivery.enrol(world["hoa"], other)
    db.session.commit()
    tomorrow = (date.today() + timedelta(days=2)).strftime("%d/%m/%Y")
    page = page_text(client.get(f"/learning-record/?since={tomorrow}"))
    assert "Không có bản ghi nào" in page and "<dd>0</dd>" in page
    page = page_text(client.get("/learning-record/?course=OTHER-1"))
    assert "khoá học «Khoá học thử OTHER-1»" in page and "TEST-101»" not in page
    assert "<dd>1</dd>" in page
    page = page_text(client.get("/learning-record/?course=TEST-101&since=01/01/2020"))
    assert "OTHER-1»" not in page and "TEST-101»" in page


@pytest.mark.parametrize("query, message", [
    ("since=31/02/2026", "Ngày phải được nhập theo định dạng dd/mm/yyyy"),
    ("since=10/03/2026&until=01/03/2026", "Khoảng thời gian kết thúc trước khi bắt đầu."),
    ("course=NONE-1", "chưa đăng ký khoá học NONE-1"),
])
def test_a_bad_filter_is_refused_with_a_message(client, studied, query, message):
    """Bad dates or a course not followed: 400, the message, no statement listed."""
    response = client.get(f"/learning-record/?{query}")
    assert response.status_code == 400
    page = page_text(response)
    assert message in page and "Bạn đã đăng ký" not in page


def test_the_record_is_paged_fifty_at_a_time(client, studied, world):
    """Newest first, fifty a page: the oldest statements are on the last page."""
    hoa = world["hoa"]
    for n in range(60 - len(studied)):
        xs.record(xs.build(hoa, "experienced", xs.activity(f"extra/{n}", "lesson",
                                                           f"Bài đọc thêm {n}", ""),
                           result_=xs.result(duration_seconds=60)), user=hoa)
    db.session.commit()
    first = page_text(client.get("/learning-record/"))
    second = page_text(client.get("/learning-record/?page=2"))
    assert "Trang 1/2" in first or "Trang 1 / 2" in first or "1/2" in first
    assert "đã đăng ký khoá học" not in first and "đã đăng ký khoá học" in second
    assert second.count("<tr><td>") == 10


def test_a_unit_head_reads_the_record_of_their_units_people(client, auth, studied, world):
    """The head of A sees Hoa's record in her name; the head of B and Binh may not."""
    auth.logout()
    auth.login("head_a")
    response = client.get("/learning-record/HOA")
    assert response.status_code == 200
    page = page_text(response)
    assert "Nguyễn Thị Hoa đã hoàn thành khoá học «Khoá học thử TEST-101»" in page
    assert "Bạn đã đăng ký khoá học" not in page
    auth.logout()
    auth.login("head_b")
    assert client.get("/learning-record/HOA").status_code == 403
    auth.logout()
    auth.login("binh")
    assert client.get("/learning-record/HOA").status_code == 403
    assert client.get("/learning-record/NOBODY").status_code == 403
    assert client.get("/learning-record/BINH").status_code == 200
    auth.logout()
    auth.login("hr")
    assert client.get("/learning-record/HOA").status_code == 200
    assert client.get("/learning-record/NOBODY").status_code == 404
    auth.logout()
    assert client.get("/learning-record/").status_code == 302


def test_hr_downloads_the_statements_of_a_period_as_json_lines(client, auth, studied):
    """One statement a line, in time order, voided ones left out; others may not."""
    voided = studied[3]
    db.session.execute(sa.update(Statement).where(Statement.id == voided.id)
                       .values(voided=True))
    db.session.commit()
    assert client.get("/learning-record/export").status_code == 403
    auth.logout()
    auth.login("hr")
    form = client.get("/learning-record/export")
    assert form.status_code == 200 and "Xuất các câu lệnh" in page_text(form)
    today = date.today()
    since = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    until = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.get(f"/learning-record/export?since={since}&until={until}")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert ".jsonl" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    statements = [json.loads(line) for line in lines]
    ids = [s["id"] for s in statements]
    assert voided.statement_id not in ids
    assert set(ids) == {r.statement_id for r in studied} - {voided.statement_id}
    assert [s["timestamp"] for s in statements] == sorted(s["timestamp"] for s in statements)
    assert all("stored" in s and "authority" in s for s in statements)
    before = (today - timedelta(days=30)).strftime("%d/%m/%Y")
    empty = client.get(f"/learning-record/export?since={before}&until={before}")
    assert empty.status_code == 200 and empty.get_data() == b""


@pytest.mark.parametrize("query, message", [
    ("since=01/01/2026", "Hãy nhập ngày đầu và ngày cuối của khoảng thời gian."),
    ("since=2026-13-01&until=01/02/2026", "Ngày phải được nhập theo định dạng dd/mm/yyyy"),
    ("since=02/02/2026&until=01/02/2026", "Khoảng thời gian kết thúc trước khi bắt đầu."),
])
def test_a_bad_export_period_is_refused_with_a_message(client, auth, world, query, message):
    """400 with the form and the message; nothing is downloaded."""
    auth.login("hr")
    response = client.get(f"/learning-record/export?{query}")
    assert response.status_code == 400
    assert message in page_text(response) and response.mimetype == "text/html"


def test_the_export_command_writes_json_lines_to_a_file(runner, studied, tmp_path):
    """`lms xapi export` writes the period's statements, one a line, and counts them."""
    output = tmp_path / "statements.jsonl"
    # Dates as the users enter them: in the platform's time zone (Vietnam is UTC+7).
    today = local_today().strftime("%d/%m/%Y")
    yesterday = (local_today() - timedelta(days=1)).strftime("%d/%m/%Y")
    result = runner.invoke(args=["xapi", "export", "--since", yesterday, "--until", today,
                                 "--output", str(output)])
    assert result.exit_code == 0, result.output
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(studied) and f"Exported {len(studied)} statements." in result.output
    assert {json.loads(line)["id"] for line in lines} == {r.statement_id for r in studied}
    to_stdout = runner.invoke(args=["xapi", "export", "--since", yesterday, "--until", today])
    assert to_stdout.exit_code == 0
    assert sum(1 for line in to_stdout.stdout.splitlines() if line.startswith("{")) == \
        len(studied)


def test_the_export_command_refuses_a_bad_period(runner, tmp_path):
    """Bad dates: status 2, a message, no file written."""
    output = tmp_path / "out.jsonl"
    result = runner.invoke(args=["xapi", "export", "--since", "31/03/2026", "--until",
                                 "01/01/2026", "--output", str(output)])
    assert result.exit_code == 2 and "Error" in result.output
    assert not output.exists()
