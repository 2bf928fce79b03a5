"""Fail-closed tenant isolation, on both databases (DESIGN §3)."""

import pytest
import sqlalchemy as sa

from solidarna.core.tenancy import TenantRequired, TenantViolation, cross_tenant, tenant_context
from solidarna.discussions.models import Category, Post, Thread
from solidarna.tenants.models import Invitation, Membership, Tenant


def test_select_sees_only_the_current_tenant(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        rows = db.session.scalars(db.select(Membership)).all()
        assert {m.tenant_id for m in rows} == {a} and len(rows) == 2
    with tenant_context(b):
        assert [m.tenant_id for m in db.session.scalars(db.select(Membership))] == [b]


def test_query_without_tenant_fails_closed(db, two_tenants):
    with pytest.raises(TenantRequired):
        db.session.scalars(db.select(Membership)).all()
    with pytest.raises(TenantRequired):
        db.session.get(Membership, 1)
    with pytest.raises(TenantRequired):
        db.session.scalar(db.select(sa.func.count(Invitation.id)))


def test_unscoped_models_need_no_tenant(db, two_tenants):
    assert len(db.session.scalars(db.select(Tenant)).all()) == 2


def test_get_by_id_of_another_tenant_is_none(db, two_tenants):
    a, b = two_tenants
    with cross_tenant():
        b_id = db.session.scalar(db.select(Membership.id).where(Membership.tenant_id == b))
    db.session.expunge_all()
    with tenant_context(a):
        assert db.session.get(Membership, b_id) is None
    db.session.expunge_all()
    with tenant_context(b):
        assert db.session.get(Membership, b_id) is not None


def test_get_does_not_answer_from_memory_for_another_tenant(db, two_tenants):
    """An object already loaded (same session, e.g. a command going through spaces) is not
    returned by get() under another tenant."""
    a, b = two_tenants
    with tenant_context(b):
        loaded = db.session.scalars(db.select(Membership)).one()
        assert db.session.get(Membership, loaded.id) is loaded
    with tenant_context(a):
        assert db.session.get(Membership, loaded.id) is None
    with cross_tenant():
        assert db.session.get(Membership, loaded.id) is loaded


def test_an_expired_object_of_another_tenant_does_not_reload(db, two_tenants):
    a, b = two_tenants
    with tenant_context(b):
        loaded = db.session.scalars(db.select(Membership)).one()
    db.session.expire(loaded)
    with tenant_context(a), pytest.raises(sa.orm.exc.ObjectDeletedError):
        loaded.role  # noqa: B018 (the refresh is the test)
    with tenant_context(b):
        assert loaded.role == "owner"


def test_relationship_loads_are_filtered(db, two_tenants, make_user):
    """Lazy and eager relationship loads are statements of their own, filtered to the tenant
    current when they run (here across a reference another path could have written)."""
    a, b = two_tenants
    author = make_user()
    with cross_tenant():
        category_a = Category(tenant_id=a, name="Alfa")
        db.session.add(category_a)
        db.session.flush()
        thread_b = Thread(tenant_id=b, title="Beta", category_id=category_a.id)
        db.session.add(thread_b)
        db.session.flush()
        post = Post(tenant_id=b, thread_id=thread_b.id, number=1, author_id=author.id,
                    body="x", body_html="<p>x</p>")  # fmt: skip
        db.session.add(post)
        db.session.commit()
        ids = post.id, thread_b.id
    db.session.expunge_all()
    with tenant_context(b):
        post = db.session.get(Post, ids[0])
    with tenant_context(a):
        assert post.thread is None  # lazy load of B's thread from A's context
    db.session.expire(post)
    with tenant_context(b):
        assert post.thread.id == ids[1]
        assert post.thread.category is None  # joined eagerly: A's category is not shown
    db.session.expunge_all()
    with tenant_context(b):
        loaded = db.session.scalars(db.select(Post).options(sa.orm.selectinload(Post.thread))).one()
        assert loaded.thread.title == "Beta"


def test_joins_filter_every_scoped_entity(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        rows = db.session.execute(
            db.select(Membership.tenant_id, Invitation.tenant_id).join(Invitation, sa.true())
        ).all()
        assert rows and all(row == (a, a) for row in rows)
        aliased = sa.orm.aliased(Membership)
        pairs = db.session.execute(
            db.select(Membership.id, aliased.tenant_id).join(aliased, sa.true())
        ).all()
        assert {p[1] for p in pairs} == {a}


def test_aggregates_count_only_the_current_tenant(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        assert db.session.scalar(db.select(sa.func.count(Membership.id))) == 2
        by_role = dict(
            db.session.execute(
                db.select(Membership.role, sa.func.count()).group_by(Membership.role)
            ).all()
        )
        assert by_role == {"owner": 1, "member": 1}
    with cross_tenant():
        assert db.session.scalar(db.select(sa.func.count(Membership.id))) == 3


def test_bulk_update_and_delete_stay_in_the_tenant(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        db.session.execute(sa.update(Membership).values(role="admin"))
        db.session.execute(sa.delete(Invitation))
        db.session.commit()
    with cross_tenant():
        roles = dict(
            db.session.execute(
                db.select(Membership.tenant_id, Membership.role).where(Membership.tenant_id == b)
            ).all()
        )
        assert roles == {b: "owner"}
        assert db.session.scalar(db.select(sa.func.count(Invitation.id))) == 1


def test_bulk_statement_without_tenant_raises(db, two_tenants):
    with pytest.raises(TenantRequired):
        db.session.execute(sa.update(Membership).values(role="admin"))
    db.session.rollback()


def test_new_objects_get_the_current_tenant(db, two_tenants, make_user):
    a, _ = two_tenants
    user = make_user()
    with tenant_context(a):
        membership = Membership(user_id=user.id, role="member", status="pending")
        db.session.add(membership)
        db.session.commit()
        assert membership.tenant_id == a


def test_creating_without_tenant_raises(db, two_tenants, make_user):
    user = make_user()
    db.session.add(Membership(user_id=user.id, role="member", status="pending"))
    with pytest.raises(TenantRequired):
        db.session.flush()
    db.session.rollback()


def test_writing_another_tenants_object_is_refused(db, two_tenants, make_user):
    a, b = two_tenants
    user = make_user()
    with tenant_context(a):
        db.session.add(Membership(user_id=user.id, tenant_id=b, role="member", status="pending"))
        with pytest.raises(TenantViolation):
            db.session.flush()
        db.session.rollback()
    with tenant_context(b):
        membership_b = db.session.scalars(db.select(Membership)).first()
    with tenant_context(a):
        membership_b.role = "admin"
        with pytest.raises(TenantViolation):
            db.session.flush()
        db.session.rollback()
    with tenant_context(a):
        db.session.delete(db.session.merge(membership_b))
        with pytest.raises(TenantViolation):
            db.session.flush()
        db.session.rollback()


def test_opt_outs_are_explicit(db, two_tenants):
    assert (
        len(db.session.scalars(db.select(Membership).execution_options(all_tenants=True)).all())
        == 3
    )
    with cross_tenant():
        assert len(db.session.scalars(db.select(Invitation)).all()) == 2
    with pytest.raises(TenantRequired):  # the opt-out ends with the block
        db.session.scalars(db.select(Invitation)).all()


def test_subqueries_and_pagination_counts_stay_in_the_tenant(db, two_tenants):
    a, b = two_tenants
    with tenant_context(a):
        inner = db.select(Membership).subquery()
        assert db.session.scalar(db.select(sa.func.count()).select_from(inner)) == 2
        page = db.paginate(db.select(Membership), page=1, per_page=1, error_out=False)
        assert page.total == 2 and len(page.items) == 1
        # Tenant is not scoped: only the filter on the scalar subquery keeps B out.
        tenants_inviting = db.select(Invitation.tenant_id).scalar_subquery()
        assert db.session.scalars(
            db.select(Tenant.id).where(Tenant.id.in_(tenants_inviting))
        ).all() == [a]
        in_subquery = db.session.scalars(
            db.select(Invitation.tenant_id).where(Invitation.id.in_(db.select(Invitation.id)))
        ).all()
        assert set(in_subquery) == {a}


def test_core_subquery_without_tenant_fails_closed(db, two_tenants):
    with pytest.raises(TenantRequired):
        db.session.scalar(db.select(sa.func.count()).select_from(db.select(Membership).subquery()))


def test_a_prepared_statement_is_filtered_for_each_tenant_every_time(db, two_tenants):
    """A SELECT built once and marked PREPARED (tenants/routing.py) is walked once per tenant
    and then reused: still only the current tenant's rows, and still refused with none."""
    from solidarna.core.tenancy import PREPARED

    a, b = two_tenants
    statement = (
        db.select(Membership)
        .where(Membership.role != sa.bindparam("role"))
        .execution_options(**{PREPARED: True})
    )
    for _ in range(3):
        with tenant_context(a):
            rows = db.session.scalars(statement, {"role": "nobody"}).all()
            assert {m.tenant_id for m in rows} == {a} and len(rows) == 2
        with tenant_context(b):
            assert [m.tenant_id for m in db.session.scalars(statement, {"role": "x"})] == [b]
        with pytest.raises(TenantRequired):
            db.session.scalars(statement, {"role": "x"}).all()
        db.session.rollback()
    # a statement derived from it is its own, walked afresh
    derived = statement.where(Membership.id > 0)
    with tenant_context(b):
        assert [m.tenant_id for m in db.session.scalars(derived, {"role": "x"})] == [b]
