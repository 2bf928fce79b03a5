"""Directory rules: who sees what, duplicates, the entry lifecycle (create, edit with
history, verify, reject, archive) and representatives. Filtering, facets and the cached
aggregates are in search.py."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask import g
from flask_login import current_user
from rapidfuzz import fuzz, process
from sqlalchemy import and_, or_, select

from solidarna.accounts.models import User
from solidarna.core import audit
from solidarna.core.fragments import kept_value
from solidarna.core.geography import find as find_municipality
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.identifiers import clean
from solidarna.core.models import utcnow
from solidarna.core.permissions import can_manage_members, is_member
from solidarna.core.script import fold
from solidarna.core.tenancy import current_tenant_id
from solidarna.directory.organizations.models import (
    Organization,
    OrganizationRevision,
    Representative,
)
from solidarna.extensions import db

LEVELS = ("public", "members", "admins")
# Scalar fields an entry is edited through; tags (kd, interest, group) are handled apart.
FIELDS = (
    "name", "legal_name", "legal_form", "actor_type", "se_status", "pib", "mb", "founding_year",
    "municipality", "address", "latitude", "longitude", "employees_total", "employees_women",
    "employees_vulnerable", "volunteers", "turnover_band", "mission", "description", "contact_email",
    "phone", "website", "status", "field_visibility",
)  # fmt: skip


class DirectoryError(Exception):
    """A directory rule was broken; str() is a user-facing message, `field` names the form
    field it belongs to (when it belongs to one)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- who sees what ---------------------------------------------------------------------------


def viewer_level(user=None) -> str:
    user = user if user is not None else current_user
    if can_manage_members(user):
        return "admins"
    if is_member(user):
        return "members"
    return "public"


