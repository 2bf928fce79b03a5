"""Mentions in Chromium: Ana names Bojan plainly ("@Bojan Ilić") when she starts a discussion
and the preview tells her that another @name is nobody; Bojan is notified, then types "@an" in
the reply box, picks Ana from the suggestions with the keyboard (the ARIA combobox pattern, axe
clean while the list is open), closes a second list with Escape and posts; Ana is notified.
Without JavaScript the box claims no autocomplete and the Preview button shows the notes."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_discussions_journey import (
    ANA,
    BOJAN,
    CVETA,
    add_category,
    add_member,
    member_page,
)
from tests.e2e.test_tenant_journey import SLUG, make_krusevac_with_owner

CATEGORY = "Sastanci"
TITLE = "Sastanak zadruge u petak"


def notices(page, kind: str):
    page.goto("/notifications/")
    return page.locator("li.notification").filter(has_text=kind)


def test_plain_mention_suggestions_picked_with_the_keyboard_and_the_preview_notes(
    live_server, new_context, browser_log
):
    base = live_server.url
    make_krusevac_with_owner(live_server)
    for person in (ANA, BOJAN, CVETA):
        add_member(live_server, person)
    category_id = add_category(live_server, CATEGORY)

    # --- Ana writes Bojan's name plainly; the preview resolves it and notes the unknown one --
    ana = member_page(new_context, live_server, ANA)
    ana.goto(f"/{SLUG}/discussions/c/{category_id}/new")
    ana.get_by_label("Title").fill(TITLE)
    ana.get_by_label("First post").fill(f"Dragi @{BOJAN[1]} i @Niko Nikić, vidimo se u petak.")
    preview = ana.get_by_role("region", name="Preview")
    expect(preview.locator("span.mention")).to_have_text(f"@{BOJAN[1]}")
    expect(preview.locator(".mention-notes li")).to_have_text(
        "@Niko Nikić is not a member of this space: nobody will be notified."
    )
    ana.get_by_role("button", name="Start the discussion").click()
    expect(ana.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(ana.locator("#post-1 span.mention")).to_have_text(f"@{BOJAN[1]}")
    thread_path = ana.url.split("#")[0].removeprefix(base)

    # --- Bojan is notified of the plain mention ------------------------------------------
    bojan = member_page(new_context, live_server, BOJAN)
    expect(notices(bojan, "You were mentioned")).to_have_count(1)

    # --- Bojan types "@an" in the reply box and picks Ana with the keyboard ---------------
    bojan.goto(thread_path)
    box = bojan.get_by_label("Your post")
    box.click()
    box.press_sequentially("Hvala @an", delay=20)
    listbox = bojan.get_by_role("listbox", name="Members to mention")
    expect(listbox).to_be_visible()
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-controls", "reply-body-suggestions")
    # no aria-expanded: a textarea (role textbox) does not take it; axe below holds to that
    expect(box).not_to_have_attribute("aria-expanded", re.compile(".*"))
    options = listbox.get_by_role("option")
    expect(options.first).to_have_text(f"@{ANA[1]}")  # the name starting with "an" first
    count = options.count()
    assert count >= 2, "Bojan, Dragana ... contain 'an' and follow"
    status = bojan.locator("#reply-body-suggestions-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(f"{count} members found")
    violations = Axe().run(bojan, context="#reply-form")
    assert violations.violations_count == 0, violations.generate_report()

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "reply-body-suggestions-0")
    box.press("ArrowUp")  # wraps to the last one ...
    expect(options.last).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    box.press("ArrowDown")  # ... and back to the first
    expect(box).to_have_attribute("aria-activedescendant", "reply-body-suggestions-0")
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    expect(box).to_have_value(f"Hvala @[{ANA[1]}] ")
    expect(box).to_be_focused()

    # Escape closes a list without choosing; Enter then is a new line again.
    box.press_sequentially("i @cv", delay=20)
    expect(options).to_have_count(1)
    expect(options.first).to_have_text(f"@{CVETA[1]}")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    for _ in range(len("i @cv")):
        box.press("Backspace")
    box.press_sequentially("vidimo se.", delay=5)
    expect(box).to_have_value(f"Hvala @[{ANA[1]}] vidimo se.")
    expect(listbox).to_be_hidden()
    expect(preview_of(bojan).locator("span.mention")).to_have_text(f"@{ANA[1]}")

    bojan.get_by_role("button", name="Post reply").click()
    expect(bojan.locator("#posts > article.post")).to_have_count(2)
    expect(bojan.locator("#post-2 span.mention")).to_have_text(f"@{ANA[1]}")
    expect(box).to_have_value("")

    # --- Ana, who follows her discussion, gets a mention, not a plain reply notice --------
    mentioned = notices(ana, "You were mentioned")
    expect(mentioned).to_have_count(1)
    expect(mentioned.get_by_text(f"From {BOJAN[1]}")).to_be_visible()
    expect(ana.locator("li.notification").filter(has_text="New reply")).to_have_count(0)

    # --- Without JavaScript: no autocomplete is claimed; the Preview button shows the notes -
    plain = new_context(locale="en-US", java_script_enabled=False).new_page()
    plain.goto("/auth/login")
    plain.get_by_label("E-mail address").fill(CVETA[0])
    plain.get_by_label("Password", exact=True).fill(CVETA[2])
    plain.get_by_role("button", name="Log in").click()
    plain.goto(thread_path)
    box = plain.get_by_label("Your post")
    expect(box).not_to_have_attribute("aria-autocomplete", re.compile(".*"))
    box.fill("Slažem se, @Ana Petrović i @Niko Nikić.")
    plain.get_by_role("button", name="Preview").click()
    expect(preview_of(plain).locator("span.mention")).to_have_text(f"@{ANA[1]}")
    expect(preview_of(plain).locator(".mention-notes li")).to_have_text(
        "@Niko Nikić is not a member of this space: nobody will be notified."
    )

    assert_clean(browser_log, base)


def preview_of(page):
    return page.get_by_role("region", name="Preview")
