"""A space with an owner, a coordinator, two representatives of verified organizations, a
plain member and an outsider (no member of the space); helpers that make groups through the
services. Everyone reads English, so the assertions hold whatever the Serbian catalogs say."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Representative
from solidarna.extensions import db
from solidarna.groups import services
from solidarna.groups.models import GroupMembership, WorkingGroup
from tests.conftest import Client, verified_organization


def visitor(app) -> Client:
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


@pytest.fixture
def readers(request, space):
    """A test module's `PEOPLE` (who: (e-mail, name)) as logged-in clients, each past their
    login message."""
    return {who: reader(space.app, email) for who, (email, _name) in request.module.PEOPLE.items()}


@dataclass
class Space:
    app: object
    tenant: object
    owner: object
    coordinator: object
    rep1: object
    rep2: object
    member: object
    outsider: object
    org1: int
    org2: int

    def group(
        self,
        name="Pristup finansijama",
        join_policy="request",
        visibility="public",
        coordinator=None,
        parent_id=None,
        ends_on=None,
        theme="finance",
    ) -> int:
        """A group started through the services by the coordinator (its first coordinator)."""
        with self.app.test_request_context(), tenant_context(self.tenant.id):
            user = db.session.merge(coordinator or self.coordinator)
            group = services.create(
                {"name": name, "theme": theme, "mandate": "Mandat grupe.", "goals": "",
                 "ends_on": ends_on, "visibility": visibility, "join_policy": join_policy,
                 "parent_id": parent_id},
                user,
            )  # fmt: skip
            db.session.commit()
            return group.id

    def add(self, group_id, user, role="member", organization_id=None, status="active"):
        with tenant_context(self.tenant.id):
            group = db.session.get(WorkingGroup, group_id)
            membership = GroupMembership(
                group_id=group_id, user_id=user.id, role=role, status=status,
                organization_id=organization_id,
                organization_name="Org" if organization_id else "",
            )  # fmt: skip
            db.session.add(membership)
            if status == "active":
                group.member_count += 1
            db.session.commit()
            return membership.id

    def get(self, group_id):
        with tenant_context(self.tenant.id):
            # the requests committed in sessions of their own: read what they wrote
            return db.session.get(WorkingGroup, group_id, populate_existing=True)

    def membership(self, group_id, user):
        with tenant_context(self.tenant.id):
            return db.session.scalar(
                db.select(GroupMembership)
                .where(GroupMembership.group_id == group_id, GroupMembership.user_id == user.id)
                .execution_options(populate_existing=True)
            )


@pytest.fixture
def space(app, make_user, make_tenant):
    people = {
        "owner": make_user(email="owner@example.org", name="Olga Vlasnić", locale="en"),
        "coordinator": make_user(email="coord@example.org", name="Ceca Koordinatorka", locale="en"),
        "rep1": make_user(email="rep1@example.org", name="Rade Zadrugar", locale="en"),
        "rep2": make_user(email="rep2@example.org", name="Vera Udruženić", locale="en"),
        "member": make_user(email="member@example.org", name="Mira Članica", locale="en"),
        "outsider": make_user(email="out@example.org", name="Oto Spoljni", locale="en"),
    }
    tenant = make_tenant(
        "alfa",
        members={people["owner"]: "owner", people["coordinator"]: "member",
                 people["rep1"]: "member", people["rep2"]: "member", people["member"]: "member"},
    )  # fmt: skip
    with app.test_request_context(), tenant_context(tenant.id):
        org1 = verified_organization("Zadruga Rasinski med", "cooperative", "Kruševac")
        org2 = verified_organization("Udruženje Ruke", "association", "Trstenik")
        db.session.add_all([
            Representative(organization_id=org1.id, user_id=people["rep1"].id, status="active"),
            Representative(organization_id=org2.id, user_id=people["rep2"].id, status="active"),
        ])  # fmt: skip
        db.session.commit()
        ids = (org1.id, org2.id)
    return Space(app, tenant, **people, org1=ids[0], org2=ids[1])
