"""The demo's advocacy platform: KoRSE's national platform, shared with Kruševac (accepted),
signed from both spaces, with a letter and a meeting on its timeline; both lists show it."""

from __future__ import annotations

from solidarna.accounts.models import User
from solidarna.campaigns.models import Campaign, CampaignAction, CampaignSignature
from solidarna.core.following import Follow
from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.demo.campaigns import TITLE
from solidarna.extensions import db
from solidarna.tenants.models import Partnership, Tenant
from tests.campaigns.conftest import english


def test_the_demo_platform_is_shared_and_signed_from_both_spaces(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "1 new advocacy platforms" in first.output
    assert "0 new advocacy platforms" in runner.invoke(args=["demo", "load"]).output
    spaces = {t.slug: t for t in db.session.scalars(db.select(Tenant))}
    korse, krusevac = spaces["korse"], spaces["krusevac"]
    with tenant_context(korse.id):
        campaign = db.session.scalar(db.select(Campaign).where(Campaign.title == TITLE))
        origins = sorted(db.session.scalars(db.select(CampaignSignature.origin_tenant_id)))
        kinds = sorted(db.session.scalars(db.select(CampaignAction.kind)))
        cid, status, count = campaign.id, campaign.status, campaign.signature_count
    assert status == "active" and count == 3
    assert origins == sorted([korse.id, krusevac.id, krusevac.id])
    assert kinds == ["letter", "meeting"]
    assert db.session.scalar(db.select(Partnership.status)) == "accepted"
    client = english(app)
    for slug in ("korse", "krusevac"):
        assert TITLE in client.get(f"/{slug}/campaigns/").get_data(as_text=True), slug
    page = client.get(f"/krusevac/campaigns/{cid}").get_data(as_text=True)
    assert "Owned by" in page and "Udruženje Ruke za Kruševac" in page
    assert "Otvoreno pismo Vladi" in page
    # Kruševac's admin follows it from Kruševac: the row is KoRSE's, marked Kruševac, and she
    # heard of the comments (hers excepted: she wrote none) on the page in Kruševac
    jelena = db.session.scalar(db.select(User).where(User.email == "jelena@example.org"))
    with tenant_context(korse.id):
        follows = [(f.user_id, f.origin_tenant_id) for f in db.session.scalars(db.select(Follow))]
    assert follows == [(jelena.id, krusevac.id)]
    told = db.session.scalars(db.select(Notification).where(
        Notification.user_id == jelena.id, Notification.kind == "campaigns.comment")).all()  # fmt: skip
    assert told and {n.url for n in told} == {f"/krusevac/campaigns/{cid}#comments"}
