"""Proposed changes of an existing entry (a survey respondent's, through core/representation.py
the way research asks): only the fields that differ are kept, nothing waits when none differ,
a new organization still becomes a pending entry; the office's queue shows the proposal field
by field and accepts all of it, the ticked fields, or rejects it; accepting goes through the
entry's update, so its history records the change with the survey as its source."""

from __future__ import annotations

import pytest
from flask import g

from solidarna.accounts.models import User
from solidarna.core import representation
from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import (
    Organization,
    OrganizationRevision,
    OrganizationSuggestion,
)
from solidarna.directory.organizations.services import create_organization
from solidarna.extensions import db as _db
from solidarna.tenants.models import Tenant
from tests.conftest import Client, parse, text_of

EN = {"Accept-Language": "en"}
SOURCE = "Survey: Anketa o zadrugama · #7"


@pytest.fixture
def space(make_space, entry, make_user):
    with make_space("owner", "member") as tenant:
        org = entry(
            "Zadruga Rasinski med",
            se_status="no",
            contact_email="stari@example.org",
            mission="Med.",
        )
        _db.session.flush()
        tenant.org_id = org.id
    return tenant


def suggest(app, tenant, organization_id, fields, user=None) -> bool:
    """As research/answering.py asks: representation.suggest_entry(id, fields, source, user)."""
    with app.test_request_context(), tenant_context(tenant.id):
        g.tenant = _db.session.get(Tenant, tenant.id)
        if isinstance(user, int):
            user = _db.session.get(User, user)
        done = representation.suggest_entry(organization_id, fields, SOURCE, user)
        _db.session.commit()
        return done


def all_of(app, tenant, model, **where):
    with app.app_context(), tenant_context(tenant.id):
        query = _db.select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        rows = list(_db.session.scalars(query))
        _db.session.expunge_all()
        return rows


def member_id(app, email):
    with app.app_context():
        return _db.session.scalar(_db.select(User.id).where(User.email == email))


def proposal(app, space):
    """A proposal of four fields, three of them with values that differ from the entry."""
    assert suggest(
        app,
        space,
        space.org_id,
        {
            "name": "Zadruga Rasinski med",  # the same
            "municipality": "Kruševac",  # the same
            "legal_form": "cooperative",  # the same
            "actor_type": "cooperative",  # the same
            "se_status": "registered",
            "contact_email": "novi@example.org",
            "founding_year": "2015",
            "website": "",  # empty: not a proposal
            "description": "not a field a survey proposes",
        },
    )
    [found] = all_of(app, space, OrganizationSuggestion, status="pending")
    return found


def owner(app) -> Client:
    client = Client(app)
    client.login("owner@example.org")
    return client


def test_existing_entry_gets_a_proposal_of_the_differing_fields_only(app, space):
    found = proposal(app, space)
    assert found.organization_id == space.org_id
    assert found.fields == {
        "se_status": "registered",
        "contact_email": "novi@example.org",
        "founding_year": 2015,
    }
    assert (found.source, found.source_detail) == ("survey", SOURCE)
    # never a second entry
    assert len(all_of(app, space, Organization)) == 1
    [audit] = all_of(app, space, AuditEntry, action="organization.change_suggested")
    assert audit.details["fields"] == ["contact_email", "founding_year", "se_status"]


def test_nothing_differs_nothing_waits(app, space):
    same = {"name": "Zadruga Rasinski med", "municipality": "Kruševac", "se_status": "no"}
    assert suggest(app, space, space.org_id, same) is True
    assert all_of(app, space, OrganizationSuggestion) == []
    assert len(all_of(app, space, Organization)) == 1


def test_unknown_entry_is_refused_and_new_organization_is_a_pending_entry(app, space):
    assert suggest(app, space, 999_999, {"name": "X"}) is False
    fields = {"name": "Nova zadruga", "municipality": "Brus", "actor_type": "cooperative",
              "legal_form": "cooperative"}  # fmt: skip
    assert suggest(app, space, None, fields) is True
    [new] = all_of(app, space, Organization, moderation="pending")
    assert (new.name, new.source, new.source_detail) == ("Nova zadruga", "self_reported", SOURCE)
    assert all_of(app, space, OrganizationSuggestion) == []


