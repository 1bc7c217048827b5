"""The recommendation plugin's tables (all prefixed ``recommendation_``).

:class:`TrainedModel` keeps every fitted estimator in the database (pickled with joblib), so
every application server loads the same model, at first use, without retraining. A row whose
``format`` differs from :data:`MODEL_FORMAT`, or whose pickle cannot be loaded (another
scikit-learn), is ignored: the model is retrained (see ``store.py``).

:class:`TagSuggestion` is what the text model proposes to course authors: "this course seems
to develop competency X"; the author accepts or rejects it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core.db import utcnow
from lms_core.extensions import db

#: Kinds of trained model.
MODEL_KINDS = ("text", "effect")
#: Bumped when the features or the pickled object change shape: older rows are not loaded.
MODEL_FORMAT = 1
SUGGESTION_STATUSES = ("suggested", "accepted", "rejected")


class TrainedModel(db.Model):
    """One fitted model: its kind, version (1, 2, … per kind), training date, data size,
    metrics and the pickled estimator."""

    __tablename__ = "recommendation_models"
    __table_args__ = (sa.UniqueConstraint("kind", "version"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16), index=True)
    version: so.Mapped[int]
    #: :data:`MODEL_FORMAT` at training time.
    format: so.Mapped[int] = so.mapped_column(default=MODEL_FORMAT)
    #: The scikit-learn version that pickled it.
    sklearn_version: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    trained_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    n_samples: so.Mapped[int] = so.mapped_column(default=0)
    metrics: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    blob: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)

    def __repr__(self) -> str:
        return f"<TrainedModel {self.kind} v{self.version} n={self.n_samples}>"


class TagSuggestion(db.Model):
    """The text model's suggestion that ``course_code`` develops ``competency_code``."""

    __tablename__ = "recommendation_tag_suggestions"
    __table_args__ = (sa.UniqueConstraint("course_code", "competency_code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    course_code: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    competency_code: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: Cosine similarity of the course's text and the competency's text (0–1).
    score: so.Mapped[float]
    #: One of :data:`SUGGESTION_STATUSES`.
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="suggested", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    decided_at: so.Mapped[datetime | None]
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
