"""HTTP security: response headers (a Content-Security-Policy allowing only our own assets),
the client address behind trusted proxies, and the rate limits of the login and of the public
certificate verification. Everything is registered by :func:`init_security`.

docs/security.md explains each choice and lists the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, g, request
from flask_babel import format_time
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix

from lms_core import ratelimit

#: Only our own origin: no inline script or style, no CDN, no plugin objects. PDF.js runs its
#: worker from /static (worker-src); cmi5 assignable units will be served from our own origin
#: under /content and framed by the player (frame-src); nobody else may frame our pages.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "frame-src 'self'",
    "worker-src 'self'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def set_security_headers(response):
    """Add the security headers to every response; a header a view set itself is kept (so a
    future content route can send a policy of its own)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    config = current_app.config
    if request.is_secure or config.get("LMS_HSTS"):
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={int(config['LMS_HSTS_MAX_AGE'])}")
    retry_after = g.get("lms_retry_after")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


# -- rate limits ------------------------------------------------------------------------------

def login_username() -> str | None:
    """The user name typed in the login form, as the per-account counter sees it."""
    name = (request.form.get("username") or "").strip().lower()
    return name or None


def _login_message(retry_at: datetime) -> str:
    return _("Too many login attempts from this computer or for this account. Please try "
             "again after %(time)s.", time=format_time(retry_at, "HH:mm"))


@dataclass(frozen=True)
class EndpointLimit:
    """A limit applied before a view runs: ``limit`` requests per ``window`` seconds (config
    key names) for each value of ``key()``, on requests with one of ``methods``."""

    endpoint: str
    methods: tuple[str, ...]
    scope: str
    key: Callable[[], str | None]
    limit: str
    window: str
    message: Callable[[datetime], str] | None = None


#: The limits on views of the core, checked in this order (the first exceeded one answers
#: 429, and the view, which would check the password or look up the code, never runs).
ENDPOINT_LIMITS: tuple[EndpointLimit, ...] = (
    EndpointLimit("auth.login", ("POST",), "login-ip", ratelimit.client_ip,
                  "LMS_LOGIN_LIMIT_PER_IP", "LMS_LOGIN_LIMIT_PER_IP_WINDOW", _login_message),
    EndpointLimit("auth.login", ("POST",), "login-user", login_username,
                  "LMS_LOGIN_LIMIT_PER_USER", "LMS_LOGIN_LIMIT_PER_USER_WINDOW",
                  _login_message),
    EndpointLimit("reports.verify", ("GET", "POST"), "verify-ip", ratelimit.client_ip,
                  "LMS_VERIFY_LIMIT_PER_IP", "LMS_VERIFY_LIMIT_PER_IP_WINDOW"),
    EndpointLimit("reports.verify_code", ("GET", "POST"), "verify-ip", ratelimit.client_ip,
                  "LMS_VERIFY_LIMIT_PER_IP", "LMS_VERIFY_LIMIT_PER_IP_WINDOW"),
    EndpointLimit("api.verify_certificate", ("GET",), "verify-ip", ratelimit.client_ip,
                  "LMS_VERIFY_LIMIT_PER_IP", "LMS_VERIFY_LIMIT_PER_IP_WINDOW"),
)


def apply_endpoint_limits() -> None:
    """``before_request``: enforce :data:`ENDPOINT_LIMITS` for the request's endpoint."""
    endpoint = request.endpoint
    for rule in ENDPOINT_LIMITS:
        if rule.endpoint == endpoint and request.method in rule.methods:
            ratelimit.enforce(rule.scope, rule.key(), rule.limit, rule.window,
                              message=rule.message)


# -- wiring -----------------------------------------------------------------------------------

def init_security(app: Flask) -> None:
    """Register the security headers, the endpoint rate limits and, when
    ``LMS_TRUSTED_PROXIES`` > 0, werkzeug's ProxyFix trusting that many proxies for
    X-Forwarded-For and X-Forwarded-Proto. Call once, after the blueprints are registered;
    a second call on the same app does nothing."""
    if "lms_security" in app.extensions:
        return
    app.extensions["lms_security"] = True
    proxies = int(app.config["LMS_TRUSTED_PROXIES"] or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.before_request(apply_endpoint_limits)
    app.after_request(set_security_headers)
