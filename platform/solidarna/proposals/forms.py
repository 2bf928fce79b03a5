"""The forms of proposals. Every message a person can see is translated."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import WEBSITE_PATTERN, ChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy
from solidarna.directory.fields import (
    TOO_LARGE,
    CodesField,
    DayField,
    Refused,
    WholeNumberField,
    at_most,
)
from solidarna.proposals.models import ENDORSEMENT_KINDS, KINDS, LEVELS, PART_KINDS, SECTIONS

MESSAGE = _l("What changed, in a few words")
MAX_TAGS = 12


def message_field():
    return StringField(
        MESSAGE, validators=[Optional(), at_most(200)],
        description=_l("Shown in the history of versions, e.g. “Article 3: shorter deadline”."),
    )  # fmt: skip


class AmountField(WholeNumberField):
    """Whole dinars, stored in a 64-bit column: a national measure costs billions."""

    def check(self, value) -> None:
        if abs(value) > 10**15:
            raise Refused(TOO_LARGE)


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=5, max=300, message=_l("Use 5 to 300 characters."))],
        description=_l("E.g. “Decision on support for social enterprises in Kruševac”."),
    )  # fmt: skip
    kind = ChoiceField(
        _l("Kind of measure"),
        choices=[SelectChoice("", _l("Choose a kind"))] + choices(KINDS),
        validators=[InputRequired(REQUIRED)],
    )
    level = ChoiceField(_l("Level"), choices=choices(LEVELS), validators=[InputRequired(REQUIRED)])
    institution_id = ChoiceField(
        _l("Addressed to"),
        default="",
        description=_l("The institution that decides. The space's administrators keep the list."),
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), at_most(500)],
        description=_l("Separated by commas, e.g. “public procurement, employment”."),
    )
    message = message_field()

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.institution_id.choices = [SelectChoice("", _l("Not chosen yet"))] + [
            SelectChoice(str(i.id), i.name) for i in institutions
        ]
        if isinstance(self.tags.data, list):  # from the proposal's tag rows
            self.tags.data = ", ".join(getattr(t, "value", str(t)) for t in self.tags.data)

    def validate_tags(self, field) -> None:
        tags = self.tag_list()
        if len(tags) > MAX_TAGS:
            raise ValidationError(_l("Use at most %(max)d tags.", max=MAX_TAGS))
        if any(len(t) > 60 for t in tags):
            raise ValidationError(_l("A tag has at most 60 characters."))

    def tag_list(self) -> list[str]:
        seen, tags = set(), []
        for raw in (self.tags.data or "").split(","):
            tag = " ".join(raw.split())
            if tag and tag.lower() not in seen:
                seen.add(tag.lower())
                tags.append(tag)
        return tags

    def data_dict(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "kind": self.kind.data,
            "level": self.level.data,
            "institution_id": int(self.institution_id.data) if self.institution_id.data else None,
            "tags": self.tag_list(),
        }

    def fill_from(self, proposal) -> None:
        self.institution_id.data = str(proposal.institution_id or "")
        self.tags.data = ", ".join(proposal.tag_values)


class SectionsForm(FlaskForm):
    summary = TextAreaField(SECTIONS["summary"], validators=[Optional(), at_most(5_000)])
    problem = TextAreaField(SECTIONS["problem"], validators=[Optional(), at_most(20_000)])
    measure = TextAreaField(SECTIONS["measure"], validators=[Optional(), at_most(20_000)])
    legal_basis = TextAreaField(SECTIONS["legal_basis"], validators=[Optional(), at_most(10_000)])
    memorandum = TextAreaField(SECTIONS["memorandum"], validators=[Optional(), at_most(50_000)])
    impact = TextAreaField(SECTIONS["impact"], validators=[Optional(), at_most(20_000)])
    references = TextAreaField(SECTIONS["references"], validators=[Optional(), at_most(10_000)])
    beneficiary_groups = CodesField(
        _l("Vulnerable groups"), choices=choices(taxonomy.VULNERABLE_GROUPS)
    )
    beneficiary_actor_types = CodesField(_l("Actors of the social economy"))
    fiscal_cost = AmountField(
        _l("Estimated cost (RSD)"), validators=[Optional()],
        description=_l("In whole dinars, e.g. 12000000."),
    )  # fmt: skip
    fiscal_source = StringField(_l("Source of funding"), validators=[Optional(), at_most(300)])
    fiscal_budget_line = StringField(
        _l("Budget line"), validators=[Optional(), at_most(200)],
        description=_l("E.g. “Program 1501, project 0003”."),
    )  # fmt: skip
    fiscal_period = StringField(
        _l("Period"), validators=[Optional(), at_most(100)], description=_l("E.g. “2027–2029”.")
    )
    message = message_field()

    TEXTS = (*SECTIONS, "fiscal_source", "fiscal_budget_line", "fiscal_period")

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.beneficiary_actor_types.choices = choices(taxonomy.actor_types(tenant))

    def validate_fiscal_cost(self, field) -> None:
        if field.data is not None and field.data < 0:
            raise ValidationError(_l("Enter zero or more."))

    def data_dict(self) -> dict:
        data = {name: (getattr(self, name).data or "").strip() for name in self.TEXTS}
        data["beneficiary_groups"] = sorted(self.beneficiary_groups.data or [])
        data["beneficiary_actor_types"] = sorted(self.beneficiary_actor_types.data or [])
        data["fiscal_cost"] = self.fiscal_cost.data
        return data


class PartForm(FlaskForm):
    kind = ChoiceField(_l("Kind of part"), choices=choices(PART_KINDS), default="article")
    parent = HiddenField()
    after = HiddenField()
    heading = StringField(
        _l("Heading"), validators=[Optional(), at_most(300)],
        description=_l("E.g. “Subject of the decision”. A chapter needs one; an article may have one."),
    )  # fmt: skip
    body = TextAreaField(
        _l("Text"), validators=[Optional(), at_most(20_000)],
        description=_l("Markdown: **bold**, *italics*, lists with “-”."),
    )  # fmt: skip
    message = message_field()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == "chapter" and not (self.heading.data or "").strip():
            self.heading.errors = [*self.heading.errors, str(_l("A chapter needs a heading."))]
            valid = False
        if self.kind.data != "chapter" and not (self.body.data or "").strip():
            self.body.errors = [*self.body.errors, str(REQUIRED)]
            valid = False
        return valid


class EditPartForm(PartForm):
    """Editing keeps the part's kind and place."""

    def __init__(self, *args, part=None, **kwargs):
        super().__init__(*args, **kwargs)
        if part is not None:
            self.kind.data = part.kind


