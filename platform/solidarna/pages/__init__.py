"""Platform pages: home, health, language switch."""

from flask import Flask


def init_app(app: Flask) -> None:
    from solidarna.core import pagecache
    from solidarna.pages import views

    app.register_blueprint(views.bp)
    from solidarna.tenants.national import national_state

    # The platform home lists the spaces and sums up the national overview: kept until a
    # space is added, changed or removed, or anything changes in a taking-part space. A
    # marker the front door reads too (core/pagecache.FrontMarker).
    pagecache.cache_pages(
        app,
        ("pages.home",),
        marker=pagecache.FrontMarker(
            lambda read, slug: (
                (*pagecache.platform_state(read), *national_state(read)),
                None,
            )
        ),
    )
