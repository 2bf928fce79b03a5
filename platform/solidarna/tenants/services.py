"""Membership rules: joining, deciding, roles, suspension, invitations."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from solidarna.accounts.models import User, normalise_email
from solidarna.accounts.services import absolute_url
from solidarna.core import audit, mail
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import localized
from solidarna.core.models import utcnow
from solidarna.core.permissions import ROLE_RANK
from solidarna.core.tenancy import cross_tenant
from solidarna.extensions import db
from solidarna.tenants.models import Invitation, Membership, Tenant

INVITE_SALT = "tenant-invitation"
INVITE_MAX_AGE = 14 * 24 * 3600


class MembershipError(Exception):
    """A membership rule was broken; str() is a user-facing message."""


def _mail(user_or_email, tenant: Tenant, subject, template: str, **context) -> None:
    if isinstance(user_or_email, User):
        to, locale = user_or_email.email, user_or_email.locale
    else:
        to, locale = user_or_email, None
    with force_locale(
        locale or tenant.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    ):
        body = render_template(template, tenant=tenant, recipient=user_or_email, **context)
        space = localized(tenant, "short_name") or localized(tenant, "name")
        mail.queue(to, f"{subject} · {space}", body)


def member_counts(status: str = "active") -> dict[int, int]:
    """Memberships with this status per tenant id, across all tenants (platform views)."""
    with cross_tenant():
        return dict(
            db.session.execute(
                db.select(Membership.tenant_id, db.func.count(Membership.id))
                .where(Membership.status == status)
                .group_by(Membership.tenant_id)
            ).all()
        )


def managers(tenant: Tenant) -> list[Membership]:
    return db.session.scalars(
        db.select(Membership).where(
            Membership.status == "active", Membership.role.in_(("owner", "admin"))
        )
    ).all()


def request_to_join(tenant: Tenant, user: User, message: str) -> Membership:
    existing = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
    if existing is not None:
        raise MembershipError(_l("You have already asked to join or are a member."))
    membership = Membership(
        user_id=user.id, role="member", status="pending", message=message.strip()
    )
    db.session.add(membership)
    db.session.flush()
    audit.record("member.requested", target=membership, actor=user)
    link = absolute_url("tenant_admin.members", tenant_slug=tenant.slug)
    for manager in managers(tenant):
        _mail(
            manager.user,
            tenant,
            _l("New request to join"),
            "mail/tenants/join_requested.txt",
            applicant=user,
            message=membership.message,
            link=link,
        )
    return membership


def approve(membership: Membership, by: User) -> None:
    if membership.status != "pending":
        raise MembershipError(_l("This request has already been decided."))
    membership.decide(by, "active")
    audit.record("member.approved", target=membership, actor=by, user_id=membership.user_id)
    tenant = db.session.get(Tenant, membership.tenant_id)
    _mail(
        membership.user,
        tenant,
        _l("You are now a member"),
        "mail/tenants/approved.txt",
        link=absolute_url("tenant.home", tenant_slug=tenant.slug),
    )


def reject(membership: Membership, by: User, reason: str = "") -> None:
    if membership.status != "pending":
        raise MembershipError(_l("This request has already been decided."))
    tenant = db.session.get(Tenant, membership.tenant_id)
    user = membership.user
    audit.record(
        "member.rejected", target=membership, actor=by, user_id=membership.user_id, reason=reason
    )
    _mail(user, tenant, _l("Your request to join"), "mail/tenants/rejected.txt", reason=reason)
    # The row goes, so the person may ask again later.
    db.session.delete(membership)


def _active_owners() -> int:
    return db.session.scalar(
        db.select(db.func.count(Membership.id)).where(
            Membership.role == "owner", Membership.status == "active"
        )
    )


def _would_orphan(membership: Membership) -> bool:
    return membership.role == "owner" and membership.status == "active" and _active_owners() <= 1


def change_role(membership: Membership, by: User, role: str) -> None:
    if role not in ROLE_RANK:
        raise MembershipError(_l("Unknown role."))
    if membership.status == "pending":
        raise MembershipError(_l("Decide the request before changing the role."))
    if role == membership.role:
        return
    if role != "owner" and _would_orphan(membership):
        raise MembershipError(
            _l("A space must keep at least one owner. Make someone else owner first.")
        )
    old = membership.role
    membership.role = role
    audit.record(
        "member.role_changed",
        target=membership,
        actor=by,
        user_id=membership.user_id,
        old=old,
        new=role,
    )


def suspend(membership: Membership, by: User, reason: str = "") -> None:
    if membership.status != "active":
        raise MembershipError(_l("Only active members can be suspended."))
    if _would_orphan(membership):
        raise MembershipError(
            _l("A space must keep at least one owner. Make someone else owner first.")
        )
    membership.status = "suspended"
    audit.record(
        "member.suspended", target=membership, actor=by, user_id=membership.user_id, reason=reason
    )


def reactivate(membership: Membership, by: User) -> None:
    if membership.status != "suspended":
        raise MembershipError(_l("Only suspended members can be reactivated."))
    membership.status = "active"
    audit.record("member.reactivated", target=membership, actor=by, user_id=membership.user_id)


def make_owner(tenant: Tenant, user: User, by: User) -> Membership:
    """Platform admin action: make `user` an owner of `tenant` (creating the membership)."""
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
    if membership is None:
        membership = Membership(user_id=user.id, role="owner", status="active")
        membership.decide(by, "active")
        db.session.add(membership)
    else:
        membership.role, membership.status = "owner", "active"
    db.session.flush()
    audit.record("member.made_owner", target=membership, actor=by, user_id=user.id)
    return membership


def tell_new_owner(tenant: Tenant, user: User) -> None:
    """Mail a person a platform admin has made an owner of a space, with the way in."""
    _mail(
        user,
        tenant,
        _l("You are an owner of the space"),
        "mail/tenants/owner.txt",
        link=absolute_url("tenant.home", tenant_slug=tenant.slug),
        admin_link=absolute_url("tenant_admin.members", tenant_slug=tenant.slug),
    )


# --- invitations ---------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def invitation_token(invitation: Invitation) -> str:
    return _serializer().dumps({"i": invitation.id, "t": invitation.tenant_id})


def read_invitation(token: str, tenant: Tenant) -> Invitation | None:
    """The open invitation behind a link; None if it is not one of this tenant's."""
    try:
        data = _serializer().loads(token, max_age=INVITE_MAX_AGE)
    except SignatureExpired:
        raise MembershipError(_l("This invitation has expired. Ask for a new one.")) from None
    except BadSignature:
        raise MembershipError(_l("This invitation link is not valid.")) from None
    if data.get("t") != tenant.id:
        return None
    invitation = db.session.get(Invitation, data.get("i"))
    if invitation is None:
        return None
    if invitation.revoked_at is not None:
        raise MembershipError(_l("This invitation has been withdrawn."))
    if invitation.accepted_at is not None:
        raise MembershipError(_l("This invitation has already been accepted."))
    return invitation


