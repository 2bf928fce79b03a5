"""Named permission predicates and the @require decorator.

Views and templates ask `can_manage_members(user, tenant)`; nobody writes a role check
inline. Predicates read the current membership that `tenants` loads per request
(g.membership: an object with `role` and `status`), so this module imports no capability.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g
from flask_login import current_user

ROLE_RANK = {"member": 1, "moderator": 2, "admin": 3, "owner": 4}
ROLES = tuple(ROLE_RANK)


def current_person():
    """The logged-in person as their User object (not the proxy), or None for a visitor:
    what services record as the actor and what predicates are asked about."""
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def current_membership():
    """The current user's membership in the current tenant, if any."""
    return g.get("membership")


def _rank(user) -> int:
    membership = current_membership()
    if not user or not user.is_authenticated or membership is None:
        return 0
    if membership.status != "active" or membership.user_id != user.id:
        return 0
    return ROLE_RANK.get(membership.role, 0)


def is_platform_admin(user, obj=None) -> bool:
    return bool(user and user.is_authenticated and user.is_platform_admin)


def is_member(user, tenant=None) -> bool:
    return _rank(user) >= ROLE_RANK["member"]


def can_view_tenant(user, tenant) -> bool:
    """Public tenants are readable by anyone; members-only ones by their members."""
    if tenant is None or tenant.status != "active":
        return is_platform_admin(user)
    return tenant.visibility == "public" or is_member(user) or is_platform_admin(user)


def can_view_members_area(user, tenant) -> bool:
    return is_member(user) or is_platform_admin(user)


def can_join_tenant(user, tenant) -> bool:
    return bool(
        user
        and user.is_authenticated
        and current_membership() is None
        and tenant is not None
        and tenant.status == "active"
    )


def can_moderate(user, tenant=None) -> bool:
    return _rank(user) >= ROLE_RANK["moderator"] or is_platform_admin(user)


def can_manage_members(user, tenant=None) -> bool:
    return _rank(user) >= ROLE_RANK["admin"] or is_platform_admin(user)


def can_manage_tenant(user, tenant=None) -> bool:
    return can_manage_members(user, tenant)


def can_add_organization(user, tenant=None) -> bool:
    """Members add their organizations (for review); admins enter them for the office."""
    return is_member(user) or can_manage_members(user, tenant)


def can_moderate_directory(user, tenant=None) -> bool:
    return can_manage_members(user, tenant)


def can_view_audit(user, tenant=None) -> bool:
    return can_manage_members(user, tenant)


def can_assign_role(user, role: str) -> bool:
    """Admins may give roles up to admin; only owners (and platform admins) make owners."""
    if is_platform_admin(user):
        return True
    rank = _rank(user)
    return rank >= ROLE_RANK["admin"] and (role != "owner" or rank >= ROLE_RANK["owner"])


PREDICATES: dict[str, Callable] = {
    name: fn for name, fn in globals().items() if name.startswith(("can_", "is_")) and callable(fn)
}


def require(predicate: Callable | str, obj: Callable[[], object] | None = None):
    """Guard a view: anonymous visitors go to log in, others get 403.

    `obj` returns the object the predicate is checked against (default: g.tenant).
    """
    check = PREDICATES[predicate] if isinstance(predicate, str) else predicate

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            target = obj() if obj else g.get("tenant")
            if not check(current_user, target):
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = getattr(check, "__name__", str(check))
        return wrapped

    return decorator


def init_app(app) -> None:
    app.jinja_env.globals.update(PREDICATES)


# --- local resources and good practices ------------------------------------------------------


def can_add_resource(user, tenant=None) -> bool:
    """Members share resources of their community; admins enter them for the office."""
    return is_member(user) or can_manage_members(user, tenant)


def can_add_practice(user, tenant=None) -> bool:
    return is_member(user) or can_manage_members(user, tenant)


def can_edit_contribution(user, obj) -> bool:
    """A resource or practice (anything with `created_by_id`): the member who added it, and
    the space's admins."""
    if can_manage_members(user):
        return True
    return bool(
        obj is not None
        and is_member(user)
        and obj.created_by_id is not None
        and obj.created_by_id == user.id
    )


PREDICATES.update(
    {fn.__name__: fn for fn in (can_add_resource, can_add_practice, can_edit_contribution)}
)
