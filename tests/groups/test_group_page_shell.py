"""A working group's page as a page shell for logged-in people (groups/views/browse.py
`detail`, core/fragments.py `shell_page`): one per viewer level and what `_page_parts` names
(the person's status and role in the group, the sub-groups and proposals they see, the day
and the meetings begun). What is theirs alone — their answers to the meetings, the tasks they
may mark done, the invitation's words, the organizations they may join for, the proposals
they may link — fills its slots (groups/_detail_fills.html). Another person with the same gets
from it exactly the page drawn for them with the caches off; an admin is another level; a
write, and the clock, are on the next request; a form posted with a token from a shell's page
is taken."""

from __future__ import annotations

import re
from datetime import timedelta

from solidarna.core import fragments
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups.models import GroupMembership
from tests.core.test_fragments import EN, TOKEN, html, status
from tests.core.test_links import make_proposal
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture
from tests.groups.test_record import give_task, meeting

PEOPLE = {
    "olga": ("owner@example.org", "Olga Vlasnić"),
    "ceca": ("coord@example.org", "Ceca Koordinatorka"),
    "rade": ("rep1@example.org", "Rade Zadrugar"),
    "vera": ("rep2@example.org", "Vera Udruženić"),
    "mira": ("member@example.org", "Mira Članica"),
}
PRESSED = 'aria-pressed="true"'


def invite(space, gid, user, message: str, role: str = "member") -> None:
    with tenant_context(space.tenant.id):
        db.session.add(GroupMembership(group_id=gid, user_id=user.id, role=role,
                                       status="invited", message=message))  # fmt: skip
        db.session.commit()


def signed_in(page: str) -> str:
    """The name in the header's link to the account."""
    return re.search(r'href="[^"]*/profile">([^<]*)</a>', page).group(1)


def assert_nothing_personal_kept(*phrases: str) -> None:
    """No kept shell holds anyone's e-mail, nor a name outside the group's members table and
    tasks (where the group shows its people to everyone), nor the given personal phrases."""
    kept = shells()
    assert kept
    for text in kept.values():
        assert fragments.PLACEHOLDER in text
        for email, name in PEOPLE.values():
            assert email not in text
            listed = text.replace(f"<td>{name}</td>", "").replace(f"· {name}", "")
            assert name not in listed, name
        for phrase in phrases:
            assert phrase not in text, phrase


def test_a_member_s_own_answers_and_tasks_are_not_another_s(app, space, readers):
    """Rade and Mira are members of the group (the same level and place in it): Rade answered
    the meeting and has a task, Mira neither. Rade draws the shell; Mira gets her own page
    from it; a coordinator and an admin draw their own."""
    gid = space.group(name="Grupa za fond", join_policy="open")
    space.add(gid, space.rep1, organization_id=space.org1)
    space.add(gid, space.member)
    ahead = meeting(space, gid, days=5, title="Sastanak unapred")
    task = give_task(space, gid, None, space.rep1, days=3, title="Zadatak za Radeta")
    url = f"/alfa/groups/{gid}"
    rade, mira = readers["rade"], readers["mira"]
    assert rade.post(f"{url}/meetings/{ahead}/rsvp", {"answer": "yes"}).status_code == 303
    rade.get(url, headers=EN)  # the answer's message shown

    first = rade.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    page = html(first)
    assert PRESSED in page and f"/tasks/{task}/done" in page and "You: Active, Member" in page
    served = mira.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Sastanak unapred" in page and "Zadatak za Radeta" in page
    assert PRESSED not in page and "Your answer" not in page  # Rade's answer is his
    assert f"/tasks/{task}/done" not in page  # his task's button too
    assert "You: Active, Member" in page and "Leave the group" in page
    assert signed_in(page) == "Mira Članica"
    assert same_page(page) == same_page(html(uncached(app, mira, url)))

    # the group's coordinator: the same level, another role, another shell
    ceca = readers["ceca"].get(url, headers=EN)
    assert status(ceca, fragments.SHELL) == "miss"
    assert "Edit the group" in html(ceca) and f"/tasks/{task}/edit" in html(ceca)
    # an admin of the space: another level, another shell
    olga = readers["olga"].get(url, headers=EN)
    assert status(olga, fragments.SHELL) == "miss"
    assert "Edit the group" in html(olga) and "You: " not in html(olga)
    assert same_page(html(olga)) == same_page(html(uncached(app, readers["olga"], url)))
    assert "Edit the group" not in html(mira.get(url, headers=EN))
    assert len(shells()) == 3
    assert_nothing_personal_kept("Your answer")

    # Mira answers with the token of the page the shell gave her: taken, and shown next
    token = TOKEN.findall(html(mira.get(url, headers=EN)))[0]
    answered = mira.post(f"{url}/meetings/{ahead}/rsvp", {"csrf_token": token, "answer": "maybe"},
                         csrf=False)  # fmt: skip
    assert answered.status_code == 303
    shown = html(mira.get(url, headers=EN))  # the answer's message shown
    assert "Your answer: Maybe." in shown and 'value="maybe" aria-pressed="true"' in shown
    again = rade.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "miss"  # the space changed: drawn again
    assert 'value="yes" aria-pressed="true"' in html(again) and "Maybe." not in html(again)
    assert "1 coming, 1 maybe" in html(again)


