"""Who may do what with working groups (DESIGN §12: the capability's rules live here): seeing
a group (its visibility), joining by its policy, managing it (its coordinators and the space's
admins), and acting for an organization (its verified representatives only)."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from solidarna.core import representation
from solidarna.core.permissions import can_manage_members, is_member, predicate
from solidarna.extensions import db
from solidarna.groups.models import GroupMembership, WorkingGroup


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def own_membership(user, group: WorkingGroup | None) -> GroupMembership | None:
    """The person's row in the group (any status), asked once per request and group."""
    if group is None or group.id is None or not _person(user):
        return None
    cache = g.setdefault("group_memberships", {}) if has_request_context() else {}
    key = (user.id, group.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(GroupMembership).where(
                GroupMembership.group_id == group.id, GroupMembership.user_id == user.id
            )
        )
    return cache[key]


def remember_membership(user, group: WorkingGroup, membership: GroupMembership | None) -> None:
    """The person's row in the group, read with the group (views/common.py `load_group`)."""
    if has_request_context() and _person(user):
        g.setdefault("group_memberships", {})[(user.id, group.id)] = membership


def forget_membership(user, group) -> None:
    """After a change of the person's row: the next question reads it again."""
    if has_request_context() and _person(user):
        g.setdefault("group_memberships", {}).pop((user.id, group.id), None)


def _status(user, group) -> str | None:
    membership = own_membership(user, group)
    return membership.status if membership is not None else None


@predicate
def is_group_member(user, group) -> bool:
    """An active member of the group (any role), while a member of the space."""
    return _status(user, group) == "active" and is_member(user, group)


@predicate
def is_group_coordinator(user, group) -> bool:
    membership = own_membership(user, group)
    return bool(
        membership is not None
        and membership.status == "active"
        and membership.role == "coordinator"
        and is_member(user, group)
    )


@predicate
def can_view_group(user, group) -> bool:
    """Public groups: whoever reads the space (the routing checked that); members-only groups:
    the space's members; private groups: their own active or invited members. Admins see all."""
    if group is None:
        return False
    if group.visibility == "public" or can_manage_members(user, group):
        return True
    if group.visibility == "members":
        return is_member(user, group)
    return is_member(user, group) and _status(user, group) in ("active", "invited")


can_create_group = can_manage_members.named(
    "can_create_group", "The space's admins start working groups and name their coordinators."
)
can_manage_group = (is_group_coordinator | can_manage_members).named(
    "can_manage_group",
    "The group's coordinators and the space's admins change it and decide on its members.",
)


@predicate
def can_join_group(user, group) -> bool:
    """A member of the space joins an open group or asks to join one on request, unless
    already in it (or waiting); a group by invitation is joined only by accepting one."""
    return bool(
        group is not None
        and group.join_policy in ("open", "request")
        and is_member(user, group)
        and can_view_group(user, group)
        and _status(user, group) not in ("active", "pending", "invited")
    )


@predicate
def can_answer_invitation(user, group) -> bool:
    return _status(user, group) == "invited" and is_member(user, group)


@predicate
def can_leave_group(user, group) -> bool:
    return _status(user, group) in ("active", "pending") and _person(user)


@predicate
def can_answer_meeting(user, group) -> bool:
    """Active members answer a meeting's invitation; observers read."""
    membership = own_membership(user, group)
    return bool(
        membership is not None
        and membership.status == "active"
        and membership.role != "observer"
        and is_member(user, group)
    )


can_schedule_meeting = can_manage_group.named(
    "can_schedule_meeting", "The group's coordinators and the space's admins schedule meetings."
)


@predicate
def is_group_secretary(user, group) -> bool:
    membership = own_membership(user, group)
    return bool(
        membership is not None
        and membership.status == "active"
        and membership.role == "secretary"
        and is_member(user, group)
    )


can_write_minutes = (is_group_secretary | can_manage_group).named(
    "can_write_minutes",
    "The group's coordinators and secretaries, and the space's admins, write the minutes "
    "of a meeting and take its attendance.",
)
can_manage_work = can_manage_group.named(
    "can_manage_work",
    "The group's coordinators and the space's admins record decisions and give tasks.",
)


def can_mark_task(user, group, task) -> bool:
    """The assignee (while an active member of the group) marks their own task done or not
    done; the coordinators and the space's admins any task of the group."""
    if task is None or group is None or task.group_id != group.id:
        return False
    if can_manage_group(user, group):
        return True
    return bool(_person(user) and task.assignee_id == user.id and is_group_member(user, group))


def may_represent(user, organization_id: int | None) -> bool:
    """Nobody represents an organization in a group unless the directory says they are its
    verified representative in this space (core/representation.py)."""
    return organization_id is None or representation.may_act_for(user, organization_id)


TEMPLATE_PREDICATES = (
    can_create_group,
    can_manage_group,
    can_join_group,
    can_answer_invitation,
    can_leave_group,
    can_answer_meeting,
    can_schedule_meeting,
    can_write_minutes,
    can_manage_work,
)


@predicate
def can_add_document(user, group) -> bool:
    """Active members other than observers add documents and their new versions; so do the
    space's admins."""
    return can_answer_meeting(user, group) or can_manage_members(user, group)


can_delete_document = can_manage_group.named(
    "can_delete_document", "The group's coordinators and the space's admins delete documents."
)
can_link_proposal = can_manage_group.named(
    "can_link_proposal",
    "The group's coordinators and the space's admins say which proposals the group works on.",
)

can_link_campaign = can_manage_group.named(
    "can_link_campaign",
    "The group's coordinators and the space's admins say which advocacy platforms the group "
    "works on.",
)
can_revise_work = can_manage_group.named(
    "can_revise_work",
    "The group's coordinators and the space's admins change and withdraw decisions and "
    "change and cancel tasks.",
)

TEMPLATE_PREDICATES = (
    *TEMPLATE_PREDICATES,
    can_add_document,
    can_delete_document,
    can_link_proposal,
    can_link_campaign,
    can_revise_work,
)
