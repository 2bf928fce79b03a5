"""The "start here" guide of a space (issue 17): for people thinking of starting a social
enterprise, the steps under Serbian law, written in the space's kit (`[starter.start_guide]`),
edited by its admins (markdown, audited), linked from the space's home and navigation and,
where the space offers support (`support`), to the office's support pages. Part of every
space (no module key)."""

from flask import Flask

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from solidarna.guide import kit, views
    from solidarna.guide.permissions import TEMPLATE_PREDICATES

    register_capability(
        app,
        Capability(
            name="guide",
            label=_l("Start here"),
            blueprints=(views.bp,),
            nav=(NavItem("guide.show", _l("Start here"), current=("guide.",), order=60),),
            kit_keys=(KitKey("starter", kit.KIT_KEY, kit.validate_guide, kit.export_guide),),
            predicates=TEMPLATE_PREDICATES,
            audit_actions={"guide.changed": _audit_changed()},
            cacheable=("guide.show",),
        ),
    )


def _audit_changed():
    from solidarna.core.audit_text import AuditAction

    return AuditAction(_l("%(actor)s changed the space's start guide"))
