"""Tenant administration under /<slug>/admin/: members, requests, invitations, settings (the
owners', tenants/settings.py), audit log, the guided start."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from solidarna.core import audit
from solidarna.core.permissions import can_assign_role, can_manage_members, current_person, require
from solidarna.core.rendering import render
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.tenants import kit_upgrades, kit_versions, services
from solidarna.tenants import settings as space_settings
from solidarna.tenants import start as guided_start
from solidarna.tenants.forms import (
    InviteForm,
    KitUpgradeForm,
    ReasonForm,
    RoleForm,
    TenantSettingsForm,
)
from solidarna.tenants.kits import export_kit as kit_export
from solidarna.tenants.models import Invitation, Membership
from solidarna.tenants.permissions import can_manage_kit, can_manage_membership
from solidarna.tenants.routing import TenantBlueprint
from solidarna.tenants.settings_forms import LogoForm, lists_form

bp = TenantBlueprint("tenant_admin", __name__, url_prefix="/admin")


def get_membership(membership_id: int) -> Membership:
    membership = db.session.get(
        Membership, membership_id
    )  # tenant criteria apply: 404 across tenants
    if membership is None:
        abort(404)
    return membership


def members_page(invite_form=None, status=200, error=None):
    rows = db.session.scalars(
        db.select(Membership).order_by(Membership.status.desc(), Membership.created_at)
    ).all()
    invitations = db.session.scalars(
        db.select(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc())
    ).all()
    return render(
        "tenants/admin/members.html",
        pending=[m for m in rows if m.status == "pending"],
        members=[m for m in rows if m.status != "pending"],
        invitations=invitations,
        invite_form=invite_form or InviteForm(formdata=None),
        role_form=RoleForm(formdata=None),
        reason_form=ReasonForm(formdata=None),
        error=error,
        status=status,
    )


@bp.get("/members")
@require("can_manage_members")
def members():
    return members_page()


def _act(action, membership: Membership, success: str, **kwargs):
    try:
        action(membership, current_person(), **kwargs)
    except services.MembershipError as error:
        db.session.rollback()
        return members_page(status=409, error=str(error))
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("tenant_admin.members"), 303)


@bp.post("/members/<int:membership_id>/approve")
@require(can_manage_members, obj=get_membership)
def approve(membership: Membership):
    return _act(services.approve, membership, _("The request is approved."))


@bp.post("/members/<int:membership_id>/reject")
@require(can_manage_members, obj=get_membership)
def reject(membership: Membership):
    form = ReasonForm()
    if not form.validate():
        return members_page(status=422, error=_("The reason is too long."))
    return _act(
        services.reject, membership, _("The request is rejected."), reason=form.reason.data or ""
    )


@bp.post("/members/<int:membership_id>/role")
@require(can_manage_membership, obj=get_membership)
def change_role(membership: Membership):
    form = RoleForm()
    if not form.validate():
        return members_page(status=422, error=_("Choose one of the offered roles."))
    # The role asked for is input: only roles the person may give (the target is checked above).
    if not can_assign_role(current_person(), form.role.data):
        abort(403)
    return _act(services.change_role, membership, _("The role is changed."), role=form.role.data)


@bp.post("/members/<int:membership_id>/suspend")
@require(can_manage_membership, obj=get_membership)
def suspend(membership: Membership):
    form = ReasonForm()
    if not form.validate():
        return members_page(status=422, error=_("The reason is too long."))
    return _act(
        services.suspend,
        membership,
        _("The member is suspended."),
        reason=form.reason.data or "",
    )


@bp.post("/members/<int:membership_id>/reactivate")
@require(can_manage_members, obj=get_membership)
def reactivate(membership: Membership):
    return _act(services.reactivate, membership, _("The member is active again."))


@bp.post("/invitations")
@require("can_manage_members")
def invite():
    form = InviteForm()
    if not form.validate():
        return members_page(invite_form=form, status=422)
    if not can_assign_role(current_user, form.role.data):
        form.role.errors.append(_("You cannot give this role."))
        return members_page(invite_form=form, status=403)
    try:
        services.invite(
            g.tenant,
            form.email.data,
            form.role.data,
            form.note.data or "",
            current_person(),
        )
    except services.MembershipError as error:
        db.session.rollback()
        form.email.errors.append(str(error))
        return members_page(invite_form=form, status=409)
    db.session.commit()
    flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("tenant_admin.members"), 303)


@bp.post("/invitations/<int:invitation_id>/revoke")
@require("can_manage_members")
def revoke(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    try:
        services.revoke_invitation(invitation, current_person())
    except services.MembershipError as error:
        return members_page(status=409, error=str(error))
    db.session.commit()
    flash(_("The invitation is withdrawn."), "success")
    return redirect(url_for("tenant_admin.members"), 303)


def settings_page(form=None, logo_form=None, status=200):
    tenant = g.tenant
    return render(
        "tenants/admin/settings.html",
        form=form or TenantSettingsForm(obj=tenant, formdata=None),
        logo_form=logo_form or LogoForm(formdata=None),
        logo_url=space_settings.tenant_logo_url(tenant),
        status=status,
    )


@bp.route("/settings", methods=["GET", "POST"])
@require("can_change_settings")
def settings():
    form = TenantSettingsForm(obj=g.tenant)
    if not form.is_submitted():
        return settings_page(form)
    if not form.validate():
        return settings_page(form, status=422)
    changes = space_settings.save_general(g.tenant, form)
    db.session.commit()
    flash(_("The settings are saved.") if changes else _("Nothing was changed."), "success")
    return redirect(url_for("tenant_admin.settings"), 303)


@bp.post("/settings/logo")
@require("can_change_settings")
def upload_logo():
    form = LogoForm()
    if not form.validate():
        return settings_page(logo_form=form, status=getattr(form.logo, "status", 422))
    space_settings.set_logo(g.tenant, form.logo.checked, current_person())
    db.session.commit()
    flash(_("The logo is saved."), "success")
    return redirect(url_for("tenant_admin.settings"), 303)


@bp.post("/settings/logo/remove")
@require("can_change_settings")
def remove_logo():
    removed = space_settings.remove_logo(g.tenant)
    db.session.commit()
    flash(_("The logo is removed.") if removed else _("The space has no logo."), "success")
    return redirect(url_for("tenant_admin.settings"), 303)


@bp.route("/settings/lists", methods=["GET", "POST"])
@require("can_change_settings")
def lists():
    """The lists and defaults the space's modules take from its kit."""
    form = lists_form(g.tenant)
    if form.is_submitted():
        if form.check(g.tenant):
            changed = space_settings.save_lists(g.tenant, form.values())
            db.session.commit()
            flash(_("The lists are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("tenant_admin.lists"), 303)
        return render("tenants/admin/lists.html", form=form, status=422)
    return render("tenants/admin/lists.html", form=form)


@bp.get("/audit")
@require("can_view_audit")
def audit_log():
    entries = audit.entries(tenant_id=g.tenant.id, page=page_arg(request.args))
    return render("tenants/admin/audit.html", entries=entries)


# --- the guided start ------------------------------------------------------------------------


@bp.get("/")
@require("can_manage_tenant")
def start():
    """The space administration's home: the first steps, with progress."""
    items = guided_start.checklist(g.tenant, current_person())
    done, total = guided_start.progress(items)
    return render(
        "tenants/admin/start.html",
        items=items,
        done=done,
        total=total,
        kit_upgrade=kit_versions.upgrade_for(g.tenant),
    )


@bp.post("/start/<step>")
@require("can_manage_tenant")
def dismiss_step(step: str):
    """Dismiss a step of the guided start (or, with restore, show it again)."""
    if step not in {s.code for s in guided_start.offered(g.tenant)}:
        abort(404)
    restore = request.form.get("restore") == "1"
    guided_start.set_dismissed(g.tenant, step, not restore)
    db.session.commit()
    flash(_("The step is shown again.") if restore else _("The step is dismissed."), "success")
    return redirect(url_for("tenant_admin.start"), 303)


# --- the space's kit: its version, upgrades, export ------------------------------------------


def _kit_page(status=200, problems=None):
    tenant = g.tenant
    row = kit_versions.origin(tenant)
    newer = kit_versions.upgrade_for(tenant)
    sections = kit_upgrades.diff(tenant, row, newer.kit()) if newer is not None else []
    return render(
        "tenants/admin/kit.html",
        origin=row,
        newer=newer,
        sections=sections,
        kinds=kit_upgrades.KINDS,
        form=KitUpgradeForm(formdata=None),
        problems=problems,
        status=status,
    )


@bp.get("/kit")
@require(can_manage_kit)
def kit():
    """The kit the space came from and, when a newer version is published, what it adds or
    changes, item by item."""
    return _kit_page()


@bp.post("/kit")
@require(can_manage_kit)
def apply_kit_upgrade():
    tenant = g.tenant
    row = kit_versions.origin(tenant)
    newer = kit_versions.upgrade_for(tenant)
    if newer is None or str(newer.version) != request.form.get("version", ""):
        flash(_("There is no newer version of the kit to apply, or it has changed since."), "error")
        return redirect(url_for("tenant_admin.kit"), 303)
    form = KitUpgradeForm()
    if not form.validate():
        return _kit_page(status=422)
    offered = {
        item.token
        for section in kit_upgrades.diff(tenant, row, newer.kit())
        for item in section.items
    }
    chosen = {
        "all": offered,
        "none": set(),
        "chosen": set(request.form.getlist("item")) & offered,
    }[form.action.data]
    try:
        result = kit_upgrades.apply(tenant, row, newer, chosen, current_person())
    except kit_upgrades.UpgradeError as error:
        db.session.rollback()
        return _kit_page(status=422, problems=error.problems)
    db.session.commit()
    flash(
        _(
            "Version %(version)d of the kit is applied. Taken: %(applied)d; left as the space "
            "has them: %(declined)d.",
            version=newer.version,
            applied=len(result["applied"]),
            declined=len(result["declined"]),
        ),
        "success",
    )
    return redirect(url_for("tenant_admin.kit"), 303)


@bp.get("/kit.toml")
@require(can_manage_kit)
def export_kit():
    """The space's current set-up as a kit, to start another space from (no personal data)."""
    response = current_app.response_class(
        kit_export(g.tenant),
        mimetype="application/toml",
        headers={"X-Content-Type-Options": "nosniff"},
    )
    response.headers.set("Content-Disposition", "attachment", filename=f"{g.tenant.slug}.toml")
    return response
