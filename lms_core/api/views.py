"""The JSON API, ``/api/v1``: the same people, the same rules and the same query functions as
the pages, answered in JSON. :mod:`lms_core.api.openapi` describes every route here.

- Authentication is the session of the login page; anonymous callers get 401 (never a
  redirect), except for the two public routes.
- POST requests need the session's CSRF token in the ``X-CSRFToken`` header. The blueprint is
  exempt from Flask-WTF's automatic check only so that the login check comes first (an
  anonymous POST is a 401, not a CSRF error); :func:`_before` then runs the same check.
- Errors are ``{"error": <status>, "message": <text>}`` (:func:`lms_core.ui.handle_error`).
- Query parameters are read through :func:`query_args`, which applies the parameter schemas of
  the OpenAPI document: a bad value is a 400 whose message names the parameter.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_babel import get_locale, to_user_timezone
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import orm as so

from lms_core.api import openapi as spec
from lms_core.courses import catalogue as cat
from lms_core.courses import delivery
from lms_core.courses.models import Certificate, CourseModule, CourseVersion, Enrolment
from lms_core.errors import UserError, abort_with
from lms_core.extensions import csrf, db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_unit
from lms_core.identity.models import User
from lms_core.organisation import queries as org
from lms_core.organisation.models import Assignment, Unit
from lms_core.ui.i18n import fmt_date

bp = Blueprint("api", __name__, url_prefix=spec.BASE_PATH)
csrf.exempt(bp)

#: Endpoints anyone may call, logged in or not.
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.verify_certificate"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@bp.before_request
def _before():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    if not current_user.is_authenticated:
        abort(401)
    if request.method not in _SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf.protect()
        except CSRFError as error:
            if "referrer" in (error.description or ""):  # Flask-WTF's check over HTTPS
                abort_with(400, _("Over HTTPS, a POST must also send a Referer header with "
                                  "the address of this site."))
            abort_with(400, _("The CSRF token is missing or wrong: send the csrf_token of "
                              "GET /api/v1/me in the X-CSRFToken header."))


# -- query parameters ---------------------------------------------------------------------------
#: The JSON Schema keywords :func:`parse_query` enforces; a query parameter described with any
#: other would not be checked as documented (a test keeps the document within these).
SUPPORTED_KEYWORDS = frozenset({"type", "enum", "minimum", "exclusiveMinimum", "maximum",
                                "maxLength", "pattern", "format", "default"})
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _pattern(pattern: str) -> re.Pattern:
    """A JSON Schema (ECMAScript) pattern for Python: ``$`` means the very end of the text."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def _bad(message) -> None:
    abort_with(400, message)


def _check_range(name: str, value, schema: dict) -> None:
    if "enum" in schema and value not in schema["enum"]:
        _bad(_("The parameter %(name)s must be one of: %(choices)s.", name=name,
               choices=", ".join(str(c) for c in schema["enum"])))
    if "minimum" in schema and value < schema["minimum"]:
        _bad(_("The parameter %(name)s must be at least %(min)s.", name=name,
               min=schema["minimum"]))
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        _bad(_("The parameter %(name)s must be greater than %(min)s.", name=name,
               min=schema["exclusiveMinimum"]))
    if "maximum" in schema and value > schema["maximum"]:
        _bad(_("The parameter %(name)s must be at most %(max)s.", name=name,
               max=schema["maximum"]))


def _parse(name: str, raw: str, schema: dict):
    """One query parameter's text as the value its schema describes, or a 400."""
    kind = schema.get("type")
    if kind == "integer":
        if not _INTEGER.fullmatch(raw) or len(raw) > 30:
            _bad(_("The parameter %(name)s must be a whole number.", name=name))
        value = int(raw)
        _check_range(name, value, schema)
        return value
    if kind == "number":
        value = float(raw) if _NUMBER.fullmatch(raw) and len(raw) <= 30 else math.nan
        if not math.isfinite(value):
            _bad(_("The parameter %(name)s must be a number.", name=name))
        _check_range(name, value, schema)
        return value
    if "maxLength" in schema and len(raw) > schema["maxLength"]:
        _bad(_("The parameter %(name)s must be at most %(n)d characters long.", name=name,
               n=schema["maxLength"]))
    if "pattern" in schema and not _pattern(schema["pattern"]).search(raw):
        _bad(_("The parameter %(name)s contains characters that are not allowed.", name=name))
    if schema.get("format") == "date":
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            _bad(_("The parameter %(name)s must be a date written YYYY-MM-DD.", name=name))
    _check_range(name, raw, {k: v for k, v in schema.items() if k == "enum"})
    return raw


