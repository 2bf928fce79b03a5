"""What every page of groups does first: load the group (404 when it does not exist here or
the viewer may not see it, so a private group looks like none) and answer a refused change."""

from __future__ import annotations

from flask import abort
from sqlalchemy import and_, select

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person
from solidarna.extensions import db
from solidarna.groups.models import GroupMembership, WorkingGroup
from solidarna.groups.permissions import can_view_group, remember_membership
from solidarna.groups.services import GroupError


def load_group(group_id: int) -> WorkingGroup:
    """The group, and for a logged-in person their own row in it in the same statement (kept
    where `permissions.own_membership` looks first)."""
    user = current_person()
    if user is None or not getattr(user, "is_authenticated", False):
        group = db.session.get(WorkingGroup, group_id)
    else:
        row = db.session.execute(
            select(WorkingGroup, GroupMembership)
            .outerjoin(
                GroupMembership,
                and_(
                    GroupMembership.group_id == WorkingGroup.id,
                    GroupMembership.user_id == user.id,
                ),
            )
            .where(WorkingGroup.id == group_id)
        ).first()
        group = row[0] if row is not None else None
        if group is not None:
            remember_membership(user, group, row[1])
    if group is None or not can_view_group(user, group):
        abort(404)
    return group


def load_member(group: WorkingGroup, member_id: int) -> GroupMembership:
    membership = db.session.get(GroupMembership, member_id)
    if membership is None or membership.group_id != group.id:
        abort(404)
    return membership


def show_error(form, error: GroupError, fallback: str):
    """A refusal that belongs to a field goes on the form (422, what was typed kept); a change
    that is not possible now (409) or not permitted (403) gets its page with the reason."""
    if error.status in (403, 409) or form is None:
        return error_page(error.status, detail=str(error))
    target = getattr(form, error.field or fallback, None) or getattr(form, fallback)
    target.errors = [*target.errors, str(error)]
    return None
