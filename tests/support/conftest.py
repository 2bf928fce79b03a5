"""A space with an owner (an advisor), a second admin (another advisor), a requester, another
member and a representative of a cooperative; helpers to ask for help and to read cases."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Representative
from solidarna.extensions import db
from solidarna.support.models import SupportCase
from tests.conftest import Client, verified_organization

REQUEST = {
    "category": "legal_form",
    "description": "Želimo da osnujemo socijalno preduzeće za preradu voća, ne znamo koji oblik.",
    "municipality": "Kruševac",
    "contact_method": "email",
    "phone": "",
}


@dataclass
class Space:
    app: object
    tenant: object
    owner: object
    advisor: object
    requester: object
    other: object
    rep: object
    org: int

    def client(self, user=None) -> Client:
        client = Client(self.app)
        if user is not None:
            client.login(user.email)
        return client

    def ask(self, client: Client, **changes) -> int:
        response = client.post("/alfa/support/new", {**REQUEST, **changes})
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]
        return int(response.headers["Location"].rstrip("/").split("/")[-1])

    def case(self, case_id: int) -> SupportCase:
        with tenant_context(self.tenant.id):
            return db.session.scalar(
                db.select(SupportCase).where(SupportCase.id == case_id)
                .execution_options(populate_existing=True)
            )  # fmt: skip


@pytest.fixture
def space(app, make_user, make_tenant):
    people = {
        "owner": make_user(email="owner@example.org", name="Olga Savetnica", locale="en"),
        "advisor": make_user(email="admin@example.org", name="Ana Savetnica", locale="en"),
        "requester": make_user(email="req@example.org", name="Petar Preduzetnik", locale="en"),
        "other": make_user(email="other@example.org", name="Mira Članica", locale="en"),
        "rep": make_user(email="rep@example.org", name="Rade Zadrugar", locale="en"),
    }
    tenant = make_tenant(
        "alfa", municipalities=["Kruševac", "Trstenik", "Brus"],
        members={people["owner"]: "owner", people["advisor"]: "admin",
                 people["requester"]: "member", people["other"]: "member",
                 people["rep"]: "member"},
    )  # fmt: skip
    with app.test_request_context(), tenant_context(tenant.id):
        org = verified_organization("Zadruga Rasinski med", "cooperative", "Kruševac")
        db.session.add(Representative(organization_id=org.id, user_id=people["rep"].id,
                                      status="active"))  # fmt: skip
        db.session.commit()
        org_id = org.id
    return Space(app, tenant, org=org_id, **people)
