"""Comments by the members of the owner and the partner spaces; signing for an organization
(its verified representatives, in the space the page is read in: the owner's or a
partner's), withdrawing while the campaign takes signatures, a person's own support, and
following the campaign."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from solidarna.campaigns import notices, services
from solidarna.campaigns.forms import CommentForm, OrganizationForm, SupportForm
from solidarna.campaigns.models import Campaign
from solidarna.campaigns.permissions import (
    can_comment_campaign,
    can_follow_campaign,
    can_sign_campaign,
)
from solidarna.core import representation
from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render, wants_fragment
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("campaign_signatures", __name__, url_prefix="/campaigns/<int:campaign_id>")


def _back(campaign_id: int):
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id) + "#signatories", 303)


def _organization() -> int | None:
    """The organization asked for: one the person represents here, or a 403."""
    user = current_person()
    form = OrganizationForm(organizations=representation.organizations_represented_by(user))
    if form.validate_on_submit():
        return form.organization()
    return None


@bp.post("/sign")
@require(can_sign_campaign, obj=services.load_campaign)
def sign(campaign: Campaign):
    campaign_id = campaign.id
    organization_id = _organization()
    try:
        name = services.sign(campaign, organization_id, current_person())
    except services.CampaignError as error:
        return error_page(error.status, detail=str(error))
    flash(_("%(name)s has signed the advocacy platform.", name=name),
          "success")  # fmt: skip
    return _back(campaign_id)


@bp.post("/withdraw")
@require(can_sign_campaign, obj=services.load_campaign)
def withdraw(campaign: Campaign):
    campaign_id = campaign.id
    try:
        services.withdraw(campaign, _organization(), current_person())
    except services.CampaignError as error:
        return error_page(error.status, detail=str(error))
    flash(_("The signature is withdrawn."), "success")
    return _back(campaign_id)


def _support(campaign: Campaign, on: bool):
    campaign_id = campaign.id
    if not SupportForm().validate_on_submit():
        return error_page(400)
    try:
        services.support(campaign, current_person(), on)
    except services.CampaignError as error:
        return error_page(error.status, detail=str(error))
    flash(_("Thank you for your support.") if on else _("Your support is taken back."), "success")
    return _back(campaign_id)


@bp.post("/support")
@require(can_sign_campaign, obj=services.load_campaign)
def support(campaign: Campaign):
    return _support(campaign, True)


@bp.post("/support/withdraw")
@require(can_sign_campaign, obj=services.load_campaign)
def unsupport(campaign: Campaign):
    return _support(campaign, False)


@bp.post("/comments")
@require(can_comment_campaign, obj=services.load_campaign)
def comment(campaign: Campaign):
    from solidarna.campaigns.views.browse import page_context

    campaign_id = campaign.id
    form = CommentForm()
    if not form.validate_on_submit():
        context = page_context(campaign)
        context["comment_form"] = form
        return render("campaigns/detail.html", status=422, **context)
    try:
        services.comment(campaign, form.body.data.strip(), current_person())
    except services.CampaignError as error:
        return error_page(error.status, detail=str(error))
    flash(_("Your comment is published."), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id) + "#comments", 303)


@bp.post("/follow")
@require(can_follow_campaign, obj=services.load_campaign)
def follow(campaign: Campaign):
    """Follow (follow=1) or stop following (follow=0): htmx gets the button back in place,
    without JS the page again."""
    campaign_id = campaign.id
    wanted = request.form.get("follow", "")
    if wanted not in ("0", "1"):
        return error_page(400, detail=_("Choose whether to follow the advocacy platform."))
    now = notices.set_following(current_person(), campaign, wanted == "1")
    if wants_fragment():
        return render_template("campaigns/_follow.html", campaign_id=campaign_id, is_following=now)
    flash(
        _("You follow this advocacy platform: you will hear of its new steps and comments.")
        if now else _("You no longer follow this advocacy platform."),
        "success",
    )  # fmt: skip
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id), 303)
