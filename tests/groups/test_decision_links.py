"""A decision leads to a proposal (core/links.py, relation `leads_to` from `group_decision` to
`proposal`): the group's coordinators link it from the decision's page, which lists the
proposals; the proposal's page shows the decisions that led to it through the groups' panel
(groups never import proposals). A private group's decision shows only to who sees the group;
another space's proposal cannot be linked; members may not link; it is all in the audit log."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from flask import g

from solidarna.core import audit, links
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups.models import GroupMeeting
from solidarna.groups.records import GroupDecision
from tests.conftest import parse
from tests.core.test_links import make_proposal
from tests.groups.conftest import visitor


def client_of(space, email=None):
    client = visitor(space.app)
    if email:
        client.login(email)
    return client


def decision(space, group_id, title="Grupa predlaže garantni fond") -> tuple[int, str]:
    """A past meeting's decision 1 of this year: its id and address."""
    with tenant_context(space.tenant.id):
        starts = utcnow() - timedelta(days=2)
        meeting = GroupMeeting(group_id=group_id, title="Sastanak", starts_at=starts, place="Brus")
        db.session.add(meeting)
        db.session.flush()
        year = starts.astimezone(UTC).year
        row = GroupDecision(group_id=group_id, meeting_id=meeting.id, year=year, number=1,
                            title=title)  # fmt: skip
        db.session.add(row)
        db.session.commit()
        return row.id, f"/alfa/groups/{group_id}/decisions/{year}/1"


def linked(space, decision_id):
    with tenant_context(space.tenant.id):
        return db.session.scalars(
            db.select(links.Link.to_id).where(
                links.Link.from_type == "group_decision", links.Link.from_id == decision_id,
                links.Link.relation == "leads_to",
            )
        ).all()  # fmt: skip


def test_a_coordinator_links_a_decision_and_the_proposal_shows_it(space):
    group_id = space.group(name="Grupa za finansije")
    decision_id, path = decision(space, group_id)
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Odluka o garantnom fondu")
    coordinator = client_of(space, "coord@example.org")
    page = parse(coordinator.get(path).get_data(as_text=True))
    assert str(proposal_id) in [o["value"] for o in page.select("#proposals #proposal_id option")]
    response = coordinator.post(f"{path}/proposals/", {"proposal_id": proposal_id})
    assert response.status_code == 303 and response.headers["Location"].endswith("#proposals")
    assert linked(space, decision_id) == [proposal_id]
    again = coordinator.post(f"{path}/proposals/", {"proposal_id": proposal_id})
    assert again.status_code == 303 and linked(space, decision_id) == [proposal_id]
    # the decision's page lists the proposal, for everyone who sees the group
    section = parse(visitor(space.app).get(path).get_data(as_text=True)).select_one("#proposals")
    assert "Odluka o garantnom fondu" in section.get_text() and section.select("form") == []
    # the proposal's page shows the decision that led to it, by number, title and group
    proposal_page = visitor(space.app).get(f"/alfa/proposals/{proposal_id}").get_data(as_text=True)
    panel = parse(proposal_page).select_one("#group-decisions")
    year = utcnow().astimezone(UTC).year
    assert panel is not None
    assert f"Decision 1/{year}" in panel.get_text() and "Grupa za finansije" in panel.get_text()
    assert panel.select_one("a")["href"] == path
    assert parse(proposal_page).select_one("#working-groups") is None  # no group works on it
    with tenant_context(space.tenant.id):
        actions = [e.action for e in audit.entries(tenant_id=space.tenant.id)]
    assert actions.count("group.decision_linked") == 1
    # unlinking
    removed = coordinator.post(f"{path}/proposals/{proposal_id}/remove")
    assert removed.status_code == 303 and linked(space, decision_id) == []
    proposal_page = visitor(space.app).get(f"/alfa/proposals/{proposal_id}").get_data(as_text=True)
    assert parse(proposal_page).select_one("#group-decisions") is None
    assert coordinator.post(f"{path}/proposals/{proposal_id}/remove").status_code == 404
    with tenant_context(space.tenant.id):
        actions = [e.action for e in audit.entries(tenant_id=space.tenant.id)]
    assert "group.decision_unlinked" in actions


