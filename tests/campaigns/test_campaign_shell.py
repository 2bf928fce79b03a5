"""A campaign's page as a page shell for logged-in people (campaigns/views/browse.py `detail`,
core/fragments.py `shell_page`): one per viewer level, address and `shell_parts` (the
partner-aware marker, the demands' proposals the person may see, a manager's partnerships);
what is the person's own (the follow form, the signing forms and their personal support, the
other capabilities' panels) is a slot (campaigns/_detail_fills.html). Another member gets from
it exactly the page drawn for them with the caches off; an admin's page is another level's; a
write, an owner space's change seen from a partner space and a partner's answer are on the
next request; the forms of a page served from a shell carry the person's own token."""

from __future__ import annotations

import pytest

from solidarna.campaigns.models import CampaignDemand
from solidarna.core import fragments
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Representative
from solidarna.extensions import db
from solidarna.tenants.models import Membership
from tests.campaigns.conftest import client_of
from tests.campaigns.test_following import add_step
from tests.conftest import verified_organization
from tests.core.test_fragments import EN, TOKEN, html, status
from tests.core.test_links import make_proposal
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture

#: what the page shows of Rade alone: his organization's signature, his support, his follow,
#: the private group he coordinates (the groups' panel)
RADE_S = (
    "Withdraw the signature",
    "Take back my personal support",
    "You follow this advocacy platform",
    "Tajna grupa",
)


@pytest.fixture
def nina(world, make_user):
    """A third member of KoRSE, the representative of an organization that has not signed."""
    person = make_user(email="nina@example.org", name="Nina Novosadska", locale="en")
    with world.app.test_request_context(), tenant_context(world.owner.id):
        db.session.add(Membership(user_id=person.id, role="member", status="active"))
        org = verified_organization("Zadruga Novi Sad", "cooperative", "Novi Sad")
        db.session.add(Representative(organization_id=org.id, user_id=person.id, status="active"))
        db.session.commit()
        world.orgs["nina"] = org.id
    world.people["nina"] = person
    return person


@pytest.fixture
def readers(world, nina):
    """Logged-in clients whose login message has been shown (a page with a flashed message
    is never a shell's)."""
    spaces = {"partner_admin": "krusevac", "partner_rep": "krusevac", "third_rep": "treci"}
    clients = {}
    for key in world.people:
        clients[key] = client_of(world.app, f"{key}@example.org")
        clients[key].get(f"/{spaces.get(key, 'korse')}/", headers=EN)
    return clients


def private_group(world, name: str, campaign_id: int) -> int:
    """A private working group Rade coordinates, working on the campaign (the groups' panel on
    its page shows it to its members and the admins only)."""
    from solidarna.core.links import Link
    from solidarna.groups import services as groups

    with world.app.test_request_context(), tenant_context(world.owner.id):
        group = groups.create(
            {"name": name, "theme": "finance", "mandate": "Mandat grupe.", "goals": "",
             "ends_on": None, "visibility": "private", "join_policy": "request",
             "parent_id": None},
            db.session.merge(world.people["owner_rep"]),
        )  # fmt: skip
        db.session.flush()
        db.session.add(Link(from_type="group", from_id=group.id, relation="works_on_campaign",
                            to_type="campaign", to_id=campaign_id))  # fmt: skip
        db.session.commit()
        return group.id


def shown(client, path: str) -> None:
    client.get(path, headers=EN)  # a write's message shown


