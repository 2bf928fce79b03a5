"""The import template, as CSV and as an Excel workbook: our header and one clearly
fictional example row."""

from __future__ import annotations

import csv
import io

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from solidarna.core import geography
from solidarna.directory.opendata.services import BOM, COLUMNS, MULTI_SEPARATOR

EXAMPLE_NAME = _l("EXAMPLE – a fictional cooperative (delete this row)")


#: columns the workbook template holds as numbers, as a spreadsheet would
NUMBERS = ("founding_year", "employees_total", "employees_women", "employees_vulnerable",
           "volunteers")  # fmt: skip


def example_row(tenant) -> list[str]:
    """One clearly fictional entry, in the order of COLUMNS."""
    area = sorted(tenant.municipalities) if tenant is not None and tenant.municipalities else []
    if not area and tenant is not None and tenant.region != geography.NATIONAL:
        area = [m.name_latn for m in geography.in_district(tenant.region)]
    example = {
        "name": str(EXAMPLE_NAME),
        "legal_form": "cooperative",
        "actor_type": "cooperative",
        "se_status": "planned",
        "status": "active",
        "founding_year": "2021",
        "municipality": area[0] if area else "Kruševac",
        "address": str(_l("Example street 1")),
        "kd_sections": MULTI_SEPARATOR.join(["A", "C"]),
        "general_interest": "work_integration",
        "vulnerable_groups": MULTI_SEPARATOR.join(["long_term_unemployed", "rural_women"]),
        "employees_total": "4",
        "employees_women": "3",
        "employees_vulnerable": "2",
        "volunteers": "5",
        "turnover_band": "lt_1m",
        "mission": str(_l("Fictional example: we process fruit from local farms.")),
        "contact_email": "info@example.org",
        "phone": "+381 37 000 000",
        "website": "https://example.org",
    }
    return [example.get(column, "") for column in COLUMNS]


def template_csv(tenant) -> str:
    """A UTF-8 BOM (so Excel opens it as UTF-8), the header and the example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    writer.writerow(example_row(tenant))
    return buffer.getvalue()


def template_xlsx(tenant) -> bytes:
    """A workbook with one worksheet: the header and the example row (written in openpyxl's
    write-only mode; every value is ours, none starts with "=")."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_l("Entries"))[:31])  # a sheet name has at most 31 characters
    sheet.append(list(COLUMNS))
    sheet.append(
        [
            int(value) if column in NUMBERS and value else value
            for column, value in zip(COLUMNS, example_row(tenant), strict=True)
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
