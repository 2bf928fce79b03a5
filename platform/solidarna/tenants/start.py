"""The guided start (issue 17): what a new space's owners do first, each step worked out from
the space's own rows (never ticked by hand), each linking to the page that does it, each one
the owners may dismiss (tenants.start_dismissed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, url_for

from solidarna.core.audit import AuditEntry
from solidarna.core.capabilities import registry
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import can_change_settings
from solidarna.extensions import db
from solidarna.tenants.models import Invitation, Membership, Tenant


@dataclass(frozen=True)
class Step:
    code: str
    label: object
    help: object
    #: the endpoint of the page that does it
    endpoint: str
    done: Callable[[Tenant], bool]
    #: the module the step needs (None: every space)
    module: str | None = None
    #: who may take it (a tenant-level predicate; None: whoever sees the checklist); others
    #: see the step without its link
    permission: Callable | None = None


@dataclass(frozen=True)
class ShownStep:
    step: Step
    done: bool
    #: None: the viewer may not take the step (an owner does)
    url: str | None
    dismissed: bool


def _count(query) -> int:
    return db.session.scalar(query) or 0


def _settings_done(tenant: Tenant) -> bool:
    """The owners saved the settings page at least once and the space has a logo."""
    return tenant.logo_id is not None and bool(
        _count(
            db.select(db.func.count(AuditEntry.id)).where(
                AuditEntry.tenant_id == tenant.id, AuditEntry.action == "tenant.settings_changed"
            )
        )
    )


def _invited(tenant: Tenant) -> bool:
    invitations = _count(db.select(db.func.count(Invitation.id)))
    members = _count(db.select(db.func.count(Membership.id)).where(Membership.status == "active"))
    return invitations > 0 or members > 1


def _taxonomy_reviewed(tenant: Tenant) -> bool:
    return bool((tenant.taxonomies or {}).get("expected_actor_types"))


def _organizations(tenant: Tenant) -> bool:
    from solidarna.directory.organizations.models import Organization

    return _count(db.select(db.func.count(Organization.id))) > 0


def _survey_open(tenant: Tenant) -> bool:
    try:  # the research capability may not be installed
        from solidarna.research.models import Survey
    except ImportError:
        return False
    return _count(db.select(db.func.count(Survey.id)).where(Survey.status == "open")) > 0


def _group_or_proposal(tenant: Tenant) -> bool:
    from solidarna.groups.models import WorkingGroup
    from solidarna.proposals.models import Proposal

    return (
        _count(db.select(db.func.count(WorkingGroup.id)))
        + _count(db.select(db.func.count(Proposal.id)))
        > 0
    )


STEPS = (
    Step(
        "settings",
        _l("Settings and logo"),
        _l("The space's logo, name, description, contact, colour and languages."),
        "tenant_admin.settings",
        _settings_done,
        permission=can_change_settings,
    ),
    Step(
        "invite",
        _l("Invite colleagues"),
        _l("Colleagues from the institution and partners, as administrators or members."),
        "tenant_admin.members",
        _invited,
    ),
    Step(
        "taxonomy",
        _l("Review the taxonomy"),
        _l("The actor types the local ecosystem is expected to have, from the kit."),
        "ecosystem.index",
        _taxonomy_reviewed,
        module="directory",
    ),
    Step(
        "import",
        _l("Import local actors"),
        _l("The organizations you already know, from a spreadsheet (CSV or Excel)."),
        "directory_import.upload",
        _organizations,
        module="directory",
    ),
    Step(
        "survey",
        _l("Open the first survey"),
        _l("Find out who the local actors are and what they need."),
        "research.index",
        _survey_open,
        module="research",
    ),
    Step(
        "start_work",
        _l("Start the first working group or proposal"),
        _l("From the kit's templates: a working group on a theme, or a proposal to the council."),
        "groups.index",
        _group_or_proposal,
        module="groups",
    ),
)
BY_CODE = {step.code: step for step in STEPS}


def offered(tenant: Tenant) -> list[Step]:
    """The steps this space can take: its module is switched on and exists on the platform
    (looked up by name in the capability registry) and its page is there."""
    modules = registry().modules()
    return [
        step
        for step in STEPS
        if (step.module is None or (step.module in modules and step.module in tenant.modules))
        and step.endpoint in current_app.view_functions
    ]


def checklist(tenant: Tenant, user=None) -> list[ShownStep]:
    dismissed = set(tenant.start_dismissed or [])
    return [
        ShownStep(
            step,
            step.done(tenant),
            url_for(step.endpoint)
            if step.permission is None or step.permission(user, tenant)
            else None,
            step.code in dismissed,
        )
        for step in offered(tenant)
    ]


def progress(items: list[ShownStep]) -> tuple[int, int]:
    """(done, of): the dismissed steps count as neither."""
    shown = [item for item in items if not item.dismissed]
    return sum(item.done for item in shown), len(shown)


def set_dismissed(tenant: Tenant, code: str, dismissed: bool) -> None:
    codes = [c for c in (tenant.start_dismissed or []) if c != code]
    if dismissed:
        codes.append(code)
    tenant.start_dismissed = codes
