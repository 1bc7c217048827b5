#!/usr/bin/env python3
"""Benchmark the built-in LRS: POST throughput against a bare insert, GET latency per filter.

    .venv/bin/python bench/xapi.py                                  # everything (5,000,000)
    .venv/bin/python bench/xapi.py --part post --db both            # (a) only, SQLite and PG
    .venv/bin/python bench/xapi.py --part get --db sqlite --statements 200000
    .venv/bin/python bench/xapi.py --part get --statements 5000000 --workdir /var/tmp/xb
        # keeps the generated database in /var/tmp/xb and reuses it on the next run

Each database is fresh, in a temporary folder (or ``--workdir``): ``lms db upgrade``, one
xAPI client (``lms xapi client create``), then the app under gunicorn (gunicorn.conf.py,
``--workers`` workers, 127.0.0.1 and a free port). PostgreSQL is a throw-away cluster started
as the tests start it (tests/pgserver.py: PostgreSQL 15 binaries, fsync off); SQLite is a file
in WAL mode as the app configures it. Nothing but 127.0.0.1 is contacted.

(a) POST. ``--post-statements`` statements shaped like the product's own (docs/xapi-profile.md:
an officer's account, verb, activity with names in vi and en, context with registration,
parent, grouping, category, result) are sent in batches of 1, 10 and 100 statements per
request by ``--concurrency`` client threads on keep-alive connections, and the throughput is
statements per second. Beside it, the **bare insert**: the same number of rows, as the LRS
would store them, written straight into the same database's ``xapi_statements`` table with
SQLAlchemy Core (``executemany``, one transaction per batch, the same batch sizes and the same
number of threads). The overhead ratio is bare / LRS: how many times more statements per second
the table alone takes than the LRS (validation, authentication, JSON, HTTP, the LRS's other
rows) delivers.

(b) GET. ``--statements`` rows (default 5,000,000: 20,000 officers, 500 courses, a year of
timestamps, the product's mix of verbs) are generated straight into the tables: SQLAlchemy
Core bulk inserts on SQLite, ``COPY`` on PostgreSQL, with the secondary indexes dropped during
the load and rebuilt after it, then ``ANALYZE``. The rows the LRS writes beside each statement
for its ``agent`` and ``related_*`` filters (``xapi_statement_keys``, when the schema has it)
are generated with the LRS's own function. Then ``--requests`` GET /xapi/statements per filter
(agent; verb; activity; a one-day since/until window; registration; agent and verb; agent
and since; the second page through ``more``; no filter), one after the other on one
connection, with ``limit=--limit``; the table gives the median and 95th percentile in
milliseconds and the statements returned per request.

Generating 5,000,000 statements takes a while: on a busy 2-core VM, 17 minutes for the rows
and their keys and 16 more to rebuild the indexes (28 GB of SQLite, about 5.6 kB a statement,
most of it the keys table and its indexes). Use ``--statements`` for a quicker run and
``--workdir`` to keep and reuse a generated SQLite database.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOME = "https://hoctap.customs.gov.vn"
BASE = HOME + "/xapi/activities"
ADL = "http://adlnet.gov/expapi/verbs/"
TYPES = "http://adlnet.gov/expapi/activities/"
OWN = "https://hoctap.customs.gov.vn/xapi/"
PROFILE = OWN + "profile/1.0"
#: (verb, weight, object kind) of the generated statements, as the course player records them.
MIX = [("initialized", 12, "lesson"), ("experienced", 12, "lesson"), ("terminated", 12, "lesson"),
       ("answered", 33, "question"), ("attempted", 3, "quiz"), ("passed", 2, "quiz"),
       ("failed", 1, "quiz"), ("completed", 10, "lesson"), ("progressed", 7, "course"),
       ("registered", 4, "course"), ("launched", 3, "course"), ("completed", 1, "course")]
VI = {"initialized": "đã bắt đầu", "experienced": "đã học", "terminated": "đã kết thúc",
      "answered": "đã trả lời", "attempted": "đã làm bài", "passed": "đã đạt",
      "failed": "chưa đạt", "completed": "đã hoàn thành", "progressed": "đã tiến triển",
      "registered": "đã đăng ký", "launched": "đã mở"}
OFFICERS, COURSES, MODULES, LESSONS, QUESTIONS = 20_000, 500, 3, 4, 10
START = datetime(2025, 3, 1, tzinfo=UTC)
YEAR_SECONDS = 365 * 24 * 3600


# -- the statements -------------------------------------------------------------------------------
class World:
    """Officers, courses, lessons and registrations the generated statements refer to."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        labels = [(verb, kind) for verb, _w, kind in MIX]
        self.labels, self.weights = labels, [w for _v, w, _k in MIX]
        self.registrations: list[str] = []  # a sample, for the registration filter
        self.seen = 0

    def officer(self, n: int) -> str:
        return f"BX{n:06d}"

    @staticmethod
    def registration(officer: int, course: int) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{officer}/{course}"))

    def _activity(self, path: str, kind: str, vi: str, en: str) -> dict:
        return {"objectType": "Activity", "id": f"{BASE}/{path}",
                "definition": {"name": {"vi-VN": vi, "en-US": en}, "type": TYPES + kind}}

    def statement(self, when: datetime, sid: str | None = None) -> dict:
        """One statement as the product records it (without ``stored`` and ``authority``)."""
        rng = self.rng
        officer, course = rng.randrange(OFFICERS), rng.randrange(COURSES)
        module, lesson = rng.randrange(MODULES), rng.randrange(LESSONS)
        verb, kind = rng.choices(self.labels, self.weights)[0]
        statement = self.build(verb, kind, officer, course, module, lesson,
                               rng.randrange(QUESTIONS), when, sid)
        self.seen += 1
        if len(self.registrations) < 2000:
            self.registrations.append(statement["context"]["registration"])
        elif self.rng.random() < 2000 / self.seen:
            self.registrations[self.rng.randrange(2000)] = statement["context"]["registration"]
        return statement

    def result(self, verb: str, kind: str) -> dict | None:
        """A random result for the verb, as the course player records it."""
        rng = self.rng
        if kind == "course":
            if verb == "progressed":
                return {"extensions": {
                    "https://w3id.org/xapi/cmi5/result/extensions/progress": rng.randrange(100)}}
            if verb == "completed":
                return {"completion": True, "duration": f"PT{rng.randrange(1, 9)}H"}
            return None
        if kind == "question":
            choice = rng.randrange(4)
            return {"success": choice == 0, "response": str(choice)}
        if verb == "experienced":
            seconds = rng.randrange(30, 1800)
            return {"duration": f"PT{seconds}S",
                    "extensions": {OWN + "extensions/verified-seconds": seconds}}
        if verb == "terminated":
            return {"duration": f"PT{rng.randrange(30, 2400)}S"}
        if verb in ("passed", "failed"):
            raw = rng.randrange(7, 11) if verb == "passed" else rng.randrange(0, 7)
            return {"success": verb == "passed", "completion": True,
                    "score": {"scaled": raw / 10, "raw": raw, "min": 0, "max": 10},
                    "duration": f"PT{rng.randrange(60, 1800)}S"}
        if verb == "completed":
            return {"completion": True}
        return None

    def build(self, verb: str, kind: str, officer: int | str, course: int, module: int,
              lesson: int, q: int, when: datetime | str, sid: str | None,
              registration: str | None = None, result: dict | str | None = "random") -> dict:
        """The statement of these choices (``officer``, ``when``, ``registration`` and
        ``result`` may be placeholders, for :class:`BulkRows`)."""
        rng = self.rng
        code = f"BC-{course:03d}"
        course_act = self._activity(f"course/{code}", "course", f"Khoá học nghiệp vụ {course}",
                                    f"Customs course {course}")
        module_act = self._activity(f"course/{code}/module/{module + 1}", "module",
                                    f"Chương {module + 1}", f"Chapter {module + 1}")
        lesson_key = f"{course:03d}{module}{lesson}-0000-4000-8000-000000000000"
        lesson_act = self._activity(f"course/{code}/lesson/{lesson_key}", "lesson",
                                    f"Bài {module + 1}.{lesson + 1}: Thủ tục hải quan",
                                    f"Lesson {module + 1}.{lesson + 1}: Customs procedures")
        quiz_act = self._activity(f"course/{code}/lesson/{course:03d}q-quiz", "assessment",
                                  "Bài kiểm tra cuối khoá", "Final test")
        context = {"registration": registration or self.registration(officer, course),
                   "contextActivities": {"category": [
                       {"objectType": "Activity", "id": PROFILE,
                        "definition": {"type": TYPES + "profile"}}]},
                   "revision": "1", "platform": "Học tập Hải quan", "language": "vi-VN",
                   "extensions": {OWN + "extensions/course-version": 1}}
        if kind == "course":
            obj = course_act
        elif kind == "question":
            obj = self._activity(f"course/{code}/lesson/{course:03d}q-quiz/question/q{q}",
                                 "cmi.interaction", f"Câu hỏi {q + 1} về trị giá hải quan",
                                 f"Question {q + 1} on customs value")
            obj["definition"].update(
                interactionType="choice", correctResponsesPattern=["0"],
                choices=[{"id": str(i), "description": {"vi-VN": f"Phương án {i}",
                                                        "en-US": f"Option {i}"}}
                         for i in range(4)])
            context["contextActivities"].update(parent=[quiz_act],
                                                grouping=[module_act, course_act])
        else:
            obj = quiz_act if kind == "quiz" else lesson_act
            context["contextActivities"].update(parent=[module_act], grouping=[course_act])
        if result == "random":
            result = self.result(verb, kind)
        name = self.officer(officer) if isinstance(officer, int) else officer
        statement = {
            "id": sid or str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "actor": {"objectType": "Agent",
                      "name": f"Cán bộ {officer}" if isinstance(officer, int) else officer,
                      "account": {"homePage": HOME, "name": name}},
            "verb": {"id": ADL + verb, "display": {"vi-VN": VI[verb], "en-US": verb}},
            "object": obj}
        if result is not None:
            statement["result"] = result
        statement["context"] = context
        statement["timestamp"] = when if isinstance(when, str) else \
            when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return statement