def test_another_member_gets_from_the_shell_the_page_drawn_for_them(app, world, readers):
    """Rade (his organization signed, his support, his follow, his private group) draws the
    shell; Mira (none of it) and Nina (an organization that may still sign) get from it the
    page drawn for each of them. The office's admin draws their own."""
    cid = world.campaign(title="Rezervisane javne nabavke")
    url = f"/korse/campaigns/{cid}"
    private_group(world, "Tajna grupa", cid)
    rade, mira, nina = readers["owner_rep"], readers["owner_member"], readers["nina"]
    assert rade.post(f"{url}/sign", {"organization_id": world.orgs["korse"]}).status_code == 303
    assert rade.post(f"{url}/support", {}).status_code == 303
    assert rade.post(f"{url}/follow", {"follow": "1"}).status_code == 303
    shown(rade, "/korse/")
    first = rade.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    for text in RADE_S:
        assert text in html(first), text

    served = mira.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Mira Članica" in page and "Rade Zadrugar" not in page
    assert "Zadruga Beograd" in page  # the signatories' table is everyone's
    for text in (*RADE_S, "Sign for the organization"):
        assert text not in page, text
    assert "Support it personally" in page and "Follow this advocacy platform" in page
    assert "you must be its verified representative" in page
    assert same_page(page) == same_page(html(uncached(app, mira, url)))

    for_nina = nina.get(url, headers=EN)
    assert status(for_nina, fragments.SHELL) == "hit"
    page = html(for_nina)
    assert "Nina Novosadska" in page and "Mira Članica" not in page
    assert "Sign for the organization" in page
    assert f'<option value="{world.orgs["nina"]}">Zadruga Novi Sad</option>' in page
    assert f'<option value="{world.orgs["korse"]}">' not in page
    for text in RADE_S:
        assert text not in page, text
    assert same_page(page) == same_page(html(uncached(app, nina, url)))

    kept = shells()
    assert len(kept) == 1
    for text in kept.values():
        assert fragments.PLACEHOLDER in text
        for key in ("owner_rep", "owner_member", "nina"):
            person = world.people[key]
            assert person.email not in text and person.name not in text, key
        for personal in (*RADE_S, "Zadruga Novi Sad", "Support it personally", "Follow this"):
            assert personal not in text, personal

    # an admin is another level: their own shell, with the signers' names and the controls
    admin = readers["owner_admin"]
    own = admin.get(url, headers=EN)
    assert status(own, fragments.SHELL) == "miss"
    page = html(own)
    assert "Change the status" in page and "Signed by" in page and "Rade Zadrugar" in page
    assert "Tajna grupa" in page  # admins see every group
    assert same_page(page) == same_page(html(uncached(app, admin, url)))
    assert len(shells()) == 2
    again = html(mira.get(url, headers=EN))
    assert "Change the status" not in again and "Signed by" not in again


def test_a_draft_named_by_a_demand_is_only_in_its_authors_page(world, readers, app):
    """A demand names Mira's draft: she sees the link, the other members do not (`links` in
    the shell's parts); Rade gets Nina's shell."""
    mira, nina, rade = readers["owner_member"], readers["nina"], readers["owner_rep"]
    draft = make_proposal(world.app, world.owner, world.people["owner_member"], "Mirin nacrt",
                          state="draft")  # fmt: skip
    cid = world.campaign()
    with tenant_context(world.owner.id):  # as an admin names it (they see every draft)
        db.session.add(CampaignDemand(campaign_id=cid, position=0, proposal_id=draft,
                                      text="Rezervisane nabavke za zadruge"))  # fmt: skip
        db.session.commit()
    url = f"/korse/campaigns/{cid}"
    first = mira.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "Proposal: Mirin nacrt" in html(first)
    for_nina = nina.get(url, headers=EN)
    assert status(for_nina, fragments.SHELL) == "miss"  # another shell: no link
    assert "Rezervisane nabavke za zadruge" in html(for_nina)
    assert "Mirin nacrt" not in html(for_nina)
    for_rade = rade.get(url, headers=EN)
    assert status(for_rade, fragments.SHELL) == "hit"
    assert "Mirin nacrt" not in html(for_rade)
    assert same_page(html(for_rade)) == same_page(html(uncached(app, rade, url)))
    again = mira.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit" and "Proposal: Mirin nacrt" in html(again)


