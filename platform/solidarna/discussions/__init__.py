"""Discussions capability: categories, threads and posts, threads attached to any object,
moderation; it notifies through core/notifications.py and feeds the tenant activity feed."""

from importlib import import_module

from flask import Flask

BLUEPRINT_MODULES = ["views", "moderation", "categories", "attached"]


def init_app(app: Flask) -> None:
    from solidarna.discussions import activity, models  # noqa: F401 - tables, feed provider

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"solidarna.discussions.{name}").bp)
    app.context_processor(_labels)


def _labels() -> dict:
    from solidarna.discussions import models, services

    return {
        "category_visibilities": models.CATEGORY_VISIBILITIES,
        "report_reasons": models.REPORT_REASONS,
        "discussions": services,
        "posts_per_page": models.POSTS_PER_PAGE,
    }
