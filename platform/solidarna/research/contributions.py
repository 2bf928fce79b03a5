"""What research offers other capabilities through core registries: surveys as subjects, so
another capability links to one (core/links.py: an event's follow-up survey) without
importing research. The resolver answers for this space's surveys the reader may see (drafts
only for the space's admins), so another space's survey, or a draft, never resolves."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import can_manage_members
from solidarna.core.subjects import Subject, SubjectType
from solidarna.extensions import db
from solidarna.research.models import Survey


def _query():
    query = select(Survey.id, Survey.title)
    if not can_manage_members(current_user):
        query = query.where(Survey.status != "draft")
    return query


def _subject(survey_id: int, title: str) -> Subject:
    return Subject("survey", survey_id, title, url_for("research.detail", survey_id=survey_id))


def resolve_surveys(ids: list[int]) -> dict[int, Subject]:
    rows = db.session.execute(_query().where(Survey.id.in_(ids)))
    return {sid: _subject(sid, title) for sid, title in rows}


def survey_choices(limit: int) -> list[Subject]:
    """The space's surveys the viewer may see, newest first (what an event's follow-up survey
    is chosen from)."""
    rows = db.session.execute(
        _query().order_by(Survey.created_at.desc(), Survey.id.desc()).limit(limit)
    )
    return [_subject(sid, title) for sid, title in rows]


SURVEY_SUBJECT = SubjectType("survey", _l("Survey"), resolve_surveys, choices=survey_choices)
