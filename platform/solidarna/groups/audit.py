"""What the audit log says about working groups (core/audit_text.py). The organization a
person represents, when there is one, is shown beside the sentence."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.groups.models import ROLES


def _fields() -> dict:
    from solidarna.core.forms import field_labels
    from solidarna.groups.forms import GroupForm

    return field_labels(GroupForm)


def _meeting_fields() -> dict:
    return {"title": _l("Title"), "starts_at": _l("Starts at"), "ends_at": _l("Ends at"),
            "place": _l("Place"), "online_url": _l("Online link"), "agenda": _l("Agenda")}  # fmt: skip


def _decision_fields() -> dict:
    return {"title": _l("Decision"), "body": _l("Reasons and details")}


def _task_fields() -> dict:
    return {"title": _l("Task"), "assignee_id": _l("Who does it"), "due_on": _l("Due on")}


ACTIONS = {
    "group.created": AuditAction(_l("%(actor)s started the working group %(target)s")),
    "group.changed": AuditAction(
        _l("%(actor)s changed the working group %(target)s: %(fields)s"), fields=_fields
    ),
    "group.joined": AuditAction(_l("%(actor)s joined the working group %(target)s")),
    "group.join_requested": AuditAction(_l("%(actor)s asked to join the working group %(target)s")),
    "group.invited": AuditAction(
        _l("%(actor)s invited %(person)s to the working group %(target)s as %(role)s"),
        values={"role": ROLES},
    ),
    "group.invitation_accepted": AuditAction(
        _l("%(actor)s accepted the invitation to the working group %(target)s")
    ),
    "group.invitation_declined": AuditAction(
        _l("%(actor)s declined the invitation to the working group %(target)s")
    ),
    "group.request_approved": AuditAction(
        _l("%(actor)s accepted %(person)s into the working group %(target)s")
    ),
    "group.request_declined": AuditAction(
        _l("%(actor)s declined the request of %(person)s to join the working group %(target)s")
    ),
    "group.left": AuditAction(_l("%(actor)s left the working group %(target)s")),
    "group.member_removed": AuditAction(
        _l("%(actor)s took %(person)s out of the working group %(target)s")
    ),
    "group.meeting_scheduled": AuditAction(
        _l("%(actor)s scheduled the meeting “%(meeting)s” of %(target)s")
    ),
    "group.meeting_changed": AuditAction(
        _l("%(actor)s changed the meeting “%(meeting)s” of %(target)s: %(fields)s"),
        fields=_meeting_fields,
    ),
    "group.minutes_published": AuditAction(
        _l("%(actor)s published the minutes of the meeting “%(meeting)s” of %(target)s")
    ),
    "group.minutes_changed": AuditAction(
        _l("%(actor)s changed the minutes of the meeting “%(meeting)s” of %(target)s")
    ),
    "group.attendance_taken": AuditAction(
        _l(
            "%(actor)s took the attendance of the meeting “%(meeting)s” of %(target)s "
            "(%(count)s present)"
        )
    ),
    "group.decision_recorded": AuditAction(
        _l("%(actor)s recorded the decision %(number)s “%(title)s” of %(target)s")
    ),
    "group.decision_changed": AuditAction(
        _l("%(actor)s changed the decision %(number)s “%(title)s” of %(target)s: %(fields)s"),
        fields=_decision_fields,
    ),
    "group.decision_withdrawn": AuditAction(
        _l("%(actor)s withdrew the decision %(number)s “%(title)s” of %(target)s")
    ),
    "group.task_changed": AuditAction(
        _l("%(actor)s changed the task “%(task)s” of %(target)s: %(fields)s"),
        fields=_task_fields,
    ),
    "group.task_cancelled": AuditAction(
        _l("%(actor)s cancelled the task “%(task)s” of %(person)s in %(target)s")
    ),
    "group.task_given": AuditAction(
        _l("%(actor)s gave %(person)s the task “%(task)s” in %(target)s")
    ),
    "group.task_done": AuditAction(_l("%(actor)s marked the task “%(task)s” of %(target)s done")),
    "group.task_reopened": AuditAction(
        _l("%(actor)s marked the task “%(task)s” of %(target)s not done")
    ),
    "group.role_changed": AuditAction(
        _l("%(actor)s changed the role of %(person)s in %(target)s from “%(old)s” to “%(new)s”"),
        values={"old": ROLES, "new": ROLES},
    ),
}

#: documents and the proposals and platforms a group works on (groups/documents.py,
#: views/links.py)
DOCUMENT_ACTIONS = {
    "group.document_added": AuditAction(
        _l("%(actor)s added the document “%(document)s” to %(target)s")
    ),
    "group.document_version_added": AuditAction(
        _l("%(actor)s added version %(number)s of the document “%(document)s” of %(target)s")
    ),
    "group.document_deleted": AuditAction(
        _l("%(actor)s deleted the document “%(document)s” of %(target)s")
    ),
    "group.proposal_linked": AuditAction(
        _l("%(actor)s noted that %(target)s works on the proposal “%(proposal)s”")
    ),
    "group.proposal_unlinked": AuditAction(
        _l("%(actor)s noted that %(target)s no longer works on the proposal “%(proposal)s”")
    ),
    "group.campaign_linked": AuditAction(
        _l("%(actor)s noted that %(target)s works on the advocacy platform “%(campaign)s”")
    ),
    "group.campaign_unlinked": AuditAction(
        _l(
            "%(actor)s noted that %(target)s no longer works on the advocacy platform "
            "“%(campaign)s”"
        )  # fmt: skip
    ),
    "group.decision_linked": AuditAction(
        _l(
            "%(actor)s noted that the decision %(number)s of %(target)s leads to the proposal "
            "“%(proposal)s”"
        )  # fmt: skip
    ),
    "group.decision_unlinked": AuditAction(
        _l(
            "%(actor)s noted that the decision %(number)s of %(target)s no longer leads to the "
            "proposal “%(proposal)s”"
        )  # fmt: skip
    ),
}
