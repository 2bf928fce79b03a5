"""What the audit log says about a space's news (core/audit_text.py)."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l


def _fields() -> dict:
    from solidarna.core.forms import field_labels
    from solidarna.news.forms import PostForm

    return field_labels(PostForm)


ACTIONS = {
    "news.created": AuditAction(_l("%(actor)s wrote the news post %(target)s")),
    "news.changed": AuditAction(
        _l("%(actor)s changed the news post %(target)s: %(fields)s"), fields=_fields
    ),
    "news.published": AuditAction(_l("%(actor)s published the news post %(target)s")),
    "news.unpublished": AuditAction(_l("%(actor)s took the news post %(target)s back to drafts")),
    "news.deleted": AuditAction(_l("%(actor)s deleted the news post %(target)s")),
}
