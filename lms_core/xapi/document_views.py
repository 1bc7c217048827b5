"""The LRS's document resources on the LRS blueprint (``/xapi``): State
(``/activities/state``), Activity Profile (``/activities/profile``), Agent Profile
(``/agents/profile``), Activities (``/activities``) and Agents (``/agents``).

Authentication, the version header and the error format are the blueprint's
(:mod:`lms_core.xapi.lrs`). Scopes: ``state`` reads and writes State documents, ``profile``
Activity and Agent Profile documents; ``all/read`` reads both, ``all`` does everything. The
Activities and Agents resources answer clients holding ``statements/read``, ``all/read``,
``profile`` or ``define``.

Every parameter is checked before anything is read or written (400 with the parameter's name);
unknown parameters are refused. A GET of one document answers its bytes with the stored
Content-Type, a quoted SHA-1 ``ETag`` and ``Last-Modified``; the other GETs answer JSON with an
ETag too. Writes honour ``If-Match`` / ``If-None-Match`` (412). A PUT to an Activity or Agent
Profile must carry one of them: without either it is a 409 when the document exists, a 400 when
it does not. Replacing a State document without them is a 409 in xAPI 2.0; 1.0.3 lets State
writes go without concurrency headers.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Literal

from flask import Response, g, jsonify, request
from werkzeug.datastructures import ETags
from werkzeug.http import http_date, parse_etags

from lms_core.extensions import db
from lms_core.xapi import documents as D
from lms_core.xapi import validation as V
from lms_core.xapi.clients import XapiClient
from lms_core.xapi.lrs import LrsError, bp

STATE_READ = ("state", "all/read")
PROFILE_READ = ("profile", "all/read")
OBJECTS_READ = ("statements/read", "all/read", "profile", "define")


# -- parameters -----------------------------------------------------------------------------------
def _params(allowed: set[str], resource: str) -> dict[str, str]:
    """The query parameters, each given once and all known to this request."""
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise LrsError(400, f"Unknown parameter {unknown[0]!r} for {request.method} {resource} "
                       f"(allowed: {', '.join(sorted(allowed))}).")
    for name in request.args:
        if len(request.args.getlist(name)) > 1:
            raise LrsError(400, f"The parameter {name!r} is given more than once.")
    return request.args.to_dict()


def _required(args: dict[str, str], name: str) -> str:
    if name not in args:
        raise LrsError(400, f"The {name} parameter is required.")
    return args[name]


def _agent_param(args: dict[str, str], *, allow_group: bool = False) -> tuple[dict, str]:
    """The ``agent`` parameter as JSON and its key."""
    text = _required(args, "agent")
    try:
        agent = json.loads(text)
    except ValueError:
        raise LrsError(400, "The agent parameter must be an Agent as JSON, e.g. "
                       '{"objectType": "Agent", "account": {"homePage": "https://…", '
                       '"name": "HQ000001"}}.') from None
    return agent, D.check_agent(agent, allow_group=allow_group)


def _since(args: dict[str, str]) -> datetime | None:
    if "since" not in args:
        return None
    text = args["since"]
    # A "+hh:mm" offset sent without URL-encoding arrives as " hh:mm".
    text = re.sub(r" (\d{2}(?::?\d{2})?)\Z", r"+\1", text)
    return V.parse_timestamp(text, "since")


def _preconditions() -> D.Preconditions:
    def header(name: str) -> ETags | None:
        value = request.headers.get(name)
        return parse_etags(value) if value is not None else None

    return D.Preconditions(if_match=header("If-Match"), if_none_match=header("If-None-Match"))


def _method() -> str:
    """The request's method, HEAD answered as GET (without the body)."""
    return "GET" if request.method == "HEAD" else request.method


def _client() -> XapiClient:
    return g.xapi_client


def _require(scopes: tuple[str, ...], what: str) -> None:
    if not _client().has(*scopes):
        raise LrsError(403, f"This client may not {what} (scope {' or '.join(scopes)}).")


# -- responses ------------------------------------------------------------------------------------
def _quoted(etag: str) -> str:
    return f'"{etag}"'


def _last_modified(when: datetime) -> str:
    return http_date(when.replace(tzinfo=UTC))


def _json_response(value, last_modified: datetime | None = None) -> Response:
    response = jsonify(value)
    response.headers["ETag"] = _quoted(D.etag_of(response.get_data()))
    if last_modified is not None:
        response.headers["Last-Modified"] = _last_modified(last_modified)
    return response


def _document_response(document: D.XapiDocument) -> Response:
    response = Response(document.content, status=200, content_type=document.content_type)
    response.headers["ETag"] = _quoted(document.etag)
    response.headers["Last-Modified"] = _last_modified(document.updated)
    return response


