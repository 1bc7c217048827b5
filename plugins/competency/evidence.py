"""Evidence of officers' levels, and the rule that decides each competency's current level.

Evidence (:class:`~plugins.competency.models.Evidence`) is the source of truth: dated, with a
source (``assessment``, ``import``, ``course``, ``rating``) and a reference. The current level
(:class:`~plugins.competency.models.OfficerLevel`) is derived from it by :func:`decide`, and
gaps from the levels (``gaps.py``). docs/competency-gaps.md explains the rule with examples:

1. **Assessments set the level.** The latest evidence of source ``assessment`` or ``import``
   (by date observed, then by the order recorded) gives the level, even when it is lower than
   an earlier one.
2. **A supervisor's rating counts while it is young**: while fewer than
   ``COMPETENCY_RATING_MAX_AGE_DAYS`` (default 730) days old. The latest counting rating sets
   the level (up or down) when it was observed *after* the latest assessment (strictly: on
   the same day the assessment wins); otherwise the assessment stands.
3. **A course completion can only raise the level, and at most to the level the course
   declares.** Only completions observed on or after the date of the evidence that set the
   level in steps 1-2 count (an assessment taken after a course measured the officer after
   the training, and wins). With no assessment and no counting rating, every completion
   counts.

No evidence at all: no level row (gaps read it as level 0). Level 0 is a real result
("below level 1") when an assessment says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms_core.courses import catalogue
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as identity_ops
from lms_core.plugins import Job
from lms_core.signals import courses as course_signals
from plugins.competency import signals
from plugins.competency.models import EVIDENCE_SOURCES, Evidence, OfficerLevel

#: Sources whose latest piece sets the level (rule 1).
ASSESSMENT_SOURCES = ("assessment", "import")
#: Default of the setting ``COMPETENCY_RATING_MAX_AGE_DAYS``.
DEFAULT_RATING_MAX_AGE_DAYS = 730
#: Officers per chunk of the bulk rebuild.
CHUNK = 2000


def rating_max_age_days() -> int:
    """How many days a supervisor's rating counts (``COMPETENCY_RATING_MAX_AGE_DAYS``)."""
    return int(current_app.config.get("COMPETENCY_RATING_MAX_AGE_DAYS",
                                      DEFAULT_RATING_MAX_AGE_DAYS))


def today() -> date:
    """Today in the platform's time zone (the day ratings are aged against)."""
    return catalogue.local_today()


# -- the rule -----------------------------------------------------------------------------------
class Piece(NamedTuple):
    """What :func:`decide` needs of one piece of evidence."""

    id: int
    source: str
    level: int
    observed_on: date


def _key(p: Piece) -> tuple[date, int]:
    return (p.observed_on, p.id)


def decide(pieces: Iterable[Piece], *, on: date, max_age_days: int) -> Piece | None:
    """The piece of evidence that decides the current level on day ``on`` (its ``level`` is
    the level), or None when nothing counts. See the module docstring for the rule."""
    pieces = list(pieces)
    assessments = [p for p in pieces if p.source in ASSESSMENT_SOURCES]
    ratings = [p for p in pieces if p.source == "rating"
               and p.observed_on <= on and (on - p.observed_on).days < max_age_days]
    courses = [p for p in pieces if p.source == "course"]
    base = max(assessments, key=_key, default=None)
    rating = max(ratings, key=_key, default=None)
    if rating is not None and (base is None or rating.observed_on > base.observed_on):
        base = rating
    counting = [c for c in courses if base is None or c.observed_on >= base.observed_on]
    # The course that reached the highest level; among equals, the latest.
    best = max(counting, key=lambda c: (c.level, c.observed_on, c.id), default=None)
    if best is not None and (base is None or best.level > base.level):
        return best
    return base


# -- reading ------------------------------------------------------------------------------------
def current_levels(user) -> dict[str, int]:
    """``competency code -> current level`` of ``user`` (codes with evidence only)."""
    return dict(db.session.execute(
        sa.select(OfficerLevel.competency_code, OfficerLevel.level)
        .where(OfficerLevel.user_id == user.id)).all())


def evidence_of(user, code: str | None = None) -> list[Evidence]:
    """The officer's evidence, newest first (of one competency when ``code`` is given)."""
    stmt = sa.select(Evidence).where(Evidence.user_id == user.id)
    if code is not None:
        stmt = stmt.where(Evidence.competency_code == code)
    return list(db.session.scalars(stmt.order_by(Evidence.observed_on.desc(),
                                                 Evidence.id.desc())))


# -- recording ----------------------------------------------------------------------------------
def _framework_facts():
    """``(framework, competency index, scale max)`` of the published framework, or
    ``(None, {}, 0)`` when none is published."""
    from plugins.competency import frameworks

    framework = frameworks.published_framework()
    if framework is None:
        return None, {}, 0
    return framework, frameworks.competency_index(framework), frameworks.scale_max(framework)


