"""The competency plugin's tables (all prefixed ``competency_``).

Frameworks are versioned: a revision is a new :class:`Framework` row with the same ``code``
and the next ``version``; the rows of older versions stay, so results recorded against them
stay readable. Everything an officer has (requirements, evidence, levels, gaps) refers to a
competency by its **code**, which is stable across versions, exactly as courses do in core
(``course_competencies.competency_code``).

Derived tables (:class:`OfficerLevel`, :class:`OfficerGap`) are rebuilt from evidence,
requirements and assignments (see ``evidence.py`` and ``gaps.py``); they are never the source
of truth.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db

#: Kinds of framework node: a professional field, a group, a competency (any depth).
NODE_KINDS = ("field", "group", "competency")
FRAMEWORK_STATUSES = ("draft", "published", "retired")
EVIDENCE_SOURCES = ("assessment", "course", "rating", "import")


class Framework(db.Model):
    """One version of a competency framework (khung năng lực)."""

    __tablename__ = "competency_frameworks"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    version: so.Mapped[int] = so.mapped_column(default=1)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    description_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Number of levels of the scale (3 by default: 1 basic, 2 proficient, 3 advanced).
    scale_levels: so.Mapped[int] = so.mapped_column(default=3)
    #: Names of the levels, ``[{"level": 1, "name_vi": ..., "name_en": ...}, ...]``.
    scale: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="draft")
    #: CASE ``CFDocument.identifier`` (a UUID), kept across import/export.
    case_identifier: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    published_at: so.Mapped[datetime | None]

    nodes: so.Mapped[list[Competency]] = so.relationship(
        back_populates="framework", cascade="all, delete-orphan",
        order_by="Competency.sort_order")

    def __repr__(self) -> str:
        return f"<Framework {self.code} v{self.version} {self.status}>"


class Competency(db.Model):
    """A node of a framework version: field, group or competency, with its parent."""

    __tablename__ = "competency_nodes"
    __table_args__ = (sa.UniqueConstraint("framework_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    framework_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("competency_frameworks.id", ondelete="CASCADE"), index=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("competency_nodes.id", ondelete="CASCADE"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(12), default="competency")
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    description_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The core professional field (``professional_fields.code``) a field node stands for.
    field_code: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    sort_order: so.Mapped[int] = so.mapped_column(default=0)
    case_identifier: so.Mapped[str | None] = so.mapped_column(sa.String(64))

    framework: so.Mapped[Framework] = so.relationship(back_populates="nodes")
    parent: so.Mapped[Competency | None] = so.relationship(remote_side=[id])
    criteria: so.Mapped[list[LevelCriteria]] = so.relationship(
        cascade="all, delete-orphan", order_by="LevelCriteria.level")

    def __repr__(self) -> str:
        return f"<Competency {self.code} ({self.kind})>"


class LevelCriteria(db.Model):
    """The observable criteria of one level of one competency."""

    __tablename__ = "competency_level_criteria"

    competency_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("competency_nodes.id", ondelete="CASCADE"), primary_key=True)
    level: so.Mapped[int] = so.mapped_column(primary_key=True)
    criteria_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    criteria_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class PositionRequirement(db.Model):
    """A job position requires ``required_level`` of a competency, with a weight."""

    __tablename__ = "competency_position_requirements"

    position_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("job_positions.id", ondelete="CASCADE"), primary_key=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    required_level: so.Mapped[int]
    weight: so.Mapped[float] = so.mapped_column(default=1.0)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class Evidence(db.Model):
    """One dated piece of evidence of an officer's level in a competency."""

    __tablename__ = "competency_evidence"
    __table_args__ = (
        sa.Index("ix_competency_evidence_user_code", "user_id", "competency_code"),
        # The same source reference counts once (a sitting, a course completion, an import
        # line): recording it twice is refused by the database, not only by the code.
        sa.UniqueConstraint("user_id", "competency_code", "source", "source_ref"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40))
    level: so.Mapped[int]
    #: One of :data:`EVIDENCE_SOURCES`.
    source: so.Mapped[str] = so.mapped_column(sa.String(12))
    #: What it refers to: ``sitting:12``, ``course:THUE-101``, ``rating:7``,
    #: ``import:<file>:<line>``.
    source_ref: so.Mapped[str] = so.mapped_column(sa.String(200))
    observed_on: so.Mapped[date]
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: The framework version the evidence was recorded against, when known.
    framework_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("competency_frameworks.id"))
    #: The xAPI statement that reported it, when there is one.
    statement_id: so.Mapped[str | None] = so.mapped_column(sa.String(36))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")


