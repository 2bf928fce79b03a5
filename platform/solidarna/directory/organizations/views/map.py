"""The directory on a map: the same filtered set as the list (same query arguments), as a
Leaflet map (static/js/map.js, vendored Leaflet) fed by a GeoJSON endpoint, and, for readers
without JavaScript or a map, the same entries listed by municipality.

Coordinates are given only where the viewer may see the entry's address
(`services.field_visible(org, "address", level)`); other entries are counted and listed but not
placed. The tile server (MAP_TILE_URL) is the only third-party origin of the platform, allowed
in img-src of the map page alone.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from flask import Response, current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import load_only, raiseload

from solidarna.core.i18n import current_locale
from solidarna.core.rendering import render
from solidarna.core.script import fold, in_script
from solidarna.core.security import CSP
from solidarna.directory import taxonomy
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.search import Filters
from solidarna.directory.organizations.views.browse import name_slug
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("directory_map", __name__, url_prefix="/directory", module="directory")
log = logging.getLogger(__name__)

# Filters the map page edits itself; the others (set in the list) are carried along.
MAP_FACETS = ("actor_type", "municipality")
FACET_TITLES = {
    "actor_type": _l("Role in the ecosystem"),
    "municipality": _l("Municipality"),
    "legal_form": _l("Legal form"),
    "se_status": _l("Social-enterprise status"),
    "kd": _l("Sector (KD)"),
    "group": _l("Vulnerable groups"),
    "interest": _l("General interest"),
    "moderation": _l("Review status"),
}


@dataclass
class Placed:
    """An entry as the map shows it: its name in the reader's script, its profile URL and,
    if the viewer may see it, its point."""

    org: Organization
    name: str
    url: str
    point: tuple[float, float] | None  # (latitude, longitude)


def valid_point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """(latitude, longitude) rounded to 6 decimals, or None if missing or out of range."""
    if lat is None or lon is None:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 6), round(lon, 6)


def position(org: Organization, level: str) -> tuple[float, float] | None:
    """The entry's coordinates if it has valid ones and the viewer may see its address."""
    if org.latitude is None or not services.field_visible(org, "address", level):
        return None
    return valid_point(org.latitude, org.longitude)


_SAMPLE_ID, _SAMPLE_NAME = 987654321, "name-placeholder"


def url_maker(endpoint: str, id_arg: str, slug_arg: str | None = None, slug=None):
    """obj -> url_for(endpoint, **{id_arg: obj.id, slug_arg: slug(obj)}), but built once and
    then filled in: url_for for each of hundreds of entries costs more than the query."""
    values = {id_arg: _SAMPLE_ID}
    if slug_arg:
        values[slug_arg] = _SAMPLE_NAME
    before, after = url_for(endpoint, **values).rsplit(str(_SAMPLE_ID), 1)
    if not slug_arg:
        return lambda obj: f"{before}{obj.id}{after}"
    middle, after = after.rsplit(_SAMPLE_NAME, 1)

    def make(obj) -> str:
        # quoted the way werkzeug's converters quote a path segment
        text = quote(slug(obj), safe="!$&'()*+,/:;=@")
        return f"{before}{obj.id}{middle}{text}{after}"

    return make


def profile_url_maker():
    """org -> the URL of its profile, as url_for("directory.profile", ...) gives it."""
    return url_maker("directory.profile", "organization_id", "name", name_slug)


# What the map and its list need of an entry; the long texts and the tags stay in the database.
MAP_COLUMNS = (
    Organization.id,
    Organization.name,
    Organization.actor_type,
    Organization.municipality,
    Organization.latitude,
    Organization.longitude,
    Organization.field_visibility,
    Organization.moderation,
)


def placed_entries(filters: Filters, level: str, own: set[int]) -> list[Placed]:
    """Every entry matching the filters that the viewer may see, in name order: the same
    selection as the list and `search.all_matching` (`search.apply_filters`), in a single
    query that loads only the columns the map shows (no tags, no mission or description).
    Names are put in the reader's script here, once, for the list and the GeoJSON alike."""
    query = select(Organization).options(load_only(*MAP_COLUMNS), raiseload(Organization.tags))
    query = search.order(search.apply_filters(query, filters, level, own), "name")
    profile_url = profile_url_maker()
    locale = current_locale()
    return [
        Placed(org, in_script(org.name, locale), profile_url(org), position(org, level))
        for org in db.session.scalars(query)
    ]


def by_municipality(entries: list, place=lambda item: item.org.municipality) -> list[tuple]:
    """[(municipality, entries there)] in the order of the folded municipality names; `place`
    gives an entry's municipality (the directory's by default)."""
    groups: dict[str, list] = {}
    for item in entries:
        groups.setdefault(place(item), []).append(item)
    return sorted(groups.items(), key=lambda group: fold(group[0]))


def actor_labels(tenant) -> dict[str, str]:
    """Actor type code -> label in the reader's language, translated once per request."""
    return {code: str(label) for code, label in taxonomy.actor_types(tenant).items()}


