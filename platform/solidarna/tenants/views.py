"""Tenant pages open to visitors and members: home, join, accept an invitation."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from solidarna.core import geography, storage
from solidarna.core.activity import recent_activity
from solidarna.core.audit import AuditEntry
from solidarna.core.capabilities import registry
from solidarna.core.colors import HIGHLIGHT_TINT, PAGE_BACKGROUND, readable_accent
from solidarna.core.fragments import Lazy, kept_value
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import localized
from solidarna.core.models import utcnow
from solidarna.core.permissions import can_join_tenant, can_view_tenant, current_person, require
from solidarna.core.registry import Figure, tenant_figures
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.tenants import services, settings
from solidarna.tenants.forms import JoinForm
from solidarna.tenants.models import Membership
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("tenant", __name__)


def membership_figures(tenant) -> list[Figure]:
    members = db.session.scalar(
        db.select(db.func.count(Membership.id)).where(Membership.status == "active")
    )
    since = utcnow() - timedelta(days=30)
    activity = db.session.scalar(
        db.select(db.func.count(AuditEntry.id)).where(
            AuditEntry.tenant_id == tenant.id, AuditEntry.created_at >= since
        )
    )
    return [
        Figure(str(_l("Members")), members),
        Figure(str(_l("Actions in the last 30 days")), activity),
    ]


@bp.get("/")
def home():
    tenant = g.tenant
    if not can_view_tenant(current_user, tenant):
        return render("tenants/private.html")
    standing = _standing(tenant)
    return render(
        "tenants/home.html",
        # a member's page: one shell per viewer level and standing, the figures filled per
        # request (core/fragments.py shell_page)
        shell=(standing,),
        shell_fills="tenants/_home_fills.html",
        standing=standing,
        # Every figure is what the space's rows say to this viewer: kept per change marker
        # and account (core/fragments.py), counted once per change instead of per request.
        figures=(
            kept_value("home-figures", current_person().id, compute=lambda: tenant_figures(tenant))
            if current_person() is not None
            else tenant_figures(tenant)
        ),
        # read only when drawn: the head, the feed and the rest are kept fragments
        offered=Lazy(registry().offered, tenant),
        region=geography.region_name(tenant.region),
        municipalities=Lazy(_municipalities, tenant),
        activity=Lazy(recent_activity, tenant, 10),
    )


def _standing(tenant) -> str:
    """Where the viewer stands in the space, for the home's head: a visitor, may join, the
    membership's status and role, or outside."""
    if not current_user.is_authenticated:
        return "visitor"
    if can_join_tenant(current_user, tenant):
        return "may-join"
    membership = g.get("membership")
    return f"{membership.status}.{membership.role}" if membership else "outside"


def _municipalities(tenant) -> list:
    found = (geography.find(name, tenant.region) for name in tenant.municipalities or [])
    return [m for m in found if m]


@bp.get("/logo")
def logo():
    """The space's logo (re-encoded on upload: only pixels), shown to whoever sees its name,
    members-only spaces included (routing.PUBLIC_IN_PRIVATE). `?v=` names the file
    (settings.tenant_logo_url), so that URL is cached for good; any other one revalidates."""
    record = settings.logo_record(g.tenant)
    if record is None:
        abort(404)
    return storage.send_image(
        record, public=True, immutable=request.args.get("v") == str(record.id)
    )


@bp.get("/theme.css")
def theme():
    """The space's accent colour (from its kit or settings), darkened where needed for contrast."""
    # Readable where it is used: as text on the page's background, on rows it tints, and
    # under white text on buttons.
    accent = readable_accent(
        g.tenant.accent_color or "#0b6e4f", PAGE_BACKGROUND, tint=HIGHLIGHT_TINT
    )
    css = f":root {{ --accent: {accent}; }}\n@media (prefers-color-scheme: dark) {{ :root {{ --accent: #4cc99b; }} }}\n"
    response = make_response(css)
    response.mimetype = "text/css"
    response.set_etag(accent)
    response.cache_control.public = True
    if request.args.get("v") == theme_version(g.tenant):
        # the pages link it by the colour (theme_version): a new colour is a new URL, so a
        # change in the settings shows on the next page, and this one may be kept for good
        response.cache_control.max_age = 31536000
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = 300
    return response.make_conditional(request)


def theme_version(tenant) -> str:
    """What names the space's stylesheet as it is now (its accent colour, without the #)."""
    return (tenant.accent_color or "#0b6e4f").lstrip("#").lower()


@bp.get("/members")
@require("can_view_members_area")
def members():
    """The members' directory: who else is in this space (members only)."""
    rows = db.session.scalars(
        db.select(Membership).where(Membership.status == "active").order_by(Membership.created_at)
    ).all()
    return render("tenants/members.html", members=rows)


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    tenant = g.tenant
    if g.membership is not None:
        return render("tenants/join.html", form=None, membership=g.membership)
    form = JoinForm()
    if form.validate_on_submit():
        services.request_to_join(tenant, current_person(), form.message.data)
        db.session.commit()
        flash(
            _(
                "Your request is sent. The administrators of this space will decide on it; "
                "we will let you know by e-mail."
            ),
            "success",
        )
        return redirect(url_for("tenant.home"), 303)
    return render(
        "tenants/join.html",
        form=form,
        membership=None,
        status=422 if form.errors else 200,
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    tenant = g.tenant
    try:
        invite = services.read_invitation(token, tenant)
    except services.MembershipError as error:
        return render("tenants/invitation.html", error=str(error), invite=None, status=400)
    if invite is None:
        abort(404)
    if not current_user.is_authenticated:
        return render(
            "tenants/invitation.html",
            invite=invite,
            error=None,
            login_url=url_for("accounts.login", next=request.path, email=invite.email),
            register_url=url_for("accounts.register", next=request.path),
        )
    if request.method == "POST":
        try:
            services.accept_invitation(invite, current_person())
        except services.MembershipError as error:
            db.session.rollback()
            return render("tenants/invitation.html", error=str(error), invite=None, status=409)
        db.session.commit()
        flash(
            _(
                "Welcome to %(name)s.",
                name=localized(tenant, "short_name") or localized(tenant, "name"),
            ),
            "success",
        )
        return redirect(url_for("tenant.home"), 303)
    return render("tenants/invitation.html", invite=invite, error=None)
