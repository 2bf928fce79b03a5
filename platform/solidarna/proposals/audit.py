"""What the audit log says about proposals (core/audit_text.py)."""

from flask_babel import lazy_gettext as _l

from solidarna.core.audit_text import AuditAction
from solidarna.proposals.models import ENDORSEMENT_KINDS, STATES

ACTIONS = {
    "proposal.created": AuditAction(_l("%(actor)s started the proposal %(target)s")),
    "proposal.moved": AuditAction(
        _l("%(actor)s moved %(target)s from “%(old)s” to “%(new)s”"),
        values={"old": STATES, "new": STATES},
    ),
    "proposal.restored": AuditAction(_l("%(actor)s restored version %(number)s of %(target)s")),
    "proposal.endorsed": AuditAction(
        _l("%(actor)s endorsed %(target)s on behalf of %(organization)s"),
        values={"kind": ENDORSEMENT_KINDS},
    ),
    "proposal.endorsement_withdrawn": AuditAction(
        _l("%(actor)s withdrew the endorsement of %(organization)s from %(target)s")
    ),
    "proposal.institution_added": AuditAction(_l("%(actor)s added the institution %(target)s")),
    "proposal.institution_changed": AuditAction(_l("%(actor)s changed the institution %(target)s")),
    "proposal.institution_removed": AuditAction(_l("%(actor)s removed the institution %(target)s")),
}
