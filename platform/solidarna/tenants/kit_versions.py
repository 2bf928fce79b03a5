"""Versioned kits (issue 17): platform admins publish kits (from the web or `flask kits
publish FILE`), each version stored whole (its TOML text) in `kit_versions`, a platform-level
table like `space_applications`; every space remembers in `space_kits` the kit and version it
came from, and the sections as that version gave them (the base of the three-way comparison
in tenants/kit_upgrades.py).

The kits shipped in tenants/ are version 1 of the kit named by their file (or their [kit]
slug) until a newer version is published; a kit's current version is the newest of the two."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core import audit
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.extensions import db
from solidarna.tenants.kits import KIT_DIR, Kit, KitError, load_kit, parse_kit
from solidarna.tenants.models import Tenant

#: the longest kit text stored (the pilot kits are about 60 KiB)
MAX_KIT_BYTES = 256 * 1024


class KitVersion(db.Model):
    """One published version of a kit: its whole text, who published it and when."""

    __tablename__ = "kit_versions"
    __table_args__ = (UniqueConstraint("slug", "version", name="uq_kit_versions_slug_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    published_by: Mapped[User | None] = relationship()

    @property
    def audit_label(self) -> str:
        return f"{self.slug} {self.version}"

    def kit(self) -> Kit:
        return parse_kit(self.text, f"{self.slug}@{self.version}")


class SpaceKit(db.Model):
    """The kit a space came from: its slug and the version last applied, the sections that
    version gave the space (`base`: what the space's own edits are told apart from) and the
    items of newer versions the owners declined (not offered again).

    One row per space, keyed by the space like `tenants` itself (not TenantScoped: spaces are
    created outside any tenant context); every read names the space's id."""

    __tablename__ = "space_kits"

    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    kit_slug: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int]
    #: {"taxonomies": {...}, "starter": {...}} as the version gave them
    base: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{"path": "taxonomies.extra_actor_types", "item": "...", "digest": "..."}]
    declined: Mapped[list] = mapped_column(JSON, default=list)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublishError(Exception):
    """A kit cannot be published: `problems` as (line or None, key, message)."""

    def __init__(self, problems: list[tuple[int | None, str, object]]):
        self.problems = problems
        super().__init__("; ".join(f"{key}: {message}" for _, key, message in problems))


@dataclass(frozen=True)
class Available:
    """A kit a space can start from: its newest version, published or shipped."""

    slug: str
    name: str
    version: int
    #: the published row, or None for a shipped file
    published: KitVersion | None
    path: Path | None
    #: a shipped kit's [tenant] table (its name and English name label it)
    tenant: dict | None = None

    def load(self, slug: str | None = None) -> Kit:
        if self.published is not None:
            return parse_kit(self.published.text, f"{self.slug}@{self.version}", slug=slug)
        return load_kit(self.path, slug=slug)


# --- where an error is in the text ------------------------------------------------------------


def line_of(text: str, key: str) -> int | None:
    """The line (from 1) a kit problem's key points at: `tenant.region` the `region =` line
    of [tenant], `starter.survey_templates` the first [[starter.survey_templates]] header."""
    if not key or key == "-":
        return None
    table, _, name = key.partition(".")
    current = None
    header_line = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            current = line.strip("[]").strip()
            if current == key or current.startswith(key + "."):
                return number
            if current == table and header_line is None:
                header_line = number
            continue
        if current == table and name and line.split("=", 1)[0].strip() == name:
            return number
    return header_line


def decode_error_line(message: str) -> int | None:
    """tomllib's messages end in "(at line 3, column 5)"."""
    import re

    found = re.search(r"at line (\d+)", message)
    return int(found.group(1)) if found else None


# --- reading ---------------------------------------------------------------------------------


def latest_published(slug: str) -> KitVersion | None:
    return db.session.scalar(
        db.select(KitVersion).where(KitVersion.slug == slug).order_by(KitVersion.version.desc())
    )


def shipped() -> dict[str, tuple[Path, Kit]]:
    """The kits in tenants/ that load: kit slug -> (path, kit)."""
    found = {}
    for path in sorted(KIT_DIR.glob("*.toml")):
        try:
            kit = load_kit(path)
        except KitError:
            continue
        found[kit.meta["slug"] or path.stem] = (path, kit)
    return found


