"""Maps shared by every capability that places things on one (the directory's organizations
and local resources today): points, the one GeoJSON builder, the overview drawn on the server,
the base map and the map page's CSP, and URL building for hundreds of markers.

A map page first shows the overview (`overview`: a dot and a count per municipality, an SVG
and a table, no JavaScript) and the entries listed by municipality (`by_municipality`); the
interactive map (static/js/map.js, vendored Leaflet) loads its library and the GeoJSON only
when the reader opens it. The base map (`base_map`) is none by default, so no request leaves
the site; or tiles the app serves itself from a PMTiles archive (MAP_PMTILES_PATH,
core/tiles.py); or a tile server (MAP_TILE_URL), the only third-party origin the platform
can allow, in img-src of the map pages alone (`render_map_page`).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from flask import Response, current_app, url_for

from solidarna.core import tiles
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


# --- the overview: entries by municipality, drawn on the server --------------------------------

# The frame of the overview: Serbia's extreme points (about 41.85-46.19 N, 18.82-23.01 E),
# rounded outwards. Not a place of anything: only the drawing's extent, so that one
# municipality's dot sits where it is in the country. Points outside widen it (up to _REACH).
SERBIA_FRAME = (41.8, 18.7, 46.25, 23.1)  # south, west, north, east
_HEIGHT = 400  # SVG units; the width follows the frame's proportions
_PAD = 24
_R_MIN, _R_MAX = 4.0, 18.0
_REACH = 5.0  # degrees around the frame a dot may widen it by; farther ones are not drawn
_LABELS = 6  # how many of the largest places get a name next to their dot
_CHAR = 6.6  # average width of a label character, in SVG units at the label's font size


@dataclass
class PlaceCount:
    """A municipality in the overview: its name as stored and in the reader's script, how
    many entries are there, a link to them, and its dot (when any entry there has a point
    the reader may see: the dot sits at the mean of those points)."""

    place: str
    label: str
    count: int
    url: str
    point: Point | None = None
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0
    named: bool = False  # its name is written next to the dot
    anchor: str = "start"


@dataclass
class Overview:
    places: list[PlaceCount]  # in the order of the folded names
    width: int = 0
    height: int = _HEIGHT
    drawn: list[PlaceCount] = field(default_factory=list)  # largest first (small ones on top)

    @property
    def unplaced(self) -> int:
        return len(self.places) - len(self.drawn)


def mean_point(points: Iterable[Point | None]) -> Point | None:
    known = [p for p in points if p is not None]
    if not known:
        return None
    return valid_point(sum(p[0] for p in known) / len(known), sum(p[1] for p in known) / len(known))


def overview(groups: Sequence[tuple[str, list]], link: Callable[[str], str]) -> Overview:
    """The overview of `by_municipality` groups (entries with `.point`): an equirectangular
    drawing of one dot per municipality, its area proportional to the count, and the table
    of counts. `link(municipality)` gives the URL of the entries there."""
    name = place_names()
    return draw_overview(
        [
            PlaceCount(
                place, name(place), len(items), link(place), mean_point(i.point for i in items)
            )
            for place, items in groups
        ]
    )


def draw_overview(places: list[PlaceCount]) -> Overview:
    """The overview of places already counted (a GROUP BY that gives each place's count and
    the mean of its visible points, as the national overview's districts): the same drawing."""
    result = Overview(places)
    south, west, north, east = SERBIA_FRAME
    # A point far outside (a typo, 0,0) would shrink the country to a speck: not drawn.
    located = [
        p
        for p in places
        if p.point is not None
        and south - _REACH <= p.point[0] <= north + _REACH
        and west - _REACH <= p.point[1] <= east + _REACH
    ]
    for p in located:
        south, north = min(south, p.point[0]), max(north, p.point[0])
        west, east = min(west, p.point[1]), max(east, p.point[1])
    stretch = math.cos(math.radians((south + north) / 2))  # a degree of longitude is shorter
    scale = (_HEIGHT - 2 * _PAD) / (north - south)
    result.width = round((east - west) * stretch * scale + 2 * _PAD)
    most = max((p.count for p in located), default=1)
    for p in located:
        p.x = round(_PAD + (p.point[1] - west) * stretch * scale, 1)
        p.y = round(_PAD + (north - p.point[0]) * scale, 1)
        p.r = round(_R_MIN + (_R_MAX - _R_MIN) * math.sqrt(p.count / most), 1)
    result.drawn = sorted(located, key=lambda p: (-p.count, fold(p.place)))
    _name_the_largest(result)
    return result


def _name_the_largest(result: Overview) -> None:
    """Write the names of the largest places next to their dots where they cover no other
    name or dot and stay inside the drawing."""
    taken: list[tuple[float, float, float, float]] = []
    discs = [(p, (p.x - p.r, p.y - p.r, p.x + p.r, p.y + p.r)) for p in result.drawn]
    for p in result.drawn[:_LABELS]:
        others = [box for q, box in discs if q is not p]
        width = len(p.label) * _CHAR
        for anchor, left in (("start", p.x + p.r + 3), ("end", p.x - p.r - 3 - width)):
            box = (left, p.y - 10, left + width, p.y + 4)
            inside = box[0] >= 2 and box[2] <= result.width - 2 and box[1] >= 2
            if inside and not any(_overlap(box, other) for other in taken + others):
                taken.append(box)
                p.named, p.anchor = True, anchor
                break


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --- URLs of many markers -----------------------------------------------------------------------

_SAMPLE_ID, _SAMPLE_NAME = 987654321, "name-placeholder"


def url_maker(endpoint: str, id_arg: str, slug_arg: str | None = None, slug=None, **fixed):
    """obj -> url_for(endpoint, **{id_arg: obj.id, slug_arg: slug(obj)}), but built once and
    then filled in: url_for for each of hundreds of entries costs more than the query.
    `fixed`: further URL values, the same for every object (another space's `tenant_slug`)."""
    values = {**fixed, id_arg: _SAMPLE_ID}
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


# --- the base map: none, the app's own tiles, or a tile server (the one third-party origin) ---

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


@dataclass(frozen=True)
class BaseMap:
    """What the map's script needs to draw a base map: a tile URL template ("" for none),
    the attribution (trusted HTML), the zooms the tiles exist at and where they cover
    (south, west, north, east), and the third-party origin to allow in img-src (None when
    the tiles come from this site or there are none)."""

    url: str = ""
    attribution: str = ""
    min_zoom: int | None = None
    max_zoom: int | None = None
    bounds: tuple[float, float, float, float] | None = None
    origin: str | None = None

    @property
    def bounds_text(self) -> str:
        return ",".join(f"{v:.7g}" for v in self.bounds) if self.bounds else ""


def attribution() -> str:
    """MAP_TILE_ATTRIBUTION in the reader's language when the operator wrote one for it
    (MAP_TILE_ATTRIBUTION_SR_CYRL, ...), else the general one."""
    config = current_app.config
    own = config.get(f"MAP_TILE_ATTRIBUTION_{current_locale().upper()}") or ""
    return own.strip() or (config.get("MAP_TILE_ATTRIBUTION") or "").strip()


def base_map() -> BaseMap:
    """The base map of the map pages: the app's own tiles from MAP_PMTILES_PATH, else the
    tile server of MAP_TILE_URL, else none (markers over a plain background). A set but
    unusable archive gives no tiles rather than a third-party server (logged)."""
    config = current_app.config
    if (config.get("MAP_PMTILES_PATH") or "").strip():
        archive = tiles.archive()
        if archive is None:
            return BaseMap()
        sample = url_for("pages.map_tile", z=1, x=2, y=3, ext=archive.extension)
        return BaseMap(
            url=sample.replace("/1/2/3.", "/{z}/{x}/{y}."),
            attribution=attribution(),
            min_zoom=archive.min_zoom,
            max_zoom=archive.max_zoom,
            bounds=archive.bounds,
        )
    url = (config.get("MAP_TILE_URL") or "").strip()
    if not url:
        return BaseMap()
    origin = tile_origin(url)
    if origin is None:
        log.warning("MAP_TILE_URL %r is not an http(s) URL template; map without tiles", url)
        return BaseMap()
    return BaseMap(url=url, attribution=attribution(), origin=origin)


def render_map_page(template: str, **context) -> Response:
    """render() a map page (full, or its results block for htmx) with the base map in its
    context (`base_map`) and the CSP that lets a tile server's images in."""
    tiles_of = base_map()
    response = render(template, block="results", base_map=tiles_of, **context)
    response.headers["Content-Security-Policy"] = map_csp(tiles_of.origin)
    return response
