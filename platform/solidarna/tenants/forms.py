"""Forms of the tenants capability."""

from __future__ import annotations

import math
import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from solidarna.accounts.forms import REQUIRED
from solidarna.core import geography
from solidarna.core.capabilities import module_labels, registry
from solidarna.core.colors import PAGE_BACKGROUND, contrast, readable_accent
from solidarna.core.forms import (
    ENGLISH_INPUT,
    MultiCheckboxField,
    choices,
    email_check,
    optional_email_field,
    stripped,
    website_field,
)
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import script_filter
from solidarna.extensions import db
from solidarna.tenants.models import KINDS, ROLE_LABELS, VISIBILITIES, Tenant, slug_problem

ACCENT = re.compile(r"^#[0-9a-fA-F]{6}$")
#: WCAG 2.x AA for normal text
AA = 4.5


def municipality_choices() -> list[SelectChoice]:
    """Every municipality of the reference list (core/geography.py), by its Latin name."""
    return [
        SelectChoice(m.name_latn, script_filter(m.name_latn)) for m in geography.municipalities()
    ]


def municipality_groups(field) -> list[tuple[str, list]]:
    """A field's municipality checkboxes by district (templates/macros/municipalities.html)."""
    district = {m.name_latn: m.district_iso for m in geography.municipalities()}
    groups: dict[str, list] = {}
    for option in field:
        groups.setdefault(district[option.data], []).append(option)
    names = geography.districts()
    return [(script_filter(names[iso]), options) for iso, options in groups.items()]


class JoinForm(FlaskForm):
    message = TextAreaField(
        _l("Who are you?"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=10, max=2000, message=_l("Use 10 to 2000 characters.")),
        ],
        description=_l(
            "Your organization and your role in it, or what you plan to start. "
            "The space's administrators read this."
        ),
    )


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=choices(ROLE_LABELS), validators=[InputRequired(REQUIRED)]
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=1000)])


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(REQUIRED), email_check()],
        filters=[stripped],
    )
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS), default="member")
    note = TextAreaField(_l("Personal note (optional)"), validators=[Optional(), Length(max=1000)])


# The optional English versions of a space's texts, shown in the English interface
# (core.i18n.localized), with the Serbian fields' limits. Functions, so that each form's
# fields keep their order on the page.


def name_en_field():
    return StringField(
        _l("Name in English (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Shown in the English interface. Empty: the name above is shown."),
        render_kw=ENGLISH_INPUT,
    )


def short_name_en_field():
    return StringField(
        _l("Short name in English (optional)"),
        validators=[Optional(), Length(max=60)],
        description=_l("Shown in the English interface. Empty: the short name above is shown."),
        render_kw=ENGLISH_INPUT,
    )


def description_en_field():
    return TextAreaField(
        _l("Description in English (optional)"),
        validators=[Optional(), Length(max=10_000)],
        description=_l("Shown in the English interface. Empty: the description above is shown."),
        render_kw=ENGLISH_INPUT,
    )


