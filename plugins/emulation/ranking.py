"""Fair rankings of units (and officers) for each scoring period.

Units of 15 and of 1,500 officers are compared through the figures below, computed by
:func:`rank_period` after every computation of a period's scores (``scoring.py`` calls it)
and stored on the units' :class:`Score` rows. docs/emulation-rankings.md explains each
choice with an example.

- **members** (*n*): the officers the unit's scores count in the period (the officers assigned
  on the period's last day in the unit or below it, see ``scoring.members_by_unit``; a unit
  formed after the period by a merge or split counts its predecessors' officers).
- **per-capita** (*x̄*): the mean of the members' own totals (``Score(subject="user")``),
  on the same 100-point scale as an officer's score. It is not the unit's own total divided
  by its members: the unit's own indicators (participation rate, share meeting the profile…)
  are already rates, shown beside it as the unit's own total.
- **adjusted**: a Bayesian average that pulls small units toward the mean of their group,
  ``adjusted = (m·C + n·x̄) / (m + n)``, where ``m`` is the prior strength in officers (the
  ``shrinkage_prior`` setting of the rules that scored the period, 30 by default: a unit of
  30 officers is pulled halfway) and ``C`` the group's mean: the mean total of the officers of
  the cluster's units (each officer once). A cluster of fewer than two ranked units, and the
  "unclustered" group, use the organisation's mean (every officer scored in the period).
- **rank**: within the unit's emulation cluster (:class:`Cluster`; units in no cluster form
  one "unclustered" group), by adjusted score, highest first. **Ties share a rank**: scores
  equal when rounded to 2 decimals get the same rank and the next rank skips (competition
  ranking 1, 2, 2, 4); tied units are listed by code. Officers are ranked the same way by
  their total within the unit they held at the end of the period.
- **funnel plot**: for each unit ``(n, x̄)`` against the group's mean ``C`` with control
  limits ``C ± 2σ/√n`` (95 %) and ``C ± 3σ/√n`` (99.8 %), ``σ`` being the standard deviation
  (sample, n − 1) of the officers' totals of the group. A unit outside the limits is flagged:
  its distance from the mean is unlikely to be chance alone. Raw per-capita scores are
  plotted (the funnel shows the noise that the shrinkage corrects for).

Phases and the whole campaign are not scored separately: their figures are the **means of
the yearly figures** (:func:`selection_periods`) over the years of the selection that have
begun and in which the subject was scored; units are re-ranked on the mean adjusted score
with the same tie rule.

History follows the unit tree: a unit created after a period by a merge or split (a regional
branch of 2025, for 2024) has that period's standing computed from the officers of its
predecessor units (:func:`history`, :func:`basis_of`), and the pages say so.

**Cluster changes off the request path.** When HR changes the units of a cluster, the
operation records the change and a new *clusters version* (the plugin setting
``clusters_changed``: a token and the time), nothing more; each period's ranking keeps the
token of the clusters it was ranked with (in ``ranked:<period id>``), so an open period ranked
with an older token is *stale* (:func:`stale_periods`). The scheduled job
:func:`rerank_job` (every minute, :data:`JOBS`) or ``lms emulation rerank`` ranks the stale
periods again; until then the pages show the last ranking and say it is being updated.
**Frozen periods keep their ranking**: a frozen period is never stale, and ranking it again
(after a correction) keeps the clusters stored on its rows, the clusters as they were when it
was frozen; a cluster that ranked units of a frozen period cannot be deleted.

The pages read stored figures only: besides the ranking figures, :func:`rank_period` keeps
each unit's officers' points per emulation content (``trends:<period id>``) for
:func:`content_trends`.
"""

from __future__ import annotations

import math
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation import queries as org
from lms_core.plugins import Job
from plugins.emulation import audit, campaign, rules
from plugins.emulation import measures as MS
from plugins.emulation.models import Cluster, ClusterUnit, Criterion, Period, Score, ScoreLine
from plugins.emulation.models import Setting as SettingRow

#: Decimals on which scores are compared for ranks (the tie rule).
TIE_DECIMALS = 2
#: Default prior strength of the shrinkage, in officers (rules setting ``shrinkage_prior``).
DEFAULT_PRIOR = 30.0
#: The funnel plot's control limits, in standard errors: warning (95 %) and alarm (99.8 %).
Z_WARNING = 2.0
Z_ALARM = 3.0
#: The scale of the scores (the funnel's curves are drawn within 0 and this).
SCALE = 100.0
#: Key of the "unclustered" group.
UNCLUSTERED = "none"
#: The plugin setting HR toggles: officers see others' scores when on.
PUBLIC_LEADERBOARDS = "public_leaderboards"
#: The plugin setting holding the clusters version: ``{"token", "at"}`` of the last change.
CLUSTERS_CHANGED = "clusters_changed"


# -- small pure functions (documented and tested with exact numbers) ------------------------------
def rounded(value: float | None) -> float | None:
    return None if value is None else MS.rounded(value)


def tie_key(value: float | None) -> float:
    """The value ranks compare: rounded to :data:`TIE_DECIMALS` (None ranks last)."""
    return -math.inf if value is None else round(float(value), TIE_DECIMALS)


def competition_ranks(items: Iterable[tuple[object, float | None]]) -> dict[object, int]:
    """``key -> rank`` for ``(key, score)`` pairs, highest first; scores equal to 2 decimals
    share a rank and the next rank skips (1, 2, 2, 4). Keys with no score get no rank."""
    values = [(k, tie_key(v)) for k, v in items if v is not None]
    ordered = sorted((v for _k, v in values), reverse=True)
    first: dict[float, int] = {}
    for i, v in enumerate(ordered):
        first.setdefault(v, i + 1)
    return {k: first[v] for k, v in values}


