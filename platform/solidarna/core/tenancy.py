"""Tenant isolation, enforced centrally and failing closed (DESIGN §3).

This module knows only the current tenant's *id*; `tenants` sets it when it resolves the
URL. A *tenant table* is the table of a `TenantScoped` model (it has `tenant_id`).

With a tenant set, every statement that reaches the database inside an app context is
filtered or refused:

- **SELECT**, ORM or Core, at any depth (subqueries, `exists()`, CTEs, unions, the count
  `db.paginate` wraps around a query): each SELECT gets `<table>.tenant_id = current` for every
  tenant table it reads: mapped classes and their aliases, `Model.__table__`, joins of tables
  (the right side of an outer join gets it in the ON clause, so the join stays outer).
- **UPDATE / DELETE** (ORM bulk, `Table.update()` / `.delete()`): the target and any other
  tenant table they read get the same condition.
- **INSERT** into a tenant table outside the unit of work (`insert(Table)`, ORM bulk insert,
  `insert().from_select`): every row must carry `tenant_id = current`, or take it from a
  filtered SELECT's `tenant_id`; otherwise `TenantViolation`. On flush, new objects get
  `tenant_id = current`, and writing an object of another tenant raises `TenantViolation`.
- **Refused** with `TenantViolation` (with or without a tenant), because it cannot be filtered:
  raw SQL that names a tenant table (`text()`, `literal_column()`, `exec_driver_sql`); an ORM
  statement executed on a bare connection (`db.session.connection().execute(select(Model))`);
  a FULL OUTER JOIN of a tenant table; an outer join to one without an ON clause.

Without a tenant, any other statement or flush that touches a tenant table raises
`TenantRequired`. Statements that name no tenant table (`SELECT 1`, users, tenants, the outbox)
need no tenant.

How: the session's `do_orm_execute` hook gives ORM entities `with_loader_criteria` (which also
reaches relationship loads and joined eager loads) and walks the statement for the rest
(core/tenancy_statements.py: plain tables, entities named only in a WHERE, nested selects);
the engine's `before_execute` hook applies the same walk to what bypasses the session (the
unit of work's own statements, `session.connection().execute`, `engine.connect()`), and
`before_cursor_execute` checks driver SQL. `Session.get` answered from the identity map is
checked by `TenantSession`; refreshing a loaded object of another tenant finds no row
(`ObjectDeletedError`) instead of reloading it.

Cross-tenant code opts out visibly, for a block with `with cross_tenant():` or for one
statement or connection with the execution option `all_tenants=True`; grep for both.
Reading the public rows of several spaces at once (the national overview) is narrower:
`with public_rows(tenant_ids):` lets ORM SELECTs read only those spaces' rows of the models
registered with `register_public_rows`, each limited by the model's own "public" condition;
any other tenant table, any write and any Core statement on a tenant table is refused. The
migrations (migrations/env.py) and the test database clean-up run opted out. Outside an app
context (maintenance engines, Alembic offline mode) nothing is checked: there is no tenant.
"""

from __future__ import annotations

import functools
import logging
import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain

from flask import current_app, g, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import and_, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql.ddl import ExecutableDDLElement

from solidarna.core.models import TenantScoped
from solidarna.core.tenancy_statements import (
    TenantRequired,
    TenantViolation,
    is_orm,
    refuse_raw_sql,
    restrict,
)

__all__ = [
    "PREPARED",
    "SharedSubjectRefused",
    "TenantRequired",
    "TenantSession",
    "TenantViolation",
    "cross_tenant",
    "current_tenant_id",
    "origin_tenant_id",
    "public_rows",
    "register_public_rows",
    "register_partnership_check",
    "register_shared_subject",
    "set_current_tenant",
    "shared_subject",
    "tenant_context",
]

log = logging.getLogger("solidarna.tenancy")

#: set by the session hook on what it has checked, so the connection hook lets it through
_CHECKED = "_tenancy_checked"


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


# -- partner spaces: one shared object of another space ------------------------------------

