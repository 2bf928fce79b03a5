"""Support: people (and representatives of organizations) ask the space's office for help —
starting a social enterprise, legal form, registration, tax, finance, procurement, premises,
training (seed 000: the office "helps interested persons start this kind of activity"). The
office works each request as a case; the barriers advisors tag cases with become anonymized
evidence (core/evidence.py) that proposals cite."""

from flask import Flask

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from solidarna.support import audit, kit, models, notices, permissions
    from solidarna.support.views import evidence, office, requests

    register_capability(
        app,
        Capability(
            name="support",
            module="support",
            label=_l("Support"),
            description=_l(
                "Ask the office for help with starting and running a social enterprise; "
                "the office's anonymized figures on the barriers people meet."
            ),
            blueprints=(requests.bp, office.bp, evidence.bp),
            nav=(NavItem("support.index", _l("Support"), current=("support",), order=480),),
            kit_keys=(
                KitKey("taxonomies", kit.CATEGORIES_KEY, kit.validate_categories),
                KitKey("taxonomies", kit.BARRIERS_KEY, kit.validate_barriers),
            ),
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            notification_kinds=notices.KINDS,
        ),
    )

    from solidarna.core import evidence as figures_registry
    from solidarna.support.figures import PROVIDERS

    for figure_provider in PROVIDERS:
        figures_registry.register(app, figure_provider)

    # constants for the templates: a global, not a context processor run on every page
    app.jinja_env.globals.update(sm=models)
