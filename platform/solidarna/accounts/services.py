"""Account rules: password strength, signed links, and the mails that carry them."""

from __future__ import annotations

import hashlib

from flask import current_app, render_template, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from solidarna.accounts.models import User, normalise_email, password_hasher
from solidarna.core import audit, mail
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.script import fold
from solidarna.extensions import db

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# The most common passwords and patterns, folded; a real deployment may extend the list.
COMMON_PASSWORDS = {
    "1234567890", "12345678910", "0123456789", "qwertyuiop", "password12", "password123",
    "passw0rd123", "iloveyou12", "1q2w3e4r5t", "qwerty1234", "qwerty12345", "lozinka123",
    "lozinka1234", "sifra12345", "solidarna1", "solidarna123", "administrator", "1111111111",
    "aaaaaaaaaa", "zaq12wsxcde", "asdfghjkl1", "korisnik123",
}  # fmt: skip


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why a password is too weak, or None. Length matters most (NIST SP 800-63B)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return ngettext(
            "Use at least %(num)d character.",
            "Use at least %(num)d characters.",
            MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return ngettext(
            "Use at most %(num)d character.", "Use at most %(num)d characters.", MAX_PASSWORD_LENGTH
        )
    folded = fold(password)
    if folded in COMMON_PASSWORDS or len(set(folded)) < 4:
        return _("This password is too common or too simple; choose a less predictable one.")
    local_part = fold(email.split("@")[0]) if email else ""
    if (local_part and len(local_part) >= 4 and local_part in folded) or (
        name and fold(name).replace(" ", "") == folded.replace(" ", "")
    ):
        return _("The password must not contain your name or e-mail address.")
    return None


# --- signed links --------------------------------------------------------------------------

VERIFY_SALT = "verify-email"
RESET_SALT = "reset-password"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    # Changes when the password changes, so a reset link works once.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_verify_token(user: User, email: str | None = None) -> str:
    return _serializer(VERIFY_SALT).dumps(
        {"uid": user.id, "email": normalise_email(email or user.email)}
    )


def make_reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _password_fingerprint(user)})


class LinkError(Exception):
    """A signed link that is expired, altered or already used; str() is user-facing."""


def read_verify_token(token: str) -> tuple[User, str]:
    try:
        data = _serializer(VERIFY_SALT).loads(
            token, max_age=current_app.config["VERIFY_EMAIL_MAX_AGE"]
        )
    except SignatureExpired:
        raise LinkError(_("This confirmation link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise LinkError(_("This confirmation link is not valid.")) from None
    user = db.session.get(User, data.get("uid"))
    if user is None:
        raise LinkError(_("This confirmation link is not valid."))
    return user, data["email"]


def read_reset_token(token: str) -> User:
    try:
        data = _serializer(RESET_SALT).loads(
            token, max_age=current_app.config["RESET_PASSWORD_MAX_AGE"]
        )
    except SignatureExpired:
        raise LinkError(_("This password reset link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise LinkError(_("This password reset link is not valid.")) from None
    user = db.session.get(User, data.get("uid"))
    if user is None or data.get("pw") != _password_fingerprint(user):
        raise LinkError(_("This password reset link has already been used or is not valid."))
    return user


def absolute_url(endpoint: str, **values) -> str:
    """Links in mail point at the public base URL, also when built outside a request."""
    path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _send(user: User, to: str, subject, template: str, **context) -> None:
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, user=user, **context)
        mail.queue(to, str(subject), body)


def send_verification(user: User, email: str | None = None) -> None:
    link = absolute_url("accounts.verify_email", token=make_verify_token(user, email))
    _send(
        user,
        email or user.email,
        _l("Confirm your e-mail address"),
        "mail/verify_email.txt",
        link=link,
        hours=current_app.config["VERIFY_EMAIL_MAX_AGE"] // 3600,
    )


def send_password_reset(user: User) -> None:
    link = absolute_url("accounts.reset_password", token=make_reset_token(user))
    _send(
        user,
        user.email,
        _l("Reset your password"),
        "mail/reset_password.txt",
        link=link,
        hours=max(current_app.config["RESET_PASSWORD_MAX_AGE"] // 3600, 1),
    )


def register(name: str, email: str, password: str, locale: str | None) -> User | None:
    """Create an account and queue its confirmation mail. None if the e-mail is taken;
    then the owner of that address is told instead, so the form reveals nothing: both paths
    hash the password (the expensive part), queue one mail and write one audit entry, so
    neither the answer nor its time tells whether the address is registered."""
    password_hash = password_hasher.hash(password)
    existing = User.by_email(email)
    if existing is not None:
        _send(
            existing,
            existing.email,
            _l("Someone tried to register with your e-mail address"),
            "mail/already_registered.txt",
            login_link=absolute_url("accounts.login"),
            reset_link=absolute_url("accounts.forgot_password"),
        )
        audit.record("account.register_existing", target=existing)
        return None
    user = User(name=name.strip(), email=normalise_email(email), locale=locale)
    user.password_hash = password_hash
    db.session.add(user)
    db.session.flush()
    audit.record("account.registered", target=user, actor=user)
    send_verification(user)
    return user


def confirm_email(user: User, email: str) -> bool:
    """Apply a verification link. Returns False if the new address was taken meanwhile."""
    email = normalise_email(email)
    if email != user.email:
        if User.by_email(email) is not None:
            return False
        old = user.email
        user.email = email
        audit.record("account.email_changed", target=user, actor=user, old=old, new=email)
    user.mark_verified()
    audit.record("account.email_verified", target=user, actor=user)
    return True


def note_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("account.login", target=user, actor=user)
