"""The final ranking: a blend of what matters, diversified across gaps, with reasons.

For each candidate (see ``candidates.py``), with its main gap (the largest weighted gap it
addresses) and the officer's position, the score is

    score = 0.35 × gap + 0.35 × effect + 0.15 × fit + 0.05 × duration + 0.10 × due

- **gap**: the weighted size of the gaps the course addresses, ``Σ size × weight``, divided
  by the officer's largest weighted gap (capped at 1);
- **effect**: the probability that the course raises the level (``effect_model.py``), or the
  cold-start tag/text signal where history is thin (then the result says so);
- **fit**: the level fit of the main gap (1 for one level above the achieved level, halved
  per level beyond; ``candidates.level_fit``);
- **duration**: ``1 / (1 + hours / 8)``: shorter courses first, all else equal;
- **due**: 1 when a supervisor's rating of the competency is due within 90 days (the
  competency plugin's rating requests), falling to 0 at a year.

**Diversity** (maximal marginal relevance): the list is built greedily, each time taking the
course maximising ``0.7 × score − 0.3 × overlap``, ``overlap`` the largest Jaccard similarity
of its covered gaps with those of a course already chosen, so the top ten do not all address
the same gap.

**Reasons** are written in the officer's language (the UI language), e.g. "Bù khoảng cách
năng lực «Phân tích rủi ro», mức 1 → 2" and "64% công chức cùng vị trí học khoá này đã lên
một mức (n=120)"; figures behind fewer than ``effect_model.MIN_HISTORY`` officers are not
shown (the same position's figures when there are enough, else all officers').
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from plugins.recommendation import effect_model as E
from plugins.recommendation.candidates import Candidate, CourseFacts, Gap

WEIGHTS = {"gap": 0.35, "effect": 0.35, "fit": 0.15, "duration": 0.05, "due": 0.10}
#: Gap-tag baseline: the same blend without the effect.
TAG_ONLY_WEIGHTS = {"gap": 0.35, "effect": 0.0, "fit": 0.15, "duration": 0.05, "due": 0.10}
MMR_LAMBDA = 0.7
DUE_SOON_DAYS = 90
DUE_FAR_DAYS = 365


@dataclass
class Recommendation:
    course: CourseFacts
    score: float
    gap: Gap
    level: int
    effect: E.Prediction
    fit: float
    covers: list[str]
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def cold_start(self) -> bool:
        return self.effect.cold_start

    def as_dict(self) -> dict:
        return {"course": self.course.code, "title": self.course.title,
                "score": round(self.score, 4), "competency": self.gap.code,
                "achieved_level": self.gap.achieved, "course_level": self.level,
                "required_level": self.gap.required, "covers": self.covers,
                "expected_effect": round(self.effect.p, 4), "cold_start": self.cold_start,
                "hours": round(self.course.minutes / 60, 1), "reasons": self.reasons}


def due_term(days: int | None) -> float:
    if days is None or days > DUE_FAR_DAYS:
        return 0.0
    if days <= DUE_SOON_DAYS:
        return 1.0
    return (DUE_FAR_DAYS - days) / (DUE_FAR_DAYS - DUE_SOON_DAYS)


def score(candidates: list[Candidate], *, position: str | None,
          effect: E.EffectModel | None,
          text_sim: Callable[[CourseFacts, str], float] = lambda course, comp: 0.0,
          due: dict[str, date] | None = None, today: date | None = None,
          weights: dict[str, float] = WEIGHTS) -> list[Recommendation]:
    """Score every candidate (unordered)."""
    if not candidates:
        return []
    biggest = max(m.gap.size * m.gap.weight for c in candidates for m in c.matches) or 1.0
    rows, keys, priors = [], [], []
    for c in candidates:
        m = c.main
        sim = text_sim(c.course, m.gap.code)
        rows.append(E.features(gap=m.gap.size, achieved=m.gap.achieved, declared=m.level,
                               text_sim=sim, course_code=c.course.code,
                               competency_code=m.gap.code, position=position))
        keys.append((position, c.course.code, m.gap.code))
        priors.append(E.prior(declared=True, text_sim=sim, fit=m.fit))
    if effect is not None and weights.get("effect"):
        predictions = effect.predict(rows, keys, priors)
    else:
        predictions = [E.Prediction(p, True) for p in priors]
    out = []
    for c, prediction in zip(candidates, predictions, strict=True):
        m = c.main
        days = (due[m.gap.code] - today).days if due and m.gap.code in due and today else None
        parts = {
            "gap": min(1.0, sum(x.gap.size * x.gap.weight for x in c.matches) / biggest),
            "effect": prediction.p,
            "fit": m.fit,
            "duration": 1.0 / (1.0 + c.course.minutes / 60 / 8),
            "due": due_term(days),
        }
        total = sum(weights[k] * v for k, v in parts.items())
        out.append(Recommendation(c.course, total, m.gap, m.level, prediction, m.fit,
                                  [x.gap.code for x in c.matches], parts))
    return out


def diversify(items: list[Recommendation], k: int, lam: float = MMR_LAMBDA
              ) -> list[Recommendation]:
    """The ``k`` items chosen by maximal marginal relevance over covered gaps. Each item's
    largest overlap with the chosen ones is updated as items are chosen: ``k × n`` steps,
    not ``k² × n`` (an officer may have a few hundred candidates)."""
    left = sorted(items, key=lambda r: -r.score)
    covers = [set(r.covers) for r in left]
    overlap = [0.0] * len(left)
    alive = list(range(len(left)))
    chosen: list[Recommendation] = []
    while alive and len(chosen) < k:
        # The first of equals: the higher score, as sorted.
        best = max(alive, key=lambda i: lam * left[i].score - (1 - lam) * overlap[i])
        chosen.append(left[best])
        alive.remove(best)
        mine = covers[best]
        for i in alive:
            union = len(covers[i] | mine)
            if union:
                overlap[i] = max(overlap[i], len(covers[i] & mine) / union)
    return chosen


def rank(candidates: list[Candidate], k: int = 10, **kwargs) -> list[Recommendation]:
    """Score and diversify: the top ``k``."""
    return diversify(score(candidates, **kwargs), k)


def explain(rec: Recommendation, names: dict[str, str], *, due: dict[str, date] | None = None
            ) -> list[str]:
    """The reasons of a recommendation, in the current UI language."""
    from flask_babel import gettext as _

    from lms_core.ui.i18n import fmt_date

    name = names.get(rec.gap.code, rec.gap.code)
    out = [_("Closes your gap in «%(name)s», level %(achieved)d → %(level)d",
             name=name, achieved=rec.gap.achieved, level=rec.level)]
    e = rec.effect
    if not e.cold_start and e.n:
        share = round(100 * e.rose / e.n)
        if e.same_position:
            out.append(_("%(share)d%% of officers in your position who took this course rose "
                         "a level (n=%(n)d)", share=share, n=e.n))
        else:
            out.append(_("%(share)d%% of officers who took this course rose a level "
                         "(n=%(n)d)", share=share, n=e.n))
    else:
        out.append(_("Too little history to measure this course's effect yet: recommended "
                     "for the competencies it declares"))
    others = [names.get(c, c) for c in rec.covers[1:]]
    if others:
        out.append(_("Also covers: %(names)s", names=", ".join(f"«{n}»" for n in others)))
    if due and rec.gap.code in due and rec.parts.get("due"):
        out.append(_("A rating of this competency is due on %(date)s",
                     date=fmt_date(due[rec.gap.code])))
    return out
