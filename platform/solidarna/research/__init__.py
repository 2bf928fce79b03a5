"""Research: surveys of the space's actors and their needs (seed 000: the number and structure
of the entities that work on social-economy principles, their problems and support needs,
their will to cooperate and advocate, the local community's resources), sampled from the
directory, with results that feed the ecosystem overview and the proposals (core/evidence.py).

The question types and display conditions are core/questions.py's (the one engine event
applications will use too)."""

from flask import Flask

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from solidarna.research import audit, contributions, kit, permissions
    from solidarna.research.views import answer, browse, build, distribute, results

    register_capability(
        app,
        Capability(
            name="research",
            module="research",
            label=_l("Research"),
            description=_l(
                "Surveys of the actors of the ecosystem and their needs, with published "
                "results that proposals can cite."
            ),
            blueprints=(browse.bp, build.bp, distribute.bp, answer.bp, results.bp),
            nav=(NavItem("research.index", _l("Research"), current=("research",), order=470),),
            kit_keys=(
                KitKey(
                    "starter",
                    kit.KIT_KEY,
                    kit.validate_templates,
                    kit.export_templates,
                    label=_l("Survey templates"),
                    editor="templates",
                    outline=kit.OUTLINE,
                ),  # fmt: skip
            ),
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            notification_kinds={},
            # what an event's follow-up survey links to (core/links.py)
            subjects=(contributions.SURVEY_SUBJECT,),
            # visitors' pages served whole from the shared cache (core/pagecache.py): the
            # published results; the survey list and a survey's landing page below, under a
            # marker that also follows the clock (a survey opens and closes without a write)
            cacheable=("research_results.public",),
        ),
    )
    from solidarna.core.pagecache import cache_pages

    cache_pages(app, ("research.index", "research.detail"), marker=contributions.surveys_marker)

    from solidarna.research import widgets

    app.jinja_env.globals.update(widgets.GLOBALS)
    from solidarna.core import evidence as figures_registry
    from solidarna.research.evidence import PROVIDERS

    for figure_provider in PROVIDERS:
        figures_registry.register(app, figure_provider)

    from solidarna.research import export_job, models

    # constants for the templates: globals, not a context processor run on every page
    # (a large survey's XLSX link opens the page that prepares it, not a download)
    app.jinja_env.globals.update(rm=models, xlsx_in_background=export_job.in_background)
