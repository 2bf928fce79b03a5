"""Demo events (fictional, like everything in the demo): in krusevac two past trainings with
their participants checked in at every session (so each has a certificate of attendance) and
an upcoming info session with applications waiting, accepted and on the waiting list; in
korse an upcoming online workshop for the coalition's members (no applications yet: who
may apply is asked about the person applying, core/permissions.is_member). Made through the services, so
they have audit entries like real ones; the past ones are moved back in time afterwards (the
services schedule sessions ahead only)."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from solidarna.accounts.models import User
from solidarna.core.i18n import local_to_utc
from solidarna.core.models import utcnow
from solidarna.events import kit, services
from solidarna.events.models import Event
from solidarna.extensions import db

FICTIONAL = "\n\n*Demo događaj: izmišljen, za upoznavanje sa platformom.*"
QUESTIONS = [
    {"code": "status", "kind": "single", "label": "Gde ste sada sa svojom idejom?",
     "required": True, "help": "", "condition": None,
     "settings": {"options": [{"value": "idea", "label": "Imam ideju"},
                              {"value": "registered", "label": "Organizacija je registrovana"},
                              {"value": "working", "label": "Već poslujemo"}]}},
    {"code": "ocekivanja", "kind": "long_text", "label": "Šta očekujete od obuke?",
     "required": False, "help": "", "condition": None, "settings": {}},
]  # fmt: skip

PLACE = ("Kancelarija za razvoj socijalnog preduzetništva, Vidovdanska 12, Kruševac", 43.5809,
         21.3268)  # fmt: skip


def _base(title, kind, description, **extra) -> dict:
    return {"title": title, "kind": kind, "description": description + FICTIONAL,
            "place": PLACE[0], "latitude": PLACE[1], "longitude": PLACE[2], "online_url": "",
            "capacity": 20, "eligibility": "anyone", "actor_types": [], "deadline": None,
            "fee": None, "accessibility": "Ulaz bez stepenica, prilagođen toalet. Tumač za znakovni "
            "jezik na zahtev, najkasnije nedelju dana ranije.", "survey_url": "", **extra}  # fmt: skip


def _days(first: date, count: int, starts=time(10), ends=time(15)) -> list:
    return [(local_to_utc(first + timedelta(days=n), starts),
             local_to_utc(first + timedelta(days=n), ends)) for n in range(count)]  # fmt: skip


def _people(emails) -> list[User]:
    return [u for u in (User.by_email(e) for e in emails) if u is not None]


def _exists(title: str) -> bool:
    return db.session.scalar(select(Event.id).where(Event.title == title)) is not None


def _past_training(tenant, owner, title, description, weeks_ago, days, people) -> int:
    if _exists(title):
        return 0
    ahead = (utcnow() + timedelta(days=7)).date()
    event = services.create(_base(title, "training", description), _days(ahead, days), owner,
                            criteria=kit.criteria(tenant))  # fmt: skip
    event.questions = QUESTIONS
    event.status = "published"
    db.session.flush()
    for user in people:
        application = services.apply(event, user, {"status": {"choice": "idea", "other": ""}})
        services.decide(application, "accept", "Dobrodošli na obuku!", owner)
        services.confirm(application)
        for session in event.sessions:
            services.mark(application, session, owner)
    # moved back: the training took place `weeks_ago` weeks ago
    shift = (ahead - (utcnow() - timedelta(weeks=weeks_ago)).date()).days
    for session in event.sessions:
        session.starts_at -= timedelta(days=shift)
        session.ends_at -= timedelta(days=shift)
    event.starts_at -= timedelta(days=shift)
    event.ends_at -= timedelta(days=shift)
    event.applications_closed_at = event.starts_at
    db.session.flush()
    return 1


def _info_session(tenant, owner) -> int:
    title = "Info sesija: javni poziv za socijalna preduzeća 2027"
    if _exists(title):
        return 0
    day = (utcnow() + timedelta(days=18)).date()
    event = services.create(
        _base(title, "info_session",
              "Predstavljanje javnog poziva grada za podršku socijalnim preduzećima: ko može da "
              "se prijavi, koja dokumentacija je potrebna, kako se ocenjuju prijave.",
              capacity=2, deadline=local_to_utc(day - timedelta(days=3), time(23, 59))),
        _days(day, 1, time(17), time(19)), owner, criteria=kit.criteria(tenant),
    )  # fmt: skip
    event.questions = QUESTIONS[:1]
    event.status = "published"
    db.session.flush()
    answer = {"status": {"choice": "registered", "other": ""}}
    # one accepted and confirmed, one waiting for a decision, one accepted (the seats are
    # full then), one on the waiting list
    people = _people(["marko@example.org", "petar@example.org", "vesna@example.org",
                      "dragana@example.org"])  # fmt: skip
    for number, user in enumerate(people):
        application = services.apply(event, user, answer, waitlist=event.is_full)
        if number == 0:
            services.decide(application, "accept", "Vidimo se!", owner)
            services.confirm(application)
        elif number == 2:
            services.decide(application, "accept", "", owner)
    db.session.flush()
    return 1


def _korse_workshop(tenant, owner) -> int:
    title = "Radionica: zadružna pravila i upravljanje"
    if _exists(title):
        return 0
    day = (utcnow() + timedelta(days=25)).date()
    event = services.create(
        _base(title, "workshop",
              "Onlajn radionica za članice koalicije: kako napisati zadružna pravila koja "
              "štite demokratsko upravljanje.",
              place="", latitude=None, longitude=None, online_url="https://meet.example.org/korse",
              eligibility="members", capacity=30),
        _days(day, 1, time(11), time(13)), owner, criteria=kit.criteria(tenant),
    )  # fmt: skip
    event.status = "published"
    db.session.flush()
    return 1


def load_events(tenant) -> int:
    """The space's demo events (current tenant set). Returns how many were made."""
    if "events" not in (tenant.modules or []):
        return 0
    made = 0
    if tenant.slug == "krusevac":
        owner = User.by_email("jelena@example.org")
        made += _past_training(
            tenant, owner, "Obuka: pokretanje socijalnog preduzeća",
            "Tri dana o pravnim formama, poslovnom planu i finansiranju socijalnog preduzeća.",
            10, 3, _people(["marko@example.org", "vesna@example.org", "petar@example.org"]),
        )  # fmt: skip
        made += _past_training(
            tenant, owner, "Obuka: računovodstvo za udruženja i zadruge",
            "Dva dana praktičnog rada: knjigovodstvo, PDV, izveštavanje.",
            4, 2, _people(["marko@example.org", "dragana@example.org"]),
        )  # fmt: skip
        made += _info_session(tenant, owner)
    if tenant.slug == "korse":
        made += _korse_workshop(tenant, User.by_email("ivana@example.org"))
    db.session.flush()
    return made
