"""The unit head's emulation journey of the issue, in the browser, on the demo organisation:

an officer of Regional Customs Branch II submits an initiative (with its PDF); HR imports the
annual ratings; the branch head (truongdonvi) opens the branch's ranking for 2025, drills into
an officer's breakdown, approves the pending initiative and — after the incremental scoring
pass, run with the real command line as the scheduler would — sees the officer's score go up;
then exports the preliminary-review report and the 2025 commendation proposal list, and the
downloads are checked (the workbook opens, the PDF is a PDF titled with the branch's
Vietnamese name)."""

from __future__ import annotations

import functools
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from lms_core.identity.models import User
from lms_core.organisation.models import Assignment, Unit
from lms_core.xapi.models import Statement
from plugins.emulation.models import Submission
from tests.browser.conftest import (
    REPO,
    _run,
    _script,
    _server_env,
    expect,
    flash_text,
    next_page,
    today,
)

BRANCH = "KV02"
BRANCH_NAME = "Chi cục Hải quan khu vực II"
HEAD = "truongdonvi"
HR = "quantri"
PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n% quyet dinh cong nhan sang kien\n"
       + b"0" * 200 + b"\n%%EOF\n")
INITIATIVE = "Sáng kiến tra cứu nhanh biểu thuế trên thiết bị di động"


@functools.cache
def _catalog():
    from babel.support import Translations

    catalog = Translations.load(str(REPO / "lms_core" / "translations"), ["vi"])
    catalog.merge(Translations.load(str(REPO / "plugins" / "emulation" / "translations"),
                                    ["vi"]))
    return catalog


def vi(msgid: str, **values) -> str:
    """``msgid`` as the Vietnamese UI shows it (core and emulation catalogs)."""
    text = _catalog().gettext(msgid)
    return text % values if values else text


def pdf_title(data: bytes) -> str:
    """The PDF's document title (fpdf2 writes it as UTF-16 hex)."""
    match = re.search(rb"/Title <([0-9a-fA-F]+)>", data)
    return bytes.fromhex(match.group(1).decode()).decode("utf-16") if match else ""


def _lms(live_server, *args: str) -> None:
    """Run ``lms ...`` against the server's database, as an administrator would."""
    env = _server_env(live_server.instance, live_server.database_url, live_server.secret_key)
    _run([_script("lms"), *args], env, live_server.instance.parent)


def _branch_members(session) -> list[User]:
    """The officers assigned today in the branch or below it."""
    units = {u.id: u for u in session.scalars(sa.select(Unit))}
    root = next(u for u in units.values() if u.code == BRANCH)

    def inside(unit_id):
        while unit_id is not None:
            if unit_id == root.id:
                return True
            unit_id = units[unit_id].parent_id
        return False

    return [a.user for a in session.scalars(sa.select(Assignment).where(
        Assignment.end_on.is_(None))) if inside(a.unit_id)]


def _pick_officer(live_server) -> User:
    """canbo, unless the demo already gave her the most points initiatives can bring this
    year; then another officer of the branch who has none (so that the approval shows)."""
    year = date.today().year
    with live_server.session() as session:
        members = sorted(_branch_members(session),
                         key=lambda u: (u.username != "canbo", u.username))
        for user in members:
            if user.username == HEAD:
                continue
            approved = session.scalar(sa.select(sa.func.count(Submission.id)).where(
                Submission.user_id == user.id, Submission.kind == "initiative",
                Submission.status == "approved",
                Submission.occurred_on >= date(year, 1, 1)))
            if not approved:
                return user
    raise AssertionError("no officer of the branch without an approved initiative this year")


def _score_in_report(page, name: str) -> float:
    """The officer's score in the officers' ranking of the report page shown."""
    row = page.locator("section", has=page.get_by_role(
        "heading", name=vi("Officers ranked"))).locator("tr", has_text=name).first
    cells = row.locator("td").all_inner_texts()
    return float(cells[-2].replace(",", "."))


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    return info.value.path().read_bytes()


