"""The directory list, profiles, adding, editing, moderation and representatives."""

import re

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import (
    Organization,
    OrganizationRevision,
    Representative,
)
from tests.conftest import EN, Client, one, parse, text_of
from tests.directory.conftest import facet_counts

VALID_PIB = "101134702"


@pytest.fixture
def space(make_space, entry):
    with make_space(
        "owner", "member", taxonomies={"expected_actor_types": ["cooperative", "incubator"]}
    ) as tenant:
        entry(
            "Zadruga Rasinski med",
            mission="Med i pčelarstvo u Kruševcu.",
            tags={"kd": ["A"], "group": ["rural_women"]},
            phone="037 123 456",
            field_visibility={"phone": "members", "turnover_band": "admins"},
            turnover_band="1m_5m",
            se_status="registered",
        )
        entry(
            "Ruke Trstenika",
            municipality="Trstenik",
            actor_type="association",
            legal_form="association",
            tags={"kd": ["Q"], "group": ["disability"]},
        )
        entry("Skrivena zadruga na čekanju", municipality="Brus", moderation="pending")
    return tenant


def test_list_shows_only_verified_entries_with_facets(client, space):
    html = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert "Zadruga Rasinski med" in html and "Ruke Trstenika" in html
    assert "Skrivena zadruga" not in html
    assert "2 organizations" in html
    assert facet_counts(html, "municipality") == {"Kruševac": 1, "Trstenik": 1}


@pytest.mark.parametrize("q", ["Крушевац", "Kruševac", "krusevac", "KRUSEVAC", "пчеларство"])
def test_search_matches_across_scripts_and_diacritics(client, space, q):
    html = client.get("/rasina/directory/", query_string={"q": q}).get_data(as_text=True)
    assert "Zadruga Rasinski med" in html and "Ruke Trstenika" not in html


def test_filters_combine_and_keep_the_url(client, space):
    html = client.get("/rasina/directory/?municipality=Trstenik&group=disability").get_data(
        as_text=True
    )
    assert "Ruke Trstenika" in html and "Zadruga Rasinski med" not in html
    nothing = client.get("/rasina/directory/?kd=Q&municipality=Kruševac", headers=EN)
    assert "0 organizations" in nothing.get_data(as_text=True)
    assert parse(nothing).select(".org-card") == [] and parse(html).select(".org-card")


