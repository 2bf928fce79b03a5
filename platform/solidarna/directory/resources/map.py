"""Local community resources on a map: the same filtered set as the resources list (same query
arguments, `ResourceFilters`), shown by the directory's map (static/js/map.js) from a GeoJSON
endpoint and, for readers without JavaScript or a map, listed by municipality.

Resources are public information, address and coordinates included (their detail pages show
them to everyone), so every resource with valid coordinates is placed. The tile server and
its CSP, the URL building and the GeoJSON shape are the directory map's (map_views).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import load_only, raiseload

from solidarna.core.i18n import current_locale
from solidarna.core.script import fold, in_script
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import Resource
from solidarna.directory.organizations.views.map import (
    by_municipality,
    collection,
    geojson_response,
    point_feature,
    render_map_page,
    url_maker,
    valid_point,
)
from solidarna.directory.resources import services as rs
from solidarna.directory.resources.services import ResourceFilters
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("resources_map", __name__, url_prefix="/resources", module="resources")

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
    point: tuple[float, float] | None  # (latitude, longitude)
    expired: bool


def placed_resources(filters: ResourceFilters, on: date) -> list[PlacedResource]:
    """Every resource matching the filters, as the list selects them
    (`resource_services._resource_query`), in title order, in one query."""
    query = select(Resource).options(
        load_only(*MAP_COLUMNS), raiseload(Resource.owner_organization)
    )
    query = rs._resource_query(query, filters).order_by(Resource.search_text, Resource.id)
    detail_url = url_maker("resources.detail", "resource_id")
    locale = current_locale()
    return [
        PlacedResource(
            res,
            in_script(res.title, locale),
            detail_url(res),
            valid_point(res.latitude, res.longitude),
            rs.is_expired(res, on),
        )
        for res in db.session.scalars(query)
    ]


def labels() -> dict[str, dict[str, str]]:
    """Kind and availability codes -> labels in the reader's language, translated once."""
    return {
        "kind": {code: str(label) for code, label in taxonomy.RESOURCE_KINDS.items()},
        "availability": {code: str(label) for code, label in taxonomy.AVAILABILITY.items()},
    }


def feature_collection(entries: list[PlacedResource], labels: dict[str, dict[str, str]]) -> dict:
    """GeoJSON of the placed resources, titles and places in the reader's script."""
    locale = current_locale()
    places: dict[str, str] = {}
    expired = _("Expired")
    features = []
    for item in entries:
        if item.point is None:
            continue
        res = item.resource
        if res.municipality not in places:
            places[res.municipality] = in_script(res.municipality, locale)
        properties = {
            "id": res.id,
            "name": item.name,
            "url": item.url,
            "kind": labels["kind"].get(res.kind, res.kind),
            "municipality": places[res.municipality],
            "availability": labels["availability"].get(res.availability, res.availability),
        }
        if item.expired:
            properties["expired"] = expired
        features.append(point_feature(res.id, item.point, properties))
    return collection(features, len(entries))


def facet_options(filters: ResourceFilters, labels: dict[str, dict[str, str]]) -> dict:
    """name -> [(value, label)] for the selects of the map's filter form: the values present
    among the resources of this space (not narrowed by the filters: the form stays put while
    the results change), plus any chosen value; in one query."""
    rows = db.session.execute(
        select(Resource.kind, Resource.municipality, Resource.availability).distinct()
    ).all()
    options = {}
    for index, name in enumerate(ResourceFilters.FACETS):
        present = {row[index] for row in rows} | set(getattr(filters, name))
        known = labels.get(name)
        if known:
            ordered = [code for code in known if code in present]
            ordered += sorted(present - set(known), key=fold)
            options[name] = [(code, known.get(code, code)) for code in ordered]
        else:
            options[name] = [(value, value) for value in sorted(present, key=fold)]
    return options


@bp.get("/map")
def page():
    filters = ResourceFilters.from_args(request.args)
    names = labels()
    entries = placed_resources(filters, rs.today())
    return render_map_page(
        "resources/map.html",
        tenant=g.tenant,
        filters=filters,
        labels=names,
        total=len(entries),
        unlocated=sum(1 for item in entries if item.point is None),
        hidden_expired=rs.hidden_expired_count(filters),
        groups=by_municipality(entries, place=lambda item: item.resource.municipality),
        options=facet_options(filters, names),
        facet_titles=FACET_TITLES,
    )


@bp.get("/map.geojson")
def geojson():
    filters = ResourceFilters.from_args(request.args)
    entries = placed_resources(filters, rs.today())
    # Depends on the reader's script and on today's date (expiry): not shared.
    return geojson_response(feature_collection(entries, labels()))
