"""Course packages (docs/course-package.md): read and validate a folder or a zip, import it as
a new course version, and export a version back to a folder.

A package is validated whole before anything is kept; every problem names its file and line.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from flask import current_app

from lms_core.courses import media
from lms_core.courses.kinds import IMAGE_REF, PackageProblem, get_kind, kind_names
from lms_core.courses.models import (
    Course,
    CourseCompetency,
    CourseModule,
    CoursePrerequisite,
    CourseTag,
    CourseTargetPosition,
    CourseVersion,
    Lesson,
    MediaAsset,
)
from lms_core.errors import UserError
from lms_core.extensions import db
from lms_core.organisation.models import JobPosition, ProfessionalField
from lms_core.text import fold

FORMAT = 1
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")


#: The courses shipped with the product (the repository's ``content/`` folder), which
#: ``make run`` and ``lms demo load`` import and publish.
SHIPPED_CONTENT = Path(__file__).resolve().parents[2] / "content"


class PackageError(UserError):
    """A package with problems; nothing was imported. ``problems`` lists them all."""

    def __init__(self, problems: list[PackageProblem]):
        self.problems = problems
        lines = "\n".join(f"{p.where}: {p.message}" for p in problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"the package has {len(problems)} problem(s):\n{lines}{more}")


# -- YAML with line numbers --------------------------------------------------------------------
class LineDict(dict):
    line = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _mapping(loader, node):
    value = LineDict(loader.construct_mapping(node, deep=True))
    value.line = node.start_mark.line + 1
    return value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


# -- sources -------------------------------------------------------------------------------------
def clean_path(path: Any) -> str | None:
    """A package-relative path, or None when it is absolute or leaves the package."""
    if not isinstance(path, str) or not path.strip():
        return None
    path = path.strip().replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return None
    norm = posixpath.normpath(path)
    if norm.startswith("../") or norm == ".." or "/../" in f"/{norm}/":
        return None
    return norm


class _Source:
    """Read access to a package's files, plus the media and image handling kinds use."""

    name: str

    def __init__(self):
        self._stored_images: dict[str, str] = {}

    def read_bytes(self, path: str) -> bytes:
        raise NotImplementedError

    def exists(self, path: str) -> bool:
        raise NotImplementedError

    def read_text(self, path: str, problems: list) -> str | None:
        if not self.exists(path):
            problems.append(PackageProblem(path, "file not found in the package"))
            return None
        try:
            return self.read_bytes(path).decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(PackageProblem(path, "not UTF-8 text"))
            return None

    def read_yaml(self, path: str, problems: list):
        text = self.read_text(path, problems)
        if text is None:
            return None
        try:
            return yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506  # SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else path
            problems.append(PackageProblem(where, f"invalid YAML: {getattr(exc, 'problem', exc)}"))
            return None

    def store_media(self, path: str, kind: str, problems: list) -> int | None:
        if not self.exists(path):
            problems.append(PackageProblem(path, "file not found in the package"))
            return None
        data = self.read_bytes(path)
        try:
            ctype = media.detect_type(path, data[:16], kind)
        except UserError as exc:
            problems.append(PackageProblem(path, str(exc)))
            return None
        return media.store(data, posixpath.basename(path), ctype).id

    def store_images(self, markdown: str, lesson_path: str, problems: list) -> str:
        """Store the images a Markdown lesson references and point it at the media store."""
        base = posixpath.dirname(lesson_path)

        def replace(match: re.Match) -> str:
            ref = match.group(2)
            if ref.startswith(("http://", "https://", "/media/", "data:")):
                return match.group(0)
            target = clean_path(posixpath.join(base, ref))
            if target is None:
                problems.append(PackageProblem(lesson_path, f"image {ref!r} leaves the package"))
                return match.group(0)
            if target not in self._stored_images:
                asset_id = self.store_media(target, "image", problems)
                if asset_id is None:
                    return match.group(0)
                asset = db.session.get(MediaAsset, asset_id)
                self._stored_images[target] = f"/media/{asset.sha256}/{asset.filename}"
            return f"{match.group(1)}{self._stored_images[target]}{match.group(3)}"

        return IMAGE_REF.sub(replace, markdown)


