"""A meeting's page and what it leaves behind: minutes and attendance (coordinators and
secretaries), decisions and tasks (coordinators), a task marked done (its assignee too); a
decision's own page; a person's tasks; the space's calendar; iCalendar files of a meeting
and of a group. Everyone who may see the group reads its record."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core import documents, markdown
from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, is_member, require
from solidarna.core.rendering import render
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.groups import meetings, work
from solidarna.groups.forms import RsvpForm
from solidarna.groups.models import (
    RSVP_ANSWERS,
    GroupMeeting,
    GroupMembership,
    MeetingRsvp,
    WorkingGroup,
)
from solidarna.groups.permissions import (
    can_answer_meeting,
    can_manage_work,
    can_mark_task,
    can_revise_work,
    can_schedule_meeting,
    can_write_minutes,
)
from solidarna.groups.records import GroupTask
from solidarna.groups.services import GroupError, today
from solidarna.groups.views.common import load_group, show_error
from solidarna.groups.views.meetings import bp as meetings_bp
from solidarna.groups.views.meetings import load_meeting
from solidarna.groups.work_forms import (
    AttendanceForm,
    CancelTaskForm,
    GroupDecisionForm,
    MinutesForm,
    TaskDoneForm,
    TaskForm,
    WithdrawDecisionForm,
)
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("group_tasks", __name__, url_prefix="/groups")


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _event(group: WorkingGroup, meeting: GroupMeeting) -> documents.CalendarEvent:
    link = _absolute("group_meetings.show", group_id=group.id, meeting_id=meeting.id)
    host = current_app.config["PUBLIC_BASE_URL"].split("//", 1)[-1].split("/", 1)[0] or "solidarna"
    place = ", ".join(p for p in (meeting.place, meeting.online_url) if p)
    return documents.CalendarEvent(
        uid=f"group-meeting-{meeting.tenant_id}-{meeting.id}@{host}",
        summary=f"{meeting.title} · {group.name}", starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, location=place, url=link, description=meeting.agenda,
        stamp=meeting.updated_at,
    )  # fmt: skip


def _forms(group, meeting, user) -> dict:
    """The record's forms the viewer may use (after the meeting), each prefilled. The
    attendance form has a page of its own (`attendance`); the task form lists every member of
    a small group, and of a large one those present and its coordinators and secretaries."""
    if not work.has_taken_place(meeting):
        return {}
    forms = {}
    if can_write_minutes(user, group):
        minutes = work.minutes_of(meeting)
        forms["minutes"] = MinutesForm(prefix="minutes", obj=minutes)
    if can_manage_work(user, group):
        forms["decision"] = GroupDecisionForm(prefix="decision")
        people, everyone = work.offered_assignees(group, meeting)
        forms["task"] = TaskForm(prefix="task", people=people)
        if not everyone:
            forms["task"].assignee_id.description = _(
                "Those present at the meeting and the group's coordinators and secretaries."
            )
    return forms


def _page(group: WorkingGroup, meeting: GroupMeeting, forms=None, status: int = 200):
    user = current_person()
    minutes = work.minutes_of(meeting)
    decisions = work.decisions_of(meeting)
    mine = None
    if user is not None and user.is_authenticated:
        mine = db.session.scalar(
            db.select(MeetingRsvp.answer).where(
                MeetingRsvp.meeting_id == meeting.id, MeetingRsvp.user_id == user.id
            )
        )
    tasks = work.tasks_of_meeting(meeting)
    return render(
        "groups/meeting.html",
        group=group,
        meeting=meeting,
        agenda_html=markdown.render(meeting.agenda) if meeting.agenda else "",
        minutes=minutes,
        minutes_html=markdown.render(minutes.body) if minutes else "",
        attendance=work.attendance_of(meeting),
        decisions=decisions,
        decision_html={d.id: markdown.render(d.body) for d in decisions if d.body},
        tasks=tasks,
        task_marks={t.id for t in tasks if can_mark_task(user, group, t)},
        may_manage_tasks=can_revise_work(user, group),
        done_form=TaskDoneForm(),
        today=today(),
        taken_place=work.has_taken_place(meeting),
        may_answer=can_answer_meeting(user, group),
        may_schedule=can_schedule_meeting(user, group),
        may_take_attendance=work.has_taken_place(meeting) and can_write_minutes(user, group),
        my_answer=mine,
        rsvp_answers=RSVP_ANSWERS,
        rsvp_form=RsvpForm(),
        forms=forms if forms is not None else _forms(group, meeting, user),
        status=status,
    )


@meetings_bp.get("/<int:meeting_id>")
def show(group_id: int, meeting_id: int):
    group = load_group(group_id)
    return _page(group, load_meeting(group, meeting_id))


@meetings_bp.get("/<int:meeting_id>/calendar.ics")
def meeting_ics(group_id: int, meeting_id: int):
    group = load_group(group_id)
    meeting = load_meeting(group, meeting_id)
    data = documents.ics([_event(group, meeting)], name=group.name)
    filename = documents.ascii_slug(meeting.title, "sastanak") + ".ics"
    return documents.ics_response(data, filename)


def _refused(group, meeting, forms, name, form, error: GroupError, fallback: str):
    answer = show_error(form, error, fallback)
    if answer is not None:
        return answer
    forms[name] = form
    return _page(group, meeting, forms, 422)


def _back(group, meeting, anchor: str):
    return redirect(
        url_for("group_meetings.show", group_id=group.id, meeting_id=meeting.id) + f"#{anchor}",
        303,
    )


@meetings_bp.post("/<int:meeting_id>/minutes")
@require(can_write_minutes, obj=load_group)
def minutes(group: WorkingGroup, meeting_id: int):
    meeting = load_meeting(group, meeting_id)
    forms = _forms(group, meeting, current_person())
    form = MinutesForm(prefix="minutes")
    if not form.validate_on_submit():
        forms["minutes"] = form
        return _page(group, meeting, forms, 422)
    try:
        changed = work.save_minutes(group, meeting, form.body.data, current_person())
    except GroupError as error:
        return _refused(group, meeting, forms, "minutes", form, error, "body")
    db.session.commit()
    flash(_("The minutes are saved.") if changed else _("Nothing was changed."), "success")
    return _back(group, meeting, "minutes")


def _attendance_page(group, meeting, form=None, status: int = 200):
    """The attendance form, a page of the members at a time (by name, or those a search
    finds): saving it changes only the people shown, the others stay as they were."""
    source = request.form if request.method == "POST" else request.args
    query = (source.get("q") or "").strip()[:100]
    page = page_arg(source)
    people, total = work.attendance_window(group, query, page)
    present = {a.membership_id for a in work.attendance_of(meeting) if a.membership_id}
    if form is None:
        form = AttendanceForm(prefix="attendance", people=people, formdata=None)
        form.present.data = [str(m.id) for m in people if m.id in present]
    else:
        form.present.choices = AttendanceForm(prefix="attendance", people=people,
                                              formdata=None).present.choices  # fmt: skip
    per_page = work.ATTENDANCE_PER_PAGE
    return render(
        "groups/attendance.html",
        group=group,
        meeting=meeting,
        form=form,
        people=people,
        query=query,
        page_number=page,
        pages=max(1, -(-total // per_page)),
        total=total,
        present_count=len(present),
        taken_place=work.has_taken_place(meeting),
        status=status,
    )


@meetings_bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@require(can_write_minutes, obj=load_group)
def attendance(group: WorkingGroup, meeting_id: int):
    meeting = load_meeting(group, meeting_id)
    if request.method == "GET":
        return _attendance_page(group, meeting)
    everyone = work.attendable(group)
    form = AttendanceForm(prefix="attendance", people=everyone)
    if not form.validate_on_submit():
        return _attendance_page(group, meeting, form, 422)
    chosen = set(form.present.data or [])
    shown = request.form.getlist("attendance-shown")
    if shown:  # a page of the form: the people it showed are replaced, the others kept
        known = {str(m.id) for m in everyone}
        if not set(shown) <= known or not chosen <= set(shown):
            form.present.errors = [*form.present.errors,
                                   _("Only members of the group can be marked present.")]  # fmt: skip
            return _attendance_page(group, meeting, form, 422)
        kept = {str(a.membership_id) for a in work.attendance_of(meeting) if a.membership_id}
        chosen |= (kept & known) - set(shown)
    try:
        work.take_attendance(group, meeting, sorted(chosen), current_person())
    except GroupError as error:
        answer = show_error(form, error, "present")
        return answer if answer is not None else _attendance_page(group, meeting, form, 422)
    db.session.commit()
    flash(_("The attendance is saved."), "success")
    return _back(group, meeting, "attendance")


@meetings_bp.post("/<int:meeting_id>/decisions")
@require(can_manage_work, obj=load_group)
def add_decision(group: WorkingGroup, meeting_id: int):
    meeting = load_meeting(group, meeting_id)
    forms = _forms(group, meeting, current_person())
    form = GroupDecisionForm(prefix="decision")
    if not form.validate_on_submit():
        forms["decision"] = form
        return _page(group, meeting, forms, 422)
    try:
        row = work.add_decision(group, meeting, form.title.data, form.body.data,
                                current_person())  # fmt: skip
    except GroupError as error:
        if error.status == 409:  # numbers taken at the same moment: the form back, as typed
            form.title.errors = [*form.title.errors, str(error)]
            forms["decision"] = form
            return _page(group, meeting, forms, 409)
        return _refused(group, meeting, forms, "decision", form, error, "title")
    db.session.commit()
    flash(_("Decision %(number)s is recorded.", number=row.label), "success")
    return _back(group, meeting, f"decision-{row.year}-{row.number}")


@meetings_bp.post("/<int:meeting_id>/tasks")
@require(can_manage_work, obj=load_group)
def add_task(group: WorkingGroup, meeting_id: int):
    meeting = load_meeting(group, meeting_id)
    forms = _forms(group, meeting, current_person())
    form = TaskForm(prefix="task", people=work.assignable(group))
    if not form.validate_on_submit():
        forms["task"] = form
        return _page(group, meeting, forms, 422)
    if not work.has_taken_place(meeting):
        return _refused(group, meeting, forms, "task", form, GroupError(work.NOT_YET), "title")
    try:
        task = work.add_task(group, meeting, form.data_dict(), current_person())
    except GroupError as error:
        return _refused(group, meeting, forms, "task", form, error, "title")
    db.session.commit()
    flash(_("The task is given."), "success")
    return _back(group, meeting, f"task-{task.id}")


# --- tasks, decisions, calendars -----------------------------------------------------------------


def load_task(group: WorkingGroup, task_id: int) -> GroupTask:
    task = db.session.get(GroupTask, task_id)
    if task is None or task.group_id != group.id:
        abort(404)
    return task


@bp.post("/<int:group_id>/tasks/<int:task_id>/done")
def mark_task(group_id: int, task_id: int):
    group = load_group(group_id)
    task = load_task(group, task_id)
    user = current_person()
    if not can_mark_task(user, group, task):
        if user is None:
            return current_app.login_manager.unauthorized()
        abort(403)
    form = TaskDoneForm()
    if not form.validate_on_submit():
        return show_error(None, GroupError(_("Enter a valid value.")), "")
    work.mark_task(group, task, form.done.data == "1", user)
    db.session.commit()
    flash(_("The task is done.") if task.done else _("The task is open again."), "success")
    if task.assignee_id == user.id:
        return redirect(url_for("group_tasks.mine") + f"#task-{task.id}", 303)
    return redirect(url_for("groups.detail", group_id=group.id) + "#tasks", 303)


def _decision_page(group: WorkingGroup, row, withdraw_form=None, status: int = 200):
    from solidarna.core import links
    from solidarna.groups.permissions import can_link_proposal
    from solidarna.groups.views.links import DECISION_RELATION, decision_link_form

    leads_to = links.targets(DECISION_RELATION, row.id)
    user = current_person()
    may_revise = can_revise_work(user, group)
    if withdraw_form is None and may_revise and not row.withdrawn:
        withdraw_form = WithdrawDecisionForm(prefix="withdraw")
    return render(
        "groups/decision.html",
        group=group,
        decision=row,
        body=markdown.render(row.body) if row.body else "",
        leads_to=leads_to,
        link_form=decision_link_form(row, leads_to) if can_link_proposal(user, group) else None,
        may_revise=may_revise,
        withdraw_form=withdraw_form,
        status=status,
    )


def load_decision(group: WorkingGroup, year: int, number: int):
    row = work.decision(group, year, number)
    if row is None:
        abort(404)
    return row


@bp.get("/<int:group_id>/decisions/<int:year>/<int:number>")
def decision(group_id: int, year: int, number: int):
    group = load_group(group_id)
    return _decision_page(group, load_decision(group, year, number))


def _to_decision(group: WorkingGroup, row):
    return redirect(
        url_for("group_tasks.decision", group_id=group.id, year=row.year, number=row.number),
        303,
    )


@bp.route("/<int:group_id>/decisions/<int:year>/<int:number>/edit", methods=["GET", "POST"])
@require(can_revise_work, obj=load_group)
def edit_decision(group: WorkingGroup, year: int, number: int):
    """A decision's wording changed by a coordinator (a withdrawn one is kept as it was)."""
    row = load_decision(group, year, number)
    if row.withdrawn:
        return error_page(409, detail=str(work.WITHDRAWN))
    form = GroupDecisionForm(obj=row)
    if form.validate_on_submit():
        try:
            changed = work.change_decision(group, row, form.title.data, form.body.data)
        except GroupError as error:
            answer = show_error(form, error, "title")
            if answer is not None:
                return answer
        else:
            db.session.commit()
            flash(_("The decision is changed.") if changed else _("Nothing was changed."),
                  "success")  # fmt: skip
            return _to_decision(group, row)
    status = 422 if form.errors else 200
    return render("groups/decision_form.html", group=group, decision=row, form=form,
                  status=status)  # fmt: skip


