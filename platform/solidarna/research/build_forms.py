"""The survey builder's forms. Every message a person can see is translated.

A question's settings are typed as people think of them (options one per line as
`code | label`, the ends of a scale, the smallest and largest number ...) and turned into the
settings core/questions.py checks (`settings_problems`); each problem goes next to the field it
is about."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core import questions
from solidarna.core.forms import ChoiceField, RadioChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import local_parts, local_to_utc, script_filter
from solidarna.directory.fields import DayField, TimeOfDayField, WholeNumberField, at_most
from solidarna.research.models import ACCESS, STATUSES

EMPTY = ""
#: settings typed as lines of `code | label`
LISTS = {"options": "options", "rows": "rows"}


def _title_field(label=None):
    return StringField(
        label or _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
    )  # fmt: skip


class NewSurveyForm(FlaskForm):
    title = _title_field()
    template = RadioChoiceField(_l("Start from"), default=EMPTY)

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.template.type = "RadioField"  # macros/forms.html draws a fieldset with a legend
        self.template.choices = [SelectChoice(EMPTY, _l("An empty survey"))] + [
            SelectChoice(t["key"], t.get("title") or t["key"]) for t in templates if t.get("key")
        ]


class SurveyForm(FlaskForm):
    title = _title_field()
    description = TextAreaField(
        _l("Description"), validators=[Optional(), at_most(5000)],
        description=_l("What the survey asks about and why, shown on its first page. "
                       "Markdown is allowed."),
    )  # fmt: skip
    access = RadioChoiceField(_l("Who may answer"), choices=choices(ACCESS),
                              validators=[InputRequired(REQUIRED)])  # fmt: skip
    anonymous = BooleanField(
        _l("Anonymous: keep no account, organization or invitation with the answers")
    )
    opens_day = DayField(_l("Opens on"), validators=[Optional()])
    opens_time = TimeOfDayField(
        _l("Opening time"), validators=[Optional()], description=_l("Time in Serbia (Belgrade).")
    )
    closes_day = DayField(_l("Closes on"), validators=[Optional()])
    closes_time = TimeOfDayField(
        _l("Closing time"), validators=[Optional()], description=_l("Time in Serbia (Belgrade).")
    )
    asks_directory_consent = BooleanField(
        _l("Ask respondents for consent to be listed in the directory, and offer to update "
           "their organization's entry from their answers")
    )  # fmt: skip
    reminder_limit = WholeNumberField(
        _l("Reminders at most"),
        validators=[InputRequired(REQUIRED),
                    NumberRange(min=0, max=10, message=_l("From 0 to 10."))],
        description=_l("To those invited who have not finished."),
    )  # fmt: skip
    reminder_gap_days = WholeNumberField(
        _l("Days between reminders, at least"),
        validators=[InputRequired(REQUIRED),
                    NumberRange(min=1, max=90, message=_l("From 1 to 90."))],
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.access.type = "RadioField"

    def fill(self, survey) -> None:
        self.opens_day.data, self.opens_time.data = local_parts(survey.opens_at)
        self.closes_day.data, self.closes_time.data = local_parts(survey.closes_at)

    def _moment(self, day, at, default: time):
        if day.data is None:
            return None
        return local_to_utc(day.data, at.data or default)

    def validate_opens_time(self, field) -> None:
        if field.data is not None and self.opens_day.data is None and not self.opens_day.errors:
            raise ValidationError(_l("Give the day too."))

    def validate_closes_time(self, field) -> None:
        if field.data is not None and self.closes_day.data is None and not self.closes_day.errors:
            raise ValidationError(_l("Give the day too."))

    def validate_closes_day(self, field) -> None:
        opens, closes = self.opens_at(), self.closes_at()
        if opens is not None and closes is not None and closes <= opens:
            raise ValidationError(_l("The survey closes after it opens."))

    def opens_at(self):
        return self._moment(self.opens_day, self.opens_time, time(0, 0))

    def closes_at(self):
        return self._moment(self.closes_day, self.closes_time, time(23, 59))

    def data_dict(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "description": (self.description.data or "").strip(),
            "access": self.access.data,
            "anonymous": bool(self.anonymous.data),
            "opens_at": self.opens_at(),
            "closes_at": self.closes_at(),
            "asks_directory_consent": bool(self.asks_directory_consent.data),
            "reminder_limit": self.reminder_limit.data,
            "reminder_gap_days": self.reminder_gap_days.data,
        }


class SectionForm(FlaskForm):
    title = _title_field(_l("Section title"))
    intro = TextAreaField(
        _l("Introduction"), validators=[Optional(), at_most(5000)],
        description=_l("Shown above the section's questions. Markdown is allowed."),
    )  # fmt: skip

    def data_dict(self) -> tuple[str, str]:
        return self.title.data.strip(), (self.intro.data or "").strip()


def _lines_of(text: str | None) -> tuple[list[dict], list]:
    """`code | label` lines (a line without "|" gets a code from its label)."""
    from solidarna.core.questions import suggest_code

    items, problems, taken = [], [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            value, label = (part.strip() for part in line.split("|", 1))
        else:
            value, label = suggest_code(line, taken), line
        if not label:
            problems.append(_l("Line %(number)d has no label after “|”.", number=number))
        if len(label) > 300:
            problems.append(_l("Line %(number)d: use at most 300 characters.", number=number))
        taken.add(value)
        items.append({"value": value, "label": label})
    return items, problems


def _as_lines(items) -> str:
    return "\n".join(f"{i.get('value', '')} | {i.get('label', '')}" for i in items or [])


class QuestionForm(FlaskForm):
    kind = HiddenField()
    label = TextAreaField(
        _l("Question"), validators=[InputRequired(REQUIRED), at_most(500)],
        render_kw={"rows": 2},
    )  # fmt: skip
    code = StringField(
        _l("Variable code"), validators=[Optional(), at_most(40)],
        description=_l("Its column in the exports, e.g. legal_form: lowercase letters, digits "
                       "and _. Left empty, it is made from the question."),
    )  # fmt: skip
    help = TextAreaField(_l("Help"), validators=[Optional(), at_most(2000)],
                         render_kw={"rows": 2})  # fmt: skip
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Options"), validators=[Optional(), at_most(20000)],
        description=_l("One per line, as “code | label”, e.g. “coop | Cooperative”."),
        render_kw={"rows": 6},
    )  # fmt: skip
    other = BooleanField(_l("Offer “Other” with the respondent's own words"))
    max_choices = WholeNumberField(
        _l("Choices at most"), validators=[Optional()],
        description=_l("Leave empty for no limit."),
    )  # fmt: skip
    scale_min = WholeNumberField(_l("Scale from"), validators=[Optional()], default=1)
    scale_max = WholeNumberField(_l("Scale to"), validators=[Optional()], default=5)
    min_label = StringField(_l("Label of the low end"), validators=[Optional(), at_most(100)])
    max_label = StringField(_l("Label of the high end"), validators=[Optional(), at_most(100)])
    number_min = StringField(_l("Smallest number"), validators=[Optional(), at_most(30)])
    number_max = StringField(_l("Largest number"), validators=[Optional(), at_most(30)])
    integer = BooleanField(_l("Whole numbers only"))
    unit = StringField(
        _l("Unit"), validators=[Optional(), at_most(30)],
        description=_l("Shown after the field, e.g. “employees” or “RSD”."),
    )  # fmt: skip
    date_min = DayField(_l("Earliest date"), validators=[Optional()])
    date_max = DayField(_l("Latest date"), validators=[Optional()])
    rows = TextAreaField(
        _l("Rows"), validators=[Optional(), at_most(20000)],
        description=_l("One per line, as “code | label”; each is answered on the scale."),
        render_kw={"rows": 6},
    )  # fmt: skip
    condition_question = ChoiceField(
        _l("Show only when the answer to"), default=EMPTY,
        description=_l("An earlier question; leave “always shown” for no condition."),
    )  # fmt: skip
    condition_op = ChoiceField(
        _l("Condition"), default="equals",
        choices=[SelectChoice(k, v) for k, v in questions.OPS.items()],
    )  # fmt: skip
    condition_value = StringField(
        _l("Value"), validators=[Optional(), at_most(40)],
        description=_l("The option's code (for “is answered”, leave empty)."),
    )  # fmt: skip

    #: the form fields each setting is typed into
    SETTING_FIELDS = {
        "single": ("options", "other"),
        "multiple": ("options", "other", "max_choices"),
        "scale": ("scale_min", "scale_max", "min_label", "max_label"),
        "number": ("number_min", "number_max", "integer", "unit"),
        "date": ("date_min", "date_max"),
        "matrix": ("rows", "scale_min", "scale_max"),
    }

    def __init__(self, *args, earlier=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.condition_question.choices = [SelectChoice(EMPTY, _l("(always shown)"))] + [
            # the code as it is typed (Latin), the label in the reader's script
            SelectChoice(
                q.code, f"{q.code}: {script_filter(q.label[:80])}", render_kw={"translate": "no"}
            )
            for q in earlier
            if questions.KINDS[q.kind].answerable
        ]

    @property
    def kind_name(self) -> str:
        return self.kind.data if self.kind.data in questions.KINDS else "short_text"

    def setting_fields(self) -> tuple[str, ...]:
        return self.SETTING_FIELDS.get(self.kind_name, ())

    def fill(self, question) -> None:
        """A question's stored values into a form not yet submitted."""
        settings = question.settings or {}
        self.kind.data = question.kind
        self.options.data = _as_lines(settings.get("options"))
        self.rows.data = _as_lines(settings.get("rows"))
        self.other.data = bool(settings.get("other"))
        self.max_choices.data = settings.get("max_choices")
        if question.kind in ("scale", "matrix"):
            self.scale_min.data = settings.get("min", 1)
            self.scale_max.data = settings.get("max", 5)
        self.min_label.data = settings.get("min_label", "")
        self.max_label.data = settings.get("max_label", "")
        if question.kind == "number":
            for name in ("min", "max"):
                value = settings.get(name)
                getattr(self, f"number_{name}").data = "" if value is None else str(value)
        self.integer.data = bool(settings.get("integer"))
        self.unit.data = settings.get("unit", "")
        if question.kind == "date":
            from datetime import date

            for name in ("min", "max"):
                value = settings.get(name)
                try:
                    day = date.fromisoformat(value) if value else None
                except ValueError:
                    day = None
                getattr(self, f"date_{name}").data = day
        condition = question.condition or {}
        self.condition_question.data = condition.get("question", EMPTY)
        self.condition_op.data = condition.get("op", "equals")
        self.condition_value.data = condition.get("value", "") or ""

    def _settings(self) -> dict:
        kind = self.kind_name
        settings: dict = {}
        if kind in ("single", "multiple"):
            options, problems = _lines_of(self.options.data)
            self.options.errors = [*self.options.errors, *problems]
            settings["options"] = options
            if self.other.data:
                settings["other"] = True
        if kind == "multiple" and self.max_choices.data is not None:
            settings["max_choices"] = self.max_choices.data
        if kind in ("scale", "matrix"):
            settings["min"] = 1 if self.scale_min.data is None else self.scale_min.data
            settings["max"] = 5 if self.scale_max.data is None else self.scale_max.data
        if kind == "scale":
            for name in ("min_label", "max_label"):
                value = (getattr(self, name).data or "").strip()
                if value:
                    settings[name] = value
        if kind == "number":
            for name in ("min", "max"):
                field = getattr(self, f"number_{name}")
                typed = (field.data or "").strip()
                if not typed:
                    continue
                number = questions.parse_number(typed)
                if number is None or abs(number) > 10**12:
                    field.errors = [*field.errors, _l("Write a number, e.g. 12 or 12,5.")]
                    continue
                settings[name] = int(number) if number == int(number) else number
            if self.integer.data:
                settings["integer"] = True
            unit = (self.unit.data or "").strip()
            if unit:
                settings["unit"] = unit
        if kind == "date":
            for name in ("min", "max"):
                day = getattr(self, f"date_{name}").data
                if day is not None:
                    settings[name] = day.isoformat()
            if "min" in settings and "max" in settings and settings["min"] > settings["max"]:
                self.date_max.errors = [
                    *self.date_max.errors,
                    _l("The latest date comes after the earliest."),
                ]
        if kind == "matrix":
            rows, problems = _lines_of(self.rows.data)
            self.rows.errors = [*self.rows.errors, *problems]
            settings["rows"] = rows
        return settings

    def _place(self, kind: str, settings: dict) -> None:
        """settings_problems' findings, each next to the field it is about."""
        found = questions.settings_problems(kind, settings)
        if not found:
            return
        lists = {k: v for k, v in settings.items() if k in LISTS}
        about_lists = {str(p) for p in questions.settings_problems(kind, lists)} if lists else set()
        fields = self.setting_fields()
        list_field = getattr(self, "options" if "options" in fields else "rows", None)
        range_field = getattr(self, fields[-1] if kind != "matrix" else "scale_max", None)
        if kind in ("scale", "matrix"):
            range_field = self.scale_max
        if kind == "number":
            range_field = self.number_max
        if kind == "date":
            range_field = self.date_max
        if kind == "multiple":
            range_field = self.max_choices
        for problem in found:
            target = list_field if str(problem) in about_lists and list_field else range_field
            target = target or self.label
            if str(problem) not in [str(e) for e in target.errors]:
                target.errors = [*target.errors, problem]

    def data_dict(self) -> dict | None:
        """The question as the builder stores it, or None when a field has an error (each on
        its field). Call after validate()."""
        kind = self.kind_name
        settings = self._settings()
        self._place(kind, settings)
        condition = None
        target = self.condition_question.data or EMPTY
        if target:
            op = self.condition_op.data
            value = (self.condition_value.data or "").strip()
            if op != "answered" and not value:
                self.condition_value.errors = [
                    *self.condition_value.errors,
                    _l("Give the option's code the condition compares with."),
                ]
            condition = {"question": target, "op": op}
            if op != "answered":
                condition["value"] = value
        if any(f.errors for f in self):
            return None
        return {
            "code": (self.code.data or "").strip(),
            "kind": kind,
            "label": self.label.data.strip(),
            "help": (self.help.data or "").strip(),
            "required": bool(self.required.data) and questions.KINDS[kind].answerable,
            "settings": settings,
            "condition": condition,
        }


class StatusForm(FlaskForm):
    status = ChoiceField(_l("New status"), choices=choices(STATUSES),
                         validators=[InputRequired(REQUIRED)])  # fmt: skip


class MoveForm(FlaskForm):
    direction = ChoiceField(
        choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))],
        validators=[InputRequired(REQUIRED)],
    )

    def step(self) -> int:
        return -1 if self.direction.data == "up" else 1


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token is the whole of it."""
