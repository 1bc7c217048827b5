"""Courses and their versions, modules, lessons, questions, media; enrolments and progress.

A :class:`Course` is the stable identity (its code); what learners study is a
:class:`CourseVersion`. Publishing freezes a version; an edit of a published course makes a
new draft version; learners keep the version they enrolled in unless moved.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db

VERSION_STATUSES = ("draft", "in_review", "published", "archived")
QUESTION_TYPES = ("single", "multiple", "true_false", "short_answer")


class Course(db.Model):
    """A course's stable identity; ``published_version`` is what the catalogue offers."""

    __tablename__ = "courses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    published_version_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("course_versions.id", use_alter=True), index=True)

    versions: so.Mapped[list[CourseVersion]] = so.relationship(
        back_populates="course", foreign_keys="CourseVersion.course_id",
        order_by="CourseVersion.number", cascade="all, delete-orphan")
    published_version: so.Mapped[CourseVersion | None] = so.relationship(
        foreign_keys=[published_version_id], post_update=True)

    @property
    def working_version(self) -> CourseVersion | None:
        """The version being edited or reviewed, if any (at most one)."""
        return next((v for v in self.versions if v.status in ("draft", "in_review")), None)

    @property
    def latest_version(self) -> CourseVersion:
        return self.versions[-1]


class CourseVersion(db.Model):
    """One version of a course: metadata, structure, workflow state."""

    __tablename__ = "course_versions"
    __table_args__ = (sa.UniqueConstraint("course_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="draft", index=True)
    title_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(300))
    description_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    field_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("professional_fields.id"))
    #: Expected study time in minutes (course.yaml gives hours).
    estimated_minutes: so.Mapped[int] = so.mapped_column(default=60)
    #: Completion rule: every lesson completed / graded quizzes passed / minimum verified time.
    require_all_lessons: so.Mapped[bool] = so.mapped_column(default=True)
    require_quiz_passed: so.Mapped[bool] = so.mapped_column(default=True)
    min_minutes: so.Mapped[int] = so.mapped_column(default=0)
    #: ``fold`` of code, titles, descriptions and tags, for accent-insensitive search.
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    submitted_at: so.Mapped[datetime | None]
    reviewer_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: so.Mapped[datetime | None]
    review_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    published_at: so.Mapped[datetime | None]
    archived_at: so.Mapped[datetime | None]

    course: so.Mapped[Course] = so.relationship(back_populates="versions",
                                                foreign_keys=[course_id])
    field = so.relationship("ProfessionalField", lazy="joined")
    author = so.relationship("User", foreign_keys=[author_id])
    reviewer = so.relationship("User", foreign_keys=[reviewer_id])
    modules: so.Mapped[list[CourseModule]] = so.relationship(
        back_populates="version", order_by="CourseModule.position", cascade="all, delete-orphan")
    tags: so.Mapped[list[CourseTag]] = so.relationship(cascade="all, delete-orphan",
                                                       lazy="selectin")
    competencies: so.Mapped[list[CourseCompetency]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin")
    target_positions: so.Mapped[list[CourseTargetPosition]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin")
    prerequisites: so.Mapped[list[CoursePrerequisite]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin")

    @property
    def code(self) -> str:
        return self.course.code

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def tag_names(self) -> list[str]:
        return sorted(t.tag for t in self.tags)


class CourseTag(db.Model):
    __tablename__ = "course_tags"

    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), primary_key=True)
    tag: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True, index=True)


class CourseCompetency(db.Model):
    """A competency (by code, defined by the competency plugin) the version develops, up to
    ``level``. Core stores the code only; it never imports the plugin."""

    __tablename__ = "course_competencies"

    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), primary_key=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True,
                                                       index=True)
    level: so.Mapped[int]


class CourseTargetPosition(db.Model):
    __tablename__ = "course_target_positions"

    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), primary_key=True)
    position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("job_positions.id"),
                                                   primary_key=True, index=True)
    position = so.relationship("JobPosition", lazy="joined")


class CoursePrerequisite(db.Model):
    __tablename__ = "course_prerequisites"

    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), primary_key=True)
    required_course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"),
                                                          primary_key=True)
    required_course: so.Mapped[Course] = so.relationship(lazy="joined")


class CourseModule(db.Model):
    __tablename__ = "course_modules"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int]
    title_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(300))

    version: so.Mapped[CourseVersion] = so.relationship(back_populates="modules")
    lessons: so.Mapped[list[Lesson]] = so.relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan")


