"""Rules for local community resources, good practices and relationships between
organizations: who sees which linked organization, filters and facets, expiry, and the
create / update / delete lifecycle with the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from solidarna.accounts.models import User
from solidarna.core import audit
from solidarna.core.geography import find as find_municipality
from solidarna.core.script import fold
from solidarna.core.urls import page_arg
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import (
    Organization,
    Practice,
    PracticeOrganization,
    Relationship,
    Resource,
)
from solidarna.directory.organizations.search import FacetValue, _like_terms, many_arg
from solidarna.directory.organizations.services import (
    DirectoryError,
    represented_ids,
    viewer_level,
    visible_clause,
)
from solidarna.extensions import db

PER_PAGE = 24
RESOURCE_FIELDS = (
    "title", "kind", "description", "owner_organization_id", "owner_name", "municipality",
    "district_iso", "address", "latitude", "longitude", "availability", "conditions", "contact",
    "valid_until",
)  # fmt: skip
PRACTICE_FIELDS = ("title", "summary", "description", "municipality", "year", "themes")


class ResourceError(DirectoryError):
    """A rule was broken; `field` names the form field the message belongs to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


def today() -> date:
    """Today where the platform's people are (Europe/Belgrade unless configured otherwise)."""
    name = "Europe/Belgrade"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", name)
    return datetime.now(ZoneInfo(name)).date()


def is_expired(resource: Resource, on: date | None = None) -> bool:
    return resource.valid_until is not None and resource.valid_until < (on or today())


def org_visible(org: Organization | None, level: str, own_ids: set[int]) -> bool:
    """The Python twin of services.visible_clause, for an organization already loaded."""
    if org is None:
        return False
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


def _municipality(name: str | None) -> tuple[str, str] | None:
    if not name:
        return None
    found = find_municipality(name)
    if found is None:
        raise ResourceError(_l("Unknown municipality."), "municipality")
    return found.name_latn, found.district_iso


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _paged(query, page: int):
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)


def _facet_values(counts: dict, selected: list[str], labels: dict | None) -> list[FacetValue]:
    keys = list(labels) if labels else sorted(k for k in counts if k)
    return [
        FacetValue(key, str(labels[key]) if labels else key, counts.get(key, 0), key in selected)
        for key in keys
        if counts.get(key) or key in selected
    ]


# --- resources: filters, search and facets ----------------------------------------------------

RESOURCE_SORTS = ("title", "newest", "valid_until")


@dataclass
class ResourceFilters:
    q: str = ""
    kind: list[str] = field(default_factory=list)
    municipality: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    #: show resources whose valid-until date has passed (hidden by default)
    expired: bool = False
    sort: str = "title"
    page: int = 1

    FACETS = ("kind", "municipality", "availability")

    @classmethod
    def from_args(cls, args) -> ResourceFilters:
        sort = args.get("sort", "title")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            **{name: many_arg(args, name) for name in cls.FACETS},
            expired=args.get("expired") == "1",
            sort=sort if sort in RESOURCE_SORTS else "title",
            page=page_arg(args),
        )

    def active(self) -> bool:
        return bool(self.q or self.expired or any(getattr(self, n) for n in self.FACETS))

    def args(self, **changes) -> dict:
        data = {
            "q": self.q or None,
            "expired": "1" if self.expired else None,
            "sort": self.sort if self.sort != "title" else None,
        }
        for name in self.FACETS:
            data[name] = getattr(self, name) or None
        data.update(changes)
        return {k: v for k, v in data.items() if v not in (None, [], "")}


def _resource_query(query, filters: ResourceFilters, skip: str | None = None, expired=None):
    for pattern in _like_terms(filters.q):
        query = query.where(Resource.search_text.like(pattern, escape="\\"))
    for name in ResourceFilters.FACETS:
        values = getattr(filters, name)
        if values and name != skip:
            query = query.where(getattr(Resource, name).in_(values))
    show_expired = filters.expired if expired is None else expired
    if not show_expired:
        query = query.where(or_(Resource.valid_until.is_(None), Resource.valid_until >= today()))
    return query


def search_resources(filters: ResourceFilters):
    query = _resource_query(select(Resource), filters)
    if filters.sort == "newest":
        query = query.order_by(Resource.created_at.desc(), Resource.id.desc())
    elif filters.sort == "valid_until":
        query = query.order_by(
            Resource.valid_until.is_(None), Resource.valid_until, Resource.search_text
        )
    else:
        # search_text starts with the folded title: one order for both scripts.
        query = query.order_by(Resource.search_text, Resource.id)
    return _paged(query, filters.page)


