"""Framework import and export: Moodle's competency-framework CSV and 1EdTech CASE 1.1 JSON.

Both formats carry the whole framework (names and descriptions in Vietnamese and English,
kinds, the scale and each level's criteria), so a round trip CSV → CASE → CSV (or
CASE → CSV → CASE) gives the same framework. A plain Moodle CSV (the 14 columns of
``tool_lpimportcsv``) or a plain CASE package imports too: what it lacks takes defaults.
docs/competency-frameworks.md describes both mappings column by column.

An import is checked whole before anything is written: a file-level problem (not UTF-8, not
the CSV columns, not a CASE package) raises :class:`~lms_core.errors.UserError`; problems of
lines or items are all listed in the report (``Line 7: …``, ``CFItem 3 (GSQL.01): …``), and
then nothing is changed. A successful import creates a new **draft** version (version 1 of a
new framework, or the next version of an existing one), optionally published at once.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from lms_core import csvfile
from lms_core.errors import UserError
from lms_core.text import fold
from plugins.competency import frameworks as fw_ops
from plugins.competency.frameworks import FrameworkSpec, NodeSpec, normalise_code
from plugins.competency.models import Framework

FORMATS = ("csv", "case")

#: Moodle's columns (admin/tool/lpimportcsv), in Moodle's order: ``(key, header label)``.
#: Moodle reads them by position, so an export keeps them first and in this order.
MOODLE_COLUMNS = [
    ("parentidnumber", "Parent ID number"),
    ("idnumber", "ID number"),
    ("shortname", "Short name"),
    ("description", "Description"),
    ("descriptionformat", "Description format"),
    ("scalevalues", "Scale values"),
    ("scaleconfiguration", "Scale configuration"),
    ("ruletype", "Rule type (optional)"),
    ("ruleoutcome", "Rule outcome (optional)"),
    ("ruleconfig", "Rule config (optional)"),
    ("relatedidnumbers", "Cross-referenced competency ID numbers"),
    ("exportid", "Exported ID (optional)"),
    ("isframework", "Is framework"),
    ("taxonomy", "Taxonomy"),
]
#: Our columns after Moodle's: a plain Moodle import ignores them, ours reads them.
EXTRA_COLUMNS = ["kind", "name_vi", "name_en", "description_vi", "description_en",
                 "field_code", "case_identifier"]
REQUIRED = ("parentidnumber", "idnumber", "shortname", "description", "isframework")
#: Header spellings that mean the same column (after :func:`_key`).
ALIASES = {"crossreferencedcompetencyidnumbers": "relatedidnumbers",
           "exportedid": "exportid", "taxonomies": "taxonomy"}
LEVEL_COLUMN = re.compile(r"^level(\d+)(vi|en)$")
TRUE_VALUES = {"1", "true", "yes", "y", "x", "co", "có"}
#: Moodle's description formats: 0 Moodle auto-format and 1 HTML may hold markup.
HTML_FORMATS = {"0", "1"}
PLAIN_FORMAT = "2"

#: The namespace of the identifiers our CASE export derives (stable for a framework and code).
CASE_NS = uuid.UUID("6f1c0b5e-2a9d-4c1e-9a57-3f0d2f8e4b61")
CASE_VERSION = "1.1"
CREATOR = "Vietnam Customs (Cục Hải quan)"
#: CFItemType titles (and typeCodes) we write and recognise, per kind.
ITEM_TYPES = {
    "field": ("Professional field", "field",
              {"professional field", "field", "lĩnh vực", "linh vuc", "domain", "area"}),
    "group": ("Competency group", "group",
              {"competency group", "group", "nhóm năng lực", "nhom nang luc", "cluster",
               "category", "strand"}),
    "competency": ("Competency", "competency",
                   {"competency", "năng lực", "nang luc", "skill", "standard",
                    "learning outcome", "outcome"}),
}
ADOPTION = {"draft": "Draft", "published": "Adopted", "retired": "Deprecated"}


class InterchangeError(UserError):
    """Problems of lines or items of a file: all of them, each saying where."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = len(problems) - 1
        super().__init__(problems[0] if not more else _(
            "%(problem)s (and %(n)d more problems)", problem=problems[0], n=more))


# -- reading files ------------------------------------------------------------------------------

