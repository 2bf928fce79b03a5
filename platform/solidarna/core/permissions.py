"""The permission mechanism: composable predicates, roles, the tenant-level predicates and
the @require decorator. Capabilities keep their own rules in their own `permissions.py`
(DESIGN §12) and register the ones templates ask with `register_predicates`.

A predicate is a named check `pred(user, obj) -> bool`, composable like FlaskBB's:
`is_member & ~is_platform_admin`, `can_moderate | is_author`. Views and templates ask
`can_manage_members(user, tenant)`; nobody writes a role check inline. The tenant-level
predicates read the current membership that `tenants` loads per request (g.membership: an
object with `user_id`, `tenant_id`, `role` and `status`), so this module imports no capability.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g
from flask_login import current_user

ROLE_RANK = {"member": 1, "moderator": 2, "admin": 3, "owner": 4}
ROLES = tuple(ROLE_RANK)


# --- predicates ---------------------------------------------------------------------------------


class Predicate:
    """A named check of a person against an object (a tenant, an entry, a post ...).

    Called as `pred(user, obj)`; `user` may be None or an anonymous user (a visitor). `&`, `|`
    and `~` make new predicates whose name says how they were made, so a 403 in a log or a
    route listing reads `(is_member & can_edit_resource)`."""

    def __init__(self, check: Callable, name: str | None = None, doc: str | None = None):
        self.check = check
        self.__name__ = name or getattr(check, "__name__", repr(check))
        self.__doc__ = doc if doc is not None else getattr(check, "__doc__", None)

    def __call__(self, user, obj=None) -> bool:
        return bool(self.check(user, obj))

    def __and__(self, other: Callable) -> Predicate:
        other = predicate(other)
        return Predicate(
            lambda user, obj: self(user, obj) and other(user, obj),
            f"({self.__name__} & {other.__name__})",
        )

    def __or__(self, other: Callable) -> Predicate:
        other = predicate(other)
        return Predicate(
            lambda user, obj: self(user, obj) or other(user, obj),
            f"({self.__name__} | {other.__name__})",
        )

    def __invert__(self) -> Predicate:
        return Predicate(lambda user, obj: not self(user, obj), f"~{self.__name__}")

    def named(self, name: str, doc: str | None = None) -> Predicate:
        """The same check under a name of its own (for templates, logs and route listings)."""
        return Predicate(self.check, name, doc if doc is not None else self.__doc__)

    def __repr__(self) -> str:
        return f"<Predicate {self.__name__}>"


def predicate(fn: Callable) -> Predicate:
    """Decorator: `fn(user, obj) -> bool` as a composable Predicate of the same name."""
    return fn if isinstance(fn, Predicate) else Predicate(fn)


def register_predicates(app, *predicates: Callable) -> None:
    """Make predicates callable from templates under their names (`can_add_resource(...)`).
    A name is one rule: a second, different predicate under a name already taken would
    silently replace the first in every template, so it is refused."""
    for p in predicates:
        taken = app.jinja_env.globals.get(p.__name__)
        if (
            taken is not None
            and taken is not p
            and getattr(taken, "check", None) is not getattr(p, "check", object())
        ):
            raise RuntimeError(f"a template predicate named {p.__name__!r} is registered twice")
        app.jinja_env.globals[p.__name__] = p


# --- who is asking ------------------------------------------------------------------------------


def current_person():
    """The logged-in person as their User object (not the proxy), or None for a visitor:
    what services record as the actor and what predicates are asked about."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def current_membership():
    """The current user's membership in the current tenant, if any."""
    return g.get("membership")


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def tenant_id_of(obj) -> int | None:
    """The tenant a predicate's object belongs to: a Tenant itself, or anything tenant-scoped
    (an organization, a thread ...); None (the current tenant) for anything else."""
    if not obj:  # None, or a template's undefined `tenant`
        return None
    if getattr(obj, "__tablename__", None) == "tenants":
        return obj.id
    # Anything else that is not tenant-scoped (a role name, a resolved subject) is asked about
    # in the current tenant.
    return getattr(obj, "tenant_id", None)


def membership_of(user, tenant=None):
    """The membership (any status) of `user` in `tenant` (default: the current tenant), as far
    as this request knows it: the current person's own, loaded by `tenants`. A question about
    another person or another tenant finds none."""
    membership = current_membership()
    if not _authenticated(user) or membership is None or membership.user_id != user.id:
        return None
    wanted = tenant_id_of(tenant)
    if wanted is not None and membership.tenant_id != wanted:
        return None
    return membership