def resource_facets(filters: ResourceFilters) -> dict[str, list[FacetValue]]:
    """Counts per value of each facet, under the other facets' filters (one query each)."""
    labels = {"kind": taxonomy.RESOURCE_KINDS, "availability": taxonomy.AVAILABILITY}
    result = {}
    for name in ResourceFilters.FACETS:
        column = getattr(Resource, name)
        query = _resource_query(select(column, func.count()), filters, skip=name).group_by(column)
        counts = dict(db.session.execute(query).all())
        result[name] = _facet_values(counts, getattr(filters, name), labels.get(name))
    return result


def hidden_expired_count(filters: ResourceFilters) -> int:
    """How many expired resources the filters would show if expired ones were shown."""
    if filters.expired:
        return 0
    query = _resource_query(select(func.count(Resource.id)), filters, expired=True).where(
        Resource.valid_until < today()
    )
    return db.session.scalar(query) or 0


# --- resources: lifecycle -----------------------------------------------------------------------


def _resource_data(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in RESOURCE_FIELDS}
    place = _municipality(data.get("municipality"))
    if place is None:
        raise ResourceError(_l("Choose a municipality."), "municipality")
    data["municipality"], data["district_iso"] = place
    owner_id = data.get("owner_organization_id") or None
    owner_name = (data.get("owner_name") or "").strip()
    if bool(owner_id) == bool(owner_name):
        raise ResourceError(
            _l("Name exactly one owner: an organization from the directory or an institution."),
            "owner_organization_id",
        )
    if owner_id and db.session.get(Organization, owner_id) is None:
        raise ResourceError(
            _l("That organization is not in this directory."), "owner_organization_id"
        )
    data["owner_organization_id"] = owner_id
    data["owner_name"] = owner_name
    data["address"] = (data.get("address") or "").strip() or None
    return data


def _refresh_resource(resource: Resource) -> None:
    resource.owner_organization = (
        db.session.get(Organization, resource.owner_organization_id)
        if resource.owner_organization_id
        else None
    )
    resource.refresh_search()
    if resource.owner_organization is not None:
        # Finding a programme by its funder's name is the point of naming the owner.
        resource.search_text = f"{resource.search_text} {fold(resource.owner_organization.name)}"


def create_resource(data: dict, by: User | None) -> Resource:
    data = _resource_data(data)
    resource = Resource(created_by_id=getattr(by, "id", None), **data)
    _refresh_resource(resource)
    db.session.add(resource)
    db.session.flush()
    audit.record("resource.created", target=resource, actor=by, title=resource.title)
    return resource


def update_resource(resource: Resource, data: dict, by: User | None) -> list[str]:
    data = _resource_data(data)
    changed = []
    for key, value in data.items():
        if getattr(resource, key) != value:
            changed.append(key)
            setattr(resource, key, value)
    if changed:
        _refresh_resource(resource)
        audit.record("resource.updated", target=resource, actor=by, fields=sorted(changed))
    return changed


def delete_resource(resource: Resource, by: User | None) -> None:
    audit.record("resource.deleted", target=resource, actor=by, title=resource.title)
    db.session.delete(resource)


# --- good practices -------------------------------------------------------------------------------


@dataclass
class PracticeFilters:
    q: str = ""
    municipality: list[str] = field(default_factory=list)
    page: int = 1

    @classmethod
    def from_args(cls, args) -> PracticeFilters:
        return cls(
            q=(args.get("q") or "").strip()[:200],
            municipality=many_arg(args, "municipality"),
            page=page_arg(args),
        )

    def active(self) -> bool:
        return bool(self.q or self.municipality)

    def args(self, **changes) -> dict:
        data = {"q": self.q or None, "municipality": self.municipality or None, **changes}
        return {k: v for k, v in data.items() if v not in (None, [], "")}


def _practice_query(query, filters: PracticeFilters, skip_municipality: bool = False):
    for pattern in _like_terms(filters.q):
        query = query.where(Practice.search_text.like(pattern, escape="\\"))
    if filters.municipality and not skip_municipality:
        query = query.where(Practice.municipality.in_(filters.municipality))
    return query


def search_practices(filters: PracticeFilters):
    query = _practice_query(select(Practice), filters).order_by(Practice.search_text, Practice.id)
    return _paged(query, filters.page)


def practice_facets(filters: PracticeFilters) -> dict[str, list[FacetValue]]:
    query = _practice_query(
        select(Practice.municipality, func.count()), filters, skip_municipality=True
    ).group_by(Practice.municipality)
    counts = {k: v for k, v in db.session.execute(query).all() if k}
    return {"municipality": _facet_values(counts, filters.municipality, None)}


