"""Platform administration under /admin/: tenants, kits, owners, the platform audit log."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.accounts.models import User
from solidarna.core import audit
from solidarna.core.i18n import localized
from solidarna.core.models import utcnow
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.core.tenancy import tenant_context
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.tenants import kit_versions, services
from solidarna.tenants.forms import (
    AccountStatusForm,
    KitPublishForm,
    KitUploadForm,
    OwnerForm,
    tenant_form,
)
from solidarna.tenants.kits import KitError, apply_kit, export_kit, parse_kit
from solidarna.tenants.models import SLUG_PATTERN, Tenant

bp = Blueprint("platform_admin", __name__, url_prefix="/admin")
MAX_KIT_BYTES = kit_versions.MAX_KIT_BYTES


@bp.before_request
@require("is_platform_admin", obj=lambda: None)
def guard():
    """Every /admin/ route is for platform admins only."""


def get_tenant(tenant_id: int) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        abort(404)
    return tenant


def tenant_rows():
    counts, pending = services.member_counts("active"), services.member_counts("pending")
    tenants = db.session.scalars(db.select(Tenant).order_by(Tenant.name)).all()
    return [(t, counts.get(t.id, 0), pending.get(t.id, 0)) for t in tenants]


def index_page(
    form=None, kit_form=None, owner_form=None, status=200, kit_errors=None, account_form=None
):
    return render(
        "tenants/platform/index.html",
        rows=tenant_rows(),
        form=form or tenant_form(formdata=None),
        kit_form=kit_form or KitUploadForm(formdata=None),
        owner_form=owner_form or OwnerForm(formdata=None),
        account_form=account_form or AccountStatusForm(formdata=None),
        kit_errors=kit_errors,
        status=status,
    )


@bp.get("/")
def index():
    return index_page()


def _created(tenant: Tenant, how: str, owner: User | None = None, kit=None, kit_slug=None):
    """Store the new space and give it its owner: the person named on the form (told by mail),
    else the platform admin who made it (and the message says so). A space made from a kit
    remembers it and its version (tenants/kit_versions.py)."""
    db.session.add(tenant)
    db.session.flush()
    if kit is not None:
        kit_versions.remember_origin(tenant, kit_slug, kit)
    audit.record("tenant.created", target=tenant, tenant_id=tenant.id, how=how)
    with tenant_context(tenant.id):
        services.make_owner(tenant, owner or current_person(), current_person())
        if owner is not None:
            services.tell_new_owner(tenant, owner)
        db.session.commit()
    if owner is None:
        flash(
            _("The space %(name)s is created. You are its owner.", name=localized(tenant, "name")),
            "success",
        )
    else:
        flash(
            _(
                "The space %(name)s is created. %(owner)s is its owner and has been told by "
                "e-mail.",
                name=localized(tenant, "name"),
                owner=owner.name,
            ),
            "success",
        )
    return redirect(url_for("tenant.home", tenant_slug=tenant.slug), 303)


@bp.post("/tenants")
def create():
    form = tenant_form()
    if not form.validate():
        return index_page(form=form, status=422)
    owner = None
    if form.owner_email.data:
        owner = User.by_email(form.owner_email.data)
        if owner is None:
            form.owner_email.errors.append(
                _("No account has this e-mail address. Ask the person to register first.")
            )
            return index_page(form=form, status=422)
    kit_values = form.kit_values()
    taxonomies, starter = kit_values.get("taxonomies", {}), kit_values.get("starter", {})
    tenant = Tenant(
        slug=form.slug.data,
        name=form.name.data.strip(),
        name_en=(form.name_en.data or "").strip() or None,
        short_name=form.short_name.data or None,
        short_name_en=(form.short_name_en.data or "").strip() or None,
        kind=form.kind.data,
        region=form.region.data,
        description=form.description.data or "",
        description_en=(form.description_en.data or "").strip() or None,
        visibility=form.visibility.data,
        modules=form.modules.data,
        municipalities=list(form.municipalities.data or []),
        taxonomies=taxonomies,
        starter=starter,
    )
    return _created(tenant, "form", owner)


@bp.get("/tenants/<int:tenant_id>/kit.toml")
def download_kit(tenant_id: int):
    """The space as a kit (what `flask tenants export` writes), to start another from it."""
    tenant = get_tenant(tenant_id)
    response = current_app.response_class(
        export_kit(tenant),
        mimetype="application/toml",
        headers={"X-Content-Type-Options": "nosniff"},
    )
    response.headers.set("Content-Disposition", "attachment", filename=f"{tenant.slug}.toml")
    return response


@bp.post("/tenants/kit")
def create_from_kit():
    form = KitUploadForm()
    if not form.validate():
        return index_page(kit_form=form, status=422)
    raw = form.kit.data.read(MAX_KIT_BYTES + 1)
    filename = form.kit.data.filename or "kit.toml"
    if len(raw) > MAX_KIT_BYTES:
        return index_page(
            kit_form=form, status=413, kit_errors=[(filename, "-", _("The file is too large."))]
        )
    try:
        kit = parse_kit(raw.decode("utf-8"), filename, slug=form.slug.data or None)
    except UnicodeDecodeError:
        return index_page(
            kit_form=form,
            status=422,
            kit_errors=[(filename, "-", _("The file is not UTF-8 text."))],
        )
    except KitError as error:
        return index_page(
            kit_form=form,
            status=422,
            kit_errors=[(error.source, key, problem) for key, problem in error.problems],
        )
    if db.session.scalar(db.select(Tenant.id).where(Tenant.slug == kit.tenant["slug"])):
        return index_page(
            kit_form=form,
            status=409,
            kit_errors=[(filename, "tenant.slug", _("This address is already taken."))],
        )
    stem = filename.rsplit("/", 1)[-1].removesuffix(".toml")
    kit_slug = kit.meta["slug"] or (stem if SLUG_PATTERN.match(stem) else kit.tenant["slug"])
    return _created(apply_kit(kit), "kit", kit=kit, kit_slug=kit_slug)


def _set_status(tenant_id: int, status: str, message: str):
    tenant = get_tenant(tenant_id)
    if tenant.status != status:
        tenant.status = status
        tenant.suspended_at = utcnow() if status == "suspended" else None
        audit.record(
            f"tenant.{'suspended' if status == 'suspended' else 'reactivated'}",
            target=tenant,
            tenant_id=tenant.id,
        )
        db.session.commit()
    flash(message, "success")
    return redirect(url_for("platform_admin.index"), 303)


@bp.post("/tenants/<int:tenant_id>/suspend")
def suspend(tenant_id: int):
    return _set_status(tenant_id, "suspended", _("The space is suspended."))


@bp.post("/tenants/<int:tenant_id>/reactivate")
def reactivate(tenant_id: int):
    return _set_status(tenant_id, "active", _("The space is active again."))


@bp.post("/tenants/<int:tenant_id>/owner")
def make_owner(tenant_id: int):
    tenant = get_tenant(tenant_id)
    form = OwnerForm()
    form.email.id = f"owner-{tenant.id}"  # the row's field: where the error summary leads
    if not form.validate():
        return index_page(owner_form=form, status=422)
    user = User.by_email(form.email.data)
    if user is None:
        form.email.errors.append(
            _("No account has this e-mail address. Ask the person to register first.")
        )
        return index_page(owner_form=form, status=422)
    with tenant_context(tenant.id):
        services.make_owner(tenant, user, current_person())
        services.tell_new_owner(tenant, user)
        db.session.commit()
    flash(
        _(
            "%(name)s is now an owner of %(tenant)s and has been told by e-mail.",
            name=user.name,
            tenant=localized(tenant, "name"),
        ),
        "success",
    )
    return redirect(url_for("platform_admin.index"), 303)


@bp.post("/accounts/status")
def account_status():
    """Suspend an account (it cannot log in, and every session of it ends at once) or
    reinstate it; both go to the platform audit log."""
    form = AccountStatusForm()
    suspend = request.form.get("action") == "suspend"
    if not form.validate():
        return index_page(account_form=form, status=422)
    user = User.by_email(form.email.data)
    if user is None:
        form.email.errors.append(_("No account has this e-mail address."))
        return index_page(account_form=form, status=422)
    if suspend and user.id == current_person().id:
        form.email.errors.append(_("You cannot suspend your own account."))
        return index_page(account_form=form, status=422)
    if suspend and user.active:
        user.active = False
        user.end_sessions()
        audit.record("account.suspended", target=user)
    elif not suspend and not user.active:
        user.active = True
        audit.record("account.reinstated", target=user)
    db.session.commit()
    if suspend:
        flash(
            _("The account of %(email)s is suspended and logged out.", email=user.email), "success"
        )
    else:
        flash(_("The account of %(email)s can log in again.", email=user.email), "success")
    return redirect(url_for("platform_admin.index"), 303)


@bp.get("/audit")
def audit_log():
    return render(
        "tenants/platform/audit.html", entries=audit.platform_entries(page=page_arg(request.args))
    )


# --- published kits ----------------------------------------------------------------------------


def kits_page(form=None, problems=None, status=200):
    return render(
        "tenants/platform/kits.html",
        available=kit_versions.available(),
        rows=kit_versions.published_rows(),
        form=form or KitPublishForm(formdata=None),
        problems=problems,
        status=status,
    )


@bp.get("/kits")
def kits():
    """The kits new spaces start from, every published version, and publishing a new one."""
    return kits_page()


@bp.post("/kits")
def publish_kit():
    form = KitPublishForm()
    if not form.validate():
        return kits_page(form=form, status=422)
    source, text, stem = _("pasted kit"), form.text.data or "", ""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        source = upload.filename
        stem = source.rsplit("/", 1)[-1].removesuffix(".toml")
        raw = upload.read(MAX_KIT_BYTES + 1)
        if len(raw) > MAX_KIT_BYTES:
            return kits_page(
                form=form, problems=[(None, "-", _("The file is too large."))], status=413
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return kits_page(
                form=form, problems=[(None, "-", _("The file is not UTF-8 text."))], status=422
            )
        form.text.data = text  # shown again when there are problems: nothing is lost
    text = text.replace("\r\n", "\n")
    try:
        row = kit_versions.publish(
            text, source, current_person(), slug=stem if SLUG_PATTERN.match(stem) else None
        )
    except kit_versions.PublishError as error:
        db.session.rollback()
        return kits_page(form=form, problems=error.problems, status=422)
    db.session.commit()
    flash(
        _(
            "Version %(version)d of the kit %(name)s is published.",
            version=row.version,
            name=row.name,
        ),
        "success",
    )
    return redirect(url_for("platform_admin.kits"), 303)