def test_the_join_form_offers_each_person_their_own_organizations(app, space, readers):
    """Vera (for Udruženje Ruke), Rade (for Zadruga Rasinski med) and Mira (for nobody) are in
    no group: one shell, each their own join form; joining with the token of a shell's page
    works and is on the next request."""
    gid = space.group(name="Otvorena grupa", join_policy="open")
    url = f"/alfa/groups/{gid}"
    vera, rade, mira = readers["vera"], readers["rade"], readers["mira"]
    first = vera.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "Udruženje Ruke" in html(first) and "Join the group" in html(first)
    served = rade.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Zadruga Rasinski med" in page and "Udruženje Ruke" not in page
    assert same_page(page) == same_page(html(uncached(app, rade, url)))
    for_mira = mira.get(url, headers=EN)
    assert status(for_mira, fragments.SHELL) == "hit"
    page = html(for_mira)
    assert "Join the group" in page and "Only myself" not in page  # no organization to choose
    assert "Zadruga Rasinski med" not in page and "Udruženje Ruke" not in page
    assert same_page(page) == same_page(html(uncached(app, mira, url)))
    assert_nothing_personal_kept("Zadruga Rasinski med", "Udruženje Ruke", "Only myself")

    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1 and fragments.PLACEHOLDER not in tokens
    joined = mira.post(f"{url}/join", {"csrf_token": tokens.pop(), "organization_id": ""},
                       csrf=False)  # fmt: skip
    assert joined.status_code == 303
    assert space.membership(gid, space.member).status == "active"
    mira.get(url, headers=EN)  # the welcome shown
    now = mira.get(url, headers=EN)
    assert status(now, fragments.SHELL) == "miss"
    assert "Leave the group" in html(now) and "Join the group" not in html(now)
    assert "<td>Mira Članica</td>" in html(now)
    still = rade.get(url, headers=EN)
    assert status(still, fragments.SHELL) == "miss"  # the space changed: drawn again
    assert "Join the group" in html(still) and "Leave the group" not in html(still)


