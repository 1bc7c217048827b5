"""Editing a draft course version in the browser: the course's details, its modules and
lessons, lesson files, quiz settings and question banks.

Every function validates first and raises :class:`~lms_core.errors.UserError` (having
changed nothing) on bad input; it flushes but never commits. Only a version with status
``draft`` is edited: a published version is frozen, and a version in review waits for its
review (see :mod:`lms_core.courses.operations` for the workflow). The checks are the same as
the course-package reader's, so that a course built here exports as a valid package.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm as so
from werkzeug.utils import secure_filename

from lms_core.courses import media
from lms_core.courses import operations as ops
from lms_core.courses.kinds import QUIZ_DEFAULTS, get_kind, kind_names
from lms_core.courses.models import (
    QUESTION_TYPES,
    Course,
    CourseCompetency,
    CourseModule,
    CoursePrerequisite,
    CourseTag,
    CourseTargetPosition,
    CourseVersion,
    Enrolment,
    Lesson,
    MediaAsset,
    Question,
)
from lms_core.courses.package import CODE_RE
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.text import fold

TITLE_MAX = 300
TAG_MAX = 40
COMPETENCY_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")


# -- helpers ---------------------------------------------------------------------------------

def require_draft(version: CourseVersion) -> None:
    """Refuse to change anything of a version that is not a draft."""
    if version.status != "draft":
        raise UserError(_("Version %(n)d of %(code)s is %(status)s and cannot be edited. Press "
                          "“Edit” on the course page to work on a new draft.",
                          n=version.number, code=version.code,
                          status=ops.status_label(version.status)))


def _titles(title_vi: str | None, title_en: str | None) -> tuple[str, str]:
    vi, en = (title_vi or "").strip(), (title_en or "").strip()
    if not vi:
        raise UserError(_("The Vietnamese title is required."), field="title_vi")
    if not en:
        raise UserError(_("The English title is required."), field="title_en")
    if len(vi) > TITLE_MAX or len(en) > TITLE_MAX:
        raise UserError(_("A title has at most %(max)d characters.", max=TITLE_MAX),
                        field="title_vi" if len(vi) > TITLE_MAX else "title_en")
    return vi, en


def _whole(value: Any, *, minimum: int, field: str, message: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise UserError(message, field=field)
    return value


def refresh_search_text(version: CourseVersion) -> None:
    """``fold`` of code, titles, descriptions and tags, as the package reader computes it."""
    version.search_text = fold(" ".join([
        version.course.code if version.course is not None else "", version.title_vi,
        version.title_en, version.description_vi or "", version.description_en or "",
        " ".join(t.tag for t in version.tags)]))


def _renumber(items: list) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


def _version_of_lesson(lesson: Lesson) -> CourseVersion:
    return lesson.module.version


# -- courses and their details ---------------------------------------------------------------

def create_course(code: str, title_vi: str, title_en: str, *, description_vi: str = "",
                  description_en: str = "", field=None, estimated_minutes: int = 60,
                  actor) -> Course:
    """A new course with an empty draft version 1 written by ``actor``."""
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise UserError(_("The code may hold letters, digits, - _ . (at most 32 characters)."),
                        field="code")
    if db.session.scalar(sa.select(Course.id).where(Course.code == code)) is not None:
        raise UserError(_("A course with the code %(code)s already exists.", code=code),
                        field="code")
    vi, en = _titles(title_vi, title_en)
    minutes = _whole(estimated_minutes, minimum=1, field="estimated_minutes",
                     message=_("The expected study time is a whole number of minutes above 0."))
    course = Course(code=code, created_by_id=actor.id)
    version = CourseVersion(number=1, status="draft", title_vi=vi, title_en=en,
                            description_vi=(description_vi or "").strip(),
                            description_en=(description_en or "").strip(),
                            field_id=getattr(field, "id", None), estimated_minutes=minutes,
                            author_id=actor.id)
    course.versions.append(version)
    db.session.add(course)
    refresh_search_text(version)
    db.session.flush()
    return course


def update_version_details(version: CourseVersion, *, title_vi: str, title_en: str,
                           description_vi: str = "", description_en: str = "", field=None,
                           estimated_minutes: int, require_all_lessons: bool = True,
                           require_quiz_passed: bool = True, min_minutes: int = 0) -> None:
    """Titles, Markdown descriptions, field, expected study time (minutes) and the
    completion rule of a draft."""
    require_draft(version)
    vi, en = _titles(title_vi, title_en)
    minutes = _whole(estimated_minutes, minimum=1, field="estimated_minutes",
                     message=_("The expected study time is a whole number of minutes above 0."))
    least = _whole(min_minutes, minimum=0, field="min_minutes",
                   message=_("The minimum study time is a whole number of minutes, 0 or more."))
    version.title_vi, version.title_en = vi, en
    version.description_vi = (description_vi or "").strip()
    version.description_en = (description_en or "").strip()
    version.field_id = getattr(field, "id", None)
    version.estimated_minutes = minutes
    version.require_all_lessons = bool(require_all_lessons)
    version.require_quiz_passed = bool(require_quiz_passed)
    version.min_minutes = least
    refresh_search_text(version)
    db.session.flush()


def set_tags(version: CourseVersion, tags: Iterable[str]) -> None:
    """Replace the tags (lower-cased, duplicates dropped)."""
    require_draft(version)
    clean = list(dict.fromkeys(t.strip().lower() for t in tags if t and t.strip()))
    for tag in clean:
        if len(tag) > TAG_MAX:
            raise UserError(_("The tag “%(tag)s” is longer than %(max)d characters.", tag=tag,
                              max=TAG_MAX), field="tags")
    keep = {t.tag: t for t in version.tags}
    version.tags = [keep.get(tag) or CourseTag(tag=tag) for tag in clean]
    refresh_search_text(version)
    db.session.flush()


def set_competencies(version: CourseVersion, items: Iterable[tuple[str, int]]) -> None:
    """Replace the competencies the version develops: ``(code, level)`` with level 1–3."""
    require_draft(version)
    seen: dict[str, int] = {}
    for code, level in items:
        code = (code or "").strip().upper()
        if not COMPETENCY_CODE_RE.match(code):
            raise UserError(_("“%(code)s” is not a competency code (such as KTSTQ.01).",
                              code=code), field="competencies")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 3:
            raise UserError(_("Competency %(code)s: the level must be 1, 2 or 3.", code=code),
                            field="competencies")
        if code in seen:
            raise UserError(_("Competency %(code)s is listed twice.", code=code),
                            field="competencies")
        seen[code] = level
    version.competencies = [CourseCompetency(competency_code=c, level=lv)
                            for c, lv in seen.items()]
    db.session.flush()


def set_target_positions(version: CourseVersion, positions: Iterable) -> None:
    """Replace the job positions the course is meant for."""
    require_draft(version)
    ids = list(dict.fromkeys(p.id for p in positions))
    version.target_positions = [CourseTargetPosition(position_id=i) for i in ids]
    db.session.flush()


def set_prerequisites(version: CourseVersion, courses: Iterable[Course]) -> None:
    """Replace the courses to complete first; a course cannot require itself, directly or
    through other courses."""
    require_draft(version)
    wanted = list({c.id: c for c in courses}.values())
    own = version.course_id
    for course in wanted:
        if course.id == own:
            raise UserError(_("A course cannot be its own prerequisite."), field="prerequisites")
        if own in _requirements_of(course):
            raise UserError(_("%(code)s already requires this course, directly or through "
                              "other courses.", code=course.code), field="prerequisites")
    version.prerequisites = [CoursePrerequisite(required_course_id=c.id) for c in wanted]
    db.session.flush()


def _requirements_of(course: Course) -> set[int]:
    """Every course ``course`` requires, following the published (else latest) versions."""
    found: set[int] = set()
    todo = [course]
    while todo:
        current = todo.pop()
        version = current.published_version or (current.versions[-1] if current.versions
                                                 else None)
        for p in version.prerequisites if version is not None else []:
            if p.required_course_id not in found:
                found.add(p.required_course_id)
                todo.append(p.required_course)
    return found


# -- modules ---------------------------------------------------------------------------------

def add_module(version: CourseVersion, title_vi: str, title_en: str) -> CourseModule:
    require_draft(version)
    vi, en = _titles(title_vi, title_en)
    module = CourseModule(position=len(version.modules) + 1, title_vi=vi, title_en=en)
    version.modules.append(module)
    db.session.flush()
    return module


def update_module(module: CourseModule, title_vi: str, title_en: str) -> None:
    require_draft(module.version)
    module.title_vi, module.title_en = _titles(title_vi, title_en)
    db.session.flush()


def delete_module(module: CourseModule) -> None:
    """Delete a module with its lessons."""
    version = module.version
    require_draft(version)
    # Removal is enough: delete-orphan deletes the module and its lessons at the flush (an
    # explicit delete as well would have the autoflush of its cascade delete it twice).
    version.modules.remove(module)
    _renumber(version.modules)
    db.session.flush()


def move_module(module: CourseModule, offset: int) -> None:
    """Move a module one place up (``offset`` -1) or down (+1)."""
    version = module.version
    require_draft(version)
    modules = list(version.modules)
    index = modules.index(module)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(modules):
        raise UserError(_("The module cannot move further."))
    modules[index], modules[target] = modules[target], modules[index]
    _renumber(modules)
    version.modules.sort(key=lambda m: m.position)
    db.session.flush()


# -- lessons ---------------------------------------------------------------------------------

def add_lesson(module: CourseModule, kind: str, title_vi: str, title_en: str,
               minutes: int) -> Lesson:
    """A new, empty lesson at the end of ``module``; its content is added afterwards."""
    require_draft(module.version)
    if kind not in kind_names():
        raise UserError(_("Unknown kind of lesson."), field="kind")
    vi, en = _titles(title_vi, title_en)
    minutes = _whole(minutes, minimum=1, field="minutes",
                     message=_("The duration is a whole number of minutes above 0."))
    key = str(uuid.uuid4())
    lesson = Lesson(key=key, position=len(module.lessons) + 1, kind=kind, title_vi=vi,
                    title_en=en, minutes=minutes, body_vi="", body_en="",
                    settings=dict(QUIZ_DEFAULTS) if kind == "quiz" else {},
                    source_path=_default_source_path(kind, key))
    module.lessons.append(lesson)
    db.session.flush()
    return lesson


def _default_source_path(kind: str, key: str) -> str:
    # Unique paths, so that an export never writes two lessons to the same file.
    return {"text": f"lessons/{key[:8]}.md", "quiz": f"quizzes/{key[:8]}.yaml"}.get(kind, "")


def update_lesson(lesson: Lesson, *, title_vi: str, title_en: str, minutes: int,
                  body_vi: str | None = None, body_en: str | None = None) -> None:
    """Titles and duration; for a reading, its Markdown in Vietnamese (required) and
    English. The Markdown is kept as written: it is sanitised whenever it is shown."""
    require_draft(_version_of_lesson(lesson))
    vi, en = _titles(title_vi, title_en)
    minutes = _whole(minutes, minimum=1, field="minutes",
                     message=_("The duration is a whole number of minutes above 0."))
    if lesson.kind == "text":
        if not (body_vi or "").strip():
            raise UserError(_("Write the lesson in Vietnamese."), field="body_vi")
        lesson.body_vi = body_vi.strip()
        lesson.body_en = (body_en or "").strip()
    lesson.title_vi, lesson.title_en, lesson.minutes = vi, en, minutes
    db.session.flush()


def delete_lesson(lesson: Lesson) -> None:
    module = lesson.module
    require_draft(module.version)
    module.lessons.remove(lesson)  # delete-orphan deletes it
    _renumber(module.lessons)
    db.session.flush()


def move_lesson(lesson: Lesson, offset: int) -> None:
    """Move a lesson one place up (-1) or down (+1); past the start or end of its module it
    goes to the end of the previous module or the start of the next one."""
    module = lesson.module
    version = module.version
    require_draft(version)
    if offset not in (-1, 1):
        raise UserError(_("The lesson cannot move further."))
    lessons = list(module.lessons)
    index = lessons.index(lesson)
    target = index + offset
    if 0 <= target < len(lessons):
        lessons[index], lessons[target] = lessons[target], lessons[index]
        _renumber(lessons)
        module.lessons.sort(key=lambda x: x.position)
        db.session.flush()
        return
    modules = list(version.modules)
    m_index = modules.index(module) + offset
    if not 0 <= m_index < len(modules):
        raise UserError(_("The lesson cannot move further."))
    other = modules[m_index]
    module.lessons.remove(lesson)
    _renumber(module.lessons)
    if offset < 0:
        other.lessons.append(lesson)
    else:
        other.lessons.insert(0, lesson)
    _renumber(other.lessons)
    db.session.flush()


def _safe_name(filename: str, fallback: str) -> str:
    name = secure_filename(posixpath.basename((filename or "").replace("\\", "/")))
    return name or fallback


def set_lesson_file(lesson: Lesson, filename: str, data: bytes) -> MediaAsset:
    """Store the video or PDF of a lesson. The type is checked by the file's bytes, not only
    its name; a file of another type is refused, naming the accepted types, and nothing is
    stored."""
    require_draft(_version_of_lesson(lesson))
    file_kind = get_kind(lesson.kind).file_kind
    if file_kind is None:
        raise UserError(_("This kind of lesson has no file."), field="file")
    allowed = ", ".join(e for c in media.KIND_TYPES[file_kind] for e in media.TYPES[c][0])
    if not data:
        raise UserError(_("The file is empty."), field="file")
    try:
        ctype = media.detect_type(filename or "", data[:16], file_kind)
    except UserError:
        raise UserError(_("“%(file)s” is not accepted: this lesson takes %(allowed)s files, and "
                          "the type is checked by the file's content, not only its name.",
                          file=filename or "?", allowed=allowed), field="file") from None
    name = _safe_name(filename, f"file{allowed.split(',')[0]}")
    asset = media.store(data, name, ctype)
    lesson.asset_id = asset.id
    lesson.asset = asset
    lesson.source_path = f"media/{lesson.key[:8]}-{name}"
    db.session.flush()
    return asset


def store_image(version: CourseVersion, filename: str, data: bytes) -> MediaAsset:
    """Store an image for a reading's Markdown; its address is :func:`image_url`."""
    require_draft(version)
    if not data:
        raise UserError(_("The file is empty."), field="file")
    allowed = ", ".join(e for c in media.KIND_TYPES["image"] for e in media.TYPES[c][0])
    try:
        ctype = media.detect_type(filename or "", data[:16], "image")
    except UserError:
        raise UserError(_("“%(file)s” is not accepted: images are %(allowed)s files, and the "
                          "type is checked by the file's content, not only its name.",
                          file=filename or "?", allowed=allowed), field="file") from None
    asset = media.store(data, _safe_name(filename, "image"), ctype)
    db.session.flush()
    return asset


