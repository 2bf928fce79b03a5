"""The kit key working groups own: `[taxonomies] group_themes`, the themes a space's groups
work on, each a table with a `code`, a Serbian `name` and an optional English `name_en`:

    [[taxonomies.group_themes]]
    code = "finance"
    name = "Pristup finansijama"
    name_en = "Access to finance"

A space whose kit names none has the platform's defaults (DEFAULT_THEMES)."""

from __future__ import annotations

from solidarna.core import taxonomy
from solidarna.core.i18n import lazy_gettext as _l

KEY = "group_themes"

DEFAULT_THEMES = {
    "finance": _l("Access to finance"),
    "procurement": _l("Public procurement"),
    "legal": _l("Legal framework"),
    "training": _l("Training and mentoring"),
    "markets": _l("Markets and sales"),
}

#: the kit validator (core/taxonomy.py: one for every coded list)
validate_themes = taxonomy.validator(KEY)


def themes(tenant) -> dict:
    """{code: label} of the space's themes, in the kit's order, in the reader's language."""
    return taxonomy.labels(tenant, KEY, DEFAULT_THEMES)


def default_themes() -> list[dict]:
    """The platform's themes as a kit would write them (the settings page starts from them)."""
    return taxonomy.default_items(DEFAULT_THEMES)
