"""The space settings journey in Chromium (issue 17 item 3): the Kruševac office's owner tries
an unreadable accent colour (refused with its contrast), chooses a readable one, uploads a
logo, and a visitor sees both on the space's home; every page passes axe."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.axe import assert_accessible
from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_tenant_journey import OWNER_EMAIL, SLUG, log_in, make_krusevac_with_owner

ACCENT = "#7a1f5c"


def png(size=(320, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (122, 31, 92)).save(out, "PNG")
    return out.getvalue()


def test_owner_changes_the_accent_colour_and_uploads_a_logo(live_server, new_context, browser_log):
    base = live_server.url
    make_krusevac_with_owner(live_server)
    owner = new_context(locale="en-US").new_page()
    log_in(owner, base, OWNER_EMAIL, PASSWORD)

    owner.goto(f"/{SLUG}/admin/")
    step = owner.locator("#step-settings")
    expect(step).to_contain_text("To do")
    step.get_by_role("link", name="Settings and logo").click()
    expect(owner.get_by_role("heading", level=1, name="Settings")).to_be_visible()
    assert_accessible(owner, "settings")

    # a yellow nobody can read is refused, with the ratios; the name typed stays
    owner.get_by_label("Short name in English (optional)").fill("KŠ Office")
    owner.get_by_label("Accent colour").fill("#ffee00")
    owner.get_by_role("button", name="Save").click()
    expect(owner.locator(".field.has-error")).to_contain_text("4.5:1 (WCAG AA)")
    expect(owner.get_by_label("Short name in English (optional)")).to_have_value("KŠ Office")
    assert_accessible(owner, "settings with an error")

    owner.get_by_label("Accent colour").fill(ACCENT)
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("status")).to_contain_text("The settings are saved.")

    owner.locator('input[type="file"][name="logo"]').set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png()}
    )
    owner.get_by_role("button", name="Upload the logo").click()
    expect(owner.get_by_role("status")).to_contain_text("The logo is saved.")
    expect(owner.locator("img.logo-preview")).to_be_visible()
    assert_accessible(owner, "settings with a logo")

    owner.goto(f"/{SLUG}/admin/")
    expect(owner.locator("#step-settings")).to_contain_text("Done")

    # a visitor, in another browser, sees the new colour and the logo on the home page
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(f"/{SLUG}/")
    logo = visitor.locator("img.hero-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 320
    expect(visitor.locator("header img.space-logo").first).to_have_attribute(
        "src", re.compile(rf"^/{SLUG}/logo\?v=\d+$")
    )
    accent = visitor.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    assert accent == ACCENT
    expect(visitor.get_by_role("link", name=re.compile("KŠ Office")).first).to_be_visible()
    assert_accessible(visitor, "home with a logo")
    # the refused colour was answered 422 on purpose; Chromium logs that status
    expected = [e for e in browser_log.console_errors
                if "/admin/settings" in e and "status of 422" in e]  # fmt: skip
    assert len(expected) == 1, browser_log.console_errors
    browser_log.console_errors.remove(expected[0])
    assert_clean(browser_log, base)


def test_owner_edits_a_proposal_template_and_retires_one(
    live_server, new_context, browser_log, tmp_path
):
    """From the lists page to the templates: a part's heading is changed, an emptied title is
    refused with what was typed kept, a new part is added; another template is retired."""
    base = live_server.url
    make_krusevac_with_owner(live_server)
    owner = new_context(locale="en-US").new_page()
    log_in(owner, base, OWNER_EMAIL, PASSWORD)

    owner.goto(f"/{SLUG}/admin/settings/lists")
    owner.get_by_role("link", name="Survey and proposal templates").click()
    expect(
        owner.get_by_role("heading", level=1, name="Survey and proposal templates")
    ).to_be_visible()
    assert_accessible(owner, "templates")
    owner.screenshot(path=str(tmp_path / "templates.png"), full_page=True)

    owner.get_by_role("link", name="Odluka o podršci socijalnom preduzetništvu").click()
    heading = owner.locator("#p1").get_by_label("Heading")
    expect(heading).to_have_value("Predmet odluke")
    assert_accessible(owner, "proposal template")
    heading.fill("Predmet")
    owner.get_by_label("Title", exact=True).fill("")
    owner.get_by_role("button", name="Save").click()
    expect(owner.locator("#template-problems")).to_contain_text("This field is required.")
    expect(owner.locator("#p1").get_by_label("Heading")).to_have_value("Predmet")
    assert_accessible(owner, "proposal template with an error")
    owner.get_by_label("Title", exact=True).fill("Odluka o podršci socijalnim preduzećima")
    owner.locator("#p1").get_by_label("Heading").fill("Predmet")
    owner.locator("#n0").get_by_label("Heading").fill("Prelazne odredbe")
    owner.locator("#n0").get_by_label("Text or guidance").fill("Postupci započeti ranije.")
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_role("status")).to_contain_text("The template is saved.")
    expect(owner.locator("#p1").get_by_label("Heading")).to_have_value("Predmet")
    owner.set_viewport_size({"width": 390, "height": 844})
    owner.screenshot(path=str(tmp_path / "template-phone.png"), full_page=False)

    owner.goto(f"/{SLUG}/admin/settings/templates/")
    reserved = owner.locator("#template-proposal_templates-rezervisane-javne-nabavke")
    reserved.get_by_role("button", name="Retire").click()
    expect(owner.get_by_role("status")).to_contain_text("The template is retired")
    expect(owner.locator("#template-proposal_templates-rezervisane-javne-nabavke")).to_contain_text(
        "Retired"
    )
    assert_accessible(owner, "templates with a retired one")
    expected = [e for e in browser_log.console_errors if "status of 422" in e]
    assert len(expected) == 1, browser_log.console_errors
    browser_log.console_errors.remove(expected[0])
    assert_clean(browser_log, base)
