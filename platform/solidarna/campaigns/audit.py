"""What the audit log says about advocacy platforms (core/audit_text.py). A signature from a
partner space is recorded in the owner space's log, where the campaign is."""

from solidarna.campaigns.models import STATUSES
from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l


def _fields() -> dict:
    from solidarna.campaigns.forms import CampaignForm
    from solidarna.core.forms import field_labels

    return {**field_labels(CampaignForm), "demands": _l("Demands")}


ACTIONS = {
    "campaign.created": AuditAction(_l("%(actor)s started the advocacy platform %(target)s")),
    "campaign.changed": AuditAction(
        _l("%(actor)s changed the advocacy platform %(target)s: %(fields)s"), fields=_fields
    ),
    "campaign.status_changed": AuditAction(
        _l("%(actor)s moved the advocacy platform %(target)s from “%(old)s” to “%(new)s”"),
        values={"old": STATUSES, "new": STATUSES},
    ),
    "campaign.signed": AuditAction(
        _l("%(actor)s signed the advocacy platform %(target)s for %(organization)s")
    ),
    "campaign.withdrawn": AuditAction(
        _l("%(actor)s withdrew the signature of %(organization)s from %(target)s")
    ),
    "campaign.comment_hidden": AuditAction(
        _l("%(actor)s hid a comment by %(author)s on %(target)s")
    ),
    "campaign.comment_shown": AuditAction(
        _l("%(actor)s showed again a comment by %(author)s on %(target)s")
    ),
    "campaign.sign_on_sent": AuditAction(
        _l(
            "%(actor)s sent the sign-on link of %(target)s to %(organizations)s organizations "
            "(%(mails)s mails)"
        )
    ),
    "campaign.action_added": AuditAction(
        _l("%(actor)s added “%(step)s” to the timeline of %(target)s")
    ),
}