class FolderSource(_Source):
    def __init__(self, root: Path):
        super().__init__()
        self.root = root.resolve()
        self.name = root.name
        total = 0
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            for entry in dirnames + filenames:
                full = Path(dirpath) / entry
                if full.is_symlink():
                    rel = full.relative_to(self.root)
                    raise PackageError([PackageProblem(str(rel), "symbolic links are not allowed")])
                if full.is_file():
                    total += full.stat().st_size
        _check_size(total)

    def _full(self, path: str) -> Path:
        full = (self.root / path).resolve()
        if self.root not in full.parents and full != self.root:
            raise PackageError([PackageProblem(path, "path leaves the package")])
        return full

    def exists(self, path):
        return self._full(path).is_file()

    def read_bytes(self, path):
        return self._full(path).read_bytes()


class ZipSource(_Source):
    def __init__(self, data: bytes | io.BufferedIOBase, name: str = "package.zip"):
        super().__init__()
        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        except zipfile.BadZipFile as exc:
            raise PackageError([PackageProblem(name, "not a valid zip file")]) from exc
        problems, total, names = [], 0, {}
        for info in self.zip.infolist():
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                problems.append(PackageProblem(info.filename, "symbolic links are not allowed"))
                continue
            clean = clean_path(info.filename)
            if clean is None:
                problems.append(PackageProblem(info.filename, "absolute path or '..' in the zip"))
                continue
            total += info.file_size
            if not info.is_dir():
                names[clean] = info
        if problems:
            raise PackageError(problems)
        _check_size(total)
        # A zip of the package folder itself (KTSTQ-101/course.yaml) is accepted too.
        prefixes = {n.split("/", 1)[0] for n in names}
        if "course.yaml" not in names and len(prefixes) == 1:
            prefix = prefixes.pop() + "/"
            names = {n[len(prefix):]: i for n, i in names.items() if n.startswith(prefix)}
        self.names = names

    def exists(self, path):
        return path in self.names

    def read_bytes(self, path):
        info = self.names[path]
        limit = current_app.config["LMS_CONTENT_MAX_BYTES"]
        with self.zip.open(info) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise PackageError([PackageProblem(path, "the file expands beyond the size limit")])
        return data


def _check_size(total: int) -> None:
    limit = current_app.config["LMS_CONTENT_MAX_BYTES"]
    if total > limit:
        raise PackageError([PackageProblem(
            "package", f"expands to {total:,} bytes, more than the limit of {limit:,}")])


def open_package(path: str | os.PathLike) -> _Source:
    path = Path(path)
    if path.is_dir():
        return FolderSource(path)
    if path.is_file():
        return ZipSource(path.read_bytes(), path.name)
    raise UserError(f"{path}: no such folder or zip file")


# -- reading course.yaml ---------------------------------------------------------------------------
def _langmap(value, where: str, what: str, problems: list, *, en_required: bool = True) -> dict:
    if not isinstance(value, dict):
        problems.append(PackageProblem(where, f"{what} must have vi and en"))
        return {"vi": "", "en": ""}
    vi = str(value.get("vi") or "").strip()
    en = str(value.get("en") or "").strip()
    if not vi:
        problems.append(PackageProblem(where, f"{what}: the Vietnamese (vi) text is required"))
    if en_required and not en:
        problems.append(PackageProblem(where, f"{what}: the English (en) text is required"))
    return {"vi": vi, "en": en}


