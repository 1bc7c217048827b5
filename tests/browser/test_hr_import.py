"""An HR administrator imports officers from a CSV file on /admin/import/ (docs/hr-import.md):
a dry run first, which saves nothing, then the import; the new officer is found in the
people search without accents."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from lms_core.identity.models import User
from tests.browser.conftest import expect, go_to, today, vi

CODE = "BT9001"
NAME = "Phùng Thị Ngọc Ánh"


def _officers_csv(tmp_path) -> str:
    path = tmp_path / "officers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "full_name", "username", "email", "gender", "birth_date",
                         "unit_code", "position_code", "start_date", "roles"])
        writer.writerow([CODE, NAME, "", "anh.pt@customs.gov.vn", "Nữ", "09/03/1994", "KV02",
                         "", "", ""])
    return str(path)


def _fact(report, label: str):
    return report.locator(f"dt:text-is('{label}') + dd")


def _people_search(page, text: str):
    go_to(page, "People")
    page.get_by_placeholder(vi("Name or personnel code")).fill(text)
    page.get_by_role("button", name=vi("Search")).click()
    return page.locator("table tbody tr")


def _exists(live_server) -> bool:
    with live_server.session() as session:
        return session.scalar(sa.select(User.id).where(User.code == CODE)) is not None


@pytest.mark.browser
def test_hr_imports_officers_with_a_dry_run_first(page_as, live_server, tmp_path):
    """quantri: the dry run creates nothing, the import creates the officer, who is found."""
    page = page_as("quantri")
    upload = _officers_csv(tmp_path)

    go_to(page, "Import")
    page.get_by_label(vi("What the file holds")).select_option(label=vi(
        "Officers and assignments"))
    page.get_by_label(vi("CSV file")).set_input_files(upload)
    expect(page.get_by_label(vi("Effective date (dd/mm/yyyy)"))).to_have_value(today())
    dry_run = page.get_by_label(vi("Dry run: check the file and show what would change, "
                                   "without saving anything"))
    expect(dry_run).to_be_checked()
    page.get_by_role("button", name=vi("Check and import")).click()

    report = page.locator("section", has=page.locator("#report-title"))
    expect(report.locator(".flash-info")).to_have_text(vi(
        "Dry run: nothing was saved. Untick “Dry run” and send the file again to import it."))
    expect(_fact(report, vi("To create"))).to_have_text("1")
    expect(_fact(report, vi("Rejected"))).to_have_text("0")
    expect(report.locator("table")).to_contain_text(NAME)
    assert not _exists(live_server)
    expect(_people_search(page, "phung thi ngoc anh").filter(has_text=CODE)).to_have_count(0)

    # Now for real.
    go_to(page, "Import")
    page.get_by_label(vi("What the file holds")).select_option(label=vi(
        "Officers and assignments"))
    page.get_by_label(vi("CSV file")).set_input_files(upload)
    page.get_by_label(vi("Dry run: check the file and show what would change, without "
                         "saving anything")).uncheck()
    page.get_by_role("button", name=vi("Check and import")).click()
    expect(report.locator(".flash-success")).to_have_text(vi("The file has been imported."))
    expect(_fact(report, vi("Created"))).to_have_text("1")
    assert _exists(live_server)

    row = _people_search(page, "phung thi ngoc anh").filter(has_text=CODE)
    expect(row).to_have_count(1)
    expect(row.get_by_role("link")).to_have_text(NAME)
