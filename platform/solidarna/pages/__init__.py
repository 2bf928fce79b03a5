"""Platform pages: home, health, language switch."""

from flask import Flask


def init_app(app: Flask) -> None:
    from solidarna.core import pagecache
    from solidarna.pages import views

    app.register_blueprint(views.bp)
    from solidarna.tenants.national import national_marker

    # The platform home lists the spaces and sums up the national overview: kept until a
    # space is added, changed or removed, or anything changes in a taking-part space.
    pagecache.cache_pages(
        app, ("pages.home",), marker=lambda: (*pagecache.platform_marker(), *national_marker())
    )
