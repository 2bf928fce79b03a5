"""The demo support cases (fictional, like everything in the demo): a dozen requests to the
Kruševac office over the past months, in every status, with messages, a private note and the
barrier codes the advisors tagged them with — enough for the dashboard, the barriers page and
the statistics to show something. Written through support.services, so the audit log and the
counts are what the real pages make; no mail is queued (no request)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from solidarna.accounts.models import User
from solidarna.core.models import utcnow
from solidarna.extensions import db
from solidarna.support import services
from solidarna.support.models import SupportCase

# requester, category, municipality, status, days ago, priority, due in days, barriers,
# description, office's answer, requester's reply
CASES = [
    ("petar", "starting", "Brus", "new", 2, "normal", None, [],
     "Razmišljam da pokrenem socijalno preduzeće za preradu voća u Brusu. Odakle da počnem?",
     None, None),
    ("marko", "procurement", "Kruševac", "triaged", 5, "high", 3, ["no_procurement"],
     "Zadruga bi da se javi na nabavku hrane za vrtiće, ali uslovi traže promet koji nemamo.",
     None, None),
    ("dragana", "legal_form", "Trstenik", "in_progress", 12, "high", -2,
     ["no_legal_form", "no_status_law"],
     "Udruženje zapošljava osobe sa invaliditetom; nijedan pravni oblik ne pokriva i prodaju.",
     "Pošaljite nam statut udruženja i opis delatnosti, pa ćemo predložiti moguće oblike.",
     "Statut šaljemo u prilogu sledeće nedelje."),
    ("marko", "tax", "Kruševac", "waiting", 20, "normal", 7, ["vat_donations"],
     "Dobili smo donaciju opreme u naturi; knjigovođa kaže da plaćamo PDV. Da li je to tačno?",
     "Da, za sada se PDV obračunava. Pošaljite ugovor o donaciji da proverimo izuzetke.", None),
    ("petar", "finance", "Brus", "in_progress", 35, "urgent", -5, ["no_start_capital"],
     "Konkurs za samozapošljavanje traži garanciju koju ne mogu da obezbedim.",
     "Postoje garantne šeme Razvojnog fonda; zakažimo sastanak u kancelariji.",
     "Mogu u utorak posle 10 časova."),
    ("dragana", "premises", "Trstenik", "resolved", 48, "normal", None, ["no_premises"],
     "Tražimo prostor za radionicu; opštinski prostori se izdaju samo na licitaciji.",
     "Opština ima program dodele prostora organizacijama; prijava je otvorena do kraja meseca.",
     "Hvala, prijavili smo se."),
    ("marko", "procurement", "Kruševac", "closed", 70, "normal", None,
     ["no_procurement", "admin_burden"],
     "Kako da zadruga uđe u sistem javnih nabavki? Portal je previše složen za nas.",
     "Održaćemo obuku za portal javnih nabavki; poslali smo Vam poziv.", None),
    ("petar", "registration", "Brus", "closed", 95, "low", None, ["admin_burden"],
     "Koja dokumenta trebaju za registraciju zadruge kod APR-a?",
     "Spisak dokumenata je u prilogu poruke; APR prima i elektronsku prijavu.", None),
    ("dragana", "tax", "Trstenik", "resolved", 110, "normal", None, ["vat_donations"],
     "Da li donacije hrane za narodnu kuhinju podležu PDV-u?",
     "Podležu, osim u slučajevima iz Zakona o PDV-u za humanitarnu pomoć.", None),
    ("marko", "legal_form", "Kruševac", "in_progress", 8, "normal", 14, ["no_legal_form"],
     "Želimo da pređemo iz udruženja u zadrugu, a da zadržimo zaposlene. Kako?", None, None),
    ("petar", "training", "Brus", "new", 1, "normal", None, [],
     "Da li kancelarija organizuje obuke iz knjigovodstva za male proizvođače?", None, None),
    ("dragana", "finance", "Trstenik", "triaged", 15, "high", -1,
     ["no_start_capital", "no_local_support"],
     "Opština nema nijednu meru podrške socijalnim preduzećima; gde još da tražimo sredstva?",
     None, None),
]  # fmt: skip
#: the path from "new" to each status, through the allowed transitions
PATHS = {
    "new": [],
    "triaged": ["triaged"],
    "in_progress": ["triaged", "in_progress"],
    "waiting": ["triaged", "in_progress", "waiting"],
    "resolved": ["triaged", "in_progress", "resolved"],
    "closed": ["triaged", "in_progress", "resolved", "closed"],
}


def load_support(tenant) -> int:
    """Kruševac's demo cases (current tenant set). Returns how many were made (0 when there
    are some already, or the space has no support)."""
    if tenant.slug != "krusevac" or "support" not in (tenant.modules or []):
        return 0
    if db.session.scalar(select(func.count()).select_from(SupportCase)):
        return 0
    people = {name: User.by_email(f"{name}@example.org") for name in ("petar", "marko", "dragana")}
    owner, advisor = User.by_email("jelena@example.org"), User.by_email("milan@example.org")
    now = utcnow()
    for number, row in enumerate(CASES):
        who, category, place, status, days, priority, due, codes, text, answer, reply = row
        asked = now - timedelta(days=days)
        case = services.create(
            {"category": category, "description": text, "municipality": place,
             "contact_method": "phone" if number % 4 == 0 else "email",
             "phone": "+381 37 000 000" if number % 4 == 0 else ""},
            people[who],
        )  # fmt: skip
        case.created_at = asked
        case.month = services.month_of(asked)
        worker = advisor if number % 3 else owner
        if status != "new":
            services.manage(case, {"status": "new", "advisor_id": worker.id,
                                   "priority": priority,
                                   "due_on": (now + timedelta(days=due)).date() if due else None},
                            worker)  # fmt: skip
        if answer:
            services.post_message(case, answer, worker, from_requester=False)
        if reply:
            services.post_message(case, reply, people[who], from_requester=True)
        for step in PATHS[status]:
            services.move(case, step, worker)
        if codes:
            services.set_barriers(case, codes, worker)
        if number % 5 == 2:
            services.add_note(case, "Proveriti sa pravnom službom opštine pre odgovora.", worker)
    db.session.flush()
    return len(CASES)
