"""Links between objects of different capabilities (core/links.py): a working group works on a
proposal of its own space. Coordinators link and unlink from the group's page; the proposal's
page shows the groups through the groups' panel; another space's proposal cannot be linked."""

from __future__ import annotations

import pytest
from flask import g

from solidarna.core import links
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import services as proposal_services
from solidarna.proposals.models import Institution
from tests.conftest import parse
from tests.groups.conftest import space as space
from tests.groups.conftest import visitor


def make_proposal(app, tenant, author, title, state="consultation") -> int:
    with app.test_request_context(), tenant_context(tenant.id):
        author = db.session.merge(author)
        institution = Institution(name=f"Skupština {title}", level="local")
        db.session.add(institution)
        db.session.flush()
        proposal = proposal_services.create(
            {"title": title, "kind": "local_decision", "level": "local",
             "institution_id": institution.id, "tags": []},
            author,
        )  # fmt: skip
        proposal.state = state
        db.session.commit()
        return proposal.id


def client_of(space, email=None):
    client = visitor(space.app)
    if email:
        client.login(email)
    return client


def linked(space, group_id):
    with tenant_context(space.tenant.id):
        return db.session.scalars(
            db.select(links.Link.to_id).where(
                links.Link.from_type == "group", links.Link.from_id == group_id
            )
        ).all()


def test_a_coordinator_links_a_proposal_and_both_pages_show_it(space):
    group_id = space.group(name="Grupa za finansije")
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Odluka o podršci")
    coordinator = client_of(space, "coord@example.org")
    page = parse(coordinator.get(f"/alfa/groups/{group_id}").get_data(as_text=True))
    offered = [o["value"] for o in page.select("#proposal_id option")]
    assert str(proposal_id) in offered
    response = coordinator.post(f"/alfa/groups/{group_id}/proposals/", {"proposal_id": proposal_id})
    assert response.status_code == 303
    assert linked(space, group_id) == [proposal_id]
    again = coordinator.post(f"/alfa/groups/{group_id}/proposals/", {"proposal_id": proposal_id})
    assert again.status_code == 303 and linked(space, group_id) == [proposal_id]
    group_page = visitor(space.app).get(f"/alfa/groups/{group_id}").get_data(as_text=True)
    section = parse(group_page).select_one("#proposals")
    assert "Odluka o podršci" in section.get_text()
    proposal_page = visitor(space.app).get(f"/alfa/proposals/{proposal_id}").get_data(as_text=True)
    panel = parse(proposal_page).select_one("#working-groups")
    assert panel is not None and "Grupa za finansije" in panel.get_text()
    removed = coordinator.post(f"/alfa/groups/{group_id}/proposals/{proposal_id}/remove")
    assert removed.status_code == 303 and linked(space, group_id) == []
    proposal_page = visitor(space.app).get(f"/alfa/proposals/{proposal_id}").get_data(as_text=True)
    assert parse(proposal_page).select_one("#working-groups") is None
    assert (
        coordinator.post(f"/alfa/groups/{group_id}/proposals/{proposal_id}/remove").status_code
        == 404
    )


def test_members_may_not_link(space):
    group_id = space.group()
    space.add(group_id, space.member)
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Odluka")
    member = client_of(space, "member@example.org")
    assert member.post(f"/alfa/groups/{group_id}/proposals/",
                       {"proposal_id": proposal_id}).status_code == 403  # fmt: skip
    assert linked(space, group_id) == []


def test_another_space_s_proposal_cannot_be_linked(space, make_user, make_tenant):
    group_id = space.group()
    other_owner = make_user(email="b@example.org", locale="en")
    beta = make_tenant("beta", members={other_owner: "owner"})
    foreign = make_proposal(space.app, beta, other_owner, "Tajni predlog bete")
    coordinator = client_of(space, "coord@example.org")
    response = coordinator.post(f"/alfa/groups/{group_id}/proposals/", {"proposal_id": foreign})
    assert response.status_code in (400, 404)
    assert linked(space, group_id) == []
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        g.tenant = db.session.merge(space.tenant)
        with pytest.raises(links.LinkError) as refused:
            links.add("works_on", group_id, foreign)
        assert refused.value.status == 404
    page = coordinator.get(f"/alfa/groups/{group_id}").get_data(as_text=True)
    assert "Tajni predlog bete" not in page


def test_a_draft_is_linked_only_by_who_sees_it_and_shown_only_to_them(space):
    group_id = space.group(name="Grupa")
    draft = make_proposal(space.app, space.tenant, space.coordinator, "Nacrt odluke", "draft")
    coordinator = client_of(space, "coord@example.org")  # the draft's author
    assert coordinator.post(f"/alfa/groups/{group_id}/proposals/",
                            {"proposal_id": draft}).status_code == 303  # fmt: skip
    assert "Nacrt odluke" in coordinator.get(f"/alfa/groups/{group_id}").get_data(as_text=True)
    assert "Nacrt odluke" not in visitor(space.app).get(f"/alfa/groups/{group_id}").get_data(
        as_text=True
    )


def test_the_registry_lists_both_ways_and_refuses_unknown_relations(space):
    group_id = space.group(name="Grupa A")
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Predlog A")
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        g.tenant = db.session.merge(space.tenant)  # what the routing sets for a request
        link, created = links.add("works_on", group_id, proposal_id)
        assert created and link.tenant_id == space.tenant.id
        assert [s.title for s in links.targets("works_on", group_id)] == ["Predlog A"]
        assert [s.title for s in links.sources("works_on", proposal_id)] == ["Grupa A"]
        with pytest.raises(links.LinkError) as unknown:
            links.add("demands", group_id, proposal_id)
        assert unknown.value.status == 400
        assert links.remove("works_on", group_id, proposal_id) is True
        assert links.remove("works_on", group_id, proposal_id) is False
