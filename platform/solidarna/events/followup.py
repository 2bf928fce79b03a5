"""An event's follow-up survey: one of the space's surveys (the research capability's), chosen
by the office and kept as a link (core/links.py, `follow_up_survey`: event -> survey), so
events never import research and another space's survey can never be chosen (it does not
resolve here). After the event its accepted participants see the survey on their application
page, and the office may mail it to them: each person once."""

from __future__ import annotations

from sqlalchemy import select

from solidarna.core import audit, links, notifications, subjects
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.events.contributions import FOLLOW_UP
from solidarna.events.models import SEATED, Event, EventApplication
from solidarna.events.services import EventError, _aware, tell_applicants
from solidarna.extensions import db

#: the mails' group (core/notifications.py): one survey mail per person and event
SUBJECT = "event_survey"


def survey_of(event: Event) -> subjects.Subject | None:
    """The event's follow-up survey, if there is one the reader may see."""
    found = links.targets(FOLLOW_UP, event.id)
    return found[0] if found else None


def choices() -> list[subjects.Subject]:
    return subjects.choices("survey")


def ended(event: Event) -> bool:
    return event.ends_at is not None and _aware(event.ends_at) < utcnow()


def choose(event: Event, survey_id: int | None, by) -> bool:
    """Make `survey_id` the event's follow-up survey (None: none). Returns whether anything
    changed. A survey that is not this space's (or not visible) is refused (404)."""
    current = [link.to_id for link in _links(event)]
    if survey_id is not None and current == [survey_id]:
        return False
    if survey_id is not None:
        try:
            links.add(FOLLOW_UP, event.id, survey_id, by)
        except links.LinkError as error:
            raise EventError(_l("There is no such survey here."), "survey_id",
                             status=error.status) from None  # fmt: skip
    for old in current:
        if old != survey_id:
            links.remove(FOLLOW_UP, event.id, old)
    if survey_id is None and not current:
        return False
    action = "event.survey_linked" if survey_id is not None else "event.survey_unlinked"
    audit.record(action, target=event, actor=by, survey_id=survey_id)
    return True


def _links(event: Event) -> list[links.Link]:
    rel = links.relation(FOLLOW_UP)
    return list(
        db.session.scalars(
            select(links.Link).where(
                links.Link.from_type == rel.from_type, links.Link.from_id == event.id,
                links.Link.relation == rel.name,
            )
        )
    )  # fmt: skip


def mail(event: Event, by) -> int:
    """Mail the follow-up survey to the event's accepted participants, once each (a second
    press tells only those not told yet). Only after the event, with a survey chosen."""
    survey = survey_of(event)
    if survey is None:
        raise EventError(_l("Choose the follow-up survey first."), "survey_id", status=409)
    if not ended(event):
        raise EventError(_l("The survey is mailed after the event."), status=409)
    told = set(
        db.session.scalars(
            select(notifications.Notification.user_id).where(
                notifications.Notification.subject_type == SUBJECT,
                notifications.Notification.subject_id == event.id,
            )
        )
    )
    rows = [
        application
        for application in db.session.scalars(
            select(EventApplication).where(
                EventApplication.event_id == event.id, EventApplication.status.in_(SEATED)
            ).order_by(EventApplication.id)
        )
        if application.user_id not in told
    ]  # fmt: skip
    tell_applicants(rows, "events.survey", event.title,
                    _l("Thank you for taking part. Tell us how it was: the follow-up "
                       "survey “%(title)s”.", title=survey.title), by,
                    subject=(SUBJECT, event.id), url=survey.url)  # fmt: skip
    audit.record("event.survey_mailed", target=event, actor=by, count=len(rows))
    return len(rows)
