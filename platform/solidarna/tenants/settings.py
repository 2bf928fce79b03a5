"""A space's settings (issue 17 item 3), changed by its owners (and platform admins) on
/<slug>/admin/settings: the texts, the logo, the accent colour, languages, visibility and
modules; and, on /<slug>/admin/settings/lists, the lists and defaults the capabilities own in
the space's kit (`KitKey.editor`: expected actor types, the groups' themes, who sees the fields
of a new directory entry).

Every change is one audit entry that names what changed (before and after, except for long
texts), and raises the space's change marker (core/pagecache.py: a change of the `Tenant` row
does), so visitors see it on their next request."""

from __future__ import annotations

import re

from flask import url_for

from solidarna.core import audit, storage
from solidarna.core.capabilities import KitKey, registry
from solidarna.core.script import fold
from solidarna.extensions import db
from solidarna.tenants.models import Tenant

LOGO_USE = "logo"

#: what the general settings form changes, in its order
GENERAL_FIELDS = (
    "name", "name_en", "short_name", "short_name_en", "description", "description_en",
    "visibility", "default_locale", "modules", "contact_email", "website", "accent_color",
)  # fmt: skip
#: stored as NULL when left empty
NULLABLE = ("short_name", "name_en", "short_name_en", "description_en", "contact_email", "website")
#: long texts: the audit entry says they changed, not what they say
LONG = ("description", "description_en")


def _clean(name: str, value):
    if isinstance(value, str):
        value = value.strip()
        if name == "accent_color":
            value = value.lower()
    if name in NULLABLE and not value:
        return None
    return value


def save_general(tenant: Tenant, form) -> dict:
    """Copy the general form onto the space; audit what changed. {field: [before, after]}."""
    changes = {}
    for name in GENERAL_FIELDS:
        value = _clean(name, getattr(form, name).data)
        before = getattr(tenant, name)
        if before != value:
            changes[name] = [before, value]
            setattr(tenant, name, value)
    if changes:
        audit.record(
            "tenant.settings_changed",
            target=tenant,
            fields=list(changes),
            changes={k: v for k, v in changes.items() if k not in LONG},
        )
    return changes


# --- the logo ------------------------------------------------------------------------------


def logo_record(tenant: Tenant) -> storage.StoredFile | None:
    """The space's logo file (inside the space: the tenant criteria apply), or None."""
    if tenant is None or tenant.logo_id is None:
        return None
    record = db.session.get(storage.StoredFile, tenant.logo_id)
    return record if record is not None and record.use == LOGO_USE else None


def set_logo(tenant: Tenant, checked: storage.Checked, by) -> storage.StoredFile:
    """Store a checked (re-encoded, resized) image as the space's logo, replacing the old one."""
    old = logo_record(tenant)
    record = storage.store(checked, LOGO_USE, by=by)
    tenant.logo_id = record.id
    if old is not None:
        storage.delete_file(old)
    audit.record(
        "tenant.logo_changed", target=tenant, filename=record.original_name,
        size=record.human_size,
    )  # fmt: skip
    return record


def remove_logo(tenant: Tenant) -> bool:
    old = logo_record(tenant)
    if old is None and tenant.logo_id is None:
        return False
    tenant.logo_id = None
    if old is not None:
        storage.delete_file(old)
    audit.record("tenant.logo_removed", target=tenant)
    return True


def tenant_logo_url(tenant: Tenant | None, external: bool = False) -> str | None:
    """Where the space's logo is served (tenant.logo), or None: for the header, the home page
    and the Open Graph image. The URL names the file, so it may be cached for good. No query."""
    if tenant is None or tenant.logo_id is None:
        return None
    return url_for("tenant.logo", tenant_slug=tenant.slug, v=tenant.logo_id, _external=external)


# --- lists and defaults from the kit ---------------------------------------------------------


def editable_keys(tenant: Tenant) -> list[KitKey]:
    """The kit keys the space's owners edit on the settings page: those of the capabilities
    switched on in the space that say how (`KitKey.editor`)."""
    return [
        key
        for capability in registry().enabled(tenant)
        for key in capability.kit_keys
        if key.editor and key.table == "taxonomies"
    ]


CODE = re.compile(r"[^a-z0-9]+")


def new_code(name: str, taken: set[str]) -> str:
    """A code for a new list item from its name (folded to ASCII), unique in the list."""
    base = CODE.sub("_", fold(name)).strip("_")[:36] or "item"
    if not base[0].isalpha():
        base = f"t_{base}"[:36]
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


def current_value(tenant: Tenant, key: KitKey):
    """What the space has for a key: its kit's value, else the platform's default."""
    value = (tenant.taxonomies or {}).get(key.key)
    if value in (None, [], {}) and key.default is not None:
        return key.default()
    return value


def save_lists(tenant: Tenant, values: dict[KitKey, object]) -> list[str]:
    """Store the edited lists ({key: value}, already validated): the keys that changed. A
    value equal to the platform's default is not stored (the space follows the platform)."""
    taxonomies = dict(tenant.taxonomies or {})
    changed = []
    for kit_key, value in values.items():
        key = kit_key.key
        if kit_key.default is not None and value == kit_key.default():
            value = None
        if (taxonomies.get(key) or None) != (value or None):
            changed.append(key)
            if value in (None, [], {}):
                taxonomies.pop(key, None)
            else:
                taxonomies[key] = value
    if changed:
        tenant.taxonomies = taxonomies
        audit.record("tenant.lists_changed", target=tenant, fields=changed)
    return changed