def _written(document: D.XapiDocument | None) -> Response:
    db.session.commit()
    response = Response(status=204)
    if document is not None:
        response.headers["ETag"] = _quoted(document.etag)
    return response


# -- the three document resources -----------------------------------------------------------------
#: Callables ``check(client, method, context, document_id)`` run before a document is written
#: or deleted (``document_id`` None for a multiple delete); one raises :class:`LrsError` to
#: refuse (cmi5 keeps AUs from changing ``LMS.LaunchData``).
WRITE_CHECKS: list = []


def _check_write(context: D.Context, document_id: str | None) -> None:
    for check in WRITE_CHECKS:
        check(_client(), _method(), context, document_id)


def _document_resource(context: D.Context, id_name: str, args: dict[str, str], what: str,
                       *, multiple_delete: bool,
                       put_precondition: Literal["existing", "always"] | None) -> Response:
    """GET/PUT/POST/DELETE of one document (``id_name`` given) or of the id list."""
    method = _method()
    if id_name not in args:
        if method == "GET":
            ids, newest = D.document_ids(context, _since(args))
            return _json_response(ids, newest)
        if method == "DELETE" and multiple_delete:
            _check_write(context, None)
            D.delete_all(context)
            return _written(None)
        raise LrsError(400, f"The {id_name} parameter is required.")
    if "since" in args:
        raise LrsError(400, f"since filters the list of ids; it cannot be combined with "
                       f"{id_name}.")
    # One document: in its context, no registration means "stored without registration".
    document_id = D.check_document_id(args[id_name], id_name)
    if method == "GET":
        document = D.find(context, document_id)
        if document is None:
            raise LrsError(404, f"No {what} has the {id_name} {document_id!r} here.")
        return _document_response(document)
    _check_write(context, document_id)
    if method == "DELETE":
        D.delete(context, document_id, _preconditions())
        return _written(None)
    content = request.get_data(cache=False)
    content_type = request.headers.get("Content-Type")
    if method == "PUT":
        document = D.put(context, document_id, content, content_type, _preconditions(),
                         require_precondition=put_precondition)
    else:
        document = D.post(context, document_id, content, content_type, _preconditions())
    return _written(document)


_STATE_PARAMS = {"activityId", "agent", "registration", "stateId"}


@bp.route("/activities/state", methods=["GET", "PUT", "POST", "DELETE"])
def state():
    reading = _method() == "GET"
    _require(STATE_READ if reading else ("state",),
             "read State documents" if reading else "write State documents")
    args = _params(_STATE_PARAMS | ({"since"} if reading else set()), "/activities/state")
    activity_id = D.check_activity_id(_required(args, "activityId"))
    _agent, agent_key = _agent_param(args, allow_group=True)
    registration = (D.check_registration(args["registration"]) if "registration" in args
                    else None)
    context = D.Context(D.STATE, activity_id, agent_key, registration)
    return _document_resource(
        context, "stateId", args, "State document", multiple_delete=True,
        put_precondition="existing" if g.xapi_version.startswith("2.") else None)


@bp.route("/activities/profile", methods=["GET", "PUT", "POST", "DELETE"])
def activity_profile():
    reading = _method() == "GET"
    _require(PROFILE_READ if reading else ("profile",),
             "read profile documents" if reading else "write profile documents")
    args = _params({"activityId", "profileId"} | ({"since"} if reading else set()),
                   "/activities/profile")
    context = D.Context(D.ACTIVITY_PROFILE, D.check_activity_id(_required(args, "activityId")))
    return _document_resource(context, "profileId", args, "Activity Profile document",
                              multiple_delete=False, put_precondition="always")


@bp.route("/agents/profile", methods=["GET", "PUT", "POST", "DELETE"])
def agent_profile():
    reading = _method() == "GET"
    _require(PROFILE_READ if reading else ("profile",),
             "read profile documents" if reading else "write profile documents")
    args = _params({"agent", "profileId"} | ({"since"} if reading else set()),
                   "/agents/profile")
    _agent, agent_key = _agent_param(args)
    context = D.Context(D.AGENT_PROFILE, "", agent_key)
    return _document_resource(context, "profileId", args, "Agent Profile document",
                              multiple_delete=False, put_precondition="always")


# -- Activities and Agents ------------------------------------------------------------------------
@bp.get("/activities")
def activities():
    _require(OBJECTS_READ, "read Activity definitions")
    args = _params({"activityId"}, "/activities")
    activity_id = D.check_activity_id(_required(args, "activityId"))
    return _json_response(D.activity_object(activity_id))


@bp.get("/agents")
def agents():
    _require(OBJECTS_READ, "read Person objects")
    args = _params({"agent"}, "/agents")
    agent, _key = _agent_param(args)
    return _json_response(D.person_object(agent))
