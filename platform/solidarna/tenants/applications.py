"""Applications for a space (issue 17): a municipality, a city, a district office, a
development agency or a coalition asks for a space of its own; platform admins approve
(the space is made from the chosen kit, the applicant becomes its owner), ask for more or
decline. Platform-level like `users`: no tenant owns an application until it is approved."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.accounts.services import absolute_url
from solidarna.core import audit, geography, mail
from solidarna.core.i18n import LOCALES, localized
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TimestampMixin, one_of, utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.tenants import kit_versions, services
from solidarna.tenants.kits import ENGLISH_KEYS, KitError
from solidarna.tenants.models import Tenant, slug_problem

APPLICANT_KINDS = {
    "municipality": _l("Municipality"),
    "city": _l("City"),
    "district_office": _l("District office"),
    "development_agency": _l("Development agency"),
    "coalition": _l("Coalition"),
    "other": _l("Other"),
}
#: the kind of space (tenants.models.KINDS) each kind of applicant gets
SPACE_KIND = {
    "municipality": "municipality",
    "city": "municipality",
    "district_office": "district_office",
    "development_agency": "network",
    "coalition": "coalition",
    "other": "network",
}
APPLICATION_STATUSES = {
    "submitted": _l("Submitted"),
    "more_info": _l("More information requested"),
    "approved": _l("Approved"),
    "declined": _l("Declined"),
}
#: the default language and script of the new space
LOCALE_LABELS = {
    "sr_Latn": _l("Serbian, Latin script"),
    "sr_Cyrl": _l("Serbian, Cyrillic script"),
    "en": _l("English"),
}
#: what the applicant may still change: only while more information is asked for
EDITABLE = ("more_info",)
#: what platform admins may still decide
OPEN = ("submitted", "more_info")


class ApplicationError(Exception):
    """An application cannot move this way; str() is a user-facing message."""


class SlugTaken(ApplicationError):
    """The proposed address became another space's between the check and the approval."""


class SpaceApplication(TimestampMixin, db.Model):
    __tablename__ = "space_applications"
    __table_args__ = (
        Index("ix_space_applications_status_created", "status", "created_at"),
        one_of("kind", APPLICANT_KINDS),
        one_of("status", APPLICATION_STATUSES),
        one_of("default_locale", LOCALES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the contact person: the account that applied, the new space's owner
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    institution_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    pib: Mapped[str] = mapped_column(String(9))
    #: matični broj (optional)
    mb: Mapped[str | None] = mapped_column(String(8))
    #: canonical (Latin) names from core/geography.py
    municipalities: Mapped[list] = mapped_column(JSON, default=list)
    #: the kit's file name in tenants/ without .toml
    kit: Mapped[str] = mapped_column(String(60))
    slug: Mapped[str] = mapped_column(String(40))
    default_locale: Mapped[str] = mapped_column(String(10), default="sr_Latn")
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    #: the platform admins' last word: the question (more_info) or the reason (declined)
    admin_message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    #: the space made on approval
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="SET NULL"))

    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    tenant: Mapped[Tenant | None] = relationship(foreign_keys=[tenant_id])

    @property
    def audit_label(self) -> str:
        return self.institution_name

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def __repr__(self) -> str:
        return f"<SpaceApplication {self.id} {self.slug} {self.status}>"


# --- kits and addresses ---------------------------------------------------------------------


def available_kits() -> dict[str, str]:
    """The kits a space can start from: the pilot kits shipped in tenants/ and every
    published kit, at their newest version (tenants/kit_versions.py): kit slug -> a label
    naming the set-up it describes. A shipped kit that does not load is not offered."""
    found = {}
    for slug, kit in kit_versions.available().items():
        found[slug] = kit.name if kit.tenant is None else localized_kit_name(kit.tenant)
    return found


def localized_kit_name(tenant: dict) -> str:
    # core.i18n.localized reads attributes
    return localized(
        SimpleNamespace(name=tenant.get("name", ""), name_en=tenant.get("name_en")), "name"
    )


def slug_taken(slug: str) -> bool:
    return db.session.scalar(db.select(Tenant.id).where(Tenant.slug == slug)) is not None


def slug_message(slug: str, application: SpaceApplication | None = None):
    """Why a proposed address cannot be used (a lazy string), or None. An address another
    open application proposes is taken too (the first to be approved would win)."""
    problem = slug_problem(slug)
    if problem:
        return problem
    if slug_taken(slug):
        return _l("This address is already taken.")
    others = db.select(SpaceApplication.id).where(
        SpaceApplication.slug == slug, SpaceApplication.status.in_(OPEN)
    )
    if application is not None and application.id is not None:
        others = others.where(SpaceApplication.id != application.id)
    if db.session.scalar(others.limit(1)) is not None:
        return _l("Another application already proposes this address.")
    return None


def region_of(names: list[str]) -> str:
    """The district all chosen municipalities are in, else national scope."""
    districts = {m.district_iso for name in names if (m := geography.find(name))}
    return districts.pop() if len(districts) == 1 else geography.NATIONAL


# --- mail -----------------------------------------------------------------------------------


def _mail(to: User, subject, template: str, application: SpaceApplication, **context) -> None:
    with force_locale(
        to.locale or application.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    ):
        body = render_template(template, recipient=to, application=application, **context)
        mail.queue(to.email, f"{subject} · {application.institution_name}", body)


