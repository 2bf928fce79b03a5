"""Discussion forms. Length and emptiness rules live in services (the same messages for the
form and for the services' callers); the forms add labels, help and translated choices."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import ENGLISH_INPUT, ChoiceField, RadioChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.discussions.models import CATEGORY_VISIBILITIES, REPORT_REASONS

BODY_HELP = _l(
    "Markdown: **bold**, *italic*, [a link](https://…), lists with -, quotes with >. "
    "To mention a member, type @ and the first letters of the name and choose from the list, "
    "or write @Name Surname or @[Name Surname]; they get a notice."
)


class PostForm(FlaskForm):
    body = TextAreaField(_l("Your post"), description=BODY_HELP)


class ThreadForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("First post"), description=BODY_HELP)


class ReportForm(FlaskForm):
    reason = RadioChoiceField(
        _l("Why do you report this post?"),
        choices=choices(REPORT_REASONS),
        validators=[InputRequired(message=_l("Choose why you report this post."))],
    )
    note = TextAreaField(
        _l("Anything the moderators should know (optional)"),
        validators=[Length(max=1000, message=_l("Use at most %(max)d characters."))],
    )


class ReasonForm(FlaskForm):
    reason = StringField(
        _l("Reason (recorded in the audit log)"),
        validators=[Length(max=500, message=_l("Use at most %(max)d characters."))],
    )


class MoveForm(ReasonForm):
    category = ChoiceField(_l("Move to category"), choices=[])


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=REQUIRED),
            Length(min=2, max=120, message=_l("Use 2 to %(max)d characters.")),
        ],
    )
    #: shown in the English interface (core.i18n.localized), with the Serbian name's limits
    name_en = StringField(
        _l("Name in English (optional)"),
        validators=[
            Optional(),
            Length(min=2, max=120, message=_l("Use 2 to %(max)d characters.")),
        ],
        description=_l("Shown in the English interface. Empty: the name above is shown."),
        render_kw=ENGLISH_INPUT,
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=1000, message=_l("Use at most %(max)d characters."))],
    )
    description_en = TextAreaField(
        _l("Description in English (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("Use at most %(max)d characters."))],
        description=_l("Shown in the English interface. Empty: the description above is shown."),
        render_kw=ENGLISH_INPUT,
    )
    visibility = RadioChoiceField(
        _l("Who can read it"),
        choices=choices(CATEGORY_VISIBILITIES),
        default="public",
        validators=[InputRequired(message=_l("Choose who can see the category."))],
    )