def image_url(asset: MediaAsset) -> str:
    """The address Markdown uses for a stored image (the only image source allowed)."""
    return f"/media/{asset.sha256}/{asset.filename}"


# -- quizzes and their question banks ----------------------------------------------------------

def _require_quiz(lesson: Lesson) -> None:
    require_draft(_version_of_lesson(lesson))
    if lesson.kind != "quiz":
        raise UserError(_("This lesson is not a quiz."))


def update_quiz_settings(lesson: Lesson, *, pass_mark: int, attempts: int, draw: int,
                         shuffle: bool, graded: bool) -> None:
    """Pass mark (percent), attempts allowed (0 = unlimited), questions drawn per attempt
    (0 = all), shuffled choices, and whether the quiz counts for completion."""
    _require_quiz(lesson)
    if not isinstance(pass_mark, int) or isinstance(pass_mark, bool) or \
            not 0 < pass_mark <= 100:
        raise UserError(_("The pass mark must be between 1 and 100."), field="pass_mark")
    attempts = _whole(attempts, minimum=0, field="attempts",
                      message=_("Attempts cannot be negative (0 means unlimited)."))
    draw = _whole(draw, minimum=0, field="draw",
                  message=_("The number drawn cannot be negative (0 means all)."))
    if draw > len(lesson.questions):
        raise UserError(_("The quiz has %(n)d questions; it cannot draw %(draw)d.",
                          n=len(lesson.questions), draw=draw), field="draw")
    lesson.settings = {**QUIZ_DEFAULTS, **(lesson.settings or {}), "pass_mark": pass_mark,
                       "attempts": attempts, "draw": draw, "shuffle": bool(shuffle),
                       "graded": bool(graded)}
    db.session.flush()


