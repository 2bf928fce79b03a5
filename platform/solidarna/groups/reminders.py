"""Reminders (a periodic job, core/jobs.py): the day before a meeting, everyone who answered
coming or maybe; the day before a task is due, and once when it is overdue, its assignee.
Each reminder goes once: a row in `group_reminders` (unique per kind, object and person)
records it, so the job may run every hour, twice, or on two workers."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from solidarna.accounts.models import User
from solidarna.core import jobs, notifications
from solidarna.core.models import utcnow
from solidarna.core.tenancy import cross_tenant, tenant_context
from solidarna.core.urls import tenant_path
from solidarna.extensions import db
from solidarna.groups import meetings
from solidarna.groups.models import GroupMeeting, MeetingRsvp, WorkingGroup
from solidarna.groups.records import GroupReminder, GroupTask
from solidarna.tenants.models import Tenant


def _sent(kind: str, object_ids) -> set[tuple[int, int]]:
    if not object_ids:
        return set()
    rows = db.session.execute(
        select(GroupReminder.object_id, GroupReminder.user_id).where(
            GroupReminder.kind == kind, GroupReminder.object_id.in_(list(object_ids))
        )
    )
    return {tuple(row) for row in rows}


def _meetings(tenant_id: int, slug: str, start: datetime, end: datetime) -> int:
    rows = db.session.execute(
        select(GroupMeeting, WorkingGroup.name, User)
        .join(WorkingGroup, WorkingGroup.id == GroupMeeting.group_id)
        .join(MeetingRsvp, MeetingRsvp.meeting_id == GroupMeeting.id)
        .join(User, User.id == MeetingRsvp.user_id)
        .where(GroupMeeting.starts_at >= start, GroupMeeting.starts_at < end,
               MeetingRsvp.answer.in_(("yes", "maybe")))
        .order_by(GroupMeeting.id, User.id)
    ).all()  # fmt: skip
    sent = _sent("meeting", {m.id for m, _, _ in rows})
    count = 0
    for meeting, group_name, user in rows:
        if (meeting.id, user.id) in sent:
            continue
        db.session.add(GroupReminder(kind="meeting", object_id=meeting.id, user_id=user.id))
        notifications.notify(
            [user], kind="groups.meeting_reminder", title=f"{meeting.title} · {group_name}",
            url=tenant_path("group_meetings.show", slug, group_id=meeting.group_id,
                      meeting_id=meeting.id),
            excerpt=meeting.place, subject_type="group_meeting", subject_id=meeting.id,
            tenant_id=tenant_id,
        )  # fmt: skip
        count += 1
    return count


def _tasks(tenant_id: int, slug: str, today, tomorrow) -> int:
    rows = db.session.execute(
        select(GroupTask, WorkingGroup.name)
        .join(WorkingGroup, WorkingGroup.id == GroupTask.group_id)
        .where(GroupTask.done_at.is_(None), GroupTask.due_on <= tomorrow,
               GroupTask.due_on != today)
        .order_by(GroupTask.id)
    ).all()  # fmt: skip
    kinds = {task.id: "task_due" if task.due_on == tomorrow else "task_overdue" for task, _ in rows}
    sent = {kind: _sent(kind, [i for i, k in kinds.items() if k == kind])
            for kind in ("task_due", "task_overdue")}  # fmt: skip
    count = 0
    for task, group_name in rows:
        kind = kinds[task.id]
        if (task.id, task.assignee_id) in sent[kind]:
            continue
        db.session.add(GroupReminder(kind=kind, object_id=task.id, user_id=task.assignee_id))
        notifications.notify(
            [task.assignee], kind="groups.task_due", title=f"{task.title} · {group_name}",
            url=tenant_path("group_tasks.mine", slug, anchor=f"task-{task.id}"),
            subject_type="group_task", subject_id=task.id, tenant_id=tenant_id,
        )  # fmt: skip
        count += 1
    return count


def send_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due and not yet sent, in every space; the caller
    commits. Returns how many went out."""
    now = now or utcnow()
    today = now.astimezone(meetings.zone()).date()
    tomorrow = today + timedelta(days=1)
    start = meetings.to_utc(tomorrow, time(0))
    end = meetings.to_utc(tomorrow + timedelta(days=1), time(0))
    with cross_tenant():  # deliberately every space's: a scheduled job, each then on its own
        ids = set(
            db.session.scalars(
                select(GroupMeeting.tenant_id)
                .where(GroupMeeting.starts_at >= start, GroupMeeting.starts_at < end)
                .distinct()
            )
        ) | set(
            db.session.scalars(
                select(GroupTask.tenant_id)
                .where(GroupTask.done_at.is_(None), GroupTask.due_on <= tomorrow)
                .distinct()
            )
        )
        found = db.session.execute(select(Tenant.id, Tenant.slug).where(Tenant.id.in_(ids)))
        slugs = {row.id: row.slug for row in found}
    count = 0
    for tenant_id in sorted(slugs):
        with tenant_context(tenant_id):
            count += _meetings(tenant_id, slugs[tenant_id], start, end)
            count += _tasks(tenant_id, slugs[tenant_id], today, tomorrow)
            db.session.flush()
    return count


@jobs.periodic("groups.send_reminders", jobs.crontab(minute="15", hour="*"))
def send_reminders_hourly() -> None:
    send_reminders()
    db.session.commit()
