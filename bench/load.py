#!/usr/bin/env python3
"""Load test: a realistic mix of officers' requests against gunicorn, on SQLite or PostgreSQL.

    .venv/bin/python bench/load.py --db sqlite             # 20,000-officer demo, 60 s
    .venv/bin/python bench/load.py --db postgres --users 40 --duration 60
    .venv/bin/python bench/load.py --db sqlite --workdir /var/tmp/load-sqlite
        # keeps the database (and, on PostgreSQL, the server's data folder) and the users'
        # plan there, and reuses them on the next run: the load alone, on a quiet machine

Builds a fresh database in a temporary folder (`lms db upgrade`, `lms demo load --officers N`
with the shipped courses and its learning history, two enrolments per virtual user, an LRS client),
starts gunicorn with gunicorn.conf.py on 127.0.0.1 and a free port, then runs virtual users
(threads, each logged in through the login form) for the given duration. Officers loop over a
weighted mix:

    dashboard 18 %, catalogue search 22 %, course page 10 %, course player 22 %,
    study-time heartbeat (a write) 13 %, My learning 5 %,
    xAPI statements posted by outside content (1-5 per request, HTTP Basic) 10 %

and one virtual user in ten is a reviewer instead (the two demo unit heads and the HR
administrator, in turn) who loops over the emulation pages: the campaign home, the unit's
ranking for 2025 and, for HR, the organisation's rankings with the funnel plot (the "rankings"
rows of the report; skipped when the emulation plugin is disabled).

There is no think time (a worst case: every user is always waiting on the server). Prints the
throughput, and per page the count, p50/p95/p99 latency and errors (any status >= 400, or a
failed connection). Only 127.0.0.1 is contacted; the run stops by itself. PostgreSQL runs
with its default durability (fsync, synchronous commit), as in production.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "HaiQuan@2025"  # noqa: S105 - the documented demo password
MIX = [("dashboard", 18), ("catalogue", 22), ("course", 10), ("player", 22), ("heartbeat", 13),
       ("my_learning", 5), ("xapi", 10)]
#: The reviewers' pages, in the report after the officers' (see :func:`reviewer`).
REVIEW_PAGES = ("emulation", "unit_ranking", "rankings")
#: Demo accounts who review rankings: unit heads of KV02 and KV01, and the HR administrator.
REVIEWERS = (("truongdonvi", "KV02"), ("truongdonvi2", "KV01"), ("quantri", "KV02"))
#: One virtual user in REVIEWER_EVERY is a reviewer.
REVIEWER_EVERY = 10
QUERIES = ["thue xuat khau", "kiem tra sau thong quan", "quan ly rui ro", "luat hai quan",
           "tri gia", "du lieu", "tieng anh", "vi pham", "hai quan", "giam sat"]


class Client:
    """One virtual user's keep-alive connection with its session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (TimeoutError, http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str) -> None:
        _status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(rb'name="csrf_token" value="([^"]+)"', page)
        body = urlencode({"csrf_token": token.group(1).decode(), "username": username,
                          "password": PASSWORD}).encode()
        status, _ = self.request("POST", "/login", body,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lms(env: dict, *args: str) -> None:
    exe = Path(sys.executable).with_name("lms")
    subprocess.run([str(exe), *args], env=env, check=True, capture_output=True)  # noqa: S603


def prepare(env: dict, officers: int, users: int, seed: int) -> tuple[list[dict], dict]:
    """Build the data; return, per virtual user, its username and role, with two enrolled
    courses for an officer (and the xAPI activity ids of their lessons) or the unit to review
    for a reviewer; and the LRS client's HTTP Basic header."""
    lms(env, "db", "upgrade")
    lms(env, "demo", "load", "--officers", str(officers))
    os.environ.update(env)
    import sqlalchemy as sa

    from lms_core import create_app
    from lms_core.courses import delivery
    from lms_core.courses.models import Course
    from lms_core.extensions import db
    from lms_core.identity.models import User
    from lms_core.organisation import queries as org
    from lms_core.plugins import loaded_plugins
    from lms_core.xapi import clients
    from lms_core.xapi import statements as xs

    app = create_app()
    rng = random.Random(seed)
    with app.app_context():
        client, secret = clients.create_client("load test content", ["statements/write"])
        basic = "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()
        reviewing = "emulation" in loaded_plugins()
        courses = [c for c in db.session.scalars(sa.select(Course)) if not c.published_version
                   .prerequisites]
        # Generated officers (after the six documented demo accounts).
        people = iter(db.session.scalars(sa.select(User).order_by(User.id).offset(6)
                                         .limit(users)).all())
        plan = []
        for number in range(users):
            if reviewing and number % REVIEWER_EVERY == REVIEWER_EVERY - 1:
                username, unit_code = REVIEWERS[(number // REVIEWER_EVERY) % len(REVIEWERS)]
                plan.append({"username": username, "role": "reviewer",
                             "unit": org.unit_by_code(unit_code).id,
                             "hr": username == "quantri"})
                continue
            user = next(people)
            chosen = rng.sample(courses, 2)
            lessons = []
            for course in chosen:
                enrolment = delivery.enrol(user, course)
                lessons += [(course.code, lesson.id, xs.lesson_activity(lesson).id)
                            for lesson in enrolment.version.lessons if lesson.kind == "text"]
            plan.append({"username": user.username, "role": "officer",
                         "courses": [c.code for c in chosen], "lessons": lessons,
                         "actor": xs.actor(user).as_version()})
        db.session.commit()
        db.engine.dispose()
    return plan, {"Authorization": basic, "X-Experience-API-Version": "1.0.3",
                  "Content-Type": "application/json"}


def statements(spec: dict, rng: random.Random) -> bytes:
    """1-5 statements an outside content package sends about the officer's lessons."""
    batch = []
    for _ in range(rng.randint(1, 5)):
        _code, _lesson, activity = rng.choice(spec["lessons"])
        batch.append({"id": str(uuid.uuid4()), "actor": spec["actor"],
                      "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced",
                               "display": {"en-US": "experienced"}},
                      "object": {"objectType": "Activity", "id": activity},
                      "result": {"duration": f"PT{rng.randint(5, 300)}S"}})
    return json.dumps(batch).encode()


def logged_in(port: int, username: str, results) -> Client | None:
    """A client logged in as ``username``; None (and a login error counted) when it fails."""
    client = Client(port)
    try:
        client.login(username)
    except Exception as exc:  # noqa: BLE001 - counted as an error of the run
        results["login"].append((0.0, f"{exc}"))
        return None
    return client


def reviewer(port: int, spec: dict, deadline: float, results, seed: int) -> None:
    """A unit head (or HR) going over the campaign's pages."""
    rng = random.Random(seed)
    client = logged_in(port, spec["username"], results)
    if client is None:
        return
    pages = {"emulation": "/emulation/",
             "unit_ranking": f"/emulation/units/{spec['unit']}?period=2025",
             "rankings": "/emulation/rankings?period=2025"}
    labels = list(REVIEW_PAGES if spec["hr"] else REVIEW_PAGES[:2])
    while time.monotonic() < deadline:
        label = rng.choice(labels)
        timed(client, results, label, "GET", pages[label])


def timed(client: Client, results, label: str, method: str, path: str, body=None,
          headers=None) -> tuple[int, bytes]:
    """One request, its latency and error (if any) added to ``results[label]``."""
    started = time.perf_counter()
    try:
        status, data = client.request(method, path, body, headers)
    except Exception as exc:  # noqa: BLE001
        results[label].append((time.perf_counter() - started, f"{type(exc).__name__}"))
        return 0, b""
    results[label].append((time.perf_counter() - started, status if status >= 400 else None))
    return status, data


def virtual_user(port: int, spec: dict, deadline: float, results, seed: int,
                 xapi_headers: dict) -> None:
    if spec["role"] == "reviewer":
        reviewer(port, spec, deadline, results, seed)
        return
    rng = random.Random(seed)
    client = logged_in(port, spec["username"], results)
    if client is None:
        return
    content = Client(port)  # outside content: no session cookie, HTTP Basic
    beat = {"url": None, "token": None, "seq": 0}
    labels, weights = zip(*MIX, strict=True)
    while time.monotonic() < deadline:
        label = rng.choices(labels, weights)[0]
        if label == "heartbeat" and beat["url"] is None:
            label = "player"
        if label == "xapi":
            timed(content, results, label, "POST", "/xapi/statements",
                  statements(spec, rng), xapi_headers)
            continue
        headers: dict = {}
        body = None
        method = "GET"
        if label == "dashboard":
            path = "/dashboard"
        elif label == "catalogue":
            path = "/courses?" + urlencode({"q": rng.choice(QUERIES)})
        elif label == "course":
            path = f"/courses/{rng.choice(spec['courses'])}"
        elif label == "my_learning":
            path = "/my-learning"
        elif label == "player":
            code, lesson_id, _activity = rng.choice(spec["lessons"])
            path = f"/learn/{code}/{lesson_id}"
        else:
            method, path = "POST", beat["url"]
            beat["seq"] += 1
            body = json.dumps({"seq": beat["seq"], "active_seconds": 5}).encode()
            headers = {"Content-Type": "application/json", "X-CSRFToken": beat["token"]}
        status, data = timed(client, results, label, method, path, body, headers)
        if label == "player" and status == 200:
            url = re.search(rb'data-beat-url="([^"]+)"', data)
            token = re.search(rb'data-csrf-token="([^"]+)"', data)
            if url and token:
                beat.update(url=url.group(1).decode(), token=token.group(1).decode(), seq=0)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--users", type=int, default=40, help="concurrent virtual users")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, help="keep the prepared database and plan here "
                        "and reuse them on the next run (same --db and --officers, at most as "
                        "many --users)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lms-load-") as scratch:
        tmp = str(args.workdir or scratch)
        Path(tmp).mkdir(parents=True, exist_ok=True)
        saved = Path(tmp, f"plan-{args.db}-{args.officers}.json")
        reuse = args.workdir is not None and saved.exists()
        if reuse and len(json.loads(saved.read_text())[0]) < args.users:
            print(f"{saved} was prepared for fewer than {args.users} users: use a new --workdir",
                  file=sys.stderr)
            return 2
        server = None
        if args.db == "postgres":
            from tests.pgserver import PostgresServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                print("PostgreSQL 15 server binaries not found", file=sys.stderr)
                return 2
            server = PostgresServer(bindir, root=Path(tmp, "pg") if args.workdir else None,
                                    durable=True)
            server.start()
            url = server.url("lms_load") if reuse else server.create_database("lms_load")
        else:
            url = f"sqlite:///{tmp}/lms.db"
        Path(tmp, "config.py").write_text("SESSION_COOKIE_SECURE = False\n")
        env = os.environ | {"LMS_DATABASE_URL": url, "LMS_INSTANCE_PATH": tmp,
                            "LMS_CONFIG": "production", "LMS_SECRET_KEY": "load-test-" + "x" * 40,
                            "LMS_MEDIA_DIR": f"{tmp}/media", "LMS_LOG_FORMAT": "json"}
        gunicorn = None
        try:
            started = time.perf_counter()
            if reuse:
                plan, xapi_headers = json.loads(saved.read_text())
                plan = plan[:args.users]  # the same users first, reviewers among them
            else:
                plan, xapi_headers = prepare(env, args.officers, args.users, args.seed)
                if args.workdir:
                    saved.write_text(json.dumps([plan, xapi_headers]))
            setup_seconds = time.perf_counter() - started
            port = free_port()
            conf = ["-c", str(ROOT / "gunicorn.conf.py")] if (ROOT / "gunicorn.conf.py").exists() \
                else []
            gunicorn = subprocess.Popen(  # noqa: S603
                [str(Path(sys.executable).with_name("gunicorn")), *conf, "-w", str(args.workers),
                 "-b", f"127.0.0.1:{port}", "lms_core:create_app()"],
                env=env | {"LMS_WORKERS": str(args.workers), "LMS_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL, stderr=open(Path(tmp, "gunicorn.log"), "w"))  # noqa: SIM115
            for _ in range(200):
                try:
                    if Client(port).request("GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.1)
            results: dict[str, list] = defaultdict(list)
            deadline = time.monotonic() + args.duration
            threads = [threading.Thread(target=virtual_user,
                                        args=(port, spec, deadline, results, args.seed + i,
                                              xapi_headers))
                       for i, spec in enumerate(plan)]
            load_started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - load_started
        finally:
            if gunicorn is not None:
                gunicorn.send_signal(signal.SIGTERM)
                gunicorn.wait(timeout=30)
                log = Path(tmp, "gunicorn.log").read_text(errors="replace")
                failures = [line for line in log.splitlines() if "Error" in line]
                if failures:
                    print("server errors (first 5 lines of the log that name one):")
                    for line in failures[:5]:
                        print("   ", line[:300])
            if server is not None:
                server.stop()

    reviewers = sum(1 for spec in plan if spec["role"] == "reviewer")
    total = sum(len(v) for v in results.values())
    errors = sum(1 for v in results.values() for _t, e in v if e is not None)
    print(f"database: {args.db}; {args.officers:,} officers; {len(plan)} virtual users "
          f"({reviewers} reviewers), no think "
          f"time; gunicorn {args.workers} workers; {args.duration} s "
          f"(setup {setup_seconds:.0f} s{', reused' if reuse else ''})")
    print(f"requests: {total:,}   throughput: {total / wall:,.1f} req/s   errors: {errors}")
    print(f"{'page':<12}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for label in [label for label, _w in MIX] + list(REVIEW_PAGES) + ["login"]:
        samples = results.get(label)
        if not samples:
            continue
        times = [t * 1000 for t, _e in samples]
        errs = [e for _t, e in samples if e is not None]
        print(f"{label:<12}{len(samples):>7}{statistics.median(times):>9.1f}"
              f"{percentile(times, 0.95):>9.1f}{percentile(times, 0.99):>9.1f}{len(errs):>8}")
        for err in sorted(set(map(str, errs)))[:3]:
            print(f"    e.g. {err}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