def ordered_id(i: int, rng: random.Random) -> str:
    """A UUID (version 4 layout) that sorts with ``i``: bulk loads append to the unique index."""
    return (f"{i:08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-"
            f"a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}")


def stored_row(statement: dict, stored: datetime, pk: int | None = None) -> dict:
    """The ``xapi_statements`` row the LRS stores for ``statement`` (see lrs.store_statements)."""
    try:
        from lms_core.xapi.models import actor_key
    except ImportError:
        from lms_core.xapi.statements import actor_key

    payload = dict(statement)
    stored_text = stored.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    payload["stored"] = stored_text
    payload["authority"] = {"objectType": "Agent", "name": "bench",
                            "account": {"homePage": HOME + "/xapi/clients", "name": "bench"}}
    payload["version"] = "1.0.0"
    result = payload.get("result") or {}
    duration = result.get("duration")
    row = {
        "statement_id": payload["id"], "actor_key": actor_key(payload["actor"]),
        "user_id": None, "verb_id": payload["verb"]["id"],
        "activity_id": payload["object"]["id"],
        "registration": payload["context"]["registration"],
        "timestamp": datetime.fromisoformat(payload["timestamp"].replace("Z", "+00:00"))
        .replace(tzinfo=None),
        "stored": stored.replace(tzinfo=None), "voided": False,
        "duration_seconds": _seconds(duration) if duration else None,
        "verified_seconds": None,
        "score_scaled": (result.get("score") or {}).get("scaled"),
        "success": result.get("success"), "completion": result.get("completion"),
        "payload": payload,
    }
    if pk is not None:
        row["id"] = pk
    return row


