"""Organisation pages: the unit tree, a unit, people, positions."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.identity.access import can_view_unit, can_view_user, role_required, visible_unit_ids
from lms_core.identity.models import User
from lms_core.organisation import queries as q
from lms_core.organisation.models import Assignment, JobPosition, Unit
from lms_core.text import fold
from lms_core.ui.i18n import parse_date

bp = Blueprint("org", __name__)

PAGE_SIZE = 50


def _unit_or_404(code: str) -> Unit:
    unit = q.unit_by_code(code)
    if unit is None:
        abort(404)
    if not can_view_unit(current_user, unit):
        abort(403)
    return unit


def _date_arg(name: str = "on") -> date | None:
    try:
        return parse_date(request.args.get(name))
    except ValueError:
        flash(_("Dates are written dd/mm/yyyy."), "error")
        return None


@bp.route("/units")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def units():
    roots = None if current_user.is_hr_admin else sorted(current_user.headed_unit_ids)
    show_dissolved = current_user.is_hr_admin and request.args.get("dissolved") == "1"
    rows = q.tree_rows(roots, include_dissolved=show_dissolved)
    counts = dict(db.session.execute(
        sa.select(Assignment.unit_id, sa.func.count()).where(Assignment.end_on.is_(None))
        .group_by(Assignment.unit_id)
    ).all())
    return render_template("org/units.html", rows=rows, counts=counts,
                           show_dissolved=show_dissolved)


@bp.route("/units/<code>")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def unit(code: str):
    unit = _unit_or_404(code)
    on = _date_arg()
    members = q.members(unit.id, on=on)
    members.sort(key=lambda a: (a.unit.code != unit.code, a.unit.code, a.user.full_name))
    return render_template(
        "org/unit.html", unit=unit, on=on, members=members, path=q.ancestors(unit),
        children=sorted((c for c in unit.children if c.dissolved_on is None), key=lambda c: c.code),
        events=q.events_of(unit), predecessors=q.predecessors(unit),
        version=q.version_on(unit, on) if on else None,
    )


@bp.route("/people")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def users():
    text = fold(request.args.get("q", ""))
    page = max(1, request.args.get("page", 1, type=int))
    stmt = sa.select(User).order_by(User.full_name, User.code)
    ids = visible_unit_ids(current_user)
    if ids is not None:
        stmt = stmt.join(Assignment, sa.and_(Assignment.user_id == User.id,
                                             Assignment.end_on.is_(None))).where(
            Assignment.unit_id.in_(ids))
    if text:
        stmt = stmt.where(User.search_text.contains(text))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    people = db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    current = {a.user_id: a for a in db.session.scalars(
        sa.select(Assignment).where(Assignment.user_id.in_([p.id for p in people]),
                                    Assignment.end_on.is_(None)))}
    return render_template("org/users.html", people=people, current=current, total=total,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)),
                           q=request.args.get("q", ""))


@bp.route("/people/<code>")
@role_required(R.UNIT_HEAD, R.HR_ADMIN)
def user(code: str):
    person = db.session.scalar(sa.select(User).where(User.code == code.upper()))
    if person is None:
        abort(404)
    if not can_view_user(current_user, person):
        abort(403)
    return render_template("org/user.html", person=person, history=q.assignments_of(person))


@bp.route("/positions")
@role_required(R.HR_ADMIN)
def positions():
    rows = db.session.scalars(sa.select(JobPosition).order_by(JobPosition.code)).all()
    counts = dict(db.session.execute(
        sa.select(Assignment.position_id, sa.func.count()).where(Assignment.end_on.is_(None))
        .group_by(Assignment.position_id)
    ).all())
    return render_template("org/positions.html", positions=rows, counts=counts)
