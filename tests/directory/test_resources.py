"""Local community resources: adding with validation, the owner rule, expiry, filters and
search across scripts, who may edit and delete, and isolation between spaces."""

from datetime import timedelta

import pytest

from solidarna.accounts.models import User
from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.directory.resources import services as rs
from solidarna.directory.resources.models import Resource
from tests.conftest import EN, Client, field_error, nav_links, one, parse, text_of
from tests.directory.conftest import facet_counts


def resource(title, by=None, **fields):
    data = {"title": title, "kind": "premises", "municipality": "Kruševac",
            "availability": "available", "owner_name": "Grad Kruševac", **fields}  # fmt: skip
    if data.get("owner_organization_id"):
        data["owner_name"] = ""
    return rs.create_resource(data, by)


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "member", "other", modules=["directory", "resources"]) as tenant:
        fund = entry("Fondacija Rasinski fond", actor_type="foundation")
        entry("Skrivena fondacija", "Brus", "foundation", moderation="pending")
        resource("Sala za obuke", description="Sala za 40 ljudi u centru Kruševca.")
        resource(
            "Hladnjača za voće",
            kind="equipment",
            municipality="Brus",
            availability="limited",
            owner_organization_id=fund.id,
        )
        resource(
            "Stari konkurs za opremu",
            kind="funding",
            valid_until=rs.today() - timedelta(days=3),
        )
    return tenant


def find(db, space, title) -> Resource | None:
    """The resource as saved now (requests run in sessions of their own), detached."""
    db.session.rollback()
    with tenant_context(space.id):
        found = db.session.scalar(db.select(Resource).where(Resource.title == title))
        if found is not None:
            db.session.expunge(found)
        return found


def audit_actions(db, target_id) -> list[str]:
    db.session.rollback()
    return db.session.scalars(
        db.select(AuditEntry.action)
        .where(AuditEntry.target_type == "resources", AuditEntry.target_id == target_id)
        .order_by(AuditEntry.id)
    ).all()


def org_id(db, space, name) -> int:
    with tenant_context(space.id):
        return db.session.scalar(db.select(Organization.id).where(Organization.name == name))


def form_data(**changes):
    data = {
        "title": "Prazan lokal u centru",
        "kind": "premises",
        "description": "Lokal od 60 m² u prizemlju.",
        "owner_organization_id": "",
        "owner_name": "Grad Kruševac",
        "municipality": "Kruševac",
        "address": "Vidovdanska 1",
        "latitude": "43.58",
        "longitude": "21.334",
        "availability": "available",
        "valid_until": "",
        "conditions": "Povlašćena zakupnina za socijalna preduzeća.",
        "contact": "kancelarija@example.org",
    }
    data.update(changes)
    return data


def test_member_adds_a_resource_and_everyone_sees_it(client, space, db):
    client.login("member@example.org")
    page = client.get("/rasina/resources/new", headers=EN).get_data(as_text=True)
    assert "Fondacija Rasinski fond" in page and "Skrivena fondacija" not in page
    response = client.post("/rasina/resources/new", form_data())
    assert response.status_code == 303
    created = find(db, space, "Prazan lokal u centru")
    assert response.headers["Location"].endswith(f"/rasina/resources/{created.id}")
    assert created.district_iso == "RS-19"
    assert created.created_by_id == User.by_email("member@example.org").id
    detail = Client(client.app).get(f"/rasina/resources/{created.id}", headers=EN)
    html = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert "Grad Kruševac" in html and "Povlašćena zakupnina" in html
    location = one(html, "#resource-location")
    assert (location["data-latitude"], location["data-longitude"]) == ("43.58", "21.334")
    assert text_of(location) == "43.58000, 21.33400"
    assert audit_actions(db, created.id) == ["resource.created"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("kind", "castle", "Choose one of the offered options."),
        ("municipality", "Novi Sad", "Choose one of the offered options."),
        ("latitude", "99", "between 41.8 and 46.2"),
        ("latitude", "sever", "Enter a number"),
        # numbers to Python's Decimal, not to a person (and a NaN cannot be compared)
        ("latitude", "NaN", "Enter a number, like 43.58."),
        ("latitude", "nan", "Enter a number, like 43.58."),
        ("latitude", "sNaN", "Enter a number, like 43.58."),
        ("longitude", "inf", "Enter a number, like 43.58."),
        ("longitude", "-Infinity", "Enter a number, like 43.58."),
        ("longitude", "", "Enter both latitude and longitude, or neither."),
        ("valid_until", "sutra", "Enter a date, like 31.12.2026."),
        ("valid_until", "2001-01-01", "This date has passed."),
        ("contact", "x" * 301, "Use at most 300 characters."),
    ],
)
def test_bad_input_is_422_naming_the_field_and_keeps_what_was_typed(
    client, space, field, value, message
):
    client.login("member@example.org")
    response = client.post("/rasina/resources/new", form_data(**{field: value}), headers=EN)
    assert response.status_code == 422
    assert message in field_error(response, field)
    one(response, f'.error-summary a[href="#{field}"]')  # the summary links to the field
    if field != "title":
        assert one(response, 'input[name="title"]')["value"] == "Prazan lokal u centru"


