"""Three spaces: KoRSE owns the campaigns, Kruševac becomes a partner, and a third space has
nothing to do with them. Each has an admin and a representative of a verified organization of
its own directory. Everyone reads English, so the assertions hold whatever the catalogs say."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from solidarna.campaigns import services
from solidarna.campaigns.models import Campaign
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Representative
from solidarna.extensions import db
from solidarna.tenants import partnerships
from tests.conftest import Client, verified_organization


def english(app) -> Client:
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def client_of(app, email) -> Client:
    client = english(app)
    client.login(email)
    return client


@dataclass
class World:
    app: object
    owner: object
    partner: object
    third: object
    people: dict
    orgs: dict

    def campaign(self, title="Rezervisane javne nabavke", status="open", demands=()) -> int:
        with self.app.test_request_context(), tenant_context(self.owner.id):
            admin = db.session.merge(self.people["owner_admin"])
            campaign = services.create(
                {"title": title, "goal": "Cilj platforme.", "institutions": ["Vlada Srbije"],
                 "starts_on": None, "ends_on": None},
                list(demands), admin,
            )  # fmt: skip
            campaign.status = status
            db.session.commit()
            return campaign.id

    def partner_with(self, campaign_id, status="accepted", tenant=None) -> int:
        tenant = tenant or self.partner
        with self.app.test_request_context(), tenant_context(self.owner.id):
            admin = db.session.merge(self.people["owner_admin"])
            campaign = db.session.get(Campaign, campaign_id)
            row = partnerships.invite("campaign", campaign_id, campaign.title, tenant.slug, admin)
            if status != "invited":
                row.status = status
            db.session.commit()
            return row.id

    def get(self, campaign_id) -> Campaign:
        with tenant_context(self.owner.id):
            return db.session.get(Campaign, campaign_id, populate_existing=True)


@pytest.fixture
def world(app, make_user, make_tenant):
    def person(key, name):
        return make_user(email=f"{key}@example.org", name=name, locale="en")

    people = {
        "owner_admin": person("owner_admin", "Ana Korse"),
        "owner_rep": person("owner_rep", "Rade Zadrugar"),
        "owner_member": person("owner_member", "Mira Članica"),
        "partner_admin": person("partner_admin", "Petar Kruševljanin"),
        "partner_rep": person("partner_rep", "Vera Rasinska"),
        "third_rep": person("third_rep", "Toma Treći"),
    }
    owner = make_tenant(
        "korse", name="KoRSE", kind="coalition",
        members={people["owner_admin"]: "admin", people["owner_rep"]: "member",
                 people["owner_member"]: "member"},
    )  # fmt: skip
    partner = make_tenant(
        "krusevac", name="Kancelarija Kruševac",
        members={people["partner_admin"]: "admin", people["partner_rep"]: "member"},
    )  # fmt: skip
    third = make_tenant("treci", name="Treći prostor", members={people["third_rep"]: "admin"})
    orgs = {}
    for tenant, key, name, kind, place in (
        (owner, "owner_rep", "Zadruga Beograd", "cooperative", "Beograd"),
        (partner, "partner_rep", "Udruženje Rasina", "association", "Kruševac"),
        (third, "third_rep", "Zadruga Treća", "cooperative", "Niš"),
    ):
        with app.test_request_context(), tenant_context(tenant.id):
            org = verified_organization(name, kind, place)
            db.session.add(Representative(organization_id=org.id, user_id=people[key].id,
                                          status="active"))  # fmt: skip
            db.session.commit()
            orgs[tenant.slug] = org.id
    return World(app, owner, partner, third, people, orgs)
