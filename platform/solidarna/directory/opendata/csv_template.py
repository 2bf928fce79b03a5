"""The import template, as CSV and as an Excel workbook, in a language: the header (the
Serbian column names in Latin or Cyrillic, or ours, which are English) and one clearly
fictional example row, whose coded values a Serbian template gives as their names in its
script and the English one as codes. The workbook's second worksheet lists the accepted
values (accepted.py); the import reads only the first."""

from __future__ import annotations

import csv
import io

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Font

from solidarna.core import geography
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy
from solidarna.directory.opendata import accepted
from solidarna.directory.opendata.csv_headers import EXAMPLE_NAME, header
from solidarna.directory.opendata.services import BOM, COLUMNS, MULTI_SEPARATOR

__all__ = ["EXAMPLE_NAME", "example_row", "template_csv", "template_xlsx"]

#: columns the workbook template holds as numbers, as a spreadsheet would
NUMBERS = ("founding_year", "employees_total", "employees_women", "employees_vulnerable",
           "volunteers")  # fmt: skip

#: the example's coded values, and the list each code is from
EXAMPLE_CODES = {
    "legal_form": ("cooperative", taxonomy.LEGAL_FORMS),
    "actor_type": ("cooperative", taxonomy.ACTOR_TYPES),
    "se_status": ("planned", taxonomy.SE_STATUSES),
    "status": ("active", taxonomy.ORG_STATUSES),
    "kd_sections": (("A", "C"), taxonomy.KD_SECTIONS),
    "general_interest": (("work_integration",), taxonomy.GENERAL_INTEREST),
    "vulnerable_groups": (("long_term_unemployed", "rural_women"), taxonomy.VULNERABLE_GROUPS),
    "turnover_band": ("lt_1m", taxonomy.TURNOVER_BANDS),
}


def _example_municipality(tenant) -> geography.Municipality | None:
    names = sorted(tenant.municipalities) if tenant is not None and tenant.municipalities else []
    if names:
        return geography.find(names[0], getattr(tenant, "region", None))
    if tenant is not None and tenant.region != geography.NATIONAL:
        area = geography.in_district(tenant.region)
        return area[0] if area else None
    return geography.find("Kruševac")


def example_row(tenant, language: str = "en") -> list[str]:
    """One clearly fictional entry, in the order of COLUMNS, written in `language` (codes in
    the English template, their names in a Serbian one)."""
    place = _example_municipality(tenant)
    with force_locale(language):
        example = {
            "name": str(EXAMPLE_NAME),
            "founding_year": "2021",
            "address": str(_l("Example street 1")),
            "employees_total": "4",
            "employees_women": "3",
            "employees_vulnerable": "2",
            "volunteers": "5",
            "mission": str(_l("Fictional example: we process fruit from local farms.")),
            "contact_email": "info@example.org",
            "phone": "+381 37 000 000",
            "website": "https://example.org",
        }
        if place is not None:
            example["municipality"] = place.name_cyrl if language == "sr_Cyrl" else place.name_latn
        for column, (codes, labels) in EXAMPLE_CODES.items():
            codes = (codes,) if isinstance(codes, str) else codes
            values = codes if language == "en" else [str(labels[c]) for c in codes]
            example[column] = MULTI_SEPARATOR.join(values)
    return [example.get(column, "") for column in COLUMNS]


def template_csv(tenant, language: str = "en", delimiter: str = ",") -> str:
    """A UTF-8 BOM (so Excel opens it as UTF-8), the header and the example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header(language))
    writer.writerow(example_row(tenant, language))
    return buffer.getvalue()


BOLD = Font(bold=True)


def _accepted_sheet(book: Workbook, tenant, language: str) -> None:
    """The second worksheet: for every coded column, each accepted code with its name and the
    other spellings the import understands."""
    sheet = book.create_sheet(str(_l("Allowed values"))[:31])
    sheet.append(
        [
            str(
                _l(
                    "In a coded column write the code, its name (in Latin, in Cyrillic or in "
                    "English) or one of the other spellings listed here. Several values in one "
                    "cell are separated with |. Only the first worksheet is imported."
                )
            )
        ]
    )
    sheet.append([])
    sheet.append([str(_l("Column")), str(_l("Code")), str(_l("Label")), str(_l("Also accepted"))])
    for cell in sheet[3]:
        cell.font = BOLD
    for code_list in accepted.code_lists(tenant):
        column = accepted.heading(code_list.column, language)
        for value in code_list.values:
            sheet.append([column, value.code, value.label, ", ".join(value.also)])
    for letter, width in zip("ABCD", (30, 24, 50, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    sheet.auto_filter.ref = f"A3:D{sheet.max_row}"


def template_xlsx(tenant, language: str = "en") -> bytes:
    """A workbook: the header and the example row on the first worksheet (the one the import
    reads), the accepted values on the second. Every value is ours; none starts with "="."""
    book = Workbook()
    with force_locale(language):
        sheet = book.active
        sheet.title = str(_l("Entries"))[:31]  # a sheet name has at most 31 characters
        names = header(language)
        sheet.append(names)
        sheet.append(
            [
                int(value) if column in NUMBERS and value else value
                for column, value in zip(COLUMNS, example_row(tenant, language), strict=True)
            ]
        )
        for cell in sheet[1]:
            cell.font = BOLD
        for cell, name in zip(sheet[1], names, strict=True):
            sheet.column_dimensions[cell.column_letter].width = max(12, min(40, len(name) + 4))
        sheet.freeze_panes = "A2"
        _accepted_sheet(book, tenant, language)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
