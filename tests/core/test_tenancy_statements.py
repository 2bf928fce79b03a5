"""Tenancy closed for every statement shape, not only ORM queries of mapped classes: Core
statements on tenant tables are filtered, raw SQL naming them is refused, and all of them fail
closed without a tenant (core/tenancy.py). Fixture: tests/core/conftest.py `two_tenants`."""

import pytest
import sqlalchemy as sa

from solidarna.accounts.models import User
from solidarna.core.database import database_answers
from solidarna.core.tenancy import TenantRequired, TenantViolation, cross_tenant, tenant_context
from solidarna.tenants.models import Invitation, Membership
from tests.conftest import statements

MEMBERSHIPS = Membership.__table__
INVITATIONS = Invitation.__table__


def membership_of(db, tenant_id: int) -> int:
    with cross_tenant():
        return db.session.scalar(
            db.select(sa.func.min(Membership.id)).where(Membership.tenant_id == tenant_id)
        )


def test_core_select_of_a_table_is_filtered(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        rows = db.session.execute(db.select(MEMBERSHIPS)).all()
        assert len(rows) == 2 and {row.tenant_id for row in rows} == {a}
        aliased = MEMBERSHIPS.alias("m")
        assert set(db.session.scalars(db.select(aliased.c.tenant_id))) == {a}


def test_count_over_a_table_is_filtered(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        count = db.select(sa.func.count()).select_from(MEMBERSHIPS)
        assert db.session.scalar(count) == 2
    with tenant_context(b):
        assert db.session.scalar(count) == 1


def test_exists_is_filtered(db, two_tenants):
    a, b = two_tenants
    of_b = membership_of(db, b)
    with tenant_context(a):
        assert db.session.scalar(db.select(sa.exists().where(Membership.id == of_b))) is False
        assert db.session.scalar(db.select(sa.exists().where(MEMBERSHIPS.c.id == of_b))) is False
    with tenant_context(b):
        assert db.session.scalar(db.select(sa.exists().where(Membership.id == of_b))) is True


def test_an_entity_named_only_in_the_where_clause_is_filtered(db, two_tenants):
    a, b = two_tenants
    with tenant_context(b):
        names = db.session.scalars(db.select(User.name).where(User.id == Membership.user_id))
        assert list(names) == ["Ceca"]


def test_joins_of_tables_are_filtered_and_outer_joins_stay_outer(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        inner = db.select(MEMBERSHIPS.c.tenant_id, INVITATIONS.c.tenant_id).select_from(
            MEMBERSHIPS.join(INVITATIONS, sa.true())
        )
        assert set(db.session.execute(inner)) == {(a, a)}
        # Every membership, with the invitations of *another* tenant: none may show, and the
        # memberships must not disappear with them (the condition goes in the ON clause).
        other = INVITATIONS.c.tenant_id != MEMBERSHIPS.c.tenant_id
        for outer in (
            db.select(MEMBERSHIPS.c.id, INVITATIONS.c.id).select_from(
                MEMBERSHIPS.outerjoin(INVITATIONS, other)
            ),
            db.select(MEMBERSHIPS.c.id, INVITATIONS.c.id).outerjoin(INVITATIONS, other),
            db.select(Membership.id, INVITATIONS.c.id).outerjoin(INVITATIONS, other),
        ):
            rows = db.session.execute(outer).all()
            assert len(rows) == 2 and {invitation for _, invitation in rows} == {None}
        assert (
            db.session.scalar(
                db.select(sa.func.count()).select_from(Membership).join(INVITATIONS, sa.true())
            )
            == 2
        )


def test_table_update_and_delete_are_filtered(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        db.session.execute(MEMBERSHIPS.update().values(role="admin"))
        db.session.execute(INVITATIONS.delete())
        db.session.execute(sa.delete(INVITATIONS).where(INVITATIONS.c.role == "admin"))
        db.session.commit()
    with cross_tenant():
        roles = db.session.execute(db.select(Membership.tenant_id, Membership.role)).all()
        assert sorted(roles) == sorted([(a, "admin"), (a, "admin"), (b, "owner")])
        assert db.session.scalars(db.select(Invitation.tenant_id)).all() == [b]


def test_nested_selects_in_core_statements_are_filtered(db, two_tenants):
    a, b = two_tenants
    users_b = db.select(MEMBERSHIPS.c.user_id).where(MEMBERSHIPS.c.tenant_id == b)
    with tenant_context(a):
        # A's statement can only reach A's rows, however it is nested.
        assert db.session.scalar(db.select(sa.func.count()).select_from(users_b.subquery())) == 0
        assert (
            db.session.execute(
                MEMBERSHIPS.update().where(MEMBERSHIPS.c.user_id.in_(users_b)).values(role="admin")
            ).rowcount
            == 0
        )
        union = sa.union_all(db.select(MEMBERSHIPS.c.tenant_id), db.select(Invitation.tenant_id))
        assert set(db.session.scalars(union)) == {a}
        cte = db.select(MEMBERSHIPS.c.id).cte("ids")
        assert db.session.scalar(db.select(sa.func.count()).select_from(cte)) == 2


def test_insert_from_select_copies_only_the_current_tenant(db, two_tenants):
    a, b = two_tenants
    columns = ["tenant_id", "email", "role"]
    copy = INVITATIONS.insert().from_select(
        columns,
        db.select(MEMBERSHIPS.c.tenant_id, sa.literal("copy@example.org"), MEMBERSHIPS.c.role),
    )
    with tenant_context(a):
        db.session.execute(copy)
        db.session.commit()
    with cross_tenant():
        copied = db.session.scalars(
            db.select(Invitation.tenant_id).where(Invitation.email == "copy@example.org")
        ).all()
    assert copied == [a, a]


def test_inserts_must_write_the_current_tenant(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        with pytest.raises(TenantViolation):
            db.session.execute(INVITATIONS.insert().values(tenant_id=b, email="z@example.org"))
        with pytest.raises(TenantViolation):
            db.session.execute(sa.insert(Invitation), [{"tenant_id": b, "email": "z@example.org"}])
        with pytest.raises(TenantViolation):  # one row of two is another tenant's
            db.session.execute(
                INVITATIONS.insert().values(
                    [{"tenant_id": a, "email": "1@example.org"}, {"tenant_id": b, "email": "2"}]
                )
            )
        with pytest.raises(TenantViolation):  # no tenant_id at all
            db.session.execute(INVITATIONS.insert(), [{"email": "z@example.org"}])
        with pytest.raises(TenantViolation):
            db.session.execute(
                INVITATIONS.insert().from_select(
                    ["tenant_id", "email"], db.select(sa.literal(b), sa.literal("z@example.org"))
                )
            )
        db.session.rollback()
        db.session.execute(sa.insert(Invitation), [{"tenant_id": a, "email": "z@example.org"}])
        db.session.commit()
    with cross_tenant():
        assert (
            db.session.scalar(
                db.select(Invitation.tenant_id).where(Invitation.email == "z@example.org")
            )
            == a
        )


def test_raw_sql_naming_a_tenant_table_is_refused(db, two_tenants):
    a, b = two_tenants
    for sql in (
        "SELECT count(*) FROM memberships",
        'select * from "invitations" where id = 1',
        "DELETE FROM public.memberships",
    ):
        with tenant_context(a), pytest.raises(TenantViolation):
            db.session.execute(sa.text(sql))
        with pytest.raises(TenantViolation):  # without a tenant too: it can never be filtered
            db.session.execute(sa.text(sql))
    with tenant_context(a):
        with pytest.raises(TenantViolation):
            db.session.execute(db.select(sa.literal_column("memberships.id")))
        with pytest.raises(TenantViolation):
            db.session.execute(db.select(MEMBERSHIPS.c.id).where(sa.text("memberships.role = 'x'")))
        with pytest.raises(TenantViolation):
            db.session.connection().exec_driver_sql("SELECT count(*) FROM memberships")
    db.session.rollback()


def test_raw_sql_that_names_no_tenant_table_runs(db, two_tenants):
    assert database_answers()  # the health probe's SELECT 1, with no tenant
    assert db.session.scalar(sa.text("SELECT count(*) FROM users")) == 3
    assert db.session.scalar(sa.text("SELECT 'memberships_archive_note'")) is not None
    with tenant_context(two_tenants[0]):
        assert db.session.scalar(sa.text("SELECT 1")) == 1


def test_connection_execute_is_filtered_or_refused(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        connection = db.session.connection()
        assert connection.scalar(db.select(sa.func.count()).select_from(MEMBERSHIPS)) == 2
        connection.execute(MEMBERSHIPS.update().values(role="admin"))
        with pytest.raises(TenantViolation):  # the ORM filtering lives in the session
            connection.execute(db.select(Membership))
        with pytest.raises(TenantViolation):
            connection.execute(sa.text("UPDATE memberships SET role = 'admin'"))
        db.session.commit()
    with cross_tenant():
        roles = db.session.execute(db.select(Membership.tenant_id, Membership.role)).all()
    assert (b, "owner") in roles
    with db.engine.connect() as connection, pytest.raises(TenantRequired):
        connection.execute(db.select(MEMBERSHIPS))


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(lambda: db_select(MEMBERSHIPS), id="select-table"),
        pytest.param(lambda: db_select(sa.func.count()).select_from(MEMBERSHIPS), id="count-table"),
        pytest.param(lambda: db_select(sa.exists().where(Membership.id == 1)), id="exists"),
        pytest.param(lambda: MEMBERSHIPS.update().values(role="admin"), id="update-table"),
        pytest.param(lambda: INVITATIONS.delete(), id="delete-table"),
        pytest.param(
            lambda: db_select(MEMBERSHIPS.c.id).select_from(
                MEMBERSHIPS.join(INVITATIONS, sa.true())
            ),
            id="join-tables",
        ),
        pytest.param(
            lambda: INVITATIONS.insert().from_select(
                ["tenant_id", "email"], db_select(MEMBERSHIPS.c.tenant_id, sa.literal("e"))
            ),
            id="insert-from-select",
        ),
    ],
)
def test_core_statements_without_a_tenant_fail_closed(db, two_tenants, statement):
    with pytest.raises(TenantRequired):
        db.session.execute(statement())
    db.session.rollback()
    with pytest.raises(TenantRequired):
        db.session.connection().execute(statement())
    db.session.rollback()


def db_select(*args):
    return sa.select(*args)


def test_opt_outs_reach_core_and_raw_sql(db, two_tenants):
    count = db.select(sa.func.count()).select_from(MEMBERSHIPS)
    assert db.session.scalar(count.execution_options(all_tenants=True)) == 3
    with cross_tenant():
        assert db.session.scalar(count) == 3
        assert db.session.scalar(sa.text("SELECT count(*) FROM memberships")) == 3
    raw = sa.text("SELECT count(*) FROM invitations").execution_options(all_tenants=True)
    assert db.session.scalar(raw) == 2
    with db.engine.connect() as connection:
        connection.execution_options(all_tenants=True)
        assert connection.scalar(count) == 3


def test_each_tenant_table_is_filtered_once(db, two_tenants):
    """The ORM's criteria and the walk's do not both filter the same table."""
    a, _ = two_tenants
    with tenant_context(a), statements(db.engine) as seen:
        db.session.scalars(db.select(Membership).where(Membership.role == "owner")).all()
        db.session.scalar(db.select(sa.func.count()).select_from(Membership))
        db.session.execute(db.select(Membership.id).join(Invitation, sa.true())).all()
    assert seen and all(sql.count("memberships.tenant_id = ") == 1 for sql in seen), seen
