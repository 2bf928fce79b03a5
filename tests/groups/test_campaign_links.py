"""The advocacy platforms a group works on (core/links.py, relation `works_on_campaign` from
`group` to `campaign`; groups never import campaigns): the coordinators link one of the
space's platforms from the group's page and take it away; the platform's page lists the
groups through the groups' panel; members may not link; another space's platform (and one
in preparation, for whoever may not see it) cannot be linked; all in the audit log."""

from __future__ import annotations

from solidarna.campaigns import services as campaign_services
from solidarna.core import audit, links
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from tests.conftest import parse
from tests.groups.conftest import visitor


def client_of(space, email=None):
    client = visitor(space.app)
    if email:
        client.login(email)
    return client


def platform(space, title="Rezervisane javne nabavke", status="open", tenant=None) -> int:
    tenant = tenant or space.tenant
    with space.app.test_request_context(), tenant_context(tenant.id):
        owner = db.session.merge(space.owner)
        row = campaign_services.create(
            {"title": title, "goal": "Cilj platforme.", "institutions": [], "starts_on": None,
             "ends_on": None},
            [], owner,
        )  # fmt: skip
        row.status = status
        db.session.commit()
        return row.id


def linked(space, group_id):
    with tenant_context(space.tenant.id):
        return db.session.scalars(
            db.select(links.Link.to_id).where(
                links.Link.from_type == "group", links.Link.from_id == group_id,
                links.Link.relation == "works_on_campaign",
            )
        ).all()  # fmt: skip


def test_a_coordinator_links_a_platform_and_its_page_shows_the_group(space):
    gid = space.group(name="Grupa za nabavke")
    cid = platform(space)
    coordinator = client_of(space, "coord@example.org")
    page = parse(coordinator.get(f"/alfa/groups/{gid}").get_data(as_text=True))
    assert "works on no advocacy platform" in page.select_one("#campaigns").get_text()
    assert str(cid) in [o["value"] for o in page.select("#campaigns #campaign_id option")]
    response = coordinator.post(f"/alfa/groups/{gid}/campaigns/", {"campaign_id": cid})
    assert response.status_code == 303 and response.headers["Location"].endswith("#campaigns")
    assert linked(space, gid) == [cid]
    again = coordinator.post(f"/alfa/groups/{gid}/campaigns/", {"campaign_id": cid})
    assert again.status_code == 303 and linked(space, gid) == [cid]
    # the group's page lists it for everyone, without the coordinators' forms
    section = parse(visitor(space.app).get(f"/alfa/groups/{gid}").get_data(as_text=True))
    section = section.select_one("#campaigns")
    assert "Rezervisane javne nabavke" in section.get_text() and section.select("form") == []
    # the platform's page shows the group that works on it
    panel = parse(visitor(space.app).get(f"/alfa/campaigns/{cid}").get_data(as_text=True))
    panel = panel.select_one("#working-groups")
    assert panel is not None and "Grupa za nabavke" in panel.get_text()
    assert panel.select_one("a")["href"] == f"/alfa/groups/{gid}"
    # and taken away
    removed = coordinator.post(f"/alfa/groups/{gid}/campaigns/{cid}/remove", {})
    assert removed.status_code == 303 and linked(space, gid) == []
    assert coordinator.post(f"/alfa/groups/{gid}/campaigns/{cid}/remove", {}).status_code == 404
    page = visitor(space.app).get(f"/alfa/campaigns/{cid}").get_data(as_text=True)
    assert parse(page).select_one("#working-groups") is None
    with tenant_context(space.tenant.id):
        actions = db.session.scalars(
            db.select(audit.AuditEntry.action).where(
                audit.AuditEntry.action.like("group.campaign_%")
            )
        ).all()
    assert sorted(actions) == ["group.campaign_linked", "group.campaign_unlinked"]


def test_members_may_not_link_and_foreign_or_hidden_platforms_are_refused(space, make_tenant):
    gid = space.group()
    space.add(gid, space.member)
    cid = platform(space)
    member = client_of(space, "member@example.org")
    assert member.post(f"/alfa/groups/{gid}/campaigns/", {"campaign_id": cid}).status_code == 403
    anonymous = visitor(space.app).post(f"/alfa/groups/{gid}/campaigns/", {"campaign_id": cid})
    assert anonymous.status_code in (302, 303) and "/auth/login" in anonymous.headers["Location"]
    other = make_tenant("beta")
    foreign = platform(space, "Tuđa platforma", tenant=other)
    coordinator = client_of(space, "coord@example.org")
    refused = coordinator.post(f"/alfa/groups/{gid}/campaigns/", {"campaign_id": foreign})
    assert refused.status_code == 400 and linked(space, gid) == []
    # a platform in preparation is seen by the space's admins only: not offered to others
    draft = platform(space, "Platforma u pripremi", status="preparing")
    page = coordinator.get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Platforma u pripremi" not in page
    refused = coordinator.post(f"/alfa/groups/{gid}/campaigns/", {"campaign_id": draft})
    assert refused.status_code == 400 and linked(space, gid) == []
    bad = coordinator.post(f"/alfa/groups/{gid}/campaigns/", {"campaign_id": "x"})
    assert bad.status_code == 400


def test_without_advocacy_platforms_the_group_page_has_no_such_section(space):
    gid = space.group()
    with tenant_context(space.tenant.id):
        from solidarna.tenants.models import Tenant

        tenant = db.session.get(Tenant, space.tenant.id)
        tenant.modules = [m for m in tenant.modules if m != "campaigns"]
        db.session.commit()
    page = parse(
        client_of(space, "coord@example.org").get(f"/alfa/groups/{gid}").get_data(as_text=True)
    )
    assert page.select_one("#campaigns") is None and page.select_one("#proposals") is not None
