"""Generate a large, realistic directory for the benchmarks (DESIGN §9).

    python bench/generate.py --database-url sqlite:///instance/bench.sqlite3 \
        --tenants 50 --organizations 20000

The database is emptied and rebuilt through the migrations, then filled with bulk inserts
(SQLAlchemy Core `insert()` with executemany, `tenant_id` set explicitly inside
`cross_tenant()`). Tenant 0 is a national space (region RS, no municipality list, like
KoRSE) holding `--largest-share` of the entries, the worst case for its pages; the other
spaces are district offices (like Kruševac) sharing the rest. Each entry has tags (KD
sections, vulnerable groups, activities of general interest); each space has a "hub"
organization with many relationships, plus random ties. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from solidarna import create_app
from solidarna.core import geography
from solidarna.core.database import normalise_url
from solidarna.core.models import utcnow
from solidarna.core.script import fold, to_cyrillic
from solidarna.core.tenancy import cross_tenant
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import Organization, OrganizationTag
from solidarna.directory.relationships.models import Relationship
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Tenant

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = f"sqlite:///{ROOT / 'instance' / 'bench.sqlite3'}"
ADMIN_EMAIL = "bench-admin@example.org"
ADMIN_PASSWORD = "bench password, not a secret"
#: the in-process benchmarks' member account (bench/discussions.py, proposals.py, groups.py,
#: campaigns.py)
MEMBER_EMAIL = "bench-member@example.org"
MEMBER_PASSWORD = "bench member password, not a secret"
HUB_TIES = 30
BATCH = 5_000

ACTOR_WEIGHTS = {
    "association": 30, "cooperative": 14, "social_enterprise": 10, "company_partner": 8,
    "informal_group": 6, "foundation": 5, "public_institution": 5, "planned_enterprise": 5,
    "local_government": 3, "education_research": 3, "network": 3, "development_agency": 2,
    "incubator": 2, "financial_institution": 1,
}  # fmt: skip
FORMS = {
    "association": "association", "cooperative": "cooperative", "social_enterprise": "doo",
    "company_partner": "doo", "informal_group": "informal", "foundation": "foundation",
    "public_institution": "institution", "planned_enterprise": "informal",
    "local_government": "government_body", "education_research": "institution",
    "network": "association", "development_agency": "doo", "incubator": "doo",
    "financial_institution": "cooperative",
}  # fmt: skip
PREFIX = {
    "association": "Udruženje", "cooperative": "Zadruga", "social_enterprise": "Radionica",
    "company_partner": "Preduzeće", "informal_group": "Grupa", "foundation": "Fondacija",
    "public_institution": "Centar", "planned_enterprise": "Inicijativa",
    "local_government": "Opština", "education_research": "Škola", "network": "Mreža",
    "development_agency": "Agencija", "incubator": "Inkubator", "financial_institution": "Fond",
}  # fmt: skip
ADJECTIVES = ["Zlatna", "Zelena", "Moravska", "Nova", "Zajednička", "Vredna", "Dobra", "Sunčana",
              "Planinska", "Seoska", "Gradska", "Solidarna", "Mala", "Velika", "Čista", "Živa"]  # fmt: skip
NOUNS = ["njiva", "ruka", "šansa", "košnica", "bašta", "sloga", "nit", "pekara", "radionica",
         "staza", "dolina", "reka", "luka", "zora", "mreža", "kuća", "žetva", "voćnjak"]  # fmt: skip
MISSIONS = [
    "Zapošljavamo osobe sa invaliditetom u proizvodnji i prodaji.",
    "Prerada voća i povrća sa malim proizvođačima iz okoline.",
    "Usluge socijalne zaštite i dnevni boravak za starije.",
    "Obuke, mentorstvo i prostor za nove socijalne preduzetnike.",
    "Reciklaža i ponovna upotreba, uz radnu integraciju Roma.",
    "Seoski turizam i očuvanje tradicionalnih zanata.",
    "Zajednička nabavka i prodaja za članove zadruge.",
]
SE_WEIGHTS = {"registered": 3, "in_progress": 4, "planned": 8, "no": 85}
MODERATION_WEIGHTS = {"verified": 85, "pending": 10, "rejected": 3, "archived": 2}
KD_WEIGHTS = {"A": 14, "C": 16, "I": 8, "Q": 12, "S": 12, "P": 8, "G": 8, "R": 6, "M": 4,
              "N": 4, "E": 3, "J": 2, "F": 2, "K": 1}  # fmt: skip


@dataclass
class Generated:
    tenants: int
    organizations: int
    tags: int
    relationships: int
    seconds: float
    #: slug -> entries, largest first
    sizes: dict[str, int]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def planner_statistics(db, analyze: bool | None) -> None:
    """After a bulk load: VACUUM ANALYZE on PostgreSQL (as autovacuum would; index-only scans
    need the visibility map), ANALYZE on SQLite only when asked (the app gathers none)."""
    analyze = db.engine.dialect.name == "postgresql" if analyze is None else analyze
    if analyze:
        command = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text(command))


def _reset(url: str) -> None:
    """An empty database: a new SQLite file, or a clean public schema on PostgreSQL."""
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        path = Path(target.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def bench_space(slug: str, name: str, modules: list[str]) -> dict:
    """A public coalition space's row for a bulk insert of `Tenant` (the in-process
    benchmarks' spaces)."""
    return {"slug": slug, "name": name, "kind": "coalition", "region": "RS",
            "municipalities": [], "taxonomies": {}, "visibility": "public", "modules": modules,
            "default_locale": "sr_Latn", "status": "active", "accent_color": "#0b6e4f",
            "description": "Prostor za merenje performansi; podaci su izmišljeni.",
            "starter": {}}  # fmt: skip