def _tell_applicant(application: SpaceApplication, subject, template: str, **context) -> None:
    _mail(
        application.applicant,
        subject,
        template,
        application,
        link=absolute_url("onboarding.show", application_id=application.id),
        **context,
    )


def _tell_platform_admins(application: SpaceApplication, subject) -> None:
    admins = db.session.scalars(
        db.select(User).where(User.is_platform_admin.is_(True), User.active.is_(True))
    ).all()
    link = absolute_url("application_queue.detail", application_id=application.id)
    for admin in admins:
        _mail(admin, subject, "mail/onboarding/queued.txt", application, link=link)


# --- what applicants and platform admins do -------------------------------------------------


def submit(application: SpaceApplication, by: User) -> SpaceApplication:
    application.applicant_id = by.id
    application.status = "submitted"
    db.session.add(application)
    db.session.flush()
    audit.record("space_application.submitted", target=application, actor=by)
    _tell_applicant(
        application, _l("Your application for a space"), "mail/onboarding/submitted.txt"
    )
    _tell_platform_admins(application, _l("New application for a space"))
    return application


def resubmit(application: SpaceApplication, by: User) -> None:
    if not application.is_editable:
        raise ApplicationError(_l("This application cannot be changed now."))
    application.status = "submitted"
    audit.record("space_application.resubmitted", target=application, actor=by)
    _tell_applicant(
        application, _l("Your application for a space"), "mail/onboarding/submitted.txt"
    )
    _tell_platform_admins(application, _l("An application for a space was completed"))


def _decide(application: SpaceApplication, by: User, status: str) -> None:
    if not application.is_open:
        raise ApplicationError(_l("This application has already been decided."))
    application.status = status
    application.decided_by_id = by.id
    application.decided_at = utcnow()


def ask_for_more(application: SpaceApplication, by: User, message: str) -> None:
    if application.status != "submitted":
        raise ApplicationError(_l("More information can be asked for a submitted application."))
    _decide(application, by, "more_info")
    application.admin_message = message.strip()
    audit.record(
        "space_application.more_info_requested",
        target=application,
        actor=by,
        message=application.admin_message,
    )
    _tell_applicant(
        application,
        _l("More information is needed for your application"),
        "mail/onboarding/more_info.txt",
    )


def decline(application: SpaceApplication, by: User, reason: str) -> None:
    _decide(application, by, "declined")
    application.admin_message = reason.strip()
    audit.record(
        "space_application.declined",
        target=application,
        actor=by,
        reason=application.admin_message,
    )
    _tell_applicant(application, _l("Your application for a space"), "mail/onboarding/declined.txt")


#: the kit's texts about the space it was written for: the new space starts without them
KIT_TEXTS = ("description", "short_name", "contact_email", "website", *ENGLISH_KEYS)


def approve(application: SpaceApplication, by: User) -> Tenant:
    """Make the space from the kit with the proposed address, name and municipalities, and
    make the applicant its owner. The caller commits; on any error it rolls back, so nothing
    is left behind (the application stays as it was)."""
    if application.status != "submitted":
        raise ApplicationError(_l("Only a submitted application can be approved."))
    from solidarna.tenants.cli import create_from

    kit = kit_versions.available().get(application.kit)
    if kit is None:
        raise ApplicationError(_l("The kit %(kit)s is no longer offered.", kit=application.kit))
    try:
        # kits.validate checks the proposed address again (format, reserved list) and
        # create_from whether a space has it; the unique constraint answers a race
        tenant = create_from(kit.load(slug=application.slug), kit.slug, f"{kit.slug}@{kit.version}")
        tenant.name = application.institution_name
        tenant.kind = SPACE_KIND[application.kind]
        tenant.region = region_of(application.municipalities)
        tenant.municipalities = list(application.municipalities)
        tenant.default_locale = application.default_locale
        for key in KIT_TEXTS:
            setattr(tenant, key, "" if key == "description" else None)
        db.session.flush()
    except KitError as error:
        if slug_taken(application.slug):
            raise SlugTaken(_l("The address is already taken by another space.")) from error
        raise ApplicationError(
            _l("The kit cannot be used: %(problems)s", problems=str(error))
        ) from error
    except IntegrityError as error:
        raise SlugTaken(_l("The address is already taken by another space.")) from error
    _decide(application, by, "approved")
    application.tenant_id = tenant.id
    audit.record(
        "space_application.approved",
        target=application,
        actor=by,
        tenant=tenant.slug,
        kit=application.kit,
    )
    with tenant_context(tenant.id):
        services.make_owner(tenant, application.applicant, by)
    _tell_applicant(
        application,
        _l("Your space is ready"),
        "mail/onboarding/approved.txt",
        tenant=tenant,
        space_link=absolute_url("tenant_admin.start", tenant_slug=tenant.slug),
    )
    return tenant


def mine(user: User) -> list[SpaceApplication]:
    return db.session.scalars(
        db.select(SpaceApplication)
        .where(SpaceApplication.applicant_id == user.id)
        .order_by(SpaceApplication.created_at.desc())
    ).all()


def queue(status: str) -> list[SpaceApplication]:
    return db.session.scalars(
        db.select(SpaceApplication)
        .where(SpaceApplication.status == status)
        .order_by(SpaceApplication.created_at)
    ).all()


def counts() -> dict[str, int]:
    return dict(
        db.session.execute(
            db.select(SpaceApplication.status, db.func.count(SpaceApplication.id)).group_by(
                SpaceApplication.status
            )
        ).all()
    )