def _seconds(duration: str) -> float:
    """``PT1H``, ``PT90S``: the two shapes generated here."""
    body = duration[2:]
    return float(body[:-1]) * (3600 if body.endswith("H") else 1)


# -- servers --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lms(env: dict, *args: str) -> str:
    exe = Path(sys.executable).with_name("lms")
    done = subprocess.run([str(exe), *args], env=env, check=True,  # noqa: S603
                          capture_output=True, text=True)
    return done.stdout


class Site:
    """A fresh database (SQLite or PostgreSQL) with the schema and an xAPI client."""

    databases = 0

    def __init__(self, kind: str, folder: Path, pg=None):
        self.kind, self.folder = kind, folder
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "postgres":
            Site.databases += 1
            name = f"xb_{os.getpid()}_{Site.databases}"
            pg.drop_database(name)
            self.url = pg.create_database(name)
        else:
            self.url = f"sqlite:///{folder}/lms.db"
        (folder / "config.py").write_text("SESSION_COOKIE_SECURE = False\n")
        self.env = os.environ | {
            "LMS_DATABASE_URL": self.url, "LMS_INSTANCE_PATH": str(folder),
            "LMS_CONFIG": "production", "LMS_SECRET_KEY": "xapi-bench-" + "x" * 40,
            "LMS_MEDIA_DIR": f"{folder}/media", "LMS_LOG_FORMAT": "json",
            "LMS_LOG_LEVEL": "WARNING", "LMS_PLUGINS": "none", "LMS_RATELIMIT_ENABLED": "0"}
        self.key = self.secret = ""
        self.server: subprocess.Popen | None = None
        self.port = 0

    def prepare(self) -> None:
        lms(self.env, "db", "upgrade")
        self.client()

    def client(self) -> None:
        created = json.loads(lms(self.env, "xapi", "client", "create", "bench", "--scope",
                                 "statements/write", "--scope", "statements/read"))
        self.key, self.secret = created["key"], created["secret"]

    def engine(self):
        import sqlalchemy as sa

        import lms_core.db  # noqa: F401 - the app's SQLite pragmas (WAL, busy wait)

        return sa.create_engine(self.url)

    def start(self, workers: int) -> None:
        self.port = free_port()
        log = open(self.folder / "gunicorn.log", "w")  # noqa: SIM115
        self.server = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).with_name("gunicorn")), "-c",
             str(ROOT / "gunicorn.conf.py"), "-w", str(workers), "-b",
             f"127.0.0.1:{self.port}", "lms_core:create_app()"],
            env=self.env | {"LMS_WORKERS": str(workers), "LMS_BIND": f"127.0.0.1:{self.port}",
                            "LMS_MAX_REQUESTS": "0"},
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(300):
            try:
                if Http(self).request("GET", "/healthz", auth=False)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start; see {self.folder / 'gunicorn.log'}")

    def stop(self) -> None:
        if self.server is not None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=60)
            self.server = None
            errors = [line for line in (self.folder / "gunicorn.log").read_text(
                errors="replace").splitlines() if "Traceback" in line or '"ERROR"' in line]
            if errors:
                print(f"  server errors in {self.folder / 'gunicorn.log'}: {len(errors)}")


