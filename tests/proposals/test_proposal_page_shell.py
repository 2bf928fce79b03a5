"""A proposal's page as a page shell for logged-in people (proposals/views/browse.py `detail`,
core/fragments.py `shell_page`): one per viewer level and what the page shows of the person
beyond it (whether they write the text, the moves they may make, whether they manage the
authors) and the day. What is each person's own is a slot (templates/proposals/
_detail_fills.html): the withdraw button of their organization's row, the endorsement form
with the organizations they represent, their support, their following, the working groups
they may see. Another member gets from the shell exactly the page drawn for them with the
caches off; the authors and an admin get their own; a write is on the next request; the
forms of a page from the shell carry the person's own token."""

from __future__ import annotations

from datetime import timedelta

from solidarna.core import fragments
from solidarna.core.links import Link
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.groups import services as group_services
from solidarna.proposals import workflow
from tests.conftest import parse
from tests.core.test_fragments import EN, TOKEN, html, status
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture
from tests.proposals.conftest import reader
from tests.proposals.test_endorsements import endorse
from tests.proposals.test_kept_pages import withdraw_buttons

ENDORSE_FORM = "Endorse on behalf of your organization"
#: what a page shows of one person only: never in a kept shell
OWN = (
    "Withdraw",
    "Take back my support",
    "Support as a member",
    "Stop following",
    "Follow this proposal",
    ENDORSE_FORM,
    "Tajna grupa",
)


def private_group_on(space, proposal_id: int, coordinator) -> int:
    """A private working group (seen by its members only) that works on the proposal."""
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        group = group_services.create(
            {"name": "Tajna grupa", "theme": "finance", "mandate": "Mandat.", "goals": "",
             "ends_on": None, "visibility": "private", "join_policy": "request",
             "parent_id": None},
            db.session.merge(coordinator),
        )  # fmt: skip
        db.session.flush()
        db.session.add(Link(from_type="group", from_id=group.id, relation="works_on",
                            to_type="proposal", to_id=proposal_id))  # fmt: skip
        db.session.commit()
        return group.id


def assert_nothing_personal_kept(*people) -> None:
    kept = shells()
    assert kept
    for text in kept.values():
        assert fragments.PLACEHOLDER in text
        for person in people:
            assert person.email not in text and person.name not in text
        for own in OWN:
            assert own not in text, own


def test_another_member_gets_from_the_proposal_shell_the_page_drawn_for_them(app, space):
    """Rade endorsed for his cooperative, supports the proposal, follows it and coordinates a
    private group working on it: he draws the shell. Vera (another organization, none of
    that) and Mira (who represents nobody) get from it the pages drawn for them; the lead
    author (she may take the text back) and the owner (another level) draw their own."""
    pid = space.proposal(articles=("Prvi član.", "Drugi član."), state="endorsement")
    url = f"/alfa/proposals/{pid}"
    private_group_on(space, pid, space.rep1)
    rade = reader(app, space.rep1.email)
    assert endorse(rade, pid, space.org1).status_code == 303
    assert rade.post(f"{url}/support").status_code == 303
    assert rade.post(f"{url}/follow", {"follow": "1"}).status_code == 303
    rade.get(url, headers=EN)  # their messages shown

    first = rade.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    page = html(first)
    assert withdraw_buttons(first) == ["Withdraw Zadruga Rasinski med"]
    assert "Take back my support" in page
    assert "Stop following" in page and "Tajna grupa" in page and ENDORSE_FORM not in page
    assert same_page(page) == same_page(html(uncached(app, rade, url)))

    vera = reader(app, space.rep2.email)
    served = vera.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Vera Udruženić" in page and "Rade Zadrugar" not in page
    assert "1 member supports it." in page and "Zadruga Rasinski med" in page
    assert ENDORSE_FORM in page and f'<option value="{space.org2}">Udruženje Ruke</option>' in page
    assert withdraw_buttons(served) == [] and "Withdraw" not in page
    assert "Take back my support" not in page and "Support as a member" in page
    assert "Stop following" not in page and "Follow this proposal" in page
    assert "Tajna grupa" not in page and "/move/" not in page
    assert same_page(page) == same_page(html(uncached(app, vera, url)))

    mira = reader(app, space.member.email)
    for_mira = mira.get(url, headers=EN)
    assert status(for_mira, fragments.SHELL) == "hit"
    assert ENDORSE_FORM not in html(for_mira) and "Mira Članica" in html(for_mira)
    assert same_page(html(for_mira)) == same_page(html(uncached(app, mira, url)))
    assert len(shells()) == 1
    assert_nothing_personal_kept(space.rep1, space.rep2, space.member)

    # the lead author manages the authors: her own shell (her moves, taking the text back to
    # consultation, are a slot)
    ana = reader(app, space.author.email)
    for_ana = ana.get(url, headers=EN)
    assert status(for_ana, fragments.SHELL) == "miss"
    assert f"{url}/move/consultation" in html(for_ana)
    assert same_page(html(for_ana)) == same_page(html(uncached(app, ana, url)))
    assert f"{url}/move/consultation" not in html(mira.get(url, headers=EN))

    # an admin is another level: who acted for each organization, and the admins' moves
    owner = reader(app, space.owner.email)
    for_owner = owner.get(url, headers=EN)
    assert status(for_owner, fragments.SHELL) == "miss"
    page = html(for_owner)
    assert "Acted for it (admins only)" in page and f"{url}/move/adopted" in page
    assert "Acted for it (admins only)" not in html(vera.get(url, headers=EN))
    assert same_page(html(for_owner)) == same_page(html(uncached(app, owner, url)))
    assert len(shells()) == 3
    # (the admins' table names Rade as who acted for his cooperative: the level's, not his)
    assert "Rade Zadrugar" in html(for_owner)
    assert_nothing_personal_kept(space.rep2, space.member, space.owner)
    assert not any(space.rep1.email in text for text in shells().values())


