"""The research journey in Chromium (issue 16, item 11): the Kruševac office builds a survey
in the builder (two sections, a yes/no question and a question shown only after "yes"), lets
only personal invitations answer it and opens it; draws three organizations from the
directory by a filter (preview, create, send); a respondent on a phone opens the invitation
from the mail, answers the first section, closes the page, opens the link again and is back
where they stopped, finishes, consents, chooses the licence and asks to update their directory
entry; the admin sees the results' chart and table and downloads the XLSX (one column per
variable code); the office finds the proposed change of the entry in the directory's moderation
queue, with the survey as its source and only what differs, accepts it, and a visitor sees the
entry updated (and no second entry). axe-core runs on the builder, the answer page at a
phone's width, the distribution page and the results."""

from __future__ import annotations

import re

import openpyxl
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

TITLE = "Potrebe socijalnih preduzeća u Rasinskom okrugu"
PHONE = {"width": 390, "height": 844}
#: (name, municipality, legal form, SE status, contact e-mail)
ORGANIZATIONS = [
    ("Zadruga Rasinski med", "Kruševac", "cooperative", "registered", "med@example.org"),
    ("Udruženje Ruke za Trstenik", "Trstenik", "association", "registered", "ruke@example.org"),
    ("Radionica Župa", "Aleksandrovac", "doo", "registered", "zupa@example.org"),
    # not drawn: no social-enterprise status, or no address to write to
    ("Pekara Kod Mileta", "Kruševac", "entrepreneur", "no", "mile@example.org"),
    ("Zadruga bez adrese", "Brus", "cooperative", "registered", ""),
]
RESPONDENT = ORGANIZATIONS[0]


