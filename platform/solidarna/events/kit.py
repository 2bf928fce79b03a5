"""The kit keys events own: `[taxonomies] event_types` (what kinds of event the space runs)
and `[taxonomies] event_criteria` (the rubric the office scores applications on, 1-5 each),
each a list of tables with a `code`, a Serbian `name` and an optional English `name_en`, read
by core/taxonomy.py (one validator for every coded list of this shape):

    [[taxonomies.event_types]]
    code = "training"
    name = "Obuka"
    name_en = "Training"

A space whose kit names none has the platform's defaults."""

from __future__ import annotations

from solidarna.core import taxonomy
from solidarna.core.i18n import lazy_gettext as _l

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

validate_types = taxonomy.validator(TYPES_KEY)
validate_criteria = taxonomy.validator(CRITERIA_KEY)


def types(tenant) -> dict:
    """{code: label} of the space's event types, in the kit's order, in the reader's language."""
    return taxonomy.labels(tenant, TYPES_KEY, DEFAULT_TYPES)


def criteria(tenant) -> list[dict]:
    """The rubric: [{"code", "label"}] (the event's own, when it has one, comes first)."""
    listed = taxonomy.labels(tenant, CRITERIA_KEY, DEFAULT_CRITERIA)
    return [{"code": code, "label": label} for code, label in listed.items()]
