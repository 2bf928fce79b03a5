"""Accounts capability: global users and authentication."""

from flask import Flask

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from solidarna.accounts import cli, views
    from solidarna.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        uid, _, generation = user_id.partition(".")
        if not (uid.isdigit() and generation.isdigit()) or len(uid) > 18:
            return None
        user = db.session.get(User, int(uid))
        # A revoked session (older generation) or a suspended account is anonymous again.
        if user is None or str(user.session_generation or 0) != generation or not user.active:
            return None
        return user

    app.register_blueprint(views.bp)
    cli.init_app(app)

    from solidarna.accounts.audit import ACTIONS
    from solidarna.core.capabilities import Capability, register_capability

    # Part of every space and of the platform: no module, no pages of a space; it declares
    # what the audit log says about accounts.
    register_capability(
        app, Capability(name="accounts", label=_l("Accounts"), audit_actions=ACTIONS)
    )
