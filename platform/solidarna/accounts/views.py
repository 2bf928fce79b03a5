"""Accounts: register, confirm e-mail, log in and out, reset password, profile."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

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
from solidarna.core import audit
from solidarna.core.i18n import current_locale
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


def _account_key(prefix: str):
    def key() -> str:
        return f"{prefix}:{normalise_email(request.form.get('email', ''))}"

    return key


def _failed(response) -> bool:
    return response.status_code != 303


def login_limit_per_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def login_limit_per_ip() -> str:
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def reset_limit_per_account() -> str:
    return current_app.config["RESET_LIMIT_PER_ACCOUNT"]


def reset_limit_per_ip() -> str:
    return current_app.config["RESET_LIMIT_PER_IP"]


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


@bp.route("/verify/resend", methods=["GET", "POST"])
@limiter.limit(reset_limit_per_account, key_func=_account_key("resend"), methods=["POST"])
@limiter.limit(reset_limit_per_ip, methods=["POST"])
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is not None and not user.is_verified:
            services.send_verification(user)
            db.session.commit()
        return redirect(
            url_for("accounts.check_email", email=normalise_email(form.email.data)), 303
        )
    return form_page("accounts/resend.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    login_limit_per_account, key_func=_account_key("login"), methods=["POST"], deduct_when=_failed
)
@limiter.limit(login_limit_per_ip, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"][:320]
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is None:
            dummy_password_check()
        if user is None or not user.check_password(form.password.data) or not user.is_active:
            audit.record(
                "account.login_failed", target=user, email=normalise_email(form.email.data)
            )
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
        return redirect(safe_next(), 303)
    return form_page("accounts/login.html", form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        audit.record("account.logout", target=current_person())
        db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("pages.home"), 303)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(reset_limit_per_account, key_func=_account_key("reset"), methods=["POST"])
@limiter.limit(reset_limit_per_ip, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is not None and user.is_active:
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
            audit.record("account.password_changed", target=user)
            db.session.commit()
            login_user(user)  # keep this session; the new fingerprint ends all the others
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"), 303)
    return _profile_page(password_form=form)


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
