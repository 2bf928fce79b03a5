"""Open data: CSV and JSON-LD exports of the directory and one entry as JSON-LD, showing
exactly what the requester may see."""

import csv
import io
import json
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from solidarna.core.tenancy import tenant_context
from solidarna.directory.opendata import services as opendata
from solidarna.directory.organizations.models import Organization
from tests.conftest import EN, Client

VALID_PIB = "101134702"
VALID_MB = "17162543"


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "member") as tenant:
        entry(
            "Zadruga Rasinski med",
            mission="Med i pčelarstvo u Kruševcu.",
            tags={"kd": ["A"], "group": ["rural_women"], "interest": ["work_integration"]},
            pib=VALID_PIB,
            mb=VALID_MB,
            founding_year=2016,
            address="Vidovdanska 1",
            latitude=43.58,
            longitude=21.33,
            phone="037 123 456",
            contact_email="med@example.org",
            employees_total=7,
            employees_women=5,
            field_visibility={"phone": "members", "turnover_band": "admins"},
            turnover_band="1m_5m",
            se_status="registered",
            website="https://med.example.org",
        )
        entry(
            "Ruke Trstenika",
            municipality="Trstenik",
            actor_type="association",
            legal_form="association",
            tags={"kd": ["Q"], "group": ["disability"]},
            address="Skrivena ulica 7",
            latitude=43.61,
            longitude=21.0,
            field_visibility={"address": "members"},
        )
        entry("Skrivena zadruga na čekanju", municipality="Brus", moderation="pending")
    return tenant


def csv_rows(response) -> list[dict]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == opendata.EXPORT_COLUMNS
    return list(reader)


def today() -> str:
    return datetime.now(ZoneInfo("Europe/Belgrade")).date().isoformat()


def test_csv_export_for_a_visitor_holds_only_public_entries_and_fields(client, space):
    response = client.get("/rasina/directory/export.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="rasina-directory-{today()}.csv"'
    )
    assert "private" in response.headers["Cache-Control"]
    rows = {row["name"]: row for row in csv_rows(response)}
    assert set(rows) == {"Zadruga Rasinski med", "Ruke Trstenika"}
    med = rows["Zadruga Rasinski med"]
    assert med["pib"] == VALID_PIB and med["mb"] == VALID_MB
    assert med["municipality"] == "Kruševac" and med["district_iso"] == "RS-19"
    assert med["kd_sections"] == "A" and med["vulnerable_groups"] == "rural_women"
    assert med["contact_email"] == "med@example.org" and med["employees_total"] == "7"
    assert med["latitude"] == "43.58" and med["longitude"] == "21.33"
    assert med["phone"] == "" and med["turnover_band"] == ""  # members-only, admins-only
    assert med["url"] == f"http://localhost/rasina/directory/{med['id']}"
    ruke = rows["Ruke Trstenika"]
    assert ruke["address"] == "" and ruke["latitude"] == "" and ruke["longitude"] == ""
    assert "Skrivena ulica" not in response.get_data(as_text=True)


def test_csv_export_shows_members_and_admins_more(client, space):
    client.login("member@example.org")
    rows = {row["name"]: row for row in csv_rows(client.get("/rasina/directory/export.csv"))}
    assert rows["Zadruga Rasinski med"]["phone"] == "037 123 456"
    assert rows["Zadruga Rasinski med"]["turnover_band"] == ""
    assert rows["Ruke Trstenika"]["address"] == "Skrivena ulica 7"
    assert "Skrivena zadruga na čekanju" not in rows
    admin = Client(client.app)
    admin.login("owner@example.org")
    rows = {row["name"]: row for row in csv_rows(admin.get("/rasina/directory/export.csv"))}
    assert rows["Zadruga Rasinski med"]["turnover_band"] == "1m_5m"
    assert rows["Skrivena zadruga na čekanju"]["moderation"] == "pending"


def test_exports_honour_the_list_filters(client, space):
    rows = csv_rows(client.get("/rasina/directory/export.csv?municipality=Trstenik"))
    assert [r["name"] for r in rows] == ["Ruke Trstenika"]
    rows = csv_rows(client.get("/rasina/directory/export.csv", query_string={"q": "пчеларство"}))
    assert [r["name"] for r in rows] == ["Zadruga Rasinski med"]
    document = json.loads(
        client.get("/rasina/directory/export.json?kd=Q&kd=A&group=disability").data
    )
    assert [node["name"] for node in document["@graph"]] == ["Ruke Trstenika"]
    assert json.loads(client.get("/rasina/directory/export.json?kd=U").data)["@graph"] == []


def test_csv_export_can_use_semicolons_for_excel_in_serbian(client, space):
    raw = client.get("/rasina/directory/export.csv?sep=semicolon").get_data()[3:].decode()
    header = next(csv.reader(io.StringIO(raw), delimiter=";"))
    assert tuple(header) == opendata.EXPORT_COLUMNS


def test_csv_cells_cannot_become_spreadsheet_formulas(client, space, db, entry):
    with tenant_context(space.id):
        entry(
            '=HYPERLINK("http://evil.example","klik")',
            phone="+381 37 111 222",
            field_visibility={"phone": "public"},
        )
        db.session.commit()
    rows = csv_rows(client.get("/rasina/directory/export.csv"))
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"].startswith("'=")
    assert evil["phone"] == "+381 37 111 222"  # a phone number stays as it is


