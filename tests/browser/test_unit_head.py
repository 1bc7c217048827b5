"""A unit head sees the unit they lead, the units below it and their people, and nothing of
another branch.

The unit head's other journeys of the issue (open the emulation rankings, approve evidence,
export the review report) belong to the emulation plugin, which is not built yet
(plugins/emulation holds only its skeleton): they get their browser tests with it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import expect, go_to, vi

BRANCH_II = "Chi cục Hải quan khu vực II"  # KV02, led by the demo account truongdonvi
BRANCH_I = "Chi cục Hải quan khu vực I"  # KV01, led by truongdonvi2


@pytest.mark.browser
def test_unit_head_sees_their_branch_and_its_members_but_not_another(page_as):
    """truongdonvi opens KV02 and its members; KV01 is the 403 page."""
    page = page_as("truongdonvi")
    go_to(page, "Units")
    tree = page.locator("table.tree")
    expect(tree.get_by_role("link", name=BRANCH_II, exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name=BRANCH_I, exact=True)).to_have_count(0)
    expect(tree.locator("td", has_text="KV01")).to_have_count(0)

    tree.get_by_role("link", name=BRANCH_II, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KV02")
    members = page.locator("section", has=page.get_by_role("heading", name=vi("Members")))
    expect(members.get_by_role("link", name="Võ Quốc Hùng")).to_be_visible()  # himself
    expect(members.get_by_role("link", name="Nguyễn Thị Thu Hà")).to_be_visible()  # canbo
    assert members.locator("tbody tr").count() > 2

    # Another branch, by its address: refused with the error page.
    response = page.goto("/units/KV01")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("403")
    expect(page.locator("#main")).to_contain_text(vi(
        "You do not have permission to see this page."))
    assert BRANCH_I not in page.locator("#main").inner_text()
