"""Training staff in the browser: an author imports a course package, edits a lesson and
submits it; the author cannot publish their own version; a reviewer publishes it; an
officer then finds it in the catalogue and reads the edited lesson."""

from __future__ import annotations

import re
import zipfile

import pytest
import sqlalchemy as sa

from lms_core.courses.models import Course
from tests.browser.conftest import csrf_token, expect, go_to, vi
from tests.conftest import write_package

CODE = "BT-301"
TITLE = f"Khoá học thử {CODE}"  #: the title write_package gives it
EDITED = "Tờ khai hải quan điện tử được tiếp nhận 24/7 trên Hệ thống VNACCS/VCIS."


def _package_zip(tmp_path) -> str:
    folder = write_package(tmp_path / "packages", CODE)
    path = tmp_path / f"{CODE}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, f"{CODE}/{file.relative_to(folder).as_posix()}")
    return str(path)


def _status(live_server) -> str:
    with live_server.session() as session:
        course = session.scalar(sa.select(Course).where(Course.code == CODE))
        return course.versions[-1].status


@pytest.mark.browser
def test_author_imports_edits_submits_and_a_reviewer_publishes(page_as, live_server, tmp_path):
    """giangvien imports and submits, cannot publish; kiemduyet publishes; canbo finds it."""
    author = page_as("giangvien")
    go_to(author, "Authoring")
    author.get_by_role("link", name=vi("Import a course package")).click()
    author.get_by_label(vi("Course package (zip)")).set_input_files(_package_zip(tmp_path))
    author.get_by_role("button", name=vi("Check and import")).click()
    expect(author.locator(".flash-success")).to_have_text(vi(
        "%(code)s was imported as version %(n)d, a draft. Check it, then submit it for "
        "review.", code=CODE, n=1))

    # Edit the text of the first reading.
    author.get_by_role("link", name="Khái niệm", exact=True).click()
    body = author.get_by_label(vi("Text in Vietnamese (Markdown)"))
    expect(body).to_have_value(re.compile("quản lý nhà nước"))
    body.fill(f"# Khái niệm\n\n{EDITED}\n")
    author.get_by_role("button", name=vi("Save the lesson")).click()
    expect(author.locator(".flash-success")).to_have_text(vi("The lesson was saved."))
    expect(body).to_have_value(re.compile(re.escape(EDITED)))

    # Submit it for review.
    author.get_by_role("link", name=vi("Back to the course outline")).click()
    author.get_by_role("button", name=vi("Submit for review")).click()
    expect(author.locator(".flash-success")).to_have_text(vi(
        "Version %(n)d was submitted for review. Another member of the training staff "
        "reviews it.", n=1))
    assert _status(live_server) == "in_review"

    # The author may open the review but not decide it, not even with a hand-made request.
    author.get_by_role("link", name=vi("Review"), exact=True).click()
    expect(author.locator(".flash-warning")).to_have_text(vi(
        "You wrote this version; another member of the training staff must review it."))
    expect(author.get_by_role("button", name=vi("Record the decision"))).to_have_count(0)
    forged = author.request.post(author.url, form={
        "csrf_token": csrf_token(author), "decision": "publish", "note": ""})
    assert forged.status == 400
    assert _status(live_server) == "in_review"

    # Another member of the training staff publishes it.
    reviewer = page_as("kiemduyet")
    go_to(reviewer, "Authoring")
    waiting = reviewer.locator("section", has=reviewer.get_by_role(
        "heading", name=vi("Waiting for my review"))).locator("tr", has_text=CODE)
    waiting.get_by_role("link", name=vi("Review")).click()
    reviewer.get_by_label(vi("Publish this version")).check()
    reviewer.get_by_role("button", name=vi("Record the decision")).click()
    expect(reviewer.locator(".flash-success").first).to_have_text(
        vi("Version %(n)d is published: new learners get it from now on.", n=1))
    assert _status(live_server) == "published"

    # An officer finds it without accents and reads the edited lesson.
    officer = page_as("canbo")
    go_to(officer, "Course catalogue")
    officer.get_by_label(vi("Search courses")).fill("khoa hoc thu bt-301")
    officer.get_by_role("button", name=vi("Search")).click()
    card = officer.locator("article.course-card", has_text=CODE)
    expect(card.get_by_role("link")).to_have_text(TITLE)
    card.get_by_role("link").click()
    officer.get_by_role("button", name=vi("Enrol")).click()
    officer.get_by_role("link", name=vi("Continue")).click()
    expect(officer.locator(".lesson-body")).to_contain_text(EDITED)
    expect(officer.locator(".lesson-body")).not_to_contain_text("quản lý nhà nước")