def decode_text(data) -> str:
    """The text of an uploaded file (:func:`lms_core.csvfile.decode`: UTF-8, or UTF-16 with a
    byte-order mark), refusing an empty one."""
    text = csvfile.decode(data)
    if not text.strip():
        raise UserError(_("The file is empty."))
    return text


def detect_format(filename: str | None, data) -> str:
    """``csv`` or ``case`` from the file name, else from the first character (``{``)."""
    name = (filename or "").lower()
    if name.endswith(".json"):
        return "case"
    if name.endswith((".csv", ".txt")):
        return "csv"
    head = data[:200] if isinstance(data, bytes | str) else b""
    if isinstance(head, bytes):
        head = head.decode("utf-8", "ignore")
    return "case" if head.lstrip("\ufeff \t\r\n").startswith("{") else "csv"


def _key(header: str) -> str:
    """A Moodle header as a column key: accent-folded, lower case, letters and digits only
    (``"Parent ID number"`` -> ``parentidnumber``), through :data:`ALIASES`."""
    key = re.sub(r"[^a-z0-9]", "", fold(header).replace("(optional)", ""))
    return ALIASES.get(key, key)


def _plain(text: str, fmt: str) -> str:
    """Moodle's HTML descriptions as plain text; plain text unchanged."""
    text = text or ""
    if fmt.strip() in HTML_FORMATS and "<" in text:
        return Markup(text).striptags()  # noqa: S704  # nosec B704  # plain text out
    return text.strip()


def _int(value: Any) -> int | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _line(n: int) -> str:
    return _("Line %(line)d", line=n)


def parse_csv(data) -> FrameworkSpec:
    """Read a Moodle competency-framework CSV (with or without our extra columns)."""
    table = csvfile.read(data, key=_key, strip=False)
    table.refuse_duplicate_columns()
    seen = table.columns
    missing = [label for key, label in MOODLE_COLUMNS if key in REQUIRED and key not in seen]
    if missing:
        raise UserError(_(
            "This is not a competency framework CSV file: the first line must name Moodle's "
            "columns (%(expected)s); missing: %(missing)s.",
            expected=", ".join(label for _k, label in MOODLE_COLUMNS),
            missing=", ".join(missing)))
    problems: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    for row in table.rows:
        if row.overflow:
            problems.append(_at(_line(row.line), _(
                "this line has %(n)d values but the first line names %(m)d columns; a value "
                "that contains %(sep)s must be put in double quotes.",
                n=row.size, m=len(table.header), sep=table.delimiter)))
            continue
        rows.append((row.line, row.values))
    level_cols = sorted({int(m.group(1)) for name in seen if (m := LEVEL_COLUMN.match(name))})

    framework_row: tuple[int, dict[str, str]] | None = None
    nodes: list[NodeSpec] = []
    explicit_kind: set[str] = set()
    for line, row in rows:
        if row.get("isframework", "").strip().lower() in TRUE_VALUES:
            if framework_row is not None:
                problems.append(_at(_line(line), _(
                    "a second framework line (Is framework = 1); the first is line %(first)d.",
                    first=framework_row[0])))
            else:
                framework_row = (line, row)
            continue
        fmt = row.get("descriptionformat", "")
        code = normalise_code(row.get("idnumber"))
        kind = row.get("kind", "").strip().lower()
        if kind:
            explicit_kind.add(code)
        criteria = {}
        for level in level_cols:
            vi = row.get(f"level{level}vi", "").strip()
            en = row.get(f"level{level}en", "").strip()
            if vi or en:
                criteria[level] = (vi, en)
        nodes.append(NodeSpec(
            code=code, kind=kind or "competency",
            name_vi=(row.get("namevi") or "").strip() or (row.get("shortname") or "").strip(),
            name_en=(row.get("nameen") or "").strip(),
            description_vi=(row["descriptionvi"].strip() if "descriptionvi" in row
                            else _plain(row.get("description", ""), fmt)),
            description_en=(row.get("descriptionen") or "").strip(),
            parent_code=normalise_code(row.get("parentidnumber")) or None,
            field_code=normalise_code(row.get("fieldcode")) or None,
            case_identifier=(row.get("caseidentifier") or "").strip() or None,
            criteria=criteria, sort_key=len(nodes), where=_line(line)))
    # A plain Moodle file has no kinds: a node with nodes below it is a group, a leaf a
    # competency.
    parents = {n.parent_code for n in nodes if n.parent_code}
    for n in nodes:
        if n.code not in explicit_kind:
            n.kind = "group" if n.code in parents else "competency"
    if framework_row is None:
        raise UserError(_("No line describes the framework itself (the line with "
                          "Is framework = 1 and the framework's ID number)."))
    line, row = framework_row
    names = {level: (row.get(f"level{level}vi", "").strip(), row.get(f"level{level}en", "").strip())
             for level in level_cols}
    named = [level for level, pair in names.items() if pair[0] or pair[1]]
    moodle_scale = [v.strip() for v in (row.get("scalevalues") or "").split(",") if v.strip()]
    if named:
        levels = max(named)
    elif moodle_scale:
        levels = len(moodle_scale)
    else:
        levels = fw_ops.DEFAULT_LEVELS
    scale = []
    for level in range(1, levels + 1):
        vi, en = names.get(level, ("", ""))
        if not vi and level <= len(moodle_scale):
            vi = moodle_scale[level - 1]
        scale.append({"level": level, "name_vi": vi, "name_en": en})
    spec = FrameworkSpec(
        code=normalise_code(row.get("idnumber")),
        name_vi=(row.get("namevi") or "").strip() or (row.get("shortname") or "").strip(),
        name_en=(row.get("nameen") or "").strip(),
        description_vi=(row["descriptionvi"].strip() if "descriptionvi" in row
                        else _plain(row.get("description", ""), row.get("descriptionformat", ""))),
        description_en=(row.get("descriptionen") or "").strip(),
        scale_levels=levels, scale=scale,
        case_identifier=(row.get("caseidentifier") or "").strip() or None,
        nodes=nodes, where=_line(line))
    problems.extend(fw_ops.validate_spec(spec))
    if problems:
        raise InterchangeError(problems)
    return spec