def shrink(per_capita: float, members: int, prior_mean: float, prior: float) -> float:
    """The Bayesian average ``(m·C + n·x̄) / (m + n)``."""
    if prior + members <= 0:
        return prior_mean
    return (prior * prior_mean + members * per_capita) / (prior + members)


def mean_sd(values: list[float]) -> tuple[float | None, float]:
    """Mean and sample standard deviation (0 with fewer than two values)."""
    n = len(values)
    if n == 0:
        return None, 0.0
    mean = math.fsum(values) / n
    if n < 2:
        return mean, 0.0
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))


def funnel_limits(mean: float, sd: float, members: int, z: float) -> tuple[float, float]:
    """``(lower, upper)`` control limits ``mean ∓ z·σ/√n`` for a unit of ``members``."""
    if members <= 0:
        return mean, mean
    half = z * sd / math.sqrt(members)
    return mean - half, mean + half


def funnel_flag(value: float | None, mean: float | None, sd: float, members: int) -> str:
    """``high3``/``high2`` above the 3σ/2σ limit, ``low3``/``low2`` below, else ``within``."""
    if value is None or mean is None or members <= 0 or sd <= 0:
        return "within"
    for z, tag in ((Z_ALARM, "3"), (Z_WARNING, "2")):
        lo, hi = funnel_limits(mean, sd, members, z)
        if value > hi + 1e-9:
            return "high" + tag
        if value < lo - 1e-9:
            return "low" + tag
    return "within"


# -- clusters -------------------------------------------------------------------------------------
def clusters() -> list[Cluster]:
    return list(db.session.scalars(sa.select(Cluster).order_by(Cluster.code)))


def cluster_map() -> dict[int, int]:
    """``unit id -> cluster id``."""
    return {u: c for c, u in db.session.execute(
        sa.select(ClusterUnit.cluster_id, ClusterUnit.unit_id))}


def cluster_units(cluster: Cluster) -> list[int]:
    return list(db.session.scalars(sa.select(ClusterUnit.unit_id)
                                   .where(ClusterUnit.cluster_id == cluster.id)))


def group_key(cluster_id: int | None) -> str:
    return UNCLUSTERED if cluster_id is None else f"c{cluster_id}"


# -- settings -------------------------------------------------------------------------------------
def prior_strength(period: Period) -> float:
    """``shrinkage_prior`` of the rules that scored the period (or the phase's active ones)."""
    from plugins.emulation import scoring

    rule_set = scoring.rules_for(period)
    settings = rules.merged_settings(rule_set.settings if rule_set is not None else {})
    try:
        value = float(settings.get("shrinkage_prior", DEFAULT_PRIOR))
    except (TypeError, ValueError):
        value = DEFAULT_PRIOR
    return value if value >= 0 and math.isfinite(value) else DEFAULT_PRIOR


def public_leaderboards() -> bool:
    """Whether officers see others' scores: HR's setting on the settings page; until HR sets
    it, the ``public_leaderboards`` setting of the current phase's active rules."""
    row = db.session.get(SettingRow, PUBLIC_LEADERBOARDS)
    if row is not None:
        return bool(row.value)
    phase = campaign.current_phase()
    if phase is None or phase.id is None:
        return False
    return bool(rules.settings_for(phase).get("public_leaderboards", False))


def set_public_leaderboards(value: bool, actor) -> bool:
    """HR turns public leaderboards on or off; audited. Flushes."""
    value = bool(value)
    before = public_leaderboards()
    row = db.session.get(SettingRow, PUBLIC_LEADERBOARDS)
    if row is None:
        db.session.add(SettingRow(key=PUBLIC_LEADERBOARDS, value=value))
    else:
        row.value = value
    db.session.flush()
    if before != value:
        audit.record(actor, "settings.change", "setting", PUBLIC_LEADERBOARDS,
                     {"value": before}, {"value": value})
    return value


# -- ranking a period -----------------------------------------------------------------------------
def _stats_key(period: Period) -> str:
    return f"ranked:{period.id}"


def _trends_key(period: Period) -> str:
    return f"trends:{period.id}"


def _put_setting(key: str, value) -> None:
    row = db.session.get(SettingRow, key)
    if row is None:
        db.session.add(SettingRow(key=key, value=value))
    else:
        row.value = value


@dataclass
class GroupStats:
    """The reference of a group (a cluster, the unclustered units): the officers' mean total
    ``mean`` and standard deviation ``sd`` over ``officers``; ``basis`` says whether they are
    the cluster's own or the organisation's."""

    mean: float | None
    sd: float
    officers: int
    units: int = 0
    basis: str = "organisation"

    def as_dict(self) -> dict:
        return {"mean": rounded(self.mean), "sd": rounded(self.sd), "officers": self.officers,
                "units": self.units, "basis": self.basis}

    @classmethod
    def of(cls, data: dict | None) -> GroupStats:
        data = data or {}
        return cls(data.get("mean"), float(data.get("sd") or 0.0), int(data.get("officers") or 0),
                   int(data.get("units") or 0), data.get("basis") or "organisation")


@dataclass
class RankResult:
    period: str
    units: int = 0
    officers: int = 0
    updated: int = 0
    prior: float = DEFAULT_PRIOR
    groups: dict[str, GroupStats] = field(default_factory=dict)
    seconds: float = 0.0


