"""Organizations endorse through their verified representatives (core/representation.py, filled
by the directory); members support apart; the public list and its counts."""

from __future__ import annotations

from flask import g
from flask_babel import force_locale

from solidarna.core import audit, representation
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.proposals.models import Endorsement
from tests.conftest import parse
from tests.proposals.conftest import visitor


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def endorse(client, pid, org, kind="support", comment=""):
    return client.post(
        f"/alfa/proposals/{pid}/endorse", {"organization_id": str(org), "kind": kind,
                                           "comment": comment},
    )  # fmt: skip


def test_the_registry_answers_for_representatives_only(space):
    with (
        space.app.test_request_context(),
        force_locale("en"),
        tenant_context(space.tenant.id),
    ):
        g.tenant = space.tenant
        rep1 = db.session.merge(space.rep1)
        member = db.session.merge(space.member)
        assert representation.may_act_for(rep1, space.org1)
        assert not representation.may_act_for(rep1, space.org2)
        assert not representation.may_act_for(member, space.org1)
        assert not representation.may_act_for(None, space.org1)
        assert [c.name for c in representation.organizations_represented_by(rep1)] == [
            "Zadruga Rasinski med"
        ]
        card = representation.describe([space.org2])[space.org2]
        assert (card.municipality, card.actor_type, card.active) == (
            "Trstenik",
            "association",
            True,
        )


def test_the_registry_is_silent_where_the_directory_is_off(space):
    space.tenant.modules = ["proposals", "discussions"]
    db.session.commit()
    with (
        space.app.test_request_context(),
        force_locale("en"),
        tenant_context(space.tenant.id),
    ):
        g.tenant = space.tenant
        assert not representation.may_act_for(db.session.merge(space.rep1), space.org1)


def test_two_representatives_endorse_and_the_list_counts_them(space):
    pid = space.proposal(state="endorsement")
    assert endorse(login(space.app, "rep1@example.org"), pid, space.org1, "cosponsor",
                   "Podržavamo u celosti.").status_code == 303  # fmt: skip
    assert endorse(login(space.app, "rep2@example.org"), pid, space.org2).status_code == 303
    assert space.get(pid).endorsement_count == 2
    public = visitor(space.app).get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    rows = parse(public).select("table.endorsers tbody tr")
    assert [r.select_one("td").get_text(" ", strip=True).split(" Podržavamo")[0] for r in rows] == [
        "Udruženje Ruke", "Zadruga Rasinski med",
    ]  # fmt: skip
    assert "Kruševac: 1" in public and "Trstenik: 1" in public
    # the acting person is shown to admins only
    assert "Rade Zadrugar" not in public
    admin = login(space.app, "owner@example.org").get(f"/alfa/proposals/{pid}")
    assert "Rade Zadrugar" in admin.get_data(as_text=True)
    actions = [e.action for e in audit.entries(tenant_id=space.tenant.id).items]
    assert actions.count("proposal.endorsed") == 2


def test_only_a_representative_endorses_and_only_once(space):
    pid = space.proposal(state="endorsement")
    member = login(space.app, "member@example.org")
    assert endorse(member, pid, space.org1).status_code == 409  # represents nothing
    rep1 = login(space.app, "rep1@example.org")
    assert endorse(rep1, pid, space.org2).status_code == 422  # not one of theirs: not offered
    assert endorse(rep1, pid, space.org1).status_code == 303
    again = endorse(rep1, pid, space.org1)
    assert again.status_code == 409
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(Endorsement.id))) == 1


def test_no_endorsements_before_the_endorsement_phase(space):
    pid = space.proposal(state="consultation")
    assert endorse(login(space.app, "rep1@example.org"), pid, space.org1).status_code == 409


def test_withdraw_until_submission_and_an_archived_endorser_stays_marked(space):
    pid = space.proposal(state="endorsement")
    rep1 = login(space.app, "rep1@example.org")
    endorse(rep1, pid, space.org1)
    endorse(login(space.app, "rep2@example.org"), pid, space.org2)
    with tenant_context(space.tenant.id):
        first, second = db.session.scalars(db.select(Endorsement.id).order_by(Endorsement.id))
    assert rep1.post(f"/alfa/proposals/{pid}/endorsements/{second}/withdraw").status_code == 403
    assert rep1.post(f"/alfa/proposals/{pid}/endorsements/{first}/withdraw").status_code == 303
    assert space.get(pid).endorsement_count == 1
    with tenant_context(space.tenant.id):
        db.session.get(Organization, space.org2).moderation = "archived"
        space.get(pid).state = "submitted"
        db.session.commit()
    page = visitor(space.app).get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "Udruženje Ruke" in page and "archived in the directory" in page
    rep2 = login(space.app, "rep2@example.org")
    assert rep2.post(f"/alfa/proposals/{pid}/endorsements/{second}/withdraw").status_code == 409


def test_members_support_apart_from_organizations(space):
    pid = space.proposal(state="consultation")
    member = login(space.app, "member@example.org")
    assert member.post(f"/alfa/proposals/{pid}/support").status_code == 303
    assert (space.get(pid).support_count, space.get(pid).endorsement_count) == (1, 0)
    member.post(f"/alfa/proposals/{pid}/support")
    assert space.get(pid).support_count == 0
    draft = space.proposal()
    assert (
        login(space.app, "author@example.org").post(f"/alfa/proposals/{draft}/support").status_code
        == 409
    )
