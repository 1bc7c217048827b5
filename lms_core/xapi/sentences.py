"""Statements as sentences a person reads: "Bạn đã hoàn thành bài học «Khái niệm» lúc 08:15
ngày 12/03/2026", in the UI's language (English when the UI is English).

Each verb of the profile (docs/xapi-profile.md) has its sentence; any other verb (statements
sent by outside content) reads "<who> <the verb's display> <the object>". The object is named
by its ``definition.name`` in the UI's language and introduced by its activity type ("the
lesson", "the course", ...). Times are local (the platform's time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_datetime, format_decimal, get_locale
from flask_babel import gettext as _

from lms_core.xapi import vocabulary as V


def _lang() -> str:
    return "en" if str(get_locale() or "vi") == "en" else "vi"


def language_value(value: Any) -> str:
    """The entry of a language map for the UI's language (then Vietnamese, English, any)."""
    if not isinstance(value, dict) or not value:
        return ""
    wanted = _lang()
    order = [wanted, "vi" if wanted == "en" else "en"]
    for lang in order:
        for tag, text in value.items():
            if str(tag).lower().split("-")[0] == lang and isinstance(text, str):
                return text
    first = next(iter(value.values()))
    return first if isinstance(first, str) else ""


def object_name(obj: dict) -> str:
    name = language_value((obj.get("definition") or {}).get("name"))
    if name:
        return name
    return str(obj.get("id", "")).rstrip("/").rsplit("/", 1)[-1]


def _object_phrase(obj: dict) -> str:
    name = object_name(obj)
    kind = (obj.get("definition") or {}).get("type")
    phrases = {
        V.ACTIVITY_TYPES["course"]: _("the course «%(name)s»", name=name),
        V.ACTIVITY_TYPES["module"]: _("the module «%(name)s»", name=name),
        V.ACTIVITY_TYPES["lesson"]: _("the lesson «%(name)s»", name=name),
        V.ACTIVITY_TYPES["assessment"]: _("the test «%(name)s»", name=name),
        V.ACTIVITY_TYPES["question"]: _("the question «%(name)s»", name=name),
    }
    return phrases.get(kind, f"«{name}»")