def _content_sums(period: Period, officers: dict[int | None, int]) -> dict:
    """What :func:`content_trends` reads for ``period``: for each unit, the officers whose
    unit at the end of the period it is (``officers``: unit id -> count) and the sum of their
    points per emulation content (top group code). One aggregate over the period's lines."""
    sums: dict[int, dict[str, float]] = defaultdict(dict)
    for unit_id, code, pts in db.session.execute(
            sa.select(Score.unit_id, Criterion.code, sa.func.sum(ScoreLine.points))
            .join(Criterion, Criterion.id == ScoreLine.criterion_id)
            .join(Score, sa.and_(Score.period_id == ScoreLine.period_id,
                                 Score.subject == ScoreLine.subject,
                                 Score.subject_id == ScoreLine.subject_id))
            .where(ScoreLine.period_id == period.id, ScoreLine.subject == "user",
                   Criterion.parent_id.is_(None), Criterion.kind == "group")
            .group_by(Score.unit_id, Criterion.code)):
        if unit_id is not None:
            sums[unit_id][code] = float(pts or 0.0)
    return {"units": {str(u): {"n": n, "points": sums.get(u, {})}
                      for u, n in sorted(officers.items()) if u is not None}}


def rank_period(period: Period) -> RankResult:
    """Fill the fair-ranking figures of every unit scored in ``period`` (members, per-capita,
    adjusted, cluster, rank in the cluster) and the officers' ranks within their unit, and
    keep each group's reference (mean, σ) for the funnel plots and the units' points per
    content for the trends. Writes only the score rows that changed. Flushes.

    An open period is ranked within today's clusters, and keeps the clusters version it was
    ranked with (it is stale once HR changes the clusters again). A frozen period keeps the
    clusters stored on its rows (those it was frozen with): a correction ranks it again
    within them, and no change of the clusters touches it."""
    from plugins.emulation import scoring

    began = time.perf_counter()
    prior = prior_strength(period)
    result = RankResult(period.label, prior=prior)
    users: dict[int, tuple[float, int | None, int | None]] = {}
    for uid, total, unit_id, rank in db.session.execute(
            sa.select(Score.subject_id, Score.total, Score.unit_id, Score.rank)
            .where(Score.period_id == period.id, Score.subject == "user")):
        users[uid] = (float(total or 0.0), unit_id, rank)
    units = {row[0]: row[1:] for row in db.session.execute(
        sa.select(Score.subject_id, Score.members, Score.per_capita, Score.adjusted,
                  Score.cluster_id, Score.rank)
        .where(Score.period_id == period.id, Score.subject == "unit"))}
    members = scoring.members_by_unit(period) if units else {}
    if period.frozen_at is not None:
        token = None
        cmap = {unit_id: row[3] for unit_id, row in units.items() if row[3] is not None}
    else:
        # The version first, then the clusters: a change committed in between leaves the
        # period stale (ranked once more), never marked fresh with older clusters.
        token = (clusters_version() or {}).get("token")
        cmap = cluster_map()

    # Per-capita of each unit, over the members that have a score.
    scored: dict[int, list[int]] = {}
    per_capita: dict[int, float | None] = {}
    for unit_id in units:
        ids = [u for u in members.get(unit_id, ()) if u in users]
        scored[unit_id] = ids
        per_capita[unit_id] = (rounded(math.fsum(users[u][0] for u in ids) / len(ids))
                               if ids else None)

    # The groups' references.
    org_mean, org_sd = mean_sd([t for t, _u, _r in users.values()])
    organisation = GroupStats(org_mean, org_sd, len(users), 0, "organisation")
    by_group: dict[str, list[int]] = defaultdict(list)
    for unit_id in units:
        by_group[group_key(cmap.get(unit_id))].append(unit_id)
    groups: dict[str, GroupStats] = {}
    for key, unit_ids in by_group.items():
        ranked = [u for u in unit_ids if per_capita[u] is not None]
        if key != UNCLUSTERED and len(ranked) >= 2:
            officers = sorted({uid for u in ranked for uid in scored[u]})
            mean, sd = mean_sd([users[uid][0] for uid in officers])
            groups[key] = GroupStats(mean, sd, len(officers), len(ranked), "cluster")
        else:
            groups[key] = GroupStats(org_mean, org_sd, len(users), len(ranked), "organisation")

    # Adjusted scores and ranks within each group.
    adjusted: dict[int, float | None] = {}
    ranks: dict[int, int] = {}
    for key, unit_ids in by_group.items():
        reference = groups[key].mean
        for unit_id in unit_ids:
            x = per_capita[unit_id]
            adjusted[unit_id] = (None if x is None or reference is None
                                 else rounded(shrink(x, len(scored[unit_id]), reference, prior)))
        ranks.update(competition_ranks((u, adjusted[u]) for u in unit_ids))
    unit_updates = []
    for unit_id, (old_members, old_pc, old_adj, old_cluster, old_rank) in units.items():
        new = {"members": len(scored[unit_id]), "per_capita": per_capita[unit_id],
               "adjusted": adjusted[unit_id], "cluster_id": cmap.get(unit_id),
               "rank": ranks.get(unit_id)}
        if (old_members, old_pc, old_adj, old_cluster, old_rank) != tuple(new.values()):
            unit_updates.append({"period_id": period.id, "subject": "unit",
                                 "subject_id": unit_id, **new})

    # Officers within the unit they held at the end of the period.
    by_unit: dict[int | None, list[int]] = defaultdict(list)
    for uid, (_t, unit_id, _r) in users.items():
        by_unit[unit_id].append(uid)
    user_updates = []
    for uids in by_unit.values():
        for uid, rank in competition_ranks((u, users[u][0]) for u in uids).items():
            if users[uid][2] != rank:
                user_updates.append({"period_id": period.id, "subject": "user",
                                     "subject_id": uid, "rank": rank})
    for rows in (unit_updates, user_updates):
        for i in range(0, len(rows), 5000):
            db.session.execute(sa.update(Score), rows[i:i + 5000])

    stats = {"prior": prior, "at": utcnow().isoformat(timespec="seconds"),
             "clusters": token, "units": len(units),
             "organisation": organisation.as_dict(),
             "groups": {k: g.as_dict() for k, g in sorted(groups.items())}}
    _put_setting(_stats_key(period), stats)
    _put_setting(_trends_key(period), _content_sums(
        period, {u: len(ids) for u, ids in by_unit.items()}))
    db.session.flush()
    result.units, result.officers = len(units), len(users)
    result.updated = len(unit_updates) + len(user_updates)
    result.groups = groups
    result.seconds = time.perf_counter() - began
    return result


