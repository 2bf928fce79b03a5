"""The directory map: the same filtered set as the list, coordinates only where the viewer
may see the address, a list by municipality without JavaScript, the tile server as the only
third-party origin on the map page alone, and a bounded number of SQL queries."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import event

from solidarna.core.maps import tile_origin
from solidarna.core.security import CSP
from solidarna.core.tenancy import tenant_context
from tests.conftest import EN, Client, one, parse, text_of
from tests.directory.conftest import map_groups

KRUSEVAC = (43.5800, 21.3339)
TRSTENIK = (43.6169, 20.9969)
BRUS = (43.3836, 21.0281)


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "member", region="RS") as tenant:
        entry("Zadruga Rasinski med", point=KRUSEVAC, tags={"kd": ["A"]}, address="Vidovdanska 1")
        entry(
            "Ruke Trstenika",
            municipality="Trstenik",
            point=TRSTENIK,
            actor_type="association",
            legal_form="association",
            tags={"kd": ["Q"]},
        )
        entry(
            "Tiha radionica",
            municipality="Trstenik",
            point=(43.62, 21.0),
            field_visibility={"address": "members"},
        )
        entry("Brusnica bez adrese", municipality="Brus")
        entry("Skrivena zadruga na čekanju", municipality="Brus", point=BRUS, moderation="pending")
    return tenant


def geojson(client, query="", **kwargs):
    response = client.get(f"/rasina/directory/map.geojson{query}", headers=EN, **kwargs)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    return json.loads(response.get_data(as_text=True))


def names(data) -> set[str]:
    return {f["properties"]["name"] for f in data["features"]}


def test_visitors_see_the_map_page_with_the_list_by_municipality(client, space):
    response = client.get("/rasina/directory/map", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert map_groups(html) == {
        "Brus": ["Brusnica bez adrese"],
        "Kruševac": ["Zadruga Rasinski med"],
        "Trstenik": ["Ruke Trstenika", "Tiha radionica"],
    }
    assert "Skrivena zadruga" not in html
    assert "4 organizations" in html
    # Two have no location a visitor may see: no coordinates, and an address for members.
    assert "2 organizations have no location on the map" in html
    assert html.count("Not on the map") == 2
    # The map itself is hidden until map.js shows it, and reads the markers from GeoJSON.
    canvas = one(html, ".map-canvas")
    assert canvas.has_attr("hidden") and canvas["role"] == "region"
    assert one(html, "#map-source")["data-geojson-url"] == "/rasina/directory/map.geojson"
    # Leaflet loads when the reader opens the map (map.js); static files are named by their hash.
    assert re.search(
        r"vendor/leaflet-1\.9\.4/leaflet\.[0-9a-f]{12}\.js", canvas["data-map-scripts"]
    )
    assert re.search(r"js/map\.[0-9a-f]{12}\.js", html)
    # Profiles are linked from the list.
    links = {text_of(a): a["href"] for a in parse(html).select("section.map-group li > a")}
    assert re.fullmatch(
        r"/rasina/directory/\d+-zadruga-rasinski-med", links["Zadruga Rasinski med"]
    )


def test_geojson_holds_only_verified_entries_and_public_locations(client, space):
    data = geojson(client)
    assert data["type"] == "FeatureCollection"
    assert names(data) == {"Zadruga Rasinski med", "Ruke Trstenika"}
    assert (data["total"], data["unlocated"]) == (4, 2)
    med = next(f for f in data["features"] if f["properties"]["name"] == "Zadruga Rasinski med")
    assert med["geometry"] == {"type": "Point", "coordinates": [KRUSEVAC[1], KRUSEVAC[0]]}
    props = med["properties"]
    assert props["municipality"] == "Kruševac" and props["actor_type"] == "Cooperative"
    assert re.fullmatch(r"/rasina/directory/\d+-zadruga-rasinski-med", props["url"])
    assert props["id"] == med["id"]
    body = json.dumps(data)
    assert "Skrivena" not in body and "43.62" not in body and "Vidovdanska" not in body


def test_members_see_locations_for_members_and_admins_see_pending(client, space):
    client.login("member@example.org")
    member = geojson(client)
    assert names(member) == {"Zadruga Rasinski med", "Ruke Trstenika", "Tiha radionica"}
    assert "Skrivena zadruga na čekanju" not in names(member)

    admin = Client(client.app)
    admin.login("owner@example.org")
    data = geojson(admin)
    assert "Skrivena zadruga na čekanju" in names(data)
    pending = next(f for f in data["features"] if f["properties"]["name"].startswith("Skrivena"))
    assert pending["properties"]["review"] == "Pending"


@pytest.mark.parametrize("q", ["Крушевац", "Kruševac", "krusevac"])
def test_search_works_across_scripts(client, space, q):
    assert names(geojson(client, query_string={"q": q})) == {"Zadruga Rasinski med"}
    html = client.get("/rasina/directory/map", query_string={"q": q}, headers=EN).get_data(
        as_text=True
    )
    assert map_groups(html) == {"Kruševac": ["Zadruga Rasinski med"]}


def test_names_and_places_follow_the_readers_script(client, space):
    cyrillic = {"Accept-Language": "sr-Cyrl"}
    data = json.loads(client.get("/rasina/directory/map.geojson", headers=cyrillic).data)
    med = next(f["properties"] for f in data["features"] if f["properties"]["id"] == 1)
    assert (med["name"], med["municipality"]) == ("Задруга Расински мед", "Крушевац")
    html = client.get("/rasina/directory/map", headers=cyrillic).get_data(as_text=True)
    assert map_groups(html)["Крушевац"] == ["Задруга Расински мед"]


def test_profile_links_match_the_profile_route(app, client, space, db, entry):
    with tenant_context(space.id):
        odd = entry("Kafe & Čaj? #1 — 100% naše", point=KRUSEVAC)
        db.session.commit()
        with app.test_request_context():
            from flask import g, url_for

            g.tenant = space
            expected = url_for("directory.profile", organization_id=odd.id, name=odd.slug)
    url = next(f["properties"]["url"] for f in geojson(client)["features"] if f["id"] == odd.id)
    assert url == expected
    assert client.get(url).status_code == 200  # not a redirect to the canonical name


def test_filters_are_the_lists_filters(client, space):
    assert names(geojson(client, "?municipality=Trstenik")) == {"Ruke Trstenika"}
    assert names(geojson(client, "?actor_type=association")) == {"Ruke Trstenika"}
    assert names(geojson(client, "?kd=A")) == {"Zadruga Rasinski med"}
    assert names(geojson(client, "?municipality=Brus")) == set()

    html = client.get("/rasina/directory/map?municipality=Trstenik&kd=Q", headers=EN)
    html = html.get_data(as_text=True)
    assert map_groups(html) == {"Trstenik": ["Ruke Trstenika"]}
    # The markers, the way back to the list and the form keep every filter.
    query = "?municipality=Trstenik&kd=Q"
    assert one(html, "#map-source")["data-geojson-url"] == f"/rasina/directory/map.geojson{query}"
    assert parse(html).select(f'.map-links a[href="/rasina/directory/{query}"]')
    assert one(html, '#map-filters input[type="hidden"][name="kd"]')["value"] == "Q"
    assert one(html, '#map-filters select[name="municipality"] option[selected]')["value"] == (
        "Trstenik"
    )
    assert "Also filtered in the list by:" in html and "Human health and social work" in html


def test_list_links_to_the_map_with_its_filters(client, space):
    html = client.get("/rasina/directory/?municipality=Trstenik", headers=EN).get_data(as_text=True)
    assert (
        '<a href="/rasina/directory/map?municipality=Trstenik" hx-boost="false">Show on the map</a>'
        in html
    )


def test_htmx_request_gets_the_list_fragment_only(client, space):
    response = client.get(
        "/rasina/directory/map?municipality=Brus", headers={**EN, "HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    fragment = parse(html)
    assert fragment.find("html") is None and fragment.find(id="map-filters") is None
    assert fragment.find("script") is None and "leaflet.js" not in html
    source = one(fragment, "#map-source")["data-geojson-url"]
    assert source == "/rasina/directory/map.geojson?municipality=Brus"
    assert map_groups(html) == {"Brus": ["Brusnica bez adrese"]}
    # A boosted navigation gets the whole page.
    boosted = client.get(
        "/rasina/directory/map", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert parse(boosted).find("html") is not None


def third_party_origins(text: str) -> set[str]:
    return set(re.findall(r"https?://[^\s'\";/]+", text))


def test_without_a_tile_url_there_is_no_third_party_origin(app, client, space):
    app.config["MAP_TILE_URL"] = ""
    response = client.get("/rasina/directory/map")
    assert response.headers["Content-Security-Policy"] == CSP
    page = parse(response)
    assert one(page, ".map-canvas")["data-tile-url"] == ""
    # No script, style or image from elsewhere (only links in text, such as none here).
    assert page.select("[src]") and page.select("[href]")
    assert [e for e in page.select("[src], [href]") if "//" in (e.get("src") or e["href"])] == []


def test_the_tile_origin_is_allowed_on_the_map_page_only(app, client, space):
    app.config["MAP_TILE_URL"] = "https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png"
    app.config["MAP_TILE_ATTRIBUTION"] = "Tiles: Example"
    response = client.get("/rasina/directory/map")
    csp = response.headers["Content-Security-Policy"]
    img_src = next(d for d in csp.split("; ") if d.startswith("img-src"))
    assert img_src == "img-src 'self' data: https://*.tiles.example.org"
    assert third_party_origins(csp) == {"https://*.tiles.example.org"}
    # Everything else in the policy is unchanged.
    assert csp.replace(" https://*.tiles.example.org", "") == CSP
    canvas = one(response, ".map-canvas")
    assert canvas["data-tile-url"] == "https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png"
    assert canvas["data-tile-attribution"] == "Tiles: Example"
    for path in ("/rasina/directory/", "/rasina/", "/", "/rasina/directory/map.geojson"):
        other = client.get(path).headers["Content-Security-Policy"]
        assert "example.org" not in other, path


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.osm.org/{z}/{x}/{y}.png", "https://*.tile.osm.org"),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("", None),
        ("javascript:alert(1)", None),
        ("https://tiles.example.org; script-src *", None),
        ("https://user@tiles.example.org/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_origin(url, origin):
    assert tile_origin(url) == origin


def test_an_unusable_tile_url_gives_a_map_without_tiles(app, client, space):
    app.config["MAP_TILE_URL"] = "ftp://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get("/rasina/directory/map")
    assert response.headers["Content-Security-Policy"] == CSP
    assert one(response, ".map-canvas")["data-tile-url"] == ""


def test_members_only_space_sends_visitors_to_log_in(client, make_tenant):
    make_tenant("zatvoreni", visibility="members")
    for path in ("/zatvoreni/directory/map", "/zatvoreni/directory/map.geojson"):
        response = client.get(path)
        assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


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


@pytest.mark.parametrize("path", ["/rasina/directory/map.geojson", "/rasina/directory/map"])
@pytest.mark.parametrize("who", [None, "member@example.org"])
def test_query_count_does_not_grow_with_the_entries(db, client, space, path, who, entry):
    client.app.config["PAGE_CACHE"] = False  # the render's statements, not the cache's one
    if who:
        client.login(who)

    def add(count, start):
        with tenant_context(space.id):
            for n in range(start, start + count):
                entry(
                    f"Zadruga broj {n}",
                    municipality=["Kruševac", "Brus", "Trstenik"][n % 3],
                    point=(43.5 + n / 1000, 21.0 + n / 1000),
                    tags={"kd": ["A", "C"], "group": ["roma"]},
                )
            db.session.commit()

    client.get(path)  # warm up (session, locale)
    few = count_statements(db, client, path)
    add(25, 100)
    many = count_statements(db, client, path)
    assert few == many, (few, many)
    assert len(names(geojson(client))) >= 27


# --- the overview drawn on the server (no JavaScript, no library) -------------------------------


def overview_rows(html) -> dict[str, tuple[str, str]]:
    """The overview's table: {municipality: (count, link)}."""
    return {
        text_of(row.th): (text_of(row.td), row.th.a["href"])
        for row in parse(html).select(".map-overview-table tbody tr")
    }


