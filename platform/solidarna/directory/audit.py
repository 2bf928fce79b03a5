"""What the audit log says about the directory, resources and practices (core/audit_text.py)."""

from solidarna.core.audit_text import AuditAction
from solidarna.core.forms import field_labels
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy


def _organization_labels():
    from solidarna.directory.organizations.forms import OrganizationForm

    return field_labels(OrganizationForm)


def _resource_labels():
    from solidarna.directory.resources.forms import ResourceForm

    return field_labels(ResourceForm)


def _practice_labels():
    from solidarna.directory.practices.forms import PracticeForm

    return field_labels(PracticeForm)


SOURCE = {"source": taxonomy.SOURCES}

DIRECTORY_ACTIONS = {
    "organization.created": AuditAction(_l("%(actor)s added %(target)s"), values=SOURCE),
    "organization.updated": AuditAction(
        _l("%(actor)s changed %(target)s"),
        fields=_organization_labels,
        values={"source": taxonomy.SUGGESTION_SOURCES},
    ),
    "organization.change_suggested": AuditAction(
        _l("%(actor)s proposed changes of %(target)s"),
        fields=_organization_labels,
        values={"source": taxonomy.SUGGESTION_SOURCES},
    ),
    "organization.suggestion_accepted": AuditAction(
        _l("%(actor)s accepted proposed changes of %(target)s"), fields=_organization_labels
    ),
    "organization.suggestion_rejected": AuditAction(
        _l("%(actor)s rejected proposed changes of %(target)s")
    ),
    "organization.verified": AuditAction(_l("%(actor)s verified %(target)s")),
    "organization.rejected": AuditAction(_l("%(actor)s rejected %(target)s")),
    "organization.archived": AuditAction(_l("%(actor)s archived %(target)s")),
    "organization.pending": AuditAction(_l("%(actor)s returned %(target)s for review")),
    "organization.representative_claimed": AuditAction(
        _l("%(actor)s asked to represent %(target)s")
    ),
    "organization.representative_added": AuditAction(
        _l("%(actor)s added a representative of %(target)s")
    ),
    "organization.representative_accepted": AuditAction(
        _l("%(actor)s accepted a representative of %(target)s")
    ),
    "organization.representative_rejected": AuditAction(
        _l("%(actor)s declined a request to represent %(target)s")
    ),
    "relationship.created": AuditAction(_l("%(actor)s recorded the relationship %(target)s")),
    "relationship.deleted": AuditAction(_l("%(actor)s removed the relationship %(target)s")),
    "directory.imported": AuditAction(
        _l("%(actor)s imported %(created)s entries from %(filename)s"),
        values={"moderation": taxonomy.MODERATION},
    ),
}

RESOURCE_ACTIONS = {
    "resource.created": AuditAction(_l("%(actor)s added the resource %(target)s")),
    "resource.updated": AuditAction(
        _l("%(actor)s changed the resource %(target)s"), fields=_resource_labels
    ),
    "resource.deleted": AuditAction(_l("%(actor)s deleted the resource %(target)s")),
    "practice.created": AuditAction(_l("%(actor)s shared the practice %(target)s")),
    "practice.updated": AuditAction(
        _l("%(actor)s changed the practice %(target)s"), fields=_practice_labels
    ),
    "practice.deleted": AuditAction(_l("%(actor)s deleted the practice %(target)s")),
}
