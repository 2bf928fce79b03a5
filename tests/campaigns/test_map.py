"""The map of signatories (core/maps.py's overview, drawn on the server) and the counts by
municipality and district on the campaign's page: a dot where the reading space's directory
shows the organization's location, every signature counted in the table, whatever space it
came from."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from tests.campaigns.conftest import client_of, english
from tests.conftest import parse


def place(world, tenant, org_id, lat, lon):
    with tenant_context(tenant.id):
        org = db.session.get(Organization, org_id)
        org.latitude, org.longitude = lat, lon
        db.session.commit()


def test_the_map_and_the_counts_by_municipality_and_district(world):
    cid = world.campaign()
    world.partner_with(cid)
    place(world, world.owner, world.orgs["korse"], 44.82, 20.46)
    place(world, world.partner, world.orgs["krusevac"], 43.58, 21.33)
    owner_rep = client_of(world.app, "owner_rep@example.org")
    partner_rep = client_of(world.app, "partner_rep@example.org")
    assert owner_rep.post(f"/korse/campaigns/{cid}/sign",
                          {"organization_id": world.orgs["korse"]}).status_code == 303  # fmt: skip
    assert partner_rep.post(f"/krusevac/campaigns/{cid}/sign",
                            {"organization_id": world.orgs["krusevac"]}).status_code == 303  # fmt: skip
    for slug, drawn in (("korse", "Beograd"), ("krusevac", "Kruševac")):
        html = english(world.app).get(f"/{slug}/campaigns/{cid}").get_data(as_text=True)
        soup = parse(html)
        section = soup.select_one("section.map-overview")
        assert section is not None, slug
        rows = {r.th.get_text(strip=True): r.td.get_text(strip=True)
                for r in section.select("tbody tr")}  # fmt: skip
        assert rows == {"Beograd": "1", "Kruševac": "1"}
        # one dot: the reading space's own organization (the other space's is not located)
        titles = [t.get_text() for t in section.select("svg title")]
        assert len(titles) == 1 and titles[0].startswith(drawn), (slug, titles)
        assert "1 municipality has no location to draw" in html
        districts = [li.get_text(strip=True) for li in soup.select("#by-district-title ~ ul li")]
        assert sorted(districts) == ["Grad Beograd: 1", "Rasinski okrug: 1"], districts