def dots(html) -> dict[str, dict]:
    """The overview's drawing: {title: {"x", "y", "r", "href"}}."""
    found = {}
    for link in parse(html).select("svg.map-overview-svg a"):
        circle = link.circle
        found[text_of(link.title)] = {
            "x": float(circle["cx"]),
            "y": float(circle["cy"]),
            "r": float(circle["r"]),
            "href": link["href"],
        }
    return found


def test_the_overview_counts_and_draws_the_municipalities(client, space):
    response = client.get("/rasina/directory/map", headers=EN)
    html = response.get_data(as_text=True)
    assert overview_rows(html) == {
        "Brus": ("1", "/rasina/directory/?municipality=Brus"),
        "Kruševac": ("1", "/rasina/directory/?municipality=Kru%C5%A1evac"),
        "Trstenik": ("2", "/rasina/directory/?municipality=Trstenik"),
    }
    drawn = dots(html)
    # Brus's one visible entry has no location: counted in the table, not drawn.
    assert set(drawn) == {"Kruševac: 1 organization", "Trstenik: 2 organizations"}
    assert "1 municipality has no location to draw" in html
    krusevac, trstenik = drawn["Kruševac: 1 organization"], drawn["Trstenik: 2 organizations"]
    assert krusevac["href"] == "/rasina/directory/?municipality=Kru%C5%A1evac"
    # East is right, north is up; the area follows the count.
    assert krusevac["x"] > trstenik["x"] and krusevac["y"] > trstenik["y"]
    assert trstenik["r"] > krusevac["r"]
    svg = one(html, "svg.map-overview-svg")
    assert svg["aria-hidden"] == "true"  # the table says the same to screen readers
    assert all(a["tabindex"] == "-1" for a in svg.select("a"))
    # The interactive map is a button map.js shows; Leaflet is not part of the page.
    assert one(html, "button[data-map-open]").has_attr("hidden")
    page = parse(html)
    assert not [s["src"] for s in page.select("script[src]") if "vendor/leaflet" in s["src"]]
    assert not [
        link["href"] for link in page.select("link[href]") if "vendor/leaflet" in link["href"]
    ]


