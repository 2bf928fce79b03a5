"""What every page of groups does first: load the group (404 when it does not exist here or
the viewer may not see it, so a private group looks like none) and answer a refused change."""

from __future__ import annotations

from flask import abort

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person
from solidarna.extensions import db
from solidarna.groups.models import GroupMembership, WorkingGroup
from solidarna.groups.permissions import can_view_group
from solidarna.groups.services import GroupError


def load_group(group_id: int) -> WorkingGroup:
    group = db.session.get(WorkingGroup, group_id)
    if group is None or not can_view_group(current_person(), group):
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