def _question_content(qtype: str, text_vi: str, points: Any, choices: Iterable[dict],
                      answer: Any, answers: Iterable[str]) -> tuple[list, dict, float]:
    """Validate a question the way the package reader does; return (choices, answer,
    points)."""
    if qtype not in QUESTION_TYPES:
        raise UserError(_("Unknown type of question."), field="type")
    if not (text_vi or "").strip():
        raise UserError(_("The question's text in Vietnamese is required."), field="text_vi")
    if not isinstance(points, int | float) or isinstance(points, bool) or points <= 0:
        raise UserError(_("Points must be a positive number."), field="points")
    clean_choices: list[dict] = []
    clean_answer: dict = {}
    if qtype in ("single", "multiple"):
        for c in choices:
            text = str(c.get("text") or "").strip()
            text_en = str(c.get("text_en") or "").strip()
            correct = bool(c.get("correct"))
            if not text:
                if correct or text_en:
                    raise UserError(_("Each choice needs a text in Vietnamese."),
                                    field="choices")
                continue  # an unused row of the form
            clean_choices.append({"text": text, "text_en": text_en, "correct": correct})
        if len(clean_choices) < 2:
            raise UserError(_("At least two choices are needed."), field="choices")
        correct = sum(c["correct"] for c in clean_choices)
        if qtype == "single" and correct != 1:
            raise UserError(_("A single-choice question needs exactly one correct choice "
                              "(it has %(n)d).", n=correct), field="choices")
        if qtype == "multiple" and correct < 1:
            raise UserError(_("Mark at least one correct choice."), field="choices")
    elif qtype == "true_false":
        if not isinstance(answer, bool):
            raise UserError(_("Choose whether the statement is true or false."),
                            field="answer")
        clean_answer = {"answer": answer}
    else:
        accepted = [str(a).strip() for a in answers if str(a).strip()]
        if not accepted:
            raise UserError(_("List at least one accepted answer."), field="answers")
        clean_answer = {"answers": list(dict.fromkeys(accepted))}
    return clean_choices, clean_answer, float(points)