def _at(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def _ident(link: Any) -> str | None:
    """The identifier of a CASE LinkURI (``{"identifier": ..., "uri": ..., "title": ...}``)."""
    if isinstance(link, dict):
        value = link.get("identifier")
        return str(value).strip() if value else None
    return None


def _ext(obj: dict) -> dict:
    ext = obj.get("extensions")
    return ext if isinstance(ext, dict) else {}


def _kind_of(item_type: Any) -> str | None:
    value = fold(str(item_type or ""))
    for kind, (title, code, names) in ITEM_TYPES.items():
        if value in {fold(title), code, *(fold(n) for n in names)}:
            return kind
    return None


def _code_from_title(title: str) -> str:
    code = re.sub(r"[^A-Z0-9]+", "-", fold(title).upper()).strip("-")
    return code[:40].rstrip("-") or "FRAMEWORK"


def parse_case(data, *, code: str | None = None) -> FrameworkSpec:
    """Read a CASE 1.1 ``CFPackage`` (the package object itself, or ``{"CFPackage": …}``).
    ``code`` names the framework when the package does not (our export writes it in the
    CFDocument's ``extensions.code``; otherwise it is made from the title)."""
    text = decode_text(data)
    try:
        package = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(_("This is not a CASE file: it is not valid JSON (line %(line)d, "
                          "column %(col)d: %(error)s).", line=exc.lineno, col=exc.colno,
                          error=exc.msg)) from None
    if isinstance(package, dict) and isinstance(package.get("CFPackage"), dict):
        package = package["CFPackage"]
    if not isinstance(package, dict) or not isinstance(package.get("CFDocument"), dict):
        raise UserError(_("This is not a CASE file: it has no CFPackage with a CFDocument. "
                          "Export the framework from the CASE tool as a CFPackage (JSON)."))
    doc = package["CFDocument"]
    problems: list[str] = []
    doc_id = str(doc.get("identifier") or "").strip()
    if not doc_id:
        problems.append(_("The CFDocument has no identifier."))
    title = str(doc.get("title") or "").strip()
    if not title:
        problems.append(_("The CFDocument has no title."))
    items = package.get("CFItems") or []
    associations = package.get("CFAssociations") or []
    if not isinstance(items, list) or not isinstance(associations, list):
        raise UserError(_("This is not a CASE file: CFItems and CFAssociations must be lists."))
    doc_ext = _ext(doc)

    nodes: list[NodeSpec] = []
    by_id: dict[str, NodeSpec] = {}
    explicit_kind: set[str] = set()
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(_("CFItem %(n)d is not an object.", n=i))
            continue
        ident = str(item.get("identifier") or "").strip()
        node_code = normalise_code(item.get("humanCodingScheme"))
        where = _("CFItem %(n)d (%(code)s)", n=i, code=node_code or ident or "?")
        if not ident:
            problems.append(_at(where, _("it has no identifier.")))
            continue
        if ident in by_id:
            problems.append(_at(where, _("the identifier %(id)s appears twice.", id=ident)))
            continue
        if not node_code:
            problems.append(_at(where, _("it has no humanCodingScheme: the competency code is "
                                         "taken from it.")))
        ext = _ext(item)
        kind = _kind_of(item.get("CFItemType")) or _kind_of(ext.get("kind"))
        if kind:
            explicit_kind.add(ident)
        order = _int(item.get("listEnumeration"))
        node = NodeSpec(
            code=node_code, kind=kind or "competency",
            name_vi=str(item.get("fullStatement") or "").strip(),
            name_en=str(item.get("alternativeLabel") or ext.get("nameEn") or "").strip(),
            description_vi=str(item.get("notes") or "").strip(),
            description_en=str(ext.get("descriptionEn") or "").strip(),
            field_code=normalise_code(ext.get("fieldCode")) or None,
            case_identifier=ident, sort_key=order if order is not None else i, where=where)
        nodes.append(node)
        by_id[ident] = node

    ignored = 0
    parent_of: dict[str, str] = {}
    for i, assoc in enumerate(associations, start=1):
        if not isinstance(assoc, dict):
            problems.append(_("CFAssociation %(n)d is not an object.", n=i))
            continue
        if str(assoc.get("associationType") or "").strip().lower() != "ischildof":
            ignored += 1
            continue
        child, parent = _ident(assoc.get("originNodeURI")), _ident(assoc.get("destinationNodeURI"))
        where = _("CFAssociation %(n)d", n=i)
        if child not in by_id:
            problems.append(_at(where, _("its origin %(id)s is not an item of this package.",
                                         id=child or "?")))
            continue
        node = by_id[child]
        if child in parent_of:
            problems.append(_at(where, _("%(code)s is the child of two nodes; a framework is a "
                                         "tree.", code=node.code or child)))
            continue
        parent_of[child] = parent or ""
        if parent == doc_id:
            node.parent_code = None
        elif parent in by_id:
            node.parent_code = by_id[parent].code or None
        else:
            problems.append(_at(where, _("the parent %(id)s of %(code)s is not an item of this "
                                         "package (unknown parent).", id=parent or "?",
                                         code=node.code or child)))
            continue
        seq = _int(assoc.get("sequenceNumber"))
        if seq is not None:
            node.sort_key = seq

    # levels: CFRubrics, one criterion per competency, one criterion level per level
    level_names: dict[int, tuple[str, str]] = {}
    rubrics = package.get("CFRubrics") or []
    for r, rubric in enumerate(rubrics if isinstance(rubrics, list) else [], start=1):
        criteria = rubric.get("CFRubricCriteria") if isinstance(rubric, dict) else None
        for c, criterion in enumerate(criteria if isinstance(criteria, list) else [], start=1):
            if not isinstance(criterion, dict):
                continue
            item_id = _ident(criterion.get("CFItemURI"))
            where = _("CFRubric %(r)d, criterion %(c)d", r=r, c=c)
            if item_id not in by_id:
                problems.append(_at(where, _("it refers to %(id)s, which is not an item of "
                                             "this package.", id=item_id or "?")))
                continue
            node = by_id[item_id]
            levels = criterion.get("CFRubricCriterionLevels") or []
            for lv in levels if isinstance(levels, list) else []:
                if not isinstance(lv, dict):
                    continue
                level = _int(lv.get("score"))
                if level is None:
                    level = _int(lv.get("position"))
                if level is None:
                    problems.append(_at(where, _("a level of %(code)s has no whole-number "
                                                 "score.", code=node.code)))
                    continue
                ext = _ext(lv)
                vi = str(lv.get("description") or "").strip()
                en = str(ext.get("descriptionEn") or "").strip()
                if level in node.criteria:
                    problems.append(_at(where, _("%(code)s has level %(level)d twice.",
                                                 code=node.code, level=level)))
                node.criteria[level] = (vi, en)
                quality = str(lv.get("quality") or "").strip()
                if quality and level not in level_names:
                    level_names[level] = (quality, str(ext.get("qualityEn") or "").strip())

    parents = {n.parent_code for n in nodes if n.parent_code}
    for n in nodes:
        if n.case_identifier not in explicit_kind:
            n.kind = "group" if n.code in parents else "competency"

    scale_ext = doc_ext.get("scale") if isinstance(doc_ext.get("scale"), list) else None
    levels = _int(doc_ext.get("scaleLevels"))
    if levels is None and scale_ext:
        levels = len(scale_ext)
    if levels is None:
        levels = max((lv for n in nodes for lv in n.criteria), default=0) or fw_ops.DEFAULT_LEVELS
    if scale_ext:
        scale = [{"level": _int(s.get("level")) or k, "name_vi": str(s.get("nameVi") or ""),
                  "name_en": str(s.get("nameEn") or "")}
                 for k, s in enumerate(scale_ext, start=1) if isinstance(s, dict)]
    else:
        scale = [{"level": lv, "name_vi": vi, "name_en": en}
                 for lv, (vi, en) in sorted(level_names.items())]
    spec = FrameworkSpec(
        code=normalise_code(code) or normalise_code(doc_ext.get("code")) or _code_from_title(title),
        name_vi=title, name_en=str(doc_ext.get("nameEn") or "").strip(),
        description_vi=str(doc.get("description") or "").strip(),
        description_en=str(doc_ext.get("descriptionEn") or "").strip(),
        scale_levels=levels, scale=scale, case_identifier=doc_id or None, nodes=nodes,
        where=_("CFDocument"))
    if ignored:
        spec.notes = [_("%(n)d associations of other types than isChildOf were ignored.",
                        n=ignored)]
    problems.extend(fw_ops.validate_spec(spec))
    if problems:
        raise InterchangeError(problems)
    return spec


def parse(data, fmt: str, *, code: str | None = None) -> FrameworkSpec:
    if fmt == "csv":
        spec = parse_csv(data)
        if code:
            spec.code = normalise_code(code)
        return spec
    if fmt == "case":
        return parse_case(data, code=code)
    raise UserError(_("Unknown format %(fmt)s: use csv or case.", fmt=fmt))


# -- writing files ------------------------------------------------------------------------------

def export_csv(framework: Framework) -> bytes:
    """The framework as Moodle's CSV (UTF-8 with a byte-order mark, for Excel): Moodle's 14
    columns first, then ours (kinds, both languages, each level's criteria)."""
    spec = fw_ops.spec_from_framework(framework)
    doc_id = spec.case_identifier or _uuid("framework", spec.code)
    levels = int(framework.scale_levels)
    scale = fw_ops.normalise_scale(framework.scale, levels)
    level_headers = [f"level_{lv}_{lang}" for lv in range(1, levels + 1) for lang in ("vi", "en")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _k, label in MOODLE_COLUMNS] + EXTRA_COLUMNS + level_headers)
    ordered = spec.ordered()
    depth_kinds: dict[int, set[str]] = defaultdict(set)
    for n, depth in ordered:
        depth_kinds[depth].add(n.kind)
    taxonomy = ",".join("competency" if depth_kinds[d] == {"competency"} else "domain"
                        for d in sorted(depth_kinds))
    scale_config = json.dumps([{"scaleid": "0"}] + [
        {"id": s["level"], "scaledefault": 1 if s["level"] == 1 else 0, "proficient": 1}
        for s in scale], separators=(",", ":"))
    writer.writerow([
        "", spec.code, spec.name_vi, spec.description_vi, PLAIN_FORMAT,
        ",".join(s["name_vi"].replace(",", " ") for s in scale), scale_config,
        "", "", "", "", "", "1", taxonomy,
        "", spec.name_vi, spec.name_en, spec.description_vi, spec.description_en, "", doc_id,
    ] + [s[f"name_{lang}"] for s in scale for lang in ("vi", "en")])
    for n, _depth in ordered:
        writer.writerow([
            n.parent_code or "", n.code, n.name_vi, n.description_vi, PLAIN_FORMAT,
            "", "", "", "", "", "", "", "", "",
            n.kind, n.name_vi, n.name_en, n.description_vi, n.description_en,
            n.field_code or "", n.case_identifier or _uuid(doc_id, "item", n.code),
        ] + [n.criteria.get(lv, ("", ""))[k] for lv in range(1, levels + 1) for k in (0, 1)])
    return out.getvalue().encode("utf-8-sig")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(CASE_NS, ":".join(parts)))