def rerank_all() -> list[RankResult]:
    """Rank again every period that has scores. Open periods follow today's clusters; frozen
    ones keep theirs (their figures change only if a correction changed their scores).
    Slow at full scale (every period): cluster changes use :func:`stale_periods` instead."""
    ids = set(db.session.scalars(sa.select(Score.period_id).distinct()))
    return [rank_period(p) for p in campaign.periods() if p.id in ids]


def period_stats(period: Period) -> dict:
    """What :func:`rank_period` kept: ``{"prior", "organisation", "groups": {key: ...}}``."""
    row = db.session.get(SettingRow, _stats_key(period))
    return row.value if row is not None and isinstance(row.value, dict) else {}


# -- stale rankings (after a change of the clusters) ----------------------------------------------
def clusters_version() -> dict | None:
    """``{"token", "at"}`` of the last change of the clusters' units (None: never changed
    through :func:`create_cluster`, :func:`update_cluster` or :func:`delete_cluster`)."""
    row = db.session.get(SettingRow, CLUSTERS_CHANGED)
    return row.value if row is not None and isinstance(row.value, dict) else None


def _clusters_changed() -> None:
    """Record a new clusters version: every open period ranked before is stale. Flushes."""
    _put_setting(CLUSTERS_CHANGED, {"token": uuid.uuid4().hex,
                                    "at": utcnow().isoformat(timespec="seconds")})
    db.session.flush()


def _period_order(period: Period) -> tuple:
    return (period.start, period.kind != "year")


def stale_periods(periods: Iterable[Period] | None = None) -> list[Period]:
    """The open periods (of ``periods``; all when None) whose ranking predates the last
    change of the clusters, oldest first. Frozen periods are never stale. Two small reads."""
    version = clusters_version()
    if not version:
        return []
    token = version.get("token")
    candidates = {_stats_key(p): p for p in (campaign.periods() if periods is None else periods)
                  if p.frozen_at is None}
    if not candidates:
        return []
    out = []
    for row in db.session.scalars(sa.select(SettingRow)
                                  .where(SettingRow.key.in_(sorted(candidates)))):
        value = row.value if isinstance(row.value, dict) else {}
        # Rankings kept before the clusters version existed count as ranked with none.
        if value.get("units", 1) and value.get("clusters") != token:
            out.append(candidates[row.key])
    return sorted(out, key=_period_order)


@dataclass
class StaleNotice:
    """What the pages say while a ranking they show waits for the job: since when."""

    at: datetime  #: the change of the clusters, naive UTC
    periods: list[Period]


def stale_notice(periods: Iterable[Period]) -> StaleNotice | None:
    """The notice of the pages showing rankings of ``periods`` (None among them is skipped)
    while some wait for the job; None when none does."""
    stale = stale_periods([p for p in periods if p is not None])
    if not stale:
        return None
    try:
        at = datetime.fromisoformat(str((clusters_version() or {}).get("at")))
    except ValueError:
        at = utcnow()
    return StaleNotice(at, stale)


def rank_stale() -> list[RankResult]:
    """Rank again every stale period (see :func:`stale_periods`). Flushes."""
    return [rank_period(p) for p in stale_periods()]


def rerank_job() -> None:
    """Scheduled every minute: rank again the stale periods, each committed on its own so
    that the database is not held for the whole pass and pages turn fresh one by one.
    Idempotent; nearly free when nothing is stale (one read)."""
    if clusters_version() is None:
        return
    for period in stale_periods():
        rank_period(period)
        db.session.commit()


#: Scheduled jobs (lms_core.plugins.Job), added to scoring's by plugin.py.
JOBS: list = [Job("emulation.rerank_stale", rerank_job, "interval", {"minutes": 1})]


# -- selections: a period, a phase, the campaign --------------------------------------------------
@dataclass
class Selection:
    """What the pages show: one period (``year``/``quarter``) or the years of a phase or of
    the campaign (``phase``/``campaign``), whose figures are the means of the years'."""

    key: str  #: ``2025``, ``2025-Q3``, ``phase-1``, ``campaign``
    kind: str
    periods: list[Period]
    phase_number: int | None = None

    @property
    def period(self) -> Period | None:
        return self.periods[0] if self.kind in ("year", "quarter") and self.periods else None

    @property
    def single(self) -> bool:
        return self.kind in ("year", "quarter")

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Year %(year)s", year=self.periods[0].label)
        if self.kind == "quarter":
            year, q = self.periods[0].label.split("-Q")
            return _("Quarter %(q)s/%(year)s", q=q, year=year)
        if self.kind == "phase":
            return _("Phase %(n)d (mean of its years)", n=self.phase_number)
        return _("Whole campaign (mean of its years)")


def period_name(period: Period) -> str:
    """``year 2024``, ``quarter 3/2024`` (to use inside a sentence)."""
    if period.kind == "quarter":
        year, q = period.label.split("-Q")
        return _("quarter %(q)s/%(year)s", q=q, year=year)
    return _("year %(year)s", year=period.label)


def _begun_years(today: date | None = None) -> list[Period]:
    today = today or campaign._today()
    return [p for p in campaign.periods("year") if p.start <= today]