def test_members_and_visitors_may_not_link(space):
    group_id = space.group()
    space.add(group_id, space.member)
    decision_id, path = decision(space, group_id)
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Odluka")
    member = client_of(space, "member@example.org")
    assert member.post(f"{path}/proposals/", {"proposal_id": proposal_id}).status_code == 403
    assert "proposal_id" not in member.get(path).get_data(as_text=True)
    assert visitor(space.app).post(f"{path}/proposals/", {"proposal_id": proposal_id}).status_code in (302, 400)  # fmt: skip
    assert linked(space, decision_id) == []
    # an admin of the space may
    owner = client_of(space, "owner@example.org")
    assert owner.post(f"{path}/proposals/", {"proposal_id": proposal_id}).status_code == 303
    assert linked(space, decision_id) == [proposal_id]


def test_bad_input_answers_4xx(space):
    group_id = space.group()
    _decision_id, path = decision(space, group_id)
    coordinator = client_of(space, "coord@example.org")
    assert coordinator.post(f"{path}/proposals/", {"proposal_id": "abc"}).status_code == 400
    assert coordinator.post(f"{path}/proposals/", {}).status_code == 400
    year = utcnow().astimezone(UTC).year
    missing = f"/alfa/groups/{group_id}/decisions/{year}/9/proposals/"
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Predlog")
    assert coordinator.post(missing, {"proposal_id": proposal_id}).status_code == 404


def test_another_space_s_proposal_cannot_be_linked(space, make_user, make_tenant):
    group_id = space.group()
    decision_id, path = decision(space, group_id)
    other_owner = make_user(email="b@example.org", locale="en")
    beta = make_tenant("beta", members={other_owner: "owner"})
    foreign = make_proposal(space.app, beta, other_owner, "Tajni predlog bete")
    coordinator = client_of(space, "coord@example.org")
    assert coordinator.post(f"{path}/proposals/", {"proposal_id": foreign}).status_code in (
        400,
        404,
    )
    assert linked(space, decision_id) == []
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        g.tenant = db.session.merge(space.tenant)
        with pytest.raises(links.LinkError) as refused:
            links.add("leads_to", decision_id, foreign)
        assert refused.value.status == 404
    assert "Tajni predlog bete" not in coordinator.get(path).get_data(as_text=True)


def test_a_private_group_s_decision_shows_on_the_proposal_only_to_its_members(space):
    group_id = space.group(name="Tajna grupa", visibility="private")
    decision_id, path = decision(space, group_id, title="Tajna odluka grupe")
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Javni predlog")
    coordinator = client_of(space, "coord@example.org")
    assert coordinator.post(f"{path}/proposals/", {"proposal_id": proposal_id}).status_code == 303
    url = f"/alfa/proposals/{proposal_id}"
    assert "Tajna odluka grupe" in coordinator.get(url).get_data(as_text=True)
    for reader in (visitor(space.app), client_of(space, "member@example.org")):
        assert "Tajna odluka grupe" not in reader.get(url).get_data(as_text=True)
        assert reader.get(path).status_code == 404


def test_one_statement_lists_groups_and_decisions_on_a_proposal(space):
    group_id = space.group(name="Grupa B")
    decision_id, _path = decision(space, group_id, title="Odluka B")
    proposal_id = make_proposal(space.app, space.tenant, space.owner, "Predlog B")
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        g.tenant = db.session.merge(space.tenant)
        assert links.sources_by(("works_on", "leads_to"), proposal_id) == {
            "works_on": [], "leads_to": []
        }  # fmt: skip
        links.add("works_on", group_id, proposal_id)
        links.add("leads_to", decision_id, proposal_id)
        found = links.sources_by(("works_on", "leads_to"), proposal_id)
        assert [s.title for s in found["works_on"]] == ["Grupa B"]
        assert [s.type for s in found["leads_to"]] == ["group_decision"]
        assert "Odluka B" in found["leads_to"][0].title
        with pytest.raises(links.LinkError):
            links.sources_by(("works_on", "no_such_relation"), proposal_id)