def duration_text(seconds: float | None) -> str:
    """``45 giây``, ``12 phút``, ``1 giờ 05 phút``."""
    seconds = int(round(seconds or 0))
    if seconds < 60:
        return _("%(s)d s", s=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)d min", m=minutes)
    return _("%(h)d h %(m)02d min", h=minutes // 60, m=minutes % 60)


def score_text(result: dict) -> str:
    """``85% (17/20)``, or ``85%`` without raw and maximum; empty without a score."""
    score = result.get("score") or {}
    scaled = score.get("scaled")
    if scaled is None:
        return ""
    text = f"{format_decimal(round(scaled * 100, 1), '#,##0.#')}%"
    if score.get("raw") is not None and score.get("max") is not None:
        text += (f" ({format_decimal(score['raw'], '#,##0.##')}/"
                 f"{format_decimal(score['max'], '#,##0.##')})")
    return text


def when_text(timestamp: datetime) -> str:
    """``lúc 08:15 ngày 12/03/2026`` (``timestamp`` naive UTC, shown in local time)."""
    return _("at %(time)s on %(date)s", time=format_datetime(timestamp, "HH:mm"),
             date=format_datetime(timestamp, "dd/MM/yyyy"))


def _levels_text(result: dict) -> str:
    levels = (result.get("extensions") or {}).get(V.EXT_COMPETENCY_LEVELS)
    if not isinstance(levels, dict) or not levels:
        return ""
    parts = [_("%(code)s: level %(level)s", code=code, level=level)
             for code, level in sorted(levels.items())]
    return " " + _("Levels placed: %(levels)s.", levels="; ".join(parts))


def sentence(payload: dict, timestamp: datetime, *, who: str | None = None) -> str:
    """``payload`` (a statement) as one sentence. ``who`` names the actor (default: "You",
    for the person's own record)."""
    who = who or _("You")
    verb_iri = (payload.get("verb") or {}).get("id", "")
    key = V.VERB_KEYS.get(verb_iri)
    obj = payload.get("object") or {}
    result = payload.get("result") or {}
    args = {"who": who, "object": _object_phrase(obj), "when": when_text(timestamp)}
    score = score_text(result)
    extensions = result.get("extensions") or {}
    context_ext = (payload.get("context") or {}).get("extensions") or {}
    if key == "registered":
        text = _("%(who)s enrolled in %(object)s %(when)s", **args)
    elif key == "launched":
        text = _("%(who)s started %(object)s %(when)s", **args)
    elif key == "initialized":
        text = _("%(who)s opened %(object)s %(when)s", **args)
    elif key == "experienced":
        seconds = extensions.get(V.EXT_VERIFIED_SECONDS)
        if seconds is None and "duration" in result:
            from lms_core.xapi.validation import duration_seconds

            try:
                seconds = duration_seconds(result["duration"], "duration")
            except Exception:  # noqa: BLE001 - a sentence never fails on odd content
                seconds = None
        if seconds:
            text = _("%(who)s studied %(object)s for %(duration)s %(when)s",
                     duration=duration_text(seconds), **args)
        else:
            text = _("%(who)s studied %(object)s %(when)s", **args)
    elif key == "terminated":
        text = _("%(who)s closed %(object)s %(when)s", **args)
    elif key == "progressed":
        percent = extensions.get(V.EXT_PROGRESS)
        if isinstance(percent, int | float):
            text = _("%(who)s has done %(percent)s%% of %(object)s %(when)s",
                     percent=format_decimal(percent, "#,##0"), **args)
        else:
            text = _("%(who)s made progress in %(object)s %(when)s", **args)
    elif key == "attempted":
        number = context_ext.get(V.EXT_ATTEMPT)
        if isinstance(number, int):
            text = _("%(who)s started attempt %(n)s at %(object)s %(when)s", n=number, **args)
        else:
            text = _("%(who)s started %(object)s %(when)s", **args)
    elif key == "answered":
        if result.get("success") is True:
            text = _("%(who)s answered %(object)s correctly %(when)s", **args)
        elif result.get("success") is False:
            text = _("%(who)s answered %(object)s incorrectly %(when)s", **args)
        else:
            text = _("%(who)s answered %(object)s %(when)s", **args)
    elif key == "completed":
        text = _("%(who)s completed %(object)s %(when)s", **args)
    elif key == "passed":
        text = (_("%(who)s passed %(object)s %(when)s with a score of %(score)s", score=score,
                  **args) if score else _("%(who)s passed %(object)s %(when)s", **args))
    elif key == "failed":
        text = (_("%(who)s did not pass %(object)s %(when)s with a score of %(score)s",
                  score=score, **args) if score
                else _("%(who)s did not pass %(object)s %(when)s", **args))
    elif key == "satisfied":
        text = _("%(who)s met the requirements of %(object)s %(when)s", **args)
    elif key == "abandoned":
        text = _("%(who)s left %(object)s unfinished %(when)s", **args)
    elif key == "waived":
        text = _("%(who)s was exempted from %(object)s %(when)s", **args)
    else:
        display = language_value((payload.get("verb") or {}).get("display")) or \
            verb_iri.rstrip("/").rsplit("/", 1)[-1]
        text = _("%(who)s %(verb)s %(object)s %(when)s", verb=display, **args)
    return text + "." + _levels_text(result)


@dataclass
class Line:
    """One statement of a learning record, ready for the page."""

    statement_id: str
    timestamp: datetime
    text: str
    verified_seconds: float | None
    score: str


def line(row, *, who: str | None = None) -> Line:
    """A stored statement (:class:`lms_core.xapi.models.Statement`) as a :class:`Line`."""
    result = row.payload.get("result") or {}
    return Line(statement_id=row.statement_id, timestamp=row.timestamp,
                text=sentence(row.payload, row.timestamp, who=who),
                verified_seconds=row.verified_seconds, score=score_text(result))
