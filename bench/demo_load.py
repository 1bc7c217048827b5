#!/usr/bin/env python3
"""Benchmark ``lms demo load`` at full scale into a fresh SQLite database.

    .venv/bin/python bench/demo_load.py                 # 20,000 officers
    .venv/bin/python bench/demo_load.py --officers 5000

Builds the schema with ``lms db upgrade`` in a temporary directory (not timed), then times
the ``lms demo load`` command as a user runs it (process start included) and prints the
elapsed time and the row counts. The target is under 2 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("units", "unit_versions", "unit_events", "unit_event_links", "professional_fields",
          "job_positions", "users", "user_roles", "assignments")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    lms = Path(sys.executable).with_name("lms")
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        db_path = Path(tmp) / "lms.db"
        env = os.environ | {"LMS_DATABASE_URL": f"sqlite:///{db_path}",
                            "LMS_INSTANCE_PATH": tmp, "LMS_CONFIG": "development"}
        subprocess.run([lms, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
        command = [str(lms), "demo", "load", "--officers", str(args.officers),
                   "--seed", str(args.seed)]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        elapsed = time.perf_counter() - started
        if done.returncode:
            print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
            return done.returncode
        with sqlite3.connect(db_path) as conn:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                      for t in TABLES}
    print(f"$ {' '.join(command[1:])}  (fresh SQLite database, after `lms db upgrade`)")
    print(f"elapsed: {elapsed:.1f} s")
    for table, n in counts.items():
        print(f"  {table:<20}{n:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
