"""Form fields and validators that several capabilities share, with translated messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import Email, Length, Optional, Regexp

INVALID_EMAIL = _l("Enter a valid e-mail address, like ime@primer.rs.")
WEBSITE_PATTERN = r"^https?://\S+$"


def email_check() -> Email:
    """Syntax only: deliverability checks would need the network and reject valid addresses."""
    return Email(message=INVALID_EMAIL, check_deliverability=False)


def optional_email_field(label) -> EmailField:
    return EmailField(label, validators=[Optional(), Length(max=320), email_check()])


def website_field(label=None) -> StringField:
    return StringField(
        label or _l("Website"),
        validators=[
            Optional(),
            Length(max=300),
            Regexp(
                WEBSITE_PATTERN,
                message=_l("Enter an address that starts with https:// or http://."),
            ),
        ],
    )
