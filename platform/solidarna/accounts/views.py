"""Accounts: register, confirm e-mail, log in and out, reset password, profile."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from solidarna.accounts import services
from solidarna.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendVerificationForm,
    ResetPasswordForm,
)
from solidarna.accounts.models import User, dummy_password_check, normalise_email
from solidarna.core import audit, throttle
from solidarna.core.i18n import LOCALE_COOKIE, LOCALE_NAMES, current_locale, normalise_locale
from solidarna.core.permissions import current_person
from solidarna.core.rendering import render
from solidarna.core.urls import safe_next
from solidarna.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/auth")

INVALID = 422  # answered to a form with errors, so clients and tests can tell


def form_page(template: str, form, **context):
    """Render a form page; a submitted form with errors answers 422."""
    status = INVALID if form.errors else 200
    return render(template, form=form, status=status, **context)


# --- throttling ----------------------------------------------------------------------------
#
# Guesses are slowed down; the owner is not locked out (docs/architecture.md, Security).
# Failed logins are counted per account and address (LOGIN_LIMIT_PER_ACCOUNT) and per address
# (LOGIN_LIMIT_PER_IP); over either, an attempt is refused with 429 before the password is
# even checked. A browser where the account has logged in before carries a signed device
# cookie and is counted on its own instead (OWASP's "device cookies"): guessing from
# anywhere, even from behind the owner's own proxy or NAT, does not stop the owner there.
# Reset and confirmation mails are capped per account without telling the asker (a link sent
# within the window is still valid), so nobody can stop another person's mail either.

DEVICE_COOKIE = "solidarna_device"
DEVICE_SALT = "login-device"
DEVICE_MAX_AGE = 365 * 24 * 3600
DEVICE_ACCOUNTS = 10  # accounts remembered per browser


def reset_limit_per_ip() -> str:
    return current_app.config["RESET_LIMIT_PER_IP"]


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _device() -> dict | None:
    """The browser's device cookie ({"n": nonce, "u": [user ids]}), if valid."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadData:
        return None
    if not (isinstance(data, dict) and isinstance(data.get("n"), str)):
        return None
    if not (isinstance(data.get("u"), list) and all(isinstance(u, int) for u in data["u"])):
        return None
    return data


