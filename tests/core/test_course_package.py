"""Course packages: validation with file and line, all-or-nothing import, versions, export."""

import io
import os
import zipfile

import pytest
import sqlalchemy as sa

from lms_core.courses.models import Course, CourseVersion, Question
from lms_core.courses.package import (
    PackageError,
    ZipSource,
    export_version,
    import_package,
    open_package,
    read_course,
)
from lms_core.extensions import db
from tests.conftest import write_package

pytestmark = pytest.mark.usefixtures("app")


def _problems(folder):
    with pytest.raises(PackageError) as info:
        import_package(open_package(folder))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
    return [f"{p.where}: {p.message}" for p in info.value.problems]


def test_a_valid_package_becomes_a_draft_course(tmp_path):
    result = import_package(open_package(write_package(tmp_path)))
    db.session.commit()
    version = result.version
    assert result.created and version.status == "draft" and version.number == 1
    assert version.code == "TEST-101" and version.title_en == "Test course TEST-101"
    assert [len(m.lessons) for m in version.modules] == [2, 1]
    first = version.modules[0].lessons[0]
    assert "quản lý nhà nước" in first.body_vi and "state" in first.body_en
    quiz = version.modules[1].lessons[0]
    assert quiz.settings["attempts"] == 2 and quiz.settings["draw"] == 3
    assert [q.type for q in quiz.questions] == ["single", "multiple", "true_false",
                                                "short_answer"]
    assert [(c.competency_code, c.level) for c in version.competencies] == [("KTSTQ.01", 1)]
    assert "thue xuat khau" in version.search_text  # folded for accent-insensitive search


@pytest.mark.parametrize("quiz,expected", [
    ("pass_mark: 70\nquestions: []\n", "quizzes/final.yaml:1: a quiz needs at least one question"),
    ("questions:\n  - {id: a, type: true_false, text: x, answer: true}\n", "pass_mark is required"),
    ("pass_mark: 70\nquestions:\n  - id: a\n    type: single\n    text: x\n    choices:\n"
     "      - {text: a, correct: true}\n      - {text: b, correct: true}\n",
     "quizzes/final.yaml:3: question a: a single-choice question needs exactly one correct "
     "choice (has 2)"),
    ("pass_mark: 70\nquestions:\n  - {id: a, type: essay, text: x}\n", "unknown type 'essay'"),
    ("pass_mark: 70\nquestions:\n  - {id: a, type: true_false, text: x, answer: true}\n"
     "  - {id: a, type: true_false, text: y, answer: false}\n", "question id 'a' is used twice"),
    ("pass_mark: 70\ndraw: 5\nquestions:\n  - {id: a, type: true_false, text: x, answer: true}\n",
     "draw 5 is more than the 1 questions"),
    ("pass_mark: [70\n", "invalid YAML"),
])
def test_bad_quizzes_are_refused_with_file_and_line(tmp_path, quiz, expected):
    problems = _problems(write_package(tmp_path, quiz=quiz))
    assert any(expected in p for p in problems), problems


def test_unknown_kind_missing_file_and_bad_minutes(tmp_path):
    lessons = """\
      - kind: slides
        title: {vi: "A", en: "A"}
        file: lessons/01.md
        minutes: 10
      - kind: text
        title: {vi: "B", en: "B"}
        file: lessons/nope.md
        minutes: 10
      - kind: text
        title: {vi: "C", en: "C"}
        file: lessons/02.md
        minutes: 0
"""
    problems = _problems(write_package(tmp_path, lessons=lessons))
    assert any("course.yaml:13: module 1, lesson 1: unknown kind 'slides'" in p for p in problems)
    assert any("lessons/nope.md: file not found" in p for p in problems)
    assert any("lesson 3: minutes must be" in p for p in problems)


def test_unknown_references_are_refused(tmp_path):
    folder = write_package(tmp_path, prerequisites=["NOPE-1"])
    text = (folder / "course.yaml").read_text().replace("estimated_hours: 1",
                                                        "estimated_hours: 1\nfield: NOFIELD")
    (folder / "course.yaml").write_text(text)
    problems = _problems(folder)
    assert any("unknown prerequisite course 'NOPE-1'" in p for p in problems)
    assert any("unknown professional field 'NOFIELD'" in p for p in problems)


def test_a_lesson_file_outside_the_package_is_refused(tmp_path):
    (tmp_path / "secret.md").write_text("secret")
    lessons = """\
      - kind: text
        title: {vi: "A", en: "A"}
        file: ../../secret.md
        minutes: 10
"""
    problems = _problems(write_package(tmp_path / "p", lessons=lessons))
    assert any("leaves the package" in p for p in problems)


def test_symbolic_links_are_refused(tmp_path):
    folder = write_package(tmp_path)
    os.symlink("/etc/passwd", folder / "lessons" / "link.md")
    with pytest.raises(PackageError, match="symbolic links"):
        open_package(folder)


