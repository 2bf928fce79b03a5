"""The list and a group's page render with the same number of SQL statements at two data
sizes (DESIGN §9: no N+1): 5 and 120 groups; 3 and 90 members, most for organizations, with
1 and 30 upcoming and as many past meetings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.groups.models import GroupMeeting, GroupMembership, WorkingGroup
from tests.conftest import statements
from tests.groups.conftest import visitor

CEILING = 24


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False  # the render's statements, not the cache's one


def fill_list(space, count: int, parent: int) -> None:
    now = utcnow()
    with tenant_context(space.tenant.id):
        db.session.execute(
            insert(WorkingGroup),
            [
                {"tenant_id": space.tenant.id, "name": f"Grupa {n}", "theme": "finance",
                 "mandate": "Mandat.", "goals": "", "visibility": "public",
                 "join_policy": "open", "parent_id": parent if n % 3 == 0 else None,
                 "member_count": 1, "search_text": f"grupa {n}", "created_at": now,
                 "updated_at": now}
                for n in range(count)
            ],
        )  # fmt: skip
        db.session.commit()


def fill_group(space, members: int) -> int:
    gid = space.group(name=f"Grupa sa {members}")
    now = utcnow()
    with tenant_context(space.tenant.id):
        db.session.execute(
            insert(Organization),
            [
                {"tenant_id": space.tenant.id, "name": f"Org {gid}-{n}", "legal_form": "association",
                 "actor_type": "association", "municipality": ("Brus", "Trstenik")[n % 2],
                 "district_iso": "RS-19", "moderation": "verified", "se_status": "no",
                 "status": "active", "source": "office", "field_visibility": {},
                 "created_at": now, "updated_at": now}
                for n in range(members)
            ],
        )  # fmt: skip
        orgs = db.session.scalars(
            db.select(Organization.id).where(Organization.name.like(f"Org {gid}-%"))
        ).all()
        users = []
        for n in range(members):
            users.append(
                {"email": f"g{gid}u{n}@example.org", "name": f"Osoba {n}", "locale": "en",
                 "password_hash": "", "created_at": now, "updated_at": now}
            )  # fmt: skip
    from solidarna.accounts.models import User

    db.session.execute(insert(User), users)
    ids = db.session.scalars(
        db.select(User.id).where(User.email.like(f"g{gid}u%@example.org"))
    ).all()
    with tenant_context(space.tenant.id):
        db.session.execute(
            insert(GroupMembership),
            [
                {"tenant_id": space.tenant.id, "group_id": gid, "user_id": uid,
                 "organization_id": orgs[n] if n % 4 else None,
                 "organization_name": f"Org {orgs[n]}" if n % 4 else "", "role": "member",
                 "status": "active", "message": "", "created_at": now}
                for n, uid in enumerate(ids)
            ],
        )  # fmt: skip
        db.session.execute(
            insert(GroupMeeting),
            [
                {"tenant_id": space.tenant.id, "group_id": gid, "title": f"Sastanak {n}",
                 "starts_at": now + timedelta(days=n - max(1, members // 3), hours=1), "place": "Brus",
                 "online_url": "", "agenda": "1. Dnevni red", "yes_count": 0,
                 "maybe_count": 0, "no_count": 0, "created_at": now, "updated_at": now}
                for n in range(2 * max(1, members // 3))
            ],
        )  # fmt: skip
        db.session.commit()
    return gid


def count(app, url: str, login: str | None) -> int:
    client = visitor(app)
    if login:
        client.login(login)
    assert client.get(url).status_code == 200  # warm up
    with statements(db.engine) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


@pytest.mark.parametrize("login", [None, "member@example.org", "owner@example.org"])
def test_list_statements_do_not_grow_with_groups(space, login):
    parent = space.group(name="Roditeljska grupa")
    fill_list(space, 5, parent)
    small = count(space.app, "/alfa/groups/", login)
    fill_list(space, 120, parent)
    large = count(space.app, "/alfa/groups/", login)
    filtered = count(space.app, "/alfa/groups/?q=grupa&theme=finance&mine=1&joinable=1", login)
    assert small == large <= CEILING and filtered <= CEILING


@pytest.mark.parametrize("login", [None, "rep1@example.org", "coord@example.org"])
def test_group_page_statements_do_not_grow_with_members(space, login):
    small = fill_group(space, 3)
    large = fill_group(space, 90)
    assert (
        count(space.app, f"/alfa/groups/{small}", login)
        == count(space.app, f"/alfa/groups/{large}", login)
        <= CEILING
    )


@pytest.mark.parametrize("listing", ["", "&list=organizations"])
def test_people_page_statements_do_not_grow_with_members(space, listing):
    small = fill_group(space, 3)
    large = fill_group(space, 90)
    first = count(space.app, f"/alfa/groups/{small}/people?page=1{listing}", None)
    assert first == count(space.app, f"/alfa/groups/{large}/people?page=1{listing}", None)
    # the later pages do without the counts by municipality and kind of actor
    assert count(space.app, f"/alfa/groups/{large}/people?page=2{listing}", None) <= first
    assert first <= CEILING


def test_members_page_statements_do_not_grow_with_members(space):
    small = fill_group(space, 3)
    large = fill_group(space, 90)
    assert (
        count(space.app, f"/alfa/groups/{small}/members", "owner@example.org")
        == count(space.app, f"/alfa/groups/{large}/members", "owner@example.org")
        <= CEILING
    )


def fill_work(space, gid: int, assignee, count: int) -> int:
    """A past meeting of the group with minutes, `count` decisions, attendance of every
    member and `count` tasks for `assignee` (some overdue, some done); the meeting's id."""
    from solidarna.groups.records import GroupDecision, GroupTask, MeetingAttendance, MeetingMinutes

    now = utcnow()
    with tenant_context(space.tenant.id):
        meeting = GroupMeeting(group_id=gid, title="Prošli sastanak", place="Brus",
                               starts_at=now - timedelta(days=3))  # fmt: skip
        db.session.add(meeting)
        db.session.flush()
        db.session.add(MeetingMinutes(meeting_id=meeting.id, body="Zapisnik.", published_at=now))
        members = db.session.execute(
            db.select(
                GroupMembership.id, GroupMembership.user_id, GroupMembership.organization_id
            ).where(GroupMembership.group_id == gid)
        ).all()
        db.session.execute(
            insert(MeetingAttendance),
            [{"tenant_id": space.tenant.id, "meeting_id": meeting.id, "membership_id": m.id,
              "user_id": m.user_id, "organization_id": m.organization_id,
              "organization_name": "", "recorded_at": now} for m in members],
        )  # fmt: skip
        db.session.execute(
            insert(GroupDecision),
            [{"tenant_id": space.tenant.id, "group_id": gid, "meeting_id": meeting.id,
              "year": 2026, "number": n + 1, "title": f"Odluka {n}", "body": "Obrazloženje.",
              "created_at": now} for n in range(count)],
        )  # fmt: skip
        db.session.execute(
            insert(GroupTask),
            [{"tenant_id": space.tenant.id, "group_id": gid, "meeting_id": meeting.id,
              "title": f"Zadatak {n}", "assignee_id": assignee.id,
              "due_on": (now + timedelta(days=n % 7 - 3)).date(),
              "done_at": now if n % 5 == 0 else None, "created_at": now}
             for n in range(count)],
        )  # fmt: skip
        db.session.commit()
        return meeting.id


