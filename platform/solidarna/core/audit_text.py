"""The audit log as sentences (no raw identifiers where a person reads): each capability
declares what its actions say (`Capability.audit_actions`), e.g.

    audit_actions={
        "organization.verified": AuditAction(_l("%(actor)s verified %(target)s")),
        "organization.updated": AuditAction(
            _l("%(actor)s changed %(target)s"), fields=lambda: field_labels(OrganizationForm)
        ),
    }

A sentence names the actor, the target (the label kept with the entry) and any detail by its
key; the details it does not name are listed under it with labels. A test checks that every
action the code records has a sentence."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup, escape

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import script_filter

#: details that are for machines (ids, counters) and never shown as such
HIDDEN = {"target_label", "user_id", "thread_id", "source_id", "target_id", "invitation",
          "to_category", "from_category", "organizations", "platform_admin", "kit"}  # fmt: skip

#: labels of the details that may be listed under a sentence
DETAIL_LABELS = {
    "note": _l("Note"),
    "reason": _l("Reason"),
    "fields": _l("Fields"),
    "email": _l("E-mail"),
    "old": _l("Before"),
    "new": _l("After"),
    "role": _l("Role"),
    "source": _l("Source"),
    "how": _l("How"),
    "filename": _l("File"),
    "size": _l("Size"),
    "created": _l("Added"),
    "skipped": _l("Skipped"),
    "count": _l("Count"),
    "reports": _l("Reports"),
    "number": _l("Post number"),
    "visibility": _l("Visibility"),
    "name": _l("Name"),
    "title": _l("Title"),
    "message": _l("Message"),
    "moderation": _l("Status of the new entries"),
    "include_similar": _l("Including entries similar to existing ones"),
}


@dataclass(frozen=True)
class AuditAction:
    #: lazy sentence with %(actor)s, %(target)s and %(detail key)s placeholders
    sentence: object
    #: () -> {field name: label}, for a "fields" detail that lists changed fields
    fields: Callable[[], Mapping] | None = None
    #: detail key -> {code: label}, for details that hold codes (a role, a visibility)
    values: Mapping[str, Mapping] = field(default_factory=dict)


class _Slots(dict):
    """% formatting that leaves a detail an old entry does not have as a dash."""

    def __missing__(self, key):
        return "—"


def actions() -> dict[str, AuditAction]:
    from solidarna.core.capabilities import registry

    return registry(current_app).audit_actions()


def _actor(entry) -> str:
    if entry.actor is not None:
        return str(script_filter(entry.actor.name))
    return str(_l("The system")) if entry.ip_address is None else str(_l("Someone not logged in"))


def _value(key: str, value, action: AuditAction | None) -> str:
    values = action.values.get(key) if action else None
    if key == "fields" and isinstance(value, list):
        labels = action.fields() if action and action.fields else {}
        return ", ".join(str(labels.get(v, v.replace("_", " "))) for v in value)
    if isinstance(value, list):
        return ", ".join(_value(key, v, action) for v in value)
    if values is not None and value in values:
        return str(values[value])
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    return str(script_filter(str(value))) if isinstance(value, str) else str(value)


def sentence(entry) -> Markup:
    """'Ana Petrović verified Zadruga Rasina' (escaped; names in the reader's script)."""
    action = actions().get(entry.action)
    details = entry.details or {}
    slots = _Slots(
        {k: escape(_value(k, v, action)) for k, v in details.items() if k != "target_label"}
    )
    slots["actor"] = Markup("<strong>%s</strong>") % _actor(entry)
    label = details.get("target_label")
    slots["target"] = (
        Markup("<strong>%s</strong>") % script_filter(label) if label else escape(_l("an item"))
    )
    if action is None:  # an action nobody declared (e.g. from an older version): say so plainly
        return Markup("%s · %s") % (slots["actor"], entry.action)
    return Markup(str(action.sentence)) % slots


def detail_lines(entry) -> list[tuple[str, str]]:
    """The details the sentence does not name, as (label, value) for the table's last column."""
    action = actions().get(entry.action)
    named = str(action.sentence) if action else ""
    lines = []
    for key, value in (entry.details or {}).items():
        if key in HIDDEN or key.endswith("_id") or f"%({key})s" in named:
            continue
        if value in (None, "", [], {}):
            continue
        if key == "changes" and isinstance(value, dict):
            lines.extend(_change_lines(value, action))
            continue
        label = DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())
        lines.append((str(label), _value(key, value, action)))
    return lines


def _change_lines(changes: dict, action: AuditAction | None) -> list[tuple[str, str]]:
    """A "changes" detail, {field: [before, after]}: one line per field, "before → after"
    (an empty value as a dash), the field by its label."""
    labels = action.fields() if action and action.fields else {}
    lines = []
    for name, pair in changes.items():
        if not (isinstance(pair, list) and len(pair) == 2):
            continue
        before, after = (_value(name, v, action) if v not in (None, "", []) else "—" for v in pair)
        lines.append((str(labels.get(name, name.replace("_", " "))), f"{before} → {after}"))
    return lines


def init_app(app) -> None:
    app.jinja_env.globals.update(audit_sentence=sentence, audit_details=detail_lines)
