"""What the audit log says about surveys (core/audit_text.py). Each view records its action
with core.audit.record under one of these names; a capability helper adds the ones it needs."""

from flask_babel import lazy_gettext as _l

from solidarna.core.audit_text import AuditAction
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