def test_an_invitation_s_words_are_the_invited_person_s(app, space, readers):
    gid = space.group(name="Grupa po pozivu", join_policy="invitation")
    invite(space, gid, space.rep1, "Rade, treba nam zadruga.")
    invite(space, gid, space.member, "Mira, dođi na sastanke.")
    url = f"/alfa/groups/{gid}"
    rade, mira = readers["rade"], readers["mira"]
    first = rade.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "Rade, treba nam zadruga." in html(first) and "Zadruga Rasinski med" in html(first)
    served = mira.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Mira, dođi na sastanke." in page and "Rade, treba nam zadruga." not in page
    assert "Zadruga Rasinski med" not in page and "Accept the invitation" in page
    assert "You: Invited, Member" in page
    assert same_page(page) == same_page(html(uncached(app, mira, url)))
    # Vera is not invited: no form, the group's rule instead, her own shell
    vera = readers["vera"].get(url, headers=EN)
    assert status(vera, fragments.SHELL) == "miss"
    assert "takes members by invitation" in html(vera) and "Accept" not in html(vera)
    assert_nothing_personal_kept("treba nam zadruga", "dođi na sastanke", "Zadruga Rasinski med")
    # accepting with the token of the shell's page
    token = TOKEN.findall(page)[0]
    accepted = mira.post(f"{url}/invitation", {"csrf_token": token, "answer": "accept",
                                               "organization_id": ""}, csrf=False)  # fmt: skip
    assert accepted.status_code == 303
    assert space.membership(gid, space.member).status == "active"
    mira.get(url, headers=EN)  # the welcome shown
    now = html(mira.get(url, headers=EN))
    assert "You: Active, Member" in now and "Accept the invitation" not in now


def test_the_proposals_a_coordinator_sees_are_theirs(app, space, readers):
    """Ceca and Rade coordinate the group: the same shell while the group works on what both
    see, each offered their own drafts to link; once Ceca links her draft, the page she sees
    is not Rade's."""
    gid = space.group(name="Grupa za predloge")
    space.add(gid, space.rep1, role="coordinator", organization_id=space.org1)
    public = make_proposal(app, space.tenant, space.owner, "Javni predlog o fondu")
    draft = make_proposal(app, space.tenant, space.coordinator, "Cecin nacrt", state="draft")
    url = f"/alfa/groups/{gid}"
    ceca, rade = readers["ceca"], readers["rade"]
    linked = ceca.post(f"{url}/proposals/", {"proposal_id": public})
    assert linked.status_code == 303
    ceca.get(url, headers=EN)  # the link's message shown
    first = ceca.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "Javni predlog o fondu" in html(first) and f'value="{draft}"' in html(first)
    served = rade.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Javni predlog o fondu" in page and f"/proposals/{public}/remove" in page
    assert "Cecin nacrt" not in page  # her draft is not offered to him
    assert same_page(page) == same_page(html(uncached(app, rade, url)))
    assert_nothing_personal_kept("Cecin nacrt")

    token = TOKEN.findall(html(ceca.get(url, headers=EN)))[0]
    mine = ceca.post(f"{url}/proposals/", {"csrf_token": token, "proposal_id": draft}, csrf=False)
    assert mine.status_code == 303
    ceca.get(url, headers=EN)  # the link's message shown
    hers = ceca.get(url, headers=EN)
    assert status(hers, fragments.SHELL) == "miss" and "Cecin nacrt" in html(hers)
    his = rade.get(url, headers=EN)
    assert status(his, fragments.SHELL) == "miss"  # another list of proposals: his own shell
    assert "Cecin nacrt" not in html(his)
    assert same_page(html(his)) == same_page(html(uncached(app, rade, url)))


def test_a_private_sub_group_is_only_in_its_members_shells(app, space, readers):
    parent = space.group(name="Krovna grupa")
    space.group(name="Javna podgrupa", parent_id=parent)
    secret = space.group(name="Tajna podgrupa", parent_id=parent, visibility="private")
    space.add(secret, space.rep1)
    url = f"/alfa/groups/{parent}"
    mira, vera, rade = readers["mira"], readers["vera"], readers["rade"]
    assert status(mira.get(url, headers=EN), fragments.SHELL) == "miss"
    served = vera.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    assert "Javna podgrupa" in html(served) and "Tajna podgrupa" not in html(served)
    for_rade = rade.get(url, headers=EN)
    assert status(for_rade, fragments.SHELL) == "miss"
    assert "Tajna podgrupa" in html(for_rade)
    assert same_page(html(for_rade)) == same_page(html(uncached(app, rade, url)))
    assert "Tajna podgrupa" not in html(mira.get(url, headers=EN))


