"""The XSS corpus in Chromium: every payload is posted as a reply in one thread, then every page
of the thread is opened, hovered, focused and clicked, and the live preview renders a few
payloads as they are typed. Nothing may run: no dialog, no `window.__xss`, no blocked inline
script or handler (a CSP violation means the sanitizer let one through), no request to another
origin. The page-source half of these checks is tests/discussions/test_xss_forms.py."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from solidarna.discussions.models import POSTS_PER_PAGE
from tests.core.test_markdown import load_corpus
from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_discussions_journey import add_category, add_member
from tests.e2e.test_tenant_journey import SLUG, log_in, make_krusevac_with_owner

PAYLOADS = load_corpus()
POSTER = ("pera.peric@example.org", "Pera Perić", "pera testira bezbednost")
HOSTILE = ("zla@example.org", 'Zla <img src=x onerror=alert(1)> "Osoba', "zla osoba zna lozinku")
CATEGORY = "Bezbednost"

# Runs before any page script: records CSP violations (a blocked inline script or handler is
# one, and Chromium also logs it as a console error).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""

# Untrusted events on every element of the rendered posts, except links (a click on a link
# would follow it): whatever handler survived sanitizing would run, or be blocked by the CSP.
POKE = """
(root) => {
  let poked = 0;
  for (const el of root.querySelectorAll(".post-body, .post-body *")) {
    for (const type of ["mouseover", "mouseenter", "pointerenter", "mousemove", "focus",
                        "focusin", "animationstart", "toggle", "load", "error"]) {
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
    if (!el.closest("a")) el.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    poked++;
  }
  return poked;
}
"""
# What the markdown policy links to: http(s), mailto and paths on this site (never "//host").
SAFE_HREF = re.compile(r"(https?://|mailto:|/(?![/\\]))", re.IGNORECASE)


def assert_nothing_ran(page, dialogs: list[str], where: str) -> None:
    assert dialogs == [], f"dialogs opened on {where}"
    assert page.evaluate("typeof window.__xss") == "undefined", f"window.__xss set on {where}"
    assert page.evaluate("window.__csp") == [], f"CSP violations on {where}"


def test_no_payload_runs_on_the_thread_pages_or_in_the_live_preview(
    live_server, new_context, browser_log
):
    base = live_server.url
    make_krusevac_with_owner(live_server)
    add_member(live_server, POSTER)
    add_member(live_server, HOSTILE)
    add_category(live_server, CATEGORY)
    live_server.app.config["DISCUSSIONS_POST_LIMIT"] = "10000 per minute"

    dialogs: list[str] = []

    def watched_page(person):
        context = new_context(locale="en-US")
        context.add_init_script(WATCH)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        log_in(page, base, person[0], person[2])
        return page

    page = watched_page(POSTER)

    # The thread, through the form.
    page.goto(f"/{SLUG}/discussions/")
    page.get_by_role("link", name=CATEGORY).click()
    page.get_by_role("link", name="Start a discussion").click()
    page.get_by_label("Title").fill("Korpus napada")
    page.get_by_label("First post").fill("Svaki odgovor ispod je pokušaj napada.")
    page.get_by_role("button", name="Start the discussion").click()
    expect(page.get_by_role("heading", level=1, name="Korpus napada")).to_be_visible()
    thread_path = page.url.split("#")[0].removeprefix(base)

    # PostgreSQL cannot store a NUL character, and the application passes it through (a 500):
    # see test_payloads_with_nul_characters_are_posted_or_refused_never_a_500.
    # Payloads with NUL are refused with a 400 before any view (tests/discussions/test_xss_forms.py)
    payloads = [p for p in PAYLOADS if "\0" not in p]
    by_hand = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
    ]
    payloads = by_hand + [p for p in payloads if p not in by_hand]

    # The first few through the reply form, in place, as a member would.
    posts = page.locator("#posts > article.post")
    box = page.get_by_label("Your post")
    for number, payload in enumerate(payloads[:3], start=2):
        box.fill(payload)
        page.get_by_role("button", name="Post reply").click()
        expect(posts).to_have_count(number)
        expect(box).to_have_value("")
    # Raw HTML is shown as the text it is; an unsafe link keeps only its text.
    expect(page.locator("#post-2 .post-body")).to_have_text(by_hand[0])
    expect(page.locator("#post-3 .post-body")).to_have_text(by_hand[1])
    expect(page.locator("#post-4 .post-body")).to_have_text("click")
    expect(page.locator("#post-4 .post-body a")).to_have_count(0)
    assert_nothing_ran(page, dialogs, "the thread after replying in place")

    # The rest over HTTP with the page's session and CSRF token, as the form would post them.
    token = page.locator("#reply-form input[name=csrf_token]").input_value()
    for number, payload in enumerate(payloads[3:], start=5):
        response = page.request.post(
            f"{base}{thread_path}/reply",
            form={"body": payload, "page": str((number - 1) // POSTS_PER_PAGE + 1),
                  "csrf_token": token},
            max_redirects=0,
        )  # fmt: skip
        assert response.status == 303, (payload, response.status, response.text()[:300])
    # One more by a member whose name is a payload, mentioning themself. Their page was opened
    # before the thread grew past page 1, so the reply answers with HX-Redirect to page 8.
    hostile = watched_page(HOSTILE)
    hostile.goto(thread_path)
    hostile.get_by_label("Your post").fill(f"Ja sam @[{HOSTILE[1]}].")
    hostile.get_by_role("button", name="Post reply").click()
    total = len(payloads) + 2
    expect(hostile.locator(f"#post-{total} .post-author")).to_have_text(HOSTILE[1])
    expect(hostile.locator(f"#post-{total} span.mention")).to_have_text(f"@{HOSTILE[1]}")

    # Every page of the thread: all posts there, no link to anything but http(s), mailto or a
    # site path (so no javascript:/data:/vbscript: link to click), and hovering, focusing and
    # clicking everything else runs nothing.
    pages = (total - 1) // POSTS_PER_PAGE + 1
    rendered = 0
    for number in range(1, pages + 1):
        where = f"page {number}"
        page.goto(f"{thread_path}?page={number}")
        on_page = min(POSTS_PER_PAGE, total - (number - 1) * POSTS_PER_PAGE)
        expect(page.locator("#posts > article.post")).to_have_count(on_page)
        rendered += on_page
        bodies = page.locator("#posts .post-body")
        expect(bodies).to_have_count(on_page)
        hrefs = page.locator("#posts .post-body a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert [h for h in hrefs if not SAFE_HREF.match(h or "")] == [], where
        for link in page.locator("#posts .post-body a").all():
            link.focus()
            link.hover()
        for body in bodies.all():
            if body.is_visible():  # "#" alone renders an empty heading
                body.hover()
        assert page.locator("#posts").evaluate(POKE) >= on_page
        assert_nothing_ran(page, dialogs, where)
        expect(page).to_have_url(f"{base}{thread_path}?page={number}")
    assert rendered == total == len(payloads) + 2

    # The live preview renders payloads as they are typed; none runs there either.
    preview = page.get_by_role("region", name="Preview").locator(".post-body")
    box = page.get_by_label("Your post")
    chosen = [p for p in payloads if re.search(r"onerror|onmouseover|javascript:|<svg", p)][:8]
    assert len(chosen) == 8
    for n, payload in enumerate(chosen):
        box.fill(f"{payload}\n\nkraj {n}")
        expect(preview).to_contain_text(f"kraj {n}")
        for element in preview.locator("*").all():
            if element.is_visible():
                element.hover()
        assert page.locator("#reply-form .preview").evaluate(POKE) >= 1
        assert_nothing_ran(page, dialogs, f"the preview of {payload!r}")

    # The mention helper lists the hostile name as text and writes it into the box.
    box.fill("Pozdrav ")
    page.get_by_label("Find a member to mention").fill("Zla")
    page.locator(".mention-results").get_by_role("button", name=f"@{HOSTILE[1]}").click()
    expect(box).to_have_value(f"Pozdrav @[{HOSTILE[1]}] ")
    expect(preview.locator("span.mention")).to_have_text(f"@{HOSTILE[1]}")
    assert_nothing_ran(page, dialogs, "the mention helper")
    assert_nothing_ran(hostile, dialogs, "the hostile member's page")

    # The detectors work: an inline script and an inline handler that did reach the page are
    # blocked by the CSP and reported, and a dialog would be recorded.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
              const s = document.createElement("script");
              s.textContent = "window.__xss = 1";
              document.body.append(s);
            }"""
        )
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => document.querySelector("#posts .post-body").insertAdjacentHTML(
                 "beforeend", '<span id="canary" onmouseover="window.__xss = 1">canary</span>')"""
        )
        page.locator("#canary").hover()
    assert page.evaluate("typeof window.__xss") == "undefined"
    violations = page.evaluate("window.__csp")
    assert len(violations) == 2 and all(v.startswith("script-src") for v in violations)
    page.evaluate("alert('canary')")
    assert dialogs == ["canary"]
    blocked = [e for e in browser_log.console_errors if "Content Security Policy" in e]
    assert len(blocked) == 2, browser_log.console_errors
    for error in blocked:
        browser_log.console_errors.remove(error)

    assert_clean(browser_log, base)
