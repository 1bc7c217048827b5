"""The lesson-kind registry. A new kind is one subclass of :class:`LessonKind` registered
with :func:`register`: it says how the kind is read from a course package, written back,
copied into a new course version, and which template the player uses.
"""

from __future__ import annotations

import copy
import re
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

from lms_core.courses.models import Lesson, Question

_REGISTRY: dict[str, type[LessonKind]] = {}


class PackageProblem(Exception):
    """Collected by the package reader; ``where`` is ``file:line``."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class LessonKind:
    """Base class of lesson kinds.

    ``name`` is the value of ``kind`` in course.yaml; ``template`` renders the lesson in the
    player (with ``lesson``, ``enrolment``, ``progress``); ``file_kind`` is the media kind its
    file must be (video, pdf) or None; ``counts_time`` says whether time on it is study time.
    """

    name: ClassVar[str]
    label: ClassVar[Any]
    template: ClassVar[str]
    file_kind: ClassVar[str | None] = None
    needs_file: ClassVar[bool] = True
    counts_time: ClassVar[bool] = True

    def load(self, lesson: Lesson, spec: dict, package, problems: list) -> None:
        """Fill ``lesson`` from its course.yaml entry; append :class:`PackageProblem`\\ s."""

    def dump(self, lesson: Lesson, writer) -> dict[str, Any]:
        """The lesson's course.yaml entry (less kind/title/minutes); write its files."""
        return {}

    def copy(self, source: Lesson, target: Lesson) -> None:
        """Copy what the kind keeps into ``target`` (a lesson of a new version)."""
        target.body_vi, target.body_en = source.body_vi, source.body_en
        target.asset_id = source.asset_id
        target.settings = copy.deepcopy(source.settings)
        target.source_path = source.source_path

    def is_complete_on_visit(self, lesson: Lesson) -> bool:
        """True when opening the lesson completes it (reading kinds); a quiz completes when
        its attempt is submitted (and passed, when graded)."""
        return True


def register(cls: type[LessonKind]) -> type[LessonKind]:
    if cls.name in _REGISTRY:
        raise ValueError(f"lesson kind {cls.name!r} is already registered")
    _REGISTRY[cls.name] = cls
    return cls


def get_kind(name: str) -> LessonKind:
    return _REGISTRY[name]()


def kind_names() -> list[str]:
    return sorted(_REGISTRY)


# -- text -------------------------------------------------------------------------------------
EN_MARKER = re.compile(r"^\s*<!--\s*en\s*-->\s*$", re.MULTILINE)
IMAGE_REF = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")


@register
class TextLesson(LessonKind):
    name = "text"
    label = _l("Reading")
    template = "courses/lessons/text.html"

    def load(self, lesson, spec, package, problems):
        path = spec["file"]
        text = package.read_text(path, problems)
        if text is None:
            return
        parts = EN_MARKER.split(text, maxsplit=1)
        body_vi, body_en = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        lesson.body_vi = package.store_images(body_vi, path, problems)
        lesson.body_en = package.store_images(body_en, path, problems)
        lesson.source_path = path
        if not lesson.body_vi:
            problems.append(PackageProblem(path, "the lesson is empty"))

    def dump(self, lesson, writer):
        text = writer.unstore_images(lesson.body_vi)
        if lesson.body_en:
            text += "\n\n<!-- en -->\n\n" + writer.unstore_images(lesson.body_en)
        return {"file": writer.write_text(lesson.source_path or
                                          f"lessons/{lesson.position:02d}.md", text + "\n")}


class _FileLesson(LessonKind):
    def load(self, lesson, spec, package, problems):
        lesson.asset_id = package.store_media(spec["file"], self.file_kind, problems)
        lesson.source_path = spec["file"]

    def dump(self, lesson, writer):
        return {"file": writer.write_asset(lesson.asset, lesson.source_path)}


