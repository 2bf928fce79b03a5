"""The proposals journey in Chromium: an author drafts a local decision article by article and
edits one article in place, opens the consultation; a member proposes an amendment to article 3
and the author accepts it (a new version); the author opens the endorsements; two
representatives endorse for their organizations; an admin adds the institution, adopts the
proposal as the space's position and submits it; the public page shows the road and the
endorsers, and a visitor downloads the DOCX, which python-docx opens with the amended article
and the endorsers in it."""

from __future__ import annotations

import io
from datetime import date, timedelta

from docx import Document
from playwright.sync_api import expect

from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_discussions_journey import add_member, member_page
from tests.e2e.test_tenant_journey import (
    OWNER_EMAIL,
    OWNER_PASSWORD,
    SLUG,
    log_in,
    make_krusevac_with_owner,
)

AUTHOR = ("jovana.autor@example.org", "Jovana Autorić", "jovana piše odluke")
REP1 = ("rade.zadruga@example.org", "Rade Zadrugić", "rade predstavlja zadrugu")
REP2 = ("vera.udruzenje@example.org", "Vera Udruženić", "vera predstavlja udruženje")
MEMBER = ("milica.clan@example.org", "Milica Članić", "milica predlaže amandmane")
TITLE = "Odluka o podršci socijalnim preduzećima"
ARTICLE_1 = "Ovom odlukom uređuju se mere podrške socijalnim preduzećima."
ARTICLE_2 = "Grad rezerviše 5% javnih nabavki male vrednosti za socijalna preduzeća."
ARTICLE_3 = "Ova odluka stupa na snagu osmog dana od dana objavljivanja."
ARTICLE_3_AMENDED = "Ova odluka stupa na snagu danom objavljivanja u Službenom listu grada."
INSTITUTION = "Skupština grada Kruševca"


def add_representative(live_server, person, org_name: str, actor_type: str) -> None:
    from solidarna.accounts.models import User
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory.organizations.models import Representative
    from solidarna.directory.organizations.services import create_organization
    from solidarna.extensions import db
    from solidarna.tenants.models import Tenant

    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        user = User.by_email(person[0])
        with tenant_context(tenant.id):
            org = create_organization(
                {"name": org_name, "legal_form": "association", "actor_type": actor_type,
                 "municipality": "Kruševac"},
                {}, None, source="office", moderation="verified",
            )  # fmt: skip
            db.session.add(Representative(organization_id=org.id, user_id=user.id, status="active"))
            db.session.commit()
        db.session.remove()


