"""What a newer version of a space's kit adds or changes, and applying some of it (issue 17).

A three-way comparison per item of every kit section ([taxonomies] and [starter], the keys the
capabilities own through KitKey): base = the version the space came from (`space_kits.base`),
theirs = the new version, mine = the space's current set-up (`tenants.taxonomies/starter`).

- theirs == base: the new version does not touch the item, nothing to offer;
- mine == base: the space has the item as its version gave it, a clean change (offered,
  ticked);
- mine == theirs: the space already has it so;
- otherwise the space changed (or removed) the item itself: a conflict, offered unticked and
  applied only when the owner ticks it; left as the space has it otherwise.

Items are the elements of a section's list, told apart by their `key`, `code` or `name` (a
string list's element is itself). An item the owners decline is remembered with a digest of
the version's item, so the same change is not offered again; a later, different change is."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field

from solidarna.core import audit
from solidarna.core.capabilities import registry
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.tenants.kit_versions import KitVersion, SpaceKit
from solidarna.tenants.kits import Kit
from solidarna.tenants.models import Tenant

TABLES = ("taxonomies", "starter")
IDENTITY_FIELDS = ("key", "code", "name")
LABEL_FIELDS = ("title", "name", "label", "heading", "code", "key")
#: how long a changed text is shown in the diff
SHOWN = 160

#: how the diff names the fields of the kits' items (others by their key)
FIELD_LABELS = {
    "sections": _l("Sections"),
    "questions": _l("Questions"),
    "parts": _l("Parts"),
    "options": _l("Options"),
    "title": _l("Title"),
    "name": _l("Name"),
    "label": _l("Question"),
    "description": _l("Description"),
    "body": _l("Text"),
    "summary": _l("Summary"),
    "help": _l("Help"),
    "intro": _l("Introduction"),
}

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
KINDS = {ADDED: _l("New"), CHANGED: _l("Changed"), REMOVED: _l("Removed")}


class UpgradeError(Exception):
    """The chosen items do not make a valid set-up together (e.g. an expected actor type
    whose kit-defined type was left out); `problems` as (key, message)."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__("; ".join(f"{key}: {message}" for key, message in problems))


def _problems(values: dict) -> list:
    """Check the space's sections after the upgrade as a kit's would be checked."""
    owners = registry().kit_keys()
    problems = []
    for table in TABLES:
        for key, value in values[table].items():
            owner = owners.get(f"{table}.{key}")
            if owner is not None:
                _, found = owner.validate(value, values)
                problems.extend((owner.path, problem) for problem in found)
    return problems


@dataclass
class Item:
    """One offered change of one item of one section."""

    path: str
    ident: str
    kind: str
    label: str
    theirs: object
    conflict: bool
    #: readable lines: what changes inside the item
    details: list = field(default_factory=list)

    @property
    def token(self) -> str:
        """The form's value: section and item."""
        return f"{self.path}:{self.ident}"

    @property
    def digest(self) -> str:
        return digest(self.theirs)


@dataclass
class Section:
    path: str
    label: object
    items: list[Item]


def digest(value) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()[:16]


def identity(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for name in IDENTITY_FIELDS:
            if isinstance(item.get(name), str) and item[name]:
                return item[name]
    return digest(item)


def label_of(item, choices: dict | None = None) -> str:
    if isinstance(item, str):
        return str((choices or {}).get(item, item))
    if isinstance(item, dict):
        for name in LABEL_FIELDS:
            if isinstance(item.get(name), str) and item[name].strip():
                return item[name].strip()
    return ""


def _by_identity(value) -> dict:
    if isinstance(value, list):
        return {identity(item): item for item in value}
    if value in (None, {}, ""):
        return {}
    return {"-": value}  # a value that is not a list is one item


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def describe(old, new, where: tuple = ()) -> list[str]:
    """Readable lines of what changes from `old` to `new` inside an item: a field's new text,
    a question (or part, or option) added, changed or removed, by its label."""
    if isinstance(old, dict) and isinstance(new, dict):
        lines = []
        for name in [*old, *(k for k in new if k not in old)]:
            if old.get(name) != new.get(name):
                shown = FIELD_LABELS.get(name, name)
                lines.extend(describe(old.get(name), new.get(name), (*where, shown)))
        return lines
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(x, dict) for x in [*old, *new])
    ):
        keyed = all(identity(x) != digest(x) for x in [*old, *new])
        before = {identity(x) if keyed else str(i): x for i, x in enumerate(old)}
        after = {identity(x) if keyed else str(i): x for i, x in enumerate(new)}
        lines = []
        for ident, item in after.items():
            name = label_of(item) or ident
            if ident not in before:
                lines.append(str(_l("%(where)s: „%(name)s“ added", where=_where(where), name=_short(name))))  # fmt: skip
            elif before[ident] != item:
                inner = describe(before[ident], item, (*where, _short(name)))
                lines.extend(inner or [str(_l("%(where)s: „%(name)s“ changed", where=_where(where), name=_short(name)))])  # fmt: skip
        for ident, item in before.items():
            if ident not in after:
                lines.append(str(_l("%(where)s: „%(name)s“ removed", where=_where(where), name=_short(label_of(item) or ident))))  # fmt: skip
        return lines
    if new is None:
        return [str(_l("%(where)s: removed", where=_where(where)))]
    if old is None:
        return [str(_l("%(where)s: „%(new)s“", where=_where(where), new=_short(new)))]
    return [
        str(
            _l(
                "%(where)s: „%(old)s“ → „%(new)s“",
                where=_where(where),
                old=_short(old),
                new=_short(new),
            )
        )
    ]


