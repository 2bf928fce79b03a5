"""Security headers, the production secret-key check, the CSP, and responses that are the
same for everyone (no session cookie, no `Vary: Cookie`)."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from solidarna.config import INSECURE_KEYS, dev_secret_key

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def same_for_everyone() -> None:
    """Mark this request's response as the same for every reader (a map tile): the session
    is neither saved nor refreshed and `Vary: Cookie` is not added, so browsers and shared
    caches keep one copy. Only for views that read nothing of the session."""
    g.same_for_everyone = True


#: the WSGI environ key under which the page cache's front door leaves the session cookie it
#: has already checked and decoded (core/pagecache.FrontDoor), so Flask does not do it again
DECODED_SESSION = "solidarna.decoded_session"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except for responses marked `same_for_everyone()`
    (Flask-Login looks at the session after every request, which would add `Vary: Cookie`
    and refresh the cookie on each of them), and opened from what the front door decoded
    when it did (the same cookie, checked with the same key and age, in this request)."""

    def open_session(self, app, request):
        decoded = request.environ.get(DECODED_SESSION)
        if decoded is not None and decoded[0] == request.cookies.get(self.get_cookie_name(app)):
            return self.session_class(decoded[1])
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if g.get("same_for_everyone") and not session.modified:
            return
        super().save_session(app, session, response)


class NulCharacter(BadRequest):
    """The request carries a NUL character."""


def init_app(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config["ENV_NAME"] == "production":
        if not key or key.strip().lower() in INSECURE_KEYS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a long random value in production "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
    elif not key:
        app.config["SECRET_KEY"] = dev_secret_key(app.instance_path)
    app.session_interface = SessionInterface()

    # An app-level URL value preprocessor runs before the tenant blueprints' (which look the
    # space's slug up in the database) and before every before_request hook.
    @app.url_value_preprocessor
    def refuse_nul_characters(endpoint, values) -> None:
        """A NUL character is never text a person typed (and PostgreSQL cannot store it):
        refuse the request with a clear 400 instead of failing deep inside, wherever it is
        (the path, a query or form argument's name or value, an uploaded file's name)."""
        sent = [request.path]
        for arguments in (request.args, request.form):
            sent.extend(part for item in arguments.items(multi=True) for part in item)
        sent.extend(upload.filename or "" for upload in request.files.values())
        if any("\x00" in value for value in sent):
            raise NulCharacter()

    @app.errorhandler(NulCharacter)
    def nul_character(error: NulCharacter):
        from solidarna.core.errors import error_page

        return error_page(400, _("The request contains a character that is not allowed (NUL)."))

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in baseline_headers(app.config).items():
            response.headers.setdefault(name, value)
        return response


def baseline_headers(config) -> dict[str, str]:
    """The headers every response carries unless a view set its own (the map pages widen the
    CSP); also given to the static files WhiteNoise serves without entering Flask."""
    headers = {
        "Content-Security-Policy": config.get("CONTENT_SECURITY_POLICY", CSP),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    }
    if config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers
