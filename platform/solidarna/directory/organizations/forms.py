"""The organization form: every field validated with a clear, translated message."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import choices, optional_email_field, website_field
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.identifiers import mb_problem, pib_problem
from solidarna.core.models import utcnow
from solidarna.directory import taxonomy
from solidarna.directory.fields import (
    CodeField,
    CodesField,
    Coordinates,
    MunicipalityField,
    NumberField,
    WholeNumberField,
    area,
    at_least,
    at_most,
    municipality_options,
)


class CountField(WholeNumberField):
    invalid = _l("Enter a whole number from 0 to 100,000.")


COUNT = [
    Optional(),
    NumberRange(min=0, max=100_000, message=CountField.invalid),
]


def visibility_field(label) -> CodeField:
    return CodeField(label, choices=choices(taxonomy.VISIBILITY), default="public")


def municipality_choices(tenant) -> list[SelectChoice]:
    """The tenant's municipalities first (all of Serbia for national tenants)."""
    return municipality_options(area(tenant))


class OrganizationForm(Coordinates, FlaskForm):
    """The rules of an entry's fields, for the web form and for every row of an import
    (opendata/csv_rows.py feeds each row into this form)."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), at_least(2), at_most(200)])
    legal_name = StringField(
        _l("Full legal name"),
        validators=[Optional(), at_most(300)],
        description=_l("As registered at APR, if different."),
    )
    actor_type = CodeField(_l("Role in the ecosystem"), validators=[InputRequired(REQUIRED)])
    legal_form = CodeField(
        _l("Legal form"),
        choices=choices(taxonomy.LEGAL_FORMS),
        validators=[InputRequired(REQUIRED)],
    )
    se_status = CodeField(
        _l("Social-enterprise status"), choices=choices(taxonomy.SE_STATUSES), default="no"
    )
    status = CodeField(
        _l("Activity status"), choices=choices(taxonomy.ORG_STATUSES), default="active"
    )
    pib = StringField(
        _l("PIB (tax number)"),
        validators=[Optional(), at_most(20)],
        description=_l("9 digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    mb = StringField(
        _l("Registration number (matični broj)"),
        validators=[Optional(), at_most(20)],
        description=_l("8 digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    founding_year = WholeNumberField(
        _l("Founding year"), validators=[Optional()], render_kw={"inputmode": "numeric"}
    )
    municipality = MunicipalityField(_l("Municipality"), validators=[InputRequired(REQUIRED)])
    address = StringField(_l("Address"), validators=[Optional(), at_most(300)])
    latitude = NumberField(_l("Latitude"), places=6, validators=[Optional()])
    longitude = NumberField(_l("Longitude"), places=6, validators=[Optional()])
    kd = CodesField(_l("Sectors of activity (KD sections)"), choices=choices(taxonomy.KD_SECTIONS))
    interest = CodesField(
        _l("Activities of general interest"), choices=choices(taxonomy.GENERAL_INTEREST)
    )
    group = CodesField(
        _l("Vulnerable groups served or employed"), choices=choices(taxonomy.VULNERABLE_GROUPS)
    )
    employees_total = CountField(_l("Employees, total"), validators=COUNT)
    employees_women = CountField(_l("of whom women"), validators=COUNT)
    employees_vulnerable = CountField(_l("of whom from vulnerable groups"), validators=COUNT)
    volunteers = CountField(_l("Volunteers"), validators=COUNT)
    turnover_band = CodeField(
        _l("Annual turnover"),
        choices=[SelectChoice("", _l("Not stated"))] + choices(taxonomy.TURNOVER_BANDS),
        default="",
    )
    mission = TextAreaField(
        _l("Mission"),
        validators=[Optional(), at_most(2000)],
        description=_l("One or two sentences: what you do and for whom."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), at_most(10_000)])
    contact_email = optional_email_field(_l("Contact e-mail"))
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            at_most(40),
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
        self.municipality.configure(tenant)
        own = (tenant.taxonomies or {}).get(taxonomy.DEFAULTS_KEY) if tenant is not None else None
        if own and kwargs.get("obj") is None:
            # a new entry starts with who sees what as the space's owners chose
            for name, level in taxonomy.field_visibility_defaults(tenant).items():
                field = getattr(self, f"vis_{name}")
                if not getattr(field, "raw_data", None):
                    field.data = level

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
        return self._check_pair() and valid

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
