"""The forms of the import (CSV or Excel): the upload, and the confirmation after the preview."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Regexp

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.opendata.uploads import UPLOAD_ID


class UploadForm(FlaskForm):
    file = FileField(
        _l("CSV or Excel file"),
        validators=[FileRequired(_l("Choose a CSV or Excel (.xlsx) file."))],
        # .txt: Excel saves "Unicode text" (UTF-16, tab-separated) under that name
        render_kw={"accept": ".csv,.xlsx,.txt"},
    )


class ConfirmForm(FlaskForm):
    upload_id = HiddenField(validators=[InputRequired(), Regexp(UPLOAD_ID.pattern)])
    moderation = RadioField(
        _l("Imported entries are"),
        choices=[
            SelectChoice("pending", _l("Pending: they wait in the moderation queue")),
            SelectChoice("verified", _l("Verified: they are public at once")),
        ],
        default="pending",
    )
    include_similar = BooleanField(_l("Also import the rows marked as possible duplicates"))
