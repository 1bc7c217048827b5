"""The emulation plugin's tables (all prefixed ``emulation_``).

The campaign is data: a :class:`Campaign` with :class:`Phase` rows, scoring :class:`Period`
rows (years and quarters), and per phase versioned :class:`RuleSet` rows whose
:class:`Criterion` tree (the five emulation contents at the top, on a 100-point scale) names
the measures it reads. Scores (:class:`ScoreLine`, :class:`Score`) are derived: they are
rebuilt from statements, competency results and approved submissions, and an incremental
update gives exactly what a rebuild gives. A frozen period changes only through a
:class:`Correction`. Every change to a score input is in the :class:`AuditEntry` log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db

SUBJECTS = ("user", "unit")
CRITERION_KINDS = ("group", "quantitative", "pass_fail", "occurrence", "bonus", "penalty")
SUBMISSION_KINDS = ("initiative", "certificate", "learning_model")
SUBMISSION_STATUSES = ("pending", "approved", "rejected", "withdrawn")


class Campaign(db.Model):
    __tablename__ = "emulation_campaigns"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    start: so.Mapped[date]
    end: so.Mapped[date]  #: inclusive

    phases: so.Mapped[list[Phase]] = so.relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Phase.number")


class Phase(db.Model):
    __tablename__ = "emulation_phases"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    campaign_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_campaigns.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    start: so.Mapped[date]
    end: so.Mapped[date]  #: inclusive
    #: ``preliminary`` (sơ kết) or ``final`` (tổng kết): the review that closes the phase.
    review: so.Mapped[str] = so.mapped_column(sa.String(12))

    campaign: so.Mapped[Campaign] = so.relationship(back_populates="phases")


class Period(db.Model):
    """A scoring period: a year or a quarter of the campaign."""

    __tablename__ = "emulation_periods"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "kind", "start"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    campaign_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_campaigns.id", ondelete="CASCADE"))
    phase_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("emulation_phases.id"))
    #: ``year`` or ``quarter``.
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    start: so.Mapped[date]
    end: so.Mapped[date]  #: inclusive
    label: so.Mapped[str] = so.mapped_column(sa.String(20))  #: ``2025``, ``2025-Q3``
    #: The date the period is closed (its scores frozen) by the scheduled job.
    close_on: so.Mapped[date]
    frozen_at: so.Mapped[datetime | None]


class RuleSet(db.Model):
    """One version of the scoring rules of a phase (also kept as the YAML it came from)."""

    __tablename__ = "emulation_rule_sets"
    __table_args__ = (sa.UniqueConstraint("phase_id", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phase_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("emulation_phases.id"))
    version: so.Mapped[int] = so.mapped_column(default=1)
    #: ``draft``, ``active`` (one per phase) or ``retired``.
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="draft")
    #: Settings of the rule set: shrinkage prior weight, anomaly thresholds, commendation
    #: criteria and quotas (see docs/emulation-rules.md).
    settings: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    source_yaml: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    activated_at: so.Mapped[datetime | None]

    criteria: so.Mapped[list[Criterion]] = so.relationship(
        cascade="all, delete-orphan", order_by="Criterion.sort_order")


class Criterion(db.Model):
    """A node of the criteria tree: a group (the five contents at the top) or an indicator
    that reads a measure."""

    __tablename__ = "emulation_criteria"
    __table_args__ = (sa.UniqueConstraint("rule_set_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    rule_set_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_rule_sets.id", ondelete="CASCADE"), index=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("emulation_criteria.id", ondelete="CASCADE"))
    code: so.Mapped[str] = so.mapped_column(sa.String(40))
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    #: ``user`` or ``unit``: whom the indicator scores (groups: both).
    subject: so.Mapped[str] = so.mapped_column(sa.String(6), default="user")
    #: One of :data:`CRITERION_KINDS`.
    kind: so.Mapped[str] = so.mapped_column(sa.String(12))
    #: Points available (groups: the sum of their children's).
    max_points: so.Mapped[float] = so.mapped_column(default=0.0)
    #: The measure's registry key (``verified_hours``, ``courses_completed``...) and arguments.
    measure: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    params: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    target: so.Mapped[float | None]
    #: Points per occurrence (occurrence, bonus, penalty) or for a pass (pass_fail).
    points: so.Mapped[float | None]
    #: Most points an occurrence/bonus/penalty indicator can give (or take).
    cap: so.Mapped[float | None]
    description_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    sort_order: so.Mapped[int] = so.mapped_column(default=0)


class Cluster(db.Model):
    """An emulation cluster (cụm thi đua) of comparable units, configured by HR."""

    __tablename__ = "emulation_clusters"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    campaign_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_campaigns.id", ondelete="CASCADE"))
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(300))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")


class ClusterUnit(db.Model):
    __tablename__ = "emulation_cluster_units"

    cluster_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_clusters.id", ondelete="CASCADE"), primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), primary_key=True)


class ScoreLine(db.Model):
    """Derived: one indicator's value and points for one subject in one period, with the
    evidence behind it (statement ids, sitting ids, submission ids)."""

    __tablename__ = "emulation_score_lines"

    period_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_periods.id", ondelete="CASCADE"), primary_key=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(6), primary_key=True)
    subject_id: so.Mapped[int] = so.mapped_column(primary_key=True)
    criterion_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_criteria.id", ondelete="CASCADE"), primary_key=True)
    value: so.Mapped[float] = so.mapped_column(default=0.0)
    points: so.Mapped[float] = so.mapped_column(default=0.0)
    #: ``{"statements": [...], "sittings": [...], "submissions": [...]}`` (ids).
    evidence: so.Mapped[dict[str, list[Any]]] = so.mapped_column(sa.JSON, default=dict)


class Score(db.Model):
    """Derived: a subject's total in a period, and for units the fair-ranking figures."""

    __tablename__ = "emulation_scores"
    __table_args__ = (sa.Index("ix_emulation_scores_period_unit", "period_id", "unit_id"),)

    period_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_periods.id", ondelete="CASCADE"), primary_key=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(6), primary_key=True)
    subject_id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: For an officer: the unit held at the end of the period (or of its last assignment in
    #: it); for a unit: the unit itself.
    unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("units.id"))
    total: so.Mapped[float] = so.mapped_column(default=0.0)
    #: Units: officers counted, raw per-capita score, and the score shrunk toward the mean.
    members: so.Mapped[int | None]
    per_capita: so.Mapped[float | None]
    adjusted: so.Mapped[float | None]
    cluster_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("emulation_clusters.id"))
    rank: so.Mapped[int | None]
    computed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class DirtySubject(db.Model):
    """Officers whose scores must be recomputed by the next incremental pass."""

    __tablename__ = "emulation_dirty"

    period_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_periods.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    marked_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Anomaly(db.Model):
    """A burst or anomaly flagged for the unit head instead of counted silently."""

    __tablename__ = "emulation_anomalies"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "day"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: ``hours_over_day``, ``completion_burst``...
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    day: so.Mapped[date]
    details: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    #: ``open``, ``accepted`` (counts after all) or ``excluded`` (does not count).
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open")
    reviewed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Submission(db.Model):
    """Evidence an officer submits: an initiative, an external certificate, a learning model."""

    __tablename__ = "emulation_submissions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The unit whose head decides (the officer's unit when submitted).
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    #: One of :data:`SUBMISSION_KINDS`.
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Kind-specific details: certificate name/level/issuer, initiative's scope of recognition.
    details: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    occurred_on: so.Mapped[date]
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending")
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    files: so.Mapped[list[SubmissionFile]] = so.relationship(cascade="all, delete-orphan")


