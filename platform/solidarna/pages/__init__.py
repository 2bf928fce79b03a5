"""Platform pages: home, health, language switch."""

from flask import Flask


def init_app(app: Flask) -> None:
    from solidarna.pages import views

    app.register_blueprint(views.bp)
