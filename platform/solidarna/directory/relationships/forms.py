"""The form that adds a relationship, on an organization's profile."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.forms import ChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.urls import id_value
from solidarna.directory import taxonomy
from solidarna.directory.fields import at_most, organization_choices


class RelationshipForm(FlaskForm):
    # Prefixed names: the form sits on a profile that has other forms (e.g. a "note").
    rel_target = ChoiceField(
        _l("Organization"), validators=[InputRequired(REQUIRED)], validate_choice=False
    )
    rel_kind = ChoiceField(
        _l("Kind of relationship"),
        choices=[SelectChoice("", _l("Choose a kind"))] + choices(taxonomy.RELATION_KINDS),
        validators=[InputRequired(REQUIRED)],
    )
    rel_note = StringField(_l("Note (optional)"), validators=[Optional(), at_most(300)])

    def __init__(self, *args, source_id: int, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.source_id = source_id
        targets = [o for o in targets if o.id != source_id]
        self._allowed = {o.id for o in targets}
        self.rel_target.choices = organization_choices(targets, _l("Choose an organization"))

    def validate_rel_target(self, field) -> None:
        value = (field.data or "").strip()
        if value == str(self.source_id):
            raise ValidationError(_l("An organization cannot have a relationship with itself."))
        if id_value(value) not in self._allowed:
            raise ValidationError(_l("Choose an organization from the list."))

    @property
    def target_id(self) -> int:
        return int(self.rel_target.data)
