"""Discussions capability: categories, threads and posts, threads attached to any object,
moderation; it notifies through core/notifications.py and feeds the tenant activity feed."""

from flask import Flask

from solidarna.core.capabilities import Capability, KitKey, NavItem, register_capability
from solidarna.core.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from solidarna.discussions import (
        activity,
        attached,
        audit,
        categories,
        kit,
        mentions,
        models,
        moderation,
        permissions,
        reading,
        services,
        views,
    )

    register_capability(
        app,
        Capability(
            name="discussions",
            module="discussions",
            label=_l("Discussions"),
            description=_l("Questions, announcements and conversations among the members."),
            blueprints=(views.bp, moderation.bp, categories.bp, attached.bp),
            nav=(
                NavItem("discussions.index", _l("Discussions"), current=("discussion",), order=300),
            ),
            kit_keys=(KitKey("starter", "discussion_categories", kit.validate_categories),),
            activity=activity.discussion_activity,
            panel=attached.discussion_panel,
            attached=attached.attached_posts,
            notification_kinds=services.NOTIFICATION_KINDS,
            predicates=permissions.TEMPLATE_PREDICATES,
            audit_actions=audit.ACTIONS,
            cacheable=(
                "discussions.index",
                "discussions.category",
                "discussions.thread",
                "discussion_subjects.index",
            ),
        ),
    )

    # constants for the templates: globals, not a context processor run on every page
    app.jinja_env.globals.update(
        category_visibilities=models.CATEGORY_VISIBILITIES,
        report_reasons=models.REPORT_REASONS,
        discussions=services,
        posts_per_page=models.POSTS_PER_PAGE,
        mentions_max=mentions.MENTIONS_MAX,
        post_ref=permissions.PostRef,
        post_actions_fill=reading.post_actions_fill,
    )