def practice_organizations(
    practice_ids: list[int], level: str | None = None, own_ids: set[int] | None = None
) -> dict[int, list[Organization]]:
    """The organizations behind each practice that the viewer may see, in one query."""
    if not practice_ids:
        return {}
    level = level or viewer_level()
    own_ids = represented_ids() if own_ids is None else own_ids
    rows = db.session.execute(
        select(PracticeOrganization.practice_id, Organization)
        .join(Organization, Organization.id == PracticeOrganization.organization_id)
        .where(
            PracticeOrganization.practice_id.in_(practice_ids),
            visible_clause(level, own_ids),
        )
        .order_by(Organization.sort_name, Organization.id)
    ).all()
    result: dict[int, list[Organization]] = {pid: [] for pid in practice_ids}
    for practice_id, org in rows:
        result[practice_id].append(org)
    return result


def linked_organization_ids(practice: Practice) -> set[int]:
    return set(
        db.session.scalars(
            select(PracticeOrganization.organization_id).where(
                PracticeOrganization.practice_id == practice.id
            )
        )
    )


def _practice_data(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in PRACTICE_FIELDS}
    place = _municipality(data.get("municipality"))
    data["municipality"] = place[0] if place else None
    data["themes"] = sorted(set(data.get("themes") or []))
    for key in ("title", "summary", "description"):
        data[key] = (data.get(key) or "").strip()
    return data


def _set_organizations(practice: Practice, wanted: set[int], offered: set[int]) -> list[int]:
    """Link the wanted organizations; unlink only those the editor was offered, so links to
    organizations the editor could not see stay. Returns the sorted new set of links."""
    have = linked_organization_ids(practice)
    wanted = {i for i in wanted if i in offered}
    remove = (have & offered) - wanted
    if remove:
        db.session.execute(
            delete(PracticeOrganization).where(
                PracticeOrganization.practice_id == practice.id,
                PracticeOrganization.organization_id.in_(remove),
            )
        )
    for org_id in sorted(wanted - have):
        db.session.add(PracticeOrganization(practice_id=practice.id, organization_id=org_id))
    db.session.flush()
    db.session.expire(practice, ["organizations"])
    return sorted((have - remove) | wanted)


def create_practice(
    data: dict, organization_ids: set[int], offered: set[int], by: User | None
) -> Practice:
    practice = Practice(created_by_id=getattr(by, "id", None), **_practice_data(data))
    practice.refresh_search()
    db.session.add(practice)
    db.session.flush()
    linked = _set_organizations(practice, organization_ids, offered)
    audit.record(
        "practice.created", target=practice, actor=by, title=practice.title, organizations=linked
    )
    return practice


def update_practice(
    practice: Practice, data: dict, organization_ids: set[int], offered: set[int], by: User | None
) -> list[str]:
    data = _practice_data(data)
    changed = []
    for key, value in data.items():
        if getattr(practice, key) != value:
            changed.append(key)
            setattr(practice, key, value)
    before = linked_organization_ids(practice)
    after = _set_organizations(practice, organization_ids, offered)
    if set(after) != before:
        changed.append("organizations")
    if changed:
        practice.refresh_search()
        audit.record("practice.updated", target=practice, actor=by, fields=sorted(changed))
    return changed


def delete_practice(practice: Practice, by: User | None) -> None:
    audit.record("practice.deleted", target=practice, actor=by, title=practice.title)
    db.session.execute(
        delete(PracticeOrganization).where(PracticeOrganization.practice_id == practice.id)
    )
    db.session.delete(practice)


# --- relationships between organizations ------------------------------------------------------


def add_relationship(
    source: Organization, target: Organization, kind: str, note: str, by: User | None
) -> Relationship:
    if source.id == target.id:
        raise DirectoryError(_l("An organization cannot have a relationship with itself."))
    if kind not in taxonomy.RELATION_KINDS:
        raise DirectoryError(_l("Choose one of the offered kinds of relationship."))
    same = and_(Relationship.source_id == source.id, Relationship.target_id == target.id)
    if kind == "partner":  # a partnership goes both ways
        same = or_(
            same, and_(Relationship.source_id == target.id, Relationship.target_id == source.id)
        )
    if db.session.scalar(select(Relationship.id).where(same, Relationship.kind == kind)):
        raise DirectoryError(_l("This relationship is already recorded."))
    rel = Relationship(
        source_id=source.id, target_id=target.id, kind=kind, note=(note or "").strip()[:300]
    )
    db.session.add(rel)
    try:
        db.session.flush()
    except IntegrityError as error:  # added at the same moment by someone else
        db.session.rollback()
        raise DirectoryError(_l("This relationship is already recorded.")) from error
    audit.record(
        "relationship.created",
        target=rel,
        actor=by,
        source_id=source.id,
        target_id=target.id,
        kind=kind,
    )
    return rel


def delete_relationship(rel: Relationship, by: User | None) -> None:
    audit.record(
        "relationship.deleted",
        target=rel,
        actor=by,
        source_id=rel.source_id,
        target_id=rel.target_id,
        kind=rel.kind,
    )
    db.session.delete(rel)