@contextmanager
def fresh_database(url: str, analyze: bool | None, say):
    """An emptied database at the migrations' head, in the app context of `make_app(url)`,
    with the benchmark's administrator and member accounts: yields (admin, member, now).
    On leaving: commit, planner statistics, the engine disposed."""
    from flask_migrate import upgrade

    from solidarna.accounts.models import User

    _reset(url)
    app = make_app(url)
    with app.app_context():
        upgrade()
        say("schema ready")
        now = utcnow()
        admin = User(email=ADMIN_EMAIL, name="Benchmark Admin", email_verified_at=now)
        admin.set_password(ADMIN_PASSWORD)
        member = User(email=MEMBER_EMAIL, name="Milica Benčmarković", email_verified_at=now)
        member.set_password(MEMBER_PASSWORD)
        db.session.add_all([admin, member])
        db.session.flush()
        yield admin, member, now
        db.session.commit()
        planner_statistics(db, analyze)
        db.engine.dispose()


def make_app(url: str):
    """A production-like app (no debug, no testing flags, secure cookies: request it over
    https, as behind the TLS proxy) on the benchmark database; no rate limits."""
    return create_app(
        {
            "ENV_NAME": "production",
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "RATELIMIT_ENABLED": False,
            "MAIL_SEND_AFTER_REQUEST": False,
        }
    )


def _spread(total: int, tenants: int, largest_share: float) -> list[int]:
    if tenants == 1:
        return [total]
    largest = round(total * largest_share)
    rest = total - largest
    base, extra = divmod(rest, tenants - 1)
    return [largest] + [base + (1 if i < extra else 0) for i in range(tenants - 1)]


def _tenant_rows(count: int) -> list[dict]:
    kits = {"expected_actor_types": list(taxonomy.ACTOR_TYPES)[:13]}
    district_kit = {
        "expected_actor_types": [
            "social_enterprise", "cooperative", "association", "local_government",
            "development_agency", "incubator", "financial_institution", "education_research",
        ]
    }  # fmt: skip
    districts = [iso for iso in geography.districts() if int(iso.split("-")[1]) <= 24]
    rows = [
        {
            "slug": "bench-rs", "name": "Benchmark: nacionalna koalicija", "kind": "coalition",
            "region": "RS", "municipalities": [], "taxonomies": kits,
        }
    ]  # fmt: skip
    for n in range(1, count):
        iso = districts[(n - 1) % len(districts)]
        names = list(dict.fromkeys(m.name_latn for m in geography.in_district(iso)))
        rows.append(
            {
                "slug": f"bench-{n:02d}", "name": f"Benchmark: {geography.region_name(iso)} {n}",
                "kind": "district_office", "region": iso, "municipalities": names, "taxonomies": district_kit,
            }
        )  # fmt: skip
    for row in rows:
        row.update(
            modules=["directory", "resources", "discussions"],
            visibility="public",
            default_locale="sr_Latn",
            status="active",
            accent_color="#0b6e4f",
            description="Prostor za merenje performansi; podaci su izmišljeni.",
            starter={},
        )
    return rows


