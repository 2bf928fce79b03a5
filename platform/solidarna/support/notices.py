"""The notification kinds of support (core/notifications.py): what the office and the
requester are told, in the bell and by mail."""

from solidarna.core.i18n import lazy_gettext as _l

KINDS = {
    "support.request": _l("New support request"),
    "support.assigned": _l("Support request assigned to you"),
    "support.reply": _l("The requester answered"),
    "support.message": _l("The office answered your request"),
}
