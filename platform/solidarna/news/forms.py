"""The forms of a space's news. Every message a person can see is translated."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core import storage
from solidarna.core.forms import ChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.fields import DayField, at_most
from solidarna.news.models import KINDS, MAX_TAGS, TAG_LENGTH

USE = "news_images"


def split_tags(text: str | None) -> list[str]:
    """Tags as typed, separated by commas: trimmed, lower case, each once, in order."""
    seen: list[str] = []
    for part in (text or "").split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def image_help():
    use = storage.USES[USE]
    return _l("Optional. Accepted: %(kinds)s. At most %(size)s. Shown on the post and when it is shared.",
              kinds=use.labels(), size=storage.human_size(use.max_bytes()))  # fmt: skip


class PostForm(FlaskForm):
    kind = ChoiceField(_l("Kind"), choices=choices(KINDS), validators=[InputRequired(REQUIRED)])
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=3, max=200, message=_l("Use 3 to 200 characters."))],
    )  # fmt: skip
    summary = TextAreaField(
        _l("Summary"), validators=[InputRequired(REQUIRED), at_most(500)],
        description=_l("One or two sentences: shown in the list, the feed and on social networks."),
    )  # fmt: skip
    body = TextAreaField(
        _l("Text"), validators=[Optional(), at_most(20_000)],
        description=_l("Markdown is allowed."),
    )  # fmt: skip
    deadline = DayField(
        _l("Deadline"), validators=[Optional()],
        description=_l("Calls only: the last day to apply. After it the call is shown as closed."),
    )  # fmt: skip
    tags = StringField(
        _l("Tags"), validators=[Optional(), at_most(600)],
        description=_l("Separated by commas, e.g. “financing, training”."),
    )  # fmt: skip
    image = FileField(_l("Image"), validators=[storage.FileCheck(USE, required=False)])
    image_alt = StringField(
        _l("Image description"), validators=[Optional(), at_most(300)],
        description=_l("What the image shows, for people who cannot see it."),
    )  # fmt: skip
    remove_image = BooleanField(_l("Remove the image"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.image.description = image_help()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        deadline = self.deadline
        if self.kind.data == "call" and deadline.data is None and not deadline.errors:
            deadline.errors = [*deadline.errors, str(_l("A call needs a deadline."))]
            return False
        return valid

    def validate_tags(self, field) -> None:
        tags = split_tags(field.data)
        if len(tags) > MAX_TAGS:
            raise ValidationError(_l("Use at most %(n)d tags.", n=MAX_TAGS))
        if any(len(tag) > TAG_LENGTH for tag in tags):
            raise ValidationError(_l("A tag has at most %(n)d characters.", n=TAG_LENGTH))

    def fill(self, post=None, text: dict | None = None) -> None:
        """The form as the post (or the kit's text) has it, for the first GET."""
        if post is not None:
            self.tags.data = ", ".join(post.tags or [])
        elif text is not None:
            self.kind.data = text.get("kind", "explainer")
            self.title.data = text.get("title", "")
            self.summary.data = text.get("summary", "")
            self.body.data = text.get("body", "")
            self.tags.data = ", ".join(text.get("tags", []))

    def data_dict(self) -> dict:
        return {
            "kind": self.kind.data,
            "title": self.title.data.strip(),
            "summary": " ".join((self.summary.data or "").split()),
            "body": (self.body.data or "").strip(),
            "deadline": self.deadline.data if self.kind.data == "call" else None,
            "tags": split_tags(self.tags.data),
            "image_alt": (self.image_alt.data or "").strip(),
        }

    def status(self) -> int:
        return 413 if getattr(self.image, "status", 422) == 413 and self.image.errors else 422


class ActionForm(FlaskForm):
    """Publish, unpublish, delete: a button and its CSRF token."""
