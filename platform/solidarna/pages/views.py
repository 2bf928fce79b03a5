"""Platform-level pages that belong to no tenant."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, jsonify, redirect, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import HiddenField, StringField, ValidationError
from wtforms.validators import AnyOf, InputRequired

from solidarna.core import tiles
from solidarna.core.database import database_problem
from solidarna.core.i18n import LOCALE_COOKIE, LOCALE_NAMES, LOCALES
from solidarna.core.rendering import render
from solidarna.core.security import same_for_everyone
from solidarna.core.urls import safe_next
from solidarna.extensions import csrf, db, limiter
from solidarna.tenants.models import Tenant

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    tenants = db.session.scalars(
        db.select(Tenant).where(Tenant.status == "active").order_by(Tenant.kind.desc(), Tenant.name)
    ).all()
    from solidarna.directory.national import services as national

    return render("pages/home.html", tenants=tenants, national=national.overview())


@bp.get("/health")
@csrf.exempt
@limiter.exempt
def health():
    """Monitoring: 200 when the database answers a read and would accept a write; else 503
    naming the reason ("unreachable", "read-only", "busy"). No session is touched."""
    problem = database_problem()
    if problem is None:
        return jsonify(status="ok", database="ok")
    response = jsonify(status="unavailable", database=problem)
    response.status_code = 503
    response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER"])
    return response


class LanguageForm(FlaskForm):
    locale = StringField(validators=[InputRequired(), AnyOf(LOCALES)])
    next = HiddenField()


@bp.post("/language")
@csrf.exempt
def set_language():
    """The language switcher: a plain form, so it works without JavaScript. A visitor's
    switch carries no CSRF token: all it does is set this browser's language cookie (a
    forged one changes nothing but the language), and so the visitor's pages hold nothing
    of theirs and are served from the page cache as they are. A logged-in person's switch
    also saves the account's language, only when its token is right (a page drawn before
    the login has none: the switch then sets this browser's language only)."""
    form = LanguageForm(meta={"csrf": False})
    if not form.validate_on_submit():
        return render(
            "errors/error.html",
            code=400,
            title=_("Unknown language"),
            message=_("Choose one of the offered languages."),
            status=400,
        )
    locale = form.locale.data
    if current_user.is_authenticated and _token_is_right():
        current_user.locale = locale
        db.session.commit()
        with force_locale(locale):  # said in the language just chosen
            flash(
                _("Saved: your account now uses %(language)s.", language=LOCALE_NAMES[locale]),
                "info",
            )
    response = redirect(safe_next(value=form.next.data), 303)
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],  # Secure in production, as the session
    )
    return response


def _token_is_right() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


@bp.get("/map/tiles/<int(min=0):z>/<int(min=0):x>/<int(min=0):y>.<ext>")
@limiter.exempt
def map_tile(z: int, x: int, y: int, ext: str):
    """A base-map tile from the local PMTiles archive (core/tiles.py): the same for everyone,
    cached by browsers and proxies for MAP_TILE_CACHE_SECONDS. Without an archive, for
    another extension than the archive's or a tile it does not hold: 404."""
    archive = tiles.archive()
    data = archive.tile(z, x, y) if archive and ext == archive.extension else None
    if data is None:  # said in the reader's language, so kept by their browser alone
        response = Response(_("There is no such map tile."), 404, mimetype="text/plain")
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response
    same_for_everyone()
    response = Response(data, mimetype=archive.mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["MAP_TILE_CACHE_SECONDS"]
    response.set_etag(f"{archive.version}-{z}-{x}-{y}")
    return response.make_conditional(request)
