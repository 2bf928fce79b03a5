"""Demo proposals (fictional, like everything in the demo): in krusevac a local decision on
support for social enterprises in consultation, with a co-author and amendments (one accepted,
one rejected, two open); in korse a national amendment to the Law on
Social Entrepreneurship, endorsed by member organizations and submitted to the ministry.
Made through the services, so they have versions, a timeline and audit entries like real ones."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import func, select

from solidarna.accounts.models import User
from solidarna.core import subjects
from solidarna.directory.organizations.models import Organization, Representative
from solidarna.extensions import db
from solidarna.proposals import (
    amendments,
    coauthors,
    endorsements,
    following,
    services,
    text,
    workflow,
)
from solidarna.proposals.coauthors import ProposalAuthor
from solidarna.proposals.models import Institution, Proposal

FICTIONAL = "*Demo predlog: izmišljen tekst, za upoznavanje sa platformom.*"

DEMO = {
    "krusevac": {
        "institutions": [("Skupština grada Kruševca", "local"), ("Gradsko veće grada Kruševca", "local")],
        "author": "marko@example.org",
        "title": "Odluka o podršci socijalnim preduzećima na teritoriji grada Kruševca",
        "kind": "local_decision", "level": "local", "tags": ["socijalna preduzeća", "budžet"],
        "parts": [
            ("chapter", "Osnovne odredbe", "", []),
            ("article", "Predmet odluke", "Ovom odlukom uređuju se mere podrške socijalnim preduzećima koja posluju na teritoriji grada Kruševca.", []),
            ("article", "Korisnici", "Korisnici mera su socijalna preduzeća upisana u registar APR-a i zadruge koje zapošljavaju pripadnike osetljivih grupa.",
             ["Najmanje 30% zaposlenih pripada osetljivim grupama.", "Sedište je na teritoriji grada Kruševca."]),
            ("chapter", "Mere podrške", "", []),
            ("article", "Subvencije za zapošljavanje", "Grad dodeljuje subvencije za novo zapošljavanje pripadnika osetljivih grupa u trajanju do 12 meseci.", []),
            ("article", "Rezervisane javne nabavke", "Grad najmanje 5% vrednosti javnih nabavki male vrednosti rezerviše za socijalna preduzeća.", []),
        ],
        "sections": {
            "summary": "Predlog lokalne odluke kojom grad uvodi subvencije i rezervisane nabavke za socijalna preduzeća. " + FICTIONAL,
            "problem": "Socijalna preduzeća u Rasinskom okrugu nemaju stabilnu lokalnu podršku.",
            "legal_basis": "Zakon o socijalnom preduzetništvu („Sl. glasnik RS”, br. 14/2022) i Statut grada Kruševca.",
            "memorandum": "Odluka sprovodi zakonsku mogućnost da jedinice lokalne samouprave podrže socijalna preduzeća.",
            "fiscal_cost": 12_000_000, "fiscal_source": "Budžet grada Kruševca",
            "fiscal_budget_line": "Program 1501, projekat 0003", "fiscal_period": "2027–2029",
            "beneficiary_groups": ["disability", "long_term_unemployed"],
            "beneficiary_actor_types": ["social_enterprise", "cooperative"],
        },
        "edits": [("Grad najmanje 5%", "Grad najmanje 10% vrednosti javnih nabavki male vrednosti rezerviše za socijalna preduzeća i zadruge.", "Član 4: veći udeo rezervisanih nabavki, predlog sa sastanka")],
        "road": [("consultation", 21, "Otvorena rasprava među članovima Kancelarije.")],
        "representatives": [("marko@example.org", "Zadruga Rasinski med")],
        "endorse": [],
        "coauthors": ["vesna@example.org"],
        # (amender, the start of the part's text or "section:<name>", kind, heading, new text,
        #  justification, decision: None (open) / "accept" / the reason of a rejection)
        # members who follow the road, and a discussion anchored to one article
        # (email, the start of the article's text, title, first post)
        "followers": ["milan@example.org"],
        "article_comments": [
            ("milan@example.org", "Grad najmanje", "Koje nabavke se rezervišu?",
             "Da li se rezervacija odnosi i na usluge održavanja, ili samo na robu? "
             "Predlažem da obrazloženje navede primere."),
        ],
        "amendments": [
            ("vesna@example.org", "Ovom odlukom", "change", "Predmet odluke",
             "Ovom odlukom uređuju se mere podrške socijalnim preduzećima i zadrugama koja posluju na teritoriji grada Kruševca.",
             "Zadruge su u Rasinskom okrugu najbrojniji oblik socijalne ekonomije; treba da budu izričito navedene.", "accept"),
            ("milan@example.org", "Najmanje 30%", "change", "",
             "Najmanje 40% zaposlenih pripada osetljivim grupama.",
             "Veći udeo osetljivih grupa usmerava podršku tamo gde je najpotrebnija.",
             "Zakon o socijalnom preduzetništvu već propisuje prag; viši lokalni prag isključio bi većinu zadruga."),
            ("milan@example.org", "Grad dodeljuje subvencije", "change", "Subvencije za zapošljavanje",
             "Grad dodeljuje subvencije za novo zapošljavanje pripadnika osetljivih grupa u trajanju do 24 meseca.",
             "Iskustvo programa radne integracije pokazuje da je godinu dana prekratko za stabilno zaposlenje.", None),
            ("jelena@example.org", "Grad najmanje 10%", "insert_after", "Praćenje sprovođenja",
             "Gradsko veće jednom godišnje Skupštini grada podnosi izveštaj o sprovođenju ove odluke.",
             "Bez izveštaja nećemo znati da li mere deluju.", None),
        ],
    },
    "korse": {
        "institutions": [("Ministarstvo za rad, zapošljavanje, boračka i socijalna pitanja", "national"),
                         ("Narodna skupština Republike Srbije", "national")],
        "author": "ivana@example.org",
        "title": "Izmene i dopune Zakona o socijalnom preduzetništvu",
        "kind": "amendment", "level": "national", "tags": ["zakon", "zadruge"],
        "parts": [
            ("article", "", "U Zakonu o socijalnom preduzetništvu („Službeni glasnik RS”, broj 14/22) u članu 4. posle stava 2. dodaje se novi stav 3. koji glasi:", []),
            ("article", "", "Zadruge koje ostvaruju cilj od opšteg interesa stiču status socijalnog preduzeća bez dodatnih uslova u pogledu raspodele dobiti.", []),
            ("article", "", "Ovaj zakon stupa na snagu osmog dana od dana objavljivanja u „Službenom glasniku Republike Srbije”.", []),
        ],
        "sections": {
            "summary": "Predlog koalicije da zadruge lakše steknu status socijalnog preduzeća. " + FICTIONAL,
            "problem": "Zadruge ispunjavaju ciljeve zakona, a uslovi za status su im teško dostižni.",
            "memorandum": "Izmena usklađuje zakon sa praksom zadruga u Srbiji.",
            "beneficiary_actor_types": ["cooperative", "social_enterprise"],
        },
        "road": [("consultation", 14, "Rasprava u koaliciji."), ("endorsement", 14, "Poziv organizacijama da podrže predlog."),
                 ("adopted", None, "Upravni odbor koalicije usvojio je predlog kao stav koalicije."),
                 ("submitted", None, "Predato Ministarstvu.")],
        "representatives": [("marko@example.org", "Zadruga Rasinski med — član koalicije"),
                            ("ivana@example.org", "Zadruga Zemlja i ljudi"),
                            ("ivana@example.org", "Zadružni savez Šumadije (demo)")],
        "endorse": [("marko@example.org", "Zadruga Rasinski med — član koalicije", "support"),
                    ("ivana@example.org", "Zadruga Zemlja i ljudi", "cosponsor"),
                    ("ivana@example.org", "Zadružni savez Šumadije (demo)", "support")],
    },
}  # fmt: skip


def load_proposals(tenant) -> int:
    """The space's demo proposal (current tenant set). Returns how many were made (0 or 1)."""
    plan = DEMO.get(tenant.slug)
    if plan is None or db.session.scalar(select(func.count(Proposal.id))):
        return 0
    # The services ask who is acting and where (the request's space), as on a page.
    with current_app.test_request_context("/"):
        g.tenant = tenant
        try:
            _load(plan)
        finally:
            g.pop("tenant", None)
    return 1


