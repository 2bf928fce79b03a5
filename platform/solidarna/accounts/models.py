"""Global user accounts: one person, one login, memberships in many tenants."""

from __future__ import annotations

import contextlib
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from solidarna.core.i18n import LOCALES
from solidarna.core.models import TimestampMixin, one_of, utcnow
from solidarna.extensions import db

# Argon2id, a memory-hard KDF (RFC 9106 second recommended parameters: 64 MiB, 3 passes).
password_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("locale", LOCALES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; unique across the platform
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None]
    #: preferred interface locale: sr_Latn, sr_Cyrl or en; NULL follows the browser
    locale: Mapped[str | None] = mapped_column(String(10))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    #: a deactivated account cannot log in
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    #: part of every session's identity (and of the remember-me cookie): raising it ends
    #: every session of the account on its next request (logout, password change or reset,
    #: "log out everywhere", suspension)
    session_generation: Mapped[int] = mapped_column(server_default="0")
    #: raised when the account follows or stops following anything (core/following.py): what
    #: it follows in a space is kept per version, not read on every page
    follows_version: Mapped[int] = mapped_column(server_default="0")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """Session identity (Flask-Login's alternative token): the id and the session
        generation, so `end_sessions()` revokes every session and remember-me cookie."""
        return f"{self.id}.{self.session_generation or 0}"

    def end_sessions(self) -> None:
        """Revoke every session of this account, server-side: copied cookies included.
        The caller commits; a session that should go on logs in again (login_user)."""
        self.session_generation = (self.session_generation or 0) + 1

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = password_hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            password_hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if password_hasher.check_needs_rehash(self.password_hash):
            self.set_password(password)
        return True

    def mark_verified(self) -> None:
        if self.email_verified_at is None:
            self.email_verified_at = utcnow()

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(db.select(cls).where(cls.email == normalise_email(email)))


def dummy_password_check() -> None:
    """Spend the same time as a real check, so timing does not reveal unknown e-mails."""
    with contextlib.suppress(VerificationError):
        password_hasher.verify(_DUMMY_HASH, "not the password")


_DUMMY_HASH = password_hasher.hash("dummy password for timing")
