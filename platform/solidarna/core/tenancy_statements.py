"""How one statement is filtered to the current tenant: a walk over its SELECTs, joins,
UPDATEs, DELETEs and INSERTs that adds `tenant_id = current` where the ORM's own criteria do
not reach, and refuses what cannot be filtered. The policy and the hooks that call it are in
core/tenancy.py; read its docstring first.

The walk reads a few private attributes of SQLAlchemy statements (`_from_obj`,
`_setup_joins`, `_raw_columns`, `_where_criteria`, `_values`), stable across 2.0 and pinned
in requirements.txt; tests/core/test_tenancy_statements.py checks each shape it handles.
"""

from __future__ import annotations

import functools
import re

from sqlalchemy import and_, event
from sqlalchemy.orm import Mapper
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter, ColumnClause, TextClause
from sqlalchemy.sql.expression import Alias, Delete, Insert, Join, Select, TableClause, Update

from solidarna.core.models import Base, TenantScoped

TENANT_COLUMN = "tenant_id"


class TenantRequired(RuntimeError):
    """A tenant table was used with no current tenant (fail closed)."""


class TenantViolation(RuntimeError):
    """A statement or object would cross the tenant boundary, or cannot be checked."""


# -- which tables are tenant tables ---------------------------------------------------------


@functools.cache
def _tenant_tables() -> tuple[frozenset[str], re.Pattern]:
    names = frozenset(
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    )
    # A name as an SQL identifier: not part of a longer word (organization_tags is not
    # organizations), quoted or not, schema-qualified or not.
    alternatives = "|".join(sorted(map(re.escape, names))) or "(?!)"
    return names, re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


@event.listens_for(Mapper, "after_mapper_constructed")
def _new_model(mapper, class_) -> None:
    # A model imported later is a tenant table too (and what the walk found may change).
    _tenant_tables.cache_clear()
    _walked.clear()


def _tenant_from(element) -> TableClause | Alias | None:
    """`element` if it is a tenant table or an alias of one (ORM aliased classes included)."""
    base = element.element if isinstance(element, Alias) else element
    if isinstance(base, TableClause) and base.name in _tenant_tables()[0]:
        return element
    return None


def _key(from_) -> tuple[str, str]:
    # Names are stable across clones and annotations (an ORM entity's table is an annotated
    # copy of the Table); identity is not.
    return ("alias" if isinstance(from_, Alias) else "table", str(from_.name))


def _criterion(from_, tenant_id: int):
    return from_.c[TENANT_COLUMN] == tenant_id


def refuse_raw_sql(sql: str) -> None:
    match = _tenant_tables()[1].search(sql)
    if match:
        raise TenantViolation(
            f"raw SQL naming the tenant table {match.group(0)!r} cannot be filtered; "
            "build it with db.select()/db.update(), or opt out with cross_tenant()"
        )


# -- what a statement needs -----------------------------------------------------------------


def is_orm(element) -> bool:
    return getattr(element, "_propagate_attrs", {}).get("compile_state_plugin") == "orm"


def _where_level(from_) -> list:
    """The FROM elements of `from_` whose rows a WHERE condition may restrict: all of a join
    except the right side of an outer join (its condition belongs in that join's ON)."""
    if isinstance(from_, Join):
        if from_.isouter or from_.full:
            return _where_level(from_.left)
        return _where_level(from_.left) + _where_level(from_.right)
    return [from_]


def _outer_sides(from_) -> list:
    """Every FROM element on the right of an outer join inside `from_`."""
    if not isinstance(from_, Join):
        return []
    right = _where_level(from_.right) if from_.isouter else []
    return right + _outer_sides(from_.left) + _outer_sides(from_.right)


def _join_needs(join: Join) -> list:
    """Tenant tables on the right of an outer join: their condition goes in its ON clause."""
    if join.full and any(map(_tenant_from, _where_level(join.left) + _where_level(join.right))):
        raise TenantViolation("a FULL OUTER JOIN of a tenant table cannot be filtered")
    if not join.isouter:
        return []
    return [f for f in _where_level(join.right) if _tenant_from(f) is not None]


