"""Commendation (*khen thưởng*): officers' annual ratings, and per unit and year the
candidates for each title with the criteria each one meets or misses, the unit head's
confirmed proposal list and its export.

Annual ratings (*đánh giá, xếp loại*) come from HR as a CSV file (:func:`import_ratings`)::

    officer_code,year,rating,points,disciplined
    HQ000123,2025,good,,no
    HQ000123,2026,,92,no

``rating`` is ``excellent``, ``good``, ``completed`` or ``not_completed`` (or the Vietnamese
wording: *hoàn thành xuất sắc / tốt / hoàn thành / không hoàn thành nhiệm vụ*); from 2026 the
100-point score may be given instead and is mapped by the rule set's
``commendation.rating_points`` (≥90 excellent, 70–89 good, 50–69 completed, below
not completed). All or nothing, a dry run, errors by line number (the header is line 1).

The titles and their criteria are the active rule set's ``settings.commendation`` (defaults
in :data:`plugins.emulation.rules.DEFAULT_SETTINGS`, the current regulations):

- individual *Lao động tiên tiến* (LĐTT): an annual rating of at least ``min_rating``
  (good), not disciplined, and — when ``min_emulation_score`` is set — an emulation score of
  the year of at least that;
- individual *Chiến sĩ thi đua cơ sở* (CSTĐCS): LĐTT, plus an ``excellent`` rating or an
  initiative approved in the year (``or_approved_initiative``); at most
  ``quotas.cstdcs_share_of_ldtt`` (15%) of the unit's proposed LĐTT, rounded down;
- collective *Tập thể lao động tiên tiến*: at least ``min_share_ldtt`` (70%) of the members
  proposed LĐTT, nobody disciplined;
- collective *Tập thể lao động xuất sắc*: every member rated ``completed`` or better (a
  member without a rating counts as not known, so missed), at least 70% LĐTT, at least
  ``min_cstdcs`` (1) member proposed CSTĐCS.

The members of a unit in a year are those the scores count (``scoring.members_by_unit``:
the officers in the unit's subtree at the year's end, or in its predecessors for a unit
formed later). Collectives are the unit and every unit below it with members.

When more officers qualify for CSTĐCS than the quota allows, the default proposal takes
them in order of an excellent rating first, then the emulation score, then the approved
initiatives; the head may choose others within the quota. The head confirms the list
(:func:`confirm`): the chosen candidates become :class:`Proposal` rows with status
``confirmed`` and the checks as they were, audited (``proposal.confirm``).
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms_core import csvfile
from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.identity import operations as id_ops
from lms_core.organisation import queries as org
from lms_core.text import fold
from plugins.emulation import audit, campaign, rules, scoring, submissions
from plugins.emulation.models import AnnualRating, Period, Proposal, Score

LDTT = "lao_dong_tien_tien"
CSTDCS = "chien_si_thi_dua_co_so"
TT_LDTT = "tap_the_lao_dong_tien_tien"
TT_LDXS = "tap_the_lao_dong_xuat_sac"
INDIVIDUAL_TITLES = (LDTT, CSTDCS)
COLLECTIVE_TITLES = (TT_LDTT, TT_LDXS)
TITLES = INDIVIDUAL_TITLES + COLLECTIVE_TITLES
TITLE_NAMES = {  # the titles' names in law: the same in every language of the UI
    LDTT: "Lao động tiên tiến",
    CSTDCS: "Chiến sĩ thi đua cơ sở",
    TT_LDTT: "Tập thể lao động tiên tiến",
    TT_LDXS: "Tập thể lao động xuất sắc",
}
RATINGS = rules.RATINGS  # best first
RATING_LABELS = {
    "excellent": _l("Completed tasks excellently"),
    "good": _l("Completed tasks well"),
    "completed": _l("Completed tasks"),
    "not_completed": _l("Did not complete tasks"),
}
#: Accepted spellings of a rating (folded: lower case, no diacritics).
RATING_WORDS = {
    "excellent": ("excellent", "xuat sac", "hoan thanh xuat sac", "hoan thanh xuat sac nhiem vu",
                  "htxsnv", "a"),
    "good": ("good", "tot", "hoan thanh tot", "hoan thanh tot nhiem vu", "httnv", "b"),
    "completed": ("completed", "hoan thanh", "hoan thanh nhiem vu", "htnv", "c"),
    "not_completed": ("not_completed", "not completed", "khong hoan thanh",
                      "khong hoan thanh nhiem vu", "khtnv", "d"),
}
_YES = {"yes", "y", "1", "true", "co", "x"}
_NO = {"no", "n", "0", "false", "khong", ""}
RATING_COLUMNS = ("officer_code", "year", "rating", "points", "disciplined")
RATING_REQUIRED = ("officer_code", "year")
MAX_RATING_FILE = 5 * 1024 * 1024
#: Candidates who miss a criterion shown on the page, per title (the closest first); every
#: candidate's checks are in the Excel export.
MISSING_SHOWN = 50

CHECK_LABELS = {
    "min_rating": _l("Annual rating"),
    "not_disciplined": _l("Not disciplined"),
    "min_emulation_score": _l("Emulation score of the year"),
    "requires_ldtt": _l("Meets Lao động tiên tiến"),
    "excellent_or_initiative": _l("Excellent rating or an approved initiative"),
    "quota": _l("Quota of Chiến sĩ thi đua cơ sở"),
    "share_ldtt": _l("Share of members proposed Lao động tiên tiến"),
    "none_disciplined": _l("Nobody disciplined"),
    "all_completed": _l("Every member completed their tasks"),
    "min_cstdcs": _l("Members proposed Chiến sĩ thi đua cơ sở"),
}


def rating_rank(rating: str | None) -> int:
    """4 excellent … 1 not completed, 0 none."""
    return len(RATINGS) - RATINGS.index(rating) if rating in RATINGS else 0


def rating_label(rating: str | None) -> str:
    return str(RATING_LABELS[rating]) if rating in RATING_LABELS else _("no rating")


def settings_for_year(year: int) -> dict:
    """The commendation settings in force for ``year`` (the defaults without a campaign)."""
    try:
        period = campaign.period_by_label(str(year))
    except UserError:
        return rules.merged_settings({})["commendation"]
    return rules.settings_for(period)["commendation"]


# -- annual ratings --------------------------------------------------------------------------------
def rating_from_points(points: float, thresholds: dict) -> str:
    """The rating of a 100-point score (``thresholds``: the ``rating_points`` setting)."""
    for rating in ("excellent", "good", "completed"):
        if points >= float(thresholds.get(rating, 101)):
            return rating
    return "not_completed"


def parse_rating(text: str) -> str | None:
    """A rating from its code or its Vietnamese wording (accents optional), else None."""
    key = fold(text).replace("_", " ").replace("-", " ")
    key = " ".join(key.split())
    for rating, words in RATING_WORDS.items():
        if key in {w.replace("_", " ") for w in words}:
            return rating
    return None


@dataclass
class RatingReport:
    """What an import did or, in a dry run, would do."""

    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    changes: list[tuple[int, str, str]] = field(default_factory=list)  #: line, key, details

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


def _read_ratings(data) -> csvfile.CsvFile:
    """The ratings file read by :func:`lms_core.csvfile.read` (at most
    :data:`MAX_RATING_FILE` bytes), its required columns checked."""
    table = csvfile.read(data, max_bytes=MAX_RATING_FILE)
    missing = table.missing(RATING_REQUIRED)
    if missing:
        raise UserError(_("Missing column: %(names)s. The first line of the file must name "
                          "the columns: %(expected)s.", names=", ".join(missing),
                          expected=", ".join(RATING_COLUMNS)))
    return table


def _campaign_years() -> range:
    c = campaign.campaign()
    if c is None:
        return range(campaign.CAMPAIGN_START.year, campaign.CAMPAIGN_END.year + 1)
    return range(c.start.year, c.end.year + 1)


def import_ratings(data, *, dry_run: bool = False, actor=None) -> RatingReport:
    """Create or update annual ratings from a CSV file (see the module docstring). Nothing
    is written when a line is wrong or on a dry run; each change is audited
    (``rating.import``). Flushes; the caller commits when ``report.written``."""
    table = _read_ratings(data)
    report = RatingReport(dry_run=dry_run, rows=len(table.rows))
    years = _campaign_years()
    settings_cache: dict[int, dict] = {}
    seen: dict[tuple[int, int], int] = {}
    parsed = []
    users: dict[str, Any] = {}
    for row in table.rows:
        line, values = row.line, row.values
        if row.overflow:
            report.rejected.append((line, table.overflow_message(row)))
            continue
        code = values.get("officer_code", "")
        if not code:
            report.rejected.append((line, _("officer_code is empty.")))
            continue
        if code not in users:
            users[code] = id_ops.get_user(code)
        user = users[code]
        if user is None:
            report.rejected.append((line, _("No officer has the personnel code %(code)s.",
                                            code=code)))
            continue
        try:
            year = int(values.get("year", ""))
        except ValueError:
            report.rejected.append((line, _("year: “%(text)s” is not a year.",
                                            text=values.get("year", ""))))
            continue
        if year not in years:
            report.rejected.append((line, _("year: %(year)d is outside the campaign "
                                            "(%(first)d–%(last)d).", year=year,
                                            first=years[0], last=years[-1])))
            continue
        if year not in settings_cache:
            settings_cache[year] = settings_for_year(year)
        thresholds = settings_cache[year].get("rating_points") or {}
        from_year = int(thresholds.get("from_year", 2026))
        rating_text = values.get("rating", "")
        rating = parse_rating(rating_text) if rating_text else None
        if rating_text and rating is None:
            report.rejected.append((line, _("rating: “%(text)s” is not a rating (excellent, "
                                            "good, completed or not_completed).",
                                            text=rating_text)))
            continue
        points_text = values.get("points", "").replace(",", ".")
        points = None
        if points_text:
            try:
                points = float(points_text)
            except ValueError:
                points = -1.0
            if not 0 <= points <= 100 or math.isnan(points):
                report.rejected.append((line, _("points: “%(text)s” must be a number from 0 to "
                                                "100.", text=values.get("points", ""))))
                continue
            if year < from_year:
                report.rejected.append((line, _("points: annual ratings are on 100 points only "
                                                "from %(year)d; give the rating for %(this)d.",
                                                year=from_year, this=year)))
                continue
            derived = rating_from_points(points, thresholds)
            if rating is not None and rating != derived:
                report.rejected.append((line, _("rating %(rating)s does not match %(points)s "
                                                "points (%(derived)s).", rating=rating,
                                                points=f"{points:g}", derived=derived)))
                continue
            rating = derived
        if rating is None:
            report.rejected.append((line, _("Give the rating or, from %(year)d, the points.",
                                            year=from_year)))
            continue
        flag = fold(values.get("disciplined", ""))
        if flag in _YES:
            disciplined = True
        elif flag in _NO:
            disciplined = False
        else:
            report.rejected.append((line, _("disciplined: write yes or no, not “%(text)s”.",
                                            text=values.get("disciplined", ""))))
            continue
        key = (user.id, year)
        if key in seen:
            report.rejected.append((line, _("%(code)s %(year)d is already on line %(other)d.",
                                            code=user.code, year=year, other=seen[key])))
            continue
        seen[key] = line
        parsed.append((line, user, year, rating, points, disciplined))
    if not report.ok:
        return report
    for line, user, year, rating, points, disciplined in parsed:
        row = db.session.get(AnnualRating, (user.id, year))
        after = {"rating": rating, "points": points, "disciplined": disciplined}
        key = f"{user.code} {year}"
        if row is None:
            report.created += 1
            report.changes.append((line, key, _("new: %(rating)s", rating=rating)))
            if not dry_run:
                db.session.add(AnnualRating(user_id=user.id, year=year, **after))
                audit.record(actor, "rating.import", "annual_rating", f"{user.code}:{year}",
                             None, after)
            continue
        before = {"rating": row.rating, "points": row.points, "disciplined": row.disciplined}
        if before == after:
            report.unchanged += 1
            continue
        report.updated += 1
        report.changes.append((line, key, f"{before['rating']} → {rating}"))
        if not dry_run:
            row.rating, row.points, row.disciplined = rating, points, disciplined
            audit.record(actor, "rating.import", "annual_rating", f"{user.code}:{year}",
                         {k: v for k, v in before.items() if after[k] != v},
                         {k: v for k, v in after.items() if before[k] != v})
    if not dry_run:
        db.session.flush()
    return report


RATING_EXAMPLE = ("officer_code,year,rating,points,disciplined\n"
                  "HQ000123,2025,good,,no\n"
                  "HQ000124,2025,Hoàn thành xuất sắc nhiệm vụ,,no\n"
                  "HQ000123,2026,,92,no\n")


# -- checks ----------------------------------------------------------------------------------------
@dataclass
class Check:
    """One criterion of a title for one candidate: met or missed, with the figures."""

    code: str
    met: bool
    required: Any = None
    actual: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "met": self.met, "required": self.required,
                "actual": self.actual, **self.extra}


def check_label(code: str) -> str:
    return str(CHECK_LABELS.get(code, code))


def _pct(x) -> str:
    return f"{100 * float(x):.0f}%" if x is not None else "—"


def _num(x) -> str:
    if x is None:
        return "—"
    return f"{float(x):.2f}".rstrip("0").rstrip(".")


def describe(check: dict) -> tuple[str, str, str]:
    """``(criterion, what it requires, what the candidate has)`` in words."""
    code, req, act = check.get("code"), check.get("required"), check.get("actual")
    label = check_label(code)
    if code == "min_rating":
        return label, _("at least: %(r)s", r=rating_label(req)), rating_label(act)
    if code == "not_disciplined":
        return label, _("not disciplined"), _("disciplined") if act else _("not disciplined")
    if code == "min_emulation_score":
        return label, _("at least %(n)s points", n=_num(req)), _("%(n)s points", n=_num(act))
    if code == "requires_ldtt":
        return label, TITLE_NAMES[LDTT], _("met") if check.get("met") else _("missed")
    if code == "excellent_or_initiative":
        return (label, _("%(r)s, or 1 approved initiative", r=rating_label(req)),
                _("%(r)s; %(n)d approved initiatives", r=rating_label(act),
                  n=int(check.get("initiatives", 0))))
    if code == "quota":
        return (label, _("at most %(n)d (%(share)s of %(ldtt)d proposed LĐTT, rounded down)",
                         n=int(req or 0), share=_pct(check.get("share")),
                         ldtt=int(check.get("ldtt", 0))),
                _("number %(n)d in the order of proposal", n=int(act or 0)))
    if code == "share_ldtt":
        return (label, _("at least %(share)s", share=_pct(req)),
                _("%(share)s (%(n)d of %(m)d)", share=_pct(act), n=int(check.get("count", 0)),
                  m=int(check.get("members", 0))))
    if code == "none_disciplined":
        return label, _("0 disciplined"), _("%(n)d disciplined", n=int(act or 0))
    if code == "all_completed":
        return (label, _("every member rated “completed” or better"),
                _("%(n)d below, %(m)d without a rating", n=int(act or 0),
                  m=int(check.get("missing", 0))))
    if code == "min_cstdcs":
        return label, _("at least %(n)d", n=int(req or 0)), str(int(act or 0))
    return label, str(req), str(act)


# -- evaluation -----------------------------------------------------------------------------------
@dataclass
class Candidate:
    """One candidate for one title, with the checks and whether it is proposed."""

    title: str
    subject: str  #: ``user`` or ``unit``
    subject_id: int
    name: str
    code: str
    unit_name: str
    checks: list[Check]
    proposed: bool = False
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.title}:{self.subject}:{self.subject_id}"

    @property
    def eligible(self) -> bool:
        """Every criterion met (the quota included)."""
        return all(c.met for c in self.checks)

    @property
    def qualifies(self) -> bool:
        """Every criterion but the quota met: the head may choose it within the quota."""
        return all(c.met for c in self.checks if c.code != "quota")

    @property
    def missed(self) -> list[Check]:
        return [c for c in self.checks if not c.met]


@dataclass
class Evaluation:
    """A unit's candidates for a year's titles, with the proposal (default or chosen)."""

    period: Period
    unit: Any
    settings: dict
    members: list[int]
    candidates: dict[str, list[Candidate]]
    quota: int
    confirmed: list[Proposal] = field(default_factory=list)

    def proposed(self, title: str) -> list[Candidate]:
        return [c for c in self.candidates.get(title, []) if c.proposed]

    def by_key(self) -> dict[str, Candidate]:
        return {c.key: c for cs in self.candidates.values() for c in cs}

    @property
    def is_confirmed(self) -> bool:
        return bool(self.confirmed)

    def for_page(self, title: str) -> tuple[list[Candidate], list[Candidate], int]:
        """The candidates of ``title`` as the page lists them: those the head may propose
        (and any proposed), then at most :data:`MISSING_SHOWN` of the others, fewest criteria
        missed first, and how many others are left out (a branch has thousands)."""
        def selectable(c: Candidate) -> bool:
            return c.qualifies if title == CSTDCS else c.eligible

        candidates = self.candidates.get(title, [])
        shown = [c for c in candidates if c.proposed or selectable(c)]
        others = sorted((c for c in candidates if not (c.proposed or selectable(c))),
                        key=lambda c: len(c.missed))
        return shown, others[:MISSING_SHOWN], max(0, len(others) - MISSING_SHOWN)


def _year_period(period: Period) -> Period:
    if period.kind != "year":
        raise UserError(_("Commendation is proposed for a year, not for %(label)s.",
                          label=period.label))
    return period


def collective_units(unit, members_by_unit: dict[int, list[int]]) -> list:
    """The unit and every unit below it (today's tree) with members in the period."""
    rows = org.tree_rows([unit.id], include_dissolved=True)
    ids = [u.id for u, _d in rows]
    units = {u.id: u for u, _d in rows}
    out = []
    for uid in ids:
        if members_by_unit.get(uid):
            out.append(units[uid])
    if unit.id not in ids and members_by_unit.get(unit.id):
        out.insert(0, unit)
    return out


def _share_check(cfg: dict, count: int, members: int) -> Check:
    need = float(cfg.get("min_share_ldtt", 0.7))
    share = count / members if members else 0.0
    return Check("share_ldtt", share >= need - 1e-9, need, round(share, 4),
                 {"count": count, "members": members})


def evaluate(period: Period, unit, *, selection: set[str] | None = None) -> Evaluation:
    """The candidates of ``unit`` for the titles of ``period``'s year, each with its checks;
    ``selection`` (candidate keys) replaces the default proposal and is checked against the
    criteria and the quota (:class:`UserError` naming the first problem)."""
    period = _year_period(period)
    settings = rules.settings_for(period)["commendation"]
    by_unit = scoring.members_by_unit(period)
    collectives = collective_units(unit, by_unit)
    members = sorted(set(by_unit.get(unit.id, [])).union(
        *[by_unit.get(u.id, []) for u in collectives]))
    year = period.start.year
    ratings = {}
    for part in range(0, len(members), 5000):
        for r in db.session.scalars(sa.select(AnnualRating).where(
                AnnualRating.year == year,
                AnnualRating.user_id.in_(members[part:part + 5000]))):
            ratings[r.user_id] = r
    scores: dict[int, tuple[float, int | None]] = {}
    for part in range(0, len(members), 5000):
        for uid, total, unit_id in db.session.execute(
                sa.select(Score.subject_id, Score.total, Score.unit_id).where(
                    Score.period_id == period.id, Score.subject == "user",
                    Score.subject_id.in_(members[part:part + 5000]))):
            scores[uid] = (total, unit_id)
    initiatives = submissions.approved_initiatives(members, period.start, period.end)
    users = id_ops.users_by_ids(members)
    unit_names: dict[int, str] = {}

    def unit_name(uid):
        if uid is None:
            return ""
        if uid not in unit_names:
            u = org.units_by_ids([uid]).get(uid)
            unit_names[uid] = u.name_vi if u else ""
        return unit_names[uid]

    ldtt_cfg = settings.get(LDTT) or {}
    cst_cfg = settings.get(CSTDCS) or {}
    min_score = settings.get("min_emulation_score")
    ldtt, cst = [], []
    for uid in members:
        user = users.get(uid)
        if user is None:
            continue
        rating = ratings.get(uid)
        r = rating.rating if rating else None
        score, score_unit = scores.get(uid, (None, None))
        n_init = len(initiatives.get(uid, []))
        figures = {"rating": r, "points": rating.points if rating else None,
                   "disciplined": bool(rating.disciplined) if rating else False,
                   "score": score, "initiatives": n_init}
        checks = []
        if ldtt_cfg.get("min_rating"):
            checks.append(Check("min_rating", rating_rank(r) >= rating_rank(
                ldtt_cfg["min_rating"]), ldtt_cfg["min_rating"], r))
        if ldtt_cfg.get("not_disciplined", True):
            checks.append(Check("not_disciplined", not figures["disciplined"], False,
                                figures["disciplined"]))
        if min_score is not None:
            checks.append(Check("min_emulation_score", score is not None and score >= float(
                min_score) - 1e-9, float(min_score), score))
        name_unit = unit_name(score_unit) if score_unit else ""
        a = Candidate(LDTT, "user", uid, user.full_name, user.code, name_unit, checks,
                      figures=figures)
        ldtt.append(a)
        c_checks = []
        if cst_cfg.get("requires", LDTT) == LDTT:
            c_checks.append(Check("requires_ldtt", a.eligible))
        best = cst_cfg.get("min_rating", "excellent")
        excellent = rating_rank(r) >= rating_rank(best)
        if cst_cfg.get("or_approved_initiative", True):
            c_checks.append(Check("excellent_or_initiative", excellent or n_init > 0, best, r,
                                  {"initiatives": n_init}))
        else:
            c_checks.append(Check("min_rating", excellent, best, r))
        cst.append(Candidate(CSTDCS, "user", uid, user.full_name, user.code, name_unit,
                             c_checks, figures={**figures, "excellent": excellent}))
    share = float((settings.get("quotas") or {}).get("cstdcs_share_of_ldtt", 0.15))

    # The LĐTT proposed: every one qualifying, or those chosen.
    for a in ldtt:
        a.proposed = a.eligible if selection is None else a.key in selection
        if a.proposed and not a.eligible:
            raise UserError(_("%(name)s cannot be proposed %(title)s: %(missed)s.",
                              name=a.name, title=TITLE_NAMES[LDTT],
                              missed=", ".join(check_label(c.code) for c in a.missed)))
    n_ldtt = sum(1 for a in ldtt if a.proposed)
    quota = int(math.floor(share * n_ldtt + 1e-9))
    # CSTĐCS: the order of proposal, then the quota.
    proposed_ldtt = {a.subject_id for a in ldtt if a.proposed}
    ranked = sorted(cst, key=lambda c: (not c.figures["excellent"],
                                        -(c.figures["score"] or 0.0),
                                        -c.figures["initiatives"], fold(c.name), c.subject_id))
    if selection is None:
        chosen = [c for c in ranked if c.qualifies][:quota]
    else:
        chosen = [c for c in ranked if c.key in selection]
        for c in chosen:
            if not c.qualifies:
                raise UserError(_("%(name)s cannot be proposed %(title)s: %(missed)s.",
                                  name=c.name, title=TITLE_NAMES[CSTDCS], missed=", ".join(
                                      check_label(x.code) for x in c.missed)))
            if c.subject_id not in proposed_ldtt:
                raise UserError(_("%(name)s is proposed %(title)s but not %(ldtt)s.",
                                  name=c.name, title=TITLE_NAMES[CSTDCS],
                                  ldtt=TITLE_NAMES[LDTT]))
        if len(chosen) > quota:
            raise UserError(_("%(n)d officers are proposed %(title)s but the quota allows "
                              "%(quota)d (%(share)s of %(ldtt)d proposed %(ldtt_title)s, rounded "
                              "down).", n=len(chosen), title=TITLE_NAMES[CSTDCS], quota=quota,
                              share=_pct(share), ldtt=n_ldtt, ldtt_title=TITLE_NAMES[LDTT]))
    chosen_ids = {c.subject_id for c in chosen}
    order = {c.subject_id: i + 1 for i, c in enumerate(chosen)}
    waiting = len(chosen)
    for c in ranked:
        if c.subject_id in order:
            c.checks.append(Check("quota", True, quota, order[c.subject_id],
                                  {"share": share, "ldtt": n_ldtt}))
            c.proposed = True
        elif c.qualifies:
            waiting += 1
            c.checks.append(Check("quota", waiting <= quota, quota, waiting,
                                  {"share": share, "ldtt": n_ldtt}))
    cst_ids = chosen_ids

    # Collectives.
    proposed_ldtt_ids = {a.subject_id for a in ldtt if a.proposed}
    tt_cfg = settings.get(TT_LDTT) or {}
    xs_cfg = settings.get(TT_LDXS) or {}
    collective: dict[str, list[Candidate]] = {TT_LDTT: [], TT_LDXS: []}
    for u in collectives:
        ids = by_unit.get(u.id, [])
        m = len(ids)
        k = sum(1 for i in ids if i in proposed_ldtt_ids)
        disciplined = sum(1 for i in ids if ratings.get(i) and ratings[i].disciplined)
        below = sum(1 for i in ids if ratings.get(i) and rating_rank(ratings[i].rating) <
                    rating_rank("completed"))
        missing = sum(1 for i in ids if i not in ratings)
        n_cst = sum(1 for i in ids if i in cst_ids)
        share_ldtt = k / m if m else 0.0
        figures = {"members": m, "ldtt": k, "share": share_ldtt, "disciplined": disciplined,
                   "below": below, "missing": missing, "cstdcs": n_cst}

        t_checks = []
        if "min_share_ldtt" in tt_cfg:
            t_checks.append(_share_check(tt_cfg, k, m))
        if tt_cfg.get("none_disciplined", True):
            t_checks.append(Check("none_disciplined", disciplined == 0, 0, disciplined))
        x_checks = []
        if xs_cfg.get("all_completed", True):
            x_checks.append(Check("all_completed", below == 0 and missing == 0, 0, below,
                                  {"missing": missing, "members": m}))
        if "min_share_ldtt" in xs_cfg:
            x_checks.append(_share_check(xs_cfg, k, m))
        if xs_cfg.get("min_cstdcs") is not None:
            need = int(xs_cfg["min_cstdcs"])
            x_checks.append(Check("min_cstdcs", n_cst >= need, need, n_cst))
        if xs_cfg.get("none_disciplined"):
            x_checks.append(Check("none_disciplined", disciplined == 0, 0, disciplined))
        for title, checks in ((TT_LDTT, t_checks), (TT_LDXS, x_checks)):
            cand = Candidate(title, "unit", u.id, u.name_vi, u.code,
                             unit_name(u.parent_id) if u.parent_id else "", checks,
                             figures=figures)
            cand.proposed = cand.eligible if selection is None else cand.key in selection
            if cand.proposed and not cand.eligible:
                raise UserError(_("%(name)s cannot be proposed %(title)s: %(missed)s.",
                                  name=cand.name, title=TITLE_NAMES[title], missed=", ".join(
                                      check_label(x.code) for x in cand.missed)))
            collective[title].append(cand)
    ldtt.sort(key=lambda c: (not c.eligible, fold(c.name), c.subject_id))
    cst_sorted = [c for c in ranked if c.qualifies] + [c for c in ranked if not c.qualifies]
    confirmed = list(db.session.scalars(sa.select(Proposal).where(
        Proposal.period_id == period.id, Proposal.unit_id == unit.id,
        Proposal.status == "confirmed").order_by(Proposal.id)))
    return Evaluation(period, unit, settings, members,
                      {LDTT: ldtt, CSTDCS: cst_sorted, **collective}, quota, confirmed)


# -- confirming ------------------------------------------------------------------------------------
def can_confirm(user, unit) -> bool:
    """The head of the unit (or of a unit above it)."""
    return unit.id in submissions.decider_unit_ids(user)


def confirm(period: Period, unit, actor, selection: set[str]) -> list[Proposal]:
    """The unit head confirms the proposal list: the chosen candidates (checked again)
    become confirmed :class:`Proposal` rows with their checks; earlier confirmed rows not
    chosen any more go back to draft. Audited. Flushes."""
    if not can_confirm(actor, unit):
        raise UserError(_("Only the head of the unit can confirm its proposal list."))
    if not selection:
        raise UserError(_("Choose at least one candidate to propose."))
    ev = evaluate(period, unit, selection=set(selection))
    chosen = [c for cs in ev.candidates.values() for c in cs if c.proposed]
    unknown = set(selection) - {c.key for c in chosen}
    if unknown:
        raise UserError(_("Some of the chosen candidates are not candidates of this unit."))
    existing = {(p.title, p.subject, p.subject_id): p for p in db.session.scalars(
        sa.select(Proposal).where(Proposal.period_id == period.id,
                                  Proposal.unit_id == unit.id))}
    before = sorted(f"{p.title}:{p.subject}:{p.subject_id}" for p in existing.values()
                    if p.status == "confirmed")
    now = utcnow()
    rows = []
    for c in chosen:
        p = existing.pop((c.title, c.subject, c.subject_id), None)
        if p is None:
            p = Proposal(period_id=period.id, unit_id=unit.id, title=c.title,
                         subject=c.subject, subject_id=c.subject_id)
            db.session.add(p)
        p.checks = [x.as_dict() for x in c.checks]
        p.status = "confirmed"
        p.confirmed_by_id = actor.id
        p.confirmed_at = now
        rows.append(p)
    for p in existing.values():
        if p.status == "confirmed":
            p.status = "draft"
    db.session.flush()
    after = sorted(c.key for c in chosen)
    audit.record(actor, "proposal.confirm", "proposal_list", f"{period.label}:{unit.code}",
                 {"confirmed": before}, {"confirmed": after,
                                         "counts": {t: len(ev.proposed(t)) for t in TITLES}})
    return rows


# -- exports ---------------------------------------------------------------------------------------
@dataclass
class ProposalLine:
    title: str
    name: str
    code: str
    unit_name: str
    figures: dict
    checks: list[dict]


def proposal_lines(ev: Evaluation) -> tuple[dict[str, list[ProposalLine]], str]:
    """The lines of the list to export (the confirmed list, else the default proposal) and
    its state: ``confirmed`` or ``draft``."""
    by_key = ev.by_key()
    out: dict[str, list[ProposalLine]] = defaultdict(list)
    if ev.confirmed:
        for p in ev.confirmed:
            c = by_key.get(f"{p.title}:{p.subject}:{p.subject_id}")
            if c is None:
                continue
            out[p.title].append(ProposalLine(p.title, c.name, c.code, c.unit_name, c.figures,
                                             list(p.checks or [])))
        return out, "confirmed"
    for title in TITLES:
        for c in ev.proposed(title):
            out[title].append(ProposalLine(title, c.name, c.code, c.unit_name, c.figures,
                                           [x.as_dict() for x in c.checks]))
    return out, "draft"


def _confirmed_by(ev: Evaluation) -> tuple[str, datetime | None]:
    if not ev.confirmed:
        return "", None
    p = ev.confirmed[-1]
    user = id_ops.user_by_id(p.confirmed_by_id) if p.confirmed_by_id else None
    return (user.full_name if user else ""), p.confirmed_at


def _state_text(ev: Evaluation, state: str) -> str:
    if state == "confirmed":
        who, when = _confirmed_by(ev)
        from lms_core.ui.i18n import fmt_datetime

        return _("Confirmed by %(who)s on %(when)s", who=who, when=fmt_datetime(when))
    return _("DRAFT: not confirmed by the unit head")


def _figure_text(line: ProposalLine) -> str:
    f = line.figures
    if line.title in INDIVIDUAL_TITLES:
        parts = [rating_label(f.get("rating"))]
        if f.get("score") is not None:
            parts.append(_("score %(n)s", n=_num(f["score"])))
        if f.get("initiatives"):
            parts.append(_("%(n)d initiatives", n=int(f["initiatives"])))
        return "; ".join(parts)
    return _("%(m)d members, %(k)d LĐTT (%(share)s), %(c)d CSTĐCS", m=int(f.get("members", 0)),
             k=int(f.get("ldtt", 0)), share=_pct(f.get("share", 0)), c=int(f.get("cstdcs", 0)))


def _checks_text(checks: list[dict]) -> str:
    parts = []
    for c in checks:
        label, _req, actual = describe(c)
        parts.append(f"{'✓' if c.get('met') else '✗'} {label}: {actual}")
    return "; ".join(parts)


def proposal_title(ev: Evaluation) -> str:
    return _("Commendation proposal %(year)s — %(unit)s", year=ev.period.label,
             unit=ev.unit.name_vi)


def proposal_xlsx(ev: Evaluation) -> bytes:
    """The proposal list as an Excel workbook: the list per title, and every candidate's
    checks."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lines, state = proposal_lines(ev)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Proposal")[:31]
    bold = Font(bold=True)
    ws.append([proposal_title(ev)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"{ev.unit.code} · {ev.unit.name_vi}"])
    ws.append([_state_text(ev, state)])
    ws.append([])
    header = [_("No."), _("Full name / unit"), _("Code"), _("Unit"), _("Figures"),
              _("Criteria")]
    for title in TITLES:
        ws.append([TITLE_NAMES[title], "", "", "", "",
                   _("%(n)d proposed", n=len(lines.get(title, [])))])
        ws.cell(ws.max_row, 1).font = bold
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for i, line in enumerate(lines.get(title, []), start=1):
            ws.append([i, line.name, line.code, line.unit_name, _figure_text(line),
                       _checks_text(line.checks)])
        ws.append([])
    for col, width in zip(range(1, 7), (6, 32, 14, 34, 40, 90), strict=True):
        ws.column_dimensions[get_column_letter(col)].width = width
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws2 = wb.create_sheet(_("Checks")[:31])
    ws2.append([_("Title"), _("Full name / unit"), _("Code"), _("Proposed"), _("Criterion"),
                _("Required value"), _("Actual"), _("Met")])
    for cell in ws2[1]:
        cell.font = bold
    for title in TITLES:
        for c in ev.candidates.get(title, []):
            for x in c.checks:
                label, req, actual = describe(x.as_dict())
                ws2.append([TITLE_NAMES[title], c.name, c.code,
                            _("yes") if c.proposed else _("no"), label, req, actual,
                            _("met") if x.met else _("missed")])
    for col, width in zip(range(1, 9), (26, 30, 14, 10, 40, 40, 40, 10), strict=True):
        ws2.column_dimensions[get_column_letter(col)].width = width
    ws2.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def proposal_pdf(ev: Evaluation) -> bytes:
    """The proposal list as a PDF (A4 landscape, Vietnamese with the DejaVu font)."""
    from plugins.emulation.reviews import ReportPdf

    lines, state = proposal_lines(ev)
    pdf = ReportPdf(title=proposal_title(ev), subtitle=f"{ev.unit.code} · {ev.unit.name_vi}")
    pdf.start()
    pdf.paragraph(_state_text(ev, state), bold=state != "confirmed")
    pdf.paragraph(_("Members counted: %(n)d. Quota of Chiến sĩ thi đua cơ sở: %(q)d.",
                    n=len(ev.members), q=ev.quota))
    widths = (10, 62, 26, 62, 117)
    for title in TITLES:
        rows = lines.get(title, [])
        pdf.heading(f"{TITLE_NAMES[title]} ({len(rows)})")
        if not rows:
            pdf.paragraph(_("Nobody proposed."))
            continue
        pdf.data_table([_("No."), _("Full name / unit"), _("Code"), _("Figures"), _("Criteria")],
                  [[str(i), ln.name, ln.code, _figure_text(ln), _checks_text(ln.checks)]
                   for i, ln in enumerate(rows, start=1)], widths)
    return pdf.output_bytes()


def export_name(ev: Evaluation, ext: str) -> str:
    return f"de-nghi-khen-thuong-{ev.period.label}-{ev.unit.code}.{ext}"


def years() -> list[Period]:
    return [p for p in campaign.periods("year")]


def year_period(label: str) -> Period:
    period = campaign.period_by_label(label)
    return _year_period(period)


def today() -> date:
    return campaign._today()
