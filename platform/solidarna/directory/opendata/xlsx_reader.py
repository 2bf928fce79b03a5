"""Reading an uploaded Excel workbook (.xlsx) into the same Table as a CSV file: the first
worksheet, its first row the header, every cell as the text a CSV file would hold (numbers
without a trailing ".0", dates as ISO 8601, the cached value of a formula).

A workbook is recognised by its content (a ZIP archive with an Office Open XML part list),
not by its name. It is read with openpyxl in read-only mode, row by row, and its unpacked
size is checked first, so a small archive cannot unpack into a huge sheet."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time

from openpyxl import load_workbook

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.opendata.csv_reader import FileProblem, Table, table

#: What the parts of a workbook may unpack to; a 5 MB upload of real data unpacks to far less.
MAX_UNPACKED = 100 * 2**20
#: Columns read from each row; ours are 26, an export has 33.
MAX_COLUMNS = 200
ENCODING = "XLSX"

SAVE_AGAIN = _l(
    "In your spreadsheet program choose Save as, then “Excel Workbook (.xlsx)” or “CSV UTF-8”, "
    "and upload that file."
)


def is_zip(raw: bytes) -> bool:
    """A ZIP archive (an .xlsx, .ods or .docx is one), by its first bytes."""
    return raw[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _problem(message, status: int = 415) -> FileProblem:
    return FileProblem(f"{message} {SAVE_AGAIN}", status)


def _check_archive(raw: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _problem(_l("This file looks like an Excel workbook but is damaged."), 422) from None
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise _problem(_l("This is an OpenDocument spreadsheet (.ods), not an Excel workbook."))
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _problem(_l("This is a ZIP archive, not an Excel workbook."))
    if unpacked > MAX_UNPACKED:
        raise FileProblem(
            _l(
                "The workbook unpacks to more than %(mb)d MB. Split it into smaller files.",
                mb=MAX_UNPACKED // 2**20,
            ),
            413,
        )


def cell_text(value) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 4.0 -> "4", 101134702.0 -> "101134702"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _lines(sheet) -> Iterator[tuple[int, list[str]]]:
    rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, 1):  # openpyxl fills in missing rows
        yield number, [cell_text(v) for v in values]


def read(raw: bytes) -> Table:
    """The first worksheet of a workbook as a Table; FileProblem if it cannot be read."""
    _check_archive(raw)
    try:
        # data_only: a formula's value as the spreadsheet program last calculated it.
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    except Exception:  # a damaged part can fail in the zip, XML or openpyxl layer alike
        raise _problem(_l("This Excel workbook is damaged and cannot be read."), 422) from None
    try:
        if not book.worksheets:
            raise FileProblem(_l("The workbook has no worksheet."))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the stored size may be wrong; read what is there
        empty = _l(
            "The first worksheet (“%(name)s”) is empty. The import reads only the first "
            "worksheet of a workbook.",
            name=sheet.title,
        )
        try:
            return table(_lines(sheet), ENCODING, sheet=sheet.title, empty=empty)
        except FileProblem:
            raise
        except Exception:  # read-only mode parses while iterating
            raise _problem(_l("This Excel workbook is damaged and cannot be read."), 422) from None
    finally:
        book.close()
