"""Recommendations for one officer, from the database: candidates, models, ranking, reasons,
and the fallbacks (no position, no gaps, no trained model), each of which the result says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.recommendation import candidates as C
from plugins.recommendation import effect_model, ranking, store, text_model

K_DEFAULT = 10
K_MAX = 50


@dataclass
class Result:
    user: object
    k: int
    items: list[ranking.Recommendation] = field(default_factory=list)
    #: ``ok``, ``no_position``, ``no_gaps`` or ``no_candidates``.
    status: str = "ok"
    #: Popular courses offered instead (no position, no gaps, nothing fits).
    popular: list[C.CourseFacts] = field(default_factory=list)
    #: What the officer should know about how the list was made.
    notes: list[str] = field(default_factory=list)
    effect_version: int | None = None
    text_version: int | None = None

    def as_dict(self) -> dict:
        return {"officer": self.user.code, "k": self.k, "status": self.status,
                "recommendations": [r.as_dict() for r in self.items],
                "popular": [{"course": c.code, "title": c.title} for c in self.popular],
                "notes": self.notes,
                "models": {"effect": self.effect_version, "text": self.text_version}}


def check_k(value) -> int:
    """``k`` as an integer from 1 to :data:`K_MAX`; :class:`UserError` otherwise."""
    try:
        k = int(value)
    except (TypeError, ValueError):
        raise UserError(_("k must be a whole number from 1 to %(max)d.", max=K_MAX)) from None
    if not 1 <= k <= K_MAX:
        raise UserError(_("k must be a whole number from 1 to %(max)d.", max=K_MAX))
    return k


def popular_courses(position, k: int, exclude: set[str]) -> list[C.CourseFacts]:
    """The published courses most often taken, those targeting ``position`` first."""
    from lms_core.courses.models import Enrolment  # READ ONLY: no public count exists

    counts = dict(db.session.execute(sa.select(Enrolment.course_id, sa.func.count())
                                     .group_by(Enrolment.course_id)).all())
    targeted = set()
    if position is not None:
        targeted = {v.course.code for v in catalogue.search_courses(
            position=position.code, per_page=1_000_000).versions}
    everything = catalogue.search_courses(per_page=1_000_000).versions
    ordered = sorted(everything, key=lambda v: (v.course.code not in targeted,
                                                -counts.get(v.course_id, 0), v.course.code))
    return [C.CourseFacts(v.course.code, v.title_vi, title_en=v.title_en)
            for v in ordered if v.course.code not in exclude][:k]


def due_dates(user) -> dict[str, date]:
    """``competency code -> the soonest due date`` of the officer's pending rating requests."""
    from plugins.competency.models import RatingRequest

    out: dict[str, date] = {}
    for req in db.session.scalars(sa.select(RatingRequest).where(
            RatingRequest.user_id == user.id, RatingRequest.done_at.is_(None))):
        for code in req.competency_codes or []:
            if code not in out or req.due_on < out[code]:
                out[code] = req.due_on
    return out


def competency_names() -> dict[str, str]:
    from lms_core.ui.i18n import localized
    from plugins.competency import frameworks

    return {code: localized(node) for code, node in frameworks.competency_index().items()}


def recommend_for(user, k=K_DEFAULT) -> Result:
    """The top ``k`` courses for ``user`` with reasons (see ``ranking.py``)."""
    k = check_k(k)
    result = Result(user, k)
    position = catalogue.current_position(user)
    courses = C.published_courses()
    taken = C.taken_codes(user, [v.course_id for _f, v in courses.values()])
    if position is None:
        result.status = "no_position"
        result.notes.append(_("You hold no job position, so there are no competency gaps to "
                              "close: here are the most followed courses."))
        result.popular = popular_courses(None, k, taken)
        return result
    gaps = C.officer_gaps(user)
    if not any(g.size > 0 for g in gaps):
        result.status = "no_gaps"
        result.notes.append(_("You have no competency gaps against your position: here are "
                              "the courses most followed for your position."))
        result.popular = popular_courses(position, k, taken)
        return result
    found = C.for_officer(user, courses, gaps)
    if not found:
        result.status = "no_candidates"
        result.notes.append(_("No course in the catalogue fits your gaps yet: here are the "
                              "courses most followed for your position."))
        result.popular = popular_courses(position, k, taken)
        return result

    text = store.load("text")
    effect = store.load("effect")
    result.text_version = text[1].version if text else None
    result.effect_version = effect[1].version if effect else None
    text_obj: text_model.TextModel | None = text[0] if text else None
    effect_obj: effect_model.EffectModel | None = effect[0] if effect else None
    if effect_obj is None:
        result.notes.append(_("No trained effect model yet: courses are ranked by the "
                              "competencies they declare."))
    elif not effect_obj.trained:
        result.notes.append(_("Too little history to learn course effects yet: courses are "
                              "ranked by the competencies they declare."))

    def sim(course, comp):
        return text_obj.similarity(course, comp) if text_obj is not None else 0.0

    due = due_dates(user)
    today = catalogue.local_today()
    result.items = ranking.rank(found, k, position=position.code, effect=effect_obj,
                                text_sim=sim, due=due, today=today)
    names = competency_names()
    for rec in result.items:
        rec.reasons = ranking.explain(rec, names, due=due)
    return result


def train_all() -> dict:
    """Retrain the text and effect models and store them. Flushes. Returns a summary."""
    text_row = text_model.train()
    text_obj, _row = store.load("text")
    effect_row = effect_model.train(text_obj)
    return {"text": {"version": text_row.version, "n": text_row.n_samples,
                     **text_row.metrics},
            "effect": {"version": effect_row.version, "n": effect_row.n_samples,
                       **effect_row.metrics}}


def retrain_job() -> None:
    """The daily job: retrain both models and commit."""
    train_all()
    db.session.commit()
