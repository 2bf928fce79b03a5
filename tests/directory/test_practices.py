"""Good practices: sharing one linked to organizations, showing only the organizations a
reader may see, validation, search across scripts, who may edit and delete."""

import pytest

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.directory.practices import services as rs
from solidarna.directory.practices.models import Practice, PracticeOrganization
from tests.conftest import EN, Client, field_error, one, parse


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "member", "other", modules=["directory", "resources"]) as tenant:
        med = entry("Zadruga Rasinski med")
        entry("Kafe Zajedno")
        hidden = entry("Zadruga na čekanju", municipality="Brus", moderation="pending")
        rs.create_practice(
            {"title": "Zajednička prodaja meda", "municipality": "Kruševac", "year": 2024,
             "summary": "Pčelari prodaju zajedno.", "themes": ["sustainable_development"]},
            {med.id, hidden.id}, {med.id, hidden.id}, None,
        )  # fmt: skip
        rs.create_practice(
            {"title": "Bašte u Brusu", "municipality": "Brus", "summary": "Zajedničke bašte."},
            set(), set(), None,
        )  # fmt: skip
    return tenant


def ids(db, space, *names) -> list[int]:
    with tenant_context(space.id):
        return [
            db.session.scalar(db.select(Organization.id).where(Organization.name == n))
            for n in names
        ]


def practice_id(db, space, title) -> int | None:
    db.session.rollback()
    with tenant_context(space.id):
        return db.session.scalar(db.select(Practice.id).where(Practice.title == title))


def linked(db, space, pid) -> set[int]:
    db.session.rollback()
    with tenant_context(space.id):
        return set(
            db.session.scalars(
                db.select(PracticeOrganization.organization_id).where(
                    PracticeOrganization.practice_id == pid
                )
            )
        )


def form_data(**changes):
    data = {
        "title": "Vrtići kupuju lokalno",
        "summary": "Vrtići nabavljaju povrće od socijalne kooperative.",
        "description": "Ugovor na godinu dana.",
        "municipality": "Trstenik",
        "year": "2025",
        "themes": ["work_integration"],
        "organizations": [],
    }
    data.update(changes)
    return data


def test_member_shares_a_practice_linked_to_organizations(client, space, db):
    med, kafe, hidden = ids(db, space, "Zadruga Rasinski med", "Kafe Zajedno", "Zadruga na čekanju")
    client.login("member@example.org")
    page = client.get("/rasina/practices/new", headers=EN).get_data(as_text=True)
    assert "Kafe Zajedno" in page and "Zadruga na čekanju" not in page
    response = client.post("/rasina/practices/new", form_data(organizations=[str(med), str(kafe)]))
    assert response.status_code == 303
    pid = practice_id(db, space, "Vrtići kupuju lokalno")
    assert response.headers["Location"].endswith(f"/rasina/practices/{pid}")
    assert linked(db, space, pid) == {med, kafe}
    html = Client(client.app).get(f"/rasina/practices/{pid}", headers=EN).get_data(as_text=True)
    assert "Zadruga Rasinski med" in html and "Kafe Zajedno" in html
    assert "Work integration of vulnerable groups" in html
    listing = client.get("/rasina/practices/", headers=EN).get_data(as_text=True)
    assert "Vrtići kupuju lokalno" in listing and "3 good practices" in listing
    assert db.session.scalar(
        db.select(AuditEntry.id).where(
            AuditEntry.action == "practice.created", AuditEntry.target_id == pid
        )
    )


def test_detail_shows_only_organizations_the_reader_may_see(client, space, db):
    pid = practice_id(db, space, "Zajednička prodaja meda")
    visitor = client.get(f"/rasina/practices/{pid}").get_data(as_text=True)
    assert "Zadruga Rasinski med" in visitor and "Zadruga na čekanju" not in visitor
    listing = client.get("/rasina/practices/").get_data(as_text=True)
    assert "Zadruga Rasinski med" in listing and "Zadruga na čekanju" not in listing
    admin = Client(client.app)
    admin.login("owner@example.org")
    assert "Zadruga na čekanju" in admin.get(f"/rasina/practices/{pid}").get_data(as_text=True)


