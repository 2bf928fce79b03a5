"""Following an advocacy platform (core/following.py): members of the owner space and of an
accepted partner space follow and stop following (htmx and a plain form), the row is the owner
space's and records the space it came from; a new step of the timeline is told to the
followers (a partner's linking to the campaign in their space), the representatives of the
organizations that signed and the supporters, each once, never the actor; a new comment to
the followers and the creator, not the commenter; through the real outbox."""

from __future__ import annotations

import pytest

from solidarna.core.following import Follow, followers_of
from solidarna.core.notifications import Notification, NotificationSettings
from solidarna.core.tenancy import TenantViolation, shared_subject, tenant_context
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Partnership
from tests.campaigns.conftest import client_of, english
from tests.conftest import parse


def follows(world, campaign_id):
    with tenant_context(world.owner.id):
        return [
            (r.user_id, r.tenant_id, r.origin_tenant_id)
            for r in db.session.scalars(
                db.select(Follow)
                .where(Follow.subject_type == "campaign", Follow.subject_id == campaign_id)
                .order_by(Follow.id)
            )
        ]


def notices_of(kind):
    return {
        n.user_id: n
        for n in db.session.scalars(db.select(Notification).where(Notification.kind == kind))
    }


def add_step(world, cid, title="Pismo Vladi"):
    admin = client_of(world.app, "owner_admin@example.org")
    response = admin.post(f"/korse/campaigns/{cid}/actions/new", {
        "kind": "letter", "happened_on": "2026-11-20", "title": title,
        "note": "Poslato pismo.", "evidence_url": ""})  # fmt: skip
    assert response.status_code == 303


