"""The support journey in Chromium (issue 18, item 11): a person asks the Kruševac office for
help; the advisor answers from the dashboard; the person answers from the link in the mail
(opened in another browser, logging in first); the advisor resolves the case with a barrier
code; the barrier shows in the office's barriers page and the request in the statistics.
A message sent on a case the office closed meanwhile is refused with its text kept.
Then the office starts a proposal from a cluster of cases meeting the same barrier, and the
draft cites only anonymized counts. axe-core runs on the request form, the case page, the
dashboard, the barriers page, the statistics and the new draft."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.axe import check_page
from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_tenant_journey import (
    OWNER_EMAIL,
    OWNER_PASSWORD,
    SLUG,
    log_in,
    make_krusevac_with_owner,
)

REQUESTER = ("Petar Početnić", "petar.pocetnic@example.org", "voćnjak u Brusu 2026")
DESCRIPTION = "Želim da osnujem socijalno preduzeće za preradu voća; koji pravni oblik?"


def test_request_answer_from_the_mail_resolve_with_a_barrier(live_server, new_context, browser_log):
    base = live_server.url
    make_krusevac_with_owner(live_server)
    name, email, password = REQUESTER
    live_server.make_user(email=email, name=name, password=password, locale="en")
    problems = []

    # --- the person asks for help -----------------------------------------------------------
    person = new_context(locale="en-US").new_page()
    log_in(person, base, email, password)
    person.goto(f"/{SLUG}/support/")
    person.get_by_role("link", name="Ask the office for help").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Ask the office for help")
    problems += check_page(person, "request form")
    person.get_by_label("What do you need help with?").select_option(label="Legal form and status")
    person.get_by_label("Describe your situation").fill(DESCRIPTION)
    person.get_by_label("Municipality").select_option("Brus")
    person.get_by_role("button", name="Send the request").click()
    heading = person.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Legal form and status")
    case_id = re.search(r"#(\d+)", heading.inner_text()).group(1)
    problems += check_page(person, "case page (requester)")

    # --- the advisor answers from the dashboard ------------------------------------------------
    office = new_context(locale="en-US").new_page()
    log_in(office, base, OWNER_EMAIL, OWNER_PASSWORD)
    office.goto(f"/{SLUG}/support/office/")
    problems += check_page(office, "dashboard")
    office.locator("#open-cases").get_by_role("link", name=f"#{case_id}").click()
    expect(office.locator(".prewrap").first).to_have_text(DESCRIPTION)
    office.get_by_label("Message", exact=True).fill(
        "Pošaljite nam opis delatnosti i broj zaposlenih."
    )
    office.get_by_role("button", name="Send to the requester").click()
    expect(office.locator(".support-messages li")).to_have_count(1)
    problems += check_page(office, "case page (office)")

    # --- the person answers from the mailed link, in another browser -------------------------
    mail = [m for m in live_server.outbox(email) if "/support/reply/" in m.body_text][-1]
    link = re.search(rf"{re.escape(base)}/{SLUG}/support/reply/\S+", mail.body_text).group(0)
    elsewhere = new_context(locale="en-US").new_page()
    elsewhere.goto(link)
    expect(elsewhere).to_have_url(re.compile(r"/auth/login"))
    elsewhere.get_by_label("E-mail address").fill(email)
    elsewhere.get_by_label("Password", exact=True).fill(password)
    elsewhere.get_by_role("button", name="Log in").click()
    expect(elsewhere).to_have_url(re.compile(rf"/{SLUG}/support/{case_id}/(#reply)?$"))
    elsewhere.get_by_label("Message", exact=True).fill("Prerada voća, troje zaposlenih.")
    elsewhere.get_by_role("button", name="Send to the office").click()
    expect(elsewhere.locator(".support-messages li")).to_have_count(2)
    assert any("Prerada voća" in m.body_text for m in live_server.outbox(OWNER_EMAIL))

    # --- the advisor resolves it with a barrier code -------------------------------------------
    office.reload()
    expect(office.locator(".support-messages li")).to_have_count(2)
    office.get_by_label("No legal form fits").check()
    office.get_by_role("button", name="Save the barriers").click()
    # the saved page first (the box was checked before it came back: a status chosen before
    # the answer is lost with the page it was chosen on)
    expect(office.locator(".flashes")).to_contain_text("The barriers are saved.")
    expect(office.get_by_label("No legal form fits")).to_be_checked()
    for status in ("In progress", "Resolved"):
        office.get_by_label("Status", exact=True).select_option(label=status)
        office.get_by_role("button", name="Save", exact=True).click()
        expect(office.locator("#case-status")).to_have_text(status)

    # --- the barrier shows in the office's evidence and statistics -----------------------------
    office.goto(f"/{SLUG}/support/office/barriers")
    row = office.locator("#barriers-table tbody tr", has_text="No legal form fits")
    expect(row.locator("td").last).to_have_text("1")
    problems += check_page(office, "barriers")
    office.goto(f"/{SLUG}/support/office/statistics")
    expect(office.locator("#by-municipality-table tbody tr", has_text="Brus")).to_contain_text(
        "fewer than 5"
    )
    problems += check_page(office, "statistics")
    # the requester sees no private note nor the barriers form
    person.reload()
    expect(person.locator("#barriers")).to_have_count(0)
    # the office closes the case while the requester writes: refused, the text kept
    office.goto(f"/{SLUG}/support/{case_id}/")
    office.get_by_label("Status", exact=True).select_option(label="Closed")
    office.get_by_role("button", name="Save", exact=True).click()
    expect(office.locator("#case-status")).to_have_text("Closed")
    late = "Zaboravio sam: imamo i plac u Brusu."
    person.get_by_label("Message", exact=True).fill(late)
    person.get_by_role("button", name="Send to the office").click()
    expect(person.get_by_role("alert")).to_contain_text("your message was not sent")
    expect(person.get_by_label("Message", exact=True)).to_have_value(late)
    expect(person.get_by_role("button", name="Send to the office")).to_have_count(0)
    problems += check_page(person, "case page (a message refused on a closed case)")
    assert not problems, "\n".join(problems)
    # the refusal this journey asks for on purpose (409); nothing else may reach the console
    refused = f"/{SLUG}/support/{case_id}/messages"
    browser_log.console_errors = [
        error for error in browser_log.console_errors
        if not ("status of 409" in error and urlsplit(error.split(": ", 1)[0]).path == refused)
    ]  # fmt: skip
    assert_clean(browser_log, base)


def make_cases(live_server, requester, n, *, municipality, code="vat_donations"):
    """Cases asked and tagged through the capability's own services, as the server test does
    (tests/support/test_evidence.py)."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.support import services
    from solidarna.tenants.models import Tenant

    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            for _ in range(n):
                case = services.create(
                    {"category": "legal_form", "description": DESCRIPTION,
                     "municipality": municipality, "contact_method": "email"},
                    requester,
                )  # fmt: skip
                services.set_barriers(case, [code], requester)
            db.session.commit()
        db.session.remove()


