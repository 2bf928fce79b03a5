"""What the audit log says about surveys (core/audit_text.py). Each view records its action
with core.audit.record under one of these names; a capability helper adds the ones it needs."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.research.models import STATUSES

ACTIONS = {
    "survey.created": AuditAction(_l("%(actor)s started the survey %(target)s")),
    "survey.changed": AuditAction(_l("%(actor)s changed the survey %(target)s")),
    "survey.status_changed": AuditAction(
        _l("%(actor)s moved the survey %(target)s from “%(old)s” to “%(new)s”"),
        values={"old": STATUSES, "new": STATUSES},
    ),
    "survey.version_created": AuditAction(
        _l("%(actor)s started version %(number)s of the survey %(target)s")
    ),
    # answering and distribution
    "survey.invitations_drawn": AuditAction(
        _l("%(actor)s drew %(count)s invitations to the survey %(target)s")
    ),
    "survey.invitations_sent": AuditAction(
        _l("%(actor)s sent %(count)s invitations to the survey %(target)s")
    ),
    "survey.reminders_sent": AuditAction(
        _l("%(actor)s sent %(count)s reminders about the survey %(target)s")
    ),
    "survey.directory_update_requested": AuditAction(
        _l("%(actor)s asked, answering the survey %(target)s, to update a directory entry")
    ),
    # builder
    "survey.section_added": AuditAction(
        _l("%(actor)s added the section “%(section)s” to the survey %(target)s")
    ),
    "survey.section_changed": AuditAction(
        _l("%(actor)s changed the section “%(section)s” of the survey %(target)s")
    ),
    "survey.section_removed": AuditAction(
        _l("%(actor)s removed the section “%(section)s” from the survey %(target)s")
    ),
    "survey.question_added": AuditAction(
        _l("%(actor)s added the question %(code)s to the survey %(target)s")
    ),
    "survey.question_changed": AuditAction(
        _l("%(actor)s changed the question %(code)s of the survey %(target)s")
    ),
    "survey.question_removed": AuditAction(
        _l("%(actor)s removed the question %(code)s from the survey %(target)s")
    ),
    "survey.reordered": AuditAction(_l("%(actor)s reordered the survey %(target)s")),
    "survey.deleted": AuditAction(_l("%(actor)s deleted the draft survey %(target)s")),
    # results (rresults)
    "survey.results_published": AuditAction(
        _l("%(actor)s published the results of the survey %(target)s")
    ),
    "survey.results_unpublished": AuditAction(
        _l("%(actor)s took down the public results of the survey %(target)s")
    ),
    "survey.exported": AuditAction(
        _l("%(actor)s exported the responses to the survey %(target)s (%(format)s)")
    ),
}
