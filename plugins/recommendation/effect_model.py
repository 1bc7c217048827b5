"""The effect model: the probability that a course raises an officer's assessed level in a
competency, learned from history.

**History.** Every completion of a course declaring a competency, with the officer's level
before (*pre*) and the level measured after (*post*), exactly as the competency plugin's
effect report computes them (:func:`plugins.competency.effect.compute`: pre from evidence
before the completion, post from an assessment, import or supervisor rating within the window
after it). Completions without both measures, or with *pre* already at the top, are left out.
The label is ``post > pre`` ("rose at least one level").

**Features** of (officer, course, competency): the gap (required − achieved), the achieved
level, the declared level and its distance to the achieved level, the text similarity of the
course to the competency, the position, and the identity of the course and of the
(course, competency) pair, so that a course proven by its takers is told apart from a course
that only claims the competency. Classifier: scikit-learn ``LogisticRegression`` over a
``DictVectorizer``.

**Cold start.** Where the pair (course, competency) has fewer than :data:`MIN_HISTORY`
observations, or no model could be trained (fewer than :data:`MIN_SAMPLES` observations, or
only one outcome), the expected effect is the tag/text signal instead
(:func:`prior`) and the prediction says so (``cold_start``).

The model also keeps, per (course, competency) and per (position, course, competency), how
many officers were observed and how many rose: the figures of the reasons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from plugins.recommendation import store

#: Fewest observations of a (course, competency) pair for its learned effect to be used.
MIN_HISTORY = 5
#: Fewest observations (and both outcomes) to train a classifier at all.
MIN_SAMPLES = 20


@dataclass(frozen=True)
class Event:
    """One completion of a course, for one declared competency, with pre and post levels."""

    user_id: int
    position: str | None
    course_code: str
    competency_code: str
    declared_level: int
    required_level: int
    pre: int
    post: int | None
    completed_on: date
    #: The day the post level was observed.
    post_on: date | None = None

    @property
    def rose(self) -> bool:
        return self.post is not None and self.post > self.pre


def features(*, gap: int, achieved: int, declared: int, text_sim: float,
             course_code: str, competency_code: str, position: str | None) -> dict:
    out = {"gap": float(gap), "achieved": float(achieved), "declared": float(declared),
           "over": float(declared - achieved), "text_sim": float(text_sim),
           f"course={course_code}": 1.0, f"pair={course_code}|{competency_code}": 1.0,
           f"competency={competency_code}": 1.0}
    if position:
        out[f"position={position}"] = 1.0
    return out


def prior(*, declared: bool, text_sim: float, fit: float) -> float:
    """The cold-start expected effect: 0.3 for a declared competency at a fitting level plus
    up to 0.2 for text similarity; text similarity alone, halved, otherwise."""
    if declared:
        return 0.3 * fit + 0.2 * min(1.0, text_sim)
    return 0.5 * min(1.0, text_sim)


@dataclass
class Prediction:
    p: float
    cold_start: bool
    #: Observations behind the figure shown in the reason (same position when enough).
    n: int = 0
    rose: int = 0
    same_position: bool = False


@dataclass
class EffectModel:
    pipeline: Pipeline | None
    #: ``(course, competency) -> [n, rose]``.
    pairs: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    #: ``(position, course, competency) -> [n, rose]``.
    by_position: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    n_samples: int = 0
    reason: str = ""

    @property
    def trained(self) -> bool:
        return self.pipeline is not None

    def predict(self, rows: list[dict], keys: list[tuple[str | None, str, str]],
                priors: list[float], min_history: int = MIN_HISTORY) -> list[Prediction]:
        """One :class:`Prediction` per row: ``rows`` from :func:`features`, ``keys``
        ``(position, course, competency)``, ``priors`` the cold-start signals."""
        probs = (self.pipeline.predict_proba(rows)[:, 1] if self.trained and rows
                 else [None] * len(rows))
        out = []
        for p, (position, course, comp), fallback in zip(probs, keys, priors, strict=True):
            n, rose = self.pairs.get((course, comp), (0, 0))
            pn, prose = self.by_position.get((position, course, comp), (0, 0))
            same = pn >= min_history
            shown_n, shown_rose = (pn, prose) if same else (n, rose)
            if p is None or n < min_history:
                out.append(Prediction(fallback, True, shown_n, shown_rose, same))
            else:
                out.append(Prediction(float(p), False, shown_n, shown_rose, same))
        return out


def usable(events: Iterable[Event], top: int = 3) -> list[Event]:
    """The events with both measures and room to rise."""
    return [e for e in events if e.post is not None and e.pre < top]


def fit(events: Iterable[Event], text_sim=lambda course, comp: 0.0, *, top: int = 3,
        seed: int = 0) -> EffectModel:
    """Train on ``events``; ``text_sim(course code, competency code)`` gives the text feature."""
    events = usable(events, top)
    pairs: dict = defaultdict(lambda: [0, 0])
    by_position: dict = defaultdict(lambda: [0, 0])
    for e in events:
        pairs[(e.course_code, e.competency_code)][0] += 1
        pairs[(e.course_code, e.competency_code)][1] += e.rose
        by_position[(e.position, e.course_code, e.competency_code)][0] += 1
        by_position[(e.position, e.course_code, e.competency_code)][1] += e.rose
    model = EffectModel(None, dict(pairs), dict(by_position), len(events))
    labels = [int(e.rose) for e in events]
    if len(events) < MIN_SAMPLES:
        model.reason = "too_few"
        return model
    if len(set(labels)) < 2:
        model.reason = "one_outcome"
        return model
    rows = [features(gap=max(0, e.required_level - e.pre), achieved=e.pre,
                     declared=e.declared_level, text_sim=text_sim(e.course_code,
                                                                  e.competency_code),
                     course_code=e.course_code, competency_code=e.competency_code,
                     position=e.position) for e in events]
    pipeline = Pipeline([("vec", DictVectorizer()),
                         ("clf", LogisticRegression(C=1.0, max_iter=1000,
                                                    random_state=seed))])
    pipeline.fit(rows, labels)
    model.pipeline = pipeline
    return model


# -- the database ---------------------------------------------------------------------------------
def history() -> list[Event]:
    """The events of the platform, from the competency plugin's effect computation."""
    from plugins.competency import effect, gaps

    report = effect.compute()
    position_ids = {o.position_id for o in report.officers if o.position_id}
    codes = _position_codes(position_ids)
    reqs = gaps.requirements_by_position(position_ids) if position_ids else {}
    required = {(pid, code): level for pid, rows in reqs.items() for code, level, _w in rows}
    out = []
    for o in report.officers:
        if o.pre is None:
            continue
        out.append(Event(o.user_id, codes.get(o.position_id), o.course_code,
                         o.competency_code, o.declared_level,
                         required.get((o.position_id, o.competency_code), top_or(o)),
                         o.pre.level, o.post.level if o.post else None, o.completed_on,
                         o.post.observed_on if o.post else None))
    return out


def top_or(o) -> int:
    return max(o.declared_level, o.pre.level + 1 if o.pre else 1)


def _position_codes(ids: set[int]) -> dict[int, str]:
    from plugins.competency import profiles

    return {p.id: p.code for p in profiles.all_positions(active_only=False) if p.id in ids}


def train(text=None):
    """Fit on the platform's history, store the model; returns its row. Flushes."""
    from plugins.competency import frameworks

    top = frameworks.scale_max()
    events = history()
    sims = _text_sim_function(text)
    model = fit(events, sims, top=top)
    rose = sum(e.rose for e in usable(events, top))
    return store.save("effect", model, n_samples=model.n_samples,
                      metrics={"events": len(events), "rose": rose,
                               "trained": model.trained, "cold_start_reason": model.reason})


def _text_sim_function(text):
    from plugins.recommendation.candidates import published_courses

    if text is None:
        return lambda course, comp: 0.0
    facts = {code: f for code, (f, _v) in published_courses().items()}

    def sim(course, comp):
        f = facts.get(course)
        return text.similarity(f, comp) if f is not None else 0.0

    return sim


def load() -> EffectModel | None:
    found = store.load("effect")
    return found[0] if found else None
