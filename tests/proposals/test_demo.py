"""The demo's proposals: a local decision in consultation in krusevac, a national amendment
submitted with endorsements in korse; their pages answer."""

from __future__ import annotations

import re

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.models import Proposal
from solidarna.tenants.models import Tenant
from tests.conftest import Client, parse
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
    listing = client.get("/krusevac/proposals/")
    assert listing.status_code == 200
    # the English interface names the space in English (the kit's name_en), as every page does
    title = parse(listing.get_data(as_text=True)).title.get_text()
    assert "Office for the Development of Social Entrepreneurship Kruševac" in title
    page = client.get(f"/krusevac/proposals/{local.id}").get_data(as_text=True)
    assert "Subvencije za zapošljavanje" in page and "Article 3." in page
    # In Cyrillic the labels come from the Cyrillic catalog; the chapters' Roman numerals stay
    # Latin letters (they are numbers, not words to transliterate).
    cyrillic = Client(app)
    cyrillic.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sr-Cyrl"
    text = parse(cyrillic.get(f"/krusevac/proposals/{local.id}").get_data(as_text=True))
    chapters = [h.get_text(" ", strip=True) for h in text.select("h3.part-label")]
    assert chapters and chapters[0].startswith("Глава I ") and chapters[1].startswith("Глава II ")
    korse = parse(client.get(f"/korse/proposals/{national.id}").get_data(as_text=True))
    assert len(korse.select("table.endorsers tbody tr")) == 3
    # the submitted proposal is on korse's scorecard; the endorsers' overview is drawn
    card = parse(client.get("/korse/proposals/scorecard").get_data(as_text=True))
    assert "Ministarstvo za rad" in card.select_one("table.scorecard-table tbody").get_text()
    assert korse.select_one("section.map-overview") is not None
    # krusevac: a discussion anchored to the article on reserved procurement, and a follower
    local_page = parse(client.get(f"/krusevac/proposals/{local.id}").get_data(as_text=True))
    counts = [b.get_text(strip=True) for b in local_page.select(".part-comments .badge")]
    assert counts == ["1 comment"]
    # the member's edit of article 4 (the version before the accepted amendment)
    edit = f"/krusevac/proposals/{local.id}/compare?to={local.version_count - 1}"
    diff = parse(client.get(edit).get_data(as_text=True))
    assert [d.get_text() for d in diff.select(".diff-changed del")] == ["5%", "preduzeća."]
    assert diff.select(".diff-changed ins")


def test_demo_consultation_has_a_coauthor_and_amendments(runner, app):
    from solidarna.proposals.amendments import Amendment

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    local = only_proposal("krusevac")
    with tenant_context(local.tenant_id):
        states = db.session.scalars(
            db.select(Amendment.state).where(Amendment.proposal_id == local.id)
            .order_by(Amendment.number)
        ).all()  # fmt: skip
    assert states == ["accepted", "rejected", "open", "open"]
    client = visitor(app)
    sheet = parse(client.get(f"/krusevac/proposals/{local.id}/amendments/").get_data(as_text=True))
    assert len(sheet.select("li.amendment-entry")) == 4
    page = client.get(f"/krusevac/proposals/{local.id}").get_data(as_text=True)
    assert "Vesna Moderatorić" in page and "1 open amendment" in page
    assert "i zadrugama" in page  # the accepted amendment is in the text
    versions = client.get(f"/krusevac/proposals/{local.id}/versions").get_data(as_text=True)
    # a version's message is stored as written, in the language of whoever saved it (here the
    # demo loader, in the platform's default language)
    assert re.search(r"(Amendment|amandman) 1.{0,20}Vesna Moderatorić", versions)
