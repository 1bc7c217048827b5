"""Saving and loading fitted models (:class:`~plugins.recommendation.models.TrainedModel`).

A model is pickled with joblib into the database, so every application server uses the same
one. It is loaded at first use and kept in memory per app (``app.extensions``), keyed by the
row's id: a newer row (after ``lms recommend train`` or the daily job) replaces it on the next
call, without a restart. A row of another :data:`~plugins.recommendation.models.MODEL_FORMAT`,
or whose pickle does not load (e.g. written by an incompatible scikit-learn), is skipped and
:func:`load` returns None: callers then fall back (and the next training replaces it); it never
crashes a page.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import joblib
import sklearn
import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm as so

from lms_core.extensions import db
from plugins.recommendation.models import MODEL_FORMAT, MODEL_KINDS, TrainedModel

log = logging.getLogger(__name__)


def dumps(obj: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=3)
    return buffer.getvalue()


def loads(blob: bytes) -> Any:
    return joblib.load(io.BytesIO(blob))


def save(kind: str, obj: Any, *, n_samples: int, metrics: dict | None = None) -> TrainedModel:
    """Store ``obj`` as the next version of the ``kind`` model. Flushes, never commits."""
    if kind not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {kind!r}")
    last = db.session.scalar(sa.select(sa.func.max(TrainedModel.version))
                             .where(TrainedModel.kind == kind)) or 0
    row = TrainedModel(kind=kind, version=last + 1, format=MODEL_FORMAT,
                       sklearn_version=sklearn.__version__, n_samples=int(n_samples),
                       metrics=metrics or {}, blob=dumps(obj))
    db.session.add(row)
    db.session.flush()
    _cache()[kind] = (row.id, obj)
    return row


def latest_row(kind: str) -> TrainedModel | None:
    """The newest stored ``kind`` model of the current format, whatever its loadability."""
    return db.session.scalar(sa.select(TrainedModel).where(
        TrainedModel.kind == kind, TrainedModel.format == MODEL_FORMAT)
        .order_by(TrainedModel.version.desc()).limit(1))


def _cache() -> dict:
    return current_app.extensions.setdefault("recommendation_models", {})


def load(kind: str) -> tuple[Any, TrainedModel] | None:
    """``(object, row)`` of the newest usable ``kind`` model, or None when there is none."""
    newest_id = db.session.scalar(sa.select(TrainedModel.id).where(
        TrainedModel.kind == kind, TrainedModel.format == MODEL_FORMAT)
        .order_by(TrainedModel.version.desc()).limit(1))
    if newest_id is None:
        return None
    # The row without its blob (megabytes): the blob is read only when not cached.
    row = db.session.get(TrainedModel, newest_id, options=[so.defer(TrainedModel.blob)])
    cached = _cache().get(kind)
    if cached is not None and cached[0] == newest_id:
        return cached[1], row
    try:
        obj = loads(db.session.scalar(sa.select(TrainedModel.blob).where(
            TrainedModel.id == newest_id)))
    except Exception:  # an incompatible pickle: fall back, retrain later, never crash
        log.warning("recommendation: the %s model v%s does not load; ignored", kind,
                    row.version, exc_info=True)
        return None
    _cache()[kind] = (row.id, obj)
    return obj, row


def clear_cache() -> None:
    _cache().clear()
