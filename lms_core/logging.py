"""Structured logs with request ids.

Every request gets an id: the incoming ``X-Request-ID`` header when it is a sane token (the
reverse proxy's ``$request_id``), else a new uuid4 hex. It is ``flask.g.request_id``, is sent
back in the ``X-Request-ID`` response header, and is the ``request_id`` attribute of every log
record made while the request runs, whatever logger makes it. The app writes one access line
per request (logger ``lms_core.access``), so the same lines come out under any server.

Logs go to stderr (journald under systemd): JSON lines when ``LMS_LOG_FORMAT`` is ``json``
(the production setting), one readable line otherwise. A JSON line holds ``time`` (UTC),
``level``, ``logger``, ``message`` and, when known, ``request_id``, ``method``, ``path``,
``status``, ``duration_ms``, ``user_id`` and ``exc`` (a traceback).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request

#: The header carrying the request id in and out.
REQUEST_ID_HEADER = "X-Request-ID"
#: An incoming id is kept when it is 1 to 128 of these characters; anything else (spaces,
#: quotes, line breaks: log injection) is replaced by a new id.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
#: Fields a JSON line takes from the record when present, in this order.
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id", "remote_addr")

access_log = logging.getLogger("lms_core.access")


def request_id_from(value: str | None) -> str:
    """The incoming id when it is a sane token, else a new uuid4 hex."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    if has_request_context():
        return g.get("request_id")
    return None


def _current_user_id() -> int | None:
    """The logged-in user's id when Flask-Login has loaded the user in this request; never
    loads it (a log line must not query the database)."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return getattr(user, "id", None)
    return None


# -- records ---------------------------------------------------------------------------------
_factory_installed = False


def _install_record_factory() -> None:
    """Give every log record of the process a ``request_id`` attribute (None outside a
    request), so any handler and format can use it."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


class RequestContextFilter(logging.Filter):
    """Adds the request's method, path and user id to records made during a request (where the
    record does not carry them already), so the handler's format can show them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        if has_request_context():
            for name, value in (("method", request.method), ("path", request.path),
                                ("user_id", _current_user_id())):
                if getattr(record, name, None) is None:
                    setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; see the module docstring for its fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.stack_info:
            out["exc"] = self.formatStack(record.stack_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A readable line for development: time, level, request id, logger, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(rid)s] %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.rid = getattr(record, "request_id", None) or "-"
        return super().format(record)


def make_formatter(kind: str) -> logging.Formatter:
    """The formatter for ``LMS_LOG_FORMAT``: ``json`` or ``text``."""
    if kind == "json":
        return JsonFormatter()
    if kind == "text":
        return TextFormatter()
    raise ValueError(f"LMS_LOG_FORMAT must be json or text, not {kind!r}")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler.setStream; the stream is always stderr
        pass


def configure_root(kind: str, level: str | int = "INFO") -> logging.Handler:
    """Send the process's logs to stderr in format ``kind``, replacing a handler this function
    installed before (so calling it again changes the format, never doubles the lines)."""
    _install_record_factory()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_lms_handler", False):
            root.removeHandler(handler)
    handler = StderrHandler()
    handler._lms_handler = True  # type: ignore[attr-defined]
    handler.setFormatter(make_formatter(kind))
    handler.addFilter(RequestContextFilter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler


# -- gunicorn --------------------------------------------------------------------------------
try:
    from gunicorn.glogging import Logger as _GunicornBase
except ImportError:  # pragma: no cover - gunicorn is a dependency; development may lack it
    _GunicornBase = object  # type: ignore[assignment,misc]


class GunicornLogger(_GunicornBase):  # type: ignore[misc,valid-type]
    """Gunicorn's own log lines (``gunicorn.error``, and ``gunicorn.access`` when its access log
    is switched on) in the app's format: ``LMS_LOG_FORMAT`` from the environment, ``json`` by
    default since ``gunicorn.conf.py`` is the production set-up. An access line carries the
    request id the app sent back, so it joins the app's lines."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        formatter = make_formatter(os.environ.get("LMS_LOG_FORMAT", "json").strip().lower())
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log.handlers:  # gunicorn's access log is off (the default)
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        items = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
        headers = {k.lower(): v for k, v in items}
        record = self.access_log.makeRecord(
            self.access_log.name, logging.INFO, __file__, 0, "%s %s %s",
            (environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status), None)
        record.request_id = headers.get(REQUEST_ID_HEADER.lower())
        record.method = environ.get("REQUEST_METHOD")
        record.path = environ.get("PATH_INFO")
        record.status = int(status) if str(status).isdigit() else status
        record.duration_ms = round(request_time.total_seconds() * 1000, 1)
        record.remote_addr = environ.get("REMOTE_ADDR")
        try:
            self.access_log.handle(record)
        except Exception:  # noqa: BLE001 - a log line must never fail a request
            self.error_log.exception("access log failed")


# -- requests --------------------------------------------------------------------------------
def _start_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish_request(response):
    request_id = g.get("request_id")
    if request_id is None:  # a response made before our before_request ran
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    access_log.info("%s %s %s", request.method, request.path, response.status_code,
                    extra={"status": response.status_code, "duration_ms": duration_ms,
                           "remote_addr": request.remote_addr})
    return response


def init_logging(app: Flask) -> None:
    """Give ``app``'s requests ids and access lines, and send the process's logs to stderr in
    ``LMS_LOG_FORMAT`` (``json`` or ``text``) at ``LMS_LOG_LEVEL`` (default INFO). Called by
    the app factory; calling it again applies a changed format or level and registers
    nothing twice."""
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)  # the root handler prints the app's lines
    configure_root(str(app.config.get("LMS_LOG_FORMAT") or "text").lower(),
                   str(app.config.get("LMS_LOG_LEVEL") or "INFO").upper())
    if "lms_logging" in app.extensions:
        return
    # First of all before_request functions, so every later one logs with the id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    app.extensions["lms_logging"] = True
