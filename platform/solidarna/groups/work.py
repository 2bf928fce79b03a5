"""After a meeting: its minutes, who attended (and for which organization), the decisions
(numbered per group and year) and the tasks it gave (to members of the group, due ahead);
the group's open tasks, a person's tasks across the space's groups, and the space's
upcoming meetings as a calendar. Each change has its rule, an audit entry and the members'
notification. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from solidarna.accounts.models import User
from solidarna.core import audit, notifications
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.script import fold
from solidarna.extensions import db
from solidarna.groups import meetings
from solidarna.groups.models import GroupMeeting, GroupMembership, WorkingGroup
from solidarna.groups.records import GroupDecision, GroupTask, MeetingAttendance, MeetingMinutes
from solidarna.groups.services import GroupError, today, visible_clause

OPEN_TASKS_SHOWN = 20
#: open tasks per page of My tasks (the done ones, the latest, on its first page only)
MY_TASKS_PER_PAGE = 30
DONE_TASKS_SHOWN = 10
#: meetings per page of the calendar
CALENDAR_PER_PAGE = 30
#: meetings at most in a group's calendar feed
FEED_SHOWN = 200
CALENDAR_SHOWN = 200
NOT_YET = _l("The meeting has not taken place yet: its record is written afterwards.")

NOTIFICATION_KINDS = {
    "groups.meeting": _l("New meeting"),
    "groups.minutes": _l("Minutes published"),
    "groups.decision": _l("New decision"),
    "groups.task_assigned": _l("Task for you"),
    "groups.meeting_reminder": _l("Meeting tomorrow"),
    "groups.task_due": _l("Task due"),
    "groups.document": _l("New document in a group"),
}


def has_taken_place(meeting: GroupMeeting) -> bool:
    return meeting.starts_at <= utcnow()


def _after(meeting: GroupMeeting, field: str) -> None:
    if not has_taken_place(meeting):
        raise GroupError(NOT_YET, field)


def member_users(group: WorkingGroup) -> list[User]:
    """The group's active members (whom its news goes to)."""
    return list(
        db.session.scalars(
            select(User)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .where(GroupMembership.group_id == group.id, GroupMembership.status == "active")
        )
    )


def meeting_path(meeting: GroupMeeting, anchor: str = "") -> str:
    path = url_for("group_meetings.show", group_id=meeting.group_id, meeting_id=meeting.id)
    return path + (f"#{anchor}" if anchor else "")


def _tell_members(group, meeting, kind: str, title: str, by, excerpt="", anchor="") -> None:
    notifications.notify(
        member_users(group), kind=kind, title=title, url=meeting_path(meeting, anchor),
        excerpt=notifications.shorten(excerpt), actor=by,
        subject_type="group_meeting", subject_id=meeting.id,
    )  # fmt: skip


def meeting_scheduled(group: WorkingGroup, meeting: GroupMeeting, by) -> None:
    """The members hear of a new meeting (meetings.schedule calls this)."""
    _tell_members(group, meeting, "groups.meeting", f"{meeting.title} · {group.name}", by,
                  excerpt=meeting.agenda)  # fmt: skip


# --- minutes and attendance ---------------------------------------------------------------------


def minutes_of(meeting: GroupMeeting) -> MeetingMinutes | None:
    return db.session.scalar(select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting.id))


def save_minutes(group: WorkingGroup, meeting: GroupMeeting, body: str, by) -> bool:
    """Write or change the minutes of a meeting that took place; the first time they are
    published, the members are told. Returns whether anything changed."""
    _after(meeting, "body")
    body = (body or "").strip()
    if not body:
        raise GroupError(_l("Write the minutes first."), "body")
    minutes = minutes_of(meeting)
    if minutes is not None and minutes.body == body:
        return False
    first = minutes is None or minutes.published_at is None
    if minutes is None:
        minutes = MeetingMinutes(meeting_id=meeting.id)
        db.session.add(minutes)
    minutes.body, minutes.written_by_id = body, by.id
    if first:
        minutes.published_at = utcnow()
    db.session.flush()
    audit.record("group.minutes_published" if first else "group.minutes_changed",
                 target=group, meeting=meeting.title)  # fmt: skip
    if first:
        _tell_members(group, meeting, "groups.minutes", f"{meeting.title} · {group.name}", by,
                      excerpt=body, anchor="minutes")  # fmt: skip
    return True