class Http:
    """A keep-alive connection to the site with the client's credentials."""

    def __init__(self, site: Site):
        self.site = site
        self.conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=300)
        token = base64.b64encode(f"{site.key}:{site.secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}",
                        "X-Experience-API-Version": "1.0.3"}

    def request(self, method: str, path: str, body: bytes | None = None, *,
                auth: bool = True) -> tuple[int, bytes]:
        headers = dict(self.headers) if auth else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


# -- (a) POST -------------------------------------------------------------------------------------
def _run_threads(count: int, work, jobs: queue.Queue) -> float:
    errors: list[str] = []

    def worker(index: int) -> None:
        state = work(index)
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                return
            try:
                state(job)
            except Exception as exc:  # noqa: BLE001 - reported after the run
                errors.append(f"{type(exc).__name__}: {exc}"[:300])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failures, e.g. {errors[0]}")
    return time.perf_counter() - started


def post_lrs(site: Site, world: World, total: int, batch: int, concurrency: int) -> float:
    """Statements per second through POST /xapi/statements."""
    jobs: queue.Queue = queue.Queue()
    now = datetime.now(UTC)
    for start in range(0, total, batch):
        body = [world.statement(now) for _ in range(min(batch, total - start))]
        jobs.put(json.dumps(body if batch > 1 else body[0]).encode())

    def work(_index):
        client = Http(site)

        def send(body: bytes) -> None:
            status, data = client.request("POST", "/xapi/statements", body)
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {data[:200]!r}")

        return send

    return total / _run_threads(concurrency, work, jobs)


