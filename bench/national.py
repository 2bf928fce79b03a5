"""Measure the national overview on the main data set (issue 17 item 5), in-process.

    python bench/national.py                      # SQLite in instance/bench.sqlite3 (generated)
    python bench/national.py --reuse --requests 30 --warmup 3
    python bench/national.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench

Uses bench/generate.py's data set (50 spaces, 20,000 organizations by default), makes every
space take part in the national overview, then requests, as a logged-in administrator (a
visitor's page comes whole from the page cache; measured too): the overview, a search, one
district, a later page of the list, the map, the platform home and the CSV of one district.
After `--warmup` requests, `--requests` timed ones; then `--changes` times a write in one
space (an entry's description) and the one request after it: the aggregates recomputed, what
the first reader after a change pays. Each page's statements are asserted under CEILING.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import sqlalchemy as sa
from generate import DEFAULT_URL, generate, make_app
from run import BUDGET_MS, _load, client, login, machine, measure, percentile

from solidarna.core.database import normalise_url
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.tenants.models import Tenant

#: statements per request, whatever the data's size (tests/national asserts the same shape)
CEILING = 16


def pages() -> list[tuple[str, str]]:
    return [
        ("overview", "/overview/"),
        ("search q=zadruga", "/overview/?q=zadruga"),
        ("district RS-19", "/overview/?district=RS-19"),
        ("list page 20", "/overview/?page=20"),
        ("map by district", "/overview/map"),
        ("platform home", "/"),
        ("CSV of RS-19", "/overview/entries.csv?district=RS-19"),
    ]


def take_part(app) -> int:
    with app.app_context():
        db.session.execute(sa.update(Tenant).values(in_national_overview=True))
        db.session.commit()
        return db.session.scalar(sa.select(sa.func.count()).select_from(Tenant))


def change_one(app, n: int) -> None:
    with app.app_context():
        tenant_id = db.session.scalar(sa.select(Tenant.id).order_by(Tenant.id).limit(1))
        with tenant_context(tenant_id):
            org = db.session.scalars(sa.select(Organization).limit(1)).first()
            org.description = f"Izmena {n}."
            db.session.commit()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--organizations", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, tenants=args.tenants, organizations=args.organizations, largest_share=0.2,
                 seed=1, analyze=None)  # fmt: skip
    app = make_app(url)
    spaces = take_part(app)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    admin, visitor = client(app), client(app)
    login(admin)
    rows = []
    for name, path in pages():
        for viewer, who in (("admin", admin), ("visitor", visitor)):
            if viewer == "visitor" and name not in ("overview", "platform home"):
                continue
            timings, cpu, queries, size = measure(app, who, path, args.requests, args.warmup)
            assert queries <= CEILING, (path, queries)
            ms = [t * 1000 for t in timings]
            rows.append((name, viewer, queries, statistics.median(ms), percentile(ms, 0.95),
                         statistics.median(cpu) * 1000, size))  # fmt: skip
            print(f"{name:20} {viewer:7} {queries:3} queries  median {rows[-1][3]:6.1f} ms",
                  file=sys.stderr)  # fmt: skip
    after = []
    for n in range(args.changes):
        change_one(app, n)
        started = time.perf_counter()
        assert admin.get("/overview/").status_code == 200
        after.append((time.perf_counter() - started) * 1000)
    info["load_after"] = _load()
    print(f"\n{info['database']}, {spaces} spaces taking part, {args.organizations} organizations;"
          f" {info['cores']} cores, {info['processor']}; load {info['load_before']} → {info['load_after']}\n")  # fmt: skip
    print("| page | viewer | SQL | median ms | p95 ms | CPU ms | bytes |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, viewer, queries, median, p95, cpu_ms, size in rows:
        mark = "" if median <= BUDGET_MS else " ⚠"
        print(
            f"| {name} | {viewer} | {queries} | {median:.1f}{mark} | {p95:.1f} | {cpu_ms:.1f} | {size:,} |"
        )
    if after:
        print(f"\nFirst request after a change (aggregates recomputed), median of {len(after)}: "
              f"{statistics.median(after):.1f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
