"""An officer sits the demo competency assessment in the browser: starts it, answers (each
answer saved by the page as it goes), loses the page and comes back to the saved answers and
the running clock, submits, and sees the level placed per competency."""

from __future__ import annotations

import functools
import re
import time

import pytest
import sqlalchemy as sa

from lms_core.identity.models import User
from plugins.competency.models import BankItem, Evidence, Exam, Sitting
from tests.browser.conftest import REPO, expect

EXAM_TITLE = "Thi đánh giá năng lực 2026 – nghiệp vụ chung"
EXAM_CODE = "DGNL-2026-NVC"


@functools.cache
def _catalog():
    from babel.support import Translations

    catalog = Translations.load(str(REPO / "lms_core" / "translations"), ["vi"])
    catalog.merge(Translations.load(str(REPO / "plugins" / "competency" / "translations"),
                                    ["vi"]))
    return catalog


def vi(msgid: str, **values) -> str:
    """``msgid`` as the Vietnamese UI shows it (core and competency catalogs)."""
    text = _catalog().gettext(msgid)
    return text % values if values else text


def _answer(page, live_server, wrong_levels: dict[str, set[int]]) -> int:
    """Choose the right options of every question shown, except for the competencies and
    levels in ``wrong_levels``, where a wrong option is chosen. Returns the questions."""
    fieldsets = page.locator("fieldset[data-item]").all()
    with live_server.session() as session:
        for fieldset in fieldsets:
            item = session.get(BankItem, int(fieldset.get_attribute("data-item")))
            wrong = item.level in wrong_levels.get(item.competency_code, set())
            for option in item.options:
                if bool(option["correct"]) != wrong:
                    fieldset.get_by_text(option["text_vi"], exact=True).click()
                    if item.kind == "single" or wrong:
                        break
    return len(fieldsets)


def _saved_sitting(live_server, user_id: int, exam_id: int, *, answers: int) -> int:
    """The sitting's id once the server holds ``answers`` saved answers (the page saves each
    change in the background: wait for the last save, at most 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        with live_server.session() as session:
            sitting = session.scalar(sa.select(Sitting).where(
                Sitting.user_id == user_id, Sitting.exam_id == exam_id))
            saved = len(sitting.answers or {})
        if saved == answers:
            return sitting.id
        if time.monotonic() > deadline:
            raise AssertionError(f"the page saved {saved} answers, not {answers}")
        time.sleep(0.2)


@pytest.mark.browser
def test_an_officer_sits_the_assessment_and_sees_the_levels_placed(page_as, live_server):
    """canbo: start, answer with autosave, reload, submit; levels by the documented rule."""
    with live_server.session() as session, session.begin():
        user = session.scalar(sa.select(User).where(User.username == "canbo"))
        exam = session.scalar(sa.select(Exam).where(Exam.code == EXAM_CODE))
        assert exam is not None and exam.open, "the demo exam is not loaded or not open"
        assert session.scalar(sa.select(Sitting).where(
            Sitting.user_id == user.id, Sitting.exam_id == exam.id)) is None
        user_id, exam_id = user.id, exam.id

    page = page_as("canbo")
    page.goto("/competency/exams")
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Competency assessments"))
    page.get_by_role("link", name=EXAM_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EXAM_TITLE)
    page.get_by_role("button", name=vi("Start the exam")).click()

    # The sitting: 28 questions and the time left, counted down by the page's script.
    expect(page).to_have_url(re.compile(r"/competency/sittings/\d+$"))
    clock = page.locator("[data-countdown]")
    expect(clock).to_have_text(re.compile(r"^(4[0-4]|[0-3]\d):[0-5]\d$"))
    # XLVP.01: level 1 right, level 2 wrong -> 4/8 = 0.5 for level 2: placed at 1.
    answered = _answer(page, live_server, {"XLVP.01": {2}})
    assert answered == 28
    status = page.locator("[data-save-status]")
    expect(status).to_contain_text(vi("Answers saved at"))

    # The connection drops; the officer opens the sitting again: the answers are there.
    sitting_id = _saved_sitting(live_server, user_id, exam_id, answers=28)
    page.goto("/competency/exams")
    page.get_by_role("link", name=vi("Continue the sitting")).click()
    expect(page).to_have_url(re.compile(f"/competency/sittings/{sitting_id}$"))
    expect(page.locator("fieldset[data-item]:has(input:checked)")).to_have_count(28)
    expect(page.locator("[data-save-status]")).to_contain_text(
        vi("%(n)d of %(total)d questions answered and saved.", n=28, total=28))

    # A second tab on the same sitting, left open.
    old_tab = page.context.new_page()
    old_tab.goto(f"/competency/sittings/{sitting_id}")
    expect(old_tab.locator("fieldset[data-item]:has(input:checked)")).to_have_count(28)

    page.get_by_role("button", name=vi("Submit the exam")).click()
    expect(page).to_have_url(re.compile(f"/competency/sittings/{sitting_id}/result$"))
    expect(page.locator(".flash-success")).to_have_text(vi("Your answers are submitted and "
                                                          "graded."))
    levels = page.locator("section", has=page.get_by_role(
        "heading", name=vi("Level placed per competency")))
    for code, level in (("CHUNG.01", 3), ("GSQL.01", 2), ("XLVP.01", 1)):
        expect(levels.locator(f'tr[data-competency="{code}"] td.level-cell')).to_have_text(
            str(level))
    expect(page.get_by_role("heading", name=vi("What to do next"))).to_be_visible()

    with live_server.session() as session:
        rows = session.execute(sa.select(Evidence.competency_code, Evidence.level).where(
            Evidence.user_id == user_id, Evidence.source_ref == f"sitting:{sitting_id}")).all()
    assert sorted(rows) == [("CHUNG.01", 3), ("GSQL.01", 2), ("XLVP.01", 1)]

    # Submitting the same sitting again from the old tab: a clear message, counted once.
    old_tab.get_by_role("button", name=vi("Submit the exam")).click()
    expect(old_tab).to_have_url(re.compile(f"/competency/sittings/{sitting_id}/result$"))
    expect(old_tab.locator(".flash-warning")).to_contain_text(
        vi("This sitting was already submitted on %(when)s; its result stands and is counted "
           "once.", when="").split("  ")[0].split(";")[0].rsplit(" ", 1)[0])
    with live_server.session() as session:
        assert session.scalar(sa.select(sa.func.count(Evidence.id)).where(
            Evidence.user_id == user_id,
            Evidence.source_ref == f"sitting:{sitting_id}")) == 3
