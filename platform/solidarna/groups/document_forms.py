"""The forms of a group's documents and of the proposals it works on."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core import storage
from solidarna.core.forms import ChoiceField
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.fields import at_most
from solidarna.groups.documents import USE


def file_help():
    """What the file field accepts (the size limit is the app's configuration)."""
    use = storage.USES[USE]
    return _l("Accepted: %(kinds)s. At most %(size)s.", kinds=use.labels(),
              size=storage.human_size(use.max_bytes()))  # fmt: skip


class UploadForm(FlaskForm):
    """The file: its status (413 too large, 422 otherwise) decides the answer to a refusal."""

    def status(self) -> int:
        return 413 if getattr(self.file, "status", 422) == 413 and self.file.errors else 422


class DocumentForm(UploadForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED),
                    Length(min=2, max=200, message=_l("Use 2 to 200 characters."))],
    )  # fmt: skip
    description = TextAreaField(_l("Description"), validators=[Optional(), at_most(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.description = file_help()

    file = FileField(_l("File"), validators=[storage.FileCheck(USE)])


class VersionForm(UploadForm):
    file = FileField(_l("New version"), validators=[storage.FileCheck(USE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.description = file_help()


class LinkForm(FlaskForm):
    proposal_id = ChoiceField(_l("Proposal"), validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal_id.choices = [SelectChoice("", _l("Choose a proposal"))] + [
            SelectChoice(str(p.id), p.title) for p in proposals
        ]


class CampaignLinkForm(FlaskForm):
    campaign_id = ChoiceField(_l("Advocacy platform"), validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign_id.choices = [SelectChoice("", _l("Choose an advocacy platform"))] + [
            SelectChoice(str(c.id), c.title) for c in campaigns
        ]