def _uri(identifier: str) -> str:
    return f"urn:uuid:{identifier}"


def _link(title: str, identifier: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": _uri(identifier)}


def export_case(framework: Framework) -> dict[str, Any]:
    """The framework as a CASE 1.1 ``CFPackage``: the CFDocument, one CFItem per node,
    isChildOf associations (top nodes are children of the document), the item types, and
    one CFRubric whose criteria hold each competency's levels."""
    spec = fw_ops.spec_from_framework(framework)
    changed = (framework.published_at or framework.created_at)
    stamp = changed.strftime("%Y-%m-%dT%H:%M:%S+00:00") if changed else None
    doc_id = spec.case_identifier or _uuid("framework", spec.code)
    doc_link = _link(spec.name_vi, doc_id)
    scale = fw_ops.normalise_scale(framework.scale, framework.scale_levels)
    types = {kind: _uuid("itemtype", kind) for kind in ITEM_TYPES}
    package: dict[str, Any] = {
        "CFDocument": {
            "identifier": doc_id, "uri": _uri(doc_id), "creator": CREATOR,
            "title": spec.name_vi, "lastChangeDateTime": stamp,
            "description": spec.description_vi, "language": "vi",
            "version": str(framework.version), "adoptionStatus": ADOPTION.get(framework.status),
            "caseVersion": CASE_VERSION, "frameworkType": "Competency framework",
            "extensions": {
                "code": spec.code, "nameEn": spec.name_en, "descriptionEn": spec.description_en,
                "scaleLevels": framework.scale_levels,
                "scale": [{"level": s["level"], "nameVi": s["name_vi"], "nameEn": s["name_en"]}
                          for s in scale],
            },
        },
        "CFItems": [], "CFAssociations": [],
        "CFDefinitions": {
            "CFItemTypes": [
                {"identifier": types[kind], "uri": _uri(types[kind]), "title": title,
                 "typeCode": code, "description": title, "hierarchyCode": str(k + 1),
                 "lastChangeDateTime": stamp}
                for k, (kind, (title, code, _names)) in enumerate(ITEM_TYPES.items())],
            "CFConcepts": [], "CFSubjects": [], "CFLicenses": [], "CFAssociationGroupings": [],
        },
        "CFRubrics": [],
    }
    ids: dict[str, str] = {}
    criteria = []
    siblings: dict[str | None, int] = defaultdict(int)
    for n, _depth in spec.ordered():
        ident = n.case_identifier or _uuid(doc_id, "item", n.code)
        ids[n.code] = ident
        siblings[n.parent_code] += 1
        position = siblings[n.parent_code]
        item = {
            "identifier": ident, "uri": _uri(ident), "CFDocumentURI": doc_link,
            "fullStatement": n.name_vi, "alternativeLabel": n.name_en,
            "humanCodingScheme": n.code, "listEnumeration": str(position),
            "notes": n.description_vi, "language": "vi",
            "CFItemType": ITEM_TYPES[n.kind][0],
            "CFItemTypeURI": _link(ITEM_TYPES[n.kind][0], types[n.kind]),
            "lastChangeDateTime": stamp,
            "extensions": {"kind": n.kind, "nameEn": n.name_en,
                           "descriptionEn": n.description_en, "fieldCode": n.field_code},
        }
        package["CFItems"].append(item)
        parent_link = (_link(n.parent_code, ids[n.parent_code]) if n.parent_code
                       else doc_link)
        assoc_id = _uuid(doc_id, "isChildOf", ident)
        package["CFAssociations"].append({
            "identifier": assoc_id, "uri": _uri(assoc_id), "associationType": "isChildOf",
            "sequenceNumber": position, "CFDocumentURI": doc_link,
            "originNodeURI": _link(n.code, ident), "destinationNodeURI": parent_link,
            "lastChangeDateTime": stamp,
        })
        if n.kind == "competency" and any(any(p) for p in n.criteria.values()):
            crit_id = _uuid(doc_id, "criterion", n.code)
            criteria.append({
                "identifier": crit_id, "uri": _uri(crit_id), "category": n.code,
                "description": n.name_vi, "CFItemURI": _link(n.code, ident), "weight": 1,
                "position": len(criteria) + 1, "rubricId": _uuid(doc_id, "rubric"),
                "lastChangeDateTime": stamp,
                "CFRubricCriterionLevels": [
                    {"identifier": (lid := _uuid(doc_id, "level", n.code, str(s["level"]))),
                     "uri": _uri(lid), "description": n.criteria.get(s["level"], ("", ""))[0],
                     "quality": s["name_vi"], "score": s["level"], "feedback": "",
                     "position": s["level"], "rubricCriterionId": crit_id,
                     "lastChangeDateTime": stamp,
                     "extensions": {"descriptionEn": n.criteria.get(s["level"], ("", ""))[1],
                                    "qualityEn": s["name_en"]}}
                    for s in scale if any(n.criteria.get(s["level"], ("", "")))],
            })
    if criteria:
        rubric_id = _uuid(doc_id, "rubric")
        package["CFRubrics"].append({
            "identifier": rubric_id, "uri": _uri(rubric_id),
            "title": f"{spec.name_vi}: tiêu chí các cấp độ",
            "description": "Observable criteria of each level of each competency.",
            "lastChangeDateTime": stamp, "CFRubricCriteria": criteria,
        })
    return package


def export_bytes(framework: Framework, fmt: str) -> tuple[bytes, str, str]:
    """``(content, mimetype, filename)`` of the export of ``framework`` in ``fmt``."""
    base = f"{framework.code}-v{framework.version}"
    if fmt == "csv":
        return export_csv(framework), "text/csv; charset=utf-8", f"{base}.csv"
    if fmt == "case":
        body = json.dumps(export_case(framework), ensure_ascii=False, indent=2)
        return body.encode("utf-8"), "application/json", f"{base}.case.json"
    raise UserError(_("Unknown format %(fmt)s: use csv or case.", fmt=fmt))


# -- the import -------------------------------------------------------------------------------

@dataclass
class ImportReport:
    """What an import did, or (dry run, or refused) would do."""

    fmt: str
    dry_run: bool
    spec: FrameworkSpec | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: ``create`` (a new framework), ``new_version``, ``unchanged`` (same as the latest).
    action: str = ""
    version: int | None = None
    latest: Framework | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    framework: Framework | None = None
    published: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.framework is not None


def import_framework(data, fmt: str | None = None, *, filename: str = "", dry_run: bool = True,
                     code: str | None = None, publish: bool = False) -> ImportReport:
    """Import a framework file as a new draft version (published at once with ``publish``).

    With ``dry_run`` nothing is written and the report says what would happen. File-level
    problems raise :class:`UserError`; line and item problems are listed in
    ``report.problems`` and nothing is written. Importing a framework identical to its latest
    version writes nothing (``action == "unchanged"``). A framework that has a draft already
    is refused: the draft must be published or discarded first."""
    fmt = fmt or detect_format(filename, data)
    report = ImportReport(fmt=fmt, dry_run=dry_run)
    try:
        spec = parse(data, fmt, code=code)
    except InterchangeError as exc:
        report.problems = exc.problems
        return report
    report.spec = spec
    report.notes.extend(spec.notes)
    draft = fw_ops.draft_of(spec.code)
    if draft is not None:
        report.problems.append(_(
            "%(code)s already has a draft, version %(version)d: publish or discard it before "
            "importing a new version.", code=spec.code, version=draft.version))
        return report
    versions = fw_ops.versions_of(spec.code)
    latest = versions[0] if versions else None
    report.latest = latest
    old = fw_ops.spec_from_framework(latest) if latest else None
    report.changes = fw_ops.diff(old, spec)
    if old is not None and old.canonical() == spec.canonical():
        report.action, report.version = "unchanged", latest.version
        return report
    report.action = "new_version" if latest else "create"
    report.version = fw_ops.next_version(spec.code)
    if not dry_run:
        report.framework = fw_ops.build_framework(spec, version=report.version)
        if publish:
            fw_ops.publish(report.framework)
            report.published = True
    return report
