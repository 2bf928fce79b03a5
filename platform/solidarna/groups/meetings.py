"""A group's meetings: scheduling and changing one (the day and time typed in Europe/Belgrade,
stored in UTC; a place, an online link or both; an agenda in markdown), the members' answers
(coming, maybe, not coming) and the upcoming and past meetings of a group."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from solidarna.core import audit
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import local_parts  # noqa: F401 (callers use meetings.*)
from solidarna.core.i18n import local_to_utc as to_utc  # noqa: F401
from solidarna.core.i18n import local_zone as zone  # noqa: F401
from solidarna.core.models import utcnow
from solidarna.extensions import db
from solidarna.groups.models import RSVP_ANSWERS, GroupMeeting, MeetingRsvp, WorkingGroup
from solidarna.groups.services import GroupError

PAST_SHOWN = 10
#: upcoming meetings shown in full on the group's page; the rest are in its calendar
UPCOMING_SHOWN = 10
FIELDS = ("title", "starts_at", "ends_at", "place", "online_url", "agenda")


def check(data: dict, meeting: GroupMeeting | None) -> None:
    """A new meeting (or a moved one) lies ahead; it ends after it starts; it has a place or a
    link."""
    now = utcnow()
    moved = meeting is None or meeting.starts_at != data["starts_at"]
    if moved and data["starts_at"] < now:
        raise GroupError(_l("A meeting is scheduled ahead: this time has passed."), "day")
    if data.get("ends_at") is not None and data["ends_at"] <= data["starts_at"]:
        raise GroupError(_l("The meeting ends after it starts."), "ends")
    if data.get("ends_at") is not None and data["ends_at"] - data["starts_at"] > timedelta(days=3):
        raise GroupError(_l("A meeting lasts at most three days."), "ends")
    if not data.get("place") and not data.get("online_url"):
        raise GroupError(_l("Give a place, an online link or both."), "place")


def schedule(group: WorkingGroup, data: dict, by, notify: bool = True) -> GroupMeeting:
    check(data, None)
    meeting = GroupMeeting(group_id=group.id, created_by_id=by.id)
    for name in FIELDS:
        setattr(meeting, name, data.get(name))
    db.session.add(meeting)
    db.session.flush()
    audit.record("group.meeting_scheduled", target=group, meeting=meeting.title)
    if notify:  # the members hear of it (the demo's meetings are made quietly)
        from solidarna.groups import work  # work builds on this module

        work.meeting_scheduled(group, meeting, by)
    return meeting


def change(group: WorkingGroup, meeting: GroupMeeting, data: dict) -> list[str]:
    check(data, meeting)
    changed = [name for name in FIELDS if getattr(meeting, name) != data.get(name)]
    for name in changed:
        setattr(meeting, name, data.get(name))
    if changed:
        audit.record("group.meeting_changed", target=group, meeting=meeting.title, fields=changed)
    return changed


def answer(meeting: GroupMeeting, user, value: str) -> None:
    """The person's answer to an upcoming meeting (changed as often as they like)."""
    if value not in RSVP_ANSWERS:
        raise GroupError(_l("Answer coming, maybe or not coming."), "answer")
    if meeting.starts_at < utcnow():
        raise GroupError(_l("The meeting has taken place: answers are closed."), status=409)
    rsvp = db.session.scalar(
        select(MeetingRsvp).where(
            MeetingRsvp.meeting_id == meeting.id, MeetingRsvp.user_id == user.id
        )
    )
    if rsvp is not None:
        if rsvp.answer == value:
            return
        setattr(
            meeting, f"{rsvp.answer}_count", max(0, getattr(meeting, f"{rsvp.answer}_count") - 1)
        )
        rsvp.answer = value
        rsvp.answered_at = utcnow()
    else:
        db.session.add(MeetingRsvp(meeting_id=meeting.id, user_id=user.id, answer=value))
    setattr(meeting, f"{value}_count", getattr(meeting, f"{value}_count") + 1)


@dataclass
class Agenda:
    upcoming: list
    past: list
    #: {meeting id: the viewer's answer}
    mine: dict
    #: more upcoming meetings than shown (the calendar, filtered to the group, has them)
    more_upcoming: bool = False


def of_group(group: WorkingGroup, user=None) -> Agenda:
    """The group's next meetings (`UPCOMING_SHOWN`) and its latest past ones; with `user`,
    also that person's answers to the upcoming ones."""
    now = utcnow()
    upcoming = list(
        db.session.scalars(
            select(GroupMeeting)
            .where(GroupMeeting.group_id == group.id, GroupMeeting.starts_at >= now)
            .order_by(GroupMeeting.starts_at, GroupMeeting.id)
            .limit(UPCOMING_SHOWN + 1)
        )
    )
    more = len(upcoming) > UPCOMING_SHOWN
    upcoming = upcoming[:UPCOMING_SHOWN]
    past = list(
        db.session.scalars(
            select(GroupMeeting)
            .where(GroupMeeting.group_id == group.id, GroupMeeting.starts_at < now)
            .order_by(GroupMeeting.starts_at.desc())
            .limit(PAST_SHOWN)
        )
    )
    mine = {}
    if upcoming and user is not None and user.is_authenticated:
        mine = dict(
            db.session.execute(
                select(MeetingRsvp.meeting_id, MeetingRsvp.answer).where(
                    MeetingRsvp.user_id == user.id,
                    MeetingRsvp.meeting_id.in_([m.id for m in upcoming]),
                )
            ).all()
        )
    return Agenda(upcoming, past, mine, more)


def begun(group: WorkingGroup) -> int:
    """How many of the group's meetings have begun by now: what moves a meeting from the
    upcoming to the past ones (`of_group`) without a write in the space, so the group page's
    kept meetings and page shell follow it (one statement on the group's index)."""
    from solidarna.core import fragments

    # the meetings' starts are kept per change of the space (core/fragments.py kept_value);
    # how many of them have begun is counted against the clock each time
    starts = fragments.kept_value(
        "group-meeting-starts", group.id,
        compute=lambda: sorted(db.session.scalars(
            select(GroupMeeting.starts_at).where(GroupMeeting.group_id == group.id))),
    )  # fmt: skip
    return bisect.bisect_left(starts, utcnow())


def answers_of(group: WorkingGroup, user) -> dict[int, str]:
    """{meeting id: answer}: the person's answers to the group's upcoming meetings, in one
    statement (for a group page whose meetings come from the fragment cache)."""
    if user is None or not user.is_authenticated:
        return {}
    return dict(
        db.session.execute(
            select(MeetingRsvp.meeting_id, MeetingRsvp.answer)
            .join(GroupMeeting, GroupMeeting.id == MeetingRsvp.meeting_id)
            .where(MeetingRsvp.user_id == user.id, GroupMeeting.group_id == group.id,
                   GroupMeeting.starts_at >= utcnow())
        ).all()
    )  # fmt: skip