def selection_periods(key: str | None, *, today: date | None = None) -> Selection | None:
    """The selection named ``key`` (``2025``, ``2025-Q3``, ``phase-1``, ``campaign``); the
    current year when ``key`` is empty (else the latest year begun). None when the campaign
    has no such period. Raises :class:`UserError` for a key that names nothing."""
    key = (key or "").strip()
    years = _begun_years(today)
    if not key:
        current = campaign.current_period("year", today=today)
        if current is None and years:
            current = years[-1]
        if current is None:
            return None
        return Selection(current.label, "year", [current])
    if key == "campaign":
        return Selection(key, "campaign", years)
    if key.startswith("phase-"):
        try:
            number = int(key.split("-", 1)[1])
            phase = campaign.phase_row(number)
        except (ValueError, UserError):
            raise UserError(_("There is no phase %(key)s.", key=key[6:])) from None
        return Selection(key, "phase", [p for p in years if p.phase_id == phase.id],
                         phase_number=number)
    period = campaign.period_by_label(key)
    return Selection(period.label, period.kind, [period])


def selection_choices(today: date | None = None) -> list[tuple[str, str]]:
    """``(key, label)`` of the selector: years and quarters begun, the phases, the campaign."""
    today = today or campaign._today()
    out = []
    for p in campaign.periods():
        if p.start > today:
            continue
        if p.kind == "year":
            out.append((p.label, _("Year %(year)s", year=p.label)))
        else:
            year, q = p.label.split("-Q")
            out.append((p.label, "    " + _("Quarter %(q)s/%(year)s", q=q, year=year)))
    for phase in campaign.phase_rows():
        if phase.start <= today:
            out.append((f"phase-{phase.number}",
                        _("Phase %(n)d (mean of its years)", n=phase.number)))
    if out:
        out.append(("campaign", _("Whole campaign (mean of its years)")))
    return out


# -- reading standings ----------------------------------------------------------------------------
@dataclass
class Standing:
    """A unit's fair-ranking figures in a selection."""

    unit_id: int
    cluster_id: int | None
    members: float
    per_capita: float | None
    adjusted: float | None
    rank: int | None
    total: float  #: the unit's own indicators (participation rate, ...)
    years: int = 1  #: periods averaged
    group_size: int = 0
    flag: str = "within"
    limits: tuple[float, float, float, float] | None = None  #: lo3, lo2, hi2, hi3


def standings(selection: Selection) -> list[Standing]:
    """Every unit ranked in the selection, by group then rank then unit id. For a single
    period the stored figures; for a phase or the campaign the means of the years, ranked
    again on the mean adjusted score within the clusters stored for the selection's latest
    year (today's clusters once that year is ranked again; a frozen year's own)."""
    if not selection.periods:
        return []
    ids = [p.id for p in selection.periods]
    order = {p.id: i for i, p in enumerate(selection.periods)}
    rows: dict[int, list] = defaultdict(list)
    for r in db.session.execute(
            sa.select(Score.subject_id, Score.cluster_id, Score.members, Score.per_capita,
                      Score.adjusted, Score.rank, Score.total, Score.period_id)
            .where(Score.period_id.in_(ids), Score.subject == "unit")):
        rows[r[0]].append(r)
    out: list[Standing] = []
    if selection.single:
        for unit_id, (r,) in rows.items():
            out.append(Standing(unit_id, r.cluster_id, r.members or 0, r.per_capita,
                                r.adjusted, r.rank, r.total or 0.0))
    else:
        def avg(values):
            values = [v for v in values if v is not None]
            return rounded(math.fsum(values) / len(values)) if values else None

        for unit_id, rs in rows.items():
            latest = max(rs, key=lambda r: order[r.period_id])
            out.append(Standing(unit_id, latest.cluster_id, avg([r.members for r in rs]) or 0,
                                avg([r.per_capita for r in rs]), avg([r.adjusted for r in rs]),
                                None, avg([r.total for r in rs]) or 0.0, len(rs)))
        by_group: dict[int | None, list[Standing]] = defaultdict(list)
        for s in out:
            by_group[s.cluster_id].append(s)
        for items in by_group.values():
            ranks = competition_ranks((s.unit_id, s.adjusted) for s in items)
            for s in items:
                s.rank = ranks.get(s.unit_id)
    sizes: dict[int | None, int] = defaultdict(int)
    for s in out:
        if s.rank is not None:
            sizes[s.cluster_id] += 1
    stats = group_stats(selection)
    for s in out:
        s.group_size = sizes[s.cluster_id]
        ref = stats.get(group_key(s.cluster_id))
        if ref is not None and ref.mean is not None and s.members:
            n = max(1, round(s.members))
            s.flag = funnel_flag(s.per_capita, ref.mean, ref.sd, n)
            lo3, hi3 = funnel_limits(ref.mean, ref.sd, n, Z_ALARM)
            lo2, hi2 = funnel_limits(ref.mean, ref.sd, n, Z_WARNING)
            s.limits = tuple(rounded(min(max(v, 0.0), SCALE)) for v in (lo3, lo2, hi2, hi3))
    out.sort(key=lambda s: (s.cluster_id is None, s.cluster_id or 0,
                            s.rank if s.rank is not None else 10**9, s.unit_id))
    return out


def group_stats(selection: Selection) -> dict[str, GroupStats]:
    """The groups' references (mean, σ) for the selection's funnel plots: a period's stored
    ones; for a phase or the campaign, the means of the years' (an approximation: treat its
    flags as indicative). Includes ``"organisation"``."""
    per_key: dict[str, list[GroupStats]] = defaultdict(list)
    for period in selection.periods:
        stats = period_stats(period)
        if not stats:
            continue
        per_key["organisation"].append(GroupStats.of(stats.get("organisation")))
        for key, data in (stats.get("groups") or {}).items():
            per_key[key].append(GroupStats.of(data))
    out = {}
    for key, items in per_key.items():
        means = [g.mean for g in items if g.mean is not None]
        out[key] = GroupStats(rounded(math.fsum(means) / len(means)) if means else None,
                              rounded(math.fsum(g.sd for g in items) / len(items)) or 0.0,
                              round(math.fsum(g.officers for g in items) / len(items)),
                              items[-1].units, items[-1].basis)
    return out


