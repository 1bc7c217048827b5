"""The scoring rules of each phase: versioned rule sets, their YAML form, validation.

A rule set is a tree of criteria on a 100-point scale (``scale``): groups (the five emulation
contents at the top, possibly subgroups) and indicators that read a measure of
``measures.py``. Each import (``lms emulation rules import FILE --phase 1`` or the rules page)
or edit in the browser creates a new version of the phase's rules; activating a version
retires the one that was active. A file is checked whole before anything is written: any
problem, and nothing changes. docs/emulation-rules.md describes the format, the kinds and
their formulas, and every setting.

Checks (each problem is reported with the code of the criterion concerned):

- codes present, well formed and unique; every ``parent`` names a group of the file; no
  cycle through ``parent``;
- ``kind`` one of group, quantitative, pass_fail, occurrence, bonus, penalty; ``subject``
  user or unit; only groups have criteria under them; only groups, bonuses and penalties sit
  at the top;
- an indicator names a known measure scoring the same subject, with known parameters of the
  right type; a quantitative indicator has a target and points, an occurrence, bonus or
  penalty its points and cap;
- sums: each group's ``max_points`` equals the sum of its children's for each subject scored
  (officers, units), bonuses and penalties apart; the top groups sum to ``scale``;
- settings: known keys with values of the right type and range.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.emulation import audit, campaign
from plugins.emulation import measures as MS
from plugins.emulation.models import CRITERION_KINDS, SUBJECTS, Criterion, RuleSet

FORMAT = 1
DEFAULT_SCALE = 100.0
INDICATOR_KINDS = ("quantitative", "pass_fail", "occurrence", "bonus", "penalty")
#: Kinds whose points come on top of (or off) the group's, outside its sum.
EXTRA_KINDS = ("bonus", "penalty")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
#: Reserved key of ``Criterion.params``: the target for a quarter, when not the year's.
TARGET_QUARTER = "_target_quarter"
RATINGS = ("excellent", "good", "completed", "not_completed")
TOLERANCE = 1e-6
MAX_SIZE = 512 * 1024  #: largest rules file accepted, in bytes

#: The settings of a rule set and their defaults (the current regulations; see
#: docs/emulation-rules.md). ``commendation`` is read by the reviews (commendation.py).
DEFAULT_SETTINGS: dict[str, Any] = {
    #: Strength of the prior of the Bayesian average of units' per-capita scores, in officers:
    #: a unit of this size is pulled halfway toward the mean (ranking.py).
    "shrinkage_prior": 30,
    "anomalies": {
        #: More verified hours than this in one day is flagged for the unit head (never more
        #: than 24 hours count, even when accepted).
        "max_hours_per_day": 12,
        #: This many course completions within ``burst_minutes`` minutes are flagged.
        "burst_completions": 3,
        "burst_minutes": 10,
    },
    #: Officers see others' scores only when HR turns this on.
    "public_leaderboards": False,
    "commendation": {
        #: Individual "Lao động tiên tiến": at least a "good" annual rating.
        "lao_dong_tien_tien": {"min_rating": "good", "not_disciplined": True},
        #: Individual "Chiến sĩ thi đua cơ sở": Lao động tiên tiến, plus an "excellent"
        #: rating or an approved initiative.
        "chien_si_thi_dua_co_so": {"requires": "lao_dong_tien_tien",
                                   "min_rating": "excellent", "or_approved_initiative": True},
        #: Collective "Tập thể lao động tiên tiến": at least 70% of the members Lao động tiên
        #: tiến, nobody disciplined.
        "tap_the_lao_dong_tien_tien": {"min_share_ldtt": 0.7, "none_disciplined": True},
        #: Collective "Tập thể lao động xuất sắc": everyone completes their tasks, at least 70%
        #: Lao động tiên tiến, at least one Chiến sĩ thi đua cơ sở.
        "tap_the_lao_dong_xuat_sac": {"all_completed": True, "min_share_ldtt": 0.7,
                                      "min_cstdcs": 1},
        #: Chiến sĩ thi đua cơ sở: at most this share of the unit's Lao động tiên tiến.
        "quotas": {"cstdcs_share_of_ldtt": 0.15},
        #: From 2026 annual ratings are on 100 points: ≥90 excellent, 70–89 good, 50–69
        #: completed.
        "rating_points": {"from_year": 2026, "excellent": 90, "good": 70, "completed": 50},
        #: Lowest campaign score (of the period reviewed) to be proposed; None: not checked.
        "min_emulation_score": None,
    },
}


# -- the spec (a rule set as plain data) ---------------------------------------------------------
@dataclass
class CriterionSpec:
    code: str
    name_vi: str
    kind: str
    name_en: str = ""
    parent: str | None = None
    subject: str = "user"
    max_points: float | None = None
    measure: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    target: float | None = None
    target_quarter: float | None = None
    points: float | None = None
    cap: float | None = None
    description_vi: str = ""
    description_en: str = ""
    where: str = ""  #: where it is in the file, for messages

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    def effective_max(self) -> float:
        """The most points the criterion gives: a group's ``max_points``; quantitative
        ``points × cap``; pass/fail ``points``; occurrence, bonus, penalty ``cap``."""
        if self.kind == "group":
            return float(self.max_points or 0)
        if self.kind == "quantitative":
            return float(self.points or 0) * float(self.cap if self.cap is not None else 1.0)
        if self.kind == "pass_fail":
            return float(self.points or 0)
        return float(self.cap or 0)


@dataclass
class RuleSpec:
    scale: float = DEFAULT_SCALE
    phase: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    criteria: list[CriterionSpec] = field(default_factory=list)

    def by_code(self) -> dict[str, CriterionSpec]:
        return {c.code: c for c in self.criteria}

    def children(self, code: str | None) -> list[CriterionSpec]:
        return [c for c in self.criteria if c.parent == code]

    def subjects(self) -> list[str]:
        return [s for s in SUBJECTS
                if any(c.subject == s and not c.is_group for c in self.criteria)]

    def counts(self) -> dict[str, int]:
        out = {"group": 0, "user": 0, "unit": 0}
        for c in self.criteria:
            out["group" if c.is_group else c.subject] += 1
        return out


@dataclass
class Report:
    """What an import did (or, dry run, would do)."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    spec: RuleSpec | None = None
    phase: int | None = None
    #: ``create`` (a new version), ``unchanged`` (the latest version holds exactly this)
    action: str = ""
    version: int | None = None
    rule_set: RuleSet | None = None
    activated: bool = False
    changes: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False