def test_editing_keeps_links_the_editor_cannot_see(client, space, db):
    med, kafe, hidden = ids(db, space, "Zadruga Rasinski med", "Kafe Zajedno", "Zadruga na čekanju")
    client.login("member@example.org")
    created = client.post("/rasina/practices/new", form_data(organizations=[str(med)]))
    assert created.status_code == 303
    pid = practice_id(db, space, "Vrtići kupuju lokalno")
    # An admin links the pending organization too; the member then edits without seeing it.
    with tenant_context(space.id):
        practice = db.session.get(Practice, pid)
        rs.update_practice(
            practice, {"title": practice.title, "summary": practice.summary}, {med, hidden},
            {med, hidden}, None,
        )  # fmt: skip
        db.session.commit()
    edit = client.get(f"/rasina/practices/{pid}/edit").get_data(as_text=True)
    assert "Zadruga na čekanju" not in edit
    ticked = parse(edit).select('input[name="organizations"][checked]')
    assert [box["value"] for box in ticked] == [str(med)]  # the one this member may see
    data = form_data(title="Vrtići kupuju lokalno", organizations=[str(kafe)])
    assert client.post(f"/rasina/practices/{pid}/edit", data).status_code == 303
    assert linked(db, space, pid) == {kafe, hidden}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("summary", "", "This field is required."),
        ("summary", "x" * 501, "Use at most 500 characters."),
        ("year", "1800", "between 1900 and this year"),
        ("year", "lane", "Enter a whole number."),
        ("municipality", "Beograd", "Choose one of the offered options."),
        ("themes", ["castles"], "Choose one of the offered options."),
        ("organizations", ["999999"], "Choose one of the offered options."),
    ],
)
def test_bad_input_is_422_naming_the_field(client, space, field, value, message):
    client.login("member@example.org")
    response = client.post("/rasina/practices/new", form_data(**{field: value}), headers=EN)
    assert response.status_code == 422
    assert message in field_error(response, field)
    one(response, f'.error-summary a[href="#{field}"]')  # the summary links to the field
    if field != "summary":
        assert "Vrtići nabavljaju povrće" in response.get_data(as_text=True)  # nothing is lost


def test_a_pending_organization_cannot_be_linked_by_a_member(client, space, db):
    (hidden,) = ids(db, space, "Zadruga na čekanju")
    client.login("member@example.org")
    response = client.post("/rasina/practices/new", form_data(organizations=[str(hidden)]))
    assert response.status_code == 422
    assert practice_id(db, space, "Vrtići kupuju lokalno") is None


@pytest.mark.parametrize("q", ["Брус", "brus", "BAŠTE", "baste"])
def test_search_across_scripts(client, space, q):
    html = client.get("/rasina/practices/", query_string={"q": q}).get_data(as_text=True)
    assert "Bašte u Brusu" in html and "Zajednička prodaja meda" not in html


def test_municipality_filter_and_htmx_results(client, space):
    html = client.get("/rasina/practices/?municipality=Kruševac").get_data(as_text=True)
    assert "Zajednička prodaja meda" in html and "Bašte u Brusu" not in html
    fragment = client.get(
        "/rasina/practices/?municipality=Brus", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert parse(fragment).find("html") is None and "Bašte u Brusu" in fragment
    assert client.get("/rasina/practices/?page=x&q=%25").status_code == 200


def test_only_the_creator_and_admins_edit_and_delete(client, space, db):
    (med,) = ids(db, space, "Zadruga Rasinski med")
    assert client.get("/rasina/practices/new").status_code == 302  # visitors log in first
    client.login("member@example.org")
    created = client.post("/rasina/practices/new", form_data(organizations=[str(med)]))
    assert created.status_code == 303
    pid = practice_id(db, space, "Vrtići kupuju lokalno")
    other = Client(client.app)
    other.login("other@example.org")
    assert other.get(f"/rasina/practices/{pid}/edit").status_code == 403
    assert other.post(f"/rasina/practices/{pid}/edit", form_data()).status_code == 403
    assert other.post(f"/rasina/practices/{pid}/delete").status_code == 403
    admin = Client(client.app)
    admin.login("owner@example.org")
    assert admin.get(f"/rasina/practices/{pid}/edit").status_code == 200
    assert client.post(f"/rasina/practices/{pid}/delete").status_code == 303
    assert client.get(f"/rasina/practices/{pid}").status_code == 404
    assert linked(db, space, pid) == set()
    assert db.session.scalar(
        db.select(AuditEntry.id).where(
            AuditEntry.action == "practice.deleted", AuditEntry.target_id == pid
        )
    )


def test_practices_of_another_space_stay_there(client, space, db, make_tenant):
    other = make_tenant("beta", modules=["directory", "resources"])
    with tenant_context(other.id):
        secret = rs.create_practice({"title": "Tajna praksa bete"}, set(), set(), None).id
        db.session.commit()
    assert "Tajna praksa bete" not in client.get("/rasina/practices/").get_data(as_text=True)
    assert client.get(f"/rasina/practices/{secret}").status_code == 404
    assert "Tajna praksa bete" in client.get("/beta/practices/").get_data(as_text=True)
