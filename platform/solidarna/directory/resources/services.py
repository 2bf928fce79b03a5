"""Rules for local community resources: filters, search and facets, expiry, the map, and the
create / update / delete lifecycle with the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import load_only, raiseload

from solidarna.accounts.models import User
from solidarna.core import audit, search_index
from solidarna.core.facets import (
    FacetValue,
    choice_arg,
    facet_values,
    many_arg,
    paginate,
    select_options,
    text_arg,
    url_args,
)
from solidarna.core.i18n import current_locale
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.maps import Point, feature_collection, place_names, url_maker, valid_point
from solidarna.core.script import fold, in_script
from solidarna.core.urls import page_arg
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.services import DirectoryError, place
from solidarna.directory.resources.models import Resource
from solidarna.extensions import db

PER_PAGE = 24
RESOURCE_FIELDS = (
    "title", "kind", "description", "owner_organization_id", "owner_name", "municipality",
    "district_iso", "address", "latitude", "longitude", "availability", "conditions", "contact",
    "valid_until",
)  # fmt: skip


class ResourceError(DirectoryError):
    """A rule of resources was broken; `field` names the form field the message belongs to."""


def today() -> date:
    """Today where the platform's people are (Europe/Belgrade unless configured otherwise)."""
    name = "Europe/Belgrade"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", name)
    return datetime.now(ZoneInfo(name)).date()


def is_expired(resource: Resource, on: date | None = None) -> bool:
    return resource.valid_until is not None and resource.valid_until < (on or today())


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
        return cls(
            q=text_arg(args),
            **{name: many_arg(args, name) for name in cls.FACETS},
            expired=args.get("expired") == "1",
            sort=choice_arg(args, "sort", RESOURCE_SORTS, "title"),
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
        return url_args(data)


def resource_query(query, filters: ResourceFilters, skip: str | None = None, expired=None):
    query = query.where(*search_index.matching(Resource.__table__, filters.q))
    for name in ResourceFilters.FACETS:
        values = getattr(filters, name)
        if values and name != skip:
            query = query.where(getattr(Resource, name).in_(values))
    show_expired = filters.expired if expired is None else expired
    if not show_expired:
        query = query.where(or_(Resource.valid_until.is_(None), Resource.valid_until >= today()))
    return query


def search_resources(filters: ResourceFilters):
    query = resource_query(select(Resource), filters)
    if filters.sort == "newest":
        query = query.order_by(Resource.created_at.desc(), Resource.id.desc())
    elif filters.sort == "valid_until":
        query = query.order_by(
            Resource.valid_until.is_(None), Resource.valid_until, Resource.search_text
        )
    else:
        # search_text starts with the folded title: one order for both scripts.
        query = query.order_by(Resource.search_text, Resource.id)
    return paginate(query, filters.page, PER_PAGE)


def resource_facets(filters: ResourceFilters) -> dict[str, list[FacetValue]]:
    """Counts per value of each facet, under the other facets' filters (one query each)."""
    labels = {"kind": taxonomy.RESOURCE_KINDS, "availability": taxonomy.AVAILABILITY}
    result = {}
    for name in ResourceFilters.FACETS:
        column = getattr(Resource, name)
        query = resource_query(select(column, func.count()), filters, skip=name).group_by(column)
        counts = dict(db.session.execute(query).all())
        result[name] = facet_values(counts, getattr(filters, name), labels.get(name))
    return result


def hidden_expired_count(filters: ResourceFilters) -> int:
    """How many expired resources the filters would show if expired ones were shown."""
    if filters.expired:
        return 0
    query = resource_query(select(func.count(Resource.id)), filters, expired=True).where(
        Resource.valid_until < today()
    )
    return db.session.scalar(query) or 0


# --- resources: lifecycle -----------------------------------------------------------------------


def _resource_data(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in RESOURCE_FIELDS}
    where = place(data.get("municipality"))
    if where is None:
        raise ResourceError(_l("Choose a municipality."), "municipality")
    data["municipality"], data["district_iso"] = where
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


# --- the map ------------------------------------------------------------------------------------

FACET_TITLES = {
    "kind": _l("Kind"),
    "municipality": _l("Municipality"),
    "availability": _l("Availability"),
}
# What the map and its list need of a resource: no texts, and not the owner (joined by default).
MAP_COLUMNS = (
    Resource.id,
    Resource.title,
    Resource.kind,
    Resource.municipality,
    Resource.availability,
    Resource.latitude,
    Resource.longitude,
    Resource.valid_until,
)


@dataclass
class PlacedResource:
    """A resource as the map shows it: its title in the reader's script, its detail URL,
    its point if it has valid coordinates, and whether its valid-until date has passed."""

    resource: Resource
    name: str
    url: str
    point: Point | None
    expired: bool


def placed_resources(filters: ResourceFilters, on: date) -> list[PlacedResource]:
    """Every resource matching the filters, as the list selects them (`resource_query`), in
    title order, in one query."""
    query = select(Resource).options(
        load_only(*MAP_COLUMNS), raiseload(Resource.owner_organization)
    )
    query = resource_query(query, filters).order_by(Resource.search_text, Resource.id)
    detail_url = url_maker("resources.detail", "resource_id")
    locale = current_locale()
    return [
        PlacedResource(
            res,
            in_script(res.title, locale),
            detail_url(res),
            valid_point(res.latitude, res.longitude),
            is_expired(res, on),
        )
        for res in db.session.scalars(query)
    ]


def labels() -> dict[str, dict[str, str]]:
    """Kind and availability codes -> labels in the reader's language, translated once."""
    return {
        "kind": {code: str(label) for code, label in taxonomy.RESOURCE_KINDS.items()},
        "availability": {code: str(label) for code, label in taxonomy.AVAILABILITY.items()},
    }


def geojson_of(entries: list[PlacedResource], labels: dict[str, dict[str, str]]) -> dict:
    """The placed resources as GeoJSON, titles and places in the reader's script."""
    place_name = place_names()
    expired = _("Expired")

    def properties(item: PlacedResource) -> dict:
        res = item.resource
        values = {
            "id": res.id,
            "name": item.name,
            "url": item.url,
            "kind": labels["kind"].get(res.kind, res.kind),
            "municipality": place_name(res.municipality),
            "availability": labels["availability"].get(res.availability, res.availability),
        }
        if item.expired:
            values["expired"] = expired
        return values

    return feature_collection(entries, properties)


def map_options(filters: ResourceFilters, labels: dict[str, dict[str, str]]) -> dict:
    """name -> [(value, label)] for the selects of the map's filter form: the values present
    among the resources of this space (not narrowed by the filters: the form stays put while
    the results change), plus any chosen value; in one query."""
    rows = db.session.execute(
        select(Resource.kind, Resource.municipality, Resource.availability).distinct()
    ).all()
    return {
        name: select_options({row[i] for row in rows}, getattr(filters, name), labels.get(name))
        for i, name in enumerate(ResourceFilters.FACETS)
    }
