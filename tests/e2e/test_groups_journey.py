"""The working groups journey in Chromium: an admin starts a group on a theme of the kit; a
representative asks to join on behalf of their organization; the admin, its coordinator,
accepts and schedules a meeting; the member answers "Coming" and downloads the meeting's .ics;
a visitor sees the group with the organization, its municipality and the meeting. After the
meeting, the coordinator writes the minutes with a decision and a task for the member, who
finds it in "My tasks" and marks it done."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
from playwright.sync_api import expect

from tests.e2e.test_accounts_journey import assert_clean
from tests.e2e.test_discussions_journey import add_member, member_page
from tests.e2e.test_proposals_journey import add_representative
from tests.e2e.test_tenant_journey import (
    OWNER_EMAIL,
    OWNER_PASSWORD,
    SLUG,
    log_in,
    make_krusevac_with_owner,
)

REP = ("rade.zadruga@example.org", "Rade Zadrugić", "rade predstavlja zadrugu")
GROUP = "Pristup finansijama za zadruge"
ORG = "Zadruga Rasinski med"


def test_ask_for_an_organization_accept_schedule_and_answer(live_server, new_context, browser_log):
    make_krusevac_with_owner(live_server)
    add_member(live_server, REP)
    add_representative(live_server, REP, ORG, "cooperative")

    # --- an admin starts the group ---------------------------------------------------------
    admin = new_context(locale="en-US").new_page()
    log_in(admin, live_server.url, OWNER_EMAIL, OWNER_PASSWORD)
    admin.goto(f"/{SLUG}/")
    admin.locator("header nav.main-nav").get_by_role("link", name="Working groups").click()
    admin.get_by_role("link", name="Start a working group").click()
    expect(admin.get_by_role("heading", level=1, name="Start a working group")).to_be_visible()
    admin.get_by_label("Name", exact=True).fill(GROUP)
    admin.get_by_label("Theme").select_option(label="Access to finance")
    admin.get_by_label("Mandate").fill("Krediti i garancije za **zadruge**.")
    admin.get_by_label("On request: a coordinator approves").check()
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("heading", level=1, name=GROUP)).to_be_visible()
    group_url = admin.url.split("#")[0]

    # --- the representative asks to join for the cooperative -------------------------------
    rep = member_page(new_context, live_server, REP)
    rep.goto(group_url)
    rep.get_by_label("On behalf of").select_option(label=ORG)
    rep.get_by_label("A few words for the coordinators").fill("Zadruga želi da učestvuje.")
    rep.get_by_role("button", name="Ask to join").click()
    expect(rep.get_by_role("status")).to_contain_text("Your request is sent")

    # --- the coordinator accepts and schedules a meeting -----------------------------------
    admin.goto(group_url)
    admin.get_by_role("link", name="Members and requests").click()
    waiting = admin.locator("#waiting")
    expect(waiting).to_contain_text(ORG)
    waiting.get_by_role("button", name=f"Accept {REP[1]}").click()
    expect(admin.get_by_role("status")).to_contain_text(f"{REP[1]} is in the group.")
    admin.goto(group_url)
    admin.get_by_role("link", name="Schedule a meeting").click()
    expect(admin.get_by_role("heading", level=1, name="Schedule a meeting")).to_be_visible()
    admin.get_by_label("Title").fill("Prvi sastanak")
    admin.get_by_label("Day").fill(f"{date.today().year + 1}-03-10")
    admin.get_by_label("Starts at").fill("17:30")
    admin.get_by_label("Place").fill("Kancelarija, sala 2")
    admin.get_by_label("Agenda").fill("1. Upoznavanje\n2. Plan rada")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("status")).to_contain_text("The meeting is scheduled.")

    # --- the member answers ------------------------------------------------------------------
    rep.goto(group_url)
    rep.locator("#meetings").get_by_role("button", name="Coming", exact=True).click()
    expect(rep.get_by_role("status")).to_contain_text("Your answer is saved.")
    expect(rep.locator("#meetings")).to_contain_text("1 coming, 0 maybe, 0 not coming")

    # --- what a visitor sees -------------------------------------------------------------------
    visitor = new_context(locale="en-US").new_page()
    visitor.goto(group_url)
    expect(visitor.locator("table.group-members tbody tr")).to_have_count(2)
    organizations = visitor.locator("table.group-organizations")
    expect(organizations).to_contain_text(ORG)
    expect(organizations).to_contain_text("Kruševac")
    expect(visitor.locator("#meetings")).to_contain_text("Prvi sastanak")
    expect(visitor.locator("#meetings")).to_contain_text("17:30")

    # --- the member puts the meeting in their calendar ---------------------------------------
    rep.goto(group_url)
    with rep.expect_download() as download:
        rep.locator("#meetings").get_by_role("link", name="Add to calendar (.ics)").click()
    with open(download.value.path(), "rb") as file:
        (event,) = icalendar.Calendar.from_ical(file.read()).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Prvi sastanak")
    assert str(event["LOCATION"]) == "Kancelarija, sala 2"
    assert "/meetings/" in str(event["URL"]) and str(event["URL"]) in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART").strftime("%H:%M") in ("15:30", "16:30")  # 17:30 in Belgrade

    # --- after the meeting: minutes, a decision and a task -----------------------------------
    held_two_days_ago(live_server, "Prvi sastanak")
    admin.goto(group_url)
    admin.locator("#meetings").get_by_role("link", name="Prvi sastanak").click()
    expect(admin.get_by_role("heading", level=1, name="Prvi sastanak")).to_be_visible()
    admin.get_by_role("textbox", name="Minutes").fill("Dogovoren je **plan rada** za godinu.")
    admin.get_by_role("button", name="Publish the minutes").click()
    expect(admin.get_by_role("status")).to_contain_text("The minutes are saved.")
    admin.get_by_role("link", name="Take the attendance").click()
    expect(admin.get_by_role("heading", level=1, name="Attendance")).to_be_visible()
    admin.get_by_label(f"{REP[1]} ({ORG})").check()
    admin.get_by_role("button", name="Save the attendance").click()
    expect(admin.get_by_role("status")).to_contain_text("The attendance is saved.")
    expect(admin.locator("#attendance table")).to_contain_text(ORG)
    admin.get_by_role("textbox", name="Decision", exact=True).fill(
        "Grupa priprema predlog garantnog fonda"
    )
    admin.get_by_role("button", name="Record the decision").click()
    expect(admin.get_by_role("status")).to_contain_text("Decision 1/")
    admin.get_by_role("textbox", name="Task", exact=True).fill("Prikupiti podatke o kreditima")
    admin.get_by_label("Who does it").select_option(label=f"{REP[1]} ({ORG})")
    admin.get_by_label("Due on").fill((date.today() + timedelta(days=7)).isoformat())
    admin.get_by_role("button", name="Give the task").click()
    expect(admin.get_by_role("status")).to_contain_text("The task is given.")
    expect(admin.locator("#minutes")).to_contain_text("plan rada")

    # --- the assignee sees the task and marks it done ----------------------------------------
    rep.goto(f"/{SLUG}/groups/")
    rep.get_by_role("link", name="My tasks").click()
    expect(rep.get_by_role("heading", level=1, name="My tasks")).to_be_visible()
    task = rep.locator("li.task", has_text="Prikupiti podatke o kreditima")
    expect(task).to_contain_text(GROUP)
    task.get_by_role("button", name="Mark done").click()
    expect(rep.get_by_role("status")).to_contain_text("The task is done.")
    expect(rep.locator("li.task.done", has_text="Prikupiti podatke o kreditima")).to_be_visible()
    assert_clean(browser_log, live_server.url)


def held_two_days_ago(live_server, title: str) -> None:
    """Time passes: the meeting took place two days ago (minutes come after a meeting)."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.groups.models import GroupMeeting
    from solidarna.tenants.models import Tenant

    with live_server.app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            meeting = db.session.scalar(db.select(GroupMeeting).where(GroupMeeting.title == title))
            length = (meeting.ends_at - meeting.starts_at) if meeting.ends_at else None
            meeting.starts_at = meeting.starts_at.replace(
                year=date.today().year, month=date.today().month, day=date.today().day
            ) - timedelta(days=2)
            meeting.ends_at = meeting.starts_at + length if length else None
            db.session.commit()
        db.session.remove()