def attendable(group: WorkingGroup) -> list[GroupMembership]:
    """Whom attendance can name: the group's active members and those who left since."""
    return list(
        db.session.scalars(
            select(GroupMembership)
            .where(GroupMembership.group_id == group.id,
                   GroupMembership.status.in_(("active", "left")))
            .order_by(GroupMembership.status, GroupMembership.id)
        )
    )  # fmt: skip


#: people per page of a meeting's attendance form
ATTENDANCE_PER_PAGE = 50


def attendance_window(
    group: WorkingGroup, query: str, page: int, per_page: int = ATTENDANCE_PER_PAGE
) -> tuple[list[GroupMembership], int]:
    """A page of whom attendance can name, by name, kept to those whose name or organization
    matches `query` (either script, any case): (the memberships, how many match). The names
    come from a light query of columns; only the page's memberships are loaded."""
    light = db.session.execute(
        select(GroupMembership.id, User.name, GroupMembership.organization_name)
        .join(User, User.id == GroupMembership.user_id)
        .where(GroupMembership.group_id == group.id,
               GroupMembership.status.in_(("active", "left")))
    ).all()  # fmt: skip
    wanted = fold(query)
    if wanted:
        light = [r for r in light if wanted in fold(f"{r.name} {r.organization_name or ''}")]
    light.sort(key=lambda r: ((r.name or "").casefold(), r.id))
    ids = [r.id for r in light[(page - 1) * per_page : page * per_page]]
    loaded = (
        {
            m.id: m
            for m in db.session.scalars(select(GroupMembership).where(GroupMembership.id.in_(ids)))
        }
        if ids
        else {}
    )
    return [loaded[i] for i in ids if i in loaded], len(light)


def attendance_of(meeting: GroupMeeting) -> list[MeetingAttendance]:
    return list(
        db.session.scalars(
            select(MeetingAttendance)
            .where(MeetingAttendance.meeting_id == meeting.id)
            .order_by(MeetingAttendance.organization_name, MeetingAttendance.id)
        )
    )


def take_attendance(group: WorkingGroup, meeting: GroupMeeting, membership_ids, by) -> int:
    """Who attended: members of the group, each with the organization their membership
    represents. The list replaces the one before. Returns how many attended."""
    _after(meeting, "present")
    wanted = {int(i) for i in membership_ids}
    rows = {m.id: m for m in attendable(group)}
    if not wanted <= set(rows):
        raise GroupError(_l("Only members of the group can be marked present."), "present")
    current = {a.user_id: a for a in attendance_of(meeting)}
    users = {rows[i].user_id: rows[i] for i in wanted}
    for user_id, row in current.items():
        if user_id not in users:
            db.session.delete(row)
    for user_id, membership in users.items():
        if user_id not in current:
            db.session.add(
                MeetingAttendance(
                    meeting_id=meeting.id, membership_id=membership.id, user_id=user_id,
                    organization_id=membership.organization_id,
                    organization_name=membership.organization_name or "",
                )
            )  # fmt: skip
    db.session.flush()
    audit.record("group.attendance_taken", target=group, meeting=meeting.title,
                 count=len(users))  # fmt: skip
    return len(users)


# --- decisions -----------------------------------------------------------------------------------


def decisions_of(meeting: GroupMeeting) -> list[GroupDecision]:
    return list(
        db.session.scalars(
            select(GroupDecision)
            .where(GroupDecision.meeting_id == meeting.id)
            .order_by(GroupDecision.year, GroupDecision.number)
        )
    )


def decision(group: WorkingGroup, year: int, number: int) -> GroupDecision | None:
    return db.session.scalar(
        select(GroupDecision).where(
            GroupDecision.group_id == group.id,
            GroupDecision.year == year,
            GroupDecision.number == number,
        )
    )


