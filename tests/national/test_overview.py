"""The national overview (/overview/): only the taking-part spaces' public rows appear, on the
page, in the map and in the export; the figures add up across spaces; bounded queries."""

from __future__ import annotations

import pytest

from solidarna.core.tenancy import TenantViolation, public_rows, tenant_context
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import Organization
from solidarna.tenants import national
from solidarna.tenants.models import Tenant
from tests.conftest import Client, definitions, parse, statements, text_of

SECRET_PHONE = "+381 37 999 0001"
SECRET_NAME = "Tajna zadruga neučesnika"
PENDING_NAME = "Zadruga na čekanju"


def org(name, municipality, actor_type="cooperative", moderation="verified", **fields):
    data = {
        "name": name,
        "legal_form": "association" if actor_type == "association" else "cooperative",
        "actor_type": actor_type,
        "municipality": municipality,
        **fields,
    }
    return services.create_organization(data, {}, None, source="office", moderation=moderation)


@pytest.fixture
def spaces(db, make_tenant):
    rasina = make_tenant(
        "rasina", region="RS-19", municipalities=["Kruševac", "Brus"], in_national_overview=True,
        taxonomies={"expected_actor_types": ["social_enterprise", "cooperative"]},
    )  # fmt: skip
    nis = make_tenant("nis", region="RS-20", municipalities=["Niš"], in_national_overview=True)
    hidden = make_tenant("skriven", region="RS-19", municipalities=["Trstenik"])
    with tenant_context(rasina.id):
        org("Zadruga Rasinski med", "Kruševac", se_status="registered", employees_total=10,
            employees_vulnerable=4, phone=SECRET_PHONE, latitude=43.58, longitude=21.33)  # fmt: skip
        org("Udruženje Ruke", "Brus", actor_type="association", employees_total=5,
            employees_vulnerable=3, field_visibility={"employees": "members"})  # fmt: skip
        org(PENDING_NAME, "Brus", moderation="pending")
        db.session.commit()
    with tenant_context(nis.id):
        org("Niško socijalno preduzeće", "Niš", actor_type="social_enterprise",
            se_status="registered", employees_total=7, employees_vulnerable=2)  # fmt: skip
        db.session.commit()
    with tenant_context(hidden.id):
        org(SECRET_NAME, "Trstenik", employees_total=4321, employees_vulnerable=1234)
        db.session.commit()
    return rasina, nis, hidden


def _everything(client: Client) -> str:
    pages = ["/overview/", "/overview/map", "/overview/map.geojson", "/overview/entries.csv", "/"]
    out = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        out.append(response.get_data(as_text=True))
    return "\n".join(out)


def test_only_public_rows_of_taking_part_spaces(app, spaces, make_user):
    client = Client(app)
    seen = _everything(client)
    assert "Zadruga Rasinski med" in seen and "Niško socijalno preduzeće" in seen
    for leaked in (SECRET_NAME, SECRET_PHONE, PENDING_NAME, "4321", "1234", "Trstenik"):
        assert leaked not in seen, leaked
    # a member of the hidden space sees no more of it here
    html = client.get("/overview/").get_data(as_text=True)
    links = {text_of(a): a["href"] for a in parse(html).select("ul.entry-list li > a")}
    assert links["Zadruga Rasinski med"].startswith("/rasina/directory/")
    assert links["Niško socijalno preduzeće"].startswith("/nis/directory/")
    assert Client(app).get(links["Zadruga Rasinski med"]).status_code == 200


def test_the_map_places_only_public_addresses(app, spaces):
    data = Client(app).get("/overview/map.geojson").get_json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Zadruga Rasinski med"]
    assert data["features"][0]["properties"]["url"].startswith("/rasina/directory/")
    html = (
        Client(app).get("/overview/map", headers={"Accept-Language": "en"}).get_data(as_text=True)
    )
    rows = {
        text_of(r.th): text_of(r.td)
        for r in parse(html).select("table.map-overview-table tbody tr")
    }
    assert rows == {"Nišavski okrug": "1", "Rasinski okrug": "2"}
    # in Cyrillic the districts are in Cyrillic too (one script per page)
    html = Client(app).get("/overview/map", headers={"Accept-Language": "sr-Cyrl"})
    html = html.get_data(as_text=True)
    names = [text_of(r.th) for r in parse(html).select("table.map-overview-table tbody tr")]
    assert names == ["Нишавски округ", "Расински округ"]
    assert "Rasinski" not in html