PARTNERSHIP_CHECK = "solidarna.partnership_check"
SHARED_SUBJECTS = "solidarna.shared_subjects"


class SharedSubjectRefused(TenantViolation):
    """No accepted partnership shares this object with the current space."""


def register_partnership_check(app, check) -> None:
    """`check(owner_tenant_id, partner_tenant_id, subject_type, subject_id) -> bool`: is the
    partnership accepted? Registered once, by `tenants` (core does not import it)."""
    if app.extensions.get(PARTNERSHIP_CHECK) is not None:
        raise RuntimeError("the partnership check is registered twice")
    app.extensions[PARTNERSHIP_CHECK] = check


def register_shared_subject(app, subject_type: str, model, children: dict) -> None:
    """What a shared object of `subject_type` opens: its `model` row (by id) and the rows of
    `children` that belong to it. Nothing else. A child is named by the column that holds the
    object's id (`{Model: "campaign_id"}`), or, for a table of many subject types (core/
    following.py), by that column and the other columns' fixed values (`{Follow: ("subject_id",
    {"subject_type": "campaign"})}`)."""
    shared = app.extensions.setdefault(SHARED_SUBJECTS, {})
    if subject_type in shared:
        raise RuntimeError(f"shared subject type {subject_type!r} registered twice")
    shared[subject_type] = (model, dict(children))


def _shared():
    return g.get("shared_subject") if has_app_context() else None


def _child_key(key) -> tuple[str, dict]:
    """A child's id column and the fixed values of its other columns (register_shared_subject)."""
    return (key, {}) if isinstance(key, str) else (key[0], dict(key[1]))


def origin_tenant_id() -> int | None:
    """The space a row is created from: the partner space inside `shared_subject()`, the
    current space otherwise."""
    shared = _shared()
    return shared["partner"] if shared else current_tenant_id()


@contextmanager
def shared_subject(owner_tenant_id: int, subject_type: str, subject_id: int) -> Iterator[None]:
    """From the current (partner) space, open exactly the owner's object `subject_id` of type
    `subject_type`, after checking an accepted partnership; refused (SharedSubjectRefused)
    otherwise, and refused when already inside one or opted out."""
    partner = current_tenant_id()
    check = current_app.extensions.get(PARTNERSHIP_CHECK)
    allowed = current_app.extensions.get(SHARED_SUBJECTS, {}).get(subject_type)
    if partner is None or _shared() is not None or _opted_out():
        raise SharedSubjectRefused("shared_subject() needs a current space, and nests nothing")
    if check is None or allowed is None or owner_tenant_id == partner:
        raise SharedSubjectRefused(f"{subject_type!r} is not shared between spaces")
    if not check(owner_tenant_id, partner, subject_type, int(subject_id)):
        raise SharedSubjectRefused(
            f"no accepted partnership shares {subject_type} {subject_id} of tenant "
            f"{owner_tenant_id} with tenant {partner}"
        )
    log.info(
        "shared subject opened: %s %s of tenant %s from tenant %s",
        subject_type, subject_id, owner_tenant_id, partner,
    )  # fmt: skip
    model, children = allowed
    g.shared_subject = {
        "owner": owner_tenant_id, "partner": partner, "type": subject_type,
        "id": int(subject_id), "model": model, "children": children,
    }  # fmt: skip
    set_current_tenant(owner_tenant_id)
    try:
        yield
    finally:
        set_current_tenant(partner)
        g.shared_subject = None


def _shared_criteria(shared: dict, mappers) -> list:
    """The loader criteria that keep a shared context to its one object; TenantViolation for a
    tenant table it does not open."""
    model, children = shared["model"], shared["children"]
    options = []
    for mapper in mappers:
        cls = mapper.class_
        if not issubclass(cls, TenantScoped):
            continue
        if cls is model:
            options.append(with_loader_criteria(cls, cls.id == shared["id"]))
        elif cls in children:
            name, fixed = _child_key(children[cls])
            condition = and_(
                getattr(cls, name) == shared["id"],
                *(getattr(cls, column) == value for column, value in fixed.items()),
            )
            options.append(with_loader_criteria(cls, condition))
        else:
            raise TenantViolation(
                f"{cls.__name__} is not part of the shared {shared['type']} {shared['id']}"
            )
    return options


