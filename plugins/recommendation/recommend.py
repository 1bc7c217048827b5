"""Recommendations for one officer, or for many in a batch, from the database: candidates,
models, ranking, reasons, and the fallbacks (no position, no gaps, no trained model, a stored
model that no longer loads), each of which the result says.

What every officer's list shares (the catalogue, the models, the competency names, the
courses' popularity) is read once into a :class:`Context`; :func:`recommend_for` makes one
for a single officer, :func:`recommend_many` shares one across a batch. Per officer: the
current position, the gap rows, the enrolments and the pending rating requests (four
queries), then the ranking in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation import queries as org
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


# -- what a batch shares --------------------------------------------------------------------------
@dataclass
class Context:
    """The catalogue, the stored models and the names, read once for many officers."""

    #: The published courses (:class:`candidates.Catalogue`).
    catalogue: C.Catalogue
    text: text_model.TextModel | None
    effect: effect_model.EffectModel | None
    text_version: int | None
    effect_version: int | None
    #: ``none`` (never trained), ``unloadable`` (stored by an incompatible version),
    #: ``untrained`` (too little history) or ``trained``.
    effect_state: str
    names: dict[str, str]
    today: date
    _popularity: dict[int, int] | None = None
    _targeted: dict[str, set[str]] = field(default_factory=dict)
    _positions: dict[int, object] | None = None

    def position(self, position_id: int):
        """The job position with this id (all positions read once)."""
        if self._positions is None:
            self._positions = {p.id: p for p in org.positions(active_only=False)}
        return self._positions.get(position_id)

    @property
    def facts(self) -> dict[str, C.CourseFacts]:
        """``code -> CourseFacts`` of the published courses."""
        return self.catalogue.facts

    @property
    def codes_by_id(self) -> dict[int, str]:
        return self.catalogue.codes_by_id

    def similarity(self, course: C.CourseFacts, competency_code: str) -> float:
        return self.text.similarity(course, competency_code) if self.text is not None else 0.0

    def popularity(self) -> dict[int, int]:
        """``course id -> enrolments``, counted once."""
        if self._popularity is None:
            self._popularity = catalogue.enrolment_counts()
        return self._popularity

    def targeted(self, position) -> set[str]:
        """Codes of the published courses meant for ``position`` (its code)."""
        if position is None:
            return set()
        if position.code not in self._targeted:
            self._targeted[position.code] = {v.course.code for v in catalogue.search_courses(
                position=position.code, per_page=1_000_000).versions}
        return self._targeted[position.code]


def _effect_state() -> tuple[effect_model.EffectModel | None, int | None, str]:
    found = store.load("effect")
    if found is not None:
        obj, row = found
        return obj, row.version, "trained" if obj.trained else "untrained"
    if store.latest_row("effect") is not None:
        return None, None, "unloadable"
    return None, None, "none"


def cached_catalogue() -> C.Catalogue:
    """The catalogue snapshot, kept per app and read again only when a course was published
    or archived since (:func:`catalogue.published_state`, one aggregate query): building it
    costs about half a second at 1,000 courses, checking it a millisecond."""
    from flask import current_app

    key = catalogue.published_state()
    cached = current_app.extensions.get("recommendation_catalogue")
    if cached is None or cached[0] != key:
        cached = (key, C.catalogue_snapshot())
        current_app.extensions["recommendation_catalogue"] = cached
    return cached[1]


def context(*, today: date | None = None, fresh: bool = False) -> Context:
    """Read what every officer's recommendations share (see :class:`Context`); ``fresh``
    reads the catalogue again rather than from the app's snapshot."""
    text = store.load("text")
    effect, effect_version, state = _effect_state()
    return Context(C.catalogue_snapshot() if fresh else cached_catalogue(),
                   text[0] if text else None, effect,
                   text[1].version if text else None, effect_version, state,
                   competency_names(), today or catalogue.local_today())


# -- reading the platform -------------------------------------------------------------------------
def popular_courses(position, k: int, exclude: set[str], ctx: Context | None = None
                    ) -> list[C.CourseFacts]:
    """The published courses most often taken, those targeting ``position`` first."""
    ctx = ctx or context()
    counts = ctx.popularity()
    targeted = ctx.targeted(position)
    ids = ctx.catalogue.ids
    ordered = sorted(ctx.facts.values(), key=lambda f: (
        f.code not in targeted, -counts.get(ids[f.code], 0), f.code))
    return [f for f in ordered if f.code not in exclude][:k]


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


def model_notes(ctx: Context) -> list[str]:
    """What the officer should know about the effect model behind the ranking."""
    if ctx.effect_state == "none":
        return [_("No trained effect model yet: courses are ranked by the competencies they "
                  "declare.")]
    if ctx.effect_state == "unloadable":
        return [_("The stored effect model was made by an incompatible version and is not "
                  "used: courses are ranked by the competencies they declare until it is "
                  "retrained (every night, or with lms recommend train).")]
    if ctx.effect_state == "untrained":
        return [_("Too little history to learn course effects yet: courses are ranked by "
                  "the competencies they declare.")]
    return []


# -- recommending ---------------------------------------------------------------------------------
def recommend_for(user, k=K_DEFAULT, ctx: Context | None = None) -> Result:
    """The top ``k`` courses for ``user`` with reasons (see ``ranking.py``). Raises
    :class:`UserError` when ``k`` is not a whole number from 1 to :data:`K_MAX`."""
    k = check_k(k)
    ctx = ctx or context()
    result = Result(user, k, text_version=ctx.text_version,
                    effect_version=ctx.effect_version)
    gaps, position_id = C.officer_gaps_and_position(user)
    # The gap rows name the position (one query less per officer in a batch).
    position = ctx.position(position_id) if position_id is not None \
        else catalogue.current_position(user)
    mine = C.enrolled(user, ctx.codes_by_id)
    if position is None:
        result.status = "no_position"
        result.notes.append(_("You hold no job position, so there are no competency gaps to "
                              "close: here are the most followed courses."))
        result.popular = popular_courses(None, k, mine.taken, ctx)
        return result
    if not any(g.size > 0 for g in gaps):
        result.status = "no_gaps"
        result.notes.append(_("You have no competency gaps against your position: here are "
                              "the courses most followed for your position."))
        result.popular = popular_courses(position, k, mine.taken, ctx)
        return result
    found = C.for_officer(user, ctx.facts, gaps, mine=mine)
    if not found:
        result.status = "no_candidates"
        result.notes.append(_("No course in the catalogue fits your gaps yet: here are the "
                              "courses most followed for your position."))
        result.popular = popular_courses(position, k, mine.taken, ctx)
        return result
    result.notes += model_notes(ctx)
    due = due_dates(user)
    result.items = ranking.rank(found, k, position=position.code, effect=ctx.effect,
                                text_sim=ctx.similarity, due=due, today=ctx.today)
    for rec in result.items:
        rec.reasons = ranking.explain(rec, ctx.names, due=due)
    return result


def recommend_many(users: Iterable, k=K_DEFAULT, ctx: Context | None = None
                   ) -> Iterator[Result]:
    """:func:`recommend_for` of each of ``users``, sharing one :class:`Context` (a batch:
    the catalogue and the models are read once)."""
    k = check_k(k)
    ctx = ctx or context()
    for user in users:
        yield recommend_for(user, k, ctx)


# -- training -------------------------------------------------------------------------------------
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