def feature_collection(entries: list[Placed], actor_labels: dict[str, str]) -> dict:
    """GeoJSON (RFC 7946) of the placed entries; names in the reader's script. `total` and
    `unlocated` are foreign members: how many entries match, and how many have no point."""
    locale = current_locale()
    places: dict[str, str] = {}  # municipality -> in the reader's script (a handful per page)
    features = []
    for item in entries:
        if item.point is None:
            continue
        org = item.org
        if org.municipality not in places:
            places[org.municipality] = in_script(org.municipality, locale)
        properties = {
            "id": org.id,
            "name": item.name,
            "url": item.url,
            "actor_type": actor_labels.get(org.actor_type, org.actor_type),
            "municipality": places[org.municipality],
        }
        if org.moderation != "verified":  # only admins and representatives see these
            properties["review"] = str(taxonomy.MODERATION.get(org.moderation, org.moderation))
        features.append(point_feature(org.id, item.point, properties))
    return collection(features, len(entries))


def point_feature(feature_id: int, point: tuple[float, float], properties: dict) -> dict:
    """A GeoJSON Point feature; `point` is (latitude, longitude), GeoJSON wants them swapped."""
    return {
        "type": "Feature",
        "id": feature_id,
        "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
        "properties": properties,
    }


def collection(features: list[dict], total: int) -> dict:
    """A FeatureCollection with the foreign members `total` (how many entries match) and
    `unlocated` (how many of them have no point)."""
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": total,
        "unlocated": total - len(features),
    }


def geojson_response(data: dict) -> Response:
    """GeoJSON for one viewer: it depends on who asks and in which script, so not shared."""
    response = Response(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


# --- the tile server: the one third-party origin --------------------------------------------

_HOST = re.compile(
    r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$"
)


def tile_origin(url: str | None) -> str | None:
    """The origin of a tile URL template for the CSP (`{s}.` subdomains become `*.`);
    None when there is no URL or it is not a plain http(s) URL."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().replace("{s}.", "*.")
    if parts.scheme not in ("https", "http") or not _HOST.match(host):
        return None
    return f"{parts.scheme}://{host}"


def map_csp(origin: str | None) -> str:
    """The platform's CSP with the tile server's origin added to img-src."""
    policy = current_app.config.get("CONTENT_SECURITY_POLICY", CSP)
    if not origin:
        return policy
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0] == "img-src":
            directives[index] = f"{directive} {origin}"
            break
    else:
        directives.append(f"img-src 'self' data: {origin}")
    return "; ".join(directives)


def tile_settings() -> tuple[str, str, str | None]:
    """(tile URL, attribution, origin); no URL when it is unset or unusable."""
    url = (current_app.config.get("MAP_TILE_URL") or "").strip()
    origin = tile_origin(url)
    if url and origin is None:
        log.warning("MAP_TILE_URL %r is not an http(s) URL template; map without tiles", url)
        url = ""
    return url, current_app.config.get("MAP_TILE_ATTRIBUTION", "") if url else "", origin


def render_map_page(template: str, **context) -> Response:
    """render() a map page (full, or its results block for htmx) with the tile settings in
    its context (`tile_url`, `tile_attribution`) and the CSP that lets the tiles in."""
    tile_url, attribution, origin = tile_settings()
    response = render(
        template, block="results", tile_url=tile_url, tile_attribution=attribution, **context
    )
    response.headers["Content-Security-Policy"] = map_csp(origin)
    return response


# --- views ------------------------------------------------------------------------------------


def facet_options(name: str, filters: Filters, level: str, own: set[int], labels: dict | None):
    """(value, label) for a select of the map's filter form: the values present among the
    entries the viewer may see (not narrowed by the other filters: the form stays put while
    the results change), plus any chosen value."""
    column = getattr(Organization, name)
    present = set(
        db.session.scalars(
            search.apply_filters(select(column).distinct(), Filters(), level, own)
        ).all()
    ) | set(getattr(filters, name))
    if labels:
        ordered = [code for code in labels if code in present]
        ordered += sorted(present - set(labels))
        return [(code, str(labels.get(code, code))) for code in ordered]
    return [(value, value) for value in sorted(present, key=fold)]


@bp.get("/map")
def page():
    filters = Filters.from_args(request.args)
    level = services.viewer_level()
    own = services.represented_ids()
    labels = search.facet_labels(g.tenant)
    entries = placed_entries(filters, level, own)
    unlocated = sum(1 for item in entries if item.point is None)
    carried = [n for n in Filters.SCALAR + Filters.TAGS if n not in MAP_FACETS]
    return render_map_page(
        "directory/map.html",
        tenant=g.tenant,
        filters=filters,
        level=level,
        labels=labels,
        actor_labels=actor_labels(g.tenant),
        total=len(entries),
        unlocated=unlocated,
        groups=by_municipality(entries),
        options={
            "actor_type": facet_options("actor_type", filters, level, own, labels["actor_type"]),
            "municipality": facet_options("municipality", filters, level, own, None),
        },
        facet_titles=FACET_TITLES,
        carried=carried,
        carried_active=[
            (name, [str(labels[name].get(v, v)) for v in getattr(filters, name)])
            for name in carried
            if getattr(filters, name)
        ],
    )


@bp.get("/map.geojson")
def geojson():
    filters = Filters.from_args(request.args)
    level = services.viewer_level()
    entries = placed_entries(filters, level, services.represented_ids())
    # Depends on who asks (coordinates shown by visibility level) and in which script.
    return geojson_response(feature_collection(entries, actor_labels(g.tenant)))