@dataclass
class Funnel:
    """A funnel plot: the points (units) and the limit curves over the members' range."""

    key: str
    mean: float | None
    sd: float
    basis: str
    points: list[Standing]
    curve: list[tuple[int, float, float, float, float]]  #: n, lo3, lo2, hi2, hi3

    @property
    def flagged(self) -> list[Standing]:
        return [s for s in self.points if s.flag != "within"]


def funnel(items: list[Standing], stats: GroupStats | None, key: str = "") -> Funnel | None:
    """The funnel plot of ``items`` against ``stats`` (None when there is nothing to plot)."""
    points = [s for s in items if s.per_capita is not None and s.members]
    if not points or stats is None or stats.mean is None:
        return None
    low = max(1, int(min(s.members for s in points)))
    high = max(low + 1, int(math.ceil(max(s.members for s in points))))
    steps = 24
    ns = sorted({max(1, round(low * (high / low) ** (i / steps))) for i in range(steps + 1)})
    curve = []
    for n in ns:
        lo3, hi3 = funnel_limits(stats.mean, stats.sd, n, Z_ALARM)
        lo2, hi2 = funnel_limits(stats.mean, stats.sd, n, Z_WARNING)
        # Scores lie between 0 and 100: the curves are drawn within that range.
        curve.append((n, *(rounded(min(max(v, 0.0), SCALE)) for v in (lo3, lo2, hi2, hi3))))
    return Funnel(key, stats.mean, stats.sd, stats.basis, points, curve)


def organisation_funnel(selection: Selection, items: list[Standing]) -> Funnel | None:
    """Every ranked unit against the organisation's mean."""
    stats = group_stats(selection).get("organisation")
    if stats is None:
        return None
    copies = []
    for s in items:
        c = Standing(**{**s.__dict__})
        n = max(1, round(s.members or 0))
        c.flag = funnel_flag(s.per_capita, stats.mean, stats.sd, n)
        copies.append(c)
    return funnel(copies, stats, "organisation")


# -- officers -------------------------------------------------------------------------------------
@dataclass
class OfficerStanding:
    user_id: int
    unit_id: int | None
    total: float
    rank: int | None = None
    years: int = 1


def officer_scores(selection: Selection, user_ids: Iterable[int] | None = None,
                   unit_ids: Iterable[int] | None = None) -> dict[int, OfficerStanding]:
    """The officers' totals in the selection (the means of the years for a phase or the
    campaign), restricted to ``user_ids`` and/or to the officers whose unit at the end of a
    period is in ``unit_ids`` (for that period). Both filters run in the database (the
    index on period and unit): a team's page reads its officers' rows, not everyone's."""
    if not selection.periods:
        return {}
    stmt = (sa.select(Score.subject_id, Score.unit_id, Score.total, Score.rank, Score.period_id)
            .where(Score.period_id.in_([p.id for p in selection.periods]),
                   Score.subject == "user"))
    parts: list = [None]
    if user_ids is not None:
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        parts = [Score.subject_id.in_(ids[i:i + 5000]) for i in range(0, len(ids), 5000)]
    if unit_ids is not None:
        units = sorted({u for u in unit_ids if u is not None})
        if not units:
            return {}
        by_unit = [Score.unit_id.in_(units[i:i + 5000]) for i in range(0, len(units), 5000)]
        parts = [u if p is None else sa.and_(p, u) for p in parts for u in by_unit]
    found: dict[int, list] = defaultdict(list)
    for part in parts:
        for uid, unit_id, total, rank, pid in db.session.execute(
                stmt if part is None else stmt.where(part)):
            found[uid].append((pid, unit_id, float(total or 0.0), rank))
    order = {p.id: i for i, p in enumerate(selection.periods)}
    out = {}
    for uid, items in found.items():
        items.sort(key=lambda r: order[r[0]])
        if selection.single:
            _pid, unit_id, total, rank = items[0]
            out[uid] = OfficerStanding(uid, unit_id, total, rank)
        else:
            out[uid] = OfficerStanding(uid, items[-1][1],
                                       rounded(math.fsum(r[2] for r in items) / len(items)),
                                       None, len(items))
    return out


def rank_officers(items: Iterable[OfficerStanding]) -> list[OfficerStanding]:
    """``items`` ranked among themselves (the tie rule), best first, as new objects."""
    items = list(items)
    ranks = competition_ranks((s.user_id, s.total) for s in items)
    out = [OfficerStanding(s.user_id, s.unit_id, s.total, ranks.get(s.user_id), s.years)
           for s in items]
    out.sort(key=lambda s: (s.rank or 10**9, s.user_id))
    return out


def officer_rank(user_id: int, period: Period) -> tuple[int | None, int, int | None]:
    """``(rank, officers ranked, unit id)`` of the officer within their unit in ``period``."""
    row = db.session.execute(sa.select(Score.rank, Score.unit_id).where(
        Score.period_id == period.id, Score.subject == "user",
        Score.subject_id == user_id)).first()
    if row is None:
        return None, 0, None
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Score).where(
        Score.period_id == period.id, Score.subject == "user", Score.unit_id == row.unit_id))
    return row.rank, int(count or 0), row.unit_id


# -- history through the unit tree ----------------------------------------------------------------
def _existed_at(unit, day: date) -> bool:
    return unit.established_on <= day and (unit.dissolved_on is None or unit.dissolved_on > day)