def test_figures_add_up(app, spaces):
    client = Client(app)
    html = client.get("/overview/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    figures = definitions(html)
    assert figures["Verified organizations"] == "3"
    assert figures["Social enterprises registered at APR"] == "2"
    # employment: only public figures (Ruke's are members-only; the hidden space is out)
    assert figures["Employees"] == "17"
    assert figures["Employees from vulnerable groups"] == "6"


def test_missing_types_by_district(app, spaces):
    html = Client(app).get("/overview/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    row = parse(html).select_one('tr[data-place="RS-19"]')
    # Rasina has a cooperative but no verified social enterprise: expected, missing
    assert row.select_one('td.missing[data-type="social_enterprise"]') is not None
    assert row.select_one('td.present[data-type="cooperative"]') is not None
    nis = parse(html).select_one('tr[data-place="RS-20"]')
    assert nis.select_one('td.missing[data-type="cooperative"]') is not None


def test_filters_and_search(app, spaces):
    client = Client(app)
    html = client.get("/overview/?district=RS-20").get_data(as_text=True)
    names = [text_of(a) for a in parse(html).select("ul.entry-list li > a")]
    assert names == ["Niško socijalno preduzeće"]
    html = client.get("/overview/?q=rasinski").get_data(as_text=True)
    assert [text_of(a) for a in parse(html).select("ul.entry-list li > a")] == [
        "Zadruga Rasinski med"
    ]
    html = client.get("/overview/?actor_type=association&page=999").get_data(as_text=True)
    assert [text_of(a) for a in parse(html).select("ul.entry-list li > a")] == ["Udruženje Ruke"]
    assert client.get("/overview/?district=XX&page=abc").status_code == 200


def test_leaving_removes_the_space(app, db, spaces):
    rasina, _nis, _hidden = spaces
    client = Client(app)
    assert "Zadruga Rasinski med" in client.get("/overview/").get_data(as_text=True)
    tenant = db.session.get(Tenant, rasina.id)
    with tenant_context(tenant.id):
        assert national.set_taking_part(tenant, False)
        db.session.commit()
    html = client.get("/overview/").get_data(as_text=True)
    assert "Zadruga Rasinski med" not in html
    # a members-only space contributes nothing even when taking part
    with tenant_context(tenant.id):
        national.set_taking_part(tenant, True)
        tenant.visibility = "members"
        db.session.commit()
    assert "Zadruga Rasinski med" not in client.get("/overview/").get_data(as_text=True)


def test_public_rows_refuses_anything_else(app, db, spaces):
    rasina, nis, _hidden = spaces
    from solidarna.directory.organizations.models import Representative

    with public_rows([rasina.id, nis.id]):
        names = set(db.session.scalars(db.select(Organization.name)))
        assert names == {"Zadruga Rasinski med", "Udruženje Ruke", "Niško socijalno preduzeće"}
        with pytest.raises(TenantViolation):
            db.session.scalars(db.select(Representative)).all()
        with pytest.raises(TenantViolation):
            db.session.execute(db.select(Organization.__table__.c.name)).all()
        with pytest.raises(TenantViolation):
            db.session.get(Organization, 1)
    with public_rows([rasina.id]):
        first = db.session.scalars(db.select(Organization)).first()
        assert {t.facet for t in first.tags} <= {"kd", "group", "interest"}
        first.name = "Promenjeno"
        with pytest.raises(TenantViolation):
            db.session.flush()
    db.session.rollback()


def test_bounded_queries(app, db, spaces, make_tenant, make_user):
    client = Client(app)
    app.config["PAGE_CACHE"] = False
    client.get("/overview/")
    with statements(db.engine) as seen:
        assert client.get("/overview/").status_code == 200
    few = len(seen)
    for n in range(4):
        space = make_tenant(f"dodatni{n}", region="RS-10", in_national_overview=True)
        with tenant_context(space.id):
            for i in range(5):
                org(f"Zadruga {n}-{i}", "Čačak")
            db.session.commit()
    client.get("/overview/")
    with statements(db.engine) as seen:
        assert client.get("/overview/").status_code == 200
    assert len(seen) == few, seen
    assert few <= 10, seen  # the spaces, the marker, 6 aggregates, the list and its count
    # with the cache (the figures and list pages kept under the national marker), a reader
    # who is not served a whole page (logged in) costs the spaces and the marker
    app.config["PAGE_CACHE"] = True
    member = make_user(email="citalac@example.org")
    reader = Client(app)
    reader.login(member.email)
    reader.get("/overview/?q=zadruga")
    with statements(db.engine) as seen:
        html = reader.get("/overview/?q=zadruga").get_data(as_text=True)
    assert "Zadruga 3-4" in html
    assert len([s for s in seen if "organizations" in s]) == 0, seen


def test_owner_toggles_taking_part(app, db, make_user, make_tenant):
    owner = make_user(email="vlasnica@example.org")
    admin = make_user(email="admin@example.org")
    tenant = make_tenant("krug", members={owner: "owner", admin: "admin"})
    client = Client(app)
    client.login(admin.email)
    assert client.get("/krug/admin/national/").status_code == 403
    client.logout()
    client.login(owner.email)
    assert client.get("/krug/admin/national/").status_code == 200
    response = client.post("/krug/admin/national/", {"taking_part": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).in_national_overview is True
    audit = client.get("/krug/admin/audit").get_data(as_text=True)
    assert "national" in audit.lower() or "nacionaln" in audit.lower()
    client.post("/krug/admin/national/", {})
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).in_national_overview is False


def test_the_matrix_is_drawn_once_per_national_marker(app, db, spaces, make_user):
    """The districts × actor types table (most of the page) is kept as a fragment under the
    national marker: a second reader gets it kept; a verified entry in a taking-part space
    redraws it on the next request."""
    from tests.core.test_fragments import status

    app.config["PAGE_CACHE"] = app.config["FRAGMENT_CACHE"] = True  # whatever the suite's
    make_user(email="citalac@example.org")
    reader = Client(app)
    reader.login("citalac@example.org")
    en = {"Accept-Language": "en"}
    assert status(reader.get("/overview/", headers=en), "national-matrix") == "miss"
    assert status(reader.get("/overview/", headers=en), "national-matrix") == "hit"
    _rasina, nis, _hidden = spaces
    with tenant_context(nis.id):
        org("Niška zadruga", "Niš")
        db.session.commit()
    after = reader.get("/overview/", headers=en)
    assert status(after, "national-matrix") == "miss"
    row = parse(after.get_data(as_text=True)).select_one('tr[data-place="RS-20"]')
    assert row.select_one('td.present[data-type="cooperative"]') is not None
