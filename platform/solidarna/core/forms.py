"""Form fields and validators that several capabilities share, with translated messages."""

from __future__ import annotations

from wtforms import EmailField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from solidarna.core.i18n import lazy_gettext as _l

INVALID_EMAIL = _l("Enter a valid e-mail address, like ime@primer.rs.")
WEBSITE_PATTERN = r"^https?://\S+$"
NOT_OFFERED = _l("Choose one of the offered options.")
#: render_kw of the fields for English versions of content (spell checking, screen readers)
ENGLISH_INPUT = {"lang": "en"}


def choices(mapping: dict) -> list[SelectChoice]:
    """Choices from a {value: label} mapping (labels are usually lazy translations)."""
    return [SelectChoice(key, label) for key, label in mapping.items()]


class OfferedChoice:
    """A value that is not among the choices gets our message, the same in every form."""

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValueError as error:
            raise ValidationError(str(NOT_OFFERED)) from error


class ChoiceField(OfferedChoice, SelectField):
    pass


class RadioChoiceField(OfferedChoice, RadioField):
    pass


class MultiCheckboxField(OfferedChoice, SelectMultipleField):
    """Checkboxes (the name is what macros/forms.html looks for)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


#: the longest address the syntax allows (RFC 5321's path limit, as email-validator checks)
MAX_EMAIL = 254
EMAIL_TOO_LONG = _l("The e-mail address is too long.")


def stripped(value):
    """A filter: the spaces a pasted address often brings, before and after, removed."""
    return value.strip() if isinstance(value, str) else value


class EmailCheck(Email):
    """Syntax only: deliverability checks would need the network and reject valid addresses.

    A wrong address gets one sentence, in the reader's language: that it is too long, or that
    it is not valid, with an example; never email-validator's own text (English) and never two
    messages about the same address (the check stops the field's chain). An address longer
    than MAX_EMAIL is refused before the syntax check, whose time grows with the square of
    the length (100,000 characters: a fifth of a second)."""

    def __call__(self, form, field) -> None:
        if len(field.data or "") > MAX_EMAIL:
            raise StopValidation(str(EMAIL_TOO_LONG))
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(INVALID_EMAIL)) from error


def email_check() -> Email:
    """The one check of every e-mail field (with `filters=[stripped]`): no Length validator
    beside it, which would add a second message about the same address."""
    return EmailCheck(message=INVALID_EMAIL, check_deliverability=False)


def optional_email_field(label) -> EmailField:
    return EmailField(label, validators=[Optional(), email_check()], filters=[stripped])


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


def field_labels(form_class) -> dict:
    """{field name: label} of a form class, without building the form (no request needed)."""
    from wtforms.fields.core import UnboundField

    labels = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            label = unbound.args[0] if unbound.args else unbound.kwargs.get("label")
            if label is not None:
                labels[name] = label
    return labels
