"""The group page shows a bounded roster (the coordinators first, then the first members and
organizations) with exact counts; the group's people page has them all, a page at a time,
under the group page's visibility rules (issue 14 item 10)."""

from __future__ import annotations

import re

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups import services
from solidarna.groups.models import GroupMembership
from tests.groups.conftest import visitor
from tests.groups.test_query_counts import fill_group


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False


def table_rows(html: str, css_class: str) -> list[str]:
    match = re.search(rf'<table class="{css_class}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, css_class
    return re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S)


def first_cells(rows: list[str]) -> list[str]:
    return [re.sub(r"<[^>]+>", "", re.search(r"<td>(.*?)</td>", r, re.S).group(1)).strip()
            for r in rows]  # fmt: skip


def active(space, gid):
    with tenant_context(space.tenant.id):
        rows = db.session.scalars(
            db.select(GroupMembership).where(
                GroupMembership.group_id == gid, GroupMembership.status == "active"
            )
        ).all()
        return len(rows), len({m.organization_id for m in rows if m.organization_id})


def test_the_group_page_shows_a_bounded_roster_and_exact_counts(space):
    gid = fill_group(space, 90)
    members, organizations = active(space, gid)
    assert members > services.ROSTER_SHOWN and organizations > services.ROSTER_SHOWN
    html = visitor(space.app).get(f"/alfa/groups/{gid}").get_data(as_text=True)
    rows = table_rows(html, "group-members")
    assert len(rows) == services.ROSTER_SHOWN
    assert "Ceca Koordinatorka" in rows[0]  # the coordinator first
    assert len(table_rows(html, "group-organizations")) == services.ROSTER_SHOWN
    assert f"All members ({members})" in html
    assert f"All organizations ({organizations})" in html
    assert f"{organizations} organizations take part." in html
    # the counts by municipality are of all the organizations, not of the thirty shown
    brus, trstenik = (int(re.search(rf"<dd>{place}: (\d+)</dd>", html).group(1))
                      for place in ("Brus", "Trstenik"))  # fmt: skip
    assert brus + trstenik == organizations


def test_the_people_page_lists_every_member_once_a_page_at_a_time(space):
    gid = fill_group(space, 90)
    members, organizations = active(space, gid)
    client = visitor(space.app)
    seen = []
    for page in (1, 2):
        response = client.get(f"/alfa/groups/{gid}/people?page={page}")
        assert response.status_code == 200
        seen += first_cells(table_rows(response.get_data(as_text=True), "group-members"))
    assert len(seen) == members and len(set(seen)) == members
    assert len(first_cells(table_rows(client.get(f"/alfa/groups/{gid}/people?page=1").get_data(as_text=True), "group-members"))) == services.PEOPLE_PER_PAGE  # fmt: skip
    names = []
    for page in (1, 2):
        html = client.get(f"/alfa/groups/{gid}/people?list=organizations&page={page}").get_data(
            as_text=True
        )
        names += first_cells(table_rows(html, "group-organizations"))
    assert len(names) == organizations == len(set(names))
    # past the last page: an empty page, and a page number that is not one is the first
    past = client.get(f"/alfa/groups/{gid}/people?page=9")
    assert past.status_code == 200 and "No members on this page." in past.get_data(as_text=True)
    assert client.get(f"/alfa/groups/{gid}/people?page=x").status_code == 200


def test_the_people_page_follows_the_group_page_visibility(space):
    private = space.group(name="Tajna grupa", visibility="private")
    members_only = space.group(name="Grupa za članove", visibility="members")
    anyone = visitor(space.app)
    assert anyone.get(f"/alfa/groups/{private}/people").status_code == 404
    assert anyone.get(f"/alfa/groups/{members_only}/people").status_code == 404
    member = visitor(space.app)
    member.login("member@example.org")
    assert member.get(f"/alfa/groups/{members_only}/people").status_code == 200
    assert member.get(f"/alfa/groups/{private}/people").status_code == 404
    coordinator = visitor(space.app)
    coordinator.login("coord@example.org")
    html = coordinator.get(f"/alfa/groups/{private}/people").get_data(as_text=True)
    assert "Ceca Koordinatorka" in html


def test_the_organizations_kept_in_the_fragment_cache_follow_a_new_member(app, space):
    app.config["PAGE_CACHE"] = True  # the fragment cache is on with the page cache
    gid = space.group(name="Grupa sa keširanim organizacijama")
    member = visitor(space.app)
    member.login("member@example.org")  # logged in: the page itself is not from the page cache
    url = f"/alfa/groups/{gid}"
    first = member.get(url).get_data(as_text=True)
    assert "0 organizations take part." in first
    space.add(gid, space.rep1, organization_id=space.org1)
    after = member.get(url).get_data(as_text=True)
    assert "1 organization takes part." in after and "Kruševac: 1" in after
