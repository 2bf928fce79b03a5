"""The directory's rules (directory/*/permissions.py), asked without HTTP."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from flask import g

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import services
from solidarna.directory.organizations.permissions import (
    can_add_organization,
    can_edit_organization,
    can_moderate_directory,
)
from solidarna.directory.practices.permissions import can_edit_practice
from solidarna.directory.resources.permissions import can_add_resource, can_edit_resource
from solidarna.extensions import db
from solidarna.tenants.models import Membership


@pytest.fixture
def world(app, make_user, make_tenant):
    people = SimpleNamespace(
        admin=make_user(email="admin@example.org"),
        rep=make_user(email="rep@example.org"),
        member=make_user(email="member@example.org"),
        outsider=make_user(email="outsider@example.org"),
    )
    space = make_tenant(
        "rasina", members={people.admin: "admin", people.rep: "member", people.member: "member"}
    )
    with tenant_context(space.id):
        org = services.create_organization(
            {"name": "Zadruga Rasina", "legal_form": "cooperative", "actor_type": "cooperative",
             "municipality": "Kruševac"},
            {}, None, source="office", moderation="verified",
        )  # fmt: skip
        services.add_representative(org, people.rep, status="active")
        db.session.commit()
    return SimpleNamespace(space=space, org=org, **vars(people))


@contextmanager
def asking(app, world, user):
    """A request in the space as `user` (their membership loaded, as tenants does)."""
    with app.test_request_context(), tenant_context(world.space.id):
        g.membership = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
        yield


def test_representatives_and_admins_edit_an_entry(app, world):
    for user, expected in (
        (world.rep, True), (world.admin, True), (world.member, False), (world.outsider, False),
    ):  # fmt: skip
        with asking(app, world, user):
            org = db.session.get(type(world.org), world.org.id)
            assert can_edit_organization(user, org) is expected, user.email
    with asking(app, world, world.rep):
        assert not can_edit_organization(None, world.org)


def test_a_representative_who_left_the_space_no_longer_edits(app, world):
    with tenant_context(world.space.id):
        db.session.execute(db.delete(Membership).where(Membership.user_id == world.rep.id))
        db.session.commit()
    with asking(app, world, world.rep):
        assert not can_edit_organization(world.rep, world.org)


def test_members_add_entries_and_admins_moderate(app, world):
    with asking(app, world, world.member):
        assert can_add_organization(world.member, world.space)
        assert can_add_resource(world.member, world.space)
        assert not can_moderate_directory(world.member, world.space)
    with asking(app, world, world.admin):
        assert can_moderate_directory(world.admin, world.space)
    with asking(app, world, world.outsider):
        assert not can_add_organization(world.outsider, world.space)
        assert not can_add_organization(None, world.space)


def test_contributions_are_edited_by_who_added_them_and_admins(app, world):
    added = SimpleNamespace(created_by_id=world.member.id, tenant_id=world.space.id)
    for user, expected in ((world.member, True), (world.admin, True), (world.rep, False)):
        with asking(app, world, user):
            assert can_edit_resource(user, added) is expected, user.email
            assert can_edit_practice(user, added) is expected, user.email
    nobody = SimpleNamespace(created_by_id=None, tenant_id=world.space.id)
    with asking(app, world, world.member):
        assert not can_edit_resource(world.member, nobody)


def test_the_rules_are_asked_about_the_objects_space(app, world, make_tenant):
    elsewhere = make_tenant("beta")
    foreign = SimpleNamespace(created_by_id=world.member.id, tenant_id=elsewhere.id)
    with asking(app, world, world.member):
        assert not can_edit_resource(world.member, foreign)
    with asking(app, world, world.admin):
        assert not can_moderate_directory(world.admin, elsewhere)