def test_a_write_is_on_the_next_request_with_the_token_of_a_shell_s_page(world, readers, app):
    """A comment and a support posted with the token taken from a page served from a shell
    are accepted and shown on the next request; a follow (a row no page's marker follows) is
    shown on the next page from the same shell."""
    cid = world.campaign()
    url = f"/korse/campaigns/{cid}"
    mira, nina = readers["owner_member"], readers["nina"]
    assert status(nina.get(url, headers=EN), fragments.SHELL) == "miss"

    def token() -> str:
        served = mira.get(url, headers=EN)
        assert status(served, fragments.SHELL) == "hit"
        tokens = set(TOKEN.findall(html(served)))
        assert len(tokens) == 1 and fragments.PLACEHOLDER not in tokens
        return tokens.pop()

    commented = mira.post(f"{url}/comments", {"csrf_token": token(), "body": "Podržavamo."},
                          csrf=False)  # fmt: skip
    assert commented.status_code == 303
    shown(mira, "/korse/")
    after = nina.get(url, headers=EN)
    assert status(after, fragments.SHELL) == "miss" and "Podržavamo." in html(after)

    supported = mira.post(f"{url}/support", {"csrf_token": token()}, csrf=False)
    assert supported.status_code == 303
    shown(mira, "/korse/")
    mine = mira.get(url, headers=EN)
    assert status(mine, fragments.SHELL) == "miss"
    assert "Take back my personal support" in html(mine)
    assert "<dt>Individual supporters</dt><dd>1</dd>" in html(mine)
    hers = nina.get(url, headers=EN)
    assert status(hers, fragments.SHELL) == "hit"
    assert "Support it personally" in html(hers) and "Take back" not in html(hers)
    assert same_page(html(hers)) == same_page(html(uncached(app, nina, url)))

    followed = mira.post(f"{url}/follow", {"csrf_token": token(), "follow": "1"}, csrf=False)
    assert followed.status_code == 303
    shown(mira, "/korse/")
    mine = mira.get(url, headers=EN)
    assert status(mine, fragments.SHELL) == "hit"  # a follow raises no marker: its own slot
    assert "You follow this advocacy platform" in html(mine)
    hers = html(nina.get(url, headers=EN))
    assert "You follow" not in hers and "Follow this advocacy platform" in hers


def test_an_owner_s_change_and_a_partner_s_answer_are_on_the_next_request(world, readers):
    """Kruševac's page follows KoRSE's changes (the partner-aware marker in the parts); the
    owner's admin sees a partner space's answer at once (it raises no marker in KoRSE)."""
    cid = world.campaign()
    world.partner_with(cid)
    invited = world.partner_with(cid, status="invited", tenant=world.third)
    vera, admin = readers["partner_rep"], readers["owner_admin"]
    seen = f"/krusevac/campaigns/{cid}"
    assert status(vera.get(seen, headers=EN), fragments.SHELL) == "miss"
    assert status(vera.get(seen, headers=EN), fragments.SHELL) == "hit"
    add_step(world, cid, title="Pismo Vladi")
    after = vera.get(seen, headers=EN)
    assert status(after, fragments.SHELL) == "miss" and "Pismo Vladi" in html(after)

    own = f"/korse/campaigns/{cid}"
    assert status(admin.get(own, headers=EN), fragments.SHELL) == "miss"
    before = admin.get(own, headers=EN)
    assert status(before, fragments.SHELL) == "hit"
    assert "Treći prostor — Invited" in html(before)
    answered = readers["third_rep"].post(f"/treci/admin/partnerships/{invited}/answer",
                                         {"answer": "decline"})  # fmt: skip
    assert answered.status_code == 303
    fresh = admin.get(own, headers=EN)
    assert status(fresh, fragments.SHELL) == "miss"
    assert "Treći prostor — Declined" in html(fresh)


def test_a_member_s_repeat_reads_no_signature_support_panel_or_discussion(world, readers):
    """Which of the person's organizations signed and their support are kept per account and
    partner-aware marker; the groups' and discussions' panels per account and per level, the
    demands' proposals per account, what the person follows per account and follows version
    (core/following.py): a repeat of the page reads none of them, nor the demands, nor the
    marker apart from the space, and a
    signature made from a partner space is on the owner's next page."""
    from tests.conftest import statements

    cid = world.campaign(title="Rezervisane javne nabavke")
    world.partner_with(cid)
    url = f"/korse/campaigns/{cid}"
    nina = readers["nina"]
    assert "Udruženje Rasina" not in html(nina.get(url, headers=EN))
    with statements(db.engine) as seen:
        again = nina.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    read = ("campaign_signatures", "campaign_supporters", "FROM links", "discussion_threads",
            "campaign_demands", "FROM follows")  # fmt: skip
    assert not [s for s in seen if any(table in s for table in read)], seen
    # the partner-aware marker is read with the space (views/common.py `partner_marker`'s
    # prefetch): the space's statement and the campaign's, nothing else
    assert len(seen) == 2 and "partnerships" in seen[0], seen
    partner_rep = readers["partner_rep"]
    signed = partner_rep.post(f"/krusevac/campaigns/{cid}/sign",
                              {"organization_id": world.orgs["krusevac"]})  # fmt: skip
    assert signed.status_code == 303
    fresh = nina.get(url, headers=EN)
    assert status(fresh, fragments.SHELL) == "miss" and "Udruženje Rasina" in html(fresh)
