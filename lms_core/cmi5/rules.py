"""The cmi5 rules the LRS enforces on the statements of an AU session (sections 9.2-9.6).

:func:`check_session_statements` is registered in :data:`lms_core.xapi.lrs.STATEMENT_CHECKS`:
for a request made with a session's auth-token, every statement of the batch is checked, in
order, before anything is stored; one that breaks a rule refuses the whole batch with 403
(not this session's learner, registration or session; the session has ended; a verb only the
LMS may use) or 400 (the cmi5 sequence or result rules), and a precise message.

:func:`on_statement_stored` listens to :data:`lms_core.signals.xapi.statement_stored`: a
statement stored with the session's client updates the session and the AU's state, and
moveOn is evaluated (:func:`lms_core.cmi5.operations.apply_statement`).

Statements of other clients are not checked here (an administrator's import of old
statements, for example).

:func:`on_enrolment_created` makes the cmi5 registration of a new enrolment in a course with
cmi5 content. :func:`install` wires all three, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from lms_core.cmi5 import operations as ops
from lms_core.cmi5 import vocabulary as C
from lms_core.cmi5.models import Cmi5Session
from lms_core.courses.models import Lesson
from lms_core.extensions import db
from lms_core.signals.courses import enrolment_created
from lms_core.signals.xapi import statement_stored
from lms_core.xapi.clients import XapiClientStatement
from lms_core.xapi.lrs import STATEMENT_CHECKS, LrsError
from lms_core.xapi.models import Statement
from lms_core.xapi.statements import actor_key

_NAMES = {C.INITIALIZED: "initialized", C.COMPLETED: "completed", C.PASSED: "passed",
          C.FAILED: "failed", C.TERMINATED: "terminated", C.LAUNCHED: "launched",
          C.ABANDONED: "abandoned", C.WAIVED: "waived", C.SATISFIED: "satisfied"}


def _name(verb: str) -> str:
    return _NAMES.get(verb, verb)


@dataclass
class _Seen:
    """The session as the batch leaves it, statement after statement."""

    initialized: bool
    ended: str | None
    verbs: set[str]
    completed: bool
    passed: bool
    messages: list[str] = field(default_factory=list)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _category_ids(statement: dict) -> set[str]:
    category = _dict(_dict(statement.get("context")).get("contextActivities")).get("category")
    if isinstance(category, dict):
        category = [category]
    return {a.get("id") for a in category if isinstance(a, dict)} \
        if isinstance(category, list) else set()


def check_session_statements(client, statements: list[Any]) -> None:
    """Refuse a batch from a session's client that breaks a cmi5 rule (see the module)."""
    session = ops.session_of_client(client)
    if session is None:
        return
    reg = session.registration_row
    lesson = db.session.get(Lesson, session.lesson_id)
    state = ops.state_of(reg, lesson, create=False)
    seen = _Seen(initialized=session.initialized_at is not None,
                 ended=("terminated" if session.terminated_at else "abandoned")
                 if session.ended_at else None,
                 verbs=set(session.verbs or []),
                 completed=state is not None and state.completed_at is not None,
                 passed=state is not None and state.passed_at is not None)
    ids = [str(s.get("id")).lower() for s in statements if isinstance(s, dict) and s.get("id")]
    stored = set()
    if ids:
        stored = {i.lower() for i in db.session.scalars(sa.select(Statement.statement_id).where(
            sa.func.lower(Statement.statement_id).in_(ids)))}
    learner = actor_key(ops.launch_actor(reg.enrolment.user))
    mastery = (lesson.settings or {}).get("mastery_score")
    many = len(statements) > 1
    for i, statement in enumerate(statements):
        if not isinstance(statement, dict):
            continue  # the LRS's validation refuses it
        if str(statement.get("id") or "").lower() in stored:
            continue  # sent again (a retry): stored once already, nothing new
        where = f"statements[{i}]" if many else "statement"
        _check_one(statement, where, session, seen, learner, mastery)


