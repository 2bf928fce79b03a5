"""The accounts journey in Chromium: register, confirm the e-mail, log in, switch the interface
to Cyrillic and log out; and logging in with JavaScript turned off."""

from __future__ import annotations

import re

from playwright.sync_api import expect

NAME = "Milica Petrović"
# The header shows the user's name through the script filter, so in Cyrillic it is transliterated
# whatever the state of the translation catalogs.
NAME_CYRILLIC = "Милица Петровић"
EMAIL = "milica.petrovic@example.org"
PASSWORD = "zelena livada u proleće"

ACCOUNT_NAV = "header nav.account-nav"
LANGUAGE_SWITCH = "header form.lang-switch"
LOGOUT_BUTTON = 'header form[action="/auth/logout"] button[type="submit"]'


def assert_clean(browser_log, base_url: str) -> None:
    assert browser_log.console_errors == [], "console errors (CSP violations included)"
    assert browser_log.page_errors == [], "uncaught JavaScript errors"
    assert browser_log.foreign_requests == [], f"requests that left {base_url}"


def test_register_confirm_login_switch_to_cyrillic_and_log_out(
    live_server, new_context, browser_log
):
    # An English-speaking browser keeps the form labels stable while the Serbian catalogs grow.
    page = new_context(locale="en-US").new_page()

    page.goto("/")
    page.locator(ACCOUNT_NAV).get_by_role("link", name="Register").click()
    expect(page).to_have_url(f"{live_server.url}/auth/register")
    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()

    expect(page).to_have_url(re.compile(r"/auth/check-email\?email="))
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()
    # hx-boost is on: the form went through htmx, not a full page load.
    assert browser_log.requests_to("POST", "/auth/register") == ["xhr"]

    messages = live_server.outbox(to=EMAIL)
    assert [m.subject for m in messages] == ["Confirm your e-mail address"]
    link = re.search(rf"{re.escape(live_server.url)}/auth/verify/\S+", messages[0].body_text)
    assert link, messages[0].body_text

    page.goto(link.group(0))
    expect(page).to_have_url(re.compile(r"/auth/login\?email="))
    expect(page.get_by_text("Your e-mail address is confirmed.")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    account = page.locator(ACCOUNT_NAV)
    expect(account.get_by_role("link", name=NAME)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch = page.locator(LANGUAGE_SWITCH)
    switch.get_by_role("button", name="Ћирилица").click()
    expect(page.locator("html")).to_have_attribute("lang", "sr-Cyrl")
    expect(switch.get_by_role("button", name="Ћирилица")).to_have_attribute("aria-current", "true")
    expect(switch.get_by_role("button", name="English")).not_to_have_attribute(
        "aria-current", "true"
    )
    expect(account.get_by_role("link", name=NAME_CYRILLIC)).to_be_visible()

    # The choice is saved to the account, so it survives a full reload.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "sr-Cyrl")
    expect(account.get_by_role("link", name=NAME_CYRILLIC)).to_be_visible()

    page.locator(LOGOUT_BUTTON).click()
    expect(account.get_by_role("link", name=NAME_CYRILLIC)).to_have_count(0)
    expect(page.locator(f'{ACCOUNT_NAV} a[href="/auth/login"]')).to_be_visible()
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)
    # The language cookie keeps the script after logging out.
    expect(page.locator("html")).to_have_attribute("lang", "sr-Cyrl")

    # The session is really over: a members-only page sends the visitor to log in.
    page.goto("/auth/profile")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))

    assert_clean(browser_log, live_server.url)


def test_login_form_works_without_javascript(live_server, new_context, browser_log):
    live_server.make_user(email="jovan@example.org", name="Jovan Jovanović", password=PASSWORD)
    page = new_context(java_script_enabled=False, locale="en-US").new_page()

    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill("jovan@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(ACCOUNT_NAV).get_by_role("link", name="Jovan Jovanović")).to_be_visible()
    # A plain form submission: the browser navigated, htmx did not send it.
    assert browser_log.requests_to("POST", "/auth/login") == ["document"]
    assert_clean(browser_log, live_server.url)
