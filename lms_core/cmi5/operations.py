"""cmi5 at run time: registrations, launching an AU, the one-time fetch URL, what the AU's
statements change (moveOn), satisfied / abandoned / waived, and the sweep of silent sessions.

Plain functions: they validate first and raise :class:`~lms_core.errors.UserError` (having
changed nothing), flush but never commit. Launching builds absolute URLs, so it runs in a
request context.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from lms_core.cmi5 import statements as cs
from lms_core.cmi5 import vocabulary as C
from lms_core.cmi5.models import Cmi5AuState, Cmi5Registration, Cmi5Session
from lms_core.cmi5.structure import is_absolute
from lms_core.courses import delivery
from lms_core.courses.models import Enrolment, Lesson
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.xapi import clients
from lms_core.xapi import statements as xs

#: Name of the xAPI client each session gets at its fetch (followed by the session id).
CLIENT_PREFIX = "cmi5 session "
#: What a session's client may do: its own statements, state and agent profile documents.
CLIENT_SCOPES = ("statements/write", "statements/read/mine", "state", "profile")
#: A session with no sign of life (launch, fetch, statement) for this long is abandoned by
#: the sweep: the learner closed the window, or the computer went to sleep.
SESSION_TIMEOUT = timedelta(hours=3)
#: A session's client stays usable this long after "terminated" or "abandoned" (the AU may
#: still read its state while it closes); then the sweep deactivates it. Statements are
#: refused as soon as the session ends.
CLIENT_GRACE = timedelta(minutes=10)


# -- identities -------------------------------------------------------------------------------
def launch_actor(user) -> dict:
    """The learner as the launch's ``actor``: an account Agent, no name (8.1.3: no PII)."""
    agent = json.loads(xs.actor(user).to_json(xs.XAPI_VERSION))
    return {"objectType": "Agent", "account": agent["account"]}


def au_activity_id(lesson: Lesson) -> str:
    return cs.au_activity(lesson).id


def cmi5_lessons(version) -> list[Lesson]:
    return [lesson for lesson in version.lessons if lesson.kind == "cmi5"]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- registrations and AU states ------------------------------------------------------------------
def registration_of(enrolment: Enrolment, *, create: bool = True) -> Cmi5Registration | None:
    """The enrolment's cmi5 registration; created on first use, when the moveOn rules are
    evaluated once (9.6.1): AUs whose moveOn is NotApplicable are satisfied at once."""
    reg = db.session.scalar(sa.select(Cmi5Registration).where(
        Cmi5Registration.enrolment_id == enrolment.id))
    if reg is not None or not create:
        return reg
    reg = Cmi5Registration(enrolment_id=enrolment.id, registration=enrolment.registration,
                           satisfied={})
    db.session.add(reg)
    db.session.flush()
    now = utcnow()
    for lesson in cmi5_lessons(enrolment.version):
        if (lesson.settings or {}).get("move_on", "NotApplicable") == "NotApplicable":
            state = state_of(reg, lesson)
            if state.satisfied_at is None:
                _satisfy(reg, lesson, state, str(uuid.uuid4()), now)
    delivery.check_completion(enrolment)
    return reg


def state_of(reg: Cmi5Registration, lesson: Lesson, *, create: bool = True
             ) -> Cmi5AuState | None:
    state = next((s for s in reg.states if s.lesson_key == lesson.key), None)
    if state is None and create:
        state = Cmi5AuState(lesson_key=lesson.key, waive_reason="")
        reg.states.append(state)
        db.session.flush()
    return state


def move_on_met(move_on: str, state: Cmi5AuState) -> bool:
    """Whether the AU's moveOn rule (13.1.4) is met by what the registration achieved."""
    completed, passed = state.completed_at is not None, state.passed_at is not None
    return {
        "Passed": passed,
        "Completed": completed,
        "CompletedAndPassed": completed and passed,
        "CompletedOrPassed": completed or passed,
        "NotApplicable": True,
    }.get(move_on, False)


