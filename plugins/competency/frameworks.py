"""Competency frameworks (*khung năng lực*): versions, the tree, levels and their criteria.

A framework is a tree of nodes of three kinds: professional fields, groups and competencies,
to any depth (a field or group holds groups and competencies; a competency holds only
sub-competencies). Every node has a code, unique in its version, Vietnamese and English
names and descriptions; each competency has, for every level of the framework's scale
(3 by default), observable criteria in both languages.

Versions. HR creates a **draft**, edits it and **publishes** it. A published version is never
edited: revising it creates the next version as a draft copy; publishing that draft
**retires** the previous one. Every version stays in the database and readable, so results
recorded against an old version keep their meaning. Officers' data refers to competencies by
code, which is stable across versions.

The tree is checked as a whole (:func:`validate_spec`) before anything is written, whether
it comes from the editing pages, a CSV or CASE file (``interchange.py``) or the demo data:
unique codes, known parents, no cycles, levels within the scale.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms_core.db import utcnow
from lms_core.errors import UserError
from lms_core.extensions import db
from plugins.competency import signals
from plugins.competency.models import NODE_KINDS, Competency, Framework, LevelCriteria

#: Codes: letters, digits and ``. - _``, upper case, at most 40 characters (``GSQL.01``).
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
DEFAULT_LEVELS = 3
MAX_LEVELS = 10
NAME_MAX = 300

#: The names of the default three levels (Vietnam Customs classifies officers into three).
DEFAULT_LEVEL_NAMES = {
    1: ("Cơ bản", "Basic"),
    2: ("Thành thạo", "Proficient"),
    3: ("Chuyên sâu", "Advanced"),
}

KIND_LABELS = {
    "field": _l("professional field"),
    "group": _l("group"),
    "competency": _l("competency"),
}
STATUS_LABELS = {
    "draft": _l("draft (not in force)"),
    "published": _l("in force"),
    "retired": _l("no longer in force"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def normalise_code(value: str | None) -> str:
    return (value or "").strip().upper()


# -- the scale ------------------------------------------------------------------------------

def default_scale(levels: int = DEFAULT_LEVELS) -> list[dict[str, Any]]:
    """Level names for a scale of ``levels``: the customs names for 3, numbered otherwise."""
    out = []
    for level in range(1, levels + 1):
        vi, en = DEFAULT_LEVEL_NAMES.get(level, (f"Mức {level}", f"Level {level}")) \
            if levels == DEFAULT_LEVELS else (f"Mức {level}", f"Level {level}")
        out.append({"level": level, "name_vi": vi, "name_en": en})
    return out


def normalise_scale(scale: list[dict[str, Any]] | None, levels: int) -> list[dict[str, Any]]:
    """One entry per level 1..``levels``, names taken from ``scale`` where given."""
    given = {int(s.get("level", 0)): s for s in (scale or []) if str(s.get("level", "")).isdigit()}
    out = []
    for default in default_scale(levels):
        s = given.get(default["level"], {})
        out.append({"level": default["level"],
                    "name_vi": (s.get("name_vi") or "").strip() or default["name_vi"],
                    "name_en": (s.get("name_en") or "").strip() or default["name_en"]})
    return out


def level_names(framework: Framework) -> dict[int, dict[str, Any]]:
    return {s["level"]: s for s in normalise_scale(framework.scale, framework.scale_levels)}


# -- the in-memory tree (what files and forms are checked as) --------------------------------

@dataclass
class NodeSpec:
    """A node as read from a file or a form, before it is written."""

    code: str
    name_vi: str
    kind: str = "competency"
    name_en: str = ""
    description_vi: str = ""
    description_en: str = ""
    parent_code: str | None = None
    field_code: str | None = None
    case_identifier: str | None = None
    #: ``level -> (criteria_vi, criteria_en)``.
    criteria: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: Order among its siblings (lower first; ties keep the order of the file).
    sort_key: float = 0
    #: Where it was read, for messages: ``Line 7``, ``CFItem 3 (GSQL.01)``.
    where: str = ""


@dataclass
class FrameworkSpec:
    """A whole framework version as read from a file, a form or the database."""

    code: str
    name_vi: str
    name_en: str = ""
    description_vi: str = ""
    description_en: str = ""
    scale_levels: int = DEFAULT_LEVELS
    scale: list[dict[str, Any]] = field(default_factory=list)
    case_identifier: str | None = None
    nodes: list[NodeSpec] = field(default_factory=list)
    where: str = ""
    #: Remarks of the reader that are not problems (ignored parts of a file).
    notes: list[str] = field(default_factory=list)

    def ordered(self) -> list[tuple[NodeSpec, int]]:
        """The nodes depth-first, parents before children, siblings by ``sort_key`` (then
        their order in ``nodes``), each with its depth. Nodes whose parent is unknown or in
        a cycle are left out (validation reports them)."""
        children: dict[str | None, list[tuple[int, NodeSpec]]] = defaultdict(list)
        codes = {n.code for n in self.nodes}
        for i, n in enumerate(self.nodes):
            parent = n.parent_code if n.parent_code in codes else None
            if n.parent_code and n.parent_code not in codes:
                continue
            children[parent].append((i, n))
        out: list[tuple[NodeSpec, int]] = []
        seen: set[str] = set()

        def walk(parent: str | None, depth: int) -> None:
            for _i, n in sorted(children.get(parent, ()), key=lambda t: (t[1].sort_key, t[0])):
                if n.code in seen:
                    continue
                seen.add(n.code)
                out.append((n, depth))
                walk(n.code, depth + 1)

        walk(None, 0)
        return out

    def canonical(self) -> dict[str, Any]:
        """What makes two versions "the same framework": everything but identifiers, the
        exact sort numbers (only the order counts) and where things were read."""
        return {
            "code": self.code, "name_vi": self.name_vi, "name_en": self.name_en,
            "description_vi": self.description_vi, "description_en": self.description_en,
            "scale": normalise_scale(self.scale, self.scale_levels),
            "nodes": [
                {"code": n.code, "parent": n.parent_code, "kind": n.kind, "depth": depth,
                 "name_vi": n.name_vi, "name_en": n.name_en,
                 "description_vi": n.description_vi, "description_en": n.description_en,
                 "field_code": n.field_code or None,
                 "criteria": {level: list(pair) for level, pair in sorted(n.criteria.items())
                              if pair[0] or pair[1]}}
                for n, depth in self.ordered()
            ],
        }

    def counts(self) -> dict[str, int]:
        out = {kind: 0 for kind in NODE_KINDS}
        for n in self.nodes:
            out[n.kind] = out.get(n.kind, 0) + 1
        out["criteria"] = sum(1 for n in self.nodes for pair in n.criteria.values() if any(pair))
        return out


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def validate_spec(spec: FrameworkSpec) -> list[str]:
    """Every problem of ``spec``, each a sentence that says where (line or item) and what;
    an empty list when the framework can be written."""
    problems: list[str] = []

    def add(where: str, message: str) -> None:
        problems.append(_at(where, message))

    if not CODE_RE.match(spec.code or ""):
        add(spec.where, _("The framework code “%(code)s” is not valid: use letters, digits and "
                          "- _ . (at most 40 characters).", code=spec.code))
    if not (spec.name_vi or "").strip():
        add(spec.where, _("The framework has no Vietnamese name."))
    if not 1 <= int(spec.scale_levels or 0) <= MAX_LEVELS:
        add(spec.where, _("The scale must have between 1 and %(max)d levels; this one has "
                          "%(n)d.", max=MAX_LEVELS, n=int(spec.scale_levels or 0)))
    scale = int(spec.scale_levels or 0)
    first: dict[str, NodeSpec] = {}
    for n in spec.nodes:
        if not n.code:
            add(n.where, _("The code is empty."))
            continue
        if not CODE_RE.match(n.code):
            add(n.where, _("The code “%(code)s” is not valid: use letters, digits and - _ . "
                           "(at most 40 characters).", code=n.code))
        if n.code in first:
            if first[n.code].where:
                add(n.where, _("The code %(code)s appears twice (also at %(first)s).",
                               code=n.code, first=first[n.code].where))
            else:
                add(n.where, _("The code %(code)s appears twice.", code=n.code))
            continue
        first[n.code] = n
        if n.kind not in NODE_KINDS:
            add(n.where, _("%(code)s: unknown kind “%(kind)s”; use field, group or competency.",
                           code=n.code, kind=n.kind))
        if not (n.name_vi or "").strip():
            add(n.where, _("%(code)s has no Vietnamese name.", code=n.code))
        elif len(n.name_vi) > NAME_MAX or len(n.name_en or "") > NAME_MAX:
            add(n.where, _("%(code)s: a name is longer than %(max)d characters.",
                           code=n.code, max=NAME_MAX))
        for level, pair in sorted(n.criteria.items()):
            if not (pair[0] or pair[1]):
                continue
            if not 1 <= level <= scale:
                add(n.where, _("%(code)s: level %(level)d is outside the scale 1–%(max)d.",
                               code=n.code, level=level, max=scale))
            elif n.kind != "competency":
                add(n.where, _("%(code)s is a %(kind)s: only competencies have level criteria.",
                               code=n.code, kind=kind_label(n.kind)))
    for n in spec.nodes:
        if not n.parent_code or not n.code or first.get(n.code) is not n:
            continue
        parent = first.get(n.parent_code)
        if parent is None:
            add(n.where, _("The parent %(parent)s of %(code)s is not in the framework.",
                           parent=n.parent_code, code=n.code))
        elif parent is n:
            add(n.where, _("%(code)s is its own parent.", code=n.code))
        elif parent.kind == "competency" and n.kind != "competency":
            add(n.where, _("%(code)s is a %(kind)s and cannot be placed under the competency "
                           "%(parent)s.", code=n.code, kind=kind_label(n.kind),
                           parent=parent.code))
    # cycles: follow the parents from every node; a walk that comes back is a cycle
    reported: set[frozenset[str]] = set()
    for n in first.values():
        path, code = [], n.code
        while code is not None and code in first and code not in path:
            path.append(code)
            code = first[code].parent_code
        if code is not None and code in path:
            cycle = path[path.index(code):]
            key = frozenset(cycle)
            if len(cycle) > 1 and key not in reported:
                reported.add(key)
                add(first[cycle[0]].where, _(
                    "The parents of %(codes)s form a cycle: each is below the next.",
                    codes=" → ".join([*cycle, cycle[0]])))
    return problems


def check_spec(spec: FrameworkSpec) -> None:
    """Raise :class:`UserError` with the first problem (and how many there are)."""
    problems = validate_spec(spec)
    if problems:
        more = len(problems) - 1
        message = problems[0] if not more else _("%(problem)s (and %(n)d more problems)",
                                                   problem=problems[0], n=more)
        raise UserError(message)


# -- database <-> spec ----------------------------------------------------------------------

def spec_from_framework(framework: Framework) -> FrameworkSpec:
    nodes = list(framework.nodes)
    by_id = {n.id: n for n in nodes}
    return FrameworkSpec(
        code=framework.code, name_vi=framework.name_vi, name_en=framework.name_en or "",
        description_vi=framework.description_vi or "",
        description_en=framework.description_en or "",
        scale_levels=framework.scale_levels,
        scale=normalise_scale(framework.scale, framework.scale_levels),
        case_identifier=framework.case_identifier,
        nodes=[NodeSpec(
            code=n.code, name_vi=n.name_vi, kind=n.kind, name_en=n.name_en or "",
            description_vi=n.description_vi or "", description_en=n.description_en or "",
            parent_code=by_id[n.parent_id].code if n.parent_id in by_id else None,
            field_code=n.field_code, case_identifier=n.case_identifier,
            criteria={c.level: (c.criteria_vi or "", c.criteria_en or "") for c in n.criteria},
            sort_key=n.sort_order) for n in nodes],
    )


def build_framework(spec: FrameworkSpec, *, version: int, status: str = "draft") -> Framework:
    """Write ``spec`` as a new version (checked first: nothing is written when it is bad)."""
    check_spec(spec)
    framework = Framework(
        code=spec.code, version=version, name_vi=spec.name_vi.strip(),
        name_en=(spec.name_en or "").strip(), description_vi=spec.description_vi or "",
        description_en=spec.description_en or "", scale_levels=int(spec.scale_levels),
        scale=normalise_scale(spec.scale, int(spec.scale_levels)), status=status,
        case_identifier=spec.case_identifier,
        published_at=utcnow() if status == "published" else None)
    db.session.add(framework)
    _write_nodes(framework, spec)
    db.session.flush()
    return framework


def _write_nodes(framework: Framework, spec: FrameworkSpec) -> None:
    by_code: dict[str, Competency] = {}
    for i, (n, _depth) in enumerate(spec.ordered()):
        node = Competency(
            code=n.code, kind=n.kind, name_vi=n.name_vi.strip(), name_en=(n.name_en or "").strip(),
            description_vi=n.description_vi or "", description_en=n.description_en or "",
            field_code=n.field_code or None, sort_order=(i + 1) * 10,
            case_identifier=n.case_identifier, parent=by_code.get(n.parent_code or ""))
        node.criteria = [LevelCriteria(level=level, criteria_vi=vi or "", criteria_en=en or "")
                         for level, (vi, en) in sorted(n.criteria.items()) if vi or en]
        framework.nodes.append(node)
        by_code[n.code] = node


# -- reading --------------------------------------------------------------------------------

def framework_version(code: str, version: int) -> Framework | None:
    return db.session.scalar(sa.select(Framework).where(
        Framework.code == normalise_code(code), Framework.version == version))


def versions_of(code: str) -> list[Framework]:
    """Every version of the framework ``code``, newest first."""
    return list(db.session.scalars(sa.select(Framework).where(
        Framework.code == normalise_code(code)).order_by(Framework.version.desc())))


def draft_of(code: str) -> Framework | None:
    return db.session.scalar(sa.select(Framework).where(
        Framework.code == normalise_code(code), Framework.status == "draft"))


def all_frameworks() -> dict[str, list[Framework]]:
    """``code -> versions (newest first)`` for every framework, by code."""
    out: dict[str, list[Framework]] = defaultdict(list)
    for fw in db.session.scalars(sa.select(Framework).order_by(Framework.code,
                                                               Framework.version.desc())):
        out[fw.code].append(fw)
    return dict(out)


def published_framework(code: str | None = None) -> Framework | None:
    """The published version of the framework ``code``. With no code, the framework the
    platform uses: the one named by the setting ``COMPETENCY_FRAMEWORK`` when set, else the
    most recently published one (the demo has exactly one)."""
    if code is None and has_app_context():
        code = current_app.config.get("COMPETENCY_FRAMEWORK") or None
    stmt = sa.select(Framework).where(Framework.status == "published")
    if code is not None:
        stmt = stmt.where(Framework.code == normalise_code(code))
    return db.session.scalar(stmt.order_by(Framework.published_at.desc().nulls_last(),
                                           Framework.id.desc()).limit(1))


def competency_index(framework: Framework | None = None) -> dict[str, Competency]:
    """``code -> node`` for the nodes of kind competency in ``framework`` (default: the
    published framework the platform uses); empty when there is none."""
    framework = framework or published_framework()
    if framework is None:
        return {}
    return {n.code: n for n in db.session.scalars(sa.select(Competency).where(
        Competency.framework_id == framework.id, Competency.kind == "competency"
    ).order_by(Competency.sort_order, Competency.code))}


def scale_max(framework: Framework | None = None) -> int:
    """The highest level of ``framework``'s scale (default: the published framework's; the
    plugin's ``COMPETENCY_LEVELS`` setting, 3, when nothing is published)."""
    framework = framework or published_framework()
    if framework is not None:
        return int(framework.scale_levels)
    if has_app_context():
        return int(current_app.config.get("COMPETENCY_LEVELS", DEFAULT_LEVELS))
    return DEFAULT_LEVELS


