"""The XSS corpus (xss_payloads.txt) through every text field the UI offers to authors,
reviewers, officers and HR administrators, then every page that shows those fields, in
Chromium: no payload may run (no dialog, no ``window.__xss``), none may leave active content
in the page (script, handler, frame, ``javascript:`` address), and ``{{7*7}}`` stays as typed.

Fields: course title and description, tags, module and lesson titles, lesson text (Markdown),
question text, choices, accepted answers and explanations, the reviewer's note (authoring);
a short-answer quiz response and the catalogue search (officer); a person's full name, a
unit's name and note and the people search (HR). A field too short for the whole corpus gets
it in slices, one record per slice: modules, lessons, short-answer questions and courses
(the first course written on the forms, the others imported and retitled on the details
form); units and people get the first slice on their forms and every slice in a CSV import
(the import page is how HR creates most of them). Every value starts with MARKER, which each
checked page must show (a page that shows none of the payloads would check nothing), and
which must never come out as EVALUATED.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms_core.courses.models import Certificate, Course, CourseVersion, Enrolment, Question
from lms_core.identity.models import User
from lms_core.organisation.models import Unit
from tests.browser.conftest import expect, flash_text, go_to, log_in, next_page, today, vi
from tests.conftest import write_package

CORPUS = Path(__file__).with_name("xss_payloads.txt")
MARKER = "XSS{{7*7}}END"
EVALUATED = "XSS49END"
CODE = "XSS-101"
UNIT_PREFIX = "XSSU"
PASSWORD = "Matkhau2026ab"  #: the initial password HR gives the people it creates
NEW_PASSWORD = "HocTap2027cd"

#: Every element or attribute that can run script, load a frame or leave the page.
ACTIVE_CONTENT = r"""() => {
  const found = [];
  const own = location.origin + "/";
  const urlAttrs = new Set(["href", "src", "action", "formaction", "data", "xlink:href",
                            "background", "poster", "srcset", "to", "from", "values", "by"]);
  const show = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (["iframe", "frame", "object", "embed", "applet", "base", "style"].includes(tag)) {
      found.push(show(el));
    }
    if (tag === "meta" && el.hasAttribute("http-equiv")) found.push(show(el));
    if (tag === "script" && !(el.src && el.src.startsWith(own + "static/"))) found.push(show(el));
    if (tag === "link" && !(el.href || "").startsWith(own)) found.push(show(el));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\s\u0000-\u001f]+/g, "").toLowerCase();
      if (name.startsWith("on") || name === "srcdoc" ||
          (urlAttrs.has(name) && /^(javascript|vbscript|data:text\/html)/.test(value)) ||
          (name === "style" && /expression\(|javascript:|behavior:|-moz-binding/.test(value))) {
        found.push(name + " on " + show(el));
      }
    }
  }
  return found;
}"""
#: Everything a person can read on the page, with the values of its form fields.
PAGE_TEXT = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll("input, textarea")].map(e => e.value),
  ...[...document.querySelectorAll("option")].map(e => e.textContent)].join("\\n")"""


def payloads() -> list[str]:
    """The corpus: the lines of xss_payloads.txt but blanks and comments."""
    stripped = (line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def slices(limit: int) -> list[str]:
    """The corpus in values of at most ``limit`` characters, each starting with MARKER."""
    out, current = [], MARKER
    for payload in payloads():
        assert len(MARKER) + 1 + len(payload) <= limit, payload
        if len(current) + 1 + len(payload) > limit:
            out.append(current)
            current = MARKER
        current += " " + payload
    return [*out, current]


def markdown() -> str:
    """The whole corpus as Markdown, one paragraph per payload."""
    return "\n\n".join([MARKER, *payloads()])


def lines(limit: int) -> str:
    """The whole corpus, one payload a line, for a plain text area of ``limit`` characters."""
    value = "\n".join([MARKER, *payloads()])
    assert len(value) <= limit
    return value


class Guard:
    """Checks pages for payloads that ran or left active content."""

    def __init__(self, dialogs: list[str], secret: str):
        self.dialogs = dialogs
        self.secret = secret
        self.checked: list[str] = []

    def check(self, page) -> None:
        """The page as it is now: nothing ran, nothing active, the payloads shown as text."""
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)  # handlers of failed images, toggles and focus run late
        where = page.url
        assert self.dialogs == [], f"a payload opened a dialog on {where}: {self.dialogs}"
        for frame in page.frames:
            assert frame.evaluate("() => window.__xss") is None, \
                f"a payload ran on {where} (frame {frame.url})"
        found = page.evaluate(ACTIVE_CONTENT)
        assert found == [], f"active content injected on {where}:\n" + "\n".join(found)
        text = page.evaluate(PAGE_TEXT)
        html = page.content()
        assert EVALUATED not in text and EVALUATED not in html, \
            f"{{{{7*7}}}} was evaluated on {where}"
        assert self.secret not in html, f"the secret key is shown on {where}"
        assert MARKER in text, f"{where} shows none of the payloads: it checks nothing"
        self.checked.append(where)

    def visit(self, page, path: str) -> None:
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status} {flash_text(page)}"
        self.check(page)


