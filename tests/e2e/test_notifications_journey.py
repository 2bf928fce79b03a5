"""The notifications journey in Chromium: the bell shows the unread count, marking one read in
the list (htmx) refreshes the bell through HX-Trigger, mark all read, open a notification, and
the unsubscribe link of the mail works without logging in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD

BELL = "#notification-bell a"


def notify(live_server, user, count):
    from solidarna.core import notifications as n
    from solidarna.extensions import db
    from tests.conftest import declare_notification_kinds

    declare_notification_kinds(live_server.app, {"e2e.reply": "New reply"})
    with live_server.app.app_context():
        for number in range(1, count + 1):
            n.notify(
                [user], kind="e2e.reply", title=f"Tema {number}", url="/",
                subject_type="thread", subject_id=number,
            )  # fmt: skip
        db.session.commit()


def test_bell_list_mark_read_and_unsubscribe(live_server, new_context, browser_log):
    user = live_server.make_user("bora@example.org", "Bora", locale="en")
    notify(live_server, user, 3)
    page = new_context(locale="en-US").new_page()
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill("bora@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    bell = page.locator(BELL)
    expect(bell).to_have_accessible_name("Notifications, 3 unread")

    bell.click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Mark as read\W+Tema 2")).click()
    expect(page.get_by_role("status")).to_have_text("2 unread notifications")
    # The bell refreshed itself (HX-Trigger: notifications-changed), without a page load.
    expect(bell).to_have_accessible_name("Notifications, 2 unread")
    assert browser_log.requests_to("POST", "/notifications/2/read") == ["xhr"]
    assert browser_log.requests_to("GET", "/notifications/bell") == ["xhr"]

    page.get_by_role("link", name="Tema 3").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(BELL)).to_have_accessible_name("Notifications, 1 unread")

    page.goto("/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(BELL)).to_have_accessible_name("Notifications, none unread")
    expect(page.get_by_text("You have read everything.")).to_be_visible()

    # The unsubscribe link of a real mail, in a browser that is not logged in.
    (message,) = live_server.outbox("bora@example.org")[:1]
    link = re.search(
        rf"{re.escape(live_server.url)}/notifications/unsubscribe/\S+", message.body_text
    )
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(link.group(0))
    expect(visitor.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    visitor.get_by_role("button", name="Resubscribe").click()
    expect(visitor.get_by_text("You will receive notification mail again.")).to_be_visible()

    assert browser_log.console_errors == [] and browser_log.page_errors == []
    assert browser_log.foreign_requests == []
