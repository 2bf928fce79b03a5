"""The working groups list as a page shell for logged-in people (groups/views/browse.py
`index`, core/fragments.py `shell_page`): one per viewer level, query and the groups of the
person's own the list follows from (the private groups they see, and under "Only my groups"
the groups they are in or waiting for). Another member gets from it exactly the page drawn
for them with the caches off; an admin's page (every group, "Start a working group") is
another level's; a new group or a join is on the next request."""

from __future__ import annotations

from solidarna.core import fragments
from tests.core.test_fragments import EN, html, status
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture

URL = "/alfa/groups/"
MINE = "/alfa/groups/?mine=1"
PEOPLE = {
    "mira": ("member@example.org", "Mira Članica"),
    "ceca": ("coord@example.org", "Ceca Koordinatorka"),
    "rade": ("rep1@example.org", "Rade Zadrugar"),
    "olga": ("owner@example.org", "Olga Vlasnić"),
}


def names(page: str, *groups: str) -> set[str]:
    return {name for name in groups if name in page}


def assert_nothing_personal_kept() -> None:
    kept = shells()
    assert kept
    for text in kept.values():
        assert fragments.PLACEHOLDER in text
        for email, name in PEOPLE.values():
            assert email not in text and name not in text


def test_another_member_gets_from_the_groups_shell_the_page_drawn_for_them(app, space, readers):
    """Mira waits for an answer to her request, Ceca coordinates both groups: the same level,
    the same list, another person's page from the same shell."""
    space.group(name="Otvorena grupa", join_policy="open")
    asked = space.group(name="Grupa na zahtev", join_policy="request")
    mira, ceca = readers["mira"], readers["ceca"]
    assert mira.post(f"/alfa/groups/{asked}/join", {"message": "Rado bih"}).status_code == 303
    mira.get(URL, headers=EN)  # the request's message shown
    assert space.membership(asked, space.member).status == "pending"
    first = mira.get(URL, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "Mira Članica" in html(first)
    served = ceca.get(URL, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Ceca Koordinatorka" in page and "Mira Članica" not in page
    assert names(page, "Otvorena grupa", "Grupa na zahtev") == {"Otvorena grupa", "Grupa na zahtev"}
    assert "Start a working group" not in page and "My tasks" in page
    assert same_page(page) == same_page(html(uncached(app, ceca, URL)))
    # "Only my groups" is each person's own: Mira's request, Ceca's two groups
    mine = mira.get(MINE, headers=EN)
    assert status(mine, fragments.SHELL) == "miss"
    assert names(html(mine), "Otvorena grupa", "Grupa na zahtev") == {"Grupa na zahtev"}
    hers = ceca.get(MINE, headers=EN)
    assert status(hers, fragments.SHELL) == "miss"  # another list, another shell
    assert names(html(hers), "Otvorena grupa", "Grupa na zahtev") == {
        "Otvorena grupa",
        "Grupa na zahtev",
    }
    assert same_page(html(hers)) == same_page(html(uncached(app, ceca, MINE)))
    # Rade is in no group: his "Only my groups" is nobody else's either
    none = readers["rade"].get(MINE, headers=EN)
    assert status(none, fragments.SHELL) == "miss"
    assert "No working group matches these filters." in html(none)
    assert_nothing_personal_kept()


def test_a_private_group_is_only_in_its_members_shells(app, space, readers):
    space.group(name="Javna grupa")
    secret = space.group(name="Tajna grupa", visibility="private")  # Ceca coordinates it
    mira, ceca, rade, olga = (readers[who] for who in ("mira", "ceca", "rade", "olga"))
    first = mira.get(URL, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert names(html(first), "Javna grupa", "Tajna grupa") == {"Javna grupa"}
    # Ceca sees the group she is in: the same level, her own shell
    for_ceca = ceca.get(URL, headers=EN)
    assert status(for_ceca, fragments.SHELL) == "miss"
    assert names(html(for_ceca), "Javna grupa", "Tajna grupa") == {"Javna grupa", "Tajna grupa"}
    assert "2 working groups" in html(for_ceca) and "1 working group<" in html(first)
    # Rade, in no private group, gets Mira's; once invited to it, Ceca's
    from_miras = rade.get(URL, headers=EN)
    assert status(from_miras, fragments.SHELL) == "hit"
    assert "Tajna grupa" not in html(from_miras)
    assert same_page(html(from_miras)) == same_page(html(uncached(app, rade, URL)))
    space.add(secret, space.rep1, status="invited")
    from_cecas = rade.get(URL, headers=EN)
    assert status(from_cecas, fragments.SHELL) == "miss"  # the space changed: drawn again
    assert "Tajna grupa" in html(from_cecas) and "Rade Zadrugar" in html(from_cecas)
    assert status(ceca.get(URL, headers=EN), fragments.SHELL) == "hit"
    again = mira.get(URL, headers=EN)
    assert status(again, fragments.SHELL) == "miss" and "Tajna grupa" not in html(again)
    # an admin sees every group and may start one: another level, their own shell
    for_olga = olga.get(URL, headers=EN)
    assert status(for_olga, fragments.SHELL) == "miss"
    page = html(for_olga)
    assert "Tajna grupa" in page and "Start a working group" in page
    assert "Start a working group" not in html(mira.get(URL, headers=EN))
    assert same_page(page) == same_page(html(uncached(app, olga, URL)))
    assert_nothing_personal_kept()


def test_a_new_group_and_a_join_are_on_the_next_request(space, readers):
    """The groups of the person's the list follows from are kept per person until a write in
    the space (views/browse.py `_shell_parts`): a repeat reads none of their rows; a join is
    on the next request."""
    from solidarna.extensions import db
    from tests.conftest import statements

    mira, olga = readers["mira"], readers["olga"]
    gid = space.group(name="Otvorena grupa", join_policy="open")
    assert status(mira.get(URL, headers=EN), fragments.SHELL) == "miss"
    with statements(db.engine) as seen:
        before = mira.get(URL, headers=EN)
    assert status(before, fragments.SHELL) == "hit" and "1 member<" in html(before)
    assert not [s for s in seen if "group_memberships" in s], seen
    assert "Otvorena grupa" not in html(mira.get(MINE, headers=EN))
    assert mira.post(f"/alfa/groups/{gid}/join", {"organization_id": ""}).status_code == 303
    mira.get("/alfa/", headers=EN)  # the join's message shown
    after = mira.get(URL, headers=EN)
    assert status(after, fragments.SHELL) == "miss" and "2 members<" in html(after)
    assert "Otvorena grupa" in html(mira.get(MINE, headers=EN))
    # a group an admin starts
    started = olga.post(
        "/alfa/groups/new",
        {"name": "Nova grupa", "theme": "finance", "mandate": "Mandat.", "goals": "",
         "visibility": "public", "join_policy": "open"},
    )  # fmt: skip
    assert started.status_code == 303, html(started)[:2000]
    fresh = mira.get(URL, headers=EN)
    assert status(fresh, fragments.SHELL) == "miss" and "Nova grupa" in html(fresh)
