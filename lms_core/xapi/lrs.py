"""The built-in LRS at ``/xapi``: the Statements resource of xAPI 1.0.3 (and 2.0.0 requests).

- Clients authenticate with HTTP Basic (:mod:`lms_core.xapi.clients`); scopes decide what
  they may do (403 otherwise). Every request but ``/xapi/about`` needs the
  ``X-Experience-API-Version`` header (1.0.0 … 1.0.3 or 2.0.0); every response carries it.
- Errors are ``{"error": <status>, "message": <text>}``: 400 invalid, 401 no or wrong
  credentials, 403 missing scope, 404 unknown statement, 409 conflict, 413 batch too large.
- Statements recorded by the platform (:func:`lms_core.xapi.statements.record`) live in the
  same table and are returned like any other.

Not supported yet (answered with 400, never silently ignored): ``related_activities=true``,
``related_agents=true``, ``attachments=true`` and attachment parts (multipart/mixed), the
alternate request syntax (``?method=``). The ``agent`` filter matches the actor only
(statements whose *object* is that agent are not found by it).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid as uuidlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import csrf, db
from lms_core.signals.xapi import statement_stored
from lms_core.xapi import validation as V
from lms_core.xapi.clients import XapiClient, XapiClientStatement, authenticate
from lms_core.xapi.models import Statement
from lms_core.xapi.statements import actor_key

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
csrf.exempt(bp)

VERSIONS = ("1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0")
DEFAULT_MAX_BATCH = 500
#: Largest page of a statement query (also what ``limit=0`` means).
MAX_PAGE = 500
READ_SCOPES = ("statements/read", "all/read")
QUERY_PARAMS = frozenset({"agent", "verb", "activity", "registration", "related_activities",
                          "related_agents", "since", "until", "limit", "format", "attachments",
                          "ascending"})


#: Callables ``check(client, statements)`` run before a batch is validated and stored; one
#: raises :class:`LrsError` to refuse the batch (the cmi5 session rules register one).
STATEMENT_CHECKS: list[Callable[[XapiClient, list[Any]], None]] = []


class LrsError(UserError):
    """A request the LRS refuses: ``status`` and a precise message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def _error_response(status: int, message: str, headers: dict[str, str] | None = None):
    response = jsonify(error=status, message=message)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@bp.errorhandler(UserError)
def _user_error(exc: UserError):
    db.session.rollback()
    return _error_response(getattr(exc, "status", 400), str(exc), getattr(exc, "headers", None))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    db.session.rollback()
    messages = {413: "The request body is too large.", 404: "No such xAPI resource.",
                405: f"{request.method} is not allowed on {request.path}."}
    return _error_response(exc.code or 400, messages.get(exc.code or 0, exc.description or ""))


@bp.after_request
def _version_header(response: Response):
    response.headers["X-Experience-API-Version"] = (
        "2.0.0" if g.get("xapi_version", "").startswith("2.") else "1.0.3")
    return response


@bp.before_request
def _before():
    if request.endpoint == "xapi.about":
        return
    auth = request.authorization
    client = None
    if auth is not None and auth.type == "basic" and auth.username:
        client = authenticate(auth.username, auth.password or "")
    if client is None:
        raise LrsError(401, "Send the key and secret of an xAPI client with HTTP Basic "
                       "authentication." if auth is None else
                       "The xAPI client key or secret is wrong, or the client is inactive.",
                       {"WWW-Authenticate": 'Basic realm="xAPI"'})
    version = request.headers.get("X-Experience-API-Version")
    if version is None:
        raise LrsError(400, "The X-Experience-API-Version header is missing (send 1.0.3).")
    if version not in VERSIONS:
        raise LrsError(400, f"X-Experience-API-Version {version!r} is not supported; use one "
                       f"of {', '.join(VERSIONS)}.")
    if "method" in request.args:
        raise LrsError(400, "The alternate request syntax (?method=) is not supported.")
    g.xapi_client = client
    g.xapi_version = version


