"""After a meeting: minutes (coordinators and secretaries), attendance with the organization
each person represented, decisions numbered per group and year with their own address,
tasks for members (due ahead, overdue shown, marked done by the assignee), "my tasks", the
calendar, iCalendar files, notifications and the reminders job (each reminder once)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest

from solidarna.core.audit import AuditEntry
from solidarna.core.models import utcnow
from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups import meetings as meeting_service
from solidarna.groups import reminders, services
from solidarna.groups.models import GroupMeeting, MeetingRsvp
from solidarna.groups.records import (
    GroupDecision,
    GroupReminder,
    GroupTask,
    MeetingAttendance,
    MeetingMinutes,
)
from tests.groups.conftest import visitor


def client_of(space, email=None):
    client = visitor(space.app)
    if email:
        client.login(email)
    return client


def meeting(space, gid, *, days=-2, title="Sastanak o fondu", year=None) -> int:
    with tenant_context(space.tenant.id):
        starts = utcnow() + timedelta(days=days)
        if year is not None:
            starts = datetime(year, 6, 10, 15, 0, tzinfo=UTC)
        row = GroupMeeting(group_id=gid, title=title, starts_at=starts, place="Kruševac, sala 2",
                           agenda="1. Fond")  # fmt: skip
        db.session.add(row)
        db.session.commit()
        return row.id


def rows(space, model, *where):
    with tenant_context(space.tenant.id):
        return list(
            db.session.scalars(
                db.select(model).where(*where).execution_options(populate_existing=True)
            )
        )


def kinds(space, user) -> list[str]:
    return [n.kind for n in rows(space, Notification, Notification.user_id == user.id)]


@pytest.fixture
def setup(space):
    gid = space.group(join_policy="open")
    space.add(gid, space.rep1, organization_id=space.org1)
    space.add(gid, space.member, role="secretary")
    space.add(gid, space.rep2, role="observer", organization_id=space.org2)
    return gid


def base(gid, mid):
    return f"/alfa/groups/{gid}/meetings/{mid}"


def test_minutes_attendance_decisions_and_tasks(space, setup):
    gid = setup
    mid = meeting(space, gid)
    coordinator = client_of(space, "coord@example.org")
    secretary = client_of(space, "member@example.org")
    # the secretary writes the minutes; the members are told once, when they are published
    r = secretary.post(f"{base(gid, mid)}/minutes", {"minutes-body": "Dogovoreno je **sve**."})
    assert r.status_code == 303
    assert secretary.post(f"{base(gid, mid)}/minutes",
                          {"minutes-body": "Dogovoreno je **sve**. Dopuna."}).status_code == 303  # fmt: skip
    (minutes,) = rows(space, MeetingMinutes)
    assert minutes.body.endswith("Dopuna.") and minutes.published_at is not None
    assert kinds(space, space.rep1).count("groups.minutes") == 1
    # attendance: members, each with the organization of their membership
    memberships = {m.user_id: m.id for m in [space.membership(gid, space.rep1),
                                              space.membership(gid, space.coordinator)]}  # fmt: skip
    r = secretary.post(f"{base(gid, mid)}/attendance",
                       {"attendance-present": list(memberships.values())})  # fmt: skip
    assert r.status_code == 303
    present = rows(space, MeetingAttendance)
    assert {(a.user_id, a.organization_id) for a in present} == {
        (space.rep1.id, space.org1), (space.coordinator.id, None)}  # fmt: skip
    # taking it again changes the list, never doubles it
    r = secretary.post(f"{base(gid, mid)}/attendance",
                       {"attendance-present": [memberships[space.rep1.id]]})  # fmt: skip
    assert r.status_code == 303 and len(rows(space, MeetingAttendance)) == 1
    # decisions: numbered in the meeting's year; the secretary may not record one
    year = rows(space, GroupMeeting)[0].starts_at.astimezone(UTC).year
    form = {"decision-title": "Grupa priprema predlog garantnog fonda", "decision-body": "Zato."}
    assert secretary.post(f"{base(gid, mid)}/decisions", form).status_code == 403
    assert coordinator.post(f"{base(gid, mid)}/decisions", form).status_code == 303
    r = coordinator.post(f"{base(gid, mid)}/decisions", {"decision-title": "Druga odluka"})
    assert r.status_code == 303
    numbers = sorted(d.number for d in rows(space, GroupDecision))
    assert numbers == [1, 2]
    page = client_of(space).get(f"/alfa/groups/{gid}/decisions/{year}/2")
    assert page.status_code == 200 and f"Decision 2/{year}" in page.get_data(as_text=True)
    assert client_of(space).get(f"/alfa/groups/{gid}/decisions/{year}/3").status_code == 404
    # a task for a member, due ahead; the assignee is told
    due = (services.today() + timedelta(days=5)).isoformat()
    r = coordinator.post(f"{base(gid, mid)}/tasks", {"task-title": "Prikupiti podatke",
                         "task-assignee_id": space.rep1.id, "task-due_on": due})  # fmt: skip
    assert r.status_code == 303
    (task,) = rows(space, GroupTask)
    assert task.assignee_id == space.rep1.id and "groups.task_assigned" in kinds(space, space.rep1)
    # the meeting page shows it all, to visitors of a public group too
    html = client_of(space).get(base(gid, mid)).get_data(as_text=True)
    assert "<strong>sve</strong>" in html and "1 person present" in html
    assert "Prikupiti podatke" in html and "Druga odluka" in html and "Rade Zadrugar" in html
    # the audit log has every step
    actions = {e.action for e in rows(space, AuditEntry)}
    assert {"group.minutes_published", "group.minutes_changed", "group.attendance_taken",
            "group.decision_recorded", "group.task_given"} <= actions  # fmt: skip


def test_decisions_are_numbered_per_group_and_year(space, setup):
    gid = setup
    other = space.group(name="Javne nabavke", join_policy="open")
    coordinator = client_of(space, "coord@example.org")
    this_year = services.today().year
    old = meeting(space, gid, year=this_year - 1)
    new = meeting(space, gid)
    elsewhere = meeting(space, other)
    for mid, gid_ in ((old, gid), (old, gid), (new, gid), (elsewhere, other), (new, gid)):
        r = coordinator.post(f"{base(gid_, mid)}/decisions", {"decision-title": "Odluka grupe"})
        assert r.status_code == 303
    labels = sorted((d.group_id, d.year, d.number) for d in rows(space, GroupDecision))
    assert labels == sorted([(gid, this_year - 1, 1), (gid, this_year - 1, 2), (gid, this_year, 1),
                             (gid, this_year, 2), (other, this_year, 1)])  # fmt: skip
    # the decision's address is per group: another group's number is not found there
    assert client_of(space).get(f"/alfa/groups/{other}/decisions/{this_year}/2").status_code == 404


def test_bad_input_is_refused_and_kept(space, setup):
    gid = setup
    past = meeting(space, gid)
    future = meeting(space, gid, days=3, title="Sledeći sastanak")
    coordinator = client_of(space, "coord@example.org")
    yesterday = (services.today() - timedelta(days=1)).isoformat()
    r = coordinator.post(f"{base(gid, past)}/tasks", {"task-title": "Zadatak iz prošlosti",
                         "task-assignee_id": space.rep1.id, "task-due_on": yesterday})  # fmt: skip
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "this day has passed" in html and "Zadatak iz prošlosti" in html
    # the assignee must be an active member of the group
    r = coordinator.post(f"{base(gid, past)}/tasks", {"task-title": "Za spoljnog",
                         "task-assignee_id": space.outsider.id,
                         "task-due_on": services.today().isoformat()})  # fmt: skip
    assert r.status_code == 422 and "Za spoljnog" in r.get_data(as_text=True)
    # minutes of a meeting that has not taken place are refused (and no form is offered)
    r = coordinator.post(f"{base(gid, future)}/minutes", {"minutes-body": "Unapred napisano"})
    assert r.status_code == 422 and "has not taken place yet" in r.get_data(as_text=True)
    assert "Publish the minutes" not in coordinator.get(base(gid, future)).get_data(as_text=True)
    r = coordinator.post(f"{base(gid, future)}/decisions", {"decision-title": "Prerano"})
    assert r.status_code == 422
    # empty minutes, unknown people in attendance, a bad day
    assert coordinator.post(f"{base(gid, past)}/minutes", {"minutes-body": ""}).status_code == 422
    r = coordinator.post(f"{base(gid, past)}/attendance", {"attendance-present": ["999999"]})
    assert r.status_code == 422
    r = coordinator.post(f"{base(gid, past)}/tasks", {"task-title": "Zadatak",
                         "task-assignee_id": space.rep1.id, "task-due_on": "sutra"})  # fmt: skip
    assert r.status_code == 422 and "Zadatak" in r.get_data(as_text=True)
    assert not rows(space, GroupTask) and not rows(space, MeetingMinutes)
    assert not rows(space, GroupDecision) and not rows(space, MeetingAttendance)


def test_duplicate_attendance_is_impossible(space, setup):
    gid = setup
    mid = meeting(space, gid)
    with tenant_context(space.tenant.id):
        db.session.add(MeetingAttendance(meeting_id=mid, user_id=space.rep1.id))
        db.session.commit()
        db.session.add(MeetingAttendance(meeting_id=mid, user_id=space.rep1.id))
        with pytest.raises(Exception, match="(?i)unique"):
            db.session.commit()
        db.session.rollback()


def give_task(space, gid, mid, user, days=3, title="Napisati nacrt"):
    with tenant_context(space.tenant.id):
        task = GroupTask(group_id=gid, meeting_id=mid, title=title, assignee_id=user.id,
                         due_on=services.today() + timedelta(days=days))  # fmt: skip
        db.session.add(task)
        db.session.commit()
        return task.id


def test_my_tasks_overdue_and_marking_done(space, setup):
    gid = setup
    other = space.group(name="Obuke", join_policy="open")
    space.add(other, space.rep1)
    mid = meeting(space, gid)
    late = give_task(space, gid, mid, space.rep1, days=-2, title="Zakasneli zadatak")
    soon = give_task(space, other, None, space.rep1, days=4, title="Zadatak u obukama")
    foreign = give_task(space, gid, mid, space.member, title="Tuđi zadatak")
    rep1 = client_of(space, "rep1@example.org")
    html = rep1.get("/alfa/groups/tasks/").get_data(as_text=True)
    assert html.index("Zakasneli zadatak") < html.index("Zadatak u obukama")
    assert "Overdue" in html and "Tuđi zadatak" not in html and "Obuke" in html
    assert client_of(space).get("/alfa/groups/tasks/").status_code == 302
    # the assignee marks their own task done, not another's; the coordinator any
    r = rep1.post(f"/alfa/groups/{gid}/tasks/{late}/done", {"done": "1"})
    assert r.status_code == 303
    assert rep1.post(f"/alfa/groups/{gid}/tasks/{foreign}/done", {"done": "1"}).status_code == 403
    assert rep1.post(f"/alfa/groups/{gid}/tasks/{soon}/done", {"done": "1"}).status_code == 404
    assert rep1.post(f"/alfa/groups/{gid}/tasks/{late}/done", {"done": "x"}).status_code == 422
    coordinator = client_of(space, "coord@example.org")
    assert coordinator.post(f"/alfa/groups/{gid}/tasks/{foreign}/done",
                            {"done": "1"}).status_code == 303  # fmt: skip
    done = {t.id for t in rows(space, GroupTask) if t.done_at is not None}
    assert done == {late, foreign}
    html = rep1.get("/alfa/groups/tasks/").get_data(as_text=True)
    open_part = html.split("Done lately")[0]
    assert "Zakasneli zadatak" not in open_part and "Zadatak u obukama" in open_part
    # the group page lists the open tasks only
    page = client_of(space).get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Zakasneli zadatak" not in page and "Tuđi zadatak" not in page
    assert rep1.post(f"/alfa/groups/{gid}/tasks/{late}/done", {"done": "0"}).status_code == 303
    assert "Zakasneli zadatak" in client_of(space).get(f"/alfa/groups/{gid}").get_data(as_text=True)


def test_permissions(space, setup):
    gid = setup
    mid = meeting(space, gid)
    secret = space.group(name="Tajna grupa", visibility="private", join_policy="invitation")
    hidden = meeting(space, secret)
    # observers and plain members read, but do not write
    observer = client_of(space, "rep2@example.org")
    assert observer.get(base(gid, mid)).status_code == 200
    for path, data in (("minutes", {"minutes-body": "x"}), ("attendance", {}),
                       ("decisions", {"decision-title": "Odluka"}),
                       ("tasks", {"task-title": "Zadatak"})):  # fmt: skip
        assert observer.post(f"{base(gid, mid)}/{path}", data).status_code == 403
    assert client_of(space, "rep1@example.org").post(
        f"{base(gid, mid)}/minutes", {"minutes-body": "x"}).status_code == 403  # fmt: skip
    # the space's admins do everything
    owner = client_of(space, "owner@example.org")
    assert owner.post(f"{base(gid, mid)}/decisions", {"decision-title": "Odluka vlasnice"}
                      ).status_code == 303  # fmt: skip
    # a private group's record and calendars look like nothing to outsiders
    for who in (None, "rep1@example.org", "out@example.org"):
        client = client_of(space, who)
        for path in (base(secret, hidden), f"{base(secret, hidden)}/calendar.ics",
                     f"/alfa/groups/{secret}/calendar.ics"):  # fmt: skip
            assert client.get(path).status_code == 404, (who, path)
        assert "Tajna grupa" not in client.get("/alfa/groups/calendar/").get_data(as_text=True)
    assert owner.get(base(secret, hidden)).status_code == 200


def test_ics_of_a_meeting_and_of_a_group(space, setup):
    gid = setup
    ahead = meeting(space, gid, days=6, title="Sastanak o nabavkama")
    meeting(space, gid, days=-10, title="Prošli sastanak")
    meeting(space, gid, days=-400, title="Davni sastanak")
    member = client_of(space, "rep1@example.org")
    r = member.get(f"{base(gid, ahead)}/calendar.ics")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    assert "attachment" in r.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(r.data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Sastanak o nabavkama")
    assert str(event["LOCATION"]) == "Kruševac, sala 2"
    base_url = space.app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert str(event["URL"]) == f"{base_url}/alfa/groups/{gid}/meetings/{ahead}"
    assert f"/alfa/groups/{gid}/meetings/{ahead}" in str(event["DESCRIPTION"])
    with tenant_context(space.tenant.id):
        starts = db.session.get(GroupMeeting, ahead).starts_at
    assert abs(event.decoded("DTSTART") - starts) < timedelta(seconds=1)
    uid = str(event["UID"])
    again = icalendar.Calendar.from_ical(member.get(f"{base(gid, ahead)}/calendar.ics").data)
    assert str(again.walk("VEVENT")[0]["UID"]) == uid  # stable per meeting
    feed = client_of(space).get(f"/alfa/groups/{gid}/calendar.ics")
    assert feed.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")]
    assert any(s.startswith("Sastanak o nabavkama") for s in summaries)
    assert any(s.startswith("Prošli sastanak") for s in summaries)
    assert not any(s.startswith("Davni sastanak") for s in summaries)
    assert uid in feed.get_data(as_text=True)


def test_calendar_lists_upcoming_meetings_by_month(space, setup):
    gid = setup
    meeting(space, gid, days=3, title="Uskoro")
    meeting(space, gid, days=70, title="Kasnije")
    meeting(space, gid, days=-3, title="Bilo je")
    html = client_of(space).get("/alfa/groups/calendar/").get_data(as_text=True)
    assert html.index("Uskoro") < html.index("Kasnije") and "Bilo je" not in html
    assert html.count('<h2 id="month-') >= 2


def test_new_meetings_notify_the_members(space, setup):
    gid = setup
    coordinator = client_of(space, "coord@example.org")
    day = (services.today() + timedelta(days=30)).isoformat()
    r = coordinator.post(f"/alfa/groups/{gid}/meetings/new",
                         {"title": "Novi sastanak", "day": day, "starts": "17:00",
                          "place": "Sala"})  # fmt: skip
    assert r.status_code == 303
    assert "groups.meeting" in kinds(space, space.rep1)
    assert "groups.meeting" not in kinds(space, space.coordinator)  # not the actor
    assert "groups.meeting" not in kinds(space, space.outsider)


def test_reminders_go_once(space, setup):
    gid = setup
    with space.app.app_context():
        tomorrow = services.today() + timedelta(days=1)
        starts = meeting_service.to_utc(tomorrow, time(18, 0))
    with tenant_context(space.tenant.id):
        row = GroupMeeting(group_id=gid, title="Sutrašnji sastanak", starts_at=starts, place="Sala")
        db.session.add(row)
        db.session.flush()
        db.session.add_all([
            MeetingRsvp(meeting_id=row.id, user_id=space.rep1.id, answer="yes"),
            MeetingRsvp(meeting_id=row.id, user_id=space.member.id, answer="maybe"),
            MeetingRsvp(meeting_id=row.id, user_id=space.coordinator.id, answer="no"),
        ])  # fmt: skip
        db.session.commit()
    mid = meeting(space, gid)
    give_task(space, gid, mid, space.rep1, days=1, title="Sutra rok")
    give_task(space, gid, mid, space.member, days=-3, title="Kasni")
    give_task(space, gid, mid, space.member, days=5, title="Ima vremena")
    with space.app.test_request_context():
        sent = reminders.send_reminders()
        db.session.commit()
        again = reminders.send_reminders()
        db.session.commit()
    assert (sent, again) == (4, 0)
    assert kinds(space, space.rep1).count("groups.meeting_reminder") == 1
    assert kinds(space, space.rep1).count("groups.task_due") == 1
    assert kinds(space, space.member).count("groups.meeting_reminder") == 1
    assert kinds(space, space.member).count("groups.task_due") == 1  # the overdue one
    assert "groups.meeting_reminder" not in kinds(space, space.coordinator)
    assert len(rows(space, GroupReminder)) == 4


def test_the_job_and_the_notification_kinds_are_declared(app):
    from solidarna.core import jobs
    from solidarna.core.capabilities import registry

    spec = jobs.SPECS["groups.send_reminders"]
    assert spec.schedule is not None and spec.func is reminders.send_reminders_hourly
    with app.app_context():
        declared = registry().notification_kinds()
    assert {"groups.meeting", "groups.minutes", "groups.decision", "groups.task_assigned",
            "groups.meeting_reminder", "groups.task_due", "groups.document"} <= set(declared)  # fmt: skip


def test_two_decisions_at_once_take_the_next_numbers(space, setup, monkeypatch):
    """Another coordinator's decision lands between reading the next number and writing it:
    the unique constraint refuses ours, which takes the number after (no 500)."""
    from sqlalchemy import insert

    from solidarna.groups import work

    gid = setup
    mid = meeting(space, gid)
    year = rows(space, GroupMeeting)[0].starts_at.astimezone(UTC).year
    real, calls = work._next_number, []

    def racing(group, year_):
        number = real(group, year_)
        if not calls:  # the other decision, written after we read the number
            db.session.execute(insert(GroupDecision), [{
                "tenant_id": space.tenant.id, "group_id": gid, "meeting_id": mid, "year": year_,
                "number": number, "title": "Odluka druge koordinatorke", "body": "",
            }])  # fmt: skip
        calls.append(number)
        return number

    monkeypatch.setattr(work, "_next_number", racing)
    coordinator = client_of(space, "coord@example.org")
    r = coordinator.post(f"{base(gid, mid)}/decisions", {"decision-title": "Naša odluka"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#decision-{year}-2")
    assert calls == [1, 2]
    found = sorted((d.number, d.title) for d in rows(space, GroupDecision))
    assert found == [(1, "Odluka druge koordinatorke"), (2, "Naša odluka")]


def test_a_second_clash_answers_409_with_the_form_kept(space, setup, monkeypatch):
    from solidarna.groups import work

    gid = setup
    mid = meeting(space, gid)
    coordinator = client_of(space, "coord@example.org")
    assert (
        coordinator.post(f"{base(gid, mid)}/decisions", {"decision-title": "Prva"}).status_code
        == 303
    )
    monkeypatch.setattr(work, "_next_number", lambda group, year: 1)  # always a taken number
    r = coordinator.post(f"{base(gid, mid)}/decisions",
                         {"decision-title": "Odluka koja čeka", "decision-body": "Obrazloženje."})  # fmt: skip
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "recorded at the same moment" in page and "Odluka koja čeka" in page
    assert [d.title for d in rows(space, GroupDecision)] == ["Prva"]


def test_the_group_page_shows_ten_upcoming_meetings_and_its_calendar_the_rest(space, setup):
    from solidarna.groups.meetings import UPCOMING_SHOWN

    gid = setup
    other = space.group(name="Druga grupa")
    secret = space.group(name="Tajna grupa", visibility="private")
    for n in range(UPCOMING_SHOWN):
        meeting(space, gid, days=n + 1, title=f"Sastanak broj {n + 1:02d}")
    page = client_of(space).get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Sastanak broj 10" in page and "All upcoming meetings of the group" not in page
    meeting(space, gid, days=40, title="Sastanak broj 11")
    meeting(space, other, days=2, title="Sastanak druge grupe")
    meeting(space, secret, days=2, title="Tajni sastanak")
    page = client_of(space).get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Sastanak broj 10" in page and "Sastanak broj 11" not in page
    assert f'href="/alfa/groups/calendar/?group={gid}"' in page
    calendar = client_of(space).get(f"/alfa/groups/calendar/?group={gid}").get_data(as_text=True)
    assert "Sastanak broj 11" in calendar and "Sastanak broj 01" in calendar
    assert "Sastanak druge grupe" not in calendar and "Upcoming meetings of" in calendar
    everything = client_of(space).get("/alfa/groups/calendar/").get_data(as_text=True)
    assert "Sastanak druge grupe" in everything and "Tajni sastanak" not in everything
    # a group the reader may not see, or none, or nonsense: 404
    for value in (secret, 999999, "abc", "1" * 20):
        assert client_of(space).get(f"/alfa/groups/calendar/?group={value}").status_code == 404
    coordinator = client_of(space, "coord@example.org")
    assert "Tajni sastanak" in coordinator.get(f"/alfa/groups/calendar/?group={secret}").get_data(
        as_text=True
    )
