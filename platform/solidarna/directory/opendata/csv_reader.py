"""Reading an uploaded CSV file, before any row is checked: its size, type and encoding
(UTF-8, UTF-16, or the Windows code pages Excel uses in Serbia), its delimiter, and a header
mapped onto our columns (table(), which xlsx_reader.py shares). Whatever makes the file as a
whole unreadable is a FileProblem.

Row numbers are spreadsheet row numbers: the header is row 1, the first entry row 2.
The file format is documented in docs/open-data.md."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask_babel import format_decimal

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.opendata.csv_headers import column_of, display_name
from solidarna.directory.opendata.services import BOM

MAX_BYTES = 5 * 1024 * 1024
#: Rows per file. Creating an entry through services.create_organization takes about 5 ms
#: (SQLite and PostgreSQL), so 2,000 rows are confirmed in about 10-15 s, by the worker (import_job.py).
MAX_ROWS = 2000
REQUIRED_COLUMNS = ("name", "legal_form", "actor_type", "municipality")
EMPTY = _l("The file is empty.")


class FileProblem(Exception):
    """The file as a whole cannot be read; str() is a user-facing message."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.status = status


@dataclass
class Table:
    """A decoded, split file: what the reader found before any row is validated."""

    encoding: str
    delimiter: str
    header: list[str]
    #: our column name -> index in the row
    columns: dict[str, int]
    ignored: list[str]
    #: (spreadsheet row number, cells)
    rows: list[tuple[int, list[str]]]
    notices: list[str] = field(default_factory=list)
    #: the worksheet's name, for a workbook
    sheet: str = ""


_SERBIAN_LATIN = set("čćđšžČĆĐŠŽ")
_PUNCTUATION = set("„“”‚‘’–—…€«»°§·№\u00a0")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def _controls(raw: bytes) -> int:
    return len(raw) - len(raw.translate(None, _CONTROL_BYTES))


def _cyrillic_runs(text: str) -> bool:
    """More Cyrillic letters next to Cyrillic letters than next to Latin ones."""
    within = mixed = 0
    for a, b in zip(text, text[1:], strict=False):
        a_cyr, b_cyr = "\u0400" <= a <= "\u04ff", "\u0400" <= b <= "\u04ff"
        if a_cyr and b_cyr:
            within += 1
        elif (a_cyr and b.isascii() and b.isalpha()) or (b_cyr and a.isascii() and a.isalpha()):
            mixed += 1
    return within > mixed


def decode(raw: bytes) -> tuple[str, str]:
    """The file's text and a name of the encoding it was read in.

    UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as they are. Files that
    Excel saved as plain "CSV" in a Serbian Windows are Windows-1251 (Cyrillic) or
    Windows-1250 (Latin): they are recognised and decoded, and the preview says so. Anything
    else is refused with a message that says how to save the file."""
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(EMPTY)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: .xls, or an encrypted .xlsx
        raise FileProblem(
            _l(
                "This is an Excel 97–2003 workbook (.xls) or a password-protected one, which "
                "cannot be read. In your spreadsheet program choose Save as, then “Excel "
                "Workbook (.xlsx)” or “CSV UTF-8”, and upload that file."
            ),
            415,
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise FileProblem(_l("The file is not valid UTF-16 text."), 415) from None
    if b"\x00" in raw or _controls(raw) > len(raw) // 1000:
        raise FileProblem(_l("This is not a text file. Upload a CSV file."), 415)
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as error:
            raise FileProblem(
                _l(
                    "The file says it is UTF-8 but is not (a wrong byte at position %(pos)d). "
                    "Save it again as “CSV UTF-8”.",
                    pos=error.start + 3,
                ),
                415,
            ) from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # A single-byte Windows encoding. Cyrillic words are runs of Cyrillic letters; Latin
    # text read as Windows-1251 shows its č, ć, š, ž, đ as Cyrillic letters inside Latin words.
    cyrillic = raw.decode("cp1251", errors="replace")
    if _cyrillic_runs(cyrillic) and all(
        ord(c) < 128 or "\u0400" <= c <= "\u04ff" or c in _PUNCTUATION for c in cyrillic
    ):
        return cyrillic, "Windows-1251"
    try:
        latin = raw.decode("cp1250")
    except UnicodeDecodeError:
        latin = None
    if latin is not None and all(
        ord(c) < 128 or c in _SERBIAN_LATIN or c in _PUNCTUATION for c in latin
    ):
        return latin, "Windows-1250"
    raise FileProblem(
        _l(
            "We could not tell how the text of this file is encoded. In your spreadsheet "
            "program choose Save as, then “CSV UTF-8”, and upload that file."
        ),
        415,
    )


def sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def column_key(header: str) -> str | None:
    """Our column for a header cell (csv_headers.py), or None."""
    return column_of(header)


def check_size(raw: bytes) -> None:
    if len(raw) > MAX_BYTES:
        raise FileProblem(
            _l(
                "The file is larger than %(mb)d MB. Split it into smaller files.",
                mb=MAX_BYTES // 2**20,
            ),
            413,
        )


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, 1)
    except csv.Error as error:
        raise FileProblem(
            _l(
                "The file is not valid CSV near row %(row)d (%(error)s).",
                row=reader.line_num,
                error=str(error),
            )
        ) from None


def read(raw: bytes) -> Table:
    """Decode and split an uploaded CSV file; FileProblem for whatever makes it unreadable."""
    check_size(raw)
    text, encoding = decode(raw)
    text = text.lstrip(BOM)
    delimiter = sniff_delimiter(text)
    return table(_csv_rows(text, delimiter), encoding, delimiter)


def table(
    lines: Iterable[tuple[int, list[str]]],
    encoding: str,
    delimiter: str = "",
    *,
    sheet: str = "",
    empty=EMPTY,
) -> Table:
    """The header (the first row that is not blank) and the entry rows of a file's
    (row number, cells), whatever the format; `empty` is the message for a file without any."""
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for number, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = cells
            continue
        if len(rows) >= MAX_ROWS:
            raise FileProblem(
                _l(
                    "The file has more than %(max)s rows. Import at most %(max)s at a time.",
                    max=format_decimal(MAX_ROWS),
                ),
                413,
            )
        rows.append((number, cells))
    if header is None:
        raise FileProblem(empty)
    columns: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(header):
        key = column_key(name)
        if key is not None:
            if key in columns:
                raise FileProblem(
                    _l("The column “%(name)s” appears twice in the header.", name=name.strip())
                )
            columns[key] = index
        elif name.strip():
            ignored.append(name.strip())
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileProblem(
            _l(
                "These required columns are missing: %(columns)s. The first row must hold the "
                "column names of the template.",
                columns=", ".join(display_name(c) for c in missing),
            )
        )
    if not rows:
        raise FileProblem(_l("The file has column names but no entries."))
    return Table(encoding, delimiter, header, columns, ignored, rows, sheet=sheet)