def _satisfy(reg: Cmi5Registration, lesson: Lesson, state: Cmi5AuState, session_id: str,
             now: datetime) -> None:
    """The AU is satisfied: its platform lesson is completed (through the course player's own
    functions, so the course completes and its certificate is issued as for any lesson),
    then each block and the course whose AUs are now all satisfied gets its one "satisfied"
    statement, with ``session_id``."""
    state.satisfied_at = now
    db.session.flush()
    enrolment = reg.enrolment
    if lesson.module.version_id == enrolment.version_id:
        progress = delivery.progress_of(enrolment, lesson)
        if progress.completed_at is None:
            delivery._mark_completed(enrolment, lesson, progress)
    version = enrolment.version
    lessons = cmi5_lessons(version)
    done = {s.lesson_key for s in reg.states if s.satisfied_at is not None}
    user = enrolment.user
    satisfied = dict(reg.satisfied or {})
    for block in (lesson.settings or {}).get("blocks") or []:
        members = [x for x in lessons
                   if any(b["id"] == block["id"] for b in (x.settings or {}).get("blocks") or [])]
        obj = cs.block_activity(version.code, block)
        if obj.id not in satisfied and all(x.key in done for x in members):
            xs.record(cs.satisfied(user, obj, reg.registration, session_id, [block["id"]],
                                   course_version=version, when=now), user=user)
            satisfied[obj.id] = now.isoformat()
    obj = cs.course_activity(version)
    if obj.id not in satisfied and lessons and all(x.key in done for x in lessons):
        publishers = [(x.settings or {}).get("course_id") or "" for x in lessons]
        xs.record(cs.satisfied(user, obj, reg.registration, session_id, publishers,
                               course_version=version, when=now), user=user)
        satisfied[obj.id] = now.isoformat()
    reg.satisfied = satisfied  # a new dict, so that the JSON change is seen
    db.session.flush()


def evaluate(reg: Cmi5Registration, lesson: Lesson, state: Cmi5AuState, session_id: str,
             now: datetime | None = None) -> bool:
    """Satisfy the AU when its moveOn rule is newly met; returns whether it is satisfied.
    The course's completion follows (:func:`delivery.check_completion`)."""
    if state.satisfied_at is not None:
        return True
    if not move_on_met((lesson.settings or {}).get("move_on", "NotApplicable"), state):
        return False
    _satisfy(reg, lesson, state, session_id, now or utcnow())
    delivery.check_completion(reg.enrolment)
    return True


# -- launch -------------------------------------------------------------------------------------
@dataclass
class Launch:
    session: Cmi5Session
    #: The AU's URL with the launch parameters.
    url: str
    #: Whether the AU is served by this platform (it can be framed by the player).
    own: bool
    launch_method: str


def _check_lesson(enrolment: Enrolment, lesson: Lesson) -> None:
    if lesson.kind != "cmi5":
        raise UserError(_("This lesson is not cmi5 content."))
    if lesson.module.version_id != enrolment.version_id:
        raise UserError(_("This lesson is not part of your version of the course."))
    if not (lesson.settings or {}).get("au_id") or not (lesson.settings or {}).get("url"):
        raise UserError(_("This content is not set up yet. Please tell the training staff."))


def au_url(lesson: Lesson) -> str:
    """The AU's URL without launch parameters: on this platform (fully qualified) when the
    course structure gave it relative to cmi5.xml."""
    settings = lesson.settings or {}
    url = settings["url"]
    if is_absolute(url):
        return url
    parts = urlsplit(url)
    base = url_for("cmi5.content", key=settings.get("package") or "-", path=parts.path,
                   _external=True)
    return urlunsplit(urlsplit(base)._replace(query=parts.query))


