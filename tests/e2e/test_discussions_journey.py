"""The discussions journey in Chromium: a member starts a discussion mentioning another, who
follows the notice from the header's bell and replies in place; a third member reports the
reply, a moderator hides it from the queue and everyone else sees the placeholder; the
mentioned member switches to a daily summary and gets it, over real SMTP, with an
unsubscribe link that works."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

from playwright.sync_api import expect

from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_tenant_journey import (
    SLUG,
    TENANT_SHORT_NAME_EN,
    log_in,
    make_krusevac_with_owner,
)

CATEGORY = "Zajednička prodaja"
TITLE = "Zajednička nabavka ambalaže za med"
OPENING = "Predlažem da ambalažu naručimo zajedno, pre sezone."

ANA = ("ana.petrovic@example.org", "Ana Petrović", "ana zna gde su tegle")
BOJAN = ("bojan.ilic@example.org", "Bojan Ilić", "bojan pakuje med u Brusu")
CVETA = ("cveta.markovic@example.org", "Cveta Marković", "cveta čuva red u temama")
MILAN = ("milan.jovanovic@example.org", "Milan Jovanović", "milan moderira pažljivo")

BOJANS_REPLY = "Kupi odmah tegle kod mog brata, najjeftinije su! www.tegle-brat.example"
HIDE_REASON = "Reklama, protiv pravila prostora."
ANAS_LATER_REPLY = "Hvala svima; poručujem do petka."


def add_member(live_server, person, role: str = "member") -> None:
    """A verified account with English as its language, an active member of the space."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.tenants.models import Membership, Tenant

    email, name, password = person
    user = live_server.make_user(email=email, name=name, password=password, locale="en")
    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            db.session.add(Membership(user_id=user.id, role=role, status="active"))
            db.session.commit()
        db.session.remove()


def add_category(live_server, name: str, visibility: str = "public") -> int:
    from solidarna.core.tenancy import tenant_context
    from solidarna.discussions.models import Category
    from solidarna.extensions import db
    from solidarna.tenants.models import Tenant

    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            category = Category(name=name, visibility=visibility, position=1)
            db.session.add(category)
            db.session.commit()
            category_id = category.id
        db.session.remove()
        return category_id


def member_page(new_context, live_server, person):
    page = new_context(locale="en-US").new_page()
    log_in(page, live_server.url, person[0], person[2])
    return page