class MediaAsset(db.Model):
    """A stored file (video, PDF, image), content-addressed by SHA-256 so that versions of a
    course share it. The bytes live in the media store (``LMS_MEDIA_DIR``)."""

    __tablename__ = "media_assets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Lesson(db.Model):
    """A lesson of a kind from the lesson-kind registry (:mod:`lms_core.courses.kinds`)."""

    __tablename__ = "lessons"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stable across versions of a course (copied on a new version), for xAPI activity ids
    #: and to carry progress when a learner is moved to a new version.
    key: so.Mapped[str] = so.mapped_column(sa.String(36), default=lambda: str(uuid.uuid4()),
                                           index=True)
    module_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("course_modules.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int]
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    title_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: Expected duration; verified study time counted for the lesson is capped from it.
    minutes: so.Mapped[int] = so.mapped_column(default=10)
    body_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")  #: Markdown (text kind)
    body_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    asset_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("media_assets.id"))
    #: Kind-specific settings, e.g. a quiz's pass mark, attempts, draw, shuffle, graded.
    settings: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    #: Where it came from in a package (``lessons/01.md``), for export and error messages.
    source_path: so.Mapped[str] = so.mapped_column(sa.String(255), default="")

    module: so.Mapped[CourseModule] = so.relationship(back_populates="lessons")
    asset: so.Mapped[MediaAsset | None] = so.relationship(lazy="joined")
    questions: so.Mapped[list[Question]] = so.relationship(
        back_populates="lesson", order_by="Question.position", cascade="all, delete-orphan")


class Question(db.Model):
    """A quiz question in a lesson's pool."""

    __tablename__ = "questions"
    __table_args__ = (sa.UniqueConstraint("lesson_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"))
    key: so.Mapped[str] = so.mapped_column(sa.String(64))  #: the id in the quiz file
    position: so.Mapped[int]
    type: so.Mapped[str] = so.mapped_column(sa.String(16))
    text_vi: so.Mapped[str] = so.mapped_column(sa.Text)
    text_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    points: so.Mapped[float] = so.mapped_column(default=1.0)
    #: ``[{"text": ..., "text_en": ..., "correct": bool}]`` for single/multiple choice.
    choices: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    #: true/false: ``{"answer": bool}``; short answer: ``{"answers": [...]}``.
    answer: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    explanation_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    explanation_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    lesson: so.Mapped[Lesson] = so.relationship(back_populates="questions")


class Enrolment(db.Model):
    """An officer taking one version of a course."""

    __tablename__ = "enrolments"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id"),
                      sa.Index("ix_enrolments_course_status", "course_id", "status"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"))
    version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("course_versions.id"))
    #: The xAPI registration shared by every statement of this enrolment.
    registration: so.Mapped[str] = so.mapped_column(
        sa.String(36), default=lambda: str(uuid.uuid4()), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="active")
    source: so.Mapped[str] = so.mapped_column(sa.String(16), default="self")  #: self | assigned
    assigned_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    due_on: so.Mapped[date | None]
    enrolled_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    completed_at: so.Mapped[datetime | None]
    last_lesson_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("lessons.id", ondelete="SET NULL"))
    #: Sum of the lessons' verified (visible, active, capped) study seconds.
    verified_seconds: so.Mapped[int] = so.mapped_column(default=0)

    user = so.relationship("User", foreign_keys=[user_id], lazy="joined")
    course: so.Mapped[Course] = so.relationship(lazy="joined")
    version: so.Mapped[CourseVersion] = so.relationship(lazy="joined")
    progress: so.Mapped[list[LessonProgress]] = so.relationship(
        back_populates="enrolment", cascade="all, delete-orphan")


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "lesson_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enrolment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"))
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"))
    first_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    verified_seconds: so.Mapped[int] = so.mapped_column(default=0)
    completed_at: so.Mapped[datetime | None]
    #: Where the learner was (a video's position in seconds, a PDF page).
    resume: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)

    enrolment: so.Mapped[Enrolment] = so.relationship(back_populates="progress")


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "lesson_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enrolment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    submitted_at: so.Mapped[datetime | None]
    #: The drawn questions and each one's choice order: ``[{"q": id, "order": [2, 0, 1]}]``.
    drawn: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    #: ``{question_id: response}`` as submitted.
    responses: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    score: so.Mapped[float | None]
    max_score: so.Mapped[float | None]
    passed: so.Mapped[bool | None]


class Certificate(db.Model):
    """Issued on completion; ``code`` is what the public verification page checks."""

    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    enrolment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    issued_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Snapshots, so the certificate reads the same after renames.
    holder_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    course_title_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    course_title_en: so.Mapped[str] = so.mapped_column(sa.String(300))
    hours: so.Mapped[float]

    enrolment: so.Mapped[Enrolment] = so.relationship(lazy="joined")


class StudySession(db.Model):
    """One visit to a lesson page. The browser reports visible, active seconds in heartbeats;
    the server accepts no more than the wall-clock time since the previous heartbeat and caps
    the lesson's total. On close, one ``experienced`` statement carries the counted time."""

    __tablename__ = "study_sessions"
    __table_args__ = (sa.Index("ix_study_sessions_open", "closed_at", "last_beat_at"),)

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True,
                                          default=lambda: str(uuid.uuid4()))
    enrolment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lessons.id", ondelete="CASCADE"))
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_beat_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Highest heartbeat sequence number seen: a replayed heartbeat counts once.
    last_seq: so.Mapped[int] = so.mapped_column(default=0)
    reported_seconds: so.Mapped[int] = so.mapped_column(default=0)
    counted_seconds: so.Mapped[int] = so.mapped_column(default=0)
    closed_at: so.Mapped[datetime | None]
    statement_id: so.Mapped[str | None] = so.mapped_column(sa.String(36))
