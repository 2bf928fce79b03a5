"""The CSV import template: our header and one clearly fictional example row."""

from __future__ import annotations

import csv
import io

from flask_babel import lazy_gettext as _l

from solidarna.core import geography
from solidarna.directory.opendata.services import BOM, COLUMNS, MULTI_SEPARATOR

EXAMPLE_NAME = _l("EXAMPLE – a fictional cooperative (delete this row)")


def template_csv(tenant) -> str:
    """The import template: a UTF-8 BOM, the header and one clearly fictional example row."""
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    writer.writerow([example.get(column, "") for column in COLUMNS])
    return buffer.getvalue()
