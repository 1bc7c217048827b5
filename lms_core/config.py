"""Configuration classes. Every ``LMS_*`` setting can be overridden by an environment variable
of the same name; ``instance/config.py`` is read last for a site's own values.

The README's configuration table lists them; :data:`ENV_SETTINGS` is its source.
"""

from __future__ import annotations

import os
from typing import Any

#: Environment variables read by the app, with the config key they set and a description.
ENV_SETTINGS: dict[str, tuple[str, str]] = {
    "LMS_CONFIG": ("", "development, testing or production (default: development)"),
    "LMS_DATABASE_URL": (
        "SQLALCHEMY_DATABASE_URI",
        "SQLAlchemy URL; default sqlite:///instance/lms.db. PostgreSQL: "
        "postgresql+psycopg://user:pass@host/dbname",
    ),
    "LMS_SECRET_KEY": ("SECRET_KEY", "session signing key; required in production"),
    "LMS_PLUGINS": ("LMS_PLUGINS", "plugins to load: all (default), none, or a comma list"),
    "LMS_DEFAULT_LOCALE": ("BABEL_DEFAULT_LOCALE", "vi (default) or en"),
    "LMS_LOGIN_MAX_FAILURES": ("LMS_LOGIN_MAX_FAILURES", "failed logins before lock-out (5)"),
    "LMS_LOGIN_LOCKOUT_MINUTES": ("LMS_LOGIN_LOCKOUT_MINUTES", "lock-out length in minutes (15)"),
    "LMS_PASSWORD_MIN_LENGTH": ("LMS_PASSWORD_MIN_LENGTH", "minimum password length (10)"),
    "LMS_IMPORT_MAX_BYTES": ("LMS_IMPORT_MAX_BYTES", "largest accepted upload in bytes (20 MiB)"),
    "LMS_MEDIA_DIR": ("LMS_MEDIA_DIR", "folder for course media; default instance/media"),
    "LMS_CONTENT_MAX_BYTES": ("LMS_CONTENT_MAX_BYTES", "largest course package (500 MiB)"),
    "LMS_CERTIFICATE_FONT_DIR": ("LMS_CERTIFICATE_FONT_DIR", "folder with DejaVuSans.ttf and "
                                 "DejaVuSans-Bold.ttf for certificates"),
    "LMS_XAPI_BASE": ("LMS_XAPI_BASE", "base IRI of the product's xAPI activities"),
    "LMS_XAPI_HOMEPAGE": ("LMS_XAPI_HOMEPAGE", "home page of the actors' xAPI accounts"),
    "LMS_XAPI_MAX_BATCH": ("LMS_XAPI_MAX_BATCH", "most statements in one POST to the LRS (500)"),
    "LMS_XAPI_MAX_REQUEST_BYTES": ("LMS_XAPI_MAX_REQUEST_BYTES", "largest statements request to "
                                   "the LRS, attachments included, in bytes (20 MiB)"),
    "LMS_XAPI_FORWARD_ENDPOINT": ("LMS_XAPI_FORWARD_ENDPOINT", "external LRS to forward "
                                  "statements to, until a target is saved at /admin/xapi (none)"),
    "LMS_XAPI_FORWARD_KEY": ("LMS_XAPI_FORWARD_KEY", "key (Basic user) for that LRS"),
    "LMS_XAPI_FORWARD_SECRET": ("LMS_XAPI_FORWARD_SECRET", "secret (Basic password) for that LRS"),
    "LMS_XAPI_FORWARD_VERSION": ("LMS_XAPI_FORWARD_VERSION", "xAPI version sent to it: 1.0.3 "
                                 "(default) or 2.0.0"),
    "LMS_XAPI_FORWARD_BATCH_SIZE": ("LMS_XAPI_FORWARD_BATCH_SIZE", "statements per forwarding "
                                    "request (50)"),
    "LMS_XAPI_FORWARD_TIMEOUT": ("LMS_XAPI_FORWARD_TIMEOUT", "seconds to wait for the external "
                                 "LRS to connect and answer (10)"),
    "LMS_XAPI_ACTOR_ID": ("LMS_XAPI_ACTOR_ID", "how statements name a person: code (the "
                          "personnel code, default) or pseudonym (a keyed hash); never e-mail"),
    "LMS_XAPI_PSEUDONYM_KEY": ("LMS_XAPI_PSEUDONYM_KEY", "secret key of the pseudonyms "
                               "(LMS_XAPI_ACTOR_ID=pseudonym); never change it afterwards"),
    "LMS_LOG_FORMAT": ("LMS_LOG_FORMAT", "text or json log lines on stderr (json in production)"),
    "LMS_LOG_LEVEL": ("LMS_LOG_LEVEL", "log level (INFO)"),
    "LMS_SCHEDULER_LEASE_SECONDS": ("LMS_SCHEDULER_LEASE_SECONDS", "the scheduler lease's length; "
                                    "a stopped scheduler is replaced after it (30)"),
    "LMS_HEALTH_REQUIRE_SCHEDULER": ("LMS_HEALTH_REQUIRE_SCHEDULER", "/healthz fails without a "
                                     "live scheduler (off)"),
    "LMS_SCHEDULER_EXTRA_JOBS": ("LMS_SCHEDULER_EXTRA_JOBS", "extra jobs module:function:seconds, "
                                 "comma-separated (tests, one-off operations)"),
    "LMS_TRUSTED_PROXIES": ("LMS_TRUSTED_PROXIES", "reverse proxies in front of the app whose "
                            "X-Forwarded-For/Proto are trusted (0; 1 behind nginx)"),
    "LMS_HSTS": ("LMS_HSTS", "send Strict-Transport-Security even on plain requests (off)"),
    "LMS_RATELIMIT_ENABLED": ("LMS_RATELIMIT_ENABLED", "rate limits on login and verification "
                              "(on)"),
    "LMS_LOGIN_LIMIT_PER_IP": ("LMS_LOGIN_LIMIT_PER_IP", "login attempts per client address per "
                               "LMS_LOGIN_LIMIT_PER_IP_WINDOW seconds (300 per 300)"),
    "LMS_LOGIN_LIMIT_PER_USER": ("LMS_LOGIN_LIMIT_PER_USER", "login attempts per account name per "
                                 "LMS_LOGIN_LIMIT_PER_USER_WINDOW seconds (10 per 900)"),
    "LMS_VERIFY_LIMIT_PER_IP": ("LMS_VERIFY_LIMIT_PER_IP", "certificate verifications per address "
                                "per LMS_VERIFY_LIMIT_PER_IP_WINDOW seconds (60 per 60)"),
    "LMS_LOGIN_LIMIT_PER_IP_WINDOW": ("LMS_LOGIN_LIMIT_PER_IP_WINDOW", "seconds (300)"),
    "LMS_LOGIN_LIMIT_PER_USER_WINDOW": ("LMS_LOGIN_LIMIT_PER_USER_WINDOW", "seconds (900)"),
    "LMS_VERIFY_LIMIT_PER_IP_WINDOW": ("LMS_VERIFY_LIMIT_PER_IP_WINDOW", "seconds (60)"),
    "LMS_STUDY_CAP_FACTOR": ("LMS_STUDY_CAP_FACTOR", "study time counted per lesson, at most "
                             "this multiple of its expected duration (3)"),
    "LMS_STUDY_IDLE_SECONDS": ("LMS_STUDY_IDLE_SECONDS", "no input this long = idle (300)"),
}