@pytest.mark.parametrize("login", [None, "rep1@example.org", "coord@example.org"])
def test_group_and_meeting_pages_do_not_grow_with_tasks(space, login):
    small, large = fill_group(space, 3), fill_group(space, 60)
    for gid in (small, large):
        space.add(gid, space.rep1)
    small_meeting = fill_work(space, small, space.rep1, 3)
    large_meeting = fill_work(space, large, space.rep1, 60)
    for template in ("/alfa/groups/{}", "/alfa/groups/{}/meetings/{}"):
        assert (
            count(space.app, template.format(small, small_meeting), login)
            == count(space.app, template.format(large, large_meeting), login)
            <= CEILING
        ), template


def test_my_tasks_statements_do_not_grow_with_tasks(space):
    first = fill_group(space, 3)
    space.add(first, space.rep1)
    fill_work(space, first, space.rep1, 3)
    small = count(space.app, "/alfa/groups/tasks/", "rep1@example.org")
    for n in range(4):
        gid = space.group(name=f"Još jedna grupa {n}")
        space.add(gid, space.rep1)
        fill_work(space, gid, space.rep1, 40)
    large = count(space.app, "/alfa/groups/tasks/", "rep1@example.org")
    assert small == large <= CEILING


@pytest.mark.parametrize("login", [None, "member@example.org"])
def test_calendar_and_the_group_feed_do_not_grow_with_meetings(space, login):
    """The space's calendar and a group's .ics feed: 1 and 30 upcoming meetings (and as many
    past) in one group, then 30 more in a second group for the calendar."""
    small = fill_group(space, 3)
    before = count(space.app, "/alfa/groups/calendar/", login)
    small_feed = count(space.app, f"/alfa/groups/{small}/calendar.ics", login)
    large = fill_group(space, 90)
    fill_group(space, 90)
    assert count(space.app, "/alfa/groups/calendar/", login) == before <= CEILING
    assert count(space.app, f"/alfa/groups/{large}/calendar.ics", login) == small_feed <= CEILING


#: a group page whose fragments are kept: the group, the viewer, the links, the answers
KEPT_CEILING = 14


@pytest.mark.parametrize("login", ["rep1@example.org", "coord@example.org"])
def test_group_page_with_kept_fragments_reads_less_and_does_not_grow(app, space, login):
    """With the fragment cache on (a logged-in viewer: the page itself is theirs), the second
    view reads neither the meetings, the documents, the tasks nor the roster."""
    small, large = fill_group(space, 3), fill_group(space, 90)
    for gid in (small, large):
        space.add(gid, space.rep1)
    fill_work(space, small, space.rep1, 3)
    fill_work(space, large, space.rep1, 60)
    drawn = count(app, f"/alfa/groups/{large}", login)
    app.config["PAGE_CACHE"] = True
    kept = [count(app, f"/alfa/groups/{gid}", login) for gid in (small, large)]
    assert kept[0] == kept[1] <= KEPT_CEILING and kept[1] < drawn
