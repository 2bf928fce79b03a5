"""The forms of working groups. Every message a person can see is translated."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import WEBSITE_PATTERN, ChoiceField, RadioChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.fields import DayField, TimeOfDayField, at_most
from solidarna.groups.models import JOIN_POLICIES, ROLES, RSVP_ANSWERS, VISIBILITIES

NONE = ""


def _id_or_none(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class GroupForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
        description=_l("E.g. “Access to finance for social enterprises”."),
    )  # fmt: skip
    theme = ChoiceField(_l("Theme"), validators=[InputRequired(REQUIRED)])
    mandate = TextAreaField(
        _l("Mandate"), validators=[Optional(), at_most(5000)],
        description=_l("What the group is asked to do and for whom. Markdown is allowed."),
    )  # fmt: skip
    goals = TextAreaField(
        _l("Goals"), validators=[Optional(), at_most(5000)],
        description=_l("What the group wants to achieve, e.g. as a list. Markdown is allowed."),
    )  # fmt: skip
    ends_on = DayField(
        _l("Ends on"), validators=[Optional()],
        description=_l("For a task force with an end; leave empty for a standing group."),
    )  # fmt: skip
    visibility = RadioChoiceField(
        _l("Who sees the group"), choices=choices(VISIBILITIES), default="public",
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip
    join_policy = RadioChoiceField(
        _l("How people join"), choices=choices(JOIN_POLICIES), default="request",
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip
    parent_id = ChoiceField(
        _l("Sub-group of"), default=NONE,
        description=_l("Sub-groups go one level deep."),
    )  # fmt: skip

    def __init__(self, *args, themes=None, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        for radio in (self.visibility, self.join_policy):
            radio.type = "RadioField"  # macros/forms.html draws a fieldset with a legend
        self.theme.choices = [SelectChoice("", _l("Choose a theme"))] + choices(themes or {})
        self.parent_id.choices = [SelectChoice(NONE, _l("None: a top-level group"))] + [
            SelectChoice(str(p.id), p.name) for p in parents
        ]
        if not self.is_submitted() and self.parent_id.data not in (None, NONE):
            self.parent_id.data = str(self.parent_id.data)

    def data_dict(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "theme": self.theme.data,
            "mandate": (self.mandate.data or "").strip(),
            "goals": (self.goals.data or "").strip(),
            "ends_on": self.ends_on.data,
            "visibility": self.visibility.data,
            "join_policy": self.join_policy.data,
            "parent_id": _id_or_none(self.parent_id.data),
        }


def organization_field():
    return ChoiceField(
        _l("On behalf of"), default=NONE,
        description=_l("An organization you represent in the directory, or only yourself."),
    )  # fmt: skip


class JoinForm(FlaskForm):
    organization_id = organization_field()
    message = StringField(
        _l("A few words for the coordinators"), validators=[Optional(), at_most(500)]
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(NONE, _l("Only myself"))] + [
            SelectChoice(str(card.id), card.name) for card in organizations
        ]

    def organization(self) -> int | None:
        return _id_or_none(self.organization_id.data)


class AnswerForm(JoinForm):
    answer = ChoiceField(
        _l("Answer"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))],
        validators=[InputRequired(REQUIRED)],
    )


class InviteForm(FlaskForm):
    user_id = ChoiceField(_l("Member of the space"), validators=[InputRequired(REQUIRED)])
    role = ChoiceField(_l("Role"), choices=choices(ROLES), default="member",
                       validators=[InputRequired(REQUIRED)])  # fmt: skip
    message = StringField(_l("A few words with the invitation"),
                          validators=[Optional(), at_most(500)])  # fmt: skip

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice("", _l("Choose a person"))] + [
            SelectChoice(str(p.id), p.name) for p in people
        ]


class RoleForm(FlaskForm):
    role = ChoiceField(_l("Role"), choices=choices(ROLES), validators=[InputRequired(REQUIRED)])


class DecisionForm(FlaskForm):
    decision = ChoiceField(
        _l("Decision"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))],
        validators=[InputRequired(REQUIRED)],
    )

    def validate_decision(self, field) -> None:
        if field.data not in ("accept", "decline"):
            raise ValidationError(_l("Choose to accept or to decline."))


class MeetingForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
        description=_l("E.g. “Second meeting: the guarantee fund”."),
    )  # fmt: skip
    day = DayField(_l("Day"), validators=[InputRequired(REQUIRED)])
    starts = TimeOfDayField(
        _l("Starts at"), validators=[InputRequired(REQUIRED)],
        description=_l("Time in Serbia (Belgrade)."),
    )  # fmt: skip
    ends = TimeOfDayField(_l("Ends at"), validators=[Optional()])
    place = StringField(
        _l("Place"), validators=[Optional(), at_most(300)],
        description=_l("An address or a room, e.g. “Kancelarija, Vidovdanska 12, sala 2”."),
    )  # fmt: skip
    online_url = StringField(
        _l("Online link"),
        validators=[Optional(), at_most(500), Regexp(
            WEBSITE_PATTERN, message=_l("Enter an address that starts with https:// or http://."))],
        description=_l("The link of the video call, when there is one."),
    )  # fmt: skip
    agenda = TextAreaField(
        _l("Agenda"), validators=[Optional(), at_most(5000)],
        description=_l("The items, e.g. as a numbered list. Markdown is allowed."),
    )  # fmt: skip

    def data_dict(self, to_utc) -> dict:
        starts_at = to_utc(self.day.data, self.starts.data)
        return {
            "title": self.title.data.strip(),
            "starts_at": starts_at,
            "ends_at": to_utc(self.day.data, self.ends.data) if self.ends.data else None,
            "place": (self.place.data or "").strip(),
            "online_url": (self.online_url.data or "").strip(),
            "agenda": (self.agenda.data or "").strip(),
        }


class RsvpForm(FlaskForm):
    answer = ChoiceField(_l("Your answer"), choices=choices(RSVP_ANSWERS),
                         validators=[InputRequired(REQUIRED)])  # fmt: skip
