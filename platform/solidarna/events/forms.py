"""The forms of events. Every message a person can see is translated. Sessions are rows of a
day, a start and an end (Belgrade time): the form shows the event's sessions and a few empty
rows, so a training of several days is typed without JavaScript."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, Regexp

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import (
    WEBSITE_PATTERN,
    ChoiceField,
    MultiCheckboxField,
    RadioChoiceField,
    choices,
)
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import local_parts, local_to_utc
from solidarna.directory.fields import (
    Coordinates,
    DayField,
    NumberField,
    TimeOfDayField,
    WholeNumberField,
    at_most,
)
from solidarna.events.models import ELIGIBILITY

#: empty session rows offered below the event's own
EMPTY_ROWS = 2
NONE = ""


class SessionRow(Form):
    day = DayField(_l("Day"), validators=[Optional()])
    starts = TimeOfDayField(_l("Starts at"), validators=[Optional()])
    ends = TimeOfDayField(_l("Ends at"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """A row is all empty or all filled (the missing part is marked)."""
        ok = super().validate(extra_validators)
        parts = (self.day, self.starts, self.ends)
        if ok and any(f.data is not None for f in parts) and any(f.data is None for f in parts):
            missing = next(f for f in parts if f.data is None)
            missing.errors = [*missing.errors, str(_l("Give the day, the start and the end."))]
            return False
        return ok


class EventForm(Coordinates, FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
        description=_l("E.g. “Starting a social enterprise: a three-day training”."),
    )  # fmt: skip
    kind = ChoiceField(_l("Type"), validators=[InputRequired(REQUIRED)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), at_most(10000)],
        description=_l("What the event is about, for whom, the programme. Markdown is allowed."),
    )  # fmt: skip
    sessions = FieldList(FormField(SessionRow), min_entries=1, max_entries=10)
    place = StringField(
        _l("Place"), validators=[Optional(), at_most(300)],
        description=_l("An address or a room, e.g. “Kancelarija, Vidovdanska 12, sala 2”."),
    )  # fmt: skip
    latitude = NumberField(_l("Latitude"), validators=[Optional()], places=None,
                           description=_l("For the map, e.g. 43.58."))  # fmt: skip
    longitude = NumberField(_l("Longitude"), validators=[Optional()], places=None,
                            description=_l("For the map, e.g. 21.33."))  # fmt: skip
    online_url = StringField(
        _l("Online link"),
        validators=[Optional(), at_most(500), Regexp(
            WEBSITE_PATTERN, message=_l("Enter an address that starts with https:// or http://."))],
        description=_l("The link of the video call, when there is one."),
    )  # fmt: skip
    capacity = WholeNumberField(_l("Seats"), validators=[Optional()],
                                description=_l("Leave empty for no limit."))  # fmt: skip
    eligibility = RadioChoiceField(_l("Who may apply"), choices=choices(ELIGIBILITY),
                                   default="anyone", validators=[InputRequired(REQUIRED)])  # fmt: skip
    actor_types = MultiCheckboxField(
        _l("Actor types"), validators=[Optional()],
        description=_l("For representatives of organizations: of which types (none: any)."),
    )  # fmt: skip
    deadline_day = DayField(_l("Applications until (day)"), validators=[Optional()])
    deadline_time = TimeOfDayField(_l("Applications until (time)"), validators=[Optional()],
                                   description=_l("Time in Serbia (Belgrade); empty: 23:59."))  # fmt: skip
    fee = WholeNumberField(_l("Fee (RSD)"), validators=[Optional()],
                           description=_l("Leave empty for a free event."))  # fmt: skip
    accessibility = TextAreaField(
        _l("Accessibility"), validators=[Optional(), at_most(3000)],
        description=_l("E.g. step-free entrance, sign language interpreting on request."),
    )  # fmt: skip
    survey_url = StringField(
        _l("Follow-up survey"),
        validators=[Optional(), at_most(500), Regexp(
            r"^(https?://\S+|/\S*)$",
            message=_l("Enter an address that starts with https://, http:// or /."))],
        description=_l("The address of a survey elsewhere; a survey of this space is chosen "
                       "on the event's “Follow-up survey” page."),
    )  # fmt: skip

    def __init__(self, *args, types=None, actor_types=None, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.eligibility.type = "RadioField"  # macros/forms.html draws a fieldset and a legend
        self.kind.choices = [SelectChoice("", _l("Choose a type"))] + choices(types or {})
        self.actor_types.choices = choices(actor_types or {})
        if not self.is_submitted():
            rows = []
            if event is not None:
                for session in event.sessions:
                    day, starts = local_parts(session.starts_at)
                    rows.append({"day": day, "starts": starts,
                                 "ends": local_parts(session.ends_at)[1]})  # fmt: skip
                self.deadline_day.data, self.deadline_time.data = local_parts(event.deadline)
                self.actor_types.data = list(event.actor_types or [])
            while self.sessions.entries:
                self.sessions.pop_entry()
            for row in rows + [{}] * EMPTY_ROWS:
                self.sessions.append_entry(row)

    def validate_capacity(self, field) -> None:
        from wtforms import ValidationError

        if field.data is not None and not 1 <= field.data <= 100_000:
            raise ValidationError(_l("The number of seats is at least 1 (leave it empty for no "
                                     "limit)."))  # fmt: skip

    def validate_fee(self, field) -> None:
        from wtforms import ValidationError

        if field.data is not None and not 0 <= field.data <= 10_000_000:
            raise ValidationError(_l("A fee is a number of dinars from 0 up."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        ok = self._check_pair() and ok
        return ok

    def session_times(self) -> list:
        found = []
        for entry in self.sessions:
            row = entry.form
            if row.day.data and row.starts.data and row.ends.data:
                found.append((local_to_utc(row.day.data, row.starts.data),
                              local_to_utc(row.day.data, row.ends.data)))  # fmt: skip
        return found

    def data_dict(self) -> dict:
        from datetime import time

        deadline = None
        if self.deadline_day.data:
            deadline = local_to_utc(self.deadline_day.data, self.deadline_time.data or time(23, 59))
        point = (self.latitude.data, self.longitude.data)
        return {
            "title": self.title.data.strip(),
            "kind": self.kind.data,
            "description": (self.description.data or "").strip(),
            "place": (self.place.data or "").strip(),
            "latitude": None if point[0] is None else round(float(point[0]), 6),
            "longitude": None if point[1] is None else round(float(point[1]), 6),
            "online_url": (self.online_url.data or "").strip(),
            "capacity": self.capacity.data,
            "eligibility": self.eligibility.data,
            "actor_types": list(self.actor_types.data or []),
            "deadline": deadline,
            "fee": self.fee.data or None,
            "accessibility": (self.accessibility.data or "").strip(),
            "survey_url": (self.survey_url.data or "").strip(),
        }


class StatusForm(FlaskForm):
    status = ChoiceField(
        _l("State"),
        choices=[SelectChoice("published", _l("Publish")), SelectChoice("cancelled", _l("Cancel")),
                 SelectChoice("draft", _l("Back to draft"))],
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip


class ApplyForm(FlaskForm):
    """The application's fixed part; the questions are read by core/questions.py."""

    organization_id = ChoiceField(
        _l("On behalf of"), default=NONE,
        description=_l("An organization you represent in the directory, or only yourself."),
    )  # fmt: skip
    waitlist = BooleanField(_l("If the event is full, put me on the waiting list"))

    def __init__(self, *args, organizations=(), only_organizations=False, **kwargs):
        super().__init__(*args, **kwargs)
        head = [] if only_organizations else [SelectChoice(NONE, _l("Only myself"))]
        if only_organizations:
            head = [SelectChoice(NONE, _l("Choose an organization"))]
        self.organization_id.choices = head + [
            SelectChoice(str(card.id), card.name) for card in organizations
        ]

    def organization(self) -> int | None:
        value = self.organization_id.data
        return int(value) if value not in (None, "") and str(value).isdigit() else None


