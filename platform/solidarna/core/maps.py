"""Maps shared by every capability that places things on one (the directory's organizations
and local resources today): points, the one GeoJSON builder, the map page's response with the
tile server's CSP, and URL building for hundreds of markers.

The page's script (static/js/map.js, vendored Leaflet) reads the GeoJSON; readers without
JavaScript or a map get the same entries listed by municipality (`by_municipality`). The tile
server (MAP_TILE_URL) is the only third-party origin of the platform, allowed in img-src of
the map pages alone (`render_map_page`).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from flask import Response, current_app, url_for

from solidarna.core.i18n import current_locale
from solidarna.core.rendering import render
from solidarna.core.script import fold, in_script
from solidarna.core.security import CSP

log = logging.getLogger(__name__)

Point = tuple[float, float]  # (latitude, longitude)


class Placed(Protocol):
    """What the GeoJSON builder needs of an entry: its point, or None if it is not placed."""

    point: Point | None


def valid_point(lat: float | None, lon: float | None) -> Point | None:
    """(latitude, longitude) rounded to 6 decimals, or None if missing or out of range."""
    if lat is None or lon is None:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 6), round(lon, 6)


# --- GeoJSON ------------------------------------------------------------------------------------


def point_feature(feature_id: int, point: Point, properties: dict) -> dict:
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


def feature_collection(entries: Sequence[Placed], properties: Callable[[Any], dict]) -> dict:
    """GeoJSON (RFC 7946) of the entries that have a point. `properties(entry)` gives each
    feature's properties and must include its `id`; the entries without a point are counted
    in `unlocated`."""
    features = []
    for entry in entries:
        if entry.point is None:
            continue
        values = properties(entry)
        features.append(point_feature(values["id"], entry.point, values))
    return collection(features, len(entries))


def geojson_response(data: dict) -> Response:
    """GeoJSON for one viewer: it depends on who asks and in which script, so not shared."""
    response = Response(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def place_names() -> Callable[[str], str]:
    """municipality -> its name in the reader's script, remembered for the request (a page
    has a handful of places and hundreds of markers)."""
    locale = current_locale()
    names: dict[str, str] = {}

    def name(place: str) -> str:
        if place not in names:
            names[place] = in_script(place, locale)
        return names[place]

    return name


def by_municipality(entries: Iterable, place: Callable[[Any], str]) -> list[tuple]:
    """[(municipality, entries there)] in the order of the folded municipality names; `place`
    gives an entry's municipality."""
    groups: dict[str, list] = {}
    for item in entries:
        groups.setdefault(place(item), []).append(item)
    return sorted(groups.items(), key=lambda group: fold(group[0]))


# --- URLs of many markers -----------------------------------------------------------------------

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


# --- the tile server: the one third-party origin ------------------------------------------------

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