def _validated(user, code, level, source, source_ref, observed_on, facts) -> tuple[str, int, str]:
    framework, index, top = facts
    if user is None:
        raise UserError(_("Choose the officer."))
    code = (code or "").strip()
    if framework is None:
        raise UserError(_("No competency framework is published yet."))
    if code not in index:
        raise UserError(_("Unknown competency code: %(code)s", code=code or "—"))
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= top:
        raise UserError(_("The level of %(code)s must be a whole number from 0 to %(max)d.",
                          code=code, max=top))
    if source not in EVIDENCE_SOURCES:
        raise UserError(_("Unknown evidence source: %(source)s", source=source))
    source_ref = (source_ref or "").strip()
    if not source_ref or len(source_ref) > 200:
        raise UserError(_("The evidence needs a reference of at most 200 characters."))
    if not isinstance(observed_on, date) or isinstance(observed_on, datetime):
        raise UserError(_("The evidence needs the date it was observed."))
    if observed_on > today():
        raise UserError(_("The date observed cannot be in the future."))
    return code, level, source_ref


def _exists(user_id: int, code: str, source: str, source_ref: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        Evidence.user_id == user_id, Evidence.competency_code == code,
        Evidence.source == source, Evidence.source_ref == source_ref))) or False


def add_evidence(user, competency_code: str, level: int, *, source: str, source_ref: str,
                 observed_on: date, recorded_by=None, framework_id=None, statement_id=None,
                 note: str = "") -> Evidence:
    """Record one piece of evidence and recompute the officer's levels and gaps.

    Validates first and raises :class:`UserError`, changing nothing, when: no framework is
    published, the code is not a competency of the published framework, the level is not a
    whole number from 0 (below level 1) to the top of the scale, the source is not one of
    ``assessment``, ``course``, ``rating``, ``import``, the reference is empty or longer than
    200 characters, the date is missing or in the future, or the same
    ``(officer, competency, source, reference)`` is already recorded (a sitting, a course or
    an import line counts once). Flushes, never commits.
    """
    facts = _framework_facts()
    code, level, source_ref = _validated(user, competency_code, level, source, source_ref,
                                         observed_on, facts)
    if _exists(user.id, code, source, source_ref):
        raise UserError(_("This evidence is already recorded: %(code)s, %(ref)s.",
                          code=code, ref=source_ref))
    evidence = Evidence(
        user_id=user.id, competency_code=code, level=level, source=source,
        source_ref=source_ref, observed_on=observed_on,
        recorded_by_id=getattr(recorded_by, "id", None),
        framework_id=framework_id if framework_id is not None else facts[0].id,
        statement_id=statement_id, note=note or "")
    db.session.add(evidence)
    db.session.flush()
    recompute_officer(user)
    return evidence


# -- deriving levels ----------------------------------------------------------------------------
def _pieces_by_code(user_ids: list[int]) -> dict[tuple[int, str], list[Piece]]:
    out: dict[tuple[int, str], list[Piece]] = defaultdict(list)
    # Core rows (no ORM identity map): the bulk rebuild reads every piece of evidence.
    rows = db.session.connection().execute(
        sa.select(Evidence.id, Evidence.user_id, Evidence.competency_code, Evidence.source,
                  Evidence.level, Evidence.observed_on).where(Evidence.user_id.in_(user_ids)))
    for eid, uid, code, source, level, observed_on in rows:
        out[(uid, code)].append(Piece(eid, source, level, observed_on))
    return out


def recompute_levels(user, *, on: date | None = None) -> list[str]:
    """Rebuild ``user``'s :class:`OfficerLevel` rows from the evidence; returns the codes
    whose level (or existence) changed. Rows whose level is unchanged keep their
    ``updated_at`` but follow the deciding evidence."""
    on = on or today()
    max_age = rating_max_age_days()
    decided = {code: decide(pieces, on=on, max_age_days=max_age)
               for (_uid, code), pieces in _pieces_by_code([user.id]).items()}
    existing = {row.competency_code: row for row in db.session.scalars(
        sa.select(OfficerLevel).where(OfficerLevel.user_id == user.id))}
    changed = []
    for code, piece in decided.items():
        row = existing.pop(code, None)
        if piece is None:
            if row is not None:
                db.session.delete(row)
                changed.append(code)
            continue
        if row is None:
            db.session.add(OfficerLevel(user_id=user.id, competency_code=code,
                                        level=piece.level, evidence_id=piece.id))
            changed.append(code)
        else:
            if row.level != piece.level:
                changed.append(code)
                row.level = piece.level
            if row.evidence_id != piece.id:
                row.evidence_id = piece.id
    for code, row in existing.items():  # evidence gone (deleted by an administrator)
        db.session.delete(row)
        changed.append(code)
    db.session.flush()
    return sorted(changed)


def recompute_officer(user) -> None:
    """Recompute ``user``'s levels from the evidence, then the gaps against the current
    position; sends :data:`~plugins.competency.signals.levels_changed` when a level changed."""
    from plugins.competency import gaps

    changed = recompute_levels(user)
    gaps.recompute_user_gaps(user)
    if changed:
        signals.levels_changed.send(user, codes=changed)


