"""Who may do what with surveys (DESIGN §12: the capability's rules live here).

The space's admins build, distribute, read the results of and export surveys. Who answers
depends on the survey's access: anyone with the public link (visitors too), the space's active
members, or the holder of a personal invitation (its signed token); only while the survey is
open. The public results page shows aggregates once the admins publish it."""

from __future__ import annotations

from solidarna.core.models import utcnow
from solidarna.core.permissions import can_manage_members, is_member, predicate


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


can_manage_research = can_manage_members.named(
    "can_manage_research", "The space's admins build surveys, invite, read and export results."
)


@predicate
def can_manage_survey(user, survey) -> bool:
    return survey is not None and can_manage_members(user, survey)


def is_open(survey, now=None) -> bool:
    """Open for answers: the status is open and now is between the opening and closing dates."""
    if survey is None or survey.status != "open":
        return False
    now = now or utcnow()
    if survey.opens_at and now < _aware(survey.opens_at):
        return False
    return not (survey.closes_at and now >= _aware(survey.closes_at))


def _aware(moment):
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@predicate
def can_view_survey(user, survey) -> bool:
    """A survey's landing page: admins always; others while it is not a draft."""
    if survey is None:
        return False
    return survey.status != "draft" or can_manage_survey(user, survey)


@predicate
def can_answer_survey(user, survey, invited: bool = False) -> bool:
    """Answer: the survey is open, and the person reaches it the way its access allows
    (`invited`: they hold a valid personal invitation)."""
    if not is_open(survey):
        return False
    if survey.access == "public":
        return True
    if survey.access == "members":
        return _person(user) and is_member(user, survey)
    return invited


@predicate
def can_read_public_results(user, survey) -> bool:
    return bool(survey is not None and survey.status != "draft" and survey.results_public) or (
        can_manage_survey(user, survey)
    )


TEMPLATE_PREDICATES = (can_manage_research, can_manage_survey)