def test_the_office_starts_a_proposal_from_a_cluster_of_cases(
    live_server, new_context, browser_log
):
    base = live_server.url
    make_krusevac_with_owner(live_server)
    name, email, password = REQUESTER
    requester = live_server.make_user(email=email, name=name, password=password, locale="en")
    make_cases(live_server, requester, 5, municipality="Kruševac")
    make_cases(live_server, requester, 2, municipality="Brus")
    problems = []

    office = new_context(locale="en-US").new_page()
    log_in(office, base, OWNER_EMAIL, OWNER_PASSWORD)
    office.goto(f"/{SLUG}/support/office/barriers")
    row = office.locator("#barriers-table tbody tr", has_text="VAT on donations in kind")
    expect(row.locator("td").last).to_have_text("7")
    # the cluster: the cases of Kruševac
    office.get_by_label("Municipality").select_option("Kruševac")
    office.get_by_role("button", name="Show").click()
    expect(row.locator("td").last).to_have_text("5")
    problems += check_page(office, "barriers (a cluster)")
    start = office.locator("#start-proposal")
    start.get_by_label("Barrier").select_option(label="VAT on donations in kind")
    start.get_by_label("Title of the proposal").fill("Oslobađanje donacija u naturi od PDV-a")
    start.get_by_role("button", name="Start the draft proposal").click()

    # the new draft cites the counts, never the requester
    expect(office).to_have_url(re.compile(rf"/{SLUG}/proposals/\d+"))
    expect(office.get_by_role("heading", level=1)).to_contain_text(
        "Oslobađanje donacija u naturi od PDV-a"
    )
    cited = office.locator("#evidence .evidence li")
    expect(cited.first).to_be_visible()
    texts = cited.all_inner_texts()
    assert any("Kruševac" in t and "5" in t for t in texts), texts
    assert any("7" in t for t in texts), texts
    page = office.content()
    for trace in (name, email, "Petar", DESCRIPTION):
        assert trace not in page, trace
    problems += check_page(office, "draft proposal from a cluster")
    assert not problems, "\n".join(problems)
    assert_clean(browser_log, base)
