"""What the audit log says about support cases (core/audit_text.py). The target is the case
("request #12"); no requester's name or description is ever written to the log."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.support.models import STATUSES

ACTIONS = {
    "support.requested": AuditAction(
        _l("%(actor)s asked the office for help (request %(target)s)")
    ),
    "support.status_changed": AuditAction(
        _l("%(actor)s moved the request %(target)s from “%(old)s” to “%(new)s”"),
        values={"old": STATUSES, "new": STATUSES},
    ),
    "support.assigned": AuditAction(_l("%(actor)s assigned the request %(target)s to %(advisor)s")),
    "support.changed": AuditAction(
        _l("%(actor)s changed the priority or due day of the request %(target)s")
    ),
    "support.note_added": AuditAction(
        _l("%(actor)s added a private note to the request %(target)s")
    ),
    "support.message_sent": AuditAction(_l("%(actor)s wrote a message on the request %(target)s")),
    "support.barriers_tagged": AuditAction(
        _l("%(actor)s tagged the request %(target)s with the barriers %(codes)s")
    ),
    "support.erased": AuditAction(
        _l("%(actor)s erased the personal content of the request %(target)s")
    ),
    "support.proposal_started": AuditAction(
        _l("%(actor)s started the proposal “%(proposal)s” from %(count)s support cases")
    ),
}