def available() -> dict[str, Available]:
    """Every kit a space can start from, at its newest version, by slug."""
    found = {}
    for slug, (path, kit) in shipped().items():
        name = kit.meta["name"] or kit.tenant["name"]
        found[slug] = Available(slug, name, kit.version, None, path, kit.tenant)
    newest = (
        db.select(KitVersion.slug, db.func.max(KitVersion.version).label("version"))
        .group_by(KitVersion.slug)
        .subquery()
    )
    rows = db.session.scalars(
        db.select(KitVersion).join(
            newest,
            (KitVersion.slug == newest.c.slug) & (KitVersion.version == newest.c.version),
        )
    ).all()
    for row in rows:
        if slug_version(found.get(row.slug)) < row.version:
            found[row.slug] = Available(row.slug, row.name, row.version, row, None)
    return dict(sorted(found.items()))


def slug_version(item: Available | None) -> int:
    return item.version if item is not None else 0


def current_version(slug: str) -> int:
    """The newest version of a kit, published or shipped (0: no such kit)."""
    published = db.session.scalar(
        db.select(db.func.max(KitVersion.version)).where(KitVersion.slug == slug)
    )
    file = shipped().get(slug)
    return max(published or 0, file[1].version if file else 0)


def published_rows() -> list[KitVersion]:
    return db.session.scalars(
        db.select(KitVersion).order_by(KitVersion.slug, KitVersion.version.desc())
    ).all()


def origin(tenant: Tenant) -> SpaceKit | None:
    return db.session.get(SpaceKit, tenant.id)


def upgrade_for(tenant: Tenant) -> KitVersion | None:
    """The newest published version of the space's kit, if it is newer than the space's."""
    row = origin(tenant)
    if row is None:
        return None
    newest = latest_published(row.kit_slug)
    return newest if newest is not None and newest.version > row.version else None


# --- writing ---------------------------------------------------------------------------------


def publish(text: str, source: str, by: User | None, slug: str | None = None) -> KitVersion:
    """Validate and store a new version of a kit. Bad TOML, a failing section or a version
    that does not raise the kit's newest one: PublishError, nothing stored. The caller
    commits."""
    if len(text.encode("utf-8")) > MAX_KIT_BYTES:
        raise PublishError([(None, "-", _l("The kit is too large (at most 256 KiB)."))])
    try:
        kit = parse_kit(text, source)
    except KitError as error:
        raise PublishError(
            [
                (
                    decode_error_line(str(problem)) if key == "-" else line_of(text, key),
                    key,
                    problem,
                )
                for key, problem in error.problems
            ]
        ) from None
    slug = kit.meta["slug"] or slug
    if not slug:
        raise PublishError(
            [(line_of(text, "kit"), "kit.slug", _l("A published kit needs [kit] slug."))]
        )
    if "version" not in _raw_kit_table(text):
        raise PublishError(
            [(line_of(text, "kit"), "kit.version", _l("A published kit needs [kit] version."))]
        )
    newest = current_version(slug)
    if kit.version <= newest:
        raise PublishError(
            [
                (
                    line_of(text, "kit.version"),
                    "kit.version",
                    _l(
                        "Version %(version)d is not newer than %(newest)d, the newest version "
                        "of the kit %(slug)s.",
                        version=kit.version,
                        newest=newest,
                        slug=slug,
                    ),
                )
            ]
        )
    row = KitVersion(
        slug=slug,
        name=kit.meta["name"] or kit.tenant["name"],
        version=kit.version,
        text=text,
        published_by_id=by.id if by is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("kit.published", target=row, actor=by, kit=slug, version=kit.version)
    return row


def _raw_kit_table(text: str) -> dict:
    import tomllib

    raw = tomllib.loads(text).get("kit")
    return raw if isinstance(raw, dict) else {}


def remember_origin(tenant: Tenant, kit_slug: str, kit: Kit) -> SpaceKit:
    """Record that the (flushed) space was made from this kit and version."""
    row = SpaceKit(
        tenant_id=tenant.id,
        kit_slug=kit_slug,
        version=kit.version,
        base=_copy(kit.sections()),
        declined=[],
        applied_at=utcnow(),
    )
    db.session.add(row)
    return row


def _copy(value):
    import copy

    return copy.deepcopy(value)