def read_course(source: _Source) -> tuple[CourseVersion, str, list[PackageProblem]]:
    """Build an unsaved :class:`CourseVersion` from the package; returns it with the course
    code and the list of problems (empty when the package is valid)."""
    problems: list[PackageProblem] = []
    data = source.read_yaml("course.yaml", problems)
    version = CourseVersion(status="draft")
    if data is None:
        return version, "", problems
    if not isinstance(data, dict):
        problems.append(PackageProblem("course.yaml:1", "course.yaml must be a mapping"))
        return version, "", problems
    at = lambda node: f"course.yaml:{getattr(node, 'line', 1)}"  # noqa: E731
    top = at(data)
    if data.get("format") != FORMAT:
        problems.append(PackageProblem(top, f"format must be {FORMAT}"))
    code = str(data.get("code") or "").strip().upper()
    if not CODE_RE.match(code):
        problems.append(PackageProblem(top, f"code {code!r} is invalid: letters, digits, - _ ."))
    title = _langmap(data.get("title"), top, "title", problems)
    description = _langmap(data.get("description"), top, "description", problems,
                           en_required=False)
    version.title_vi, version.title_en = title["vi"], title["en"]
    version.description_vi, version.description_en = description["vi"], description["en"]

    field_code = data.get("field")
    if field_code:
        field = db.session.scalar(sa.select(ProfessionalField).where(
            ProfessionalField.code == str(field_code).upper()))
        if field is None:
            problems.append(PackageProblem(top, f"unknown professional field {field_code!r}"))
        version.field = field
    hours = data.get("estimated_hours")
    if not isinstance(hours, int | float) or isinstance(hours, bool) or hours <= 0:
        problems.append(PackageProblem(top, "estimated_hours must be a number above 0"))
        hours = 1
    version.estimated_minutes = round(hours * 60)

    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        problems.append(PackageProblem(top, "tags must be a list of words"))
        tags = []
    version.tags = [CourseTag(tag=t.strip().lower()) for t in dict.fromkeys(tags)]

    positions = data.get("target_positions") or []
    for pcode in positions if isinstance(positions, list) else []:
        position = db.session.scalar(sa.select(JobPosition).where(
            JobPosition.code == str(pcode).upper()))
        if position is None:
            problems.append(PackageProblem(top, f"unknown job position {pcode!r}"))
        elif all(tp.position_id != position.id for tp in version.target_positions):
            version.target_positions.append(CourseTargetPosition(position_id=position.id))

    for pcode in data.get("prerequisites") or []:
        required = db.session.scalar(sa.select(Course).where(Course.code == str(pcode).upper()))
        if required is None:
            problems.append(PackageProblem(top, f"unknown prerequisite course {pcode!r} "
                                           "(import it first)"))
        elif str(pcode).upper() == code:
            problems.append(PackageProblem(top, "a course cannot be its own prerequisite"))
        else:
            version.prerequisites.append(CoursePrerequisite(required_course_id=required.id))

    for item in data.get("competencies") or []:
        where = at(item)
        ccode = str(item.get("code") or "").strip().upper() if isinstance(item, dict) else ""
        level = item.get("level") if isinstance(item, dict) else None
        if not ccode:
            problems.append(PackageProblem(where, "a competency needs a code"))
        elif not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 3:
            problems.append(PackageProblem(where, f"competency {ccode}: level must be 1, 2 or 3"))
        else:
            version.competencies.append(CourseCompetency(competency_code=ccode, level=level))

    completion = data.get("completion") or {}
    if not isinstance(completion, dict):
        problems.append(PackageProblem(top, "completion must be a mapping"))
        completion = {}
    lessons_rule = completion.get("lessons", "all")
    if lessons_rule not in ("all", "none"):
        problems.append(PackageProblem(at(completion), "completion.lessons must be all or none"))
    version.require_all_lessons = lessons_rule == "all"
    version.require_quiz_passed = bool(completion.get("quiz_passed", True))
    min_minutes = completion.get("min_minutes", 0)
    if not isinstance(min_minutes, int) or min_minutes < 0:
        problems.append(PackageProblem(at(completion), "min_minutes must be a whole number ≥ 0"))
        min_minutes = 0
    version.min_minutes = min_minutes

    modules = data.get("modules")
    if not isinstance(modules, list) or not modules:
        problems.append(PackageProblem(top, "a course needs at least one module"))
        modules = []
    for mpos, mspec in enumerate(modules, start=1):
        _read_module(source, version, mpos, mspec, problems)
    if version.require_quiz_passed and not any(
            lesson.kind == "quiz" and lesson.settings.get("graded", True)
            for lesson in version.lessons) and not problems:
        problems.append(PackageProblem(top, "completion.quiz_passed is true but the course has "
                                       "no graded quiz"))
    lesson_minutes = sum(lesson.minutes for lesson in version.lessons)
    if version.min_minutes > lesson_minutes and not problems:
        problems.append(PackageProblem(top, f"min_minutes {version.min_minutes} is more than the "
                                       f"lessons' {lesson_minutes} minutes"))
    version.search_text = fold(" ".join([
        code, version.title_vi, version.title_en, version.description_vi,
        version.description_en, " ".join(t.tag for t in version.tags)]))
    return version, code, problems


