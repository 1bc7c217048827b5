#!/usr/bin/env python3
"""Benchmark the catalogue search and the course player page at full scale.

    .venv/bin/python bench/courses.py                       # 20,000 officers, 1,000 courses
    .venv/bin/python bench/courses.py --officers 5000 --courses 200 --requests 100

Builds a fresh SQLite database in a temporary folder (`lms db upgrade`, `lms demo load
--officers N`, the shipped courses of content/), grows the catalogue to N courses by copying
the shipped ones under new codes and titles, enrols every officer in three courses, then
times requests through the application (Flask's test client, in-process: the time the app
spends, without network or a web server; `bench/load.py` measures through gunicorn):

- catalogue: GET /courses with accent-free queries and filters, as officers type them;
- player: GET /learn/<code>/<lesson> for an enrolled officer (it opens a study session,
  so each request also writes).

Prints the median and 95th percentile per page. Setting up takes a minute or two.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["thue xuat khau", "kiem tra sau thong quan", "quan ly rui ro", "luat hai quan",
           "tri gia", "phan loai hang hoa", "du lieu", "tieng anh", "van hoa so", "vi pham",
           "VNACCS", "hai quan", "chuyen de 17", "xuat xu", "giam sat"]


def grow_catalogue(app, target: int) -> None:
    import sqlalchemy as sa

    from lms_core.courses import operations as ops
    from lms_core.courses.models import Course
    from lms_core.extensions import db
    from lms_core.text import fold

    with app.app_context():
        sources = [c.published_version for c in db.session.scalars(sa.select(Course))]
        n = len(sources)
        while n < target:
            source = sources[n % len(sources)]
            course = Course(code=f"CD-{n:04d}")
            draft = ops.copy_version(source)
            draft.number = 1
            draft.title_vi = f"{source.title_vi} — chuyên đề {n}"
            draft.title_en = f"{source.title_en} — topic {n}"
            draft.search_text = fold(f"{course.code} {draft.title_vi} {draft.title_en} "
                                     f"{source.description_vi}")
            draft.course = course
            db.session.add(course)
            db.session.flush()
            ops.publish(draft)
            n += 1
            if n % 100 == 0:
                db.session.commit()
        db.session.commit()


def enrol_everyone(app, per_officer: int, seed: int) -> None:
    import sqlalchemy as sa

    from lms_core.courses.models import Course, Enrolment
    from lms_core.extensions import db
    from lms_core.identity.models import User

    rng = random.Random(seed)
    with app.app_context():
        courses = db.session.execute(sa.select(Course.id, Course.published_version_id)).all()
        users = db.session.scalars(sa.select(User.id)).all()
        rows = []
        for uid in users:
            for cid, vid in rng.sample(courses, per_officer):
                rows.append({"user_id": uid, "course_id": cid, "version_id": vid,
                             "registration": f"{uid:08d}-0000-4000-8000-{cid:012d}"})
        db.session.execute(sa.insert(Enrolment), rows)
        db.session.commit()


def timed(client, paths) -> list[float]:
    out = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return out


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    print(f"{name:<10} n={len(samples):<5} median {statistics.median(samples):7.1f} ms   "
          f"p95 {p95:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    lms = Path(sys.executable).with_name("lms")
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as tmp:
        env = os.environ | {"LMS_DATABASE_URL": f"sqlite:///{tmp}/lms.db",
                            "LMS_INSTANCE_PATH": tmp, "LMS_CONFIG": "development",
                            "LMS_LOG_LEVEL": "WARNING"}
        os.environ.update(env)
        for command in (["db", "upgrade"], ["demo", "load", "--officers", str(args.officers)]):
            subprocess.run([lms, *command], env=env, check=True, capture_output=True)  # noqa: S603
        from lms_core import create_app

        app = create_app("development", {"WTF_CSRF_ENABLED": False})
        grow_catalogue(app, args.courses)
        enrol_everyone(app, 3, args.seed)

        import sqlalchemy as sa

        from lms_core.courses.models import Course, Enrolment
        from lms_core.extensions import db
        from lms_core.identity.models import User

        rng = random.Random(args.seed)
        with app.app_context():
            officer = db.session.scalar(sa.select(User).where(User.username == "canbo"))
            enrolled = db.session.execute(
                sa.select(Course.code, Enrolment.version_id)
                .join(Enrolment, Enrolment.course_id == Course.id)
                .where(Enrolment.user_id == officer.id)).all()
            from lms_core.courses.models import CourseVersion

            lesson_paths = []
            for code, vid in enrolled:
                version = db.session.get(CourseVersion, vid)
                lesson_paths += [f"/learn/{code}/{lesson.id}" for lesson in version.lessons
                                 if lesson.kind == "text"]
            counts = (db.session.scalar(sa.select(sa.func.count()).select_from(User)),
                      db.session.scalar(sa.select(sa.func.count()).select_from(Course)),
                      db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)))
        client = app.test_client()
        client.post("/login", data={"username": "canbo", "password": "HaiQuan@2025"})
        catalogue = [f"/courses?q={rng.choice(QUERIES).replace(' ', '+')}"
                     + rng.choice(["", "&level=1", "&field=THUE", "&page=2", "&max_hours=4"])
                     for _ in range(args.requests)]
        player = [rng.choice(lesson_paths) for _ in range(args.requests)]
        timed(client, catalogue[:20] + player[:20])  # warm caches
        print(f"{counts[0]:,} users, {counts[1]:,} published courses, {counts[2]:,} enrolments; "
              "SQLite; in-process (Flask test client)")
        report("catalogue", timed(client, catalogue))
        report("player", timed(client, player))
    return 0


if __name__ == "__main__":
    sys.exit(main())