def _next_number(group: WorkingGroup, year: int) -> int:
    last = db.session.scalar(
        select(func.max(GroupDecision.number)).where(
            GroupDecision.group_id == group.id, GroupDecision.year == year
        )
    )
    return (last or 0) + 1


DECISION_CLASH = _l(
    "Another decision was recorded at the same moment and took this number. "
    "Your decision is not saved yet: send the form again."
)


def add_decision(group: WorkingGroup, meeting: GroupMeeting, title: str, body: str, by):
    """A decision of the meeting, under the group's next number in the meeting's year. Two
    decisions recorded at once may read the same next number: the unique constraint refuses
    the second, which takes the number after it (once; a second clash is a 409)."""
    _after(meeting, "title")
    year = meetings.local_parts(meeting.starts_at)[0].year
    for attempt in range(2):
        row = GroupDecision(
            group_id=group.id, meeting_id=meeting.id, year=year,
            number=_next_number(group, year), title=title.strip(),
            body=(body or "").strip(), created_by_id=by.id,
        )  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            if attempt:
                raise GroupError(DECISION_CLASH, "title", 409) from None
            continue
        break
    audit.record("group.decision_recorded", target=group, number=row.label, title=row.title)
    _tell_members(group, meeting, "groups.decision",
                  f"{row.label} {row.title} · {group.name}", by, excerpt=row.body,
                  anchor=f"decision-{row.year}-{row.number}")  # fmt: skip
    return row


WITHDRAWN = _l("This decision is withdrawn: its text is kept as it was.")


def change_decision(group: WorkingGroup, row: GroupDecision, title: str, body: str) -> list[str]:
    """A decision's new wording (its number and meeting stay). Returns what changed."""
    if row.withdrawn:
        raise GroupError(WITHDRAWN, "title", 409)
    data = {"title": (title or "").strip(), "body": (body or "").strip()}
    if len(data["title"]) < 3:
        raise GroupError(_l("Use 3 to 300 characters."), "title")
    changed = [name for name, value in data.items() if getattr(row, name) != value]
    if not changed:
        return []
    old_title = row.title
    for name in changed:
        setattr(row, name, data[name])
    row.changed_at = utcnow()
    db.session.flush()
    audit.record("group.decision_changed", target=group, number=row.label, title=old_title,
                 fields=changed)  # fmt: skip
    return changed


def withdraw_decision(group: WorkingGroup, row: GroupDecision, reason: str, by) -> bool:
    """Withdraw a decision: it stays under its number, shown as withdrawn with who, when and
    why; the number is never given to another (numbers follow the highest ever recorded).
    Returns False if it was withdrawn already."""
    if row.withdrawn:
        return False
    row.withdrawn_at, row.withdrawn_by_id = utcnow(), by.id
    row.withdrawal_reason = (reason or "").strip()[:500]
    db.session.flush()
    audit.record("group.decision_withdrawn", target=group, number=row.label, title=row.title,
                 reason=row.withdrawal_reason)  # fmt: skip
    return True


# --- tasks ---------------------------------------------------------------------------------------


def assignable(group: WorkingGroup) -> list[GroupMembership]:
    """Whom a task can go to: the group's active members."""
    return list(
        db.session.scalars(
            select(GroupMembership)
            .where(GroupMembership.group_id == group.id, GroupMembership.status == "active")
            .order_by(GroupMembership.id)
        )
    )


#: up to this many active members the task form offers them all; above, those present at the
#: meeting and the group's coordinators and secretaries (any active member is accepted)
ASSIGNEES_SHOWN = 50


