"""Platform pages: home, health, language switch."""

from flask import Flask


def init_app(app: Flask) -> None:
    from solidarna.core import pagecache
    from solidarna.pages import views

    app.register_blueprint(views.bp)
    # The platform home lists the spaces: kept until a space is added, changed or removed.
    pagecache.cache_pages(app, ("pages.home",), marker=pagecache.platform_marker)
