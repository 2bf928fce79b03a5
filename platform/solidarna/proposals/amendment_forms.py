"""The forms of amendments and of co-authorship. Every message a person can see is
translated."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import ChoiceField, RadioChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.fields import at_most
from solidarna.proposals.amendments import AMENDMENT_KINDS


class AmendmentForm(FlaskForm):
    #: a part's code or "section:<name>"; offered choices are the amendable parts and sections
    target = ChoiceField(_l("What it amends"), validators=[InputRequired(REQUIRED)])
    kind = RadioChoiceField(
        _l("The change"), choices=choices(AMENDMENT_KINDS), default="change",
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip
    heading = StringField(
        _l("Heading (optional)"), validators=[Optional(), at_most(300)],
        description=_l("The article's heading, if it should have one."),
    )  # fmt: skip
    body = TextAreaField(
        _l("Proposed text"), validators=[Optional(), at_most(20_000)],
        description=_l("The whole new text of the part (or of the new part). Markdown: **bold**, "
                       "*italics*, lists with “-”. Leave empty to delete."),
    )  # fmt: skip
    justification = TextAreaField(
        _l("Justification"), validators=[InputRequired(REQUIRED), at_most(10_000)],
        description=_l("Why this change: the authors decide on it, and it goes on the sheet."),
    )  # fmt: skip

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = [SelectChoice(value, label) for value, label in targets]

    def data_dict(self) -> dict:
        return {
            "target": self.target.data,
            "kind": self.kind.data,
            "heading": self.heading.data or "",
            "body": self.body.data or "",
            "justification": self.justification.data or "",
        }


class DraftAmendmentForm(FlaskForm):
    """Changing a draft keeps what it aims at and the kind of change."""

    heading = AmendmentForm.heading
    body = AmendmentForm.body
    justification = AmendmentForm.justification

    def data_dict(self) -> dict:
        return {
            "heading": self.heading.data or "",
            "body": self.body.data or "",
            "justification": self.justification.data or "",
        }


DECISIONS = {"accept": _l("Accept"), "reject": _l("Reject")}


class DecisionForm(FlaskForm):
    decision = RadioChoiceField(
        _l("Decision"), choices=choices(DECISIONS), validators=[InputRequired(REQUIRED)]
    )
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), at_most(5_000)],
        description=_l("Required when rejecting; shown on the amendments sheet."),
    )  # fmt: skip
    #: the version the decider looked at: a conflict seen on another version is seen again
    seen_version = HiddenField()
    #: set by the conflict page's "Apply anyway" button
    anyway = HiddenField()


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[InputRequired(REQUIRED), at_most(254)],
        description=_l("Of a member of this space. They get a mail with a link to accept."),
    )  # fmt: skip


class InviteMemberForm(FlaskForm):
    """ "Invite as co-author" from a post in the proposal's discussion: the member's id."""

    user_id = HiddenField(validators=[InputRequired(REQUIRED)])


class ActForForm(FlaskForm):
    organization_id = ChoiceField(_l("On behalf of"), default="")

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice("", _l("Only myself"))] + [
            SelectChoice(str(c.id), c.name) for c in organizations
        ]

    def organization(self) -> int | None:
        return int(self.organization_id.data) if self.organization_id.data else None
