"""cmi5 course structures (cmi5.xml, section 13 of the specification): read and validate one,
keep its files, and turn each assignable unit (AU) into a lesson of kind ``cmi5``.

A structure comes either inside a course package (a lesson ``kind: cmi5`` names the
structure, a ``cmi5.xml`` or a zip in the package, and the AU: docs/cmi5.md), or alone, as a
``cmi5.xml`` or a zip holding ``cmi5.xml`` and the AU files (:func:`structure_source`, used
by ``lms cmi5 import``), which becomes a course of its own.

Every problem names the file and line (``cmi5/cmi5.xml:12: au ...: moveOn 'Sometimes' is
not one of ...``); a package with any problem imports nothing. The XML is parsed with DTDs
and entities refused (defusedxml), so a structure cannot expand or reach outside itself.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import stat
import weakref
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.sax import SAXParseException  # nosec B406
from xml.sax.handler import ContentHandler, feature_namespaces  # nosec B406

import sqlalchemy as sa
import yaml
from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from flask import current_app

from lms_core.cmi5 import vocabulary as C
from lms_core.cmi5.models import Cmi5Package, Cmi5PackageFile
from lms_core.courses import media
from lms_core.courses.kinds import PackageProblem
from lms_core.courses.package import PackageError, _Source, clean_path
from lms_core.extensions import db

STRUCTURE_FILE = "cmi5.xml"
#: Content types served for AU files, by ending; anything else is served as a download.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".ico": "image/x-icon", ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg", ".wav": "audio/wav", ".m4a": "audio/mp4", ".vtt": "text/vtt",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".pdf": "application/pdf", ".wasm": "application/wasm",
}


def content_type(path: str) -> str:
    ending = os.path.splitext(path.lower())[1]
    return CONTENT_TYPES.get(ending) or "application/octet-stream"


# -- XML with line numbers ------------------------------------------------------------------------
@dataclass
class Node:
    ns: str
    name: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def kids(self, name: str) -> list[Node]:
        return [c for c in self.children if c.ns == C.STRUCTURE_NS and c.name == name]


class _TreeBuilder(ContentHandler):
    def __init__(self):
        super().__init__()
        self.locator = None
        self.stack: list[Node] = []
        self.root: Node | None = None

    def setDocumentLocator(self, locator):  # noqa: N802 - SAX API
        self.locator = locator

    def startElementNS(self, name, qname, attrs):  # noqa: N802 - SAX API
        uri, local = name
        values = {(k[1] if not k[0] else f"{{{k[0]}}}{k[1]}"): v for k, v in attrs.items()}
        node = Node(uri or "", local, values, self.locator.getLineNumber() if self.locator else 1)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElementNS(self, name, qname):  # noqa: N802 - SAX API
        self.stack.pop()

    def characters(self, content):
        if self.stack:
            self.stack[-1].text += content


def parse_xml(data: bytes, where: str, problems: list) -> Node | None:
    """The element tree of ``data``; None (with a problem naming the line) when it is not
    well-formed XML or declares a DTD or entities."""
    builder = _TreeBuilder()
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(builder)
    try:
        parser.parse(io.BytesIO(data))
    except SAXParseException as exc:
        problems.append(PackageProblem(f"{where}:{exc.getLineNumber()}",
                                       f"invalid XML: {exc.getMessage()}"))
        return None
    except DefusedXmlException:
        problems.append(PackageProblem(where, "a DTD or entity declaration is not allowed"))
        return None
    return builder.root


# -- the course structure --------------------------------------------------------------------------
@dataclass
class Au:
    """One AU as the structure declares it (whitespace trimmed, defaults applied)."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    url: str
    launch_method: str
    move_on: str
    mastery_score: float | None
    launch_parameters: str | None
    entitlement_key: str | None
    activity_type: str | None
    #: The blocks holding the AU, outermost first: ``[{"id": ..., "title": {...}}]``.
    blocks: list[dict[str, Any]]
    line: int


@dataclass
class Structure:
    course_id: str = ""
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    aus: list[Au] = field(default_factory=list)
    #: Top-level items in order: ("au", Au) or ("block", block dict with "aus": [Au ...]).
    top: list[tuple[str, Any]] = field(default_factory=list)

    def au(self, au_id: str) -> Au | None:
        return next((a for a in self.aus if a.id == au_id), None)


IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def _is_iri(value: str) -> bool:
    return bool(IRI_RE.match(value))


def _text(node: Node, where: str, what: str, problems: list) -> dict[str, str]:
    """A langstring list as ``{lang: text}``; at least one non-empty langstring."""
    out: dict[str, str] = {}
    for ls in node.kids("langstring"):
        text = " ".join(ls.text.split())
        if text:
            out.setdefault((ls.attrs.get("lang") or "").strip() or "und", text)
    if not out:
        problems.append(PackageProblem(f"{where}:{node.line}", f"{what} has no langstring text"))
    return out


def _one(parent: Node, name: str, where: str, what: str, problems: list,
         required: bool = True) -> Node | None:
    found = parent.kids(name)
    if not found:
        if required:
            problems.append(PackageProblem(f"{where}:{parent.line}", f"{what}: <{name}> is "
                                           "required"))
        return None
    if len(found) > 1:
        problems.append(PackageProblem(f"{where}:{found[1].line}", f"{what}: only one <{name}> "
                                       "is allowed"))
    return found[0]


def _unknown(node: Node, allowed: set[str], where: str, what: str, problems: list) -> None:
    """Elements of the cmi5 namespace that have no place here (other namespaces are
    extensions, which an LMS may ignore: 13.1.5)."""
    for child in node.children:
        if child.ns == C.STRUCTURE_NS and child.name not in allowed:
            problems.append(PackageProblem(f"{where}:{child.line}", f"{what}: unexpected "
                                           f"element <{child.name}>"))


def _attr(node: Node, name: str) -> str | None:
    value = node.attrs.get(name)
    return value.strip() if value is not None else None


