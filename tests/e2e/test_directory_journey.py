"""The ecosystem-map journey in Chromium: a member adds their organization, the office's
owner verifies it, and a visitor finds it by a Cyrillic search and by a municipality filter,
then sees it on the map."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_tenant_journey import OWNER_EMAIL, SLUG, log_in, make_krusevac_with_owner

MEMBER_EMAIL = "jovana.primer@example.org"
MEMBER_PASSWORD = "zadruga na obroncima Kopaonika"
ORG_NAME = "Zadruga Kopaonički med"
OWNER_PASSWORD = "correct horse battery"


def add_member(live_server) -> None:
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.tenants.models import Membership, Tenant

    member = live_server.make_user(
        email=MEMBER_EMAIL, name="Jovana Primer", password=MEMBER_PASSWORD, locale="en"
    )
    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            db.session.add(Membership(user_id=member.id, role="member", status="active"))
            db.session.commit()
        db.session.remove()


def test_member_adds_admin_verifies_visitor_finds_it_and_sees_it_on_the_map(
    live_server, new_context, browser_log
):
    make_krusevac_with_owner(live_server)
    add_member(live_server)
    base = live_server.url

    # A member adds their organization through the form.
    member = new_context(locale="en-US").new_page()
    browser_log.watch(member.context)
    log_in(member, base, MEMBER_EMAIL, MEMBER_PASSWORD)
    member.goto(f"/{SLUG}/directory/")
    member.get_by_role("link", name="Add an organization").click()
    expect(member).to_have_url(f"{base}/{SLUG}/directory/new")
    member.get_by_label("Name", exact=True).fill(ORG_NAME)
    member.get_by_label("Role in the ecosystem").select_option("cooperative")
    member.get_by_label("Legal form").select_option("cooperative")
    member.get_by_label("Municipality").select_option("Brus")
    member.get_by_label("Latitude").fill("43.3835")
    member.get_by_label("Longitude").fill("21.0312")
    member.get_by_label("Mission").fill("Pčelari sa Kopaonika zajedno prerađuju i prodaju med.")
    member.get_by_role("checkbox", name="Agriculture, forestry and fishing").check()
    member.get_by_role("button", name="Save").click()
    expect(member.get_by_role("heading", level=1, name=ORG_NAME)).to_be_visible()
    expect(member.get_by_role("status")).to_contain_text("waits for the office to verify it")

    # Until it is verified, visitors do not find it.
    visitor = new_context(locale="en-US").new_page()
    browser_log.watch(visitor.context)
    visitor.goto(f"/{SLUG}/directory/?q=kopaonicki")
    expect(visitor.get_by_text("No organization matches these filters.")).to_be_visible()

    # The owner verifies it from the moderation queue.
    owner = new_context(locale="en-US").new_page()
    browser_log.watch(owner.context)
    log_in(owner, base, OWNER_EMAIL, OWNER_PASSWORD)
    owner.goto(f"/{SLUG}/directory/moderation")
    card = owner.locator(".card").filter(has_text=ORG_NAME)
    card.get_by_label("Note (optional)").fill("Provereno u registru.")
    card.get_by_role("button", name="Verify").click()
    expect(owner.get_by_role("status")).to_contain_text("verified")
    expect(owner.get_by_text("Nothing to review.")).to_be_visible()

    # A visitor finds it by a Cyrillic search (live, with htmx) ...
    visitor.goto(f"/{SLUG}/directory/")
    visitor.get_by_label("Search by name, place or mission").fill("копаонички")
    expect(visitor).to_have_url(re.compile(r"q=%D0%BA%D0%BE%D0%BF"))
    results = visitor.locator(".org-list")
    expect(results.get_by_role("link", name=ORG_NAME)).to_be_visible()
    # ... and by the municipality filter, without a search term.
    visitor.goto(f"/{SLUG}/directory/")
    visitor.locator('input[name="municipality"][value="Brus"]').check()
    expect(visitor).to_have_url(re.compile(r"municipality=Brus"))
    expect(results.get_by_role("link", name=ORG_NAME)).to_be_visible()

    # ... and sees it on the map of the same filtered set.
    visitor.get_by_role("link", name="Show on the map").click()
    expect(visitor).to_have_url(re.compile(rf"/{SLUG}/directory/map\?.*municipality=Brus"))
    visitor.get_by_role("button", name="Open the interactive map").click()
    expect(visitor.locator(f'.leaflet-marker-icon[title="{ORG_NAME}"]')).to_be_visible()
    expect(visitor.locator(".map-list").get_by_role("link", name=ORG_NAME)).to_be_visible()

    # A result of the live-filtered list opens as a whole page (the filter form's hx-target
    # is not inherited by the links in it: hx-disinherit), not inside the results box.
    visitor.goto(f"/{SLUG}/directory/")
    visitor.get_by_label("Search by name, place or mission").fill("копаонички")
    expect(visitor).to_have_url(re.compile(r"q=%D0%BA%D0%BE%D0%BF"))
    # Pressed as a person presses (300 ms between press and release): the press takes the focus
    # from the search box, whose "change" must not fetch the list again and replace the link
    # under the pointer before the release.
    results.get_by_role("link", name=ORG_NAME).click(delay=300)
    expect(visitor).to_have_url(re.compile(rf"/{SLUG}/directory/\d+"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(visitor.locator("#filters")).to_have_count(0)
    expect(visitor.locator("#directory-results")).to_have_count(0)

    assert_clean(browser_log, base)