def test_the_clock_moves_a_meeting_to_the_past_and_a_task_to_overdue(space, readers, monkeypatch):
    """Without a write in the space: a meeting that has begun is no longer upcoming (the
    meetings begun are in the parts), a task past its day is overdue (the day is)."""
    from solidarna.groups import meetings, services

    gid = space.group(name="Grupa sa rokovima", join_policy="open")
    space.add(gid, space.member)
    meeting(space, gid, days=1 / 12, title="Sastanak za dva sata")
    give_task(space, gid, None, space.member, days=1, title="Zadatak za sutra")
    url = f"/alfa/groups/{gid}"
    mira = readers["mira"]
    assert status(mira.get(url, headers=EN), fragments.SHELL) == "miss"
    from tests.conftest import statements

    with statements(db.engine) as seen:
        before = mira.get(url, headers=EN)
    assert status(before, fragments.SHELL) == "hit"
    # the meetings' starts, the proposals the group works on and its sub-groups are kept
    # (kept_value): the clock is counted against them, nothing of them is read
    read = ("FROM group_meetings", "FROM links", "working_groups.parent_id = ")
    assert not [s for s in seen if any(part in s for part in read)], seen
    # the person's own row in the group is read with the group (views/common.py load_group)
    assert not [s for s in seen if s.lstrip().startswith("SELECT group_memberships")], seen
    assert [s for s in seen if "FROM working_groups LEFT OUTER JOIN group_memberships" in s]
    assert "Past meetings" not in html(before) and "Will you come?" in html(before)
    assert "Overdue" not in html(before)
    later = utcnow() + timedelta(hours=3)
    monkeypatch.setattr(meetings, "utcnow", lambda: later)
    begun = mira.get(url, headers=EN)
    assert status(begun, fragments.SHELL) == "miss"
    page = html(begun)
    assert "Past meetings" in page and "No meetings scheduled." in page
    assert "Will you come?" not in page and "Overdue" not in page
    day = services.today()
    monkeypatch.setattr(services, "today", lambda: day + timedelta(days=2))
    overdue = mira.get(url, headers=EN)
    assert status(overdue, fragments.SHELL) == "miss" and "Overdue" in html(overdue)


def test_an_entry_no_longer_verified_is_linked_by_level_only(app, space, readers):
    """Rade joined for his cooperative, which the office has since rejected: only he (its
    representative) and the admins may open it. The kept members and organizations link it
    for the admins' level alone, never for him in a shell another member gets (the group's
    members' page, drawn for him, links it)."""
    from solidarna.directory.organizations.models import Organization

    gid = space.group(name="Grupa za zadruge", join_policy="open")
    space.add(gid, space.rep1, organization_id=space.org1)
    space.add(gid, space.member)
    with tenant_context(space.tenant.id):
        db.session.get(Organization, space.org1).moderation = "rejected"
        db.session.commit()
    url, entry = f"/alfa/groups/{gid}", f"/directory/{space.org1}"
    rade, mira, olga = readers["rade"], readers["mira"], readers["olga"]
    first = rade.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "Org" in html(first) and entry not in html(first)
    served = mira.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit" and entry not in html(served)
    assert same_page(html(served)) == same_page(html(uncached(app, mira, url)))
    assert entry in html(rade.get(f"{url}/people", headers=EN))
    assert entry not in html(mira.get(f"{url}/people", headers=EN))
    for_olga = olga.get(url, headers=EN)
    assert status(for_olga, fragments.SHELL) == "miss" and entry in html(for_olga)
