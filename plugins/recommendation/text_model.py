"""The text model: which competencies a course's Vietnamese text is about.

TF-IDF (scikit-learn's ``TfidfVectorizer``, words and word pairs, sublinear term frequency)
over the course texts (title, description, tags, module titles of the published version) and
the competency texts (name, description and level criteria in the published framework), all
folded with :func:`lms_core.text.fold` so "Thuế", "thuế" and "thue" are one word. A course is
mapped to a competency by the cosine similarity of the two vectors.

Uses:

- the **cold-start signal** of the ranking: where history says nothing about a course, its
  similarity to the gap's competency stands in for its effect;
- **tag suggestions** for authors: competencies a course is about (similarity at least
  :data:`SUGGEST_MIN`, at most :data:`SUGGEST_PER_COURSE` per course) that its published version
  does not declare, stored as :class:`~plugins.recommendation.models.TagSuggestion` rows.
  Accepting one records the decision only: the core's function that changes a draft's
  competencies (``lms_core.courses.authoring.set_competencies``) is not among the public
  functions a plugin may call, so the author adds the competency in the course editor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.text import fold
from plugins.recommendation import store
from plugins.recommendation.candidates import CourseFacts
from plugins.recommendation.models import TagSuggestion

#: The lowest similarity worth suggesting to an author.
SUGGEST_MIN = 0.15
#: Suggestions per course, at most.
SUGGEST_PER_COURSE = 3
#: Similarities kept in the model (smaller ones count as 0).
KEEP_MIN = 0.01


@dataclass
class TextModel:
    vectorizer: TfidfVectorizer
    competency_codes: list[str]
    competency_matrix: object
    #: ``course code -> {competency code: similarity}`` of the courses seen at training.
    similarities: dict[str, dict[str, float]] = field(default_factory=dict)

    def course_similarities(self, course: CourseFacts) -> dict[str, float]:
        known = self.similarities.get(course.code)
        if known is not None:
            return known
        return self._row(course.text)

    def _row(self, text: str) -> dict[str, float]:
        if not self.competency_codes:
            return {}
        sims = cosine_similarity(self.vectorizer.transform([fold(text)]),
                                 self.competency_matrix)[0]
        return {code: float(s) for code, s in zip(self.competency_codes, sims, strict=True)
                if s >= KEEP_MIN}

    def similarity(self, course: CourseFacts, competency_code: str) -> float:
        return self.course_similarities(course).get(competency_code, 0.0)


def fit(courses: Iterable[CourseFacts], competencies: dict[str, str]) -> TextModel:
    """Fit on the course texts and ``competencies`` (``code -> text``)."""
    courses = list(courses)
    codes = sorted(competencies)
    corpus = [fold(c.text) for c in courses] + [fold(competencies[c]) for c in codes]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    try:
        matrix = vectorizer.fit_transform(corpus)
    except ValueError:  # no words at all (an empty catalogue and framework)
        vectorizer.fit(["khong co du lieu"])
        matrix = vectorizer.transform(corpus or [""])[:len(corpus)]
    comp_matrix = matrix[len(courses):]
    model = TextModel(vectorizer, codes, comp_matrix)
    if courses and codes:
        sims = cosine_similarity(matrix[:len(courses)], comp_matrix)
        for course, row in zip(courses, sims, strict=True):
            model.similarities[course.code] = {code: float(s) for code, s
                                               in zip(codes, row, strict=True) if s >= KEEP_MIN}
    return model


def suggest(model: TextModel, courses: Iterable[CourseFacts], *, minimum: float = SUGGEST_MIN,
            per_course: int = SUGGEST_PER_COURSE) -> list[tuple[str, str, float]]:
    """``(course code, competency code, score)`` of the competencies the courses seem to
    develop but do not declare, best first per course."""
    out = []
    for course in courses:
        sims = model.course_similarities(course)
        best = sorted(((s, code) for code, s in sims.items()
                       if s >= minimum and code not in course.competencies), reverse=True)
        out += [(course.code, code, round(s, 4)) for s, code in best[:per_course]]
    return out


# -- the database ---------------------------------------------------------------------------------
def competency_texts() -> dict[str, str]:
    """``code -> Vietnamese text`` of the competencies of the published framework."""
    from plugins.competency import frameworks

    out = {}
    for code, node in frameworks.competency_index().items():
        criteria = " ".join(c.criteria_vi for c in node.criteria)
        out[code] = " ".join(p for p in (node.name_vi, node.description_vi, criteria) if p)
    return out


def train(courses: dict[str, CourseFacts] | None = None):
    """Fit on the catalogue and the framework, store the model, refresh the suggestions.
    Returns the :class:`~plugins.recommendation.models.TrainedModel` row. Flushes."""
    from plugins.recommendation.candidates import published_courses

    if courses is None:
        courses = {code: facts for code, (facts, _v) in published_courses().items()}
    texts = competency_texts()
    model = fit(courses.values(), texts)
    made = refresh_suggestions(model, courses.values())
    return store.save("text", model, n_samples=len(courses) + len(texts),
                      metrics={"courses": len(courses), "competencies": len(texts),
                               "suggestions": made})


def load() -> TextModel | None:
    found = store.load("text")
    return found[0] if found else None


def refresh_suggestions(model: TextModel, courses: Iterable[CourseFacts]) -> int:
    """Write the model's suggestions: new pairs are added as ``suggested``, the scores of
    pending ones updated, pending ones no longer suggested removed; accepted and rejected
    ones are kept as decided. Returns the number of pending suggestions."""
    wanted = {(c, k): s for c, k, s in suggest(model, courses)}
    existing = {(s.course_code, s.competency_code): s
                for s in db.session.scalars(sa.select(TagSuggestion))}
    for key, row in existing.items():
        if row.status == "suggested":
            if key in wanted:
                row.score = wanted[key]
            else:
                db.session.delete(row)
    for (course, code), score in wanted.items():
        if (course, code) not in existing:
            db.session.add(TagSuggestion(course_code=course, competency_code=code, score=score))
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.count()).select_from(TagSuggestion).where(
        TagSuggestion.status == "suggested"))


def pending_suggestions() -> list[TagSuggestion]:
    return list(db.session.scalars(sa.select(TagSuggestion).where(
        TagSuggestion.status == "suggested").order_by(TagSuggestion.course_code,
                                                      TagSuggestion.score.desc())))


def decided_suggestions(limit: int = 50) -> list[TagSuggestion]:
    return list(db.session.scalars(sa.select(TagSuggestion).where(
        TagSuggestion.status != "suggested").order_by(TagSuggestion.decided_at.desc())
        .limit(limit)))


def decide(suggestion: TagSuggestion, status: str, actor) -> None:
    """Accept or reject a pending suggestion (recorded with who and when). Raises
    :class:`UserError`, changing nothing, when it is already decided or ``status`` is not
    ``accepted`` or ``rejected``."""
    if status not in ("accepted", "rejected"):
        raise UserError(_("Choose accept or reject."))
    if suggestion.status != "suggested":
        raise UserError(_("This suggestion has already been decided."))
    suggestion.status = status
    suggestion.decided_at = utcnow()
    suggestion.decided_by_id = actor.id
    db.session.flush()
