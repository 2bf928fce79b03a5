"""Campaigns through the pages: starting one (admins only), its status, the public page and
print view, signatures by organizations (one each, representatives only, withdrawal while
open), individual support, the timeline with its notifications, and the exports."""

from __future__ import annotations

import csv
import io
import json

from docx import Document

from solidarna.campaigns.models import CampaignDemand, CampaignSignature
from solidarna.core.audit import AuditEntry
from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from tests.campaigns.conftest import client_of, english
from tests.conftest import parse
from tests.core.test_links import make_proposal


def signatures(world, campaign_id):
    with tenant_context(world.owner.id):
        return list(db.session.scalars(db.select(CampaignSignature).where(
            CampaignSignature.campaign_id == campaign_id)))  # fmt: skip


def test_an_admin_starts_a_campaign_in_preparation_seen_by_admins_only(world):
    admin = client_of(world.app, "owner_admin@example.org")
    response = admin.post("/korse/campaigns/new", {
        "title": "Rezervisane javne nabavke", "goal": "Da javne nabavke budu rezervisane.",
        "institutions": "Vlada Srbije\nKancelarija za javne nabavke",
        "demands-0-text": "Izmena Zakona o javnim nabavkama", "demands-0-proposal_id": "",
        "demands-1-text": "Kvota od 5%",
    })  # fmt: skip
    assert response.status_code == 303
    cid = int(response.headers["Location"].rstrip("/").split("/")[-1])
    campaign = world.get(cid)
    assert campaign.status == "preparing"
    assert campaign.institutions == ["Vlada Srbije", "Kancelarija za javne nabavke"]
    assert [d.text for d in campaign.demands] == ["Izmena Zakona o javnim nabavkama", "Kvota od 5%"]
    assert english(world.app).get(f"/korse/campaigns/{cid}").status_code == 404
    member = client_of(world.app, "owner_member@example.org")
    assert member.get(f"/korse/campaigns/{cid}").status_code == 404
    assert member.get("/korse/campaigns/new").status_code == 403
    page = admin.get(f"/korse/campaigns/{cid}")
    assert page.status_code == 200
    # open it for signatures: visitors see it, with its Open Graph tags
    assert admin.post(f"/korse/campaigns/{cid}/status", {"status": "open"}).status_code == 303
    html = english(world.app).get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    soup = parse(html)
    assert soup.find("meta", property="og:title")["content"] == "Rezervisane javne nabavke"
    assert "Kvota od 5%" in html
    with tenant_context(world.owner.id):
        logged = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"campaign.created", "campaign.status_changed"} <= logged


def test_bad_input_keeps_what_was_typed_and_answers_422(world):
    admin = client_of(world.app, "owner_admin@example.org")
    response = admin.post("/korse/campaigns/new", {"title": "x" * 300, "goal": "Cilj",
                                                   "demands-0-proposal_id": "abc"})  # fmt: skip
    assert response.status_code == 422
    assert "Use 3 to 200 characters." in response.get_data(as_text=True)
    response = admin.post("/korse/campaigns/new", {
        "title": "Platforma", "goal": "Cilj", "demands-0-text": "Zahtev",
        "demands-0-proposal_id": "999999"})  # fmt: skip
    assert response.status_code == 422
    assert "There is no proposal number 999999 in this space." in response.get_data(as_text=True)
    assert 'value="Platforma"' in response.get_data(as_text=True)
    cid = world.campaign(status="open")
    bad = admin.post(f"/korse/campaigns/{cid}/status", {"status": "preparing"})
    assert bad.status_code == 409
    bad = admin.post(f"/korse/campaigns/{cid}/status", {"status": "nonsense"})
    assert bad.status_code == 422


