"""Relationships between organizations: added and removed from a profile by those who may
edit it; duplicates, self-links and hidden organizations are refused with a clear message."""

import pytest

from solidarna.accounts.models import User
from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import Organization
from solidarna.directory.relationships.models import Relationship
from tests.conftest import EN, Client, one


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "rep", "member", municipalities=["Kruševac"]) as tenant:
        med = entry("Zadruga Rasinski med")
        entry("Mreža socijalnih preduzeća Rasine")
        entry("Fondacija Rasinski fond")
        entry("Zadruga na čekanju", moderation="pending")
        services.add_representative(med, User.by_email("rep@example.org"), status="active")
    return tenant


@pytest.fixture
def orgs(db, space) -> dict[str, int]:
    with tenant_context(space.id):
        return {o.name: o.id for o in db.session.scalars(db.select(Organization))}


def ties(db, space) -> list[tuple[int, int, str, str]]:
    db.session.rollback()
    with tenant_context(space.id):
        return [
            (r.source_id, r.target_id, r.kind, r.note)
            for r in db.session.scalars(db.select(Relationship).order_by(Relationship.id))
        ]


def add(client, source, target, kind="member_of", note=""):
    return client.post(
        f"/rasina/directory/{source}/relationships",
        {"rel_target": str(target), "rel_kind": kind, "rel_note": note},
        headers=EN,
    )


def test_a_representative_adds_a_relationship_shown_on_both_profiles(client, space, db, orgs):
    med, network = orgs["Zadruga Rasinski med"], orgs["Mreža socijalnih preduzeća Rasine"]
    client.login("rep@example.org")
    profile = client.get(f"/rasina/directory/{med}", headers=EN).get_data(as_text=True)
    assert "Manage relationships" in profile
    assert "Zadruga na čekanju" not in profile  # pending entries are not offered
    response = add(client, med, network, note="Članica od 2024.")
    assert response.status_code == 303
    assert ties(db, space) == [(med, network, "member_of", "Članica od 2024.")]
    visitor = Client(client.app)
    html = visitor.get(f"/rasina/directory/{med}", follow_redirects=True, headers=EN)
    html = html.get_data(as_text=True)
    assert "Member of" in html and "Mreža socijalnih preduzeća Rasine" in html
    assert "Manage relationships" not in html
    other_side = visitor.get(f"/rasina/directory/{network}", headers=EN).get_data(as_text=True)
    assert "Zadruga Rasinski med" in other_side
    assert db.session.scalar(
        db.select(AuditEntry.id).where(AuditEntry.action == "relationship.created")
    )


def test_duplicates_and_self_links_are_refused_with_a_message(client, space, db, orgs):
    med, network = orgs["Zadruga Rasinski med"], orgs["Mreža socijalnih preduzeća Rasine"]
    client.login("rep@example.org")
    assert add(client, med, network, "partner").status_code == 303

    again = add(client, med, network, "partner", note="Opet")
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert "This relationship is already recorded." in html
    assert one(html, 'input[name="rel_note"]')["value"] == "Opet"  # what was typed is kept
    assert again.headers["HX-Push-Url"].startswith(f"/rasina/directory/{med}-")

    admin = Client(client.app)
    admin.login("owner@example.org")
    # A partnership goes both ways: the reverse is the same tie.
    reverse = add(admin, network, med, "partner")
    assert reverse.status_code == 409
    assert "This relationship is already recorded." in reverse.get_data(as_text=True)

    itself = add(client, med, med, "partner")
    assert itself.status_code == 422
    assert "An organization cannot have a relationship with itself." in itself.get_data(
        as_text=True
    )
    assert len(ties(db, space)) == 1


@pytest.mark.parametrize(
    ("target", "kind", "message"),
    [
        ("", "partner", "This field is required."),
        ("Zadruga na čekanju", "partner", "Choose an organization from the list."),
        ("999999", "partner", "Choose an organization from the list."),
        ("Fondacija Rasinski fond", "enemy", "Choose one of the offered options."),
    ],
)
def test_bad_input_is_422_on_the_profile(client, space, db, orgs, target, kind, message):
    med = orgs["Zadruga Rasinski med"]
    client.login("rep@example.org")
    response = add(client, med, orgs.get(target, target), kind)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Zadruga Rasinski med" in html  # the profile, with the error
    assert ties(db, space) == []


def test_only_those_who_edit_the_organization_add_or_remove(client, space, db, orgs):
    med, fund = orgs["Zadruga Rasinski med"], orgs["Fondacija Rasinski fond"]
    member = Client(client.app)
    member.login("member@example.org")
    assert add(member, med, fund, "funder").status_code == 403
    assert add(client, med, fund, "funder").status_code == 302  # visitors log in first
    profile = member.get(f"/rasina/directory/{med}", headers=EN)
    assert profile.status_code == 200 and "Zadruga Rasinski med" in profile.get_data(as_text=True)
    assert "Manage relationships" not in profile.get_data(as_text=True)

    admin = Client(client.app)
    admin.login("owner@example.org")
    assert add(admin, fund, med, "funder").status_code == 303
    (rel_id,) = [r.id for r in _relationships(db, space)]
    assert member.post(f"/rasina/directory/{med}/relationships/{rel_id}/delete").status_code == 403
    # Through an organization that is not part of the tie, it does not exist.
    network = orgs["Mreža socijalnih preduzeća Rasine"]
    assert admin.post(f"/rasina/directory/{network}/relationships/{rel_id}/delete").status_code == (
        404
    )
    # The representative of the target may remove a tie it does not recognise.
    client.login("rep@example.org")
    assert client.post(f"/rasina/directory/{med}/relationships/{rel_id}/delete").status_code == 303
    assert ties(db, space) == []
    assert db.session.scalar(
        db.select(AuditEntry.id).where(
            AuditEntry.action == "relationship.deleted", AuditEntry.target_id == rel_id
        )
    )


def _relationships(db, space):
    db.session.rollback()
    with tenant_context(space.id):
        return db.session.scalars(db.select(Relationship)).all()


def test_relationships_with_hidden_organizations_are_not_shown(client, space, db, orgs):
    med, hidden = orgs["Zadruga Rasinski med"], orgs["Zadruga na čekanju"]
    admin = Client(client.app)
    admin.login("owner@example.org")
    # Admins see every entry, but only verified ones are offered as the other side.
    assert add(admin, med, hidden).status_code == 422
    with tenant_context(space.id):
        db.session.add(Relationship(source_id=med, target_id=hidden, kind="partner"))
        db.session.commit()
    profile = client.get(f"/rasina/directory/{med}")
    html = profile.get_data(as_text=True)
    assert profile.status_code == 200 and "Zadruga Rasinski med" in html  # the page is there
    assert "Zadruga na čekanju" not in html


def test_relationships_of_another_space_stay_there(client, space, db, orgs, make_tenant, entry):
    other = make_tenant("beta")
    with tenant_context(other.id):
        a, b = entry("Tajna zadruga bete"), entry("Tajni partner bete")
        db.session.add(Relationship(source_id=a.id, target_id=b.id, kind="partner"))
        db.session.commit()
        rel_id, a_id = db.session.scalar(db.select(Relationship.id)), a.id
    admin = Client(client.app)
    admin.login("owner@example.org")
    med = orgs["Zadruga Rasinski med"]
    assert admin.post(f"/rasina/directory/{med}/relationships/{rel_id}/delete").status_code == 404
    assert add(admin, med, a_id).status_code == 422
    assert "Tajni partner bete" not in admin.get(f"/rasina/directory/{med}").get_data(as_text=True)
