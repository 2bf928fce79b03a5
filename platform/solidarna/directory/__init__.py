"""Directory capability: the ecosystem map of SSE actors, local resources, good practices,
the ecosystem overview, open-data exports and CSV import."""

from importlib import import_module

from flask import Flask

# The blueprints (TenantBlueprints), as "module:attribute", registered in this order.
BLUEPRINTS = [
    "organizations.views.browse:bp",
    "organizations.views.editing:bp",
    "organizations.views.moderation:bp",
    "resources.views:bp",
    "practices.views:bp",
    "relationships.views:bp",
    "ecosystem.views:bp",
    "organizations.views.map:bp",
    "opendata.views:exports_bp",
    "opendata.views:import_bp",
    "resources.views:map_bp",
]


def init_app(app: Flask) -> None:
    # tables, registries, and search's session listener (_forget_version)
    from solidarna.directory import contributions  # noqa: F401
    from solidarna.directory.organizations import models, search  # noqa: F401
    from solidarna.directory.practices import models as _practices  # noqa: F401
    from solidarna.directory.relationships import models as _relationships  # noqa: F401
    from solidarna.directory.resources import models as _resources  # noqa: F401

    for name in BLUEPRINTS:
        module, attribute = name.split(":")
        app.register_blueprint(getattr(import_module(f"solidarna.directory.{module}"), attribute))
    app.context_processor(_labels)


def _labels() -> dict:
    from solidarna.directory import taxonomy

    return {"tx": taxonomy}