def _remember_device(response, device: dict | None, user: User):
    known = [u for u in (device or {}).get("u", []) if u != user.id]
    data = {
        "n": (device or {}).get("n") or secrets.token_urlsafe(16),
        "u": [user.id, *known][:DEVICE_ACCOUNTS],
    }
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(data),
        max_age=DEVICE_MAX_AGE,
        path=url_for("accounts.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _login_counters(email: str, user: User | None, device: dict | None):
    """[(limits, scope, keys...)] that count this attempt's failures."""
    per_account = current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    if user is not None and device and user.id in device["u"]:
        return [(per_account, "login-device", device["n"], user.id)]
    address = request.remote_addr or "-"
    return [
        (per_account, "login-pair", email, address),
        (current_app.config["LOGIN_LIMIT_PER_IP"], "login-ip", address),
    ]


def _too_many(form, wait: int):
    form.password.errors.append(
        ngettext(
            "Too many attempts. Try again in %(num)d minute.",
            "Too many attempts. Try again in %(num)d minutes.",
            throttle.minutes(wait),
        )
    )
    response = render("accounts/login.html", form=form, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        services.register(form.name.data, form.email.data, form.password.data, current_locale())
        db.session.commit()
        # The same answer whether or not the address was already registered.
        return redirect(
            url_for("accounts.check_email", email=normalise_email(form.email.data)), 303
        )
    return form_page("accounts/register.html", form)


@bp.get("/check-email")
def check_email():
    return render("accounts/check_email.html", email=request.args.get("email", "")[:320])


@bp.get("/verify/<token>")
def verify_email(token: str):
    try:
        user, email = services.read_verify_token(token)
    except services.LinkError as error:
        return render("accounts/link_error.html", message=str(error), resend=True, status=400)
    if not services.confirm_email(user, email):
        db.session.rollback()
        return render(
            "accounts/link_error.html",
            message=_("That e-mail address is already used by another account."),
            status=409,
        )
    db.session.commit()
    flash(_("Your e-mail address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"), 303)
    return redirect(url_for("accounts.login", email=email), 303)


def _mail_allowed(scope: str, user: User) -> bool:
    """At most RESET_LIMIT_PER_ACCOUNT mails of a kind per account: beyond it nothing is sent,
    and the asker is not told (a link sent within the window is still valid)."""
    return throttle.hit(current_app.config["RESET_LIMIT_PER_ACCOUNT"], scope, user.id)


@bp.route("/verify/resend", methods=["GET", "POST"])
@limiter.limit(reset_limit_per_ip, methods=["POST"])
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is not None and not user.is_verified and _mail_allowed("verify-mail", user):
            services.send_verification(user)
            db.session.commit()
        return redirect(
            url_for("accounts.check_email", email=normalise_email(form.email.data)), 303
        )
    return form_page("accounts/resend.html", form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:320]
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        user = User.by_email(email)
        device = _device()
        counters = _login_counters(email, user, device)
        wait = max(throttle.over(*counter) for counter in counters)
        if wait:
            return _too_many(form, wait)
        if user is None:
            dummy_password_check()
        if user is None or not user.check_password(form.password.data) or not user.is_active:
            for counter in counters:
                throttle.hit(*counter)
            audit.record("account.login_failed", target=user, email=email)
            db.session.commit()
            form.password.errors.append(_("The e-mail address or the password is not right."))
            return form_page("accounts/login.html", form)
        if not user.is_verified:
            db.session.commit()
            return render(
                "accounts/unverified.html",
                email=user.email,
                form=ResendVerificationForm(email=user.email),
                status=403,
            )
        login_user(user, remember=form.remember.data)
        services.note_login(user)
        db.session.commit()
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        chosen = normalise_locale(request.cookies.get(LOCALE_COOKIE))
        if chosen and user.locale and chosen != user.locale:
            flash(
                _(
                    "The interface stays in %(chosen)s, as you chose here; your account uses "
                    "%(stored)s. Choose a language in the switcher to save it to your account.",
                    chosen=LOCALE_NAMES[chosen],
                    stored=LOCALE_NAMES.get(user.locale, user.locale),
                ),
                "info",
            )
        return _remember_device(redirect(safe_next(), 303), device, user)
    return form_page("accounts/login.html", form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        user = current_person()
        user.end_sessions()  # a copy of this session's cookie is no use after logout
        audit.record("account.logout", target=user)
        db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("pages.home"), 303)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(reset_limit_per_ip, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is not None and user.is_active and _mail_allowed("reset-mail", user):
            services.send_password_reset(user)
            audit.record("account.reset_requested", target=user)
            db.session.commit()
        # The same answer whether or not the address is registered.
        return render(
            "accounts/check_email.html", email=normalise_email(form.email.data), reset=True
        )
    return form_page("accounts/forgot.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(reset_limit_per_ip, methods=["POST"])
def reset_password(token: str):
    try:
        user = services.read_reset_token(token)
    except services.LinkError as error:
        return render("accounts/link_error.html", message=str(error), status=400)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.end_sessions()  # whoever knew the old password is logged out everywhere
        user.mark_verified()  # the link arrived at this address
        audit.record("account.password_reset", target=user, actor=user)
        db.session.commit()
        flash(_("Your password is changed. You can log in with the new one."), "success")
        return redirect(url_for("accounts.login", email=user.email), 303)
    return form_page("accounts/reset.html", form, token=token)


def _profile_page(profile_form=None, password_form=None, email_form=None):
    user = current_user
    profile_form = profile_form or ProfileForm(obj=user, locale=user.locale or "", formdata=None)
    password_form = password_form or ChangePasswordForm(formdata=None)
    email_form = email_form or ChangeEmailForm(formdata=None)
    failed = any(f.errors for f in (profile_form, password_form, email_form))
    return render(
        "accounts/profile.html",
        profile_form=profile_form,
        password_form=password_form,
        email_form=email_form,
        status=INVALID if failed else 200,
    )


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    if request.method == "GET":
        return _profile_page()
    form = ProfileForm()
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data or None
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"), 303)
    return _profile_page(profile_form=form)


@bp.post("/profile/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is not right."))
        else:
            user = current_person()
            user.set_password(form.password.data)
            user.end_sessions()
            audit.record("account.password_changed", target=user)
            db.session.commit()
            _keep_this_session(user)  # every other session ends
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"), 303)
    return _profile_page(password_form=form)


def _keep_this_session(user: User) -> None:
    """After end_sessions(): log this browser in again with the new generation (and renew its
    remember-me cookie if it had one); every other copy stays revoked."""
    name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=name in request.cookies)


@bp.post("/profile/sessions")
@login_required
def end_other_sessions():
    """ "Log out everywhere": every other session and remember-me cookie of the account ends."""
    user = current_person()
    user.end_sessions()
    audit.record("account.sessions_ended", target=user)
    db.session.commit()
    _keep_this_session(user)
    flash(_("You are logged out on every other device and browser."), "success")
    return redirect(url_for("accounts.profile"), 303)


@bp.post("/profile/email")
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is not right."))
        elif normalise_email(form.email.data) == current_user.email:
            form.email.errors.append(_("This is already your e-mail address."))
        else:
            new_email = normalise_email(form.email.data)
            # Confirm the new address before it replaces the old one; tell nothing about
            # whether it is registered to someone else (the link checks that on use).
            services.send_verification(current_person(), new_email)
            audit.record(
                "account.email_change_requested",
                target=current_person(),
                new=new_email,
            )
            db.session.commit()
            flash(
                _(
                    "We sent a confirmation link to %(email)s. Your address changes when you open it.",
                    email=new_email,
                ),
                "info",
            )
            return redirect(url_for("accounts.profile"), 303)
    return _profile_page(email_form=form)