def _read_module(source, version, mpos, mspec, problems) -> None:
    where = f"course.yaml:{getattr(mspec, 'line', 1)}"
    if not isinstance(mspec, dict):
        problems.append(PackageProblem(where, f"module {mpos} must be a mapping"))
        return
    title = _langmap(mspec.get("title"), where, f"module {mpos} title", problems)
    module = CourseModule(position=mpos, title_vi=title["vi"], title_en=title["en"])
    version.modules.append(module)
    lessons = mspec.get("lessons")
    if not isinstance(lessons, list) or not lessons:
        problems.append(PackageProblem(where, f"module {mpos} has no lessons"))
        return
    for lpos, lspec in enumerate(lessons, start=1):
        lwhere = f"course.yaml:{getattr(lspec, 'line', 1)}"
        label = f"module {mpos}, lesson {lpos}"
        if not isinstance(lspec, dict):
            problems.append(PackageProblem(lwhere, f"{label} must be a mapping"))
            continue
        kind_name = lspec.get("kind")
        if kind_name not in kind_names():
            problems.append(PackageProblem(lwhere, f"{label}: unknown kind {kind_name!r} "
                                           f"(one of {', '.join(kind_names())})"))
            continue
        kind = get_kind(kind_name)
        ltitle = _langmap(lspec.get("title"), lwhere, f"{label} title", problems)
        minutes = lspec.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
            problems.append(PackageProblem(lwhere, f"{label}: minutes must be a whole number "
                                           "above 0"))
            minutes = 1
        lesson = Lesson(position=lpos, kind=kind_name, title_vi=ltitle["vi"],
                        title_en=ltitle["en"], minutes=minutes, settings={}, body_vi="",
                        body_en="", source_path="")
        module.lessons.append(lesson)
        if kind.needs_file:
            path = clean_path(lspec.get("file"))
            if path is None:
                problems.append(PackageProblem(lwhere, f"{label}: file is missing or leaves the "
                                               "package"))
                continue
            lspec = dict(lspec, file=path)
        kind.load(lesson, lspec, source, problems)


# -- importing -----------------------------------------------------------------------------------
class ImportResult:
    def __init__(self, version: CourseVersion, created: bool, replaced: CourseVersion | None):
        self.version = version
        self.created = created
        self.replaced_draft = replaced


def import_package(source: _Source, *, actor=None) -> ImportResult:
    """Import ``source`` as a new draft version of its course (a new course when the code is
    new). A draft in progress is replaced; a version in review blocks the import. Raises
    :class:`PackageError` with every problem, having kept nothing (the caller rolls back)."""
    version, code, problems = read_course(source)
    course = db.session.scalar(sa.select(Course).where(Course.code == code)) if code else None
    replaced = None
    if course is not None and not problems:
        working = course.working_version
        if working is not None and working.status == "in_review":
            problems.append(PackageProblem("course.yaml", f"course {code} has version "
                                           f"{working.number} in review; finish the review first"))
        else:
            replaced = working
    if problems:
        raise PackageError(problems)
    created = course is None
    if created:
        course = Course(code=code, created_by_id=getattr(actor, "id", None))
        db.session.add(course)
        db.session.flush()
    if replaced is not None:
        course.versions.remove(replaced)  # delete-orphan deletes the replaced draft
        db.session.flush()
    version.number = max((v.number for v in course.versions), default=0) + 1
    version.author_id = getattr(actor, "id", None)
    version.course = course
    db.session.add(version)
    db.session.flush()
    return ImportResult(version, created, replaced)


class PackageOutcome:
    """What :func:`import_all` did with one package: its ``result`` (the version imported,
    and published when asked), ``skipped`` because the course exists, or ``error`` (nothing of
    it kept)."""

    def __init__(self, path: Path, code: str | None, *, result: ImportResult | None = None,
                 skipped: bool = False, error: UserError | None = None):
        self.path = path
        self.code = code
        self.result = result
        self.skipped = skipped
        self.error = error


def import_all(path: str | os.PathLike, *, publish: bool = False, dry_run: bool = False,
               if_missing: bool = False, actor=None) -> list[PackageOutcome]:
    """Import every package under ``path`` (see :func:`package_dirs`), each in its own
    savepoint, so a refused package leaves the others. ``publish`` publishes each imported
    version at once (the content shipped with the product); ``if_missing`` skips courses whose
    code exists. Each imported package is committed, except in a dry run, which keeps them all
    until the end (a course can be checked against the prerequisites checked before it) and
    then rolls everything back."""
    from lms_core.courses import operations as ops

    outcomes = []
    for package_path in package_dirs(path):
        code = _peek_code(package_path)
        if if_missing and code and db.session.scalar(
                sa.select(Course.id).where(Course.code == code)):
            outcomes.append(PackageOutcome(package_path, code, skipped=True))
            continue
        savepoint = db.session.begin_nested()
        try:
            result = import_package(open_package(package_path), actor=actor)
            if publish:
                ops.publish(result.version)
            savepoint.commit()
        except UserError as exc:
            savepoint.rollback()
            outcomes.append(PackageOutcome(package_path, code, error=exc))
            continue
        outcomes.append(PackageOutcome(package_path, code, result=result))
        if not dry_run:
            db.session.commit()
    if dry_run:
        db.session.rollback()
    return outcomes