@bp.get("/about")
def about():
    return jsonify(version=list(VERSIONS))


# -- storing ----------------------------------------------------------------------------------
def _norm(value: Any, key: str = "") -> Any:
    """The parts of a statement that matter when comparing it with a stored one."""
    if isinstance(value, dict):
        out = {k: _norm(v, k) for k, v in value.items() if v is not None}
        if isinstance(out.get("member"), list):
            out["member"] = sorted(out["member"], key=lambda m: json.dumps(m, sort_keys=True))
        return out
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, str) and V.is_uuid(value):
        return value.lower()
    if key == "timestamp" and isinstance(value, str):
        try:
            return V.parse_timestamp(value, key).isoformat()
        except V.StatementError:
            return value
    return value


def comparable(statement: dict, *, with_timestamp: bool = True) -> Any:
    """``statement`` without what the LRS sets (id, stored, authority, version), with ids
    lower-cased, timestamps as instants and group members in a fixed order."""
    drop = {"id", "stored", "authority", "version"} | (set() if with_timestamp else
                                                       {"timestamp"})
    return _norm({k: v for k, v in statement.items() if k not in drop})


def _authority(client: XapiClient) -> dict:
    home = current_app.config["LMS_XAPI_HOMEPAGE"].rstrip("/")
    return {"objectType": "Agent", "name": client.name,
            "account": {"homePage": f"{home}/xapi/clients", "name": client.key}}


def _platform_user(actor: dict):
    """The platform user a statement's actor is, when it is one of our accounts."""
    from lms_core.identity.models import User

    account = actor.get("account") if isinstance(actor, dict) else None
    if not account or account.get("homePage") != current_app.config["LMS_XAPI_HOMEPAGE"]:
        return None
    return db.session.scalar(sa.select(User).where(User.code == account.get("name")))


def store_statements(statements: list[Any], client: XapiClient, version: str) -> list[str]:
    """Validate and store ``statements`` (all or nothing); returns their ids in order.

    A statement whose id is already stored with the same content is not stored again; with
    other content the whole batch is refused (409). Raises :class:`LrsError` or
    :class:`~lms_core.xapi.validation.StatementError`; changes nothing then."""
    if not client.has("statements/write"):
        raise LrsError(403, "This client may not store statements (scope statements/write).")
    for check in STATEMENT_CHECKS:
        check(client, statements)
    many = len(statements) > 1
    for i, statement in enumerate(statements):
        V.validate_statement(statement, f"statements[{i}]" if many else "statement",
                             header_version=version)
    ids = [(s.get("id") or str(uuidlib.uuid4())).lower() for s in statements]
    if len(set(ids)) != len(ids):
        raise LrsError(400, "The batch holds two statements with the same id.")
    existing = {row.statement_id.lower(): row for row in db.session.scalars(
        sa.select(Statement).where(sa.func.lower(Statement.statement_id).in_(ids)))}
    new: list[tuple[str, dict]] = []
    for sid, statement in zip(ids, statements, strict=True):
        row = existing.get(sid)
        if row is None:
            new.append((sid, statement))
            continue
        same = comparable(statement, with_timestamp="timestamp" in statement) == comparable(
            row.payload, with_timestamp="timestamp" in statement)
        if not same:
            raise LrsError(409, f"Statement {sid} is already stored with other content.")
    # voiding
    batch_verbs = {sid: s["verb"]["id"] for sid, s in new}
    targets: list[str] = []
    for sid, statement in new:
        if statement["verb"]["id"] != V.VOIDED:
            continue
        if not client.has("all"):
            raise LrsError(403, "This client may not void statements (scope all).")
        target = statement["object"]["id"].lower()
        stored_target = db.session.scalar(
            sa.select(Statement).where(sa.func.lower(Statement.statement_id) == target))
        target_verb = batch_verbs.get(target) or (stored_target.verb_id if stored_target
                                                 else None)
        if target_verb == V.VOIDED:
            raise LrsError(400, f"Statement {sid} voids {target}, which is itself a voiding "
                           "statement; a voiding statement cannot be voided.")
        targets.append(target)
    stored = utcnow()
    stored_text = V.utc_iso(stored)
    rows = []
    for sid, statement in new:
        payload = dict(statement)
        payload["id"] = statement.get("id") or sid
        payload["stored"] = stored_text
        payload.setdefault("timestamp", stored_text)
        payload["authority"] = _authority(client)
        payload.setdefault("version", "2.0.0" if version.startswith("2.") else "1.0.0")
        user = _platform_user(payload["actor"])
        res = payload.get("result") or {}
        obj = payload["object"]
        row = Statement(
            statement_id=sid, actor_key=actor_key(payload["actor"]),
            user_id=user.id if user is not None else None, verb_id=payload["verb"]["id"],
            activity_id=obj["id"] if obj.get("objectType", "Activity") == "Activity" else None,
            registration=((payload.get("context") or {}).get("registration") or "").lower()
            or None,
            timestamp=V.parse_timestamp(payload["timestamp"], "timestamp"), stored=stored,
            voided=False,
            duration_seconds=V.duration_seconds(res["duration"], "duration")
            if "duration" in res else None,
            score_scaled=(res.get("score") or {}).get("scaled"), success=res.get("success"),
            completion=res.get("completion"), payload=payload)
        db.session.add(row)
        rows.append((row, user))
    db.session.flush()
    for row, _user in rows:
        db.session.add(XapiClientStatement(statement_pk=row.id, client_id=client.id))
    if targets:
        db.session.execute(sa.update(Statement).where(
            sa.func.lower(Statement.statement_id).in_(targets),
            Statement.verb_id != V.VOIDED).values(voided=True))
    db.session.flush()
    for row, user in rows:
        statement_stored.send(row, user=user)
    return ids


