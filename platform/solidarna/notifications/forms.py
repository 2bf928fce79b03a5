"""Notification settings form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.notifications import EMAIL_MODES

#: what each choice means, shown under it
EMAIL_MODE_HELP = {
    "immediate": _l(
        "A mail when something happens. While you have not opened a notification, we do not "
        "write again about the same topic."
    ),
    "daily": _l("At most one mail a day that lists what is new, grouped by space."),
    "never": _l("No mail. You still see your notifications here, on the site."),
}


class SettingsForm(FlaskForm):
    email_mode = RadioField(
        _l("Send me notifications by e-mail"),
        choices=[SelectChoice(value, label) for value, label in EMAIL_MODES.items()],
        validators=[
            InputRequired(_l("Choose how often we may write to you.")),
            AnyOf(list(EMAIL_MODES), message=_l("Choose one of the offered options.")),
        ],
        validate_choice=False,  # AnyOf answers with our own, translated message
    )