def test_the_dot_sits_where_the_reader_may_see_the_entries(client, space):
    # A visitor: Trstenik's dot is its one public location (the other's address is for members).
    visitor = dots(client.get("/rasina/directory/map", headers=EN).get_data(as_text=True))
    client.login("member@example.org")
    member = dots(client.get("/rasina/directory/map", headers=EN).get_data(as_text=True))
    only_public = visitor["Trstenik: 2 organizations"]
    both = member["Trstenik: 2 organizations"]
    # The member's dot is the mean of both points: a little east (21.0 > 20.9969).
    assert both["x"] > only_public["x"]
    assert visitor["Kruševac: 1 organization"] == member["Kruševac: 1 organization"]


def test_the_overview_follows_the_filters_and_the_script(client, space):
    html = client.get("/rasina/directory/map?kd=Q", headers=EN).get_data(as_text=True)
    assert overview_rows(html) == {
        "Trstenik": ("1", "/rasina/directory/?municipality=Trstenik&kd=Q"),
    }
    fragment = client.get(
        "/rasina/directory/map?kd=Q", headers={**EN, "HX-Request": "true"}
    ).get_data(as_text=True)
    assert overview_rows(fragment) == overview_rows(html)  # a filter change swaps it too
    cyrillic = client.get("/rasina/directory/map", headers={"Accept-Language": "sr-Cyrl"})
    html = cyrillic.get_data(as_text=True)
    assert set(overview_rows(html)) == {"Брус", "Крушевац", "Трстеник"}
    assert {title.split(":")[0] for title in dots(html)} == {"Крушевац", "Трстеник"}