def add_organizations(live_server) -> dict[str, int]:
    """Verified directory entries, as the office would have them after an import; their ids."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory.organizations.services import create_organization
    from solidarna.extensions import db
    from solidarna.tenants.models import Tenant

    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            ids = {}
            for name, municipality, legal_form, se_status, email in ORGANIZATIONS:
                ids[name] = create_organization(
                    {"name": name, "legal_form": legal_form, "actor_type": "social_enterprise",
                     "se_status": se_status, "municipality": municipality,
                     "contact_email": email or None},
                    {}, None, source="office", moderation="verified",
                ).id  # fmt: skip
            db.session.commit()
        db.session.remove()
    return ids


def add_question(page, section: str, kind: str, label: str, code: str, **condition) -> None:
    """Add a question to a section from the builder's outline."""
    box = page.locator("section.survey-section", has_text=section)
    box.get_by_label("Add a question of the kind").select_option(label=kind)
    box.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a question")
    page.get_by_label("Question", exact=True).fill(label)
    page.get_by_label("Variable code").fill(code)
    page.get_by_label("An answer is required").check()
    if kind == "Number":
        page.get_by_label("Whole numbers only").check()
    if condition:
        page.get_by_label("Show only when the answer to").select_option(condition["when"])
        page.get_by_label("Condition", exact=True).select_option(label=condition["op"])
        # htmx brings the chosen question's options into the value's <select>
        page.locator("select#condition_value").select_option(condition["value"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The question is added.")


def test_build_invite_answer_on_a_phone_resume_and_update_the_directory(
    live_server, new_context, browser_log
):
    base = live_server.url
    make_krusevac_with_owner(live_server)
    entry_ids = add_organizations(live_server)
    problems: list[str] = []

    # --- 1. the office builds the survey ----------------------------------------------------
    admin = new_context(locale="en-US").new_page()
    log_in(admin, base, OWNER_EMAIL, OWNER_PASSWORD)
    admin.goto(f"/{SLUG}/")
    admin.locator("header nav.main-nav").get_by_role("link", name="Research").click()
    admin.get_by_role("link", name="Start a survey").click()
    admin.get_by_label("Title", exact=True).fill(TITLE)
    admin.get_by_role("button", name="Start").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Edit the survey")
    problems += check_page(admin, "builder")

    admin.get_by_role("link", name="Rename, introduction").first.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Edit the section")
    admin.get_by_label("Section title").fill("O organizaciji")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator("#outline")).to_contain_text("Section 1: O organizaciji")
    admin.get_by_label("Section title").fill("Potrebe")
    admin.get_by_role("button", name="Add the section").click()
    expect(admin.locator("#outline")).to_contain_text("Section 2: Potrebe")

    add_question(admin, "O organizaciji", "Yes or no",
                 "Da li organizacija zapošljava ljude iz osetljivih grupa?", "vulnerable")  # fmt: skip
    add_question(admin, "O organizaciji", "Number", "Koliko ljudi zapošljava?", "employees",
                 when="vulnerable", op="equals", value="yes")  # fmt: skip
    add_question(admin, "Potrebe", "Yes or no", "Da li Vam je potrebna podrška u finansiranju?",
                 "needs_finance")  # fmt: skip
    add_question(admin, "Potrebe", "Short text", "Adresa sedišta", "address")
    expect(admin.locator("#question-employees")).to_contain_text(
        "Shown when vulnerable (Da li organizacija zapošljava ljude iz osetljivih grupa?) "
        "equals “Yes”."
    )

    admin.get_by_label("Personal invitations only").check()
    expect(
        admin.get_by_role("checkbox", name=re.compile("Ask respondents for consent"))
    ).to_be_checked()
    admin.get_by_role("button", name="Save the settings").click()
    expect(admin.get_by_role("status").first).to_contain_text("The changes are saved.")
    admin.locator("#status").get_by_role("button", name="Open for answers").click()
    expect(admin.get_by_role("status").first).to_contain_text("The status is changed.")
    expect(admin.locator("#status")).to_contain_text("Now: Open.")

    # --- 2. three organizations drawn from the directory, invited ---------------------------
    admin.locator("nav.breadcrumbs").get_by_role("link", name=TITLE).click()
    admin.get_by_role("link", name="Invitations and response rate").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Invitations and response rate")
    problems += check_page(admin, "distribution")
    admin.get_by_role("group", name="Social-enterprise status").get_by_label(
        "Registered at APR"
    ).check()
    admin.get_by_label("Random seed").fill("2026")
    admin.get_by_role("button", name="Preview the list").click()
    preview = admin.locator(".draw-preview")
    expect(preview).to_contain_text("Seed 2026: 3 of 4 matching organizations drawn.")
    expect(preview).to_contain_text("1 skipped: no contact address.")
    rows = preview.locator("tbody tr")
    expect(rows).to_have_count(3)
    for name, *_rest in ORGANIZATIONS[:3]:
        expect(preview).to_contain_text(name)
    expect(preview).not_to_contain_text("Pekara Kod Mileta")
    problems += check_page(admin, "distribution with a preview")
    admin.get_by_role("button", name="Create 3 invitations").click()
    expect(admin.get_by_role("status").first).to_contain_text("3 invitations are ready to send.")
    admin.get_by_role("button", name="Send 3 invitations").click()
    expect(admin.get_by_role("status").first).to_contain_text("3 invitations sent.")
    expect(admin.locator("#invited-title + .table-wrap tbody tr")).to_have_count(3)

    mails = {m.to_address: m for m in live_server.outbox() if "/research/" in m.body_text}
    assert sorted(mails) == sorted(o[4] for o in ORGANIZATIONS[:3])
    link = re.search(rf"{re.escape(base)}/{SLUG}/research/\d+/i/[^\s/]+", mails[RESPONDENT[4]]
                     .body_text)  # fmt: skip
    assert link, mails[RESPONDENT[4]].body_text
    link = link.group(0)

    # --- 3. the respondent on a phone: the first section, then away -------------------------
    phone = new_context(locale="en-US", viewport=PHONE, has_touch=True, is_mobile=True)
    respondent = phone.new_page()
    respondent.goto(link)
    expect(respondent.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(respondent.locator("#survey-progress")).to_have_text("Part 1 of 2")
    expect(respondent.get_by_label("Koliko ljudi zapošljava?")).to_have_count(0)
    problems += check_page(respondent, "answer page at a phone's width")
    # nothing wider than the phone: no sideways scrolling
    assert respondent.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    respondent.get_by_role("group", name=re.compile("osetljivih grupa")).get_by_label("Yes").check()
    respondent.get_by_role("button", name="Save and continue").click()
    # the "yes" opened the question that depends on it, on the same page
    expect(respondent.get_by_role("status").first).to_contain_text(
        "Your answers opened more questions on this page."
    )
    expect(respondent.locator("#survey-progress")).to_have_text("Part 1 of 2")
    respondent.get_by_label(re.compile("Koliko ljudi zapošljava")).fill("7")
    respondent.get_by_role("button", name="Save and continue").click()
    expect(respondent.locator("#survey-progress")).to_have_text("Part 2 of 2")
    expect(respondent.get_by_role("heading", level=2)).to_have_text("Potrebe")
    respondent.close()
    phone.close()

    # --- ... the link again, another day: back where they stopped, then to the end ----------
    phone = new_context(locale="en-US", viewport=PHONE, has_touch=True, is_mobile=True)
    respondent = phone.new_page()
    respondent.goto(link)
    expect(respondent.locator("#survey-progress")).to_have_text("Part 2 of 2")
    expect(respondent.get_by_role("heading", level=2)).to_have_text("Potrebe")
    respondent.get_by_role("button", name="Back").click()
    expect(respondent.get_by_label(re.compile("Koliko ljudi zapošljava"))).to_have_value("7")
    respondent.get_by_role("button", name="Save and continue").click()
    respondent.get_by_role("group", name=re.compile("podrška u finansiranju")).get_by_label(
        "Yes"
    ).check()
    respondent.get_by_label(re.compile("Adresa sedišta")).fill("Vidovdanska 12, Kruševac")
    respondent.get_by_role("button", name="Save and go to the last step").click()
    expect(respondent.locator(".survey-progress")).to_have_text("Last step")
    respondent.get_by_label("My organization may be listed in the directory").check()
    respondent.get_by_label(re.compile("Create or update my organization's directory")).check()
    respondent.get_by_label(re.compile("Open data under CC BY 4.0")).check()
    problems += check_page(respondent, "last step at a phone's width")
    respondent.get_by_role("button", name="Send my answers").click()
    expect(respondent.get_by_role("status").first).to_contain_text(
        "Your directory entry update went to the office"
    )
    # the invitation is used: the link says so
    used = respondent.goto(link)
    assert used.status == 410
    expect(respondent.get_by_role("main")).to_contain_text("This invitation has already been used")

    admin.reload()
    expect(admin.locator("#invited-title + .table-wrap")).to_contain_text("Answered")

    # --- 4. the office sees the results chart and downloads the responses -----------------
    admin.locator("nav.breadcrumbs").get_by_role("link", name=TITLE).click()
    admin.get_by_role("link", name="See the results").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Results: {TITLE}")
    result = admin.locator("section.result-question", has=admin.locator("#r-vulnerable"))
    chart = result.locator("svg.chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title").first).to_have_text(
        "Da li organizacija zapošljava ljude iz osetljivih grupa?"
    )
    expect(chart.locator("rect.chart-bar")).to_have_count(1)
    yes = result.locator("table.chart-table tbody tr", has_text="Yes")
    expect(yes.locator("td").first).to_have_text("1")
    problems += check_page(admin, "results")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Responses (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:  # saved without its extension
        book = openpyxl.load_workbook(file, read_only=True)
        header, *lines = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    codes = ["vulnerable", "employees", "needs_finance", "address"]
    assert header[-len(codes) :] == codes, header
    assert all(header.count(code) == 1 for code in codes), header
    assert len(lines) == 1
    answered = dict(zip(header, lines[0], strict=True))
    assert answered["employees"] == 7
    assert answered["address"] == "Vidovdanska 12, Kruševac"
    assert answered["organization_name"] == RESPONDENT[0]

    # --- 5. the office accepts the proposed change of the entry in the directory's queue --
    admin.goto(f"/{SLUG}/")
    admin.locator("header nav.main-nav").get_by_role("link", name="Directory").click()
    admin.get_by_role("link", name="Moderation").click()
    card = admin.locator("li.card", has_text=TITLE)
    # the proposal names the survey, the entry it updates, and only what differs
    expect(card.get_by_role("heading", level=3)).to_have_text(RESPONDENT[0])
    row = card.locator("tbody tr", has_text="Vidovdanska 12, Kruševac")
    expect(row).to_have_count(1)
    card.get_by_role("link", name=RESPONDENT[0]).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(RESPONDENT[0])
    expect(admin.get_by_role("main")).to_contain_text("1 proposed change waits")
    profile = admin.url
    assert f"/{entry_ids[RESPONDENT[0]]}" in profile  # the existing entry, not a new one
    visitor = new_context(locale="en-US").new_page()
    assert visitor.goto(profile).status == 200  # the entry itself is public already...
    expect(visitor.get_by_role("main")).not_to_contain_text("Vidovdanska 12")  # ...not the change
    admin.go_back()
    card.get_by_label("Note (optional)").fill("Provereno telefonom.")
    card.get_by_role("button", name="Accept all").click()
    expect(admin.get_by_role("status").first).to_contain_text("applied to the entry")
    expect(admin.get_by_text("No proposed changes.", exact=False)).to_be_visible()

    # a visitor sees the entry with what the survey's answers gave it, and no second entry
    assert visitor.goto(profile).status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(RESPONDENT[0])
    expect(visitor.get_by_role("main")).to_contain_text("Vidovdanska 12, Kruševac")
    visitor.goto(f"/{SLUG}/directory/?q=" + RESPONDENT[0].split()[0])
    expect(visitor.locator("main").get_by_role("link", name=RESPONDENT[0])).to_have_count(1)

    assert not problems, "\n".join(problems)
    # the used invitation (410) was refused on purpose; the browser logs that, nothing else
    refusals = ("status of 410",)
    browser_log.console_errors[:] = [
        e for e in browser_log.console_errors if not any(r in e for r in refusals)
    ]
    assert_clean(browser_log, base)
