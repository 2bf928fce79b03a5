"""The form of a local resource. Every message a person can see is translated, including the
ones WTForms would otherwise give in English (directory/fields.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import ChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy
from solidarna.directory.fields import (
    Coordinates,
    DayField,
    NumberField,
    at_most,
    organization_choices,
)
from solidarna.directory.organizations.forms import municipality_choices
from solidarna.directory.resources.services import today


class ResourceForm(Coordinates, FlaskForm):
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
