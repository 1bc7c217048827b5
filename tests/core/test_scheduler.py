"""The scheduler's database lease: only one ``lms scheduler run`` process runs the jobs, another
takes over when it dies, and a stopped one hands the lease over at once."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app

from lms_core import create_app
from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.scheduler import acquire_lease, lease_status, release_lease
from lms_core.scheduler_models import SchedulerLease

ROOT = Path(__file__).resolve().parents[2]
LMS = str(Path(sys.executable).with_name("lms"))


def record_pid() -> None:
    """Test job for the scheduler processes below (``LMS_SCHEDULER_EXTRA_JOBS``): appends this
    process's id to the file named by ``LMS_TEST_PID_FILE``."""
    with open(current_app.config["LMS_TEST_PID_FILE"], "a", encoding="utf-8") as out:
        out.write(f"{os.getpid()}\n")


# -- the lease functions, on SQLite and PostgreSQL ------------------------------------------
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def lease_app(request, tmp_path):
    """An app on a migrated database: a SQLite file, or a PostgreSQL 15 database."""
    from flask_migrate import upgrade

    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'lease.db'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "LMS_PLUGINS": "none",
                                 "LMS_SCHEDULER_LEASE_SECONDS": 30})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def _lease() -> SchedulerLease:
    db.session.expire_all()
    return db.session.get(SchedulerLease, "default")


def test_first_process_takes_the_lease_and_the_second_waits(lease_app):
    """The first taker gets the lease; another process does not while it is held."""
    assert acquire_lease("default", "a", 30)
    assert not acquire_lease("default", "b", 30)
    assert _lease().holder == "a"


def test_the_holder_renews_and_the_renewal_is_its_heartbeat(lease_app):
    """Renewing keeps the holder and the time it took the lease, and moves the heartbeat."""
    start = utcnow()
    assert acquire_lease("default", "a", 30, now=start)
    later = start + timedelta(seconds=10)
    assert acquire_lease("default", "a", 30, now=later)
    lease = _lease()
    assert (lease.holder, lease.acquired_at, lease.renewed_at) == ("a", start, later)
    assert lease.expires_at == later + timedelta(seconds=30)


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(lease_app):
    """When the holder stops renewing, another process takes over after the lease expires."""
    start = utcnow()
    assert acquire_lease("default", "a", 30, now=start)
    assert not acquire_lease("default", "b", 30, now=start + timedelta(seconds=29))
    after = start + timedelta(seconds=31)
    assert acquire_lease("default", "b", 30, now=after)
    assert not acquire_lease("default", "a", 30, now=after + timedelta(seconds=1))
    lease = _lease()
    assert (lease.holder, lease.acquired_at) == ("b", after)


def test_release_hands_the_lease_over_at_once(lease_app):
    """A released lease is free for another process before it would have expired; only the
    holder can release it."""
    assert acquire_lease("default", "a", 30)
    assert not release_lease("default", "b")
    assert not acquire_lease("default", "b", 30)
    assert release_lease("default", "a")
    assert acquire_lease("default", "b", 30)
    assert _lease().holder == "b"