def test_a_date_typed_the_serbian_way_is_understood(client, space, db):
    client.login("member@example.org")
    later = rs.today() + timedelta(days=30)
    data = form_data(valid_until=later.strftime("%d.%m.%Y."))
    assert client.post("/rasina/resources/new", data).status_code == 303
    assert find(db, space, "Prazan lokal u centru").valid_until == later


def test_exactly_one_owner_is_required(client, space, db):
    client.login("member@example.org")
    fund = org_id(db, space, "Fondacija Rasinski fond")
    hidden = org_id(db, space, "Skrivena fondacija")

    neither = client.post("/rasina/resources/new", form_data(owner_name=""), headers=EN)
    assert neither.status_code == 422
    assert "Choose the owner from the directory, or type the name of the owner." in (
        neither.get_data(as_text=True)
    )
    both = client.post(
        "/rasina/resources/new", form_data(owner_organization_id=str(fund)), headers=EN
    )
    assert both.status_code == 422
    assert "A resource has one owner" in both.get_data(as_text=True)
    pending = client.post(
        "/rasina/resources/new",
        form_data(owner_organization_id=str(hidden), owner_name=""),
        headers=EN,
    )
    assert pending.status_code == 422
    assert find(db, space, "Prazan lokal u centru") is None

    ok = client.post(
        "/rasina/resources/new", form_data(owner_organization_id=str(fund), owner_name="")
    )
    assert ok.status_code == 303
    saved = find(db, space, "Prazan lokal u centru")
    assert (saved.owner_organization_id, saved.owner_name) == (fund, "")
    html = client.get(f"/rasina/resources/{saved.id}").get_data(as_text=True)
    assert f'/rasina/directory/{fund}-fondacija-rasinski-fond"' in html


def test_the_service_refuses_two_owners_too(app, space, db):
    fund = org_id(db, space, "Fondacija Rasinski fond")
    with tenant_context(space.id), pytest.raises(rs.ResourceError) as refused:
        rs.create_resource(
            {"title": "Dva vlasnika", "kind": "land", "municipality": "Brus",
             "owner_organization_id": fund, "owner_name": "Opština Brus"},
            None,
        )  # fmt: skip
    assert refused.value.field == "owner_organization_id"


def test_expired_resources_are_hidden_by_default_and_marked(client, space, db):
    listing = client.get("/rasina/resources/", headers=EN).get_data(as_text=True)
    assert "Sala za obuke" in listing and "Stari konkurs za opremu" not in listing
    assert "2 resources" in listing and "Show expired resources" in listing
    shown = client.get("/rasina/resources/?expired=1", headers=EN).get_data(as_text=True)
    assert "Stari konkurs za opremu" in shown and "3 resources" in shown
    assert "Expired" in shown
    expired = find(db, space, "Stari konkurs za opremu")
    detail = client.get(f"/rasina/resources/{expired.id}", headers=EN).get_data(as_text=True)
    assert "Expired" in detail and "This offer was valid until" in detail


def test_a_resource_valid_until_today_is_not_expired(client, space, db):
    with tenant_context(space.id):
        resource("Poziv koji ističe danas", valid_until=rs.today())
        db.session.commit()
    listing = client.get("/rasina/resources/").get_data(as_text=True)
    assert "Poziv koji ističe danas" in listing


@pytest.mark.parametrize("q", ["Крушевац", "Kruševac", "krusevca", "KRUSEVAC"])
def test_search_matches_across_scripts(client, space, q):
    html = client.get("/rasina/resources/", query_string={"q": q}).get_data(as_text=True)
    assert "Sala za obuke" in html and "Hladnjača za voće" not in html


def test_search_finds_a_resource_by_its_owner_organization(client, space):
    html = client.get("/rasina/resources/", query_string={"q": "rasinski fond"}).get_data(
        as_text=True
    )
    assert "Hladnjača za voće" in html and "Sala za obuke" not in html


def test_filters_combine_with_counts(client, space):
    html = client.get("/rasina/resources/?municipality=Brus", headers=EN).get_data(as_text=True)
    assert "Hladnjača za voće" in html and "Sala za obuke" not in html
    assert "1 resource" in html
    # The municipality facet still counts the other places under the other filters.
    assert "Kruševac" in facet_counts(html, "municipality")
    by_kind = client.get("/rasina/resources/?kind=premises&availability=available").get_data(
        as_text=True
    )
    assert "Sala za obuke" in by_kind and "Hladnjača" not in by_kind
    none = client.get("/rasina/resources/?kind=land", headers=EN).get_data(as_text=True)
    assert "No resource matches these filters." in none