def _check_shared_write(shared: dict, obj) -> None:
    model, children = shared["model"], shared["children"]
    cls = type(obj)
    if cls is model:
        ok = obj.id == shared["id"]
    elif cls in children:
        name, fixed = _child_key(children[cls])
        ok = getattr(obj, name) == shared["id"] and all(
            getattr(obj, column) == value for column, value in fixed.items()
        )
    else:
        ok = False
    if not ok:
        raise TenantViolation(f"{obj!r} is not part of the shared {shared['type']} {shared['id']}")


# -- public rows of several spaces: the national overview ------------------------------------

PUBLIC_ROWS = "solidarna.public_rows"


def register_public_rows(app, model, public) -> None:
    """`model`'s rows may be read inside `public_rows()`, those for which `public()` (a SQL
    condition on the model, built on each use) holds: what a visitor sees of the model in its
    space. Registered by the capability that owns the model."""
    rows = app.extensions.setdefault(PUBLIC_ROWS, {})
    if model in rows:
        raise RuntimeError(f"public rows of {model.__name__} registered twice")
    rows[model] = public


def _public_spaces() -> tuple[int, ...] | None:
    return g.get("public_rows") if has_app_context() else None


@contextmanager
def public_rows(tenant_ids) -> Iterator[None]:
    """Read, for a block, the public rows of exactly the spaces `tenant_ids` (no current space
    needed; refused inside another space's context or shared subject, and when nested). Only
    ORM SELECTs of registered models run (`register_public_rows`), with `tenant_id IN ids`
    and each model's public condition; a write, `Session.get`, a Core statement or another
    tenant table raises TenantViolation. The only caller is the national overview
    (tenants/national.py: national_rows), which decides which spaces take part."""
    if _public_spaces() is not None or _shared() is not None or _opted_out():
        raise TenantViolation("public_rows() nests nothing and runs outside other opt-outs")
    ids = tuple(sorted({int(i) for i in tenant_ids})) or (-1,)  # none: a set no row is in
    log.info("public rows of tenants %s opened", ids)
    previous = current_tenant_id()
    set_current_tenant(None)
    g.public_rows = ids
    try:
        yield
    finally:
        g.public_rows = None
        set_current_tenant(previous)


def _public_statement(state: ORMExecuteState, ids: tuple[int, ...]) -> None:
    from solidarna.core.tenancy_statements import names_tenant_table_directly

    statement = state.statement
    if not state.is_select:
        raise TenantViolation("only SELECTs run inside public_rows()")
    if names_tenant_table_directly(statement):
        raise TenantViolation("a Core statement on a tenant table inside public_rows()")
    registered = current_app.extensions.get(PUBLIC_ROWS, {})
    options = []
    for mapper in state.all_mappers:
        cls = mapper.class_
        if not issubclass(cls, TenantScoped):
            continue
        public = registered.get(cls)
        if public is None:
            raise TenantViolation(f"{cls.__name__} has no public rows for the national overview")
        options.append(with_loader_criteria(cls, and_(cls.tenant_id.in_(ids), public())))
    if options:
        state.statement = statement.options(*options)
    state.update_execution_options(**{_CHECKED: True})


# -- the hooks ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _criteria(tenant_id: int):
    # Also reaches joined eager loads, which are compiled into the statement and never seen
    # by the walk (tenancy_statements); lazy loads carry it too, and get the current tenant's.
    return with_loader_criteria(
        TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
    )


def _cache_key(statement):
    try:
        return statement._generate_cache_key()  # memoized on the statement
    except (AttributeError, NotImplementedError):  # not cacheable: walked every time
        return None


