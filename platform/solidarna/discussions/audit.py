"""What the audit log says about discussions and their moderation (core/audit_text.py)."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.discussions.models import CATEGORY_VISIBILITIES, REPORT_REASONS

VISIBILITY = {"visibility": CATEGORY_VISIBILITIES}

ACTIONS = {
    "discussions.post_reported": AuditAction(
        _l("%(actor)s reported post %(number)s in %(target)s"),
        values={"reason": REPORT_REASONS},
    ),
    "discussions.post_auto_hidden": AuditAction(
        _l("Post %(number)s in %(target)s was hidden after %(reports)s reports")
    ),
    "discussions.post_hide": AuditAction(_l("%(actor)s hid post %(number)s in %(target)s")),
    "discussions.post_unhide": AuditAction(
        _l("%(actor)s showed post %(number)s in %(target)s again")
    ),
    "discussions.post_delete": AuditAction(_l("%(actor)s deleted post %(number)s in %(target)s")),
    "discussions.post_dismiss": AuditAction(
        _l("%(actor)s dismissed the reports on post %(number)s in %(target)s")
    ),
    "discussions.thread_lock": AuditAction(_l("%(actor)s closed %(target)s to replies")),
    "discussions.thread_unlock": AuditAction(_l("%(actor)s opened %(target)s to replies again")),
    "discussions.thread_pin": AuditAction(_l("%(actor)s pinned %(target)s")),
    "discussions.thread_unpin": AuditAction(_l("%(actor)s unpinned %(target)s")),
    "discussions.thread_delete": AuditAction(_l("%(actor)s deleted the discussion %(target)s")),
    "discussions.thread_restore": AuditAction(_l("%(actor)s restored the discussion %(target)s")),
    "discussions.thread_moved": AuditAction(_l("%(actor)s moved %(target)s to another category")),
    "discussions.category_created": AuditAction(
        _l("%(actor)s created the category %(target)s"), values=VISIBILITY
    ),
    "discussions.category_changed": AuditAction(
        _l("%(actor)s changed the category %(target)s"), values=VISIBILITY
    ),
    "discussions.category_deleted": AuditAction(_l("%(actor)s deleted the category %(target)s")),
    "discussions.categories_set_up": AuditAction(
        _l("%(actor)s set up %(count)s categories from the kit")
    ),
}