@bp.post("/<int:group_id>/decisions/<int:year>/<int:number>/withdraw")
@require(can_revise_work, obj=load_group)
def withdraw_decision(group: WorkingGroup, year: int, number: int):
    row = load_decision(group, year, number)
    form = WithdrawDecisionForm(prefix="withdraw")
    if not form.validate_on_submit():
        return _decision_page(group, row, form, 422)
    if not work.withdraw_decision(group, row, form.reason.data, current_person()):
        return error_page(409, detail=_("This decision was withdrawn already."))
    db.session.commit()
    flash(_("Decision %(number)s is withdrawn. It keeps its number.", number=row.label),
          "success")  # fmt: skip
    return _to_decision(group, row)


def _task_people(group: WorkingGroup, task: GroupTask, everyone: bool = False):
    """Whom a task's form offers (like the meeting's task form) and, when it is sent, whom
    it accepts: every active member; its current assignee even after they left."""
    if everyone or task.meeting_id is None:
        people = work.assignable(group)
    else:
        meeting = db.session.get(GroupMeeting, task.meeting_id)
        people = work.offered_assignees(group, meeting)[0] if meeting else work.assignable(group)
    if all(m.user_id != task.assignee_id for m in people):
        current = db.session.scalar(
            db.select(GroupMembership).where(
                GroupMembership.group_id == group.id,
                GroupMembership.user_id == task.assignee_id,
            )
        )
        if current is not None:
            people = [current, *people]
    return people