#: execution option of a SELECT built once and executed again and again (module level, with
#: bind parameters): `select(...).execution_options(**{PREPARED: True})`
PREPARED = "tenancy_prepared"
#: id(SELECT statement object) -> (a weak reference to it, {(tenant id, orm): (the statement
#: that runs, whether it touches a tenant table)}): a statement built once and executed on
#: every request (tenants/routing.py) is walked, optioned and keyed once per tenant, so
#: SQLAlchemy's compiled cache finds it by its memoized key. Keyed by identity, never by an
#: attribute on the statement (generative methods copy those into derived statements).
_prepared: dict[int, tuple] = {}
_PREPARED_MAX = 256


def _forget_prepared(*_args) -> None:
    _prepared.clear()


event.listen(Mapper, "after_mapper_constructed", _forget_prepared)


def _prepared_for(statement, key):
    found = _prepared.get(id(statement))
    if found is None or found[0]() is not statement:
        return None
    return found[1].get(key)


def _keep_prepared(statement, key, value) -> None:
    found = _prepared.get(id(statement))
    if found is None or found[0]() is not statement:
        if len(_prepared) >= _PREPARED_MAX:
            _prepared.clear()
        ident = id(statement)
        try:
            ref = weakref.ref(statement, lambda _ref: _prepared.pop(ident, None))
        except TypeError:
            return
        found = _prepared[ident] = (ref, {})
    if len(found[1]) >= _PREPARED_MAX:  # one per tenant: bounded however many spaces run
        found[1].clear()
    found[1][key] = value


@event.listens_for(Session, "do_orm_execute")
def _filter_session_statement(state: ORMExecuteState) -> None:
    if state.execution_options.get("all_tenants") or _opted_out():
        return
    spaces = _public_spaces()
    if spaces is not None:
        _public_statement(state, spaces)
        return
    tenant_id = current_tenant_id()
    # A refresh of a loaded object gets no ORM criteria (the ORM skips them by design): the
    # walk filters it too, so another tenant's object does not reload under this one.
    orm = not state.is_column_load
    original = state.statement
    # Only SELECTs built once and marked so (an INSERT's check reads its parameters; a
    # statement built per request is never seen twice).
    # Never inside a shared subject (core/tenancy.shared_subject): there every statement gets
    # the shared object's criteria, which a kept statement would not carry.
    shared = _shared()
    memo = (
        (tenant_id, orm)
        if state.is_select and orm and shared is None and state.execution_options.get(PREPARED)
        else None
    )
    prepared = _prepared_for(original, memo) if memo is not None else None
    if prepared is not None:
        final, touched = prepared
        if tenant_id is None and touched:
            raise TenantRequired(
                "Statement on a tenant table with no current tenant; "
                "use tenant_context() or, deliberately, cross_tenant()."
            )
        state.statement = final
        state.update_execution_options(**{_CHECKED: True})
        return
    # The statement that will run, if the walk changes nothing: its cache key is computed
    # once, for the walk's cache and for SQLAlchemy's compiled cache.
    final = original
    if tenant_id is not None and (state.is_select or state.is_update or state.is_delete):
        final = original.options(_criteria(tenant_id))
    statement, touched = restrict(
        original, tenant_id, orm=orm, parameters=state.parameters, cache_key=_cache_key(final)
    )
    touched = touched or any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)
    if tenant_id is None and touched:
        raise TenantRequired(
            "Statement on a tenant table with no current tenant; "
            "use tenant_context() or, deliberately, cross_tenant()."
        )
    if statement is not original:
        final = statement.options(_criteria(tenant_id)) if final is not original else statement
    if shared is not None and touched:
        if not state.all_mappers:
            raise TenantViolation("only ORM statements run inside a shared subject")
        options = _shared_criteria(shared, state.all_mappers)
        if options:
            final = final.options(*options)
    elif memo is not None:
        _keep_prepared(original, memo, (final, touched))
    state.statement = final
    state.update_execution_options(**{_CHECKED: True})


