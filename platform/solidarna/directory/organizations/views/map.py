"""The directory on a map: the same filtered set as the list (same query arguments). The page
first shows an overview drawn on the server (a dot and a count per municipality, linked to
the list) and the entries listed by municipality, without JavaScript; the interactive Leaflet
map, fed by a GeoJSON endpoint, loads only when the reader opens it (core/maps.py).

Coordinates are given only where the viewer may see the entry's address
(`search.position`); other entries are counted and listed but not placed.
"""

from __future__ import annotations

from flask import g, request, url_for

from solidarna.core.i18n import current_locale
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.maps import (
    by_municipality,
    feature_collection,
    geojson_response,
    overview,
    place_names,
    render_map_page,
)
from solidarna.core.script import in_script
from solidarna.directory import taxonomy
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.search import Filters, Placed
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("directory_map", __name__, url_prefix="/directory")

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


def actor_labels(tenant) -> dict[str, str]:
    """Actor type code -> label in the reader's language and script, once per request (a
    kit's extra types have no translation: their Latin label is transliterated)."""
    locale = current_locale()
    return {
        code: in_script(str(label), locale) for code, label in taxonomy.actor_types(tenant).items()
    }


def geojson_of(entries: list[Placed], actor_labels: dict[str, str]) -> dict:
    """The placed entries as GeoJSON; names and places in the reader's script."""
    place = place_names()

    def properties(item: Placed) -> dict:
        org = item.org
        values = {
            "id": org.id,
            "name": item.name,
            "url": item.url,
            "actor_type": actor_labels.get(org.actor_type, org.actor_type),
            "municipality": place(org.municipality),
        }
        if org.moderation != "verified":  # only admins and representatives see these
            values["review"] = str(taxonomy.MODERATION.get(org.moderation, org.moderation))
        return values

    return feature_collection(entries, properties)


@bp.get("/map")
def page():
    filters = Filters.from_args(request.args)
    level = services.viewer_level()
    own = services.represented_ids()
    labels = search.facet_labels(g.tenant)
    entries = search.placed_entries(filters, level, own)
    unlocated = sum(1 for item in entries if item.point is None)
    carried = [n for n in Filters.SCALAR + Filters.TAGS if n not in MAP_FACETS]
    groups = by_municipality(entries, place=lambda item: item.org.municipality)
    return render_map_page(
        "directory/map.html",
        filters=filters,
        level=level,
        labels=labels,
        actor_labels=actor_labels(g.tenant),
        total=len(entries),
        unlocated=unlocated,
        groups=groups,
        overview=overview(
            groups, lambda place: url_for("directory.index", **filters.args(municipality=[place]))
        ),
        options={
            "actor_type": search.map_options(
                "actor_type", filters, level, own, labels["actor_type"]
            ),
            "municipality": search.map_options("municipality", filters, level, own, None),
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
    entries = search.placed_entries(filters, level, services.represented_ids())
    # Depends on who asks (coordinates shown by visibility level) and in which script.
    return geojson_response(geojson_of(entries, actor_labels(g.tenant)))