def _next_key(lesson: Lesson) -> str:
    used = {q.key for q in lesson.questions}
    n = len(lesson.questions) + 1
    while f"q{n}" in used:
        n += 1
    return f"q{n}"


def add_question(lesson: Lesson, *, type: str, text_vi: str, text_en: str = "",
                 points: float = 1, choices: Iterable[dict] = (), answer: Any = None,
                 answers: Iterable[str] = (), explanation_vi: str = "",
                 explanation_en: str = "") -> Question:
    """Add a question to a quiz's bank. ``choices`` (single, multiple) are
    ``{"text", "text_en", "correct"}``; ``answer`` (true/false) a bool; ``answers`` (short
    answer) the accepted texts."""
    _require_quiz(lesson)
    clean_choices, clean_answer, pts = _question_content(type, text_vi, points, choices,
                                                         answer, answers)
    question = Question(key=_next_key(lesson), position=len(lesson.questions) + 1, type=type,
                        text_vi=text_vi.strip(), text_en=(text_en or "").strip(), points=pts,
                        choices=clean_choices, answer=clean_answer,
                        explanation_vi=(explanation_vi or "").strip(),
                        explanation_en=(explanation_en or "").strip())
    lesson.questions.append(question)
    db.session.flush()
    return question


def update_question(question: Question, *, type: str, text_vi: str, text_en: str = "",
                    points: float = 1, choices: Iterable[dict] = (), answer: Any = None,
                    answers: Iterable[str] = (), explanation_vi: str = "",
                    explanation_en: str = "") -> None:
    """Change a question (same arguments as :func:`add_question`); its id stays."""
    _require_quiz(question.lesson)
    clean_choices, clean_answer, pts = _question_content(type, text_vi, points, choices,
                                                         answer, answers)
    question.type = type
    question.text_vi, question.text_en = text_vi.strip(), (text_en or "").strip()
    question.points = pts
    question.choices, question.answer = clean_choices, clean_answer
    question.explanation_vi = (explanation_vi or "").strip()
    question.explanation_en = (explanation_en or "").strip()
    db.session.flush()