@register
class VideoLesson(_FileLesson):
    name = "video"
    label = _l("Video")
    template = "courses/lessons/video.html"
    file_kind = "video"


@register
class PdfLesson(_FileLesson):
    name = "pdf"
    label = _l("PDF document")
    template = "courses/lessons/pdf.html"
    file_kind = "pdf"


# -- quiz -------------------------------------------------------------------------------------
QUIZ_DEFAULTS = {"pass_mark": 70, "attempts": 0, "draw": 0, "shuffle": True, "graded": True}


@register
class QuizLesson(LessonKind):
    name = "quiz"
    label = _l("Quiz")
    template = "courses/lessons/quiz.html"
    counts_time = True

    def is_complete_on_visit(self, lesson):
        return False

    def load(self, lesson, spec, package, problems):
        path = spec["file"]
        data = package.read_yaml(path, problems)
        if data is None:
            return
        lesson.source_path = path
        where = f"{path}:{getattr(data, 'line', 1)}"
        if not isinstance(data, dict):
            problems.append(PackageProblem(where, "a quiz file holds a mapping"))
            return
        settings = dict(QUIZ_DEFAULTS)
        for key, default in QUIZ_DEFAULTS.items():
            if key in data:
                value = data[key]
                if isinstance(default, bool) != isinstance(value, bool) or \
                        not isinstance(value, type(default)):
                    problems.append(PackageProblem(where, f"{key} must be "
                                                   f"{type(default).__name__}"))
                    continue
                settings[key] = value
        if "pass_mark" not in data:
            problems.append(PackageProblem(where, "pass_mark is required"))
        if not 0 < settings["pass_mark"] <= 100:
            problems.append(PackageProblem(where, "pass_mark must be between 1 and 100"))
        if settings["attempts"] < 0 or settings["draw"] < 0:
            problems.append(PackageProblem(where, "attempts and draw cannot be negative"))
        questions = data.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(PackageProblem(where, "a quiz needs at least one question"))
            return
        if settings["draw"] > len(questions):
            problems.append(PackageProblem(where, f"draw {settings['draw']} is more than the "
                                           f"{len(questions)} questions"))
        lesson.settings = settings
        seen: set[str] = set()
        for position, item in enumerate(questions, start=1):
            question = _load_question(item, position, path, problems, seen)
            if question is not None:
                lesson.questions.append(question)

    def dump(self, lesson, writer):
        data: dict[str, Any] = dict(lesson.settings)
        data["questions"] = [_dump_question(q) for q in lesson.questions]
        return {"file": writer.write_yaml(lesson.source_path or
                                          f"quizzes/{lesson.position:02d}.yaml", data)}

    def copy(self, source, target):
        super().copy(source, target)
        for q in source.questions:
            target.questions.append(Question(
                key=q.key, position=q.position, type=q.type, text_vi=q.text_vi,
                text_en=q.text_en, points=q.points, choices=copy.deepcopy(q.choices),
                answer=copy.deepcopy(q.answer), explanation_vi=q.explanation_vi,
                explanation_en=q.explanation_en))