def field_visible(org: Organization, field_name: str, level: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(org.visibility_of(field_name))


def represented_ids(user=None) -> set[int]:
    """The organizations the user actively represents in this tenant; asked once per request
    (a page checks it for the entry, its ties and the edit links)."""
    user = user if user is not None else current_user
    if not user or not user.is_authenticated:
        return set()
    cache = g.setdefault("represented_ids", {})
    key = (current_tenant_id(), user.id)
    if key not in cache:

        def ask() -> frozenset[int]:
            return frozenset(
                db.session.scalars(
                    select(Representative.organization_id).where(
                        Representative.user_id == user.id, Representative.status == "active"
                    )
                )
            )

        # The representatives are rows of this space: a change raises its marker, so the
        # answer is kept per marker and account (core/fragments.py), asked once per change.
        cache[key] = kept_value("represented", user.id, compute=ask)
    return set(cache[key])


def _forget_represented() -> None:
    g.pop("represented_ids", None)


def visible_clause(level: str, own_ids: set[int] | None = None):
    """Which entries a viewer may see: verified ones, all of them for admins, and their own."""
    if level == "admins":
        return Organization.moderation != "__none__"
    clause = Organization.moderation == "verified"
    if own_ids:
        clause = or_(
            clause, and_(Organization.id.in_(own_ids), Organization.moderation != "archived")
        )
    return clause


def is_visible(org: Organization, level: str, own_ids: set[int]) -> bool:
    """The same rule as visible_clause, for an entry already loaded."""
    if level == "admins":
        return True
    return org.moderation == "verified" or (org.id in own_ids and org.moderation != "archived")


def listed_organizations(include: set[int] | None = None) -> list[Organization]:
    """Organizations a resource, practice or relationship may point to: the verified ones
    of this space, plus those already linked (so editing never drops a link silently)."""
    clause = Organization.moderation == "verified"
    if include:
        clause = or_(clause, Organization.id.in_(include))
    return list(
        db.session.scalars(
            select(Organization).where(clause).order_by(Organization.sort_name, Organization.id)
        )
    )


def place(name: str | None) -> tuple[str, str] | None:
    """(canonical municipality name, district) for a municipality typed or chosen anywhere in
    the directory; None for none, DirectoryError for an unknown one."""
    if not name:
        return None
    found = find_municipality(name)
    if found is None:
        raise DirectoryError(_l("Unknown municipality."), "municipality")
    return found.name_latn, found.district_iso


# --- duplicates ---------------------------------------------------------------------------------

# Legal-form words, with or without their dots (d.o.o., doo), in folded text.
_NOISE = re.compile(
    r"(?<!\w)(d\.?o\.?o|a\.?d|o\.?d|k\.?d|pr|szr|str|udruzenje|zadruga|fondacija"
    r"|socijalno preduzece)\.?(?!\w)"
)


#: How alike two names must be to be "a very similar name": rapidfuzz's ratio (0-100, the
#: Indel similarity) of the names folded and without legal-form words. The web form's
#: duplicate warning and the import's duplicate check both use it, through similar_names().
SIMILAR_NAME = 85


def name_key(name: str) -> str:
    """A name as the duplicate check compares it: folded, without legal-form words."""
    return " ".join(re.sub(r"[^\w\s]", " ", _NOISE.sub(" ", fold(name))).split())


def similar_names(keys: Sequence[str], others: Sequence[str]) -> list[tuple[int, int]]:
    """(i, j) for every keys[i] that is the same as, or very similar to, others[j]
    (both name_key()s); an empty key is similar to nothing."""
    pairs = []
    for i, key in enumerate(keys):
        if not key:
            continue
        matches = process.extract(
            key, others, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAME, limit=None
        )
        pairs.extend((i, j) for _other, _score, j in matches)
    return pairs


def find_duplicates(
    name: str,
    municipality: str,
    pib: str | None = None,
    mb: str | None = None,
    exclude_id: int | None = None,
) -> list[Organization]:
    """Entries with the same PIB or MB, or a very similar name in the same municipality."""
    clauses = []
    if clean(pib):
        clauses.append(Organization.pib == clean(pib))
    if clean(mb):
        clauses.append(Organization.mb == clean(mb))
    found = list(db.session.scalars(select(Organization).where(or_(*clauses)))) if clauses else []
    key = name_key(name or "")
    if key and municipality:
        query = select(Organization).where(Organization.municipality == municipality)
        nearby = list(db.session.scalars(query))
        found += [nearby[j] for _i, j in similar_names([key], [name_key(o.name) for o in nearby])]
    unique = {o.id: o for o in found if o.id != exclude_id}
    return sorted(unique.values(), key=lambda o: o.sort_name)


# --- lifecycle ------------------------------------------------------------------------------------


def _normalise(data: dict) -> dict:
    data = dict(data)
    for key in ("pib", "mb"):
        if key in data:
            data[key] = clean(data[key]) or None
    if data.get("municipality"):
        data["municipality"], data["district_iso"] = place(data["municipality"])
    for key in ("legal_name", "address", "contact_email", "phone", "website", "turnover_band"):
        if key in data and not data[key]:
            data[key] = None
    return data


def _revision(
    org: Organization, action: str, by: User | None, changes: dict | None = None, note: str = ""
):
    db.session.add(
        OrganizationRevision(
            organization_id=org.id,
            user_id=getattr(by, "id", None),
            action=action,
            changes=changes or {},
            note=note,
        )
    )


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def create_organization(
    data: dict,
    tags: dict[str, list[str]],
    by: User | None,
    *,
    source: str,
    source_detail: str = "",
    moderation: str = "pending",
) -> Organization:
    data = _normalise(data)
    org = Organization(
        source=source,
        source_detail=source_detail,
        moderation=moderation,
        created_by_id=getattr(by, "id", None),
        **data,
    )
    org.last_confirmed_at = utcnow()
    if moderation == "verified":
        org.verified_at = utcnow()
        org.verified_by_id = getattr(by, "id", None)
    org.refresh_search()
    org.tags = []  # a new entry has none: nothing to load when they are set below
    db.session.add(org)
    db.session.flush()
    for facet, values in tags.items():
        org.set_tags(facet, values)
    _revision(
        org,
        "imported" if source == "imported" else "created",
        by,
        {k: [None, _jsonable(v)] for k, v in data.items() if v not in (None, "", [], {})},
    )
    audit.record("organization.created", target=org, actor=by, source=source)
    return org


def update_organization(
    org: Organization,
    data: dict,
    tags: dict[str, list[str]],
    by: User,
    *,
    note: str = "",
    source: str | None = None,
) -> dict:
    """Apply the changed fields and tags, with a line in the entry's history (its note says
    where the change came from, e.g. an accepted proposal from a survey)."""
    data = _normalise(data)
    changes = {}
    for key, value in data.items():
        old = getattr(org, key)
        if old != value:
            changes[key] = [_jsonable(old), _jsonable(value)]
            setattr(org, key, value)
    for facet, values in tags.items():
        old = org.tag_values(facet)
        if old != sorted(set(values)):
            changes[facet] = [old, sorted(set(values))]
            org.set_tags(facet, values)
    if changes:
        org.refresh_search()
        org.last_confirmed_at = utcnow()
        _revision(org, "updated", by, changes, note)
        extra = {"source": source} if source else {}
        audit.record("organization.updated", target=org, actor=by, fields=sorted(changes), **extra)
    return changes


def confirm(org: Organization, by: User) -> None:
    """The representative or the office confirms the entry is still correct."""
    org.last_confirmed_at = utcnow()
    _revision(org, "confirmed", by)


def moderate(org: Organization, action: str, by: User, note: str = "") -> None:
    target = {
        "verify": "verified",
        "reject": "rejected",
        "archive": "archived",
        "restore": "pending",
    }[action]
    if org.moderation == target:
        raise DirectoryError(_l("The entry already has this status."))
    old = org.moderation
    org.moderation = target
    org.moderation_note = note.strip()
    if target == "verified":
        org.verified_at = utcnow()
        org.verified_by_id = by.id
        org.last_confirmed_at = utcnow()
    _revision(
        org,
        {"verify": "verified", "reject": "rejected", "archive": "archived", "restore": "restored"}[
            action
        ],
        by,
        {"moderation": [old, target]},
        note.strip(),
    )
    audit.record(f"organization.{target}", target=org, actor=by, note=note.strip())


def add_representative(
    org: Organization, user: User, *, status: str, message: str = "", by: User | None = None
) -> Representative:
    _forget_represented()
    existing = db.session.scalar(
        select(Representative).where(
            Representative.organization_id == org.id, Representative.user_id == user.id
        )
    )
    if existing is not None:
        if existing.status == "active" or status == "pending":
            raise DirectoryError(_l("You already represent this organization or have asked to."))
        existing.status = status
        return existing
    rep = Representative(
        organization_id=org.id, user_id=user.id, status=status, message=message.strip()
    )
    if status == "active":
        rep.decided_by_id = getattr(by or user, "id", None)
        rep.decided_at = utcnow()
    db.session.add(rep)
    db.session.flush()
    audit.record(
        "organization.representative_" + ("claimed" if status == "pending" else "added"),
        target=org,
        actor=by or user,
        user_id=user.id,
    )
    return rep


def decide_representative(rep: Representative, accept: bool, by: User) -> None:
    _forget_represented()
    if rep.status != "pending":
        raise DirectoryError(_l("This request has already been decided."))
    if accept:
        rep.status = "active"
        rep.decided_by_id = by.id
        rep.decided_at = utcnow()
        audit.record(
            "organization.representative_accepted",
            target=rep.organization,
            actor=by,
            user_id=rep.user_id,
        )
    else:
        audit.record(
            "organization.representative_rejected",
            target=rep.organization,
            actor=by,
            user_id=rep.user_id,
        )
        db.session.delete(rep)


def representatives(org: Organization) -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative)
            .where(Representative.organization_id == org.id)
            .order_by(Representative.status, Representative.id)
        )
    )


def history(org: Organization) -> list[OrganizationRevision]:
    return list(
        db.session.scalars(
            select(OrganizationRevision)
            .where(OrganizationRevision.organization_id == org.id)
            .order_by(OrganizationRevision.id.desc())
        )
    )
