"""Form pieces shared by the directory's forms (resources, practices, relationships): fields
whose built-in messages WTForms would give untranslated, a list of organizations to choose
from, and the rule for optional coordinates in Serbia."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, IntegerField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length


def at_most(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters."))


# --- fields whose built-in messages would be untranslated --------------------------------------


class _Parsed:
    invalid = _l("Enter a valid value.")

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(str(self.invalid)) from error


class NumberField(_Parsed, DecimalField):
    invalid = _l("Enter a number, like 43.58.")


class WholeNumberField(_Parsed, IntegerField):
    invalid = _l("Enter a whole number.")


class DayField(_Parsed, DateField):
    """A date from <input type=date> (YYYY-MM-DD), or typed the Serbian way (31.12.2026.)."""

    invalid = _l("Enter a date, like 31.12.2026.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d.%m.%Y.", "%d.%m.%Y"])
        super().__init__(*args, **kwargs)


def organization_choices(organizations, placeholder=None) -> list[SelectChoice]:
    from solidarna.core.i18n import script_filter  # the reader's script, like |script

    options = [SelectChoice("", placeholder)] if placeholder is not None else []
    return options + [SelectChoice(str(o.id), script_filter(o.name)) for o in organizations]


class Coordinates:
    """Optional coordinates in Serbia, both or neither (the same rules as an organization)."""

    def validate_latitude(self, field) -> None:
        if field.data is not None and not 41.8 <= field.data <= 46.2:
            raise ValidationError(_l("A latitude in Serbia is between 41.8 and 46.2."))

    def validate_longitude(self, field) -> None:
        if field.data is not None and not 18.8 <= field.data <= 23.1:
            raise ValidationError(_l("A longitude in Serbia is between 18.8 and 23.1."))

    def _check_pair(self) -> bool:
        if (self.latitude.data is None) == (self.longitude.data is None) or (
            self.latitude.errors or self.longitude.errors
        ):
            return True
        missing = self.longitude if self.longitude.data is None else self.latitude
        missing.errors = [
            *missing.errors,
            str(_l("Enter both latitude and longitude, or neither.")),
        ]
        return False
