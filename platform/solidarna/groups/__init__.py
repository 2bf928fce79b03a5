"""Working groups capability: groups on the space's themes where people — each optionally on
behalf of an organization they represent — build capacity and work together; joining by the
group's policy, coordinators deciding on members, the group's discussion and sub-groups."""

from flask import Flask

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from solidarna.core import links
    from solidarna.groups import (  # noqa: F401
        audit,
        contributions,
        kit,
        models,
        permissions,
        records,
        reminders,
        work,
    )
    from solidarna.groups.views import browse, meetings, members, record
    from solidarna.groups.views import documents as document_views
    from solidarna.groups.views import links as link_views

    links.register_relation(
        app,
        links.Relation("works_on", "group", "proposal", _l("Works on"), _l("Working groups on it")),
    )
    links.register_relation(
        app,
        links.Relation(
            link_views.CAMPAIGN_RELATION,
            "group",
            "campaign",
            _l("Works on"),
            _l("Working groups on it"),
        ),  # fmt: skip
    )
    links.register_relation(
        app,
        links.Relation(
            "leads_to", "group_decision", "proposal", _l("Leads to"), _l("Decisions that led to it")
        ),  # fmt: skip
    )

    register_capability(
        app,
        Capability(
            name="groups",
            module="groups",
            label=_l("Working groups"),
            description=_l(
                "Working groups on the space's themes, where people and the organizations they "
                "represent build capacity and work together."
            ),
            blueprints=(
                browse.bp,
                members.bp,
                meetings.bp,
                record.bp,
                document_views.bp,
                link_views.bp,
                link_views.decision_bp,
                link_views.campaign_bp,
            ),
            nav=(NavItem("groups.index", _l("Working groups"), current=("group",), order=450),),
            kit_keys=(
                KitKey(
                    "taxonomies",
                    kit.KEY,
                    kit.validate_themes,
                    label=_l("Themes of the working groups"),
                    editor="items",
                    default=kit.default_themes,
                    help=_l(
                        "A group works on one of them. A theme taken off the list stays with "
                        "the groups that have it."
                    ),
                ),
            ),
            figures=contributions.group_figures,
            activity=contributions.group_activity,
            panel=contributions.subject_panel,
            subjects=(contributions.GROUP_SUBJECT, contributions.DECISION_SUBJECT),
            predicates=permissions.TEMPLATE_PREDICATES,
            notification_kinds=work.NOTIFICATION_KINDS,
            audit_actions={**audit.ACTIONS, **audit.DOCUMENT_ACTIONS},
            # visitors' pages served whole from the shared cache (core/pagecache.py)
            cacheable=("groups.index", "groups.detail"),
        ),
    )

    # constants for the templates: a global, not a context processor run on every page
    app.jinja_env.globals.update(gm=models)
