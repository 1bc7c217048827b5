"""Production running: request ids and structured logs, the health check, the gunicorn
settings, and a real gunicorn serving the app."""

from __future__ import annotations

import json
import logging
import os
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from lms_core import create_app
from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.logging import init_logging
from lms_core.scheduler import acquire_lease

ROOT = Path(__file__).resolve().parents[2]
HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def logged_app(app):
    """The app with request ids and JSON log lines on stderr."""
    app.config["LMS_LOG_FORMAT"] = "json"
    init_logging(app)
    return app


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _access_line(lines: list[dict], request_id: str) -> dict:
    matches = [line for line in lines
               if line["logger"] == "lms_core.access" and line.get("request_id") == request_id]
    assert len(matches) == 1, lines
    return matches[0]


# -- request ids and logs --------------------------------------------------------------------
def test_each_request_gets_a_new_id_in_the_response(logged_app, client):
    """Without an incoming id, every response carries a new one."""
    first = client.get("/login").headers["X-Request-ID"]
    second = client.get("/login").headers["X-Request-ID"]
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second) and first != second


def test_the_proxys_request_id_is_kept_when_sane(logged_app, client):
    """The reverse proxy's id is echoed; a malformed or oversized one is replaced."""
    response = client.get("/login", headers={"X-Request-ID": "nginx-7f3a.42:b_c"})
    assert response.headers["X-Request-ID"] == "nginx-7f3a.42:b_c"
    for bad in ['a"b', "two words", "x" * 200, "-leading-dash"]:
        response = client.get("/login", headers={"X-Request-ID": bad})
        assert HEX32.fullmatch(response.headers["X-Request-ID"]), bad


def test_log_records_during_a_request_carry_its_id(logged_app, caplog):
    """A line logged by any code while a request runs carries that request's id."""
    def noisy():
        logging.getLogger("lms_core.somewhere").warning("checking %s", "stock")
        return "done"

    logged_app.add_url_rule("/_test/noisy", view_func=noisy)
    with caplog.at_level(logging.INFO):
        response = logged_app.test_client().get("/_test/noisy")
    request_id = response.headers["X-Request-ID"]
    record = next(r for r in caplog.records if r.getMessage() == "checking stock")
    assert record.request_id == request_id
    outside = logging.getLogger("lms_core.somewhere").makeRecord(
        "x", logging.INFO, __file__, 1, "outside", (), None)
    assert outside.request_id is None