def test_queue_shows_the_proposal_and_accept_all_applies_it_with_history(app, space):
    uid = member_id(app, "member@example.org")
    fields = {"se_status": "registered", "contact_email": "novi@example.org"}
    assert suggest(app, space, space.org_id, fields, uid)
    [found] = all_of(app, space, OrganizationSuggestion)
    client = owner(app)
    html = client.get("/rasina/directory/moderation", headers=EN).get_data(as_text=True)
    card = parse(html).select_one(f"#suggestion-{found.id}")
    assert card is not None
    text = text_of(card)
    assert "Zadruga Rasinski med" in text and "Anketa o zadrugama" in text
    assert "Članica" in text  # who proposed it
    # coded fields read as labels: current -> proposed
    rows = {
        text_of(tr.th): [text_of(td) for td in tr.select("td")[1:]]
        for tr in card.select("tbody tr")
    }
    assert ["No status", "Registered at APR"] in rows.values()
    assert ["stari@example.org", "novi@example.org"] in rows.values()
    assert {box["value"] for box in card.select("input[type=checkbox]")} == {
        "se_status",
        "contact_email",
    }
    # the profile tells the office
    profile = client.get(f"/rasina/directory/{space.org_id}", headers=EN, follow_redirects=True)
    assert "1 proposed change waits" in profile.get_data(as_text=True)
    response = client.post(f"/rasina/directory/suggestions/{found.id}", {"action": "accept_all"})
    assert response.status_code == 303
    [org] = all_of(app, space, Organization)
    assert (org.se_status, org.contact_email) == ("registered", "novi@example.org")
    [decided] = all_of(app, space, OrganizationSuggestion)
    assert decided.status == "accepted" and decided.decided_at is not None
    [rev] = all_of(app, space, OrganizationRevision, action="updated")
    assert rev.changes["se_status"] == ["no", "registered"]
    assert "Anketa o zadrugama" in rev.note
    history = client.get(f"/rasina/directory/{space.org_id}/history", headers=EN)
    assert "Anketa o zadrugama" in history.get_data(as_text=True)
    assert all_of(app, space, AuditEntry, action="organization.suggestion_accepted")
    [updated] = all_of(app, space, AuditEntry, action="organization.updated")
    assert updated.details["source"] == "survey"
    # nothing waits any more
    profile = client.get(f"/rasina/directory/{space.org_id}", headers=EN, follow_redirects=True)
    assert "proposed change" not in profile.get_data(as_text=True)


def test_accept_the_ticked_fields_only(app, space):
    found = proposal(app, space)
    client = owner(app)
    response = client.post(
        f"/rasina/directory/suggestions/{found.id}",
        {"action": "accept", "field": ["contact_email", "founding_year"]},
    )
    assert response.status_code == 303
    [org] = all_of(app, space, Organization)
    assert (org.contact_email, org.founding_year, org.se_status) == ("novi@example.org", 2015, "no")
    [decided] = all_of(app, space, OrganizationSuggestion)
    assert decided.status == "accepted"
    [audit] = all_of(app, space, AuditEntry, action="organization.suggestion_accepted")
    assert audit.details["fields"] == ["contact_email", "founding_year"]


def test_reject_with_a_note_and_decided_once(app, space):
    found = proposal(app, space)
    client = owner(app)
    url = f"/rasina/directory/suggestions/{found.id}"
    response = client.post(url, {"action": "reject", "note": "Nije tačno."})
    assert response.status_code == 303
    [decided] = all_of(app, space, OrganizationSuggestion)
    assert (decided.status, decided.note) == ("rejected", "Nije tačno.")
    [org] = all_of(app, space, Organization)
    assert (org.se_status, org.contact_email) == ("no", "stari@example.org")
    assert all_of(app, space, AuditEntry, action="organization.suggestion_rejected")
    # a second decision changes nothing
    assert client.post(url, {"action": "accept_all"}).status_code == 303
    [still] = all_of(app, space, OrganizationSuggestion)
    assert still.status == "rejected"
    assert all_of(app, space, OrganizationRevision, action="updated") == []


@pytest.mark.parametrize(
    "form",
    [
        {"action": "accept"},  # nothing ticked
        {"action": "accept", "field": ["description"]},  # not proposed
        {"action": "approve"},
        {},
        {"action": "reject", "note": "x" * 2001},
    ],
)
def test_bad_input_is_a_localized_422(app, space, form):
    found = proposal(app, space)
    client = owner(app)
    response = client.post(f"/rasina/directory/suggestions/{found.id}", form, headers=EN)
    assert response.status_code == 422
    assert "Bad request" in response.get_data(as_text=True)
    [still] = all_of(app, space, OrganizationSuggestion)
    assert still.status == "pending"


def test_members_get_403_and_another_space_404(app, space, make_tenant):
    found = proposal(app, space)
    other = make_tenant("druga", region="RS-19", municipalities=["Brus"])
    with app.test_request_context(), tenant_context(other.id):
        org = create_organization(
            {"name": "Tuđa zadruga", "legal_form": "cooperative", "actor_type": "cooperative",
             "municipality": "Brus"},
            {}, None, source="office", moderation="verified",
        )  # fmt: skip
        _db.session.flush()
        theirs = OrganizationSuggestion(organization_id=org.id, fields={"mission": "tuđe"},
                                        source="survey")  # fmt: skip
        _db.session.add(theirs)
        _db.session.commit()
        theirs_id = theirs.id
    member = Client(app)
    member.login("member@example.org")
    url = f"/rasina/directory/suggestions/{found.id}"
    assert member.post(url, {"action": "accept_all"}).status_code == 403
    profile = member.get(f"/rasina/directory/{space.org_id}", headers=EN, follow_redirects=True)
    assert "proposed change" not in profile.get_data(as_text=True)
    client = owner(app)
    other_url = f"/rasina/directory/suggestions/{theirs_id}"
    assert client.post(other_url, {"action": "accept_all"}).status_code == 404
    html = client.get("/rasina/directory/moderation", headers=EN).get_data(as_text=True)
    assert "tuđe" not in html and "Tuđa zadruga" not in html
    [pending] = all_of(app, space, OrganizationSuggestion, status="pending")
    assert pending.id == found.id
