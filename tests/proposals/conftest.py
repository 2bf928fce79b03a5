"""A space with an owner, an author, two representatives of verified organizations, a plain
member and an outsider; helpers that make proposals through the services. Everyone reads
English (their accounts' language, a visitor's browser), so the assertions hold whatever the
Serbian catalogs say."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Representative
from solidarna.extensions import db
from solidarna.proposals import services, text
from solidarna.proposals.models import Institution, Proposal
from tests.conftest import Client, verified_organization


def visitor(app) -> Client:
    """A visitor whose browser asks for English."""
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def reader(app, email) -> Client:
    """A logged-in client whose login message has been shown (a page with a flashed message
    is never a page shell's: core/fragments.py)."""
    client = visitor(app)
    client.login(email)
    client.get("/alfa/")
    return client


@dataclass
class Space:
    app: object
    tenant: object
    owner: object
    author: object
    rep1: object
    rep2: object
    member: object
    outsider: object
    org1: int
    org2: int
    institution: int

    def proposal(
        self,
        title="Odluka o podršci socijalnim preduzećima",
        articles=("Prvi član.",),
        state="draft",
        author=None,
        kind="local_decision",
    ):
        """A proposal made through the services (no HTTP), committed; returns its id."""
        with self.app.test_request_context(), tenant_context(self.tenant.id):
            author = db.session.merge(author or self.author)
            proposal = services.create(
                {"title": title, "kind": kind, "level": "local",
                 "institution_id": self.institution, "tags": ["zapošljavanje"]},
                author,
            )  # fmt: skip
            for body in articles:
                text.add_part(proposal, "article", "", body, None, None)
                text.save_version(proposal, author, "član")
            proposal.state = state
            db.session.commit()
            return proposal.id

    def get(self, proposal_id):
        with tenant_context(self.tenant.id):
            return db.session.get(Proposal, proposal_id)


@pytest.fixture
def space(app, make_user, make_tenant):
    people = {
        "owner": make_user(email="owner@example.org", name="Olga Vlasnić", locale="en"),
        "author": make_user(email="author@example.org", name="Ana Autorka", locale="en"),
        "rep1": make_user(email="rep1@example.org", name="Rade Zadrugar", locale="en"),
        "rep2": make_user(email="rep2@example.org", name="Vera Udruženić", locale="en"),
        "member": make_user(email="member@example.org", name="Mira Članica", locale="en"),
        "outsider": make_user(email="out@example.org", name="Oto Spoljni", locale="en"),
    }
    tenant = make_tenant(
        "alfa",
        members={people["owner"]: "owner", people["author"]: "member", people["rep1"]: "member",
                 people["rep2"]: "member", people["member"]: "member"},
    )  # fmt: skip
    with app.test_request_context(), tenant_context(tenant.id):
        org1 = verified_organization("Zadruga Rasinski med", "cooperative", "Kruševac")
        org2 = verified_organization("Udruženje Ruke", "association", "Trstenik")
        db.session.add_all([
            Representative(organization_id=org1.id, user_id=people["rep1"].id, status="active"),
            Representative(organization_id=org2.id, user_id=people["rep2"].id, status="active"),
        ])  # fmt: skip
        institution = Institution(name="Skupština grada Kruševca", level="local")
        db.session.add(institution)
        db.session.commit()
        ids = (org1.id, org2.id, institution.id)
    return Space(app, tenant, **people, org1=ids[0], org2=ids[1], institution=ids[2])
