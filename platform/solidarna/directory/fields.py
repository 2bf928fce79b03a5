"""Form pieces shared by the directory's forms (organizations, resources, practices,
relationships) and by the CSV import, which validates each row with the organization form:
fields whose built-in messages WTForms would give untranslated, code lists that name the
unknown value, the municipality of a space, and the rule for optional coordinates in Serbia.
Each rule and its message is written here once."""

from __future__ import annotations

import re

from wtforms import DateField, DecimalField, IntegerField, SelectField, TimeField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation

from solidarna.accounts.forms import REQUIRED
from solidarna.core import geography
from solidarna.core.forms import MultiCheckboxField
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.script import fold
from solidarna.core.urls import MAX_ID

#: Serbia's bounding box (WGS 84 degrees), for coordinates typed by people.
LATITUDE = (41.8, 46.2)
LONGITUDE = (18.8, 23.1)
LATITUDE_MESSAGE = _l("A latitude in Serbia is between 41.8 and 46.2.")
LONGITUDE_MESSAGE = _l("A longitude in Serbia is between 18.8 and 23.1.")
BOTH_COORDINATES = _l("Enter both latitude and longitude, or neither.")
TOO_LARGE = _l("This number is too large.")


def at_most(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(max)d characters."))


def at_least(n: int) -> Length:
    return Length(min=n, message=_l("Use at least %(min)d characters."))


# --- fields whose built-in messages would be untranslated --------------------------------------


class _Parsed:
    invalid = _l("Enter a valid value.")

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
            if self.data is not None:
                self.check(self.data)
        except ValueError as error:
            self.data = None
            message = error.args[0] if isinstance(error, Refused) else self.invalid
            raise ValueError(str(message)) from error

    def check(self, value) -> None:
        """Raise ValueError (or Refused, with its message) for a value that parses but is not
        one a person means."""


class Refused(ValueError):
    """A value that parses but is refused; the argument is the message to show."""


class NumberField(_Parsed, DecimalField):
    """A decimal number. Python reads "NaN", "sNaN", "inf" and "Infinity" as numbers; they are
    refused here, once for every form (a NaN compares as an error and stores as garbage)."""

    invalid = _l("Enter a number, like 43.58.")

    def check(self, value) -> None:
        if not value.is_finite():
            raise ValueError("not a finite number")


class WholeNumberField(_Parsed, IntegerField):
    """A whole number an integer column holds (PostgreSQL's is 32-bit; a larger one would fail
    in the database); each form's own range checks come after."""

    invalid = _l("Enter a whole number.")

    def check(self, value) -> None:
        if abs(value) > MAX_ID:
            raise Refused(TOO_LARGE)


class DayField(_Parsed, DateField):
    """A date from <input type=date> (YYYY-MM-DD), or typed the Serbian way (31.12.2026.)."""

    invalid = _l("Enter a date, like 31.12.2026.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d.%m.%Y.", "%d.%m.%Y"])
        super().__init__(*args, **kwargs)


class TimeOfDayField(_Parsed, TimeField):
    """A time of day from <input type=time> (17:30), or typed with a dot (17.30)."""

    invalid = _l("Enter a time, like 17:30.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%H:%M", "%H.%M", "%H:%M:%S"])
        super().__init__(*args, **kwargs)


# --- code lists: an unknown value is named, so a file's row and a tampered form read alike -----


class CodeField(SelectField):
    """One code of a list; an empty value that is not a choice means the field is required."""

    def pre_validate(self, form) -> None:
        if any(choice.value == self.data for choice in self.iter_choices()):
            return
        if not self.data:
            raise StopValidation(str(REQUIRED))
        raise ValidationError(_l("“%(value)s” is not one of the known values.", value=self.data))


