"""Building and storing statements. Every learning event goes through :func:`record`.

Statements are built with the ``tincan`` models; actors are platform accounts
(``homePage`` = ``LMS_XAPI_HOMEPAGE``, ``name`` = the personnel code), never e-mail addresses.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    AgentAccount,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Result,
    Score,
    Verb,
)
from tincan import Statement as TinCanStatement

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.signals.xapi import statement_stored
from lms_core.xapi import vocabulary as V
from lms_core.xapi.models import Statement

XAPI_VERSION = "1.0.3"


def base_iri() -> str:
    return current_app.config["LMS_XAPI_BASE"].rstrip("/")


def actor(user) -> Agent:
    return Agent(name=user.full_name,
                 account=AgentAccount(home_page=current_app.config["LMS_XAPI_HOMEPAGE"],
                                      name=user.code))


def verb(key: str) -> Verb:
    iri, vi, en = V.VERBS[key]
    return Verb(id=iri, display=LanguageMap({"vi-VN": vi, "en-US": en}))


def activity(path: str, kind: str, name_vi: str, name_en: str) -> Activity:
    return Activity(
        id=f"{base_iri()}/xapi/activities/{path}",
        definition=ActivityDefinition(
            name=LanguageMap({"vi-VN": name_vi, "en-US": name_en or name_vi}),
            type=V.ACTIVITY_TYPES[kind]))


def course_activity(version) -> Activity:
    return activity(f"course/{version.code}", "course", version.title_vi, version.title_en)


def module_activity(module) -> Activity:
    code = module.version.code
    return activity(f"course/{code}/module/{module.position}", "module", module.title_vi,
                    module.title_en)


def lesson_activity(lesson) -> Activity:
    code = lesson.module.version.code
    kind = "assessment" if lesson.kind == "quiz" else "lesson"
    return activity(f"course/{code}/lesson/{lesson.key}", kind, lesson.title_vi, lesson.title_en)


def learning_context(enrolment, lesson=None) -> Context:
    """Registration of the enrolment; the lesson's module as parent and the course as
    grouping (or the course as parent for course-level statements)."""
    course = course_activity(enrolment.version)
    if lesson is not None:
        activities = ContextActivities(parent=[module_activity(lesson.module)], grouping=[course])
    else:
        activities = ContextActivities()
    return Context(
        registration=uuid.UUID(enrolment.registration),
        context_activities=activities,
        language="vi-VN",
        platform=current_app.config["LMS_XAPI_PLATFORM"],
        extensions=Extensions({V.EXT_COURSE_VERSION: enrolment.version.number}),
    )


def result(*, duration_seconds: float | None = None, completion: bool | None = None,
           success: bool | None = None, scaled: float | None = None,
           raw: float | None = None, max_score: float | None = None,
           response: str | None = None, extensions: dict | None = None) -> Result:
    score = None
    if scaled is not None:
        score = Score(scaled=round(scaled, 4), raw=raw, min=0 if max_score is not None else None,
                      max=max_score)
    return Result(
        duration=timedelta(seconds=duration_seconds) if duration_seconds is not None else None,
        completion=completion, success=success, score=score, response=response,
        extensions=Extensions(extensions) if extensions else None)


def build(user, verb_key: str, obj: Activity, *, result_: Result | None = None,
          context: Context | None = None, timestamp: datetime | None = None) -> TinCanStatement:
    when = timestamp or datetime.now(UTC)
    if when.tzinfo is None:  # naive datetimes in this code base are UTC
        when = when.replace(tzinfo=UTC)
    return TinCanStatement(
        id=uuid.uuid4(), actor=actor(user), verb=verb(verb_key), object=obj, result=result_,
        context=context, timestamp=when.replace(microsecond=when.microsecond // 1000 * 1000))


def actor_key(actor_json: dict[str, Any]) -> str:
    """The inverse functional identifier of an actor as one string."""
    if "account" in actor_json:
        account = actor_json["account"]
        return f"account:{account.get('homePage')}|{account.get('name')}"
    for ifi in ("mbox", "mbox_sha1sum", "openid"):
        if ifi in actor_json:
            return f"{ifi}:{actor_json[ifi]}"
    return "group:" + json.dumps(actor_json.get("member", []), sort_keys=True)[:380]


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def record(statement: TinCanStatement, *, user=None) -> Statement:
    """Store ``statement`` in the built-in LRS (same transaction as the caller) and send
    :data:`~lms_core.signals.xapi.statement_stored`. Returns the stored row."""
    payload = json.loads(statement.to_json(XAPI_VERSION))
    stored = utcnow()
    payload["stored"] = stored.replace(tzinfo=UTC).isoformat()
    payload["authority"] = {"objectType": "Agent", "name": current_app.config["LMS_XAPI_PLATFORM"],
                            "account": {"homePage": current_app.config["LMS_XAPI_HOMEPAGE"],
                                        "name": "lms"}}
    res = payload.get("result") or {}
    obj = payload.get("object") or {}
    row = Statement(
        statement_id=payload["id"],
        actor_key=actor_key(payload["actor"]),
        user_id=getattr(user, "id", None),
        verb_id=payload["verb"]["id"],
        activity_id=obj.get("id") if obj.get("objectType", "Activity") == "Activity" else None,
        registration=(payload.get("context") or {}).get("registration"),
        timestamp=_parse_time(payload.get("timestamp") or payload["stored"]),
        stored=stored,
        duration_seconds=statement.result.duration.total_seconds()
        if statement.result is not None and statement.result.duration is not None else None,
        verified_seconds=(res.get("extensions") or {}).get(V.EXT_VERIFIED_SECONDS),
        score_scaled=(res.get("score") or {}).get("scaled"),
        success=res.get("success"),
        completion=res.get("completion"),
        payload=payload,
    )
    db.session.add(row)
    db.session.flush()
    statement_stored.send(row, user=user)
    return row
