"""The forms of advocacy platforms. Every message a person can see is translated."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from solidarna.accounts.forms import REQUIRED
from solidarna.campaigns.models import ACTION_KINDS, STATUSES
from solidarna.core.forms import WEBSITE_PATTERN, ChoiceField, MultiCheckboxField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.fields import DayField, at_most

DEMAND_ROWS = 6
MAX_DEMANDS = 30
MAX_INSTITUTIONS = 30


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class DemandForm(Form):
    text = StringField(_l("Demand"), validators=[Optional(), at_most(1000)])
    proposal_id = StringField(
        _l("Proposal number (optional)"),
        validators=[Optional(), Regexp(r"^\d{1,9}$", message=_l("Enter a number."))],
        description=_l("The number in the address of a proposal of this space."),
    )


class CampaignForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
        description=_l("E.g. “Reserved public contracts for social enterprises”."),
    )  # fmt: skip
    goal = TextAreaField(
        _l("Goal"), validators=[InputRequired(REQUIRED), at_most(5000)],
        description=_l("What the platform wants to achieve and why. Markdown is allowed."),
    )  # fmt: skip
    institutions = TextAreaField(
        _l("Institutions addressed"), validators=[Optional(), at_most(3000)],
        description=_l("One institution per line."),
    )  # fmt: skip
    starts_on = DayField(_l("Starts on"), validators=[Optional()])
    ends_on = DayField(_l("Ends on"), validators=[Optional()])
    demands = FieldList(FormField(DemandForm), min_entries=DEMAND_ROWS, max_entries=MAX_DEMANDS)

    def validate_institutions(self, field) -> None:
        lines = _lines(field.data)
        if len(lines) > MAX_INSTITUTIONS:
            raise ValidationError(_l("Name at most %(n)d institutions.", n=MAX_INSTITUTIONS))
        if any(len(line) > 200 for line in lines):
            raise ValidationError(_l("Use at most %(max)d characters.", max=200))

    def data_dict(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "goal": (self.goal.data or "").strip(),
            "institutions": _lines(self.institutions.data),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }

    def demand_list(self) -> list[tuple[str, int | None]]:
        out = []
        for entry in self.demands.entries:
            text = (entry.form.text.data or "").strip()
            pid = entry.form.proposal_id.data
            if text:
                out.append((text, int(pid) if pid else None))
        return out

    def fill(self, campaign) -> None:
        """A campaign's stored values into a form not yet submitted."""
        self.institutions.data = "\n".join(campaign.institutions or [])
        while len(self.demands.entries) < len(campaign.demands) + 2:
            self.demands.append_entry()
        for entry, demand in zip(self.demands.entries, campaign.demands, strict=False):
            entry.form.text.data = demand.text
            entry.form.proposal_id.data = str(demand.proposal_id) if demand.proposal_id else ""


class StatusForm(FlaskForm):
    status = ChoiceField(_l("New status"), choices=choices(STATUSES),
                         validators=[InputRequired(REQUIRED)])  # fmt: skip


class OrganizationForm(FlaskForm):
    """Sign or withdraw for one of the organizations the person represents."""

    organization_id = ChoiceField(_l("For the organization"), validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(str(c.id), c.name) for c in organizations]

    def organization(self) -> int | None:
        value = self.organization_id.data
        return int(value) if value and str(value).isdigit() else None


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[InputRequired(REQUIRED), at_most(5000)],
        description=_l("Markdown is allowed. Your name and your space are shown with it."),
    )


class HideForm(FlaskForm):
    """Hide a comment (hidden=1) or show it again (hidden=0)."""

    hidden = ChoiceField(choices=[SelectChoice("1", "1"), SelectChoice("0", "0")],
                         validators=[InputRequired(REQUIRED)])  # fmt: skip


class SignOnForm(FlaskForm):
    """Which organizations of the space's directory get the sign-on link by e-mail."""

    organization_ids = MultiCheckboxField(
        _l("Organizations"),
        validators=[InputRequired(_l("Choose at least one organization."))],
    )
    note = TextAreaField(
        _l("A note to add to the mail"), validators=[Optional(), at_most(1000)],
    )  # fmt: skip

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_ids.choices = [SelectChoice(str(o.id), o.title) for o in organizations]

    def chosen(self) -> list[int]:
        return [int(v) for v in self.organization_ids.data or () if str(v).isdigit()]


class SupportForm(FlaskForm):
    """An empty form: its CSRF token is the whole of it."""


class ActionForm(FlaskForm):
    kind = ChoiceField(_l("What happened"), choices=choices(ACTION_KINDS),
                       validators=[InputRequired(REQUIRED)])  # fmt: skip
    happened_on = DayField(_l("On"), validators=[InputRequired(REQUIRED)])
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
    )  # fmt: skip
    note = TextAreaField(_l("Note"), validators=[Optional(), at_most(5000)])
    evidence_url = StringField(
        _l("Link to the evidence"),
        validators=[Optional(), at_most(500),
                    Regexp(WEBSITE_PATTERN, message=_l("Enter an address starting with https://"))],
        description=_l("The letter, the minutes, the article or the institution's answer."),
    )  # fmt: skip

    def data_dict(self) -> dict:
        return {
            "kind": self.kind.data,
            "happened_on": self.happened_on.data,
            "title": self.title.data.strip(),
            "note": (self.note.data or "").strip(),
            "evidence_url": (self.evidence_url.data or "").strip(),
        }


class PartnerForm(FlaskForm):
    slug = StringField(
        _l("Address of the space"),
        validators=[InputRequired(REQUIRED), at_most(40)],
        description=_l("The part of the space's address after the slash, e.g. krusevac."),
    )