class CodesField(MultiCheckboxField):
    """Several codes of a list, as checkboxes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "MultiCheckboxField"  # macros/forms.html draws checkboxes by this name

    def pre_validate(self, form) -> None:
        known = {choice.value for choice in self.iter_choices()}
        unknown = [value for value in self.data or () if value not in known]
        if unknown:
            raise ValidationError(
                _l("Unknown values: %(values)s.", values=", ".join(f"“{u}”" for u in unknown))
            )


def area(tenant) -> list[str]:
    """The Latin names of the municipalities a space covers (all of Serbia for national
    spaces): the choices of its forms and what its import accepts."""
    if tenant is not None and tenant.municipalities:
        return list(tenant.municipalities)
    if tenant is not None and tenant.region != geography.NATIONAL:
        return [m.name_latn for m in geography.in_district(tenant.region)]
    return sorted({m.name_latn for m in geography.municipalities()})


def municipality_options(names) -> list[SelectChoice]:
    """Options for a list of municipalities: the value is the Latin name that is stored, the
    label is in the reader's script (one script per page)."""
    from solidarna.core.i18n import script_filter

    return [SelectChoice("", _l("Choose a municipality"))] + [
        SelectChoice(n, script_filter(n)) for n in names
    ]


#: the words a municipality's name is often written after (folded): "Grad Kruševac",
#: "Opština Brus", "Општина Трстеник", "Gradska opština Palilula"
_PREFIX = re.compile(r"^(?:gradska opstina|opstina|grad|go|op)\.?\s+")


def without_prefix(name: str) -> str:
    """A municipality's name without "Grad", "Opština" or "Gradska opština" before it (in
    either script, any case), as people write it; the name itself if it has none."""
    folded = fold(name)
    stripped = _PREFIX.sub("", folded)
    return stripped if stripped != folded else ""


class MunicipalityField(SelectField):
    """A municipality of the space's area (`configure(tenant)` sets it). A name in either
    script, any case or without diacritics is read as its Latin name, the space's district
    first, so a file's "Трстеник" is the form's "Trstenik"; "Grad" or "Opština" before the
    name is left out when the whole is not a name ("Opština Brus" is Brus)."""

    known: frozenset[str] = frozenset()
    region: str | None = None

    def configure(self, tenant) -> None:
        names = area(tenant)
        self.choices = municipality_options(names)
        self.known = frozenset(names)
        region = getattr(tenant, "region", None)
        self.region = None if region in (None, geography.NATIONAL) else region

    def _find(self, name: str) -> geography.Municipality | None:
        return geography.find(name, self.region) or geography.find(name) if name else None

    def pre_validate(self, form) -> None:
        if not self.data:
            raise StopValidation(str(REQUIRED))
        found = self._find(self.data) or self._find(without_prefix(self.data))
        if found is not None and found.name_latn in self.known:
            self.data = found.name_latn
            return
        if found is None:
            raise ValidationError(_l("Unknown municipality “%(name)s”.", name=self.data))
        raise ValidationError(
            _l("%(name)s is outside the area this space covers.", name=found.name_latn)
        )


def organization_choices(organizations, placeholder=None) -> list[SelectChoice]:
    from solidarna.core.i18n import script_filter  # the reader's script, like |script

    options = [SelectChoice("", placeholder)] if placeholder is not None else []
    return options + [SelectChoice(str(o.id), script_filter(o.name)) for o in organizations]


class Coordinates:
    """Optional coordinates in Serbia, both or neither (the same rules for every form that
    has `latitude` and `longitude`; call `_check_pair()` from `validate`)."""

    def validate_latitude(self, field) -> None:
        if field.data is not None and not LATITUDE[0] <= field.data <= LATITUDE[1]:
            raise ValidationError(LATITUDE_MESSAGE)

    def validate_longitude(self, field) -> None:
        if field.data is not None and not LONGITUDE[0] <= field.data <= LONGITUDE[1]:
            raise ValidationError(LONGITUDE_MESSAGE)

    def _check_pair(self) -> bool:
        if (self.latitude.data is None) == (self.longitude.data is None) or (
            self.latitude.errors or self.longitude.errors
        ):
            return True
        missing = self.longitude if self.longitude.data is None else self.latitude
        missing.errors = [*missing.errors, str(BOTH_COORDINATES)]
        return False