# -- settings -------------------------------------------------------------------------------------
def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def merged_settings(settings: dict | None) -> dict:
    """``settings`` over :data:`DEFAULT_SETTINGS`."""
    return _merge(DEFAULT_SETTINGS, settings or {})


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and \
        math.isfinite(float(value))


def _check_settings(settings: Any, problems: list[str]) -> dict:
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        problems.append(_("settings: must be a mapping of names to values."))
        return {}
    known = set(DEFAULT_SETTINGS)
    for key in settings:
        if key not in known:
            problems.append(_("settings: unknown setting “%(key)s” (known: %(known)s).",
                              key=key, known=", ".join(sorted(known))))
    prior = settings.get("shrinkage_prior", 0)
    if not _is_number(prior) or prior < 0:
        problems.append(_("settings.shrinkage_prior: must be a number of officers, 0 or more."))
    if "public_leaderboards" in settings and not isinstance(settings["public_leaderboards"],
                                                            bool):
        problems.append(_("settings.public_leaderboards: must be true or false."))
    anomalies = settings.get("anomalies", {})
    if not isinstance(anomalies, dict):
        problems.append(_("settings.anomalies: must be a mapping."))
    else:
        for key in anomalies:
            if key not in DEFAULT_SETTINGS["anomalies"]:
                problems.append(_("settings.anomalies: unknown setting “%(key)s”.", key=key))
        hours = anomalies.get("max_hours_per_day", 12)
        if not _is_number(hours) or not 0 < hours <= 24:
            problems.append(_("settings.anomalies.max_hours_per_day: must be more than 0 and "
                              "at most 24 (a day has 24 hours)."))
        n = anomalies.get("burst_completions", 3)
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            problems.append(_("settings.anomalies.burst_completions: must be a whole number, "
                              "2 or more."))
        minutes = anomalies.get("burst_minutes", 10)
        if not _is_number(minutes) or minutes <= 0:
            problems.append(_("settings.anomalies.burst_minutes: must be a number of minutes "
                              "above 0."))
    commendation = settings.get("commendation", {})
    if not isinstance(commendation, dict):
        problems.append(_("settings.commendation: must be a mapping."))
    else:
        _check_commendation(commendation, problems)
    return settings


def _check_commendation(node: dict, problems: list[str], path: str = "settings.commendation"):
    for key, value in node.items():
        where = f"{path}.{key}"
        if isinstance(value, dict):
            _check_commendation(value, problems, where)
        elif key == "min_rating" and value not in RATINGS:
            problems.append(_("%(where)s: must be one of %(ratings)s.", where=where,
                              ratings=", ".join(RATINGS)))
        elif key.startswith(("min_share", "cstdcs_share")) and (
                not _is_number(value) or not 0 <= value <= 1):
            problems.append(_("%(where)s: must be a share between 0 and 1 (0.7 for 70%%).",
                              where=where))
        elif key.startswith("min_") and key != "min_rating" and value is not None and (
                not _is_number(value) or value < 0):
            problems.append(_("%(where)s: must be a number, 0 or more.", where=where))