class Config:
    """Defaults shared by every environment."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # set from the instance folder when empty
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LMS_LANGUAGES = ("vi", "en")
    LMS_PLUGINS = "all"
    LMS_LOGIN_MAX_FAILURES = 5
    LMS_LOGIN_LOCKOUT_MINUTES = 15
    LMS_PASSWORD_MIN_LENGTH = 10
    LMS_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    MAX_CONTENT_LENGTH = 600 * 1024 * 1024
    #: Base of the IRIs of the product's xAPI activities, and the actors' account home page.
    LMS_XAPI_BASE = "https://hoctap.customs.gov.vn"
    LMS_XAPI_HOMEPAGE = "https://hoctap.customs.gov.vn"
    LMS_XAPI_PLATFORM = "Học tập Hải quan"
    #: How statements name a person: "code" (account named by the personnel code, with the
    #: name) or "pseudonym" (account named by a keyed hash of the code, no name). Never e-mail.
    LMS_XAPI_ACTOR_ID = "code"
    #: The pseudonyms' secret key (16 characters or more); changing it splits every person's
    #: record in two.
    LMS_XAPI_PSEUDONYM_KEY = ""
    #: Most statements the LRS accepts in one POST.
    LMS_XAPI_MAX_BATCH = 500
    #: Largest statements request (JSON, or multipart/mixed with attachments), in bytes.
    LMS_XAPI_MAX_REQUEST_BYTES = 20 * 1024 * 1024
    #: Forwarding to an external LRS: the target until an HR administrator saves one at
    #: /admin/xapi/forwarding (see lms_core/xapi/forwarding.py).
    LMS_XAPI_FORWARD_ENDPOINT = ""
    LMS_XAPI_FORWARD_KEY = ""
    LMS_XAPI_FORWARD_SECRET = ""
    LMS_XAPI_FORWARD_VERSION = "1.0.3"
    LMS_XAPI_FORWARD_BATCH_SIZE = 50
    LMS_XAPI_FORWARD_TIMEOUT = 10
    #: Where uploaded media (videos, PDFs) are kept; empty: ``instance/media``. In a cluster,
    #: a shared mount.
    LMS_MEDIA_DIR = ""
    #: Largest course package (zip or expanded) accepted.
    LMS_CONTENT_MAX_BYTES = 500 * 1024 * 1024
    #: Folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf for certificate PDFs.
    LMS_CERTIFICATE_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
    #: Logs: "text" lines or "json" lines (with request ids) on stderr.
    LMS_LOG_FORMAT = "text"
    LMS_LOG_LEVEL = "INFO"
    #: The scheduler's database lease: only its holder runs the jobs; renewed every third.
    LMS_SCHEDULER_LEASE_SECONDS = 30
    #: /healthz answers 503 when no scheduler holds the lease (off: app servers stay healthy
    #: while the scheduler restarts).
    LMS_HEALTH_REQUIRE_SCHEDULER = False
    #: Extra jobs ``module:function:seconds`` (for tests and one-off operations).
    LMS_SCHEDULER_EXTRA_JOBS: list = []
    #: Reverse proxies in front of the app (X-Forwarded-For/Proto are trusted that deep).
    LMS_TRUSTED_PROXIES = 0
    LMS_HSTS = False
    LMS_HSTS_MAX_AGE = 31536000
    #: Rate limits (counters in the database, shared by every worker and server).
    LMS_RATELIMIT_ENABLED = True
    #: Generous: a whole office may log in from one address (NAT) at 8 a.m.; the per-account
    #: limit and the lock-out are what stop password guessing.
    LMS_LOGIN_LIMIT_PER_IP = 300
    LMS_LOGIN_LIMIT_PER_IP_WINDOW = 300
    LMS_LOGIN_LIMIT_PER_USER = 10
    LMS_LOGIN_LIMIT_PER_USER_WINDOW = 900
    LMS_VERIFY_LIMIT_PER_IP = 60
    LMS_VERIFY_LIMIT_PER_IP_WINDOW = 60
    #: Study time: a lesson counts at most this multiple of its expected duration.
    LMS_STUDY_CAP_FACTOR = 3
    #: Study time: no input for this long and the learner counts as idle.
    LMS_STUDY_IDLE_SECONDS = 300
    #: CSRF tokens live as long as the session: a long study page must still submit.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 12 * 3600


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-secret"  # noqa: S105 - the test configuration only
    WTF_CSRF_ENABLED = False
    #: Fast hashing in tests; production uses werkzeug's default (scrypt).
    LMS_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a method name


class ProductionConfig(Config):
    LMS_LOG_FORMAT = "json"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    return value


def env_overrides(environ: dict[str, str] | None = None, base: type = Config) -> dict[str, Any]:
    """The config keys set by ``LMS_*`` environment variables."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for name, (key, _doc) in ENV_SETTINGS.items():
        if key and name in environ and environ[name] != "":
            out[key] = _coerce(environ[name], getattr(base, key, None))
    return out