def move(page, state_label: str, **fields) -> None:
    page.get_by_role("link", name=f"Move to “{state_label}”").click()
    expect(page.get_by_role("heading", level=1, name=f"Move to “{state_label}”")).to_be_visible()
    for label, value in fields.items():
        control = page.get_by_label(label.replace("_", " "), exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_contain_text(f"The proposal is now “{state_label}”.")


def test_draft_by_articles_consult_endorse_and_submit(live_server, new_context, browser_log):
    make_krusevac_with_owner(live_server)
    for person in (AUTHOR, REP1, REP2, MEMBER):
        add_member(live_server, person)
    add_representative(live_server, REP1, "Zadruga Rasinski med", "cooperative")
    add_representative(live_server, REP2, "Udruženje Ruke za Kruševac", "association")
    ends = (date.today() + timedelta(days=20)).isoformat()

    # --- the author drafts the decision, article by article --------------------------------
    author = member_page(new_context, live_server, AUTHOR)
    author.goto(f"/{SLUG}/")
    author.locator("header nav.main-nav").get_by_role("link", name="Proposals").click()
    author.get_by_role("link", name="Draft a proposal").click()
    expect(author.get_by_role("heading", level=1, name="Draft a proposal")).to_be_visible()
    author.get_by_label("Title").fill(TITLE)
    author.get_by_label("Kind of measure").select_option(label="Local government decision")
    author.get_by_label("Level").select_option(label="Local")
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    for body in (ARTICLE_1, ARTICLE_2, ARTICLE_3):
        author.get_by_role("link", name="Add an article").click()
        expect(author.get_by_role("heading", level=1, name="Add a part")).to_be_visible()
        author.get_by_label("Text", exact=True).fill(body)
        author.get_by_role("button", name="Add").click()
        expect(author.get_by_role("status")).to_contain_text("is added.")
    text = author.locator("#text")
    expect(text.locator(".part-article .part-label")).to_have_text(
        ["Article 1.", "Article 2.", "Article 3."]
    )

    # --- one article edited in place (htmx): no reload --------------------------------------
    author.evaluate("window.__marker = 1")
    second = text.locator(".part-article").nth(1)
    second.get_by_role("link", name="Edit Article 2.").click()
    box = author.locator("#text textarea")
    expect(box).to_have_value(ARTICLE_2)
    box.fill(ARTICLE_2.replace("5%", "10%"))
    author.locator("#text").get_by_role("button", name="Save").click()
    expect(text.locator(".part-article").nth(1)).to_contain_text("10% javnih nabavki")
    assert author.evaluate("window.__marker") == 1, "the page reloaded"

    # --- consultation, then endorsements ----------------------------------------------------
    move(author, "In consultation", Ends_on=ends)
    proposal_url = author.url.split("#")[0]

    # --- a member proposes an amendment to article 3; the author accepts it ------------------
    member = member_page(new_context, live_server, MEMBER)
    member.goto(proposal_url)
    member.get_by_role("link", name="Propose an amendment · Article 3.", exact=True).click()
    expect(member.get_by_role("heading", level=1)).to_contain_text("amendment")
    expect(member.get_by_label("What it amends").locator("option:checked")).to_contain_text(
        "Article 3."
    )
    member.get_by_label("Proposed text").fill(ARTICLE_3_AMENDED)
    member.get_by_label("Justification").fill("Rok od osam dana odlaže primenu bez razloga.")
    member.get_by_role("button", name="Submit the amendment").click()
    expect(member.get_by_role("status")).to_contain_text("Amendment 1 is submitted")

    author.goto(proposal_url + "/amendments/")
    author.get_by_role("link", name="Amendment 1").click()
    author.get_by_role("link", name="Decide").click()
    author.get_by_label("Accept").check()
    author.get_by_role("button", name="Decide").click()
    expect(author.get_by_role("status")).to_contain_text("Amendment 1 is applied as version")
    author.goto(proposal_url)
    expect(author.locator("#text .part-article").nth(2)).to_contain_text(ARTICLE_3_AMENDED)

    move(author, "Gathering endorsements", Ends_on=ends)

    # --- two representatives endorse for their organizations --------------------------------
    for person, how in ((REP1, "Co-sponsors"), (REP2, "Supports")):
        rep = member_page(new_context, live_server, person)
        rep.goto(author.url.split("#")[0])
        rep.get_by_label("How").select_option(label=how)
        rep.get_by_role("button", name="Endorse").click()
        expect(rep.get_by_role("status")).to_contain_text("The endorsement is recorded.")

    # --- an admin keeps the institution, adopts and submits ----------------------------------
    admin = new_context(locale="en-US").new_page()
    log_in(admin, live_server.url, OWNER_EMAIL, OWNER_PASSWORD)
    admin.goto(f"/{SLUG}/proposals/institutions/")
    expect(admin.get_by_role("heading", level=1, name="Institutions")).to_be_visible()
    admin.get_by_label("Name").fill(INSTITUTION)
    admin.get_by_role("button", name="Add").click()
    expect(admin.get_by_role("cell", name=INSTITUTION, exact=True)).to_be_visible()
    admin.goto(author.url.split("#")[0])
    move(admin, "Adopted as the space's position")
    move(admin, "Submitted", Submitted_to=INSTITUTION, Reference_number="06-15/2026")

    # --- what everyone sees --------------------------------------------------------------------
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(author.url.split("#")[0])
    expect(visitor.locator("table.endorsers tbody tr")).to_have_count(2)
    timeline = visitor.locator("#timeline li")
    expect(timeline).to_have_count(4)
    expect(timeline.last).to_contain_text("Submitted")
    expect(visitor.get_by_text("reference number 06-15/2026")).to_be_visible()
    # the acting representatives are for admins only
    expect(visitor.get_by_text(REP1[1])).to_have_count(0)
    expect(admin.locator("table.endorsers")).to_contain_text(REP1[1])

    # --- a visitor downloads the text as a legal act and opens it ---------------------------
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="DOCX", exact=True).click()
    path = download.value.path()
    with open(path, "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Article 3." in paragraphs
    assert ARTICLE_3_AMENDED in paragraphs and ARTICLE_3 not in paragraphs
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Zadruga Rasinski med" in cells and "Udruženje Ruke za Kruševac" in cells
    assert_clean(browser_log, live_server.url)