def offered_assignees(group: WorkingGroup, meeting: GroupMeeting) -> tuple[list, bool]:
    """Whom a meeting's task form lists, and whether that is every active member."""
    active = (GroupMembership.group_id == group.id, GroupMembership.status == "active")
    total = db.session.scalar(select(func.count()).select_from(GroupMembership).where(*active))
    if (total or 0) <= ASSIGNEES_SHOWN:
        return assignable(group), True
    present = select(MeetingAttendance.user_id).where(MeetingAttendance.meeting_id == meeting.id)
    rows = db.session.scalars(
        select(GroupMembership)
        .where(*active, or_(GroupMembership.user_id.in_(present),
                            GroupMembership.role.in_(("coordinator", "secretary"))))
        .order_by(GroupMembership.id)
    )  # fmt: skip
    return sorted(rows, key=lambda m: ((m.user.name or "").casefold(), m.id)), False


def add_task(group: WorkingGroup, meeting: GroupMeeting | None, data: dict, by) -> GroupTask:
    """A task for an active member of the group, due today or later."""
    if data["due_on"] < today():
        raise GroupError(_l("A new task is due today or later: this day has passed."), "due_on")
    assignee = db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id,
            GroupMembership.user_id == data["assignee_id"],
            GroupMembership.status == "active",
        )
    )
    if assignee is None:
        raise GroupError(_l("A task goes to an active member of the group."), "assignee_id")
    task = GroupTask(
        group_id=group.id, meeting_id=meeting.id if meeting is not None else None,
        title=data["title"].strip(), assignee_id=assignee.user_id, due_on=data["due_on"],
        created_by_id=by.id,
    )  # fmt: skip
    db.session.add(task)
    db.session.flush()
    audit.record("group.task_given", target=group, task=task.title, person=assignee.user.name)
    notifications.notify(
        [assignee.user], kind="groups.task_assigned", title=f"{task.title} · {group.name}",
        url=url_for("group_tasks.mine") + f"#task-{task.id}", actor=by,
        subject_type="group_task", subject_id=task.id,
    )  # fmt: skip
    return task


def mark_task(group: WorkingGroup, task: GroupTask, done: bool, by) -> bool:
    if task.done == done:
        return False
    task.done_at, task.done_by_id = (utcnow(), by.id) if done else (None, None)
    audit.record("group.task_done" if done else "group.task_reopened", target=group,
                 task=task.title)  # fmt: skip
    return True


def _active_member(group: WorkingGroup, user_id: int) -> GroupMembership | None:
    return db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id,
            GroupMembership.user_id == user_id,
            GroupMembership.status == "active",
        )
    )


def change_task(group: WorkingGroup, task: GroupTask, data: dict, by) -> list[str]:
    """A task's new wording, assignee or due day. A new assignee is an active member of the
    group (and is told); a moved due day lies today or later (an unchanged one may have
    passed). Returns what changed."""
    data = {"title": data["title"].strip(), "assignee_id": data["assignee_id"],
            "due_on": data["due_on"]}  # fmt: skip
    changed = [name for name, value in data.items() if getattr(task, name) != value]
    if "due_on" in changed and data["due_on"] < today():
        raise GroupError(_l("A task is due today or later: this day has passed."), "due_on")
    assignee = None
    if "assignee_id" in changed:
        assignee = _active_member(group, data["assignee_id"])
        if assignee is None:
            raise GroupError(_l("A task goes to an active member of the group."), "assignee_id")
    if not changed:
        return []
    old_title = task.title
    for name in changed:
        setattr(task, name, data[name])
    if assignee is not None:
        task.assignee = assignee.user
    db.session.flush()
    audit.record("group.task_changed", target=group, task=old_title, fields=changed,
                 person=task.assignee.name if task.assignee else "")  # fmt: skip
    if assignee is not None and assignee.user_id != by.id:
        notifications.notify(
            [assignee.user], kind="groups.task_assigned", title=f"{task.title} · {group.name}",
            url=url_for("group_tasks.mine") + f"#task-{task.id}", actor=by,
            subject_type="group_task", subject_id=task.id,
        )  # fmt: skip
    return changed


def delete_task(group: WorkingGroup, task: GroupTask) -> None:
    """Cancel a task: it goes from the lists (the audit log keeps what it was and whose)."""
    audit.record("group.task_cancelled", target=group, task=task.title,
                 person=task.assignee.name if task.assignee else "")  # fmt: skip
    db.session.delete(task)
    db.session.flush()


