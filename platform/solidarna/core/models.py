"""Declarative base and the mixins every model builds on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, registry

# Named constraints so that migrations are stable and portable (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _listed(values: Iterable[str]) -> str:
    codes = sorted(set(values))  # sorted: the DDL (and the migration's copy) is stable
    if not codes or not all(isinstance(code, str) and "'" not in code for code in codes):
        raise ValueError(f"a CHECK needs plain string codes, got {codes!r}")
    return ", ".join(f"'{code}'" for code in codes)


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """CHECK that `column` holds one of `values`: pass the very dict or tuple the code uses
    (ROLE_LABELS, MEMBERSHIP_STATUSES ...), so the database refuses whatever the code does not
    know, whichever path writes it. Named ck_<table>_<column> by the naming convention. NULL
    passes (`NULL IN (...)` is unknown, which a CHECK accepts): a nullable column stays so.
    A new value therefore needs a migration, like any schema change."""
    return CheckConstraint(f"{column} IN ({_listed(values)})", name=name or column)


def one_of_each(
    key: str, column: str, values_by_key: dict[str, Iterable[str]], name: str | None = None
) -> CheckConstraint:
    """CHECK that `column` holds one of the values allowed for the row's `key` (e.g. a tag's
    value within its facet's code list)."""
    cases = " OR ".join(
        f"({key} = {_listed([k])} AND {column} IN ({_listed(v)}))"
        for k, v in sorted(values_by_key.items())
    )
    return CheckConstraint(cases, name=name or column)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on both databases.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so values come back naive and
    are marked UTC here. Everything in the database is UTC; display converts via Babel.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None and dialect.name == "sqlite":
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TenantScoped:
    """A row that belongs to exactly one tenant.

    Reads, updates and deletes are filtered to the current tenant and new rows get its id,
    automatically (see core/tenancy.py). Unique constraints and indexes of such tables
    lead with tenant_id.
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
