"""Measure the discussion pages on a large data set, in-process (DESIGN §9, issue 5 item 7).

    python bench/discussions.py                      # SQLite in instance/bench-discussions.sqlite3
    python bench/discussions.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_discussions
    python bench/discussions.py --reuse --requests 100 --warmup 10

Builds one space, "bench-discussions", with `--members` members and `--posts` posts (100,000
by default, DESIGN §9): a category with `--threads` threads (a few pinned), among them one
thread with `--long-thread` posts, and smaller categories (one for members only) holding the
rest of the posts. The database is emptied and rebuilt through the migrations first (as
bench/generate.py does: never point it at real data, nor at the directory benchmark's
database; `--reuse` keeps the data already there; BENCH_DISCUSSIONS_DATABASE_URL sets the
default URL). Then requests the discussions index, a category page (the first and
`--category-page`), the long thread (first page, page 50, last page) and a permalink
redirect, for an anonymous visitor and a logged-in member, through the Flask test client:
after `--warmup` requests, `--requests` timed ones. Prints a Markdown table: median and p95 server time, the median CPU time of the serving
thread, SQL statements per request, body size. The budget is a median under 25 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from generate import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    MEMBER_EMAIL,
    MEMBER_PASSWORD,
    _reset,
    make_app,
    planner_statistics,
)
from run import BUDGET_MS, _load, client, machine, percentile
from sqlalchemy import event, insert, select

from solidarna.core import markdown
from solidarna.core.database import normalise_url
from solidarna.core.models import utcnow
from solidarna.core.script import fold
from solidarna.core.tenancy import tenant_context
from solidarna.discussions.models import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    Category,
    Post,
    Subscription,
    Thread,
)
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Tenant

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = f"sqlite:///{ROOT / 'instance' / 'bench-discussions.sqlite3'}"
SLUG = "bench-discussions"
BATCH = 5_000

FIRST_NAMES = ["Marko", "Jelena", "Milan", "Vesna", "Ana", "Nikola", "Ivana", "Stefan", "Milica",
               "Dragan", "Snežana", "Miloš", "Jovana", "Zoran", "Tamara", "Nenad", "Dragana",
               "Aleksandar", "Biljana", "Đorđe", "Sanja", "Vladimir", "Gordana", "Žarko"]  # fmt: skip
LAST_NAMES = ["Petrović", "Jovanović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić",
              "Stanković", "Pavlović", "Milošević", "Todorović", "Živković", "Kostić", "Popović",
              "Savić", "Ristić", "Lukić", "Mitić", "Čolić", "Šarić"]  # fmt: skip
CATEGORIES = [
    # (name, description, visibility); the first gets --threads threads
    ("Opšta pitanja i iskustva", "Pitanja, saveti i iskustva iz rada socijalnih preduzeća.", "public"),
    ("Zakoni i propisi", "Zakon o socijalnom preduzetništvu, podzakonski akti, APR.", "public"),
    ("Pozivi i finansiranje", "Otvoreni pozivi, grantovi, krediti i javne nabavke.", "public"),
    ("Interno: samo za članove", "Dogovori članova mreže.", "members"),
]  # fmt: skip
OTHER_CATEGORY_THREADS = 400
TOPICS = ["Registracija socijalnog preduzeća", "Rezervisane javne nabavke", "Porez na dobit",
          "Zapošljavanje osoba sa invaliditetom", "Zadružni savez", "Sajam u Kruševcu",
          "Poziv Ministarstva za rad", "Knjigovodstvo zadruge", "Prodaja preko interneta",
          "Izveštaj o radu", "Mentorstvo za početnike", "Seoski turizam", "Pakovanje meda",
          "Sertifikat za organsku proizvodnju", "Ugovor sa opštinom", "Volonteri",
          "Fond za razvoj", "Obuka za poslovni plan", "Radna integracija Roma",
          "Zajednička nabavka ambalaže", "Status socijalnog preduzeća", "Subvencije za žene"]  # fmt: skip
ASKS = ["iskustva?", "kako ste vi rešili?", "pitanje za one koji su prošli", "koji rok važi?",
        "treba nam savet", "šta je novo", "primer dokumenta", "ko ide?", "predlog za mrežu",
        "da li se isplati?", "greška u rešenju", "gde naći obrasce", "dogovor za sledeći mesec"]  # fmt: skip
SENTENCES = [
    "Mi smo prošle godine prošli kroz isti postupak i trajalo je oko šest nedelja.",
    "Najviše vremena nam je oduzelo prikupljanje dokaza o zapošljavanju iz osetljivih grupa.",
    "Opština je bila spremna da podeli nabavku u partije, ali tek posle sastanka sa mrežom.",
    "Knjigovođa nam je rekao da se dobit mora reinvestirati u najmanje polovini iznosa.",
    "Zadruga ima dvanaest članica, sve iz okolnih sela, i prodajemo na tri pijace.",
    "Predlažem da napravimo zajednički spisak pitanja i pošaljemo ga ministarstvu.",
    "Ako neko ima primer godišnjeg izveštaja, bio bi nam od velike pomoći.",
    "Na sajmu smo prodali više nego za ceo prošli mesec, vredi se prijaviti na vreme.",
    "Rok za prijavu je petak, a potrebna je i izjava o partnerstvu sa lokalnom samoupravom.",
    "Hvala svima na odgovorima, ovo nam je mnogo olakšalo odluku.",
    "Ne slažem se sasvim: za malu zadrugu su troškovi sertifikacije previsoki.",
    "Kancelarija za socijalno preduzetništvo organizuje besplatne konsultacije utorkom.",
    "Javiću kako je prošlo kad dobijemo rešenje iz APR-a.",
    "Volonteri su nam najveća podrška u sezoni berbe, ali ih je teško zadržati.",
]
EXTRAS = [
    "**Važno:** proverite da li je izvod iz registra noviji od šest meseci.",
    "Koraci koji su nama pomogli:\n\n1. sastanak sa opštinom\n2. pismo podrške mreže\n3. prijava",
    "Pogledajte [vodič Kancelarije](https://example.org/vodic) i [obrasce](https://example.org/obrasci).",
    "> Da li je neko učestvovao u nabavci sa rezervisanim ugovorom?\n\nMi jesmo, dva puta.",
    "Spisak onoga što treba poneti:\n\n- lična karta\n- rešenje o upisu\n- *potvrda banke*",
    "Tačan naziv obrasca je `PR-SP-1`, piše na drugoj strani uputstva.",
]


@dataclass
class DataSet:
    members: int
    categories: int
    threads: int
    posts: int
    long_thread: int
    long_thread_posts: int
    main_category: int
    main_category_threads: int
    subscriptions: int
    distinct_bodies: int
    seconds: float


# --- data ------------------------------------------------------------------------------------


def _bodies(rng: random.Random, names: list[str], count: int) -> list[tuple[str, str]]:
    """`count` distinct post bodies and their HTML, each rendered once."""
    bodies: dict[str, str] = {}
    mentions = {fold(n): n for n in names}
    while len(bodies) < count:
        parts = rng.sample(SENTENCES, rng.randint(1, 4))
        if rng.random() < 0.4:
            parts.insert(rng.randint(0, len(parts)), rng.choice(EXTRAS))
        if rng.random() < 0.1:
            parts.insert(0, f"@[{rng.choice(names)}]")
        text = "\n\n".join(" ".join(parts[i : i + 2]) for i in range(0, len(parts), 2))
        if text not in bodies:
            bodies[text] = str(markdown.render(text, mentions))
    return list(bodies.items())


def _lengths(rng: random.Random, threads: int, posts: int) -> list[int]:
    """Posts per thread: at least one each, a long tail, summing exactly to `posts`."""
    lengths = [1 + min(int(rng.expovariate(1 / 6)), 150) for _ in range(threads)]
    total = sum(lengths)
    while total != posts:
        i = rng.randrange(threads)
        if total < posts:
            lengths[i] += 1
            total += 1
        elif lengths[i] > 1:
            lengths[i] -= 1
            total -= 1
    return lengths


def generate(
    url: str,
    *,
    members: int = 300,
    threads: int = 10_000,
    posts: int = 100_000,
    long_thread: int = 2_000,
    distinct_bodies: int = 400,
    seed: int = 1,
    analyze: bool | None = None,
    say=lambda *a: print(*a, file=sys.stderr),
) -> DataSet:
    """Empty the database at `url`, migrate it and fill one space with discussions."""
    started = time.perf_counter()
    rng = random.Random(seed)
    _reset(url)
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        from solidarna.accounts.models import User

        upgrade()
        say("schema ready")
        now = utcnow()
        admin = User(email=ADMIN_EMAIL, name="Benchmark Admin", email_verified_at=now)
        admin.set_password(ADMIN_PASSWORD)
        member = User(email=MEMBER_EMAIL, name="Milica Benčmarković", email_verified_at=now)
        member.set_password(MEMBER_PASSWORD)
        db.session.add_all([admin, member])
        db.session.flush()
        names = list(dict.fromkeys(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                                   for _ in range(members * 3)))[: members - 2]  # fmt: skip
        db.session.execute(
            insert(User.__table__),
            [
                {"email": f"clan{n}@example.org", "name": name, "email_verified_at": now,
                 "password_hash": member.password_hash, "locale": None, "active": True,
                 "is_platform_admin": False, "created_at": now, "updated_at": now}
                for n, name in enumerate(names)
            ],
        )  # fmt: skip
        user_ids = [admin.id, member.id] + list(
            db.session.scalars(
                select(User.id).where(User.email.like("clan%@example.org")).order_by(User.id)
            )
        )
        db.session.execute(
            insert(Tenant),
            [
                {
                    "slug": SLUG, "name": "Benchmark: razgovori", "kind": "coalition",
                    "region": "RS", "municipalities": [], "taxonomies": {},
                    "modules": ["directory", "resources", "discussions"], "visibility": "public",
                    "default_locale": "sr_Latn", "status": "active", "accent_color": "#0b6e4f",
                    "description": "Prostor za merenje performansi; podaci su izmišljeni.",
                    "starter": {},
                }
            ],
        )  # fmt: skip
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        roles = {admin.id: "owner", member.id: "member"}
        roles.update(dict.fromkeys(user_ids[2:4], "moderator"))
        with tenant_context(tenant_id):
            db.session.execute(
                insert(Membership.__table__),
                [
                    {"tenant_id": tenant_id, "user_id": uid, "role": roles.get(uid, "member"),
                     "status": "active", "message": "", "created_at": now, "updated_at": now}
                    for uid in user_ids
                ],
            )  # fmt: skip
            counts = _fill(
                rng, tenant_id, user_ids, names, now,
                threads=threads, posts=posts, long_thread=long_thread,
                distinct_bodies=distinct_bodies, say=say,
            )  # fmt: skip
        if db.engine.dialect.name == "postgresql":
            for table in ("discussion_categories", "discussion_threads", "discussion_posts"):
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    ).execution_options(all_tenants=True)  # raw SQL on a tenant table
                )
        db.session.commit()
        planner_statistics(db, analyze)
        db.engine.dispose()
    result = DataSet(members=len(user_ids), seconds=time.perf_counter() - started, **counts)
    say(
        f"generated {result.members} members, {result.categories} categories, "
        f"{result.threads:,} threads, {result.posts:,} posts ({result.distinct_bodies} distinct "
        f"bodies), {result.subscriptions:,} subscriptions in {result.seconds:.1f} s"
    )
    return result


def _fill(rng, tenant_id, user_ids, names, now, *, threads, posts, long_thread,
          distinct_bodies, say) -> dict:  # fmt: skip
    bodies = _bodies(rng, names, distinct_bodies)
    say(f"{len(bodies)} bodies rendered")
    plan = [threads] + [OTHER_CATEGORY_THREADS] * (len(CATEGORIES) - 1)
    lengths = _lengths(rng, sum(plan) - 1, posts - long_thread)
    long_index = threads // 3  # the long thread: somewhere in the first category
    lengths.insert(long_index, long_thread)
    bounds = [sum(plan[:i]) for i in range(len(plan) + 1)]
    table = Category.__table__
    db.session.execute(
        insert(table),
        [
            {"id": n, "tenant_id": tenant_id, "name": name, "description": description,
             "visibility": visibility, "position": n, "thread_count": plan[n - 1],
             "post_count": sum(lengths[bounds[n - 1] : bounds[n]]), "last_post_at": None,
             "created_at": now, "updated_at": now}
            for n, (name, description, visibility) in enumerate(CATEGORIES, start=1)
        ],
    )  # fmt: skip
    thread_rows, post_rows, follows = [], [], set()
    last_post = {}
    post_id = 0
    for index, n in enumerate(lengths):
        thread_id = index + 1
        category_id = next(c for c in range(1, len(plan) + 1) if index < bounds[c])
        span = timedelta(days=700) if index == long_index else timedelta(days=min(n, 60))
        start = now - timedelta(days=rng.uniform(1, 3 * 365)) - span
        times = [start] + sorted(start + span * rng.random() for _ in range(n - 1))
        authors = [rng.choice(user_ids) for _ in range(n)]
        if index == long_index:
            title = "Zakon o socijalnom preduzetništvu: primena u praksi (velika tema)"
        else:
            title = f"{rng.choice(TOPICS)}: {rng.choice(ASKS)}"
        thread_rows.append(
            {
                "id": thread_id, "tenant_id": tenant_id, "category_id": category_id,
                "subject_type": None, "subject_id": None, "title": title,
                "author_id": authors[0], "post_count": n, "last_post_at": times[-1],
                "last_author_id": authors[-1], "pinned": index - bounds[category_id - 1] < 3,
                "locked": False, "deleted_at": None, "created_at": times[0],
                "updated_at": times[-1],
            }
        )  # fmt: skip
        last_post[category_id] = max(last_post.get(category_id, times[-1]), times[-1])
        for number, (at, author) in enumerate(zip(times, authors, strict=True), start=1):
            post_id += 1
            body, html = rng.choice(bodies)
            post_rows.append(
                {
                    "id": post_id, "tenant_id": tenant_id, "thread_id": thread_id,
                    "number": number, "author_id": author, "body": body, "body_html": html,
                    "created_at": at, "edited_at": None, "edit_count": 0, "hidden_at": None,
                    "hidden_reason": "", "deleted_at": None, "deleted_by_id": None,
                    "open_reports": 0,
                }
            )  # fmt: skip
            follows.add((thread_id, author))
        if len(post_rows) >= BATCH or index == len(lengths) - 1:
            db.session.execute(insert(Thread.__table__), thread_rows)
            for first in range(0, len(post_rows), BATCH):
                db.session.execute(insert(Post.__table__), post_rows[first : first + BATCH])
            thread_rows, post_rows = [], []
    for category_id, at in last_post.items():
        db.session.execute(
            sa.update(table).where(table.c.id == category_id).values(last_post_at=at)
        )
    follow_rows = [
        {"tenant_id": tenant_id, "thread_id": t, "user_id": u, "following": True, "created_at": now}
        for t, u in sorted(follows)
    ]
    for first in range(0, len(follow_rows), BATCH * 4):
        db.session.execute(insert(Subscription.__table__), follow_rows[first : first + BATCH * 4])
    return {
        "categories": len(CATEGORIES),
        "threads": len(lengths),
        "posts": post_id,
        "long_thread": long_index + 1,
        "long_thread_posts": long_thread,
        "main_category": 1,
        "main_category_threads": threads,
        "subscriptions": len(follow_rows),
        "distinct_bodies": len(bodies),
    }


def describe(url: str) -> dict:
    """What is in the database (for `--reuse` as much as after generating)."""
    from solidarna.accounts.models import User

    app = make_app(url)
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        if tenant_id is None:
            raise SystemExit(f"no space {SLUG!r} in the database: run without --reuse")
        with tenant_context(tenant_id):
            main = db.session.execute(
                select(Category.id, Category.thread_count).order_by(Category.thread_count.desc())
            ).first()
            long = db.session.execute(
                select(Thread.id, Thread.post_count).order_by(Thread.post_count.desc())
            ).first()
            info = {
                "members": db.session.scalar(select(sa.func.count()).select_from(Membership)),
                "users": db.session.scalar(select(sa.func.count()).select_from(User)),
                "categories": db.session.scalar(select(sa.func.count()).select_from(Category)),
                "threads": db.session.scalar(select(sa.func.count()).select_from(Thread)),
                "posts": db.session.scalar(select(sa.func.count()).select_from(Post)),
                "main_category": main[0],
                "main_category_threads": main[1],
                "long_thread": long[0],
                "long_thread_posts": long[1],
            }
        db.engine.dispose()
    return info


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Measurement:
    page: str
    viewer: str
    url: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    cpu_median_ms: float
    bytes: int

    @property
    def within_budget(self) -> bool:
        return self.median_ms < BUDGET_MS


def pages(info: dict, category_page: int) -> list[tuple[str, str, int]]:
    """(page, url, expected status)."""
    base = f"/{SLUG}/discussions"
    category, thread = info["main_category"], info["long_thread"]
    threads, posts = info["main_category_threads"], info["long_thread_posts"]
    last = (posts - 1) // POSTS_PER_PAGE + 1
    target = max(posts - 1, 1)
    category_page = min(category_page, (threads - 1) // THREADS_PER_PAGE + 1)
    return [
        ("index", f"{base}/", 200),
        (f"category ({threads:,} threads), page 1", f"{base}/c/{category}", 200),
        (f"category, page {category_page}", f"{base}/c/{category}?page={category_page}", 200),
        (f"thread ({posts:,} posts), page 1", f"{base}/t/{thread}", 200),
        ("thread, page 50", f"{base}/t/{thread}?page=50", 200),
        (f"thread, last page ({last})", f"{base}/t/{thread}?page={last}", 200),
        (f"permalink to post {target:,} (303)", f"{base}/t/{thread}/post/{target}", 303),
    ]


def login(client, email: str, password: str) -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers={"Referer": "https://localhost/auth/login"},
    )
    assert response.status_code == 303, response.status_code


def measure(app, client, url: str, status: int, requests: int, warmup: int):
    """Wall and CPU times (ms) of `requests` requests after `warmup`, the SQL statements per
    request (the most seen; a warning if they vary) and the body size."""
    statements = [0]

    def count(conn, cursor, statement, parameters, context, executemany):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
    event.listen(engine, "before_cursor_execute", count)
    wall, cpu, counts, size = [], [], set(), 0
    try:
        for _ in range(requests):
            statements[0] = 0
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.get(url)
            body = response.get_data()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            assert response.status_code == status, (url, response.status_code)
            counts.add(statements[0])
            size = len(body)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if len(counts) != 1:
        print(f"warning: {url} issued a varying number of statements: {sorted(counts)}")
    return wall, cpu, max(counts), size


def measure_at_two_sizes(app, browser, pages, small_pages, *, viewer: str, size: str,
                         ceiling: int, requests: int, warmup: int, only: str = "",
                         status: int = 200) -> tuple[list[Measurement], list[str]]:  # fmt: skip
    """The loop of the in-process benchmarks whose data comes at two sizes (bench/events.py,
    support.py, research.py): each (page, path) of `pages` timed at full size (`requests`
    after `warmup`), its twin in `small_pages` (the same page at a tenth of the data) once,
    only to count its statements. Returns the measurements and the problems: a page whose
    statements differ at the two sizes (`size` names the full one, e.g. "2,000
    applications") or exceed `ceiling`. Pages whose name does not contain `only` are left out."""
    results, problems = [], []
    for (page, path), (_page, small_path) in zip(pages, small_pages, strict=True):
        if only not in page:
            continue
        wall, cpu, queries, body = measure(app, browser, path, status, requests, warmup)
        _w, _c, small_queries, _b = measure(app, browser, small_path, status, 1, warmup)
        if small_queries != queries:
            problems.append(f"{page}: {queries} SQL statements at {size}, {small_queries} at "
                            "a tenth")  # fmt: skip
        if queries > ceiling:
            problems.append(f"{page}: {queries} SQL statements (ceiling {ceiling})")
        result = Measurement(
            page=page, viewer=viewer, url=path, status=status, queries=queries,
            median_ms=statistics.median(wall), p95_ms=percentile(wall, 0.95),
            cpu_median_ms=statistics.median(cpu), bytes=body,
        )  # fmt: skip
        results.append(result)
        print(f"{page:45} {queries:3} queries  median {result.median_ms:8.1f} ms  "
              f"p95 {result.p95_ms:8.1f} ms  cpu {result.cpu_median_ms:8.1f} ms",
              file=sys.stderr)  # fmt: skip
    return results, problems


def two_sizes_table(results: list[Measurement]) -> str:
    """The Markdown table of `measure_at_two_sizes`'s measurements."""
    lines = [
        "| Page | SQL statements (the same at a tenth) | Median ms | p95 ms | CPU median ms | KB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {m.page} | {m.queries} | {m.median_ms:.1f} | {m.p95_ms:.1f} | "
        f"{m.cpu_median_ms:.1f} | {m.bytes / 1024:.0f} |"
        for m in results
    ]
    return "\n".join(lines)


def markdown_table(info: dict, data: dict, results: list[Measurement], args) -> str:
    lines = [
        f"### Discussions, {info['database']} — {info['date']}",
        "",
        f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}; "
        f"{info['platform']}.",
        f"Data: space `{SLUG}`, {data['members']} members, {data['categories']} categories, "
        f"{data['threads']:,} threads ({data['main_category_threads']:,} in the measured "
        f"category), {data['posts']:,} posts (the measured thread: "
        f"{data['long_thread_posts']:,}); {args.requests} timed requests per page after "
        f"{args.warmup} warm-up requests. Load average {info['load_before']} before, "
        f"{info['load_after']} after.",
        "",
        "| Page | Viewer | SQL statements | Median ms | p95 ms | CPU median ms | KB | Budget |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in results:
        lines.append(
            f"| {m.page} | {m.viewer} | {m.queries} | {m.median_ms:.1f} | {m.p95_ms:.1f} | "
            f"{m.cpu_median_ms:.1f} | {m.bytes / 1024:.0f} | "
            f"{'ok' if m.within_budget else '**over**'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DISCUSSIONS_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--threads", type=int, default=10_000, help="in the measured category")
    parser.add_argument("--posts", type=int, default=100_000, help="in the whole space")
    parser.add_argument("--long-thread", type=int, default=2_000, help="posts in the long thread")
    parser.add_argument("--category-page", type=int, default=300)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None,
                        help="refresh planner statistics after loading (default: PostgreSQL only)")  # fmt: skip
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page is over budget")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)

    if not args.reuse:
        generate(
            url, members=args.members, threads=args.threads, posts=args.posts,
            long_thread=args.long_thread, seed=args.seed, analyze=args.analyze,
        )  # fmt: skip
    data = describe(url)
    print(f"data: {data}", file=sys.stderr)
    app = make_app(url)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    viewers = {"visitor": client(app), "member": client(app)}
    login(viewers["member"], MEMBER_EMAIL, MEMBER_PASSWORD)
    results = []
    for viewer, browser in viewers.items():
        for page, path, status in pages(data, args.category_page):
            wall, cpu, queries, size = measure(
                app, browser, path, status, args.requests, args.warmup
            )
            result = Measurement(
                page=page, viewer=viewer, url=path, status=status, queries=queries,
                median_ms=statistics.median(wall), p95_ms=percentile(wall, 0.95),
                cpu_median_ms=statistics.median(cpu), bytes=size,
            )  # fmt: skip
            results.append(result)
            print(
                f"{page:40} {viewer:7} {queries:3} queries  median {result.median_ms:6.1f} ms  "
                f"p95 {result.p95_ms:6.1f} ms  cpu {result.cpu_median_ms:6.1f} ms",
                file=sys.stderr,
            )
    info["load_after"] = _load()
    print()
    print(markdown_table(info, data, results, args))
    over = [m for m in results if not m.within_budget]
    if over:
        print(f"{len(over)} page(s) over the {BUDGET_MS:.0f} ms median budget.")
    return 1 if over and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
