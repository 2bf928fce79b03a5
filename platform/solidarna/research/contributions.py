"""What research offers other capabilities through core registries: surveys as subjects, so
another capability links to one (core/links.py: an event's follow-up survey) without
importing research. The resolver answers for this space's surveys the reader may see (drafts
only for the space's admins), so another space's survey, or a draft, never resolves. And the
page cache's marker of the survey list and landing pages, which follows the clock."""

from __future__ import annotations

import functools

from flask import url_for
from flask_login import current_user
from sqlalchemy import bindparam, select

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.pagecache import FrontMarker
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


@functools.cache
def _moments_statement():
    """The space's state and how many of its surveys' openings and closings have passed by
    `:now` (one figure), in one row: built once (a `FrontMarker`'s statement)."""
    from solidarna.core import pagecache

    surveys = Survey.__table__
    now = bindparam("now", type_=surveys.c.opens_at.type)
    return pagecache.space_state_counting(surveys, (surveys.c.opens_at <= now,
                                                   surveys.c.closes_at <= now))  # fmt: skip


def _surveys_state(read, slug):
    """The page cache's marker of the survey list and a survey's landing page (core/
    pagecache.py): the space's state, and how many of its surveys have opened and closed by
    now (permissions.is_open's clock), so a survey shows as open, or no longer, without a
    write in the space. Read by the front door as well as the view (`pagecache.FrontMarker`):
    one statement (the space's row, and one sum over its surveys on their tenant index)."""
    from solidarna.core import pagecache
    from solidarna.research import permissions

    if not slug or len(slug) > 40:
        return None
    rows = read(_moments_statement(), {"slug": slug, "now": permissions.utcnow()})
    if not rows:
        return None
    row = rows[0]
    state = pagecache.tenant_state_of(row)[1:]
    return ("surveys", *state, *(int(n or 0) for n in row[4:])), row.default_locale


def _surveys_prefetch():
    """The marker's statement and its clock, read with the space in a logged-in person's
    request (`FrontMarker.prefetch`)."""
    from solidarna.research import permissions

    return _moments_statement(), {"now": permissions.utcnow()}


surveys_marker = FrontMarker(_surveys_state, prefetch=_surveys_prefetch)