@event.listens_for(Engine, "before_execute", retval=True)
def _filter_connection_statement(conn, statement, multiparams, params, execution_options):
    """What reaches a connection without the session hook: the unit of work's own statements,
    and anything executed on `session.connection()` or `engine.connect()` directly."""
    if (
        not has_app_context()
        or execution_options.get(_CHECKED)
        or execution_options.get("all_tenants")
        or _opted_out()
        or isinstance(statement, ExecutableDDLElement)
    ):
        return statement, multiparams, params
    tenant_id = current_tenant_id()
    if is_orm(statement):
        _, touched = restrict(statement, tenant_id, orm=False, parameters=multiparams or params)
        if touched:
            raise TenantViolation(
                "an ORM statement on a tenant table executed on a bare connection; "
                "execute it with db.session.execute()"
            )
        return statement, multiparams, params
    statement, touched = restrict(
        statement,
        tenant_id,
        orm=False,
        parameters=multiparams or params,
        cache_key=_cache_key(statement),
    )
    if tenant_id is None and touched:
        raise TenantRequired(
            "Statement on a tenant table with no current tenant; "
            "use tenant_context() or, deliberately, cross_tenant()."
        )
    return statement, multiparams, params


_DATA_SQL = re.compile(r"^\s*(?:select|insert|update|delete|with|replace|merge)\b", re.I)


@event.listens_for(Engine, "before_cursor_execute")
def _refuse_driver_sql(conn, cursor, statement, parameters, context, executemany) -> None:
    """`exec_driver_sql` skips `before_execute`: its SQL string is all there is to check."""
    if context is None or context.compiled is not None or not has_app_context():
        return
    if context.execution_options.get("all_tenants") or _opted_out():
        return
    if _DATA_SQL.match(statement):  # not PRAGMA and the like, which reflection sends
        refuse_raw_sql(statement)


class TenantSession(FlaskSession):
    """`get()` answers from the identity map when the object is already loaded, without a
    statement the hook could filter: an object of another tenant loaded earlier in the same
    session (a command working through several spaces) is not returned."""

    def get(self, entity, ident, **kwargs):
        if _public_spaces() is not None and issubclass(entity, TenantScoped):
            raise TenantViolation("get() inside public_rows(): select the public rows instead")
        obj = super().get(entity, ident, **kwargs)
        if obj is None or not isinstance(obj, TenantScoped) or _opted_out():
            return obj
        if (kwargs.get("execution_options") or {}).get("all_tenants"):
            return obj
        shared = _shared()
        if shared is not None:
            try:
                _check_shared_write(shared, obj)
            except TenantViolation:
                return None
        tenant_id = current_tenant_id()
        if tenant_id is None:
            raise TenantRequired(f"get({entity.__name__}) with no current tenant")
        owner = inspect(obj).dict.get("tenant_id")  # loaded value: no refresh, no statement
        return obj if owner == tenant_id else None


@event.listens_for(Session, "before_flush")
def _check_tenant_on_flush(session: Session, flush_context, instances) -> None:
    if _public_spaces() is not None:
        for obj in chain(session.new, session.dirty, session.deleted):
            if isinstance(obj, TenantScoped):
                raise TenantViolation(f"{obj!r} written inside public_rows(), which only reads")
    if _opted_out():
        for obj in session.new:
            if isinstance(obj, TenantScoped) and obj.tenant_id is None:
                raise TenantRequired(f"{obj!r} has no tenant_id and no tenant is current")
        return
    tenant_id = current_tenant_id()
    shared = _shared()
    if shared is not None:
        for obj in chain(session.new, session.dirty, session.deleted):
            if isinstance(obj, TenantScoped):
                _check_shared_write(shared, obj)
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
            owner = _owner(obj)
            if owner != tenant_id:
                raise TenantViolation(f"{obj!r} belongs to tenant {owner}, not {tenant_id}")


def _owner(obj: TenantScoped) -> int:
    """The tenant of an object about to be written, even if expired: another tenant's row
    would not refresh under the current one."""
    if "tenant_id" in inspect(obj).unloaded:
        with cross_tenant():
            return obj.tenant_id
    return obj.tenant_id
