"""Partner spaces: the owner invites another space by its address, that space's admins accept
or decline, the campaign then shows in the partner space (marked as the owner's), its
representatives sign for organizations of its own directory, and the owner may end the
partnership (the signatures stay). A space that is not a partner gets 404, and the shared
context opens the one campaign and nothing else of the owner space."""

from __future__ import annotations

import pytest

from solidarna.campaigns.models import Campaign, CampaignSignature
from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import (
    SharedSubjectRefused,
    TenantViolation,
    origin_tenant_id,
    shared_subject,
    tenant_context,
)
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.tenants.models import Partnership
from tests.campaigns.conftest import client_of, english


def partnership(world, campaign_id, tenant=None) -> Partnership:
    tenant = tenant or world.partner
    return db.session.scalar(
        db.select(Partnership)
        .where(Partnership.subject_id == campaign_id, Partnership.partner_tenant_id == tenant.id)
        .execution_options(populate_existing=True)
    )


def test_invite_accept_sign_from_the_partner_space_and_end(world):
    cid = world.campaign(title="Rezervisane javne nabavke")
    owner_admin = client_of(world.app, "owner_admin@example.org")
    # bad addresses: a localized 4xx, nothing stored
    for slug, status in (("nema-ga", 422), ("korse", 422), ("", 422)):
        response = owner_admin.post(f"/korse/campaigns/{cid}/partners", {"slug": slug})
        assert response.status_code == status, slug
    assert db.session.scalar(db.select(db.func.count(Partnership.id))) == 0
    response = owner_admin.post(f"/korse/campaigns/{cid}/partners", {"slug": "krusevac"})
    assert response.status_code == 303
    again = owner_admin.post(f"/korse/campaigns/{cid}/partners", {"slug": "krusevac"})
    assert again.status_code == 409
    row = partnership(world, cid)
    assert row.status == "invited"
    # not shared before it is accepted
    partner_rep = client_of(world.app, "partner_rep@example.org")
    assert partner_rep.get(f"/krusevac/campaigns/{cid}").status_code == 404
    # the partner's admins see the invitation and accept; its members may not
    assert partner_rep.post(f"/krusevac/admin/partnerships/{row.id}/answer",
                            {"answer": "accept"}).status_code == 403  # fmt: skip
    partner_admin = client_of(world.app, "partner_admin@example.org")
    listing = partner_admin.get("/krusevac/admin/partnerships/").get_data(as_text=True)
    assert "Rezervisane javne nabavke" in listing and "KoRSE" in listing
    # the third space cannot answer Kruševac's invitation
    third = client_of(world.app, "third_rep@example.org")
    assert third.post(f"/treci/admin/partnerships/{row.id}/answer",
                      {"answer": "accept"}).status_code == 404  # fmt: skip
    assert partner_admin.post(f"/krusevac/admin/partnerships/{row.id}/answer",
                              {"answer": "accept"}).status_code == 303  # fmt: skip
    assert partnership(world, cid).status == "accepted"
    # the campaign now shows in Kruševac, marked as KoRSE's
    page = partner_rep.get(f"/krusevac/campaigns/{cid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Owned by KoRSE" in html
    assert "Rezervisane javne nabavke" in partner_rep.get("/krusevac/campaigns/").get_data(
        as_text=True)  # fmt: skip
    # a Kruševac representative signs for the Kruševac organization, from Kruševac
    response = partner_rep.post(f"/krusevac/campaigns/{cid}/sign",
                                {"organization_id": world.orgs["krusevac"]})  # fmt: skip
    assert response.status_code == 303
    again = partner_rep.post(f"/krusevac/campaigns/{cid}/sign",
                             {"organization_id": world.orgs["krusevac"]})  # fmt: skip
    assert again.status_code == 409
    # not for an organization of the owner's directory
    refused = partner_rep.post(f"/krusevac/campaigns/{cid}/sign",
                               {"organization_id": world.orgs["korse"]})  # fmt: skip
    assert refused.status_code == 403
    with tenant_context(world.owner.id):
        [signature] = db.session.scalars(db.select(CampaignSignature)).all()
        assert (signature.tenant_id, signature.origin_tenant_id, signature.organization_name) == (
            world.owner.id,
            world.partner.id,
            "Udruženje Rasina",
        )
        assert db.session.get(Campaign, cid).signature_count == 1
        logged = db.session.scalars(db.select(AuditEntry.action).where(
            AuditEntry.tenant_id == world.owner.id)).all()  # fmt: skip
    assert "campaign.signed" in logged and "partnership.invited" in logged
    with tenant_context(world.partner.id):
        partner_log = db.session.scalars(db.select(AuditEntry.action).where(
            AuditEntry.tenant_id == world.partner.id)).all()  # fmt: skip
    # each space's log holds what its own people did
    assert "partnership.accepted" in partner_log and "partnership.invited" not in partner_log
    # KoRSE's page lists it with the space it came from
    korse = english(world.app).get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    assert "Udruženje Rasina" in korse and "Kancelarija Kruševac" in korse
    # the owner's page carries the campaign's discussion; the partner's does not reach it
    assert 'id="subject-discussions-heading"' in korse
    assert 'id="subject-discussions-heading"' not in html
    # managing stays with the owner: Kruševac's admin gets 404 on the owner's pages
    for path in (f"/krusevac/campaigns/{cid}/edit", f"/krusevac/campaigns/{cid}/partners",
                 f"/krusevac/campaigns/{cid}/actions/new"):  # fmt: skip
        assert partner_admin.get(path).status_code == 404, path
    assert partner_admin.post(f"/krusevac/campaigns/{cid}/status",
                              {"status": "won"}).status_code == 404  # fmt: skip
    # a third space: 404
    assert third.get(f"/treci/campaigns/{cid}").status_code == 404
    assert third.post(f"/treci/campaigns/{cid}/sign",
                      {"organization_id": world.orgs["treci"]}).status_code == 404  # fmt: skip
    assert "Rezervisane" not in third.get("/treci/campaigns/").get_data(as_text=True)
    # the owner ends the partnership: the signature stays, the partner page is gone
    row = partnership(world, cid)
    assert owner_admin.post(f"/korse/campaigns/{cid}/partners/{row.id}/end", {}).status_code == 303
    assert partner_rep.get(f"/krusevac/campaigns/{cid}").status_code == 404
    assert "Udruženje Rasina" in english(world.app).get(f"/korse/campaigns/{cid}").get_data(
        as_text=True)  # fmt: skip
    # and another owner space cannot end it
    assert partner_admin.post(f"/krusevac/campaigns/{cid}/partners/{row.id}/end",
                              {}).status_code == 404  # fmt: skip


def test_a_partner_withdraws_only_its_own_space_s_signature(world):
    cid = world.campaign()
    world.partner_with(cid)
    partner_rep = client_of(world.app, "partner_rep@example.org")
    org = world.orgs["krusevac"]
    assert (
        partner_rep.post(f"/krusevac/campaigns/{cid}/sign", {"organization_id": org}).status_code
        == 303
    )
    assert partner_rep.post(f"/krusevac/campaigns/{cid}/withdraw",
                            {"organization_id": org}).status_code == 303  # fmt: skip
    assert world.get(cid).signature_count == 0


def test_a_declined_invitation_shares_nothing(world):
    cid = world.campaign()
    pid = world.partner_with(cid, status="invited")
    admin = client_of(world.app, "partner_admin@example.org")
    assert admin.post(f"/krusevac/admin/partnerships/{pid}/answer",
                      {"answer": "decline"}).status_code == 303  # fmt: skip
    assert admin.post(f"/krusevac/admin/partnerships/{pid}/answer",
                      {"answer": "accept"}).status_code == 409  # fmt: skip
    assert admin.post(f"/krusevac/admin/partnerships/{pid}/answer",
                      {"answer": "maybe"}).status_code == 422  # fmt: skip
    assert admin.get(f"/krusevac/campaigns/{cid}").status_code == 404


def test_a_campaign_in_preparation_is_not_shown_to_the_partner(world):
    cid = world.campaign(status="preparing")
    world.partner_with(cid)
    admin = client_of(world.app, "partner_admin@example.org")
    assert admin.get(f"/krusevac/campaigns/{cid}").status_code == 404
    assert "Rezervisane" not in admin.get("/krusevac/campaigns/?status=all").get_data(as_text=True)


def test_a_prepared_statement_gets_the_shared_subject_s_criteria_too(world, app):
    """A statement kept by core/tenancy's PREPARED walk (checked once per space) is walked
    afresh inside a shared subject: it sees the shared campaign only, even when the owner
    space ran it (and kept it) before."""
    from solidarna.core.tenancy import PREPARED

    shared = world.campaign(title="Deljena")
    other = world.campaign(title="Nedeljena")
    world.partner_with(shared)
    everything = db.select(Campaign).execution_options(**{PREPARED: True})
    with app.test_request_context(), tenant_context(world.owner.id):
        assert len(db.session.scalars(everything).all()) == 2  # kept for the owner space
    with app.test_request_context(), tenant_context(world.partner.id):
        with shared_subject(world.owner.id, "campaign", shared):
            assert [c.id for c in db.session.scalars(everything).all()] == [shared]
        assert db.session.scalars(everything).all() == []
    assert other != shared


def test_the_shared_context_opens_one_campaign_and_nothing_else(world, app):
    shared = world.campaign(title="Deljena")
    other = world.campaign(title="Nedeljena")
    world.partner_with(shared)
    with app.test_request_context(), tenant_context(world.partner.id):
        with shared_subject(world.owner.id, "campaign", shared):
            assert origin_tenant_id() == world.partner.id
            assert db.session.get(Campaign, shared).title == "Deljena"
            assert db.session.get(Campaign, other) is None
            assert db.session.scalars(db.select(Campaign)).all()[0].id == shared
            assert len(db.session.scalars(db.select(Campaign)).all()) == 1
            with pytest.raises(TenantViolation):
                db.session.scalars(db.select(Organization)).all()
            with (
                pytest.raises(SharedSubjectRefused),  # nothing nests
                shared_subject(world.owner.id, "campaign", shared),
            ):
                pass
        # back in the partner space
        assert db.session.get(Campaign, shared) is None
        with (
            pytest.raises(SharedSubjectRefused),
            shared_subject(world.owner.id, "campaign", other),
        ):
            pass
        with (
            pytest.raises(SharedSubjectRefused),
            shared_subject(world.owner.id, "organization", world.orgs["korse"]),
        ):
            pass
    with (
        app.test_request_context(),
        tenant_context(world.third.id),
        pytest.raises(SharedSubjectRefused),
        shared_subject(world.owner.id, "campaign", shared),
    ):
        pass


def test_writing_another_campaign_s_rows_inside_the_shared_context_is_refused(world, app):
    shared = world.campaign(title="Deljena")
    other = world.campaign(title="Nedeljena")
    world.partner_with(shared)
    with (
        app.test_request_context(),
        tenant_context(world.partner.id),
        shared_subject(world.owner.id, "campaign", shared),
    ):
        db.session.add(CampaignSignature(
            campaign_id=other, organization_id=world.orgs["krusevac"],
            organization_name="X", origin_tenant_id=world.partner.id))  # fmt: skip
        with pytest.raises(TenantViolation):
            db.session.flush()
        db.session.rollback()