def generate(
    url: str = DEFAULT_URL,
    *,
    tenants: int = 50,
    organizations: int = 20_000,
    largest_share: float = 0.2,
    seed: int = 1,
    analyze: bool | None = None,
    quiet: bool = False,
) -> Generated:
    """Rebuild the database at `url` and fill it; returns what was made.

    `analyze` refreshes the planner's statistics after the load; by default on PostgreSQL
    only, where autovacuum would do it soon after a bulk load anyway: `VACUUM ANALYZE`, since
    autovacuum also vacuums a table after many inserts (PostgreSQL 13+), which sets the
    visibility map that index-only scans need. SQLite gathers no statistics unless told to,
    and the application does not, so neither does the benchmark."""
    started = time.perf_counter()
    url = normalise_url(url)
    rng = random.Random(seed)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    _reset(url)
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        say("schema ready")
        from solidarna.accounts.models import User

        admin = User(email=ADMIN_EMAIL, name="Benchmark Admin", email_verified_at=utcnow())
        admin.set_password(ADMIN_PASSWORD)
        db.session.add(admin)
        db.session.flush()
        tenant_rows = _tenant_rows(tenants)
        db.session.execute(insert(Tenant), tenant_rows)
        db.session.flush()
        tenant_ids = {
            slug: id_ for id_, slug in db.session.execute(select(Tenant.id, Tenant.slug)).all()
        }
        all_municipalities = [m for m in geography.municipalities() if m.kind != "gradska opština"]
        by_name = {m.name_latn: m for m in all_municipalities}
        sizes = _spread(organizations, tenants, largest_share)
        now = utcnow()
        org_rows, tag_rows, ties = [], [], []
        next_id = 1
        with cross_tenant():
            db.session.execute(
                insert(Membership.__table__),
                [
                    {"tenant_id": tenant_ids[row["slug"]], "user_id": admin.id, "role": "owner",
                         "status": "active", "message": "", "created_at": now, "updated_at": now}
                    for row in tenant_rows
                ],
            )  # fmt: skip
            for row, size in zip(tenant_rows, sizes, strict=True):
                tenant_id = tenant_ids[row["slug"]]
                places = (
                    [by_name.get(name) or geography.find(name) for name in row["municipalities"]]
                    if row["municipalities"]
                    else all_municipalities
                )
                ids = list(range(next_id, next_id + size))
                next_id += size
                verified = []
                for org_id in ids:
                    org = _organization(rng, org_id, tenant_id, rng.choice(places), now)
                    org_rows.append(org)
                    if org["moderation"] == "verified":
                        verified.append(org_id)
                    tag_rows.extend(_tags(rng, org_id, tenant_id))
                ties.extend(_ties(rng, tenant_id, verified, ids))
                if len(org_rows) >= BATCH:
                    db.session.execute(insert(Organization.__table__), org_rows)
                    org_rows = []
            if org_rows:
                db.session.execute(insert(Organization.__table__), org_rows)
            for start in range(0, len(tag_rows), BATCH * 4):
                db.session.execute(
                    insert(OrganizationTag.__table__), tag_rows[start : start + BATCH * 4]
                )
            db.session.execute(insert(Relationship.__table__), ties)
            counts = dict(
                db.session.execute(
                    select(Organization.tenant_id, func.count()).group_by(Organization.tenant_id)
                ).all()
            )
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('organizations', 'id'), "
                    "(SELECT max(id) FROM organizations))"
                ).execution_options(all_tenants=True)  # raw SQL on a tenant table
            )
        db.session.commit()
        planner_statistics(db, analyze)
        slugs = {id_: slug for slug, id_ in tenant_ids.items()}
        result = Generated(
            tenants=len(tenant_rows),
            organizations=sum(counts.values()),
            tags=len(tag_rows),
            relationships=len(ties),
            seconds=time.perf_counter() - started,
            sizes={
                slugs[t]: n for t, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            },
        )
        db.engine.dispose()
    say(
        f"generated {result.organizations} organizations, {result.tags} tags, "
        f"{result.relationships} relationships in {result.tenants} tenants "
        f"({result.seconds:.1f} s)"
    )
    return result


