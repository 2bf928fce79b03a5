"""What the audit log says about spaces and memberships (core/audit_text.py)."""

from collections.abc import Mapping

from solidarna.core.audit_text import AuditAction
from solidarna.core.forms import field_labels
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.tenants.applications import LOCALE_LABELS
from solidarna.tenants.models import ROLE_LABELS, VISIBILITIES

ROLES = {"role": ROLE_LABELS, "old": ROLE_LABELS, "new": ROLE_LABELS}


def _settings_labels():
    from solidarna.tenants.forms import TenantSettingsForm

    return field_labels(TenantSettingsForm)


class _ModuleLabels(Mapping):
    """The modules' labels, read from the capability registry when an entry is shown."""

    def _labels(self) -> dict:
        from solidarna.core.capabilities import registry

        return registry().modules()

    def __getitem__(self, key):
        return self._labels()[key]

    def __iter__(self):
        return iter(self._labels())

    def __len__(self) -> int:
        return len(self._labels())


def _list_labels():
    from solidarna.core.capabilities import registry

    return {key.key: key.label for key in registry().kit_keys().values() if key.editor}


class _TemplateLists(Mapping):
    """{"list": the template lists' labels}, read from the registry when an entry is shown."""

    def _labels(self) -> dict:
        from solidarna.core.capabilities import registry

        labels = {k.key: k.outline.label for k in registry().kit_keys().values() if k.outline}
        return {"list": labels}

    def __getitem__(self, key):
        return self._labels()[key]

    def __iter__(self):
        return iter(self._labels())

    def __len__(self) -> int:
        return 1


TEMPLATE_LISTS = _TemplateLists()


def _template_labels() -> dict:
    """The fields of the templates by their labels (a changed template's "fields")."""
    from solidarna.core.capabilities import registry

    labels: dict = {}
    for key in registry().kit_keys().values():
        if key.outline is not None:
            labels.update({spec.name: spec.label for spec in key.outline.fields})
            if key.outline.parts is not None:
                labels[key.outline.parts.name] = key.outline.parts.label
    return labels


ACTIONS = {
    "tenant.created": AuditAction(_l("%(actor)s created the space %(target)s")),
    "tenant.suspended": AuditAction(_l("%(actor)s suspended the space %(target)s")),
    "tenant.reactivated": AuditAction(_l("%(actor)s reactivated the space %(target)s")),
    "tenant.settings_changed": AuditAction(
        _l("%(actor)s changed the settings of the space"),
        fields=_settings_labels,
        values={
            "visibility": VISIBILITIES,
            "default_locale": LOCALE_LABELS,
            "modules": _ModuleLabels(),
        },
    ),
    "tenant.logo_changed": AuditAction(_l("%(actor)s uploaded a new logo of the space")),
    "tenant.logo_removed": AuditAction(_l("%(actor)s removed the logo of the space")),
    "tenant.lists_changed": AuditAction(
        _l("%(actor)s changed the lists and privacy defaults of the space"), fields=_list_labels
    ),
    "tenant.template_added": AuditAction(
        _l("%(actor)s added the template “%(title)s” (%(list)s)"), values=TEMPLATE_LISTS
    ),
    "tenant.template_changed": AuditAction(
        _l("%(actor)s changed the template “%(title)s” (%(list)s)"),
        fields=_template_labels,
        values=TEMPLATE_LISTS,
    ),
    "tenant.template_retired": AuditAction(
        _l("%(actor)s retired the template “%(title)s” (%(list)s): it is no longer offered"),
        values=TEMPLATE_LISTS,
    ),
    "tenant.template_restored": AuditAction(
        _l("%(actor)s offered the template “%(title)s” (%(list)s) again"), values=TEMPLATE_LISTS
    ),
    "tenant.national_overview_joined": AuditAction(
        _l("%(actor)s made the space take part in the national overview")
    ),
    "tenant.national_overview_left": AuditAction(
        _l("%(actor)s took the space out of the national overview")
    ),
    "space_application.submitted": AuditAction(_l("%(actor)s applied for a space for %(target)s")),
    "space_application.resubmitted": AuditAction(
        _l("%(actor)s completed the application for a space for %(target)s")
    ),
    "space_application.more_info_requested": AuditAction(
        _l("%(actor)s asked for more information about the application of %(target)s")
    ),
    "space_application.approved": AuditAction(
        _l("%(actor)s approved the application of %(target)s; the space /%(tenant)s/ is created")
    ),
    "space_application.declined": AuditAction(
        _l("%(actor)s declined the application for a space of %(target)s")
    ),
    "kit.published": AuditAction(_l("%(actor)s published version %(version)s of the kit %(kit)s")),
    "kit.upgrade_applied": AuditAction(
        _l("%(actor)s applied version %(new)s of the kit %(kit)s to the space")
    ),
    "kit.upgrade_partly_applied": AuditAction(
        _l("%(actor)s applied part of version %(new)s of the kit %(kit)s to the space")
    ),
    "kit.upgrade_declined": AuditAction(
        _l(
            "%(actor)s kept the space as it is and took nothing of version %(new)s of the kit %(kit)s"
        )
    ),
    "member.requested": AuditAction(_l("%(actor)s asked to join the space")),
    "member.approved": AuditAction(_l("%(actor)s accepted %(target)s as a member")),
    "member.rejected": AuditAction(_l("%(actor)s declined the request of %(target)s to join")),
    "member.role_changed": AuditAction(
        _l("%(actor)s changed the role of %(target)s from %(old)s to %(new)s"), values=ROLES
    ),
    "member.suspended": AuditAction(_l("%(actor)s suspended the membership of %(target)s")),
    "member.reactivated": AuditAction(_l("%(actor)s reactivated the membership of %(target)s")),
    "member.made_owner": AuditAction(_l("%(actor)s made %(target)s an owner of the space")),
    "member.invited": AuditAction(_l("%(actor)s invited %(email)s as %(role)s"), values=ROLES),
    "member.invitation_accepted": AuditAction(_l("%(actor)s accepted an invitation and joined")),
    "member.invitation_revoked": AuditAction(
        _l("%(actor)s withdrew the invitation sent to %(target)s")
    ),
    "partnership.invited": AuditAction(
        _l("%(actor)s invited %(partner)s to be a partner space of %(owner)s for “%(target)s”")
    ),
    "partnership.accepted": AuditAction(
        _l("%(actor)s accepted for %(partner)s to be a partner space of %(owner)s for “%(target)s”")
    ),
    "partnership.declined": AuditAction(
        _l("%(actor)s declined for %(partner)s the partnership with %(owner)s for “%(target)s”")
    ),
    "partnership.ended": AuditAction(
        _l("%(actor)s ended the partnership of %(owner)s with %(partner)s for “%(target)s”")
    ),
}
