"""Tenant isolation, enforced centrally and failing closed (DESIGN §3).

This module knows only the current tenant's *id*; `tenants` sets it when it resolves the
URL. With a tenant set:

- every ORM SELECT, UPDATE and DELETE that touches a `TenantScoped` model gets
  `tenant_id = current` added (relationship loads, joins, `db.session.get`, aggregates and
  bulk statements included), through one `do_orm_execute` hook; `Session.get`, which can
  answer from the identity map without a statement, is checked by `TenantSession`;
- new `TenantScoped` objects get `tenant_id = current` on flush, and flushing an object that
  belongs to another tenant raises `TenantViolation`.

Without a tenant, any ORM query or flush touching a `TenantScoped` model raises
`TenantRequired`. Cross-tenant code opts out visibly, with `with cross_tenant():` or the
execution option `all_tenants=True` on one statement; grep for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import Select, Table, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors

from solidarna.core.models import Base, TenantScoped


class TenantRequired(RuntimeError):
    """A tenant-scoped model was used with no current tenant (fail closed)."""


class TenantViolation(RuntimeError):
    """An object of another tenant was about to be written."""


def current_tenant_id() -> int | None:
    return g.get("tenant_id") if has_app_context() else None


def set_current_tenant(tenant_id: int | None) -> None:
    g.tenant_id = tenant_id


def _opted_out() -> bool:
    return has_app_context() and g.get("tenancy_opt_out", 0) > 0


@contextmanager
def tenant_context(tenant_id: int) -> Iterator[None]:
    """Run a block as tenant `tenant_id` (CLI commands, jobs, tests)."""
    previous = current_tenant_id()
    set_current_tenant(tenant_id)
    try:
        yield
    finally:
        set_current_tenant(previous)


@contextmanager
def cross_tenant() -> Iterator[None]:
    """Opt out of tenant isolation for a block: platform admin, national overviews,
    kits, demo data. Every use is deliberate and reviewed."""
    g.tenancy_opt_out = g.get("tenancy_opt_out", 0) + 1
    try:
        yield
    finally:
        g.tenancy_opt_out -= 1


def _scoped_tables() -> frozenset[str]:
    return frozenset(
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    )


def _tables_in(statement) -> set[str]:
    return {e.name for e in visitors.iterate(statement) if isinstance(e, Table)}


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    if any(issubclass(mapper.class_, TenantScoped) for mapper in state.all_mappers):
        return True
    # A Core statement around an ORM select (count(*) over a subquery, as pagination does)
    # hides the mappers; look at the tables instead.
    return bool(_tables_in(state.statement) & _scoped_tables())


def _criteria(tenant_id: int):
    return with_loader_criteria(
        TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
    )


def _filter_nested_selects(statement, tenant_id: int):
    """Add the tenant criteria to every nested SELECT, so subqueries wrapped in Core
    statements are filtered too (the outer statement's option does not reach them)."""

    def replace(element):
        if isinstance(element, Select) and element is not statement:
            return element.options(_criteria(tenant_id))
        return None

    return visitors.replacement_traverse(statement, {}, replace)


@event.listens_for(Session, "do_orm_execute")
def _add_tenant_criteria(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("all_tenants") or _opted_out():
        return
    if not _touches_tenant_data(state):
        return
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantRequired(
            "Query on a tenant-scoped model with no current tenant; "
            "use tenant_context() or, deliberately, cross_tenant()."
        )
    statement = state.statement
    if not any(issubclass(m.class_, TenantScoped) for m in state.all_mappers):
        statement = _filter_nested_selects(statement, tenant_id)
    state.statement = statement.options(_criteria(tenant_id))


class TenantSession(FlaskSession):
    """`get()` answers from the identity map when the object is already loaded, without a
    statement the hook could filter: an object of another tenant loaded earlier in the same
    session (a command working through several spaces) is not returned."""

    def get(self, entity, ident, **kwargs):
        obj = super().get(entity, ident, **kwargs)
        if obj is None or not isinstance(obj, TenantScoped) or _opted_out():
            return obj
        if (kwargs.get("execution_options") or {}).get("all_tenants"):
            return obj
        tenant_id = current_tenant_id()
        if tenant_id is None:
            raise TenantRequired(f"get({entity.__name__}) with no current tenant")
        owner = inspect(obj).dict.get("tenant_id")  # loaded value: no refresh, no statement
        return obj if owner == tenant_id else None


@event.listens_for(Session, "before_flush")
def _check_tenant_on_flush(session: Session, flush_context, instances) -> None:
    if _opted_out():
        for obj in session.new:
            if isinstance(obj, TenantScoped) and obj.tenant_id is None:
                raise TenantRequired(f"{obj!r} has no tenant_id and no tenant is current")
        return
    tenant_id = current_tenant_id()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if tenant_id is None:
            if obj.tenant_id is None:
                raise TenantRequired(f"{obj!r} created with no current tenant")
            raise TenantRequired(f"{obj!r} flushed with no current tenant")
        if obj.tenant_id is None:
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id:
            raise TenantViolation(f"{obj!r} belongs to tenant {obj.tenant_id}, not {tenant_id}")
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, TenantScoped):
            if tenant_id is None:
                raise TenantRequired(f"{obj!r} changed with no current tenant")
            if obj.tenant_id != tenant_id:
                raise TenantViolation(f"{obj!r} belongs to tenant {obj.tenant_id}, not {tenant_id}")
