"""Forms of the authoring pages. They check the shape of what is typed; the rules of a
course (exactly one correct choice, a draw within the bank, ...) are checked by
:mod:`lms_core.courses.authoring`, whose messages are put back on these forms."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FloatField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from lms_core.courses.authoring import course_choices
from lms_core.courses.kinds import get_kind, kind_names
from lms_core.courses.models import Course
from lms_core.organisation.forms import (
    AdminForm,
    at_most,
    field_choices,
    position_choices,
    required,
)

QUESTION_TYPE_LABELS = {
    "single": _l("One correct choice"),
    "multiple": _l("Several correct choices"),
    "true_false": _l("True or false"),
    "short_answer": _l("Short answer"),
}
CHOICE_ROWS = 6  #: choice rows offered by the question form


def whole(label, validators=None, **kwargs) -> IntegerField:
    return IntegerField(label, validators or [InputRequired(_l("This field is required."))],
                        invalid_value_message=_l("Enter a whole number."), **kwargs)


class NumberField(FloatField):
    """A number shown without a needless “.0”."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:g}" if self.data is not None else ""


def _opt_id(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class AuthoringForm(AdminForm):
    """Base of the authoring forms (WTForms' own messages come from our catalog)."""


class ConfirmForm(AuthoringForm):
    """A button that only carries the CSRF token."""


class CourseForm(AuthoringForm):
    code = StringField(_l("Course code"), [required(), at_most(32)],
                       description=_l("Letters, digits, - _ . ; stable across versions, "
                                      "such as KTSTQ-101."))
    title_vi = StringField(_l("Title in Vietnamese"), [required(), at_most(300)])
    title_en = StringField(_l("Title in English"), [required(), at_most(300)])
    description_vi = TextAreaField(_l("Description in Vietnamese (Markdown)"),
                                   [Optional(), at_most(20000)])
    description_en = TextAreaField(_l("Description in English (Markdown)"),
                                   [Optional(), at_most(20000)])
    field = SelectField(_l("Professional field"), coerce=_opt_id)
    estimated_minutes = whole(_l("Expected study time (minutes)"), default=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = [("", _("— none —"))] + field_choices()


class DetailsForm(CourseForm):
    """The details of a draft: everything of :class:`CourseForm` but the code, the
    completion rule, tags, competencies, target positions and prerequisites."""

    code = None
    require_all_lessons = BooleanField(_l("Every lesson must be completed"))
    require_quiz_passed = BooleanField(_l("The graded quizzes must be passed"))
    min_minutes = whole(_l("Minimum verified study time (minutes, 0 for none)"), default=0)
    tags = StringField(_l("Tags"), [Optional(), at_most(1000)],
                       description=_l("Separated by commas, such as nghiep-vu, phap-luat."))
    competencies = TextAreaField(
        _l("Competencies developed"), [Optional(), at_most(5000)],
        description=_l("One a line: the competency code and the level reached (1 to 3), "
                       "such as “KTSTQ.01 2”."))
    target_positions = SelectMultipleField(_l("Job positions the course is meant for"),
                                           coerce=int, render_kw={"size": 8},
                                           description=_l("Hold Ctrl (or ⌘) to choose "
                                                          "several."))
    prerequisites = SelectMultipleField(_l("Courses to complete first"), coerce=int,
                                        render_kw={"size": 8},
                                        description=_l("Hold Ctrl (or ⌘) to choose several."))

    def __init__(self, course: Course, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Filled by validate_competencies, which WTForms skips when the box is empty.
        self.competency_items: list[tuple[str, int]] = []
        self.target_positions.choices = position_choices()
        self.prerequisites.choices = course_choices(exclude_id=course.id)

    def validate_competencies(self, field) -> None:
        items = []
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            parts = line.replace(",", " ").replace(":", " ").split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise ValidationError(_("Line %(n)d: write the code and the level, such as "
                                        "“KTSTQ.01 2”.", n=number))
            items.append((parts[0], int(parts[1])))
        self.competency_items = items

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags.data or "").split(",") if t.strip()]


class ModuleForm(AuthoringForm):
    title_vi = StringField(_l("Title in Vietnamese"), [required(), at_most(300)])
    title_en = StringField(_l("Title in English"), [required(), at_most(300)])


class NewLessonForm(AuthoringForm):
    kind = SelectField(_l("Kind of lesson"))
    title_vi = StringField(_l("Title in Vietnamese"), [required(), at_most(300)])
    title_en = StringField(_l("Title in English"), [required(), at_most(300)])
    minutes = whole(_l("Expected duration (minutes)"), default=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # cmi5 lessons come from a package's course structure; the editor cannot make one.
        self.kind.choices = [(name, str(get_kind(name).label)) for name in kind_names()
                             if name != "cmi5"]


class LessonForm(AuthoringForm):
    title_vi = StringField(_l("Title in Vietnamese"), [required(), at_most(300)])
    title_en = StringField(_l("Title in English"), [required(), at_most(300)])
    minutes = whole(_l("Expected duration (minutes)"))
    body_vi = TextAreaField(_l("Text in Vietnamese (Markdown)"), [Optional(), at_most(200000)],
                            render_kw={"rows": 18})
    body_en = TextAreaField(_l("Text in English (Markdown)"), [Optional(), at_most(200000)],
                            render_kw={"rows": 12})


class FileForm(AuthoringForm):
    file = FileField(_l("File"), [FileRequired(_l("Choose a file."))])


class QuizSettingsForm(AuthoringForm):
    pass_mark = whole(_l("Pass mark (percent of the points)"))
    attempts = whole(_l("Attempts allowed (0 for unlimited)"))
    draw = whole(_l("Questions drawn for each attempt (0 for all)"))
    shuffle = BooleanField(_l("Shuffle the choices"))
    graded = BooleanField(_l("Counts for completing the course"))


class ChoiceForm(Form):
    text = StringField(_l("Choice"), [Optional(), Length(max=2000)])
    text_en = StringField(_l("In English"), [Optional(), Length(max=2000)])
    correct = BooleanField(_l("Correct"))


class QuestionForm(AuthoringForm):
    type = SelectField(_l("Type of question"))
    text_vi = TextAreaField(_l("Question in Vietnamese"), [required(), at_most(5000)],
                            render_kw={"rows": 3})
    text_en = TextAreaField(_l("Question in English"), [Optional(), at_most(5000)],
                            render_kw={"rows": 3})
    points = NumberField(_l("Points"), [InputRequired(_l("This field is required."))],
                        default=1, invalid_value_message=_l("Enter a number."))
    choices = FieldList(FormField(ChoiceForm), min_entries=CHOICE_ROWS,
                        max_entries=CHOICE_ROWS * 4)
    answer = RadioField(_l("The statement is"), [Optional()])
    answers = TextAreaField(_l("Accepted answers, one a line"), [Optional(), at_most(5000)],
                            render_kw={"rows": 3},
                            description=_l("Compared without case, accents or extra spaces."))
    explanation_vi = TextAreaField(_l("Explanation shown after the attempt (Vietnamese)"),
                                   [Optional(), at_most(5000)], render_kw={"rows": 2})
    explanation_en = TextAreaField(_l("Explanation in English"), [Optional(), at_most(5000)],
                                   render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = [(k, str(v)) for k, v in QUESTION_TYPE_LABELS.items()]
        self.answer.choices = [("true", _("True")), ("false", _("False"))]

    def fill(self, question) -> None:
        """Show ``question`` in the form (GET)."""
        self.type.data = question.type
        self.text_vi.data, self.text_en.data = question.text_vi, question.text_en
        self.points.data = question.points
        for row, choice in zip(self.choices, question.choices, strict=False):
            row.form.text.data = choice.get("text", "")
            row.form.text_en.data = choice.get("text_en", "")
            row.form.correct.data = bool(choice.get("correct"))
        while len(question.choices) > len(self.choices):
            self.choices.append_entry()
            choice = question.choices[len(self.choices) - 1]
            row = self.choices[-1].form
            row.text.data, row.text_en.data = choice.get("text", ""), choice.get("text_en", "")
            row.correct.data = bool(choice.get("correct"))
        if question.type == "true_false":
            self.answer.data = "true" if question.answer.get("answer") else "false"
        self.answers.data = "\n".join(question.answer.get("answers", []))
        self.explanation_vi.data = question.explanation_vi
        self.explanation_en.data = question.explanation_en

    def values(self) -> dict:
        """The keyword arguments of :func:`authoring.add_question` / ``update_question``."""
        answer = {"true": True, "false": False}.get(self.answer.data or "")
        return {
            "type": self.type.data, "text_vi": self.text_vi.data or "",
            "text_en": self.text_en.data or "", "points": self.points.data,
            "choices": [{"text": row.form.text.data, "text_en": row.form.text_en.data,
                         "correct": row.form.correct.data} for row in self.choices],
            "answer": answer,
            "answers": (self.answers.data or "").splitlines(),
            "explanation_vi": self.explanation_vi.data or "",
            "explanation_en": self.explanation_en.data or "",
        }


class ReviewForm(AuthoringForm):
    decision = RadioField(_l("Decision"), [InputRequired(_l("Choose a decision."))])
    note = TextAreaField(_l("Note to the author"), [Optional(), at_most(5000)],
                         description=_l("Required when sending the version back: say what "
                                        "must change."))


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [("publish", _("Publish this version")),
                                 ("return", _("Send it back to the author"))]


class PackageForm(AuthoringForm):
    file = FileField(_l("Course package (zip)"), [FileRequired(_l("Choose a zip file."))])
