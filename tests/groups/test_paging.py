"""My tasks and the calendar come a page at a time: thirty open tasks (the latest done ones on
the first page) and thirty meetings ahead, soonest first (issue 14 item 10)."""

from __future__ import annotations

import re

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups import work
from solidarna.groups.records import GroupTask
from tests.groups.conftest import visitor
from tests.groups.test_query_counts import fill_group, fill_work


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False


def test_my_tasks_come_thirty_a_page(space):
    gid = fill_group(space, 3)
    space.add(gid, space.rep1)
    fill_work(space, gid, space.rep1, 45)  # every fifth done: 36 open, 9 done
    with tenant_context(space.tenant.id):
        open_total = db.session.scalar(
            db.select(db.func.count()).select_from(GroupTask).where(GroupTask.done_at.is_(None))
        )
    client = visitor(space.app)
    client.login("rep1@example.org")
    first = client.get("/alfa/groups/tasks/").get_data(as_text=True)
    second = client.get("/alfa/groups/tasks/?page=2").get_data(as_text=True)
    open_first = re.findall(
        r"<strong[^>]*>(Zadatak \d+)</strong>", first.split('id="done-title"')[0]
    )
    open_second = re.findall(r"<strong[^>]*>(Zadatak \d+)</strong>", second)
    assert len(open_first) == work.MY_TASKS_PER_PAGE
    assert len(open_first) + len(open_second) == open_total
    assert not set(open_first) & set(open_second)
    assert f"{open_total} open tasks" in first and 'rel="next"' in first
    assert "Done lately" in first and "Done lately" not in second
    assert "No open tasks on this page." in client.get("/alfa/groups/tasks/?page=5").get_data(
        as_text=True
    )


def test_the_calendar_comes_thirty_meetings_a_page_soonest_first(space):
    gid = fill_group(space, 120)  # 40 meetings ahead
    client = visitor(space.app)
    first = client.get(f"/alfa/groups/calendar/?group={gid}").get_data(as_text=True)
    second = client.get(f"/alfa/groups/calendar/?group={gid}&page=2").get_data(as_text=True)
    times_first = re.findall(r'<li><time datetime="([^"]+)"', first)
    times_second = re.findall(r'<li><time datetime="([^"]+)"', second)
    assert len(times_first) == work.CALENDAR_PER_PAGE and len(times_second) == 10
    assert times_first == sorted(times_first) and max(times_first) <= min(times_second)
    assert "40 meetings ahead" in first
    assert f"group={gid}" in re.search(r'<a href="([^"]+)" rel="next"', first).group(1)