# -- HR: units, people (form and CSV import) ----------------------------------------------------

def _unit_id(live_server, code: str) -> int:
    with live_server.session() as session:
        return session.scalar(sa.select(Unit.id).where(Unit.code == code))


def _csv_import(page, kind: str, rows: list[list[str]], tmp_path) -> None:
    upload = tmp_path / f"{kind}.csv"
    with upload.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    go_to(page, "Import")
    page.get_by_label(vi("What the file holds")).select_option(kind)
    page.get_by_label(vi("CSV file")).set_input_files(str(upload))
    page.get_by_label(vi("Dry run: check the file and show what would change, without "
                         "saving anything")).uncheck()
    page.get_by_role("button", name=vi("Check and import")).click()
    expect(page.locator(".flash-success")).to_have_text(vi("The file has been imported."))


def hr_enters(page, guard: Guard, live_server, tmp_path) -> str:
    """Units and people named with the corpus: the first slice on the forms, every slice in a
    CSV import. Returns the username of the person created on the form."""
    names = slices(200)
    page.goto("/admin/units/new")
    page.get_by_label(vi("Code"), exact=True).fill(f"{UNIT_PREFIX}1")
    page.get_by_label(vi("Name in Vietnamese")).fill(names[0])
    page.get_by_label(vi("Name in English")).fill(names[0])
    page.get_by_label(vi("Kind of unit")).select_option("team")
    page.get_by_label(vi("Parent unit")).select_option(str(_unit_id(live_server, "KV02")))
    page.get_by_label(vi("Effective date")).fill(today())
    page.get_by_label(vi("Note (decision number, reason)")).fill(lines(2000))
    page.get_by_role("button", name=vi("Create the unit")).click()
    expect(page.locator(".flash-success")).to_have_text(
        vi("Unit %(code)s was created.", code=f"{UNIT_PREFIX}1"))
    guard.check(page)  # the unit's page: name, history note
    _csv_import(page, "units", [["code", "name_vi", "name_en", "kind", "parent_code"]] + [
        [f"{UNIT_PREFIX}{n}", name, name, "team", "KV02"]
        for n, name in enumerate(names, start=2)], tmp_path)
    guard.check(page)  # the import report lists the names

    username = "xssuser"
    page.goto("/admin/people/new")
    page.get_by_label(vi("Username"), exact=True).fill(username)
    page.get_by_label(vi("Full name"), exact=True).fill(names[0])
    page.get_by_label(vi("Initial password")).fill(PASSWORD)
    page.get_by_label(vi("Unit"), exact=True).select_option(
        str(_unit_id(live_server, f"{UNIT_PREFIX}1")))
    page.get_by_label(vi("Start date")).fill(today())
    page.get_by_role("button", name=vi("Create the account")).click()
    expect(page.locator(".flash-success")).to_contain_text(username)
    guard.check(page)  # the person's page
    _csv_import(page, "officers", [["code", "full_name", "unit_code"]] + [
        [f"XSSCSV{n}", name, f"{UNIT_PREFIX}{n}"] for n, name in enumerate(names, start=1)],
        tmp_path)
    guard.check(page)
    return username


def hr_pages(page, guard: Guard) -> None:
    guard.visit(page, "/units")  # every unit's name
    guard.visit(page, f"/units/{UNIT_PREFIX}2")
    guard.visit(page, "/people/XSSCSV2")
    guard.visit(page, "/admin/people/new")  # units in the select
    guard.visit(page, f"/admin/units/{UNIT_PREFIX}1/rename")
    go_to(page, "People")
    search = page.get_by_placeholder(vi("Name or personnel code"))
    search.fill("xss")
    page.get_by_role("button", name=vi("Search")).click()
    expect(page.locator("tbody tr")).to_have_count(len(slices(200)) + 1)
    guard.check(page)  # everyone's name, and their units'
    search.fill(" ".join([MARKER, *payloads()]))
    page.get_by_role("button", name=vi("Search")).click()
    guard.check(page)