def _load(plan: dict) -> None:
    users = {u.email: u for u in db.session.scalars(select(User))}
    orgs = {o.name: o for o in db.session.scalars(select(Organization))}
    institutions = []
    for name, level in plan["institutions"]:
        institution = Institution(name=name, level=level)
        db.session.add(institution)
        institutions.append(institution)
    for email, org_name in plan["representatives"]:
        if org_name in orgs:
            db.session.add(Representative(organization_id=orgs[org_name].id,
                                          user_id=users[email].id, status="active"))  # fmt: skip
    db.session.flush()
    author = users[plan["author"]]
    proposal = services.create(
        {"title": plan["title"], "kind": plan["kind"], "level": plan["level"],
         "institution_id": institutions[0].id, "tags": plan["tags"]},
        author,
    )  # fmt: skip
    chapter = None
    for kind, heading, body, paragraphs in plan["parts"]:
        parent = None if kind == "chapter" else chapter
        part = text.add_part(proposal, kind, heading, body, parent, None)
        chapter = part if kind == "chapter" else chapter
        for paragraph in paragraphs:
            text.add_part(proposal, "paragraph", "", paragraph, part, None)
    text.save_version(proposal, author, "Tekst po članovima")
    data = dict.fromkeys(("summary", "problem", "measure", "legal_basis", "memorandum", "impact", "references", "fiscal_source", "fiscal_budget_line", "fiscal_period"), "")  # fmt: skip
    data.update(beneficiary_groups=[], beneficiary_actor_types=[], fiscal_cost=None)
    data.update(plan["sections"])
    services.update_sections(proposal, data, author, "Obrazloženje i finansijski efekti")
    nodes = text.tree(text.live_parts(proposal))
    for starts, body, message in plan.get("edits", []):
        node = next(n for n in nodes if n.body.startswith(starts))
        text.edit_part(text.find_part(proposal, node.code), node.heading, body)
        text.save_version(proposal, author, message)
    admin = users["jelena@example.org" if plan is DEMO["krusevac"] else "ivana@example.org"]
    for state, days, note in plan["road"]:
        if state == "submitted":
            for email, org_name, kind in plan["endorse"]:
                if org_name in orgs:
                    endorsements.endorse(proposal, orgs[org_name].id, kind, "", users[email])
        ends = workflow.today() + timedelta(days=days) if days else None
        workflow.move(
            proposal, state,
            {"ends": ends, "note": note, "institution_id": institutions[0].id,
             "reference_number": "011-00-123/2026-24" if state == "submitted" else ""},
            author if state in ("consultation", "endorsement") else admin,
        )  # fmt: skip
    _collaborate(plan, proposal, author, users)
    db.session.flush()


