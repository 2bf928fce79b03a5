"""Joining and leaving a group, answering an invitation, and the coordinators' page of
members: requests to decide, invitations, roles, taking someone out."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from solidarna.accounts.models import User
from solidarna.core import representation
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.groups import services
from solidarna.groups.forms import AnswerForm, DecisionForm, InviteForm, JoinForm, RoleForm
from solidarna.groups.models import WorkingGroup
from solidarna.groups.permissions import (
    can_answer_invitation,
    can_join_group,
    can_leave_group,
    can_manage_group,
)
from solidarna.groups.views.common import load_group, load_member, show_error
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("group_members", __name__, url_prefix="/groups/<int:group_id>")


def _back(group: WorkingGroup, anchor: str = "members"):
    return redirect(url_for("groups.detail", group_id=group.id) + f"#{anchor}", 303)


def _refused(error: services.GroupError):
    return show_error(None, error, "")


@bp.post("/join")
@require(can_join_group, obj=load_group)
def join(group: WorkingGroup):
    user = current_person()
    form = JoinForm(organizations=representation.organizations_represented_by(user))
    if not form.validate_on_submit():
        return show_error(None, services.GroupError(_("Choose an organization you represent."),
                                                    status=403), "")  # fmt: skip
    try:
        status = services.join(group, user, form.organization(), form.message.data or "")
    except services.GroupError as error:
        return _refused(error)
    db.session.commit()
    if status == "active":
        flash(_("Welcome to the group."), "success")
    else:
        flash(_("Your request is sent: a coordinator will answer it."), "success")
    return _back(group)


@bp.post("/invitation")
@require(can_answer_invitation, obj=load_group)
def answer(group: WorkingGroup):
    user = current_person()
    form = AnswerForm(organizations=representation.organizations_represented_by(user))
    if not form.validate_on_submit():
        return show_error(None, services.GroupError(_("Choose an organization you represent."),
                                                    status=403), "")  # fmt: skip
    accept = form.answer.data == "accept"
    try:
        services.answer_invitation(group, user, accept, form.organization())
    except services.GroupError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Welcome to the group.") if accept else _("The invitation is declined."), "success")
    return _back(group)


@bp.post("/leave")
@require(can_leave_group, obj=load_group)
def leave(group: WorkingGroup):
    try:
        services.leave(group, current_person())
    except services.GroupError as error:
        return _refused(error)
    db.session.commit()
    flash(_("You are no longer in the group."), "success")
    return _back(group)


def _members_page(group, invite_form=None, status=200):
    return render(
        "groups/members.html",
        group=group,
        roster=services.roster(group),
        waiting=services.waiting(group),
        invite_form=invite_form or InviteForm(people=services.invitable_people(group)),
        role_form=RoleForm(),
        status=status,
    )


@bp.get("/members")
@require(can_manage_group, obj=load_group)
def members(group: WorkingGroup):
    return _members_page(group)


@bp.post("/members/invite")
@require(can_manage_group, obj=load_group)
def invite(group: WorkingGroup):
    form = InviteForm(people=services.invitable_people(group))
    if form.validate_on_submit():
        person = db.session.get(User, int(form.user_id.data))
        try:
            services.invite(
                group, person, form.role.data, current_person(), form.message.data or ""
            )
        except services.GroupError as error:
            return show_error(form, error, "user_id") or _members_page(group, form, 422)
        db.session.commit()
        flash(_("%(name)s is invited.", name=person.name), "success")
        return redirect(url_for("group_members.members", group_id=group.id), 303)
    return _members_page(group, form, 422)


@bp.post("/members/<int:member_id>/decide")
@require(can_manage_group, obj=load_group)
def decide(group: WorkingGroup, member_id: int):
    membership = load_member(group, member_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return show_error(None, services.GroupError(_("Choose to accept or to decline.")), "")
    accept = form.decision.data == "accept"
    try:
        services.decide(group, membership, accept, current_person())
    except services.GroupError as error:
        return _refused(error)
    db.session.commit()
    flash(_("%(name)s is in the group.", name=membership.user.name) if accept
          else _("The request is declined."), "success")  # fmt: skip
    return redirect(url_for("group_members.members", group_id=group.id), 303)


@bp.post("/members/<int:member_id>/role")
@require(can_manage_group, obj=load_group)
def role(group: WorkingGroup, member_id: int):
    membership = load_member(group, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return show_error(None, services.GroupError(_("Choose a role.")), "")
    try:
        changed = services.change_role(group, membership, form.role.data)
    except services.GroupError as error:
        return _refused(error)
    db.session.commit()
    flash(_("The role is changed.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("group_members.members", group_id=group.id), 303)


@bp.post("/members/<int:member_id>/remove")
@require(can_manage_group, obj=load_group)
def remove(group: WorkingGroup, member_id: int):
    membership = load_member(group, member_id)
    try:
        services.remove(group, membership)
    except services.GroupError as error:
        return _refused(error)
    db.session.commit()
    flash(_("%(name)s is no longer in the group.", name=membership.user.name), "success")
    return redirect(url_for("group_members.members", group_id=group.id), 303)
