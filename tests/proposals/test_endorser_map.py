"""The endorsers by municipality, drawn on the server (core/maps.py's overview, the same the
directory's map page shows) with the table of counts, on the proposal page; no JavaScript.
Locations show only where the directory shows the entry's address to the reader."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from tests.conftest import parse
from tests.proposals.conftest import visitor


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def endorse_both(space, pid):
    for email, org in (("rep1@example.org", space.org1), ("rep2@example.org", space.org2)):
        response = login(space.app, email).post(
            f"/alfa/proposals/{pid}/endorse", {"organization_id": str(org), "kind": "support"}
        )
        assert response.status_code == 303


def place(space, org_id, lat, lon, address_visibility="public"):
    with tenant_context(space.tenant.id):
        org = db.session.get(Organization, org_id)
        org.latitude, org.longitude = lat, lon
        org.field_visibility = {**(org.field_visibility or {}), "address": address_visibility}
        db.session.commit()


def test_the_endorsers_map_draws_a_dot_per_municipality_with_its_table(space):
    pid = space.proposal(state="endorsement")
    place(space, space.org1, 43.58, 21.33)  # Kruševac
    place(space, space.org2, 43.62, 20.95)  # Trstenik
    endorse_both(space, pid)
    page = parse(visitor(space.app).get(f"/alfa/proposals/{pid}"))
    section = page.find("section", class_="map-overview")
    assert section is not None and "Endorsers by municipality" in section.h2.get_text()
    svg = section.find("svg")
    assert svg is not None and svg["aria-hidden"] == "true"
    dots = svg.find_all("circle")
    assert len(dots) == 2
    # Kruševac lies east of Trstenik: its dot is to the right
    by_title = {a.title.get_text().split(":")[0]: float(a.circle["cx"]) for a in svg.find_all("a")}
    assert by_title["Kruševac"] > by_title["Trstenik"]
    rows = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True)
        for tr in section.select("table.map-overview-table tbody tr")
    }
    assert rows == {"Kruševac": "1", "Trstenik": "1"}
    # each municipality leads to its endorsers in the table
    link = section.find("a", string="Trstenik")["href"]
    assert link.startswith("#") and page.find(id=link[1:]).name == "tr"
    assert "Udruženje Ruke" in page.find(id=link[1:]).get_text()
    assert not page.find_all("script", src=lambda s: s and "leaflet" in s)


def test_a_hidden_address_is_not_drawn_but_counted(space):
    pid = space.proposal(state="endorsement")
    place(space, space.org1, 43.58, 21.33)
    place(space, space.org2, 43.62, 20.95, address_visibility="admins")
    endorse_both(space, pid)
    section = parse(visitor(space.app).get(f"/alfa/proposals/{pid}")).find(
        "section", class_="map-overview"
    )
    assert len(section.find("svg").find_all("circle")) == 1
    assert "1 municipality has no location to draw" in section.get_text()
    assert len(section.select("table.map-overview-table tbody tr")) == 2
    admin = parse(login(space.app, "owner@example.org").get(f"/alfa/proposals/{pid}"))
    assert len(admin.find("section", class_="map-overview").find_all("circle")) == 2


def test_no_endorsers_no_map(space):
    pid = space.proposal(state="endorsement")
    page = parse(visitor(space.app).get(f"/alfa/proposals/{pid}"))
    assert page.find("section", class_="map-overview") is None
