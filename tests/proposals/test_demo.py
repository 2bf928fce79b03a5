"""The demo's proposals: a local decision in consultation in krusevac, a national amendment
submitted with endorsements in korse; their pages answer."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.models import Proposal
from solidarna.tenants.models import Tenant
from tests.conftest import parse
from tests.proposals.conftest import visitor


def only_proposal(slug):
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))
    with tenant_context(tenant.id):
        return db.session.scalars(db.select(Proposal)).one()


def test_demo_proposals_load_once_and_answer(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "2 new proposals" in first.output
    assert "0 new proposals" in runner.invoke(args=["demo", "load"]).output
    local, national = only_proposal("krusevac"), only_proposal("korse")
    assert (local.state, local.kind) == ("consultation", "local_decision")
    assert (national.state, national.endorsement_count) == ("submitted", 3)
    client = visitor(app)
    assert client.get("/krusevac/proposals/").status_code == 200
    page = client.get(f"/krusevac/proposals/{local.id}").get_data(as_text=True)
    assert "Subvencije za zapošljavanje" in page and "Article 3." in page
    korse = parse(client.get(f"/korse/proposals/{national.id}").get_data(as_text=True))
    assert len(korse.select("table.endorsers tbody tr")) == 3
    diff = parse(client.get(f"/krusevac/proposals/{local.id}/compare").get_data(as_text=True))
    assert [d.get_text() for d in diff.select(".diff-changed del")] == ["5%", "preduzeća."]
    assert diff.select(".diff-changed ins")
