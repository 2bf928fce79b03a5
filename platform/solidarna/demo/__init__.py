"""Demo data for `make run`: `flask demo load` (idempotent) and `flask demo accounts`.

Everything here is fictional: the people, their e-mail addresses (example.org is reserved
for documentation, RFC 2606) and their organizations."""

from __future__ import annotations

import click
from flask import Flask

from solidarna.accounts.models import User
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.demo.campaigns import load_campaigns
from solidarna.demo.directory import load_directory
from solidarna.demo.discussions import load_discussions
from solidarna.demo.events import load_events
from solidarna.demo.groups import load_groups
from solidarna.demo.news import load_news
from solidarna.demo.proposals import load_proposals
from solidarna.demo.research import load_research
from solidarna.demo.support import load_support
from solidarna.extensions import db
from solidarna.tenants.cli import create_from_kit
from solidarna.tenants.kits import KIT_DIR
from solidarna.tenants.models import Membership, Tenant

DEMO_PASSWORD = "solidarna-demo-2026"

# email, name, platform admin
DEMO_USERS = [
    ("admin@example.org", "Ana Administratorka", True),
    ("jelena@example.org", "Jelena Primerović", False),
    ("milan@example.org", "Milan Izmišljeni", False),
    ("vesna@example.org", "Vesna Moderatorić", False),
    ("marko@example.org", "Marko Zadrugić", False),
    ("dragana@example.org", "Dragana Udruženić", False),
    ("petar@example.org", "Petar Početnić", False),
    ("ivana@example.org", "Ivana Koalicić", False),
    ("nikola@example.org", "Nikola Novajlić", False),
]

# tenant slug -> [(email, role, status, message)]
DEMO_MEMBERSHIPS = {
    "krusevac": [
        ("jelena@example.org", "owner", "active", ""),
        ("milan@example.org", "admin", "active", ""),
        ("vesna@example.org", "moderator", "active", ""),
        (
            "marko@example.org",
            "member",
            "active",
            "Zadruga Rasinski med (izmišljena), predsednik zadruge.",
        ),
        (
            "dragana@example.org",
            "member",
            "pending",
            "Udruženje Ruke za Trstenik (izmišljeno), koordinatorka programa radne integracije.",
        ),
        (
            "petar@example.org",
            "member",
            "pending",
            "Razmišljam da pokrenem socijalno preduzeće za preradu voća u Brusu.",
        ),
    ],
    "korse": [
        ("ivana@example.org", "owner", "active", ""),
        ("marko@example.org", "member", "active", "Zadruga Rasinski med (izmišljena)."),
        (
            "nikola@example.org",
            "member",
            "pending",
            "Mreža mladih zadrugara (izmišljena), Novi Sad.",
        ),
    ],
}

ROLE_NOTES = {
    "admin@example.org": "platform admin",
    "jelena@example.org": "owner of krusevac",
    "milan@example.org": "admin of krusevac",
    "vesna@example.org": "moderator of krusevac",
    "marko@example.org": "member of krusevac and korse",
    "dragana@example.org": "pending request in krusevac",
    "petar@example.org": "pending request in krusevac",
    "ivana@example.org": "owner of korse",
    "nikola@example.org": "pending request in korse",
}


def load() -> dict[str, int]:
    created = {"users": 0, "tenants": 0, "memberships": 0, "organizations": 0, "discussions": 0,
               "proposals": 0, "groups": 0, "advocacy platforms": 0, "surveys": 0,
               "news posts": 0, "events": 0, "support cases": 0}  # fmt: skip
    users = {}
    for email, name, platform_admin in DEMO_USERS:
        user = User.by_email(email)
        if user is None:
            user = User(
                email=email, name=name, is_platform_admin=platform_admin, email_verified_at=utcnow()
            )
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            created["users"] += 1
        users[email] = user
    db.session.flush()
    for slug in DEMO_MEMBERSHIPS:
        if db.session.scalar(db.select(Tenant.id).where(Tenant.slug == slug)) is None:
            tenant = create_from_kit(KIT_DIR / f"{slug}.toml")
            # the pilot spaces share their public data in the national overview (a new
            # space does not until its owners turn it on)
            tenant.in_national_overview = True
            created["tenants"] += 1
    db.session.flush()
    for slug, rows in DEMO_MEMBERSHIPS.items():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))
        with tenant_context(tenant.id):
            for email, role, status, message in rows:
                user = users[email]
                exists = db.session.scalar(
                    db.select(Membership.id).where(Membership.user_id == user.id)
                )
                if exists is None:
                    membership = Membership(
                        user_id=user.id, role=role, status=status, message=message
                    )
                    if status == "active":
                        membership.decided_at = utcnow()
                    db.session.add(membership)
                    created["memberships"] += 1
            db.session.flush()
            created["organizations"] += load_directory(slug)
            created["discussions"] += load_discussions(tenant)
            if "proposals" in (tenant.modules or []):
                created["proposals"] += load_proposals(tenant)
            if "groups" in (tenant.modules or []):
                created["groups"] += load_groups(tenant)
            created["surveys"] += load_research(tenant)
            created["events"] += load_events(tenant)
            created["support cases"] += load_support(tenant)
    db.session.commit()
    created["advocacy platforms"] += load_campaigns()  # both spaces exist now
    created["news posts"] += load_news()
    return created


def init_app(app: Flask) -> None:
    @app.cli.group("demo")
    def demo_cli() -> None:
        """Demo data (fictional)."""

    @demo_cli.command("load")
    def load_command() -> None:
        """Load the demo data; safe to run again."""
        created = load()
        click.echo(
            "Demo data loaded: " + ", ".join(f"{n} new {k}" for k, n in created.items()) + "."
        )

    @demo_cli.command("accounts")
    def accounts_command() -> None:
        """Print the demo logins."""
        click.echo(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, _admin in DEMO_USERS:
            click.echo(f"    {email:<24} {ROLE_NOTES[email]}")