class DecisionForm(FlaskForm):
    decision = RadioChoiceField(
        _l("Decision"),
        choices=[SelectChoice("accept", _l("Accept")),
                 SelectChoice("waitlist", _l("Waiting list")),
                 SelectChoice("decline", _l("Decline"))],
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip
    message = TextAreaField(_l("Message to the applicant"), validators=[Optional(), at_most(3000)],
                            description=_l("Mailed with the decision."))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.type = "RadioField"


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Optional(), at_most(3000)])


class CheckInForm(FlaskForm):
    session_id = ChoiceField(_l("Session"), validators=[InputRequired(REQUIRED)])
    code = StringField(
        _l("Participant's code"),
        validators=[InputRequired(REQUIRED), at_most(20)],
        description=_l("The six characters on the participant's page, e.g. K7Q2MX."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )  # fmt: skip

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.session_id.choices = [SelectChoice(str(s.id), label) for s, label in sessions]


class MarkForm(FlaskForm):
    session_id = ChoiceField(_l("Session"), validators=[InputRequired(REQUIRED)])
    application_id = StringField(validators=[InputRequired(REQUIRED), at_most(20)])

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.session_id.choices = [SelectChoice(str(s.id), str(s.id)) for s in sessions]


class ConfirmForm(FlaskForm):
    pass


class SurveyForm(FlaskForm):
    """The event's follow-up survey: one of the space's surveys, or none."""

    survey_id = ChoiceField(
        _l("Follow-up survey"), default=NONE,
        description=_l("A survey of this space that the participants answer after the event."),
    )  # fmt: skip

    def __init__(self, *args, surveys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.survey_id.choices = [SelectChoice(NONE, _l("No follow-up survey"))] + [
            SelectChoice(str(s.id), s.title) for s in surveys
        ]

    def survey(self) -> int | None:
        value = self.survey_id.data
        return int(value) if value not in (None, "") and str(value).isdigit() else None