def test_one_signature_per_organization_by_its_representatives_only(world):
    cid = world.campaign()
    org = world.orgs["korse"]
    rep = client_of(world.app, "owner_rep@example.org")
    assert rep.post(f"/korse/campaigns/{cid}/sign", {"organization_id": org}).status_code == 303
    again = rep.post(f"/korse/campaigns/{cid}/sign", {"organization_id": org})
    assert again.status_code == 409
    assert "Zadruga Beograd has already signed" in again.get_data(as_text=True)
    member = client_of(world.app, "owner_member@example.org")
    refused = member.post(f"/korse/campaigns/{cid}/sign", {"organization_id": org})
    assert refused.status_code == 403
    outsider = client_of(world.app, "third_rep@example.org")
    assert outsider.post(f"/korse/campaigns/{cid}/sign",
                         {"organization_id": world.orgs["treci"]}).status_code == 403  # fmt: skip
    [signature] = signatures(world, cid)
    assert (signature.organization_name, signature.municipality, signature.signer_name,
            signature.origin_tenant_id) == ("Zadruga Beograd", "Beograd", "Rade Zadrugar",
                                            world.owner.id)  # fmt: skip
    assert world.get(cid).signature_count == 1
    # the representative's name: admins only
    assert "Rade Zadrugar" not in english(world.app).get(f"/korse/campaigns/{cid}").get_data(
        as_text=True)  # fmt: skip
    admin = client_of(world.app, "owner_admin@example.org")
    assert "Rade Zadrugar" in admin.get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    # withdrawn while open
    assert rep.post(f"/korse/campaigns/{cid}/withdraw", {"organization_id": org}).status_code == 303
    assert signatures(world, cid) == [] and world.get(cid).signature_count == 0


def test_a_closed_campaign_takes_no_signatures(world):
    cid = world.campaign(status="won")
    rep = client_of(world.app, "owner_rep@example.org")
    response = rep.post(f"/korse/campaigns/{cid}/sign", {"organization_id": world.orgs["korse"]})
    assert response.status_code == 403
    assert signatures(world, cid) == []


def test_individual_support_is_counted_apart(world):
    cid = world.campaign()
    member = client_of(world.app, "owner_member@example.org")
    assert member.post(f"/korse/campaigns/{cid}/support", {}).status_code == 303
    assert member.post(f"/korse/campaigns/{cid}/support", {}).status_code == 303
    campaign = world.get(cid)
    assert (campaign.supporter_count, campaign.signature_count) == (1, 0)
    assert member.post(f"/korse/campaigns/{cid}/support/withdraw", {}).status_code == 303
    assert world.get(cid).supporter_count == 0


def test_the_timeline_is_public_and_notifies_the_signatories(world):
    cid = world.campaign()
    rep = client_of(world.app, "owner_rep@example.org")
    rep.post(f"/korse/campaigns/{cid}/sign", {"organization_id": world.orgs["korse"]})
    admin = client_of(world.app, "owner_admin@example.org")
    bad = admin.post(f"/korse/campaigns/{cid}/actions/new",
                     {"kind": "letter", "happened_on": "nije datum", "title": "Pismo"})  # fmt: skip
    assert bad.status_code == 422
    response = admin.post(f"/korse/campaigns/{cid}/actions/new", {
        "kind": "letter", "happened_on": "2026-11-20", "title": "Pismo Vladi",
        "note": "Poslato pismo.", "evidence_url": "https://example.org/pismo.pdf"})  # fmt: skip
    assert response.status_code == 303
    html = english(world.app).get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    assert "Pismo Vladi" in html and "https://example.org/pismo.pdf" in html
    notes = db.session.scalars(db.select(Notification).where(
        Notification.kind == "campaigns.action")).all()  # fmt: skip
    assert [n.user_id for n in notes] == [world.people["owner_rep"].id]


def test_print_view_and_exports(world):
    cid = world.campaign()
    rep = client_of(world.app, "owner_rep@example.org")
    rep.post(f"/korse/campaigns/{cid}/sign", {"organization_id": world.orgs["korse"]})
    visitor = english(world.app)
    assert "Zadruga Beograd" in visitor.get(f"/korse/campaigns/{cid}/print").get_data(as_text=True)
    response = visitor.get(f"/korse/campaigns/{cid}/signatories.csv")
    assert response.status_code == 200
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "organization" and rows[1][:2] == ["Zadruga Beograd", "Beograd"]
    assert "Rade Zadrugar" not in body
    data = json.loads(visitor.get(f"/korse/campaigns/{cid}/signatories.json").get_data())
    assert data["organizations"][0]["organization"] == "Zadruga Beograd"
    assert data["campaign"]["owner"] == "KoRSE"


