"""Events: trainings, workshops, info sessions, study visits and fairs a space runs (seed 000:
actors are "invited to apply and take part in project activities, to be supported and
empowered"), with applications the office reviews and decides on, a waiting list that moves
by itself, attendance by check-in code or QR code, certificates of attendance anyone can
verify, and a public calendar with iCalendar feeds.

The application's questions are core/questions.py's (the one engine surveys use too)."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability


def init_app(app: Flask) -> None:
    from solidarna.events import audit, kit, models, permissions, services
    from solidarna.events.views import apply, browse, manage

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
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            notification_kinds=services.NOTIFICATION_KINDS,
        ),
    )

    @app.context_processor
    def event_labels() -> dict:
        return {"em": models}
