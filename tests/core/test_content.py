"""The courses shipped in content/ import cleanly and are real courses."""

from pathlib import Path

import pytest

from lms_core.courses.package import open_package, package_dirs, read_course

CONTENT = Path(__file__).resolve().parents[2] / "content"
PACKAGES = package_dirs(CONTENT)


@pytest.fixture
def organisation(runner):
    """The demo organisation's fields and positions, which the shipped courses refer to
    (without the courses: the tests import them)."""
    result = runner.invoke(args=["demo", "load", "--officers", "20", "--no-content"])
    assert result.exit_code == 0, result.output


def test_at_least_eight_courses_are_shipped():
    assert len(PACKAGES) >= 8


def test_the_shipped_courses_cover_the_fields_and_the_campaign(runner, organisation):
    """Professional fields of DOMAIN.md plus law, digital skills and English, as the emulation
    campaign counts them."""
    result = runner.invoke(args=["content", "import", str(CONTENT), "--publish"])
    assert result.exit_code == 0, result.output
    from lms_core.courses.models import Course
    from lms_core.extensions import db

    versions = [c.published_version for c in db.session.scalars(db.select(Course))]
    fields = {v.field.code for v in versions if v.field}
    tags = {t for v in versions for t in v.tag_names}
    assert {"GSQL", "THUE", "KTSTQ", "QLRR", "XLVP"} <= fields
    assert {"phap-luat", "ky-nang-so", "ngoai-ngu", "nghiep-vu"} <= tags


SELF_STUDY = [p for p in PACKAGES if p.name != "CMI5-101"]


@pytest.mark.parametrize("package", SELF_STUDY, ids=lambda p: p.name)
def test_each_course_has_substance_and_a_quiz_that_tests_it(runner, organisation, package):
    # Prerequisites first, so that the package can be read on its own.
    for other in PACKAGES:
        if other == package:
            break
        runner.invoke(args=["content", "import", str(other)])
    version, code, problems = read_course(open_package(package))
    assert problems == [], problems
    assert code == package.name
    assert version.title_vi and version.title_en
    texts = [lesson for lesson in version.lessons if lesson.kind == "text"]
    assert len(texts) >= 4
    assert all(len(lesson.body_vi.split()) >= 400 for lesson in texts), \
        [(lesson.title_vi, len(lesson.body_vi.split())) for lesson in texts]
    quizzes = [lesson for lesson in version.lessons
               if lesson.kind == "quiz" and lesson.settings["graded"]]
    assert quizzes, "a graded quiz"
    for quiz in quizzes:
        assert len(quiz.questions) >= max(10, quiz.settings["draw"])
        assert {q.type for q in quiz.questions} >= {"single", "true_false"}
        assert all(q.explanation_vi for q in quiz.questions)


def test_the_cmi5_sample_is_made_of_assignable_units(runner, organisation):
    """CMI5-101 is the cmi5 sample: every lesson is an AU with its id and moveOn rule."""
    package = CONTENT / "CMI5-101"
    version, code, problems = read_course(open_package(package))
    assert problems == [], problems
    lessons = version.lessons
    assert len(lessons) >= 2 and all(lesson.kind == "cmi5" for lesson in lessons)
    assert all(lesson.settings["au_id"] and lesson.settings["move_on"] for lesson in lessons)