def node_by_code(framework: Framework, code: str) -> Competency | None:
    return db.session.scalar(sa.select(Competency).where(
        Competency.framework_id == framework.id, Competency.code == normalise_code(code)))


def tree_rows(framework: Framework) -> list[tuple[Competency, int]]:
    """The nodes depth-first as ``(node, depth)``; siblings by their order, then code."""
    nodes = list(framework.nodes)
    ids = {n.id for n in nodes}
    children: dict[int | None, list[Competency]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id if n.parent_id in ids else None].append(n)
    for kids in children.values():
        kids.sort(key=lambda n: (n.sort_order, n.code))
    out: list[tuple[Competency, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for n in children.get(parent, ()):
            out.append((n, depth))
            if depth < 50:
                walk(n.id, depth + 1)

    walk(None, 0)
    return out


def subtree_codes(framework: Framework, code: str) -> set[str]:
    """``code`` and the codes of every node below it."""
    nodes = list(framework.nodes)
    kids: dict[int | None, list[Competency]] = defaultdict(list)
    for n in nodes:
        kids[n.parent_id].append(n)
    start = next((n for n in nodes if n.code == code), None)
    if start is None:
        return set()
    out, stack = set(), [start]
    while stack:
        n = stack.pop()
        if n.code not in out:
            out.add(n.code)
            stack.extend(kids.get(n.id, ()))
    return out


# -- changing -------------------------------------------------------------------------------

def _require_draft(framework: Framework) -> None:
    if framework.status != "draft":
        raise UserError(_("Version %(version)d of %(code)s is %(status)s: only a draft can be "
                          "changed. Create a new version to revise it.",
                          version=framework.version, code=framework.code,
                          status=status_label(framework.status)))


def create_framework(code: str, name_vi: str, *, name_en: str = "", description_vi: str = "",
                     description_en: str = "", scale_levels: int = DEFAULT_LEVELS,
                     scale: list[dict[str, Any]] | None = None) -> Framework:
    """A new framework: version 1, a draft with no nodes yet."""
    code = normalise_code(code)
    if db.session.scalar(sa.select(Framework.id).where(Framework.code == code).limit(1)):
        raise UserError(_("A framework with the code %(code)s exists already.", code=code),
                        field="code")
    spec = FrameworkSpec(code=code, name_vi=(name_vi or "").strip(), name_en=name_en or "",
                         description_vi=description_vi or "",
                         description_en=description_en or "", scale_levels=int(scale_levels),
                         scale=scale or [])
    return build_framework(spec, version=1)


def update_framework(framework: Framework, *, name_vi: str, name_en: str = "",
                     description_vi: str = "", description_en: str = "",
                     scale_levels: int | None = None,
                     scale: list[dict[str, Any]] | None = None) -> Framework:
    """Change a draft's names, descriptions and scale. Shrinking the scale is refused while a
    competency has criteria for a level that would disappear."""
    _require_draft(framework)
    spec = spec_from_framework(framework)
    spec.name_vi, spec.name_en = (name_vi or "").strip(), (name_en or "").strip()
    spec.description_vi, spec.description_en = description_vi or "", description_en or ""
    if scale_levels is not None:
        spec.scale_levels = int(scale_levels)
    if scale is not None:
        spec.scale = scale
    check_spec(spec)
    framework.name_vi, framework.name_en = spec.name_vi, spec.name_en
    framework.description_vi, framework.description_en = spec.description_vi, spec.description_en
    framework.scale_levels = int(spec.scale_levels)
    framework.scale = normalise_scale(spec.scale, framework.scale_levels)
    db.session.flush()
    return framework


def save_node(framework: Framework, node: Competency | None, *, code: str, kind: str,
              name_vi: str, name_en: str = "", description_vi: str = "",
              description_en: str = "", parent_code: str | None = None,
              field_code: str | None = None, sort_order: int | None = None,
              criteria: dict[int, tuple[str, str]] | None = None) -> Competency:
    """Add a node to a draft (``node`` None) or change one. The whole tree is checked with the
    change applied (unique code, known parent, no cycle, levels within the scale)."""
    _require_draft(framework)
    code, parent_code = normalise_code(code), normalise_code(parent_code) or None
    criteria = {int(k): (v[0] or "", v[1] or "") for k, v in (criteria or {}).items()}
    spec = spec_from_framework(framework)
    old_code = node.code if node is not None else None
    new = NodeSpec(code=code, name_vi=(name_vi or "").strip(), kind=kind,
                   name_en=(name_en or "").strip(), description_vi=description_vi or "",
                   description_en=description_en or "", parent_code=parent_code,
                   field_code=normalise_code(field_code) or None, criteria=criteria,
                   sort_key=sort_order or 0)
    if node is None:
        spec.nodes.append(new)
    else:
        spec.nodes = [new if n.code == old_code else n for n in spec.nodes]
        for n in spec.nodes:
            if n.parent_code == old_code and n is not new:
                n.parent_code = code
    check_spec(spec)
    parent = node_by_code(framework, parent_code) if parent_code else None
    if node is None:
        if sort_order is None:
            siblings = [n.sort_order for n in framework.nodes
                        if n.parent_id == (parent.id if parent else None)]
            sort_order = (max(siblings) + 10) if siblings else 10
        node = Competency(code=code, kind=kind, name_vi=new.name_vi)
        framework.nodes.append(node)
    node.code, node.kind = code, kind
    node.name_vi, node.name_en = new.name_vi, new.name_en
    node.description_vi, node.description_en = new.description_vi, new.description_en
    node.field_code = new.field_code
    node.parent = parent
    if sort_order is not None:
        node.sort_order = int(sort_order)
    existing = {c.level: c for c in node.criteria}
    for level, (vi, en) in sorted(criteria.items()):
        if vi or en:
            row = existing.pop(level, None) or LevelCriteria(level=level)
            row.criteria_vi, row.criteria_en = vi, en
            if row not in node.criteria:
                node.criteria.append(row)
    for level in list(existing):
        if level in criteria:  # emptied: removed
            node.criteria.remove(existing[level])
    db.session.flush()
    return node


def delete_node(framework: Framework, node: Competency) -> None:
    """Remove a node from a draft; refused while other nodes are below it."""
    _require_draft(framework)
    below = [n for n in framework.nodes if n.parent_id == node.id]
    if below:
        raise UserError(_("Move or delete the %(n)d nodes below %(code)s first.",
                          n=len(below), code=node.code))
    framework.nodes.remove(node)
    db.session.flush()


def publish(framework: Framework) -> Framework:
    """Publish a draft: checked whole, it becomes the version in force and the version that
    was published before it is retired (it stays readable)."""
    _require_draft(framework)
    spec = spec_from_framework(framework)
    check_spec(spec)
    if not any(n.kind == "competency" for n in spec.nodes):
        raise UserError(_("The framework has no competency yet: add at least one before "
                          "publishing it."))
    for other in db.session.scalars(sa.select(Framework).where(
            Framework.code == framework.code, Framework.status == "published",
            Framework.id != framework.id)):
        other.status = "retired"
    framework.status = "published"
    framework.published_at = utcnow()
    db.session.flush()
    signals.framework_published.send(framework)
    return framework


def revise(framework: Framework) -> Framework:
    """A new draft version, a copy of ``framework`` (any published or retired version),
    numbered after the highest version. Refused while the framework has a draft already."""
    if framework.status == "draft":
        raise UserError(_("Version %(version)d is a draft already: edit it.",
                          version=framework.version))
    existing = draft_of(framework.code)
    if existing is not None:
        raise UserError(_("%(code)s already has a draft, version %(version)d: edit, publish or "
                          "discard it first.", code=framework.code, version=existing.version))
    return build_framework(spec_from_framework(framework), version=next_version(framework.code))


def next_version(code: str) -> int:
    highest = db.session.scalar(sa.select(sa.func.max(Framework.version)).where(
        Framework.code == normalise_code(code)))
    return (highest or 0) + 1


def discard(framework: Framework) -> None:
    """Delete a draft version (published and retired versions are never deleted)."""
    _require_draft(framework)
    db.session.delete(framework)
    db.session.flush()


def diff(old: FrameworkSpec | None, new: FrameworkSpec) -> dict[str, list[str]]:
    """Codes added, removed and changed from ``old`` to ``new`` (for previews)."""
    new_nodes = {n["code"]: n for n in new.canonical()["nodes"]}
    if old is None:
        return {"added": list(new_nodes), "removed": [], "changed": []}
    old_nodes = {n["code"]: n for n in old.canonical()["nodes"]}
    return {
        "added": [c for c in new_nodes if c not in old_nodes],
        "removed": [c for c in old_nodes if c not in new_nodes],
        "changed": [c for c in new_nodes if c in old_nodes and new_nodes[c] != old_nodes[c]],
    }
