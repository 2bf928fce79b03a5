"""The working groups journey in Chromium: an admin starts a group on a theme of the kit; a
representative asks to join on behalf of their organization; the admin, its coordinator,
accepts and schedules a meeting; the member answers "Coming"; a visitor sees the group with the
organization, its municipality and the meeting."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_discussions_journey import add_member, member_page
from tests.e2e.test_proposals_journey import add_representative
from tests.e2e.test_tenant_journey import (
    OWNER_EMAIL,
    OWNER_PASSWORD,
    SLUG,
    log_in,
    make_krusevac_with_owner,
)

REP = ("rade.zadruga@example.org", "Rade Zadrugić", "rade predstavlja zadrugu")
GROUP = "Pristup finansijama za zadruge"
ORG = "Zadruga Rasinski med"


def test_ask_for_an_organization_accept_schedule_and_answer(live_server, new_context, browser_log):
    make_krusevac_with_owner(live_server)
    add_member(live_server, REP)
    add_representative(live_server, REP, ORG, "cooperative")

    # --- an admin starts the group ---------------------------------------------------------
    admin = new_context(locale="en-US").new_page()
    log_in(admin, live_server.url, OWNER_EMAIL, OWNER_PASSWORD)
    admin.goto(f"/{SLUG}/")
    admin.locator("header nav.main-nav").get_by_role("link", name="Working groups").click()
    admin.get_by_role("link", name="Start a working group").click()
    expect(admin.get_by_role("heading", level=1, name="Start a working group")).to_be_visible()
    admin.get_by_label("Name", exact=True).fill(GROUP)
    admin.get_by_label("Theme").select_option(label="Access to finance")
    admin.get_by_label("Mandate").fill("Krediti i garancije za **zadruge**.")
    admin.get_by_label("On request: a coordinator approves").check()
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("heading", level=1, name=GROUP)).to_be_visible()
    group_url = admin.url.split("#")[0]

    # --- the representative asks to join for the cooperative -------------------------------
    rep = member_page(new_context, live_server, REP)
    rep.goto(group_url)
    rep.get_by_label("On behalf of").select_option(label=ORG)
    rep.get_by_label("A few words for the coordinators").fill("Zadruga želi da učestvuje.")
    rep.get_by_role("button", name="Ask to join").click()
    expect(rep.get_by_role("status")).to_contain_text("Your request is sent")

    # --- the coordinator accepts and schedules a meeting -----------------------------------
    admin.goto(group_url)
    admin.get_by_role("link", name="Members and requests").click()
    waiting = admin.locator("#waiting")
    expect(waiting).to_contain_text(ORG)
    waiting.get_by_role("button", name=f"Accept {REP[1]}").click()
    expect(admin.get_by_role("status")).to_contain_text(f"{REP[1]} is in the group.")
    admin.goto(group_url)
    admin.get_by_role("link", name="Schedule a meeting").click()
    expect(admin.get_by_role("heading", level=1, name="Schedule a meeting")).to_be_visible()
    admin.get_by_label("Title").fill("Prvi sastanak")
    admin.get_by_label("Day").fill(f"{date.today().year + 1}-03-10")
    admin.get_by_label("Starts at").fill("17:30")
    admin.get_by_label("Place").fill("Kancelarija, sala 2")
    admin.get_by_label("Agenda").fill("1. Upoznavanje\n2. Plan rada")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("status")).to_contain_text("The meeting is scheduled.")

    # --- the member answers ------------------------------------------------------------------
    rep.goto(group_url)
    rep.locator("#meetings").get_by_role("button", name="Coming", exact=True).click()
    expect(rep.get_by_role("status")).to_contain_text("Your answer is saved.")
    expect(rep.locator("#meetings")).to_contain_text("1 coming, 0 maybe, 0 not coming")

    # --- what a visitor sees -------------------------------------------------------------------
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(group_url)
    expect(visitor.locator("table.group-members tbody tr")).to_have_count(2)
    organizations = visitor.locator("table.group-organizations")
    expect(organizations).to_contain_text(ORG)
    expect(organizations).to_contain_text("Kruševac")
    expect(visitor.locator("#meetings")).to_contain_text("Prvi sastanak")
    expect(visitor.locator("#meetings")).to_contain_text("17:30")
    assert_clean(browser_log, live_server.url)
