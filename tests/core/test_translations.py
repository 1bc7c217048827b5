"""The Vietnamese catalogs of the core and of every plugin cover all UI text of the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
#: The same keywords as ``make extract-messages`` (``pybabel extract -k _l``).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
#: ``%(name)s``, ``%(n)d``, ``%(code)r``: a named placeholder with its conversion.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z]")

PACKAGES = ["lms_core"] + sorted(
    f"plugins/{d.name}" for d in (ROOT / "plugins").iterdir()
    if d.is_dir() and (d / "__init__.py").exists()
)


def _method_map():
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        return parse_mapping_cfg(fh, filename=str(ROOT / "babel.cfg"))


def _source_msgids(package: str) -> set[str]:
    """Every msgid the package's Python files and templates use."""
    method_map, options_map = _method_map()
    msgids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / package), method_map, options_map, keywords=KEYWORDS):
        msgids.add(message[0] if isinstance(message, tuple) else message)
    return msgids


def _catalog(package: str):
    path = ROOT / package / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"{package} has no Vietnamese catalog at {path}"
    with open(path, "rb") as fh:
        return read_po(fh, locale="vi")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_source_string_has_a_vietnamese_translation(package):
    """Each msgid in the package's source is in its vi catalog, translated and not fuzzy."""
    catalog = _catalog(package)
    problems = []
    for msgid in sorted(_source_msgids(package)):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
        elif not message.string or not message.string.strip():
            problems.append(f"untranslated: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
    assert not problems, f"{package}: {len(problems)} strings need a translation:\n" + "\n".join(
        problems)


@pytest.mark.parametrize("package", PACKAGES)
def test_translations_keep_the_placeholders_of_the_msgid(package):
    """Every msgstr uses exactly the %(...)s placeholders of its msgid."""
    problems = []
    for message in _catalog(package):
        if not message.id or not message.string:
            continue
        expected = sorted(m.group(0) for m in PLACEHOLDER.finditer(message.id))
        found = sorted(m.group(0) for m in PLACEHOLDER.finditer(message.string))
        if set(expected) != set(found):
            problems.append(f"{message.id!r}: expected {expected}, found {found} in "
                            f"{message.string!r}")
    assert not problems, f"{package}:\n" + "\n".join(problems)


@pytest.mark.parametrize("package", PACKAGES)
def test_the_catalog_compiles_without_errors(package):
    """Babel's own checks (what ``pybabel compile`` refuses) find nothing: a stray ``%`` in a
    python-format message would stop ``make`` on a fresh machine."""
    catalog = _catalog(package)
    problems = [f"{message.id!r}: {errors}" for message in catalog
                if message.id and (errors := message.check(catalog))]
    assert not problems, f"{package}:\n" + "\n".join(problems)


def test_plugins_never_change_what_a_core_msgid_reads(app):
    """All catalogs share one gettext domain: with every plugin loaded, each core msgid still
    reads as the core's catalog says (a plugin's "Created" must not rename a core column)."""
    from flask_babel import force_locale, gettext

    core = _catalog("lms_core")
    with app.test_request_context(), force_locale("vi"):
        wrong = [f"{m.id!r}: {gettext(m.id)!r} instead of {m.string!r}" for m in core
                 if m.id and isinstance(m.id, str) and m.string and "%" not in m.id
                 and gettext(m.id) != m.string]
    assert not wrong, "\n".join(wrong)


def test_plugins_translate_a_shared_msgid_alike():
    """Two plugins with the same msgid give it the same Vietnamese (else the one loaded last
    would silently rename the other's screens)."""
    seen: dict[str, dict[str, str]] = {}
    for package in PACKAGES:
        if package == "lms_core":
            continue
        for message in _catalog(package):
            if message.id and message.string:
                seen.setdefault(str(message.id), {})[package] = message.string
    clashes = {msgid: found for msgid, found in seen.items() if len(set(found.values())) > 1}
    assert not clashes, clashes