class TenantForm(FlaskForm):
    slug = StringField(
        _l("Address"),
        validators=[
            InputRequired(REQUIRED),
            Length(min=2, max=40),
            Regexp(r"^[a-z0-9-]+$", message=_l("Use lowercase letters a-z, digits and hyphens.")),
        ],
        description=_l("The space lives at /address/, for example /krusevac/."),
    )
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    name_en = name_en_field()
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=60)])
    short_name_en = short_name_en_field()
    kind = SelectField(_l("Kind"), choices=choices(KINDS))
    region = SelectField(_l("Region"), validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10_000)])
    description_en = description_en_field()
    visibility = RadioField(_l("Visibility"), choices=choices(VISIBILITIES), default="public")
    modules = MultiCheckboxField(_l("Modules"), default=lambda: list(module_labels()))
    municipalities = MultiCheckboxField(
        _l("Municipalities the space covers"),
        description=_l("None chosen: every municipality of the region."),
    )
    owner_email = EmailField(
        _l("E-mail address of the owner"),
        validators=[Optional(), email_check()],
        filters=[stripped],
        description=_l(
            "An existing account; the person is told by e-mail. Empty: you become the owner."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules.choices = choices(module_labels())
        self.region.choices = [SelectChoice(geography.NATIONAL, _l("All of Serbia"))] + [
            SelectChoice(iso, script_filter(name)) for iso, name in geography.districts().items()
        ]
        self.municipalities.choices = municipality_choices()

    def municipality_groups(self) -> list[tuple[str, list]]:
        """The municipality checkboxes by district, for the template."""
        return municipality_groups(self.municipalities)

    def validate_municipalities(self, field) -> None:
        region = self.region.data
        if region in (None, geography.NATIONAL) or not field.data:
            return
        inside = {m.name_latn for m in geography.in_district(region)}
        outside = [name for name in field.data if name not in inside]
        if outside:
            raise ValidationError(
                _l(
                    "Outside the chosen region: %(names)s.",
                    names=", ".join(script_filter(n) for n in outside),
                )
            )

    def kit_fields(self) -> list:
        """The fields of kit keys offered on this form (see `tenant_form`)."""
        return [self[name] for name in getattr(self, "KIT_FIELDS", {})]

    def kit_values(self) -> dict[str, dict]:
        """{table: {key: value}} of the kit keys chosen on the form."""
        found: dict[str, dict] = {}
        for name, key in getattr(self, "KIT_FIELDS", {}).items():
            if self[name].data:
                found.setdefault(key.table, {})[key.key] = list(self[name].data)
        return found

    def validate_slug(self, field) -> None:
        problem = slug_problem(field.data)
        if problem:
            raise ValidationError(problem)
        if db.session.scalar(db.select(Tenant.id).where(Tenant.slug == field.data)):
            raise ValidationError(_l("This address is already taken."))


def tenant_form(*args, **kwargs) -> TenantForm:
    """The "Create a space" form with a checkbox field for every kit key a capability offers
    there (KitKey.choices), e.g. the actor types the ecosystem overview expects."""
    keys = [
        key
        for key in registry().kit_keys().values()
        if key.choices is not None and key.editor in (None, "choices")
    ]
    fields = {
        f"kit__{key.table}__{key.key}": MultiCheckboxField(
            key.label or key.key, choices=choices(key.choices())
        )
        for key in keys
    }
    fields["KIT_FIELDS"] = {f"kit__{key.table}__{key.key}": key for key in keys}
    return type("TenantKitForm", (TenantForm,), fields)(*args, **kwargs)


class KitUploadForm(FlaskForm):
    kit = FileField(_l("Kit file (TOML)"), validators=[FileRequired(_l("Choose a kit file."))])
    slug = StringField(
        _l("Address (optional, overrides the kit's)"), validators=[Optional(), Length(max=40)]
    )


class OwnerForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the new owner"),
        validators=[InputRequired(REQUIRED), email_check()],
        filters=[stripped],
    )


class AccountStatusForm(FlaskForm):
    """Platform admins suspend an account (it cannot log in; its sessions end) or reinstate it."""

    email = EmailField(
        _l("E-mail address of the account"),
        validators=[InputRequired(REQUIRED), email_check()],
        filters=[stripped],
    )


class TenantSettingsForm(FlaskForm):
    """What a space's own administrators may change; address, kind and region stay with the
    platform administrators."""

    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=200)])
    name_en = name_en_field()
    short_name = StringField(_l("Short name"), validators=[Optional(), Length(max=60)])
    short_name_en = short_name_en_field()
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=10_000)],
        description=_l(
            "Who you are and what this space is for. Separate paragraphs with an empty line."
        ),
    )
    description_en = description_en_field()
    visibility = RadioField(_l("Visibility"), choices=choices(VISIBILITIES))
    default_locale = SelectField(
        _l("Default language"),
        choices=[
            SelectChoice("sr_Latn", _l("Serbian, Latin script")),
            SelectChoice("sr_Cyrl", _l("Serbian, Cyrillic script")),
            SelectChoice("en", _l("English")),
        ],
    )
    modules = MultiCheckboxField(_l("Modules"))
    contact_email = optional_email_field(_l("Contact e-mail address"))
    website = website_field()
    accent_color = StringField(
        _l("Accent colour"),
        validators=[
            InputRequired(REQUIRED),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #0b6e4f.")),
        ],
        render_kw={"type": "color"},
        description=_l(
            "Links and buttons take it: it must be readable as text on the page and under "
            "white text (WCAG AA, a contrast of at least 4.5:1)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules.choices = choices(module_labels())

    def validate_accent_color(self, field) -> None:
        problem = accent_problem(field.data)
        if problem:
            raise ValidationError(problem)


def _ratio(value: float) -> str:
    """A contrast ratio as people read it, rounded down (4.49 is not 4.5): "4,49"."""
    from flask_babel import format_decimal

    return format_decimal(math.floor(value * 100) / 100, format="0.00")


def accent_problem(color: str | None):
    """Why an accent colour is not readable (WCAG AA: 4.5:1 as text on the page's background
    and under white text on buttons), with the ratios and a readable shade; None if it is."""
    if not color or not ACCENT.match(color):
        return None
    color = color.lower()
    on_page = contrast(color, PAGE_BACKGROUND)
    under_white = contrast(color, "#ffffff")
    if on_page >= AA and under_white >= AA:
        return None
    return _l(
        "This colour is hard to read: its contrast is %(page)s:1 as text on the page and "
        "%(button)s:1 under white text on buttons; both need at least 4.5:1 (WCAG AA). "
        "A darker shade is readable, for example %(suggestion)s.",
        page=_ratio(on_page), button=_ratio(under_white),
        suggestion=readable_accent(color, background=PAGE_BACKGROUND),
    )  # fmt: skip


class PartnershipAnswerForm(FlaskForm):
    """A partner space's admins accept or decline an invitation to share an object."""

    answer = RadioField(
        _l("Answer"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))],
        validators=[InputRequired(_l("Choose to accept or to decline."))],
    )


class KitPublishForm(FlaskForm):
    """A new version of a kit: pasted, or a file (the file wins when both are given)."""

    text = TextAreaField(
        _l("The kit (TOML), pasted"),
        validators=[Optional(), Length(max=256 * 1024)],
        render_kw={"rows": 16, "spellcheck": "false"},
    )
    file = FileField(_l("Or a kit file (TOML)"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        if not has_file and not (self.text.data or "").strip():
            self.text.errors = [*self.text.errors, _l("Paste the kit or choose a kit file.")]
            return False
        return valid


class KitUpgradeForm(FlaskForm):
    """Which offered items of a newer kit version to apply (the checkboxes are drawn from the
    diff; unknown values are ignored by tenants/kit_upgrades.apply)."""

    action = RadioField(
        _l("What to apply"),
        choices=choices(
            {"chosen": _l("The ticked items"), "all": _l("Everything"), "none": _l("Nothing")}
        ),
        default="chosen",
        validators=[InputRequired(REQUIRED)],
    )
