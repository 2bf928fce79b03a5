"""Forms of the distribution page (the answer pages read core/questions.py's fields)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from solidarna.core.forms import MultiCheckboxField, choices
from solidarna.core.i18n import current_locale
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.script import in_script
from solidarna.research.distribution import MAX_DRAW

STRATUM_LABELS = {
    "municipality": _l("Municipality"),
    "legal_form": _l("Legal form"),
    "actor_type": _l("Actor type"),
    "se_status": _l("Social-enterprise status"),
}


class DrawForm(FlaskForm):
    """Which directory entries to invite: filters, a sample per stratum, a quota, the seed."""

    actor_type = MultiCheckboxField(_l("Actor type"), choices=[])
    municipality = MultiCheckboxField(_l("Municipality"), choices=[])
    legal_form = MultiCheckboxField(_l("Legal form"), choices=[])
    se_status = MultiCheckboxField(_l("Social-enterprise status"), choices=[])
    stratify_by = MultiCheckboxField(
        _l("Strata of the sample"),
        choices=choices(STRATUM_LABELS),
        default=["municipality"],
        description=_l("Each combination of these is one stratum."),
    )
    per_stratum = IntegerField(
        _l("Sample per stratum"),
        validators=[Optional(), NumberRange(min=1, max=MAX_DRAW)],
        description=_l("Leave empty to invite every matching organization."),
    )
    quota = IntegerField(
        _l("Total quota"),
        validators=[Optional(), NumberRange(min=1, max=MAX_DRAW)],
        description=_l("At most this many invitations in all."),
    )
    seed = IntegerField(
        _l("Random seed"),
        validators=[Optional(), NumberRange(min=1, max=999_999_999)],
        description=_l("The same filters and seed draw the same list; keep it with your notes."),
    )

    def fill_choices(self, labels: dict, municipalities: list[str]) -> None:
        self.actor_type.choices = choices(labels.get("actor_type", {}))
        self.legal_form.choices = choices(labels.get("legal_form", {}))
        self.se_status.choices = choices(labels.get("se_status", {}))
        locale = current_locale()
        self.municipality.choices = choices({m: in_script(m, locale) for m in municipalities})

    def filters(self) -> dict:
        return {
            name: list(getattr(self, name).data or [])
            for name in ("actor_type", "municipality", "legal_form", "se_status")
        }
