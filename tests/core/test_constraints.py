"""CHECK constraints (migration 0008): a status, role, visibility or kind the code does not know
is refused by the database itself, whether it comes through the ORM or a Core UPDATE."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from solidarna.accounts.models import User
from solidarna.core.models import one_of, one_of_each
from solidarna.core.notifications import Notification, NotificationSettings
from solidarna.core.tenancy import cross_tenant, tenant_context
from solidarna.directory.organizations import services as directory
from solidarna.directory.organizations.models import Organization, OrganizationTag
from solidarna.discussions.models import Category
from solidarna.tenants.models import Invitation, Membership, Tenant

BAD = "bogus"


@pytest.fixture
def rows(db, make_user, make_tenant):
    """One row of each model under test: {model: (id, tenant_id or None)}."""
    user = make_user()
    tenant = make_tenant("alfa", members={user: "member"})
    db.session.add(NotificationSettings(user_id=user.id, email_mode="daily"))
    db.session.add(Notification(user_id=user.id, kind="test.kind", title="T", url="/alfa/"))
    db.session.commit()
    with tenant_context(tenant.id):
        org = directory.create_organization(
            {"name": "Zadruga", "legal_form": "cooperative", "actor_type": "cooperative",
             "municipality": "Brus"},
            {"kd": ["A"]}, None, source="office",
        )  # fmt: skip
        db.session.add_all([Invitation(email="x@example.org"), Category(name="Pitanja")])
        db.session.commit()
        ids = {
            model: db.session.scalar(sa.select(model.id))
            for model in (Membership, Invitation, OrganizationTag, Category)
        }
        ids[Organization] = org.id
    scoped = {model: (pk, tenant.id) for model, pk in ids.items()}
    return {
        **scoped,
        Tenant: (tenant.id, None),
        NotificationSettings: (user.id, None),
        Notification: (db.session.scalar(sa.select(Notification.id)), None),
        User: (user.id, None),
    }


def scope(tenant_id):
    return tenant_context(tenant_id) if tenant_id is not None else nullcontext()


def model_named(rows, name):
    return next(model for model in rows if model.__name__ == name)


# a representative set: (model, column, a valid value other than the row's own); None: the
# column is nullable (NULL passes the CHECK). tests/core/test_migrations.py checks that the
# migrated database has every constraint the models declare.
CASES = [
    ("Membership", "role", "admin"),
    ("Membership", "status", "suspended"),
    ("Invitation", "role", "moderator"),
    ("Tenant", "status", "suspended"),
    ("Tenant", "visibility", "members"),
    ("User", "locale", None),
    ("Organization", "status", "planning"),
    ("Organization", "moderation", "verified"),
    ("OrganizationTag", "facet", "group"),
    ("Category", "visibility", "admins"),
    ("NotificationSettings", "email_mode", "never"),
    ("Notification", "email_status", "pending"),
]
IDS = [f"{model}.{column}={good}" for model, column, good in CASES]
#: what else changes with the column so that the row stays valid (a tag's value is per facet)
ALONG = {"facet": {"value": "roma"}}


@pytest.mark.parametrize(("name", "column", "good"), CASES, ids=IDS)
def test_an_unknown_value_is_refused_by_the_orm_and_by_core(db, rows, name, column, good):
    model = model_named(rows, name)
    pk, tenant_id = rows[model]
    with scope(tenant_id):
        row = db.session.get(model, pk)
        setattr(row, column, BAD)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        row = db.session.get(model, pk)
        for key, value in {column: good, **ALONG.get(column, {})}.items():
            setattr(row, key, value)
        db.session.commit()
        db.session.expire_all()
        assert getattr(db.session.get(model, pk), column) == good
        db.session.rollback()

    # A Core UPDATE on the table bypasses every model and form: the database still refuses.
    table = model.__table__
    key = table.primary_key.columns.values()[0]
    with cross_tenant():
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.update(table).where(key == pk).values({column: BAD}))
        with db.engine.connect() as conn:
            assert conn.scalar(sa.select(table.c[column]).where(key == pk)) == good


def test_a_tag_value_must_belong_to_its_facet(db, rows):
    """`roma` is a vulnerable group, not a KD section: the pair is checked, not each alone."""
    pk, tenant_id = rows[OrganizationTag]
    with tenant_context(tenant_id):
        tag = db.session.get(OrganizationTag, pk)
        assert (tag.facet, tag.value) == ("kd", "A")
        tag.value = "roma"
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_one_of_renders_sorted_codes_and_refuses_quotes():
    check = one_of("status", {"pending": "P", "active": "A"})
    assert str(check.sqltext) == "status IN ('active', 'pending')"
    assert check.name == "status"  # the naming convention makes it ck_<table>_status
    pair = one_of_each("facet", "value", {"kd": ("B", "A")})
    assert str(pair.sqltext) == "(facet = 'kd' AND value IN ('A', 'B'))"
    with pytest.raises(ValueError):
        one_of("status", ["it's"])
    with pytest.raises(ValueError):
        one_of("status", [])
