"""The map without third parties, in Chromium: no page sends a request anywhere but this site
(the interactive map included, with tiles from the app's own PMTiles archive); the map page's
first visit is a server-drawn overview under 60 KB compressed, Leaflet loading only when the
reader opens the map; and the map's controls and popups speak the page's language and script."""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

import brotli
import pytest
from playwright.sync_api import expect

from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_tenant_journey import OWNER_EMAIL, SLUG, make_krusevac_with_owner
from tests.tiles import make_archive, png

MED = "Zadruga Rasinski med"
RUKE = "Ruke Trstenika"
TIHA = "Tiha radionica"
THREAD = "Gde kupiti tegle"
BUDGET = 60 * 1024  # bytes, compressed: the map page's first visit


def tiles_over_serbia(zooms=range(0, 7)) -> dict[tuple[int, int, int], bytes]:
    """One tile for each (z, x, y) of Web Mercator covering the country's frame."""
    south, west, north, east = 41.8, 18.7, 46.25, 23.1

    def xy(lat, lon, z):
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        return x, y

    tiles = {}
    for z in zooms:
        (x0, y0), (x1, y1) = xy(north, west, z), xy(south, east, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                tiles[(z, x, y)] = png((200, 220, 200 - 20 * z), size=256)
    return tiles


def make_world(live_server) -> dict[str, str]:
    """The Kruševac space with three verified organizations (two in one Trstenik building),
    a thread in a public category; returns the paths of the pages to visit."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory.organizations.services import create_organization
    from solidarna.discussions.models import Category
    from solidarna.discussions.services import create_thread
    from solidarna.extensions import db
    from solidarna.tenants.models import Tenant

    make_krusevac_with_owner(live_server)
    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        from solidarna.accounts.models import User

        owner = db.session.scalar(db.select(User).where(User.email == OWNER_EMAIL))
        with tenant_context(tenant.id):
            orgs = []
            for name, kind, place, lat, lon in (
                (MED, "cooperative", "Kruševac", 43.5800, 21.3339),
                (RUKE, "association", "Trstenik", 43.6169, 20.9969),
                (TIHA, "cooperative", "Trstenik", 43.61692, 20.99694),
            ):
                orgs.append(
                    create_organization(
                        {
                            "name": name,
                            "legal_form": kind,
                            "actor_type": kind,
                            "municipality": place,
                            "latitude": lat,
                            "longitude": lon,
                            "mission": "Zajedno proizvodimo i prodajemo.",
                        },
                        {"kd": ["A"]},
                        None,
                        source="office",
                        moderation="verified",
                    )  # fmt: skip
                )
            category = Category(name="Pijaca", visibility="public", position=1)
            db.session.add(category)
            db.session.flush()
            thread, _post = create_thread(
                THREAD, "Ima li neko tegle od 720 ml?", owner,
                category=category, notify=False, rate_check=False,
            )  # fmt: skip
            db.session.commit()
            paths = {
                "platform home": "/",
                "space home": f"/{SLUG}/",
                "directory": f"/{SLUG}/directory/",
                "profile": f"/{SLUG}/directory/{orgs[0].id}-{orgs[0].slug}",
                "thread": f"/{SLUG}/discussions/t/{thread.id}",
                "login": "/auth/login",
                "resources map": f"/{SLUG}/resources/map",
                "map": f"/{SLUG}/directory/map",
            }
        db.session.remove()
    return paths


@pytest.fixture
def world(live_server, tmp_path):
    paths = make_world(live_server)
    archive = make_archive(tmp_path / "serbia.pmtiles", tiles_over_serbia())
    live_server.app.config["MAP_PMTILES_PATH"] = str(archive)
    return paths


def open_map(page):
    page.get_by_role("button", name=re.compile("interactive map|interaktivnu|интерактивну")).click()
    expect(page.locator(".map-canvas .leaflet-control-zoom-in")).to_be_visible()


def test_no_page_sends_a_request_anywhere_but_this_site(
    live_server, new_context, browser_log, request_log, world
):
    context = new_context(locale="en-US")
    request_log.watch(context)
    page = context.new_page()
    for name, path in world.items():
        response = page.goto(path)
        assert response.status == 200, name
        page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Map of the ecosystem")).to_be_visible()

    # The interactive map, opened: Leaflet, the markers' GeoJSON and the base map's tiles,
    # all from this site (the tiles from the app's own PMTiles archive).
    open_map(page)
    expect(page.locator(f'.leaflet-marker-icon[title="{MED}"]')).to_be_visible()
    page.wait_for_load_state("networkidle")
    tiles = [p for p in request_log.paths("image") if p.startswith("/map/tiles/")]
    assert tiles, "the map asked for no tile of the local archive"
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()

    # The list's filters still drive the open map (an htmx swap of the results).
    page.get_by_label("Municipality", exact=True).select_option("Trstenik")
    expect(page).to_have_url(re.compile(r"municipality=Trstenik"))
    expect(page.locator(f'.leaflet-marker-icon[title="{MED}"]')).to_have_count(0)
    expect(page.locator(".marker-cluster")).to_be_visible()
    page.wait_for_load_state("networkidle")

    request_log.assert_same_origin()
    assert_clean(browser_log, live_server.url)


def test_the_request_log_catches_a_request_to_another_host(live_server, new_context, request_log):
    """The check above can fail: a page that loads an image from elsewhere is caught."""
    context = new_context()
    request_log.watch(context)
    probe = f"{live_server.url}/probe-page"
    context.route(
        probe,
        lambda route: route.fulfill(
            content_type="text/html", body='<img src="http://192.0.2.1/pixel.png" alt="">'
        ),
    )
    page = context.new_page()
    page.goto(probe)
    page.wait_for_load_state("networkidle")
    assert request_log.foreign == ["http://192.0.2.1/pixel.png"]
    with pytest.raises(AssertionError, match="192.0.2.1"):
        request_log.assert_same_origin()


def compressed_size(url: str, kind: str, body: bytes) -> int:
    # Static files at brotli's best (what a precompressing static server sends); the page
    # itself at the level of on-the-fly compression.
    quality = 4 if kind == "document" else 11
    return len(brotli.compress(body, quality=quality))


def test_the_first_visit_of_the_map_page_is_light_and_opens_the_map_on_request(
    live_server, new_context, browser_log, request_log, world
):
    context = new_context(locale="en-US")
    request_log.watch(context)
    page = context.new_page()
    loaded = []
    page.on("response", lambda response: loaded.append(response))
    page.goto(world["map"])
    page.wait_for_load_state("networkidle")

    sizes = {}
    for response in loaded:
        if 300 <= response.status < 400:
            continue
        kind = response.request.resource_type
        sizes[urlsplit(response.url).path] = compressed_size(response.url, kind, response.body())
    total = sum(sizes.values())
    assert total <= BUDGET, f"{total} bytes compressed: {sizes}"
    assert not [p for p in sizes if "leaflet" in p], "Leaflet loaded before it was asked for"
    assert f"/{SLUG}/directory/map.geojson" not in sizes
    # Without the library the page already shows the overview: dots, counts, links.
    expect(page.locator("svg.map-overview-svg circle")).to_have_count(2)
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="Trstenik 2")).to_be_visible()
    expect(table.get_by_role("link", name="Kruševac")).to_have_attribute(
        "href", f"/{SLUG}/directory/?municipality=Kru%C5%A1evac"
    )

    # Pressing the button brings Leaflet and the markers, and puts the reader on the map.
    open_map(page)
    expect(page.locator(f'.leaflet-marker-icon[title="{MED}"]')).to_be_visible()
    expect(page.locator(".map-canvas")).to_be_focused()
    expect(page.locator("svg.map-overview-svg")).to_be_hidden()
    scripts = request_log.paths("script")
    assert any(re.search(r"/leaflet\.([0-9a-f]{12}\.)?js$", p) for p in scripts)
    assert any(re.search(r"/leaflet\.markercluster\.([0-9a-f]{12}\.)?js$", p) for p in scripts)
    request_log.assert_same_origin()
    assert_clean(browser_log, live_server.url)


def test_without_javascript_the_overview_is_the_map(live_server, new_context, world):
    page = new_context(locale="en-US", java_script_enabled=False).new_page()
    page.goto(world["map"])
    expect(page.locator("svg.map-overview-svg circle")).to_have_count(2)
    expect(page.get_by_role("button", name="Open the interactive map")).to_be_hidden()
    page.get_by_role("table").get_by_role("link", name="Trstenik").click()
    expect(page).to_have_url(re.compile(rf"/{SLUG}/directory/\?municipality=Trstenik"))
    expect(page.locator(".org-list").get_by_role("link", name=RUKE)).to_be_visible()


LANGUAGES = {
    # locale: (zoom in, zoom out, close, cluster words, actor type, municipality, name)
    "sr_Latn": ("Uvećajte", "Umanjite", "Zatvorite", "Više mesta", "Zadruga", "Kruševac", MED),
    "sr_Cyrl": (
        "Увећајте",
        "Умањите",
        "Затворите",
        "Више места",
        "Задруга",
        "Крушевац",
        "Задруга Расински мед",
    ),  # fmt: skip
    "en": ("Zoom in", "Zoom out", "Close", "Several places", "Cooperative", "Kruševac", MED),
}


@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_the_map_speaks_the_page_language(live_server, new_context, browser_log, world, locale):
    zoom_in, zoom_out, close, cluster, actor, place, name = LANGUAGES[locale]
    context = new_context()
    context.add_cookies([{"name": "lang", "value": locale, "url": live_server.url}])
    page = context.new_page()
    page.goto(world["map"])
    open_map(page)
    canvas = page.locator(".map-canvas")
    expect(canvas.locator(".leaflet-control-zoom-in")).to_have_attribute("title", zoom_in)
    expect(canvas.locator(".leaflet-control-zoom-out")).to_have_attribute("title", zoom_out)
    clusters = canvas.locator(".marker-cluster")
    expect(clusters).to_have_count(1)  # the two Trstenik neighbours, once the view settles
    expect(clusters).to_have_attribute("title", re.compile(rf"^{cluster}.*\(2\)"))
    marker = canvas.locator(f'.leaflet-marker-icon[title="{name}"]')
    marker.click()
    popup = canvas.locator(".leaflet-popup")
    expect(popup.get_by_role("link", name=name)).to_be_visible()
    expect(popup).to_contain_text(f"{actor} · {place}")
    expect(popup.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", close)
    if locale == "sr_Cyrl":
        # Every word the map shows or says (titles, labels, popup), but the library's name.
        said = canvas.evaluate(
            """el => [el.innerText].concat(
                   [...el.querySelectorAll('[title], [aria-label]')].map(
                       e => (e.getAttribute('title') || '') + ' ' + (e.getAttribute('aria-label') || '')))
                 .join(' ')"""
        )
        latin = re.findall(r"[A-Za-z]+", said.replace("Leaflet", ""))
        assert latin == [], said
    assert_clean(browser_log, live_server.url)
