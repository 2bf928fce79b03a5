"""The tenant journey in Chromium: a new user registers, asks to join the Kruševac office, its
owner approves the request in another browser, and the new member then sees the members' area."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD as OWNER_PASSWORD
from tests.e2e.test_accounts_journey import ACCOUNT_NAV, assert_clean

SLUG = "krusevac"
TENANT_NAME = "Kancelarija za razvoj socijalnog preduzetništva Kruševac"
TENANT_SHORT_NAME = "Kancelarija Kruševac"
# The English interface shows the kit's English texts (name_en, short_name_en).
TENANT_NAME_EN = "Office for the Development of Social Entrepreneurship Kruševac"
TENANT_SHORT_NAME_EN = "Kruševac Office"

OWNER_NAME = "Dragana Milosavljević"
OWNER_EMAIL = "dragana.milosavljevic@example.org"

NAME = "Nikola Stojanović"
EMAIL = "nikola.stojanovic@example.org"
PASSWORD = "zadruga pčelara iz Brusa"
INTRODUCTION = "Osnivač zadruge pčelara u Brusu; zanima nas zajednička prodaja meda."

MAIN_NAV = "header nav.main-nav"


def make_krusevac_with_owner(live_server) -> None:
    """The Kruševac office from its kit, owned by a verified account, as an admin would set up."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.tenants.cli import create_from_kit
    from solidarna.tenants.kits import KIT_DIR
    from solidarna.tenants.models import Membership

    # The owner's saved language is English, so the owner's mail is too (otherwise it would
    # follow the space's default, Serbian Latin).
    owner = live_server.make_user(
        email=OWNER_EMAIL, name=OWNER_NAME, password=OWNER_PASSWORD, locale="en"
    )
    with live_server.app.app_context():
        tenant = create_from_kit(KIT_DIR / f"{SLUG}.toml")
        db.session.commit()
        assert (tenant.slug, tenant.name, tenant.kind, tenant.region, tenant.visibility) == (
            SLUG,
            TENANT_NAME,
            "district_office",
            "RS-19",
            "public",
        )
        assert "Kruševac" in tenant.municipalities
        with tenant_context(tenant.id):
            db.session.add(Membership(user_id=owner.id, role="owner", status="active"))
            db.session.commit()
        db.session.remove()


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/")


