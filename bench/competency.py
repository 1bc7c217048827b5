#!/usr/bin/env python3
"""Benchmark the competency gaps at full scale: recomputing every officer's gaps, and the unit
heatmap and training-needs pages of the largest unit.

    .venv/bin/python bench/competency.py                       # 20,000 officers
    .venv/bin/python bench/competency.py --officers 5000 --requests 50 --rounds 3

Builds a fresh SQLite database in a temporary folder (`lms db upgrade`, `lms demo load
--officers N`: the organisation, the competency framework and position profiles, and the
demo history of evidence, and the shipped courses, which the training-needs report lists),
then:

- recompute: times ``gaps.recompute_all()`` (every officer's gap rows deleted and inserted
  again from the requirements, current assignments and levels), ``--rounds`` times, and once
  ``evidence.recompute_all_levels()`` (levels rebuilt from all the evidence);
- heatmap / needs: GET /competency/units/<largest unit>/heatmap and .../needs as the HR
  administrator, through the application (Flask's test client, in-process: the time the app
  spends, without network or a web server), ``--requests`` times each.

Prints the row counts, the times of the recomputes, and the median and 95th percentile per
page. Setting up takes about a minute at 20,000 officers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(client, paths) -> list[float]:
    out = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return out


def report(name: str, samples: list[float], unit: str = "ms") -> None:
    samples = sorted(samples)
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    print(f"{name:<22} n={len(samples):<4} median {statistics.median(samples):8.1f} {unit}   "
          f"p95 {p95:8.1f} {unit}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    lms = Path(sys.executable).with_name("lms")
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        env = os.environ | {"LMS_DATABASE_URL": f"sqlite:///{tmp}/lms.db",
                            "LMS_INSTANCE_PATH": tmp, "LMS_CONFIG": "development",
                            "LMS_LOG_LEVEL": "WARNING"}
        os.environ.update(env)
        started = time.perf_counter()
        summary = ""
        for command in (["db", "upgrade"],
                        ["demo", "load", "--officers", str(args.officers), "--seed",
                         str(args.seed)]):
            done = subprocess.run([lms, *command], env=env, check=True,  # noqa: S603
                                  capture_output=True, text=True)
            summary = next((line for line in done.stdout.splitlines()
                            if line.startswith("Competency")), summary)
        print(f"set up in {time.perf_counter() - started:.0f} s; {summary}")

        import sqlalchemy as sa

        from lms_core import create_app
        from lms_core.extensions import db
        from lms_core.organisation import queries as org
        from lms_core.organisation.models import Unit
        from plugins.competency import evidence, gaps
        from plugins.competency.models import Evidence, OfficerGap, OfficerLevel

        app = create_app("development", {"WTF_CSRF_ENABLED": False})
        with app.app_context():
            counts = {model.__tablename__: db.session.scalar(
                sa.select(sa.func.count()).select_from(model))
                for model in (Evidence, OfficerLevel, OfficerGap)}
            print(", ".join(f"{n:,} {t}" for t, n in counts.items()) + "; SQLite")
            samples, officers = [], 0
            for _ in range(args.rounds):
                started = time.perf_counter()
                officers = gaps.recompute_all()
                db.session.commit()
                samples.append(time.perf_counter() - started)
            print(f"recompute_all: {officers:,} officers with gaps")
            report("gaps.recompute_all", samples, "s")
            started = time.perf_counter()
            levels = evidence.recompute_all_levels()
            db.session.commit()
            print(f"evidence.recompute_all_levels: {levels:,} levels in "
                  f"{time.perf_counter() - started:.1f} s")
            # The largest first-level unit, by officers with gap rows in its subtree.
            parents = org.parent_map()
            tops = [uid for uid, pid in parents.items()
                    if pid is not None and parents.get(pid) is None]
            largest = max(tops, key=gaps.unit_officer_count)
            unit = db.session.get(Unit, largest)
            code, size = unit.code, gaps.unit_officer_count(largest)
        print(f"largest unit: {code} ({size:,} officers with requirements)")
        client = app.test_client()
        client.post("/login", data={"username": "quantri", "password": "HaiQuan@2025"})
        heatmap = f"/competency/units/{code}/heatmap"
        needs = f"/competency/units/{code}/needs"
        timed(client, [heatmap, needs] * 3)  # warm caches and templates
        report("heatmap page", timed(client, [heatmap] * args.requests))
        report("needs page", timed(client, [needs] * args.requests))
        report("needs.xlsx", timed(client, [needs + ".xlsx"] * max(5, args.requests // 5)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
