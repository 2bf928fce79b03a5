"""The group page's kept fragments (core/fragments.py): the meetings, documents, open tasks,
members and organizations are drawn once and served again until the space changes, while
what is the viewer's own — their answers to the meetings, the tasks they may mark done, the
coordinators' controls — is never shown to another viewer."""

from __future__ import annotations

import re

import pytest

from solidarna.core import fragments
from tests.groups.test_record import client_of, give_task, meeting

KEPT = ("group-meetings", "group-documents", "group-tasks", "group-people")


@pytest.fixture(autouse=True)
def caches_on(app):
    app.config["PAGE_CACHE"] = True
    app.config["FRAGMENT_CACHE"] = True


def drawn(response) -> dict:
    header = response.headers.get(fragments.STATUS_HEADER, "")
    return dict(part.split("=") for part in header.split(", ") if "=" in part)


def pressed(html: str) -> list[str]:
    return re.findall(r'value="(\w+)" aria-pressed="true"', html)


def test_fragments_are_kept_and_the_viewers_own_parts_stay_theirs(space):
    gid = space.group(join_policy="open")
    space.add(gid, space.rep1, organization_id=space.org1)
    space.add(gid, space.member)
    ahead = meeting(space, gid, days=5, title="Sastanak unapred")
    mine = give_task(space, gid, None, space.rep1, days=3, title="Zadatak za Radeta")
    url = f"/alfa/groups/{gid}"
    rep1, member = client_of(space, "rep1@example.org"), client_of(space, "member@example.org")
    assert rep1.post(f"{url}/meetings/{ahead}/rsvp", {"answer": "yes"}).status_code == 303
    first = rep1.get(url)
    assert all(drawn(first)[name] == "miss" for name in KEPT)
    again = rep1.get(url)
    assert all(drawn(again)[name] == "hit" for name in KEPT)
    html = again.get_data(as_text=True)
    assert pressed(html) == ["yes"] and f"/tasks/{mine}/done" in html
    # the same kept fragments for another member of the same level, without rep1's own parts
    other = member.get(url)
    assert drawn(other)["group-meetings"] == "hit"
    html = other.get_data(as_text=True)
    assert pressed(html) == [] and f"/tasks/{mine}/done" not in html
    assert "Sastanak unapred" in html and "Zadatak za Radeta" in html
    assert f"/tasks/{mine}/edit" not in html  # the coordinators' controls are theirs
    # a coordinator's fragments are others (they may change the meetings and tasks)
    coordinator = client_of(space, "coord@example.org").get(url)
    assert drawn(coordinator)["group-meetings"] == "miss"
    html = coordinator.get_data(as_text=True)
    assert f"/tasks/{mine}/edit" in html and f"/tasks/{mine}/done" in html
    # an answer changes what the member is shown at once
    assert member.post(f"{url}/meetings/{ahead}/rsvp", {"answer": "maybe"}).status_code == 303
    assert pressed(member.get(url).get_data(as_text=True)) == ["maybe"]


def test_the_page_is_the_same_with_the_cache_off(app, space):
    gid = space.group(join_policy="open")
    space.add(gid, space.rep1, organization_id=space.org1)
    meeting(space, gid, days=5, title="Sastanak unapred")
    give_task(space, gid, None, space.rep1, days=3, title="Zadatak za Radeta")
    url = f"/alfa/groups/{gid}"
    rep1 = client_of(space, "rep1@example.org")
    rep1.get(url)
    kept = rep1.get(url).get_data(as_text=True)
    app.config["PAGE_CACHE"] = False
    drawn_now = rep1.get(url).get_data(as_text=True)
    # the CSRF tokens (in forms and in the page's htmx headers) carry the second they were made
    token = re.compile(r'name="csrf_token" value="[^"]+"|"X-CSRFToken": ?"[^"]+"')
    assert token.sub("", kept) == token.sub("", drawn_now)
