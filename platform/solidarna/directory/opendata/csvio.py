"""Import of directory entries from a CSV file or an Excel workbook, without HTTP: the
preview of a file (its rows validated, with their problems and possible duplicates),
creating the valid entries on confirmation, and the report of what was imported.

The steps live in csv_reader and xlsx_reader (reading the file), csv_codes and csv_rows
(validating rows through the organization form), csv_duplicates and csv_template; the names
the import views use are available here."""

from __future__ import annotations

from dataclasses import dataclass, field

from solidarna.core import audit
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.opendata import accepted, csv_reader, xlsx_reader
from solidarna.directory.opendata.csv_codes import Lookups
from solidarna.directory.opendata.csv_duplicates import duplicates_in_directory, duplicates_in_file
from solidarna.directory.opendata.csv_reader import (
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    FileProblem,
    Table,
)
from solidarna.directory.opendata.csv_rows import Problem, Row, validate_row
from solidarna.directory.opendata.csv_template import template_csv, template_xlsx
from solidarna.directory.opendata.services import COLUMNS
from solidarna.directory.organizations import services

__all__ = [
    "COLUMNS", "MAX_BYTES", "MAX_ROWS", "REQUIRED_COLUMNS", "FileProblem", "Report", "Table",
    "count_importable", "import_rows", "problems", "read", "template_csv", "template_xlsx",
    "validate", "warnings",
]  # fmt: skip


WORKBOOK_NAMES = (".xlsx", ".xlsm")


def read(raw: bytes, filename: str = "") -> Table:
    """An uploaded file, told apart by its content: a workbook is a ZIP archive, anything
    else is read as CSV. A file whose name promises a workbook but whose content is not one
    (a renamed text file) is refused rather than guessed at."""
    csv_reader.check_size(raw)
    if xlsx_reader.is_zip(raw):
        return xlsx_reader.read(raw)
    if filename.lower().endswith(WORKBOOK_NAMES) and raw.strip():
        raise FileProblem(
            _l(
                "The file is named like an Excel workbook (.xlsx) but is not one; perhaps it "
                "was renamed. Open it in your spreadsheet program, save it as “Excel Workbook "
                "(.xlsx)” or “CSV UTF-8”, and upload that file."
            ),
            415,
        )
    return csv_reader.read(raw)


def validate(table: Table, tenant) -> list[Row]:
    """Every row checked on its own, then against the other rows and the directory."""
    lookups = Lookups(tenant)
    rows = [validate_row(number, cells, table, lookups) for number, cells in table.rows]
    duplicates_in_file(rows)
    duplicates_in_directory(rows)
    _add_hints(rows, tenant)
    return rows


def _add_hints(rows: list[Row], tenant) -> None:
    """An error of a coded column says what is accepted instead (the code list is built only
    for a file that has such an error)."""
    lists = None
    for problem in problems(rows):
        if problem.column in accepted.CODED and problem.value:
            if lists is None:
                lists = {c.column: c for c in accepted.code_lists(tenant)}
            problem.hint = accepted.hint(lists[problem.column])


def problems(rows: list[Row]) -> list[Problem]:
    return [p for row in rows for p in row.errors]


def warnings(rows: list[Row]) -> list[Problem]:
    return [p for row in rows for p in row.warnings]


def count_importable(rows: list[Row], include_similar: bool = False) -> int:
    return sum(1 for r in rows if r.importable(include_similar))


@dataclass
class Report:
    filename: str
    moderation: str
    created: list[tuple[int, int, str]] = field(default_factory=list)  # row, id, name
    skipped: list[tuple[int, str, list[str]]] = field(default_factory=list)  # row, name, reasons

    def to_dict(self) -> dict:
        return {
            "filename": self.filename,
            "moderation": self.moderation,
            "created": self.created,
            "skipped": self.skipped,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        return cls(
            data["filename"],
            data["moderation"],
            [tuple(c) for c in data["created"]],
            [(r, n, list(reasons)) for r, n, reasons in data["skipped"]],
        )


def import_rows(
    rows: list[Row],
    by,
    *,
    filename: str,
    moderation: str = "pending",
    include_similar=False,
    progress=None,
) -> Report:
    """Create an entry for every importable row, in the caller's transaction (the caller
    commits once, or rolls back and nothing is written). `progress(done, total)` is told
    how many rows are done, before each row and at the end (the import job shows it)."""
    if moderation not in ("pending", "verified"):
        raise ValueError(moderation)
    report = Report(filename, moderation)
    for done, row in enumerate(rows):
        if progress is not None:
            progress(done, len(rows))
        if not row.importable(include_similar):
            reasons = [f"{p.column}: {p.message}" for p in row.errors]
            if not reasons:
                reasons = [str(_l("Possible duplicate; not imported as you chose."))]
            report.skipped.append((row.number, row.data.get("name") or "", reasons))
            continue
        org = services.create_organization(
            dict(row.data),
            row.tags,
            by,
            source="imported",
            source_detail=filename[:300],
            moderation=moderation,
        )
        report.created.append((row.number, org.id, org.name))
    if progress is not None:
        progress(len(rows), len(rows))
    audit.record(
        "directory.imported",
        actor=by,
        filename=filename,
        created=len(report.created),
        skipped=len(report.skipped),
        moderation=moderation,
        include_similar=bool(include_similar),
    )
    return report
