"""Validation of xAPI statements received by the built-in LRS (xAPI 1.0.3 "Data" part, and
the 2.0 additions that 1.0.3 clients never send).

:func:`validate_statement` raises :class:`StatementError` with a message that names the
property concerned (``statement.actor.mbox: ...``); it never changes the statement. The
checks cover the required properties, unknown properties, IRIs (absolute, with a scheme),
language maps (RFC 5646 tags), UUIDs, ISO 8601 timestamps and durations, score ranges,
objectType rules, interaction definitions, attachments (media type, SHA-2), the authority
(an Agent, or an anonymous Group of two), 2.0 ``contextAgents``/``contextGroups`` and the
version.

:func:`comparable` gives the form two statements are compared in (same id stored twice,
signatures); :func:`normalise` the form a valid statement is stored in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from lms_core.errors import UserError

VOIDED = "http://adlnet.gov/expapi/verbs/voided"

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+\Z")
#: RFC 5646 language tag (the "langtag" production, plus private use and grandfathered forms
#: of the shape x-... / i-...).
_LANGTAG = re.compile(
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language (+extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?\Z"  # private use
    r"|[xXiI](?:-[A-Za-z0-9]{1,8})+\Z"
)
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"([Zz]|[+-]\d{2}(?::?\d{2})?)?\Z")
_DURATION = re.compile(
    r"P(?!\Z)(?:(?P<y>\d+(?:[.,]\d+)?)Y)?(?:(?P<mo>\d+(?:[.,]\d+)?)M)?(?:(?P<w>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<d>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<mi>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?\Z")
_VERSION = re.compile(r"(?:1\.0|2\.0)(?:\.\d+)?\Z")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}\Z")
#: SHA-224, SHA-256, SHA-384 or SHA-512 in hex.
_SHA2 = re.compile(r"(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})\Z")
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+\s*(?:;.*)?\Z", re.S)
_INTERACTION_TYPES = frozenset({"true-false", "choice", "fill-in", "long-fill-in", "matching",
                                "performance", "sequencing", "likert", "numeric", "other"})
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


class StatementError(UserError):
    """The statement (or a query parameter) is not valid xAPI: a 400 with this message."""


def fail(path: str, message: str):
    raise StatementError(f"{path}: {message}")


# -- primitives -----------------------------------------------------------------------------------
def _object(value, path: str) -> dict:
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")
    return value


def _only(value: dict, allowed: set[str] | frozenset[str], path: str) -> None:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        fail(path, f"unknown property {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _string(value, path: str) -> str:
    if not isinstance(value, str):
        fail(path, "must be a string")
    return value


def _bool(value, path: str) -> bool:
    if not isinstance(value, bool):
        fail(path, "must be true or false")
    return value


def _number(value, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(path, "must be a number")
    return float(value)


def is_iri(value) -> bool:
    return isinstance(value, str) and bool(_SCHEME.match(value))


def iri(value, path: str) -> str:
    """An absolute IRI: a scheme, a colon, and no white space."""
    _string(value, path)
    if not _SCHEME.match(value):
        fail(path, f"{value!r} is not an absolute IRI (it needs a scheme such as https:)")
    return value


def is_sha2(value) -> bool:
    return isinstance(value, str) and bool(_SHA2.match(value))


def is_uuid(value) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value))


def uuid(value, path: str) -> str:
    _string(value, path)
    if not _UUID.match(value):
        fail(path, f"{value!r} is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
    return value


def is_language_tag(tag) -> bool:
    return isinstance(tag, str) and bool(_LANGTAG.match(tag))


def language_map(value, path: str) -> dict:
    _object(value, path)
    for tag, text in value.items():
        if not _LANGTAG.match(tag):
            fail(path, f"{tag!r} is not an RFC 5646 language tag (e.g. vi-VN, en-US)")
        _string(text, f"{path}.{tag}")
    return value


def parse_timestamp(value: str, path: str) -> datetime:
    """An ISO 8601 date and time (naive UTC on return); no offset means UTC, ``-00:00`` is
    refused as the spec requires."""
    _string(value, path)
    match = _TIMESTAMP.match(value)
    if not match:
        fail(path, f"{value!r} is not an ISO 8601 timestamp (e.g. 2026-01-31T08:30:00Z)")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        when = datetime(int(year), int(month), int(day), int(hour), int(minute),
                        int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))
    except ValueError:
        fail(path, f"{value!r} is not a valid date and time")
    if zone in (None, "Z", "z"):
        return when
    if zone in ("-00", "-0000", "-00:00"):
        fail(path, "the offset -00:00 is not allowed; use Z or +00:00")
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        fail(path, f"{zone!r} is not a valid UTC offset")
    return when - sign * timedelta(hours=hours, minutes=minutes)


def duration_seconds(value, path: str) -> float:
    """An ISO 8601 duration (``PT1H30M``, ``P1DT2.5S``) in seconds; years count 365 days and
    months 30 days."""
    _string(value, path)
    match = _DURATION.match(value)
    if not match:
        fail(path, f"{value!r} is not an ISO 8601 duration (e.g. PT1H30M or PT45.5S)")
    parts = {k: float(v.replace(",", ".")) for k, v in match.groupdict().items() if v}
    if "w" in parts and len(parts) > 1:
        fail(path, f"{value!r} mixes weeks with other units (ISO 8601 allows PnW alone)")
    factors = {"y": 365 * 86400, "mo": 30 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600,
               "mi": 60, "s": 1}
    return sum(factors[k] * v for k, v in parts.items())


def _extensions(value, path: str) -> None:
    _object(value, path)
    for key in value:
        iri(key, f"{path} key")


# -- agents ---------------------------------------------------------------------------------------
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _ifis(value: dict, path: str) -> list[str]:
    present = [k for k in _IFIS if k in value]
    for key in present:
        sub = f"{path}.{key}"
        if key == "mbox":
            if not (isinstance(value[key], str) and re.match(r"mailto:[^@\s]+@[^@\s]+\Z",
                                                              value[key])):
                fail(sub, "must be a 'mailto:' IRI with an e-mail address")
        elif key == "mbox_sha1sum":
            if not (isinstance(value[key], str) and _SHA1.match(value[key])):
                fail(sub, "must be the hex SHA-1 of a mailto IRI (40 hex digits)")
        elif key == "openid":
            iri(value[key], sub)
        else:
            account = _object(value[key], sub)
            _only(account, {"homePage", "name"}, sub)
            if "homePage" not in account or "name" not in account:
                fail(sub, "an account needs both homePage and name")
            iri(account["homePage"], f"{sub}.homePage")
            _string(account["name"], f"{sub}.name")
    return present


def agent(value, path: str, *, object_type_required: bool = False,
          allow_group: bool = True) -> dict:
    """An Agent or (when ``allow_group``) a Group."""
    _object(value, path)
    kind = value.get("objectType", None if not object_type_required else "")
    if kind == "Group":
        if not allow_group:
            fail(path, "a Group cannot be here (only an Agent)")
        return group(value, path)
    if kind not in (None, "Agent"):
        fail(f"{path}.objectType", f"must be 'Agent'{' or Group' if allow_group else ''}"
             f", not {kind!r}")
    _only(value, {"objectType", "name", *_IFIS}, path)
    if "name" in value:
        _string(value["name"], f"{path}.name")
    present = _ifis(value, path)
    if len(present) != 1:
        fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account "
             f"(found {len(present)})")
    return value


def group(value, path: str) -> dict:
    _only(value, {"objectType", "name", "member", *_IFIS}, path)
    if "name" in value:
        _string(value["name"], f"{path}.name")
    present = _ifis(value, path)
    if len(present) > 1:
        fail(path, "a Group has at most one of mbox, mbox_sha1sum, openid, account")
    if "member" in value:
        if not isinstance(value["member"], list):
            fail(f"{path}.member", "must be a list of Agents")
        for i, member in enumerate(value["member"]):
            agent(member, f"{path}.member[{i}]", allow_group=False)
    if not present and not value.get("member"):
        fail(path, "an anonymous Group (no identifier) needs a non-empty member list")
    return value


# -- activities, objects --------------------------------------------------------------------------
def activity(value, path: str) -> dict:
    _object(value, path)
    _only(value, {"objectType", "id", "definition"}, path)
    if "id" not in value:
        fail(path, "an Activity needs an id")
    iri(value["id"], f"{path}.id")
    if "definition" in value:
        _definition(value["definition"], f"{path}.definition")
    return value


def _definition(value, path: str) -> None:
    _object(value, path)
    _only(value, {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                  "correctResponsesPattern", *_COMPONENT_LISTS}, path)
    for key in ("name", "description"):
        if key in value:
            language_map(value[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            iri(value[key], f"{path}.{key}")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions")
    if "interactionType" in value and (not isinstance(value["interactionType"], str)
                                       or value["interactionType"] not in _INTERACTION_TYPES):
        fail(f"{path}.interactionType", f"{value['interactionType']!r} is not one of "
             f"{', '.join(sorted(_INTERACTION_TYPES))}")
    if "correctResponsesPattern" in value:
        if "interactionType" not in value:
            fail(f"{path}.correctResponsesPattern", "needs an interactionType")
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            fail(f"{path}.correctResponsesPattern", "must be a list of strings")
    for key in _COMPONENT_LISTS:
        if key in value:
            if "interactionType" not in value:
                fail(f"{path}.{key}", "needs an interactionType")
            if not isinstance(value[key], list):
                fail(f"{path}.{key}", "must be a list of interaction components")
            for i, component in enumerate(value[key]):
                sub = f"{path}.{key}[{i}]"
                _object(component, sub)
                _only(component, {"id", "description"}, sub)
                _string(component.get("id"), f"{sub}.id")
                if "description" in component:
                    language_map(component["description"], f"{sub}.description")


def statement_ref(value, path: str) -> dict:
    _only(value, {"objectType", "id"}, path)
    if "id" not in value:
        fail(path, "a StatementRef needs an id")
    uuid(value["id"], f"{path}.id")
    return value


def _object_of(value, path: str, *, sub_statement_allowed: bool, version: str) -> str:
    _object(value, path)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, path)
    elif kind in ("Agent", "Group"):
        agent(value, path)
    elif kind == "StatementRef":
        statement_ref(value, path)
    elif kind == "SubStatement":
        if not sub_statement_allowed:
            fail(f"{path}.objectType", "a SubStatement cannot contain another SubStatement")
        _statement_body(value, path, sub=True, version=version)
    else:
        fail(f"{path}.objectType", f"{kind!r} is not one of Activity, Agent, Group, "
             "StatementRef, SubStatement")
    return kind


# -- result, context, attachments -----------------------------------------------------------------
def result(value, path: str) -> None:
    _object(value, path)
    _only(value, {"score", "success", "completion", "response", "duration", "extensions"}, path)
    if "score" in value:
        score = _object(value["score"], f"{path}.score")
        _only(score, {"scaled", "raw", "min", "max"}, f"{path}.score")
        nums = {k: _number(score[k], f"{path}.score.{k}") for k in score}
        if "scaled" in nums and not -1 <= nums["scaled"] <= 1:
            fail(f"{path}.score.scaled", f"{score['scaled']} is outside -1..1")
        if "min" in nums and "max" in nums and not nums["min"] < nums["max"]:
            fail(f"{path}.score", "min must be less than max")
        if "raw" in nums:
            if "min" in nums and nums["raw"] < nums["min"]:
                fail(f"{path}.score.raw", f"{score['raw']} is below min {score['min']}")
            if "max" in nums and nums["raw"] > nums["max"]:
                fail(f"{path}.score.raw", f"{score['raw']} is above max {score['max']}")
    for key in ("success", "completion"):
        if key in value:
            _bool(value[key], f"{path}.{key}")
    if "response" in value:
        _string(value["response"], f"{path}.response")
    if "duration" in value:
        duration_seconds(value["duration"], f"{path}.duration")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions")


def context(value, path: str, object_kind: str, version: str) -> None:
    _object(value, path)
    allowed = {"registration", "instructor", "team", "contextActivities", "revision",
               "platform", "language", "statement", "extensions"}
    if version.startswith("2."):
        allowed |= {"contextAgents", "contextGroups"}
    _only(value, allowed, path)
    if "registration" in value:
        uuid(value["registration"], f"{path}.registration")
    if "instructor" in value:
        agent(value["instructor"], f"{path}.instructor")
    if "team" in value:
        team = _object(value["team"], f"{path}.team")
        if team.get("objectType") != "Group":
            fail(f"{path}.team.objectType", "the team must be a Group")
        group(team, f"{path}.team")
    if "contextActivities" in value:
        sub = f"{path}.contextActivities"
        activities = _object(value["contextActivities"], sub)
        _only(activities, {"parent", "grouping", "category", "other"}, sub)
        for key, items in activities.items():
            for i, item in enumerate(items if isinstance(items, list) else [items]):
                item_path = f"{sub}.{key}[{i}]" if isinstance(items, list) else f"{sub}.{key}"
                if _object(item, item_path).get("objectType", "Activity") != "Activity":
                    fail(f"{item_path}.objectType", "context activities must be Activities")
                activity(item, item_path)
    for key in ("revision", "platform"):
        if key in value:
            _string(value[key], f"{path}.{key}")
            if object_kind != "Activity":
                fail(f"{path}.{key}", "is only allowed when the object is an Activity")
    if "language" in value and not is_language_tag(value["language"]):
        fail(f"{path}.language", f"{value['language']!r} is not an RFC 5646 language tag")
    if "statement" in value:
        ref = _object(value["statement"], f"{path}.statement")
        if ref.get("objectType") != "StatementRef":
            fail(f"{path}.statement.objectType", "must be 'StatementRef'")
        statement_ref(ref, f"{path}.statement")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions")
    if "contextAgents" in value:
        _context_members(value["contextAgents"], f"{path}.contextAgents", "contextAgent",
                         "agent")
    if "contextGroups" in value:
        _context_members(value["contextGroups"], f"{path}.contextGroups", "contextGroup",
                         "group")


def _context_members(value, path: str, object_type: str, key: str) -> None:
    """xAPI 2.0 ``contextAgents`` (``contextGroups``): a list of objects with objectType
    ``contextAgent`` (``contextGroup``), an Agent (Group) and optional ``relevantTypes``."""
    if not isinstance(value, list):
        fail(path, f"must be a list of {object_type} objects")
    for i, item in enumerate(value):
        sub = f"{path}[{i}]"
        _object(item, sub)
        _only(item, {"objectType", key, "relevantTypes"}, sub)
        if item.get("objectType") != object_type:
            fail(f"{sub}.objectType", f"must be {object_type!r}")
        if key not in item:
            fail(sub, f"a {object_type} needs {'an' if key == 'agent' else 'a'} {key}")
        if key == "agent":
            agent(item[key], f"{sub}.agent", allow_group=False)
        else:
            member = _object(item[key], f"{sub}.group")
            if member.get("objectType") != "Group":
                fail(f"{sub}.group.objectType", "must be 'Group'")
            group(member, f"{sub}.group")
        if "relevantTypes" in item:
            types = item["relevantTypes"]
            if not isinstance(types, list) or not types:
                fail(f"{sub}.relevantTypes", "must be a non-empty list of IRIs")
            for j, iri_ in enumerate(types):
                iri(iri_, f"{sub}.relevantTypes[{j}]")


def attachments(value, path: str) -> None:
    if not isinstance(value, list):
        fail(path, "must be a list")
    for i, item in enumerate(value):
        sub = f"{path}[{i}]"
        _object(item, sub)
        _only(item, {"usageType", "display", "description", "contentType", "length", "sha2",
                     "fileUrl"}, sub)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in item:
                fail(sub, f"an attachment needs {key}")
        iri(item["usageType"], f"{sub}.usageType")
        language_map(item["display"], f"{sub}.display")
        if "description" in item:
            language_map(item["description"], f"{sub}.description")
        _string(item["contentType"], f"{sub}.contentType")
        if not _MEDIA_TYPE.match(item["contentType"]):
            fail(f"{sub}.contentType", f"{item['contentType']!r} is not an Internet media "
                 "type (e.g. application/pdf)")
        if isinstance(item["length"], bool) or not isinstance(item["length"], int) \
                or item["length"] < 0:
            fail(f"{sub}.length", "must be a whole number of 0 or more")
        if not is_sha2(item["sha2"]):
            fail(f"{sub}.sha2", f"{item['sha2']!r} is not a hex SHA-2 hash (e.g. 64 hex digits "
                 "for SHA-256)")
        if "fileUrl" in item:
            iri(item["fileUrl"], f"{sub}.fileUrl")


# -- statements -----------------------------------------------------------------------------------
_TOP = frozenset({"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                  "authority", "version", "attachments"})
_SUB = frozenset({"objectType", "actor", "verb", "object", "result", "context", "timestamp",
                  "attachments"})


def _statement_body(value: dict, path: str, *, sub: bool, version: str = "1.0.0") -> None:
    _only(value, _SUB if sub else _TOP, path)
    for key in ("actor", "verb", "object"):
        if key not in value:
            fail(path, f"the {key} is missing")
    agent(value["actor"], f"{path}.actor")
    verb = _object(value["verb"], f"{path}.verb")
    _only(verb, {"id", "display"}, f"{path}.verb")
    if "id" not in verb:
        fail(f"{path}.verb", "the verb needs an id")
    iri(verb["id"], f"{path}.verb.id")
    if "display" in verb:
        language_map(verb["display"], f"{path}.verb.display")
    kind = _object_of(value["object"], f"{path}.object", sub_statement_allowed=not sub,
                      version=version)
    if kind in ("Agent", "Group") and "objectType" not in value["object"]:
        fail(f"{path}.object.objectType", "is required when the object is an Agent or Group")
    if "result" in value:
        result(value["result"], f"{path}.result")
    if "context" in value:
        context(value["context"], f"{path}.context", kind, version)
    if "timestamp" in value:
        parse_timestamp(value["timestamp"], f"{path}.timestamp")
    if "attachments" in value:
        attachments(value["attachments"], f"{path}.attachments")
    if verb["id"] == VOIDED and kind != "StatementRef":
        fail(f"{path}.object", "a voiding statement's object must be a StatementRef")


def validate_statement(value: Any, path: str = "statement", *,
                       header_version: str = "1.0.3") -> dict:
    """Check one statement; returns it unchanged or raises :class:`StatementError`."""
    _object(value, path)
    if "version" in value:
        version = _string(value["version"], f"{path}.version")
        if not _VERSION.match(version):
            fail(f"{path}.version", f"{version!r} is not a supported xAPI version (1.0.x or "
                 "2.0.x)")
    else:
        version = header_version
    if "id" in value:
        uuid(value["id"], f"{path}.id")
    if "stored" in value:
        parse_timestamp(value["stored"], f"{path}.stored")
    if "authority" in value:
        authority = agent(value["authority"], f"{path}.authority")
        if authority.get("objectType") == "Group":
            if any(k in authority for k in _IFIS) or len(authority.get("member") or []) != 2:
                fail(f"{path}.authority", "a Group authority must be an anonymous Group of "
                     "exactly two Agents (the application and the user, as OAuth has them)")
    _statement_body(value, path, sub=False, version=version)
    return value


def utc_iso(when: datetime) -> str:
    """``when`` (naive UTC) as an xAPI timestamp with milliseconds and ``Z``."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat(timespec="milliseconds") + "Z"


