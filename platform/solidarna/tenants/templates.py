"""A space's templates (issue 17 item 3): the survey and proposal templates its kit gave it
(`[[starter.survey_templates]]`, `[[starter.proposal_templates]]`), edited by its owners on
/<slug>/admin/settings/templates.

The templates live where the kit put them, in the space's `starter` (tenants.starter): the
capabilities read them from there, `tenants export` and /admin/kit.toml write them from there,
and the kit upgrade's three-way diff (kit_upgrades.py) compares them with the version the
space came from, so an edit made here counts as the space's own change: a newer kit version
that changes the same template is offered as a conflict, unticked.

Which keys are templates, and which of their texts the page edits, the owning capability says
(`KitKey.editor == "templates"` with a `TemplateOutline`); every saved list is checked by the
key's own validator, exactly as a kit's. A template is never deleted here: it is retired
(`retired = true`), so it is no longer offered for new surveys or proposals while those made
from it (copies of its text) stay as they are; it can be offered again."""

from __future__ import annotations

import copy
import hashlib
import json
import re

from solidarna.core import audit
from solidarna.core.capabilities import KitKey, registry
from solidarna.core.script import fold
from solidarna.tenants.models import Tenant

RETIRED = "retired"
KEY_CHARS = re.compile(r"[^a-z0-9]+")


def template_keys(tenant: Tenant) -> list[KitKey]:
    """The template lists of the capabilities switched on in the space."""
    return [
        key
        for capability in registry().enabled(tenant)
        for key in capability.kit_keys
        if key.editor == "templates" and key.outline is not None
    ]


def kit_key(tenant: Tenant, name: str) -> KitKey | None:
    return next((key for key in template_keys(tenant) if key.key == name), None)


def templates_of(tenant: Tenant, key: KitKey) -> list[dict]:
    """All the space's templates of a key, retired ones too, in the kit's order."""
    found = (tenant.starter or {}).get(key.key) or []
    return [t for t in found if isinstance(t, dict) and isinstance(t.get("key"), str)]


def find(tenant: Tenant, key: KitKey, template_key: str) -> dict | None:
    return next((t for t in templates_of(tenant, key) if t["key"] == template_key), None)


def digest(template: dict) -> str:
    """A short fingerprint of a template as stored (the edit form carries it)."""
    text = json.dumps(template, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def is_retired(template: dict) -> bool:
    return template.get(RETIRED) is True


def new_key(title: str, taken: set[str]) -> str:
    """A template key (lowercase letters, digits and dashes) from its title, unique."""
    base = KEY_CHARS.sub("-", fold(title)).strip("-")[:50] or "template"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _with(tenant: Tenant, key: KitKey, template: dict, replaces: str | None) -> list[dict]:
    """The key's list with `template` in place of the one keyed `replaces` (or at the end)."""
    current = copy.deepcopy((tenant.starter or {}).get(key.key) or [])
    for index, item in enumerate(current):
        if isinstance(item, dict) and replaces is not None and item.get("key") == replaces:
            current[index] = template
            return current
    return [*current, template]


def problems(tenant: Tenant, key: KitKey, template: dict, replaces: str | None) -> list[str]:
    """What the key's validator (the kit's) finds wrong with the list holding `template`."""
    value = _with(tenant, key, template, replaces)
    kit = {"taxonomies": dict(tenant.taxonomies or {}),
           "starter": {**(tenant.starter or {}), key.key: value}}  # fmt: skip
    _value, found = key.validate(value, kit)
    return [str(problem) for problem in found]


def save(tenant: Tenant, key: KitKey, template: dict, replaces: str | None, by=None) -> bool:
    """Store a checked template (new when `replaces` is None); one audit entry. False when
    nothing changed. The caller commits."""
    before = find(tenant, key, replaces) if replaces is not None else None
    if before == template:
        return False
    tenant.starter = {**(tenant.starter or {}), key.key: _with(tenant, key, template, replaces)}
    changed = sorted(
        name
        for name in {*(before or {}), *template}
        if (before or {}).get(name) != template.get(name)
    )
    audit.record(
        "tenant.template_added" if before is None else "tenant.template_changed",
        target=tenant, actor=by, list=key.key, template=template["key"],
        title=template.get("title", ""), fields=changed if before is not None else [],
    )  # fmt: skip
    return True


def set_retired(tenant: Tenant, key: KitKey, template: dict, retired: bool, by=None) -> bool:
    """Retire a template (no longer offered) or offer it again; False if it already was so."""
    if is_retired(template) == retired:
        return False
    changed = {k: v for k, v in template.items() if k != RETIRED}
    if retired:
        changed[RETIRED] = True
    tenant.starter = {
        **(tenant.starter or {}), key.key: _with(tenant, key, changed, template["key"])
    }  # fmt: skip
    audit.record(
        "tenant.template_retired" if retired else "tenant.template_restored",
        target=tenant, actor=by, list=key.key, template=template["key"],
        title=template.get("title", ""),
    )  # fmt: skip
    return True