# -- authors: a course written through the editor, others imported and retitled -----------------

def _save_lesson_texts(page, title: str) -> None:
    page.get_by_label(vi("Title in Vietnamese")).fill(title)
    page.get_by_label(vi("Title in English")).fill(title)
    page.get_by_label(vi("Text in Vietnamese (Markdown)")).fill(markdown())
    page.get_by_label(vi("Text in English (Markdown)")).fill(markdown())
    page.get_by_role("button", name=vi("Save the lesson")).click()
    expect(page.locator(".flash-success")).to_have_text(vi("The lesson was saved."))


def _add_lesson(page, module_title: str, kind: str, title: str) -> None:
    page.goto(f"/authoring/{CODE}/edit")
    module = page.locator("section.module", has=page.get_by_role(
        "heading", name=module_title, exact=True))
    module.get_by_role("link", name=vi("Add a lesson")).click()
    page.get_by_label(vi("Kind of lesson")).select_option(kind)
    page.get_by_label(vi("Title in Vietnamese")).fill(title)
    page.get_by_label(vi("Title in English")).fill(title)
    page.get_by_role("button", name=vi("Add the lesson")).click()
    expect(page.locator(".flash-success")).to_have_text(
        vi("The lesson was added. Now give it its content."))


def _add_question(page, *, text: str, choices=(), answers=(), explanation: str) -> None:
    page.get_by_role("link", name=vi("Add a question")).click()
    page.get_by_label(vi("Type of question")).select_option(
        "single" if choices else "short_answer")
    page.get_by_label(vi("Question in Vietnamese")).fill(text)
    page.get_by_label(vi("Question in English")).fill(text)
    for row, (choice, correct) in enumerate(choices):
        page.locator(f"#choices-{row}-text").fill(choice)
        page.locator(f"#choices-{row}-text_en").fill(choice)
        if correct:
            page.locator(f"#choices-{row}-correct").check()
    if answers:
        page.get_by_label(vi("Accepted answers, one a line")).fill("\n".join(answers))
    page.get_by_label(vi("Explanation shown after the attempt (Vietnamese)")).fill(explanation)
    page.get_by_label(vi("Explanation in English")).fill(explanation)
    page.get_by_role("button", name=vi("Save the question")).click()
    expect(page.locator(".flash-success")).to_have_text(vi("The question was added."))


