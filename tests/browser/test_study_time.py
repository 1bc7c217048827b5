"""Verified study time in a real browser: lms_core/static/js/player.js counts the seconds a
lesson page is visible and its reader active, and the server counts what the heartbeats
report, within the wall-clock time between them.

The page's clock is Playwright's fake clock (``page.clock``), paused: it moves only when the
test runs it, so minutes of page time pass in milliseconds, the same way on every run. The
server keeps real time and counts at most the real time between two heartbeats plus a few
seconds of slack, so what the server accepts is checked against what the page reported, not
against the fake minutes. The server under test has an idle timeout of STUDY_IDLE_SECONDS
(3 s)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa

from lms_core.courses.models import Enrolment, Lesson, LessonProgress
from lms_core.identity.models import User
from tests.browser.conftest import STUDY_IDLE_SECONDS, expect, go_to, vi

COURSE = "SO-101"
LEARNER = "truongdonvi2"
BEAT_MS = 30_000  #: the page's heartbeat period (player_views.BEAT_SECONDS)
PAGE_TIME = datetime(2026, 3, 2, 8, 0)  #: when the page's fake clock starts

HIDE = """() => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
  Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "visible"});
  Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def _counted(live_server, lesson_id: int) -> int:
    """LessonProgress.verified_seconds of the learner for the lesson, as the server holds it."""
    with live_server.session() as session:
        return session.scalar(
            sa.select(LessonProgress.verified_seconds)
            .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
            .join(User, User.id == Enrolment.user_id)
            .where(User.username == LEARNER, LessonProgress.lesson_id == lesson_id)) or 0


def _is(path: str):
    """Matches the answer to the page's POST to a study-session URL ending with ``path``."""
    return lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith(path)


def _reported(response) -> int:
    """The seconds the page reported in a heartbeat (JSON) or a close (form-encoded)."""
    body = response.request.post_data
    if body.startswith("{"):
        return json.loads(body)["active_seconds"]
    return int(parse_qs(body)["active_seconds"][0])


def _settled(page) -> None:
    """Wait until the page has handled the server's last answer (no request in flight)."""
    page.wait_for_function("() => { const t = window.LmsPlayer.timer;"
                           " return !t.inFlight && !t.reopening; }")


def _active_for(page, milliseconds: int, every: int = 1000) -> None:
    """The reader moves the mouse every ``every`` ms while the page's clock runs."""
    for step in range(milliseconds // every):
        page.mouse.move(100 + step % 50, 200 + step % 30)
        page.clock.run_for(every)


@pytest.mark.browser
def test_study_time_counts_only_while_visible_and_active(page_as, live_server):
    """Visible and active: counted; idle past the timeout or hidden: not counted."""
    page = page_as(LEARNER)
    go_to(page, "Course catalogue")
    page.get_by_label(vi("Search courses")).fill(COURSE)
    page.get_by_role("button", name=vi("Search")).click()
    page.locator("article.course-card", has_text=COURSE).get_by_role("link").click()
    page.get_by_role("button", name=vi("Enrol")).click()

    # From the lesson page on, the page's clock moves only when the test runs it.
    page.clock.install(time=PAGE_TIME)
    page.clock.pause_at(PAGE_TIME + timedelta(seconds=1))
    page.get_by_role("link", name=vi("Continue")).click()
    player = page.locator("[data-player]")
    expect(player).to_have_attribute("data-idle-seconds", str(STUDY_IDLE_SECONDS))
    page.wait_for_function("window.LmsPlayer && window.LmsPlayer.timer !== null")
    lesson_id = int(page.url.rsplit("/", 1)[1])
    with live_server.session() as session:
        assert session.get(Lesson, lesson_id).kind == "text"
    clock = page.locator("[data-study-clock]")
    expect(clock).to_have_text("00:00")

    # Visible and active for a heartbeat period: the counter advances.
    with page.expect_response(_is("/beat")) as first:
        _active_for(page, BEAT_MS)
    answer = first.value.json()
    _settled(page)
    assert first.value.ok and answer["open"] is True
    assert _reported(first.value) >= BEAT_MS // 1000  # every active second of the page
    assert answer["counted"] > 0  # within the real seconds that passed, plus the slack
    counted = _counted(live_server, lesson_id)
    assert counted == answer["lesson_seconds"] == answer["counted"]
    expect(clock).to_have_text(f"{counted // 60:02d}:{counted % 60:02d}")

    # Idle: time after the last input counts up to the timeout, then not at all.
    with page.expect_response(_is("/beat")) as idle:
        page.clock.run_for(BEAT_MS)
    assert _reported(idle.value) <= STUDY_IDLE_SECONDS
    _settled(page)
    before = _counted(live_server, lesson_id)
    with page.expect_response(_is("/beat")) as still_idle:
        page.clock.run_for(BEAT_MS)
    assert _reported(still_idle.value) == 0
    assert still_idle.value.json()["counted"] == 0
    assert _counted(live_server, lesson_id) == before

    # Hidden (another tab in front): the page reports its last seconds and closes its study
    # session; however long it stays hidden, and whatever the mouse does, nothing counts.
    _active_for(page, 2000)
    with page.expect_response(_is("/close")) as closed:
        page.evaluate(HIDE)
    assert closed.value.ok and closed.value.json()["open"] is False
    assert _reported(closed.value) > 0  # the last visible seconds are not lost
    hidden_from = _counted(live_server, lesson_id)
    assert hidden_from == before + _reported(closed.value)
    beats = []
    page.on("request", lambda r: beats.append(r.url) if "/learn/session/" in r.url else None)
    _active_for(page, 3 * BEAT_MS, every=2000)
    assert beats == [], "a hidden page reported study time"
    assert _counted(live_server, lesson_id) == hidden_from

    # Visible again: a new study session, and only the time since then counts.
    with page.expect_response(_is("/reopen")) as reopened:
        page.evaluate(SHOW)
    assert reopened.value.json()["session"] not in closed.value.url
    _settled(page)
    with page.expect_response(_is("/beat")) as back:
        page.clock.run_for(BEAT_MS)
    assert back.value.json()["open"] is True
    assert _reported(back.value) <= STUDY_IDLE_SECONDS  # not the 90 s it was hidden
    assert _counted(live_server, lesson_id) == hidden_from + back.value.json()["counted"]
