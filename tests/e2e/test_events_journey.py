"""The events journey in Chromium: a person applies to a training of the Kruševac office,
answering its question; the office reviews and accepts; the person sees their check-in code
(and its QR code) and is checked in at the door with it (a second use refused); their
certificate of attendance appears, and its verification link, opened by a visitor, says it is
genuine (a forged one answers 404). axe-core runs on the application form, the participant's
page, the office's attendance list and the certificate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.axe import check_page
from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_discussions_journey import add_member, member_page
from tests.e2e.test_tenant_journey import (
    OWNER_EMAIL,
    OWNER_PASSWORD,
    SLUG,
    log_in,
    make_krusevac_with_owner,
)

PERSON = ("ana.ucesnica@example.org", "Ana Učesnica", "ana-ucestvuje-2027")
TITLE = "Obuka: pokretanje socijalnog preduzeća"


def make_training(live_server) -> int:
    from solidarna.accounts.models import User
    from solidarna.core.tenancy import tenant_context
    from solidarna.events import services
    from solidarna.extensions import db
    from solidarna.tenants.models import Tenant

    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        owner = User.by_email(OWNER_EMAIL)
        soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=12)
        with tenant_context(tenant.id):
            event = services.create(
                {"title": TITLE, "kind": "training", "description": "Tri dana o **pokretanju**.",
                 "place": "Kancelarija, Vidovdanska 12", "latitude": 43.58, "longitude": 21.33,
                 "online_url": "", "capacity": 10, "eligibility": "anyone", "actor_types": [],
                 "deadline": None, "fee": None, "accessibility": "Ulaz bez stepenica.",
                 "survey_url": ""},
                [(soon, soon + timedelta(hours=5))], owner,
                criteria=[{"code": "motivation", "label": "Motivacija"}],
            )  # fmt: skip
            event.questions = [{"code": "ideja", "kind": "long_text", "required": True,
                                "label": "Opišite svoju ideju", "help": "", "settings": {},
                                "condition": None}]  # fmt: skip
            event.status = "published"
            db.session.commit()
            return event.id


def test_apply_accept_check_in_and_verify_the_certificate(live_server, new_context, browser_log):
    make_krusevac_with_owner(live_server)
    add_member(live_server, PERSON)
    event_id = make_training(live_server)
    problems = []

    # --- the person applies ---------------------------------------------------------------
    person = member_page(new_context, live_server, PERSON)
    person.goto(f"/{SLUG}/events/")
    person.get_by_role("link", name=TITLE).click()
    expect(person.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    person.get_by_role("link", name="Apply", exact=True).click()
    problems += check_page(person, "application form")
    person.get_by_role("button", name="Send the application").click()
    expect(person.locator("#question-ideja .error")).to_contain_text("needs an answer")
    person.get_by_label("Opišite svoju ideju").fill("Prerada voća u Brusu, radna integracija.")
    person.get_by_role("button", name="Send the application").click()
    expect(person.get_by_role("status")).to_contain_text("Your application is sent")
    expect(person.locator("main")).to_contain_text("Waiting for a decision")

    # --- the office reviews and accepts ----------------------------------------------------
    office = new_context(locale="en-US").new_page()
    log_in(office, live_server.url, OWNER_EMAIL, OWNER_PASSWORD)
    office.goto(f"/{SLUG}/events/manage/{event_id}/applications")
    office.get_by_role("link", name=PERSON[1]).click()
    expect(office.locator("main")).to_contain_text("Prerada voća u Brusu")
    office.get_by_label("Motivacija").select_option("5")
    office.get_by_label("Comment").fill("Jasna ideja.")
    office.get_by_role("button", name="Save the review").click()
    expect(office.get_by_role("status")).to_contain_text("Your review is saved.")
    office.get_by_label("Accept").check()
    office.get_by_label("Message to the applicant").fill("Dobrodošli na obuku!")
    office.get_by_role("button", name="Save and mail the decision").click()
    expect(office.get_by_role("status")).to_contain_text("The decision is saved")

    # --- the person sees the code, confirms ------------------------------------------------
    person.goto(f"/{SLUG}/events/{event_id}/mine")
    expect(person.locator("main")).to_contain_text("Dobrodošli na obuku!")
    person.get_by_role("button", name="Confirm that I am coming").click()
    expect(person.get_by_role("status")).to_contain_text("your seat is confirmed")
    code = person.locator(".checkin-code .code strong").inner_text().strip()
    assert len(code) == 6
    expect(person.locator(".checkin-code svg")).to_be_visible()
    problems += check_page(person, "participant's page")

    # --- checked in at the door with the code ----------------------------------------------
    office.goto(f"/{SLUG}/events/manage/{event_id}/attendance")
    office.get_by_label("Participant's code").fill(code.lower())
    office.get_by_role("button", name="Check in").click()
    expect(office.get_by_role("status")).to_contain_text(f"{PERSON[1]} is checked in.")
    expect(office.locator("main")).to_contain_text("Present: 1 of 1")
    problems += check_page(office, "attendance list")
    office.get_by_label("Participant's code").fill(code)
    office.get_by_role("button", name="Check in").click()
    expect(office.locator("#code-error")).to_contain_text("already used")

    # --- the certificate and its verification ----------------------------------------------
    person.goto(f"/{SLUG}/events/{event_id}/mine")
    person.get_by_role("link", name="Your certificate of attendance").click()
    expect(person.get_by_role("heading", level=1, name="Certificate of attendance")).to_be_visible()
    certificate_url = person.url
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(certificate_url)
    expect(visitor.get_by_role("status")).to_contain_text("is genuine")
    expect(visitor.locator("main")).to_contain_text(PERSON[1])
    expect(visitor.locator(".certificate-verify svg")).to_be_visible()
    problems += check_page(visitor, "certificate")
    forged = visitor.goto(certificate_url[:-3] + "abc")
    assert forged.status == 404

    assert not problems, "\n\n".join(problems)
    # the refusals this journey asks for on purpose: the empty answer (422), the used code
    # (409) and the forged certificate (404); nothing else may reach the console
    refused = {
        (f"/{SLUG}/events/{event_id}/apply", 422),
        (f"/{SLUG}/events/manage/{event_id}/checkin", 409),
        (urlsplit(certificate_url[:-3] + "abc").path, 404),
    }
    browser_log.console_errors = [
        error for error in browser_log.console_errors
        if not any(f"status of {status}" in error and urlsplit(error.split(": ", 1)[0]).path == path
                   for path, status in refused)
    ]  # fmt: skip
    assert_clean(browser_log, live_server.url)
