"""Directory capability: the ecosystem map of SSE actors (module `directory`: organizations,
relationships, the map, the ecosystem overview, open-data exports and CSV import) and the local
community resources and good practices (module `resources`). Each sub-capability is a
subpackage with the same few files (models, forms, views, services, permissions)."""

from flask import Flask

from solidarna.core import evidence
from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.representation import register_provider


def init_app(app: Flask) -> None:
    from solidarna.directory import audit, contributions, kit, taxonomy
    from solidarna.directory.ecosystem import views as ecosystem
    from solidarna.directory.opendata import views as opendata
    from solidarna.directory.organizations import permissions as organization_rules
    from solidarna.directory.organizations import search  # noqa: F401 - forgets the cache on writes
    from solidarna.directory.organizations.views import browse, editing, map, moderation
    from solidarna.directory.practices import permissions as practice_rules
    from solidarna.directory.practices import views as practices
    from solidarna.directory.relationships import views as relationships
    from solidarna.directory.resources import permissions as resource_rules
    from solidarna.directory.resources import views as resources

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
                browse.bp,
                editing.bp,
                moderation.bp,
                relationships.bp,
                ecosystem.bp,
                map.bp,
                opendata.exports_bp,
                opendata.import_bp,
            ),  # fmt: skip
            nav=(
                NavItem("directory.index", _l("Directory"), current=("directory",), order=100),
                NavItem("ecosystem.index", _l("Ecosystem"), current=("ecosystem",), order=110),
            ),
            kit_keys=(
                KitKey("taxonomies", "extra_actor_types", kit.validate_extra_actor_types),
                KitKey(
                    "taxonomies",
                    "expected_actor_types",
                    kit.validate_expected_actor_types,
                    choices=lambda: taxonomy.ACTOR_TYPES,
                    label=_l("Actor types the ecosystem overview expects in every municipality"),
                    editor="choices",
                    help=_l(
                        "The overview of the ecosystem shows, for every municipality, which "
                        "of them are missing."
                    ),
                ),
                KitKey(
                    "taxonomies",
                    taxonomy.DEFAULTS_KEY,
                    kit.validate_field_visibility,
                    choices=lambda: taxonomy.VISIBILITY,
                    label=_l("Who sees the fields of a new directory entry"),
                    editor="mapping",
                    default=lambda: dict(taxonomy.PRIVATE_FIELDS),
                    fields=lambda: taxonomy.PRIVATE_FIELD_LABELS,
                    help=_l(
                        "What a new entry starts with; its representatives may change it. "
                        "Entries already in the directory keep what they show."
                    ),
                ),
            ),
            figures=contributions.directory_figures,
            activity=contributions.newly_verified,
            subjects=(contributions.ORGANIZATION_SUBJECT,),
            predicates=organization_rules.TEMPLATE_PREDICATES,
            audit_actions=audit.DIRECTORY_ACTIONS,
            cacheable=(
                "directory.index",
                "directory.profile",
                "directory_map.page",
                "directory_map.geojson",
                "ecosystem.index",
            ),
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
            blueprints=(resources.bp, practices.bp, resources.map_bp),
            predicates=(*resource_rules.TEMPLATE_PREDICATES, *practice_rules.TEMPLATE_PREDICATES),
            audit_actions=audit.RESOURCE_ACTIONS,
            nav=(
                NavItem("resources.index", _l("Resources"), current=("resources.",), order=200),
                NavItem(
                    "practices.index", _l("Good practices"), current=("practices.",), order=210
                ),
            ),
            cacheable=(
                "resources.index",
                "resources.detail",
                "resources_map.page",
                "resources_map.geojson",
                "practices.index",
                "practices.detail",
            ),
        ),
    )

    register_provider(app, contributions.REPRESENTATION)

    # The national overview (/overview/, a platform page): the verified entries are what it
    # may read of the directory in the taking-part spaces (core/tenancy.public_rows).
    from sqlalchemy import select

    from solidarna.core import pagecache
    from solidarna.core.tenancy import register_public_rows
    from solidarna.directory.national import views as national_views
    from solidarna.directory.organizations.models import Organization, OrganizationTag
    from solidarna.tenants.national import national_marker

    register_public_rows(app, Organization, lambda: Organization.moderation == "verified")
    register_public_rows(
        app,
        OrganizationTag,
        lambda: OrganizationTag.organization_id.in_(
            select(Organization.id).where(Organization.moderation == "verified")
        ),
    )
    app.register_blueprint(national_views.bp)
    pagecache.cache_pages(
        app,
        ("national.index", "national.map_page", "national.geojson", "national.export_csv"),
        marker=national_marker,
    )
    from solidarna.directory.ecosystem.evidence import PROVIDERS

    for figure_provider in PROVIDERS:
        evidence.register(app, figure_provider)

    # constants for the templates: a global, not a context processor run on every page
    app.jinja_env.globals.update(tx=taxonomy)
