"""The CSV reader every import uses (lms_core/csvfile.py): encodings, delimiters, header names,
blank lines and line numbers, and the files it refuses with a clear message."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest

from lms_core import csvfile
from lms_core.errors import UserError

TEXT = "Mã đơn vị,Tên đơn vị\nCCKV1,Chi cục Hải quan khu vực I\nCCKV2,Chi cục Hải quan khu vực II\n"


def cp1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes it: base letters with combining tone marks."""
    return unicodedata.normalize("NFD", text).encode("cp1258")


def names(table) -> list[tuple[int, str, str]]:
    return [(r.line, r.get("ma_don_vi"), r.get("ten_don_vi")) for r in table.rows]


EXPECTED = [(2, "CCKV1", "Chi cục Hải quan khu vực I"), (3, "CCKV2", "Chi cục Hải quan khu vực II")]


def test_utf8_with_a_byte_order_mark(app):
    """Excel's "CSV UTF-8": the mark is dropped, the first column keeps its name."""
    table = csvfile.read(TEXT.encode("utf-8-sig"))
    assert table.header == ["ma_don_vi", "ten_don_vi"]
    assert names(table) == EXPECTED


def test_utf8_without_a_byte_order_mark_and_text(app):
    """Plain UTF-8 bytes, a str and a binary file object read the same."""
    for data in (TEXT.encode(), TEXT, io.BytesIO(TEXT.encode())):
        assert names(csvfile.read(data)) == EXPECTED


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_and_tabs(app, encoding):
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, values separated by tabs."""
    data = TEXT.replace(",", "\t")
    raw = data.encode(encoding)
    if encoding != "utf-16":  # the -le/-be codecs write no mark: add the right one
        raw = ("\ufeff" + data).encode(encoding)
    table = csvfile.read(raw)
    assert table.delimiter == "\t"
    assert names(table) == EXPECTED


def test_semicolons_as_excel_in_vietnamese_writes_them(app):
    """``;`` separates the values when the first line holds more of them than commas."""
    text = "ma_don_vi;ten_don_vi;ghi_chu\nCCKV1;Chi cục, khu vực I;\"có ; bên trong\"\n"
    table = csvfile.read(text.encode("utf-8-sig"))
    assert table.delimiter == ";"
    assert table.rows[0].values == {"ma_don_vi": "CCKV1", "ten_don_vi": "Chi cục, khu vực I",
                                    "ghi_chu": "có ; bên trong"}


def test_a_windows_1258_file_is_refused_with_a_clear_message(app):
    """An old Vietnamese encoding: refused, naming the line and how to save as UTF-8."""
    data = b"ma_don_vi,ten_don_vi\n" + cp1258("PHC,Phòng Hành chính\n")
    with pytest.raises(UserError) as exc:
        csvfile.read(data)
    message = str(exc.value)
    assert "không được mã hóa UTF-8" in message and "dòng 2" in message
    assert "Windows-1258" in message and "CSV UTF-8" in message


def test_an_excel_workbook_is_refused(app):
    """An .xlsx (a zip) or .xls file: a message saying how to save it as CSV."""
    for data in (b"PK\x03\x04rest", b"\xd0\xcf\x11\xe0rest"):
        with pytest.raises(UserError, match="Excel"):
            csvfile.read(data)


@pytest.mark.parametrize("data", [b"", b"\n \n", "\ufeff".encode()])
def test_an_empty_file_is_refused(app, data):
    with pytest.raises(UserError, match="Tệp không có dữ liệu"):
        csvfile.read(data)


def test_binary_data_is_refused(app):
    with pytest.raises(UserError, match="không phải là tệp văn bản"):
        csvfile.read(b"ma,ten\n\x00\x01\x02\n")


def test_a_file_over_the_size_limit_is_refused(app):
    """Past ``max_bytes`` the file is refused, saying the limit in MB."""
    data = TEXT.encode() + b"X,Y\n" * 140_000
    with pytest.raises(UserError, match="0.5 MB"):
        csvfile.read(data, max_bytes=512 * 1024)
    with pytest.raises(UserError, match="0.5 MB"):
        csvfile.read(io.BytesIO(data), max_bytes=512 * 1024)
    assert len(csvfile.read(data, max_bytes=1024 * 1024).rows) == 140_002


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(app):
    """Blank lines are skipped but counted; a row starts on the line where it begins."""
    text = ("code,note\n"
            "A,một\n"
            "\n"
            " , \n"
            "B,\"hai\ndòng\"\n"
            "C,ba\n")
    table = csvfile.read(text)
    assert [(r.line, r.get("code")) for r in table.rows] == [(2, "A"), (5, "B"), (7, "C")]
    assert table.rows[1].get("note") == "hai\ndòng"


def test_header_names_are_folded_and_values_stripped(app):
    """Accents, case, spaces and hyphens do not matter in the header; values are trimmed."""
    table = csvfile.read(" Mã  Đơn-Vị ,PARENT-CODE,\n  X1 ,  ,extra\n")
    assert table.header == ["ma_don_vi", "parent_code", ""]
    assert table.rows[0].values == {"ma_don_vi": "X1", "parent_code": ""}
    assert table.missing(["ma_don_vi", "kind", "parent_code"]) == ["kind"]
    raw = csvfile.read(" a ,b\n  x , y\n", strip=False)
    assert raw.rows[0].values == {"a": "  x ", "b": " y"}


def test_decomposed_letters_are_composed(app):
    """Vietnamese written with combining marks compares equal to the composed letters."""
    table = csvfile.read(unicodedata.normalize("NFD", "ma,ten\nA,Hải quan\n").encode())
    assert table.rows[0].get("ten") == "Hải quan"


def test_a_line_with_too_many_values_is_flagged(app):
    """An unquoted comma in a value: the row says so; a short row is padded."""
    table = csvfile.read("code,name\nA,Phòng, Hành chính\nB\nC,Đội,\n")
    a, b, c = table.rows
    assert a.overflow and a.size == 3 and not b.overflow and not c.overflow
    assert b.get("name") == ""
    assert "3" in table.overflow_message(a) and "2" in table.overflow_message(a)


def test_a_column_named_twice_is_found(app):
    table = csvfile.read("code,Code,name\nA,B,C\n")
    assert table.duplicates() == ["code"]
    with pytest.raises(UserError, match="code"):
        table.refuse_duplicate_columns()


def test_the_hr_import_reads_utf16_and_refuses_windows_1258(app):
    """The HR import goes through the shared reader: UTF-16 works, Windows-1258 does not."""
    from lms_core.organisation import importer

    text = "code,name_vi,kind,parent_code\nPHC,Phòng Hành chính,department,\n"
    report = importer.run_import("units", text.encode("utf-16"), dry_run=True,
                                 on=date(2025, 3, 1))
    assert report.ok and report.created == 1
    with pytest.raises(UserError, match="Windows-1258"):
        importer.run_import("units", cp1258(text), dry_run=True, on=date(2025, 3, 1))


def _importers(app):
    """``name -> callable(data)`` of every CSV import of the loaded plugins."""
    from lms_core.organisation import importer

    out = {"hr": lambda data: importer.run_import("units", data, dry_run=True,
                                                  on=date(2025, 3, 1))}
    plugins = app.extensions["lms_plugins"]
    if "competency" in plugins:
        from plugins.competency import assessments, interchange, profiles, result_import

        out.update({
            "results": lambda data: result_import.import_results_csv(data, dry_run=True),
            "bank": lambda data: assessments.import_items_csv(data, dry_run=True),
            "profiles": lambda data: profiles.import_requirements_csv(data, dry_run=True),
            "framework": lambda data: interchange.import_framework(data, "csv", dry_run=True),
        })
    if "emulation" in plugins:
        from plugins.emulation import commendation

        out["ratings"] = lambda data: commendation.import_ratings(data, dry_run=True)
    return out


def test_every_import_refuses_an_old_encoding_with_the_same_message(app):
    """One reader: each import names the line and says how to save the file as UTF-8."""
    data = b"code,name\n" + cp1258("A,Phòng Hành chính\n")
    messages = {}
    for name, run in _importers(app).items():
        with pytest.raises(UserError) as exc:
            run(data)
        messages[name] = str(exc.value)
    assert len(set(messages.values())) == 1, messages
    assert "Windows-1258" in messages["hr"] and "dòng 2" in messages["hr"]
