"""Joining by each policy, acting for an organization (its verified representatives only),
decisions, invitations, roles and leaving: through the pages, with the rules' answers and the
audit entries."""

from __future__ import annotations

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Representative
from solidarna.extensions import db
from tests.groups.conftest import visitor


def client_of(space, email):
    client = visitor(space.app)
    client.login(email)
    return client


def actions(space) -> list[str]:
    with tenant_context(space.tenant.id):
        return list(
            db.session.scalars(
                db.select(AuditEntry.action)
                .where(AuditEntry.action.like("group.%"))
                .order_by(AuditEntry.id)
            )
        )


def test_an_open_group_takes_a_member_at_once(space):
    gid = space.group(join_policy="open")
    client = client_of(space, "member@example.org")
    response = client.post(f"/alfa/groups/{gid}/join", {"organization_id": ""})
    assert response.status_code == 303
    membership = space.membership(gid, space.member)
    assert (membership.status, membership.role, membership.organization_id) == (
        "active", "member", None,
    )  # fmt: skip
    assert membership.active_from is not None
    assert space.get(gid).member_count == 2
    assert "group.joined" in actions(space)
    page = client.get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Mira Članica" in page and "Leave the group" in page


def test_a_request_waits_for_a_coordinator(space):
    gid = space.group(join_policy="request")
    client = client_of(space, "member@example.org")
    assert client.post(f"/alfa/groups/{gid}/join", {"message": "Rado bih"}).status_code == 303
    membership = space.membership(gid, space.member)
    assert membership.status == "pending" and membership.message == "Rado bih"
    assert space.get(gid).member_count == 1
    # another member of the space may not decide; the coordinator may
    other = client_of(space, "rep2@example.org")
    url = f"/alfa/groups/{gid}/members/{membership.id}/decide"
    assert other.post(url, {"decision": "accept"}).status_code == 403
    assert other.get(f"/alfa/groups/{gid}/members").status_code == 403
    coordinator = client_of(space, "coord@example.org")
    page = coordinator.get(f"/alfa/groups/{gid}/members").get_data(as_text=True)
    assert "Mira Članica" in page and "Rado bih" in page
    assert coordinator.post(url, {"decision": "accept"}).status_code == 303
    assert space.membership(gid, space.member).status == "active"
    assert space.get(gid).member_count == 2
    # answered once: a second answer is refused, not repeated
    assert coordinator.post(url, {"decision": "decline"}).status_code == 409
    assert actions(space) == ["group.created", "group.join_requested", "group.request_approved"]


def test_a_declined_request_may_be_made_again(space):
    gid = space.group(join_policy="request")
    client = client_of(space, "member@example.org")
    client.post(f"/alfa/groups/{gid}/join", {})
    mid = space.membership(gid, space.member).id
    coordinator = client_of(space, "coord@example.org")
    url = f"/alfa/groups/{gid}/members/{mid}/decide"
    assert coordinator.post(url, {"decision": "nonsense"}).status_code == 422
    assert coordinator.post(url, {"decision": "decline"}).status_code == 303
    assert space.membership(gid, space.member).status == "declined"
    assert client.post(f"/alfa/groups/{gid}/join", {}).status_code == 303
    assert space.membership(gid, space.member).status == "pending"


def test_waiting_or_in_the_group_cannot_ask_again(space):
    gid = space.group(join_policy="request")
    client = client_of(space, "member@example.org")
    assert client.post(f"/alfa/groups/{gid}/join", {}).status_code == 303
    assert client.post(f"/alfa/groups/{gid}/join", {}).status_code == 403
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(
            db.select(AuditEntry).where(AuditEntry.action == "group.join_requested").subquery()
        )) == 1  # fmt: skip