def read_structure(data: bytes, where: str, problems: list) -> Structure | None:
    """Parse and validate a cmi5.xml. Appends problems; returns None when the file cannot be
    read at all."""
    root = parse_xml(data, where, problems)
    if root is None:
        return None
    if root.name != "courseStructure" or root.ns != C.STRUCTURE_NS:
        problems.append(PackageProblem(
            f"{where}:{root.line}", f"the root element must be <courseStructure> in the "
            f"namespace {C.STRUCTURE_NS} (found <{root.name}>"
            f"{' in ' + root.ns if root.ns else ' without a namespace'})"))
        return None
    structure = Structure()
    seen: dict[str, int] = {}

    def unique(node: Node, what: str) -> str:
        ident = _attr(node, "id") or ""
        if not ident:
            problems.append(PackageProblem(f"{where}:{node.line}", f"{what}: the id attribute "
                                           "is required"))
        elif not _is_iri(ident):
            problems.append(PackageProblem(f"{where}:{node.line}", f"{what}: id {ident!r} is "
                                           "not an IRI (e.g. https://example.com/au/1)"))
        elif ident in seen:
            problems.append(PackageProblem(f"{where}:{node.line}", f"{what}: id {ident!r} is "
                                           f"already used on line {seen[ident]}"))
        else:
            seen[ident] = node.line
        return ident

    course = _one(root, "course", where, "courseStructure", problems)
    if course is not None:
        structure.course_id = unique(course, "course")
        title = _one(course, "title", where, "course", problems)
        desc = _one(course, "description", where, "course", problems)
        structure.title = _text(title, where, "course title", problems) if title else {}
        structure.description = _text(desc, where, "course description", problems) \
            if desc else {}
        _unknown(course, {"title", "description"}, where, "course", problems)
    objectives = root.kids("objectives")
    for group in objectives:
        for objective in group.kids("objective"):
            unique(objective, "objective")
    _unknown(root, {"course", "objectives", "au", "block"}, where, "courseStructure", problems)

    def read_au(node: Node, blocks: list[dict[str, Any]]) -> Au:
        ident = unique(node, "au")
        label = f"au {ident or '(no id)'}"
        title = _one(node, "title", where, label, problems)
        desc = _one(node, "description", where, label, problems)
        url_node = _one(node, "url", where, label, problems)
        url = url_node.text.strip() if url_node is not None else ""
        if url_node is not None and not url:
            problems.append(PackageProblem(f"{where}:{url_node.line}", f"{label}: <url> is "
                                           "empty"))
        move_on = _attr(node, "moveOn") or "NotApplicable"
        if move_on not in C.MOVE_ON:
            problems.append(PackageProblem(f"{where}:{node.line}", f"{label}: moveOn "
                                           f"{move_on!r} is not one of {', '.join(C.MOVE_ON)}"))
        method = _attr(node, "launchMethod") or "AnyWindow"
        if method not in C.LAUNCH_METHODS:
            problems.append(PackageProblem(f"{where}:{node.line}", f"{label}: launchMethod "
                                           f"{method!r} is not one of "
                                           f"{', '.join(C.LAUNCH_METHODS)}"))
        mastery = None
        raw = _attr(node, "masteryScore")
        if raw is not None:
            try:
                value = Decimal(raw)
                if not value.is_finite() or not 0 <= value <= 1 or \
                        value.as_tuple().exponent < -4:  # type: ignore[operator]
                    raise InvalidOperation
                mastery = float(value)
            except InvalidOperation:
                problems.append(PackageProblem(f"{where}:{node.line}", f"{label}: masteryScore "
                                               f"{raw!r} must be a decimal from 0 to 1 with at "
                                               "most 4 decimals"))
        params = _one(node, "launchParameters", where, label, problems, required=False)
        key = _one(node, "entitlementKey", where, label, problems, required=False)
        _unknown(node, {"title", "description", "objectives", "url", "launchParameters",
                        "entitlementKey"}, where, label, problems)
        return Au(
            id=ident, title=_text(title, where, f"{label} title", problems) if title else {},
            description=_text(desc, where, f"{label} description", problems) if desc else {},
            url=url, launch_method=method, move_on=move_on, mastery_score=mastery,
            launch_parameters=params.text.strip() if params is not None else None,
            entitlement_key=key.text.strip() if key is not None else None,
            activity_type=_attr(node, "activityType"), blocks=list(blocks), line=node.line)

    def read_items(parent: Node, blocks: list[dict[str, Any]], what: str) -> list:
        items: list[tuple[str, Any]] = []
        for child in parent.children:
            if child.ns != C.STRUCTURE_NS:
                continue
            if child.name == "au":
                au = read_au(child, blocks)
                structure.aus.append(au)
                items.append(("au", au))
            elif child.name == "block":
                ident = unique(child, "block")
                label = f"block {ident or '(no id)'}"
                title = _one(child, "title", where, label, problems)
                desc = _one(child, "description", where, label, problems)
                block = {"id": ident,
                         "title": _text(title, where, f"{label} title", problems)
                         if title else {},
                         "description": _text(desc, where, f"{label} description", problems)
                         if desc else {}}
                _unknown(child, {"title", "description", "objectives", "au", "block"}, where,
                         label, problems)
                inner = read_items(child, [*blocks, {"id": block["id"],
                                                     "title": block["title"]}], label)
                block["items"] = inner
                items.append(("block", block))
        if not items:
            problems.append(PackageProblem(f"{where}:{parent.line}", f"{what} holds no <au> or "
                                           "<block>"))
        return items

    structure.top = read_items(root, [], "courseStructure")
    return structure


# -- the files beside cmi5.xml -----------------------------------------------------------------
class StructureFiles:
    """The files of a structure's folder (or zip), by path relative to cmi5.xml."""

    def __init__(self, names: list[str], reader, where: str):
        self.names = sorted(names)
        self._reader = reader
        self.where = where  #: how problems name the structure (``cmi5/cmi5.xml``)

    def exists(self, path: str) -> bool:
        return path in set(self.names)

    def read(self, path: str) -> bytes:
        return self._reader(path)


def _limit() -> int:
    return int(current_app.config["LMS_CONTENT_MAX_BYTES"])