def basis_of(unit, period: Period) -> list:
    """The predecessor units whose officers stand for ``unit`` in ``period`` (the unit was
    formed after the period by a merge or split), by code; empty when the unit stands for
    itself."""
    if unit.established_on <= period.end:
        return []
    preds = {u.id: u for _event, u in org.predecessors(unit) if _existed_at(u, period.end)}
    return sorted(preds.values(), key=lambda u: u.code)


def scope_ids(unit, period: Period, today: date | None = None) -> set[int]:
    """The units whose officers count for ``unit`` in ``period``: its subtree as the tree
    stood at the period's end (or on its last day, or today for a period in progress), or
    its predecessors' subtrees when it was formed after the period."""
    today = today or campaign._today()
    basis = basis_of(unit, period)
    if basis:
        out: set[int] = set()
        for u in basis:
            out |= org.subtree_ids(u.id, on=period.end)
        return out
    day = min(period.end, today)
    if unit.dissolved_on is not None and unit.dissolved_on <= day:
        day = unit.dissolved_on - timedelta(days=1)
    if day < unit.established_on:
        day = unit.established_on
    return org.subtree_ids(unit.id, on=day)


@dataclass
class HistoryRow:
    period: Period
    score: Score | None
    basis: list  #: predecessor units the figures are those of (empty: the unit's own)
    group_size: int = 0


def history(unit, periods: Iterable[Period]) -> list[HistoryRow]:
    """The unit's standing in each period, with the predecessor units whose officers it
    stands for in periods before it existed."""
    periods = list(periods)
    if not periods:
        return []
    ids = [p.id for p in periods]
    scores = {s.period_id: s for s in db.session.scalars(sa.select(Score).where(
        Score.period_id.in_(ids), Score.subject == "unit", Score.subject_id == unit.id))}
    sizes: dict[tuple[int, int | None], int] = {}
    for pid, cid, n in db.session.execute(
            sa.select(Score.period_id, Score.cluster_id, sa.func.count())
            .where(Score.period_id.in_(ids), Score.subject == "unit", Score.rank.is_not(None))
            .group_by(Score.period_id, Score.cluster_id)):
        sizes[(pid, cid)] = n
    out = []
    for p in periods:
        s = scores.get(p.id)
        out.append(HistoryRow(p, s, basis_of(unit, p),
                              sizes.get((p.id, s.cluster_id), 0) if s is not None else 0))
    return out


@dataclass
class Trend:
    """Per content (top group code): the officers' mean points in each period."""

    codes: list[str]
    names: dict[str, Criterion]
    values: dict[str, list[float | None]]  #: code -> one value per period
    periods: list[Period]
    officers: list[int]


def _live_content_sums(period: Period, scope: list[int]) -> tuple[int, dict[str, float]]:
    """The officers of ``scope`` and their points per content, read from the lines: for a
    period ranked before the figures were kept (:func:`rank_period` keeps them)."""
    n = 0
    sums: dict[str, float] = defaultdict(float)
    for part in (scope[j:j + 5000] for j in range(0, len(scope), 5000)):
        n += db.session.scalar(sa.select(sa.func.count()).select_from(Score).where(
            Score.period_id == period.id, Score.subject == "user",
            Score.unit_id.in_(part))) or 0
        for code, pts in db.session.execute(
                sa.select(Criterion.code, sa.func.sum(ScoreLine.points))
                .join(Criterion, Criterion.id == ScoreLine.criterion_id)
                .join(Score, sa.and_(Score.period_id == ScoreLine.period_id,
                                     Score.subject == ScoreLine.subject,
                                     Score.subject_id == ScoreLine.subject_id))
                .where(ScoreLine.period_id == period.id, ScoreLine.subject == "user",
                       Criterion.parent_id.is_(None), Criterion.kind == "group",
                       Score.unit_id.in_(part))
                .group_by(Criterion.code)):
            sums[code] += float(pts or 0.0)
    return n, sums


def content_trends(unit, periods: Iterable[Period]) -> Trend:
    """The mean points per emulation content of the officers counted for ``unit`` in each
    period (its scope, :func:`scope_ids`; officers with no points in a content count 0).
    Reads the per-unit sums :func:`rank_period` kept (a few hundred numbers), not the lines."""
    from plugins.emulation import scoring

    periods = list(periods)
    names: dict[str, Criterion] = {}
    values: dict[str, list[float | None]] = defaultdict(lambda: [None] * len(periods))
    officers = []
    kept = {row.key: row.value for row in db.session.scalars(sa.select(SettingRow).where(
        SettingRow.key.in_([_trends_key(p) for p in periods])))} if periods else {}
    for i, p in enumerate(periods):
        scope = sorted(scope_ids(unit, p))
        rule_set = scoring.rules_for(p)
        if rule_set is not None:
            for c in rule_set.criteria:
                if c.parent_id is None and c.kind == "group":
                    names.setdefault(c.code, c)
        stored = kept.get(_trends_key(p))
        if isinstance(stored, dict) and isinstance(stored.get("units"), dict):
            n = 0
            sums: dict[str, float] = defaultdict(float)
            for unit_id in scope:
                item = stored["units"].get(str(unit_id))
                if item:
                    n += int(item.get("n") or 0)
                    for code, pts in (item.get("points") or {}).items():
                        sums[code] += float(pts or 0.0)
        else:
            n, sums = _live_content_sums(p, scope)
        officers.append(n)
        if n:
            for code in names:
                values[code][i] = rounded(sums.get(code, 0.0) / n)
    codes = sorted(names, key=lambda c: (names[c].sort_order, c))
    return Trend(codes, names, {c: values[c] for c in codes}, periods, officers)