def _load_question(item, position: int, path: str, problems: list, seen: set) -> Question | None:
    line = getattr(item, "line", "?")
    where = f"{path}:{line}"
    if not isinstance(item, dict):
        problems.append(PackageProblem(where, f"question {position} must be a mapping"))
        return None
    key = str(item.get("id") or "").strip()
    qtype = item.get("type")
    text = item.get("text")
    label = f"question {key or position}"
    before = len(problems)
    if not key:
        problems.append(PackageProblem(where, f"question {position} has no id"))
    elif key in seen:
        problems.append(PackageProblem(where, f"question id {key!r} is used twice"))
    seen.add(key)
    if qtype not in ("single", "multiple", "true_false", "short_answer"):
        problems.append(PackageProblem(where, f"{label}: unknown type {qtype!r} (single, "
                                       "multiple, true_false, short_answer)"))
        return None
    if not isinstance(text, str) or not text.strip():
        problems.append(PackageProblem(where, f"{label}: text is required"))
    points = item.get("points", 1)
    if not isinstance(points, int | float) or isinstance(points, bool) or points <= 0:
        problems.append(PackageProblem(where, f"{label}: points must be a positive number"))
        points = 1
    choices: list[dict] = []
    answer: dict = {}
    if qtype in ("single", "multiple"):
        raw = item.get("choices")
        if not isinstance(raw, list) or len(raw) < 2:
            problems.append(PackageProblem(where, f"{label}: at least two choices are needed"))
            raw = []
        for c in raw:
            if not isinstance(c, dict) or not isinstance(c.get("text"), str | int | float):
                problems.append(PackageProblem(f"{path}:{getattr(c, 'line', line)}",
                                               f"{label}: each choice needs a text"))
                continue
            choices.append({"text": str(c["text"]), "text_en": str(c.get("text_en") or ""),
                            "correct": bool(c.get("correct", False))})
        correct = sum(c["correct"] for c in choices)
        if qtype == "single" and choices and correct != 1:
            problems.append(PackageProblem(where, f"{label}: a single-choice question needs "
                                           f"exactly one correct choice (has {correct})"))
        if qtype == "multiple" and choices and correct < 1:
            problems.append(PackageProblem(where, f"{label}: mark at least one correct choice"))
    elif qtype == "true_false":
        if not isinstance(item.get("answer"), bool):
            problems.append(PackageProblem(where, f"{label}: answer must be true or false"))
        answer = {"answer": bool(item.get("answer"))}
    else:
        answers = item.get("answers")
        if not isinstance(answers, list) or not answers or \
                not all(isinstance(a, str | int | float) and str(a).strip() for a in answers):
            problems.append(PackageProblem(where, f"{label}: answers must list the accepted "
                                           "answers"))
            answers = []
        answer = {"answers": [str(a) for a in answers]}
    if len(problems) > before:
        return None
    return Question(key=key, position=position, type=qtype, text_vi=text.strip(),
                    text_en=str(item.get("text_en") or "").strip(), points=float(points),
                    choices=choices, answer=answer,
                    explanation_vi=str(item.get("explanation") or "").strip(),
                    explanation_en=str(item.get("explanation_en") or "").strip())


def _dump_question(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.key, "type": q.type, "text": q.text_vi}
    if q.text_en:
        out["text_en"] = q.text_en
    if q.points != 1:
        out["points"] = q.points
    if q.type in ("single", "multiple"):
        out["choices"] = []
        for c in q.choices:
            choice: dict[str, Any] = {"text": c["text"]}
            if c.get("text_en"):
                choice["text_en"] = c["text_en"]
            if c.get("correct"):
                choice["correct"] = True
            out["choices"].append(choice)
    elif q.type == "true_false":
        out["answer"] = q.answer.get("answer")
    else:
        out["answers"] = q.answer.get("answers", [])
    if q.explanation_vi:
        out["explanation"] = q.explanation_vi
    if q.explanation_en:
        out["explanation_en"] = q.explanation_en
    return out


# -- cmi5 -------------------------------------------------------------------------------------
@register
class Cmi5Lesson(LessonKind):
    """One assignable unit (AU) of a cmi5 course structure, launched through the LRS
    (:mod:`lms_core.cmi5`, docs/cmi5.md). The lesson's settings hold the AU's course-structure
    data; it is completed when the AU is satisfied (its moveOn rule, or waived by staff)."""

    name = "cmi5"
    label = _l("Interactive content (cmi5)")
    template = "cmi5/lesson.html"
    needs_file = False

    def is_complete_on_visit(self, lesson):
        return False

    def load(self, lesson, spec, package, problems):
        from lms_core.cmi5.structure import load_lesson

        load_lesson(lesson, spec, package, problems)

    def dump(self, lesson, writer):
        from lms_core.cmi5.structure import dump_lesson

        return dump_lesson(lesson, writer)