def _check_workbook(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def _check_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF")
    assert BRANCH_NAME in pdf_title(data)
    try:
        from pypdf import PdfReader
    except ImportError:  # the title above is the unit's name, extracted without pypdf
        assert len(data) > 5000
        return
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert BRANCH_NAME in text


@pytest.mark.browser
def test_unit_head_reviews_approves_and_exports(page_as, live_server):
    """truongdonvi: 2025 ranking, breakdown, approval, score up, report and proposal."""
    # Scores exist for every period begun (the incremental pass builds those never scored).
    _lms(live_server, "emulation", "incremental")
    officer = _pick_officer(live_server)
    from lms_core.demo.loader import DEMO_PASSWORD

    # 1. The officer submits an initiative with its PDF (pending the head's decision).
    person = page_as(officer.username, password=DEMO_PASSWORD)
    person.goto("/emulation/submissions/new?kind=initiative")
    person.get_by_label(vi("Title")).fill(INITIATIVE)
    person.get_by_label(vi("Description")).fill("Tra cứu biểu thuế ngay tại hiện trường.")
    person.get_by_label(vi("Date recognised")).fill(today())
    person.get_by_label(vi("Recognised at")).select_option("national")
    person.get_by_label(vi("Attachments")).set_input_files(
        files=[{"name": "quyet-dinh-cong-nhan.pdf", "mimeType": "application/pdf",
                "buffer": PDF}])
    next_page(person, vi("Submit"))
    expect(person.locator(".flash")).to_contain_text(vi(
        "Your evidence has been submitted: the head of your unit will review it."))
    expect(person.get_by_role("heading", level=1)).to_contain_text(INITIATIVE)

    # 2. HR imports the 2025 annual ratings of the branch (a dry run first).
    with live_server.session() as session:
        codes = sorted(u.code for u in _branch_members(session))
    ratings = ["excellent", "good", "good", "good", "completed"]
    csv = "officer_code,year,rating,points,disciplined\n" + "".join(
        f"{code},2025,{ratings[i % len(ratings)]},,no\n" for i, code in enumerate(codes))
    hr = page_as(HR)
    hr.goto("/emulation/ratings/import")
    hr.get_by_label(vi("CSV file")).set_input_files(
        files=[{"name": "xep-loai-2025.csv", "mimeType": "text/csv",
                "buffer": csv.encode("utf-8")}])
    next_page(hr, vi("Check and import"))
    expect(hr.locator(".flash-info")).to_contain_text(vi(
        "Dry run: nothing was saved. Untick “Dry run” and send the file again to import it."))
    hr.get_by_label(vi("CSV file")).set_input_files(
        files=[{"name": "xep-loai-2025.csv", "mimeType": "text/csv",
                "buffer": csv.encode("utf-8")}])
    hr.get_by_label(re.compile(re.escape(vi("Dry run: check the file and show what would "
                                            "change, without saving anything")))).uncheck()
    next_page(hr, vi("Check and import"))
    expect(hr.locator(".flash-success")).to_contain_text(vi("The file has been imported."))

    # 3. The head opens the branch's ranking for 2025 and an officer's breakdown.
    page = page_as(HEAD)
    page.goto("/emulation/")
    with page.expect_navigation():
        page.get_by_role("link", name=vi("Unit %(code)s", code=BRANCH), exact=True).click()
    page.get_by_label(vi("Period"), exact=True).select_option("2025")
    next_page(page, vi("Show"))
    ranking = page.locator("section", has=page.get_by_role(
        "heading", name=re.compile(re.escape(vi("Ranking of the unit's officers")))))
    expect(ranking.locator("tbody tr").first).to_be_visible()
    link = ranking.get_by_role("link", name=officer.full_name, exact=True)
    if link.count():
        with page.expect_navigation():
            link.click()
    else:  # on another page of the ranking
        page.goto(f"/emulation/officers/{officer.code}?period=2025")
    expect(page.get_by_role("heading", level=1)).to_contain_text(officer.full_name)
    expect(page.get_by_role("heading", name=re.compile(re.escape(vi("Breakdown"))))
           ).to_be_visible()
    # Down to the statements behind an indicator: its evidence names them, and they are the
    # officer's own statements of 2025 in the LRS.
    evidence = page.locator("table.tree details", has_text=vi("statement")).first
    evidence.locator("summary").click()
    ids = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                     evidence.inner_text())
    assert ids
    with live_server.session() as session:
        stored = session.scalars(sa.select(Statement).where(
            Statement.statement_id.in_(ids))).all()
        assert {s.user_id for s in stored} == {officer.id}
        # Stored in UTC: the first hours of 1 January 2025 in Việt Nam are still 2024.
        assert all(date(2024, 12, 31) <= s.timestamp.date() <= date(2025, 12, 31)
                   for s in stored)

    # The officer's score this year, before the decision (the head's report of the year).
    year = str(date.today().year)
    page.goto(f"/emulation/reviews/{year}?unit={BRANCH}")
    before = _score_in_report(page, officer.full_name)

    # 4. The head approves the pending initiative.
    page.goto("/emulation/submissions/review")
    with page.expect_navigation():
        page.get_by_role("link", name=INITIATIVE).first.click()
    page.get_by_label(vi("Reason or comment")).fill("Sáng kiến đã được công nhận toàn quốc.")
    next_page(page, vi("Approve"))
    assert vi("Approved: the officer's score includes it after the next scoring pass.") in \
        flash_text(page)
    with live_server.session() as session:
        row = session.scalar(sa.select(Submission).where(Submission.title == INITIATIVE))
        assert row.status == "approved"

    # The scheduler's incremental pass (here: its command), then the score has gone up.
    _lms(live_server, "emulation", "incremental")
    page.goto(f"/emulation/reviews/{year}?unit={BRANCH}")
    after = _score_in_report(page, officer.full_name)
    assert after > before, (before, after)

    # 5. The preliminary-review report of the branch, in Excel and in PDF.
    page.goto("/emulation/reviews")
    page.get_by_label(vi("Report"), exact=True).select_option("preliminary")
    page.locator("#r-unit").select_option(BRANCH)
    next_page(page, vi("Open the report"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        vi("Preliminary review of phase 1 (%(start)d–%(end)d)", start=2024, end=2025))
    cells = _check_workbook(_download(page, vi("Download (Excel)")))
    assert any(BRANCH_NAME in c for c in cells)
    _check_pdf(_download(page, vi("Download (PDF)")))

    # 6. The 2025 commendation proposal: candidates with their checks, confirmed, exported.
    with page.expect_navigation():
        page.get_by_role("link", name=vi("Commendation proposals %(year)s", year="2025")
                         ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(BRANCH_NAME)
    ldtt = page.locator("section", has=page.get_by_role("heading",
                                                         name=re.compile("Lao động tiên tiến")))
    expect(ldtt.first.locator("input[name=candidate]:checked").first).to_be_visible()
    next_page(page, vi("Confirm the proposal list"))
    assert BRANCH_NAME in flash_text(page)
    cells = _check_workbook(_download(page, vi("Export the list (Excel)")))
    assert "Lao động tiên tiến" in cells
    assert not any(vi("DRAFT: not confirmed by the unit head") in c for c in cells)
    _check_pdf(_download(page, vi("Export the list (PDF)")))
