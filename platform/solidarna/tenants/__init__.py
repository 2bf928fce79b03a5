"""Tenants capability: spaces, memberships and roles, URL resolution, admin, kits."""

from flask import Flask


def init_app(app: Flask) -> None:
    from solidarna.tenants import admin_views, cli, platform_admin, views

    app.register_blueprint(platform_admin.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    cli.init_app(app)

    from solidarna.tenants.models import KINDS, MEMBERSHIP_STATUSES, MODULES, ROLE_LABELS

    @app.context_processor
    def tenant_labels() -> dict:
        return {
            "kinds": KINDS,
            "role_labels": ROLE_LABELS,
            "status_labels": MEMBERSHIP_STATUSES,
            "module_labels": MODULES,
        }