class OfficerLevel(db.Model):
    """Derived: an officer's current level in a competency and the evidence that decided it."""

    __tablename__ = "competency_officer_levels"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    level: so.Mapped[int]
    evidence_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("competency_evidence.id", ondelete="SET NULL"))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class OfficerGap(db.Model):
    """Derived: the gap between what the officer's current position requires and the level
    achieved, one row per required competency (``gap`` = 0 when met)."""

    __tablename__ = "competency_officer_gaps"
    __table_args__ = (sa.Index("ix_competency_officer_gaps_unit", "unit_id", "position_id"),)

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    position_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("job_positions.id"))
    #: The unit of the assignment the gap was computed for.
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"))
    required_level: so.Mapped[int]
    achieved_level: so.Mapped[int]
    weight: so.Mapped[float]
    #: ``max(0, required - achieved)``.
    gap: so.Mapped[int]
    computed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class RatingRequest(db.Model):
    """A supervisor's (re-)rating that is due: 3–6 months after a course tied to competencies,
    or the 6-monthly evaluation of a rotated officer by the receiving unit head."""

    __tablename__ = "competency_rating_requests"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "reference"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: ``post_training`` or ``rotation``.
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: ``course:THUE-101`` or ``assignment:<id>:<n>`` (the n-th 6-monthly evaluation).
    reference: so.Mapped[str] = so.mapped_column(sa.String(200))
    unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    position_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("job_positions.id"))
    #: Competency codes to rate.
    competency_codes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    due_on: so.Mapped[date] = so.mapped_column(index=True)
    reminded_at: so.Mapped[datetime | None]
    done_at: so.Mapped[datetime | None]
    done_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: The form's answers (levels per competency, comments).
    answers: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


# --- assessments (thi đánh giá năng lực) -------------------------------------------------


class BankItem(db.Model):
    """An item of the question bank of one competency and level."""

    __tablename__ = "competency_questions"
    __table_args__ = (sa.Index("ix_competency_questions_bank", "competency_code", "level"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: A stable code for import/export (``THUE.01-2-005``).
    code: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40))
    level: so.Mapped[int]
    #: ``single`` (one right option) or ``multiple`` (all right options, nothing else).
    kind: so.Mapped[str] = so.mapped_column(sa.String(10), default="single")
    stem_vi: so.Mapped[str] = so.mapped_column(sa.Text)
    stem_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: ``[{"id": "a", "text_vi": ..., "text_en": ..., "correct": bool}, ...]``.
    options: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Exam(db.Model):
    """An exam blueprint: how many items per competency and level, and the time limit."""

    __tablename__ = "competency_exams"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    title_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    time_limit_minutes: so.Mapped[int] = so.mapped_column(default=45)
    #: Share of items right, per level, needed to be placed at that level (see grading.py).
    pass_ratio: so.Mapped[float] = so.mapped_column(default=0.7)
    open: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    parts: so.Mapped[list[ExamPart]] = so.relationship(
        cascade="all, delete-orphan", order_by="(ExamPart.competency_code, ExamPart.level)")


class ExamPart(db.Model):
    __tablename__ = "competency_exam_parts"

    exam_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("competency_exams.id", ondelete="CASCADE"), primary_key=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    level: so.Mapped[int] = so.mapped_column(primary_key=True)
    item_count: so.Mapped[int]


class Sitting(db.Model):
    """One officer's sitting of an exam, with the items drawn for it."""

    __tablename__ = "competency_sittings"
    __table_args__ = (sa.Index("ix_competency_sittings_user_exam", "user_id", "exam_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    exam_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("competency_exams.id"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: The xAPI registration of the sitting.
    registration: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    #: ``in_progress``, ``submitted`` or ``expired`` (time ran out; graded on what was saved).
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="in_progress")
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    deadline_at: so.Mapped[datetime]
    submitted_at: so.Mapped[datetime | None]
    #: Question ids in the order shown.
    item_ids: so.Mapped[list[int]] = so.mapped_column(sa.JSON)
    #: Saved answers: ``{"<question id>": ["a", "c"]}``; saved as the officer goes.
    answers: so.Mapped[dict[str, list[str]]] = so.mapped_column(sa.JSON, default=dict)
    #: Graded result: per competency, the items right per level and the level placed.
    result: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)


# --- the effect of training ------------------------------------------------------------------


class EffectSnapshot(db.Model):
    """The course effectiveness table as last computed (``effect.refresh_table``: the nightly
    job, ``lms competency effect refresh`` or HR's button), so the page does not compute it on
    every view. Each computation replaces the previous row."""

    __tablename__ = "competency_effect_snapshots"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    computed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Who asked for it on the page; None for the scheduled job and the command.
    computed_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: ``COMPETENCY_EFFECT_WINDOW_DAYS`` and the top level of the scale when computed.
    window_days: so.Mapped[int]
    top_level: so.Mapped[int]
    #: One dict per course and competency: the counts of ``effect.EffectRow`` and the course
    #: title in each language (``title_vi``, ``title_en``).
    rows: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    #: How long the computation took, in seconds.
    seconds: so.Mapped[float] = so.mapped_column(default=0.0)

    def __repr__(self) -> str:
        return f"<EffectSnapshot {self.id} {self.computed_at:%Y-%m-%d %H:%M}>"
