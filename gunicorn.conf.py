"""Gunicorn settings for production. Run from the directory holding this file:

    gunicorn -c gunicorn.conf.py "lms_core:create_app()"

Every value comes from an environment variable with a default that suits one machine behind a
reverse proxy on the same host (docs/deployment.md). ``preload_app`` stays off: each worker
imports and creates its own app, and so its own SQLAlchemy engine and connection pool, after
the fork (a pool must never be shared across processes).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (cgroups, taskset)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


wsgi_app = "lms_core:create_app()"
#: Addresses to listen on, comma-separated (``127.0.0.1:8000``, ``unix:/run/lms/lms.sock``).
bind = [b.strip() for b in os.environ.get("LMS_BIND", "127.0.0.1:8000").split(",") if b.strip()]
workers = _int("LMS_WORKERS", 2 * _cores() + 1)
#: Threads per worker: requests mostly wait on the database, so a few threads per process
#: serve more users for the same memory. Each thread may hold one database connection.
threads = _int("LMS_THREADS", 4)
worker_class = "gthread"
#: A request taking longer than this (seconds) gets its worker killed and restarted.
timeout = _int("LMS_TIMEOUT", 60)
#: On stop or reload, workers get this long to finish the requests they hold.
graceful_timeout = _int("LMS_GRACEFUL_TIMEOUT", 30)
keepalive = _int("LMS_KEEPALIVE", 5)
#: Recycle each worker after about this many requests (the jitter spreads the restarts), so a
#: slow leak never grows; 0 switches it off.
max_requests = _int("LMS_MAX_REQUESTS", 1000)
max_requests_jitter = _int("LMS_MAX_REQUESTS_JITTER", 100)
#: The reverse proxies whose X-Forwarded-Proto gunicorn believes (comma-separated, ``*`` for
#: any). Client addresses from X-Forwarded-For are the app's business (LMS_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("LMS_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
preload_app = False
proc_name = "lms"
#: gunicorn 25.1+ can listen on a control socket for ``gunicornc``; off unless
#: LMS_CONTROL_SOCKET names one (e.g. /run/lms/gunicorn.ctl), so two servers on one host never
#: fight over the default path in the home folder. systemctl reload (HUP) needs none.
control_socket_disable = not os.environ.get("LMS_CONTROL_SOCKET", "").strip()
if not control_socket_disable:
    control_socket = os.environ["LMS_CONTROL_SOCKET"].strip()
#: Workers' heartbeat files in memory (tmpfs), never on a slow disk; gunicorn creates them with
#: mkstemp, unlinked at once, so the shared folder is safe.
_SHM = "/dev/shm"  # noqa: S108  # nosec B108
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM

# Logs: everything on stderr (journald), in LMS_LOG_FORMAT (json unless set to text), the app's
# lines and gunicorn's alike. The app writes one access line per request itself, with the
# request id; gunicorn's own access log is off unless LMS_GUNICORN_ACCESS_LOG names a file or
# "-" (stdout), and then uses the same format and carries the same request id.
errorlog = "-"
loglevel = os.environ.get("LMS_LOG_LEVEL", "info").strip().lower()
accesslog = os.environ.get("LMS_GUNICORN_ACCESS_LOG", "").strip() or None
logger_class = "lms_core.logging.GunicornLogger"