def _peek_code(package_path: Path) -> str | None:
    """The course code in a folder package's course.yaml, without reading the rest."""
    course_yaml = package_path / "course.yaml"
    if not course_yaml.exists():
        return None
    try:
        data = yaml.safe_load(course_yaml.read_text("utf-8"))
    except yaml.YAMLError:
        return None
    return str(data.get("code", "")).upper() if isinstance(data, dict) else None


def package_dirs(path: str | os.PathLike) -> list[Path]:
    """The packages under ``path``: itself when it holds course.yaml (or is a zip), else its
    sub-folders and zips that do, ordered so that prerequisites come first."""
    path = Path(path)
    if path.is_file() or (path / "course.yaml").exists():
        return [path]
    found = sorted(p for p in path.iterdir()
                   if (p.is_dir() and (p / "course.yaml").exists()) or p.suffix == ".zip")
    requires: dict[Path, set[str]] = {}
    codes: dict[str, Path] = {}
    for p in found:
        try:
            meta = yaml.safe_load((p / "course.yaml").read_text("utf-8")) if p.is_dir() else {}
        except yaml.YAMLError:
            meta = {}
        meta = meta if isinstance(meta, dict) else {}
        codes[str(meta.get("code", p.name)).upper()] = p
        requires[p] = {str(c).upper() for c in meta.get("prerequisites") or []}
    ordered: list[Path] = []

    def visit(p: Path, trail: tuple = ()) -> None:
        if p in ordered or p in trail:
            return
        for code in sorted(requires.get(p, ())):
            if code in codes:
                visit(codes[code], trail + (p,))
        ordered.append(p)

    for p in found:
        visit(p)
    return ordered


# -- exporting -----------------------------------------------------------------------------------
class PackageWriter:
    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _target(self, path: str) -> Path:
        clean = clean_path(path)
        if clean is None:
            raise ValueError(path)
        target = self.root / clean
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_text(self, path: str, text: str) -> str:
        self._target(path).write_text(text, encoding="utf-8")
        return path

    def write_yaml(self, path: str, data: Any) -> str:
        return self.write_text(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                                    width=100))

    def write_asset(self, asset: MediaAsset, path: str) -> str:
        path = path or f"media/{asset.filename}"
        shutil.copyfile(media.asset_path(asset), self._target(path))
        return path

    def unstore_images(self, markdown: str) -> str:
        def replace(match: re.Match) -> str:
            ref = match.group(2)
            m = re.match(r"^/media/([0-9a-f]{64})/(.+)$", ref)
            if not m:
                return match.group(0)
            asset = db.session.scalar(sa.select(MediaAsset).where(MediaAsset.sha256 == m.group(1)))
            if asset is None:
                return match.group(0)
            self.write_asset(asset, f"media/{m.group(2)}")
            return f"{match.group(1)}../media/{m.group(2)}{match.group(3)}"

        return IMAGE_REF.sub(replace, markdown)


def _lang(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def export_version(version: CourseVersion, root: Path) -> Path:
    """Write ``version`` as a package folder at ``root`` (created); importing it gives the same
    course."""
    writer = PackageWriter(root)
    data: dict[str, Any] = {
        "format": FORMAT,
        "code": version.code,
        "title": _lang(version.title_vi, version.title_en),
        "description": _lang(version.description_vi, version.description_en),
    }
    if version.field is not None:
        data["field"] = version.field.code
    data["estimated_hours"] = round(version.estimated_minutes / 60, 2)
    data["tags"] = version.tag_names
    data["target_positions"] = sorted(tp.position.code for tp in version.target_positions)
    data["prerequisites"] = sorted(p.required_course.code for p in version.prerequisites)
    data["competencies"] = [{"code": c.competency_code, "level": c.level}
                            for c in sorted(version.competencies, key=lambda c: c.competency_code)]
    data["completion"] = {"lessons": "all" if version.require_all_lessons else "none",
                          "quiz_passed": version.require_quiz_passed,
                          "min_minutes": version.min_minutes}
    data["modules"] = []
    for module in version.modules:
        lessons = []
        for lesson in module.lessons:
            entry: dict[str, Any] = {"kind": lesson.kind,
                                     "title": _lang(lesson.title_vi, lesson.title_en),
                                     "minutes": lesson.minutes}
            entry.update(get_kind(lesson.kind).dump(lesson, writer))
            lessons.append(entry)
        data["modules"].append({"title": _lang(module.title_vi, module.title_en),
                                "lessons": lessons})
    writer.write_yaml("course.yaml", data)
    return root
