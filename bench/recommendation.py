#!/usr/bin/env python3
"""Benchmark the recommender at full scale: training the models on 20,000 officers and 1,000
courses, the latency of one officer's recommendations, and a batch over every officer.

    .venv/bin/python bench/recommendation.py                        # 20,000 officers, 1,000 courses
    .venv/bin/python bench/recommendation.py --officers 500 --courses 100 --sample 20 --batch 200
    .venv/bin/python bench/recommendation.py --keep /tmp/reco-bench   # keep the database, or
                                                                      # reuse it: timings only

Builds a fresh SQLite database in a temporary folder (`lms db upgrade`, `lms demo load
--officers N`: the organisation, the competency framework, position profiles, evidence and
gaps, and the shipped courses), then adds in bulk:

- ``--courses`` published courses, each declaring one to three competencies of the framework
  (those the positions require most often) at levels 1-3, 1 to 8 hours long, one in twenty
  with a prerequisite, and a planted effect: 40% are "proven" (an officer with the gap rises
  a level in 60% of cases), the others only "claim" the competency (8%);
- a history: each officer whose position has requirements completed 0 to 3 of those courses
  between March and September 2023, each for a required competency at a fitting level, with
  an imported assessment result before (January 2023, one level below the course) and one 90
  days after the completion (a level higher when the planted draw says so); then the levels
  and gaps are recomputed.

It then measures, in-process (no web server):

- **training**: ``text_model.train()`` (TF-IDF over the courses and competencies, and the
  tag suggestions written) and ``effect_model.train()`` (the history read from the competency
  plugin's effect computation, then the logistic regression);
- **latency of one officer**: ``recommend_for(officer, 10)`` for ``--sample`` random officers
  with a position, each with its own context (as a page or an API request does: the models
  and the app's catalogue snapshot, checked against the catalogue), then with one shared
  context: median and 95th percentile; and the context with the catalogue read afresh (what
  the first request after a publication pays);
- **batch**: ``recommend_many`` over every officer with a current assignment (or the first
  ``--batch``), one shared context: total time and officers per second.

Setting up is the longest part (the demo load: about half an hour at 20,000 officers on a
busy machine); `--keep` keeps the database for further runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Share of the courses with a planted, real effect, and the effects.
PROVEN_SHARE, PROVEN_EFFECT, CLAIM_EFFECT = 0.4, 0.6, 0.08
HISTORY_START, HISTORY_END = date(2023, 3, 1), date(2023, 9, 30)
PRE_DAY = date(2023, 1, 15)
POST_DELAY = timedelta(days=90)


def report(name: str, samples: list[float], unit: str = "ms") -> None:
    samples = sorted(samples)
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    print(f"{name:<34} n={len(samples):<5} median {statistics.median(samples):8.1f} {unit}   "
          f"p95 {p95:8.1f} {unit}")


def setup(args, tmp: str) -> dict:
    """The demo organisation and the shipped courses, with the real command line."""
    lms = Path(sys.executable).with_name("lms")
    env = os.environ | {"LMS_DATABASE_URL": f"sqlite:///{tmp}/lms.db",
                        "LMS_INSTANCE_PATH": tmp, "LMS_CONFIG": "development",
                        "LMS_LOG_LEVEL": "WARNING"}
    os.environ.update(env)
    for command in (["db", "upgrade"],
                    ["demo", "load", "--officers", str(args.officers), "--seed", str(args.seed)]):
        subprocess.run([lms, *command], env=env, check=True,  # noqa: S603
                       capture_output=True, text=True)
    return env


def add_courses(n: int, rng: random.Random) -> dict[str, float]:
    """``n`` published courses with competency tags (see the module docstring); returns the
    planted effect of each course code."""
    import sqlalchemy as sa

    from lms_core.courses.models import (
        Course,
        CourseCompetency,
        CoursePrerequisite,
        CourseVersion,
    )
    from lms_core.extensions import db
    from lms_core.text import fold
    from plugins.competency import frameworks, gaps

    index = frameworks.competency_index()
    demand: dict[str, int] = defaultdict(int)
    for rows in gaps.requirements_by_position().values():
        for code, _level, _weight in rows:
            demand[code] += 1
    codes = sorted(c for c in index if demand.get(c)) or sorted(index)
    weights = [demand.get(c, 1) for c in codes]
    course_id = (db.session.scalar(sa.select(sa.func.max(Course.id))) or 0) + 1
    version_id = (db.session.scalar(sa.select(sa.func.max(CourseVersion.id))) or 0) + 1
    now = datetime(2022, 12, 1)
    courses, versions, declared, prerequisites, effects = [], [], [], [], {}
    kinds = ("cơ bản", "nâng cao", "chuyên sâu")
    for i in range(n):
        code = f"BENCH-{i:04d}"
        chosen = []
        while len(chosen) < rng.choices((1, 2, 3), (70, 25, 5))[0]:
            pick = rng.choices(codes, weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        levels = {c: rng.choices((1, 2, 3), (50, 35, 15))[0] for c in chosen}
        main = index[chosen[0]]
        title = f"{main.name_vi} {kinds[levels[chosen[0]] - 1]} ({i + 1})"
        description = " ".join(f"{index[c].name_vi}. {index[c].description_vi or ''}"
                               for c in chosen)
        courses.append({"id": course_id + i, "code": code, "created_at": now,
                        "published_version_id": None})
        versions.append({
            "id": version_id + i, "course_id": course_id + i, "number": 1,
            "status": "published", "title_vi": title, "title_en": f"Course {code}",
            "description_vi": description, "description_en": "",
            "estimated_minutes": rng.choice((60, 90, 120, 180, 240, 360, 480)),
            "search_text": fold(f"{code} {title} {description}"), "created_at": now,
            "published_at": now})
        declared += [{"version_id": version_id + i, "competency_code": c, "level": lv}
                     for c, lv in levels.items()]
        if i > 10 and rng.random() < 0.05:
            prerequisites.append({"version_id": version_id + i,
                                  "required_course_id": course_id + rng.randrange(i)})
        effects[code] = PROVEN_EFFECT if rng.random() < PROVEN_SHARE else CLAIM_EFFECT
    db.session.execute(Course.__table__.insert(), courses)
    db.session.execute(CourseVersion.__table__.insert(), versions)
    db.session.execute(CourseCompetency.__table__.insert(), declared)
    if prerequisites:
        db.session.execute(CoursePrerequisite.__table__.insert(), prerequisites)
    db.session.execute(sa.update(Course).where(Course.id >= course_id).values(
        published_version_id=Course.id - course_id + version_id))
    db.session.commit()
    return effects


def add_history(effects: dict[str, float], rng: random.Random) -> tuple[int, int]:
    """Completions with pre and post results (see the module docstring); returns the numbers
    of completions and of pieces of evidence added. Recomputes the levels and gaps."""
    import sqlalchemy as sa

    from lms_core.courses.models import Course, CourseCompetency, Enrolment
    from lms_core.extensions import db
    from plugins.competency import evidence, frameworks, gaps
    from plugins.competency.models import Evidence

    framework = frameworks.published_framework()
    rows = db.session.execute(
        sa.select(Course.id, Course.code, Course.published_version_id,
                  CourseCompetency.competency_code, CourseCompetency.level)
        .join(CourseCompetency, CourseCompetency.version_id == Course.published_version_id)
        .where(Course.code.like("BENCH-%"))).all()
    by_comp: dict[str, list[tuple]] = defaultdict(list)
    for cid, code, vid, comp, level in rows:
        by_comp[comp].append((cid, code, vid, level))
    reqs = gaps.requirements_by_position()
    enrolments, pieces = [], []
    span = (HISTORY_END - HISTORY_START).days
    for uid, _unit, pid in sorted(gaps.current_assignment_rows()):
        taken: set[int] = set()
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            if not reqs.get(pid):
                break
            comp, required, _w = rng.choice(reqs[pid])
            options = [o for o in by_comp.get(comp, ()) if o[3] <= required and o[0] not in taken]
            if not options:
                continue
            cid, code, vid, level = rng.choice(options)
            taken.add(cid)
            done = HISTORY_START + timedelta(days=rng.randrange(span))
            pre = level - 1
            post = pre + 1 if rng.random() < effects[code] else pre
            at = datetime(done.year, done.month, done.day, 3, 0)
            enrolments.append({"user_id": uid, "course_id": cid, "version_id": vid,
                               "status": "completed", "source": "self", "enrolled_at": at,
                               "completed_at": at})
            for label, level_, day in (("pre", pre, PRE_DAY), ("post", post, done + POST_DELAY)):
                pieces.append({"user_id": uid, "competency_code": comp, "level": level_,
                               "source": "import", "source_ref": f"import:bench:{uid}:{code}:"
                                                                  f"{label}",
                               "observed_on": day, "recorded_at": at, "recorded_by_id": None,
                               "framework_id": framework.id, "statement_id": None,
                               "note": ""})
    for start in range(0, len(enrolments), 5000):
        db.session.execute(Enrolment.__table__.insert(), enrolments[start:start + 5000])
    for start in range(0, len(pieces), 5000):
        db.session.execute(Evidence.__table__.insert(), pieces[start:start + 5000])
    evidence.recompute_all_levels()
    gaps.recompute_all()
    db.session.commit()
    return len(enrolments), len(pieces)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=200,
                        help="officers timed one at a time (default 200)")
    parser.add_argument("--batch", type=int, default=0,
                        help="officers in the batch (default: every officer)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="FOLDER",
                        help="build the database in FOLDER and keep it; when FOLDER holds "
                             "one from an earlier run, reuse it (only the timings run)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        folder = Path(args.keep).resolve() if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        reuse = (folder / "lms.db").exists()
        started = time.perf_counter()
        if reuse:
            os.environ.update({"LMS_DATABASE_URL": f"sqlite:///{folder}/lms.db",
                               "LMS_INSTANCE_PATH": str(folder), "LMS_CONFIG": "development",
                               "LMS_LOG_LEVEL": "WARNING"})
            print(f"reusing the database of {folder}")
        else:
            setup(args, str(folder))
            print(f"demo organisation of {args.officers:,} officers loaded in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)

        import sqlalchemy as sa

        from lms_core import create_app
        from lms_core.courses.models import Course
        from lms_core.extensions import db
        from lms_core.identity import operations as identity_ops
        from lms_core.organisation.models import Assignment
        from plugins.competency import gaps
        from plugins.competency.models import OfficerGap
        from plugins.recommendation import effect_model, recommend, store, text_model

        app = create_app("development", {"WTF_CSRF_ENABLED": False})
        with app.app_context():
            started = time.perf_counter()
            if not reuse:
                effects = add_courses(args.courses, rng)
                completions, pieces = add_history(effects, rng)
                print(f"{completions:,} completions with {pieces:,} results before and after "
                      f"added in {time.perf_counter() - started:.0f} s")
            courses = db.session.scalar(sa.select(sa.func.count()).select_from(Course))
            with_gaps = db.session.scalar(sa.select(sa.func.count(sa.distinct(
                OfficerGap.user_id))).where(OfficerGap.gap > 0))
            print(f"{courses:,} published courses, {with_gaps:,} officers with gaps",
                  flush=True)

            # -- training ----------------------------------------------------------------------
            started = time.perf_counter()
            text_row = text_model.train()
            db.session.commit()
            text_s = time.perf_counter() - started
            started = time.perf_counter()
            text_obj, _row = store.load("text")
            effect_row = effect_model.train(text_obj)
            db.session.commit()
            effect_s = time.perf_counter() - started
            print(f"train text model:   {text_s:7.1f} s  ({text_row.metrics})")
            print(f"train effect model: {effect_s:7.1f} s  (n={effect_row.n_samples:,}, "
                  f"{effect_row.metrics})")
            print(f"train both:         {text_s + effect_s:7.1f} s", flush=True)

            # -- one officer -------------------------------------------------------------------
            officers = sorted(uid for uid, _u, _p in gaps.current_assignment_rows())
            sample = rng.sample(officers, min(args.sample, len(officers)))
            users = identity_ops.users_by_ids(sample)
            store.clear_cache()
            recommend.recommend_for(users[sample[0]], args.k)  # load the models once
            own, shared = [], []
            for uid in sample:
                t0 = time.perf_counter()
                recommend.recommend_for(users[uid], args.k)
                own.append((time.perf_counter() - t0) * 1000)
            ctx = recommend.context()
            statuses: dict[str, int] = defaultdict(int)
            for uid in sample:
                t0 = time.perf_counter()
                statuses[recommend.recommend_for(users[uid], args.k, ctx).status] += 1
                shared.append((time.perf_counter() - t0) * 1000)
            fresh = []
            for _ in range(5):
                t0 = time.perf_counter()
                recommend.context(fresh=True)
                fresh.append((time.perf_counter() - t0) * 1000)
            report("recommend_for, own context", own)
            report("recommend_for, shared context", shared)
            report("context, catalogue read afresh", fresh)
            print(f"  statuses of the sample: {dict(statuses)}", flush=True)

            # -- the batch ---------------------------------------------------------------------
            everyone = sorted(set(db.session.scalars(sa.select(Assignment.user_id).where(
                Assignment.end_on.is_(None)))))[:args.batch or None]
            db.session.expunge_all()
            started = time.perf_counter()
            ctx = recommend.context()
            done = items = 0
            for start in range(0, len(everyone), 1000):
                chunk = identity_ops.users_by_ids(everyone[start:start + 1000])
                for result in recommend.recommend_many(chunk.values(), args.k, ctx):
                    done += 1
                    items += len(result.items)
                db.session.expunge_all()
            total = time.perf_counter() - started
            print(f"batch: {done:,} officers in {total:.1f} s, {done / total:,.0f} officers/s, "
                  f"{items:,} recommendations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