def _collaborate(plan: dict, proposal: Proposal, author: User, users: dict) -> None:
    """Co-authors (recorded as having accepted, no mail) and amendments made and decided
    through the services, as in a consultation."""
    for email in plan.get("coauthors", []):
        db.session.add(ProposalAuthor(proposal_id=proposal.id, user_id=users[email].id,
                                      state="accepted", invited_by_id=author.id))  # fmt: skip
    db.session.flush()
    coauthors.forget(proposal)
    for email, starts, kind, heading, body, why, decision in plan.get("amendments", []):
        if starts.startswith("section:"):
            target = starts
        else:
            nodes = text.tree(text.live_parts(proposal))
            target = next(n.code for n in nodes if n.body.startswith(starts))
        amendment = amendments.create(
            proposal, users[email],
            {"target": target, "kind": kind, "heading": heading, "body": body,
             "justification": why},
        )  # fmt: skip
        amendments.open_(amendment, users[email])
        if decision == "accept":
            amendments.accept(amendment, author)
        elif decision:
            amendments.reject(amendment, author, decision)
    for email in plan.get("followers", []):
        following.set_following(users[email], proposal, True)
    if "discussions" in (g.tenant.modules or []):
        from solidarna.discussions import services as discussions

        nodes = text.tree(text.live_parts(proposal))
        for email, starts, title, body in plan.get("article_comments", []):
            node = next(n for n in nodes if n.kind == "article" and n.body.startswith(starts))
            subject = subjects.resolve_one("proposal_part", node.id)
            if subject is not None:
                discussions.create_thread(title, body, users[email], subject=subject,
                                          notify=False, rate_check=False)  # fmt: skip
