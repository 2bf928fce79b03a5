"""Localized error pages. Bad input answers 4xx with a clear message, never a 500."""

from __future__ import annotations

import logging

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from solidarna.core.rendering import render

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you sent and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
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


def init_app(app: Flask) -> None:
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
        if error.code is None or error.code < 400:
            return error
        response = error_page(error.code)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 429:
            retry_after = getattr(error, "retry_after", None)
            if retry_after:
                response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        # Flask has logged the exception already ("Exception on /path [GET]", logger
        # "solidarna"), with the request id, tenant, user id and route (core/logging.py).
        from solidarna.extensions import db

        db.session.rollback()
        return error_page(500)
