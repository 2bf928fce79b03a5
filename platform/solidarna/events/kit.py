"""The kit keys events own: `[taxonomies] event_types` (what kinds of event the space runs)
and `[taxonomies] event_criteria` (the rubric the office scores applications on, 1-5 each),
each a list of tables with a `code`, a Serbian `name` and an optional English `name_en`, read
by the same rules as the groups' themes (groups/kit.py validate_themes, one validator for
every code list of this shape):

    [[taxonomies.event_types]]
    code = "training"
    name = "Obuka"
    name_en = "Training"

A space whose kit names none has the platform's defaults."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from solidarna.core.i18n import localized
from solidarna.groups.kit import validate_themes as validate_codes

TYPES_KEY = "event_types"
CRITERIA_KEY = "event_criteria"

DEFAULT_TYPES = {
    "training": _l("Training"),
    "workshop": _l("Workshop"),
    "info_session": _l("Info session"),
    "study_visit": _l("Study visit"),
    "fair": _l("Fair"),
}
DEFAULT_CRITERIA = {
    "motivation": _l("Motivation"),
    "fit": _l("Fit with the event's aims"),
    "need": _l("Need for support"),
}

__all__ = ["validate_codes", "types", "criteria"]


def _codes(tenant, key: str, defaults: dict) -> dict:
    items = (tenant.taxonomies or {}).get(key) if tenant is not None else None
    if not items:
        return {code: str(label) for code, label in defaults.items()}
    return {item["code"]: localized(item, "name") for item in items}


def types(tenant) -> dict:
    """{code: label} of the space's event types, in the kit's order, in the reader's language."""
    return _codes(tenant, TYPES_KEY, DEFAULT_TYPES)


def criteria(tenant) -> list[dict]:
    """The rubric: [{"code", "label"}] (the event's own, when it has one, comes first)."""
    return [{"code": c, "label": label} for c, label in _codes(tenant, CRITERIA_KEY,
                                                               DEFAULT_CRITERIA).items()]  # fmt: skip
