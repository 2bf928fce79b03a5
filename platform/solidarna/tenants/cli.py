"""flask tenants create --kit FILE [--slug S] | list | export SLUG;
flask kits publish FILE | list."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_babel import force_locale

from solidarna.core import audit
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.extensions import db
from solidarna.tenants import kit_versions
from solidarna.tenants.kits import Kit, KitError, apply_kit, export_kit, load_kit
from solidarna.tenants.models import Tenant
from solidarna.tenants.services import member_counts


def create_from_kit(path: str | Path, slug: str | None = None) -> Tenant:
    """A space from a kit file; it remembers the kit ([kit] slug, else the file's name) and
    its version."""
    kit = load_kit(path, slug=slug)
    return create_from(kit, kit.meta["slug"] or Path(path).stem, str(path))


def create_from(kit: Kit, kit_slug: str, source: str) -> Tenant:
    if db.session.scalar(db.select(Tenant.id).where(Tenant.slug == kit.tenant["slug"])):
        raise KitError(
            source,
            [("tenant.slug", _l("a tenant %(slug)r already exists", slug=kit.tenant["slug"]))],
        )
    tenant = apply_kit(kit)
    db.session.add(tenant)
    db.session.flush()
    kit_versions.remember_origin(tenant, kit_slug, kit)
    audit.record(
        "tenant.created",
        target=tenant,
        tenant_id=tenant.id,
        how="kit",
        kit=kit_slug,
        version=kit.version,
    )
    return tenant


def init_app(app: Flask) -> None:
    @app.cli.group("tenants")
    def tenants_cli() -> None:
        """Tenant spaces and kits."""

    @tenants_cli.command("create")
    @click.option("--kit", "kit_path", required=True, type=click.Path(dir_okay=False))
    @click.option("--slug", default=None, help="Use this address instead of the kit's.")
    def create(kit_path: str, slug: str | None) -> None:
        """Create a tenant from a kit file."""
        try:
            tenant = create_from_kit(kit_path, slug)
        except KitError as error:
            with force_locale("en"):  # operators' commands answer in English
                raise click.ClickException(f"invalid kit:\n{error}") from None
        db.session.commit()
        click.echo(f"Created tenant {tenant.slug}: {tenant.name}")

    @tenants_cli.command("list")
    def list_tenants() -> None:
        """List tenants with their member counts."""
        counts = member_counts("active")
        for tenant in db.session.scalars(db.select(Tenant).order_by(Tenant.slug)):
            click.echo(
                f"{tenant.slug}\t{tenant.kind}\t{tenant.status}\t"
                f"{counts.get(tenant.id, 0)} members\t{tenant.name}"
            )

    @tenants_cli.command("export")
    @click.argument("slug")
    @click.option(
        "--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout)."
    )
    def export(slug: str, output: str | None) -> None:
        """Write a tenant's settings back out as a kit."""
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise click.ClickException(f"no tenant {slug!r}")
        text = export_kit(tenant)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            click.echo(f"Wrote {output}")
        else:
            click.echo(text, nl=False)

    @app.cli.group("kits")
    def kits_cli() -> None:
        """Published kits: the versions new spaces start from and spaces upgrade to."""

    @kits_cli.command("publish")
    @click.argument("path", type=click.Path(dir_okay=False, exists=True))
    @click.option("--slug", default=None, help="The kit's slug when [kit] has none.")
    def publish(path: str, slug: str | None) -> None:
        """Publish a new version of a kit (its [kit] version must be newer)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise click.ClickException(f"{path}: is not UTF-8 text") from None
        try:
            row = kit_versions.publish(text, path, None, slug=slug or Path(path).stem)
        except kit_versions.PublishError as error:
            with force_locale("en"):
                lines = [
                    f"{path}:{line or '-'}: {key}: {message}"
                    for line, key, message in error.problems
                ]
            raise click.ClickException("cannot publish:\n" + "\n".join(lines)) from None
        db.session.commit()
        click.echo(f"Published kit {row.slug} version {row.version}: {row.name}")

    @kits_cli.command("list")
    def list_kits() -> None:
        """The kits new spaces can start from (newest versions) and every published one."""
        for kit in kit_versions.available().values():
            where = "published" if kit.published is not None else f"file {kit.path.name}"
            click.echo(f"{kit.slug}\t{kit.version}\t{where}\t{kit.name}")
        for row in kit_versions.published_rows():
            when = row.published_at.strftime("%Y-%m-%d %H:%M UTC")
            who = row.published_by.name if row.published_by else "cli"
            click.echo(f"  {row.slug} {row.version}\t{when}\t{who}")
