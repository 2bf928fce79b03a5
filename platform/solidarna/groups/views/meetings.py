"""A group's meetings: scheduling and changing one (its coordinators and the space's admins)
and the members' answers."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.groups import meetings
from solidarna.groups.forms import MeetingForm, RsvpForm
from solidarna.groups.models import GroupMeeting, WorkingGroup
from solidarna.groups.permissions import can_answer_meeting, can_schedule_meeting
from solidarna.groups.services import GroupError
from solidarna.groups.views.common import load_group, show_error
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("group_meetings", __name__, url_prefix="/groups/<int:group_id>/meetings")


def load_meeting(group: WorkingGroup, meeting_id: int) -> GroupMeeting:
    meeting = db.session.get(GroupMeeting, meeting_id)
    if meeting is None or meeting.group_id != group.id:
        abort(404)
    return meeting


def _form_page(form, group, meeting=None, status=200):
    return render("groups/meeting_form.html", form=form, group=group, meeting=meeting,
                  status=status)  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@require(can_schedule_meeting, obj=load_group)
def create(group: WorkingGroup):
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meetings.schedule(group, form.data_dict(meetings.to_utc), current_person())
        except GroupError as error:
            return show_error(form, error, "day") or _form_page(form, group, status=422)
        db.session.commit()
        flash(_("The meeting is scheduled."), "success")
        return redirect(url_for("groups.detail", group_id=group.id) + "#meetings", 303)
    return _form_page(form, group, status=422 if form.errors else 200)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@require(can_schedule_meeting, obj=load_group)
def edit(group: WorkingGroup, meeting_id: int):
    meeting = load_meeting(group, meeting_id)
    form = MeetingForm(obj=meeting)
    if not form.is_submitted():
        form.day.data, form.starts.data = meetings.local_parts(meeting.starts_at)
        form.ends.data = meetings.local_parts(meeting.ends_at)[1]
    if form.validate_on_submit():
        try:
            changed = meetings.change(group, meeting, form.data_dict(meetings.to_utc))
        except GroupError as error:
            return show_error(form, error, "day") or _form_page(form, group, meeting, 422)
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("groups.detail", group_id=group.id) + "#meetings", 303)
    return _form_page(form, group, meeting, status=422 if form.errors else 200)


@bp.post("/<int:meeting_id>/rsvp")
@require(can_answer_meeting, obj=load_group)
def rsvp(group: WorkingGroup, meeting_id: int):
    meeting = load_meeting(group, meeting_id)
    form = RsvpForm()
    if not form.validate_on_submit():
        return show_error(None, GroupError(_("Answer coming, maybe or not coming.")), "")
    try:
        meetings.answer(meeting, current_person(), form.answer.data)
    except GroupError as error:
        return show_error(None, error, "")
    db.session.commit()
    flash(_("Your answer is saved."), "success")
    return redirect(url_for("groups.detail", group_id=group.id) + f"#meeting-{meeting.id}", 303)
