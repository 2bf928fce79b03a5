"""flask tenants create --kit FILE [--slug S] | list | export SLUG."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from solidarna.core import audit
from solidarna.extensions import db
from solidarna.tenants.kits import KitError, apply_kit, export_kit, load_kit
from solidarna.tenants.models import Tenant
from solidarna.tenants.services import member_counts


def create_from_kit(path: str | Path, slug: str | None = None) -> Tenant:
    kit = load_kit(path, slug=slug)
    if db.session.scalar(db.select(Tenant.id).where(Tenant.slug == kit.tenant["slug"])):
        raise KitError(
            str(path),
            [("tenant.slug", _l("a tenant %(slug)r already exists", slug=kit.tenant["slug"]))],
        )
    tenant = apply_kit(kit)
    db.session.add(tenant)
    db.session.flush()
    audit.record("tenant.created", target=tenant, tenant_id=tenant.id, how="kit", kit=str(path))
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
