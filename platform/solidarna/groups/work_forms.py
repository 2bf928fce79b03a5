"""The forms of a meeting's record: minutes, attendance, a decision, a task, a task done."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import ChoiceField, MultiCheckboxField
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.fields import DayField, at_most


def _person(membership) -> str:
    name = membership.user.name if membership.user else ""
    return f"{name} ({membership.organization_name})" if membership.organization_name else name


class MinutesForm(FlaskForm):
    body = TextAreaField(
        _l("Minutes"), validators=[InputRequired(REQUIRED), at_most(20000)],
        description=_l("What was discussed and agreed. Markdown is allowed."),
    )  # fmt: skip


class AttendanceForm(FlaskForm):
    present = MultiCheckboxField(
        _l("Present"), coerce=str,
        description=_l("The members who attended; each for the organization they represent."),
    )  # fmt: skip

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.present.choices = [SelectChoice(str(m.id), _person(m)) for m in people]


class GroupDecisionForm(FlaskForm):
    title = StringField(
        _l("Decision"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=300, message=_l("Use 3 to 300 characters."))],
        description=_l("E.g. “The group prepares a proposal for a local guarantee fund”."),
    )  # fmt: skip
    body = TextAreaField(
        _l("Reasons and details"), validators=[Optional(), at_most(5000)],
        description=_l("Markdown is allowed."),
    )  # fmt: skip


class TaskForm(FlaskForm):
    title = StringField(
        _l("Task"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=300, message=_l("Use 3 to 300 characters."))],
        description=_l("E.g. “Collect the figures on the enterprises' loans”."),
    )  # fmt: skip
    assignee_id = ChoiceField(_l("Who does it"), validators=[InputRequired(REQUIRED)])
    due_on = DayField(_l("Due on"), validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = [SelectChoice("", _l("Choose a member"))] + [
            SelectChoice(str(m.user_id), _person(m)) for m in people
        ]

    def data_dict(self) -> dict:
        return {"title": self.title.data, "assignee_id": int(self.assignee_id.data),
                "due_on": self.due_on.data}  # fmt: skip


class TaskDoneForm(FlaskForm):
    done = HiddenField(validators=[AnyOf(("1", "0"), message=_l("Enter a valid value."))])


class WithdrawDecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it is withdrawn"), validators=[Optional(), at_most(500)],
        description=_l("Optional. Shown with the decision, which keeps its number."),
    )  # fmt: skip


class CancelTaskForm(FlaskForm):
    """Cancelling a task: the button and the session's token."""
