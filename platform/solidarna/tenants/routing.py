"""Tenant URL resolution, in one place (DESIGN §3).

Every tenant page lives under /<tenant_slug>/... and is registered on a `TenantBlueprint`.
Before the view runs, the slug is resolved to `g.tenant`, the current tenant id is set for
the isolation hooks, and the current user's membership is loaded into `g.membership`.
Serving a tenant on its own host name later changes only `resolve_tenant`.
"""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import and_, bindparam
from sqlalchemy.orm import lazyload

from solidarna.accounts.models import User
from solidarna.core import pagecache
from solidarna.core.capabilities import module_gate
from solidarna.core.notifications import prefetched_unread_count, unread_count_column
from solidarna.core.permissions import can_view_tenant, is_platform_admin
from solidarna.core.rendering import render
from solidarna.core.tenancy import PREPARED, set_current_tenant
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Tenant

SLUG_ARG = "tenant_slug"


@functools.cache
def _tenant_by_slug():
    # Built once: the tenancy hook and SQLAlchemy's compiled cache know it by its identity
    # (core/tenancy.PREPARED) instead of walking and keying a new statement per request.
    return (
        db.select(Tenant)
        .where(Tenant.slug == bindparam("slug"))
        .execution_options(**{PREPARED: True})
    )


def resolve_tenant(slug: str) -> Tenant | None:
    if not slug or len(slug) > 40:
        return None
    return db.session.scalar(_tenant_by_slug(), {"slug": slug})


def _session_user_id() -> int | None:
    """The account id the signed session names (Flask-Login's `_user_id`, "<id>.<generation>"),
    before Flask-Login has checked it: only a guess of who is asking, for `_prefetch`."""
    uid = str(session.get("_user_id") or "").partition(".")[0]
    return int(uid) if uid.isdigit() and len(uid) <= 18 else None


@functools.cache
def _space_with_account():
    """The space by its slug with, in the same row, the account the session names, its unread
    count and its membership in that space (outer joins: a space is found whoever asks). It
    runs before the current tenant is known, so it is one of the reviewed statements outside
    the isolation hooks (`all_tenants`, core/tenancy.py): the one tenant table it reads,
    memberships, is joined on the space it finds (`Membership.tenant_id == Tenant.id`)."""
    return (
        db.select(Tenant, User, unread_count_column(User.id), Membership)
        .select_from(Tenant)
        .outerjoin(User, User.id == bindparam("user"))
        .outerjoin(
            Membership, and_(Membership.user_id == User.id, Membership.tenant_id == Tenant.id)
        )
        .where(Tenant.slug == bindparam("slug"))
        .options(lazyload(Membership.user))
        .execution_options(all_tenants=True)
    )


@functools.cache
def _space_with_account_and(marker_statement):
    """`_space_with_account` with, in the same row, the extra columns of a page marker's
    statement (core/pagecache.py `FrontMarker.prefetch`: scalar subqueries correlated on
    the space's row, each over the space's own rows): built once per marker statement."""
    return _space_with_account().add_columns(*marker_statement.selected_columns[4:])


def _page_marker(endpoint: str | None):
    """The endpoint's page marker, if it reads with the space (`FrontMarker.prefetch`)."""
    marker = getattr(current_app.view_functions.get(endpoint), "pagecache_marker", None)
    return marker if getattr(marker, "prefetch", None) is not None else None


def _space_and_account(
    slug: str, user_id: int, endpoint: str | None = None
) -> tuple[Tenant | None, bool, Membership | None]:
    """The space, and the account the session names with its unread count and membership, in
    one statement for a logged-in person's request (with the columns of the page's marker,
    if it reads with the space: `_page_marker`). The account lands in the session's
    identity map, where Flask-Login's loader (accounts/__init__.py) finds it without a
    statement and still checks it (session generation, active)."""
    if not slug or len(slug) > 40:
        return None, False, None
    marker = _page_marker(endpoint)
    if marker is None:
        row = db.session.execute(_space_with_account(), {"slug": slug, "user": user_id}).first()
    else:
        statement, params = marker.prefetch()
        row = db.session.execute(
            _space_with_account_and(statement), {**params, "slug": slug, "user": user_id}
        ).first()
    if row is None:
        return None, False, None
    tenant, account, unread, membership = row[:4]
    if marker is not None:
        pagecache.prefetched(statement, tenant, row[4:])
    if account is None:
        return tenant, False, None
    g.prefetched_account = account  # the identity map holds it only while something does
    prefetched_unread_count(user_id, unread)
    return tenant, True, membership


def load_membership(user_id: int | None, found: bool, membership: Membership | None):
    """The logged-in person's membership in the current space: the one read with the space
    (`_space_and_account`) when the account Flask-Login accepted is the one the session
    named, else its own statement."""
    if not current_user.is_authenticated:
        return None
    if found and current_user.id == user_id:
        return membership
    return db.session.scalar(db.select(Membership).where(Membership.user_id == current_user.id))


def _pull_tenant(endpoint, values) -> None:
    if values is None or SLUG_ARG not in values:
        return
    slug = values.pop(SLUG_ARG)
    user_id = _session_user_id()
    if user_id is None:
        tenant, found, membership = resolve_tenant(slug), False, None
    else:  # the space, the account and its membership in one statement
        tenant, found, membership = _space_and_account(slug, user_id, endpoint)
    if tenant is None:
        abort(404)
    g.tenant = tenant
    g.tenant_default_locale = tenant.default_locale
    set_current_tenant(tenant.id)
    g.membership = load_membership(user_id, found, membership)


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


# Endpoints that a members-only tenant still shows to outsiders: its name (and logo, colour)
# and how to join.
PUBLIC_IN_PRIVATE = {"tenant.home", "tenant.join", "tenant.invitation", "tenant.theme",
                     "tenant.logo"}  # fmt: skip


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
