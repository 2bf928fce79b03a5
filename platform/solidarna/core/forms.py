"""Form fields and validators that several capabilities share, with translated messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

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


class EmailCheck(Email):
    """Syntax only: deliverability checks would need the network and reject valid addresses.
    An address longer than any real one (320 characters) is refused before the syntax check,
    whose time grows with the square of the length (100,000 characters: a fifth of a second)."""

    def __call__(self, form, field) -> None:
        if len(field.data or "") > 320:
            raise StopValidation(str(INVALID_EMAIL))
        super().__call__(form, field)


def email_check() -> Email:
    return EmailCheck(message=INVALID_EMAIL, check_deliverability=False)


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