def _rank(user, tenant=None) -> int:
    membership = membership_of(user, tenant)
    if membership is None or membership.status != "active":
        return 0
    return ROLE_RANK.get(membership.role, 0)


# --- tenant-level predicates --------------------------------------------------------------------


@predicate
def is_platform_admin(user, obj=None) -> bool:
    return bool(_authenticated(user) and user.is_platform_admin)


@predicate
def is_member(user, tenant=None) -> bool:
    """An active member of the tenant (or of the object's tenant), whatever the role."""
    return _rank(user, tenant) >= ROLE_RANK["member"]


@predicate
def can_view_tenant(user, tenant) -> bool:
    """Public tenants are readable by anyone; members-only ones by their members."""
    if tenant is None or tenant.status != "active":
        return is_platform_admin(user)
    return tenant.visibility == "public" or is_member(user, tenant) or is_platform_admin(user)


@predicate
def can_view_members_area(user, tenant=None) -> bool:
    return is_member(user, tenant) or is_platform_admin(user)


@predicate
def can_join_tenant(user, tenant) -> bool:
    return bool(
        _authenticated(user)
        and tenant is not None
        and tenant.status == "active"
        and membership_of(user, tenant) is None
    )


@predicate
def can_moderate(user, tenant=None) -> bool:
    return _rank(user, tenant) >= ROLE_RANK["moderator"] or is_platform_admin(user)


@predicate
def can_manage_members(user, tenant=None) -> bool:
    return _rank(user, tenant) >= ROLE_RANK["admin"] or is_platform_admin(user)


can_manage_tenant = can_manage_members.named("can_manage_tenant")


@predicate
def can_change_settings(user, tenant=None) -> bool:
    """The space's settings (name, logo, colour, languages, visibility, modules, lists and
    privacy defaults: tenants/settings.py) are its owners' (and platform admins')."""
    return _rank(user, tenant) >= ROLE_RANK["owner"] or is_platform_admin(user)


can_view_audit = can_manage_members.named("can_view_audit")


@predicate
def can_assign_role(user, role: str) -> bool:
    """Admins may give roles up to admin; only owners (and platform admins) make owners.
    The object is the role, in the current tenant."""
    if is_platform_admin(user):
        return True
    rank = _rank(user)
    return rank >= ROLE_RANK["admin"] and (role != "owner" or rank >= ROLE_RANK["owner"])


#: the tenant-level predicates, by name: `require("can_manage_members")` and the templates.
#: Capabilities register their own with `register_predicates`, never here.
PREDICATES: dict[str, Predicate] = {
    p.__name__: p
    for p in (
        is_platform_admin,
        is_member,
        can_view_tenant,
        can_view_members_area,
        can_join_tenant,
        can_moderate,
        can_manage_members,
        can_manage_tenant,
        can_change_settings,
        can_view_audit,
        can_assign_role,
    )
}


# --- @require -----------------------------------------------------------------------------------


def require(check: Callable | str, obj: Callable | None = None):
    """Guard a view with a predicate: anonymous visitors go to log in, others get 403.

    Without `obj` the predicate is asked about the current tenant (g.tenant) and the view
    gets its arguments unchanged. With `obj`, a loader, the object is loaded first: the
    loader takes the URL arguments it names (`def load_organization(organization_id: int)`),
    returns the object or aborts (404 for a missing or hidden one), the predicate is asked
    about that object, and the view gets it as its first argument in place of the URL
    arguments it was loaded from:

        @bp.route("/<int:organization_id>/edit")
        @require(can_edit_organization, obj=load_organization)
        def edit(org): ...

    A loader that names no URL argument only chooses the object asked about (e.g.
    `obj=lambda: None` for a platform-wide check); the view is called unchanged."""
    pred = PREDICATES[check] if isinstance(check, str) else predicate(check)
    taken = tuple(inspect.signature(obj).parameters) if obj is not None else ()

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if obj is None:
                target = g.get("tenant")
            else:
                target = obj(**{name: kwargs.pop(name) for name in taken if name in kwargs})
            if not pred(current_person(), target):
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()
                abort(403)
            if taken:
                return view(target, *args, **kwargs)
            return view(*args, **kwargs)

        wrapped.required_permission = pred.__name__
        wrapped.object_loader = obj
        return wrapped

    return decorator


def init_app(app) -> None:
    register_predicates(app, *PREDICATES.values())