def _check_one(statement: dict, where: str, session: Cmi5Session, seen: _Seen, learner: str,
               mastery: float | None) -> None:
    sid = session.id
    if seen.ended:
        raise LrsError(403, f"{where}: cmi5 session {sid} has ended ({seen.ended}); no "
                       "statement is accepted for it any more. Launch the AU again.")
    actor = statement.get("actor")
    if not isinstance(actor, dict) or actor.get("objectType", "Agent") != "Agent" or \
            actor_key(actor) != learner:
        raise LrsError(403, f"{where}: the actor must be the learner the AU was launched for "
                       "(the actor parameter of the launch URL).")
    context = _dict(statement.get("context"))
    registration = context.get("registration")
    if not registration:
        raise LrsError(400, f"{where}: context.registration is missing; statements of a cmi5 "
                       "session carry the registration of the launch URL.")
    if str(registration).lower() != session.registration_row.registration.lower():
        raise LrsError(403, f"{where}: context.registration {registration} is not the "
                       "registration this auth-token was issued for.")
    session_id = _dict(context.get("extensions")).get(C.EXT_SESSION_ID)
    if session_id is None:
        raise LrsError(400, f"{where}: context.extensions lacks the cmi5 session id "
                       f"({C.EXT_SESSION_ID}); use the contextTemplate of LMS.LaunchData.")
    if str(session_id) != sid:
        raise LrsError(403, f"{where}: session id {session_id} is not the session this "
                       "auth-token was issued for.")
    verb = _dict(statement.get("verb")).get("id")
    if not seen.initialized and verb != C.INITIALIZED:
        raise LrsError(400, f"{where}: the first statement of a cmi5 session must be "
                       f"initialized, not {_name(str(verb))}.")
    defined = C.CATEGORY_CMI5 in _category_ids(statement)
    if defined:
        _check_defined(statement, where, verb, session, seen, mastery)
    if verb == C.INITIALIZED:
        seen.initialized = True
    if verb == C.TERMINATED:
        seen.ended = "terminated"


def _check_defined(statement: dict, where: str, verb: Any, session: Cmi5Session, seen: _Seen,
                   mastery: float | None) -> None:
    """The rules of "cmi5 defined" statements: verbs, object, order, result."""
    if verb in C.LMS_VERBS:
        raise LrsError(403, f"{where}: only the LMS makes {_name(verb)} statements.")
    if verb not in C.AU_VERBS:
        raise LrsError(400, f"{where}: a cmi5 defined statement (cmi5 category) uses one of "
                       "the verbs initialized, completed, passed, failed, terminated; "
                       f"{verb!r} belongs in a statement without the cmi5 category.")
    name = _name(verb)
    obj = _dict(statement.get("object"))
    if obj.get("id") != session.activity_id:
        raise LrsError(400, f"{where}: the object of a cmi5 defined statement is the AU, "
                       f"{session.activity_id} (the activityId of the launch URL).")
    if verb in seen.verbs:
        raise LrsError(400, f"{where}: {name} was already sent in this session.")
    if verb in (C.PASSED, C.FAILED) and seen.verbs & {C.PASSED, C.FAILED}:
        raise LrsError(400, f"{where}: a session has passed or failed once, not both.")
    if verb in (C.COMPLETED, C.PASSED, C.FAILED) and session.launch_mode != "Normal":
        raise LrsError(400, f"{where}: the AU was launched in {session.launch_mode} mode, "
                       "where it sends only initialized and terminated.")
    if verb == C.COMPLETED and seen.completed:
        raise LrsError(400, f"{where}: the AU was already completed in this registration.")
    if verb == C.PASSED and seen.passed:
        raise LrsError(400, f"{where}: the AU was already passed in this registration.")
    if verb == C.FAILED and seen.passed:
        raise LrsError(400, f"{where}: failed cannot follow passed in the same registration.")
    result = _dict(statement.get("result"))
    score = _dict(result.get("score")).get("scaled")
    expect_success = {C.PASSED: True, C.FAILED: False}.get(verb)
    if expect_success is None and "success" in result:
        raise LrsError(400, f"{where}: a {name} statement has no result.success.")
    if expect_success is not None and result.get("success") is not expect_success:
        raise LrsError(400, f"{where}: a {name} statement has result.success "
                       f"{'true' if expect_success else 'false'}.")
    if verb == C.COMPLETED and result.get("completion") is not True:
        raise LrsError(400, f"{where}: a completed statement has result.completion true.")
    if verb != C.COMPLETED and "completion" in result:
        raise LrsError(400, f"{where}: a {name} statement has no result.completion.")
    if verb not in (C.PASSED, C.FAILED) and "score" in result:
        raise LrsError(400, f"{where}: only passed and failed statements carry a score.")
    if isinstance(score, int | float) and mastery is not None:
        if verb == C.PASSED and score < mastery:
            raise LrsError(400, f"{where}: passed with a scaled score of {score}, below the "
                           f"masteryScore {mastery}.")
        if verb == C.FAILED and score >= mastery:
            raise LrsError(400, f"{where}: failed with a scaled score of {score}, at or above "
                           f"the masteryScore {mastery}.")
    move_on = C.CATEGORY_MOVE_ON in _category_ids(statement)
    if verb in (C.COMPLETED, C.PASSED, C.FAILED) and not move_on:
        raise LrsError(400, f"{where}: a {name} statement has the moveOn category "
                       f"({C.CATEGORY_MOVE_ON}) in context.contextActivities.category.")
    if verb not in (C.COMPLETED, C.PASSED, C.FAILED) and move_on:
        raise LrsError(400, f"{where}: only completed, passed and failed statements have the "
                       "moveOn category.")
    seen.verbs.add(verb)
    if verb == C.COMPLETED:
        seen.completed = True
    if verb == C.PASSED:
        seen.passed = True