def invite(tenant: Tenant, email: str, role: str, note: str, by: User) -> Invitation:
    email = normalise_email(email)
    if role not in ROLE_RANK:
        raise MembershipError(_l("Unknown role."))
    invited_user = User.by_email(email)
    if invited_user is not None and db.session.scalar(
        db.select(Membership).where(
            Membership.user_id == invited_user.id, Membership.status != "pending"
        )
    ):
        raise MembershipError(_l("This person is already a member."))
    invitation = Invitation(email=email, role=role, note=note.strip(), invited_by_id=by.id)
    db.session.add(invitation)
    db.session.flush()
    audit.record("member.invited", target=invitation, actor=by, email=email, role=role)
    link = absolute_url(
        "tenant.invitation", tenant_slug=tenant.slug, token=invitation_token(invitation)
    )
    _mail(
        invited_user or email,
        tenant,
        _l("Invitation to join"),
        "mail/tenants/invitation.txt",
        inviter=by,
        note=invitation.note,
        link=link,
        role=role,
        days=INVITE_MAX_AGE // 86400,
    )
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if user.email != invitation.email:
        raise MembershipError(
            _l(
                "This invitation was sent to another e-mail address. "
                "Log in with the account for that address."
            )
        )
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
    if membership is None:
        membership = Membership(user_id=user.id, role=invitation.role, status="active")
        db.session.add(membership)
    else:
        if ROLE_RANK[invitation.role] > ROLE_RANK.get(membership.role, 0):
            membership.role = invitation.role
        membership.status = "active"
    membership.decided_by_id = invitation.invited_by_id
    membership.decided_at = utcnow()
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.flush()
    audit.record(
        "member.invitation_accepted", target=membership, actor=user, invitation=invitation.id
    )
    return membership


def revoke_invitation(invitation: Invitation, by: User) -> None:
    if not invitation.is_open:
        raise MembershipError(_l("This invitation is no longer open."))
    invitation.revoked_at = utcnow()
    audit.record("member.invitation_revoked", target=invitation, actor=by)