def _with_parameters(url: str, parameters: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + parameters
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def launch(enrolment: Enrolment, lesson: Lesson, *, mode: str = "Normal",
           return_url: str | None = None, now: datetime | None = None) -> Launch:
    """Launch an AU for the enrolment (section 8): earlier open sessions of the registration
    are abandoned; a new session gets a one-time fetch URL; the ``LMS.LaunchData`` state
    document and (the first time) the learner preferences are written; "launched" is
    recorded; the AU's URL is returned with ``endpoint``, ``fetch``, ``actor``,
    ``registration`` and ``activityId``. ``return_url`` (default: the session's return
    page) is where the AU sends the learner when it terminates."""
    from lms_core.xapi import documents

    _check_lesson(enrolment, lesson)
    if mode not in C.LAUNCH_MODES:
        raise UserError(_("Unknown launch mode %(mode)s.", mode=mode))
    now = now or utcnow()
    settings = lesson.settings or {}
    reg = registration_of(enrolment)
    for open_session in db.session.scalars(sa.select(Cmi5Session).where(
            Cmi5Session.registration_id == reg.id, Cmi5Session.ended_at.is_(None))):
        abandon(open_session, now=now)
    token = secrets.token_urlsafe(32)
    activity_id = au_activity_id(lesson)
    session = Cmi5Session(registration_id=reg.id, lesson_id=lesson.id, lesson_key=lesson.key,
                          activity_id=activity_id, launch_mode=mode,
                          fetch_token_hash=_digest(token), launched_at=now, last_seen_at=now,
                          verbs=[])
    db.session.add(session)
    db.session.flush()
    user = enrolment.user
    actor = launch_actor(user)
    target = au_url(lesson)
    launch_data: dict = {
        "contextTemplate": {
            "contextActivities": {"grouping": [
                {"objectType": "Activity", "id": settings["au_id"]},
                {"objectType": "Activity", "id": xs.course_activity(enrolment.version).id}]},
            "extensions": {C.EXT_SESSION_ID: session.id},
        },
        "launchMode": mode,
        "launchMethod": settings.get("launch_method", "AnyWindow"),
        "moveOn": settings.get("move_on", "NotApplicable"),
        "returnURL": return_url or url_for("cmi5.returned", session_id=session.id,
                                           _external=True),
    }
    if settings.get("mastery_score") is not None:
        launch_data["masteryScore"] = settings["mastery_score"]
    if settings.get("launch_parameters"):
        launch_data["launchParameters"] = settings["launch_parameters"]
    if settings.get("entitlement_key"):
        launch_data["entitlementKey"] = {"courseStructure": settings["entitlement_key"]}
    documents.save_state(activity_id, actor, C.LAUNCH_DATA,
                         json.dumps(launch_data, ensure_ascii=False).encode("utf-8"),
                         "application/json", registration=reg.registration)
    if documents.get_agent_profile(actor, C.LEARNER_PREFERENCES) is None:
        languages = "en-US,vi-VN" if (user.locale or "vi") == "en" else "vi-VN,en-US"
        documents.save_agent_profile(actor, C.LEARNER_PREFERENCES, json.dumps(
            {"languagePreference": languages, "audioPreference": "on"}).encode("utf-8"),
            "application/json")
    xs.record(cs.launched(user, lesson, reg.registration, session.id, launch_mode=mode,
                          launch_url=target, when=now), user=user)
    endpoint = url_for("xapi.about", _external=True).rsplit("about", 1)[0]
    url = _with_parameters(target, [
        ("endpoint", endpoint),
        ("fetch", url_for("cmi5.fetch", token=token, _external=True)),
        ("actor", json.dumps(actor, separators=(",", ":"), ensure_ascii=False)),
        ("registration", reg.registration),
        ("activityId", activity_id),
    ])
    return Launch(session=session, url=url, own=not is_absolute(settings["url"]),
                  launch_method=settings.get("launch_method", "AnyWindow"))


# -- fetch ----------------------------------------------------------------------------------------
def fetch_error(code: int, text: str) -> dict:
    """The error structure of 8.2.3: 1 already used or expired, 2 security, 3 application."""
    return {"error-code": str(code), "error-text": text}


def fetch(token: str, *, now: datetime | None = None) -> dict:
    """The answer to a POST to the fetch URL (8.2): ``{"auth-token": ...}`` the first time,
    an error structure afterwards. The token is HTTP Basic credentials of an xAPI client
    made for this session alone (its statements are checked against the session)."""
    now = now or utcnow()
    session = db.session.scalar(sa.select(Cmi5Session).where(
        Cmi5Session.fetch_token_hash == _digest(token or "")))
    if session is None:
        return fetch_error(2, "This fetch URL is not valid.")
    if session.fetched_at is not None:
        return fetch_error(1, "The authorization token has already been returned.")
    if session.ended_at is not None:
        return fetch_error(1, "The AU session has ended; launch the AU again.")
    # Claim the fetch in one conditional UPDATE, so that two racing requests cannot both
    # receive a token.
    claimed = db.session.execute(sa.update(Cmi5Session).where(
        Cmi5Session.id == session.id, Cmi5Session.fetched_at.is_(None)).values(
        fetched_at=now, last_seen_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return fetch_error(1, "The authorization token has already been returned.")
    scopes = [s for s in CLIENT_SCOPES if s in clients.SCOPES]
    client, secret = clients.create_client(f"{CLIENT_PREFIX}{session.id}", scopes)
    db.session.execute(sa.update(Cmi5Session).where(Cmi5Session.id == session.id).values(
        client_id=client.id).execution_options(synchronize_session=False))
    db.session.expire(session)
    token_value = base64.b64encode(f"{client.key}:{secret}".encode()).decode("ascii")
    return {"auth-token": token_value}


def session_of_client(client) -> Cmi5Session | None:
    """The session whose fetch created ``client``, if it is a session client."""
    if not client.name.startswith(CLIENT_PREFIX):
        return None
    return db.session.scalar(sa.select(Cmi5Session).where(Cmi5Session.client_id == client.id))


# -- the AU's statements ---------------------------------------------------------------------------
def is_cmi5_defined(statement: dict) -> bool:
    """Whether a statement is "cmi5 defined": the cmi5 category in its context (7.1.3)."""
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    category = activities.get("category") if isinstance(activities, dict) else None
    if isinstance(category, dict):
        category = [category]
    return isinstance(category, list) and any(
        isinstance(a, dict) and a.get("id") == C.CATEGORY_CMI5 for a in category)


def apply_statement(session: Cmi5Session, payload: dict, stored: datetime) -> None:
    """A statement of the session's AU was stored (the checks of :mod:`lms_core.cmi5.rules`
    passed): note it on the session and the AU state, and evaluate moveOn."""
    verb = (payload.get("verb") or {}).get("id")
    defined = is_cmi5_defined(payload)
    session.last_statement_at = session.last_seen_at = stored
    if verb == C.INITIALIZED and session.initialized_at is None:
        session.initialized_at = stored
    if defined and verb in C.AU_VERBS and verb not in (session.verbs or []):
        session.verbs = [*(session.verbs or []), verb]
    reg = session.registration_row
    lesson = db.session.get(Lesson, session.lesson_id)
    state = state_of(reg, lesson)
    if defined:
        score = ((payload.get("result") or {}).get("score") or {}).get("scaled")
        if verb == C.COMPLETED and state.completed_at is None:
            state.completed_at = stored
        elif verb == C.PASSED and state.passed_at is None:
            state.passed_at, state.failed_at = stored, None
            state.score_scaled = score
        elif verb == C.FAILED and state.passed_at is None:
            state.failed_at = stored
            state.score_scaled = score
    if verb == C.TERMINATED and session.ended_at is None:
        session.terminated_at = session.ended_at = stored
    db.session.flush()
    if defined and verb in (C.COMPLETED, C.PASSED):
        evaluate(reg, lesson, state, session.id, stored)


# -- ending sessions -------------------------------------------------------------------------------
def abandon(session: Cmi5Session, *, now: datetime | None = None) -> None:
    """End an open session that was not terminated (a new launch in the registration, or the
    sweep): one "abandoned" statement (its duration from the launch to the AU's last
    statement), and its client may send nothing more."""
    if session.ended_at is not None:
        return
    now = now or utcnow()
    session.abandoned_at = session.ended_at = now
    end = session.last_statement_at or session.launched_at
    reg = session.registration_row
    lesson = db.session.get(Lesson, session.lesson_id)
    user = reg.enrolment.user
    xs.record(cs.abandoned(user, lesson, reg.registration, session.id,
                           duration=end - session.launched_at, when=now), user=user)
    _deactivate(session)
    db.session.flush()


def _deactivate(session: Cmi5Session) -> None:
    if session.client_id is not None:
        client = db.session.get(clients.XapiClient, session.client_id)
        if client is not None:
            client.active = False


def sweep(now: datetime | None = None) -> tuple[int, int]:
    """Abandon the sessions silent for :data:`SESSION_TIMEOUT`, and deactivate the clients of
    sessions ended more than :data:`CLIENT_GRACE` ago. Run by the scheduler (and
    ``lms cmi5 sweep``); returns (sessions abandoned, clients deactivated)."""
    now = now or utcnow()
    stale = list(db.session.scalars(sa.select(Cmi5Session).where(
        Cmi5Session.ended_at.is_(None), Cmi5Session.last_seen_at < now - SESSION_TIMEOUT)))
    for session in stale:
        abandon(session, now=now)
    ended = list(db.session.scalars(
        sa.select(Cmi5Session).join(clients.XapiClient,
                                    clients.XapiClient.id == Cmi5Session.client_id)
        .where(Cmi5Session.ended_at < now - CLIENT_GRACE, clients.XapiClient.active.is_(True))))
    for session in ended:
        _deactivate(session)
    db.session.flush()
    return len(stale), len(ended)


# -- waiving ---------------------------------------------------------------------------------------
def waive(enrolment: Enrolment, lesson: Lesson, *, reason: str, by) -> Cmi5AuState:
    """Staff waive an AU for a learner (9.3.7): one "waived" statement with the reason and a
    session id of its own; the AU counts as satisfied (blocks, course and the platform
    lesson follow). Refused for an AU already satisfied or waived."""
    if lesson.kind != "cmi5" or lesson.module.version_id != enrolment.version_id:
        raise UserError(_("This lesson is not cmi5 content of the learner's course."))
    if reason not in C.WAIVE_REASONS:
        raise UserError(_("Choose a reason for the waiver."), field="reason")
    reg = registration_of(enrolment)
    state = state_of(reg, lesson)
    if state.waived_at is not None:
        raise UserError(_("This content was already waived for this learner."))
    if state.satisfied_at is not None:
        raise UserError(_("The learner has already met the requirement of this content."))
    now = utcnow()
    session_id = str(uuid.uuid4())
    state.waived_at, state.waived_by_id, state.waive_reason = now, by.id, reason
    user = enrolment.user
    xs.record(cs.waived(user, lesson, reg.registration, session_id, reason=reason, when=now),
              user=user)
    _satisfy(reg, lesson, state, session_id, now)
    delivery.check_completion(enrolment)
    return state


# -- what the pages show ------------------------------------------------------------------------
def au_status(enrolment: Enrolment, lesson: Lesson) -> dict:
    """The AU's state for a learner: ``status`` (not_started, in_progress, completed, passed,
    failed, satisfied, waived), the score, the session in progress, the requirement."""
    reg = registration_of(enrolment, create=False)
    state = state_of(reg, lesson, create=False) if reg is not None else None
    sessions = list(db.session.scalars(sa.select(Cmi5Session).where(
        Cmi5Session.registration_id == reg.id, Cmi5Session.lesson_key == lesson.key)
        .order_by(Cmi5Session.launched_at.desc()))) if reg is not None else []
    status = "not_started" if not sessions else "in_progress"
    if state is not None:
        if state.failed_at is not None:
            status = "failed"
        if state.completed_at is not None:
            status = "completed"
        if state.passed_at is not None:
            status = "passed"
        if state.satisfied_at is not None:
            status = "satisfied"
        if state.waived_at is not None:
            status = "waived"
    settings = lesson.settings or {}
    return {
        "status": status, "state": state, "sessions": sessions,
        "last": sessions[0] if sessions else None,
        "satisfied": state is not None and state.satisfied_at is not None,
        "score": state.score_scaled if state is not None else None,
        "move_on": settings.get("move_on", "NotApplicable"),
        "mastery_score": settings.get("mastery_score"),
        "launch_method": settings.get("launch_method", "AnyWindow"),
        "ready": bool(settings.get("au_id") and settings.get("url")),
        "own": bool(settings.get("url")) and not is_absolute(settings.get("url", "")),
    }
