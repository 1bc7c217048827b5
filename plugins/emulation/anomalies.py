"""Bursts and anomalies: flagged for the unit head instead of counted silently.

Two kinds, with thresholds from the rule set's ``settings.anomalies``:

- ``hours_over_day``: more verified study hours in one (local) day than
  ``max_hours_per_day`` (12). The day's hours do not count while the anomaly is ``open`` or
  ``excluded``; once ``accepted`` they count, but never more than 24 hours (a day has no
  more);
- ``completion_burst``: ``burst_completions`` (3) or more course completions within
  ``burst_minutes`` (10) minutes. Those completions do not count until accepted.

Detection runs with each scoring of a period (full or incremental), for the officers being
scored, so it sees exactly the statements the scores see: a flag whose condition no longer
holds (a statement voided) and that nobody decided yet is removed; a decision (accepted,
excluded) stays. The unit head of the officer's unit (or HR) decides; each decision is in
the audit log and marks the officer's scores for recomputation.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.identity.access import can_view_user
from plugins.emulation import audit, sources
from plugins.emulation import measures as MS
from plugins.emulation.models import Anomaly

KINDS = ("hours_over_day", "completion_burst")
STATUSES = ("open", "accepted", "excluded")
DECISIONS = ("accepted", "excluded")
KIND_LABELS = {"hours_over_day": _l("More study hours in a day than allowed"),
               "completion_burst": _l("Many courses completed within minutes")}
STATUS_LABELS = {"open": _l("to review"), "accepted": _l("accepted"),
                 "excluded": _l("excluded")}


def thresholds(settings: dict) -> tuple[float, int, float]:
    """``(max hours a day, completions of a burst, minutes of a burst)``."""
    a = (settings or {}).get("anomalies", {})
    return (float(a.get("max_hours_per_day", 12)), int(a.get("burst_completions", 3)),
            float(a.get("burst_minutes", 10)))


def _bursts(rows, n: int, minutes: float) -> dict[tuple[int, date], list[int]]:
    """``(user, day of the first completion) -> completion statement pks`` of every run of
    ``n`` or more completions within ``minutes`` minutes (overlapping runs merged)."""
    by_user: dict[int, list] = defaultdict(list)
    for pk, uid, ts, _code in rows:
        by_user[uid].append((ts, pk))
    out: dict[tuple[int, date], list[int]] = {}
    window = timedelta(minutes=minutes)
    for uid, items in by_user.items():
        items.sort()
        flagged: set[int] = set()
        j = 0
        for i in range(len(items)):
            j = max(j, i)
            while j + 1 < len(items) and items[j + 1][0] - items[i][0] <= window:
                j += 1
            if j - i + 1 >= n:
                flagged.update(range(i, j + 1))
        run: list[int] = []
        for k in sorted(flagged):
            if run and k != run[-1] + 1:
                _close_run(out, uid, items, run)
                run = []
            run.append(k)
        if run:
            _close_run(out, uid, items, run)
    return out


def _close_run(out, uid, items, run) -> None:
    day = sources.local_date(items[run[0]][0])
    out.setdefault((uid, day), []).extend(items[k][1] for k in run)


def detect(window: MS.Window, subjects: list[int]) -> None:
    """Flag the anomalies of ``subjects`` in the window's period, drop the undecided flags
    that no longer hold, and load into the window what does not count. Flushes."""
    max_hours, burst_n, burst_minutes = thresholds(window.settings)
    wanted = set(subjects)
    found: dict[tuple[int, str, date], dict] = {}
    for uid, summary in MS.study(window, subjects).items():
        for day, values in summary.over.items():
            seconds, n = values[None]
            if seconds > max_hours * 3600:
                found[(uid, "hours_over_day", day)] = {
                    "hours": round(seconds / 3600, 2), "statements": n, "threshold": max_hours}
    for (uid, day), pks in _bursts(MS.completions(window, subjects), burst_n,
                                   burst_minutes).items():
        found[(uid, "completion_burst", day)] = {
            "statements": sorted(pks), "completions": len(pks), "threshold": burst_n,
            "minutes": burst_minutes}
    existing = {}
    ids = window.query_ids(subjects)
    stmt = sa.select(Anomaly).where(Anomaly.day >= window.start, Anomaly.day <= window.end,
                                    Anomaly.kind.in_(KINDS))
    for part in ([None] if ids is None else list(sources.chunks(ids))):
        rows = db.session.scalars(stmt if part is None else stmt.where(Anomaly.user_id.in_(part)))
        for a in rows:
            if a.user_id in wanted:
                existing[(a.user_id, a.kind, a.day)] = a
    for key, a in existing.items():
        if key not in found and a.status == "open":
            db.session.delete(a)
    for key, details in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        a = existing.get(key)
        if a is None:
            db.session.add(Anomaly(user_id=key[0], kind=key[1], day=key[2], details=details))
        elif a.details != details:
            a.details = details
    db.session.flush()
    # What does not count: every flag of these officers in the period, decided or not.
    for key, details in found.items():
        a = existing.get(key)
        status = a.status if a is not None else "open"
        uid, kind, day = key
        if kind == "hours_over_day":
            target = window.accepted_days if status == "accepted" else window.excluded_days
            target.setdefault(uid, set()).add(day)
        elif status != "accepted":
            window.excluded_statements.update(details["statements"])


# -- decisions and lists --------------------------------------------------------------------------
def decide(anomaly: Anomaly, decision: str, actor, note: str = "") -> Anomaly:
    """The unit head (of the officer's unit) or HR accepts or excludes ``anomaly``; audited;
    the officer's scores of the day's open periods are recomputed by the next pass."""
    from plugins.emulation import scoring

    if decision not in DECISIONS:
        raise UserError(_("Choose accept or exclude."))
    officer = id_ops.user_by_id(anomaly.user_id)
    if actor is None or officer is None or not can_view_user(actor, officer) \
            or actor.id == officer.id:
        raise UserError(_("Only the head of the officer's unit or an HR administrator can "
                          "decide on this anomaly."))
    if anomaly.status == decision:
        return anomaly
    before = {"status": anomaly.status}
    anomaly.status = decision
    anomaly.reviewed_by_id = actor.id
    anomaly.reviewed_at = utcnow()
    db.session.flush()
    audit.record(actor, "anomaly.decide", "anomaly", anomaly.id, before,
                 {"status": decision, "kind": anomaly.kind, "day": anomaly.day,
                  "user_id": anomaly.user_id, "note": note})
    scoring.mark_dirty(anomaly.user_id, anomaly.day)
    return anomaly


def listing(user_ids: list[int] | None = None, *, status: str | None = "open",
            start: date | None = None, end: date | None = None,
            limit: int = 500) -> list[Anomaly]:
    """Anomalies, newest day first: of these officers (everyone when None), with this status
    (any when None), between two days."""
    stmt = sa.select(Anomaly).order_by(Anomaly.day.desc(), Anomaly.id.desc())
    if status:
        stmt = stmt.where(Anomaly.status == status)
    if start:
        stmt = stmt.where(Anomaly.day >= start)
    if end:
        stmt = stmt.where(Anomaly.day <= end)
    if user_ids is not None:
        if not user_ids:
            return []
        out: list[Anomaly] = []
        for part in sources.chunks(user_ids):
            out += db.session.scalars(stmt.where(Anomaly.user_id.in_(part)).limit(limit))
        out.sort(key=lambda a: (a.day, a.id), reverse=True)
        return out[:limit]
    return list(db.session.scalars(stmt.limit(limit)))
