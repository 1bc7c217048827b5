"""The built-in LRS at ``/xapi``: the Statements resource of xAPI 1.0.3 and 2.0.0 (IEEE
9274.1.1), the request rules shared by every resource, and About.

- Clients authenticate with HTTP Basic (:mod:`lms_core.xapi.clients`); scopes decide what
  they may do (403 otherwise). Every request but ``/xapi/about`` needs the
  ``X-Experience-API-Version`` header (1.0.0 … 1.0.3 or 2.0.0). Every response carries the
  header: ``2.0.0`` to 2.0 requests (and to requests without a valid version), ``1.0.3`` to
  1.0.x requests.
- Errors are ``{"error": <status>, "message": <text>}``: 400 invalid, 401 no or wrong
  credentials, 403 missing scope, 404 unknown statement, 409 conflict, 413 batch or
  attachments too large.
- Statements: PUT one, POST one or a batch, as ``application/json`` or as
  ``multipart/mixed`` with the attachments' contents (:mod:`lms_core.xapi.multipart`; each
  part's SHA-2 is checked against its ``X-Experience-API-Hash`` and the statements'
  attachments); signed statements are checked (:mod:`lms_core.xapi.signatures`). GET one by
  ``statementId`` or ``voidedStatementId``, or a query with every filter of the spec
  (``agent``, ``verb``, ``activity``, ``registration``, ``related_activities``,
  ``related_agents``, ``since``, ``until``, ``limit``, ``format``, ``attachments``,
  ``ascending``), paged by a ``more`` link that stays stable while statements arrive.
  Statements that target a matching statement (StatementRef objects, voiding) match too.
  Every GET (and HEAD) of statements answers with ``X-Experience-API-Consistent-Through``
  and ``Last-Modified``.
- The alternate request syntax (``POST ...?method=PUT`` with a form body) of xAPI 1.0.x is
  accepted for every resource of the LRS; xAPI 2.0 removed it, so 2.0 requests using it are
  refused.
- Statements recorded by the platform (:func:`lms_core.xapi.statements.record`) live in the
  same tables and are returned like any other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import uuid as uuidlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import orm as so
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import csrf, db
from lms_core.signals.xapi import statement_stored
from lms_core.xapi import multipart
from lms_core.xapi import signatures as SIG
from lms_core.xapi import validation as V
from lms_core.xapi.clients import XapiClient, XapiClientStatement, authenticate
from lms_core.xapi.models import (
    Attachment,
    Statement,
    StatementKey,
    actor_key,
    bounded,
    index_statements,
    ref_key,
)
from lms_core.xapi.statements import user_for_actor

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
csrf.exempt(bp)

VERSIONS = ("1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0")
#: The version answered to requests that name none (or one this LRS does not know).
LATEST = "2.0.0"
DEFAULT_MAX_BATCH = 500
#: Largest statements request (JSON, or multipart/mixed with attachments), in bytes.
DEFAULT_MAX_REQUEST_BYTES = 20 * 1024 * 1024
#: Largest page of a statement query (also what ``limit=0`` means).
MAX_PAGE = 500
READ_SCOPES = ("statements/read", "all/read")
QUERY_PARAMS = frozenset({"agent", "verb", "activity", "registration", "related_activities",
                          "related_agents", "since", "until", "limit", "format", "attachments",
                          "ascending"})
#: Form fields of the alternate request syntax that are headers of the request they carry.
ALTERNATE_HEADERS = ("Authorization", "X-Experience-API-Version", "Content-Type",
                     "Content-Length", "If-Match", "If-None-Match")
HASH_HEADER = "x-experience-api-hash"
_SHA2_BY_LENGTH = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384,
                   128: hashlib.sha512}


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


def response_version() -> str:
    """The X-Experience-API-Version of the response to the current request."""
    asked = g.get("xapi_version") or request.headers.get("X-Experience-API-Version", "")
    return "1.0.3" if asked in VERSIONS and asked.startswith("1.") else LATEST


@bp.after_request
def _common_headers(response: Response):
    response.headers["X-Experience-API-Version"] = response_version()
    if request.method in ("GET", "HEAD") and request.endpoint == "xapi.get_statements" \
            and "X-Experience-API-Consistent-Through" not in response.headers:
        _consistent(response, None)
    return response


@bp.before_request
def _before():
    if "method" in request.args:
        return _alternate_request()
    if request.endpoint == "xapi.about":
        return None
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
        raise LrsError(400, "The X-Experience-API-Version header is missing (send 1.0.3 or "
                       "2.0.0).")
    if version not in VERSIONS:
        raise LrsError(400, f"X-Experience-API-Version {version!r} is not supported; use one "
                       f"of {', '.join(VERSIONS)}.")
    g.xapi_client = client
    g.xapi_version = version
    return None


def _alternate_request():
    """The alternate request syntax (xAPI 1.0.3 Communication 1.3): a POST whose only query
    parameter is ``method``, carrying the real request's headers, parameters and content
    (``content``) as a form. It is answered as the request it carries."""
    method = request.args["method"]
    if request.method != "POST":
        raise LrsError(400, "The alternate request syntax (?method=) must be sent with POST.")
    extra = sorted(set(request.args) - {"method"})
    if extra:
        raise LrsError(400, f"With ?method=, the parameter {extra[0]!r} must be a form field "
                       "of the body, not a query parameter.")
    if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        raise LrsError(400, f"?method={method} is not GET, HEAD, PUT, POST or DELETE.")
    if request.mimetype != "application/x-www-form-urlencoded":
        raise LrsError(400, "The alternate request syntax (?method=) needs a form body "
                       "(application/x-www-form-urlencoded), not "
                       f"{request.mimetype or 'none'!r}.")
    form = request.form
    header_names = {name.lower(): name for name in ALTERNATE_HEADERS}
    headers = {header_names[k.lower()]: v for k, v in form.items() if k.lower() in header_names}
    version = headers.get("X-Experience-API-Version") or request.headers.get(
        "X-Experience-API-Version", "")
    if version.startswith("2."):
        raise LrsError(400, "xAPI 2.0.0 removed the alternate request syntax (?method=); send "
                       "the request itself.")
    params = [(k, v) for k, vs in form.lists() if k.lower() not in header_names
              and k != "content" for v in vs]
    content = form.get("content", "").encode("utf-8")
    environ = dict(request.environ)
    environ.update({
        "REQUEST_METHOD": method, "QUERY_STRING": urlencode(params),
        "wsgi.input": io.BytesIO(content), "CONTENT_LENGTH": str(len(content)),
        "CONTENT_TYPE": headers.get("Content-Type") or ("application/json" if content
                                                         else ""),
    })
    environ.pop("HTTP_CONTENT_LENGTH", None)
    for name in ("Authorization", "X-Experience-API-Version", "If-Match", "If-None-Match"):
        if name in headers:
            environ["HTTP_" + name.upper().replace("-", "_")] = headers[name]
    app = current_app._get_current_object()
    with app.request_context(environ):
        response = app.full_dispatch_request()
    if method == "HEAD":
        response.set_data(b"")
    return response


@bp.get("/about")
def about():
    return jsonify(version=list(VERSIONS), extensions={})


# -- storing ----------------------------------------------------------------------------------
def comparable(statement: dict, *, with_timestamp: bool = True) -> Any:
    """See :func:`lms_core.xapi.validation.comparable`."""
    return V.comparable(statement, with_timestamp=with_timestamp)


def _authority(client: XapiClient) -> dict:
    home = current_app.config["LMS_XAPI_HOMEPAGE"].rstrip("/")
    return {"objectType": "Agent", "name": client.name,
            "account": {"homePage": f"{home}/xapi/clients", "name": client.key}}


def _attachments_of(statement: dict) -> list[dict]:
    """The attachment objects of a statement and of its SubStatement."""
    found = [a for a in statement.get("attachments") or [] if isinstance(a, dict)]
    obj = statement.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        found += [a for a in obj.get("attachments") or [] if isinstance(a, dict)]
    return found


def _check_parts(statements: list[dict], parts: list[multipart.Part],
                 many: bool) -> dict[str, multipart.Part]:
    """Match the attachment parts of a request with the statements' attachments and check
    the signatures; returns the parts by lower-case sha2. Raises a 400 otherwise."""
    by_hash: dict[str, multipart.Part] = {}
    for number, part in enumerate(parts, start=2):
        declared = part.headers.get(HASH_HEADER, "").strip().lower()
        digest = _SHA2_BY_LENGTH.get(len(declared))
        if not V.is_sha2(declared) or digest is None:
            raise LrsError(400, f"Part {number}: its X-Experience-API-Hash {declared!r} is not "
                           "a hex SHA-2 hash.")
        actual = digest(part.content).hexdigest()
        if actual != declared:
            raise LrsError(400, f"Part {number}: its content's SHA-2 is {actual}, not its "
                           f"X-Experience-API-Hash {declared}.")
        by_hash[declared] = part
    used: set[str] = set()
    for i, statement in enumerate(statements):
        path = f"statements[{i}]" if many else "statement"
        for j, attachment in enumerate(_attachments_of(statement)):
            sub = f"{path}.attachments[{j}]"
            sha2 = attachment["sha2"].lower()
            signature = SIG.is_signature(attachment)
            if signature and attachment["contentType"].split(";")[0].strip().lower() \
                    != SIG.SIGNATURE_TYPE:
                raise LrsError(400, f"{sub}.contentType: a signature attachment must be "
                               f"{SIG.SIGNATURE_TYPE}, not {attachment['contentType']!r}.")
            if sha2 not in by_hash:
                if "fileUrl" in attachment and not signature:
                    continue
                raise LrsError(400, f"{sub}: no part of the request holds the content with "
                               f"sha2 {sha2} (send it as a multipart/mixed part with that "
                               "X-Experience-API-Hash" + (")." if signature else
                                                          ", or give a fileUrl)."))
            used.add(sha2)
            if signature:
                SIG.verify(statement, by_hash[sha2].content, sub)
    for number, part in enumerate(parts, start=2):
        declared = part.headers[HASH_HEADER].strip().lower()
        if declared not in used:
            raise LrsError(400, f"Part {number} (X-Experience-API-Hash {declared}) belongs to "
                           "no attachment of the statements.")
    return by_hash


def _store_parts(by_hash: dict[str, multipart.Part], statements: list[dict]) -> None:
    if not by_hash:
        return
    present = set(db.session.scalars(sa.select(Attachment.sha2).where(
        Attachment.sha2.in_(list(by_hash)))))
    types = {a["sha2"].lower(): a["contentType"] for s in statements
             for a in _attachments_of(s)}
    for sha2, part in by_hash.items():
        if sha2 not in present:
            db.session.add(Attachment(sha2=sha2, content=part.content, length=len(part.content),
                                      content_type=(part.headers.get("content-type")
                                                    or types.get(sha2)
                                                    or "application/octet-stream")[:255]))


def store_statements(statements: list[Any], client: XapiClient, version: str,
                     parts: list[multipart.Part] | None = None) -> list[str]:
    """Validate and store ``statements`` (all or nothing) with the attachment ``parts`` of a
    multipart/mixed request; returns their ids in order.

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
    by_hash = _check_parts(statements, parts or [], many)
    statements = [V.normalise(s, s.get("version") or version) for s in statements]
    ids = [(s.get("id") or str(uuidlib.uuid4())).lower() for s in statements]
    if len(set(ids)) != len(ids):
        raise LrsError(400, "The batch holds two statements with the same id.")
    existing = {row.statement_id: row for row in db.session.scalars(
        sa.select(Statement).where(Statement.statement_id.in_(ids)))}
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
    targets = _voiding_targets(new, client)
    _store_parts(by_hash, statements)
    stored = utcnow()
    stored_text = V.utc_iso(stored)
    rows = []
    for sid, statement in new:
        payload = dict(statement)
        payload["id"] = sid
        payload["stored"] = stored_text
        payload.setdefault("timestamp", stored_text)
        payload["authority"] = _authority(client)
        payload.setdefault("version", "2.0.0" if version.startswith("2.") else "1.0.0")
        user = user_for_actor(payload["actor"])
        res = payload.get("result") or {}
        obj = payload["object"]
        row = Statement(
            statement_id=sid, actor_key=actor_key(payload["actor"]),
            user_id=user.id if user is not None else None,
            verb_id=bounded(payload["verb"]["id"], 400),
            activity_id=bounded(obj["id"], 1000)
            if obj.get("objectType", "Activity") == "Activity" else None,
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
    index_statements([row for row, _user in rows])
    for row, _user in rows:
        db.session.add(XapiClientStatement(statement_pk=row.id, client_id=client.id))
    if targets:
        db.session.execute(sa.update(Statement).where(
            Statement.statement_id.in_(targets), Statement.verb_id != V.VOIDED).values(
            voided=True))
    db.session.flush()
    for row, user in rows:
        statement_stored.send(row, user=user)
    return ids


def _voiding_targets(new: list[tuple[str, dict]], client: XapiClient) -> list[str]:
    """The ids the voiding statements among ``new`` void; refuses to void a voiding
    statement, and clients without the ``all`` scope."""
    batch_verbs = {sid: s["verb"]["id"] for sid, s in new}
    targets: list[str] = []
    for sid, statement in new:
        if statement["verb"]["id"] != V.VOIDED:
            continue
        if not client.has("all"):
            raise LrsError(403, "This client may not void statements (scope all).")
        target = statement["object"]["id"].lower()
        stored_verb = db.session.scalar(
            sa.select(Statement.verb_id).where(Statement.statement_id == target))
        if (batch_verbs.get(target) or stored_verb) == V.VOIDED:
            raise LrsError(400, f"Statement {sid} voids {target}, which is itself a voiding "
                           "statement; a voiding statement cannot be voided.")
        targets.append(target)
    return targets


#: Deepest nesting of objects and lists accepted in a statement (extensions included).
MAX_DEPTH = 64


def _parse_json(data: bytes, what: str = "The body") -> Any:
    def no_constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        value = json.loads(data.decode("utf-8"), parse_constant=no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise LrsError(400, f"{what} is not valid JSON: {error}.") from None
    _check_json(value, what)
    return value


def _check_json(value: Any, what: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, text that is not Unicode (unpaired
    surrogates such as ``"\\ud800"``) and NUL characters, which database columns cannot
    hold."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LrsError(400, f"{what} nests objects and lists more than {MAX_DEPTH} deep.")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            stack.extend((k, depth) for k in item)
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            if "\x00" in item:
                raise LrsError(400, f"{what} holds text with a NUL character "
                               f"({item[:40]!r}).")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise LrsError(400, f"{what} holds text with an unpaired surrogate "
                               f"({item[:40]!r}); it is not valid Unicode.") from None


def _statement_body() -> tuple[Any, list[multipart.Part]]:
    """The statement(s) of a PUT or POST and the attachment parts sent with them."""
    limit = current_app.config.get("LMS_XAPI_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES)
    if request.content_length is not None and request.content_length > limit:
        raise LrsError(413, f"The request holds {request.content_length} bytes; a statements "
                       f"request (with its attachments) may hold at most {limit} bytes.")
    request.max_content_length = limit
    if request.mimetype == "application/json":
        return _parse_json(request.get_data()), []
    if request.mimetype != "multipart/mixed":
        raise LrsError(400, "The Content-Type must be application/json, or multipart/mixed "
                       f"for statements with attachments, not {request.mimetype or 'none'!r}.")
    parts = multipart.parse(request.get_data(), request.mimetype_params.get("boundary", ""))
    if not parts:
        raise LrsError(400, "The multipart/mixed body has no part; the first part must be "
                       "the statement(s) as application/json.")
    if parts[0].content_type != "application/json":
        raise LrsError(400, "The first part of a multipart/mixed request must be the "
                       "statement(s) with Content-Type application/json, not "
                       f"{parts[0].content_type or 'none'!r}.")
    for number, part in enumerate(parts[1:], start=2):
        if HASH_HEADER not in part.headers:
            raise LrsError(400, f"Part {number} has no X-Experience-API-Hash header (the "
                           "sha2 of its attachment).")
        encoding = part.headers.get("content-transfer-encoding", "").lower()
        if encoding != "binary":
            raise LrsError(400, f"Part {number} must have Content-Transfer-Encoding: binary, "
                           f"not {encoding or 'none'!r}.")
    return _parse_json(parts[0].content, "The first part"), parts[1:]


def _stored_with_retry(statements: list[Any], parts: list[multipart.Part]) -> list[str]:
    """Store, once more if another request stored one of the same ids meanwhile (the unique
    index refused the insert): the second attempt compares with what that request stored."""
    try:
        return store_statements(statements, g.xapi_client, g.xapi_version, parts)
    except sa.exc.IntegrityError:
        db.session.rollback()
        return store_statements(statements, g.xapi_client, g.xapi_version, parts)


@bp.post("/statements")
def post_statements():
    if request.args:
        raise LrsError(400, f"POST /statements takes no parameter ({sorted(request.args)[0]!r} "
                       "given); use PUT with statementId to choose the id.")
    body, parts = _statement_body()
    if not isinstance(body, list | dict):
        raise LrsError(400, "The body must be a statement or a list of statements.")
    statements = body if isinstance(body, list) else [body]
    limit = current_app.config.get("LMS_XAPI_MAX_BATCH", DEFAULT_MAX_BATCH)
    if len(statements) > limit:
        raise LrsError(413, f"The batch holds {len(statements)} statements; at most {limit} "
                       "are accepted in one request.")
    if not statements:
        raise LrsError(400, "The batch is empty.")
    ids = _stored_with_retry(statements, parts)
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
    body, parts = _statement_body()
    if not isinstance(body, dict):
        raise LrsError(400, "PUT takes one statement (a JSON object), not a list.")
    if "id" in body and str(body["id"]).lower() != sid.lower():
        raise LrsError(400, f"The statement's id {body['id']!r} differs from statementId "
                       f"{sid!r}.")
    _stored_with_retry([{**body, "id": body.get("id", sid)}], parts)
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
    for name, value in args.items():
        if "\x00" in value:
            raise LrsError(400, f"{name} holds a NUL character.")
    q: dict[str, Any] = {}
    if "agent" in args:
        try:
            agent = json.loads(args["agent"])
        except ValueError:
            raise LrsError(400, "agent must be an Agent or Group as JSON.") from None
        V.agent(agent, "agent")
        if not any(k in agent for k in ("mbox", "mbox_sha1sum", "openid", "account")):
            raise LrsError(400, "agent must be an Agent or an identified Group (with mbox, "
                           "mbox_sha1sum, openid or account), not an anonymous Group.")
        q["agent"] = ref_key(actor_key(agent))
    for name in ("verb", "activity"):
        if name in args:
            q[name] = V.iri(args[name], name)
    if "registration" in args:
        q["registration"] = V.uuid(args["registration"], "registration").lower()
    for name in ("since", "until"):
        if name in args:
            q[name] = _time_param(name, args[name])
    for name in ("related_activities", "related_agents", "attachments", "ascending"):
        q[name] = _bool_param(name, args[name]) if name in args else False
    limit = args.get("limit", "0")
    if not limit.isdigit():
        raise LrsError(400, f"limit must be a whole number of 0 or more, not {limit!r}.")
    q["limit"] = min(int(limit), MAX_PAGE) or MAX_PAGE
    fmt = args.get("format", "exact")
    if fmt not in ("ids", "exact", "canonical"):
        raise LrsError(400, f"format must be ids, exact or canonical, not {fmt!r}.")
    q["format"] = fmt
    return q


def _filters(q: dict[str, Any], table) -> list:
    """The conditions of the non-time filters of ``q`` on ``table`` (Statement or an
    alias of it)."""
    conditions = []

    def keyed(kinds: tuple[str, ...], key: str):
        return table.id.in_(sa.select(StatementKey.statement_pk).where(
            StatementKey.kind.in_(kinds), StatementKey.key == key))

    if "agent" in q:
        conditions.append(keyed(("agent", "related_agent") if q["related_agents"]
                                else ("agent",), q["agent"]))
    if "verb" in q:
        conditions.append(table.verb_id == bounded(q["verb"], 400))
    if "activity" in q:
        conditions.append(keyed(("related_activity",), ref_key(q["activity"]))
                          if q["related_activities"]
                          else table.activity_id == bounded(q["activity"], 1000))
    if "registration" in q:
        conditions.append(table.registration == q["registration"])
    return conditions


def _matching(q: dict[str, Any]):
    """The condition for statements matching the filters of ``q``: they match themselves,
    or they target (StatementRef object) a statement that matches, voided or not."""
    direct = _filters(q, Statement)
    if not direct:
        return sa.true()
    target = so.aliased(Statement)
    referring = sa.select(StatementKey.statement_pk).join(
        target, target.statement_id == StatementKey.key).where(
        StatementKey.kind == "statement", *_filters(q, target))
    if any(name in q for name in ("agent", "activity", "registration")):
        # Selective filters: one set of ids from two indexed lookups (a UNION). An OR would
        # make PostgreSQL walk the whole ``stored`` index and test every row.
        direct_ids = sa.select(Statement.id).where(*direct)
        return Statement.id.in_(sa.union(direct_ids, referring))
    # A verb alone matches a large share of the table: walking ``stored`` and stopping at
    # the page's end is then the fast plan, and the OR keeps it.
    return sa.or_(sa.and_(*direct), Statement.id.in_(referring))


def _ids_only(value: Any, key: str = "") -> Any:
    """The ``ids`` format: agents and groups by identifier (anonymous groups by their
    members'), activities and verbs by id only."""
    if isinstance(value, list):
        return [_ids_only(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("objectType")
    if key in ("actor", "instructor", "authority", "team", "member", "agent", "group") \
            or kind in ("Agent", "Group"):
        ifi = {k: value[k] for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in value}
        out = {"objectType": kind} if kind else {}
        out.update(ifi)
        if kind == "Group" and not ifi and "member" in value:
            out["member"] = _ids_only(value["member"], "member")
        return out
    if key == "verb" or (key in ("object", "parent", "grouping", "category", "other")
                         and kind in (None, "Activity")):
        return {"id": value["id"]} if "id" in value else {}
    return {k: _ids_only(v, k) for k, v in value.items()}


def _best_language(languages: list[str], value: dict[str, str]) -> dict[str, str]:
    """One entry of a language map: the first language asked for that it has (exactly, then
    by primary language), else its first entry."""
    lowered = {tag.lower(): tag for tag in value}
    for lang in languages:
        if lang in lowered:
            return {lowered[lang]: value[lowered[lang]]}
    for lang in languages:
        primary = lang.split("-")[0]
        for tag in value:
            if tag.lower().split("-")[0] == primary:
                return {tag: value[tag]}
    first = next(iter(value))
    return {first: value[first]}


def _canonical(value: Any, languages: list[str], key: str = "") -> Any:
    """The ``canonical`` format: each language map reduced to one language, the best one
    the request's Accept-Language asks for."""
    if isinstance(value, list):
        return [_canonical(v, languages) for v in value]
    if not isinstance(value, dict):
        return value
    if key in ("display", "name", "description") and value and all(
            isinstance(v, str) for v in value.values()) and all(
            V.is_language_tag(k) for k in value):
        return _best_language(languages, value)
    return {k: _canonical(v, languages, k) for k, v in value.items()}


def _formatted(row: Statement, fmt: str) -> dict:
    if fmt == "ids":
        return _ids_only(row.payload)
    if fmt == "canonical":
        languages = [lang.lower() for lang, _q in request.accept_languages
                     if lang != "*"] or ["en"]
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
    return f"{request.script_root}{bp.url_prefix}/statements?more={encoded}"


def _decode_more(token: str) -> tuple[dict[str, str], tuple[datetime, int]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        args = {str(k): str(v) for k, v in data["q"].items()}
        cursor = (datetime.fromisoformat(data["c"][0]), int(data["c"][1]))
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error, AttributeError):
        raise LrsError(400, "The more parameter is not one this LRS gave out.") from None
    return args, cursor


def _answer(document: Any, rows: list[Statement], with_attachments: bool) -> Response:
    """``document`` as JSON, or as the first part of a multipart/mixed response followed by
    the stored contents of the attachments of ``rows``."""
    if not with_attachments:
        return jsonify(document)
    wanted = {a["sha2"].lower() for row in rows for a in _attachments_of(row.payload)
              if isinstance(a.get("sha2"), str)}
    found = db.session.scalars(sa.select(Attachment).where(Attachment.sha2.in_(wanted))
                               .order_by(Attachment.sha2)) if wanted else []
    parts = [multipart.Part({"Content-Type": "application/json"},
                            json.dumps(document, ensure_ascii=False).encode("utf-8"))]
    parts += [multipart.Part({"Content-Type": a.content_type,
                              "Content-Transfer-Encoding": "binary",
                              "X-Experience-API-Hash": a.sha2}, a.content) for a in found]
    body, boundary = multipart.build(parts)
    return Response(body, mimetype=f"multipart/mixed; boundary={boundary}")


@bp.get("/statements")
def get_statements():
    client: XapiClient = g.xapi_client
    readable = _reader_filter(client)
    args = request.args.to_dict()
    repeated = [k for k, v in request.args.lists() if len(v) > 1]
    if repeated:
        raise LrsError(400, f"The parameter {repeated[0]!r} is given more than once.")
    single = [k for k in ("statementId", "voidedStatementId") if k in args]
    if single:
        return _single(single, args, readable)
    cursor = None
    if "more" in args:
        if len(args) > 1:
            raise LrsError(400, "more cannot be combined with other parameters.")
        args, cursor = _decode_more(args["more"])
    q = parse_query(args)
    query = sa.select(Statement).where(Statement.voided.is_(False), _matching(q))
    if readable is not None:
        query = query.where(readable)
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
    document = {"statements": [_formatted(r, q["format"]) for r in rows], "more": more}
    newest = max((r.stored for r in rows), default=None)
    return _consistent(_answer(document, rows, q["attachments"]), newest)


def _single(single: list[str], args: dict[str, str], readable) -> Response:
    if len(single) > 1:
        raise LrsError(400, "Give statementId or voidedStatementId, not both.")
    name = single[0]
    extra = sorted(set(args) - {name, "format", "attachments"})
    if extra:
        raise LrsError(400, f"{name} cannot be combined with {extra[0]!r}.")
    sid = V.uuid(args[name], name).lower()
    q = parse_query({k: v for k, v in args.items() if k in ("format", "attachments")})
    query = sa.select(Statement).where(Statement.statement_id == sid,
                                       Statement.voided.is_(name == "voidedStatementId"))
    if readable is not None:
        query = query.where(readable)
    row = db.session.scalar(query)
    if row is None:
        what = "voided statement" if name == "voidedStatementId" else "statement"
        raise LrsError(404, f"No {what} has the id {sid}.")
    return _consistent(_answer(_formatted(row, q["format"]), [row], q["attachments"]),
                       row.stored)