def test_one_json_access_line_per_request(logged_app, client, capsys):
    """Each request writes one JSON access line with method, path, status, duration and id."""
    capsys.readouterr()
    response = client.get("/no-such-page", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 404
    line = _access_line(_json_lines(capsys.readouterr().err), "req-1")
    assert line["method"] == "GET" and line["path"] == "/no-such-page"
    assert line["status"] == 404 and line["level"] == "INFO"
    assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0
    assert line["message"] == "GET /no-such-page 404"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert "user_id" not in line


def test_access_line_names_the_logged_in_user(logged_app, client, auth, make_user, capsys):
    """A logged-in user's requests are logged with the user's id."""
    user = make_user("canbo1")
    auth.login("canbo1")
    capsys.readouterr()
    response = client.get("/dashboard")
    assert response.status_code == 200
    line = _access_line(_json_lines(capsys.readouterr().err), response.headers["X-Request-ID"])
    assert line["user_id"] == user.id and line["path"] == "/dashboard"


def test_development_logs_are_readable_text(app, client, capsys):
    """In development each line is plain text showing the request id."""
    app.config["LMS_LOG_FORMAT"] = "text"
    init_logging(app)
    capsys.readouterr()
    request_id = client.get("/login").headers["X-Request-ID"]
    err = capsys.readouterr().err
    assert f"INFO [{request_id}] lms_core.access: GET /login 200" in err
    assert not err.lstrip().startswith("{")


def test_an_error_is_logged_with_its_traceback_and_request_id(logged_app, capsys):
    """An unhandled error yields a JSON line with the traceback, under the request's id."""
    def broken():
        raise RuntimeError("boom")

    logged_app.add_url_rule("/_test/broken", view_func=broken)
    capsys.readouterr()
    response = logged_app.test_client().get("/_test/broken", headers={"X-Request-ID": "r-500"})
    assert response.status_code == 500
    lines = [line for line in _json_lines(capsys.readouterr().err)
             if line.get("request_id") == "r-500"]
    error = next(line for line in lines if line["level"] == "ERROR")
    assert "RuntimeError: boom" in error["exc"]
    assert _access_line(lines, "r-500")["status"] == 500


# -- /healthz --------------------------------------------------------------------------------
def test_healthz_is_public_and_reports_database_and_scheduler(client):
    """Anyone may ask; with no scheduler ever run it is still healthy, and says so."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] is True
    assert body["scheduler"]["ok"] is False and body["scheduler"]["holder"] is None


def test_healthz_shows_the_running_scheduler(client):
    """A scheduler renewing its lease is reported with its holder and heartbeat."""
    acquire_lease("default", "app2:811:0c0ffee0", 30)
    scheduler = client.get("/healthz").get_json()["scheduler"]
    assert scheduler["ok"] is True and scheduler["held"] is True
    assert scheduler["holder"] == "app2:811:0c0ffee0"
    assert scheduler["renewed_at"].endswith("Z")


def test_a_stalled_scheduler_fails_healthz_only_when_required(app, client):
    """A lease not renewed for three periods is reported; it makes the check fail only when
    LMS_HEALTH_REQUIRE_SCHEDULER is on."""
    acquire_lease("default", "app2:811:0c0ffee0", 30, now=utcnow() - timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["scheduler"]["ok"] is False
    app.config["LMS_HEALTH_REQUIRE_SCHEDULER"] = True
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"
    acquire_lease("default", "app3:9:feed", 30)
    assert client.get("/healthz").status_code == 200


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    """An app whose database cannot be opened answers 503, without revealing where it is."""
    url = f"sqlite:///{tmp_path / 'missing' / 'lms.db'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "LMS_PLUGINS": "none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] is False
    assert body["scheduler"]["ok"] is False
    text = response.get_data(as_text=True)
    assert "missing" not in text and app.config["SECRET_KEY"] not in text
    with app.app_context():
        db.engine.dispose()


# -- gunicorn --------------------------------------------------------------------------------
def _gunicorn_settings(monkeypatch, **env) -> dict:
    for name in list(os.environ):
        if name.startswith("LMS_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_defaults_suit_one_machine_behind_a_proxy(monkeypatch):
    """By default: loopback only, 2 x cores + 1 workers, no preloading, recycled workers."""
    from gunicorn.config import Config

    settings = _gunicorn_settings(monkeypatch)
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert settings["threads"] >= 1 and settings["timeout"] == 60
    assert settings["preload_app"] is False
    assert settings["max_requests"] > 0 and 0 < settings["max_requests_jitter"]
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert settings["accesslog"] is None and settings["errorlog"] == "-"
    assert settings["control_socket_disable"] is True
    cfg = Config()
    for name in ("wsgi_app", "bind", "workers", "threads", "worker_class", "timeout",
                 "graceful_timeout", "keepalive", "max_requests", "max_requests_jitter",
                 "forwarded_allow_ips", "preload_app", "loglevel", "logger_class"):
        cfg.set(name, settings[name])  # gunicorn validates each value
    assert cfg.logger_class.__name__ == "GunicornLogger"


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    """Each setting can be changed by its LMS_* variable."""
    settings = _gunicorn_settings(
        monkeypatch, LMS_BIND="0.0.0.0:9000, unix:/run/lms/lms.sock", LMS_WORKERS="3",
        LMS_THREADS="8", LMS_TIMEOUT="120", LMS_GRACEFUL_TIMEOUT="10", LMS_MAX_REQUESTS="0",
        LMS_FORWARDED_ALLOW_IPS="10.0.0.5", LMS_GUNICORN_ACCESS_LOG="-",
        LMS_LOG_LEVEL="WARNING", LMS_CONTROL_SOCKET="/run/lms/gunicorn.ctl")
    assert settings["bind"] == ["0.0.0.0:9000", "unix:/run/lms/lms.sock"]
    assert (settings["workers"], settings["threads"], settings["timeout"]) == (3, 8, 120)
    assert settings["graceful_timeout"] == 10 and settings["max_requests"] == 0
    assert settings["forwarded_allow_ips"] == "10.0.0.5"
    assert settings["accesslog"] == "-" and settings["loglevel"] == "warning"
    assert settings["control_socket"] == "/run/lms/gunicorn.ctl"
    assert settings["control_socket_disable"] is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - local server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


@pytest.mark.slow
def test_gunicorn_serves_the_app_with_the_production_settings(template_db, tmp_path):
    """gunicorn started with gunicorn.conf.py serves /healthz and /login from a migrated
    database, logs JSON lines carrying the request id, and stops cleanly on SIGTERM."""
    shutil.copy(template_db, tmp_path / "lms.db")
    instance = tmp_path / "instance"
    instance.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(LMS_CONFIG="production", LMS_SECRET_KEY="smoke-test-secret-" + "x" * 32,
               LMS_INSTANCE_PATH=str(instance), LMS_DATABASE_URL=f"sqlite:///{tmp_path}/lms.db",
               LMS_BIND=f"127.0.0.1:{port}", LMS_WORKERS="2", LMS_THREADS="2",
               LMS_GUNICORN_ACCESS_LOG="-")
    if "LMS_PLUGINS" in os.environ:  # the core-alone run keeps its plugin switch
        env["LMS_PLUGINS"] = os.environ["LMS_PLUGINS"]
    log_path = tmp_path / "gunicorn.log"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", "lms_core:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _headers, body = _get(base + "/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + log_path.read_text())
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["database"] is True
        status, headers, body = _get(base + "/login", {"X-Request-ID": "smoke-login-1"})
        assert status == 200 and "<form" in body.decode()
        assert headers["X-Request-ID"] == "smoke-login-1"
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0
    lines = _json_lines(log_path.read_text())
    app_line = _access_line(lines, "smoke-login-1")
    assert app_line["status"] == 200 and app_line["path"] == "/login"
    server_line = next(line for line in lines if line["logger"] == "gunicorn.access"
                       and line.get("request_id") == "smoke-login-1")
    assert server_line["status"] == 200 and server_line["method"] == "GET"
    assert any("Listening at" in line["message"] for line in lines
               if line["logger"] == "gunicorn.error")
