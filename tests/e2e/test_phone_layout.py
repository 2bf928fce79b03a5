"""The phone layout (issue 12 items 7 and 8): on an 844-pixel-high phone the header takes at
most about 15% of the screen, its menu opens the navigation with and without JavaScript, and no
page is wider than the phone, the platform administration included."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import DEMO_PASSWORD
from tests.e2e.test_tenant_journey import log_in

PHONE = {"width": 390, "height": 844}
PAGES = [
    "/",
    "/krusevac/",
    "/krusevac/directory/",
    "/krusevac/discussions/",
    "/krusevac/ecosystem/",
    "/krusevac/proposals/",
    "/krusevac/groups/",
    "/krusevac/groups/calendar/",
    "/korse/campaigns/",
    "/krusevac/proposals/scorecard",
    "/overview/",
    "/overview/map",
    "/krusevac/start/",
]
# and the first proposals and working groups linked from their lists (pages with wide tables)
LINKED = {
    "/krusevac/proposals/": "main a[href^='/krusevac/proposals/']",
    "/krusevac/groups/": "main a[href^='/krusevac/groups/']",
    "/korse/campaigns/": "main a[href^='/korse/campaigns/']",
}


@pytest.fixture
def demo(live_server):
    from solidarna.demo import load

    with live_server.app.app_context(), live_server.app.test_request_context():
        load()


def header_height(page) -> float:
    return page.evaluate("document.querySelector('body > header').getBoundingClientRect().height")


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_header_is_small_and_its_menu_opens_the_navigation(
    demo, live_server, new_context, javascript
):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    paths = list(PAGES)
    for path in PAGES:
        page.goto(path)
        assert header_height(page) <= 0.15 * PHONE["height"], (path, header_height(page))
        assert page_width(page) <= PHONE["width"], (path, page_width(page))
        if path in LINKED:
            hrefs = page.eval_on_selector_all(
                LINKED[path], "links => links.map(a => a.getAttribute('href'))"
            )
            paths += [h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()][:4]
    for path in paths[len(PAGES) :]:
        page.goto(path)
        assert page_width(page) <= PHONE["width"], (path, page_width(page))
    page.goto("/krusevac/")
    menu = page.locator("[data-site-menu]")
    main_nav = page.locator("nav.main-nav")
    expect(main_nav.get_by_role("link", name="Directory")).to_be_hidden()
    menu.locator("> summary").click()
    expect(main_nav.get_by_role("link", name="Directory")).to_be_visible()
    main_nav.get_by_role("link", name="Directory").click()
    expect(page).to_have_url(f"{live_server.url}/krusevac/directory/")


def test_platform_administration_fits_a_phone(demo, live_server, new_context):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server.url, "admin@example.org", DEMO_PASSWORD)
    page.goto("/")
    page.locator("[data-site-menu] > summary").click()
    page.get_by_role("link", name="Platform administration").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1, name="Platform administration")).to_be_visible()
    expect(page.locator("[data-site-menu]")).not_to_have_attribute("open", "")
    assert page_width(page) <= PHONE["width"], page_width(page)
    assert header_height(page) <= 0.15 * PHONE["height"]


def test_event_pages_fit_a_phone_in_cyrillic(demo, live_server, new_context):
    """Cyrillic words run longer: the month calendar and an event's facts must still fit (a
    long word in a calendar cell or beside a label made the page 393-403 px wide)."""
    context = new_context(viewport=PHONE)
    context.add_cookies([{"name": "lang", "value": "sr_Cyrl", "url": live_server.url}])
    page = context.new_page()
    day = datetime.now(ZoneInfo("Europe/Belgrade")).date()
    months = [day.strftime("%Y-%m"), (day.replace(day=1) + timedelta(days=32)).strftime("%Y-%m")]
    paths = [f"/krusevac/events/?view=month&month={month}" for month in months]
    for listing in ("/krusevac/events/", "/krusevac/events/?when=past"):
        page.goto(listing)
        hrefs = page.eval_on_selector_all(
            "main a[href^='/krusevac/events/']", "links => links.map(a => a.getAttribute('href'))"
        )
        paths += [h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()]
    assert len(paths) >= 4, paths
    for path in paths:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "sr-Cyrl"
        assert page_width(page) <= PHONE["width"], (path, page_width(page))
