#!/usr/bin/env python3
"""Benchmark the emulation scoring at full scale: a full recompute of a year beside a single
SQL aggregate pass over the same statements (the floor), and the incremental update after
1,000 new statements.

    .venv/bin/python bench/emulation.py                    # 20,000 officers, 5,000,000 statements
    .venv/bin/python bench/emulation.py --officers 500 --statements 100000   # smoke run, ~1 min
    .venv/bin/python bench/emulation.py --workdir /var/tmp/eb
        # keeps the generated database in /var/tmp/eb and reuses it on the next run

Builds a fresh SQLite database in a temporary folder (or ``--workdir``): ``lms db upgrade``;
``lms demo load --officers N`` with the competency plugin only (``LMS_PLUGINS=competency``:
the organisation with its 2025 restructuring, positions, the shipped courses, whose tags the
law, digital-skills and professional indicators filter on, the competency framework and its
demo evidence, but not the emulation demo's own history); the campaign, the demo rules and
clusters (``plugins.emulation.demo_rules``).
Then ``--statements`` statements dated in 2025 are written straight into ``xapi_statements``,
distributed like the demo history (``plugins/emulation/demo_history.py``: the same officers'
diligence and pace, units' culture, calendar of seasons, Tết and weekends, the same study
sessions with verified seconds under each lesson's cap, and the same statements:
``experienced``, ``progressed``, ``passed``/``failed``, ``completed``), but dense: officers
study all year, course after course (a course may be taken again; the keenest two at a
time), about 250 statements each at full scale, written in time order as the LRS would have
received them. The LRS's filter index (``xapi_statement_keys``) is not written for them (the
scoring never reads it); the table's secondary indexes are dropped during the load and built
again after it, then ``ANALYZE``. Every period but 2025 is closed, so that the incremental
pass works on that year alone.

Then, on the year 2025:

- **floor**: one SQL aggregate pass over the year's statements: verified seconds summed and
  course completions counted per officer (``--rounds`` times, median);
- **recompute**: ``scoring.recompute_period(2025)`` (every officer and unit, the rankings),
  committed, ``--rounds`` times (the first run on a never-scored year), median, and its ratio
  to the floor;
- **incremental**: 1,000 new ``experienced`` statements of 1,000 officers, stored with
  ``lms_core.xapi.statements.record_many`` and marked as the signal receivers mark them
  (``scoring.mark_dirty(officer, day)``), then ``scoring.incremental_pass()`` committed.

Prints the counts and the table. At full scale the database takes about 15 GB and building it
most of an hour on a busy 2-core machine; ``--workdir`` keeps it for the next run.
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
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025
#: Statements per insert.
BATCH = 5000


def run_lms(lms: Path, env: dict, *args: str) -> str:
    done = subprocess.run([lms, *args], env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"lms {' '.join(args)} failed")
    return done.stdout


def statement_rows(payloads):
    """Rows of ``xapi_statements`` for ``(payload, user id)`` pairs, with the columns
    ``lms_core.xapi.statements.record`` sets."""
    from lms_core.xapi import statements as xs
    from lms_core.xapi import vocabulary as V
    from lms_core.xapi.models import actor_key
    from lms_core.xapi.validation import duration_seconds

    authority = None
    for payload, uid in payloads:
        if authority is None:
            from flask import current_app

            authority = {"objectType": "Agent", "name": current_app.config["LMS_XAPI_PLATFORM"],
                         "account": {"homePage": current_app.config["LMS_XAPI_HOMEPAGE"],
                                     "name": "lms"}}
        payload["authority"] = authority
        res = payload.get("result") or {}
        yield {
            "statement_id": payload["id"], "actor_key": actor_key(payload["actor"]),
            "user_id": uid, "verb_id": payload["verb"]["id"],
            "activity_id": payload["object"]["id"],
            "registration": (payload.get("context") or {}).get("registration"),
            "timestamp": xs._parse_time(payload["timestamp"]),
            "stored": xs._parse_time(payload["stored"]), "voided": False,
            "duration_seconds": duration_seconds(res["duration"], "duration")
            if res.get("duration") else None,
            "verified_seconds": (res.get("extensions") or {}).get(V.EXT_VERIFIED_SECONDS),
            "score_scaled": (res.get("score") or {}).get("scaled"),
            "success": res.get("success"), "completion": res.get("completion"),
            "payload": payload}


#: Statements one "track" of study holds in a year: keen officers study on several tracks
#: (two courses at a time), so that every officer's share fits in the year.
TRACK = 180


def generate(total: int, seed: int):
    """``(payload, user id)`` of ``total`` statements dated in YEAR, like the demo history's
    but dense (see the module), in time order as an LRS receives them."""
    import heapq

    from flask import current_app

    from plugins.emulation import demo_history as H
    from plugins.emulation import sources

    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    officers = H.officers_in(first, last)
    cultures = H.unit_cultures(seed, officers, [YEAR])
    courses = list(H.read_courses().values())
    calendar = H.Calendar(first, last)
    planner = H.Planner(float(current_app.config.get("LMS_STUDY_CAP_FACTOR", 3)), calendar)
    emitter = H.Emitter(sources.offset_minutes(first), datetime(YEAR, 12, 31, 23, 59, 59))
    actors = H.actors_of(officers)
    people = []
    for uid in sorted(officers):
        o = officers[uid]
        rng = random.Random(f"bench-emulation-{seed}-{o.code}")
        weight = rng.lognormvariate(-0.1, 0.55) * cultures[o.unit_id][YEAR]
        people.append((uid, o, weight, rng.uniform(0.95, 1.6)))
    scale = total / sum(p[2] for p in people)

    def track(uid, o, pace, quota, name):
        """One officer's courses one after the other, until ``quota`` statements."""
        rng = random.Random(f"bench-emulation-{seed}-{o.code}-{name}")
        weights = [3.0 if o.position in c.positions else 1.0 for c in courses]
        day = H.next_study_day(rng, first, rng.randint(1, 10))
        count = 0
        while count < quota and day <= last:
            run = planner.run(rng, rng.choices(courses, weights=weights)[0], day, pace=pace,
                              complete=rng.random() < 0.8,
                              registration=str(uuid.UUID(int=rng.getrandbits(128),
                                                          version=4)))
            for statement in emitter.run(rng, actors[uid], run):
                if count >= quota:
                    return
                count += 1
                yield statement["timestamp"], statement, uid
            day = H.next_study_day(rng, run.last, rng.randint(1, 3))

    streams = []
    for uid, o, weight, pace in people:
        quota = max(1, round(weight * scale))
        tracks = -(-quota // TRACK)
        for k in range(tracks):
            share = quota // tracks + (1 if k < quota % tracks else 0)
            streams.append(track(uid, o, pace, share, k))
    made = 0
    for _when, statement, uid in heapq.merge(*streams, key=lambda item: item[0]):
        if made >= total:
            return
        made += 1
        yield statement, uid
    # Rounding or a track that reached the end of the year: the rest from extra tracks.
    extra = 0
    while made < total:
        who, o, _weight, pace = people[extra % len(people)]
        for _when, statement, uid in track(who, o, pace, total - made, f"extra{extra}"):
            made += 1
            yield statement, uid
        extra += 1


def build(args, lms: Path, env: dict) -> None:
    import sqlalchemy as sa

    from lms_core import create_app
    from lms_core.extensions import db
    from lms_core.xapi.models import Statement

    started = time.perf_counter()
    run_lms(lms, env, "db", "upgrade")
    run_lms(lms, env | {"LMS_PLUGINS": "competency"}, "demo", "load", "--officers",
            str(args.officers), "--seed", str(args.seed))
    print(f"organisation, competency demo and courses in {time.perf_counter() - started:.0f} s")
    app = create_app("development")
    with app.app_context():
        from plugins.emulation import demo_rules

        demo_rules.load()
        db.session.commit()
        table = Statement.__table__
        conn = db.session.connection()
        indexes = list(conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
            "'xapi_statements' AND sql IS NOT NULL"))
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        db.session.commit()
        started = time.perf_counter()
        batch, done = [], 0
        for row in statement_rows(generate(args.statements, args.seed)):
            batch.append(row)
            if len(batch) >= BATCH:
                db.session.execute(sa.insert(table), batch)
                db.session.commit()
                done += len(batch)
                batch.clear()
                if done % 500000 == 0:
                    print(f"  {done:,} statements, {time.perf_counter() - started:.0f} s",
                          flush=True)
        if batch:
            db.session.execute(sa.insert(table), batch)
            db.session.commit()
        print(f"{args.statements:,} statements generated in "
              f"{time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        conn = db.session.connection()
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
        conn.exec_driver_sql("ANALYZE")
        db.session.commit()
        print(f"indexes built again and ANALYZE in {time.perf_counter() - started:.0f} s")
        db.session.remove()
        db.engine.dispose()


def median_of(samples: list[float]) -> str:
    return f"{statistics.median(samples):8.2f} s"


def measure(args) -> None:
    import sqlalchemy as sa

    from lms_core import create_app
    from lms_core.db import utcnow
    from lms_core.extensions import db
    from lms_core.xapi import statements as xs
    from lms_core.xapi import vocabulary as V
    from lms_core.xapi.models import Statement
    from plugins.emulation import campaign, scoring, sources
    from plugins.emulation import demo_history as H
    from plugins.emulation.models import Period

    app = create_app("development")
    with app.app_context():
        period = campaign.period_by_label(str(YEAR))
        # Close every other period: the incremental pass then updates YEAR alone.
        db.session.execute(sa.update(Period).where(Period.id != period.id,
                                                   Period.frozen_at.is_(None))
                           .values(frozen_at=utcnow()))
        db.session.commit()
        lo, hi = sources.utc_bounds(period.start, period.end)
        in_year = db.session.scalar(sa.select(sa.func.count()).select_from(Statement).where(
            Statement.timestamp >= lo, Statement.timestamp < hi))
        officers = len(scoring.officers_of(period))
        print(f"{officers:,} officers; {in_year:,} statements dated {YEAR}; SQLite "
              f"{db.engine.url.database}")

        prefix = sources.activity_prefix("course").replace("_", "\\_")
        floor_stmt = (
            sa.select(Statement.user_id,
                      sa.func.sum(sa.case((Statement.verb_id == sources.EXPERIENCED,
                                           Statement.verified_seconds))),
                      sa.func.count(sa.case((sa.and_(
                          Statement.verb_id == sources.COMPLETED,
                          sa.not_(Statement.activity_id.like(prefix + "%/%", escape="\\"))),
                          1))))
            .where(Statement.timestamp >= lo, Statement.timestamp < hi,
                   Statement.voided.is_(False), Statement.user_id.is_not(None))
            .group_by(Statement.user_id))
        floor = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            rows = db.session.execute(floor_stmt).all()
            floor.append(time.perf_counter() - started)
        print(f"floor: {len(rows):,} officers, {sum(r[2] for r in rows):,} completions, "
              f"{sum(r[1] or 0 for r in rows) / 3600:,.0f} verified hours")
        full = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            result = scoring.recompute_period(period)
            db.session.commit()
            full.append(time.perf_counter() - started)
        print(f"recompute: {result.officers:,} officers, {result.units:,} units, "
              f"{result.lines:,} score lines; runs {', '.join(f'{s:.1f}' for s in full)} s")

        # 1,000 new statements of 1,000 officers (fewer in a small run) on days of December,
        # then the pass.
        rng = random.Random()  # new ids each run (a kept database is measured again)
        everyone = H.officers_in(period.start, period.end)
        chosen = rng.sample(sorted(everyone), min(1000, len(everyone)))
        picked = {uid: everyone[uid] for uid in chosen}
        actors = H.actors_of(picked)
        courses = list(H.read_courses().values())
        emitter = H.Emitter(sources.offset_minutes(period.start),
                            datetime(YEAR, 12, 31, 23, 59, 59))
        new = []
        for i in range(1000):
            uid = chosen[i % len(chosen)]
            course = rng.choice(courses)
            lesson = rng.choice(course.lessons)
            day = date(YEAR, 12, 1) + timedelta(days=rng.randint(0, 27))
            seconds = lesson.minutes * 60
            new.append((emitter.statement(
                rng, actors[uid], "experienced", lesson.obj,
                H.clock_on(rng, day),
                {"duration": f"PT{seconds // 60}M00S",
                 "extensions": {V.EXT_VERIFIED_SECONDS: seconds}},
                emitter.context(str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                                lesson.activities)), uid))
        started = time.perf_counter()
        stored = xs.record_many(new)
        for payload, uid in new:
            scoring.mark_dirty(uid, sources.local_date(xs._parse_time(payload["timestamp"])))
        db.session.commit()
        store = time.perf_counter() - started
        started = time.perf_counter()
        results = scoring.incremental_pass()
        db.session.commit()
        incremental = time.perf_counter() - started
        updated = sum(r.officers for r in results)
        print(f"incremental: {stored:,} statements stored and marked in {store:.2f} s; "
              f"{updated:,} officers recomputed")

        ratio = statistics.median(full) / statistics.median(floor)
        print()
        print(f"{'measure':<44}{'median':>11}   runs")
        print(f"{'floor: one SQL aggregate pass over ' + str(YEAR):<44}{median_of(floor)}   "
              f"{len(floor)}")
        print(f"{'full recompute of ' + str(YEAR):<44}{median_of(full)}   {len(full)}   "
              f"(x{ratio:.1f} the floor)")
        print(f"{f'incremental pass after {stored:,} statements':<44}{incremental:8.2f} s   1")
        db.session.remove()
        db.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--statements", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workdir", type=Path,
                        help="keep the database here (and reuse it when it exists)")
    args = parser.parse_args()
    lms = Path(sys.executable).with_name("lms")
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        env = os.environ | {"LMS_DATABASE_URL": f"sqlite:///{folder}/lms.db",
                            "LMS_INSTANCE_PATH": str(folder), "LMS_CONFIG": "development",
                            "LMS_LOG_LEVEL": "WARNING", "LMS_PLUGINS": "all"}
        os.environ.update(env)
        if args.workdir is None or not (folder / "lms.db").exists():
            build(args, lms, env)
        else:
            print(f"reusing {folder / 'lms.db'}")
        measure(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