def test_htmx_request_returns_only_the_results(client, space):
    response = client.get("/rasina/directory/?q=med", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    fragment = parse(html)
    assert fragment.find("html") is None and fragment.find("form") is None
    assert "Zadruga Rasinski med" in html and fragment.select(".facets details.facet")


def test_bad_query_args_do_not_break(client, space):
    assert client.get("/rasina/directory/?page=abc&sort=evil&q=%25_%5C").status_code == 200


def test_profile_respects_field_visibility(client, space, db, make_user):
    with tenant_context(space.id):
        org = db.session.scalar(
            db.select(Organization).where(Organization.name == "Zadruga Rasinski med")
        )
    url = f"/rasina/directory/{org.id}"
    anonymous = client.get(url, follow_redirects=True, headers=EN).get_data(as_text=True)
    assert (
        "Med i pčelarstvo" in anonymous
        and "037 123 456" not in anonymous
        and "1–5 million" not in anonymous
    )
    client.login("member@example.org")
    member = client.get(url, headers=EN).get_data(as_text=True)
    assert "037 123 456" in member and "1–5 million" not in member
    owner = Client(client.app)
    owner.login("owner@example.org")
    assert "1–5 million" in owner.get(url, headers=EN).get_data(as_text=True)


def test_profile_url_with_readable_name_and_pending_is_hidden(client, space, db):
    with tenant_context(space.id):
        org = db.session.scalar(
            db.select(Organization).where(Organization.name == "Ruke Trstenika")
        )
        pending = db.session.scalar(
            db.select(Organization).where(Organization.moderation == "pending")
        )
    assert client.get(f"/rasina/directory/{org.id}-ruke-trstenika").status_code == 200
    assert client.get(f"/rasina/directory/{org.id}-wrong").status_code == 301
    assert client.get(f"/rasina/directory/{pending.id}").status_code == 404
    assert client.get("/rasina/directory/999999").status_code == 404


def form_data(**changes):
    data = {
        "name": "Nova zadruga Brus",
        "actor_type": "cooperative",
        "legal_form": "cooperative",
        "se_status": "planned",
        "status": "active",
        "municipality": "Brus",
        "pib": "",
        "mb": "",
        "kd": ["A", "C"],
        "group": ["rural_women"],
        "employees_total": "4",
        "employees_women": "3",
        "mission": "Prerada voća.",
        "turnover_band": "",
        **{
            f"vis_{f}": "public"
            for f in ("contact_email", "phone", "address", "employees", "volunteers")
        },
        "vis_turnover_band": "admins",
    }
    data.update(changes)
    return data


def test_member_adds_admin_verifies_and_visitor_finds(client, space, db, outbox):
    client.login("member@example.org")
    response = client.post("/rasina/directory/new", form_data())
    assert response.status_code == 303
    with tenant_context(space.id):
        org = db.session.scalar(
            db.select(Organization).where(Organization.name == "Nova zadruga Brus")
        )
        assert (org.moderation, org.source, org.tag_values("kd")) == (
            "pending",
            "self_reported",
            ["A", "C"],
        )
        rep = db.session.scalar(
            db.select(Representative).where(Representative.organization_id == org.id)
        )
        assert rep.status == "active"
    # The member (its representative) sees the pending entry and may edit it; visitors do not see it.
    assert client.get(f"/rasina/directory/{org.id}").status_code == 200
    assert Client(client.app).get(f"/rasina/directory/{org.id}").status_code == 404
    admin = Client(client.app)
    admin.login("owner@example.org")
    queue = admin.get("/rasina/directory/moderation").get_data(as_text=True)
    assert "Nova zadruga Brus" in queue
    assert (
        admin.post(
            f"/rasina/directory/{org.id}/moderate", {"action": "verify", "note": "Provereno u APR."}
        ).status_code
        == 303
    )
    visitor = Client(client.app)
    html = visitor.get("/rasina/directory/", query_string={"q": "брус"}).get_data(as_text=True)
    assert "Nova zadruga Brus" in html
    with tenant_context(space.id):
        actions = db.session.scalars(
            db.select(OrganizationRevision.action).where(
                OrganizationRevision.organization_id == org.id
            )
        ).all()
    assert actions == ["created", "verified"]


def test_invalid_pib_is_refused_naming_the_field(client, space, db):
    client.login("member@example.org")
    response = client.post("/rasina/directory/new", form_data(pib="101134703"), headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "PIB (tax number)" in html and "check digit does not match" in html
    assert one(html, 'input[name="name"]')["value"] == "Nova zadruga Brus"  # nothing is lost
    assert (
        client.post("/rasina/directory/new", form_data(pib="12ab"), headers=EN).status_code == 422
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employees_women", "9", "more than the total"),
        ("founding_year", "1700", "between 1800"),
        ("municipality", "Novi Sad", "Novi Sad is outside the area this space covers"),
        ("website", "javascript:alert(1)", "https://"),
        ("latitude", "44.5", "both latitude and longitude"),
        ("latitude", "NaN", "Enter a number, like 43.58."),
        ("founding_year", "1" + "0" * 30, "This number is too large."),
        ("employees_total", "-" + "9" * 30, "This number is too large."),
        ("name", "", "required"),
    ],
)
def test_bad_input_is_422_with_a_message(client, space, field, value, message):
    client.login("member@example.org")
    response = client.post("/rasina/directory/new", form_data(**{field: value}), headers=EN)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_mb_check_digit_only_warns(client, space, db):
    client.login("member@example.org")
    first = client.post("/rasina/directory/new", form_data(mb="17162544"), headers=EN)
    assert first.status_code == 409 and "check digit of this registration number" in first.get_data(
        as_text=True
    )
    second = client.post("/rasina/directory/new", form_data(mb="17162544", confirm_duplicate="1"))
    assert second.status_code == 303


def test_duplicates_warn_and_same_pib_blocks(client, space, db, entry):
    with tenant_context(space.id):
        entry("Zadruga Brusnica", municipality="Brus", pib=VALID_PIB)
        db.session.commit()
    client.login("member@example.org")
    similar = client.post(
        "/rasina/directory/new", form_data(name="Zadruga Brusnica DOO"), headers=EN
    )
    assert similar.status_code == 409 and "Similar entries already exist" in similar.get_data(
        as_text=True
    )
    assert (
        client.post(
            "/rasina/directory/new", form_data(name="Zadruga Brusnica DOO", confirm_duplicate="1")
        ).status_code
        == 303
    )
    same_pib = client.post(
        "/rasina/directory/new",
        form_data(name="Sasvim drugo ime", pib=VALID_PIB, confirm_duplicate="1"),
        headers=EN,
    )
    assert same_pib.status_code == 409 and "already exists" in same_pib.get_data(as_text=True)


def test_edit_records_history_and_only_representatives_edit(client, space, db, make_user):
    with tenant_context(space.id):
        org = db.session.scalar(
            db.select(Organization).where(Organization.name == "Ruke Trstenika")
        )
    client.login("member@example.org")
    assert client.get(f"/rasina/directory/{org.id}/edit").status_code == 403
    assert (
        client.post(
            f"/rasina/directory/{org.id}/claim", {"message": "Ja sam predsednica udruženja."}
        ).status_code
        == 303
    )
    admin = Client(client.app)
    admin.login("owner@example.org")
    with tenant_context(space.id):
        rep = db.session.scalar(
            db.select(Representative).where(Representative.organization_id == org.id)
        )
    assert (
        admin.post(f"/rasina/directory/{org.id}/representatives/{rep.id}/accept").status_code == 303
    )
    page = client.get(f"/rasina/directory/{org.id}/edit")
    assert page.status_code == 200
    data = form_data(
        name="Ruke Trstenika",
        municipality="Trstenik",
        actor_type="association",
        legal_form="association",
        mission="Radna integracija osoba sa invaliditetom.",
        kd=["Q"],
        group=["disability"],
    )
    assert client.post(f"/rasina/directory/{org.id}/edit", data).status_code == 303
    history = client.get(f"/rasina/directory/{org.id}/history", headers=EN).get_data(as_text=True)
    rows = {
        text_of(tr.th): (text_of(tr.select("td")[0]), text_of(tr.select("td")[1]))
        for tr in parse(history).select("ol.history tbody tr")
    }
    # labels and values as a person reads them, not column names and codes
    assert rows["Legal form"] == ("—", "Association (udruženje)")
    assert rows["District"] == ("—", "Rasinski okrug")
    assert rows["Who sees the turnover"] == ("—", "Administrators only")
    assert rows["Mission"][1] == "Radna integracija osoba sa invaliditetom."
    assert not {"legal_form", "association", "RS-19", "{"} & set(history.split())
    assert "Changed" in text_of(one(history, "ol.history"))
    latin = client.get(f"/rasina/directory/{org.id}/history").get_data(as_text=True)
    assert "Pravna forma" in latin and "Udruženje" in latin
    assert client.post(f"/rasina/directory/{org.id}/confirm").status_code == 303


def test_member_cannot_moderate_and_visitor_cannot_add(client, space, db):
    with tenant_context(space.id):
        org = db.session.scalar(db.select(Organization).where(Organization.moderation == "pending"))
    assert client.get("/rasina/directory/new").status_code == 302
    client.login("member@example.org")
    assert (
        client.post(f"/rasina/directory/{org.id}/moderate", {"action": "verify"}).status_code == 403
    )
    assert client.get("/rasina/directory/moderation").status_code == 403


def test_archived_entries_leave_the_list(client, space, db):
    with tenant_context(space.id):
        org = db.session.scalar(
            db.select(Organization).where(Organization.name == "Ruke Trstenika")
        )
    admin = Client(client.app)
    admin.login("owner@example.org")
    assert (
        admin.post(f"/rasina/directory/{org.id}/moderate", {"action": "archive"}).status_code == 303
    )
    listing = client.get("/rasina/directory/").get_data(as_text=True)
    assert "Ruke Trstenika" not in listing and "Zadruga Rasinski med" in listing
    assert "Ruke Trstenika" in admin.get("/rasina/directory/?moderation=archived").get_data(
        as_text=True
    )


def test_one_rule_for_a_very_similar_name():
    """services.similar_names is what the web form's warning and the import's duplicate check
    both ask (tests/directory/test_import.py checks them side by side)."""
    existing = [services.name_key(n) for n in ("Zadruga Rasinski med", "Pčelarska zadruga Brus")]
    names = ("Zadruga Rasinski med DOO", "Rasinski medovi", "Rasinski vez", "d.o.o.", "PČELARSKA")
    pairs = services.similar_names([services.name_key(n) for n in names], existing)
    assert pairs == [(0, 0), (1, 0)]
    assert services.name_key("Zadruga „Rasinski med” d.o.o.") == "rasinski med"


def test_the_entry_form_draws_each_kind_of_field_as_before(client, space):
    client.login("member@example.org")
    html = client.get("/rasina/directory/new", headers=EN).get_data(as_text=True)
    for name, legend in (
        ("kd", "Sectors of activity (KD sections)"),
        ("interest", "Activities of general interest"),
        ("group", "Vulnerable groups served or employed"),
    ):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*type="checkbox"', html), name
        assert f"<legend>{legend}</legend>" in html  # a fieldset of checkboxes
    assert re.search(r'<select[^>]*name="municipality"', html)
    assert '<option value="Brus">Brus</option>' in html and "Novi Sad" not in html
    assert re.search(r'<input[^>]*name="latitude"[^>]*type="number"', html)