def _where(where: tuple) -> str:
    return " › ".join(str(part) for part in where) or "-"


def _declined(row: SpaceKit) -> set[tuple[str, str, str]]:
    return {(d["path"], d["item"], d["digest"]) for d in (row.declined or [])}


def diff(tenant: Tenant, row: SpaceKit, kit: Kit) -> list[Section]:
    """The sections of the new version's changes for this space, each with its items."""
    owners = registry().kit_keys()
    declined = _declined(row)
    theirs_all = kit.sections()
    sections = []
    for table in TABLES:
        base_table = (row.base or {}).get(table) or {}
        mine_table = getattr(tenant, table) or {}
        theirs_table = theirs_all.get(table) or {}
        for key in sorted({*base_table, *theirs_table}):
            path = f"{table}.{key}"
            owner = owners.get(path)
            if owner is None:  # a key no capability of this platform owns any more
                continue
            choices = owner.choices() if owner.choices else None
            base = _by_identity(base_table.get(key))
            theirs = _by_identity(theirs_table.get(key))
            mine = _by_identity(mine_table.get(key))
            items = []
            for ident in [*theirs, *(i for i in base if i not in theirs)]:
                b, t, m = base.get(ident), theirs.get(ident), mine.get(ident)
                if t in (b, m):
                    continue
                if (path, ident, digest(t)) in declined:
                    continue
                kind = ADDED if b is None else (REMOVED if t is None else CHANGED)
                shown = t if t is not None else b
                details = describe(b, t) if kind == CHANGED and isinstance(t, dict) else []
                items.append(
                    Item(
                        path=path,
                        ident=ident,
                        kind=kind,
                        label=label_of(shown, choices) or ident,
                        theirs=t,
                        conflict=m != b,
                        details=details,
                    )
                )
            if items:
                sections.append(Section(path, owner.label or path, items))
    return sections


def _place(current: list, ident: str, value, theirs_order: list) -> list:
    """Put an item in a section's list: in place of the space's, else after the item the
    new version has before it, else at the end."""
    idents = [identity(x) for x in current]
    if ident in idents:
        current[idents.index(ident)] = value
        return current
    position = theirs_order.index(ident) if ident in theirs_order else len(theirs_order)
    for before in reversed(theirs_order[:position]):
        if before in idents:
            current.insert(idents.index(before) + 1, value)
            return current
    if position == 0:
        current.insert(0, value)
    else:
        current.append(value)
    return current


def _new_base(old: dict, theirs: dict, table: str, refused: set[str]) -> dict:
    """The base after an upgrade: the version's items, except those declined, which stay as
    the space's old version had them (so the space's copy still counts as unchanged)."""
    new = {}
    for key in sorted({*old, *theirs}):
        path = f"{table}.{key}"
        before, after = old.get(key), theirs.get(key)
        if not isinstance(before, list) and not isinstance(after, list):
            value = before if f"{path}:-" in refused else after
            if value is not None:
                new[key] = copy.deepcopy(value)
            continue
        before_items = _by_identity(before)
        items = []
        for item in after or []:
            ident = identity(item)
            if f"{path}:{ident}" in refused:
                if ident in before_items:
                    items.append(before_items[ident])
            else:
                items.append(item)
        after_idents = {identity(x) for x in after or []}
        for ident, item in before_items.items():
            if ident not in after_idents and f"{path}:{ident}" in refused:
                items.append(item)
        new[key] = copy.deepcopy(items)
    return new


def apply(tenant: Tenant, row: SpaceKit, version: KitVersion, chosen: set[str], by) -> dict:
    """Apply the chosen items (their tokens) of the new version, decline the others, record
    the version as applied; one audit entry. The caller commits (one transaction)."""
    kit = version.kit()
    sections = diff(tenant, row, kit)
    offered = {item.token: item for section in sections for item in section.items}
    theirs_all = kit.sections()
    values = {table: copy.deepcopy(getattr(tenant, table) or {}) for table in TABLES}
    declined = list(row.declined or [])
    applied, refused = [], []
    for token, item in offered.items():
        table, key = item.path.split(".", 1)
        if token not in chosen:
            refused.append(token)
            declined.append({"path": item.path, "item": item.ident, "digest": item.digest})
            continue
        applied.append(token)
        theirs_value = theirs_all[table].get(key)
        current = values[table].get(key)
        if isinstance(theirs_value, list) or isinstance(current, list) or item.ident != "-":
            current = list(current or [])
            order = [identity(x) for x in (theirs_value or [])]
            if item.theirs is None:
                current = [x for x in current if identity(x) != item.ident]
            else:
                current = _place(current, item.ident, copy.deepcopy(item.theirs), order)
            values[table][key] = current
        else:
            values[table][key] = copy.deepcopy(item.theirs)
    problems = _problems(values)
    if problems:
        raise UpgradeError(problems)
    refused_set = set(refused)
    base = {
        table: _new_base(
            (row.base or {}).get(table) or {}, theirs_all.get(table) or {}, table, refused_set
        )
        for table in TABLES
    }
    for table in TABLES:
        setattr(tenant, table, values[table])
    previous = row.version
    row.version = version.version
    row.base = base
    row.declined = declined
    row.applied_at = utcnow()
    audit.record(
        "kit.upgrade_applied"
        if not refused
        else ("kit.upgrade_partly_applied" if applied else "kit.upgrade_declined"),
        target=tenant,
        actor=by,
        tenant_id=tenant.id,
        kit=row.kit_slug,
        old=previous,
        new=version.version,
        applied=applied,
        declined=refused,
    )
    return {"applied": applied, "declined": refused}
