"""Notification pages: the list, the header's bell, mail settings and one-click unsubscribe.

The model and the service (`notify`, digests) live in `solidarna.core.notifications`, where
every capability can reach them; this package is only the user interface.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from solidarna.notifications import views

    app.register_blueprint(views.bp)