def _json_body() -> Any:
    if request.mimetype == "multipart/mixed":
        raise LrsError(400, "Statements with attachment parts (multipart/mixed) are not "
                       "supported yet.")
    if request.mimetype != "application/json":
        raise LrsError(400, f"The Content-Type must be application/json, not "
                       f"{request.mimetype or 'none'!r}.")

    def no_constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(request.get_data(as_text=True), parse_constant=no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise LrsError(400, f"The body is not valid JSON: {error}.") from None


@bp.post("/statements")
def post_statements():
    body = _json_body()
    statements = body if isinstance(body, list) else [body]
    limit = current_app.config.get("LMS_XAPI_MAX_BATCH", DEFAULT_MAX_BATCH)
    if len(statements) > limit:
        raise LrsError(413, f"The batch holds {len(statements)} statements; at most {limit} "
                       "are accepted in one request.")
    if not isinstance(body, list | dict):
        raise LrsError(400, "The body must be a statement or a list of statements.")
    ids = store_statements(statements, g.xapi_client, g.xapi_version)
    db.session.commit()
    return jsonify(ids)


@bp.put("/statements")
def put_statement():
    sid = request.args.get("statementId")
    if sid is None:
        raise LrsError(400, "PUT needs the statementId parameter.")
    V.uuid(sid, "statementId")
    extra = sorted(set(request.args) - {"statementId"})
    if extra:
        raise LrsError(400, f"Unknown parameter {extra[0]!r} for PUT.")
    body = _json_body()
    if not isinstance(body, dict):
        raise LrsError(400, "PUT takes one statement (a JSON object), not a list.")
    if "id" in body and str(body["id"]).lower() != sid.lower():
        raise LrsError(400, f"The statement's id {body['id']!r} differs from statementId "
                       f"{sid!r}.")
    store_statements([{**body, "id": body.get("id", sid)}], g.xapi_client, g.xapi_version)
    db.session.commit()
    return Response(status=204)


# -- reading ----------------------------------------------------------------------------------
def _bool_param(name: str, text: str) -> bool:
    if text.lower() in ("true", "1"):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise LrsError(400, f"{name} must be true or false, not {text!r}.")


def _time_param(name: str, text: str) -> datetime:
    return V.parse_timestamp(text.replace(" ", "T", 1), name)


def parse_query(args: dict[str, str]) -> dict[str, Any]:
    """The filters of a statement query, checked; raises :class:`LrsError` (400)."""
    unknown = sorted(set(args) - QUERY_PARAMS)
    if unknown:
        raise LrsError(400, f"Unknown query parameter {unknown[0]!r}.")
    q: dict[str, Any] = {}
    if "agent" in args:
        try:
            agent = json.loads(args["agent"])
        except ValueError:
            raise LrsError(400, "agent must be an Agent or Group as JSON.") from None
        V.agent(agent, "agent")
        q["agent"] = actor_key(agent)
    for name in ("verb", "activity"):
        if name in args:
            q[name] = V.iri(args[name], name)
    if "registration" in args:
        q["registration"] = V.uuid(args["registration"], "registration").lower()
    for name in ("since", "until"):
        if name in args:
            q[name] = _time_param(name, args[name])
    for name in ("related_activities", "related_agents"):
        if name in args and _bool_param(name, args[name]):
            raise LrsError(400, f"{name}=true is not supported yet by this LRS.")
    if "attachments" in args and _bool_param("attachments", args["attachments"]):
        raise LrsError(400, "attachments=true is not supported yet by this LRS.")
    q["ascending"] = _bool_param("ascending", args["ascending"]) if "ascending" in args else False
    limit = args.get("limit", "0")
    if not limit.isdigit():
        raise LrsError(400, f"limit must be a whole number of 0 or more, not {limit!r}.")
    q["limit"] = min(int(limit), MAX_PAGE) or MAX_PAGE
    fmt = args.get("format", "exact")
    if fmt not in ("ids", "exact", "canonical"):
        raise LrsError(400, f"format must be ids, exact or canonical, not {fmt!r}.")
    q["format"] = fmt
    return q


def _ids_only(value: Any, key: str = "") -> Any:
    """The ``ids`` format: agents by identifier, activities and verbs by id only."""
    if isinstance(value, list):
        return [_ids_only(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("objectType")
    if key in ("actor", "instructor", "authority", "team", "member") or kind in ("Agent",
                                                                                  "Group"):
        ifi = {k: value[k] for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in value}
        out = {"objectType": kind} if kind else {}
        out.update(ifi)
        if kind == "Group" and not ifi and "member" in value:
            out["member"] = _ids_only(value["member"], "member")
        return out
    if key == "verb" or (key in ("object", "parent", "grouping", "category", "other")
                         and kind in (None, "Activity")):
        return {k: value[k] for k in ("objectType", "id") if k in value}
    return {k: _ids_only(v, k) for k, v in value.items()}


def _canonical(value: Any, languages: list[str], key: str = "") -> Any:
    """The ``canonical`` format: each language map reduced to the best language asked for."""
    if isinstance(value, list):
        return [_canonical(v, languages) for v in value]
    if not isinstance(value, dict):
        return value
    if key in ("display", "name", "description") and value and all(
            isinstance(v, str) for v in value.values()) and all(
            V.is_language_tag(k) for k in value):
        for lang in languages:
            for tag in value:
                if tag.lower() == lang or tag.lower().split("-")[0] == lang.split("-")[0]:
                    return {tag: value[tag]}
        first = next(iter(value))
        return {first: value[first]}
    return {k: _canonical(v, languages, k) for k, v in value.items()}


def _formatted(row: Statement, fmt: str) -> dict:
    if fmt == "ids":
        return _ids_only(row.payload)
    if fmt == "canonical":
        languages = [lang.lower() for lang, _q in request.accept_languages] or ["en"]
        return _canonical(row.payload, languages)
    return row.payload


def _reader_filter(client: XapiClient):
    """Which statements ``client`` may read: None for all, or a SQL condition."""
    if client.has(*READ_SCOPES):
        return None
    if "statements/read/mine" in client.scopes:
        return Statement.id.in_(sa.select(XapiClientStatement.statement_pk).where(
            XapiClientStatement.client_id == client.id))
    raise LrsError(403, "This client may not read statements (scope statements/read).")


def _consistent(response: Response, last_modified: datetime | None) -> Response:
    now = utcnow()
    response.headers["X-Experience-API-Consistent-Through"] = V.utc_iso(now)
    response.headers["Last-Modified"] = http_date((last_modified or now).replace(tzinfo=UTC))
    return response


def _encode_more(args: dict[str, str], row: Statement) -> str:
    token = json.dumps({"q": args, "c": [row.stored.isoformat(), row.id]}, sort_keys=True)
    encoded = base64.urlsafe_b64encode(token.encode("utf-8")).decode("ascii").rstrip("=")
    return f"{bp.url_prefix}/statements?more={encoded}"


def _decode_more(token: str) -> tuple[dict[str, str], tuple[datetime, int]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        args = {str(k): str(v) for k, v in data["q"].items()}
        cursor = (datetime.fromisoformat(data["c"][0]), int(data["c"][1]))
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error, AttributeError):
        raise LrsError(400, "The more parameter is not one this LRS gave out.") from None
    return args, cursor


@bp.get("/statements")
def get_statements():
    client: XapiClient = g.xapi_client
    readable = _reader_filter(client)
    args = request.args.to_dict()
    single = [k for k in ("statementId", "voidedStatementId") if k in args]
    if single:
        return _single(single, args, readable)
    cursor = None
    if "more" in args:
        if len(args) > 1:
            raise LrsError(400, "more cannot be combined with other parameters.")
        args, cursor = _decode_more(args["more"])
    q = parse_query(args)
    query = sa.select(Statement).where(Statement.voided.is_(False))
    if readable is not None:
        query = query.where(readable)
    if "agent" in q:
        query = query.where(Statement.actor_key == q["agent"])
    if "verb" in q:
        query = query.where(Statement.verb_id == q["verb"])
    if "activity" in q:
        query = query.where(Statement.activity_id == q["activity"])
    if "registration" in q:
        query = query.where(sa.func.lower(Statement.registration) == q["registration"])
    if "since" in q:
        query = query.where(Statement.stored > q["since"])
    if "until" in q:
        query = query.where(Statement.stored <= q["until"])
    key = sa.tuple_(Statement.stored, Statement.id)
    if cursor is not None:
        query = query.where(key > sa.tuple_(*cursor) if q["ascending"]
                            else key < sa.tuple_(*cursor))
    if q["ascending"]:
        query = query.order_by(Statement.stored, Statement.id)
    else:
        query = query.order_by(Statement.stored.desc(), Statement.id.desc())
    rows = list(db.session.scalars(query.limit(q["limit"] + 1)))
    more = ""
    if len(rows) > q["limit"]:
        rows = rows[:q["limit"]]
        more = _encode_more(args, rows[-1])
    response = jsonify(statements=[_formatted(r, q["format"]) for r in rows], more=more)
    newest = max((r.stored for r in rows), default=None)
    return _consistent(response, newest)


def _single(single: list[str], args: dict[str, str], readable) -> Response:
    if len(single) > 1:
        raise LrsError(400, "Give statementId or voidedStatementId, not both.")
    name = single[0]
    extra = sorted(set(args) - {name, "format", "attachments"})
    if extra:
        raise LrsError(400, f"{name} cannot be combined with {extra[0]!r}.")
    sid = V.uuid(args[name], name).lower()
    q = parse_query({k: v for k, v in args.items() if k in ("format", "attachments")})
    query = sa.select(Statement).where(sa.func.lower(Statement.statement_id) == sid,
                                       Statement.voided.is_(name == "voidedStatementId"))
    if readable is not None:
        query = query.where(readable)
    row = db.session.scalar(query)
    if row is None:
        what = "voided statement" if name == "voidedStatementId" else "statement"
        raise LrsError(404, f"No {what} has the id {sid}.")
    return _consistent(jsonify(_formatted(row, q["format"])), row.stored)