def test_only_verified_representatives_act_for_an_organization(space):
    gid = space.group(join_policy="open")
    # rep2 represents org2, not org1: refused, nothing recorded
    rep2 = client_of(space, "rep2@example.org")
    response = rep2.post(f"/alfa/groups/{gid}/join", {"organization_id": str(space.org1)})
    assert response.status_code == 403
    assert space.membership(gid, space.rep2) is None
    # a plain member cannot name an organization either
    member = client_of(space, "member@example.org")
    assert (
        member.post(f"/alfa/groups/{gid}/join", {"organization_id": str(space.org2)}).status_code
        == 403
    )
    # rep1 acts for org1
    rep1 = client_of(space, "rep1@example.org")
    page = rep1.get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Zadruga Rasinski med" in page  # offered on the join form
    assert (
        rep1.post(f"/alfa/groups/{gid}/join", {"organization_id": str(space.org1)}).status_code
        == 303
    )
    membership = space.membership(gid, space.rep1)
    assert (membership.organization_id, membership.organization_name) == (
        space.org1, "Zadruga Rasinski med",
    )  # fmt: skip
    page = visitor(space.app).get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "Zadruga Rasinski med" in page and "Kruševac" in page and "Cooperative" in page
    assert "1 organization takes part." in page


def test_a_pending_representative_does_not_act_for_the_organization(space):
    with tenant_context(space.tenant.id):
        rep = db.session.scalar(
            db.select(Representative).where(Representative.user_id == space.rep2.id)
        )
        rep.status = "pending"
        db.session.commit()
    gid = space.group(join_policy="open")
    rep2 = client_of(space, "rep2@example.org")
    assert (
        rep2.post(f"/alfa/groups/{gid}/join", {"organization_id": str(space.org2)}).status_code
        == 403
    )
    assert space.membership(gid, space.rep2) is None


def test_a_request_accepted_after_the_representation_ended_is_kept_personal(space):
    gid = space.group(join_policy="request")
    rep1 = client_of(space, "rep1@example.org")
    rep1.post(f"/alfa/groups/{gid}/join", {"organization_id": str(space.org1)})
    with tenant_context(space.tenant.id):
        rep = db.session.scalar(
            db.select(Representative).where(Representative.user_id == space.rep1.id)
        )
        rep.status = "pending"  # no longer a verified representative
        db.session.commit()
    mid = space.membership(gid, space.rep1).id
    coordinator = client_of(space, "coord@example.org")
    coordinator.post(f"/alfa/groups/{gid}/members/{mid}/decide", {"decision": "accept"})
    membership = space.membership(gid, space.rep1)
    assert membership.status == "active" and membership.organization_id is None


def test_an_invitation_group_takes_only_the_invited(space):
    gid = space.group(join_policy="invitation")
    member = client_of(space, "member@example.org")
    assert member.post(f"/alfa/groups/{gid}/join", {}).status_code == 403
    assert "invitation of its coordinators" in member.get(f"/alfa/groups/{gid}").get_data(
        as_text=True
    )
    coordinator = client_of(space, "coord@example.org")
    invite = f"/alfa/groups/{gid}/members/invite"
    # someone who is no member of the space is not offered (and refused when typed in)
    assert (
        coordinator.post(invite, {"user_id": str(space.outsider.id), "role": "member"}).status_code
        == 422
    )
    assert (
        coordinator.post(invite, {"user_id": str(space.rep1.id), "role": "boss"}).status_code == 422
    )
    assert (
        coordinator.post(invite, {"user_id": str(space.rep1.id), "role": "secretary"}).status_code
        == 303
    )
    assert space.membership(gid, space.rep1).status == "invited"
    # invited twice: no longer offered
    assert (
        coordinator.post(invite, {"user_id": str(space.rep1.id), "role": "member"}).status_code
        == 422
    )
    rep1 = client_of(space, "rep1@example.org")
    page = rep1.get(f"/alfa/groups/{gid}").get_data(as_text=True)
    assert "You are invited to this group as Secretary." in page
    # accepting for an organization the person does not represent is refused
    bad = {"answer": "accept", "organization_id": str(space.org2)}
    assert rep1.post(f"/alfa/groups/{gid}/invitation", bad).status_code == 403
    ok = {"answer": "accept", "organization_id": str(space.org1)}
    assert rep1.post(f"/alfa/groups/{gid}/invitation", ok).status_code == 303
    membership = space.membership(gid, space.rep1)
    assert (membership.status, membership.role, membership.organization_id) == (
        "active", "secretary", space.org1,
    )  # fmt: skip
    assert rep1.post(f"/alfa/groups/{gid}/invitation", ok).status_code == 403  # nothing to answer
    assert "group.invitation_accepted" in actions(space)