def test_htmx_request_returns_only_the_results(client, space):
    response = client.get("/rasina/resources/?q=sala", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    fragment = parse(html)
    assert fragment.find("html") is None and fragment.find("form") is None
    assert "Sala za obuke" in html and fragment.select(".facets details.facet")
    assert "HX-Request" in response.headers["Vary"]


def test_bad_query_args_do_not_break(client, space):
    response = client.get("/rasina/resources/?page=abc&sort=evil&q=%25_%5C&expired=yes")
    assert response.status_code == 200


def test_only_the_creator_and_admins_edit_and_delete(client, space, db):
    client.login("member@example.org")
    assert client.post("/rasina/resources/new", form_data()).status_code == 303
    created = find(db, space, "Prazan lokal u centru")

    other = Client(client.app)
    other.login("other@example.org")
    assert other.get(f"/rasina/resources/{created.id}/edit").status_code == 403
    assert other.post(f"/rasina/resources/{created.id}/edit", form_data()).status_code == 403
    assert other.post(f"/rasina/resources/{created.id}/delete").status_code == 403
    edit_link = f'a[href="/rasina/resources/{created.id}/edit"]'
    seen_by_other = other.get(f"/rasina/resources/{created.id}", headers=EN)
    assert seen_by_other.status_code == 200 and not parse(seen_by_other).select(edit_link)
    assert parse(client.get(f"/rasina/resources/{created.id}")).select(edit_link)  # the creator's

    edit = client.get(f"/rasina/resources/{created.id}/edit")
    assert edit.status_code == 200
    assert one(edit, 'input[name="title"]')["value"] == "Prazan lokal u centru"
    changed = form_data(title="Lokal u centru, 60 m²", availability="limited")
    assert client.post(f"/rasina/resources/{created.id}/edit", changed).status_code == 303
    assert find(db, space, "Lokal u centru, 60 m²").availability == "limited"

    admin = Client(client.app)
    admin.login("owner@example.org")
    assert admin.get(f"/rasina/resources/{created.id}/edit").status_code == 200
    assert client.post(f"/rasina/resources/{created.id}/delete").status_code == 303
    assert client.get(f"/rasina/resources/{created.id}").status_code == 404
    assert audit_actions(db, created.id) == [
        "resource.created",
        "resource.updated",
        "resource.deleted",
    ]


def test_editing_keeps_a_past_date_that_was_already_there(client, space, db):
    expired = find(db, space, "Stari konkurs za opremu")
    admin = Client(client.app)
    admin.login("owner@example.org")
    data = form_data(
        title="Stari konkurs za opremu",
        kind="funding",
        valid_until=expired.valid_until.isoformat(),
        latitude="",
        longitude="",
    )
    assert admin.post(f"/rasina/resources/{expired.id}/edit", data).status_code == 303


def test_visitors_are_sent_to_log_in_to_add(client, space):
    response = client.get("/rasina/resources/new")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/rasina/resources/").status_code == 200


def test_resources_of_another_space_stay_there(client, space, db, make_tenant):
    other = make_tenant("beta", modules=["directory", "resources"])
    with tenant_context(other.id):
        secret = resource("Tajna sala bete", owner_name="Opština Beta").id
        db.session.commit()
    html = client.get("/rasina/resources/?expired=1").get_data(as_text=True)
    assert "Tajna sala bete" not in html
    assert client.get(f"/rasina/resources/{secret}").status_code == 404
    assert "Tajna sala bete" in client.get("/beta/resources/").get_data(as_text=True)


def test_navigation_links_follow_the_module(client, space, make_tenant):
    links = nav_links(client.get("/rasina/resources/", headers=EN))
    assert links["Resources"] == "/rasina/resources/"
    assert links["Good practices"] == "/rasina/practices/"
    make_tenant("bez", modules=["directory"])
    links = nav_links(client.get("/bez/directory/", headers=EN))
    assert "Directory" in links and "Resources" not in links and "Good practices" not in links
    assert client.get("/bez/resources/").status_code == 404
    assert client.get("/bez/practices/").status_code == 404
    assert client.get("/bez/resources/map").status_code == 404


def test_user_content_is_shown_in_the_readers_script(client, space, db):
    sala = find(db, space, "Sala za obuke")
    cyrillic = {"Accept-Language": "sr-Cyrl-RS"}
    html = client.get(f"/rasina/resources/{sala.id}", headers=cyrillic).get_data(as_text=True)
    assert "Сала за обуке" in html and "Крушевац" in html
