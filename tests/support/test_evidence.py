"""Barriers as evidence: advisors tag cases, the office sees them by municipality and category
over time, the statistics hide cells under 5, and the evidence registry offers anonymized
counts (never a requester) that proposals cite. Pages are a bounded number of statements."""

from __future__ import annotations

from solidarna.core import evidence
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.support import services
from solidarna.support.models import SupportCaseBarrier
from tests.conftest import field_error, parse, statements, text_of


def make_cases(space, n, *, municipality="Kruševac", category="legal_form", codes=()):
    with space.app.app_context(), tenant_context(space.tenant.id):
        ids = []
        for _ in range(n):
            case = services.create({"category": category, "description": "Opis zahteva.",
                                    "municipality": municipality, "contact_method": "email"},
                                   space.requester)  # fmt: skip
            services.set_barriers(case, list(codes), space.advisor)
            ids.append(case.id)
        db.session.commit()
        return ids


def test_advisors_tag_barriers_from_the_kit(space):
    case_id = space.ask(space.client(space.requester))
    office = space.client(space.advisor)
    page = parse(office.get(f"/alfa/support/{case_id}/"))
    offered = [i["value"] for i in page.select("#barriers input[type=checkbox]")]
    assert offered[:3] == ["no_legal_form", "vat_donations", "no_procurement"]
    saved = office.post(f"/alfa/support/office/{case_id}/barriers",
                        {"codes": ["no_legal_form", "vat_donations"]})  # fmt: skip
    assert saved.status_code == 303
    with tenant_context(space.tenant.id):
        codes = sorted(db.session.scalars(db.select(SupportCaseBarrier.code)))
    assert codes == ["no_legal_form", "vat_donations"]
    bad = office.post(f"/alfa/support/office/{case_id}/barriers", {"codes": ["made_up"]})
    assert bad.status_code == 422
    assert field_error(parse(bad), "codes") == "Choose one of the offered options."
    office.post(f"/alfa/support/office/{case_id}/barriers", {"codes": ["vat_donations"]})
    with tenant_context(space.tenant.id):
        assert list(db.session.scalars(db.select(SupportCaseBarrier.code))) == ["vat_donations"]
    # the requester never sees the barriers form
    own = space.client(space.requester).get(f"/alfa/support/{case_id}/").get_data(as_text=True)
    assert 'id="barriers"' not in own


def test_the_barriers_page_filters_by_municipality_and_category(space, db):
    make_cases(space, 3, codes=["no_legal_form", "vat_donations"])
    make_cases(space, 2, municipality="Trstenik", category="tax", codes=["vat_donations"])
    office = space.client(space.advisor)
    office.get("/alfa/support/office/barriers")
    with statements(db.engine) as seen:
        page = parse(office.get("/alfa/support/office/barriers"))
    assert len(seen) <= 12, seen
    rows = {
        text_of(r.th): text_of(r.select("td")[-1]) for r in page.select("#barriers-table tbody tr")
    }
    assert rows == {"VAT on donations in kind": "5", "No legal form fits": "3"}
    assert page.select_one("svg#barriers-chart title").get_text() == "Cases per barrier"
    only = parse(office.get("/alfa/support/office/barriers?municipality=Trstenik"))
    rows = {
        text_of(r.th): text_of(r.select("td")[-1]) for r in only.select("#barriers-table tbody tr")
    }
    assert rows == {"VAT on donations in kind": "2"}
    legal = parse(office.get("/alfa/support/office/barriers?category=legal_form&municipality=x"))
    rows = {
        text_of(r.th): text_of(r.select("td")[-1]) for r in legal.select("#barriers-table tbody tr")
    }
    assert rows == {"VAT on donations in kind": "3", "No legal form fits": "3"}