def test_the_list_filters_by_status_and_searches(world):
    world.campaign(title="Rezervisane javne nabavke", status="open")
    world.campaign(title="Socijalno preduzetništvo u školama", status="won")
    visitor = english(world.app)
    html = visitor.get("/korse/campaigns/").get_data(as_text=True)
    assert "Rezervisane javne nabavke" in html and "u školama" not in html
    html = visitor.get("/korse/campaigns/?status=won").get_data(as_text=True)
    assert "u školama" in html and "Rezervisane" not in html
    html = visitor.get("/korse/campaigns/?status=all&q=набавке").get_data(as_text=True)
    assert "Rezervisane javne nabavke" in html and "u školama" not in html


def test_the_open_letter_as_docx_lists_the_signatories_in_the_reader_s_script(world):
    cid = world.campaign(
        title="Rezervisane javne nabavke", demands=[("Uputstvo naručiocima", None)]
    )
    rep = client_of(world.app, "owner_rep@example.org")
    rep.post(f"/korse/campaigns/{cid}/sign", {"organization_id": world.orgs["korse"]})
    visitor = english(world.app)
    response = visitor.get(f"/korse/campaigns/{cid}/letter.docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Rezervisane javne nabavke" in text and "1. Uputstvo naručiocima" in text
    assert "To: Vlada Srbije" in text
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "Zadruga Beograd" in cells and "Rade Zadrugar" not in cells
    cyrillic = visitor.get(f"/korse/campaigns/{cid}/letter.docx",
                           headers={"Accept-Language": "sr-Cyrl"})  # fmt: skip
    document = Document(io.BytesIO(cyrillic.get_data()))
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "Задруга Београд" in cells


def test_a_demand_links_only_a_proposal_of_the_owner_space(world):
    """The demand's proposal is resolved through core/subjects.py in the owner space: a
    proposal of the partner space (or any other) is refused at the form, and its title never
    shows on the campaign, in the owner space or the partner's."""
    own = make_proposal(world.app, world.owner, world.people["owner_admin"], "Rezervisane nabavke")
    foreign = make_proposal(world.app, world.partner, world.people["partner_admin"],
                            "Tajni predlog Kruševca")  # fmt: skip
    admin = client_of(world.app, "owner_admin@example.org")
    response = admin.post("/korse/campaigns/new", {
        "title": "Platforma", "goal": "Cilj", "demands-0-text": "Zahtev",
        "demands-0-proposal_id": str(foreign)})  # fmt: skip
    assert response.status_code == 422
    assert f"There is no proposal number {foreign} in this space." in response.get_data(
        as_text=True
    )
    response = admin.post("/korse/campaigns/new", {
        "title": "Platforma", "goal": "Cilj", "demands-0-text": "Zahtev",
        "demands-0-proposal_id": str(own)})  # fmt: skip
    assert response.status_code == 303
    cid = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert admin.post(f"/korse/campaigns/{cid}/status", {"status": "open"}).status_code == 303
    html = admin.get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    assert "Proposal: Rezervisane nabavke" in html
    world.partner_with(cid)
    # the partner space reads the demand's text, not the owner's proposal
    shared = client_of(world.app, "partner_admin@example.org").get(f"/krusevac/campaigns/{cid}")
    assert shared.status_code == 200
    assert "Zahtev" in shared.get_data(as_text=True)
    assert "Rezervisane nabavke" not in shared.get_data(as_text=True)
    # a row that names another space's proposal (written past the form) resolves to nothing
    with tenant_context(world.owner.id):
        demand = db.session.scalar(
            db.select(CampaignDemand).where(CampaignDemand.campaign_id == cid)
        )
        demand.proposal_id = foreign
        db.session.commit()
    html = admin.get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    assert "Tajni predlog" not in html
    assert "Zahtev" in html