def _back_from_task(group: WorkingGroup, task_meeting_id):
    if task_meeting_id is not None:
        return redirect(
            url_for("group_meetings.show", group_id=group.id, meeting_id=task_meeting_id)
            + "#tasks",
            303,
        )
    return redirect(url_for("groups.detail", group_id=group.id) + "#tasks", 303)


@bp.route("/<int:group_id>/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@require(can_revise_work, obj=load_group)
def edit_task(group: WorkingGroup, task_id: int):
    """A task's wording, assignee or due day changed by a coordinator; or cancelled."""
    task = load_task(group, task_id)
    posted = request.method == "POST"
    form = TaskForm(obj=None if posted else task, people=_task_people(group, task, posted))
    if not posted:
        form.assignee_id.data = str(task.assignee_id)
    if form.validate_on_submit():
        try:
            changed = work.change_task(group, task, form.data_dict(), current_person())
        except GroupError as error:
            answer = show_error(form, error, "title")
            if answer is not None:
                return answer
        else:
            db.session.commit()
            flash(_("The task is changed.") if changed else _("Nothing was changed."), "success")
            return _back_from_task(group, task.meeting_id)
    return render("groups/task_form.html", group=group, task=task, form=form,
                  cancel_form=CancelTaskForm(prefix="cancel"),
                  status=422 if form.errors else 200)  # fmt: skip


@bp.post("/<int:group_id>/tasks/<int:task_id>/delete")
@require(can_revise_work, obj=load_group)
def delete_task(group: WorkingGroup, task_id: int):
    task = load_task(group, task_id)
    form = CancelTaskForm(prefix="cancel")
    if not form.validate_on_submit():
        return error_page(400, detail=_("The form has expired. Please send it again."))
    meeting_id = task.meeting_id
    work.delete_task(group, task)
    db.session.commit()
    flash(_("The task is cancelled."), "success")
    return _back_from_task(group, meeting_id)


@bp.get("/<int:group_id>/calendar.ics")
def group_ics(group_id: int):
    group = load_group(group_id)
    events = [_event(group, m) for m in work.recent_and_upcoming(group)]
    data = documents.ics(events, name=group.name)
    return documents.ics_response(data, f"grupa-{group.id}.ics", download=False)


@bp.get("/tasks/")
@require(is_member)
def mine():
    user = current_person()
    page = page_arg(request.args)
    open_, done, total = work.my_tasks(user, page)
    return render("groups/tasks.html", open_tasks=open_, done_tasks=done, today=today(),
                  done_form=TaskDoneForm(), open_total=total, page_number=page,
                  pages=max(1, -(-total // work.MY_TASKS_PER_PAGE)))  # fmt: skip


@bp.get("/calendar/")
def calendar():
    """The space's calendar; `?group=<id>` only that group's meetings (a group the viewer may
    not see, or of another space, answers 404 like its page)."""
    group = None
    wanted = request.args.get("group", "")
    if wanted:
        if not wanted.isdigit() or len(wanted) > 12:
            abort(404)
        group = load_group(int(wanted))
    page = page_arg(request.args)
    months, total = work.calendar(current_person(), group.id if group is not None else None, page)
    return render(
        "groups/calendar.html",
        months=months,
        total=total,
        page_number=page,
        pages=max(1, -(-total // work.CALENDAR_PER_PAGE)),
        group=group,
        local_day=lambda m: meetings.local_parts(m.starts_at)[0],
    )
