"""Directory capability: the ecosystem map of SSE actors, local resources, good practices,
the ecosystem overview, open-data exports and CSV import."""

from importlib import import_module

from flask import Flask

# Each module defines `bp`, a TenantBlueprint; registered in this order.
BLUEPRINT_MODULES = [
    "organizations.views.browse",
    "organizations.views.editing",
    "organizations.views.moderation",
    "resources.views",
    "practices.views",
    "relationships.views",
    "ecosystem.services",
    "organizations.views.map",
    "opendata.views",
    "opendata.imports",
    "resources.map",
]


def init_app(app: Flask) -> None:
    # tables, registries, and search's session listener (_forget_version)
    from solidarna.directory import contributions  # noqa: F401
    from solidarna.directory.organizations import (
        models,  # noqa: F401
        search,  # noqa: F401
    )

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"solidarna.directory.{name}").bp)
    app.context_processor(_labels)


def _labels() -> dict:
    from solidarna.directory import taxonomy
    from solidarna.directory.organizations.views.browse import name_slug

    return {"tx": taxonomy, "name_slug": name_slug}