def author_writes(page, guard: Guard) -> list[str]:
    """XSS-101 with the corpus in every field; returns the short answers it accepts."""
    titles = slices(300)
    go_to(page, "Authoring")
    page.get_by_role("link", name=vi("New course")).click()
    page.get_by_label(vi("Course code")).fill(CODE)
    page.get_by_label(vi("Title in Vietnamese")).fill(titles[0])
    page.get_by_label(vi("Title in English")).fill(titles[0])
    page.get_by_label(vi("Description in Vietnamese (Markdown)")).fill(markdown())
    page.get_by_label(vi("Description in English (Markdown)")).fill(markdown())
    page.get_by_role("button", name=vi("Create the course")).click()
    expect(page.locator(".flash-success")).to_contain_text(CODE)

    page.get_by_role("link", name=vi("Edit the details")).click()
    tags = [p for p in payloads() if "," not in p and len(p) <= 40]
    page.get_by_label(vi("Tags"), exact=True).fill(", ".join(tags))
    # Saved with the competencies empty, the details form answers 500 (DetailsForm's
    # competency_items is only set when the field holds something): give it one.
    page.get_by_label(vi("Competencies developed"), exact=True).fill("KTSTQ.01 1")
    page.get_by_role("button", name=vi("Save"), exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(vi("The details were saved."))

    for title in titles:  # one module per slice, each with a reading titled with it
        page.get_by_label(vi("Title in Vietnamese")).fill(title)
        page.get_by_label(vi("Title in English")).fill(title)
        page.get_by_role("button", name=vi("Add the module")).click()
        expect(page.locator(".flash-success")).to_have_text(vi("The module was added."))
    for number, title in enumerate(titles, start=1):
        _add_lesson(page, f"{number}. {title}", "text", title)
        _save_lesson_texts(page, title)

    _add_lesson(page, f"{len(titles)}. {titles[-1]}", "quiz", titles[0])
    page.get_by_label(vi("Pass mark (percent of the points)")).fill("50")
    page.get_by_label(vi("Attempts allowed (0 for unlimited)")).fill("0")
    page.get_by_label(vi("Questions drawn for each attempt (0 for all)")).fill("0")
    page.get_by_label(vi("Shuffle the choices")).uncheck()
    page.get_by_role("button", name=vi("Save the settings")).click()
    expect(page.locator(".flash-success")).to_have_text(vi("The quiz settings were saved."))
    choices = slices(2000)
    _add_question(page, text=markdown(), explanation=markdown(),
                  choices=[(choices[0], True), *((c, False) for c in choices[1:]),
                           *([(f"{MARKER} 2", False)] if len(choices) == 1 else [])])
    answers = slices(500)
    for answer in answers:
        _add_question(page, text=markdown(), answers=[answer], explanation=MARKER)
    guard.check(page)  # the quiz lesson's editor with its question bank
    return answers


def _draft_pages(live_server) -> list[str]:
    """The editor, form and confirmation pages of the XSS-101 draft: every kind of page once
    (the titles of every module and lesson are on the editor and preview pages)."""
    with live_server.session() as session:
        version = session.scalar(
            sa.select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
            .where(Course.code == CODE).order_by(CourseVersion.number.desc()))
        base, number = f"/authoring/{CODE}", version.number
        module = version.modules[0]
        reading = module.lessons[0]
        quiz = next(lesson for lesson in version.lessons if lesson.kind == "quiz")
        paths = [f"{base}/edit", f"{base}/edit/details", f"{base}/preview/{number}", base,
                 f"{base}/edit/modules/{module.id}", f"{base}/edit/modules/{module.id}/delete",
                 f"{base}/edit/lessons/{reading.id}", f"{base}/edit/lessons/{reading.id}/delete",
                 f"{base}/preview/{number}/{reading.id}", f"{base}/edit/lessons/{quiz.id}",
                 f"{base}/preview/{number}/{quiz.id}"]
        for question in quiz.questions[:2]:  # the single choice and a short answer
            paths += [f"{base}/edit/questions/{question.id}",
                      f"{base}/edit/questions/{question.id}/delete"]
    return paths


def author_imports_retitled(page, tmp_path) -> list[str]:
    """The other title slices, each the title of an imported course; returns their codes."""
    codes = []
    for number, title in enumerate(slices(300)[1:], start=2):
        code = f"XSS-{100 + number}"
        folder = write_package(tmp_path / "packages", code)
        archive = tmp_path / f"{code}.zip"
        with zipfile.ZipFile(archive, "w") as out:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    out.write(file, file.relative_to(folder).as_posix())
        page.goto("/authoring/import")
        page.get_by_label(vi("Course package (zip)")).set_input_files(str(archive))
        page.get_by_role("button", name=vi("Check and import")).click()
        expect(page.locator(".flash-success")).to_contain_text(code)
        page.get_by_role("link", name=vi("Edit the details")).click()
        page.get_by_label(vi("Title in Vietnamese")).fill(title)
        page.get_by_label(vi("Title in English")).fill(title)
        page.get_by_role("button", name=vi("Save"), exact=True).click()
        expect(page.locator(".flash-success")).to_have_text(vi("The details were saved."))
        codes.append(code)
    return codes


def submit(page, code: str) -> None:
    page.goto(f"/authoring/{code}/edit")
    page.get_by_role("button", name=vi("Submit for review")).first.click()
    expect(page.locator(".flash-success")).to_have_text(vi(
        "Version %(n)d was submitted for review. Another member of the training staff "
        "reviews it.", n=1))


def review(page, guard: Guard, code: str, *, publish: bool, note: str = "") -> None:
    page.goto(f"/authoring/{code}/versions/1/review")
    if code == CODE:
        guard.check(page)
    page.get_by_label(vi("Publish this version") if publish
                      else vi("Send it back to the author")).check()
    page.get_by_label(vi("Note to the author")).fill(note)
    page.get_by_role("button", name=vi("Record the decision")).click()
    expect(page.locator(".flash-success").first).to_have_text(
        vi("Version %(n)d is published: new learners get it from now on.", n=1) if publish
        else vi("Version %(n)d was sent back to its author with your note.", n=1))


# -- the officer ---------------------------------------------------------------------------------

def officer_studies(page, guard: Guard, live_server, answers: list[str]) -> None:
    """Searches, enrols in XSS-101, reads every lesson and passes the quiz with the corpus."""
    guard.check(page)  # the dashboard, under the officer's own name
    go_to(page, "Course catalogue")
    box = page.get_by_label(vi("Search courses"))
    for value in slices(200):
        box.fill(value)
        page.get_by_role("button", name=vi("Search")).click()
        guard.check(page)
    box.fill("xss")
    page.get_by_role("button", name=vi("Search")).click()
    guard.check(page)

    page.goto(f"/courses/{CODE}")
    page.get_by_role("button", name=vi("Enrol")).click()
    expect(page.locator(".flash-success")).to_be_visible()
    guard.check(page)
    page.get_by_role("link", name=vi("Continue")).click()
    guard.check(page)  # a reading in the player, with every title in the outline
    while page.locator("#quiz").count() == 0:
        next_page(page, vi("Mark as done / Next"))
    page.get_by_role("button", name=vi("Start attempt %(n)d", n=1)).click()
    guard.check(page)  # the questions and choices
    with live_server.session() as session:
        for fieldset in page.locator("fieldset[data-question]").all():
            question = session.get(Question, int(fieldset.get_attribute("data-question")))
            if question.type == "single":
                fieldset.get_by_role("radio").first.check()  # choices not shuffled: the right one
            else:
                fieldset.get_by_role("textbox").fill(question.answer["answers"][0])
    typed = [box.input_value() for box in page.locator(".quiz-form input[type=text]").all()]
    assert sorted(typed) == sorted(answers)
    page.get_by_role("button", name=vi("Submit answers")).click()
    expect(page.locator(".quiz-score .tag-done")).to_have_text(vi("Passed"))
    guard.check(page)  # the result: answers, correct answers, explanations
    go_to(page, "My learning")
    guard.check(page)
    go_to(page, "Dashboard")
    guard.check(page)


def _certificate_code(live_server, username: str) -> str:
    with live_server.session() as session:
        return session.scalar(
            sa.select(Certificate.code).join(Enrolment).join(User, User.id == Enrolment.user_id)
            .where(User.username == username))


# -- the journey ----------------------------------------------------------------------------------

@pytest.mark.browser
def test_xss_corpus_never_runs_in_any_page(page_as, live_server, tmp_path):
    """Every payload in every author, officer and HR field; no page runs any of them."""
    assert len(payloads()) >= 15
    guard = Guard(page_as.dialogs, live_server.secret_key)

    hr = page_as("quantri")
    username = hr_enters(hr, guard, live_server, tmp_path)
    hr_pages(hr, guard)

    author = page_as("giangvien")
    answers = author_writes(author, guard)
    for path in _draft_pages(live_server):
        guard.visit(author, path)
    others = author_imports_retitled(author, tmp_path)
    for code in [CODE, *others]:
        submit(author, code)
    guard.visit(author, "/authoring/")

    reviewer = page_as("kiemduyet")
    guard.visit(reviewer, "/authoring/")  # waiting for review: the titles
    review(reviewer, guard, CODE, publish=False, note=lines(5000))
    guard.visit(author, f"/authoring/{CODE}/edit")  # the reviewer's note
    submit(author, CODE)
    for code in [CODE, *others]:
        review(reviewer, guard, code, publish=True)
    guard.visit(author, f"/authoring/{CODE}")  # versions, with the note

    officer = page_as(None)
    log_in(officer, username, PASSWORD)  # the person HR named with the corpus
    officer.get_by_label(vi("Current password")).fill(PASSWORD)
    officer.get_by_label(vi("New password"), exact=True).fill(NEW_PASSWORD)
    officer.get_by_label(vi("New password again")).fill(NEW_PASSWORD)
    officer.get_by_role("button", name=vi("Save"), exact=True).click()
    expect(officer.locator(".flash-success")).to_have_text(vi("Your password has been changed."))
    officer_studies(officer, guard, live_server, answers)
    guard.visit(officer, f"/courses/{others[-1]}")
    guard.visit(author, f"/courses/{CODE}/analytics")  # question texts, lesson titles

    visitor = page_as(None)
    visitor.goto("/verify")
    visitor.get_by_label(vi("Certificate code")).fill(_certificate_code(live_server, username))
    visitor.get_by_role("button", name=vi("Verify")).click()
    expect(visitor.locator(".flash-success")).to_be_visible()
    guard.check(visitor)  # the holder's name and the course title, to anyone

    assert len(guard.checked) >= 40
