"""Localized error pages. Bad input answers 4xx with a clear message, never a 500."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException, InternalServerError

from solidarna.core.database import BUSY, READ_ONLY, unavailability
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.rendering import render

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you sent and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Not possible now"), _l("This cannot be done in the present state of things.")),
    413: (_l("File too large"), _l("What you sent is larger than the allowed size.")),
    429: (_l("Too many attempts"), _l("You have tried too many times. Please wait a little and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side. It has been logged; please try again later.")),
    503: (_l("Temporarily unavailable"), _l("The service is temporarily unavailable. Please try again soon.")),
}  # fmt: skip


def error_page(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    response = render(
        "errors/error.html", code=code, title=title, message=message, detail=detail, status=code
    )
    return response


UNAVAILABLE_MESSAGES = {
    BUSY: _l("The database is busy with other work right now. Please try again in a few seconds."),
    READ_ONLY: _l("The database accepts no changes right now (maintenance). Please try again in a few minutes."),
    None: _l("The database cannot be reached right now. Please try again in a few minutes."),
}  # fmt: skip
# What a form sent that is never shown back: secrets, and the token a new one replaces.
NOT_ECHOED = ("password", "csrf_token")


def submitted_fields() -> list[tuple[str, str]]:
    """The text a person submitted, to give back on the 503 page (in order, repeats kept)."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if not any(secret in name.lower() for secret in NOT_ECHOED)
    ]


def database_unavailable(error: Exception):
    """The database is down, busy or read-only: a 503 page that says so, with Retry-After, and
    a POSTed form's fields given back in a form that sends them again to the same address.

    Nothing here touches the database: the session is rolled back (and its connections thrown
    away when they may be stale), the person is shown as anonymous instead of loading them,
    and the page leaves out the space and the account menu (base.html: database_unavailable)."""
    from solidarna.extensions import db

    reason = unavailability(error)
    log.warning(
        "Database unavailable (%s) on %s %s: %s", reason, request.method, request.path, error
    )
    try:
        if reason == BUSY:
            db.session.rollback()
        else:  # a dropped or read-only connection: do not hand it to the next request
            db.session.invalidate()
    except Exception:  # the connection is gone already
        log.debug("Rolling back after the database failed", exc_info=True)
    # Flask-Login keeps the loaded person in g._login_user (logout_user sets it the same way);
    # an anonymous one means neither the page nor the locale selector loads anyone.
    g._login_user = current_app.login_manager.anonymous_user()
    g.pop("tenant", None)
    g.membership = None
    title, _ = MESSAGES[503]
    response = render(
        "errors/unavailable.html",
        code=503,
        title=title,
        message=UNAVAILABLE_MESSAGES.get(reason, UNAVAILABLE_MESSAGES[None]),
        resubmit=submitted_fields(),
        database_unavailable=True,
        status=503,
    )
    response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER"])
    response.headers["Cache-Control"] = "no-store"
    return response


def space_refusal():
    """A refusal inside a space is no bare dead end: the page keeps the space's layout and
    navigation and says why and what to do next (join, wait for the office, ask it)."""
    tenant = g.get("tenant")
    if tenant is None:
        return None
    from flask_login import current_user

    from solidarna.core.permissions import current_membership

    membership = current_membership() if current_user.is_authenticated else None
    status = membership.status if membership is not None else None
    return render("tenants/refused.html", membership_status=status, status=403)


def init_app(app: Flask) -> None:
    @app.errorhandler(exc.DBAPIError)
    @app.errorhandler(exc.TimeoutError)
    def database_error(error: Exception):
        if unavailability(error) is None:
            raise error  # a bug: Flask's own handling, the 500 page below (or the test sees it)
        return database_unavailable(error)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(
            400,
            str(
                _l(
                    "The form has expired or was sent from another page. Reload the page and try again."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:
            # abort(response), e.g. a page cache hit: the response itself, not a WSGI wrapper
            # around it (which Flask would turn into a streamed response nothing compresses)
            return error.response
        if error.code is None or error.code < 400:
            return error
        response = space_refusal() if error.code == 403 else None
        response = response or error_page(error.code)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 429:
            retry_after = getattr(error, "retry_after", None)
            if retry_after:
                response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        original = error.original_exception
        if original is not None and unavailability(original) is not None:
            # e.g. the database failed while another error page was drawn
            return database_unavailable(original)
        # Flask has logged the exception already ("Exception on /path [GET]", logger
        # "solidarna"), with the request id, tenant, user id and route (core/logging.py).
        from solidarna.extensions import db

        db.session.rollback()
        return error_page(500)
