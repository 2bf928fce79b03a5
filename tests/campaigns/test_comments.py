"""Comments on an advocacy platform: members of the owner space and of an accepted partner
space comment (each comment shows the space it comes from; the row is the owner space's and
records its origin); the owner's admins hide and show again; a partner member reaches no
other object of the owner space, and a space that is no partner gets 404."""

from __future__ import annotations

from solidarna.campaigns.models import CampaignComment
from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from tests.campaigns.conftest import client_of, english
from tests.conftest import parse


def comments(world, campaign_id):
    with tenant_context(world.owner.id):
        return list(db.session.scalars(db.select(CampaignComment).where(
            CampaignComment.campaign_id == campaign_id).order_by(CampaignComment.id)))  # fmt: skip


def spaces_shown(html):
    return [b.get_text(strip=True) for b in parse(html).select(".campaign-comment .comment-space")]


def test_partner_members_comment_and_each_comment_shows_its_space(world):
    cid = world.campaign()
    world.partner_with(cid)
    owner = client_of(world.app, "owner_member@example.org")
    partner = client_of(world.app, "partner_rep@example.org")
    assert owner.post(f"/korse/campaigns/{cid}/comments",
                      {"body": "Podržavamo, **hitno**."}).status_code == 303  # fmt: skip
    response = partner.post(f"/krusevac/campaigns/{cid}/comments",
                            {"body": "Kruševac se pridružuje."})  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/krusevac/campaigns/{cid}#comments")
    rows = comments(world, cid)
    assert [(r.tenant_id, r.origin_tenant_id) for r in rows] == [
        (world.owner.id, world.owner.id), (world.owner.id, world.partner.id)]  # fmt: skip
    for path in (f"/korse/campaigns/{cid}", f"/krusevac/campaigns/{cid}"):
        html = english(world.app).get(path).get_data(as_text=True)
        assert spaces_shown(html) == ["KoRSE", "Kancelarija Kruševac"]
        assert "<strong>hitno</strong>" in html
    # a visitor is asked to log in; a member of a third space, no partner, gets 404
    assert english(world.app).post(f"/korse/campaigns/{cid}/comments",
                                   {"body": "x"}).status_code in (302, 303, 400)  # fmt: skip
    third = client_of(world.app, "third_rep@example.org")
    assert third.post(f"/treci/campaigns/{cid}/comments", {"body": "Uljez"}).status_code == 404
    assert third.get(f"/treci/campaigns/{cid}").status_code == 404
    # a visitor of the owner space (no member) cannot comment
    assert third.post(f"/korse/campaigns/{cid}/comments", {"body": "Uljez"}).status_code == 403
    assert len(comments(world, cid)) == 2


def test_bad_comment_answers_422_and_keeps_the_text(world):
    cid = world.campaign()
    world.partner_with(cid)
    partner = client_of(world.app, "partner_rep@example.org")
    response = partner.post(f"/krusevac/campaigns/{cid}/comments", {"body": "y" * 5001})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Use at most 5000 characters." in html
    assert "y" * 5001 in html
    assert partner.post(f"/krusevac/campaigns/{cid}/comments", {"body": ""}).status_code == 422
    assert comments(world, cid) == []


def test_the_owners_admins_hide_a_partners_comment_and_show_it_again(world):
    cid = world.campaign()
    world.partner_with(cid)
    partner = client_of(world.app, "partner_rep@example.org")
    partner.post(f"/krusevac/campaigns/{cid}/comments", {"body": "Neprimeren komentar"})
    comment_id = comments(world, cid)[0].id
    admin = client_of(world.app, "owner_admin@example.org")
    # the partner's admins do not moderate the owner's campaign
    partner_admin = client_of(world.app, "partner_admin@example.org")
    hide = f"/krusevac/campaigns/{cid}/comments/{comment_id}/hide"
    assert partner_admin.post(hide, {"hidden": "1"}).status_code == 404
    member = client_of(world.app, "owner_member@example.org")
    assert member.post(f"/korse/campaigns/{cid}/comments/{comment_id}/hide",
                       {"hidden": "1"}).status_code == 403  # fmt: skip
    response = admin.post(f"/korse/campaigns/{cid}/comments/{comment_id}/hide", {"hidden": "1"})
    assert response.status_code == 303
    assert comments(world, cid)[0].hidden is True
    for path in (f"/korse/campaigns/{cid}", f"/krusevac/campaigns/{cid}"):
        assert "Neprimeren komentar" not in english(world.app).get(path).get_data(as_text=True)
    # the owner's admins still see it, marked
    html = admin.get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    assert "Neprimeren komentar" in html and "Hidden" in html
    assert admin.post(f"/korse/campaigns/{cid}/comments/{comment_id}/hide",
                      {"hidden": "0"}).status_code == 303  # fmt: skip
    assert "Neprimeren komentar" in english(world.app).get(
        f"/krusevac/campaigns/{cid}").get_data(as_text=True)  # fmt: skip
    # a comment of another campaign through this one's address: 404
    other = world.campaign(title="Druga platforma")
    assert admin.post(f"/korse/campaigns/{other}/comments/{comment_id}/hide",
                      {"hidden": "1"}).status_code == 404  # fmt: skip
    with tenant_context(world.owner.id):
        logged = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"campaign.comment_hidden", "campaign.comment_shown"} <= logged


def test_a_partner_member_commenting_reaches_nothing_else_of_the_owner_space(world):
    """The shared context opened for the comment writes the one campaign's row: the partner
    member still gets 404 for the owner's other campaign and its comment route."""
    cid = world.campaign()
    other = world.campaign(title="Neudeljena platforma")
    world.partner_with(cid)
    partner = client_of(world.app, "partner_rep@example.org")
    assert partner.post(f"/krusevac/campaigns/{other}/comments", {"body": "x"}).status_code == 404
    assert partner.get(f"/krusevac/campaigns/{other}").status_code == 404
    html = partner.get(f"/krusevac/campaigns/{cid}").get_data(as_text=True)
    assert "Neudeljena platforma" not in html
    assert comments(world, other) == []