def test_members_of_the_owner_and_the_partner_space_follow_and_stop(world):
    cid = world.campaign()
    world.partner_with(cid)
    member = client_of(world.app, "owner_member@example.org")
    page = parse(member.get(f"/korse/campaigns/{cid}"))
    form = page.select_one("form#campaign-follow")
    assert form is not None and form["hx-post"].endswith(f"/korse/campaigns/{cid}/follow")
    assert form.select_one("input[name=csrf_token]") is not None
    # without JS: a redirect to the page, which then offers to stop
    response = member.post(f"/korse/campaigns/{cid}/follow", {"follow": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/korse/campaigns/{cid}")
    again = parse(member.get(f"/korse/campaigns/{cid}"))
    assert again.select_one("form#campaign-follow input[name=follow]")["value"] == "0"
    # twice is once
    assert member.post(f"/korse/campaigns/{cid}/follow", {"follow": "1"}).status_code == 303
    # from the partner space, with htmx: the button comes back in place
    partner = client_of(world.app, "partner_rep@example.org")
    fragment = partner.post(f"/krusevac/campaigns/{cid}/follow", {"follow": "1"},
                            headers={"HX-Request": "true"})  # fmt: skip
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="campaign-follow"' in html and 'value="0"' in html
    member_id, partner_id = world.people["owner_member"].id, world.people["partner_rep"].id
    assert follows(world, cid) == [
        (member_id, world.owner.id, world.owner.id),
        (partner_id, world.owner.id, world.partner.id),
    ]
    assert member.post(f"/korse/campaigns/{cid}/follow", {"follow": "0"}).status_code == 303
    assert follows(world, cid) == [(partner_id, world.owner.id, world.partner.id)]
    # a bad answer is a localized 400; a visitor logs in; no member of the space: 403
    assert member.post(f"/korse/campaigns/{cid}/follow", {"follow": "x"}).status_code == 400
    visitor = english(world.app).post(f"/korse/campaigns/{cid}/follow", {"follow": "1"})
    assert visitor.status_code in (302, 303)
    third = client_of(world.app, "third_rep@example.org")
    assert third.post(f"/korse/campaigns/{cid}/follow", {"follow": "1"}).status_code == 403
    # a space that is no partner: 404
    assert third.post(f"/treci/campaigns/{cid}/follow", {"follow": "1"}).status_code == 404
    # visitors see no follow button
    assert parse(english(world.app).get(f"/korse/campaigns/{cid}")).select_one(
        "form#campaign-follow") is None  # fmt: skip


def test_a_new_step_is_told_to_followers_signatories_and_supporters_once(world, outbox):
    cid = world.campaign()
    world.partner_with(cid)
    owner_rep = client_of(world.app, "owner_rep@example.org")
    partner_rep = client_of(world.app, "partner_rep@example.org")
    member = client_of(world.app, "owner_member@example.org")
    partner_admin = client_of(world.app, "partner_admin@example.org")
    admin = client_of(world.app, "owner_admin@example.org")
    # the owner's representative signs and follows (told once); the partner's signs from
    # Kruševac; a member supports and follows; the partner's admin follows; the actor follows
    assert owner_rep.post(f"/korse/campaigns/{cid}/sign",
                          {"organization_id": world.orgs["korse"]}).status_code == 303  # fmt: skip
    owner_rep.post(f"/korse/campaigns/{cid}/follow", {"follow": "1"})
    assert partner_rep.post(f"/krusevac/campaigns/{cid}/sign",
                            {"organization_id": world.orgs["krusevac"]}).status_code == 303  # fmt: skip
    member.post(f"/korse/campaigns/{cid}/support", {})
    member.post(f"/korse/campaigns/{cid}/follow", {"follow": "1"})
    partner_admin.post(f"/krusevac/campaigns/{cid}/follow", {"follow": "1"})
    admin.post(f"/korse/campaigns/{cid}/follow", {"follow": "1"})
    # the partner's admin reads only a daily digest
    with tenant_context(world.owner.id):
        db.session.add(NotificationSettings(user_id=world.people["partner_admin"].id,
                                            email_mode="daily"))  # fmt: skip
        db.session.commit()
    add_step(world, cid)
    told = notices_of("campaigns.action")
    p = world.people
    assert set(told) == {p["owner_rep"].id, p["partner_rep"].id, p["owner_member"].id,
                         p["partner_admin"].id}  # fmt: skip
    assert told[p["owner_rep"].id].url == f"/korse/campaigns/{cid}#timeline"
    assert told[p["owner_member"].id].url == f"/korse/campaigns/{cid}#timeline"
    assert told[p["partner_rep"].id].url == f"/krusevac/campaigns/{cid}#timeline"
    assert told[p["partner_admin"].id].url == f"/krusevac/campaigns/{cid}#timeline"
    assert told[p["partner_rep"].id].tenant_id == world.partner.id
    assert told[p["partner_admin"].id].email_status == "pending"
    # the outbox: one mail each for those who read mail at once, naming their space
    assert len(outbox("owner_rep@example.org")) == 1
    assert len(outbox("owner_admin@example.org")) == 0
    assert len(outbox("partner_admin@example.org")) == 0
    mail = outbox("partner_rep@example.org")
    assert len(mail) == 1 and "Kancelarija Kruševac" in mail[0].subject
    # the partnership ends: Kruševac's people are no longer told
    with tenant_context(world.owner.id):
        row = db.session.scalar(db.select(Partnership))
        row.status = "ended"
        db.session.commit()
    add_step(world, cid, "Sastanak")
    second = db.session.scalars(db.select(Notification).where(
        Notification.kind == "campaigns.action", Notification.title.contains("Sastanak"))).all()  # fmt: skip
    assert {n.user_id for n in second} == {p["owner_rep"].id, p["owner_member"].id}


def test_a_new_comment_is_told_to_followers_and_the_creator_not_the_commenter(world, outbox):
    cid = world.campaign()
    world.partner_with(cid)
    partner = client_of(world.app, "partner_rep@example.org")
    member = client_of(world.app, "owner_member@example.org")
    member.post(f"/korse/campaigns/{cid}/follow", {"follow": "1"})
    partner.post(f"/krusevac/campaigns/{cid}/follow", {"follow": "1"})
    # the partner member comments: the creator (the owner's admin) and the member are told
    assert partner.post(f"/krusevac/campaigns/{cid}/comments",
                        {"body": "Kruševac se **pridružuje**."}).status_code == 303  # fmt: skip
    told = notices_of("campaigns.comment")
    p = world.people
    assert set(told) == {p["owner_admin"].id, p["owner_member"].id}
    assert told[p["owner_member"].id].url == f"/korse/campaigns/{cid}#comments"
    assert told[p["owner_member"].id].excerpt == "Kruševac se pridružuje."
    assert told[p["owner_member"].id].actor_id == p["partner_rep"].id
    assert len(outbox("owner_member@example.org")) == 1
    assert outbox("partner_rep@example.org") == []
    # the member answers: the partner follower hears of it in their space
    assert member.post(f"/korse/campaigns/{cid}/comments",
                       {"body": "Dobrodošli."}).status_code == 303  # fmt: skip
    told = db.session.scalars(db.select(Notification).where(
        Notification.kind == "campaigns.comment", Notification.user_id == p["partner_rep"].id)).all()  # fmt: skip
    assert [n.url for n in told] == [f"/krusevac/campaigns/{cid}#comments"]
    assert len(outbox("partner_rep@example.org")) == 1


def test_the_shared_context_opens_only_the_campaign_s_own_follows(world, app):
    """A follow of another subject of the owner space (a proposal's, the same id) stays shut
    inside the shared campaign, for reading and for writing."""
    cid = world.campaign()
    world.partner_with(cid)
    with tenant_context(world.owner.id):
        db.session.add(Follow(subject_type="proposal", subject_id=cid,
                              user_id=world.people["owner_member"].id,
                              origin_tenant_id=world.owner.id))  # fmt: skip
        db.session.commit()
        assert len(followers_of("proposal", cid)) == 1
    with (
        app.test_request_context(),
        tenant_context(world.partner.id),
        shared_subject(world.owner.id, "campaign", cid),
    ):
        assert followers_of("proposal", cid) == []
        assert followers_of("campaign", cid) == []
        db.session.add(Follow(subject_type="proposal", subject_id=cid,
                              user_id=world.people["partner_rep"].id,
                              origin_tenant_id=world.partner.id))  # fmt: skip
        with pytest.raises(TenantViolation, match="not part of the shared"):
            db.session.flush()
        db.session.rollback()


def test_only_active_members_are_told(world):
    """A follower whose membership is suspended hears nothing more, in either space."""
    cid = world.campaign()
    world.partner_with(cid)
    client_of(world.app, "owner_member@example.org").post(
        f"/korse/campaigns/{cid}/follow", {"follow": "1"})  # fmt: skip
    client_of(world.app, "partner_rep@example.org").post(
        f"/krusevac/campaigns/{cid}/follow", {"follow": "1"})  # fmt: skip
    for tenant, key in ((world.owner, "owner_member"), (world.partner, "partner_rep")):
        with tenant_context(tenant.id):
            row = db.session.scalar(db.select(Membership).where(
                Membership.user_id == world.people[key].id))  # fmt: skip
            row.status = "suspended"
            db.session.commit()
    add_step(world, cid)
    assert notices_of("campaigns.action") == {}
