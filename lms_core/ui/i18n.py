"""Language and date formatting: Vietnamese first, English second; dates dd/mm/yyyy."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_request_context, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The session's choice, else the user's saved preference, else Vietnamese. The browser's
    Accept-Language is not consulted: Vietnamese is the working language. Outside a request
    (CLI, scheduled jobs) the default language."""
    languages = current_app.config["LMS_LANGUAGES"]
    if not has_request_context():  # CLI, jobs: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    if lang in languages:
        return lang
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        if current_user.locale in languages:
            return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def fmt_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy in every language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy")
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in the local time zone (values are stored in UTC)."""
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy HH:mm")


def localized(obj, attr: str = "name") -> str:
    """``obj.name_vi`` or ``obj.name_en`` for the current language, falling back to vi."""
    lang = str(get_locale() or "vi")
    value = getattr(obj, f"{attr}_{lang}", None) if lang != "vi" else None
    return value or getattr(obj, f"{attr}_vi", "") or ""


def parse_date(text: str | None) -> date | None:
    """Read dd/mm/yyyy or yyyy-mm-dd; None for empty; ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
