"""The space's surveys: the list (admins see drafts too) and a survey's landing page."""

from __future__ import annotations

from sqlalchemy import select

from solidarna.core import markdown
from solidarna.core.fragments import Lazy
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.research import contributions
from solidarna.research.models import Survey
from solidarna.research.permissions import can_manage_research, can_view_survey, is_open
from solidarna.research.views.common import load_survey
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research", __name__, url_prefix="/research")


@bp.get("/")
def index():
    user = current_person()
    query = select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())
    if not can_manage_research(user, None):
        query = query.where(Survey.status != "draft")
    # a logged-in person's page: one shell per viewer level (the drafts are the managers') and
    # the surveys' marker, which follows their opening and closing dates (core/fragments.py
    # shell_page); the surveys read only when the page is drawn
    marker = contributions.surveys_marker() if user is not None else None
    return render(
        "research/index.html",
        shell=marker,
        surveys=Lazy(lambda: db.session.scalars(query.limit(200)).all()),
        is_open=is_open,
    )


@bp.get("/<int:survey_id>/")
@require(can_view_survey, obj=load_survey)
def detail(survey: Survey):
    return render(
        "research/detail.html",
        survey=survey,
        is_open=is_open(survey),
        description=markdown.render(survey.description),
    )