def _organization(rng: random.Random, org_id: int, tenant_id: int, place, now) -> dict:
    actor_type = _pick(rng, ACTOR_WEIGHTS)
    name = f"{PREFIX[actor_type]} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {org_id}"
    if rng.random() < 0.1:
        name = to_cyrillic(name)
    mission = rng.choice(MISSIONS)
    employees = rng.choice([None, 0, 1, 2, 3, 5, 8, 12, 20, 35])
    women = None if employees is None else rng.randint(0, employees)
    vulnerable = None if employees is None else rng.randint(0, employees)
    visibility = {"employees": "members"} if rng.random() < 0.1 else {}
    moderation = _pick(rng, MODERATION_WEIGHTS)
    # The same haystack as Organization.refresh_search() builds.
    search_text = " ".join(fold(part) for part in (name, place.name_latn, mission) if part)
    return {
        "id": org_id,
        "tenant_id": tenant_id,
        "name": name,
        "legal_name": None,
        "legal_form": FORMS[actor_type],
        "actor_type": actor_type,
        "se_status": _pick(rng, SE_WEIGHTS),
        "founding_year": rng.randint(1990, 2025),
        "municipality": place.name_latn,
        "district_iso": place.district_iso,
        "employees_total": employees,
        "employees_women": women,
        "employees_vulnerable": vulnerable,
        "volunteers": rng.choice([None, 0, 2, 5, 10]),
        "mission": mission,
        "description": "Izmišljen unos za merenje performansi.",
        "status": "active",
        "field_visibility": visibility,
        "moderation": moderation,
        "moderation_note": "",
        "verified_at": now if moderation == "verified" else None,
        "source": "imported",
        "source_detail": "bench",
        "last_confirmed_at": now,
        "sort_name": fold(name)[:200],
        "search_text": search_text,
        "created_at": now,
        "updated_at": now,
    }


def _tags(rng: random.Random, org_id: int, tenant_id: int) -> list[dict]:
    values = {("kd", _pick(rng, KD_WEIGHTS)) for _ in range(rng.randint(1, 3))}
    values |= {
        ("group", v) for v in rng.sample(list(taxonomy.VULNERABLE_GROUPS), rng.randint(0, 2))
    }
    values |= {("interest", v) for v in rng.sample(list(taxonomy.GENERAL_INTEREST), rng.randint(0, 2))}  # fmt: skip
    return [
        {"tenant_id": tenant_id, "organization_id": org_id, "facet": facet, "value": value}
        for facet, value in sorted(values)
    ]


def _ties(rng: random.Random, tenant_id: int, verified: list[int], ids: list[int]) -> list[dict]:
    """The first verified entry is a hub tied to HUB_TIES others; about a third of the
    entries have one more tie."""
    kinds = list(taxonomy.RELATION_KINDS)
    seen = set()
    if verified:
        hub = verified[0]
        for other in verified[1 : HUB_TIES + 1]:
            seen.add((hub, other, rng.choice(kinds)) if other % 2 else (other, hub, "member_of"))
    for source in ids:
        if rng.random() < 0.33 and len(ids) > 1:
            target = rng.choice(ids)
            if target != source:
                seen.add((source, target, rng.choice(kinds)))
    return [
        {
            "tenant_id": tenant_id,
            "source_id": s,
            "target_id": t,
            "kind": k,
            "note": "",
            "created_at": utcnow(),
        }
        for s, t, k in sorted(seen)
    ]


def hub_and_typical(url: str, slug: str) -> tuple[int, int, int]:
    """(hub id, its number of ties, a typical verified entry with two ties) of a space."""
    app = make_app(normalise_url(url))
    with app.app_context(), cross_tenant():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
        ties = (
            select(Relationship.source_id.label("org"))
            .where(Relationship.tenant_id == tenant_id)
            .union_all(select(Relationship.target_id).where(Relationship.tenant_id == tenant_id))
            .subquery()
        )
        degree = (
            select(Organization.id, func.count(ties.c.org))
            .join(ties, ties.c.org == Organization.id)
            .where(Organization.tenant_id == tenant_id, Organization.moderation == "verified")
            .group_by(Organization.id)
            .order_by(func.count(ties.c.org).desc(), Organization.id)
        )
        rows = db.session.execute(degree).all()
        db.engine.dispose()
    hub, degree = rows[0]
    typical = next((id_ for id_, n in rows if n == 2), rows[-1][0])
    return hub, degree, typical


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--organizations", type=int, default=20_000)
    parser.add_argument("--largest-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(
        args.database_url,
        tenants=args.tenants,
        organizations=args.organizations,
        largest_share=args.largest_share,
        seed=args.seed,
    )


if __name__ == "__main__":
    main()