def delete_question(question: Question) -> None:
    lesson = question.lesson
    _require_quiz(lesson)
    draw = (lesson.settings or {}).get("draw", 0)
    if draw and draw > len(lesson.questions) - 1:
        raise UserError(_("The quiz draws %(draw)d questions; lower that number before "
                          "deleting this question.", draw=draw))
    lesson.questions.remove(question)  # delete-orphan deletes it
    _renumber(lesson.questions)
    db.session.flush()


# -- review ----------------------------------------------------------------------------------

def check_ready(version: CourseVersion) -> None:
    """Everything :func:`operations.check_publishable` checks, plus what the package reader
    refuses and the editor lets an author leave unfinished for a while."""
    ops.check_publishable(version)
    for module in version.modules:
        if not module.lessons:
            raise UserError(_("The module “%(title)s” has no lessons.", title=module.title_vi))
    for lesson in version.lessons:
        if lesson.kind == "text" and not (lesson.body_vi or "").strip():
            raise UserError(_("The lesson “%(title)s” is empty.", title=lesson.title_vi))
        if lesson.kind == "cmi5" and not (lesson.settings or {}).get("au_id"):
            raise UserError(_("The cmi5 lesson “%(title)s” names no assignable unit of a "
                              "course structure.", title=lesson.title_vi))
        if lesson.kind == "quiz" and (lesson.settings or {}).get("draw", 0) > len(
                lesson.questions):
            raise UserError(_("The quiz “%(title)s” draws more questions than it has.",
                              title=lesson.title_vi))
    if version.require_quiz_passed and not any(
            lesson.kind == "quiz" and (lesson.settings or {}).get("graded", True)
            for lesson in version.lessons):
        raise UserError(_("The completion rule asks for the quizzes to be passed, but the "
                          "course has no graded quiz: add one, or change the rule in the "
                          "details."))
    total = sum(lesson.minutes for lesson in version.lessons)
    if version.min_minutes > total:
        raise UserError(_("The completion rule asks for %(min)d minutes of study, more than "
                          "the lessons' %(total)d minutes.", min=version.min_minutes,
                          total=total))


