"""Measure the support office's pages on a space of 10,000 cases, in-process (issue 18 item 10).

    python bench/support.py                       # SQLite in instance/bench-support.sqlite3
    python bench/support.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_support
    python bench/support.py --reuse --requests 5 --warmup 1

Builds the space "bench-support" with three advisors and `--cases` support cases (10,000)
inserted in bulk over 24 months, eight categories, ten municipalities and every status (about
40% open, a part of them overdue), each with one to three barrier codes (the kit's defaults)
and one message. The database is emptied and rebuilt through the migrations first (never
point it at real data; `--reuse` keeps what is there).

Then, as the space's owner (an advisor): the dashboard (all, one advisor's, the unassigned,
a later page), the barriers page (all, filtered by municipality and category), the
anonymized statistics and one case's page; after `--warmup` requests, `--requests` timed ones.
Each page's SQL statements are asserted under CEILING and to be the same with a tenth of the
cases (`--cases` / 10 in a second space): the pages are a few GROUP BY statements and one page
of rows, whatever the number of cases. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import timedelta

from discussions import login, measure_at_two_sizes, two_sizes_table
from generate import ADMIN_EMAIL, ADMIN_PASSWORD, bench_space, fresh_database, make_app
from run import _load, client, machine
from sqlalchemy import func, insert, select

from solidarna.accounts.models import User
from solidarna.core.database import normalise_url
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.support.kit import DEFAULT_BARRIERS, DEFAULT_CATEGORIES
from solidarna.support.models import (
    PRIORITIES,
    SupportCase,
    SupportCaseBarrier,
    SupportMessage,
)
from solidarna.tenants.models import Membership, Tenant

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_URL = f"sqlite:///{os.path.join(ROOT, 'instance', 'bench-support.sqlite3')}"
SLUG, SMALL_SLUG = "bench-support", "bench-support-small"
BATCH = 5_000
CEILING = 20
MODULES = ["directory", "support"]
PLACES = ["Kruševac", "Trstenik", "Brus", "Aleksandrovac", "Varvarin", "Ćićevac", "Niš",
          "Čačak", "Kraljevo", "Novi Pazar"]  # fmt: skip
STATUSES = ["new", "triaged", "in_progress", "waiting", "resolved", "closed", "closed", "resolved",
            "closed", "closed"]  # fmt: skip


def fill(rng, tenant_id: int, count: int, requester_id: int, advisor_ids: list[int], now,
         first_id: int) -> None:  # fmt: skip
    codes, categories, priorities = (
        list(DEFAULT_BARRIERS),
        list(DEFAULT_CATEGORIES),
        list(PRIORITIES),
    )
    cases, barriers, messages = [], [], []
    for n in range(count):
        asked = now - timedelta(days=rng.randrange(0, 730), minutes=n)
        status = STATUSES[n % len(STATUSES)]
        due = (now + timedelta(days=rng.randrange(-20, 30))).date() if n % 3 else None
        case_id = first_id + n
        cases.append({
            "id": case_id, "tenant_id": tenant_id, "requester_id": requester_id,
            "organization_id": None, "organization_name": "", "category": rng.choice(categories),
            "description": f"Zahtev za podršku broj {n} (merenje).",
            "municipality": PLACES[n % len(PLACES)], "contact_method": "email", "phone": "",
            "month": asked.strftime("%Y-%m"), "status": status,
            "priority": rng.choice(priorities),
            "advisor_id": advisor_ids[n % len(advisor_ids)] if n % 5 else None, "due_on": due,
            "resolved_at": None, "erased_at": None, "created_at": asked, "updated_at": asked,
        })  # fmt: skip
        for code in rng.sample(codes, rng.randint(1, 3)):
            barriers.append({"tenant_id": tenant_id, "case_id": case_id, "code": code})
        messages.append({"tenant_id": tenant_id, "case_id": case_id, "author_id": requester_id,
                         "from_requester": True, "body": "Poruka (merenje).", "file_id": None,
                         "created_at": asked})  # fmt: skip
    for table, rows in ((SupportCase, cases), (SupportCaseBarrier, barriers),
                        (SupportMessage, messages)):  # fmt: skip
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(table), rows[start : start + BATCH])


def generate(url: str, *, cases: int, seed: int = 1, analyze=None,
             say=lambda *a: print(*a, file=sys.stderr)) -> None:  # fmt: skip
    rng = random.Random(seed)
    with fresh_database(url, analyze, say) as (admin, member, now):
        advisors = []
        for n in range(2):
            user = User(email=f"savetnik{n}@example.org", name=f"Savetnik {n}",
                        email_verified_at=now, password_hash=admin.password_hash)  # fmt: skip
            db.session.add(user)
            advisors.append(user)
        db.session.flush()
        first_id = 1
        for slug, count in ((SLUG, cases), (SMALL_SLUG, max(cases // 10, 1))):
            db.session.execute(insert(Tenant), [bench_space(slug, f"Benchmark: podrška ({slug})",
                                                            MODULES)])  # fmt: skip
            tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
            with tenant_context(tenant_id):
                db.session.execute(insert(Membership.__table__), [
                    {"tenant_id": tenant_id, "user_id": user.id, "role": role, "status": "active",
                     "message": "", "created_at": now, "updated_at": now}
                    for user, role in ((admin, "owner"), (advisors[0], "admin"),
                                       (advisors[1], "admin"), (member, "member"))
                ])  # fmt: skip
                fill(rng, tenant_id, count, member.id, [admin.id] + [a.id for a in advisors], now,
                     first_id)  # fmt: skip
                first_id += count
            say(f"{slug}: {count} cases")


def describe(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        info = {}
        for slug in (SLUG, SMALL_SLUG):
            tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == slug))
            if tenant_id is None:
                raise SystemExit(f"no space {slug!r} in the database: run without --reuse")
            with tenant_context(tenant_id):
                info[slug] = {
                    "cases": db.session.scalar(select(func.count()).select_from(SupportCase)),
                    "barriers": db.session.scalar(
                        select(func.count()).select_from(SupportCaseBarrier)),
                    "case": db.session.scalar(select(func.max(SupportCase.id))),
                    "advisor": db.session.scalar(
                        select(SupportCase.advisor_id).where(SupportCase.advisor_id.is_not(None))
                        .limit(1)),
                }  # fmt: skip
        db.engine.dispose()
    return info


def pages(slug: str, data: dict) -> list[tuple[str, str]]:
    base = f"/{slug}/support"
    return [
        ("dashboard", f"{base}/office/"),
        ("dashboard, one advisor", f"{base}/office/?advisor={data['advisor']}"),
        ("dashboard, unassigned", f"{base}/office/?advisor=none"),
        ("dashboard, page 3", f"{base}/office/?page=3"),
        ("barriers", f"{base}/office/barriers"),
        ("barriers, municipality and category",
         f"{base}/office/barriers?municipality=Brus&category=legal_form"),
        ("statistics", f"{base}/office/statistics"),
        ("a case", f"{base}/{data['case']}/"),
    ]  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_SUPPORT_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=5, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, cases=args.cases, seed=args.seed, analyze=args.analyze)
    data = describe(url)
    print(f"data: {data}", file=sys.stderr)
    app = make_app(url)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    browser = client(app)
    login(browser, ADMIN_EMAIL, ADMIN_PASSWORD)
    results, problems = measure_at_two_sizes(
        app, browser, pages(SLUG, data[SLUG]), pages(SMALL_SLUG, data[SMALL_SLUG]),
        viewer="advisor", size=f"{data[SLUG]['cases']:,} cases", ceiling=CEILING,
        requests=args.requests, warmup=args.warmup, only=args.only,
    )  # fmt: skip
    info["load_after"] = _load()
    print()
    print(f"### Support, {info['database']} — {info['date']}\n")
    print(f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}. "
          f"Data: space `{SLUG}` with {data[SLUG]['cases']:,} support cases "
          f"({data[SLUG]['barriers']:,} barrier tags, one message each) over 24 months, and "
          f"`{SMALL_SLUG}` with a tenth. {args.requests} timed requests per page after "
          f"{args.warmup} warm-up, as the space's owner (an advisor). Load average (`uptime`) "
          f"{info['load_before']} before, {info['load_after']} after.\n")  # fmt: skip
    print(two_sizes_table(results))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
