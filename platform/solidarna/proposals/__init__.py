"""Proposals capability: legal and financial measures drafted together by article, with every
save a version, compared word by word, moved along a named road to the institution and
endorsed by the directory's organizations through their representatives."""

from flask import Flask

from solidarna.core import national
from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.tenancy import register_public_rows


def init_app(app: Flask) -> None:
    from solidarna.proposals import (
        amendments,
        audit,
        coauthors,
        contributions,
        following,
        kept,
        kit,
        models,
        permissions,
    )
    from solidarna.proposals.views import amendments as amendment_views
    from solidarna.proposals.views import authors, browse, institutions, road, starting
    from solidarna.proposals.views import documents as document_views
    from solidarna.proposals.views import evidence as evidence_views
    from solidarna.proposals.views import text as text_views

    register_capability(
        app,
        Capability(
            name="proposals",
            module="proposals",
            label=_l("Proposals"),
            description=_l(
                "Proposals of legal and financial measures, drafted together article by "
                "article, endorsed by organizations and followed to the institution's decision."
            ),
            blueprints=(
                browse.bp,
                text_views.bp,
                road.bp,
                institutions.bp,
                amendment_views.bp,
                authors.bp,
                document_views.bp,
                starting.bp,
                evidence_views.bp,
            ),  # fmt: skip
            nav=(NavItem("proposals.index", _l("Proposals"), current=("proposal",), order=400),),
            kit_keys=(
                KitKey(
                    "starter",
                    kit.KIT_KEY,
                    kit.validate_templates,
                    label=_l("Proposal templates"),
                    editor="templates",
                    outline=kit.OUTLINE,
                ),  # fmt: skip
            ),
            figures=contributions.proposal_figures,
            activity=contributions.road_activity,
            subjects=(contributions.PROPOSAL_SUBJECT, contributions.PART_SUBJECT),
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            notification_kinds={**amendments.NOTIFICATION_KINDS, **following.NOTIFICATION_KINDS},
            # visitors' pages served whole from the shared cache (core/pagecache.py)
            cacheable=(
                "proposals.index",
                "proposals.scorecard",
                "proposals.detail",
                "proposals.versions",
                "proposals.compare",
                "proposal_amendments.sheet",
                "proposal_amendments.show",
            ),
        ),
    )

    kept.init_app(app)
    register_public_rows(app, models.Proposal, contributions.national_public_proposals)
    national.register_count(
        app,
        national.NationalCount(
            "active_proposals",
            _l("Active proposals"),
            "proposals",
            contributions.national_active_proposals,
        ),
    )

    from solidarna.core.evidence import Drafter, register_drafter
    from solidarna.proposals import drafting

    register_drafter(app, Drafter(
        "proposal", _l("Proposal"), "proposals",
        may=lambda user: permissions.can_draft_proposal(user, None), start=drafting.start,
    ))  # fmt: skip

    # constants for the templates: globals, not a context processor run on every page
    app.jinja_env.globals.update(
        pm=models,
        amendment_states=amendments.AMENDMENT_STATES,
        amendment_kinds=amendments.AMENDMENT_KINDS,
        author_states=coauthors.AUTHOR_STATES,
    )