def test_register_ask_to_join_owner_approves_and_member_sees_the_members(
    live_server, new_context, browser_log
):
    base = live_server.url
    make_krusevac_with_owner(live_server)

    # --- A: a newcomer registers, confirms the e-mail and logs in --------------------------
    newcomer = new_context(locale="en-US").new_page()
    newcomer.goto("/auth/register")
    newcomer.get_by_label("Full name").fill(NAME)
    newcomer.get_by_label("E-mail address").fill(EMAIL)
    newcomer.get_by_label("Password", exact=True).fill(PASSWORD)
    newcomer.get_by_label("Repeat the password").fill(PASSWORD)
    newcomer.get_by_role("button", name="Create the account").click()
    expect(newcomer).to_have_url(re.compile(r"/auth/check-email\?email="))

    messages = live_server.outbox(to=EMAIL)
    assert [m.subject for m in messages] == ["Confirm your e-mail address"]
    link = re.search(rf"{re.escape(base)}/auth/verify/\S+", messages[0].body_text)
    assert link, messages[0].body_text
    newcomer.goto(link.group(0))
    expect(newcomer.get_by_text("Your e-mail address is confirmed.")).to_be_visible()
    newcomer.get_by_label("Password", exact=True).fill(PASSWORD)
    newcomer.get_by_role("button", name="Log in").click()
    expect(newcomer).to_have_url(f"{base}/")
    expect(newcomer.locator(ACCOUNT_NAV).get_by_role("link", name=NAME)).to_be_visible()

    # --- A: the space's home is open, its members' area is not --------------------------
    newcomer.goto(f"/{SLUG}/")
    expect(newcomer.get_by_role("heading", level=1, name=TENANT_NAME_EN)).to_be_visible()
    tenant_nav = newcomer.locator(MAIN_NAV)
    expect(tenant_nav.get_by_role("link", name=TENANT_SHORT_NAME_EN)).to_be_visible()
    expect(tenant_nav.get_by_role("link", name="Members", exact=True)).to_have_count(0)

    # Chromium reports every 4xx document on the console: wait for that report and set this
    # expected one aside, so that any other console error still fails the test.
    with newcomer.expect_console_message(lambda m: m.type == "error") as refused:
        response = newcomer.goto(f"/{SLUG}/members")
    assert response is not None and response.status == 403
    assert "status of 403" in refused.value.text, refused.value.text
    browser_log.console_errors.remove(f"{base}/{SLUG}/members: {refused.value.text}")
    # no bare dead end: the space's page says why and offers to join
    expect(newcomer.get_by_role("heading", name="You cannot do this here yet")).to_be_visible()
    expect(newcomer.get_by_text(f"Only members of {TENANT_NAME_EN} can do this")).to_be_visible()
    expect(newcomer.get_by_role("heading", name=f"Members of {TENANT_NAME_EN}")).to_have_count(0)

    # --- A: asks to join ------------------------------------------------------------------
    newcomer.goto(f"/{SLUG}/")
    newcomer.get_by_role("link", name="Ask to join").click()
    expect(newcomer).to_have_url(f"{base}/{SLUG}/join")
    expect(newcomer.get_by_role("heading", name=f"Ask to join {TENANT_NAME_EN}")).to_be_visible()
    newcomer.get_by_label("Who are you?").fill(INTRODUCTION)
    newcomer.get_by_role("button", name="Send the request").click()

    expect(newcomer).to_have_url(f"{base}/{SLUG}/")
    expect(newcomer.get_by_role("status")).to_contain_text("Your request is sent.")
    expect(newcomer.get_by_text("Your request to join is waiting for a decision.")).to_be_visible()
    expect(newcomer.get_by_role("link", name="Ask to join")).to_have_count(0)
    # hx-boost is on: the request went through htmx, not a full page load.
    assert browser_log.requests_to("POST", f"/{SLUG}/join") == ["xhr"]
    # The owner hears about the request by mail.
    assert [m.subject for m in live_server.outbox(to=OWNER_EMAIL)] == [
        f"New request to join · {TENANT_SHORT_NAME_EN}"
    ]

    # --- B: the owner approves the request, in a browser of their own -------------------
    owner = new_context(locale="en-US").new_page()
    log_in(owner, base, OWNER_EMAIL, OWNER_PASSWORD)
    owner.goto(f"/{SLUG}/admin/members")
    expect(owner.get_by_role("heading", level=1, name="Manage members")).to_be_visible()
    requests = owner.get_by_role("region", name=re.compile(r"^Requests to join"))
    request = requests.get_by_role("listitem").filter(has_text=NAME)
    expect(request).to_have_count(1)
    expect(request.get_by_role("heading", name=NAME)).to_be_visible()
    expect(request.get_by_text(EMAIL)).to_be_visible()
    expect(request.get_by_text(INTRODUCTION)).to_be_visible()
    request.get_by_role("button", name="Approve").click()

    expect(owner).to_have_url(f"{base}/{SLUG}/admin/members")
    expect(owner.get_by_role("status")).to_contain_text("The request is approved.")
    expect(requests.get_by_text("No requests are waiting.")).to_be_visible()
    members_table = owner.get_by_role("region", name=re.compile(r"^Members")).get_by_role("table")
    row = members_table.get_by_role("row").filter(has_text=NAME)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell", name="Active")).to_be_visible()
    expect(members_table.get_by_role("row").filter(has_text=OWNER_NAME)).to_have_count(1)

    # --- A: now a member, sees the members' area ----------------------------------------
    newcomer.reload()
    expect(newcomer.get_by_text("You are a member: Member")).to_be_visible()
    members_link = newcomer.locator(MAIN_NAV).get_by_role("link", name="Members", exact=True)
    expect(members_link).to_be_visible()
    members_link.click()
    expect(newcomer).to_have_url(f"{base}/{SLUG}/members")
    expect(newcomer.get_by_role("heading", name=f"Members of {TENANT_NAME_EN}")).to_be_visible()
    expect(members_link).to_have_attribute("aria-current", "page")
    member_list = newcomer.locator("ul.member-list")
    expect(member_list.get_by_role("heading", name=NAME)).to_be_visible()
    expect(member_list.get_by_role("heading", name=OWNER_NAME)).to_be_visible()
    expect(member_list.get_by_role("listitem")).to_have_count(2)

    # The approval reached the newcomer by mail, in the language they registered in.
    approval = live_server.outbox(to=EMAIL)[-1]
    assert approval.subject == f"You are now a member · {TENANT_SHORT_NAME_EN}"
    assert f"{base}/{SLUG}/" in approval.body_text

    assert_clean(browser_log, base)