def test_the_text_s_tools_are_the_authors_and_the_day_is_the_shell_s(app, space, monkeypatch):
    """In consultation the authors change the text: the lead author's page (tools on every
    part) is another shell than a member's, and so is the page of a member invited to
    co-author it (the authors' page, no tools). A cited figure is shown as of today while the
    text is open: a new day, a new shell."""
    pid = space.proposal(articles=("Prvi član.",), state="consultation")
    url = f"/alfa/proposals/{pid}"
    ana = reader(app, space.author.email)
    invited = ana.post(f"{url}/authors/invite", {"email": space.rep2.email})
    assert invited.status_code == 303
    ana.get(url, headers=EN)  # its message shown
    mira, rade = reader(app, space.member.email), reader(app, space.rep1.email)
    vera = reader(app, space.rep2.email)
    assert status(mira.get(url, headers=EN), fragments.SHELL) == "miss"
    for_ana = ana.get(url, headers=EN)
    assert status(for_ana, fragments.SHELL) == "miss"
    assert "Add an article" in html(for_ana) and "Edit the details" in html(for_ana)
    assert "Authors and invitations" in html(for_ana) and f"{url}/move/endorsement" in html(for_ana)
    for_vera = vera.get(url, headers=EN)
    assert status(for_vera, fragments.SHELL) == "miss"
    assert "Authors and invitations" in html(for_vera)
    assert "Add an article" not in html(for_vera) and "/move/" not in html(for_vera)
    assert same_page(html(for_vera)) == same_page(html(uncached(app, vera, url)))
    served = rade.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Add an article" not in page and "Edit the details" not in page and "/move/" not in page
    assert "Authors and invitations" not in page and "Propose an amendment" in page
    assert same_page(page) == same_page(html(uncached(app, rade, url)))
    again = ana.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit" and "Add an article" in html(again)
    assert same_page(html(again)) == same_page(html(uncached(app, ana, url)))
    assert len(shells()) == 3
    assert_nothing_personal_kept(space.rep1, space.rep2, space.member)
    tomorrow = workflow.today() + timedelta(days=1)
    monkeypatch.setattr(workflow, "today", lambda: tomorrow)
    assert status(rade.get(url, headers=EN), fragments.SHELL) == "miss"


