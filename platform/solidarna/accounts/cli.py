"""Operator commands: flask users create / list."""

from __future__ import annotations

import click
from flask import Flask

from solidarna.accounts.models import User, normalise_email
from solidarna.accounts.services import password_problem
from solidarna.core import audit
from solidarna.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.group("users")
    def users_cli() -> None:
        """User accounts."""

    @users_cli.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--platform-admin", is_flag=True, help="Give the platform admin flag.")
    @click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Read from stdin or prompted; avoid passing it on the command line.",
    )
    def create_user(email: str, name: str, platform_admin: bool, password: str) -> None:
        """Create a confirmed account (password from stdin or a prompt)."""
        email = normalise_email(email)
        if User.by_email(email):
            raise click.ClickException(f"An account with {email} already exists.")
        problem = password_problem(password, email=email, name=name)
        if problem:
            raise click.ClickException(problem)
        user = User(email=email, name=name, is_platform_admin=platform_admin)
        user.set_password(password)
        user.mark_verified()
        db.session.add(user)
        db.session.flush()
        audit.record("account.created_by_operator", target=user, platform_admin=platform_admin)
        db.session.commit()
        click.echo(f"Created {email}{' (platform admin)' if platform_admin else ''}.")

    @users_cli.command("list")
    def list_users() -> None:
        """List accounts."""
        for user in db.session.scalars(db.select(User).order_by(User.id)):
            flags = " ".join(
                f
                for f, on in (
                    ("admin", user.is_platform_admin),
                    ("unverified", not user.is_verified),
                )
                if on
            )
            click.echo(f"{user.id}\t{user.email}\t{user.name}\t{flags}")
