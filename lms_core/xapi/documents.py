"""The LRS's documents: State, Activity Profile and Agent Profile (xAPI 1.0.3 Communication
2.2–2.7, IEEE 9274.1.1 4.1.6), and the Activity and Person objects the LRS knows.

A document is arbitrary bytes with a content type, identified by its kind, the Activity and/or
Agent it belongs to, the registration (State only) and its own id (``stateId``/``profileId``).
Parts a kind does not use are stored as ``""`` rather than NULL, so the unique constraint holds
(NULLs never collide in a unique index). Agents are stored by their inverse functional
identifier (:func:`lms_core.xapi.statements.actor_key`), so ``{"name": "An", "mbox": m}`` and
``{"mbox": m}`` are the same agent.

Concurrency (Communication 3.1): the ETag is the SHA-1 of the content, in hex. A write with
``If-Match`` needs the document to exist with that ETag, one with ``If-None-Match`` needs it
not to match (``*``: not to exist); otherwise :class:`DocumentError` 412 and nothing changes.

The functions raise :class:`DocumentError` (or
:class:`~lms_core.xapi.validation.StatementError` for a malformed agent or IRI), change nothing
then, and flush but never commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import orm as so
from werkzeug.datastructures import ETags
from werkzeug.http import parse_options_header

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.xapi import validation as V
from lms_core.xapi.models import Statement
from lms_core.xapi.statements import actor_key

STATE = "state"
ACTIVITY_PROFILE = "activity_profile"
AGENT_PROFILE = "agent_profile"
KINDS = (STATE, ACTIVITY_PROFILE, AGENT_PROFILE)
JSON_TYPE = "application/json"

#: Longest parts of a document's key, in UTF-8 bytes: together they stay well inside the
#: largest entry a PostgreSQL B-tree index takes (about 2,700 bytes).
MAX_ACTIVITY_ID = 1000
MAX_AGENT_KEY = 400
MAX_DOCUMENT_ID = 400
MAX_CONTENT_TYPE = 255


class DocumentError(UserError):
    """A document request refused: ``status`` (400, 409, 412) and a precise message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class XapiDocument(db.Model):
    __tablename__ = "xapi_documents"
    __table_args__ = (
        # Also the index of every lookup: one document, and the id lists and deletions of a
        # State context (kind, activity, agent [, registration]), of an Activity
        # (kind, activity) and of an Agent (kind, "", agent) are all prefixes of it.
        sa.UniqueConstraint("kind", "activity_id", "agent_key", "registration", "document_id",
                            name="uq_xapi_documents_key"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: ``state``, ``activity_profile`` or ``agent_profile``.
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: The Activity's IRI; ``""`` for an Agent Profile.
    activity_id: so.Mapped[str] = so.mapped_column(sa.String(MAX_ACTIVITY_ID), default="")
    #: The Agent's inverse functional identifier (``actor_key``); ``""`` for an Activity
    #: Profile.
    agent_key: so.Mapped[str] = so.mapped_column(sa.String(MAX_AGENT_KEY), default="")
    #: The registration (lower-case UUID) of a State document, else ``""``.
    registration: so.Mapped[str] = so.mapped_column(sa.String(36), default="")
    #: The ``stateId`` or ``profileId``.
    document_id: so.Mapped[str] = so.mapped_column(sa.String(MAX_DOCUMENT_ID))
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    #: The Content-Type header the document was stored with.
    content_type: so.Mapped[str] = so.mapped_column(sa.String(MAX_CONTENT_TYPE))
    #: SHA-1 of ``content`` in lower-case hex (sent quoted in the ETag header).
    etag: so.Mapped[str] = so.mapped_column(sa.String(40))
    updated: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    @property
    def is_json(self) -> bool:
        return is_json_type(self.content_type)

    def __repr__(self) -> str:
        return f"<XapiDocument {self.kind} {self.document_id!r}>"


# -- keys -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """Where documents live: their kind, Activity, Agent and registration. For lists and
    deletions a State context without registration (``None``) covers every registration; for
    one document it means "no registration"."""

    kind: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str | None = None

    def where(self) -> list[Any]:
        conditions = [XapiDocument.kind == self.kind,
                      XapiDocument.activity_id == self.activity_id,
                      XapiDocument.agent_key == self.agent_key]
        if self.registration is not None:
            conditions.append(XapiDocument.registration == self.registration)
        return conditions


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def check_activity_id(value: Any, path: str = "activityId") -> str:
    """An Activity id: an absolute IRI of at most :data:`MAX_ACTIVITY_ID` bytes."""
    V.iri(value, path)
    if _utf8_len(value) > MAX_ACTIVITY_ID:
        raise DocumentError(400, f"{path}: longer than {MAX_ACTIVITY_ID} bytes")
    return value


def check_agent(value: Any, path: str = "agent", *, allow_group: bool = False) -> str:
    """The key of an Agent (or, with ``allow_group``, an identified Group) given as a JSON
    object: exactly one inverse functional identifier, no member list."""
    V.agent(value, path, allow_group=allow_group)
    if value.get("objectType") == "Group":
        if "member" in value or sum(k in value for k in ("mbox", "mbox_sha1sum", "openid",
                                                            "account")) != 1:
            raise DocumentError(400, f"{path}: only an identified Group (exactly one of mbox, "
                                "mbox_sha1sum, openid, account, and no member list) can "
                                "hold documents")
    key = actor_key(value)
    if _utf8_len(key) > MAX_AGENT_KEY:
        raise DocumentError(400, f"{path}: the identifier is longer than {MAX_AGENT_KEY} bytes")
    return key


def check_document_id(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise DocumentError(400, f"{path}: must be a non-empty string")
    if _utf8_len(value) > MAX_DOCUMENT_ID:
        raise DocumentError(400, f"{path}: longer than {MAX_DOCUMENT_ID} bytes")
    return value


def check_registration(value: Any, path: str = "registration") -> str:
    return V.uuid(value, path).lower()


def is_json_type(content_type: str | None) -> bool:
    return parse_options_header(content_type or "")[0].lower() == JSON_TYPE


def etag_of(content: bytes) -> str:
    # The ETag the xAPI spec asks for (SHA-1 of the document): a fingerprint, not security.
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()

def _parse_json(content: bytes, what: str) -> Any:
    def no_constant(name):
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(content, parse_constant=no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise DocumentError(400, f"{what} is declared application/json but is not valid "
                            f"JSON: {error}.") from None


# -- reading --------------------------------------------------------------------------------------
def find(context: Context, document_id: str, *, for_update: bool = False
         ) -> XapiDocument | None:
    """The document ``document_id`` in ``context`` (``registration=None``: none)."""
    query = sa.select(XapiDocument).where(
        XapiDocument.kind == context.kind, XapiDocument.activity_id == context.activity_id,
        XapiDocument.agent_key == context.agent_key,
        XapiDocument.registration == (context.registration or ""),
        XapiDocument.document_id == document_id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def document_ids(context: Context, since: datetime | None = None
                 ) -> tuple[list[str], datetime | None]:
    """The ids of the documents in ``context`` updated after ``since`` (exclusive), sorted,
    and when the newest of them was updated (None when there is none)."""
    query = sa.select(XapiDocument.document_id, sa.func.max(XapiDocument.updated)).where(
        *context.where()).group_by(XapiDocument.document_id).order_by(XapiDocument.document_id)
    if since is not None:
        query = query.where(XapiDocument.updated > since)
    rows = db.session.execute(query).all()
    return [r[0] for r in rows], max((r[1] for r in rows), default=None)


# -- writing --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Preconditions:
    """The ``If-Match`` / ``If-None-Match`` headers of a write (None: header absent)."""

    if_match: ETags | None = None
    if_none_match: ETags | None = None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None

    def check(self, document: XapiDocument | None) -> None:
        """412 unless the current ``document`` satisfies both headers (RFC 7232: If-Match
        compares strongly, If-None-Match weakly)."""
        if self.if_match is not None:
            if document is None:
                raise DocumentError(412, "If-Match was given but the document does not exist "
                                    "(send If-None-Match: * to create it).")
            if not (self.if_match.star_tag or self.if_match.contains(document.etag)):
                raise DocumentError(412, "The document has changed: its ETag is not the one "
                                    "in If-Match. Fetch it again and retry with its ETag.")
        if self.if_none_match is not None and document is not None:
            if self.if_none_match.star_tag:
                raise DocumentError(412, "If-None-Match: * was given but the document already "
                                    "exists; fetch it and send its ETag in If-Match.")
            if self.if_none_match.contains_weak(document.etag):
                raise DocumentError(412, "The document's ETag matches If-None-Match.")


NO_PRECONDITIONS = Preconditions()


def _check_content_type(content_type: str | None) -> str:
    content_type = (content_type or "").strip() or "application/octet-stream"
    if len(content_type) > MAX_CONTENT_TYPE:
        raise DocumentError(400, f"The Content-Type is longer than {MAX_CONTENT_TYPE} "
                            "characters.")
    return content_type


def _store(context: Context, document_id: str, existing: XapiDocument | None, content: bytes,
           content_type: str) -> XapiDocument:
    now = utcnow()
    if existing is not None:
        existing.content = content
        existing.content_type = content_type
        existing.etag = etag_of(content)
        existing.updated = now
        db.session.flush()
        return existing
    document = XapiDocument(kind=context.kind, activity_id=context.activity_id,
                            agent_key=context.agent_key, registration=context.registration or "",
                            document_id=document_id, content=content, content_type=content_type,
                            etag=etag_of(content), updated=now)
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except sa.exc.IntegrityError:
        # Another request created it between our read and this insert (PostgreSQL; SQLite
        # serialises writers, so it cannot happen there).
        raise DocumentError(409, "The document was created by another request at the same "
                            "time; fetch it and retry with its ETag in If-Match.") from None
    return document


def put(context: Context, document_id: str, content: bytes, content_type: str | None,
        preconditions: Preconditions = NO_PRECONDITIONS, *,
        require_precondition: Literal["existing", "always"] | None = None) -> XapiDocument:
    """Store ``content`` as the document, replacing it whole.

    ``require_precondition`` (Communication 3.1): ``"existing"`` (State in xAPI 2.0) makes
    replacing an existing document without If-Match or If-None-Match a 409; ``"always"``
    (Activity and Agent Profiles, whose clients MUST send one of them) makes it a 409, and
    creating a document without either a 400."""
    content_type = _check_content_type(content_type)
    if is_json_type(content_type):
        _parse_json(content, "The document")
    existing = find(context, document_id, for_update=True)
    preconditions.check(existing)
    if require_precondition and not preconditions.given:
        if existing is not None:
            raise DocumentError(409, "The document already exists. Check its current state "
                                "with GET and send its ETag in If-Match to replace it.")
        if require_precondition == "always":
            raise DocumentError(400, "A PUT of a profile document needs If-Match (its current "
                                "ETag) or If-None-Match: * (to create it only if there is "
                                "none).")
    return _store(context, document_id, existing, content, content_type)


def post(context: Context, document_id: str, content: bytes, content_type: str | None,
         preconditions: Preconditions = NO_PRECONDITIONS) -> XapiDocument:
    """Merge a JSON object into the document (its top-level properties replace those of the
    stored object); a document that does not exist yet is stored as given.

    Both the stored and the posted document must be application/json objects (400)."""
    content_type = _check_content_type(content_type)
    posted_json = is_json_type(content_type)
    posted = _parse_json(content, "The posted document") if posted_json else None
    if posted_json and not isinstance(posted, dict):
        raise DocumentError(400, "POST merges JSON objects: the posted document must be a "
                            "JSON object (use PUT to store any other document).")
    existing = find(context, document_id, for_update=True)
    preconditions.check(existing)
    if existing is None:
        return _store(context, document_id, None, content, content_type)
    if not posted_json:
        raise DocumentError(400, f"POST merges JSON objects: the posted document is "
                            f"{content_type!r}, not application/json (use PUT to replace the "
                            "document).")
    if not existing.is_json:
        raise DocumentError(400, f"POST merges JSON objects: the stored document is "
                            f"{existing.content_type!r}, not application/json (use PUT to "
                            "replace it).")
    stored = _parse_json(existing.content, "The stored document")
    if not isinstance(stored, dict):
        raise DocumentError(400, "POST merges JSON objects: the stored document is not a JSON "
                            "object (use PUT to replace it).")
    merged = {**stored, **posted}
    body = json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _store(context, document_id, existing, body, JSON_TYPE)


def delete(context: Context, document_id: str,
           preconditions: Preconditions = NO_PRECONDITIONS) -> bool:
    """Delete one document; False when there was none (not an error, unless If-Match)."""
    existing = find(context, document_id, for_update=True)
    preconditions.check(existing)
    if existing is None:
        return False
    db.session.delete(existing)
    db.session.flush()
    return True


def delete_all(context: Context) -> int:
    """Delete every document of ``context`` (State: of every registration when it has none);
    returns how many."""
    result = db.session.execute(sa.delete(XapiDocument).where(*context.where()))
    db.session.flush()
    return result.rowcount or 0


# -- Activities and Agents resources --------------------------------------------------------------
_MERGED_MAPS = ("name", "description", "extensions")


def activity_object(activity_id: str) -> dict[str, Any]:
    """The Activity with the canonical definition the LRS knows: the definitions of the
    statements whose object it is, merged oldest first (language maps and extensions key by
    key, other properties replaced by the newest). Just ``objectType`` and ``id`` for an
    Activity never seen."""
    definition = sa.cast(Statement.payload[("object", "definition")], sa.Text)
    latest = sa.func.max(Statement.stored).label("latest")
    rows = db.session.execute(
        sa.select(definition, latest).where(Statement.activity_id == activity_id,
                                            definition.is_not(None))
        .group_by(definition).order_by(latest)).all()
    merged: dict[str, Any] = {}
    for text, _latest in rows:
        try:
            value = json.loads(text)
        except (TypeError, ValueError):
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            if key in _MERGED_MAPS and isinstance(item, dict) and isinstance(merged.get(key),
                                                                              dict):
                merged[key] = {**merged[key], **item}
            else:
                merged[key] = item
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if merged:
        activity["definition"] = merged
    return activity


def person_object(agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object of an Agent: its identifier, and the names it was given in the
    request and in the statements it made (at most 20). The LRS links no other identities."""
    key = actor_key(agent)
    name = Statement.payload[("actor", "name")].as_string()
    known = db.session.scalars(
        sa.select(name).where(Statement.actor_key == key, name.is_not(None)).distinct()
        .order_by(name).limit(20)).all()
    names = list(dict.fromkeys([*([agent["name"]] if isinstance(agent.get("name"), str)
                                  else []), *(n for n in known if isinstance(n, str))]))
    person: dict[str, Any] = {"objectType": "Person"}
    if names:
        person["name"] = names
    for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
        if ifi in agent:
            value = agent[ifi]
            person[ifi] = [{"homePage": value["homePage"], "name": value["name"]}
                           if ifi == "account" else value]
    return person


# -- for the platform's own code (cmi5) -----------------------------------------------------------
def _state_context(activity_id: str, agent: dict, registration: str | None) -> Context:
    return Context(STATE, check_activity_id(activity_id), check_agent(agent, allow_group=True),
                   check_registration(registration) if registration is not None else None)


def _agent_profile_context(agent: dict) -> Context:
    return Context(AGENT_PROFILE, "", check_agent(agent))


def save_state(activity_id: str, agent: dict, state_id: str, content: bytes,
               content_type: str = JSON_TYPE, registration: str | None = None) -> None:
    """Store (replace) a State document, whatever it held before."""
    context = _state_context(activity_id, agent, registration)
    put(context, check_document_id(state_id, "stateId"), bytes(content), content_type)


def get_state(activity_id: str, agent: dict, state_id: str, registration: str | None = None
              ) -> tuple[bytes, str] | None:
    """A State document's content and content type, or None."""
    document = find(_state_context(activity_id, agent, registration),
                    check_document_id(state_id, "stateId"))
    return (document.content, document.content_type) if document is not None else None


def save_agent_profile(agent: dict, profile_id: str, content: bytes,
                       content_type: str = JSON_TYPE) -> None:
    """Store (replace) an Agent Profile document, whatever it held before."""
    put(_agent_profile_context(agent), check_document_id(profile_id, "profileId"),
        bytes(content), content_type)


def get_agent_profile(agent: dict, profile_id: str) -> tuple[bytes, str] | None:
    """An Agent Profile document's content and content type, or None."""
    document = find(_agent_profile_context(agent), check_document_id(profile_id, "profileId"))
    return (document.content, document.content_type) if document is not None else None