@pytest.mark.parametrize("existing", [False, True], ids=["no-row", "expired-row"])
def test_concurrent_takers_get_the_lease_exactly_once(lease_app, existing):
    """Processes racing for a free lease (no row yet, or an expired one): exactly one wins."""
    if existing:
        assert acquire_lease("default", "old", 30, now=utcnow() - timedelta(minutes=5))
    app = current_app._get_current_object()
    barrier = threading.Barrier(8)
    results: dict[str, bool] = {}

    def contend(name: str) -> None:
        with app.app_context():
            barrier.wait()
            results[name] = acquire_lease("default", name, 30)
            db.session.remove()

    threads = [threading.Thread(target=contend, args=(f"p{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [name for name, won in results.items() if won]
    assert len(results) == 8 and len(winners) == 1
    assert _lease().holder == winners[0]


def test_lease_status_reports_the_heartbeat(lease_app):
    """The status says who holds the lease and turns unhealthy after three missed periods."""
    assert lease_status() == {"ok": False, "held": False, "holder": None, "renewed_at": None,
                              "expires_at": None}
    start = utcnow().replace(microsecond=0)
    acquire_lease("default", "host:1:ab", 30, now=start)
    state = lease_status(now=start + timedelta(seconds=5))
    assert state["ok"] and state["held"] and state["holder"] == "host:1:ab"
    assert state["renewed_at"] == start.isoformat() + "Z"
    state = lease_status(now=start + timedelta(seconds=91))
    assert not state["ok"] and not state["held"]


class RecordingScheduler:
    """Stands in for APScheduler's BackgroundScheduler and records what it was told."""

    def __init__(self):
        self.calls: list[str] = []

    def start(self, paused=False):
        self.calls.append("start paused" if paused else "start")

    def resume(self):
        self.calls.append("resume")

    def pause(self):
        self.calls.append("pause")

    def shutdown(self, wait=True):
        self.calls.append("shutdown")

    def get_jobs(self):
        return []


def test_a_scheduler_that_loses_its_lease_pauses_its_jobs(app):
    """Jobs start paused, run once the lease is taken, pause when another process has taken
    the lease over, and a stopped scheduler does not release a lease it no longer holds."""
    from lms_core.scheduler import run_with_lease

    app.config["LMS_SCHEDULER_LEASE_SECONDS"] = 0.6
    scheduler, stop = RecordingScheduler(), threading.Event()
    runner = threading.Thread(target=run_with_lease, args=(app, stop),
                              kwargs={"holder": "me", "scheduler": scheduler})
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while "resume" not in scheduler.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scheduler.calls == ["start paused", "resume"]
        table = SchedulerLease.__table__
        with db.engine.begin() as conn:  # another process takes over (this one had stalled)
            conn.execute(table.update().values(holder="thief",
                                               expires_at=utcnow() + timedelta(hours=1)))
        while "pause" not in scheduler.calls and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        runner.join()
    assert scheduler.calls == ["start paused", "resume", "pause", "shutdown"]
    assert _lease().holder == "thief"


# -- two real scheduler processes -----------------------------------------------------------
@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory) -> Path:
    """A SQLite file built by ``lms db upgrade`` in a subprocess, copied by each test."""
    folder = tmp_path_factory.mktemp("scheduler-template")
    path = folder / "lms.db"
    env = _env(folder / "instance")
    env["LMS_DATABASE_URL"] = f"sqlite:///{path}"
    subprocess.run([LMS, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    return path


def _env(instance: Path) -> dict[str, str]:
    """The environment of a child ``lms``: no LMS_* from ours (except the plugin switch),
    its own instance folder, and the repository on the path for the test job."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(LMS_INSTANCE_PATH=str(instance), LMS_CONFIG="testing",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    return env


class Site:
    """A copy of the migrated database and an instance folder whose config.py sets a short
    lease and the pid-recording job."""

    def __init__(self, root: Path, template: Path, lease_seconds: float):
        self.root = root
        self.db = root / "lms.db"
        shutil.copy(template, self.db)
        self.pid_file = root / "pids.txt"
        self.instance = root / "instance"
        self.instance.mkdir()
        (self.instance / "config.py").write_text(
            f"SQLALCHEMY_DATABASE_URI = {f'sqlite:///{self.db}'!r}\n"
            'LMS_PLUGINS = "none"\n'
            f"LMS_SCHEDULER_LEASE_SECONDS = {lease_seconds}\n"
            'LMS_SCHEDULER_EXTRA_JOBS = ["tests.core.test_scheduler:record_pid:0.5"]\n'
            f"LMS_TEST_PID_FILE = {str(self.pid_file)!r}\n", encoding="utf-8")
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log_path = self.root / f"scheduler-{len(self.processes)}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([LMS, "scheduler", "run"], env=_env(self.instance),
                                    cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = log_path  # type: ignore[attr-defined]
        self.processes.append(proc)
        return proc

    def log(self, proc: subprocess.Popen) -> str:
        return proc.log_path.read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]

    def pids(self) -> list[int]:
        if not self.pid_file.exists():
            return []
        return [int(line) for line in self.pid_file.read_text().split()]

    def lease(self) -> dict:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.db}",
                                     "LMS_PLUGINS": "none"})
        with app.app_context():
            lease = db.session.get(SchedulerLease, "default")
            out = {"holder": lease.holder, "expires_at": lease.expires_at, "now": utcnow()}
            db.session.remove()
            out["free"] = acquire_lease("default", "the-test", 600)
            db.engine.dispose()
        return out

    def stop_all(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def wait_for(predicate, what: str, site: Site, timeout: float = 60) -> None:
    """Poll ``predicate`` until it holds; fail with the processes' logs after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    logs = "\n".join(site.log(p) for p in site.processes)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


@pytest.fixture
def site(tmp_path, migrated_db):
    def make(lease_seconds: float) -> Site:
        made.append(Site(tmp_path, migrated_db, lease_seconds))
        return made[-1]

    made: list[Site] = []
    yield make
    for s in made:
        s.stop_all()


@pytest.mark.slow
def test_a_second_scheduler_stays_idle_and_takes_over_when_the_first_dies(site):
    """With two scheduler processes only one runs the jobs; killing it (no clean-up at all)
    lets the other take over once the lease expires."""
    s = site(lease_seconds=3)
    first = s.start()
    wait_for(lambda: first.pid in s.pids(), "the first scheduler to run the job", s)
    second = s.start()
    wait_for(lambda: "on standby" in s.log(second), "the second scheduler on standby", s)
    seen = len(s.pids())
    # Both run for more than a lease period (8 more runs of a half-second job); the second
    # tries to take the lease every second all along.
    wait_for(lambda: len(s.pids()) >= seen + 8, "more runs of the job", s)
    assert set(s.pids()) == {first.pid}
    assert second.poll() is None

    first.send_signal(signal.SIGKILL)
    first.wait()
    wait_for(lambda: second.pid in s.pids(), "the second scheduler to take over", s)
    pids = s.pids()
    takeover = pids.index(second.pid)
    assert set(pids[:takeover]) == {first.pid} and set(pids[takeover:]) == {second.pid}
    assert "holds the lease" in s.log(second)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_scheduler_releases_the_lease_at_once(site, signum):
    """SIGTERM or Ctrl+C ends the scheduler cleanly and frees a ten-minute lease, so another
    process can take it straight away instead of waiting for it to expire."""
    s = site(lease_seconds=600)
    proc = s.start()
    wait_for(lambda: proc.pid in s.pids(), "the scheduler to run the job", s)
    proc.send_signal(signum)
    assert proc.wait(timeout=60) == 0
    assert "released the lease" in s.log(proc)
    lease = s.lease()
    assert lease["holder"].split(":")[1] == str(proc.pid)
    assert lease["expires_at"] <= lease["now"] and lease["free"]


def test_scheduler_status_command(app, runner):
    """``lms scheduler status`` tells whether and where a scheduler runs."""
    assert "no scheduler" in runner.invoke(args=["scheduler", "status"]).output
    acquire_lease("default", "node-2:4242:beef", 30)
    output = runner.invoke(args=["scheduler", "status"]).output
    assert "holder: node-2:4242:beef" in output and "healthy: yes" in output


def test_extra_jobs_setting_adds_jobs(app, runner):
    """``LMS_SCHEDULER_EXTRA_JOBS`` adds site jobs to the list; a bad entry is refused."""
    app.config["LMS_SCHEDULER_EXTRA_JOBS"] = "tests.core.test_scheduler:record_pid:5"
    output = runner.invoke(args=["scheduler", "list"]).output
    assert "extra.tests.core.test_scheduler.record_pid\tinterval(seconds=5.0)" in output
    app.config["LMS_SCHEDULER_EXTRA_JOBS"] = ["tests.core.test_scheduler:no_such_job:5"]
    result = runner.invoke(args=["scheduler", "list"])
    assert result.exit_code != 0 and "LMS_SCHEDULER_EXTRA_JOBS" in str(result.exception)
