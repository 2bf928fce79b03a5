"""What the research pages share: loading a survey of this space (404 for another space's, an
unknown id or, for those who may not see it, a draft)."""

from __future__ import annotations

from flask import abort

from solidarna.core.permissions import current_person
from solidarna.extensions import db
from solidarna.research.models import Survey
from solidarna.research.permissions import can_view_survey


def load_survey(survey_id: int) -> Survey:
    """A survey of this space that the person may see (its landing page, answering)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can_view_survey(current_person(), survey):
        abort(404)
    return survey


def load_own_survey(survey_id: int) -> Survey:
    """Any survey of this space (the admins' pages, which ask can_manage_survey next)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey
