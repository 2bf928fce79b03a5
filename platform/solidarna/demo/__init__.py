"""Demo data for `make run`: `flask demo load` (idempotent) and `flask demo accounts`."""

from __future__ import annotations

import click
from flask import Flask

from solidarna.accounts.models import User
from solidarna.core.models import utcnow
from solidarna.extensions import db

# Clearly fictional people; example.org is reserved for documentation (RFC 2606).
DEMO_PASSWORD = "solidarna-demo-2026"
DEMO_USERS = [
    # email, name, platform admin, what they show
    ("admin@example.org", "Ana Administratorka", True, "platform admin"),
    ("marko@example.org", "Marko Primerović", False, "member"),
]


def load() -> int:
    created = 0
    for email, name, platform_admin, _role in DEMO_USERS:
        user = User.by_email(email)
        if user is None:
            user = User(email=email, name=name, is_platform_admin=platform_admin,
                        email_verified_at=utcnow())
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            created += 1
    db.session.commit()
    return created


def init_app(app: Flask) -> None:
    @app.cli.group("demo")
    def demo_cli() -> None:
        """Demo data (fictional)."""

    @demo_cli.command("load")
    def load_command() -> None:
        """Load the demo data; safe to run again."""
        created = load()
        click.echo(f"Demo data loaded ({created} new accounts).")

    @demo_cli.command("accounts")
    def accounts_command() -> None:
        """Print the demo logins."""
        click.echo(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, _admin, role in DEMO_USERS:
            click.echo(f"    {email:<28} {role}")