def test_statistics_hide_cells_under_five(space, db):
    make_cases(space, 6)
    make_cases(space, 2, municipality="Brus", category="tax")
    office = space.client(space.advisor)
    office.get("/alfa/support/office/statistics")
    with statements(db.engine) as seen:
        response = office.get("/alfa/support/office/statistics")
    assert len(seen) <= 12, seen
    page = parse(response)
    places = {text_of(r.th): text_of(r.td) for r in page.select("#by-municipality-table tbody tr")}
    assert places == {"Kruševac": "6", "Brus": "fewer than 5"}
    kinds = {text_of(r.th): text_of(r.td) for r in page.select("#by-category-table tbody tr")}
    assert kinds == {"Legal form and status": "6", "Tax and accounting": "fewer than 5"}
    months = [text_of(r.td) for r in page.select("#by-month-table tbody tr")]
    assert months == ["8"]
    assert "Petar" not in response.get_data(as_text=True)


def test_the_figure_provider_offers_anonymized_counts_of_five_or_more(space, app):
    make_cases(space, 5, codes=["no_procurement"])
    make_cases(space, 4, municipality="Brus", codes=["no_procurement", "no_premises"])
    with app.test_request_context(), tenant_context(space.tenant.id):
        found = {
            f.item: (f.label, f.value) for f in evidence.figures(space.tenant, "support.barriers")
        }
    assert set(found) == {"no_procurement", "no_procurement:Kruševac", "no_procurement::legal_form",
                          "no_procurement:Kruševac:legal_form"}  # fmt: skip
    assert found["no_procurement"][1] == 9
    label, value = found["no_procurement:Kruševac"]
    assert value == 5 and "Kruševac" in label
    assert all("Petar" not in label for label, _n in found.values())


def test_a_proposal_starts_from_a_cluster_and_cites_only_counts(space, db):
    from solidarna.proposals.evidence import ProposalEvidence
    from solidarna.proposals.models import Proposal

    make_cases(space, 6, codes=["vat_donations"])
    make_cases(space, 2, municipality="Brus", codes=["vat_donations"])
    office = space.client(space.advisor)
    page = parse(office.get("/alfa/support/office/barriers?municipality=Kruševac"))
    form = page.select_one("#start-proposal form")
    assert form.select_one("input[name=municipality]")["value"] == "Kruševac"
    # too few cases in Brus: refused, the title kept
    few = office.post(
        "/alfa/support/office/barriers/proposal",
        {
            "barrier": "vat_donations",
            "municipality": "Brus",
            "category": "",
            "title": "PDV na donacije hrane",
        },
    )
    assert few.status_code == 422
    assert "Fewer than 5" in field_error(parse(few), "barrier")
    assert parse(few).select_one("#title")["value"] == "PDV na donacije hrane"
    started = office.post(
        "/alfa/support/office/barriers/proposal",
        {
            "barrier": "vat_donations",
            "municipality": "Kruševac",
            "category": "",
            "title": "Oslobađanje donacija u naturi od PDV-a",
        },
    )
    assert started.status_code == 303, started.get_data(as_text=True)[:2000]
    assert "/alfa/proposals/" in started.headers["Location"]
    with tenant_context(space.tenant.id):
        proposal = db.session.scalar(db.select(Proposal))
        cited = db.session.scalars(db.select(ProposalEvidence)
                                   .order_by(ProposalEvidence.position)).all()  # fmt: skip
        assert (proposal.title, proposal.state) == (
            "Oslobađanje donacija u naturi od PDV-a",
            "draft",
        )
        assert [(c.key, c.params["item"], c.value) for c in cited] == [
            ("support.barriers", "vat_donations:Kruševac", 6),
            ("support.barriers", "vat_donations", 8),
        ]
        assert all("Petar" not in c.label and "Opis" not in c.label for c in cited)
    # a member may not
    member = space.client(space.other)
    assert (
        member.post(
            "/alfa/support/office/barriers/proposal",
            {"barrier": "vat_donations", "title": "Predlog člana"},
        ).status_code
        == 403
    )