def submit(version: CourseVersion, actor) -> None:
    """Check the draft and submit it for review."""
    require_draft(version)
    check_ready(version)
    ops.submit_for_review(version, actor)


# -- queries for the pages ---------------------------------------------------------------------

def learner_counts(course: Course) -> dict[int, int]:
    """How many learners are enrolled in each version of ``course``."""
    rows = db.session.execute(
        sa.select(Enrolment.version_id, sa.func.count()).where(Enrolment.course_id == course.id)
        .group_by(Enrolment.version_id))
    return dict(rows.all())


def learners_to_move(course: Course) -> int:
    """Learners who have not completed the course and study a version other than the
    published one: those :func:`operations.move_learners` would move."""
    if course.published_version_id is None:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Enrolment).where(
            Enrolment.course_id == course.id,
            Enrolment.version_id != course.published_version_id,
            Enrolment.completed_at.is_(None))) or 0


def courses_of(user) -> list[Course]:
    """Courses ``user`` created or wrote a version of, by code."""
    written = sa.select(CourseVersion.course_id).where(CourseVersion.author_id == user.id)
    return list(db.session.scalars(
        sa.select(Course).where(sa.or_(Course.created_by_id == user.id, Course.id.in_(written)))
        .options(so.selectinload(Course.versions)).order_by(Course.code)))


def waiting_for_review(user) -> list[CourseVersion]:
    """Versions in review that ``user`` may review (anyone's but their own)."""
    return list(db.session.scalars(
        sa.select(CourseVersion).where(
            CourseVersion.status == "in_review",
            sa.or_(CourseVersion.author_id.is_(None), CourseVersion.author_id != user.id))
        .order_by(CourseVersion.submitted_at)))


def search_stmt(text: str | None):
    """All courses, by code, matching ``text`` (accent-insensitive) in any version."""
    stmt = sa.select(Course).options(so.selectinload(Course.versions)).order_by(Course.code)
    folded = fold(text)
    if folded:
        like = f"%{folded}%"
        stmt = stmt.where(Course.id.in_(
            sa.select(CourseVersion.course_id).where(CourseVersion.search_text.like(like))))
    return stmt


def course_choices(exclude_id: int | None = None) -> list[tuple[int, str]]:
    """``(id, "CODE — title")`` of every course (the published title, else the latest
    version's), by code, in one query: the prerequisites list of the details form."""
    published = so.aliased(CourseVersion)
    latest_version = so.aliased(CourseVersion)
    latest = (sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number).label("n"))
              .group_by(CourseVersion.course_id).subquery())
    stmt = (sa.select(Course.id, Course.code,
                      sa.func.coalesce(published.title_vi, latest_version.title_vi))
            .join(latest, latest.c.course_id == Course.id)
            .join(latest_version, sa.and_(latest_version.course_id == Course.id,
                                          latest_version.number == latest.c.n))
            .outerjoin(published, published.id == Course.published_version_id)
            .order_by(Course.code))
    if exclude_id is not None:
        stmt = stmt.where(Course.id != exclude_id)
    return [(cid, f"{code} — {title}") for cid, code, title in db.session.execute(stmt)]
