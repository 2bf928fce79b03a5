"""Account forms. Every validator carries its own translated message."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from solidarna.accounts.services import MAX_PASSWORD_LENGTH, password_problem
from solidarna.core.forms import email_check, stripped
from solidarna.core.i18n import lazy_gettext as _l

REQUIRED = _l("This field is required.")


def email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        validators=[InputRequired(REQUIRED), email_check()],
        filters=[stripped],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class StrongPassword:
    """Checks the password against the strength rule, with the form's e-mail and name."""

    def __call__(self, form, field) -> None:
        email = form.email.data if hasattr(form, "email") else ""
        name = form.name.data if hasattr(form, "name") else ""
        problem = password_problem(field.data or "", email=email or "", name=name or "")
        if problem:
            raise ValidationError(problem)


def new_password_field(label=None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[InputRequired(REQUIRED), StrongPassword()],
        description=_l(
            "At least 10 characters. A short sentence is easy to remember and hard to guess."
        ),
        render_kw={
            "autocomplete": "new-password",
            "minlength": 10,
            "maxlength": MAX_PASSWORD_LENGTH,
        },
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(REQUIRED),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def name_field() -> StringField:
    return StringField(
        _l("Full name"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=2, max=120, message=_l("Use 2 to 120 characters.")),
        ],
        render_kw={"autocomplete": "name"},
    )


class RegisterForm(FlaskForm):
    name = name_field()
    email = email_field()
    password = new_password_field()
    password_confirm = confirm_field()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(REQUIRED),
            Length(max=MAX_PASSWORD_LENGTH, message=_l("Too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    password_confirm = confirm_field()


class ResendVerificationForm(FlaskForm):
    email = email_field()


LOCALE_CHOICES = [
    SelectChoice("", _l("As my browser asks")),
    SelectChoice("sr_Latn", _l("Serbian, Latin script")),
    SelectChoice("sr_Cyrl", _l("Serbian, Cyrillic script")),
    SelectChoice("en", _l("English")),
]


class ProfileForm(FlaskForm):
    name = name_field()
    locale = RadioField(
        _l("Language and script"), choices=LOCALE_CHOICES, default="", validate_choice=True
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    password_confirm = confirm_field()


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New e-mail address"))
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