# -- parsing --------------------------------------------------------------------------------------
def _text_pair(value, where: str, what: str, problems: list[str]) -> tuple[str, str]:
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value.strip(), ""
    if isinstance(value, dict):
        vi, en = value.get("vi", ""), value.get("en", "")
        if not isinstance(vi, str) or not isinstance(en, str):
            problems.append(_("%(where)s: %(what)s must be text.", where=where, what=what))
            return "", ""
        return vi.strip(), en.strip()
    problems.append(_("%(where)s: %(what)s must be text or {vi: …, en: …}.", where=where,
                      what=what))
    return "", ""


def _number(raw: dict, key: str, where: str, problems: list[str]) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if not _is_number(value):
        problems.append(_("%(where)s: %(key)s must be a number, not “%(value)s”.",
                          where=where, key=key, value=value))
        return None
    return float(value)


_KNOWN_KEYS = {"code", "name", "kind", "subject", "parent", "children", "max_points", "measure",
               "params", "target", "target_quarter", "points", "cap", "description"}


def _parse_criteria(items, parent: str | None, path: str, out: list[CriterionSpec],
                    problems: list[str]) -> None:
    if not isinstance(items, list):
        problems.append(_("%(where)s: must be a list of criteria.", where=path))
        return
    for i, raw in enumerate(items):
        where = f"{path}[{i}]"
        if not isinstance(raw, dict):
            problems.append(_("%(where)s: a criterion must be a mapping (code, name, kind…).",
                              where=where))
            continue
        code = raw.get("code")
        if isinstance(code, int | float) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str) or not code.strip():
            problems.append(_("%(where)s: the criterion has no code.", where=where))
            code = ""
        code = code.strip()
        if code:
            where = code
            if not CODE.match(code):
                problems.append(_("%(where)s: a code has at most 40 letters, digits and . _ - "
                                  "(starting with a letter or digit).", where=where))
        for key in raw:
            if key not in _KNOWN_KEYS:
                problems.append(_("%(where)s: unknown field “%(key)s”.", where=where, key=key))
        name_vi, name_en = _text_pair(raw.get("name"), where, "name", problems)
        desc_vi, desc_en = _text_pair(raw.get("description"), where, "description", problems)
        own_parent = raw.get("parent")
        if own_parent is not None and not isinstance(own_parent, str):
            own_parent = str(own_parent)
        if parent is not None and own_parent not in (None, parent):
            problems.append(_("%(where)s: it is listed under %(parent)s but names %(other)s as "
                              "its parent.", where=where, parent=parent, other=own_parent))
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            problems.append(_("%(where)s: params must be a mapping.", where=where))
            params = {}
        spec = CriterionSpec(
            code=code, name_vi=name_vi, name_en=name_en,
            kind=str(raw.get("kind", "")).strip(), parent=parent or own_parent,
            subject=str(raw.get("subject", "user")).strip(),
            max_points=_number(raw, "max_points", where, problems),
            measure=raw.get("measure"), params=dict(params),
            target=_number(raw, "target", where, problems),
            target_quarter=_number(raw, "target_quarter", where, problems),
            points=_number(raw, "points", where, problems),
            cap=_number(raw, "cap", where, problems),
            description_vi=desc_vi, description_en=desc_en, where=where)
        out.append(spec)
        if "children" in raw:
            if spec.kind != "group":
                problems.append(_("%(where)s: only a group can have criteria under it.",
                                  where=where))
            _parse_criteria(raw["children"], code or f"?{where}", f"{where}.children", out,
                            problems)


