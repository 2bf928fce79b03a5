"""Who may do what with events (DESIGN §12: the capability's rules live here).

The space's admins (the office) create, publish and cancel events, review and decide on the
applications, check people in and issue certificates. Everyone who may read the space sees its
published (and cancelled) events; drafts only the office. Who may apply is the event's choice:
anyone with an account, the space's active members, or the representatives of organizations
of the given actor types (core/representation.py), while applications are open."""

from __future__ import annotations

from solidarna.core import representation
from solidarna.core.models import utcnow
from solidarna.core.permissions import can_manage_members, is_member, predicate


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


can_manage_events = can_manage_members.named(
    "can_manage_events", "The space's admins run events, decide on applications, check in."
)


@predicate
def can_manage_event(user, event) -> bool:
    return event is not None and can_manage_members(user, event)


@predicate
def can_view_event(user, event) -> bool:
    if event is None:
        return False
    return event.status != "draft" or can_manage_event(user, event)


def _aware(moment):
    from datetime import UTC

    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def applications_open(event, now=None) -> bool:
    """Published, not closed by the deadline, and its first session not begun."""
    if event is None or event.status != "published" or event.applications_closed_at:
        return False
    now = now or utcnow()
    if event.deadline is not None and now >= _aware(event.deadline):
        return False
    return not (event.starts_at is not None and now >= _aware(event.starts_at))


def eligible_organizations(user, event) -> list:
    """The organizations the person may apply for: those they represent here, of the event's
    actor types when it names some."""
    found = representation.organizations_represented_by(user)
    if event.actor_types:
        found = [card for card in found if card.actor_type in event.actor_types]
    return found


@predicate
def may_apply(user, event) -> bool:
    """Whether the person is of those the event is for (whether applications are open is
    asked separately, to say why not)."""
    if not _person(user) or event is None or event.status != "published":
        return False
    if event.eligibility == "members":
        return is_member(user, event)
    if event.eligibility == "representatives":
        return bool(eligible_organizations(user, event))
    return True


@predicate
def can_open_application(user, application) -> bool:
    """An application: its applicant and the office, nobody else."""
    if application is None or not _person(user):
        return False
    return application.user_id == user.id or can_manage_members(user, application)


TEMPLATE_PREDICATES = (can_manage_events, can_manage_event)
