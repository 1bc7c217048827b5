"""Building and storing statements. Every learning event goes through :func:`record`.

Statements are built with the ``tincan`` models, as docs/xapi-profile.md defines them; actors
are platform accounts (``homePage`` = ``LMS_XAPI_HOMEPAGE``, ``name`` = the personnel code or
its pseudonym, see :data:`ACTOR_ID_MODES`), never e-mail addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    AgentAccount,
    Context,
    ContextActivities,
    Extensions,
    InteractionComponent,
    LanguageMap,
    Result,
    Score,
    Verb,
)
from tincan import Statement as TinCanStatement

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.signals.xapi import statement_stored
from lms_core.xapi import models
from lms_core.xapi import vocabulary as V
from lms_core.xapi.models import Statement

XAPI_VERSION = "1.0.3"


def base_iri() -> str:
    return current_app.config["LMS_XAPI_BASE"].rstrip("/")


# -- actors -------------------------------------------------------------------------------------
#: ``LMS_XAPI_ACTOR_ID``: how statements name a person (always an ``account`` on
#: ``LMS_XAPI_HOMEPAGE``, never an e-mail address): ``code``, the personnel code, with the
#: person's name; or ``pseudonym``, an opaque keyed hash of the code and no name (as Open edX's
#: ``external_id``), for installations whose statements leave the agency.
ACTOR_ID_MODES = ("code", "pseudonym")

#: (key, number of users) -> {pseudonym: user id}, rebuilt when users are added.
_PSEUDONYMS: dict[str, tuple[int, dict[str, int]]] = {}


def actor_id_mode() -> str:
    mode = current_app.config.get("LMS_XAPI_ACTOR_ID", "code")
    if mode not in ACTOR_ID_MODES:
        raise RuntimeError(f"LMS_XAPI_ACTOR_ID must be one of {', '.join(ACTOR_ID_MODES)}, "
                           f"not {mode!r}.")
    return mode


def pseudonym(code: str) -> str:
    """The stable pseudonym of personnel code ``code``: 32 hex digits of an HMAC-SHA256
    keyed with ``LMS_XAPI_PSEUDONYM_KEY`` (which must never change once statements exist)."""
    key = current_app.config.get("LMS_XAPI_PSEUDONYM_KEY") or ""
    if len(key) < 16:
        raise RuntimeError("LMS_XAPI_ACTOR_ID=pseudonym needs LMS_XAPI_PSEUDONYM_KEY (a secret "
                           "of 16 characters or more, never changed afterwards).")
    return hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()[:32]


def account_name(user) -> str:
    """The ``account.name`` that identifies ``user`` in statements."""
    return pseudonym(user.code) if actor_id_mode() == "pseudonym" else user.code


def actor(user) -> Agent:
    """``user`` as an xAPI Agent: an account on ``LMS_XAPI_HOMEPAGE`` (see
    :data:`ACTOR_ID_MODES`). A pseudonymous actor carries no name."""
    account = AgentAccount(home_page=current_app.config["LMS_XAPI_HOMEPAGE"],
                           name=account_name(user))
    if actor_id_mode() == "pseudonym":
        return Agent(account=account)
    return Agent(name=user.full_name, account=account)


def user_for_actor(actor_json: dict[str, Any]):
    """The platform user an actor (xAPI JSON) identifies, or None: an account on
    ``LMS_XAPI_HOMEPAGE`` named as :func:`account_name` names users."""
    import sqlalchemy as sa

    from lms_core.identity.models import User

    account = actor_json.get("account") if isinstance(actor_json, dict) else None
    if not isinstance(account, dict) or \
            account.get("homePage") != current_app.config["LMS_XAPI_HOMEPAGE"]:
        return None
    name = str(account.get("name") or "")
    # No autoflush: a batch being stored is flushed once, not once per actor looked up.
    with db.session.no_autoflush:
        if actor_id_mode() == "code":
            return db.session.scalar(sa.select(User).where(User.code == name))
        key = current_app.config.get("LMS_XAPI_PSEUDONYM_KEY") or ""
        count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        cached = _PSEUDONYMS.get(key)
        if cached is None or cached[0] != count:
            cached = (count, {pseudonym(code): uid for uid, code in
                              db.session.execute(sa.select(User.id, User.code))})
            _PSEUDONYMS[key] = cached
        user_id = cached[1].get(name)
        return db.session.get(User, user_id) if user_id is not None else None


def users_for_actors(actors: list[dict[str, Any]]) -> list:
    """:func:`user_for_actor` of each actor, in one query for a whole batch (``code`` mode;
    the ``pseudonym`` mode looks each one up in its cached map)."""
    import sqlalchemy as sa

    from lms_core.identity.models import User

    if actor_id_mode() != "code":
        return [user_for_actor(a) for a in actors]
    home = current_app.config["LMS_XAPI_HOMEPAGE"]
    names = []
    for actor_json in actors:
        account = actor_json.get("account") if isinstance(actor_json, dict) else None
        ours = isinstance(account, dict) and account.get("homePage") == home
        names.append(str(account.get("name") or "") if ours else None)
    wanted = {n for n in names if n}
    with db.session.no_autoflush:
        users = {u.code: u for u in db.session.scalars(
            sa.select(User).where(User.code.in_(wanted)))} if wanted else {}
    return [users.get(n) if n else None for n in names]


# -- verbs and activities -----------------------------------------------------------------------
def verb(key: str) -> Verb:
    iri, vi, en = V.VERBS[key]
    return Verb(id=iri, display=LanguageMap({"vi-VN": vi, "en-US": en}))


def names(vi: str, en: str | None) -> LanguageMap:
    """A language map in Vietnamese and English (English falls back to the Vietnamese)."""
    return LanguageMap({"vi-VN": vi, "en-US": en or vi})


def activity(path: str, kind: str, name_vi: str, name_en: str) -> Activity:
    return Activity(
        id=f"{base_iri()}/xapi/activities/{path}",
        definition=ActivityDefinition(name=names(name_vi, name_en),
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


#: How a quiz question type is described as a cmi.interaction.
INTERACTION_TYPES = {"single": "choice", "multiple": "choice", "true_false": "true-false",
                     "short_answer": "fill-in"}


def question_activity(lesson, question) -> Activity:
    """A quiz question as a ``cmi.interaction`` activity, with its interaction type, its
    choices (ids ``"0"``, ``"1"``, ... in the author's order) and correct responses."""
    code = lesson.module.version.code
    base = activity(f"course/{code}/lesson/{lesson.key}/question/{question.key}", "question",
                    question.text_vi[:200], (question.text_en or "")[:200])
    definition = base.definition
    definition.interaction_type = INTERACTION_TYPES.get(question.type, "other")
    if question.type in ("single", "multiple"):
        definition.choices = [InteractionComponent(
            id=str(i), description=names(c.get("text", ""), c.get("text_en")))
            for i, c in enumerate(question.choices)]
        right = [str(i) for i, c in enumerate(question.choices) if c.get("correct")]
        definition.correct_responses_pattern = ["[,]".join(right)] if right else []
    elif question.type == "true_false":
        definition.correct_responses_pattern = [
            "true" if question.answer.get("answer") else "false"]
    elif question.type == "short_answer":
        definition.correct_responses_pattern = [str(a) for a in question.answer.get("answers", [])]
    return base


def response_text(question, response) -> str:
    """A learner's response in the xAPI format of the question's interaction type: choice
    ids joined by ``[,]``, ``true``/``false``, or the text typed."""
    if question.type in ("single", "multiple"):
        items = response if isinstance(response, list) else [response]
        return "[,]".join(str(i) for i in items if i is not None and str(i) != "")
    if question.type == "true_false":
        value = {"true": True, "false": False}.get(str(response).lower()) \
            if isinstance(response, str) else response
        return "" if value is None else ("true" if value else "false")
    return str(response if response is not None else "")


def profile_activity() -> Activity:
    """The profile version every statement of the product follows (context category)."""
    return Activity(id=V.PROFILE_VERSION_IRI, definition=ActivityDefinition(
        name=names("Hồ sơ xAPI Học tập Hải quan " + V.PROFILE_VERSION,
                   "Customs Learning xAPI profile " + V.PROFILE_VERSION),
        type=V.ACTIVITY_TYPES["profile"]))


# -- context and result -------------------------------------------------------------------------
def language() -> str:
    """The language the learner works in: the UI's (vi-VN outside a request)."""
    if has_request_context():
        from flask_babel import get_locale

        return "en-US" if str(get_locale() or "vi") == "en" else "vi-VN"
    return "vi-VN"


def context(*, registration: str | None = None, parent: list[Activity] | None = None,
            grouping: list[Activity] | None = None, revision: str | None = None,
            extensions: dict | None = None) -> Context:
    """A context in the product's profile: the profile as category, the language, the
    platform; registration, parent, grouping and extensions as given."""
    return Context(
        registration=uuid.UUID(registration) if registration else None,
        context_activities=ContextActivities(parent=parent or None, grouping=grouping or None,
                                             category=[profile_activity()]),
        revision=revision, language=language(),
        platform=current_app.config["LMS_XAPI_PLATFORM"],
        extensions=Extensions(extensions) if extensions else None)


def learning_context(enrolment, lesson=None, *, question: bool = False,
                     extensions: dict | None = None) -> Context:
    """The context of a course player statement: the enrolment's registration and the course
    version (revision and extension). A course-level statement has no parent; a lesson's
    statement has the module as parent and the course as grouping; a quiz question's
    (``question=True``) has the quiz as parent and the module and course as grouping."""
    version = enrolment.version
    parent = grouping = None
    if lesson is not None:
        course, module = course_activity(version), module_activity(lesson.module)
        if question:
            parent, grouping = [lesson_activity(lesson)], [module, course]
        else:
            parent, grouping = [module], [course]
    return context(registration=enrolment.registration, parent=parent, grouping=grouping,
                   revision=str(version.number),
                   extensions={V.EXT_COURSE_VERSION: version.number, **(extensions or {})})


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


# -- competency assessments (built for the competency plugin) -----------------------------------
def assessment_activity(exam_code: str, title_vi: str, title_en: str | None) -> Activity:
    """A competency assessment (exam) as an activity of type assessment."""
    return activity(f"competency/exam/{exam_code}", "assessment", title_vi, title_en or "")


def assessment_result(user, *, exam_code: str, title_vi: str, title_en: str | None,
                      registration: str, passed: bool, right: int, total: int,
                      levels: dict[str, int], started_at: datetime, submitted_at: datetime,
                      framework: str | None = None) -> TinCanStatement:
    """The result of a competency assessment sitting, as the profile defines it: ``passed``
    or ``failed`` (the exam's overall decision) the exam, with the share of items right as
    the scaled score, the sitting's length, and the level placed per competency
    (:data:`~lms_core.xapi.vocabulary.EXT_COMPETENCY_LEVELS`). The caller records it with
    :func:`record`."""
    extensions = {V.EXT_COMPETENCY_FRAMEWORK: framework} if framework else None
    return build(
        user, "passed" if passed else "failed",
        assessment_activity(exam_code, title_vi, title_en),
        result_=result(success=passed, completion=True,
                       scaled=right / total if total else 0.0, raw=right, max_score=total,
                       duration_seconds=max(0.0, (submitted_at - started_at).total_seconds()),
                       extensions={V.EXT_COMPETENCY_LEVELS: {
                           str(code): int(level) for code, level in sorted(levels.items())}}),
        context=context(registration=registration, extensions=extensions),
        timestamp=submitted_at)


def actor_key(actor_json: dict[str, Any]) -> str:
    """The inverse functional identifier of an actor as one string (see
    :func:`lms_core.xapi.models.actor_key`)."""
    return models.actor_key(actor_json)


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
    models.index_statements([row])
    statement_stored.send(row, user=user)
    return row


#: Statements stored at once by :func:`record_many` after which the statistics are refreshed.
ANALYZE_AFTER = 10000


def record_many(items, *, batch: int = 5000) -> int:
    """Store many statements at once, for bulk loads (the demo's learning history, records
    migrated from another system). ``items`` yields ``(statement, user)`` pairs: a tincan
    statement or its xAPI JSON as ``statement.to_json()`` gives it (a dict, taken over:
    ``stored`` and ``authority`` are added to it), and the platform user it is recorded for
    (a ``User``, a user id or None). Each becomes a :class:`Statement` row with the columns
    :func:`record` sets, and its :class:`~lms_core.xapi.models.StatementKey` index rows, in
    multi-row inserts of ``batch`` statements.

    Unlike :func:`record` it sends no ``statement_stored`` signal (whoever loads a history in
    bulk rebuilds what derives from it) and checks nothing: the statements must be well
    formed and their ids new. A JSON statement may carry its own ``stored`` time (a record
    loaded after the fact); the others get the time of the call. After
    :data:`ANALYZE_AFTER` statements or more, the database's statistics of the two tables
    are refreshed (``ANALYZE``): without them SQLite reads a period's statements through the
    verb's index (every statement of that verb) instead of the timestamp's. Returns the
    number stored."""
    from lms_core.xapi.validation import duration_seconds

    table = Statement.__table__
    now = utcnow()
    now_text = now.replace(tzinfo=UTC).isoformat()
    authority = {"objectType": "Agent", "name": current_app.config["LMS_XAPI_PLATFORM"],
                 "account": {"homePage": current_app.config["LMS_XAPI_HOMEPAGE"],
                             "name": "lms"}}
    total = 0
    rows: list[dict[str, Any]] = []
    payloads: list[dict[str, Any]] = []

    def flush() -> None:
        # A plain multi-row insert, then the new rows' keys read back by their statement id:
        # RETURNING in order would insert row by row on SQLite.
        before = db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0
        db.session.execute(sa.insert(table), rows)
        pks = dict(db.session.execute(sa.select(table.c.statement_id, table.c.id)
                                      .where(table.c.id > before)).all())
        keys = [{"statement_pk": pks[payload["id"]], "kind": kind, "key": key}
                for payload in payloads for kind, key in sorted(models.statement_refs(payload))]
        for i in range(0, len(keys), batch * 4):
            db.session.execute(sa.insert(models.StatementKey.__table__), keys[i:i + batch * 4])
        rows.clear()
        payloads.clear()

    for statement, user in items:
        if isinstance(statement, TinCanStatement):
            statement = json.loads(statement.to_json(XAPI_VERSION))
        payload = statement
        if payload.get("stored"):
            stored = _parse_time(payload["stored"])
        else:
            stored, payload["stored"] = now, now_text
        payload["authority"] = authority
        res = payload.get("result") or {}
        obj = payload.get("object") or {}
        rows.append({
            "statement_id": payload["id"],
            "actor_key": actor_key(payload["actor"]),
            "user_id": user if isinstance(user, int) or user is None else user.id,
            "verb_id": payload["verb"]["id"],
            "activity_id": obj.get("id") if obj.get("objectType", "Activity") == "Activity"
            else None,
            "registration": (payload.get("context") or {}).get("registration"),
            "timestamp": _parse_time(payload.get("timestamp") or payload["stored"]),
            "stored": stored,
            "voided": False,
            "duration_seconds": duration_seconds(res["duration"], "duration")
            if res.get("duration") else None,
            "verified_seconds": (res.get("extensions") or {}).get(V.EXT_VERIFIED_SECONDS),
            "score_scaled": (res.get("score") or {}).get("scaled"),
            "success": res.get("success"),
            "completion": res.get("completion"),
            "payload": payload,
        })
        payloads.append(payload)
        total += 1
        if len(rows) >= batch:
            flush()
    if rows:
        flush()
    if total >= ANALYZE_AFTER:
        for name in (table.name, models.StatementKey.__tablename__):
            db.session.execute(sa.text(f"ANALYZE {name}"))
    return total
