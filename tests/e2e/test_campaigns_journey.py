"""The advocacy platforms journey in Chromium, across spaces: KoRSE's admin starts a platform,
opens it for signatures and invites the Kruševac office; Kruševac's owner accepts on the
space's page of partner spaces; a Kruševac representative signs for their organization from
the Kruševac space; KoRSE's page shows the signature marked with Kruševac; a member of a third
space gets 404 for the platform."""

from __future__ import annotations

from urllib.parse import urlsplit

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

KORSE_ADMIN = ("ivana.korse@example.org", "Ivana Koalicić", "ivana vodi koaliciju")
REP = ("vesna.ruke@example.org", "Vesna Rukić", "vesna predstavlja udruzenje")
THIRD = ("toma.treci@example.org", "Toma Trećić", "toma je u trecem prostoru")
ORG = "Udruženje Ruke za Kruševac"
TITLE = "Rezervisane javne nabavke za socijalna preduzeća"


def make_space(live_server, slug: str, person, role: str, kit: str | None = None) -> None:
    """A space from its kit (or a plain one) with one active member."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.tenants.cli import create_from_kit
    from solidarna.tenants.kits import KIT_DIR
    from solidarna.tenants.models import Membership, Tenant

    email, name, password = person
    user = live_server.make_user(email=email, name=name, password=password, locale="en")
    with live_server.app.app_context():
        if kit:
            tenant = create_from_kit(KIT_DIR / kit)
        else:
            tenant = Tenant(slug=slug, name="Treći prostor", kind="municipality",
                            modules=["directory", "campaigns"], municipalities=[])  # fmt: skip
            db.session.add(tenant)
        db.session.commit()
        with tenant_context(tenant.id):
            db.session.add(Membership(user_id=user.id, role=role, status="active"))
            db.session.commit()
        db.session.remove()


def test_invite_accept_sign_from_the_partner_space_and_a_third_space_gets_404(
    live_server, new_context, browser_log
):
    make_krusevac_with_owner(live_server)
    add_member(live_server, REP)
    add_representative(live_server, REP, ORG, "association")
    make_space(live_server, "korse", KORSE_ADMIN, "admin", kit="korse.toml")
    make_space(live_server, "treci", THIRD, "member")

    # --- KoRSE's admin starts the platform, opens it and invites Kruševac -------------------
    korse = member_page(new_context, live_server, KORSE_ADMIN)
    korse.goto("/korse/")
    korse.locator("header nav.main-nav").get_by_role("link", name="Advocacy platforms").click()
    korse.get_by_role("link", name="Start an advocacy platform").click()
    expect(korse.get_by_role("heading", level=1)).to_have_text("Start an advocacy platform")
    korse.get_by_label("Title", exact=True).fill(TITLE)
    korse.get_by_label("Goal").fill("Da naručioci rezervišu deo nabavki za socijalna preduzeća.")
    korse.get_by_label("Demand", exact=True).first.fill("Uputstvo naručiocima")
    korse.get_by_label("Institutions addressed").fill("Kancelarija za javne nabavke")
    korse.get_by_role("button", name="Save").click()
    expect(korse.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    campaign_path = urlsplit(korse.url).path
    campaign_id = campaign_path.rstrip("/").split("/")[-1]
    korse.get_by_label("New status").select_option(label="Open for signatures")
    korse.get_by_role("button", name="Change the status").click()
    expect(korse.get_by_role("status")).to_contain_text("The status is changed.")
    korse.get_by_role("main").get_by_role("link", name="Partner spaces").click()
    korse.get_by_label("Address of the space").fill(SLUG)
    korse.get_by_role("button", name="Invite the space").click()
    expect(korse.get_by_role("status")).to_contain_text("is invited")

    # --- Kruševac's owner accepts ---------------------------------------------------------------
    owner = new_context(locale="en-US").new_page()
    log_in(owner, live_server.url, OWNER_EMAIL, OWNER_PASSWORD)
    owner.goto(f"/{SLUG}/")
    owner.locator("header nav.main-nav").get_by_role("link", name="Partner spaces").click()
    invitation = owner.locator("li.card", has_text=TITLE)
    expect(invitation).to_contain_text("Coalition for the Development of Solidarity Economy")
    invitation.get_by_role("button", name="Accept").click()
    expect(owner.get_by_role("status")).to_contain_text("You are now a partner of")

    # --- a Kruševac representative signs from the Kruševac space ----------------------------
    rep = member_page(new_context, live_server, REP)
    rep.goto(f"/{SLUG}/")
    rep.locator("header nav.main-nav").get_by_role("link", name="Advocacy platforms").click()
    rep.get_by_role("link", name=TITLE).click()
    expect(rep).to_have_url(f"{live_server.url}/{SLUG}/campaigns/{campaign_id}")
    expect(rep.locator(".owned-by")).to_contain_text("Coalition for the Development")
    rep.get_by_label("For the organization").select_option(label=ORG)
    rep.get_by_role("button", name="Sign for the organization").click()
    expect(rep.get_by_role("status")).to_contain_text(f"{ORG} has signed")

    # --- KoRSE's page shows the signature, marked with Kruševac -----------------------------
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(campaign_path)
    row = visitor.locator("tr.signatory", has_text=ORG)
    expect(row.locator(".origin-space")).to_contain_text("Kruševac")

    # --- a member of a third space: 404 -----------------------------------------------------
    third = member_page(new_context, live_server, THIRD)
    response = third.goto(f"/treci/campaigns/{campaign_id}")
    assert response.status == 404
    third.goto("/treci/campaigns/")
    expect(third.get_by_role("main")).not_to_contain_text(TITLE)

    refused = f"/treci/campaigns/{campaign_id}"
    browser_log.console_errors = [
        error
        for error in browser_log.console_errors
        if not (
            "the server responded with a status of 404" in error
            and urlsplit(error.split(": ", 1)[0]).path == refused
        )
    ]
    assert_clean(browser_log, live_server.url)
