"""Reading the CSV files users upload: HR exports and spreadsheets saved from Excel.

Every import of the platform (units, positions and officers; position profiles; framework,
question bank and result files of the competency plugin; annual ratings of the emulation
plugin) reads its file here, so they all accept the same files and refuse the others with
the same clear messages:

* **Encoding.** UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), and UTF-16
  with a byte-order mark (Excel's "Unicode Text", tab-separated). Anything else (Windows-1258
  or TCVN3, the old Vietnamese encodings; Latin-1) is refused with the line of the first
  character that is not UTF-8 and how to save the file again from Excel; an Excel workbook
  (.xlsx, .xls) is refused with the same advice. Text is normalised to composed Unicode
  (NFC): some tools write decomposed Vietnamese letters.
* **Delimiter.** ``,``, ``;`` (Excel set to Vietnamese writes ``;``) or a tab: the one the
  first line holds most of.
* **Header.** The first line names the columns. Names are compared accent-folded and
  case-insensitively, spaces and hyphens as ``_`` (``"Mã  đơn-vị"`` is ``ma_don_vi``); an
  importer may pass its own ``key`` function.
* **Rows.** Blank lines are skipped; each row keeps the line of the file where it starts (the
  header is line 1, a quoted value may span lines), for messages such as "Line 7: ...".
  A row with more values than the header has columns (usually an unquoted ``,`` inside a
  value) is flagged (:attr:`Row.overflow`): the importer decides whether that rejects the row
  or the file.

Problems of the whole file raise :class:`~lms_core.errors.UserError`; the importer checks
the rows and reports their problems itself, with its own messages.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from lms_core.errors import UserError
from lms_core.text import fold

#: The delimiters recognised, in order of preference on a tie.
DELIMITERS = (",", ";", "\t")
#: The first bytes of an Excel workbook: .xlsx (a zip file) and .xls (an OLE2 file).
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Row:
    """One non-blank row of a file."""

    #: The line of the file where the row starts (the header is line 1).
    line: int
    #: ``column name -> value`` (stripped of surrounding spaces unless the reader was told
    #: not to); a column the row is too short for is ``""``.
    values: dict[str, str]
    #: How many values the line holds.
    size: int
    #: The line holds non-empty values past the header's last column.
    overflow: bool = False

    def get(self, name: str, default: str = "") -> str:
        """The value of column ``name`` (``default`` when the file has no such column)."""
        value = self.values.get(name)
        return default if value is None else value


@dataclass
class CsvFile:
    """A decoded and parsed file: its header and its non-blank rows."""

    #: The column names as :func:`header_key` (or the reader's ``key``) made them, in the
    #: file's order; ``""`` for an unnamed column.
    header: list[str]
    delimiter: str
    rows: list[Row]

    @property
    def columns(self) -> set[str]:
        return {name for name in self.header if name}

    def missing(self, required: Iterable[str]) -> list[str]:
        """The names in ``required`` that the header lacks, in ``required``'s order."""
        have = self.columns
        return [name for name in required if name not in have]

    def duplicates(self) -> list[str]:
        """Column names the header gives more than once."""
        seen: set[str] = set()
        dup: list[str] = []
        for name in self.header:
            if name and name in seen and name not in dup:
                dup.append(name)
            seen.add(name)
        return dup

    def refuse_duplicate_columns(self) -> None:
        """Raise :class:`UserError` naming the first column given twice, if any."""
        dup = self.duplicates()
        if dup:
            raise UserError(_("Column %(name)s appears twice in the first line.", name=dup[0]))

    def overflow_message(self, row: Row) -> str:
        """Why ``row`` (with :attr:`Row.overflow`) cannot be read as it stands."""
        return _("This line has %(n)d values but the first line names %(m)d columns; a value "
                 "that contains %(sep)s must be put in double quotes.",
                 n=row.size, m=len(self.header), sep=self.delimiter)


def size_limit_text(max_bytes: int) -> str:
    """``max_bytes`` in MB as the messages show it (``20``, ``0.5``)."""
    return f"{max_bytes / (1024 * 1024):g}"


def decode(data, *, max_bytes: int | None = None) -> str:
    """The text of an uploaded file: ``bytes``, ``str`` or a binary file object.

    Accepts UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark;
    returns NFC text without the mark. Raises :class:`UserError` for a file larger than
    ``max_bytes`` (when given), an Excel workbook, another encoding (saying on which line the
    first bad character is and how to save the file as UTF-8 from Excel), or binary data.
    """
    if hasattr(data, "read"):
        data = data.read() if max_bytes is None else data.read(max_bytes + 1)
    if isinstance(data, str):
        text = data
    else:
        data = bytes(data)
        if max_bytes is not None and len(data) > max_bytes:
            raise UserError(_("The file is larger than %(mb)s MB.",
                              mb=size_limit_text(max_bytes)))
        if data.startswith(_WORKBOOK_SIGNATURES):
            raise UserError(_("This is an Excel workbook, not a CSV file. In Excel choose "
                              "Save As, then \"CSV UTF-8 (Comma delimited)\"."))
        if data.startswith(_UTF16_BOMS):
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                raise UserError(_("This is not a text file.")) from None
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[:exc.start].count(b"\n") + 1
                raise UserError(_(
                    "The file is not in UTF-8 (the first bad character is on line %(line)d): "
                    "it was probably saved in an old Vietnamese encoding such as Windows-1258 "
                    "or TCVN3, so its Vietnamese letters cannot be read. Save it again in "
                    "UTF-8 (in Excel: Save As, then \"CSV UTF-8 (Comma delimited)\") and "
                    "import it again.", line=line)) from None
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise UserError(_("This is not a text file."))
    return unicodedata.normalize("NFC", text)


def sniff_delimiter(text: str) -> str:
    """The delimiter the first line holds most of (``,`` when it holds none)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_key(name: str) -> str:
    """A column name as the importers compare it: accent-folded, lower case, spaces and
    hyphens as one ``_`` (``" Mã đơn-vị "`` -> ``"ma_don_vi"``)."""
    return "_".join(fold(name.replace("-", " ")).split())


def read(data, *, key: Callable[[str], str] = header_key, strip: bool = True,
         max_bytes: int | None = None) -> CsvFile:
    """Decode (:func:`decode`) and parse a CSV file: its header (names through ``key``) and
    its non-blank rows with their line numbers; values are stripped of surrounding spaces
    unless ``strip`` is False.

    Raises :class:`UserError` for a file that cannot be used at all: see :func:`decode`, an
    empty file, or text that is not CSV (an unclosed quote...), naming the line."""
    text = decode(data, max_bytes=max_bytes)
    if not text.strip():
        raise UserError(_("The file is empty."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    try:
        header = [key(h) for h in next(reader)]
        last = reader.line_num
        for record in reader:
            line, last = last + 1, reader.line_num
            if not any(v.strip() for v in record):
                continue
            overflow = len(record) > len(header) and any(v.strip()
                                                          for v in record[len(header):])
            values = {}
            for i, name in enumerate(header):
                if name:
                    value = record[i] if i < len(record) else ""
                    values[name] = value.strip() if strip else value
            rows.append(Row(line, values, len(record), overflow))
    except csv.Error as exc:
        raise UserError(_("The file cannot be read as CSV near line %(line)d: %(error)s",
                          line=reader.line_num, error=str(exc))) from None
    return CsvFile(header, delimiter, rows)