def test_an_empty_selection_has_no_overview(client, space):
    html = client.get("/rasina/directory/map?q=nema+takvog", headers=EN).get_data(as_text=True)
    assert parse(html).select(".map-overview") == []
    assert "No organization matches these filters." in html


def test_points_outside_the_frame_widen_it(app):
    from solidarna.core.maps import SERBIA_FRAME, overview

    class Item:
        def __init__(self, point):
            self.point = point

    groups = [("Beograd", [Item((44.8, 20.46))]), ("Ljubljana", [Item((46.05, 14.5))])]
    with app.test_request_context(headers=EN):
        drawn = {p.place: p for p in overview(groups, lambda place: f"/{place}").drawn}
    assert SERBIA_FRAME[1] > 14.5
    assert drawn["Ljubljana"].x < drawn["Beograd"].x
    assert drawn["Ljubljana"].x >= 24 - 0.1  # inside the padding, not cut off
    assert drawn["Ljubljana"].r == drawn["Beograd"].r  # one entry each
    # A point far away (a typo) is counted, not drawn: the country would shrink to a speck.
    groups.append(("Nulto ostrvo", [Item((0.0, 0.0))]))
    with app.test_request_context(headers=EN):
        view = overview(groups, lambda place: f"/{place}")
    assert {p.place for p in view.drawn} == {"Beograd", "Ljubljana"} and view.unplaced == 1