def _zip(entries, symlink=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return buffer.getvalue()


@pytest.mark.parametrize("entries,symlink,message", [
    ({"../evil.txt": "x", "course.yaml": "format: 1"}, None, "absolute path or '..'"),
    ({"/etc/cron.d/x": "x"}, None, "absolute path or '..'"),
    ({"course.yaml": "format: 1"}, "lessons/link.md", "symbolic links"),
])
def test_dangerous_zips_are_refused(app, entries, symlink, message):
    with pytest.raises(PackageError, match=message):
        ZipSource(_zip(entries, symlink))


def test_a_zip_that_expands_beyond_the_limit_is_refused(app):
    app.config["LMS_CONTENT_MAX_BYTES"] = 10_000
    data = _zip({"course.yaml": "format: 1", "media/big.bin": b"\0" * 50_000})
    assert len(data) < 10_000  # small on the wire, large once expanded
    with pytest.raises(PackageError, match="more than the limit"):
        ZipSource(data)


def test_a_zip_of_the_package_folder_imports(tmp_path):
    folder = write_package(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in folder.rglob("*"):
            if path.is_file():
                zf.write(path, f"TEST-101/{path.relative_to(folder)}")
    result = import_package(ZipSource(buffer.getvalue()))
    assert len(result.version.lessons) == 3


def test_reimport_creates_a_new_version_and_keeps_the_published_one(tmp_path, make_course):
    course = make_course()
    folder = write_package(tmp_path / "again")
    (folder / "lessons" / "02.md").write_text("# Quy trình mới\n")
    result = import_package(open_package(folder))
    db.session.commit()
    assert not result.created and result.version.number == 2
    assert course.published_version.number == 1
    assert "Quy trình mới" not in course.published_version.lessons[1].body_vi
    assert [v.status for v in course.versions] == ["published", "draft"]


def test_export_then_import_gives_the_same_course(tmp_path, make_course):
    course = make_course()
    original = course.published_version
    out = export_version(original, tmp_path / "exported")
    copy, code, problems = read_course(open_package(out))
    assert problems == [] and code == "TEST-101"
    for attr in ("title_vi", "title_en", "description_vi", "estimated_minutes", "min_minutes",
                 "require_all_lessons", "require_quiz_passed"):
        assert getattr(copy, attr) == getattr(original, attr), attr
    def shape(lesson):
        return (lesson.kind, lesson.title_vi, lesson.minutes, lesson.body_vi, lesson.body_en,
                lesson.settings)

    assert [shape(x) for x in copy.lessons] == [shape(x) for x in original.lessons]
    strip = lambda q: (q.key, q.type, q.text_vi, q.choices, q.answer, q.explanation_vi)  # noqa: E731
    assert [strip(q) for q in copy.lessons[2].questions] == \
        [strip(q) for q in original.lessons[2].questions]
    db.session.expunge_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseVersion)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 4


def test_cli_imports_a_folder_of_packages_in_prerequisite_order(tmp_path, runner):
    root = tmp_path / "content"
    write_package(root, "B-201", prerequisites=["A-101"])
    write_package(root, "A-101")
    result = runner.invoke(args=["content", "import", str(root), "--publish"])
    assert result.exit_code == 0, result.output
    assert result.output.index("A-101") < result.output.index("B-201")
    again = runner.invoke(args=["content", "import", str(root), "--publish", "--if-missing"])
    assert again.exit_code == 0 and again.output.count("skipped") == 2


def test_cli_reports_problems_and_exits_2(tmp_path, runner):
    folder = write_package(tmp_path, quiz="pass_mark: 70\nquestions: []\n")
    result = runner.invoke(args=["content", "import", str(folder)])
    assert result.exit_code == 2
    assert "quizzes/final.yaml:1: a quiz needs at least one question" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_markdown_is_sanitised():
    from lms_core.courses.render import markdown

    html = str(markdown("Hi <script>alert(1)</script> <img src=x onerror=alert(1)> "
                        "[x](javascript:alert(1)) <a href='/ok' onclick='x()'>ok</a>"))
    assert "<script" not in html and "onerror" not in html
    assert 'href="javascript:' not in html  # left as inert text, never a link
    assert "onclick" not in html and 'href="/ok"' in html


def test_a_dry_run_checks_dependent_packages_and_keeps_nothing(tmp_path, runner):
    root = tmp_path / "content"
    write_package(root, "B-201", prerequisites=["A-101"])
    write_package(root, "A-101")
    result = runner.invoke(args=["content", "import", str(root), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.count("checked") == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_one_bad_package_does_not_stop_the_others(tmp_path, runner):
    root = tmp_path / "content"
    write_package(root, "GOOD-1")
    write_package(root, "BAD-1", quiz="pass_mark: 70\nquestions: []\n")
    result = runner.invoke(args=["content", "import", str(root), "--publish"])
    assert result.exit_code == 2
    codes = set(db.session.scalars(sa.select(Course.code)))
    assert codes == {"GOOD-1"}
