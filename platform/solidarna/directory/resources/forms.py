"""Forms for local resources, good practices and relationships. Every message a person can
see is translated, including the ones WTForms would otherwise give in English."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import ChoiceField, MultiCheckboxField, choices
from solidarna.directory import taxonomy
from solidarna.directory.organizations.forms import municipality_choices
from solidarna.directory.resources.services import today


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


class _Coordinates:
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


# --- local resources -----------------------------------------------------------------------------


class ResourceForm(_Coordinates, FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=3, max=200, message=_l("Use 3 to 200 characters.")),
        ],
        description=_l("What is on offer, e.g. “Training hall for 40 people”."),
    )
    kind = ChoiceField(
        _l("Kind of resource"),
        choices=[SelectChoice("", _l("Choose a kind"))] + choices(taxonomy.RESOURCE_KINDS),
        validators=[InputRequired(REQUIRED)],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), at_most(10_000)])
    owner_organization_id = ChoiceField(
        _l("Owner from the directory"),
        description=_l("The organization in this directory that owns or offers the resource."),
    )
    owner_name = StringField(
        _l("Or the owner's name, if it is not in the directory"),
        validators=[Optional(), at_most(200)],
        description=_l("A municipality, public company, ministry or other institution."),
    )
    municipality = ChoiceField(_l("Municipality"), validators=[InputRequired(REQUIRED)])
    address = StringField(_l("Address"), validators=[Optional(), at_most(300)])
    latitude = NumberField(_l("Latitude"), places=6, validators=[Optional()])
    longitude = NumberField(_l("Longitude"), places=6, validators=[Optional()])
    availability = ChoiceField(
        _l("Availability"),
        choices=choices(taxonomy.AVAILABILITY),
        default="available",
        validators=[InputRequired(REQUIRED)],
    )
    valid_until = DayField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l(
            "Leave empty if there is no end date. After this date the resource is marked expired."
        ),
    )
    conditions = TextAreaField(
        _l("Conditions of use"),
        validators=[Optional(), at_most(5_000)],
        description=_l("Price or fee, who may use it, how to apply."),
    )
    contact = StringField(
        _l("Contact"),
        validators=[Optional(), at_most(300)],
        description=_l(
            "A person, e-mail address or phone number. Everyone who can see this space sees it."
        ),
    )

    def __init__(self, *args, tenant=None, organizations=(), stored_valid_until=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = municipality_choices(tenant)
        self.owner_organization_id.choices = organization_choices(
            organizations, _l("Not in the directory")
        )
        self._stored_valid_until = stored_valid_until

    def validate_valid_until(self, field) -> None:
        if field.data is None:
            return
        if field.data.year > 2100:
            raise ValidationError(_l("Enter a date before the year 2100."))
        if field.data < today() and field.data != self._stored_valid_until:
            raise ValidationError(
                _l("This date has passed. Choose a later one, or leave it empty.")
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid = self._check_pair() and valid
        has_org = bool(self.owner_organization_id.data)
        has_name = bool((self.owner_name.data or "").strip())
        if not has_org and not has_name and not self.owner_organization_id.errors:
            self.owner_organization_id.errors = [
                *self.owner_organization_id.errors,
                str(_l("Choose the owner from the directory, or type the name of the owner.")),
            ]
            valid = False
        elif has_org and has_name and not self.owner_name.errors:
            self.owner_name.errors = [
                *self.owner_name.errors,
                str(_l("A resource has one owner: leave this empty when you choose one above.")),
            ]
            valid = False
        return valid

    def resource_data(self) -> dict:
        data = {
            name: getattr(self, name).data
            for name in (
                "title", "kind", "description", "owner_name", "municipality", "address",
                "availability", "valid_until", "conditions", "contact",
            )
        }  # fmt: skip
        for key in ("title", "description", "owner_name", "address", "conditions", "contact"):
            data[key] = (data[key] or "").strip()
        owner = self.owner_organization_id.data
        data["owner_organization_id"] = int(owner) if owner else None
        data["latitude"] = float(self.latitude.data) if self.latitude.data is not None else None
        data["longitude"] = float(self.longitude.data) if self.longitude.data is not None else None
        return data

    def fill_from(self, resource) -> None:
        self.owner_organization_id.data = (
            str(resource.owner_organization_id) if resource.owner_organization_id else ""
        )


# --- good practices --------------------------------------------------------------------------------


class PracticeForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=3, max=200, message=_l("Use 3 to 200 characters.")),
        ],
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[InputRequired(REQUIRED), at_most(500)],
        description=_l("One or two sentences: what was done, by whom, with what result."),
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), at_most(10_000)],
        description=_l("How it works, what it took, what others can learn from it."),
    )
    municipality = ChoiceField(_l("Municipality"), validators=[Optional()])
    year = WholeNumberField(_l("Year"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    themes = MultiCheckboxField(_l("Themes"), choices=choices(taxonomy.GENERAL_INTEREST))
    organizations = MultiCheckboxField(
        _l("Organizations behind it"),
        description=_l("Verified organizations of this directory."),
    )

    def __init__(self, *args, tenant=None, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = municipality_choices(tenant)
        self.organizations.choices = organization_choices(organizations)

    def validate_year(self, field) -> None:
        if field.data is not None and not 1900 <= field.data <= today().year:
            raise ValidationError(_l("Enter a year between 1900 and this year."))

    def practice_data(self) -> dict:
        return {
            "title": self.title.data,
            "summary": self.summary.data,
            "description": self.description.data,
            "municipality": self.municipality.data or None,
            "year": self.year.data,
            "themes": list(self.themes.data or []),
        }

    def organization_ids(self) -> set[int]:
        return {int(v) for v in self.organizations.data or [] if v.isdigit()}

    def fill_from(self, linked_ids: set[int]) -> None:
        self.organizations.data = [str(i) for i in sorted(linked_ids)]


# --- relationships between organizations --------------------------------------------------------


class RelationshipForm(FlaskForm):
    # Prefixed names: the form sits on a profile that has other forms (e.g. a "note").
    rel_target = ChoiceField(
        _l("Organization"), validators=[InputRequired(REQUIRED)], validate_choice=False
    )
    rel_kind = ChoiceField(
        _l("Kind of relationship"),
        choices=[SelectChoice("", _l("Choose a kind"))] + choices(taxonomy.RELATION_KINDS),
        validators=[InputRequired(REQUIRED)],
    )
    rel_note = StringField(_l("Note (optional)"), validators=[Optional(), at_most(300)])

    def __init__(self, *args, source_id: int, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.source_id = source_id
        targets = [o for o in targets if o.id != source_id]
        self._allowed = {o.id for o in targets}
        self.rel_target.choices = organization_choices(targets, _l("Choose an organization"))

    def validate_rel_target(self, field) -> None:
        value = (field.data or "").strip()
        if value == str(self.source_id):
            raise ValidationError(_l("An organization cannot have a relationship with itself."))
        if not value.isdigit() or int(value) not in self._allowed:
            raise ValidationError(_l("Choose an organization from the list."))

    @property
    def target_id(self) -> int:
        return int(self.rel_target.data)