def post_bare(site: Site, world: World, total: int, batch: int, concurrency: int) -> float:
    """Statements per second of a Core executemany of the same rows into xapi_statements."""
    from lms_core.xapi.models import Statement

    engine = site.engine()
    table = Statement.__table__
    jobs: queue.Queue = queue.Queue()
    now = datetime.now(UTC)
    for start in range(0, total, batch):
        jobs.put([stored_row(world.statement(now), now)
                  for _ in range(min(batch, total - start))])

    def work(_index):
        def insert(rows: list[dict]) -> None:
            with engine.begin() as conn:
                conn.execute(table.insert(), rows)

        return insert

    try:
        return total / _run_threads(concurrency, work, jobs)
    finally:
        engine.dispose()


def bench_post(site: Site, args, seed: int) -> list[tuple]:
    world = World(seed)
    site.start(args.workers)
    rows = []
    try:
        for batch in (1, 10, 100):
            post_lrs(site, world, min(200, args.post_statements), batch, args.concurrency)  # warm
            lrs_rate = post_lrs(site, world, args.post_statements, batch, args.concurrency)
            bare_rate = post_bare(site, world, args.post_statements, batch, args.concurrency)
            rows.append((site.kind, batch, lrs_rate, bare_rate, bare_rate / lrs_rate))
            print(f"  {site.kind:<9} batch {batch:>3}: LRS {lrs_rate:,.0f}/s, bare insert "
                  f"{bare_rate:,.0f}/s", flush=True)
    finally:
        site.stop()
    return rows


# -- (b) GET --------------------------------------------------------------------------------------
def _refs_function():
    """The LRS's own function listing the keys a statement is filtered by, when it has one."""
    try:
        from lms_core.xapi.models import statement_refs
    except ImportError:
        return None
    return statement_refs


#: The ``xapi_statements`` columns the bulk load fills, in this order.
COLUMNS = ("id", "statement_id", "actor_key", "user_id", "verb_id", "activity_id",
           "registration", "timestamp", "stored", "voided", "duration_seconds",
           "verified_seconds", "score_scaled", "success", "completion", "payload")
AUTHORITY = {"objectType": "Agent", "name": "bench",
             "account": {"homePage": HOME + "/xapi/clients", "name": "bench"}}


