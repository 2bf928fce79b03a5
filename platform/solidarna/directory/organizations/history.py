"""An entry's change history as a person reads it: field labels and value labels in the
reader's language and script instead of column names and codes (issue: no raw identifiers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from wtforms.fields.choices import SelectChoice

from solidarna.core.geography import region_name
from solidarna.core.i18n import format_day, script_filter
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy

#: what each line of the history says happened (taxonomy.REVISION_ACTIONS)
ACTIONS = {
    "created": _l("Added"),
    "imported": _l("Imported"),
    "updated": _l("Changed"),
    "confirmed": _l("Confirmed as still correct"),
    "verified": _l("Verified"),
    "rejected": _l("Rejected"),
    "archived": _l("Archived"),
    "restored": _l("Returned for review"),
}

#: columns that are not on the form (set by moderation or the system)
EXTRA_LABELS = {
    "moderation": _l("Status of the entry"),
    "source": _l("Source"),
    "district_iso": _l("District"),
}
EXTRA_CHOICES = {"moderation": taxonomy.MODERATION, "source": taxonomy.SOURCES}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    #: the field (or line) it is about, e.g. for a checkbox that accepts it
    key: str = ""


def _form(tenant):
    from solidarna.directory.organizations.forms import OrganizationForm

    return OrganizationForm(meta={"csrf": False}, formdata=None, tenant=tenant)


def _shown(value, choices: dict | None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(v, choices) for v in value)
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if choices is not None and value in choices:
        return str(choices[value])
    if isinstance(value, str):
        try:  # dates are kept as ISO text in the history
            return format_day(date.fromisoformat(value)) if len(value) == 10 else value
        except ValueError:
            return str(script_filter(value))
    if isinstance(value, datetime | date):
        return format_day(value)
    return str(value)


def _expanded(changes: dict):
    """(key, [before, after]) pairs; the visibility of fields (one JSON value) becomes one line
    per field whose visibility changed, labelled like the form's "Who sees ..." choices."""
    for key, pair in changes.items():
        if key == "field_visibility" and isinstance(pair, list) and len(pair) == 2:
            before, after = (p if isinstance(p, dict) else {} for p in pair)
            for name in sorted(set(before) | set(after)):
                if before.get(name) != after.get(name):
                    yield f"vis_{name}", [before.get(name), after.get(name)]
        else:
            yield key, pair


def _options(found) -> dict | None:
    """{value: label} of a field's choices (SelectChoice objects or (value, label) pairs)."""
    if not found:
        return None
    return {
        (c.value if isinstance(c, SelectChoice) else c[0]): (
            c.label if isinstance(c, SelectChoice) else c[1]
        )
        for c in found
    }


def changes_of(changes: dict, tenant, form=None) -> list[Change]:
    """[Change, ...] of {field: [before, after]}, labelled as on the entry's form."""
    fields = {field.name: field for field in (form or _form(tenant))}
    out = []
    for key, pair in _expanded(changes or {}):
        if key == "district_iso":
            pair = [region_name(v) if v else v for v in pair]
        field = fields.get(key)
        if field is not None:
            label = str(field.label.text)
            options = _options(getattr(field, "choices", None))
        else:
            label = str(EXTRA_LABELS.get(key, key.replace("_", " ").capitalize()))
            options = EXTRA_CHOICES.get(key)
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        out.append(Change(label, _shown(before, options), _shown(after, options), key))
    return out


def readable(revisions, tenant) -> list[tuple]:
    """[(revision, action label, [Change, ...])] for the history page."""
    form = _form(tenant)
    return [
        (rev, str(ACTIONS.get(rev.action, rev.action)), changes_of(rev.changes, tenant, form))
        for rev in revisions
    ]