class SubmissionFile(db.Model):
    __tablename__ = "emulation_submission_files"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("emulation_submissions.id", ondelete="CASCADE"), index=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int]
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: Key in the configured media store (shared by every app server).
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(300))


class AnnualRating(db.Model):
    """An officer's annual rating (đánh giá, xếp loại), imported from HR: commendation
    prerequisites read it."""

    __tablename__ = "emulation_annual_ratings"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    year: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: ``excellent``, ``good``, ``completed``, ``not_completed``.
    rating: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: The 100-point score (from 2026).
    points: so.Mapped[float | None]
    disciplined: so.Mapped[bool] = so.mapped_column(default=False)


class Correction(db.Model):
    """A recorded change to a frozen period's score."""

    __tablename__ = "emulation_corrections"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    period_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("emulation_periods.id"))
    subject: so.Mapped[str] = so.mapped_column(sa.String(6))
    subject_id: so.Mapped[int]
    criterion_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("emulation_criteria.id"))
    delta: so.Mapped[float]
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Proposal(db.Model):
    """A commendation proposal (đề nghị khen thưởng) checked against the configured criteria."""

    __tablename__ = "emulation_proposals"
    __table_args__ = (
        sa.UniqueConstraint("period_id", "unit_id", "title", "subject", "subject_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    period_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("emulation_periods.id"))
    #: The proposing unit.
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    #: ``lao_dong_tien_tien``, ``chien_si_thi_dua_co_so``, ``tap_the_lao_dong_tien_tien``,
    #: ``tap_the_lao_dong_xuat_sac``.
    title: so.Mapped[str] = so.mapped_column(sa.String(40))
    subject: so.Mapped[str] = so.mapped_column(sa.String(6))
    subject_id: so.Mapped[int]
    #: Each configured criterion, met or missed, with the figures.
    checks: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    #: ``draft`` or ``confirmed``.
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="draft")
    confirmed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: so.Mapped[datetime | None]


class AuditEntry(db.Model):
    """Who changed which score input, when, from what to what."""

    __tablename__ = "emulation_audit"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    object_id: so.Mapped[str] = so.mapped_column(sa.String(60))
    before: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)


class Setting(db.Model):
    """Plugin settings HR changes in the browser (e.g. public leaderboards)."""

    __tablename__ = "emulation_settings"

    key: so.Mapped[str] = so.mapped_column(sa.String(60), primary_key=True)
    value: so.Mapped[Any] = so.mapped_column(sa.JSON)
