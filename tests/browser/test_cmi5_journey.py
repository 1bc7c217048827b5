"""An officer studies CMI5-101, the cmi5 sample course: each lesson is an AU built on the
@xapi/cmi5 library, launched in the player's frame; it fetches its token, reads LMS.LaunchData,
initializes, completes (or passes) and terminates, and the platform shows the result."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lms_core.courses.models import Certificate, Course, Enrolment
from lms_core.demo.loader import DEMO_ACCOUNTS
from lms_core.identity.models import User
from lms_core.xapi.models import Statement
from tests.browser.conftest import DESKTOP, expect, vi

COURSE = "CMI5-101"
TITLE = "Khai báo hải quan điện tử qua tình huống"
VERBS = "http://adlnet.gov/expapi/verbs/"
#: The test AU's answer key, in question order (kiem-tra/index.html).
ANSWERS = ["a", "b", "c", "b", "a"]


def _generated_officer(live_server) -> str:
    """An officer of the generated demo organisation that no other journey uses."""
    taken = {a.username for a in DEMO_ACCOUNTS}
    with live_server.session() as session:
        users = session.scalars(sa.select(User).where(User.active.is_(True))
                                .order_by(User.id.desc())).all()
        return next(u.username for u in users
                    if u.username not in taken and not u.must_change_password)


def _au_verbs(live_server, username: str) -> list[str]:
    """The verbs of the statements the AUs sent (not the platform's own), in order."""
    with live_server.session() as session:
        user = session.scalar(sa.select(User).where(User.username == username))
        rows = session.scalars(sa.select(Statement).where(Statement.user_id == user.id)
                               .order_by(Statement.id)).all()
        return [r.verb_id.rsplit("/", 1)[-1] for r in rows
                if r.payload["authority"]["account"]["homePage"].endswith("/xapi/clients")]


@pytest.mark.browser
def test_an_officer_launches_and_completes_the_cmi5_aus(page_as, live_server):
    """Launch the case AU in the player's frame, go through it, complete; then pass the test
    AU: both lessons done, the course completed, and no policy violation on the way."""
    username = _generated_officer(live_server)
    page = page_as(username, viewport=DESKTOP)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"/courses/{COURSE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name=vi("Enrol")).click()
    page.get_by_role("link", name=vi("Continue")).click()

    # The first lesson: the case AU, not started.
    status = page.locator("[data-cmi5-status]")
    expect(status).to_contain_text(vi("Not started"))
    page.get_by_role("button", name=vi("Launch"), exact=True).click()
    frame = page.frame_locator("iframe[name=cmi5-au]")
    expect(frame.locator("[data-au-status]")).to_have_text(
        "Đã kết nối: kết quả của bạn được ghi vào hồ sơ học tập.")
    for _step in range(4):
        frame.get_by_role("button", name="Tiếp ›").click()
    expect(frame.get_by_role("heading", level=2)).to_have_text(
        "Thông quan và đưa hàng ra khỏi cảng")
    with page.expect_navigation():  # terminated: the AU goes to the returnURL, which takes
        frame.get_by_role("button", name="Hoàn thành bài học").click()  # the whole window

    # Back in the player: the AU satisfied, the lesson done, half the course.
    expect(status).to_contain_text(vi("Requirement met"))
    expect(page.locator(".outline-percent")).to_have_text(
        vi("%(percent)d%% complete", percent=50))
    assert _au_verbs(live_server, username) == [
        "initialized", "progressed", "progressed", "progressed", "completed", "terminated"]

    # The second lesson: the test AU, passed with 5 of 5.
    page.get_by_role("link", name=re.compile(vi("Next lesson"))).click()
    expect(status).to_contain_text(vi("Not started"))
    page.get_by_role("button", name=vi("Launch"), exact=True).click()
    expect(frame.locator("[data-au-status]")).to_contain_text("Đã kết nối")
    for number, answer in enumerate(ANSWERS, start=1):
        frame.locator(f"input[name=q{number}][value={answer}]").check()
    frame.get_by_role("button", name="Nộp bài").click()
    expect(frame.locator("[data-score]")).to_contain_text("5/5")
    with page.expect_navigation():
        frame.get_by_role("button", name="Kết thúc và quay lại bài học").click()
    expect(status).to_contain_text(vi("Requirement met"))
    expect(status).to_contain_text("100")
    expect(page.locator(".outline-percent")).to_have_text(
        vi("%(percent)d%% complete", percent=100))

    with live_server.session() as session:
        user = session.scalar(sa.select(User).where(User.username == username))
        course = session.scalar(sa.select(Course).where(Course.code == COURSE))
        enrolment = session.scalar(sa.select(Enrolment).where(
            Enrolment.user_id == user.id, Enrolment.course_id == course.id))
        assert enrolment.completed_at is not None
        assert session.scalar(sa.select(Certificate).where(
            Certificate.enrolment_id == enrolment.id)) is not None
        satisfied = session.scalars(sa.select(Statement).where(
            Statement.user_id == user.id,
            Statement.verb_id == "https://w3id.org/xapi/adl/verbs/satisfied")).all()
        assert len(satisfied) == 2  # the block and the course
    assert _au_verbs(live_server, username)[-3:] == ["initialized", "passed", "terminated"]
    assert problems == []
