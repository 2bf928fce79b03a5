"""What the audit log says about account actions (core/audit_text.py)."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.i18n import lazy_gettext as _l

ACTIONS = {
    "account.created_by_operator": AuditAction(
        _l("An account for %(target)s was created from the command line")
    ),
    "account.register_existing": AuditAction(
        _l("Someone tried to register again with the address of %(target)s")
    ),
    "account.registered": AuditAction(_l("%(actor)s registered")),
    "account.email_change_requested": AuditAction(
        _l("%(actor)s asked to change the e-mail address to %(new)s")
    ),
    "account.email_changed": AuditAction(
        _l("%(actor)s changed the e-mail address from %(old)s to %(new)s")
    ),
    "account.email_verified": AuditAction(_l("%(actor)s confirmed the e-mail address")),
    "account.login": AuditAction(_l("%(actor)s logged in")),
    "account.login_failed": AuditAction(_l("A login as %(email)s failed")),
    "account.logout": AuditAction(_l("%(actor)s logged out")),
    "account.reset_requested": AuditAction(_l("A password reset link was sent to %(target)s")),
    "account.password_reset": AuditAction(_l("%(actor)s set a new password with a reset link")),
    "account.password_changed": AuditAction(_l("%(actor)s changed the password")),
    "account.sessions_ended": AuditAction(_l("%(actor)s logged out everywhere else")),
    "account.suspended": AuditAction(_l("%(actor)s suspended the account of %(target)s")),
    "account.reinstated": AuditAction(_l("%(actor)s reinstated the account of %(target)s")),
}