def test_a_write_is_on_the_next_request_and_a_shell_s_forms_carry_the_own_token(app, space):
    pid = space.proposal(articles=("Prvi član.",), state="endorsement")
    url = f"/alfa/proposals/{pid}"
    mira, vera = reader(app, space.member.email), reader(app, space.rep2.email)
    assert status(mira.get(url, headers=EN), fragments.SHELL) == "miss"
    served = vera.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    tokens = set(TOKEN.findall(html(served)))
    assert len(tokens) == 1 and fragments.PLACEHOLDER not in tokens
    token = tokens.pop()
    # her endorsement with the token of a page from the shell: recorded, shown to everyone
    endorsed = vera.post(
        f"{url}/endorse",
        {"csrf_token": token, "organization_id": str(space.org2), "kind": "support",
         "comment": ""},
        csrf=False,
    )  # fmt: skip
    assert endorsed.status_code == 303
    vera.get(url, headers=EN)  # its message shown
    after = mira.get(url, headers=EN)
    assert status(after, fragments.SHELL) == "miss"
    assert "Udruženje Ruke" in html(after) and "1 organization endorses" in html(after)
    mine = vera.get(url, headers=EN)
    assert status(mine, fragments.SHELL) == "hit"
    assert withdraw_buttons(mine) == ["Withdraw Udruženje Ruke"] and ENDORSE_FORM not in html(mine)
    # following is hers alone (it changes nothing the shell shows): from the same shell, the
    # next page shows it
    followed = vera.post(f"{url}/follow", {"csrf_token": token, "follow": "1"}, csrf=False)
    assert followed.status_code == 303
    vera.get(url, headers=EN)  # its message shown
    now = vera.get(url, headers=EN)
    assert status(now, fragments.SHELL) == "hit" and "Stop following" in html(now)
    assert "Follow this proposal" in html(mira.get(url, headers=EN))
    # her support is counted on everyone's next page
    supported = vera.post(f"{url}/support", {"csrf_token": token}, csrf=False)
    assert supported.status_code == 303
    vera.get(url, headers=EN)  # its message shown
    counted = mira.get(url, headers=EN)
    assert status(counted, fragments.SHELL) == "miss" and "1 member supports it." in html(counted)
    assert "Support as a member" in html(counted)
    assert "Take back my support" in html(vera.get(url, headers=EN))


def profile_links(response) -> list[str]:
    return [a["href"] for a in parse(response).select("table.endorsers a")]


def test_an_endorser_s_own_unverified_entry_is_linked_for_nobody_of_the_level(app, space):
    """A representative may open their own entry while it waits for verification; the
    endorsers' table is the level's, so it links only entries everyone of the level may
    open (an admin opens them all)."""
    pid = space.proposal(articles=("Prvi član.",), state="endorsement")
    url = f"/alfa/proposals/{pid}"
    rade = reader(app, space.rep1.email)
    assert endorse(rade, pid, space.org1).status_code == 303
    with app.test_request_context(), tenant_context(space.tenant.id):
        db.session.get(Organization, space.org1).moderation = "pending"
        db.session.commit()
    rade.get(url, headers=EN)  # the endorsement's message shown
    first = rade.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert profile_links(first) == [] and "archived in the directory" in html(first)
    mira = reader(app, space.member.email)
    served = mira.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit" and profile_links(served) == []
    assert same_page(html(served)) == same_page(html(uncached(app, mira, url)))
    owner = reader(app, space.owner.email)
    assert len(profile_links(owner.get(url, headers=EN))) == 1