def documents(text: str | bytes) -> tuple[list, list[str]]:
    """The YAML documents of a rules file (one per phase), or the problems reading it."""
    if isinstance(text, bytes):
        if len(text) > MAX_SIZE:
            return [], [_("The file is larger than %(n)d KB.", n=MAX_SIZE // 1024)]
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [_("The file is not UTF-8 text.")]
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (line %(line)d)", line=mark.line + 1) if mark is not None else ""
        return [], [_("The file is not valid YAML%(where)s: %(problem)s",
                      where=where, problem=getattr(exc, "problem", None) or exc)]
    if not docs:
        return [], [_("The file is empty.")]
    return docs, []


def phases_in(text: str | bytes) -> list[int]:
    """The phases a rules file has documents for (those that say ``phase:``)."""
    docs, _problems = documents(text)
    return [d["phase"] for d in docs if isinstance(d, dict) and isinstance(d.get("phase"), int)]


def parse(text: str | bytes, phase: int | None = None) -> tuple[RuleSpec, list[str]]:
    """The spec in a YAML text and the problems found reading it (structure only; see
    :func:`validate` for the rules). A file may hold one document per phase (separated by
    ``---``): ``phase`` chooses one."""
    docs, problems = documents(text)
    if problems:
        return RuleSpec(), problems
    if len(docs) == 1:
        data = docs[0]
    else:
        numbers = [d.get("phase") for d in docs if isinstance(d, dict)]
        if phase is None:
            return RuleSpec(), [_("The file holds the rules of several phases (%(phases)s): "
                                  "say which one to import (--phase).",
                                  phases=", ".join(str(n) for n in numbers))]
        chosen = [d for d in docs if isinstance(d, dict) and d.get("phase") == phase]
        if len(chosen) != 1:
            return RuleSpec(), [_("The file holds no single document for phase %(n)d (it has "
                                  "%(phases)s).", n=phase,
                                  phases=", ".join(str(n) for n in numbers))]
        data = chosen[0]
    if not isinstance(data, dict):
        return RuleSpec(), [_("The file must hold a mapping with “criteria” (and optionally "
                              "format, phase, scale, settings).")]
    for key in data:
        if key not in ("format", "phase", "scale", "settings", "criteria"):
            problems.append(_("Unknown top-level field “%(key)s”.", key=key))
    if data.get("format", FORMAT) != FORMAT:
        problems.append(_("Unknown format %(format)s: this version reads format %(ours)d.",
                          format=data.get("format"), ours=FORMAT))
    spec = RuleSpec()
    scale = data.get("scale", DEFAULT_SCALE)
    if not _is_number(scale) or scale <= 0:
        problems.append(_("scale: must be a number of points above 0 (100)."))
    else:
        spec.scale = float(scale)
    phase = data.get("phase")
    if phase is not None:
        if not isinstance(phase, int) or isinstance(phase, bool):
            problems.append(_("phase: must be the number of a phase (1 or 2)."))
        else:
            spec.phase = phase
    spec.settings = _check_settings(data.get("settings"), problems)
    if "criteria" not in data or not data["criteria"]:
        problems.append(_("The file has no criteria."))
    else:
        _parse_criteria(data["criteria"], None, "criteria", spec.criteria, problems)
    return spec, problems


# -- validation -----------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return f"{x:g}"


def _check_params(c: CriterionSpec, m: MS.Measure, params: dict, problems: list[str],
                  path: str = "params") -> None:
    for key in params:
        if key not in m.params:
            known = ", ".join(sorted(m.params)) or _("none")
            problems.append(_("%(where)s: the measure %(measure)s has no parameter “%(key)s” "
                              "(its parameters: %(known)s).", where=c.where, measure=m.key,
                              key=key, known=known))
    for key, p in m.params.items():
        value = params.get(key)
        if value is None:
            if p.required:
                problems.append(_("%(where)s: the measure %(measure)s needs the parameter "
                                  "%(path)s.%(key)s.", where=c.where, measure=m.key, key=key,
                                  path=path))
            continue
        bad = None
        if p.kind == "str_list":
            if not isinstance(value, list) or not value or not all(
                    isinstance(v, str) and v.strip() for v in value):
                bad = _("a list of texts")
        elif p.kind == "number":
            if not _is_number(value) or value < 0:
                bad = _("a number, 0 or more")
        elif p.kind == "bool":
            if not isinstance(value, bool):
                bad = _("true or false")
        elif p.kind == "choice":
            if value not in p.choices:
                bad = _("one of %(choices)s", choices=", ".join(p.choices))
        elif p.kind == "mapping":
            if not isinstance(value, dict):
                bad = _("a mapping")
        elif p.kind == "measure":
            inner = MS.get(value) if isinstance(value, str) else None
            if inner is None or inner.subject != "user":
                known = ", ".join(sorted(x.key for x in MS.user_measures()))
                problems.append(_("%(where)s: %(path)s.%(key)s names an unknown officers' "
                                  "measure “%(value)s” (known: %(known)s).", where=c.where,
                                  path=path, key=key, value=value, known=known))
        elif p.kind == "params":
            if not isinstance(value, dict):
                bad = _("a mapping")
        if bad is not None:
            problems.append(_("%(where)s: %(path)s.%(key)s must be %(what)s.", where=c.where,
                              path=path, key=key, what=bad))
    # A units' measure aggregating an officers' measure: check that one's parameters too.
    of = params.get("of")
    if m.feeds is not None and isinstance(of, str) and MS.get(of) is not None \
            and MS.get(of).subject == "user":
        inner_params = params.get("of_params") or {}
        if isinstance(inner_params, dict):
            _check_params(c, MS.get(of), inner_params, problems, path=f"{path}.of_params")


def _check_indicator(c: CriterionSpec, problems: list[str]) -> None:
    if c.subject not in SUBJECTS:
        problems.append(_("%(where)s: unknown subject “%(subject)s” (user: officers, unit: "
                          "units).", where=c.where, subject=c.subject))
    if not c.measure:
        problems.append(_("%(where)s: an indicator must name the measure it reads.",
                          where=c.where))
    else:
        m = MS.get(str(c.measure))
        if m is None:
            known = ", ".join(sorted(MS.MEASURES))
            problems.append(_("%(where)s: unknown measure “%(measure)s” (known: %(known)s).",
                              where=c.where, measure=c.measure, known=known))
        else:
            if c.subject in SUBJECTS and m.subject != c.subject:
                problems.append(_(
                    "%(where)s: the measure %(measure)s scores %(theirs)s, but the indicator "
                    "scores %(ours)s.", where=c.where, measure=m.key,
                    theirs=_("units") if m.subject == "unit" else _("officers"),
                    ours=_("units") if c.subject == "unit" else _("officers")))
            _check_params(c, m, c.params, problems)
    if c.kind == "quantitative":
        if c.target is None:
            problems.append(_("%(where)s: a quantitative indicator needs a target.",
                              where=c.where))
        elif c.target <= 0:
            problems.append(_("%(where)s: the target must be above 0.", where=c.where))
        if c.target_quarter is not None and c.target_quarter <= 0:
            problems.append(_("%(where)s: the quarter's target must be above 0.",
                              where=c.where))
        if c.points is None or c.points <= 0:
            problems.append(_("%(where)s: a quantitative indicator needs its points (above 0) "
                              "for reaching the target.", where=c.where))
        if c.cap is not None and c.cap < 1:
            problems.append(_("%(where)s: the cap of a quantitative indicator is the highest "
                              "ratio to the target that counts: 1 or more.", where=c.where))
    elif c.kind == "pass_fail":
        if c.points is None or c.points <= 0:
            problems.append(_("%(where)s: a pass/fail indicator needs its points (above 0).",
                              where=c.where))
        if c.target is not None and c.target <= 0:
            problems.append(_("%(where)s: the target must be above 0.", where=c.where))
        if c.cap is not None:
            problems.append(_("%(where)s: a pass/fail indicator has no cap.", where=c.where))
    else:  # occurrence, bonus, penalty
        if c.points is None or c.points <= 0:
            problems.append(_("%(where)s: give the points per occurrence (above 0).",
                              where=c.where))
        if c.cap is None or c.cap <= 0:
            problems.append(_("%(where)s: give the cap: the most points it can %(verb)s.",
                              where=c.where,
                              verb=_("take off") if c.kind == "penalty" else _("give")))
        if c.target is not None or c.target_quarter is not None:
            problems.append(_("%(where)s: only quantitative and pass/fail indicators have a "
                              "target.", where=c.where))
    if c.max_points is not None and c.kind in INDICATOR_KINDS \
            and abs(c.max_points - c.effective_max()) > TOLERANCE:
        problems.append(_("%(where)s: max_points %(declared)s does not match its rule, which "
                          "gives at most %(actual)s.", where=c.where,
                          declared=_fmt(c.max_points), actual=_fmt(c.effective_max())))


def validate(spec: RuleSpec) -> list[str]:
    """Every problem of ``spec`` (empty: it can be imported)."""
    problems: list[str] = []
    seen: dict[str, CriterionSpec] = {}
    for c in spec.criteria:
        if not c.code:
            continue
        if c.code in seen:
            problems.append(_("%(code)s: the code is used twice.", code=c.code))
        seen.setdefault(c.code, c)
        if not c.name_vi:
            problems.append(_("%(where)s: the criterion has no Vietnamese name.", where=c.where))
        if c.kind not in CRITERION_KINDS:
            problems.append(_("%(where)s: unknown kind “%(kind)s” (expected one of %(kinds)s).",
                              where=c.where, kind=c.kind, kinds=", ".join(CRITERION_KINDS)))
            continue
        if c.is_group:
            if c.max_points is None or c.max_points <= 0:
                problems.append(_("%(where)s: a group needs its max_points (above 0).",
                                  where=c.where))
            for key in ("measure", "target", "points", "cap"):
                if getattr(c, key) not in (None, {}, ""):
                    problems.append(_("%(where)s: a group has no %(key)s: only indicators "
                                      "do.", where=c.where, key=key))
        else:
            _check_indicator(c, problems)
    # The tree: parents known and groups, no cycles, what may sit at the top.
    for c in spec.criteria:
        if c.parent is None:
            if c.kind in ("quantitative", "pass_fail", "occurrence"):
                problems.append(_("%(where)s: only groups, bonuses and penalties may be at the "
                                  "top; put the indicator in a group.", where=c.where))
            continue
        parent = seen.get(c.parent)
        if parent is None:
            if not c.parent.startswith("?"):
                problems.append(_("%(where)s: unknown parent “%(parent)s”.", where=c.where,
                                  parent=c.parent))
        elif not parent.is_group:
            problems.append(_("%(where)s: its parent %(parent)s is an indicator, not a group.",
                              where=c.where, parent=c.parent))
    reported: set[str] = set()
    for c in spec.criteria:
        path, node = [], c
        while node is not None and node.parent is not None:
            if node.code in path:
                cycle = path[path.index(node.code):] + [node.code]
                key = "→".join(sorted(cycle))
                if key not in reported:
                    reported.add(key)
                    problems.append(_("The criteria form a cycle: %(cycle)s.",
                                      cycle=" → ".join(cycle)))
                break
            path.append(node.code)
            node = seen.get(node.parent)
    if problems:
        return problems
    for c in spec.criteria:
        if c.is_group and not spec.children(c.code):
            problems.append(_("%(where)s: the group has no criteria under it.", where=c.where))
    problems += _check_sums(spec)
    return problems


def _has_indicator(spec: RuleSpec, code: str, subject: str) -> bool:
    for child in spec.children(code):
        if child.is_group and _has_indicator(spec, child.code, subject):
            return True
        if not child.is_group and child.subject == subject and child.kind not in EXTRA_KINDS:
            return True
    return False


def _check_sums(spec: RuleSpec) -> list[str]:
    problems = []
    labels = {"user": _("officers"), "unit": _("units")}
    for subject in spec.subjects():
        for g in [c for c in spec.criteria if c.is_group]:
            if not _has_indicator(spec, g.code, subject):
                problems.append(_("%(where)s: the group has no indicator for %(who)s (each "
                                  "group scores everyone the rule set scores).", where=g.where,
                                  who=labels[subject]))
                continue
            parts = [(ch.code, ch.effective_max()) for ch in spec.children(g.code)
                     if ch.is_group or (ch.subject == subject and ch.kind not in EXTRA_KINDS)]
            total = sum(p for _c, p in parts)
            if abs(total - float(g.max_points)) > TOLERANCE:
                detail = " + ".join(f"{code} {_fmt(p)}" for code, p in parts)
                problems.append(_("%(where)s: the group declares %(declared)s points, but its "
                                  "criteria for %(who)s give %(total)s (%(detail)s).",
                                  where=g.where, declared=_fmt(g.max_points), who=labels[subject],
                                  total=_fmt(total), detail=detail))
        tops = [c for c in spec.children(None) if c.is_group]
        total = sum(float(c.max_points) for c in tops)
        if tops and abs(total - spec.scale) > TOLERANCE:
            detail = " + ".join(f"{c.code} {_fmt(c.max_points)}" for c in tops)
            problems.append(_("The top groups sum to %(total)s points, not %(scale)s as declared "
                              "by scale (%(detail)s).", total=_fmt(total),
                              scale=_fmt(spec.scale), detail=detail))
            break
    return problems


# -- reading the database -------------------------------------------------------------------------
def rule_sets(phase) -> list[RuleSet]:
    """Every version of the phase's rules, newest first."""
    return list(db.session.scalars(sa.select(RuleSet).where(RuleSet.phase_id == phase.id)
                                   .order_by(RuleSet.version.desc())))


def active_rule_set(phase) -> RuleSet | None:
    return db.session.scalar(sa.select(RuleSet).where(RuleSet.phase_id == phase.id,
                                                      RuleSet.status == "active"))


def rule_set_by_version(phase, version: int) -> RuleSet | None:
    return db.session.scalar(sa.select(RuleSet).where(RuleSet.phase_id == phase.id,
                                                      RuleSet.version == version))


def settings_for(period_or_phase) -> dict:
    """The settings in force for a period (or phase): the active rule set's over the
    defaults."""
    phase_id = getattr(period_or_phase, "phase_id", None) or period_or_phase.id
    rule_set = db.session.scalar(sa.select(RuleSet).where(RuleSet.phase_id == phase_id,
                                                          RuleSet.status == "active"))
    return merged_settings(rule_set.settings if rule_set is not None else {})


def tree_rows(rule_set: RuleSet) -> list[tuple[Criterion, int]]:
    """The criteria in depth-first order with their depth."""
    children: dict[int | None, list[Criterion]] = {}
    for c in rule_set.criteria:
        children.setdefault(c.parent_id, []).append(c)
    out: list[tuple[Criterion, int]] = []

    def walk(parent_id, depth):
        for c in sorted(children.get(parent_id, []), key=lambda x: (x.sort_order, x.id)):
            out.append((c, depth))
            walk(c.id, depth + 1)

    walk(None, 0)
    return out


def target_for(criterion: Criterion, period_kind: str) -> float | None:
    """The indicator's target for a period of ``period_kind`` (a quarter's own target when
    the rules give one)."""
    if period_kind == "quarter" and (criterion.params or {}).get(TARGET_QUARTER) is not None:
        return float(criterion.params[TARGET_QUARTER])
    return criterion.target


def measure_params(criterion: Criterion) -> dict:
    """The criterion's parameters for its measure (without the reserved keys)."""
    return {k: v for k, v in (criterion.params or {}).items() if not k.startswith("_")}


# -- spec <-> database ----------------------------------------------------------------------------
def spec_of(rule_set: RuleSet) -> RuleSpec:
    """The spec a stored version holds."""
    by_id = {c.id: c for c in rule_set.criteria}
    phase = db.session.get(campaign.M.Phase, rule_set.phase_id)
    spec = RuleSpec(scale=float(rule_set.settings.get("_scale", DEFAULT_SCALE)),
                    phase=phase.number if phase else None,
                    settings={k: v for k, v in (rule_set.settings or {}).items()
                              if not k.startswith("_")})
    for c, _depth in tree_rows(rule_set):
        params = dict(c.params or {})
        tq = params.pop(TARGET_QUARTER, None)
        spec.criteria.append(CriterionSpec(
            code=c.code, name_vi=c.name_vi, name_en=c.name_en, kind=c.kind,
            parent=by_id[c.parent_id].code if c.parent_id else None, subject=c.subject,
            max_points=c.max_points if c.kind == "group" else None, measure=c.measure,
            params=params, target=c.target, target_quarter=tq, points=c.points, cap=c.cap,
            description_vi=c.description_vi, description_en=c.description_en, where=c.code))
    return spec


def _criterion_dict(spec: RuleSpec, c: CriterionSpec) -> dict:
    d: dict[str, Any] = {"code": c.code,
                         "name": {"vi": c.name_vi, "en": c.name_en} if c.name_en else c.name_vi,
                         "kind": c.kind}
    if c.is_group:
        d["max_points"] = _plain(c.max_points)
    else:
        d["subject"] = c.subject
        d["measure"] = c.measure
        if c.params:
            d["params"] = c.params
        for key in ("target", "target_quarter", "points", "cap"):
            value = getattr(c, key)
            if value is not None:
                d[key] = _plain(value)
    if c.description_vi or c.description_en:
        d["description"] = ({"vi": c.description_vi, "en": c.description_en}
                            if c.description_en else c.description_vi)
    if c.is_group:
        d["children"] = [_criterion_dict(spec, ch) for ch in spec.children(c.code)]
    return d


def _plain(x):
    return int(x) if x is not None and float(x).is_integer() else x


def to_data(spec: RuleSpec) -> dict:
    data: dict[str, Any] = {"format": FORMAT}
    if spec.phase is not None:
        data["phase"] = spec.phase
    data["scale"] = _plain(spec.scale)
    data["settings"] = merged_settings(spec.settings)
    data["criteria"] = [_criterion_dict(spec, c) for c in spec.children(None)]
    return data


def export_yaml(rule_set: RuleSet) -> str:
    """The version as a YAML file that imports back to the same rules."""
    spec = spec_of(rule_set)
    phase = db.session.get(campaign.M.Phase, rule_set.phase_id)
    head = (f"# Quy tắc chấm điểm thi đua — {phase.name_vi if phase else ''}, "
            f"phiên bản {rule_set.version} ({rule_set.status})\n"
            f"# Emulation scoring rules — {phase.name_en if phase else ''}, "
            f"version {rule_set.version}\n# Format: docs/emulation-rules.md\n")
    return head + yaml.safe_dump(to_data(spec), allow_unicode=True, sort_keys=False, width=100)


def _canonical(spec: RuleSpec) -> dict:
    data = to_data(spec)
    data.pop("phase", None)
    return data


def _changes(old: RuleSpec | None, new: RuleSpec) -> dict[str, list[str]]:
    if old is None:
        return {"added": [c.code for c in new.criteria], "removed": [], "changed": []}
    a, b = old.by_code(), new.by_code()

    def sig(c: CriterionSpec):
        return (c.name_vi, c.name_en, c.kind, c.parent, c.subject, c.max_points, c.measure,
                c.params, c.target, c.target_quarter, c.points, c.cap)

    return {"added": [c for c in b if c not in a], "removed": [c for c in a if c not in b],
            "changed": [c for c in b if c in a and sig(a[c]) != sig(b[c])]}


def _store(spec: RuleSpec, phase, version: int, source: str, actor) -> RuleSet:
    settings = merged_settings(spec.settings)
    settings["_scale"] = spec.scale
    rule_set = RuleSet(phase_id=phase.id, version=version, status="draft", settings=settings,
                       source_yaml=source, created_by_id=getattr(actor, "id", None))
    db.session.add(rule_set)
    db.session.flush()
    ids: dict[str, int] = {}
    pending = list(spec.criteria)
    order = {c.code: i for i, c in enumerate(spec.criteria)}
    while pending:  # parents before children (validated: no cycles, parents exist)
        rest = []
        for c in pending:
            if c.parent is not None and c.parent not in ids:
                rest.append(c)
                continue
            params = dict(c.params)
            if c.target_quarter is not None:
                params[TARGET_QUARTER] = c.target_quarter
            row = Criterion(
                rule_set_id=rule_set.id, parent_id=ids.get(c.parent) if c.parent else None,
                code=c.code, name_vi=c.name_vi, name_en=c.name_en,
                subject=c.subject if not c.is_group else "user", kind=c.kind,
                max_points=c.effective_max(), measure=c.measure if not c.is_group else None,
                params=params, target=c.target if not c.is_group else None,
                points=c.points, cap=c.cap, description_vi=c.description_vi,
                description_en=c.description_en, sort_order=order[c.code])
            db.session.add(row)
            db.session.flush()
            ids[c.code] = row.id
        pending = rest
    db.session.refresh(rule_set)
    return rule_set


def import_spec(spec: RuleSpec, *, phase: int | None = None, source: str = "",
                dry_run: bool = False, activate: bool = False, actor=None,
                problems: list[str] | None = None, action_name: str = "rules.import") -> Report:
    """Check ``spec`` and store it as the phase's next version (see :func:`import_rules`)."""
    problems = list(problems or [])
    number = phase if phase is not None else spec.phase
    if phase is not None and spec.phase is not None and spec.phase != phase:
        problems.append(_("The file is for phase %(file)d, not phase %(asked)d.",
                          file=spec.phase, asked=phase))
    if number is None:
        problems.append(_("Say which phase the rules are for (--phase, or phase: in the "
                          "file)."))
    if not problems:
        problems += validate(spec)
    phase_row = None
    if number is not None:
        try:
            phase_row = campaign.phase_row(number)
        except UserError as exc:
            problems.append(str(exc))
    report = Report(ok=not problems, problems=problems, spec=spec, phase=number,
                    dry_run=dry_run)
    if problems:
        return report
    spec.phase = number
    versions = rule_sets(phase_row)
    latest = versions[0] if versions else None
    active = active_rule_set(phase_row)
    report.changes = _changes(spec_of(active) if active else None, spec)
    if latest is not None and _canonical(spec_of(latest)) == _canonical(spec):
        report.action, report.version, report.rule_set = "unchanged", latest.version, latest
        if activate and not dry_run and latest.status != "active":
            activate_rule_set(latest, actor)
            report.activated = True
        return report
    report.action = "create"
    report.version = (latest.version + 1) if latest else 1
    if dry_run:
        return report
    rule_set = _store(spec, phase_row, report.version, source or yaml.safe_dump(
        to_data(spec), allow_unicode=True, sort_keys=False), actor)
    audit.record(actor, action_name, "rule_set", rule_set.id, None,
                 {"phase": number, "version": rule_set.version, **report.changes})
    report.rule_set = rule_set
    if activate:
        activate_rule_set(rule_set, actor)
        report.activated = True
    return report


def import_rules(data: str | bytes, *, phase: int | None = None, dry_run: bool = False,
                 activate: bool = False, actor=None) -> Report:
    """Import a YAML rules file as the next version of the phase's rules (``phase``, or the
    file's ``phase:``). Nothing is written when the report has problems, on a dry run, or
    when the latest version already holds exactly these rules (then ``action`` is
    ``unchanged``; with ``activate`` that version is activated). Flushes."""
    spec, problems = parse(data, phase)
    text = data.decode("utf-8-sig", "replace") if isinstance(data, bytes) else data
    if len(documents(text)[0]) > 1:
        text = ""  # a file of several phases: keep this phase's rules alone
    return import_spec(spec, phase=phase, source=text, dry_run=dry_run, activate=activate,
                       actor=actor, problems=problems)


def activate_rule_set(rule_set: RuleSet, actor=None) -> RuleSet:
    """Make ``rule_set`` the active version of its phase; the active one is retired. The
    scores of the phase's open periods are rebuilt by the next scoring pass."""
    if rule_set.status == "active":
        return rule_set
    before = active_rule_set(db.session.get(campaign.M.Phase, rule_set.phase_id))
    if before is not None:
        before.status = "retired"
        db.session.flush()
    old_status = rule_set.status
    rule_set.status = "active"
    rule_set.activated_at = utcnow()
    db.session.flush()
    audit.record(actor, "rules.activate", "rule_set", rule_set.id,
                 {"status": old_status, "active_version": before.version if before else None},
                 {"status": "active", "version": rule_set.version})
    return rule_set


#: Fields of an indicator that can be edited in the browser.
EDITABLE = ("target", "target_quarter", "points", "cap")


def revise(rule_set: RuleSet, changes: dict[str, dict[str, float | None]], *, actor=None,
           activate: bool = False) -> Report:
    """A new version of ``rule_set``'s phase: a copy of it with ``changes`` (criterion code
    -> {``target``, ``target_quarter``, ``points``, ``cap``, ``max_points`` (groups)}),
    checked like an import."""
    spec = spec_of(rule_set)
    by_code = spec.by_code()
    problems = []
    for code, fields in changes.items():
        c = by_code.get(code)
        if c is None:
            problems.append(_("%(code)s: no such criterion in version %(version)d.", code=code,
                              version=rule_set.version))
            continue
        for key, value in fields.items():
            if key == "max_points" and c.is_group:
                c.max_points = value
            elif key in EDITABLE and not c.is_group:
                setattr(c, key, value)
    return import_spec(spec, phase=spec.phase, dry_run=False, activate=activate, actor=actor,
                       problems=problems, action_name="rules.edit")