def zip_files(data: bytes, name: str) -> StructureFiles:
    """The members of a cmi5 zip, with the same safety rules as a course package (no absolute
    paths, ``..`` or symbolic links; nothing expands beyond ``LMS_CONTENT_MAX_BYTES``).
    cmi5.xml must be at the root (or in the zip's one top folder)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PackageError([PackageProblem(name, "not a valid zip file")]) from exc
    problems, total, names = [], 0, {}
    for info in archive.infolist():
        if stat.S_ISLNK(info.external_attr >> 16):
            problems.append(PackageProblem(f"{name}: {info.filename}",
                                           "symbolic links are not allowed"))
            continue
        clean = clean_path(info.filename)
        if clean is None:
            problems.append(PackageProblem(f"{name}: {info.filename}",
                                           "absolute path or '..' in the zip"))
            continue
        total += info.file_size
        if not info.is_dir():
            names[clean] = info
    if total > _limit():
        problems.append(PackageProblem(name, f"expands to {total:,} bytes, more than the limit "
                                       f"of {_limit():,}"))
    if problems:
        raise PackageError(problems)
    if STRUCTURE_FILE not in names:
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) == 1 and f"{next(iter(tops))}/{STRUCTURE_FILE}" in names:
            prefix = next(iter(tops)) + "/"
            names = {n[len(prefix):]: i for n, i in names.items() if n.startswith(prefix)}

    def read(path: str) -> bytes:
        with archive.open(names[path]) as fh:
            content = fh.read(_limit() + 1)
        if len(content) > _limit():
            raise PackageError([PackageProblem(f"{name}: {path}",
                                               "the file expands beyond the size limit")])
        return content

    return StructureFiles(list(names), read, f"{name}: {STRUCTURE_FILE}")


def _source_names(source: _Source) -> list[str]:
    """Every file path of a course package source."""
    root = getattr(source, "root", None)
    if isinstance(root, Path):
        out = []
        for dirpath, _dirs, files in os.walk(root, followlinks=False):
            for f in files:
                out.append(str((Path(dirpath) / f).relative_to(root)).replace(os.sep, "/"))
        return out
    names = getattr(source, "names", None)
    return list(names) if names is not None else []


def folder_files(source: _Source, structure_path: str) -> StructureFiles:
    """The files of the package folder holding ``structure_path`` (cmi5.xml and below)."""
    folder = posixpath.dirname(structure_path)
    prefix = f"{folder}/" if folder else ""
    names = [n[len(prefix):] for n in _source_names(source) if n.startswith(prefix)]
    return StructureFiles(names, lambda p: source.read_bytes(prefix + p), structure_path)


# -- keeping the files --------------------------------------------------------------------------
def store_files(files: StructureFiles) -> Cmi5Package:
    """Keep every file of the structure in the media store; the package row (shared when the
    same files were imported before)."""
    entries = []
    for path in files.names:
        data = files.read(path)
        entries.append((path, hashlib.sha256(data).hexdigest(), data))
    key = hashlib.sha256("\n".join(f"{p}\t{d}" for p, d, _ in entries).encode()).hexdigest()
    package = db.session.scalar(sa.select(Cmi5Package).where(Cmi5Package.key == key))
    if package is not None:
        for path, _digest, data in entries:  # the media store may have been moved or cleaned
            media.store(data, posixpath.basename(path), content_type(path))
        return package
    package = Cmi5Package(key=key)
    db.session.add(package)
    for path, _digest, data in entries:
        ctype = content_type(path)
        asset = media.store(data, posixpath.basename(path), ctype)
        package.files.append(Cmi5PackageFile(path=path, asset_id=asset.id, content_type=ctype))
    db.session.flush()
    return package


def package_file(key: str, path: str) -> Cmi5PackageFile | None:
    return db.session.scalar(sa.select(Cmi5PackageFile).join(Cmi5Package).where(
        Cmi5Package.key == key, Cmi5PackageFile.path == path))


# -- AUs as lessons ----------------------------------------------------------------------------
def is_absolute(url: str) -> bool:
    return bool(urlsplit(url).scheme)


def _check_url(au: Au, files: StructureFiles, where: str, problems: list) -> None:
    parts = urlsplit(au.url)
    label = f"au {au.id}"
    taken = sorted({k for k, _v in parse_qsl(parts.query)} & set(C.LAUNCH_PARAMETERS))
    if taken:
        problems.append(PackageProblem(where, f"{label}: the url's query string uses "
                                       f"{', '.join(taken)}, which the launch sets"))
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(PackageProblem(where, f"{label}: url {au.url!r} must be http(s) or "
                                           "relative to cmi5.xml"))
        return
    path = clean_path(unquote(parts.path))
    if path is None:
        problems.append(PackageProblem(where, f"{label}: url {au.url!r} leaves the folder of "
                                       "cmi5.xml"))
    elif not files.exists(path):
        problems.append(PackageProblem(where, f"{label}: url {au.url!r}: no such file beside "
                                       "cmi5.xml (a cmi5.xml imported without its files needs "
                                       "fully qualified URLs)"))


@dataclass
class _Loaded:
    structure: Structure | None
    files: StructureFiles | None
    package_key: str | None = None
    used: dict[str, str] = field(default_factory=dict)  #: AU id -> where it was declared


#: Structures already read for a package source: each is read, checked and stored once however
#: many lessons name it.
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _load(source: _Source, path: str, problems: list) -> _Loaded:
    cache = _CACHE.setdefault(source, {})
    if path in cache:
        return cache[path]
    loaded = _Loaded(None, None)
    cache[path] = loaded
    if not source.exists(path):
        problems.append(PackageProblem(path, "file not found in the package"))
        return loaded
    if path.lower().endswith(".zip"):
        try:
            files = zip_files(source.read_bytes(path), path)
        except PackageError as exc:
            problems.extend(exc.problems)
            return loaded
        if not files.exists(STRUCTURE_FILE):
            problems.append(PackageProblem(path, f"the zip holds no {STRUCTURE_FILE} at its "
                                           "root"))
            return loaded
        data, where = files.read(STRUCTURE_FILE), files.where
    elif posixpath.basename(path) == STRUCTURE_FILE:
        files = folder_files(source, path)
        data, where = source.read_bytes(path), path
    else:
        problems.append(PackageProblem(path, f"a cmi5 structure is a {STRUCTURE_FILE} or a zip "
                                       f"holding one"))
        return loaded
    before = len(problems)
    structure = read_structure(data, where, problems)
    if structure is not None:
        for au in structure.aus:
            _check_url(au, files, f"{where}:{au.line}", problems)
    loaded.structure, loaded.files = structure, files
    if structure is not None and len(problems) == before:
        loaded.package_key = store_files(files).key
    return loaded


def _lang(texts: dict[str, str], lang: str) -> str:
    return next((t for k, t in texts.items() if k.lower().split("-")[0] == lang), "")


def load_lesson(lesson, spec: dict, source: _Source, problems: list) -> None:
    """Fill a cmi5 lesson from its course.yaml entry ``{structure: ..., au: ...}``."""
    where = f"course.yaml:{getattr(spec, 'line', 1)}"
    path = clean_path(spec.get("structure"))
    if path is None:
        problems.append(PackageProblem(where, "a cmi5 lesson needs structure: the path of a "
                                       f"{STRUCTURE_FILE} or a zip in the package"))
        return
    loaded = _load(source, path, problems)
    structure = loaded.structure
    if structure is None:
        return
    au_id = str(spec.get("au") or "").strip()
    if not au_id and len(structure.aus) == 1:
        au_id = structure.aus[0].id
    au = structure.au(au_id) if au_id else None
    if au is None:
        known = ", ".join(a.id for a in structure.aus) or "none"
        problems.append(PackageProblem(where, (f"AU {au_id!r} is not in {path}" if au_id else
                                               f"au is required: {path} holds several AUs")
                                       + f" (its AUs: {known})"))
        return
    if au.id in loaded.used:
        problems.append(PackageProblem(where, f"AU {au.id} is already a lesson "
                                       f"({loaded.used[au.id]})"))
        return
    loaded.used[au.id] = where
    lesson.source_path = path
    lesson.body_vi = _lang(au.description, "vi") or next(iter(au.description.values()), "")
    lesson.body_en = _lang(au.description, "en")
    lesson.settings = {
        "au_id": au.id, "url": au.url, "launch_method": au.launch_method,
        "move_on": au.move_on, "mastery_score": au.mastery_score,
        "launch_parameters": au.launch_parameters, "entitlement_key": au.entitlement_key,
        "activity_type": au.activity_type, "blocks": au.blocks,
        "course_id": structure.course_id, "course_title": structure.title,
        "package": loaded.package_key,
    }


def dump_lesson(lesson, writer) -> dict[str, Any]:
    """The course.yaml entry of a cmi5 lesson; writes the structure's files back."""
    settings = lesson.settings or {}
    path = lesson.source_path or f"cmi5/{STRUCTURE_FILE}"
    key = settings.get("package")
    if key:
        package = db.session.scalar(sa.select(Cmi5Package).where(Cmi5Package.key == key))
        if package is not None:
            if path.lower().endswith(".zip"):
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for f in package.files:
                        archive.write(media.asset_path(f.asset), f.path)
                target = writer.write_text(path, "")  # creates the folders
                (writer.root / target).write_bytes(buffer.getvalue())
            else:
                folder = posixpath.dirname(path)
                for f in package.files:
                    writer.write_asset(f.asset, posixpath.join(folder, f.path))
    return {"structure": path, "au": settings.get("au_id", "")}


