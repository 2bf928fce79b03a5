"""Accessibility in Chromium: axe-core (tests/e2e/axe.py) on the key pages of every capability,
as the viewer who sees them (a visitor, a member, someone not yet a member, the space's owner,
the platform's administrator), at a desktop (1280 px) and a phone (390 px) width, in Serbian
Latin, Serbian Cyrillic and English. Any serious or critical violation, colour contrast
included, fails; the report lists every failing page at once.

The content is the demo data (`flask demo load`: two spaces with organizations on the map,
resources, practices, threads with posts), plus what an owner's day leaves behind: a decided
request (audit entries), a pending one, an invitation and a mention for the member."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from solidarna.core.i18n import LOCALE_COOKIE
from tests.e2e.axe import check_page
from tests.e2e.test_accounts_journey import assert_clean

SLUG = "krusevac"
LANGUAGES = ("sr_Latn", "sr_Cyrl", "en")
WIDTHS = {"desktop": 1280, "phone": 390}
HEIGHT = {"desktop": 900, "phone": 844}


@dataclass
class Demo:
    """What the pages are about: ids read back from the loaded demo data."""

    organization: int  # verified, with a map point and relationships
    resource: int
    practice: int
    category: int
    thread: int
    reset_path: str
    group: int  # a working group with members for organizations and a meeting ahead
    meeting: int = 0  # its past meeting, with minutes, attendance, decisions and tasks
    decision: str = ""  # the path of one of its decisions
    campaign: int = 0  # KoRSE's advocacy platform, shared with Kruševac


def load_demo(live_server) -> Demo:
    from sqlalchemy import select

    from solidarna.accounts.models import User
    from solidarna.accounts.services import make_reset_token
    from solidarna.core.tenancy import tenant_context
    from solidarna.demo import load
    from solidarna.directory.organizations.models import Organization
    from solidarna.directory.practices.models import Practice
    from solidarna.directory.resources.models import Resource
    from solidarna.discussions import services as ds
    from solidarna.discussions.models import Category, Thread
    from solidarna.extensions import db
    from solidarna.groups.models import WorkingGroup
    from solidarna.tenants import services as ts
    from solidarna.tenants.models import Membership, Tenant

    app = live_server.app
    with app.app_context(), app.test_request_context(base_url=live_server.url):
        load()
        users = {u.email: u for u in db.session.scalars(select(User))}
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == SLUG))
        owner = users["jelena@example.org"]
        with tenant_context(tenant.id):
            # The owner's day: one request approved (audit), one left waiting, one invitation.
            petar = db.session.scalar(
                select(Membership).where(Membership.user_id == users["petar@example.org"].id)
            )
            ts.approve(petar, owner)
            ts.invite(tenant, "novi.clan@example.org", "member", "Dobrodošli!", owner)
            organization = db.session.scalar(
                select(Organization)
                .where(Organization.moderation == "verified", Organization.latitude.is_not(None))
                .order_by(Organization.id)
            )
            thread = db.session.scalar(select(Thread).order_by(Thread.post_count.desc()))
            # A mention, so the member's notifications are not empty.
            ds.add_post(
                thread, "@[Marko Zadrugić] pogledajte dopunu, molim.", owner, rate_check=False
            )
            demo = Demo(
                organization=organization.id,
                resource=db.session.scalar(select(Resource.id).order_by(Resource.id)),
                practice=db.session.scalar(select(Practice.id).order_by(Practice.id)),
                category=thread.category_id
                or db.session.scalar(select(Category.id).order_by(Category.id)),
                thread=thread.id,
                reset_path=f"/auth/reset/{make_reset_token(users['nikola@example.org'])}",
                group=db.session.scalar(
                    select(WorkingGroup.id).where(WorkingGroup.name == "Pristup finansijama")
                ),
            )
            from solidarna.groups.models import GroupMeeting
            from solidarna.groups.records import GroupDecision

            past = db.session.scalar(
                select(GroupMeeting).where(
                    GroupMeeting.group_id == demo.group, GroupMeeting.title.like("Prvi%")
                )
            )
            decision = db.session.scalar(
                select(GroupDecision).where(GroupDecision.meeting_id == past.id)
            )
            from solidarna.campaigns.models import Campaign
            from solidarna.core.tenancy import cross_tenant

            with cross_tenant():
                demo.campaign = db.session.scalar(select(Campaign.id).order_by(Campaign.id))
            demo.meeting = past.id
            demo.decision = (
                f"/{SLUG}/groups/{demo.group}/decisions/{decision.year}/{decision.number}"
            )
            db.session.commit()
        db.session.remove()
    return demo


DEMO_PASSWORD = "solidarna-demo-2026"


def pages_for(viewer: str, demo: Demo) -> list[tuple[str, str]]:
    """(label, path) of the pages each viewer is checked on."""
    s = f"/{SLUG}"
    if viewer == "visitor":
        return [
            ("platform home", "/"),
            ("login", "/auth/login"),
            ("register", "/auth/register"),
            ("forgotten password", "/auth/forgot"),
            ("password reset", demo.reset_path),
            ("space home", f"{s}/"),
            ("directory", f"{s}/directory/"),
            ("directory filtered", f"{s}/directory/?q=zadruga&municipality=Kru%C5%A1evac"),
            ("directory empty result", f"{s}/directory/?q=nepostojeci-pojam-xyz"),
            ("organization profile", f"{s}/directory/{demo.organization}"),
            ("directory map", f"{s}/directory/map"),
            ("ecosystem overview", f"{s}/ecosystem/"),
            ("resources", f"{s}/resources/"),
            ("resource", f"{s}/resources/{demo.resource}"),
            ("resources map", f"{s}/resources/map"),
            ("practices", f"{s}/practices/"),
            ("practice", f"{s}/practices/{demo.practice}"),
            ("discussions", f"{s}/discussions/"),
            ("category", f"{s}/discussions/c/{demo.category}"),
            ("thread", f"{s}/discussions/t/{demo.thread}"),
            ("working groups", f"{s}/groups/"),
            ("working group", f"{s}/groups/{demo.group}"),
            ("a meeting's record", f"{s}/groups/{demo.group}/meetings/{demo.meeting}"),
            ("a group decision", demo.decision),
            ("meetings calendar", f"{s}/groups/calendar/"),
            ("advocacy platforms", f"{s}/campaigns/"),
            ("shared advocacy platform", f"{s}/campaigns/{demo.campaign}"),
            ("advocacy platform, owner space", f"/korse/campaigns/{demo.campaign}"),
            ("advocacy platform, print", f"/korse/campaigns/{demo.campaign}/print"),
            ("national overview", "/overview/"),
            ("national overview filtered", "/overview/?district=RS-19&q=zadruga"),
            ("national overview map", "/overview/map"),
            ("start guide", f"{s}/start/"),
            ("not found", "/nema-takve-stranice/"),
            ("not found in a space", f"{s}/directory/999999"),
        ]
    if viewer == "member":
        return [
            ("space home", f"{s}/"),
            ("members", f"{s}/members"),
            ("organization profile", f"{s}/directory/{demo.organization}"),
            ("add an organization", f"{s}/directory/new"),
            ("discussions", f"{s}/discussions/"),
            ("thread with the reply form", f"{s}/discussions/t/{demo.thread}"),
            ("new thread", f"{s}/discussions/c/{demo.category}/new"),
            ("working group with the answer form", f"{s}/groups/{demo.group}"),
            ("my tasks", f"{s}/groups/tasks/"),
            (
                "shared advocacy platform with the sign and comment forms",
                f"{s}/campaigns/{demo.campaign}",
            ),
            ("notifications", "/notifications/"),
            ("notification settings", "/notifications/settings"),
            ("profile", "/auth/profile"),
            ("refused: for administrators", f"{s}/admin/members"),
        ]
    if viewer == "newcomer":
        return [
            ("refused: members only", f"{s}/members"),
            ("ask to join", f"{s}/join"),
            ("refused: request waiting", "/korse/members"),
        ]
    if viewer == "owner":
        return [
            ("admin: members", f"{s}/admin/members"),
            ("admin: audit log", f"{s}/admin/audit"),
            ("admin: settings", f"{s}/admin/settings"),
            ("admin: national overview", f"{s}/admin/national/"),
            ("start guide edit", f"{s}/start/edit"),
            ("directory import", f"{s}/directory/import"),
            ("directory moderation", f"{s}/directory/moderation"),
            ("organization edit", f"{s}/directory/{demo.organization}/edit"),
            ("organization history", f"{s}/directory/{demo.organization}/history"),
            ("discussion categories", f"{s}/discussions/categories/"),
            ("discussion moderation", f"{s}/discussions/moderation"),
            ("resource edit", f"{s}/resources/{demo.resource}/edit"),
            ("practice edit", f"{s}/practices/{demo.practice}/edit"),
            ("start a working group", f"{s}/groups/new"),
            ("working group's members", f"{s}/groups/{demo.group}/members"),
            ("schedule a meeting", f"{s}/groups/{demo.group}/meetings/new"),
            ("admin: partner spaces", f"{s}/admin/partnerships/"),
            (
                "a meeting's record with its forms",
                f"{s}/groups/{demo.group}/meetings/{demo.meeting}",
            ),
            ("a group decision with the proposals' form", demo.decision),
        ]
    if viewer == "platform admin":
        return [
            ("platform admin", "/admin/"),
            ("platform audit log", "/admin/audit"),
            ("start an advocacy platform", "/korse/campaigns/new"),
            ("advocacy platform with the admins' forms", f"/korse/campaigns/{demo.campaign}"),
            ("send the sign-on link", f"/korse/campaigns/{demo.campaign}/sign-on"),
            ("an advocacy platform's partner spaces", f"/korse/campaigns/{demo.campaign}/partners"),
        ]
    raise AssertionError(viewer)


ACCOUNTS = {
    "member": "marko@example.org",
    "newcomer": "nikola@example.org",
    "owner": "jelena@example.org",
    "platform admin": "admin@example.org",
}


def log_in(page, base_url: str, email: str) -> None:
    # In English (the browser's language, before any language cookie) for stable labels.
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/")


def is_map(path: str) -> bool:
    return path.split("?")[0].endswith("/map")


def open_map(page) -> None:
    """The map pages show the server-drawn overview first; the button loads the interactive map."""
    page.locator("[data-map-open]").click()


def settle(page, path: str) -> None:
    """Wait for what scripts draw after the load event: the maps' markers, once loaded
    (aria-busy gone) and clustered (no zoom or cluster animation running; mid-animation
    markers overlap, which axe would rightly count as too small targets)."""
    if is_map(path):
        expect(page.locator(".map-canvas .leaflet-marker-icon").first).to_be_visible()
        expect(page.locator(".map-canvas[aria-busy]")).to_have_count(0)
        expect(page.locator(".leaflet-zoom-anim, .leaflet-cluster-anim")).to_have_count(0)


def walk(page, base_url: str, pages, width: str, *, scripts: bool = True, **check) -> list[str]:
    problems: list[str] = []
    for language in LANGUAGES:
        page.context.add_cookies([{"name": LOCALE_COOKIE, "value": language, "url": base_url}])
        for label, path in pages:
            page.goto(path)
            if scripts and is_map(path):
                # first as it loads (the overview), then with the interactive map opened
                problems += check_page(page, f"{label}, overview [{width}, {language}]", **check)
                open_map(page)
            if scripts:
                settle(page, path)
                if width == "phone":
                    # The folded menu, opened: its links are checked too.
                    page.locator("[data-site-menu] > summary").click()
            problems += check_page(page, f"{label} [{width}, {language}]", **check)
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("viewer", ["visitor", "member", "newcomer", "owner", "platform admin"])
def test_key_pages_have_no_serious_axe_violations(
    live_server, new_context, browser_log, viewer, width
):
    demo = load_demo(live_server)
    context = new_context(
        locale="en-US", viewport={"width": WIDTHS[width], "height": HEIGHT[width]}
    )
    page = context.new_page()
    if viewer in ACCOUNTS:
        log_in(page, live_server.url, ACCOUNTS[viewer])
    pages = pages_for(viewer, demo)
    problems = walk(page, live_server.url, pages, width)
    assert not problems, (
        f"axe-core: serious or critical violations on {len(problems)} page(s):\n"
        + "\n".join(problems)
    )
    # The 404 and 403 pages are asked for on purpose; Chromium logs their status.
    refused = {path for label, path in pages if label.startswith(("not found", "refused"))}
    browser_log.console_errors = [
        error
        for error in browser_log.console_errors
        if not (
            "the server responded with a status of 40" in error
            and urlsplit(error.split(": ", 1)[0]).path in refused
        )
    ]
    assert_clean(browser_log, live_server.url)


@pytest.mark.parametrize("width", WIDTHS)
def test_map_pages_without_javascript(live_server, new_context, width):
    """The maps' fallback (the list by municipality) is the whole page without scripts.

    The page's scripts are refused at the network rather than with javaScriptEnabled=false,
    which would stop axe itself from running."""
    load_demo(live_server)
    context = new_context(
        locale="en-US", viewport={"width": WIDTHS[width], "height": HEIGHT[width]}
    )
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    pages = [
        ("directory map, no JavaScript", f"/{SLUG}/directory/map"),
        ("resources map, no JavaScript", f"/{SLUG}/resources/map"),
        ("directory, no JavaScript", f"/{SLUG}/directory/"),
    ]
    problems = walk(page, live_server.url, pages, width, scripts=False)
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)


def test_the_check_fails_on_low_contrast_and_a_missing_label_and_keeps_the_result(browser):
    """The check itself bites: a page with grey-on-white text and an unlabelled field."""
    from tests.conftest import ARTIFACTS

    page = browser.new_page()
    try:
        page.set_content(
            '<!doctype html><html lang="en"><head><title>Probe</title></head><body>'
            '<main><h1>Probe</h1><p style="color:#aaa;background:#fff">Too pale to read.</p>'
            '<input type="text" name="q"></main></body></html>'
        )
        problems = check_page(page, "axe self-check")
    finally:
        page.close()
    assert len(problems) == 1
    report = problems[0]
    assert "color-contrast [serious]" in report and "contrast of 2.32" in report
    assert "label [critical]" in report and "on: input" in report
    saved = ARTIFACTS / "axe-axe_self-check.json"
    assert f"full result: {saved}" in report
    assert {v["id"] for v in json.loads(saved.read_text())["violations"]} >= {
        "color-contrast",
        "label",
    }