def _orm_covered(select) -> set[tuple[str, str]]:
    """The FROMs (by `_key`) of an ORM select that `with_loader_criteria` filters: the
    entities of its columns, explicit FROMs and joins (the ORM adds their condition to WHERE
    or ON), however the table appears elsewhere in the statement."""
    # As the ORM picks each column's entity (`_ColumnEntity._for_columns`): its own, or the
    # first one found in the expression. (`column_descriptions` fails on `exists()`'s `*`.)
    entities = {
        column._annotations.get("parententity")
        or sql_util.extract_first_column_annotation(column, "parententity")
        for column in select._raw_columns
    }
    entities.update(f._annotations.get("parententity") for f in select._from_obj)
    entities.update(
        getattr(target, "_annotations", {}).get("parententity")
        for target, *_ in select._setup_joins
    )
    entities.discard(None)
    return {_key(entity.selectable) for entity in entities}


def _select_needs(select, *, orm: bool) -> tuple[list, list[int], bool]:
    """(FROMs that need the condition in WHERE, indexes of `.join()`s that need it in ON,
    whether the select touches a tenant table at all)."""
    touched = False
    covered = _orm_covered(select) if orm and is_orm(select) else set()
    refs = list(select.columns_clause_froms)
    for criterion in select._where_criteria:
        refs += criterion._from_objects
    outer = []  # restricted in their join's ON clause, never in WHERE (that would make it inner)
    for from_ in select._from_obj:
        refs += _where_level(from_)
        outer += _outer_sides(from_)
    outer_joins = []
    for index, (target, onclause, left, flags) in enumerate(select._setup_joins):
        if left is not None:
            refs += _where_level(left)
        if _tenant_from(target) is None:
            continue
        if flags.get("full"):
            raise TenantViolation("a FULL OUTER JOIN of a tenant table cannot be filtered")
        if flags.get("isouter") and _key(target) not in covered:
            if onclause is None:
                raise TenantViolation("an outer join to a tenant table needs an ON clause")
            outer_joins.append(index)
            outer.append(target)
            touched = True
        else:
            refs.append(target)
    groups: dict[tuple[str, str], list] = {}
    outer_keys = {_key(f) for f in outer}
    for ref in refs:
        if _tenant_from(ref) is not None and _key(ref) not in outer_keys:
            groups.setdefault(_key(ref), []).append(ref)
    where = []
    for key, group in groups.items():
        touched = True
        if key not in covered:
            where.append(group[0])
    return where, outer_joins, touched


def _dml_needs(statement, *, orm: bool) -> tuple[list, bool]:
    target = statement.table
    refs = [target]
    for criterion in statement._where_criteria:  # UPDATE ... FROM / DELETE ... USING
        refs += criterion._from_objects
    where, seen, touched = [], set(), False
    for ref in refs:
        if _tenant_from(ref) is None or _key(ref) in seen:
            continue
        seen.add(_key(ref))
        touched = True
        if not (orm and is_orm(statement) and ref is target):  # ORM DML: with_loader_criteria
            where.append(ref)
    return where, touched


def _check_insert(statement, parameters, tenant_id: int | None) -> None:
    """An INSERT into a tenant table must write the current tenant's id on every row."""
    if tenant_id is None:
        raise TenantRequired(f"INSERT into {statement.table.name} with no current tenant")
    wrong = TenantViolation(
        f"INSERT into {statement.table.name} must write tenant_id = {tenant_id} on every row"
    )
    if statement.select is not None:
        names = [getattr(n, "key", n) for n in statement._select_names]
        if TENANT_COLUMN not in names:
            raise wrong
        source = list(statement.select.selected_columns)[names.index(TENANT_COLUMN)]
        if isinstance(source, BindParameter) and source.value == tenant_id:
            return
        if (
            isinstance(source, ColumnClause)
            and source.name == TENANT_COLUMN
            and getattr(source, "table", None) is not None
            and _tenant_from(source.table) is not None
        ):
            return  # the SELECT it comes from is filtered to the current tenant
        raise wrong
    rows = [row for values in statement._multi_values for row in values]  # .values([...])
    fixed = {getattr(k, "key", k): v for k, v in (statement._values or {}).items()}
    if isinstance(parameters, dict):
        parameters = [parameters]
    rows += list(parameters or []) or ([] if rows else [{}])  # executemany, or one row
    for row in rows:
        if not isinstance(row, dict):
            raise wrong  # positional rows: write them as dictionaries
        row = {getattr(k, "key", k): v for k, v in row.items()}
        value = row.get(TENANT_COLUMN, fixed.get(TENANT_COLUMN))
        if isinstance(value, BindParameter):
            value = value.value
        if value != tenant_id:
            raise wrong