class BulkRows:
    """Rows for the bulk load, fast: each statement shape (verb, activity, context) is
    serialised once as a template with placeholders for what varies (id, actor, registration,
    result, times); its keys come from the LRS's own ``statement_refs``."""

    TOKEN = re.compile(r'"@([A-Z]+)@"')

    def __init__(self, world: World, refs, *, sqlite: bool):
        try:
            from lms_core.xapi.models import actor_key, ref_key
        except ImportError:
            from lms_core.xapi.statements import actor_key

            def ref_key(value):
                return value
        self.world, self.refs, self.sqlite = world, refs, sqlite
        self.actor_key, self.ref_key = actor_key, ref_key
        self.templates: dict[tuple, tuple] = {}
        self.ids = random.Random(7)

    def _template(self, key: tuple) -> tuple:
        verb, kind, course, module, lesson, q, has_result = key
        statement = self.world.build(verb, kind, "@NAME@", course, module, lesson, q, "@TS@",
                                     "@ID@", registration="@REG@",
                                     result="@RESULT@" if has_result else None)
        statement["actor"]["account"]["name"] = "@CODE@"
        statement.update(stored="@STORED@", authority=AUTHORITY, version="1.0.0")
        parts = self.TOKEN.split(json.dumps(statement, ensure_ascii=False))
        refs: list = []
        if self.refs is not None:
            sample = {"NAME": '"x"', "CODE": '"BX999999"', "TS": '"2025-03-01T00:00:00.000Z"',
                      "ID": f'"{uuid.uuid4()}"', "REG": f'"{uuid.uuid4()}"',
                      "RESULT": '{"completion": true}', "STORED": '"2025-03-01T00:00:00.000Z"'}
            payload = json.loads(self._join(parts, sample))
            mine = self.ref_key(self.actor_key(payload["actor"]))
            refs = [(kind_, None if value == mine else value)
                    for kind_, value in sorted(self.refs(payload))]
        return parts, refs, ADL + verb, statement["object"]["id"]

    @staticmethod
    def _join(parts: list[str], values: dict[str, str]) -> str:
        return "".join(values[p] if i % 2 else p for i, p in enumerate(parts))

    def row(self, pk: int, when: datetime) -> tuple[tuple, list[tuple]]:
        world, rng = self.world, self.world.rng
        officer, course = rng.randrange(OFFICERS), rng.randrange(COURSES)
        module, lesson, q = rng.randrange(MODULES), rng.randrange(LESSONS), rng.randrange(QUESTIONS)
        verb, kind = rng.choices(world.labels, world.weights)[0]
        result = world.result(verb, kind)
        key = (verb, kind, course, 0 if kind == "course" else module,
               lesson if kind == "lesson" else 0, q if kind == "question" else 0,
               result is not None)
        template = self.templates.get(key)
        if template is None:
            template = self.templates[key] = self._template(key)
        parts, refs, verb_id, activity_id = template
        code = f"BX{officer:06d}"
        registration = f"{officer:08x}-{course:04x}-4000-8000-{officer * COURSES + course:012x}"
        sid = ordered_id(pk, self.ids)
        stored = when + timedelta(seconds=1)
        payload = self._join(parts, {
            "NAME": f'"Cán bộ {officer}"', "CODE": f'"{code}"', "ID": f'"{sid}"',
            "REG": f'"{registration}"', "RESULT": json.dumps(result) if result else "null",
            "TS": '"' + when.isoformat(timespec="milliseconds")[:23] + 'Z"',
            "STORED": '"' + stored.isoformat(timespec="milliseconds")[:23] + 'Z"'})
        actor = f"account:{HOME}|{code}"
        score = (result or {}).get("score") or {}
        duration = (result or {}).get("duration")
        naive, stored_naive = when.replace(tzinfo=None), stored.replace(tzinfo=None)
        if self.sqlite:
            naive = naive.strftime("%Y-%m-%d %H:%M:%S.%f")
            stored_naive = stored_naive.strftime("%Y-%m-%d %H:%M:%S.%f")
        success, completion = (result or {}).get("success"), (result or {}).get("completion")
        row = (pk, sid, actor, None, verb_id, activity_id, registration, naive, stored_naive,
               False, _seconds(duration) if duration else None, None, score.get("scaled"),
               success, completion, payload)
        if len(world.registrations) < 2000:
            world.registrations.append(registration)
        actor_ref = self.ref_key(actor)
        keys = [(pk, kind_, actor_ref if value is None else value) for kind_, value in refs]
        return row, keys


def generate(site: Site, world: World, total: int) -> float:
    """Bulk-load ``total`` statements (and their keys); returns the seconds it took."""
    import sqlalchemy as sa

    from lms_core.extensions import db
    from lms_core.xapi import models  # noqa: F401 - the LRS's tables in the metadata

    started = time.perf_counter()
    engine = site.engine()
    metadata = db.Model.metadata
    inspector = sa.inspect(engine)
    tables = [metadata.tables["xapi_statements"]]
    refs = _refs_function()
    if refs is not None and inspector.has_table("xapi_statement_keys"):
        tables.append(metadata.tables["xapi_statement_keys"])
    else:
        refs = None
    indexes = [ix for t in tables for ix in t.indexes if not ix.unique]
    with engine.begin() as conn:
        for ix in indexes:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {ix.name}")
    step = YEAR_SECONDS / total
    chunk = 50_000
    if site.kind == "sqlite":
        raw = engine.raw_connection()
        cursor = raw.cursor()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2000000",
                       "temp_store=MEMORY", "foreign_keys=OFF"):
            cursor.execute(f"PRAGMA {pragma}")
        insert_keys = "INSERT INTO xapi_statement_keys (statement_pk, kind, key) VALUES (?, ?, ?)"
    bulk = BulkRows(world, refs, sqlite=site.kind == "sqlite")
    insert = (f"INSERT INTO xapi_statements ({', '.join(COLUMNS)}) "  # noqa: S608
              f"VALUES ({', '.join('?' for _ in COLUMNS)})")
    for start in range(0, total, chunk):
        statements, keys = [], []
        for i in range(start, min(total, start + chunk)):
            row, row_keys = bulk.row(i + 1, START + timedelta(seconds=i * step))
            statements.append(row)
            keys.extend(row_keys)
        if site.kind == "sqlite":
            cursor.execute("BEGIN")
            cursor.executemany(insert, statements)
            if keys:
                cursor.executemany(insert_keys, keys)
            cursor.execute("COMMIT")
        else:
            _copy(engine, statements, keys)
        done = min(total, start + chunk)
        if done % 500_000 == 0 or done == total:
            print(f"  {site.kind}: {done:,} statements generated "
                  f"({time.perf_counter() - started:,.0f} s)", flush=True)
    if site.kind == "sqlite":
        cursor.close()
        raw.close()
    with engine.begin() as conn:
        for ix in indexes:
            ix.create(conn)
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"  {site.kind}: indexes rebuilt, analysed ({time.perf_counter() - started:,.0f} s)",
          flush=True)
    return time.perf_counter() - started


