"""Advocacy platforms ("zagovaračke platforme"): a campaign or joint position of one space,
with its demands (linked to the space's proposals), the institutions it addresses, the
organizations that sign it through their representatives, a public timeline of actions and
results, and partner spaces that join it (DESIGN §12: the one deliberate crossing of spaces,
through `core.tenancy.shared_subject` and `tenants/partnerships.py`)."""

from flask import Flask

from solidarna.core.capabilities import Capability, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l

CACHEABLE = ("campaigns.index", "campaigns.detail", "campaigns.print_view")


def init_app(app: Flask) -> None:
    from solidarna.campaigns import audit, contributions, models, notices, permissions
    from solidarna.campaigns.views import browse, common, manage, signatures
    from solidarna.core import national
    from solidarna.core.pagecache import cache_pages
    from solidarna.core.tenancy import register_public_rows, register_shared_subject
    from solidarna.tenants.partnerships import PartnerSubject, register_subject

    register_capability(
        app,
        Capability(
            name="campaigns",
            module="campaigns",
            label=_l("Advocacy platforms"),
            description=_l(
                "Joint positions and campaigns that organizations sign, with their demands, "
                "the actions taken and their results, shared with partner spaces."
            ),
            blueprints=(browse.bp, signatures.bp, manage.bp),
            nav=(
                NavItem(
                    "campaigns.index", _l("Advocacy platforms"), current=("campaign",), order=460
                ),
            ),  # fmt: skip
            figures=contributions.campaign_figures,
            activity=contributions.active_campaigns,
            subjects=(contributions.CAMPAIGN_SUBJECT,),
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            notification_kinds=notices.NOTIFICATION_KINDS,
        ),
    )
    # visitors' pages served whole from the shared cache, under a marker that also follows
    # the spaces a campaign is shared with (views/common.partner_marker): the capability's
    # `cacheable` would follow this space's own marker only
    cache_pages(app, CACHEABLE, marker=common.partner_marker)
    register_shared_subject(app, "campaign", models.Campaign, models.SHARED_CHILDREN)
    register_public_rows(app, models.Campaign, contributions.national_public_campaigns)
    national.register_count(
        app,
        national.NationalCount(
            "active_campaigns",
            _l("Active advocacy platforms"),
            "campaigns",
            contributions.national_active_campaigns,
        ),
    )
    register_subject(
        app, PartnerSubject("campaign", _l("Advocacy platform"), contributions.partner_url)
    )

    from solidarna.tenants.models import PARTNERSHIP_STATUSES

    # constants for the templates: globals, not a context processor run on every page
    app.jinja_env.globals.update(cm=models, partnership_statuses=PARTNERSHIP_STATUSES)
