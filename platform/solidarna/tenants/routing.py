"""Tenant URL resolution, in one place (DESIGN §3).

Every tenant page lives under /<tenant_slug>/... and is registered on a `TenantBlueprint`.
Before the view runs, the slug is resolved to `g.tenant`, the current tenant id is set for
the isolation hooks, and the current user's membership is loaded into `g.membership`.
Serving a tenant on its own host name later changes only `resolve_tenant`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, request
from flask_login import current_user

from solidarna.core.capabilities import module_gate
from solidarna.core.permissions import can_view_tenant, is_platform_admin
from solidarna.core.rendering import render
from solidarna.core.tenancy import set_current_tenant
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Tenant

SLUG_ARG = "tenant_slug"


def resolve_tenant(slug: str) -> Tenant | None:
    if not slug or len(slug) > 40:
        return None
    return db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))


def load_membership(tenant: Tenant) -> Membership | None:
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(db.select(Membership).where(Membership.user_id == current_user.id))


def _pull_tenant(endpoint, values) -> None:
    if values is None or SLUG_ARG not in values:
        return
    slug = values.pop(SLUG_ARG)
    tenant = resolve_tenant(slug)
    if tenant is None:
        abort(404)
    g.tenant = tenant
    g.tenant_default_locale = tenant.default_locale
    set_current_tenant(tenant.id)
    g.membership = load_membership(tenant)


def _guard_tenant():
    """Suspended spaces show a clear page; members-only spaces show outsiders only the home."""
    tenant = g.get("tenant")
    if tenant is None:
        return None
    if not tenant.is_active and not is_platform_admin(current_user):
        return render("tenants/suspended.html", status=403)
    if not can_view_tenant(current_user, tenant) and request.endpoint not in PUBLIC_IN_PRIVATE:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        abort(404)
    return None


# Endpoints that a members-only tenant still shows to outsiders: its name and how to join.
PUBLIC_IN_PRIVATE = {"tenant.home", "tenant.join", "tenant.invitation", "tenant.theme"}


def _push_slug(endpoint, values) -> None:
    if SLUG_ARG not in values and g.get("tenant") is not None:
        values[SLUG_ARG] = g.tenant.slug


class TenantBlueprint(Blueprint):
    """A blueprint whose routes all live under /<tenant_slug>/<url_prefix>. Its templates get
    `tenant` (the current space) without each view passing it. Whether its pages exist in a
    space is decided by the capability that registers it (core/capabilities.py: a capability
    with a module answers 404 in spaces that have the module off)."""

    def __init__(self, name: str, import_name: str, url_prefix: str = "", **kwargs):
        super().__init__(name, import_name, url_prefix=f"/<{SLUG_ARG}>{url_prefix}", **kwargs)
        self.url_value_preprocessor(_pull_tenant)
        self.url_defaults(_push_slug)
        self.before_request(_guard_tenant)
        self.before_request(module_gate)
        self.context_processor(_tenant_in_templates)


def _tenant_in_templates() -> dict:
    return {"tenant": g.get("tenant")}
