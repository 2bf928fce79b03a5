"""A large group's meeting: the attendance form has a page of its own, fifty members a page
(or those a search finds), and saving a page changes only the people it showed; the task form
lists those present and the coordinators and secretaries, and accepts any active member
(issue 14 item 10)."""

from __future__ import annotations

import re

import pytest

from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups import work
from solidarna.groups.models import GroupMeeting, GroupMembership
from solidarna.groups.records import GroupTask, MeetingAttendance
from tests.groups.conftest import visitor
from tests.groups.test_query_counts import fill_group


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False


def past_meeting(space, gid) -> int:
    with tenant_context(space.tenant.id):
        return db.session.scalar(
            db.select(GroupMeeting.id)
            .where(GroupMeeting.group_id == gid, GroupMeeting.starts_at < utcnow())
            .order_by(GroupMeeting.starts_at)
        )


def memberships(space, gid) -> list[GroupMembership]:
    with tenant_context(space.tenant.id):
        return list(db.session.scalars(
            db.select(GroupMembership).where(GroupMembership.group_id == gid,
                                             GroupMembership.status == "active")
        ))  # fmt: skip


def present(space, mid) -> set[int]:
    with tenant_context(space.tenant.id):
        return set(db.session.scalars(
            db.select(MeetingAttendance.membership_id).where(MeetingAttendance.meeting_id == mid)
        ))  # fmt: skip


def boxes(html: str) -> list[str]:
    return re.findall(
        r'name="attendance-present"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="attendance-present"',
        html,
    )


def checkbox_ids(html: str) -> list[str]:
    return [a or b for a, b in boxes(html)]


def test_a_large_groups_attendance_is_taken_a_page_at_a_time(space):
    gid = fill_group(space, 90)
    mid = past_meeting(space, gid)
    everyone = memberships(space, gid)
    coordinator = visitor(space.app)
    coordinator.login("coord@example.org")
    base = f"/alfa/groups/{gid}/meetings/{mid}"
    meeting_page = coordinator.get(base).get_data(as_text=True)
    assert not checkbox_ids(meeting_page) and "Take the attendance" in meeting_page
    first = coordinator.get(f"{base}/attendance").get_data(as_text=True)
    first_ids = checkbox_ids(first)
    assert len(first_ids) == work.ATTENDANCE_PER_PAGE
    r = coordinator.post(f"{base}/attendance", {"attendance-shown": first_ids,
                         "attendance-present": first_ids[:3], "page": "1"})  # fmt: skip
    assert r.status_code == 303
    assert present(space, mid) == {int(i) for i in first_ids[:3]}
    second_ids = checkbox_ids(coordinator.get(f"{base}/attendance?page=2").get_data(as_text=True))
    assert len(first_ids) + len(second_ids) == len(everyone)
    assert not set(first_ids) & set(second_ids)
    # a second page saved: the first page's people stay present
    coordinator.post(f"{base}/attendance", {"attendance-shown": second_ids,
                     "attendance-present": second_ids[:2], "page": "2"})  # fmt: skip
    assert present(space, mid) == {int(i) for i in first_ids[:3] + second_ids[:2]}
    # the first page shows who is present, checked
    again = coordinator.get(f"{base}/attendance").get_data(as_text=True)
    assert again.count("checked") >= 3
    # someone marked present who was not on the page: refused, nothing changes
    r = coordinator.post(f"{base}/attendance", {"attendance-shown": second_ids[:1],
                         "attendance-present": first_ids[5:6]})  # fmt: skip
    assert r.status_code == 422
    assert present(space, mid) == {int(i) for i in first_ids[:3] + second_ids[:2]}
    # a search finds one person (either script)
    found = coordinator.get(f"{base}/attendance?q=Osoba 17").get_data(as_text=True)
    assert len(checkbox_ids(found)) == 1
    assert (
        len(checkbox_ids(coordinator.get(f"{base}/attendance?q=Особа 17").get_data(as_text=True)))
        == 1
    )


def test_a_large_groups_task_form_lists_those_present_and_takes_any_member(space):
    gid = fill_group(space, 90)
    mid = past_meeting(space, gid)
    everyone = memberships(space, gid)
    coordinator = visitor(space.app)
    coordinator.login("coord@example.org")
    base = f"/alfa/groups/{gid}/meetings/{mid}"
    chosen = [m for m in everyone if m.role == "member"][:2]
    coordinator.post(f"{base}/attendance", {"attendance-present": [str(m.id) for m in chosen]})
    html = coordinator.get(base).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="task-assignee_id".*?</select>', html, re.S).group(0)
    offered = set(re.findall(r'value="(\d+)"', select))
    coordinators = {str(m.user_id) for m in everyone if m.role in ("coordinator", "secretary")}
    assert offered == {str(m.user_id) for m in chosen} | coordinators
    # an active member who was not present can still be given the task (the form checks all)
    absent = next(m for m in everyone if m.role == "member" and m not in chosen)
    r = coordinator.post(f"{base}/tasks", {"task-title": "Zadatak za odsutnog",
                         "task-assignee_id": str(absent.user_id),
                         "task-due_on": "2099-01-01"})  # fmt: skip
    assert r.status_code == 303
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(GroupTask.assignee_id)) == absent.user_id


def test_only_who_writes_the_minutes_opens_the_attendance_page(space):
    gid = fill_group(space, 3)
    mid = past_meeting(space, gid)
    url = f"/alfa/groups/{gid}/meetings/{mid}/attendance"
    member = visitor(space.app)
    member.login("member@example.org")
    assert member.get(url).status_code == 403
    assert visitor(space.app).get(url).status_code in (302, 303, 401, 403)
    coordinator = visitor(space.app)
    coordinator.login("coord@example.org")
    assert coordinator.get(url).status_code == 200
