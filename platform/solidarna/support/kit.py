"""The kit keys support owns: `[taxonomies] support_categories`, what people may ask the
office for help with, and `[taxonomies] support_barriers`, the barrier codes advisors tag cases
with (the evidence the office brings to advocacy). Each a list of tables with a `code`, a
Serbian `name` and an optional English `name_en`:

    [[taxonomies.support_barriers]]
    code = "no_legal_form"
    name = "Nijedan pravni oblik ne odgovara"
    name_en = "No legal form fits"

A space whose kit names none has the platform's defaults (DEFAULT_CATEGORIES,
DEFAULT_BARRIERS). The lists are read and checked by core/taxonomy.py."""

from __future__ import annotations

from solidarna.core import taxonomy
from solidarna.core.i18n import lazy_gettext as _l

CATEGORIES_KEY = "support_categories"
BARRIERS_KEY = "support_barriers"

DEFAULT_CATEGORIES = {
    "starting": _l("Starting a social enterprise"),
    "legal_form": _l("Legal form and status"),
    "registration": _l("Registration"),
    "tax": _l("Tax and accounting"),
    "finance": _l("Access to finance and grants"),
    "procurement": _l("Public procurement"),
    "premises": _l("Premises"),
    "training": _l("Training"),
}
DEFAULT_BARRIERS = {
    "no_legal_form": _l("No legal form fits"),
    "vat_donations": _l("VAT on donations in kind"),
    "no_procurement": _l("No access to public procurement"),
    "no_status_law": _l("The social enterprise status is not recognised"),
    "no_start_capital": _l("No start-up capital or guarantees"),
    "no_premises": _l("No affordable premises"),
    "admin_burden": _l("Registration and reporting are too complex"),
    "no_local_support": _l("No local support measures"),
}


validate_categories = taxonomy.validator(CATEGORIES_KEY)
validate_barriers = taxonomy.validator(BARRIERS_KEY)


def categories(tenant) -> dict:
    """{code: label} of the space's support categories, in the kit's order."""
    return taxonomy.labels(tenant, CATEGORIES_KEY, DEFAULT_CATEGORIES)


def barriers(tenant) -> dict:
    """{code: label} of the space's barrier codes, in the kit's order."""
    return taxonomy.labels(tenant, BARRIERS_KEY, DEFAULT_BARRIERS)


def label(mapping: dict, code: str) -> str:
    """A code's label; a code the kit no longer lists reads as itself."""
    return mapping.get(code, code)