# -- clusters admin (HR) --------------------------------------------------------------------------
def _clean_cluster(code: str, name_vi: str, name_en: str, unit_ids: Iterable[int],
                   cluster: Cluster | None) -> tuple[str, str, str, list[int]]:
    code = (code or "").strip().upper()
    if not rules.CODE.match(code):
        raise UserError(_("The cluster code must be 1 to 40 letters, digits, “.”, “_” or “-”, "
                          "starting with a letter or digit."))
    clash = db.session.scalar(sa.select(Cluster).where(Cluster.code == code))
    if clash is not None and clash is not cluster:
        raise UserError(_("The cluster code %(code)s is already used.", code=code))
    name_vi = (name_vi or "").strip()
    if not name_vi:
        raise UserError(_("Give the cluster's Vietnamese name."))
    ids = sorted({int(u) for u in unit_ids})
    active = {u.id: u for u, _d in org.tree_rows()}
    unknown = [u for u in ids if u not in active]
    if unknown:
        raise UserError(_("Only units that exist today can be put in a cluster."))
    taken = db.session.execute(
        sa.select(ClusterUnit.unit_id, Cluster.code)
        .join(Cluster, Cluster.id == ClusterUnit.cluster_id)
        .where(ClusterUnit.unit_id.in_(ids) if ids else sa.false(),
               Cluster.id != (cluster.id if cluster is not None else -1))).all()
    if taken:
        raise UserError(_("A unit belongs to one cluster at most: %(units)s already in "
                          "another cluster.", units=", ".join(
                              f"{active[u].code} ({c})" for u, c in sorted(taken))))
    return code, name_vi, (name_en or "").strip(), ids


def _cluster_state(cluster: Cluster) -> dict:
    return {"code": cluster.code, "name_vi": cluster.name_vi, "name_en": cluster.name_en,
            "units": sorted(cluster_units(cluster))}


def create_cluster(code: str, name_vi: str, name_en: str = "", unit_ids: Iterable[int] = (),
                   *, actor=None, rerank: bool = True) -> Cluster:
    """HR creates an emulation cluster of units (each unit in one cluster at most); audited.
    With ``rerank`` (and units), the open periods' rankings become stale: the scheduled job
    ranks them again (:func:`rerank_job`); nothing is ranked here. Flushes."""
    c = campaign.campaign()
    if c is None:
        raise UserError(_("There is no campaign yet: run “lms emulation campaign init” "
                          "(or load the demo)."))
    code, name_vi, name_en, ids = _clean_cluster(code, name_vi, name_en, unit_ids, None)
    cluster = Cluster(campaign_id=c.id, code=code, name_vi=name_vi, name_en=name_en)
    db.session.add(cluster)
    db.session.flush()
    for unit_id in ids:
        db.session.add(ClusterUnit(cluster_id=cluster.id, unit_id=unit_id))
    db.session.flush()
    audit.record(actor, "cluster.create", "cluster", cluster.code, None, _cluster_state(cluster))
    if rerank and ids:
        _clusters_changed()
    return cluster


def update_cluster(cluster: Cluster, code: str, name_vi: str, name_en: str,
                   unit_ids: Iterable[int], *, actor=None, rerank: bool = True) -> Cluster:
    """HR renames a cluster or changes its units; audited. A change of units makes the open
    periods' rankings stale (``rerank``; ranked again by the job); a rename ranks nothing
    again. Flushes."""
    code, name_vi, name_en, ids = _clean_cluster(code, name_vi, name_en, unit_ids, cluster)
    before = _cluster_state(cluster)
    cluster.code, cluster.name_vi, cluster.name_en = code, name_vi, name_en
    db.session.execute(sa.delete(ClusterUnit).where(ClusterUnit.cluster_id == cluster.id))
    for unit_id in ids:
        db.session.add(ClusterUnit(cluster_id=cluster.id, unit_id=unit_id))
    db.session.flush()
    after = _cluster_state(cluster)
    if after != before:
        audit.record(actor, "cluster.update", "cluster", cluster.code, before, after)
        if rerank and after["units"] != before["units"]:
            _clusters_changed()
    return cluster


def frozen_periods_of(cluster: Cluster) -> list[Period]:
    """The frozen periods whose ranking holds units of ``cluster``."""
    frozen = [p for p in campaign.periods() if p.frozen_at is not None]
    if not frozen:
        return []
    ids = set(db.session.scalars(sa.select(Score.period_id).distinct().where(
        Score.period_id.in_([p.id for p in frozen]), Score.subject == "unit",
        Score.cluster_id == cluster.id)))
    return [p for p in frozen if p.id in ids]


def delete_cluster(cluster: Cluster, *, actor=None, rerank: bool = True) -> None:
    """HR deletes a cluster (its units become unclustered); audited; the open periods'
    rankings become stale (``rerank``). Refused while a frozen period's ranking holds its
    units: that ranking must not change (its units can be taken out instead). Flushes."""
    frozen = frozen_periods_of(cluster)
    if frozen:
        raise UserError(_("The cluster %(code)s ranked units in the closed periods "
                          "%(periods)s, whose rankings must not change: it cannot be deleted. "
                          "Take its units out instead: it then ranks nobody from now on.",
                          code=cluster.code, periods=", ".join(p.label for p in frozen)))
    before = _cluster_state(cluster)
    # Open periods' rows only point to it now; they show it unclustered until ranked again.
    db.session.execute(sa.update(Score).where(Score.subject == "unit",
                                              Score.cluster_id == cluster.id)
                       .values(cluster_id=None).execution_options(synchronize_session=False))
    db.session.execute(sa.delete(ClusterUnit).where(ClusterUnit.cluster_id == cluster.id))
    db.session.delete(cluster)
    db.session.flush()
    audit.record(actor, "cluster.delete", "cluster", before["code"], before, None)
    if rerank:
        _clusters_changed()
