"""The demo advocacy platform (fictional, like everything in the demo): KoRSE's national
"Rezervisane javne nabavke za socijalna preduzeća", shared with the Kruševac office as an
accepted partner space, signed by organizations of both spaces' directories (each by its
representative, in its own space), with a timeline of a letter and a meeting and a comment
from each space. Made through
the services, so it has audit entries like a real one."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import func, select

from solidarna.accounts.models import User
from solidarna.campaigns import notices, services
from solidarna.campaigns.models import Campaign
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization, Representative
from solidarna.extensions import db
from solidarna.groups.services import today
from solidarna.tenants import partnerships
from solidarna.tenants.models import Membership, Tenant

TITLE = "Rezervisane javne nabavke za socijalna preduzeća"
GOAL = (
    "Zakon o javnim nabavkama dozvoljava rezervisane nabavke za privredne subjekte koji "
    "zapošljavaju osobe iz osetljivih grupa, ali ih naručioci skoro ne koriste. Tražimo da "
    "svaki grad i ministarstvo deo nabavki rezerviše za socijalna preduzeća.\n\n"
    "*Demo platforma: izmišljena, za upoznavanje sa platformom.*"
)
DEMANDS = [
    "Da Vlada usvoji uputstvo naručiocima o rezervisanim javnim nabavkama",
    "Da svaki grad godišnje rezerviše najmanje 2% vrednosti nabavki za socijalna preduzeća",
    "Da Kancelarija za javne nabavke objavljuje godišnji izveštaj o rezervisanim nabavkama",
]
INSTITUTIONS = ["Vlada Republike Srbije", "Kancelarija za javne nabavke",
                "Stalna konferencija gradova i opština"]  # fmt: skip
#: (space, representative's e-mail, organization name): who signs, in their own space
SIGNERS = [
    ("korse", "marko@example.org", "Zadruga Rasinski med — član koalicije"),
    ("krusevac", "vesna@example.org", "Udruženje Ruke za Kruševac"),
    ("krusevac", "marko@example.org", "Zadruga Rasinski med"),
]

#: (space, author's e-mail, text): comments on the shared page, from each space
COMMENTS = [
    (
        "korse",
        "ivana@example.org",
        "Pismo je predato; sledeći korak je sastanak sa Stalnom konferencijom gradova i opština.",
    ),
    (
        "krusevac",
        "marko@example.org",
        "Grad Kruševac je spreman da prvi primeni rezervisane nabavke — predlažemo da ga "
        "navedemo kao primer.",
    ),
]


def _space(slug: str) -> Tenant | None:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def _in(tenant: Tenant, user=None):
    """What a request in the space would set: the space, and the person's membership."""
    g.tenant = tenant
    g.membership = (
        db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        if user is not None
        else None
    )


def load_campaigns() -> int:
    """KoRSE's platform with Kruševac as a partner (both spaces exist, campaigns on in both).
    Returns how many platforms were made (0 when it is there already)."""
    korse, krusevac = _space("korse"), _space("krusevac")
    if korse is None or krusevac is None:
        return 0
    if not all("campaigns" in (t.modules or []) for t in (korse, krusevac)):
        return 0
    with tenant_context(korse.id):
        if db.session.scalar(select(func.count(Campaign.id))):
            return 0
    users = {u.email: u for u in db.session.scalars(select(User))}
    with current_app.test_request_context("/"):
        try:
            return _load(korse, krusevac, users)
        finally:
            g.pop("tenant", None)
            g.pop("membership", None)


def _represent(tenant, email, org_name, users) -> int | None:
    with tenant_context(tenant.id):
        org = db.session.scalar(select(Organization).where(Organization.name == org_name))
        if org is None:
            return None
        user = users[email]
        exists = db.session.scalar(select(Representative.id).where(
            Representative.organization_id == org.id, Representative.user_id == user.id))  # fmt: skip
        if exists is None:
            db.session.add(Representative(organization_id=org.id, user_id=user.id,
                                          status="active"))  # fmt: skip
            db.session.flush()
        return org.id


def _load(korse, krusevac, users) -> int:
    ivana, jelena = users["ivana@example.org"], users["jelena@example.org"]
    with tenant_context(korse.id):
        _in(korse, ivana)
        campaign = services.create(
            {"title": TITLE, "goal": GOAL, "institutions": INSTITUTIONS,
             "starts_on": today() - timedelta(days=40), "ends_on": today() + timedelta(days=80)},
            [(text, None) for text in DEMANDS], ivana,
        )  # fmt: skip
        services.move(campaign, "open", ivana)
        services.move(campaign, "active", ivana)
        row = partnerships.invite("campaign", campaign.id, TITLE, "krusevac", ivana)
        campaign_id, row_id = campaign.id, row.id
        services.add_action(campaign, {
            "kind": "letter", "happened_on": today() - timedelta(days=30),
            "title": "Otvoreno pismo Vladi i Kancelariji za javne nabavke",
            "note": "Pismo sa zahtevima i listom potpisnika predato pisarnici Vlade.",
            "evidence_url": "https://example.org/demo/otvoreno-pismo.pdf"}, ivana)  # fmt: skip
        services.add_action(campaign, {
            "kind": "meeting", "happened_on": today() - timedelta(days=12),
            "title": "Sastanak sa Kancelarijom za javne nabavke",
            "note": "Dogovoreno da Kancelarija pripremi nacrt uputstva naručiocima.",
            "evidence_url": ""}, ivana)  # fmt: skip
        db.session.commit()
    with tenant_context(krusevac.id):
        _in(krusevac, jelena)
        partnerships.answer(partnerships.get_received(row_id), True, jelena)
        db.session.commit()
    for slug, email, org_name in SIGNERS:
        tenant = korse if slug == "korse" else krusevac
        org_id = _represent(tenant, email, org_name, users)
        if org_id is None:
            continue
        with tenant_context(tenant.id):
            _in(tenant, users[email])
            campaign = services.find(campaign_id)
            services.sign(campaign, org_id, users[email])  # commits
    # Kruševac's admin follows the platform from Kruševac (the row is KoRSE's, marked Kruševac)
    with tenant_context(krusevac.id):
        _in(krusevac, jelena)
        notices.set_following(jelena, services.find(campaign_id), True)  # commits
    # a comment from each space (the partner's is the owner space's row, marked Kruševac)
    for tenant, email, body in COMMENTS:
        space = korse if tenant == "korse" else krusevac
        with tenant_context(space.id):
            _in(space, users[email])
            services.comment(services.find(campaign_id), body, users[email])  # commits
    return 1
