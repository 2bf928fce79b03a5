"""The organization form: every field validated with a clear, translated message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from solidarna.accounts.forms import REQUIRED
from solidarna.core import geography
from solidarna.core.forms import MultiCheckboxField, choices, optional_email_field, website_field
from solidarna.core.models import utcnow
from solidarna.directory import taxonomy
from solidarna.directory.organizations.identifiers import mb_problem, pib_problem

COUNT = [
    Optional(),
    NumberRange(min=0, max=100_000, message=_l("Enter a whole number from 0 to 100,000.")),
]


def visibility_field(label) -> SelectField:
    return SelectField(label, choices=choices(taxonomy.VISIBILITY), default="public")


def municipality_choices(tenant) -> list[SelectChoice]:
    """The tenant's municipalities first (all of Serbia for national tenants)."""
    if tenant is not None and tenant.municipalities:
        names = list(tenant.municipalities)
    elif tenant is not None and tenant.region != geography.NATIONAL:
        names = [m.name_latn for m in geography.in_district(tenant.region)]
    else:
        names = sorted({m.name_latn for m in geography.municipalities()})
    return [SelectChoice("", _l("Choose a municipality"))] + [SelectChoice(n, n) for n in names]


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(min=2, max=200)])
    legal_name = StringField(
        _l("Full legal name"),
        validators=[Optional(), Length(max=300)],
        description=_l("As registered at APR, if different."),
    )
    actor_type = SelectField(_l("Role in the ecosystem"), validators=[InputRequired(REQUIRED)])
    legal_form = SelectField(
        _l("Legal form"),
        choices=choices(taxonomy.LEGAL_FORMS),
        validators=[InputRequired(REQUIRED)],
    )
    se_status = SelectField(
        _l("Social-enterprise status"), choices=choices(taxonomy.SE_STATUSES), default="no"
    )
    status = SelectField(
        _l("Activity status"), choices=choices(taxonomy.ORG_STATUSES), default="active"
    )
    pib = StringField(
        _l("PIB (tax number)"),
        validators=[Optional(), Length(max=20)],
        description=_l("9 digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    mb = StringField(
        _l("Registration number (matični broj)"),
        validators=[Optional(), Length(max=20)],
        description=_l("8 digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    founding_year = IntegerField(
        _l("Founding year"), validators=[Optional()], render_kw={"inputmode": "numeric"}
    )
    municipality = SelectField(_l("Municipality"), validators=[InputRequired(REQUIRED)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    latitude = DecimalField(
        _l("Latitude"),
        places=6,
        validators=[
            Optional(),
            NumberRange(
                min=41.8, max=46.2, message=_l("A latitude in Serbia is between 41.8 and 46.2.")
            ),
        ],
    )
    longitude = DecimalField(
        _l("Longitude"),
        places=6,
        validators=[
            Optional(),
            NumberRange(
                min=18.8, max=23.1, message=_l("A longitude in Serbia is between 18.8 and 23.1.")
            ),
        ],
    )
    kd = MultiCheckboxField(
        _l("Sectors of activity (KD sections)"), choices=choices(taxonomy.KD_SECTIONS)
    )
    interest = MultiCheckboxField(
        _l("Activities of general interest"), choices=choices(taxonomy.GENERAL_INTEREST)
    )
    group = MultiCheckboxField(
        _l("Vulnerable groups served or employed"), choices=choices(taxonomy.VULNERABLE_GROUPS)
    )
    employees_total = IntegerField(_l("Employees, total"), validators=COUNT)
    employees_women = IntegerField(_l("of whom women"), validators=COUNT)
    employees_vulnerable = IntegerField(_l("of whom from vulnerable groups"), validators=COUNT)
    volunteers = IntegerField(_l("Volunteers"), validators=COUNT)
    turnover_band = SelectField(
        _l("Annual turnover"),
        choices=[SelectChoice("", _l("Not stated"))] + choices(taxonomy.TURNOVER_BANDS),
        default="",
    )
    mission = TextAreaField(
        _l("Mission"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One or two sentences: what you do and for whom."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    contact_email = optional_email_field(_l("Contact e-mail"))
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9 +()/-]{6,40}$", message=_l("Use digits, spaces and + ( ) / - only.")),
        ],
    )
    website = website_field()
    vis_contact_email = visibility_field(_l("Who sees the e-mail"))
    vis_phone = visibility_field(_l("Who sees the phone"))
    vis_address = visibility_field(_l("Who sees the address and location"))
    vis_employees = visibility_field(_l("Who sees the employment figures"))
    vis_volunteers = visibility_field(_l("Who sees the number of volunteers"))
    vis_turnover_band = visibility_field(_l("Who sees the turnover"))
    #: set when the person has seen the duplicate warning and wants to go on
    confirm_duplicate = HiddenField(default="")

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor_type.choices = choices(taxonomy.actor_types(tenant))
        self.municipality.choices = municipality_choices(tenant)

    def validate_pib(self, field) -> None:
        problem = pib_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_mb(self, field) -> None:
        problem = mb_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_founding_year(self, field) -> None:
        if field.data is not None and not 1800 <= field.data <= utcnow().year:
            raise ValidationError(_l("Enter a year between 1800 and this year."))

    def validate_employees_women(self, field) -> None:
        if (
            field.data is not None
            and self.employees_total.data is not None
            and field.data > self.employees_total.data
        ):
            raise ValidationError(_l("Cannot be more than the total."))

    validate_employees_vulnerable = validate_employees_women

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (self.latitude.data is None) != (self.longitude.data is None) and not (
            self.latitude.errors or self.longitude.errors
        ):
            missing = self.longitude if self.longitude.data is None else self.latitude
            missing.errors = [
                *missing.errors,
                str(_l("Enter both latitude and longitude, or neither.")),
            ]
            valid = False
        return valid

    def entry_data(self) -> tuple[dict, dict]:
        """The entry's fields and tags from the form."""
        data = {
            name: getattr(self, name).data
            for name in (
                "name",
                "legal_name",
                "legal_form",
                "actor_type",
                "se_status",
                "status",
                "pib",
                "mb",
                "founding_year",
                "municipality",
                "address",
                "employees_total",
                "employees_women",
                "employees_vulnerable",
                "volunteers",
                "turnover_band",
                "mission",
                "description",
                "contact_email",
                "phone",
                "website",
            )
        }
        for key in ("name", "legal_name", "address", "mission", "description", "phone", "website"):
            if isinstance(data[key], str):
                data[key] = data[key].strip()
        data["latitude"] = float(self.latitude.data) if self.latitude.data is not None else None
        data["longitude"] = float(self.longitude.data) if self.longitude.data is not None else None
        data["field_visibility"] = {
            f: getattr(self, f"vis_{f}").data for f in taxonomy.PRIVATE_FIELDS
        }
        tags = {
            "kd": self.kd.data or [],
            "interest": self.interest.data or [],
            "group": self.group.data or [],
        }
        return data, tags

    def fill_from(self, org) -> None:
        for name in ("kd", "interest", "group"):
            getattr(self, name).data = org.tag_values(name)
        for f in taxonomy.PRIVATE_FIELDS:
            getattr(self, f"vis_{f}").data = org.visibility_of(f)


class ModerationForm(FlaskForm):
    action = SelectField(
        choices=[SelectChoice(a, a) for a in ("verify", "reject", "archive", "restore")]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ClaimForm(FlaskForm):
    message = TextAreaField(
        _l("How are you connected to this organization?"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=10, max=2000, message=_l("Use 10 to 2000 characters.")),
        ],
    )
