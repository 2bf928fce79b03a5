"""Meetings: scheduled by coordinators in Belgrade time and stored in UTC, refused in the past
or ending before they start, answered by members (not observers), upcoming and past on the
group's page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups import meetings
from solidarna.groups.models import GroupMeeting, MeetingRsvp
from solidarna.groups.services import today as belgrade_today
from tests.groups.conftest import visitor

NEXT_YEAR = belgrade_today().year + 1


def client_of(space, email=None):
    client = visitor(space.app)
    if email:
        client.login(email)
    return client


def form(**changes):
    data = {"title": "Prvi sastanak", "day": f"{NEXT_YEAR}-07-15", "starts": "17:30",
            "ends": "19:00", "place": "Kancelarija, sala 2", "online_url": "",
            "agenda": "1. Upoznavanje\n2. Plan rada"}  # fmt: skip
    data.update(changes)
    return data


def only_meeting(space):
    with tenant_context(space.tenant.id):
        return db.session.scalars(
            db.select(GroupMeeting).execution_options(populate_existing=True)
        ).one()


def test_belgrade_time_is_stored_in_utc(app):
    with app.app_context():
        summer = meetings.to_utc(date(2027, 7, 15), time(17, 30))
        winter = meetings.to_utc(date(2027, 1, 15), time(17, 30))
    assert summer == datetime(2027, 7, 15, 15, 30, tzinfo=UTC)  # CEST, UTC+2
    assert winter == datetime(2027, 1, 15, 16, 30, tzinfo=UTC)  # CET, UTC+1


def test_a_coordinator_schedules_and_members_answer(space):
    gid = space.group(join_policy="open")
    space.add(gid, space.member)
    space.add(gid, space.rep2, role="observer")
    coordinator = client_of(space, "coord@example.org")
    assert coordinator.get(f"/alfa/groups/{gid}/meetings/new").status_code == 200
    response = coordinator.post(f"/alfa/groups/{gid}/meetings/new", form())
    assert response.status_code == 303
    meeting = only_meeting(space)
    assert meeting.starts_at == datetime(NEXT_YEAR, 7, 15, 15, 30, tzinfo=UTC)
    assert meeting.ends_at == datetime(NEXT_YEAR, 7, 15, 17, 0, tzinfo=UTC)
    page = client_of(space).get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Prvi sastanak" in page and "17:30" in page and "<li>Plan rada</li>" in page
    assert "Will you come?" not in page  # visitors do not answer
    member = client_of(space, "member@example.org")
    url = f"/alfa/groups/{gid}/meetings/{meeting.id}/rsvp"
    assert member.post(url, {"answer": "maybe"}).status_code == 303
    assert member.post(url, {"answer": "yes"}).status_code == 303
    assert member.post(url, {"answer": "perhaps"}).status_code == 422
    meeting = only_meeting(space)
    assert (meeting.yes_count, meeting.maybe_count, meeting.no_count) == (1, 0, 0)
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(MeetingRsvp.id))) == 1
    assert "Your answer: Coming." in member.get(f"/alfa/groups/{gid}").get_data(as_text=True)
    # observers read; people outside the group do not answer
    assert client_of(space, "rep2@example.org").post(url, {"answer": "yes"}).status_code == 403
    assert client_of(space, "rep1@example.org").post(url, {"answer": "yes"}).status_code == 403
    # members do not schedule
    assert member.post(f"/alfa/groups/{gid}/meetings/new", form()).status_code == 403


def test_bad_meetings_are_refused_and_kept(space):
    gid = space.group()
    coordinator = client_of(space, "coord@example.org")
    url = f"/alfa/groups/{gid}/meetings/new"
    cases = [
        (form(day="2020-01-10"), "this time has passed"),
        (form(ends="16:00"), "ends after it starts"),
        (form(place="", online_url=""), "a place, an online link or both"),
        (form(online_url="javascript:alert(1)"), "https://"),
        (form(starts="25:99"), "Enter a time"),
        (form(day="31.02.2027."), "Enter a date"),
        (form(title=""), "error-summary"),
    ]
    for data, message in cases:
        response = coordinator.post(url, data)
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert message in html, (data, message)
        assert data["title"] in html  # what was typed is kept
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(GroupMeeting.id))) == 0


def test_past_meetings_take_no_answers_and_are_listed_apart(space):
    gid = space.group(join_policy="open")
    space.add(gid, space.member)
    with tenant_context(space.tenant.id):
        past = GroupMeeting(group_id=gid, title="Osnivački sastanak", place="Kruševac",
                            starts_at=datetime.now(UTC) - timedelta(days=30))  # fmt: skip
        db.session.add(past)
        db.session.commit()
        past_id = past.id
    member = client_of(space, "member@example.org")
    assert (
        member.post(f"/alfa/groups/{gid}/meetings/{past_id}/rsvp", {"answer": "yes"}).status_code
        == 409
    )
    page = member.get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Past meetings" in page and "Osnivački sastanak" in page
    # a past meeting's other details may still be corrected without moving it
    coordinator = client_of(space, "coord@example.org")
    edit = coordinator.get(f"/alfa/groups/{gid}/meetings/{past_id}/edit").get_data(as_text=True)
    assert 'value="Osnivački sastanak"' in edit


def test_changing_a_meeting(space):
    gid = space.group()
    coordinator = client_of(space, "coord@example.org")
    coordinator.post(f"/alfa/groups/{gid}/meetings/new", form())
    meeting = only_meeting(space)
    url = f"/alfa/groups/{gid}/meetings/{meeting.id}/edit"
    page = coordinator.get(url).get_data(as_text=True)
    assert 'value="17:30"' in page and f'value="{NEXT_YEAR}-07-15"' in page
    response = coordinator.post(url, form(starts="18:00", online_url="https://meet.example.org/x"))
    assert response.status_code == 303
    meeting = only_meeting(space)
    assert meeting.starts_at == datetime(NEXT_YEAR, 7, 15, 16, 0, tzinfo=UTC)
    assert meeting.online_url == "https://meet.example.org/x"
    meeting_id = meeting.id
    other = space.group(name="Druga grupa")
    assert coordinator.get(f"/alfa/groups/{other}/meetings/{meeting_id}/edit").status_code == 404
