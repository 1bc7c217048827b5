"""Offline evaluation with a time split.

Given a history (:class:`~plugins.recommendation.synthetic.Dataset`: the platform's, read by
:func:`dataset_from_db`, or the synthetic one) and a split date:

- **train** on what was known before the split: completions before it, and pre/post
  observations whose post level was measured before it; the text model on the catalogue;
- **test** on what happened after: for every officer who completed, after the split, a course
  that then raised the assessed level (post > pre), the **relevant** courses are those;
- each method ranks, for each test officer, from the officer's state at the split (levels
  from the evidence before it; courses completed before it excluded), ``k`` courses;
- **NDCG@k** (binary relevance, ``1/log2(rank+1)``), **recall@k** (share of the relevant
  courses in the top k), averaged over test officers; **coverage**: the share of the
  catalogue recommended to at least one test officer.

Methods: ``learned`` (candidates, effect model, full blend with diversity), ``gap_tag``
(candidates and the same blend without the effect: gap-tag matching only), ``popular``
(the courses most completed before the split, regardless of gaps) and ``random``.
Ties are broken by one seeded shuffle of the catalogue, the same for every method.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from plugins.recommendation import effect_model as E
from plugins.recommendation import ranking
from plugins.recommendation import text_model as T
from plugins.recommendation.candidates import Gap, match
from plugins.recommendation.synthetic import Dataset

METHODS = ("learned", "gap_tag", "popular", "random")


@dataclass
class Scores:
    method: str
    ndcg: float
    recall: float
    coverage: float
    officers: int


def ndcg_at(ranked: list[str], relevant: set[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, code in enumerate(ranked[:k]) if code in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def levels_at(history: list[tuple[date, str, int]], day: date) -> dict[str, int]:
    out: dict[str, int] = {}
    for on, code, level in history:
        if on < day:
            out[code] = level
    return out


def evaluate(data: Dataset, split: date, k: int = 10, seed: int = 0, top: int = 3
             ) -> dict[str, Scores]:
    """The scores of every method in :data:`METHODS` (see the module docstring)."""
    rng = random.Random(seed)
    order = sorted(data.courses)
    rng.shuffle(order)
    position_in_order = {code: i for i, code in enumerate(order)}
    courses = [data.courses[c] for c in order]

    text = T.fit(data.courses.values(), data.competencies)
    train = [e for e in data.events if e.completed_on < split
             and (e.post_on is None or e.post_on < split)]
    train = [e if e.post_on is not None and e.post_on < split else
             E.Event(**{**e.__dict__, "post": None}) for e in train]
    effect = E.fit(train, lambda c, comp: text.similarity(data.courses[c], comp)
                   if c in data.courses else 0.0, top=top, seed=seed)
    popularity = Counter(code for _u, code, on in data.completions if on < split)
    popular_order = sorted(order, key=lambda c: (-popularity[c], position_in_order[c]))

    done_before: dict[int, set[str]] = {}
    for uid, code, on in data.completions:
        if on < split:
            done_before.setdefault(uid, set()).add(code)
    relevant: dict[int, set[str]] = {}
    for e in data.events:
        if e.completed_on >= split and e.rose:
            relevant.setdefault(e.user_id, set()).add(e.course_code)

    lists: dict[str, dict[int, list[str]]] = {m: {} for m in METHODS}
    random_rng = random.Random(seed + 1)
    for uid in sorted(relevant):
        position = data.officers.get(uid)
        known = levels_at(data.levels.get(uid, []), split)
        gaps = [Gap(code, req, known.get(code, 0), weight)
                for code, (req, weight) in data.requirements.get(position, {}).items()]
        excluded = done_before.get(uid, set())
        cands = match(gaps, courses, excluded=excluded)
        cands.sort(key=lambda c: position_in_order[c.course.code])

        def sim(course, comp):
            return text.similarity(course, comp)

        lists["learned"][uid] = [r.course.code for r in ranking.rank(
            cands, k, position=position, effect=effect, text_sim=sim)]
        lists["gap_tag"][uid] = [r.course.code for r in ranking.rank(
            cands, k, position=position, effect=None, text_sim=sim,
            weights=ranking.TAG_ONLY_WEIGHTS)]
        lists["popular"][uid] = [c for c in popular_order if c not in excluded][:k]
        pool = [c for c in order if c not in excluded]
        lists["random"][uid] = random_rng.sample(pool, min(k, len(pool)))

    out = {}
    n = len(relevant)
    for method, by_user in lists.items():
        shown = {c for ranked in by_user.values() for c in ranked}
        out[method] = Scores(
            method,
            sum(ndcg_at(by_user[u], relevant[u], k) for u in by_user) / n if n else 0.0,
            sum(recall_at(by_user[u], relevant[u], k) for u in by_user) / n if n else 0.0,
            len(shown) / len(data.courses) if data.courses else 0.0, n)
    return out


def table(scores: dict[str, Scores], k: int = 10) -> str:
    """The metrics as a plain-text table."""
    lines = [f"{'method':<10} {'NDCG@' + str(k):>9} {'recall@' + str(k):>10} "
             f"{'coverage':>9} {'officers':>9}"]
    for s in scores.values():
        lines.append(f"{s.method:<10} {s.ndcg:>9.3f} {s.recall:>10.3f} {s.coverage:>9.3f} "
                     f"{s.officers:>9d}")
    return "\n".join(lines)


# -- the platform's history ------------------------------------------------------------------------
def dataset_from_db() -> Dataset:
    """The platform's history as a :class:`Dataset` (read only)."""
    import sqlalchemy as sa

    from lms_core.extensions import db
    from plugins.competency import effect, gaps, profiles
    from plugins.competency.models import Evidence
    from plugins.recommendation.candidates import published_courses

    courses = {code: f for code, (f, _v) in published_courses().items()}
    texts = T.competency_texts()
    from plugins.competency import frameworks

    names = {code: node.name_vi for code, node in frameworks.competency_index().items()}
    positions = {p.id: p.code for p in profiles.all_positions(active_only=False)}
    requirements = {positions[pid]: {code: (level, weight) for code, level, weight in rows}
                    for pid, rows in gaps.requirements_by_position().items()
                    if pid in positions}
    officers = {uid: positions.get(pid) for uid, _unit, pid in gaps.current_assignment_rows()}
    events = E.history()
    completions = [(c.user_id, c.course_code, c.completed_on) for c in effect.completions()]
    completions = list(dict.fromkeys(completions))
    levels: dict[int, list] = {}
    for uid, code, level, on in db.session.execute(sa.select(
            Evidence.user_id, Evidence.competency_code, Evidence.level, Evidence.observed_on)
            .order_by(Evidence.observed_on, Evidence.id)):
        levels.setdefault(uid, []).append((on, code, level))
    return Dataset(texts, names, courses, requirements, officers, events, completions, levels)