def test_a_repeat_reads_neither_the_discussions_nor_the_person_s_organizations(app, space, db):
    """The discussions' panel (the same for a viewer level), the organizations a person acts
    for, which of them may still endorse, their support and the groups' panel (per account)
    are kept per change of the space (core/fragments.py kept_value): a member's repeat of the
    page reads none of them; a new discussion about the proposal, their support, and the end
    of a representation, are on the next request."""
    from solidarna.directory.organizations.models import Representative
    from tests.conftest import statements

    pid = space.proposal(articles=("Prvi član.",), state="endorsement")
    url = f"/alfa/proposals/{pid}"
    vera = reader(app, space.rep2.email)
    assert ENDORSE_FORM in html(vera.get(url, headers=EN))
    with statements(db.engine) as seen:
        again = vera.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit" and ENDORSE_FORM in html(again)
    # nor the endorsements, their support, the groups' panel, the proposal's tags
    read = ("discussion_threads", "FROM organizations", "proposal_endorsements",
            "proposal_supports", "FROM links", "proposal_tags")  # fmt: skip
    assert not [s for s in seen if any(table in s for table in read)], seen
    started = vera.post(f"/alfa/discussions/about/proposal/{pid}/new",
                        {"title": "Pitanje o članu jedan", "body": "Šta znači prvi član?"})  # fmt: skip
    assert started.status_code == 303, started.get_data(as_text=True)[:2000]
    vera.get(started.headers["Location"])  # its message shown
    assert "Pitanje o članu jedan" in html(vera.get(url, headers=EN))
    assert vera.post(f"{url}/support").status_code == 303
    vera.get(url, headers=EN)  # its message shown
    assert "Take back my support" in html(vera.get(url, headers=EN))
    with tenant_context(space.tenant.id):
        for rep in db.session.scalars(
            db.select(Representative).where(Representative.user_id == space.rep2.id)
        ):
            db.session.delete(rep)  # the representation ends
        db.session.commit()
    assert ENDORSE_FORM not in html(vera.get(url, headers=EN))


def test_the_authors_standings_are_kept_and_an_answer_is_on_the_next_request(app, space, db):
    """Who writes the text (the author rows' standings) is kept per change of the space
    (proposals/coauthors.py `standings`): a member's repeat of the page reads no author row;
    an invitation, its acceptance and leaving again are each on the next request."""
    from tests.conftest import statements

    pid = space.proposal(articles=("Prvi član.",), state="consultation")
    url = f"/alfa/proposals/{pid}"
    ana, vera = reader(app, space.author.email), reader(app, space.rep2.email)
    vera.get(url, headers=EN)
    with statements(db.engine) as seen:
        again = vera.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    assert not [s for s in seen if "proposal_authors" in s], seen
    assert "Edit the details" not in html(again) and "Authors and invitations" not in html(again)
    assert ana.post(f"{url}/authors/invite", {"email": space.rep2.email}).status_code == 303
    assert "Authors and invitations" in html(vera.get(url, headers=EN))
    accepted = vera.post(f"{url}/authors/accept")
    assert accepted.status_code == 303, accepted.get_data(as_text=True)[:500]
    vera.get(url, headers=EN)  # its message shown
    page = html(vera.get(url, headers=EN))
    assert "Edit the details" in page and "Add an article" in page
    assert vera.post(f"{url}/authors/leave").status_code == 303
    vera.get(url, headers=EN)  # its message shown
    left = html(vera.get(url, headers=EN))
    assert "Edit the details" not in left and "Add an article" not in left


def test_a_follow_is_kept_per_follows_version_and_is_on_the_next_request(app, space, db):
    """What a person follows is kept per account and follows version (core/following.py
    `followed_here`): a repeat of the page reads no follow; following raises the account's
    version, not the space's marker (nobody else's page is drawn again), and is on the
    person's next request, as is stopping."""
    from solidarna.accounts.models import User
    from solidarna.core import pagecache
    from tests.conftest import statements

    pid = space.proposal(articles=("Prvi član.",), state="consultation")
    url = f"/alfa/proposals/{pid}"
    vera = reader(app, space.rep2.email)
    assert "Follow this proposal" in html(vera.get(url, headers=EN))
    with statements(db.engine) as seen:
        again = vera.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit" and "Follow this proposal" in html(again)
    assert not [s for s in seen if "FROM follows" in s], seen
    with app.app_context():
        marker = pagecache.marker_of(space.tenant)
        version = db.session.get(User, space.rep2.id).follows_version
    assert vera.post(f"{url}/follow", {"follow": "1"}).status_code == 303
    vera.get(url, headers=EN)  # its message shown
    followed = vera.get(url, headers=EN)
    assert "Stop following" in html(followed) and "Follow this proposal" not in html(followed)
    with app.app_context():
        assert pagecache.marker_of(space.tenant) == marker
        assert db.session.get(User, space.rep2.id).follows_version == version + 1
    assert vera.post(f"{url}/follow", {"follow": "0"}).status_code == 303
    vera.get(url, headers=EN)  # its message shown
    assert "Follow this proposal" in html(vera.get(url, headers=EN))