# -- a structure on its own ----------------------------------------------------------------------
class GeneratedSource(_Source):
    """A course package made from a cmi5 structure alone: a generated course.yaml, and the
    structure's files under ``cmi5/``."""

    def __init__(self, course_yaml: str, files: StructureFiles, name: str):
        super().__init__()
        self.name = name
        self._yaml = course_yaml
        self._files = files
        self.names = {"course.yaml": None, **{f"cmi5/{n}": None for n in files.names}}

    def exists(self, path):
        return path in self.names

    def read_bytes(self, path):
        if path == "course.yaml":
            return self._yaml.encode("utf-8")
        return self._files.read(path[len("cmi5/"):])


def _title(texts: dict[str, str]) -> dict[str, str]:
    first = next(iter(texts.values()), "")
    vi = _lang(texts, "vi") or first
    return {"vi": vi, "en": _lang(texts, "en") or vi}


def structure_source(path: Path, *, code: str, field_code: str | None = None,
                     estimated_hours: float = 1, minutes: int = 15) -> GeneratedSource:
    """A course package for ``path`` (a cmi5.xml or a zip holding one): one module per block
    at the top of the structure (AUs outside blocks make a module named after the course),
    one cmi5 lesson per AU. Import it with :func:`lms_core.courses.package.import_package`."""
    data = path.read_bytes()
    if path.suffix.lower() == ".zip":
        files = zip_files(data, path.name)
        if not files.exists(STRUCTURE_FILE):
            raise PackageError([PackageProblem(path.name, f"the zip holds no {STRUCTURE_FILE} "
                                               "at its root")])
        xml = files.read(STRUCTURE_FILE)
    else:
        files = StructureFiles([STRUCTURE_FILE], lambda p: data, STRUCTURE_FILE)
        xml = data
    problems: list = []
    structure = read_structure(xml, files.where, problems)
    if structure is None or problems:
        raise PackageError(problems)
    title = _title(structure.title)
    modules: list[dict[str, Any]] = []
    loose: list[dict[str, Any]] = []

    def lessons_of(items) -> list[dict[str, Any]]:
        out = []
        for kind, item in items:
            if kind == "au":
                out.append({"kind": "cmi5", "title": _title(item.title), "minutes": minutes,
                            "structure": f"cmi5/{STRUCTURE_FILE}", "au": item.id})
            else:
                out.extend(lessons_of(item["items"]))
        return out

    for kind, item in structure.top:
        if kind == "au":
            loose.extend(lessons_of([(kind, item)]))
        else:
            modules.append({"title": _title(item["title"]), "lessons": lessons_of(item["items"])})
    if loose:
        modules.insert(0, {"title": title, "lessons": loose})
    description = _title(structure.description)
    course: dict[str, Any] = {
        "format": 1, "code": code, "title": title, "description": description,
        "estimated_hours": estimated_hours, "tags": [],
        "completion": {"lessons": "all", "quiz_passed": False}, "modules": modules,
    }
    if field_code:
        course["field"] = field_code
    text = yaml.safe_dump(course, allow_unicode=True, sort_keys=False)
    return GeneratedSource(text, files, path.name)

