"""Tenants capability: spaces, memberships and roles, URL resolution, admin, kits.

Part of every space (no module key): its navigation entries are the members' area and the
space administration; its figures are the members and the recent actions."""

from flask import Flask

from solidarna.core.capabilities import Capability, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import (
    can_change_settings,
    can_manage_members,
    can_view_members_area,
)
from solidarna.tenants.permissions import can_publish_nationally


def init_app(app: Flask) -> None:
    from solidarna.tenants import (
        admin_views,
        cli,
        national_views,
        onboarding_views,
        partnership_views,
        partnerships,
        platform_admin,
        template_views,
        views,
    )
    from solidarna.tenants.audit import ACTIONS as AUDIT_ACTIONS
    from solidarna.tenants.permissions import can_manage_kit

    register_capability(
        app,
        Capability(
            name="tenants",
            label=_l("Space"),
            blueprints=(
                platform_admin.bp,
                onboarding_views.bp,
                onboarding_views.queue_bp,
                views.bp,
                admin_views.bp,
                template_views.bp,
                partnership_views.bp,
                national_views.bp,
            ),
            nav=(
                NavItem("tenant.members", _l("Members"), can_view_members_area, order=900),
                NavItem("tenant_admin.start", _l("First steps"), can_manage_members, order=905),
                NavItem(
                    "tenant_admin.members", _l("Manage members"), can_manage_members, order=910
                ),
                NavItem(
                    "tenant_admin.settings",
                    _l("Settings"),
                    can_change_settings,
                    current=("tenant_admin.settings", "tenant_admin.lists", "tenant_templates."),
                    order=920,
                ),
                # the kit page is can_manage_kit, the same owners' rule under its own name
                NavItem("tenant_admin.kit", _l("Kit"), can_change_settings, order=925),
                NavItem("tenant_admin.audit_log", _l("Audit log"), can_manage_members, order=930),
                NavItem(
                    "tenant_partnerships.index",
                    _l("Partner spaces"),
                    can_manage_members,
                    order=940,
                ),
            ),
            figures=views.membership_figures,
            audit_actions=AUDIT_ACTIONS,
            predicates=(can_publish_nationally, can_manage_kit),
            cacheable=("tenant.home",),
        ),
    )
    cli.init_app(app)
    partnerships.init_app(app)

    from solidarna.tenants.settings import tenant_logo_url
    from solidarna.tenants.views import theme_version

    # the space's logo for the header, the home page and (later) the Open Graph image; the
    # version of its stylesheet (a new accent colour is a new URL)
    app.jinja_env.globals["tenant_logo_url"] = tenant_logo_url
    app.jinja_env.globals["theme_version"] = theme_version

    from solidarna.tenants.applications import (
        APPLICANT_KINDS,
        APPLICATION_STATUSES,
        LOCALE_LABELS,
    )
    from solidarna.tenants.models import KINDS, MEMBERSHIP_STATUSES, ROLE_LABELS

    # constants for the templates: globals, not a context processor run on every page
    app.jinja_env.globals.update(
        kinds=KINDS,
        role_labels=ROLE_LABELS,
        status_labels=MEMBERSHIP_STATUSES,
        applicant_kinds=APPLICANT_KINDS,
        application_statuses=APPLICATION_STATUSES,
        application_locales=LOCALE_LABELS,
    )
