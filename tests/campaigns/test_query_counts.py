"""A campaign's page renders with the same number of SQL statements at two sizes (DESIGN §9:
no N+1), in the owner space and in a partner space: 3 and 150 signatures from both spaces,
1 and 30 steps on the timeline, 1 and 40 comments; so do the print view and the signatories
as CSV and JSON; all under CEILING, the bound bench/campaigns.py asserts at 3,000 signatures
from 41 spaces."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from solidarna.campaigns.models import CampaignAction, CampaignComment, CampaignSignature
from solidarna.campaigns.views.browse import SIGNATORIES_PER_PAGE
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from tests.campaigns.conftest import english
from tests.conftest import statements

#: as bench/campaigns.py's CEILING
CEILING = 30


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False  # the render's statements, not the cache's one


def fill(world, signatures: int, steps: int) -> int:
    cid = world.campaign(title=f"Platforma {signatures}")
    world.partner_with(cid)
    now = utcnow()
    with tenant_context(world.owner.id):
        db.session.execute(insert(CampaignSignature), [
            {"tenant_id": world.owner.id, "campaign_id": cid, "organization_id": 10_000 + n,
             "organization_name": f"Org {n}", "municipality": ("Brus", "Niš")[n % 2],
             "actor_type": "association", "actor_type_label": "Udruženje",
             "legal_form_label": "Udruženje",
             "origin_tenant_id": (world.owner.id, world.partner.id)[n % 2],
             "signer_name": f"Osoba {n}", "signed_at": now}
            for n in range(signatures)
        ])  # fmt: skip
        db.session.execute(insert(CampaignAction), [
            {"tenant_id": world.owner.id, "campaign_id": cid, "kind": "letter",
             "happened_on": date(2026, 1, 1 + n % 28), "title": f"Pismo {n}", "note": "",
             "evidence_url": "", "created_at": now, "updated_at": now}
            for n in range(steps)
        ])  # fmt: skip
        db.session.execute(insert(CampaignComment), [
            {"tenant_id": world.owner.id, "campaign_id": cid,
             "origin_tenant_id": (world.owner.id, world.partner.id)[n % 2],
             "author_name": f"Autor {n}", "body": f"Komentar {n}", "hidden": False,
             "created_at": now}
            for n in range(steps + 10 if steps > 1 else 1)
        ])  # fmt: skip
        db.session.commit()
    return cid


@pytest.mark.parametrize("slug", ["korse", "krusevac"])
def test_a_campaign_page_costs_the_same_at_two_sizes(world, slug):
    small, large = fill(world, 3, 1), fill(world, 150, 30)
    counts = []
    for cid, expected in ((small, 3), (large, 150)):
        client = english(world.app)
        with statements(db.engine) as seen:
            response = client.get(f"/{slug}/campaigns/{cid}")
        assert response.status_code == 200
        shown = min(expected, SIGNATORIES_PER_PAGE)
        assert response.get_data(as_text=True).count('class="signatory"') == shown
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    assert counts[0] <= CEILING, counts


@pytest.mark.parametrize("suffix", ["/print", "/signatories.csv", "/signatories.json"])
def test_the_print_view_and_exports_cost_the_same_at_two_sizes(world, suffix):
    small, large = fill(world, 3, 1), fill(world, 150, 30)
    counts = []
    for cid, expected in ((small, 3), (large, 150)):
        client = english(world.app)
        with statements(db.engine) as seen:
            response = client.get(f"/korse/campaigns/{cid}{suffix}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("Org ") == expected
        counts.append(len(seen))
    assert counts[0] == counts[1] <= CEILING, counts


def test_the_page_shows_the_signatories_a_page_at_a_time_and_counts_all(world):
    per = SIGNATORIES_PER_PAGE
    cid = fill(world, 2 * per + 25, 1)
    client = english(world.app)
    html = client.get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    assert html.count('class="signatory"') == per
    assert "Page 1 of 3" in html
    assert f'href="/korse/campaigns/{cid}?signatories=2#signatories" rel="next"' in html
    assert 'rel="prev"' not in html.split('id="signatories"')[1].split("</section>")[0]
    # the counts are of all of them (half from Brus, half from Niš)
    assert f"Brus: {(2 * per + 26) // 2}" in html
    # names sort as text: "Org 0", "Org 1", "Org 10", ...; each page goes on where the last ended
    names = sorted(f"Org {n}" for n in range(2 * per + 25))
    pages = []
    for number in (1, 2, 3):
        page = client.get(f"/korse/campaigns/{cid}?signatories={number}").get_data(as_text=True)
        pages.append(page.count('class="signatory"'))
        first = names[(number - 1) * per]
        assert f"<td>{first}</td>" in page
        assert f"Page {number} of 3" in page
    assert pages == [per, per, 25]
    assert f"<td>{names[per]}</td>" not in html
    # past the last page (or not a number): the last (the first) page, never an error
    last = client.get(f"/korse/campaigns/{cid}?signatories=99")
    assert last.status_code == 200 and "Page 3 of 3" in last.get_data(as_text=True)
    odd = client.get(f"/korse/campaigns/{cid}?signatories=x")
    assert odd.status_code == 200 and "Page 1 of 3" in odd.get_data(as_text=True)
    printed = client.get(f"/korse/campaigns/{cid}/print").get_data(as_text=True)
    assert printed.count('class="signatory"') == 2 * per + 25
    assert "Page 1 of" not in printed
