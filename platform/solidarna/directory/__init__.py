"""Directory capability: the ecosystem map of SSE actors (module `directory`: organizations,
relationships, the map, the ecosystem overview, open-data exports and CSV import) and the local
community resources and good practices (module `resources`)."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability


def init_app(app: Flask) -> None:
    from solidarna.directory import (
        contributions,
        ecosystem,
        editing,
        exports,
        imports,
        kit,
        map_views,
        moderation,
        practices,
        relationships,
        resource_map,
        resources,
        search,  # noqa: F401 - its session listener forgets the per-space cache on writes
        taxonomy,
        views,
    )

    register_capability(
        app,
        Capability(
            name="directory",
            module="directory",
            label=_l("Ecosystem map"),
            description=_l(
                "The directory of social and solidarity economy actors, their map and the "
                "overview of the local ecosystem, with open data."
            ),
            blueprints=(
                views.bp,
                editing.bp,
                moderation.bp,
                relationships.bp,
                ecosystem.bp,
                map_views.bp,
                exports.bp,
                imports.bp,
            ),  # fmt: skip
            nav=(
                NavItem("directory.index", _l("Directory"), current=("directory",), order=100),
                NavItem("ecosystem.index", _l("Ecosystem"), current=("ecosystem",), order=110),
            ),
            kit_keys=(
                KitKey("taxonomies", "extra_actor_types", kit.validate_extra_actor_types),
                KitKey("taxonomies", "expected_actor_types", kit.validate_expected_actor_types),
            ),
            figures=contributions.directory_figures,
            activity=contributions.newly_verified,
            subjects=(contributions.ORGANIZATION_SUBJECT,),
        ),
    )
    register_capability(
        app,
        Capability(
            name="resources",
            module="resources",
            label=_l("Local resources"),
            description=_l(
                "Spaces, equipment, land and knowledge a community can share, and good practices."
            ),
            blueprints=(resources.bp, practices.bp, resource_map.bp),
            nav=(
                NavItem("resources.index", _l("Resources"), current=("resources.",), order=200),
                NavItem(
                    "practices.index", _l("Good practices"), current=("practices.",), order=210
                ),
            ),
        ),
    )

    @app.context_processor
    def directory_labels() -> dict:
        return {"tx": taxonomy, "name_slug": views.name_slug}
