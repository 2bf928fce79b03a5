"""Asking the office for help, and who may read a request (privacy: the requester and the
space's advisors only; another member gets 404, a visitor is sent to log in)."""

from __future__ import annotations

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from tests.conftest import field_error, parse, text_of
from tests.support.conftest import REQUEST


def test_a_member_asks_for_help_and_the_advisors_are_told(space, outbox):
    client = space.client(space.requester)
    form = client.get("/alfa/support/new")
    assert form.status_code == 200
    page = parse(form)
    # the kit's default categories, and no "on behalf" choice for a person who represents none
    options = [o["value"] for o in page.select("#category option")]
    assert options[:3] == ["", "starting", "legal_form"] and "training" in options
    assert not page.select("#on_behalf")
    case_id = space.ask(client)
    case = space.case(case_id)
    assert (case.status, case.category, case.municipality, case.requester_id) == (
        "new",
        "legal_form",
        "Kruševac",
        space.requester.id,
    )
    assert len(case.month) == 7 and case.priority == "normal"
    mailed = {m.to_address for m in outbox()}
    assert mailed == {"owner@example.org", "admin@example.org"}
    assert "Olga" not in client.get(f"/alfa/support/{case_id}/").get_data(as_text=True)
    mine = parse(client.get("/alfa/support/"))
    assert [text_of(a) for a in mine.select("table a")] == [f"#{case_id}"]
    with tenant_context(space.tenant.id):
        entry = db.session.scalar(db.select(AuditEntry).where(
            AuditEntry.action == "support.requested"))  # fmt: skip
    assert entry.target_id == case_id and REQUEST["description"] not in str(entry.details)


def test_a_representative_asks_for_their_organization(space):
    client = space.client(space.rep)
    page = parse(client.get("/alfa/support/new"))
    values = [o["value"] for o in page.select("#on_behalf option")]
    assert values == ["", str(space.org)]
    case = space.case(space.ask(client, on_behalf=str(space.org)))
    assert (case.organization_id, case.organization_name) == (space.org, "Zadruga Rasinski med")
    # an organization one does not represent is not offered
    other = space.client(space.requester)
    response = other.post("/alfa/support/new", {**REQUEST, "on_behalf": str(space.org)})
    assert response.status_code == 303
    assert (
        space.case(int(response.headers["Location"].rstrip("/").split("/")[-1])).organization_id
        is None
    )


def test_bad_input_is_refused_with_the_typed_text_kept(space):
    client = space.client(space.requester)
    typed = "Kratko."
    response = client.post("/alfa/support/new", {**REQUEST, "description": typed,
                                                 "category": "astrology",
                                                 "municipality": "Beograd-Mars",
                                                 "contact_method": "phone", "phone": ""})  # fmt: skip
    assert response.status_code == 422
    page = parse(response)
    assert "20 to 5000" in field_error(page, "description")
    assert page.select_one("#description").get_text().strip() == typed
    assert field_error(page, "category") == "Choose one of the offered options."
    assert "Unknown municipality" in field_error(page, "municipality")
    assert "phone number" in field_error(page, "phone")
    # outside the space's area
    response = client.post("/alfa/support/new", {**REQUEST, "municipality": "Niš"})
    assert response.status_code == 422
    assert "outside the area" in field_error(parse(response), "municipality")


def test_only_the_requester_and_the_advisors_see_a_request(space):
    case_id = space.ask(space.client(space.requester))
    url = f"/alfa/support/{case_id}/"
    assert space.client(space.requester).get(url).status_code == 200
    assert space.client(space.advisor).get(url).status_code == 200
    other = space.client(space.other)
    assert other.get(url).status_code == 404
    assert other.post(f"{url}messages", {"body": "Upad."}).status_code == 404
    assert other.post(f"{url}erase", {"confirm": "y"}).status_code == 404
    assert REQUEST["description"] not in other.get("/alfa/support/").get_data(as_text=True)
    visitor = space.client()
    response = visitor.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert space.client(space.other).get("/alfa/support/999999/").status_code == 404


def test_the_office_pages_are_for_advisors(space):
    member = space.client(space.other)
    for path in (
        "/alfa/support/office/",
        "/alfa/support/office/statistics",
        "/alfa/support/office/barriers",
    ):
        assert member.get(path).status_code == 403
        assert space.client(space.advisor).get(path).status_code == 200
