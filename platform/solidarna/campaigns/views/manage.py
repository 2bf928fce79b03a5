"""The owner space's admins: starting and changing a campaign, moving its status, adding to
its timeline, and its partner spaces (inviting one by its address, ending a partnership).
Every page here loads only this space's own campaigns: a partner space answers 404."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from solidarna.campaigns import services, sign_on
from solidarna.campaigns.forms import (
    ActionForm,
    CampaignForm,
    HideForm,
    PartnerForm,
    SignOnForm,
    StatusForm,
    SupportForm,
)
from solidarna.campaigns.models import Campaign
from solidarna.campaigns.permissions import (
    can_create_campaign,
    can_follow_sign_on,
    can_manage_campaign,
)
from solidarna.campaigns.views.common import show_error
from solidarna.core import representation, subjects
from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.tenants import partnerships
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("campaign_admin", __name__, url_prefix="/campaigns")


def _form_page(form, campaign=None, status=200):
    return render("campaigns/form.html", form=form, campaign=campaign, status=status)


def _detail(campaign_id: int, anchor: str = ""):
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id) + anchor, 303)


@bp.route("/new", methods=["GET", "POST"])
@require(can_create_campaign)
def create():
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = services.create(form.data_dict(), form.demand_list(), current_person())
        except services.CampaignError as error:
            return show_error(form, error, "title") or _form_page(form, status=422)
        db.session.commit()
        flash(_("The advocacy platform is started. Open it for signatures when it is ready."),
              "success")  # fmt: skip
        return _detail(campaign.id)
    return _form_page(form, status=422 if form.errors else 200)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@require(can_manage_campaign, obj=services.load_own_campaign)
def edit(campaign: Campaign):
    form = CampaignForm(obj=campaign)
    if not form.is_submitted():
        form.fill(campaign)
    if form.validate_on_submit():
        try:
            changed = services.update(campaign, form.data_dict(), form.demand_list(),
                                      current_person())  # fmt: skip
        except services.CampaignError as error:
            return show_error(form, error, "title") or _form_page(form, campaign, 422)
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return _detail(campaign.id)
    return _form_page(form, campaign, status=422 if form.errors else 200)


@bp.post("/<int:campaign_id>/status")
@require(can_manage_campaign, obj=services.load_own_campaign)
def move(campaign: Campaign):
    form = StatusForm()
    if not form.validate_on_submit():
        return error_page(422, detail=_("Choose one of the offered options."))
    try:
        services.move(campaign, form.status.data, current_person())
    except services.CampaignError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("The status is changed."), "success")
    return _detail(campaign.id)


def _action_page(campaign, form, status=200):
    return render("campaigns/action_form.html", campaign=campaign, form=form, status=status)


@bp.route("/<int:campaign_id>/actions/new", methods=["GET", "POST"])
@require(can_manage_campaign, obj=services.load_own_campaign)
def add_action(campaign: Campaign):
    form = ActionForm()
    if form.validate_on_submit():
        services.add_action(campaign, form.data_dict(), current_person())
        db.session.commit()
        flash(_("The step is added to the timeline."), "success")
        return _detail(campaign.id, "#timeline")
    return _action_page(campaign, form, 422 if form.errors else 200)


def _partners_page(campaign, form=None, status=200):
    return render(
        "campaigns/partners.html",
        campaign=campaign,
        rows=partnerships.of_subject(services.SUBJECT, campaign.id),
        form=form or PartnerForm(formdata=None),
        end_form=SupportForm(formdata=None),
        status=status,
    )


@bp.get("/<int:campaign_id>/partners")
@require(can_manage_campaign, obj=services.load_own_campaign)
def partners(campaign: Campaign):
    return _partners_page(campaign)


@bp.post("/<int:campaign_id>/partners")
@require(can_manage_campaign, obj=services.load_own_campaign)
def invite(campaign: Campaign):
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            row = services.invite_partner(campaign, form.slug.data, current_person())
        except services.CampaignError as error:
            form.slug.errors = [*form.slug.errors, str(error)]
            return _partners_page(campaign, form, error.status)
        db.session.commit()
        flash(_("%(space)s is invited. Its administrators will answer.", space=row.partner.name),
              "success")  # fmt: skip
        return redirect(url_for("campaign_admin.partners", campaign_id=campaign.id), 303)
    return _partners_page(campaign, form, 422)


@bp.post("/<int:campaign_id>/partners/<int:partnership_id>/end")
@require(can_manage_campaign, obj=services.load_own_campaign)
def end_partnership(campaign: Campaign, partnership_id: int):
    row = partnerships.get_owned(partnership_id)
    if row is None or row.subject_type != services.SUBJECT or row.subject_id != campaign.id:
        abort(404)
    try:
        partnerships.end(row, current_person())
    except partnerships.PartnershipError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("The partnership is ended. The signatures gathered stay."), "success")
    return redirect(url_for("campaign_admin.partners", campaign_id=campaign.id), 303)


@bp.post("/<int:campaign_id>/comments/<int:comment_id>/hide")
@require(can_manage_campaign, obj=services.load_own_campaign)
def hide_comment(campaign: Campaign, comment_id: int):
    form = HideForm()
    if not form.validate_on_submit():
        return error_page(400)
    hidden = form.hidden.data == "1"
    services.set_comment_hidden(campaign, comment_id, hidden, current_person())
    db.session.commit()
    flash(_("The comment is hidden.") if hidden else _("The comment is shown again."), "success")
    return _detail(campaign.id, "#comments")


@bp.route("/<int:campaign_id>/sign-on", methods=["GET", "POST"])
@require(can_manage_campaign, obj=services.load_own_campaign)
def sign_on_invite(campaign: Campaign):
    """Send the sign-on link to the representatives of chosen organizations of this space's
    directory (campaigns/sign_on.py)."""
    if not campaign.accepts_signatures:
        return error_page(409, detail=str(services.NOT_SIGNING))
    offered = subjects.choices("organization", sign_on.MAX_ORGANIZATIONS)
    form = SignOnForm(organizations=offered)
    status = 200
    if form.is_submitted():
        if form.validate():
            sent, nobody = sign_on.send(campaign, form.chosen(), (form.note.data or "").strip(),
                                        current_person())  # fmt: skip
            db.session.commit()
            flash(ngettext("The sign-on link is sent in %(num)d mail.",
                           "The sign-on link is sent in %(num)d mails.", sent), "success")  # fmt: skip
            if nobody:
                flash(_("Nobody represents %(names)s in the directory: no mail was sent for it.",
                        names=", ".join(nobody)), "warning")  # fmt: skip
            return _detail(campaign.id)
        status = 422
    return render("campaigns/sign_on.html", form=form, campaign=campaign, status=status)


@bp.get("/<int:campaign_id>/sign-on/<token>")
@require(can_follow_sign_on, obj=services.load_own_campaign)
def sign_on_link(campaign: Campaign, token: str):
    """The link of the mail: after logging in (or registering), to the page's sign form. The
    token names the organization invited; it signs nothing."""
    try:
        organization_id = sign_on.read(token, campaign)
    except sign_on.SignOnError as error:
        return error_page(error.status, detail=str(error))
    card = representation.describe([organization_id]).get(organization_id)
    if card is not None and representation.may_act_for(current_person(), organization_id):
        flash(_("You may sign here for %(name)s.", name=card.name), "info")
    else:
        flash(_("Only a verified representative of the organization invited may sign for it; "
                "you may still read the platform and support it personally."), "info")  # fmt: skip
    return _detail(campaign.id, "#sign")