#: what the walk found, by statement structure: the same code builds the same statements again
#: and again, so most executions skip the walk. Only structure decides it (no bound values:
#: INSERTs, whose rows are checked, are walked every time).
_walked: dict[tuple, tuple[bool, bool]] = {}
_WALKED_MAX = 4096


def restrict(statement, tenant_id: int | None, *, orm: bool, parameters=None, cache_key=None):
    """(`statement` with the tenant condition wherever it is needed, whether it touches a
    tenant table). Refuses what cannot be filtered. `cache_key`: the statement's, if it
    has one (`_generate_cache_key()`, which SQLAlchemy memoizes and needs anyway)."""
    known = (cache_key.key, orm) if cache_key is not None else None
    if known in _walked:
        touched, rewrite = _walked[known]
        if not rewrite:
            return statement, touched
    touched = rewrite = inserts = False
    options = set()  # loader options are not clonable (and need no copy): left as they are
    for element in visitors.iterate(statement):
        options.update(getattr(element, "_with_options", ()))
        if isinstance(element, TextClause):
            refuse_raw_sql(element.text)
        elif isinstance(element, ColumnClause) and element.is_literal:
            refuse_raw_sql(element.name)
        elif isinstance(element, Select):
            where, joins, hit = _select_needs(element, orm=orm)
            touched |= hit
            rewrite |= bool(where or joins)
        elif isinstance(element, Join):
            needs = _join_needs(element)
            touched |= bool(needs)
            rewrite |= bool(needs)
        elif isinstance(element, (Update, Delete)):
            where, hit = _dml_needs(element, orm=orm)
            touched |= hit
            rewrite |= bool(where)
        elif isinstance(element, Insert) and _tenant_from(element.table) is not None:
            touched = inserts = True
            _check_insert(element, parameters, tenant_id)
        elif _tenant_from(element) is not None:
            touched = True
    if known is not None and not inserts:
        if len(_walked) >= _WALKED_MAX:
            _walked.clear()
        _walked[known] = (touched, rewrite)
    if tenant_id is None or not rewrite:
        return statement, touched

    # Post-order over a clone: each element is visited after its children were copied, so
    # the conditions refer to the copies actually in the new statement.
    def add_where(element, froms) -> None:
        if froms:
            element._where_criteria += tuple(_criterion(f, tenant_id) for f in froms)
            element._reset_memoizations()

    def visit_select(select) -> None:
        where, joins, _ = _select_needs(select, orm=orm)
        if joins:
            setup = list(select._setup_joins)
            for index in joins:
                target, onclause, left, flags = setup[index]
                setup[index] = (target, and_(onclause, _criterion(target, tenant_id)), left, flags)
            select._setup_joins = tuple(setup)
        add_where(select, where)

    def visit_join(join) -> None:
        needs = _join_needs(join)
        if needs:
            join.onclause = and_(join.onclause, *(_criterion(f, tenant_id) for f in needs))
            join._reset_memoizations()

    def visit_dml(dml) -> None:
        add_where(dml, _dml_needs(dml, orm=orm)[0])

    visitors_ = {"select": visit_select, "join": visit_join}
    visitors_.update(update=visit_dml, delete=visit_dml)
    return visitors.cloned_traverse(statement, {"stop_on": options}, visitors_), touched


def names_tenant_table_directly(statement) -> bool:
    """Whether a SELECT reads a tenant table other than through ORM entities (which
    `with_loader_criteria` filters): `Model.__table__`, a plain `Table`, a Core join. Used
    where only ORM criteria apply (core/tenancy.public_rows)."""
    for element in visitors.iterate(statement):
        if isinstance(element, TextClause):
            refuse_raw_sql(element.text)
        elif isinstance(element, ColumnClause) and element.is_literal:
            refuse_raw_sql(element.name)
        elif isinstance(element, Select):
            where, joins, _ = _select_needs(element, orm=True)
            if where or joins:
                return True
    return False
