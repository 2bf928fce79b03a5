"""News and promotion of one space (issue 17): announcements, calls with a deadline, success
stories and explainers of social and solidarity economy concepts; markdown bodies, an image
through core/storage.py, tags, drafts and publishing by the space's admins; the latest on the
space's home (its activity), an Atom feed per space and a national one of the public spaces,
Open Graph tags on every post."""

from flask import Flask

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l

CACHEABLE = ("news.index", "news.detail")


def init_app(app: Flask) -> None:
    from solidarna.core import storage
    from solidarna.core.pagecache import cache_pages
    from solidarna.news import audit, contributions, kit, notices, permissions, views
    from solidarna.news.forms import USE

    # the images of posts: PNG and JPEG only, re-encoded by core/storage.py
    storage.USES.setdefault(USE, storage.Use(USE, ("png", "jpg")))
    register_capability(
        app,
        Capability(
            name="news",
            module="news",
            label=_l("News"),
            description=_l(
                "Announcements, calls with their deadlines, success stories and explanations "
                "of the social and solidarity economy, also as an Atom feed."
            ),
            blueprints=(views.bp, views.admin_bp),
            nav=(NavItem("news.index", _l("News"), current=("news",), order=480),),
            kit_keys=(KitKey("starter", kit.KIT_KEY, kit.validate_posts),),
            figures=contributions.news_figures,
            activity=contributions.latest_news,
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            notification_kinds=notices.NOTIFICATION_KINDS,
        ),
    )
    # visitors' pages served whole from the shared cache, under a marker that also follows
    # the day (a call past its deadline is shown closed): contributions.news_marker
    cache_pages(app, CACHEABLE, marker=contributions.news_marker)
    # the national feed belongs to no space (it reads the public spaces': news/feeds.py)
    app.register_blueprint(views.national_bp)

    from solidarna.news import models

    # constants for the templates: a global, not a context processor run on every page
    app.jinja_env.globals.update(news_kinds=models.KINDS)
