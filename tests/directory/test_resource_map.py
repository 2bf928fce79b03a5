"""Local resources on the map: the same filtered set as the resources list, expired ones
hidden unless asked for, a list by municipality without JavaScript, the tile server allowed on
the map page alone, a bounded number of SQL queries, and nothing from another space."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from solidarna.core.security import CSP
from solidarna.core.tenancy import tenant_context
from solidarna.directory.resources import services as rs
from solidarna.extensions import cache
from tests.conftest import EN, one, parse, text_of
from tests.directory.conftest import map_groups

KRUSEVAC = (43.5800, 21.3339)
BRUS = (43.3836, 21.0281)
TILES = "https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png"


def resource(title, point=None, **fields):
    data = {"title": title, "kind": "premises", "municipality": "Kruševac",
            "availability": "available", "owner_name": "Grad Kruševac", **fields}  # fmt: skip
    if data.get("owner_organization_id"):
        data["owner_name"] = ""
    if point:
        data["latitude"], data["longitude"] = point
    return rs.create_resource(data, None)


@pytest.fixture
def space(make_space, entry):
    with make_space("member", modules=["directory", "resources"]) as tenant:
        fund = entry("Fondacija Rasinski fond", actor_type="foundation")
        resource("Sala za obuke", point=KRUSEVAC, address="Vidovdanska 1")
        resource(
            "Hladnjača za voće",
            point=BRUS,
            kind="equipment",
            municipality="Brus",
            availability="limited",
            owner_organization_id=fund.id,
        )
        resource(
            "Radionica bez adrese",
            kind="service",
            municipality="Trstenik",
            owner_name="Opština Trstenik",
        )
        resource(
            "Stari konkurs za opremu",
            point=(43.59, 21.33),
            kind="funding",
            valid_until=rs.today() - timedelta(days=3),
        )
    return tenant


def geojson(client, query="", headers=EN, **kwargs):
    response = client.get(f"/rasina/resources/map.geojson{query}", headers=headers, **kwargs)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    return json.loads(response.get_data(as_text=True))


def names(data) -> set[str]:
    return {f["properties"]["name"] for f in data["features"]}


def page(client, query="", headers=EN, **kwargs) -> str:
    response = client.get(f"/rasina/resources/map{query}", headers=headers, **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_visitors_see_the_map_page_with_the_list_by_municipality(client, space):
    html = page(client)
    assert map_groups(html) == {
        "Brus": ["Hladnjača za voće"],
        "Kruševac": ["Sala za obuke"],
        "Trstenik": ["Radionica bez adrese"],
    }
    assert "3 resources" in html
    assert "1 resource has no location on the map" in html
    assert html.count("Not on the map") == 1
    canvas = one(html, ".map-canvas")
    assert canvas.has_attr("hidden") and canvas["role"] == "region"
    assert one(html, "#map-source")["data-geojson-url"] == "/rasina/resources/map.geojson"
    assert canvas["data-popup-fields"] == "kind municipality availability expired"
    # Leaflet loads when the reader opens the map (map.js), not with the page.
    assert re.search(
        r"vendor/leaflet-1\.9\.4/leaflet\.[0-9a-f]{12}\.js", canvas["data-map-scripts"]
    )
    assert not [s for s in parse(html).select("script[src]") if "leaflet" in s["src"]]
    assert re.search(r"js/map\.[0-9a-f]{12}\.js", html)
    assert re.search(r"css/map\.[0-9a-f]{12}\.css", html)
    # The overview drawn on the server: the counts by municipality, linked to the list.
    rows = {
        text_of(row.th): (text_of(row.td), row.th.a["href"])
        for row in parse(html).select(".map-overview-table tbody tr")
    }
    assert rows == {
        "Brus": ("1", "/rasina/resources/?municipality=Brus"),
        "Kruševac": ("1", "/rasina/resources/?municipality=Kru%C5%A1evac"),
        "Trstenik": ("1", "/rasina/resources/?municipality=Trstenik"),
    }
    titles = [text_of(t) for t in parse(html).select("svg.map-overview-svg a title")]
    assert sorted(titles) == ["Brus: 1 resource", "Kruševac: 1 resource"]
    # Detail pages are linked from the list, with the kind and the availability.
    links = {text_of(a): a["href"] for a in parse(html).select("section.map-group li > a")}
    assert re.fullmatch(r"/rasina/resources/\d+", links["Sala za obuke"])
    assert "Equipment" in html and "Limited" in html
    # The way back to the list, and the filter form with every facet.
    assert parse(html).select('.map-links a[href="/rasina/resources/"]')
    form = one(html, "#map-filters")
    for name in ("q", "kind", "municipality", "availability", "expired"):
        assert form.select(f'[name="{name}"]'), name
    kinds = [option["value"] for option in form.select('select[name="kind"] option')]
    assert "equipment" in kinds and "land" not in kinds  # no land in this space


def test_geojson_holds_the_located_resources_with_their_labels(client, space):
    data = geojson(client)
    assert data["type"] == "FeatureCollection"
    assert names(data) == {"Sala za obuke", "Hladnjača za voće"}
    assert (data["total"], data["unlocated"]) == (3, 1)
    sala = next(f for f in data["features"] if f["properties"]["name"] == "Sala za obuke")
    assert sala["geometry"] == {"type": "Point", "coordinates": [KRUSEVAC[1], KRUSEVAC[0]]}
    props = sala["properties"]
    assert props["kind"] == "Premises" and props["availability"] == "Available"
    assert props["municipality"] == "Kruševac" and props["id"] == sala["id"]
    assert "expired" not in props
    assert props["url"] == f"/rasina/resources/{sala['id']}"
    assert client.get(props["url"]).status_code == 200
    cold = next(f["properties"] for f in data["features"] if f["properties"]["kind"] == "Equipment")
    assert (cold["municipality"], cold["availability"]) == ("Brus", "Limited")


def test_filters_are_the_lists_filters(client, space):
    assert names(geojson(client, "?kind=equipment")) == {"Hladnjača za voće"}
    assert names(geojson(client, "?municipality=Kruševac")) == {"Sala za obuke"}
    assert names(geojson(client, "?availability=limited")) == {"Hladnjača za voće"}
    assert names(geojson(client, "?kind=land")) == set()
    assert geojson(client, "?municipality=Trstenik")["total"] == 1

    html = page(client, "?kind=equipment&sort=newest")
    assert map_groups(html) == {"Brus": ["Hladnjača za voće"]}
    # The markers, the way back to the list and the form keep every filter.
    query = "?sort=newest&kind=equipment"
    assert one(html, "#map-source")["data-geojson-url"] == f"/rasina/resources/map.geojson{query}"
    assert parse(html).select(f'a[href="/rasina/resources/{query}"]')
    assert one(html, 'select[name="kind"] option[selected]')["value"] == "equipment"
    assert one(html, '#map-filters input[type="hidden"][name="sort"]')["value"] == "newest"
    empty = page(client, "?kind=land")
    assert "No resource matches these filters." in empty and map_groups(empty) == {}


def test_several_values_chosen_in_the_list_are_kept(client, space):
    html = page(client, "?municipality=Brus&municipality=Trstenik")
    assert map_groups(html) == {"Brus": ["Hladnjača za voće"], "Trstenik": ["Radionica bez adrese"]}
    assert "2 chosen in the list" in html
    carried = parse(html).select('#map-filters input[type="hidden"][name="municipality"]')
    assert [i["value"] for i in carried] == ["Brus", "Trstenik"]


@pytest.mark.parametrize("q", ["Крушевац", "Kruševac", "krusevac"])
def test_search_works_across_scripts(client, space, q):
    assert names(geojson(client, query_string={"q": q})) == {"Sala za obuke"}
    assert map_groups(page(client, query_string={"q": q})) == {"Kruševac": ["Sala za obuke"]}


def test_search_finds_a_resource_by_its_owner_organization(client, space):
    assert names(geojson(client, query_string={"q": "rasinski fond"})) == {"Hladnjača za voće"}


def test_expired_resources_are_hidden_unless_asked_for(client, space):
    assert "Stari konkurs za opremu" not in json.dumps(geojson(client), ensure_ascii=False)
    html = page(client)
    assert "Stari konkurs za opremu" not in html
    show = one(html, 'a[href="/rasina/resources/map?expired=1"]')
    assert show["hx-boost"] == "false"
    assert "Show 1 expired resource" in html

    data = geojson(client, "?expired=1")
    assert "Stari konkurs za opremu" in names(data) and data["total"] == 4
    old = next(
        f["properties"] for f in data["features"] if f["properties"]["kind"] == "Funding programme"
    )
    assert old["expired"] == "Expired"
    shown = page(client, "?expired=1")
    assert map_groups(shown)["Kruševac"] == ["Sala za obuke", "Stari konkurs za opremu"]
    assert "Expired" in shown and one(shown, "input#map-expired").has_attr("checked")


def test_titles_and_places_follow_the_readers_script(client, space):
    cyrillic = {"Accept-Language": "sr-Cyrl"}
    sala_id = next(
        f["id"] for f in geojson(client)["features"] if f["properties"]["name"] == "Sala za obuke"
    )
    data = geojson(client, headers=cyrillic)
    sala = next(f["properties"] for f in data["features"] if f["id"] == sala_id)
    assert (sala["name"], sala["municipality"]) == ("Сала за обуке", "Крушевац")
    assert map_groups(page(client, headers=cyrillic))["Крушевац"] == ["Сала за обуке"]


def test_the_list_links_to_the_map_with_its_filters(client, space):
    html = client.get("/rasina/resources/?municipality=Brus", headers=EN).get_data(as_text=True)
    assert (
        '<a href="/rasina/resources/map?municipality=Brus" hx-boost="false">Show on the map</a>'
        in html
    )


def test_htmx_request_gets_the_results_fragment_only(client, space):
    response = client.get(
        "/rasina/resources/map?municipality=Brus", headers={**EN, "HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    fragment = parse(html)
    assert fragment.find("html") is None and fragment.find(id="map-filters") is None
    assert fragment.find("script") is None and "leaflet.js" not in html
    source = one(fragment, "#map-source")["data-geojson-url"]
    assert source == "/rasina/resources/map.geojson?municipality=Brus"
    assert map_groups(html) == {"Brus": ["Hladnjača za voće"]}
    boosted = client.get(
        "/rasina/resources/map", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert parse(boosted).find("html") is not None


def test_the_tile_origin_is_allowed_on_the_map_page_only(app, client, space):
    app.config["MAP_TILE_URL"] = TILES
    app.config["MAP_TILE_ATTRIBUTION"] = "Tiles: Example"
    response = client.get("/rasina/resources/map")
    csp = response.headers["Content-Security-Policy"]
    img_src = next(d for d in csp.split("; ") if d.startswith("img-src"))
    assert img_src == "img-src 'self' data: https://*.tiles.example.org"
    assert csp.replace(" https://*.tiles.example.org", "") == CSP
    html = response.get_data(as_text=True)
    canvas = one(html, ".map-canvas")
    assert canvas["data-tile-url"] == TILES and canvas["data-tile-attribution"] == "Tiles: Example"
    sala = next(iter(geojson(client)["features"]))["properties"]["url"]
    for path in ("/rasina/resources/", "/rasina/resources/map.geojson", sala, "/rasina/"):
        other = client.get(path).headers["Content-Security-Policy"]
        assert "example.org" not in other, path

    app.config["MAP_TILE_URL"] = ""
    cache.clear()  # a new configuration comes with a restart, and a new release (pagecache)
    plain = client.get("/rasina/resources/map")
    assert plain.headers["Content-Security-Policy"] == CSP
    assert one(plain, ".map-canvas")["data-tile-url"] == ""


def test_members_only_space_sends_visitors_to_log_in(client, make_tenant):
    make_tenant("zatvoreni", visibility="members")
    for path in ("/zatvoreni/resources/map", "/zatvoreni/resources/map.geojson"):
        response = client.get(path)
        assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


def test_resources_of_another_space_never_appear(client, space, db, make_tenant):
    other = make_tenant("beta", modules=["directory", "resources"])
    with tenant_context(other.id):
        resource("Tajna sala bete", point=KRUSEVAC, owner_name="Opština Beta")
        db.session.commit()
    for query in ("", "?expired=1", "?q=tajna", "?municipality=Kruševac"):
        assert "Tajna sala bete" not in names(geojson(client, query))
        assert "Tajna sala bete" not in page(client, query)
    places = [o["value"] for o in parse(page(client)).select('select[name="municipality"] option')]
    assert "Kruševac" in places  # options come from this space only
    assert names(geojson(client, "?expired=1")) == {
        "Sala za obuke",
        "Hladnjača za voće",
        "Stari konkurs za opremu",
    }
    beta = json.loads(client.get("/beta/resources/map.geojson").data)
    assert names(beta) == {"Tajna sala bete"}


def count_statements(db, client, path) -> int:
    statements = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize(
    "path",
    ["/rasina/resources/map.geojson?expired=1", "/rasina/resources/map?expired=1",
     "/rasina/resources/map"],
)  # fmt: skip
@pytest.mark.parametrize("who", [None, "member@example.org"])
def test_query_count_does_not_grow_with_the_resources(db, client, space, path, who, entry):
    client.app.config["PAGE_CACHE"] = False  # the render's statements, not the cache's one
    if who:
        client.login(who)
    with tenant_context(space.id):
        owner = entry("Zadruga vlasnica", municipality="Brus").id
        resource("Peti resurs", point=BRUS, owner_organization_id=owner)
        db.session.commit()

    def total() -> int:
        return geojson(client, "?expired=1")["total"]

    assert total() == 5
    client.get(path)  # warm up (session, locale)
    few = count_statements(db, client, path)
    with tenant_context(space.id):
        for n in range(25):
            resource(
                f"Resurs broj {n}",
                point=(43.5 + n / 1000, 21.0 + n / 1000) if n % 5 else None,
                kind=["premises", "land", "equipment", "service"][n % 4],
                municipality=["Kruševac", "Brus", "Trstenik"][n % 3],
                availability=["available", "limited"][n % 2],
                owner_organization_id=owner if n % 2 else None,
                valid_until=rs.today() - timedelta(days=1) if n % 7 == 0 else None,
            )
        db.session.commit()
    assert total() == 30
    many = count_statements(db, client, path)
    assert few == many, (few, many)
