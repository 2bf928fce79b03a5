"""The proposals and the advocacy platforms (campaigns) a group works on: its coordinators
(and the space's admins) link one of the space's proposals or platforms they may see, or take
a link away. Links go through core/links.py, so groups never import proposals nor campaigns;
an object of another space (a partner space's platform too) resolves to nothing here (404)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from solidarna.core import audit, links, subjects
from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.extensions import db
from solidarna.groups.document_forms import CampaignLinkForm, LinkForm
from solidarna.groups.models import WorkingGroup
from solidarna.groups.permissions import can_link_campaign, can_link_proposal
from solidarna.groups.views.common import load_group
from solidarna.tenants.routing import TenantBlueprint

RELATION = "works_on"
bp = TenantBlueprint("group_links", __name__, url_prefix="/groups/<int:group_id>/proposals")


def _back(group: WorkingGroup):
    return redirect(url_for("groups.detail", group_id=group.id) + "#proposals", 303)


def link_form(group: WorkingGroup, linked_subjects=None) -> LinkForm:
    """The form offering the space's proposals the person may see, less those linked."""
    if linked_subjects is None:
        linked_subjects = links.targets(RELATION, group.id)
    linked = {s.id for s in linked_subjects}
    offered = [s for s in subjects.choices("proposal") if s.id not in linked]
    return LinkForm(proposals=offered)


@bp.post("/")
@require(can_link_proposal, obj=load_group)
def link(group: WorkingGroup):
    form = LinkForm(proposals=subjects.choices("proposal"))
    if not form.validate_on_submit():
        return error_page(400, detail=_("Choose one of the space's proposals."))
    proposal_id = int(form.proposal_id.data)
    try:
        _link, created = links.add(RELATION, group.id, proposal_id, current_person())
    except links.LinkError:
        abort(404)
    if created:
        title = subjects.resolve_one("proposal", proposal_id).title
        audit.record("group.proposal_linked", target=group, proposal=title)
    db.session.commit()
    flash(_("The group works on this proposal.") if created
          else _("The group already works on this proposal."), "success")  # fmt: skip
    return _back(group)


@bp.post("/<int:proposal_id>/remove")
@require(can_link_proposal, obj=load_group)
def unlink(group: WorkingGroup, proposal_id: int):
    subject = subjects.resolve_one("proposal", proposal_id)
    if subject is None or not links.remove(RELATION, group.id, proposal_id):
        abort(404)
    audit.record("group.proposal_unlinked", target=group, proposal=subject.title)
    db.session.commit()
    flash(_("The proposal is no longer on the group's list."), "success")
    return _back(group)


# --- a decision that leads to a proposal ---------------------------------------------------------

DECISION_RELATION = "leads_to"
decision_bp = TenantBlueprint(
    "group_decision_links", __name__,
    url_prefix="/groups/<int:group_id>/decisions/<int:year>/<int:number>/proposals",
)  # fmt: skip


def load_decision(group: WorkingGroup, year: int, number: int):
    from solidarna.groups import work

    row = work.decision(group, year, number)
    if row is None:
        abort(404)
    return row


def decision_link_form(decision, linked_subjects=None) -> LinkForm:
    """The form offering the space's proposals the person may see, less those the decision
    already leads to."""
    if linked_subjects is None:
        linked_subjects = links.targets(DECISION_RELATION, decision.id)
    linked = {s.id for s in linked_subjects}
    return LinkForm(proposals=[s for s in subjects.choices("proposal") if s.id not in linked])


def _to_decision(group: WorkingGroup, decision):
    return redirect(
        url_for("group_tasks.decision", group_id=group.id, year=decision.year,
                number=decision.number) + "#proposals",
        303,
    )  # fmt: skip


@decision_bp.post("/")
@require(can_link_proposal, obj=load_group)
def link_decision(group: WorkingGroup, year: int, number: int):
    decision = load_decision(group, year, number)
    form = LinkForm(proposals=subjects.choices("proposal"))
    if not form.validate_on_submit():
        return error_page(400, detail=_("Choose one of the space's proposals."))
    proposal_id = int(form.proposal_id.data)
    try:
        _link, created = links.add(DECISION_RELATION, decision.id, proposal_id, current_person())
    except links.LinkError:
        abort(404)
    if created:
        title = subjects.resolve_one("proposal", proposal_id).title
        audit.record("group.decision_linked", target=group, number=decision.label,
                     proposal=title)  # fmt: skip
    db.session.commit()
    flash(_("The decision leads to this proposal.") if created
          else _("The decision already leads to this proposal."), "success")  # fmt: skip
    return _to_decision(group, decision)


@decision_bp.post("/<int:proposal_id>/remove")
@require(can_link_proposal, obj=load_group)
def unlink_decision(group: WorkingGroup, year: int, number: int, proposal_id: int):
    decision = load_decision(group, year, number)
    subject = subjects.resolve_one("proposal", proposal_id)
    if subject is None or not links.remove(DECISION_RELATION, decision.id, proposal_id):
        abort(404)
    audit.record("group.decision_unlinked", target=group, number=decision.label,
                 proposal=subject.title)  # fmt: skip
    db.session.commit()
    flash(_("The proposal is no longer listed under this decision."), "success")
    return _to_decision(group, decision)


# --- the advocacy platforms a group works on ----------------------------------------------------

CAMPAIGN_RELATION = "works_on_campaign"
campaign_bp = TenantBlueprint(
    "group_campaign_links", __name__, url_prefix="/groups/<int:group_id>/campaigns"
)


def campaign_link_form(group: WorkingGroup, linked_subjects=None) -> CampaignLinkForm:
    """The form offering the space's platforms the person may see, less those linked."""
    if linked_subjects is None:
        linked_subjects = links.targets(CAMPAIGN_RELATION, group.id)
    linked = {s.id for s in linked_subjects}
    offered = [s for s in subjects.choices("campaign") if s.id not in linked]
    return CampaignLinkForm(campaigns=offered)


def _to_campaigns(group: WorkingGroup):
    return redirect(url_for("groups.detail", group_id=group.id) + "#campaigns", 303)


@campaign_bp.post("/")
@require(can_link_campaign, obj=load_group)
def link_campaign(group: WorkingGroup):
    form = CampaignLinkForm(campaigns=subjects.choices("campaign"))
    if not form.validate_on_submit():
        return error_page(400, detail=_("Choose one of the space's advocacy platforms."))
    campaign_id = int(form.campaign_id.data)
    try:
        _link, created = links.add(CAMPAIGN_RELATION, group.id, campaign_id, current_person())
    except links.LinkError:
        abort(404)
    if created:
        title = subjects.resolve_one("campaign", campaign_id).title
        audit.record("group.campaign_linked", target=group, campaign=title)
    db.session.commit()
    flash(_("The group works on this advocacy platform.") if created
          else _("The group already works on this advocacy platform."), "success")  # fmt: skip
    return _to_campaigns(group)


@campaign_bp.post("/<int:campaign_id>/remove")
@require(can_link_campaign, obj=load_group)
def unlink_campaign(group: WorkingGroup, campaign_id: int):
    subject = subjects.resolve_one("campaign", campaign_id)
    if subject is None or not links.remove(CAMPAIGN_RELATION, group.id, campaign_id):
        abort(404)
    audit.record("group.campaign_unlinked", target=group, campaign=subject.title)
    db.session.commit()
    flash(_("The advocacy platform is no longer on the group's list."), "success")
    return _to_campaigns(group)