def test_json_export_for_a_visitor(client, space):
    response = client.get("/rasina/directory/export.json")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/ld+json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="rasina-directory-{today()}.json"'
    )
    document = json.loads(response.get_data(as_text=True))
    assert document["@context"]["essglobal"] == "http://purl.org/essglobal/vocab/"
    assert document["@context"]["@vocab"] == "https://schema.org/"
    nodes = {node["name"]: node for node in document["@graph"]}
    assert set(nodes) == {"Zadruga Rasinski med", "Ruke Trstenika"}
    med = nodes["Zadruga Rasinski med"]
    assert med["@type"] == ["Organization", "essglobal:SSEInitiative"]
    assert med["taxID"] == VALID_PIB
    assert {"@type": "PropertyValue", "propertyID": "RS-PIB", "value": VALID_PIB} in med[
        "identifier"
    ]
    assert {"@type": "PropertyValue", "propertyID": "RS-APR", "value": VALID_MB} in med[
        "identifier"
    ]
    assert med["foundingDate"] == "2016"
    assert med["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Kruševac",
        "addressRegion": "Rasinski okrug",
        "addressCountry": "RS",
        "streetAddress": "Vidovdanska 1",
    }
    assert med["geo"]["latitude"] == 43.58
    assert med["numberOfEmployees"]["value"] == 7
    assert med["email"] == "med@example.org" and med["sameAs"] == "https://med.example.org"
    assert med["essglobal:legalForm"] == "Social Enterprise"  # registered status wins
    assert med["essglobal:economicSector"][0]["termCode"] == "A"
    assert med["solidarna:seStatus"] == "registered" and med["solidarna:verified"] is True
    assert med["url"].startswith("http://localhost/rasina/directory/")
    assert "telephone" not in med and "solidarna:turnoverBand" not in med
    ruke = nodes["Ruke Trstenika"]
    assert ruke["essglobal:legalForm"] == "Non-Profit Organisation"
    assert "streetAddress" not in ruke["address"] and "geo" not in ruke
    text = response.get_data(as_text=True)
    assert "037 123 456" not in text and "1m_5m" not in text and "Skrivena" not in text


def test_json_export_for_a_member_holds_members_fields(client, space):
    client.login("member@example.org")
    document = json.loads(client.get("/rasina/directory/export.json").data)
    nodes = {node["name"]: node for node in document["@graph"]}
    assert nodes["Zadruga Rasinski med"]["telephone"] == "037 123 456"
    assert "solidarna:turnoverBand" not in nodes["Zadruga Rasinski med"]
    assert nodes["Ruke Trstenika"]["address"]["streetAddress"] == "Skrivena ulica 7"
    assert "Skrivena zadruga na čekanju" not in nodes


def test_organization_json_follows_the_profile_rules(client, space, db):
    with tenant_context(space.id):
        med = db.session.scalar(
            db.select(Organization).where(Organization.name == "Zadruga Rasinski med")
        )
        pending = db.session.scalar(
            db.select(Organization).where(Organization.moderation == "pending")
        )
    response = client.get(f"/rasina/directory/{med.id}.json")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = response.get_json(force=True)
    assert document["@context"]["essglobal"] == "http://purl.org/essglobal/vocab/"
    assert document["@id"] == f"http://localhost/rasina/directory/{med.id}"
    assert document["name"] == "Zadruga Rasinski med" and "telephone" not in document
    assert client.get(f"/rasina/directory/{pending.id}.json").status_code == 404
    assert client.get("/rasina/directory/999999.json").status_code == 404
    admin = Client(client.app)
    admin.login("owner@example.org")
    document = admin.get(f"/rasina/directory/{pending.id}.json").get_json(force=True)
    assert document["solidarna:moderation"] == "pending"
    assert (
        admin.get(f"/rasina/directory/{med.id}.json").get_json(force=True)["solidarna:turnoverBand"]
        == "1m_5m"
    )


def test_pages_link_to_the_open_data(client, space, db):
    with tenant_context(space.id):
        med = db.session.scalar(
            db.select(Organization).where(Organization.name == "Zadruga Rasinski med")
        )
    html = client.get("/rasina/directory/?municipality=Kruševac", headers=EN)
    html = html.get_data(as_text=True)
    assert "/rasina/directory/export.csv?municipality=Kru%C5%A1evac" in html
    assert "/rasina/directory/export.json?municipality=Kru%C5%A1evac" in html
    assert "Import from CSV or Excel" not in html
    profile = client.get(f"/rasina/directory/{med.id}", headers=EN)
    assert f"/rasina/directory/{med.id}.json" in profile.get_data(as_text=True)


def test_members_only_space_exports_nothing_to_visitors(client, db, make_tenant, entry):
    tenant = make_tenant("zatvoreni", visibility="members", region="RS-19")
    with tenant_context(tenant.id):
        entry("Tajna zadruga")
        db.session.commit()
    for path in ("export.csv", "export.json", "1.json"):
        response = client.get(f"/zatvoreni/directory/{path}")
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@contextmanager
def count_queries(db):
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_export_queries_do_not_grow_with_the_number_of_entries(client, space, db, entry):
    def add(n):
        with tenant_context(space.id):
            for i in range(n):
                entry(f"Zadruga broj {i:03d}", tags={"kd": ["A", "C"], "group": ["roma"]})
            db.session.commit()

    def measure(path):
        with count_queries(db) as statements:
            body = client.get(path).get_data()
        return len(statements), body

    client.login("member@example.org")  # membership and representation are loaded too
    add(3)  # 5 visible entries
    few_json, body = measure("/rasina/directory/export.json")
    assert len(json.loads(body)["@graph"]) == 5
    few_csv, _ = measure("/rasina/directory/export.csv")
    add(35)  # 40 visible entries
    many_json, body = measure("/rasina/directory/export.json")
    assert len(json.loads(body)["@graph"]) == 40
    many_csv, _ = measure("/rasina/directory/export.csv")
    assert many_json == few_json and many_csv == few_csv
    assert many_json <= 10, many_json