def on_statement_stored(row: Statement, user=None, **_extra) -> None:
    """A statement stored by a session's client moves the session and the AU on."""
    payload = row.payload or {}
    extensions = _dict(_dict(payload.get("context")).get("extensions"))
    session_id = extensions.get(C.EXT_SESSION_ID)
    if not isinstance(session_id, str):
        return
    session = db.session.get(Cmi5Session, session_id)
    if session is None or session.client_id is None:
        return
    link = db.session.get(XapiClientStatement, row.id)
    if link is None or link.client_id != session.client_id:
        return  # the LMS's own statements, or another client's
    ops.apply_statement(session, payload, row.stored)


def on_enrolment_created(enrolment, **_extra) -> None:
    """An enrolment in a course with cmi5 content is a cmi5 registration: its moveOn rules
    are evaluated at once (AUs whose moveOn is NotApplicable are satisfied: 9.6.1)."""
    if any(lesson.kind == "cmi5" for lesson in enrolment.version.lessons):
        ops.registration_of(enrolment)


def check_launch_data_write(client, method: str, context, document_id: str | None) -> None:
    """An AU reads ``LMS.LaunchData`` but never changes it (cmi5 10.2.1): a session client's
    write or delete of that document, or of every state of the activity, is refused."""
    from lms_core.cmi5.operations import CLIENT_PREFIX
    from lms_core.xapi import documents

    if not client.name.startswith(CLIENT_PREFIX) or context.kind != documents.STATE:
        return
    if document_id in (C.LAUNCH_DATA, None):
        raise LrsError(403, "The AU may read LMS.LaunchData but not change or delete it; "
                       "only the LMS writes it.")


def install() -> None:
    """Register the checks and the receivers (once per process)."""
    from lms_core.xapi.document_views import WRITE_CHECKS

    if check_session_statements not in STATEMENT_CHECKS:
        STATEMENT_CHECKS.append(check_session_statements)
    if check_launch_data_write not in WRITE_CHECKS:
        WRITE_CHECKS.append(check_launch_data_write)
    statement_stored.connect(on_statement_stored, weak=False)
    enrolment_created.connect(on_enrolment_created, weak=False)
