"""Events: trainings, workshops, info sessions, study visits and fairs a space runs (seed 000:
actors are "invited to apply and take part in project activities, to be supported and
empowered"), with applications the office reviews and decides on, a waiting list that moves
by itself, attendance by check-in code or QR code, certificates of attendance anyone can
verify, and a public calendar with iCalendar feeds.

The application's questions are core/questions.py's (the one engine surveys use too)."""

from flask import Flask

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l

#: the public pages (the list, the month view: `events.index`; an event's page)
CACHEABLE = ("events.index", "events.detail")


def init_app(app: Flask) -> None:
    from solidarna.core import links
    from solidarna.core.pagecache import cache_pages
    from solidarna.events import audit, contributions, kit, models, permissions, services
    from solidarna.events.views import apply, browse, manage, survey  # noqa: F401 - routes

    register_capability(
        app,
        Capability(
            name="events",
            module="events",
            label=_l("Events"),
            description=_l(
                "Trainings, workshops, info sessions, study visits and fairs: apply, take part "
                "and get a certificate of attendance."
            ),
            blueprints=(browse.bp, apply.bp, manage.bp),
            nav=(NavItem("events.index", _l("Events"), current=("event",), order=480),),
            kit_keys=(
                KitKey("taxonomies", kit.TYPES_KEY, kit.validate_types),
                KitKey("taxonomies", kit.CRITERIA_KEY, kit.validate_criteria),
            ),
            figures=contributions.event_figures,
            activity=contributions.upcoming_events,
            subjects=(contributions.EVENT_SUBJECT,),
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            notification_kinds=services.NOTIFICATION_KINDS,
        ),
    )

    # visitors' pages served whole from the shared cache, under a marker that also follows
    # the clock (an event moving from ahead to past, today in the month view):
    # contributions.events_marker; the capability's `cacheable` would follow the space only
    cache_pages(app, CACHEABLE, marker=contributions.events_marker)
    links.register_relation(
        app,
        links.Relation(contributions.FOLLOW_UP, "event", "survey", _l("Follow-up survey"),
                       _l("Follow-up survey of the events")),
    )  # fmt: skip

    # constants for the templates: a global, not a context processor run on every page
    app.jinja_env.globals.update(em=models)