class MoveForm(FlaskForm):
    """A move on the road: the date, a note, evidence, and what the move asks for."""

    happened_on = DayField(
        _l("Date"), validators=[Optional()], description=_l("Leave empty for today.")
    )
    note = TextAreaField(_l("Note for the timeline"), validators=[Optional(), at_most(2_000)])
    link = StringField(
        _l("Link to evidence"),
        validators=[Optional(), at_most(500),
                    Regexp(WEBSITE_PATTERN, message=_l("Enter an address that starts with https:// or http://."))],
        description=_l("A published decision, the gazette, a letter."),
    )  # fmt: skip
    ends = DayField(_l("Ends on"), validators=[Optional()])
    #: checked by the move itself (workflow.move), which only the submission needs
    institution_id = ChoiceField(_l("Submitted to"), default="", validate_choice=False)
    reference_number = StringField(_l("Reference number"), validators=[Optional(), at_most(100)])
    gazette_reference = StringField(
        _l("Official gazette"), validators=[Optional(), at_most(200)],
        description=_l("E.g. “Sl. glasnik RS 14/2022” or the local official journal."),
    )  # fmt: skip

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.institution_id.choices = [SelectChoice("", _l("Choose an institution"))] + [
            SelectChoice(str(i.id), i.name) for i in institutions
        ]

    def data_dict(self) -> dict:
        return {
            "happened_on": self.happened_on.data,
            "note": self.note.data or "",
            "link": self.link.data or "",
            "ends": self.ends.data,
            "institution_id": _id(self.institution_id.data),
            "reference_number": self.reference_number.data or "",
            "gazette_reference": self.gazette_reference.data or "",
        }


def _id(value) -> int | None:
    """A chosen id; anything that is not one becomes 0, which no row has (the move says so)."""
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) < 10 else 0


class EndorseForm(FlaskForm):
    organization_id = ChoiceField(_l("On behalf of"), validators=[InputRequired(REQUIRED)])
    kind = ChoiceField(
        _l("How"), choices=choices(ENDORSEMENT_KINDS), default="support",
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), at_most(2_000)])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(str(c.id), c.name) for c in organizations]


class InstitutionForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
        description=_l("E.g. “Ministry of Labour, Employment, Veteran and Social Affairs”."),
    )  # fmt: skip
    level = ChoiceField(_l("Level"), choices=choices(LEVELS), default="local")