def _copy(engine, statements: list[tuple], keys: list[tuple]) -> None:
    """PostgreSQL: COPY the rows in (one transaction)."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY xapi_statements ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in statements:
                    copy.write_row(row)
            if keys:
                with cursor.copy("COPY xapi_statement_keys (statement_pk, kind, key) "
                                 "FROM STDIN") as copy:
                    for key in keys:
                        copy.write_row(key)
        raw.commit()
    finally:
        raw.close()
    if statements:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('xapi_statements', "
                                 "'id'), (SELECT max(id) FROM xapi_statements))")


def queries(world: World, total: int, rng: random.Random) -> dict[str, callable]:
    def agent():
        return json.dumps({"objectType": "Agent", "account": {
            "homePage": HOME, "name": world.officer(rng.randrange(OFFICERS))}})

    def verb():
        return ADL + rng.choice([v for v, _w, _k in MIX])

    def activity():
        course, module, lesson = (rng.randrange(COURSES), rng.randrange(MODULES),
                                  rng.randrange(LESSONS))
        key = f"{course:03d}{module}{lesson}-0000-4000-8000-000000000000"
        return f"{BASE}/course/BC-{course:03d}/lesson/{key}"

    def day():
        start = START + timedelta(days=rng.randrange(365))
        return (start.isoformat().replace("+00:00", "Z"),
                (start + timedelta(days=1)).isoformat().replace("+00:00", "Z"))

    def window():
        since, until = day()
        return {"since": since, "until": until}

    return {
        "no filter": lambda: {},
        "agent": lambda: {"agent": agent()},
        "verb": lambda: {"verb": verb()},
        "activity": lambda: {"activity": activity()},
        "since/until (1 day)": window,
        "registration": lambda: {"registration": rng.choice(world.registrations)},
        "agent + verb": lambda: {"agent": agent(), "verb": ADL + "answered"},
        "agent + since": lambda: {"agent": agent(), "since": day()[0]},
        "verb + activity": lambda: {"verb": ADL + "completed", "activity": activity()},
    }


def bench_get(site: Site, world: World, args) -> list[tuple]:
    rng = random.Random(11)
    site.start(args.workers)
    rows = []
    try:
        client = Http(site)
        for name, make in queries(world, args.statements, rng).items():
            times, counts = [], []
            for i in range(args.requests + 3):
                params = make() | {"limit": str(args.limit)}
                started = time.perf_counter()
                status, data = client.request("GET", "/xapi/statements?" + urlencode(params))
                elapsed = time.perf_counter() - started
                if status != 200:
                    raise RuntimeError(f"{name}: HTTP {status} {data[:200]!r}")
                if i >= 3:  # the first requests warm the worker up
                    times.append(elapsed * 1000)
                    counts.append(len(json.loads(data)["statements"]))
            rows.append((site.kind, name, statistics.median(times), percentile(times, 0.95),
                         statistics.mean(counts)))
            print(f"  {site.kind:<9} {name:<22} median {rows[-1][2]:8.1f} ms, "
                  f"p95 {rows[-1][3]:8.1f} ms", flush=True)
        # The second page of an agent's statements, through the `more` link.
        times, counts = [], []
        for _ in range(args.requests):
            params = queries(world, args.statements, rng)["agent"]() | {"limit": str(args.limit)}
            _status, data = client.request("GET", "/xapi/statements?" + urlencode(params))
            more = json.loads(data)["more"]
            if not more:
                continue
            started = time.perf_counter()
            status, data = client.request("GET", more)
            times.append((time.perf_counter() - started) * 1000)
            counts.append(len(json.loads(data)["statements"]))
        if times:
            rows.append((site.kind, "agent, page 2 (more)", statistics.median(times),
                         percentile(times, 0.95), statistics.mean(counts)))
    finally:
        site.stop()
    return rows


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))]


# -- main -----------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--part", choices=("post", "get", "both"), default="both")
    parser.add_argument("--statements", type=int, default=5_000_000,
                        help="statements stored for the GET part (5,000,000)")
    parser.add_argument("--post-statements", type=int, default=3000,
                        help="statements sent per batch size in the POST part (3,000)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads for POST")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--requests", type=int, default=100, help="GET requests per filter")
    parser.add_argument("--limit", type=int, default=50, help="GET page size (limit=)")
    parser.add_argument("--workdir", help="keep the databases here (and reuse a generated one)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    root = Path(args.workdir or tempfile.mkdtemp(prefix="lms-xapi-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    pg = None
    post_rows: list[tuple] = []
    get_rows: list[tuple] = []
    try:
        if "postgres" in kinds:
            from tests.pgserver import PostgresServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                print("PostgreSQL 15 server binaries not found", file=sys.stderr)
                return 2
            pg = PostgresServer(bindir)
            pg.start()
        for kind in kinds:
            if args.part in ("post", "both"):
                print(f"(a) POST on {kind}: {args.post_statements:,} statements per batch size, "
                      f"{args.concurrency} client threads, {args.workers} workers", flush=True)
                site = Site(kind, root / f"post-{kind}", pg)
                site.prepare()
                post_rows += bench_post(site, args, args.seed)
            if args.part in ("get", "both"):
                print(f"(b) GET on {kind}: {args.statements:,} statements", flush=True)
                folder = root / f"get-{kind}-{args.statements}"
                marker = folder / "generated.json"
                world = World(args.seed)
                site = Site(kind, folder, pg)
                if kind == "sqlite" and marker.exists():  # reuse the kept database
                    site.client()
                    world.registrations = json.loads(marker.read_text())["registrations"]
                    print("  reusing the generated database", flush=True)
                else:
                    site.prepare()
                    seconds = generate(site, world, args.statements)
                    marker.write_text(json.dumps({"seconds": seconds,
                                                  "registrations": world.registrations}))
                get_rows += bench_get(site, world, args)
    finally:
        if pg is not None:
            pg.stop()
        if not args.workdir:
            shutil.rmtree(root, ignore_errors=True)

    if post_rows:
        print(f"\n(a) POST /xapi/statements, {args.post_statements:,} statements per batch size, "
              f"{args.concurrency} client threads, gunicorn {args.workers} workers")
        print(f"{'database':<10}{'batch':>6}{'LRS st/s':>11}{'bare st/s':>11}{'ratio':>8}")
        for kind, batch, lrs_rate, bare_rate, ratio in post_rows:
            print(f"{kind:<10}{batch:>6}{lrs_rate:>11,.0f}{bare_rate:>11,.0f}{ratio:>7.1f}x")
    if get_rows:
        print(f"\n(b) GET /xapi/statements over {args.statements:,} statements, limit "
              f"{args.limit}, {args.requests} requests per filter, one connection")
        print(f"{'database':<10}{'filter':<24}{'median ms':>10}{'p95 ms':>9}{'returned':>10}")
        for kind, name, median, p95, count in get_rows:
            print(f"{kind:<10}{name:<24}{median:>10.1f}{p95:>9.1f}{count:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