# --- the base map from the app's own archive ----------------------------------------------------


def test_a_local_archive_gives_tiles_from_this_site(app, client, space, tmp_path):
    from tests.tiles import make_archive, png

    path = make_archive(
        tmp_path / "rs.pmtiles", {(0, 0, 0): png((1, 2, 3)), (6, 35, 23): png((4, 5, 6))}
    )
    app.config["MAP_PMTILES_PATH"] = str(path)
    app.config["MAP_TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"  # not used
    app.config["MAP_TILE_ATTRIBUTION"] = "Tiles: Example"
    app.config["MAP_TILE_ATTRIBUTION_SR_CYRL"] = "Плочице: Пример"
    response = client.get("/rasina/directory/map", headers=EN)
    assert response.headers["Content-Security-Policy"] == CSP
    canvas = one(response, ".map-canvas")
    assert canvas["data-tile-url"] == "/map/tiles/{z}/{x}/{y}.png"
    assert (canvas["data-tile-min-zoom"], canvas["data-tile-max-zoom"]) == ("0", "6")
    assert canvas["data-tile-bounds"] == "41.8,18.7,46.25,23.1"
    assert canvas["data-tile-attribution"] == "Tiles: Example"
    cyrillic = client.get("/rasina/directory/map", headers={"Accept-Language": "sr-Cyrl"})
    assert one(cyrillic, ".map-canvas")["data-tile-attribution"] == "Плочице: Пример"
    assert client.get("/map/tiles/6/35/23.png").data == png((4, 5, 6))


def test_an_unusable_archive_gives_a_map_without_tiles_not_a_third_party(
    app, client, space, tmp_path
):
    broken = tmp_path / "broken.pmtiles"
    broken.write_bytes(b"not an archive")
    app.config["MAP_PMTILES_PATH"] = str(broken)
    app.config["MAP_TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get("/rasina/directory/map")
    assert response.headers["Content-Security-Policy"] == CSP
    assert one(response, ".map-canvas")["data-tile-url"] == ""


def test_by_default_there_is_no_base_map():
    from solidarna.config import Config

    assert Config.MAP_TILE_URL == "" and Config.MAP_PMTILES_PATH == ""