def parse_query(schemas: dict[str, dict], args) -> dict:
    """The values of the query parameters described by ``schemas`` (``name -> schema``) in
    ``args`` (a MultiDict), each checked against its schema (an empty text is a value like
    any other: right for ``q``, wrong for ``page``); an absent parameter gets the schema's
    default (or None). Unknown parameters are ignored; of a repeated one, the first counts.
    Raises a 400 naming the first bad parameter."""
    out = {}
    for name, schema in schemas.items():
        out[name] = _parse(name, args[name], schema) if name in args else schema.get("default")
    return out


def query_args() -> dict:
    """The query parameters of the current request, read by the rules of its operation in the
    OpenAPI document (the operation id is the endpoint without ``api.``: the view's name, or
    ``<blueprint>.<view>`` for a plugin's API blueprint)."""
    return parse_query(spec.query_schema(request.endpoint.split(".", 1)[1]), request.args)


_CODE = _pattern(spec.CODE_PATTERN)


def _valid_code(code: str) -> bool:
    """A code in a path that could exist (anything else is simply not found)."""
    return len(code) <= spec.MAX_CODE_LENGTH and bool(_CODE.search(code))


# -- JSON shapes --------------------------------------------------------------------------------
def _iso(value: date | datetime | None) -> str | None:
    """ISO 8601; stored datetimes are naive UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value.isoformat()


def _named(obj, name_vi: str | None = None, name_en: str | None = None) -> dict | None:
    """``{code, name_vi, name_en}`` of a unit, position or field (None stays None)."""
    if obj is None:
        return None
    return {"code": obj.code, "name_vi": name_vi if name_vi is not None else obj.name_vi,
            "name_en": name_en if name_en is not None else obj.name_en}


def _unit_on(unit: Unit, on: date | None) -> dict:
    """A unit named as it was on ``on`` (today's name when None or when it did not exist)."""
    version = org.version_on(unit, on) if on is not None else None
    if version is None:
        return _named(unit)
    return _named(unit, version.name_vi, version.name_en)


def _hours(seconds: float) -> float:
    return round(max(seconds, 0) / 3600, 1)


def _lang() -> str:
    return str(get_locale() or "vi")


def _course_fields(version: CourseVersion, enrolled: bool) -> dict:
    return {
        "code": version.course.code,
        "version": version.number,
        "title_vi": version.title_vi,
        "title_en": version.title_en,
        "field": _named(version.field),
        "estimated_hours": round(version.estimated_minutes / 60, 2),
        "tags": version.tag_names,
        "competencies": [{"code": c.competency_code, "level": c.level}
                         for c in sorted(version.competencies, key=lambda c: c.competency_code)],
        "target_positions": [_named(t.position) for t in
                             sorted(version.target_positions, key=lambda t: t.position.code)],
        "published_at": _iso(version.published_at),
        "enrolled": enrolled,
    }


def _section(enrolment: Enrolment) -> str:
    """The section of My learning the enrolment is shown in (see ``catalogue.my_learning``)."""
    if enrolment.completed_at is not None:
        return "completed"
    return "assigned" if enrolment.source == "assigned" else "in_progress"


def _learning_item(enrolment: Enrolment) -> cat.LearningItem:
    certificate = db.session.scalar(sa.select(Certificate).where(
        Certificate.enrolment_id == enrolment.id)) if enrolment.completed_at else None
    return cat.LearningItem(enrolment, delivery.progress_summary(enrolment), certificate)


def _enrolment(item: cat.LearningItem, section: str) -> dict:
    enrolment = item.enrolment
    progress = item.progress or delivery.progress_summary(enrolment)
    completed = enrolment.completed_at is not None
    return {
        "course_code": enrolment.course.code,
        "version": enrolment.version.number,
        "title_vi": enrolment.version.title_vi,
        "title_en": enrolment.version.title_en,
        "source": enrolment.source,
        "section": section,
        "status": enrolment.status,
        "progress_percent": 100 if completed else progress["percent"],
        "lessons_done": progress["done"],
        "lessons_total": progress["total"],
        "verified_hours": _hours(enrolment.verified_seconds),
        "enrolled_at": _iso(enrolment.enrolled_at),
        "due_on": _iso(enrolment.due_on),
        "overdue": item.overdue,
        "completed_at": _iso(enrolment.completed_at),
        "certificate_code": item.certificate.code if item.certificate is not None else None,
    }


# -- loading ------------------------------------------------------------------------------------
def _published_course_or_404(code: str):
    course = cat.course_by_code(code) if _valid_code(code) else None
    if course is None:
        abort_with(404, _("There is no course with the code %(code)s.", code=code[:40]))
    if course.published_version_id is None:
        abort_with(404, _("This course is not open for enrolment."))
    return course


def _unit_or_404(code: str) -> Unit:
    """The unit (404), if the caller may see it (403): HR, or a head of it or above it. As on
    the pages, someone who is neither gets 403 whatever the code."""
    if not current_user.has_role(R.UNIT_HEAD, R.HR_ADMIN):
        abort(403)
    unit = org.unit_by_code(code) if _valid_code(code) else None
    if unit is None:
        abort_with(404, _("Unknown unit %(code)s.", code=code[:40]))
    if not can_view_unit(current_user, unit):
        abort(403)
    return unit


# -- routes -------------------------------------------------------------------------------------
@bp.get("/openapi.json")
def openapi():
    return jsonify(spec.document())


@bp.get("/me")
def me():
    user = current_user
    assignment = org.current_assignment(user)
    headed = db.session.scalars(sa.select(Unit).where(Unit.id.in_(user.headed_unit_ids))
                                .order_by(Unit.code)).all() if user.headed_unit_ids else []
    return jsonify({
        "code": user.code,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "locale": user.locale,
        "roles": sorted(user.roles),
        "headed_units": [_named(u) for u in headed],
        "unit": _named(assignment.unit) if assignment is not None else None,
        "position": _named(assignment.position) if assignment is not None else None,
        "assigned_since": _iso(assignment.start_on) if assignment is not None else None,
        "csrf_token": generate_csrf(),
    })


@bp.get("/me/enrolments")
def my_enrolments():
    args = query_args()
    learning = cat.my_learning(current_user)
    sections = (("assigned", learning.assigned), ("in_progress", learning.in_progress),
                ("completed", learning.completed))
    return jsonify(items=[_enrolment(item, name) for name, items in sections
                          if args["section"] in (None, name) for item in items])


@bp.get("/me/study-hours")
def my_study_hours():
    year = query_args()["year"] or cat.local_today().year
    return jsonify(year=year, hours=cat.study_hours(current_user, year))


@bp.get("/courses")
def list_courses():
    args = query_args()
    result = cat.search_courses(
        args["q"] or "", field=args["field"], competency=args["competency"],
        level=args["level"], position=args["position"], max_hours=args["max_hours"],
        page=args["page"], per_page=args["per_page"], lang=_lang())
    mine = cat.enrolments_by_course(current_user, [v.course_id for v in result.versions])
    return jsonify(items=[_course_fields(v, v.course_id in mine) for v in result.versions],
                   page=result.page, per_page=result.per_page, total=result.total,
                   pages=result.pages)


@bp.get("/courses/<code>")
def get_course(code: str):
    course = _published_course_or_404(code)
    version = db.session.scalar(
        sa.select(CourseVersion).where(CourseVersion.id == course.published_version_id)
        .options(so.selectinload(CourseVersion.modules).selectinload(CourseModule.lessons)))
    enrolment = delivery.enrolment_of(current_user, course)
    data = _course_fields(version, enrolment is not None)
    data.update(
        description_vi=version.description_vi,
        description_en=version.description_en,
        estimated_minutes=version.estimated_minutes,
        completion={"all_lessons": version.require_all_lessons,
                    "quiz_passed": version.require_quiz_passed,
                    "min_minutes": version.min_minutes},
        modules=[{"title_vi": m.title_vi, "title_en": m.title_en,
                  "lessons": [{"title_vi": lesson.title_vi, "title_en": lesson.title_en,
                               "kind": lesson.kind, "minutes": lesson.minutes}
                              for lesson in m.lessons]} for m in version.modules],
        prerequisites=[{"code": required.code,
                        "title_vi": (required.published_version or required.latest_version
                                     ).title_vi,
                        "title_en": (required.published_version or required.latest_version
                                     ).title_en,
                        "status": status}
                       for required, status in cat.prerequisite_status(current_user, version)],
        enrolment=(_enrolment(_learning_item(enrolment), _section(enrolment))
                   if enrolment is not None else None),
    )
    return jsonify(data)


@bp.post("/courses/<code>/enrolments")
def enrol(code: str):
    course = _published_course_or_404(code)
    try:
        enrolment = delivery.enrol(current_user, course)
    except UserError as error:
        db.session.rollback()
        already = delivery.enrolment_of(current_user, course) is not None
        abort_with(409 if already else 400, error.message)
    db.session.commit()
    response = jsonify(_enrolment(_learning_item(enrolment), _section(enrolment)))
    response.status_code = 201
    response.headers["Location"] = url_for("api.my_enrolments")
    return response


@bp.get("/units/<code>")
def get_unit(code: str):
    unit = _unit_or_404(code)
    on = query_args()["on"]
    if on is None:
        parent = _named(unit.parent)
        children = sorted((c for c in unit.children if c.dissolved_on is None),
                          key=lambda c: c.code)
        data = _named(unit)
    else:
        version = org.version_on(unit, on)
        if version is None:
            abort_with(404, _("Unit %(code)s did not exist on %(day)s.", code=unit.code,
                              day=fmt_date(on)))
        parent_unit = db.session.get(Unit, version.parent_id) if version.parent_id else None
        parent = _unit_on(parent_unit, on) if parent_unit is not None else None
        ids = org.children_map(on).get(unit.id, [])
        children = db.session.scalars(
            sa.select(Unit).where(Unit.id.in_(ids)).options(so.selectinload(Unit.versions))
            .order_by(Unit.code)).all() if ids else []
        data = _named(unit, version.name_vi, version.name_en)
    data.update(kind=unit.kind, parent=parent,
                children=[_unit_on(c, on) for c in children],
                established_on=_iso(unit.established_on), dissolved_on=_iso(unit.dissolved_on),
                on=_iso(on))
    return jsonify(data)


@bp.get("/units/<code>/members")
def unit_members(code: str):
    unit = _unit_or_404(code)
    args = query_args()
    on = args["on"]
    per_page = args["per_page"]
    total = org.member_count(unit.id, on)
    pages = max(1, -(-total // per_page))
    page = min(args["page"], pages)
    rows = db.session.scalars(
        org.members_stmt(unit.id, on).join(User, User.id == Assignment.user_id)
        .order_by(User.full_name, User.code, Assignment.id)
        .limit(per_page).offset((page - 1) * per_page)).unique().all()
    named: dict[int, dict] = {}
    items = []
    for a in rows:
        if a.unit_id not in named:
            named[a.unit_id] = _unit_on(a.unit, on)
        items.append({
            "personnel_code": a.user.code,
            "full_name": a.user.full_name,
            "unit": named[a.unit_id],
            "position": _named(a.position),
            "start_on": _iso(a.start_on),
            "end_on": _iso(a.end_on),
            "kind": a.kind,
        })
    return jsonify(items=items, page=page, per_page=per_page, total=total, pages=pages,
                   on=_iso(on or date.today()))


@bp.get("/certificates/<code>")
def verify_certificate(code: str):
    certificate = delivery.certificate_by_code(code) if _valid_code(code) else None
    if certificate is None:
        abort_with(404, _("No certificate has the code %(code)s. Check the code printed on the "
                          "certificate and try again.", code=code.strip().upper()[:40]))
    completed = certificate.enrolment.completed_at or certificate.issued_at
    return jsonify(code=certificate.code, valid=True, holder_name=certificate.holder_name,
                   course_title_vi=certificate.course_title_vi,
                   course_title_en=certificate.course_title_en,
                   completed_on=to_user_timezone(completed).date().isoformat(),
                   hours=certificate.hours)