def test_mention_notice_reply_in_place_report_hide_and_daily_digest(
    live_server, new_context, browser_log, smtp_server
):
    base = live_server.url
    make_krusevac_with_owner(live_server)
    for person in (ANA, BOJAN, CVETA):
        add_member(live_server, person)
    add_member(live_server, MILAN, role="moderator")
    add_category(live_server, CATEGORY)

    # --- Ana starts a discussion in the category and mentions Bojan ----------------------
    ana = member_page(new_context, live_server, ANA)
    ana.goto(f"/{SLUG}/")
    ana.locator("header nav.main-nav").get_by_role("link", name="Discussions").click()
    expect(ana.get_by_role("heading", level=1, name="Discussions")).to_be_visible()
    ana.get_by_role("link", name=CATEGORY).click()
    ana.get_by_role("link", name="Start a discussion").click()
    expect(ana.get_by_role("heading", level=1, name="Start a discussion")).to_be_visible()
    ana.get_by_label("Title").fill(TITLE)
    body = ana.get_by_label("First post")
    body.fill(OPENING + " ")
    # The helper next to the text box finds the member and writes @[Name] at the cursor.
    ana.get_by_label("Find a member to mention").fill("bojan")
    ana.locator(".mention-results").get_by_role("button", name=f"@{BOJAN[1]}").click()
    expect(body).to_be_focused()
    ana.keyboard.type("da li ti treba 200 tegli?")
    expect(body).to_have_value(f"{OPENING} @[{BOJAN[1]}] da li ti treba 200 tegli?")
    # The live preview shows the mention as it will be posted.
    preview = ana.get_by_role("region", name="Preview")
    expect(preview.locator("span.mention")).to_have_text(f"@{BOJAN[1]}")
    ana.get_by_role("button", name="Start the discussion").click()

    expect(ana.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(ana.get_by_role("status")).to_contain_text("The discussion is started.")
    thread_url = ana.url.split("#")[0]
    assert re.fullmatch(rf"{re.escape(base)}/{SLUG}/discussions/t/\d+", thread_url), ana.url
    thread_path = thread_url.removeprefix(base)
    expect(ana.locator("#post-1 span.mention")).to_have_text(f"@{BOJAN[1]}")

    # --- Bojan sees the unread count on the bell and follows the notice -------------------
    bojan = member_page(new_context, live_server, BOJAN)
    bell = bojan.locator("#notification-bell").get_by_role("link")
    expect(bell).to_have_accessible_name("Notifications, 1 unread")
    expect(bell.locator(".bell-count")).to_have_text("1")
    bell.click()
    expect(bojan).to_have_url(f"{base}/notifications/")
    notice = bojan.locator("li.notification").filter(has_text="You were mentioned")
    expect(notice).to_have_count(1)
    expect(notice.get_by_text(f"From {ANA[1]}")).to_be_visible()
    notice.get_by_role("link", name=TITLE).click()
    expect(bojan.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(bojan).to_have_url(re.compile(rf"^{re.escape(thread_url)}"))
    # Opening it marked it read.
    expect(bell).to_have_accessible_name("Notifications, none unread")
    expect(bell.locator(".bell-count")).to_have_count(0)

    # --- Bojan replies in place (htmx): no reload, the post appears, the box empties -------
    bojan.evaluate("window.__marker = 1")
    reply_box = bojan.get_by_label("Your post")
    reply_box.fill(BOJANS_REPLY)
    bojan.get_by_role("button", name="Post reply").click()
    posts = bojan.locator("#posts > article.post")
    expect(posts).to_have_count(2)
    expect(bojan.locator("#posts #post-2")).to_contain_text(BOJANS_REPLY)
    expect(bojan.locator("#post-2 .post-author")).to_have_text(BOJAN[1])
    expect(reply_box).to_have_value("")
    assert bojan.evaluate("window.__marker") == 1, "the page reloaded"
    # Replying follows the thread; the follow box says so without a reload.
    expect(bojan.locator(".follow-box")).to_contain_text("You follow this discussion")
    assert bojan.url.startswith(thread_url)
    assert browser_log.requests_to("POST", f"{thread_path}/reply") == ["xhr"]

    # --- Cveta reports Bojan's post ------------------------------------------------------
    cveta = member_page(new_context, live_server, CVETA)
    cveta.goto(thread_path)
    cveta.locator("#post-2").get_by_role("link", name="Report").click()
    expect(cveta.get_by_role("heading", level=1, name="Report a post")).to_be_visible()
    expect(cveta.locator("blockquote.post-body")).to_contain_text(BOJANS_REPLY)
    cveta.get_by_label("Spam or advertising").check()
    cveta.get_by_label("Anything the moderators should know (optional)").fill("Reklama.")
    cveta.get_by_role("button", name="Send the report").click()
    expect(cveta.get_by_role("status")).to_contain_text("The moderators will look at the post.")
    expect(cveta.get_by_role("heading", level=1, name=TITLE)).to_be_visible()

    # --- Milan, a moderator, hides it from the queue with a reason ------------------------
    milan = member_page(new_context, live_server, MILAN)
    milan.goto(f"/{SLUG}/discussions/")
    milan.get_by_role("link", name="Moderation queue").click()
    expect(milan.get_by_role("heading", level=1, name="Moderation queue")).to_be_visible()
    reported = milan.get_by_role("region", name="Reported posts")
    card = reported.locator("article.queue-item").filter(has_text=BOJANS_REPLY)
    expect(card).to_have_count(1)
    expect(card.get_by_role("link", name=f"{TITLE} #2")).to_be_visible()
    expect(card.get_by_text("Spam or advertising")).to_be_visible()
    expect(card.get_by_text(CVETA[1])).to_be_visible()
    card.get_by_label("Reason (recorded in the audit log)").fill(HIDE_REASON)
    card.get_by_role("button", name="Hide").click()
    expect(milan.get_by_role("status")).to_contain_text("The post is hidden.")
    expect(reported.get_by_text("No open reports.")).to_be_visible()
    hidden = milan.get_by_role("region", name="Hidden posts")
    expect(hidden.locator("article.queue-item").filter(has_text=HIDE_REASON)).to_have_count(1)

    # --- Everyone else sees the placeholder, not the text ---------------------------------
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(thread_path)
    placeholder = visitor.locator("#post-2 .placeholder")
    expect(placeholder).to_have_text(
        f"This post is hidden by the moderators. Reason: {HIDE_REASON}"
    )
    expect(visitor.get_by_text(BOJANS_REPLY)).to_have_count(0)
    expect(visitor.locator("#post-1")).to_contain_text(OPENING)
    cveta.reload()
    expect(cveta.locator("#post-2 .placeholder")).to_contain_text("hidden by the moderators")
    expect(cveta.get_by_text(BOJANS_REPLY)).to_have_count(0)
    # Bojan hears about it.
    bojan.goto("/notifications/")
    expect(
        bojan.locator("li.notification.is-unread").filter(has_text="A moderator acted on your post")
    ).to_have_count(1)

    # --- Bojan switches to a daily summary; Ana replies again -----------------------------
    bojan.get_by_role("link", name="E-mail settings").click()
    expect(bojan.get_by_role("heading", level=1, name="Notification settings")).to_be_visible()
    bojan.get_by_label("Once a day, as a summary").check()
    bojan.get_by_role("button", name="Save").click()
    expect(bojan.get_by_role("status")).to_contain_text("Your notification settings are saved.")
    expect(bojan.get_by_label("Once a day, as a summary")).to_be_checked()

    ana.goto(thread_path)
    ana.get_by_label("Your post").fill(ANAS_LATER_REPLY)
    ana.get_by_role("button", name="Post reply").click()
    expect(ana.locator("#posts > article.post")).to_have_count(3)
    expect(ana.locator("#post-3")).to_contain_text(ANAS_LATER_REPLY)

    # Until now Bojan got each notice by mail at once; Ana's last reply waits for the summary.
    assert [m.subject for m in live_server.outbox(to=BOJAN[0])] == [
        f"You were mentioned: {TITLE} · {TENANT_SHORT_NAME_EN}",
        f"A moderator acted on your post: {TITLE} · {TENANT_SHORT_NAME_EN}",
    ]

    # --- The digest goes out over real SMTP -------------------------------------------------
    live_server.app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    smtp_server.messages.clear()
    result = live_server.app.test_cli_runner().invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    assert "queued 1 digest mail(s)" in result.output, result.output
    assert ", failed 0" in result.output, result.output

    received = [
        message_from_bytes(envelope.content, policy=policy.default)
        for envelope in smtp_server.messages
        if envelope.rcpt_tos == [BOJAN[0]]
    ]
    digests = [m for m in received if "new notification" in m["Subject"]]
    assert len(digests) == 1, [m["Subject"] for m in received]
    digest = digests[0]
    assert digest["Subject"] == f"1 new notification · {TENANT_SHORT_NAME_EN}"
    text = digest.get_body(("plain",)).get_content()
    assert f"New reply: {TITLE} ({ANA[1]})" in text, text
    assert f"{base}/notifications/" in text
    unsubscribe = re.search(rf"{re.escape(base)}/notifications/unsubscribe/\S+", text)
    assert unsubscribe, text
    assert digest["List-Unsubscribe"] == f"<{unsubscribe.group(0)}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The link works from a mail client's browser, without logging in.
    mail_reader = new_context(locale="en-US").new_page()
    mail_reader.goto(unsubscribe.group(0))
    expect(mail_reader.get_by_role("heading", level=1, name="You are unsubscribed")).to_be_visible()
    bojan.goto("/notifications/settings")
    expect(bojan.get_by_label("Never")).to_be_checked()

    assert_clean(browser_log, base)
