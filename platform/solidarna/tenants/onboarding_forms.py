"""Forms of the applications for a space: the applicant's and the platform admins'."""

from __future__ import annotations

from flask import url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import MultiCheckboxField, RadioChoiceField, choices, stripped
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.identifiers import clean, mb_problem, pib_problem
from solidarna.tenants import applications
from solidarna.tenants.forms import municipality_choices, municipality_groups


def lowered(value):
    return value.strip().lower() if isinstance(value, str) else value


class ApplicationForm(FlaskForm):
    institution_name = StringField(
        _l("Name of the institution"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
        filters=[stripped],
        description=_l("As it is registered, e.g. Opština Brus. It becomes the space's name."),
    )
    kind = RadioChoiceField(
        _l("Kind of institution"),
        choices=choices(applications.APPLICANT_KINDS),
        validators=[InputRequired(_l("Choose the kind of institution."))],
    )
    pib = StringField(
        _l("PIB (tax identification number)"),
        validators=[InputRequired(REQUIRED), Length(max=20)],
        filters=[stripped],
        description=_l("9 digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    mb = StringField(
        _l("Registration number (matični broj, optional)"),
        validators=[Optional(), Length(max=20)],
        filters=[stripped],
        description=_l("8 digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    municipalities = MultiCheckboxField(
        _l("Municipalities the space covers"),
        validators=[InputRequired(_l("Choose at least one municipality."))],
        description=_l("Open a district to choose its municipalities; choose at least one."),
    )
    kit = RadioChoiceField(
        _l("Start from the set-up of"),
        validators=[InputRequired(_l("Choose a set-up to start from."))],
        description=_l(
            "The space starts with this set-up's modules, actor types, working-group themes and "
            "templates; you can change them afterwards."
        ),
    )
    slug = StringField(
        _l("Proposed address"),
        validators=[InputRequired(REQUIRED), Length(max=40)],
        filters=[lowered],
        description=_l("The space will live at /address/, for example /brus/."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    default_locale = SelectField(
        _l("Default language and script"),
        choices=choices(applications.LOCALE_LABELS),
        default="sr_Latn",
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        #: the application being edited (its own address is no conflict)
        self.application = application
        self.municipalities.choices = municipality_choices()
        self.kit.choices = choices(applications.available_kits())
        # the live check (htmx); without JavaScript the same check runs on sending
        self.slug.render_kw = {
            **self.slug.render_kw,
            "hx-get": url_for(
                "onboarding.check_slug",
                **({"application": application.id} if application is not None else {}),
            ),
            "hx-trigger": "input changed delay:400ms, blur",
            "hx-target": "#slug-check",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }

    def municipality_groups(self) -> list[tuple[str, list]]:
        return municipality_groups(self.municipalities)

    def validate_pib(self, field) -> None:
        problem = pib_problem(field.data)
        if problem:
            raise ValidationError(problem)
        field.data = clean(field.data)

    def validate_mb(self, field) -> None:
        problem = mb_problem(field.data)
        if problem:
            raise ValidationError(problem)
        field.data = clean(field.data) or None

    def validate_slug(self, field) -> None:
        problem = applications.slug_message(field.data, self.application)
        if problem:
            raise ValidationError(problem)

    def fill(self, application) -> None:
        for name in ("institution_name", "kind", "pib", "mb", "kit", "slug", "default_locale"):
            setattr(application, name, getattr(self, name).data)
        application.municipalities = list(dict.fromkeys(self.municipalities.data or []))


class MessageForm(FlaskForm):
    """What the platform admins ask for, or why they decline."""

    message = TextAreaField(
        _l("Message to the applicant"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=5, max=2000, message=_l("Use 5 to 2000 characters.")),
        ],
    )