def test_an_invitation_may_be_declined(space):
    gid = space.group(join_policy="invitation")
    coordinator = client_of(space, "coord@example.org")
    coordinator.post(
        f"/alfa/groups/{gid}/members/invite", {"user_id": str(space.member.id), "role": "observer"}
    )
    member = client_of(space, "member@example.org")
    assert member.post(f"/alfa/groups/{gid}/invitation", {"answer": "decline"}).status_code == 303
    assert space.membership(gid, space.member).status == "declined"
    assert space.get(gid).member_count == 1


def test_the_outsider_cannot_join(space):
    gid = space.group(join_policy="open")
    outsider = client_of(space, "out@example.org")
    assert outsider.post(f"/alfa/groups/{gid}/join", {}).status_code == 403
    assert space.membership(gid, space.outsider) is None


def test_an_ended_group_takes_no_one(space):
    from datetime import date

    gid = space.group(join_policy="open", ends_on=date(2020, 1, 31))
    member = client_of(space, "member@example.org")
    assert member.post(f"/alfa/groups/{gid}/join", {}).status_code == 409
    assert space.membership(gid, space.member) is None
    assert "Ended" in member.get(f"/alfa/groups/{gid}").get_data(as_text=True)


def test_leaving_and_the_last_coordinator(space):
    gid = space.group(join_policy="open")
    space.add(gid, space.member)
    member = client_of(space, "member@example.org")
    assert member.post(f"/alfa/groups/{gid}/leave").status_code == 303
    membership = space.membership(gid, space.member)
    assert membership.status == "left" and membership.active_to is not None
    assert space.get(gid).member_count == 1
    assert member.post(f"/alfa/groups/{gid}/leave").status_code == 403
    coordinator = client_of(space, "coord@example.org")
    response = coordinator.post(f"/alfa/groups/{gid}/leave")
    assert response.status_code == 409
    assert "at least one coordinator" in response.get_data(as_text=True)
    # demoting oneself as the last coordinator: refused too
    own = space.membership(gid, space.coordinator).id
    assert (
        coordinator.post(f"/alfa/groups/{gid}/members/{own}/role", {"role": "member"}).status_code
        == 409
    )
    # with a second coordinator the first may go
    mid = space.add(gid, space.rep2)
    assert (
        coordinator.post(
            f"/alfa/groups/{gid}/members/{mid}/role", {"role": "coordinator"}
        ).status_code
        == 303
    )
    assert coordinator.post(f"/alfa/groups/{gid}/leave").status_code == 303
    assert space.membership(gid, space.coordinator).status == "left"
    # the one who left manages no more
    assert coordinator.get(f"/alfa/groups/{gid}/members").status_code == 403
    assert "group.role_changed" in actions(space)


def test_a_coordinator_takes_a_member_out_and_an_admin_manages_any_group(space):
    gid = space.group(join_policy="open")
    mid = space.add(gid, space.member)
    owner = client_of(space, "owner@example.org")
    assert owner.get(f"/alfa/groups/{gid}/members").status_code == 200
    assert owner.post(f"/alfa/groups/{gid}/members/{mid}/remove").status_code == 303
    assert space.membership(gid, space.member).status == "left"
    assert owner.post(f"/alfa/groups/{gid}/members/{mid}/remove").status_code == 409
    assert (
        owner.post(f"/alfa/groups/{gid}/members/{mid}/role", {"role": "member"}).status_code == 409
    )
    assert owner.post(f"/alfa/groups/{gid}/members/99999/remove").status_code == 404


def test_a_member_of_another_group_is_not_found_through_this_one(space):
    first = space.group(join_policy="open")
    second = space.group(name="Javne nabavke", join_policy="open", theme="procurement")
    mid = space.add(second, space.member)
    coordinator = client_of(space, "coord@example.org")
    assert coordinator.post(f"/alfa/groups/{first}/members/{mid}/remove").status_code == 404