def recompute_all_levels(*, on: date | None = None, progress=None) -> int:
    """Rebuild every officer's :class:`OfficerLevel` rows from the evidence, in bulk (delete
    and insert, a chunk of officers at a time). Sends no signal: it is for the demo loader
    and for ``lms competency gaps recompute --levels``. ``progress(done, total)`` is called
    after each chunk. Returns the number of level rows written."""
    on = on or today()
    max_age = rating_max_age_days()
    user_ids = list(db.session.scalars(sa.select(Evidence.user_id).distinct()
                                       .order_by(Evidence.user_id)))
    written = 0
    now = utcnow()
    db.session.execute(sa.delete(OfficerLevel))
    step = CHUNK
    for start in range(0, len(user_ids), step):
        chunk = user_ids[start:start + step]
        rows = []
        for (uid, code), pieces in _pieces_by_code(chunk).items():
            piece = decide(pieces, on=on, max_age_days=max_age)
            if piece is not None:
                rows.append({"user_id": uid, "competency_code": code, "level": piece.level,
                             "evidence_id": piece.id, "updated_at": now})
        if rows:
            db.session.execute(OfficerLevel.__table__.insert(), rows)
        written += len(rows)
        if progress is not None:
            progress(min(start + step, len(user_ids)), len(user_ids))
    db.session.flush()
    return written


# -- expiring ratings ---------------------------------------------------------------------------
def refresh_expired_ratings(*, on: date | None = None) -> int:
    """Recompute the officers whose level was computed while one of their ratings still
    counted and that rating has since grown too old; returns how many. Run daily (job
    ``competency-expired-ratings``): a rating stops counting without any event."""
    on = on or today()
    max_age = rating_max_age_days()
    cutoff = on - timedelta(days=max_age)
    rows = db.session.execute(
        sa.select(Evidence.user_id, Evidence.competency_code, Evidence.observed_on,
                  OfficerLevel.updated_at)
        .join(OfficerLevel, sa.and_(OfficerLevel.user_id == Evidence.user_id,
                                    OfficerLevel.competency_code == Evidence.competency_code))
        .where(Evidence.source == "rating", Evidence.observed_on <= cutoff))
    stale: dict[int, set[str]] = defaultdict(set)
    for uid, code, observed_on, updated_at in rows:
        expired_on = datetime.combine(observed_on + timedelta(days=max_age), datetime.min.time())
        if updated_at is None or updated_at < expired_on:
            stale[uid].add(code)
    if not stale:
        return 0
    users = _users_by_id(list(stale))
    for uid, codes in stale.items():
        user = users.get(uid)
        if user is None:
            continue
        recompute_officer(user)
        # Mark the rows as computed now, so tomorrow's run does not pick them again.
        db.session.execute(sa.update(OfficerLevel).where(
            OfficerLevel.user_id == uid, OfficerLevel.competency_code.in_(sorted(codes)))
            .values(updated_at=utcnow()))
    db.session.flush()
    return len(stale)


def refresh_expired_ratings_job() -> None:
    """The scheduled job: :func:`refresh_expired_ratings`, then commit."""
    refresh_expired_ratings()
    db.session.commit()


def _users_by_id(ids: list[int]) -> dict:
    return identity_ops.users_by_ids(ids)


# -- receivers ----------------------------------------------------------------------------------
def _local_date(moment: datetime | None) -> date:
    if moment is None:
        return today()
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


def on_course_completed(enrolment, **kwargs) -> None:
    """A completed course is evidence of each competency its version declares, at the
    declared level, observed on the day of completion (``source_ref`` ``course:<code>``).
    Codes the published framework does not know, levels outside the scale and completions
    already recorded are skipped: completing a course never fails because of the framework."""
    facts = _framework_facts()
    framework, index, top = facts
    if framework is None:
        return
    user = enrolment.user
    observed_on = _local_date(enrolment.completed_at)
    ref = f"course:{enrolment.course.code}"
    added = False
    for declared in enrolment.version.competencies:
        code = declared.competency_code
        if code not in index or not 0 <= declared.level <= top:
            continue
        if _exists(user.id, code, "course", ref):
            continue
        db.session.add(Evidence(user_id=user.id, competency_code=code, level=declared.level,
                                source="course", source_ref=ref, observed_on=observed_on,
                                framework_id=framework.id))
        added = True
    if added:
        db.session.flush()
        recompute_officer(user)


#: (signal, receiver) pairs the plugin connects.
def on_framework_published(framework, **_kwargs) -> None:
    """A new framework version is in force: rebuild every officer's levels and gaps."""
    from plugins.competency import gaps

    recompute_all_levels()
    gaps.recompute_all()


RECEIVERS: list = [(course_signals.course_completed, on_course_completed),
                   (signals.framework_published, on_framework_published)]
#: Scheduled jobs: ratings that grew too old stop counting.
JOBS = [Job("competency.refresh_expired_ratings", refresh_expired_ratings_job, "interval",
            {"hours": 6})]
