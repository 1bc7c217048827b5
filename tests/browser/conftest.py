"""Browser journeys: Debian's Chromium (/usr/bin/chromium) driven by Playwright's sync API,
against the app served by a real gunicorn process on 127.0.0.1.

The server's database is built once per session with the real command line, as an
administrator would: ``lms db upgrade`` and ``lms demo load --officers 60`` (which imports
and publishes the shipped courses), in a temporary instance folder, with the
production configuration (``LMS_CONFIG=production``) and an ``instance/config.py`` holding
what plain http on 127.0.0.1 needs. Tests read the database (and, where a journey says why,
prepare it) through SQLAlchemy in the test process: :meth:`LiveServer.session`.

Skipped, saying why, where Chromium or Playwright is missing (CI installs Chromium with
scripts/system-deps.sh; ``playwright install`` is never used). A failing test leaves a
full-page screenshot of the pages it had open in test-artifacts/browser/<test name>.png.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the tests are skipped: the chromium_path fixture says why
    expect = None

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts" / "browser"
#: Generated officers in the demo organisation, on top of the documented demo accounts.
DEMO_OFFICERS = 60
#: The study-time idle timeout of the server under test (seconds), short so that a test can
#: go past it quickly.
STUDY_IDLE_SECONDS = 3
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: Longest wait of an action or assertion (ms): a broken page fails fast.
TIMEOUT_MS = 10_000

INSTANCE_CONFIG = f"""\
# Written by tests/browser/conftest.py for the browser tests' server.
# The tests talk plain http to 127.0.0.1: a Secure cookie would never come back.
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_SECURE = False
# Short, so that the study-time journey can go past it without waiting minutes.
LMS_STUDY_IDLE_SECONDS = {STUDY_IDLE_SECONDS}
# Every browser context logs in from 127.0.0.1: the per-address login limit is for real
# clients, not for one test run logging in a dozen people.
LMS_LOGIN_LIMIT_PER_IP = 10_000
# No scheduler process runs beside this server.
LMS_HEALTH_REQUIRE_SCHEDULER = False
"""


# -- the Vietnamese UI ---------------------------------------------------------------------------

@functools.cache
def _catalog():
    from babel.support import NullTranslations, Translations

    catalog = Translations.load(str(REPO / "lms_core" / "translations"), ["vi"])
    if type(catalog) is NullTranslations:
        raise RuntimeError("lms_core/translations/vi/LC_MESSAGES/messages.mo is missing: "
                           "compile the catalogs first (make translations)")
    return catalog


def vi(msgid: str, **values: Any) -> str:
    """``msgid`` as the Vietnamese UI shows it (the core's compiled catalog), formatted."""
    text = _catalog().gettext(msgid)
    return text % values if values else text


def today() -> str:
    """Today as the forms take it: dd/mm/yyyy."""
    return date.today().strftime("%d/%m/%Y")


# -- small helpers for the journeys ----------------------------------------------------------------

def log_in(page, username: str, password: str) -> None:
    """Log in through the login form, as a person does."""
    page.goto("/login")
    page.get_by_label(vi("Username or personnel code")).fill(username)
    page.get_by_label(vi("Password"), exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Log in")).click()
    if urlsplit(page.url).path == "/login":
        raise AssertionError(f"{username} could not log in: {flash_text(page)!r}")


def next_page(page, button: str) -> None:
    """Press a button that leads to another page, and wait for that page."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def go_to(page, msgid: str) -> None:
    """Follow an item of the main navigation (opening the menu first on a phone)."""
    toggle = page.get_by_role("button", name=vi("Menu"))
    if toggle.is_visible():
        toggle.click()
    nav = page.get_by_role("navigation", name=vi("Main navigation"))
    with page.expect_navigation():
        nav.get_by_role("link", name=vi(msgid), exact=True).click()


def flash_text(page) -> str:
    """The flash messages of the page, joined."""
    return " | ".join(page.locator(".flash").all_inner_texts())


def fits_width(page) -> bool:
    """Whether the page has no horizontal scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def csrf_token(page) -> str:
    """The CSRF token of the page's forms (every page has the language switch)."""
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


# -- the server -----------------------------------------------------------------------------------

@dataclass
class LiveServer:
    """The app under test: its address, instance folder and database."""

    url: str
    instance: Path
    database_url: str
    engine: Any
    #: The server's LMS_SECRET_KEY, so that a test can check no page ever shows it.
    secret_key: str
    #: gunicorn's output: its own lines and the app's log (errors with their tracebacks).
    log: Path

    def session(self):
        """A new SQLAlchemy session on the server's database (use it in a ``with``)."""
        from sqlalchemy.orm import Session

        return Session(self.engine, expire_on_commit=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: Settings about the machine rather than the app, passed on to the server when set.
MACHINE_SETTINGS = ("LMS_CERTIFICATE_FONT_DIR",)


def _server_env(instance: Path, database_url: str, secret_key: str) -> dict[str, str]:
    """The environment of the CLI and the server: the settings given here, none of the
    caller's other ``LMS_*`` (a database, a media folder or plugins of their own)."""
    env = {k: v for k, v in os.environ.items()
           if (not k.startswith("LMS_") or k in MACHINE_SETTINGS) and k != "GUNICORN_CMD_ARGS"}
    env.update(LMS_INSTANCE_PATH=str(instance), LMS_DATABASE_URL=database_url,
               LMS_CONFIG="production", LMS_SECRET_KEY=secret_key)
    return env


def _script(name: str) -> str:
    path = Path(sys.executable).parent / name
    if not path.exists():
        pytest.fail(f"{path} is missing: install the project in this virtualenv "
                    f"(pip install -e '.[test]')")
    return str(path)


def _run(args: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)
    if done.returncode != 0:
        pytest.fail(f"`{' '.join(args)}` failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
                    f"{done.stderr[-3000:]}")


def _gunicorn_args(port: int) -> list[str]:
    from gunicorn.config import KNOWN_SETTINGS

    args = [_script("gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}"]
    if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS):
        args.append("--no-control-socket")  # several servers may run on this machine at once
    return [*args, "lms_core:create_app()"]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"{url}/healthz did not answer 200 within {timeout:.0f} s:\n"
                f"{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, or a skip saying how to get it."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package "
                    f"(scripts/system-deps.sh, run by `make test`, does it as root)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(chromium_path, tmp_path_factory):
    """gunicorn with two workers serving the demo organisation and the shipped courses."""
    import sqlalchemy as sa

    import lms_core.models  # noqa: F401  (every table mapped, SQLite pragmas registered)

    root = tmp_path_factory.mktemp("browser-server")
    instance = root / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(INSTANCE_CONFIG, encoding="utf-8")
    database_url = f"sqlite:///{instance / 'lms.db'}"
    secret_key = secrets.token_urlsafe(32)
    env = _server_env(instance, database_url, secret_key)
    lms = _script("lms")
    # Run from the temporary folder: nothing of the working copy (instance/, a gunicorn.conf.py)
    # is picked up by accident.
    _run([lms, "db", "upgrade"], env, root)
    _run([lms, "demo", "load", "--officers", str(DEMO_OFFICERS)], env, root)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(_gunicorn_args(port), env=env, cwd=root, stdout=out,
                                   stderr=subprocess.STDOUT)
    engine = sa.create_engine(database_url)
    try:
        _wait_healthy(url, process, log)
        yield LiveServer(url=url, instance=instance, database_url=database_url, engine=engine,
                         secret_key=secret_key, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        engine.dispose()


# -- the browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium(chromium_path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_as(request, chromium, live_server):
    """``page_as(username, viewport=DESKTOP, *, password=DEMO_PASSWORD, mobile=None)`` -> a
    page in a new browser context, logged in as ``username`` through the login form
    (``username=None``: not logged in). ``mobile`` (default: a viewport narrower than 600
    px) emulates a phone: touch, mobile viewport rules. Every dialog a page opens is dismissed
    and recorded in ``page_as.dialogs``."""
    from lms_core.demo.loader import DEMO_PASSWORD

    contexts = []
    pages = request.node._browser_pages = []
    request.node._server_log = (live_server.log, live_server.log.stat().st_size)
    dialogs: list[str] = []

    def record(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open_page(username: str | None = None, viewport: dict | None = None, *,
                  password: str = DEMO_PASSWORD, mobile: bool | None = None):
        viewport = viewport or DESKTOP
        mobile = viewport["width"] < 600 if mobile is None else mobile
        context = chromium.new_context(
            base_url=live_server.url, viewport=viewport, is_mobile=mobile, has_touch=mobile,
            locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        context.on("page", lambda page: (pages.append(page), page.on("dialog", record)))
        page = context.new_page()
        if username is not None:
            log_in(page, username, password)
        return page

    open_page.dialogs = dialogs
    yield open_page
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a full-page screenshot of every page a failed browser test had open, and show
    the errors the server logged during the test."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    log, offset = getattr(item, "_server_log", (None, 0))
    if log is not None and log.exists():
        with log.open(encoding="utf-8", errors="replace") as text:
            text.seek(offset)
            written = text.read()
        quiet = ('"level": "INFO"', '"level": "DEBUG"', "[INFO]", "[DEBUG]")
        errors = "\n".join(line for line in written.splitlines()
                           if line.strip() and not any(q in line for q in quiet))
        if errors:
            report.sections.append(("server log: warnings and errors", errors[-6000:]))
    pages = [p for p in getattr(item, "_browser_pages", []) if not p.is_closed()]
    if not pages:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
    saved = []
    for number, page in enumerate(reversed(pages)):  # the latest page gets the plain name
        path = ARTIFACTS / (f"{name}.png" if number == 0 else f"{name}-{number + 1}.png")
        try:
            page.screenshot(path=str(path), full_page=True, timeout=TIMEOUT_MS)
        except Exception as exc:  # noqa: BLE001 - a screenshot must never hide the failure
            report.sections.append(("browser screenshot", f"{path}: not saved ({exc})"))
            continue
        saved.append(f"{path.relative_to(REPO)} ({page.url})")
    if saved:
        report.sections.append(("browser screenshots", "\n".join(saved)))
