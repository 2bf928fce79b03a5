"""What the audit log says about events (core/audit_text.py)."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.events.models import APPLICATION_STATUSES, STATUSES

ACTIONS = {
    "event.created": AuditAction(_l("%(actor)s created the event %(target)s")),
    "event.changed": AuditAction(_l("%(actor)s changed the event %(target)s")),
    "event.status_changed": AuditAction(
        _l("%(actor)s moved the event %(target)s from “%(old)s” to “%(new)s”"),
        values={"old": STATUSES, "new": STATUSES},
    ),
    "event.questions_changed": AuditAction(
        _l("%(actor)s changed the application questions of the event %(target)s")
    ),
    "event.applications_closed": AuditAction(
        _l("The applications to the event %(target)s closed at the deadline")
    ),
    "event.began": AuditAction(_l("The event %(target)s began: its applications are closed")),
    "event.application_reviewed": AuditAction(
        _l("%(actor)s reviewed the application of %(person)s to the event %(target)s")
    ),
    "event.application_decided": AuditAction(
        _l("%(actor)s decided on the application of %(person)s to the event %(target)s: “%(new)s”"),
        values={"new": APPLICATION_STATUSES},
    ),  # fmt: skip
    "event.application_promoted": AuditAction(
        _l("%(person)s moved up from the waiting list of the event %(target)s")
    ),
    "event.application_cancelled": AuditAction(
        _l("%(actor)s cancelled the application of %(person)s to the event %(target)s")
    ),
    "event.cancellation_mailed": AuditAction(
        _l("The applicants of the cancelled event %(target)s were told (%(count)s)")
    ),
    "event.survey_linked": AuditAction(
        _l("%(actor)s chose the follow-up survey of the event %(target)s")
    ),
    "event.survey_unlinked": AuditAction(
        _l("%(actor)s removed the follow-up survey of the event %(target)s")
    ),
    "event.survey_mailed": AuditAction(
        _l("%(actor)s mailed the follow-up survey of the event %(target)s (%(count)s)")
    ),
    "event.checked_in": AuditAction(_l("%(actor)s checked %(person)s in at the event %(target)s")),
}
