"""Measure the key directory pages on a large data set, in-process (DESIGN §9).

    python bench/run.py                                   # SQLite in instance/bench.sqlite3
    python bench/run.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench
    python bench/run.py --tenants 50 --organizations 20000 --requests 100 --warmup 10

Generates the data (bench/generate.py; `--reuse` keeps an existing data set), then requests
each page through the Flask test client: after `--warmup` requests, `--requests` timed ones.
Reports the median and p95 server time (the whole request through the WSGI app, body
included) and the SQL statements each request issued, for the largest space (a national
one, `--largest-share` of all entries) and a typical district space. The budget is a median
under 25 ms. Results are also written to bench/results/ (JSON and Markdown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa
from generate import ADMIN_EMAIL, ADMIN_PASSWORD, DEFAULT_URL, generate, hub_and_typical, make_app
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from solidarna.core.database import normalise_url
from solidarna.core.tenancy import cross_tenant
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.tenants.models import Tenant

BUDGET_MS = 25.0
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Measurement:
    space: str
    entries: int
    page: str
    viewer: str
    url: str
    queries: int
    median_ms: float
    p95_ms: float
    max_ms: float
    #: CPU time of the serving thread (excludes PostgreSQL's own work; steadier on a busy host)
    cpu_median_ms: float
    bytes: int

    @property
    def within_budget(self) -> bool:
        return self.median_ms < BUDGET_MS


def pages(slug: str, hub: int, degree: int, typical: int) -> list[tuple[str, str, str]]:
    """(page, viewer, url) for a space."""
    return [
        ("directory list", "visitor", f"/{slug}/directory/"),
        ("filtered search (q + facet)", "visitor", f"/{slug}/directory/?q=zadruga&kd=A"),
        ("profile (2 ties)", "visitor", f"/{slug}/directory/{typical}"),
        (f"profile (hub, {degree} ties)", "visitor", f"/{slug}/directory/{hub}"),
        ("ecosystem overview", "visitor", f"/{slug}/ecosystem/"),
        ("directory list", "admin", f"/{slug}/directory/"),
        ("filtered search (q + facet)", "admin", f"/{slug}/directory/?q=zadruga&kd=A"),
        ("ecosystem overview", "admin", f"/{slug}/ecosystem/"),
    ]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def client(app):
    """A test client that talks https, as the reverse proxy does in production."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def login(client, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
    html = client.get("/auth/login").get_data(as_text=True)  # a visitor's pages carry none
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers={"Referer": "https://localhost/"},
    )
    assert response.status_code == 303, response.status_code


def measure(app, client, url: str, requests: int, warmup: int):
    """Wall and CPU timings (seconds) of `requests` requests after `warmup`, the SQL
    statements per request (must not vary), and the body size."""
    statements = [0]

    def count(conn, cursor, statement, parameters, context, executemany):
        statements[0] += 1

    with app.app_context():
        engine = db.engine
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    event.listen(engine, "before_cursor_execute", count)
    timings, cpu, counts = [], [], set()
    size = 0
    try:
        for _ in range(requests):
            statements[0] = 0
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.get(url)
            body = response.get_data()
            timings.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
            assert response.status_code == 200, (url, response.status_code)
            counts.add(statements[0])
            size = len(body)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if len(counts) != 1:
        print(f"warning: {url} issued a varying number of statements: {sorted(counts)}")
    return timings, cpu, max(counts), size


def spaces(app) -> list[tuple[str, int]]:
    """The largest space and the typical (median-sized) one, with their entry counts."""
    with app.app_context(), cross_tenant():
        rows = db.session.execute(
            select(Tenant.slug, func.count(Organization.id))
            .join(Organization, Organization.tenant_id == Tenant.id)
            .group_by(Tenant.slug)
            .order_by(func.count(Organization.id).desc(), Tenant.slug)
        ).all()
    largest = rows[0]
    rest = rows[1:] or rows
    typical = rest[len(rest) // 2]
    return [(largest[0], largest[1]), (typical[0], typical[1])]


def machine(url: str, app) -> dict:
    with app.app_context():
        dialect = db.engine.dialect.name
        version = db.session.scalar(
            sa.text("SELECT sqlite_version()" if dialect == "sqlite" else "SHOW server_version")
        )
    return {
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": _cpu_model(),
        "cores": os.cpu_count(),
        "database": f"{'SQLite' if dialect == 'sqlite' else 'PostgreSQL'} {version}",
        "url": make_url(url).render_as_string(hide_password=True),
    }


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def markdown(info: dict, results: list[Measurement], args) -> str:
    lines = [
        f"### {info['database']} — {info['date']}",
        "",
        f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}; "
        f"{info['platform']}.",
        f"Data: {args.organizations:,} organizations in {args.tenants} tenants; "
        f"{args.requests} timed requests per page after {args.warmup} warm-up requests. "
        f"Load average {info['load_before']} before, {info['load_after']} after.",
        "",
        "| Space (entries) | Page | Viewer | SQL statements | Median ms | p95 ms | CPU median ms "
        "| KB | Budget |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in results:
        lines.append(
            f"| {m.space} ({m.entries:,}) | {m.page} | {m.viewer} | {m.queries} | "
            f"{m.median_ms:.1f} | {m.p95_ms:.1f} | {m.cpu_median_ms:.1f} | {m.bytes / 1024:.0f} | "
            f"{'ok' if m.within_budget else '**over**'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--organizations", type=int, default=20_000)
    parser.add_argument("--largest-share", type=float, default=0.2)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None,
                        help="refresh planner statistics after loading (default: PostgreSQL only)")  # fmt: skip
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page is over budget")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)

    if not args.reuse:
        generate(
            url,
            tenants=args.tenants,
            organizations=args.organizations,
            largest_share=args.largest_share,
            seed=args.seed,
            analyze=args.analyze,
        )
    app = make_app(url)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    visitor, admin = client(app), client(app)
    login(admin)
    results: list[Measurement] = []
    measured = spaces(app)
    for slug, entries in measured:
        hub, degree, typical = hub_and_typical(url, slug)
        for page, viewer, path in pages(slug, hub, degree, typical):
            if slug != measured[0][0] and viewer == "admin":
                continue  # administrators are measured on the largest space only
            timings, cpu, queries, size = measure(
                app, admin if viewer == "admin" else visitor, path, args.requests, args.warmup
            )
            ms = [t * 1000 for t in timings]
            result = Measurement(
                space=slug,
                entries=entries,
                page=page,
                viewer=viewer,
                url=path,
                queries=queries,
                median_ms=statistics.median(ms),
                p95_ms=percentile(ms, 0.95),
                max_ms=max(ms),
                cpu_median_ms=statistics.median(cpu) * 1000,
                bytes=size,
            )
            results.append(result)
            print(
                f"{slug:9} {page:30} {viewer:7} {queries:3} queries  "
                f"median {result.median_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
                f"cpu {result.cpu_median_ms:6.1f} ms",
                file=sys.stderr,
            )
    info["load_after"] = _load()
    text = markdown(info, results, args)
    print()
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stem = f"{info['date']}-{info['database'].split()[0].lower()}"
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            {"machine": info, "args": vars(args), "results": [asdict(m) for m in results]},
            indent=2,
        )
    )
    over = [m for m in results if not m.within_budget]
    if over:
        print(f"{len(over)} page(s) over the {BUDGET_MS:.0f} ms median budget.")
    return 1 if over and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
