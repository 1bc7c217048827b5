"""The OpenAPI 3.1 document of the JSON API, built here as a plain dict: the one description
of every route of the ``api`` blueprint, its parameters, responses and errors.

The views read their query parameters through :func:`query_parameters`, so the rules written
here (types, ranges, lengths, date format, allowed values) are the rules enforced, and the
document cannot drift from the behaviour. Plugins add the routes of their API blueprints
and describe them (:meth:`lms_core.plugins.LmsPlugin.api_paths`, ``api_schemas``): the
document of an app holds the routes of the plugins it loaded. ``tests/core/test_api.py``
checks that every route of the blueprint is described and every description has a route;
``test_api_fuzz.py`` lets schemathesis check the responses against the schemas below.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context

from lms_core.identity import roles as R
from lms_core.organisation.models import ASSIGNMENT_KINDS, UNIT_KINDS

#: Mounted under this prefix (the blueprint's ``url_prefix``); the document's server URL.
BASE_PATH = "/api/v1"
#: Largest page size of a paged list.
MAX_PER_PAGE = 100
#: Longest code accepted in a path (course, unit and certificate codes are at most 32).
MAX_CODE_LENGTH = 64
#: No control characters: a NUL byte cannot even be stored in PostgreSQL text.
PRINTABLE = "^[^\\u0000-\\u001f\\u007f]*$"
#: A code in a path: printable, no slash.
CODE_PATTERN = "^[^\\u0000-\\u001f\\u007f/]+$"

ENROLMENT_STATUSES = ("active", "completed")
ENROLMENT_SOURCES = ("self", "assigned")
#: The sections of "My learning" (:func:`lms_core.courses.catalogue.my_learning`).
LEARNING_SECTIONS = ("assigned", "in_progress", "completed")
PREREQUISITE_STATUSES = ("completed", "in_progress", "not_started")


# -- schema helpers -----------------------------------------------------------------------------
def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    """``schema`` or null (OpenAPI 3.1 / JSON Schema 2020-12)."""
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    return out


def _object(properties: dict[str, dict], description: str = "", *,
            optional: tuple[str, ...] = ()) -> dict:
    """A closed object: every property listed, all required unless ``optional``."""
    out: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": [p for p in properties if p not in optional],
        "additionalProperties": False,
    }
    if description:
        out["description"] = description
    return out


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date", "description": "ISO 8601 date, YYYY-MM-DD."}
DATETIME = {"type": "string", "format": "date-time",
            "description": "ISO 8601 date and time in UTC (+00:00)."}


def _texts(what: str) -> dict[str, dict]:
    """``<what>_vi`` and ``<what>_en``: the Vietnamese text and the English one."""
    return {f"{what}_vi": {**STRING, "description": f"The {what} in Vietnamese."},
            f"{what}_en": {**STRING, "description": f"The {what} in English (may repeat the "
                                                    "Vietnamese one)."}}


def _paged(item: str, description: str, **extra: dict) -> dict:
    return _object({
        "items": _array(_ref(item)),
        "page": {**INTEGER, "minimum": 1, "description": "The page returned (a page past the "
                                                         "end gives the last page)."},
        "per_page": {**INTEGER, "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {**INTEGER, "minimum": 0, "description": "Items on every page together."},
        "pages": {**INTEGER, "minimum": 1},
        **extra,
    }, description)


_COURSE_FIELDS: dict[str, dict] = {
    "code": STRING,
    "version": {**INTEGER, "description": "The published version's number."},
    **_texts("title"),
    "field": _nullable(_ref("FieldRef")),
    "estimated_hours": {**NUMBER, "minimum": 0},
    "tags": _array(STRING),
    "competencies": _array(_ref("Competency")),
    "target_positions": _array(_ref("PositionRef")),
    "published_at": _nullable(DATETIME),
    "enrolled": {**BOOLEAN, "description": "Whether the caller is enrolled (or completed)."},
}

SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "description": "Every error. `message` is in the caller's language (Vietnamese unless "
                       "the account chose English) and says what to correct; for a bad query "
                       "parameter it names the parameter.",
        "properties": {
            "error": {**INTEGER, "description": "The HTTP status code, repeated."},
            "message": STRING,
        },
        "required": ["error", "message"],
    },
    "UnitRef": _object({"code": STRING, **_texts("name")}, "A unit of the organisation."),
    "PositionRef": _object({"code": STRING, **_texts("name")}, "A job position."),
    "FieldRef": _object({"code": STRING, **_texts("name")}, "A professional field."),
    "Me": _object({
        "code": {**STRING, "description": "Personnel code."},
        "username": STRING,
        "full_name": STRING,
        "email": _nullable(STRING),
        "locale": _nullable({**STRING, "description": "Preferred language (vi or en), if "
                                                      "chosen."}),
        "roles": _array({"type": "string", "enum": list(R.ALL_ROLES)}),
        "headed_units": {**_array(_ref("UnitRef")),
                         "description": "Units this person heads (unit heads)."},
        "unit": {**_nullable(_ref("UnitRef")), "description": "Current unit, if assigned."},
        "position": {**_nullable(_ref("PositionRef")),
                     "description": "Current job position, if any."},
        "assigned_since": _nullable(DATE),
        "csrf_token": {**STRING, "description": "Send it back in the `X-CSRFToken` header of "
                                                "every POST."},
    }, "The logged-in person."),
    "Competency": _object({"code": STRING, "level": {**INTEGER, "minimum": 1, "maximum": 3}},
                          "A competency the course develops, up to a level (1-3)."),
    "CourseSummary": _object(dict(_COURSE_FIELDS), "A course of the catalogue."),
    "CoursePage": _paged("CourseSummary", "One page of the catalogue."),
    "Lesson": _object({**_texts("title"), "kind": {**STRING, "description": "text, video, "
                                                   "pdf, quiz, …"},
                       "minutes": {**INTEGER, "description": "Expected duration."}}),
    "Module": _object({**_texts("title"), "lessons": _array(_ref("Lesson"))}),
    "Prerequisite": _object({
        "code": STRING, **_texts("title"),
        "status": {"type": "string", "enum": list(PREREQUISITE_STATUSES),
                   "description": "The caller's progress in that course."},
    }),
    "CourseDetail": _object({
        **_COURSE_FIELDS,
        **_texts("description"),
        "estimated_minutes": {**INTEGER, "minimum": 0},
        "completion": _object({
            "all_lessons": BOOLEAN, "quiz_passed": BOOLEAN,
            "min_minutes": {**INTEGER, "minimum": 0},
        }, "The completion rule."),
        "modules": _array(_ref("Module")),
        "prerequisites": _array(_ref("Prerequisite")),
        "enrolment": _nullable(_ref("Enrolment")),
    }, "A published course: its current version's structure."),
    "Enrolment": _object({
        "course_code": STRING,
        "version": {**INTEGER, "description": "The version studied."},
        **_texts("title"),
        "source": {"type": "string", "enum": list(ENROLMENT_SOURCES)},
        "section": {"type": "string", "enum": list(LEARNING_SECTIONS),
                    "description": "Where My learning shows it."},
        "status": {"type": "string", "enum": list(ENROLMENT_STATUSES)},
        "progress_percent": {**INTEGER, "minimum": 0, "maximum": 100},
        "lessons_done": {**INTEGER, "minimum": 0},
        "lessons_total": {**INTEGER, "minimum": 0},
        "verified_hours": {**NUMBER, "minimum": 0,
                           "description": "Verified study time in this course."},
        "enrolled_at": DATETIME,
        "due_on": _nullable(DATE),
        "overdue": BOOLEAN,
        "completed_at": _nullable(DATETIME),
        "certificate_code": _nullable(STRING),
    }, "A course the caller follows or has completed."),
    "EnrolmentList": _object({"items": _array(_ref("Enrolment"))}),
    "StudyHours": _object({
        "year": INTEGER,
        "hours": {**NUMBER, "minimum": 0, "description": "Verified study hours, to 0.1."},
    }, "Verified study time of a calendar year (Vietnam time), from the learning records."),
    "Unit": _object({
        "code": STRING, **_texts("name"),
        "kind": {"type": "string", "enum": list(UNIT_KINDS)},
        "parent": _nullable(_ref("UnitRef")),
        "children": _array(_ref("UnitRef")),
        "established_on": DATE,
        "dissolved_on": _nullable(DATE),
        "on": {**_nullable(DATE), "description": "The date asked for; null: today's tree."},
    }, "A unit with its parent and the units directly below it, named as on the date."),
    "Member": _object({
        "personnel_code": STRING,
        "full_name": STRING,
        "unit": _ref("UnitRef"),
        "position": _nullable(_ref("PositionRef")),
        "start_on": DATE,
        "end_on": _nullable(DATE),
        "kind": {"type": "string", "enum": list(ASSIGNMENT_KINDS)},
    }, "An assignment in force on the date: who, in which unit, in what position."),
    "MemberPage": _paged("Member", "One page of the unit's members.", on=DATE),
    "Certificate": _object({
        "code": STRING,
        "valid": {"type": "boolean", "const": True},
        "holder_name": STRING,
        **_texts("course_title"),
        "completed_on": DATE,
        "hours": {**NUMBER, "minimum": 0},
    }, "A certificate that was issued (public facts only)."),
}

# -- parameters ---------------------------------------------------------------------------------
def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def _code_path(description: str, example: str) -> dict:
    return {"name": "code", "in": "path", "required": True, "description": description,
            "example": example,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_CODE_LENGTH,
                       "pattern": CODE_PATTERN}}


def _page() -> dict:
    return _query("page", {"type": "integer", "minimum": 1, "default": 1},
                  "Page number, from 1.")


def _per_page(default: int) -> dict:
    return _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                               "default": default}, f"Items per page, at most {MAX_PER_PAGE}.")


def _code_query(name: str, description: str) -> dict:
    return _query(name, {"type": "string", "maxLength": MAX_CODE_LENGTH, "pattern": PRINTABLE},
                  description + " An unknown code matches nothing.")


def _on() -> dict:
    return _query("on", {"type": "string", "format": "date"},
                  "A date written YYYY-MM-DD; default today.")


# -- responses ----------------------------------------------------------------------------------
def _json(schema: dict, description: str, example: Any = None) -> dict:
    content: dict[str, Any] = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {"application/json": content}}


_ERRORS = {
    "400": "A query parameter is malformed or out of range (the message names it), or, for a "
           "POST, the CSRF token is missing or wrong.",
    "401": "Not logged in.",
    "403": "Logged in, but not allowed to see this, or the account must first choose a new "
           "password (on the web page).",
    "404": "No such thing (or not published, for a course).",
    "409": "Conflicts with the current state (already enrolled, already completed).",
    "429": "Too many requests from this address: wait the seconds of `Retry-After`.",
}


def _errors(*codes: int) -> dict:
    return {str(c): {"$ref": f"#/components/responses/E{c}"} for c in codes}


def _operation(op_id: str, summary: str, description: str, ok: dict, *, errors=(),
               parameters=(), ok_status: str = "200", public: bool = False,
               tags=("courses",), post: bool = False) -> dict:
    codes = set(errors)
    if post or any(p["in"] == "query" for p in parameters):
        codes.add(400)
    if not public:
        codes |= {401, 403}
    op: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "description": description,
        "tags": list(tags),
        "parameters": list(parameters),
        "responses": {ok_status: ok, **_errors(*sorted(codes))},
    }
    if public:
        op["security"] = []
    elif post:
        op["security"] = [{"session": [], "csrf": []}]
    return op


def _build() -> dict:
    me_example = {
        "code": "HQ000123", "username": "canbo", "full_name": "Nguyễn Văn An",
        "email": None, "locale": None, "roles": ["officer"], "headed_units": [],
        "unit": {"code": "KV02-D1", "name_vi": "Đội Thủ tục hải quan",
                 "name_en": "Customs procedures team"},
        "position": {"code": "GSQL-TT", "name_vi": "Công chức thủ tục hải quan",
                     "name_en": "Customs procedures officer"},
        "assigned_since": "2025-03-01", "csrf_token": "IjA1ZjM…",
    }
    paths = {
        "/openapi.json": {"get": _operation(
            "openapi", "This document",
            "The OpenAPI 3.1 description of the API. Public.",
            {"description": "The OpenAPI document.",
             "content": {"application/json": {"schema": {"type": "object"}}}},
            public=True, tags=("meta",))},
        "/me": {"get": _operation(
            "me", "The logged-in person",
            "Personnel code, name, roles, current unit and position, and the CSRF token to "
            "send with POST requests.",
            _json(_ref("Me"), "The caller.", me_example), tags=("me",))},
        "/me/enrolments": {"get": _operation(
            "my_enrolments", "My courses",
            "The caller's enrolments, as on the My learning page: assigned courses not yet "
            "completed (soonest due first), self-enrolled courses in progress (newest first), "
            "then completed ones (newest first) with the certificate code.",
            _json(_ref("EnrolmentList"), "The caller's courses."),
            parameters=[_query("section", {"type": "string", "enum": list(LEARNING_SECTIONS)},
                               "Only this section of My learning.")],
            tags=("me",))},
        "/me/study-hours": {"get": _operation(
            "my_study_hours", "My verified study hours",
            "Verified study hours of a calendar year, counted in Vietnam time from the "
            "learning records (xAPI statements): only visible, active study time is counted.",
            _json(_ref("StudyHours"), "Hours of the year.", {"year": 2025, "hours": 12.5}),
            parameters=[_query("year", {"type": "integer", "minimum": 1970, "maximum": 2100},
                               "Calendar year; default this year.")],
            tags=("me",))},
        "/courses": {"get": _operation(
            "list_courses", "Search the catalogue",
            "Published courses, ordered by title (in the caller's language) then code. Every "
            "word of `q` must occur in the code, titles, descriptions or tags; accents and "
            "case are ignored (`thue xuat khau` finds *Thuế xuất khẩu*).",
            _json(_ref("CoursePage"), "One page of courses."),
            parameters=[
                _query("q", {"type": "string", "maxLength": 200, "pattern": PRINTABLE},
                       "Words to search for."),
                _code_query("field", "A professional field's code."),
                _code_query("competency", "A competency code the course develops."),
                _query("level", {"type": "integer", "enum": [1, 2, 3]},
                       "Level developed (1-3): of `competency` when given, of any competency "
                       "otherwise."),
                _code_query("position", "A job position's code the course is meant for."),
                _query("max_hours", {"type": "number", "exclusiveMinimum": 0,
                                     "maximum": 10000},
                       "At most this many estimated hours."),
                _page(), _per_page(20),
            ])},
        "/courses/{code}": {"get": _operation(
            "get_course", "A published course",
            "The published version of a course: description, completion rule, modules and "
            "lessons (titles, kinds, minutes), competencies, prerequisites (with the caller's "
            "status in each), target positions and the caller's enrolment, if any.",
            _json(_ref("CourseDetail"), "The course."),
            errors=(404,), parameters=[_code_path("Course code.", "LHQ-101")])},
        "/courses/{code}/enrolments": {"post": _operation(
            "enrol", "Enrol myself",
            "Self-enrolment in the published version. Needs the prerequisites completed. "
            "Send the CSRF token (from `GET /me`) in the `X-CSRFToken` header. No body.",
            _json(_ref("Enrolment"), "Enrolled. `Location` is the caller's course list."),
            ok_status="201", errors=(404, 409), post=True,
            parameters=[_code_path("Course code.", "LHQ-101")])},
        "/units/{code}": {"get": _operation(
            "get_unit", "A unit",
            "A unit with its parent and the units directly below it, as the tree stood on "
            "the date. For HR administrators, and for the heads of the unit or of a unit "
            "above it.",
            _json(_ref("Unit"), "The unit."),
            errors=(404,), tags=("organisation",),
            parameters=[_code_path("Unit code.", "KV02"), _on()])},
        "/units/{code}/members": {"get": _operation(
            "unit_members", "Who belonged to a unit",
            "The assignments in force on the date in the unit and the units below it (as the "
            "tree stood that day), ordered by name. Same access as the unit.",
            _json(_ref("MemberPage"), "One page of members."),
            errors=(404,), tags=("organisation",),
            parameters=[_code_path("Unit code.", "KV02"), _on(), _page(), _per_page(50)])},
        "/certificates/{code}": {"get": _operation(
            "verify_certificate", "Verify a certificate",
            "Public: whether a certificate with this code was issued, with only the holder's "
            "name, the course, the completion date and the hours. Limited per client "
            "address, like the verification page.",
            _json(_ref("Certificate"), "The certificate is genuine.", {
                "code": "HQ-7K3M-Q9TX", "valid": True, "holder_name": "Nguyễn Văn An",
                "course_title_vi": "Luật Hải quan 2014: những nội dung cơ bản",
                "course_title_en": "The Customs Law 2014: the essentials",
                "completed_on": "2025-06-30", "hours": 6.5}),
            errors=(404, 429), public=True, tags=("certificates",),
            parameters=[_code_path("The code printed on the certificate.", "HQ-7K3M-Q9TX")])},
    }
    responses = {
        f"E{code}": _json(_ref("Error"), text, {"error": code, "message": "…"})
        for code, text in ((int(c), t) for c, t in _ERRORS.items())
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Học tập Hải quan API",
            "version": "1.0.0",
            "description": (
                "The JSON API of Học tập Hải quan, for the same people and with the same rules "
                "as the web pages. Authenticate by logging in through the login page; the "
                "session cookie then authenticates every call. POST requests also need the "
                "CSRF token of the session in the `X-CSRFToken` header (`GET /me` returns it). "
                "Errors are JSON objects `{\"error\": <status>, \"message\": <text>}`. Texts "
                "of the model come in Vietnamese (`*_vi`) and English (`*_en`); dates are ISO "
                "8601. See docs/api.md."),
        },
        "servers": [{"url": BASE_PATH}],
        "security": [{"session": []}],
        "tags": [
            {"name": "me", "description": "The logged-in person and their learning."},
            {"name": "courses", "description": "The course catalogue and enrolment."},
            {"name": "organisation", "description": "Units and their members."},
            {"name": "certificates", "description": "Public verification."},
            {"name": "meta", "description": "This description."},
        ],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": responses,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "The session cookie set by the login page."},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                         "description": "The session's CSRF token (`csrf_token` of `GET /me`)."},
            },
        },
    }


_DOCUMENT = _build()


# -- plugins' routes ------------------------------------------------------------------------------
def _merged(plugins: Iterable) -> dict:
    """The core's document plus the paths and schemas each plugin describes
    (:meth:`lms_core.plugins.LmsPlugin.api_paths` and ``api_schemas``); a path or schema
    described twice is an error of the plugin."""
    doc = copy.deepcopy(_DOCUMENT)
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    tags = {t["name"] for t in doc["tags"]}
    for plugin in plugins:
        for name, schema in (plugin.api_schemas() or {}).items():
            if name in schemas:
                raise ValueError(f"plugin {plugin.name!r}: the API schema {name!r} exists")
            schemas[name] = copy.deepcopy(schema)
        for path, item in (plugin.api_paths() or {}).items():
            if path in paths:
                raise ValueError(f"plugin {plugin.name!r}: the API path {path!r} exists")
            paths[path] = copy.deepcopy(item)
            for op in item.values():
                for tag in op.get("tags", ()):
                    if tag not in tags:
                        tags.add(tag)
                        doc["tags"].append({"name": tag, "description": plugin.title})
    return doc


def _operations_of(doc: dict) -> dict[str, tuple[str, str, dict]]:
    return {op["operationId"]: (method.upper(), path, op)
            for path, item in doc["paths"].items() for method, op in item.items()}


_CORE = (_DOCUMENT, _operations_of(_DOCUMENT))


def _current() -> tuple[dict, dict]:
    """``(document, operations)`` of the current app (its loaded plugins' routes included),
    built once per app; the core's alone outside an app context."""
    if not has_app_context():
        return _CORE
    from lms_core.plugins import loaded_plugins

    plugins = loaded_plugins(current_app)
    key = tuple(plugins)
    cached = current_app.extensions.get("lms_openapi")
    if cached is None or cached[0] != key:
        doc = _merged(plugins.values())
        cached = (key, doc, _operations_of(doc))
        current_app.extensions["lms_openapi"] = cached
    return cached[1], cached[2]


def document(plugins: Iterable | None = None) -> dict:
    """The OpenAPI document (a copy: callers may change it): the core's routes and those of
    ``plugins`` when given, else of the plugins the current app loaded (none outside an app
    context)."""
    if plugins is not None:
        return _merged(plugins)
    return copy.deepcopy(_current()[0])


def operations() -> dict[str, tuple[str, str, dict]]:
    """``operationId -> (method, path, operation)`` for every operation of the document of
    the current app (see :func:`document`)."""
    return dict(_current()[1])


def query_schema(operation_id: str) -> dict[str, dict]:
    """``name -> schema`` of the operation's query parameters."""
    _method, _path, op = _current()[1][operation_id]
    return {p["name"]: p["schema"] for p in op["parameters"] if p["in"] == "query"}
