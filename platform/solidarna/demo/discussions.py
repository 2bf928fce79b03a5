"""A few realistic (fictional) discussions in each pilot space, loaded by `flask demo load`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from solidarna.accounts.models import User
from solidarna.core.models import utcnow
from solidarna.discussions import moderation_services as ms
from solidarna.discussions import services as ds
from solidarna.discussions.models import Category, Post, Thread
from solidarna.extensions import db

# category position (1-based, in the order the suggested categories are made) -> threads:
# (title, [(author email, days ago, body), ...])
THREADS = {
    "krusevac": [
        (
            2,
            "Kako smo registrovali socijalno preduzeće kod APR-a",
            [
                (
                    "marko@example.org",
                    12,
                    "Prošle nedelje smo kao zadruga dobili status socijalnog "
                    "preduzeća. Ukratko, šta je trebalo:\n\n1. odluka skupštine o izmeni osnivačkog akta\n"
                    "2. dokaz o ostvarivanju cilja od opšteg interesa\n3. prijava APR-u\n\n"
                    "Pitajte ako vam nešto zapne.",
                ),
                (
                    "jelena@example.org",
                    11,
                    "Hvala, Marko! Ovo ćemo staviti i u vodič Kancelarije. "
                    "@[Vesna Moderatorić] možeš li da dodaš link na obrasce?",
                ),
                (
                    "vesna@example.org",
                    11,
                    "Dodajem: obrasci su na sajtu APR-a, a mi imamo i "
                    "[kontrolnu listu](https://example.org/kontrolna-lista) koju delimo na sastancima.",
                ),
                (
                    "marko@example.org",
                    9,
                    "> dokaz o ostvarivanju cilja od opšteg interesa\n\n"
                    "Da dopunim: nama je bio dovoljan godišnji izveštaj o zapošljavanju članova "
                    "iz osetljivih grupa.",
                ),
            ],
        ),
        (
            2,
            "Javne nabavke: rezervisani ugovori za socijalna preduzeća?",
            [
                (
                    "milan@example.org",
                    6,
                    "Da li je neko učestvovao u nabavci sa rezervisanim "
                    "ugovorom? Grad Kruševac razmišlja da to uvede za održavanje zelenih površina.",
                ),
                (
                    "marko@example.org",
                    5,
                    "Nismo, ali bismo se javili za nabavku meda za vrtiće "
                    "ako bude podeljena u partije.",
                ),
            ],
        ),
        (
            1,
            "Otvoren poziv: obuka za pisanje poslovnog plana (decembar)",
            [
                (
                    "jelena@example.org",
                    3,
                    "Kancelarija organizuje trodnevnu obuku za pisanje "
                    "poslovnog plana za socijalna preduzeća i one koji to planiraju. Prijave do "
                    "**10. decembra**, broj mesta je ograničen.",
                ),
            ],
        ),
        (
            3,
            "Predlog tema za radnu grupu o lokalnim resursima",
            [
                (
                    "vesna@example.org",
                    2,
                    "Predlažem da prvo popišemo prazne prostore u vlasništvu "
                    "opština u okrugu. Ko ima podatke za Brus i Aleksandrovac?",
                ),
                ("marko@example.org", 1, "Za Aleksandrovac pitaću u Mesnoj zajednici."),
            ],
        ),
    ],
    "korse": [
        (
            2,
            "Izmene Zakona o socijalnom preduzetništvu: šta tražimo",
            [
                (
                    "ivana@example.org",
                    8,
                    "Sekretarijat priprema zajednički predlog izmena. "
                    "Do sada smo skupili tri teme:\n\n- poreske olakšice za reinvestiranu dobit\n"
                    "- jednostavniji dokaz o radnoj integraciji\n- rezervisane javne nabavke\n\n"
                    "Šta nedostaje?",
                ),
                (
                    "marko@example.org",
                    6,
                    "Nedostaje podrška zadrugama u osnivanju: garancijski fond za prve kredite.",
                ),
            ],
        ),
        (
            1,
            "Mapiranje ekosistema 2026: pozivamo članice da provere svoje podatke",
            [
                (
                    "ivana@example.org",
                    4,
                    "Molimo sve članice da u imeniku provere svoje podatke "
                    "do kraja meseca. Ako vaša organizacija nije na spisku, dodajte je.",
                ),
            ],
        ),
    ],
}


def load_discussions(tenant) -> int:
    """Load the space's demo discussions (current tenant must be set). Returns threads made."""
    if db.session.scalar(select(func.count(Thread.id))):
        return 0
    ms.set_up_categories(tenant, None)
    categories = list(db.session.scalars(select(Category).order_by(Category.position)))
    users = {u.email: u for u in db.session.scalars(select(User))}
    now = utcnow()
    made = 0
    for position, title, posts in THREADS.get(tenant.slug, []):
        category = categories[min(position, len(categories)) - 1]
        (email, days, body), *replies = posts
        thread, first = ds.create_thread(
            title, body, users[email], category=category, notify=False, rate_check=False
        )
        _backdate(first, now - timedelta(days=days))
        for email, days, body in replies:
            _backdate(
                ds.add_post(thread, body, users[email], notify=False, rate_check=False),
                now - timedelta(days=days, hours=-made),
            )
        thread.created_at = now - timedelta(days=posts[0][1])
        thread.last_post_at = now - timedelta(days=posts[-1][1], hours=-made)
        made += 1
    db.session.flush()
    for category in categories:
        ms.recount_category(category.id)
    return made


def _backdate(post: Post, when) -> None:
    post.created_at = when
