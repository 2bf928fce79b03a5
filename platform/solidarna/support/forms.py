"""The forms of support requests and of the office's work on a case."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from solidarna.accounts.forms import REQUIRED
from solidarna.core import storage
from solidarna.core.forms import ChoiceField, MultiCheckboxField, RadioChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.fields import DayField, MunicipalityField, at_most
from solidarna.support import kit
from solidarna.support.models import CONTACTS, PRIORITIES, STATUSES, TRANSITIONS
from solidarna.support.services import ATTACHMENTS

ONLY_MYSELF = ""


def file_help():
    use = storage.USES[ATTACHMENTS]
    return _l("Optional. Accepted: %(kinds)s. At most %(size)s.", kinds=use.labels(),
              size=storage.human_size(use.max_bytes()))  # fmt: skip


class RequestForm(FlaskForm):
    on_behalf = ChoiceField(_l("Who is asking"), validators=[Optional()])
    category = ChoiceField(_l("What do you need help with?"), validators=[InputRequired(REQUIRED)])
    description = TextAreaField(
        _l("Describe your situation"),
        validators=[InputRequired(REQUIRED),
                    Length(min=20, max=5000, message=_l("Use 20 to 5000 characters."))],
        description=_l("What you are doing or planning, and where you are stuck. Only you and "
                       "the office's advisors will read it."),
    )  # fmt: skip
    municipality = MunicipalityField(_l("Municipality"), validators=[InputRequired(REQUIRED)])
    contact_method = RadioChoiceField(
        _l("How should the office contact you?"), choices=choices(CONTACTS), default="email",
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip
    phone = StringField(
        _l("Phone"), validators=[Optional(), at_most(40)],
        description=_l("Needed if you want to be called."),
    )  # fmt: skip

    def __init__(self, *args, tenant=None, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(code, label) for code, label in kit.categories(tenant).items()
        ]
        self.municipality.configure(tenant)
        self.on_behalf.choices = [SelectChoice(ONLY_MYSELF, _l("Myself"))] + [
            SelectChoice(str(o.id), _l("For %(name)s", name=o.name)) for o in organizations
        ]
        self.organizations = {str(o.id): o for o in organizations}
        if len(self.on_behalf.choices) == 1:
            del self.on_behalf

    def validate_category(self, field) -> None:
        if not field.data:
            raise ValidationError(str(REQUIRED))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.contact_method.data == "phone" and not (self.phone.data or "").strip():
            self.phone.errors = [*self.phone.errors, _l("Enter a phone number to be called.")]
            return False
        return valid

    def organization(self):
        if "on_behalf" not in self._fields:
            return None
        return self.organizations.get(self.on_behalf.data or "")

    def data_dict(self) -> dict:
        return {
            "category": self.category.data,
            "description": self.description.data.strip(),
            "municipality": self.municipality.data,
            "contact_method": self.contact_method.data,
            "phone": (self.phone.data or "").strip(),
        }


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message"),
        validators=[InputRequired(REQUIRED),
                    Length(min=2, max=5000, message=_l("Use 2 to 5000 characters."))],
    )  # fmt: skip
    file = FileField(_l("Attachment"), validators=[storage.FileCheck(ATTACHMENTS, required=False)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.description = file_help()

    def status(self) -> int:
        return 413 if getattr(self.file, "status", 422) == 413 and self.file.errors else 422


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Private note"),
        validators=[InputRequired(REQUIRED),
                    Length(min=2, max=5000, message=_l("Use 2 to 5000 characters."))],
        description=_l("Only the advisors read notes; the requester never sees them."),
    )  # fmt: skip


class ManageForm(FlaskForm):
    status = ChoiceField(_l("Status"), validators=[InputRequired(REQUIRED)])
    advisor_id = ChoiceField(_l("Advisor"), validators=[Optional()])
    priority = ChoiceField(_l("Priority"), choices=choices(PRIORITIES),
                           validators=[InputRequired(REQUIRED)])  # fmt: skip
    due_on = DayField(_l("Due on"), validators=[Optional()])

    def __init__(self, *args, case=None, advisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        allowed = (case.status, *TRANSITIONS[case.status]) if case is not None else STATUSES
        self.status.choices = [SelectChoice(s, STATUSES[s]) for s in allowed]
        self.advisor_id.choices = [SelectChoice("", _l("Nobody yet"))] + [
            SelectChoice(str(u.id), u.name) for u in advisors
        ]

    def data_dict(self) -> dict:
        return {
            "status": self.status.data,
            "advisor_id": int(self.advisor_id.data) if self.advisor_id.data else None,
            "priority": self.priority.data,
            "due_on": self.due_on.data,
        }


class BarriersForm(FlaskForm):
    codes = MultiCheckboxField(_l("Barriers met"), validators=[Optional()])

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes.choices = [SelectChoice(c, label) for c, label in kit.barriers(tenant).items()]


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that my description, contact and messages will be erased for good."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )  # fmt: skip


class ClusterProposalForm(FlaskForm):
    """Start a proposal from a cluster of cases: a barrier, and the barriers page's filters."""

    barrier = ChoiceField(_l("Barrier"), validators=[InputRequired(REQUIRED)])
    municipality = StringField(_l("Municipality"), validators=[Optional(), at_most(100)])
    category = StringField(_l("Category"), validators=[Optional(), at_most(40)])
    title = StringField(
        _l("Title of the proposal"),
        validators=[InputRequired(REQUIRED),
                    Length(min=5, max=200, message=_l("Use 5 to 200 characters."))],
        description=_l("The draft cites the anonymized counts of these cases, never a person."),
    )  # fmt: skip

    def __init__(self, *args, tenant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier.choices = [SelectChoice(c, label) for c, label in kit.barriers(tenant).items()]