def tasks_of_meeting(meeting: GroupMeeting) -> list[GroupTask]:
    return list(
        db.session.scalars(
            select(GroupTask).where(GroupTask.meeting_id == meeting.id).order_by(GroupTask.id)
        )
    )


def open_tasks(group: WorkingGroup) -> list[GroupTask]:
    """The group's open tasks, the most urgent first (overdue ones lead)."""
    return list(
        db.session.scalars(
            select(GroupTask)
            .where(GroupTask.group_id == group.id, GroupTask.done_at.is_(None))
            .order_by(GroupTask.due_on, GroupTask.id)
            .limit(OPEN_TASKS_SHOWN)
        )
    )


@dataclass
class MyTask:
    task: GroupTask
    group_id: int
    group_name: str


def my_tasks(user, page: int = 1) -> tuple[list[MyTask], list[MyTask], int]:
    """The person's tasks in the space's groups: a page of the open ones (by due day, overdue
    first), the most recently done (on the first page only) and how many are open."""

    def query(done: bool, limit: int, offset: int = 0):
        rows = db.session.execute(
            select(GroupTask, WorkingGroup.id, WorkingGroup.name)
            .join(WorkingGroup, WorkingGroup.id == GroupTask.group_id)
            .where(
                GroupTask.assignee_id == user.id,
                GroupTask.done_at.is_not(None) if done else GroupTask.done_at.is_(None),
            )
            .order_by(*((GroupTask.done_at.desc(),) if done else (GroupTask.due_on,)),
                      GroupTask.id)
            .limit(limit)
            .offset(offset)
        )  # fmt: skip
        return [MyTask(task, gid, name) for task, gid, name in rows]

    total = db.session.scalar(
        select(func.count())
        .select_from(GroupTask)
        .join(WorkingGroup, WorkingGroup.id == GroupTask.group_id)
        .where(GroupTask.assignee_id == user.id, GroupTask.done_at.is_(None))
    )
    open_ = query(False, MY_TASKS_PER_PAGE, (page - 1) * MY_TASKS_PER_PAGE)
    done = query(True, DONE_TASKS_SHOWN) if page == 1 else []
    return open_, done, total or 0


# --- the space's calendar ------------------------------------------------------------------------


@dataclass
class Month:
    first: date
    meetings: list


def calendar(user, group_id: int | None = None, page: int = 1) -> tuple[list[Month], int]:
    """A page of the upcoming meetings of the groups the viewer may see (or of one of them),
    soonest first, by month (Belgrade time); and how many there are in all."""
    query = (
        select(GroupMeeting, WorkingGroup.name)
        .join(WorkingGroup, WorkingGroup.id == GroupMeeting.group_id)
        .where(visible_clause(user), GroupMeeting.starts_at >= utcnow())
    )
    if group_id is not None:
        query = query.where(GroupMeeting.group_id == group_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(GroupMeeting.starts_at, GroupMeeting.id)
        .limit(CALENDAR_PER_PAGE)
        .offset((page - 1) * CALENDAR_PER_PAGE)
    ).all()
    months: list[Month] = []
    for meeting, name in rows:
        day = meetings.local_parts(meeting.starts_at)[0]
        first = day.replace(day=1)
        if not months or months[-1].first != first:
            months.append(Month(first, []))
        months[-1].meetings.append((meeting, name))
    return months, total or 0


def recent_and_upcoming(group: WorkingGroup, past_days: int = 90) -> list[GroupMeeting]:
    """The meetings of a group's calendar feed: those ahead and those of the last months."""
    from datetime import timedelta

    since = utcnow() - timedelta(days=past_days)
    return list(
        db.session.scalars(
            select(GroupMeeting)
            .where(GroupMeeting.group_id == group.id, GroupMeeting.starts_at >= since)
            .order_by(GroupMeeting.starts_at)
            .limit(FEED_SHOWN)
        )
    )
