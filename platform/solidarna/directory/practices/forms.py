"""The form of a good practice."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import ChoiceField, MultiCheckboxField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy
from solidarna.directory.fields import WholeNumberField, at_most, organization_choices
from solidarna.directory.organizations.forms import municipality_choices
from solidarna.directory.resources.services import today


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
