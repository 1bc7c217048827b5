"""An officer with competency gaps sees recommended courses with their reasons on the
dashboard, opens the learning path, accepts it, and finds its courses in My learning as
assigned courses with their due dates. The server's models may be untrained: the fallback
ranking still gives reasons."""

from __future__ import annotations

import functools
import re

import pytest
import sqlalchemy as sa

from lms_core.courses.models import Course, Enrolment
from lms_core.identity.models import User
from tests.browser.conftest import REPO, expect, go_to


@functools.cache
def _catalog():
    from babel.support import Translations

    catalog = Translations.load(str(REPO / "plugins" / "recommendation" / "translations"),
                                ["vi"])
    # The core's catalog last, as the app loads it: it wins for shared msgids.
    catalog.merge(Translations.load(str(REPO / "lms_core" / "translations"), ["vi"]))
    return catalog


def vi(msgid: str, **values) -> str:
    """``msgid`` as the Vietnamese UI shows it (recommendation and core catalogs)."""
    text = _catalog().gettext(msgid)
    return text % values if values else text


@pytest.mark.browser
def test_an_officer_accepts_the_learning_path_and_finds_it_in_my_learning(page_as,
                                                                        live_server):
    """canbo: dashboard recommendations with reasons, the path, accept, My learning."""
    page = page_as("canbo")
    page.goto("/dashboard")
    panel = page.locator('[data-panel="recommendation"]')
    expect(panel.get_by_role("heading")).to_have_text(vi("Recommended for you"))
    items = panel.locator("ol > li")
    expect(items.first).to_be_visible()
    assert 1 <= items.count() <= 3
    # Each course comes with its first reason: the gap it closes.
    for item in items.all():
        expect(item.locator("small")).to_contain_text(
            vi("Closes your gap in «%(name)s», level %(achieved)d → %(level)d",
               name="", achieved=0, level=0).split("«")[0])

    panel.get_by_role("link", name=vi("See my learning path")).click()
    expect(page).to_have_url(re.compile(r"/recommendation/path$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("My learning path"))
    new_rows = page.locator("tr[data-course]", has=page.locator(
        "span.tag", has_text=vi("to accept")))
    expect(new_rows.first).to_be_visible()
    planned = {row.get_attribute("data-course"): row.locator("td").nth(4).inner_text().strip()
               for row in new_rows.all()}
    assert planned and all(re.fullmatch(r"\d\d/\d\d/\d{4}", due) for due in planned.values())

    page.get_by_role("button", name=vi("Accept the path")).click()
    expect(page).to_have_url(re.compile(r"/recommendation/path$"))
    expect(page.locator(".flash-success")).to_have_text(vi(
        "%(n)d courses were added to My learning as assigned courses, each with its due "
        "date.", n=len(planned)))
    expect(page.get_by_role("button", name=vi("Accept the path"))).to_have_count(0)

    go_to(page, "My learning")
    assigned = page.locator("#assigned")
    for code, due in planned.items():
        item = assigned.locator("li.learning-item", has_text=code)
        expect(item).to_be_visible()
        expect(item.locator(".due")).to_contain_text(vi("Due %(day)s", day=due))

    with live_server.session() as session:
        user = session.scalar(sa.select(User).where(User.username == "canbo"))
        rows = session.execute(
            sa.select(Course.code, Enrolment.source, Enrolment.due_on)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.user_id == user.id, Course.code.in_(list(planned)))).all()
    assert {code: (source, due.strftime("%d/%m/%Y")) for code, source, due in rows} == {
        code: ("assigned", due) for code, due in planned.items()}
