"""What the audit log says about proposals (core/audit_text.py)."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l
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
    "proposal.amendment_opened": AuditAction(
        _l("%(actor)s proposed amendment %(number)s to %(target)s")
    ),
    "proposal.amendment_accepted": AuditAction(
        _l("%(actor)s accepted amendment %(number)s to %(target)s (version %(version)s)")
    ),
    "proposal.amendment_rejected": AuditAction(
        _l("%(actor)s rejected amendment %(number)s to %(target)s")
    ),
    "proposal.amendment_withdrawn": AuditAction(
        _l("%(actor)s withdrew amendment %(number)s to %(target)s")
    ),
    "proposal.amendment_promoted": AuditAction(
        _l("%(actor)s made amendment %(number)s to %(target)s a proposal of its own")
    ),
    "proposal.coauthor_invited": AuditAction(
        _l("%(actor)s invited %(person)s to co-author %(target)s")
    ),
    "proposal.coauthor_accepted": AuditAction(_l("%(actor)s became a co-author of %(target)s")),
    "proposal.coauthor_declined": AuditAction(_l("%(actor)s declined to co-author %(target)s")),
    "proposal.coauthor_left": AuditAction(_l("%(actor)s left the authors of %(target)s")),
    "proposal.coauthor_removed": AuditAction(
        _l("%(actor)s removed %(person)s from the authors of %(target)s")
    ),
    "proposal.author_acts_for": AuditAction(
        _l("%(actor)s now acts for %(target)s on behalf of “%(organization)s”")
    ),
}