# -- comparing statements -------------------------------------------------------------------------
_FINE_SECONDS = re.compile(r"(\d+[.,]\d{2})\d+S\Z")


def _norm(value: Any, key: str = "") -> Any:
    """The parts of a statement that matter when comparing it with another."""
    if isinstance(value, dict):
        out = {k: _norm(v, k) for k, v in value.items() if v is not None}
        if isinstance(out.get("member"), list):
            out["member"] = sorted(out["member"], key=lambda m: repr(m))
        if key == "contextActivities":
            out = {k: v if isinstance(v, list) else [v] for k, v in out.items()}
        return out
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, str) and is_uuid(value):
        return value.lower()
    if key in ("timestamp", "stored") and isinstance(value, str):
        try:
            return parse_timestamp(value, key).isoformat()
        except StatementError:
            return value
    if key == "duration" and isinstance(value, str):
        return _FINE_SECONDS.sub(r"\1S", value)  # precision beyond 0.01 s does not count
    return value


def comparable(statement: dict, *, with_timestamp: bool = True,
               drop: frozenset[str] = frozenset()) -> Any:
    """``statement`` without what the LRS sets (id, stored, authority, version) and the keys
    in ``drop``, with ids lower-cased, timestamps as instants, durations to 0.01 s, context
    activities as lists and group members in a fixed order (the xAPI comparison rules)."""
    skip = {"id", "stored", "authority", "version"} | set(drop) | (
        set() if with_timestamp else {"timestamp"})
    return _norm({k: v for k, v in statement.items() if k not in skip})


def normalise(statement: dict, version: str) -> dict:
    """``statement`` (valid) as the LRS stores it: context activities always as lists (a
    single Activity is accepted), and for xAPI 2.0 timestamps converted to UTC."""
    out = _normalise_body(statement, version)
    obj = out.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        out["object"] = _normalise_body(obj, version)
    return out


def _normalise_body(body: dict, version: str) -> dict:
    out = dict(body)
    context = out.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        out["context"] = {**context, "contextActivities": {
            k: v if isinstance(v, list) else [v]
            for k, v in context["contextActivities"].items()}}
    if version.startswith("2.") and isinstance(out.get("timestamp"), str):
        out["timestamp"] = _utc_text(out["timestamp"])
    return out


def _utc_text(value: str) -> str:
    """A valid timestamp with an offset other than Z as the same instant in UTC (``Z``),
    keeping the fraction of a second as given (up to microseconds)."""
    match = _TIMESTAMP.match(value)
    if not match or match.group(8) in (None, "Z", "z"):
        return value
    when = parse_timestamp(value, "timestamp")
    fraction = (match.group(7) or "")[:6]
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += "." + f"{when.microsecond:06d}"[:len(fraction)]
    return text + "Z"
