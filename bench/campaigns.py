"""Measure the campaign pages on a large data set, in-process (issue 15 item 9).

    python bench/campaigns.py                       # SQLite in instance/bench-campaigns.sqlite3
    python bench/campaigns.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_campaigns
    python bench/campaigns.py --reuse --requests 20 --warmup 3

Builds the owner space "bench-campaigns" and `--partners` partner spaces (40), each with an
accepted partnership in one advocacy platform signed by `--signatures` organizations (3,000):
`--own` of them (300) verified entries of the owner's directory with a location (so the map
draws them), the rest from the partner spaces in turn; 30 steps on the timeline and 60
comments from the spaces. The database is emptied and rebuilt through the migrations first
(never point it at real data; `--reuse` keeps what is there; BENCH_CAMPAIGNS_DATABASE_URL sets
the default URL).

Then requests, as a logged-in member of the owner space and of the first partner space
(visitors' pages come from the page cache): the campaign's page in the owner space and in the
partner space, the print view, the signatories as CSV and as JSON, the open letter DOCX and
the list; after `--warmup` requests, `--requests` timed ones, then `--changes` times a change
(a comment) and the one request after it (what the first reader after a change pays, in a
warm process). Each page's SQL statements are
asserted under CEILING (the same bound tests/campaigns asserts at 3 and 150 signatures). Prints
a Markdown table like bench/proposals.py.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

import sqlalchemy as sa
from discussions import Measurement, login, measure
from generate import (
    MEMBER_EMAIL,
    MEMBER_PASSWORD,
    bench_space,
    fresh_database,
    make_app,
)
from run import BUDGET_MS, _load, client, machine, percentile
from sqlalchemy import insert, select

from solidarna.campaigns.models import (
    Campaign,
    CampaignAction,
    CampaignComment,
    CampaignSignature,
)
from solidarna.core.database import normalise_url
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Partnership, Tenant

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_URL = f"sqlite:///{os.path.join(ROOT, 'instance', 'bench-campaigns.sqlite3')}"
SLUG = "bench-campaigns"
PARTNER = "bench-partner-{:02d}"
TITLE = "Rezervisane javne nabavke za socijalna preduzeća (merenje)"
BATCH = 2_000
#: SQL statements per page, at most, whatever the data's size (asserted here and in
#: tests/campaigns/test_query_counts.py)
CEILING = 30
MODULES = ["directory", "resources", "discussions", "proposals", "campaigns"]
PLACES = (("Kruševac", 43.58, 21.33), ("Brus", 43.38, 21.03), ("Trstenik", 43.62, 20.99),
          ("Niš", 43.32, 21.90), ("Novi Sad", 45.25, 19.84), ("Subotica", 46.10, 19.67),
          ("Čačak", 43.89, 20.35), ("Vranje", 42.55, 21.90), ("Beograd", 44.82, 20.46),
          ("Kragujevac", 44.01, 20.91))  # fmt: skip
TYPES = (("association", "Udruženje"), ("cooperative", "Zadruga"),
         ("social_enterprise", "Socijalno preduzeće"), ("foundation", "Fondacija"))  # fmt: skip


def generate(url: str, *, partners: int, signatures: int, own: int, seed: int = 1,
             analyze: bool | None = None, say=lambda *a: print(*a, file=sys.stderr)) -> float:  # fmt: skip
    started = time.perf_counter()
    rng = random.Random(seed)
    with fresh_database(url, analyze, say) as (admin, member, now):
        db.session.execute(
            insert(Tenant),
            [bench_space(SLUG, "Benchmark: platforme", MODULES)]
            + [bench_space(PARTNER.format(n), f"Partnerski prostor {n:02d}", MODULES) for n in range(partners)],
        )  # fmt: skip
        ids = dict(db.session.execute(select(Tenant.slug, Tenant.id)).all())
        owner_id = ids[SLUG]
        partner_ids = [ids[PARTNER.format(n)] for n in range(partners)]
        for tenant_id in [owner_id, *partner_ids]:
            people = [(admin.id, "owner")]
            if tenant_id in (owner_id, partner_ids[0]):
                people.append((member.id, "member"))
            with tenant_context(tenant_id):
                db.session.execute(
                    insert(Membership.__table__),
                    [{"tenant_id": tenant_id, "user_id": uid, "role": role, "status": "active",
                      "message": "", "created_at": now, "updated_at": now}
                     for uid, role in people],
                )  # fmt: skip
        with tenant_context(owner_id):
            campaign_id = _fill(rng, owner_id, partner_ids, admin.id, now,
                                signatures=signatures, own=own)  # fmt: skip
        db.session.execute(
            insert(Partnership),
            [{"owner_tenant_id": owner_id, "partner_tenant_id": pid, "subject_type": "campaign",
              "subject_id": campaign_id, "subject_title": TITLE, "status": "accepted",
              "invited_by_id": admin.id, "created_at": now, "updated_at": now}
             for pid in partner_ids],
        )  # fmt: skip
    seconds = time.perf_counter() - started
    say(f"generated in {seconds:.1f} s")
    return seconds


def _fill(rng, owner_id, partner_ids, author_id, now, *, signatures, own) -> int:
    db.session.execute(
        insert(Organization),
        [{"tenant_id": owner_id, "name": f"Organizacija {n:04d}", "sort_name": f"organizacija {n:04d}",
          "legal_form": "cooperative" if TYPES[n % 4][0] == "cooperative" else "association",
          "actor_type": TYPES[n % 4][0], "municipality": PLACES[n % len(PLACES)][0],
          "latitude": PLACES[n % len(PLACES)][1] + rng.uniform(-0.05, 0.05),
          "longitude": PLACES[n % len(PLACES)][2] + rng.uniform(-0.05, 0.05),
          "district_iso": "RS-19", "moderation": "verified", "se_status": "no",
          "status": "active", "source": "office", "source_detail": "bench",
          "field_visibility": {}, "search_text": f"organizacija {n:04d}", "verified_at": now,
          "last_confirmed_at": now, "created_at": now, "updated_at": now}
         for n in range(own)],
    )  # fmt: skip
    own_orgs = list(db.session.scalars(select(Organization.id).order_by(Organization.id)))
    campaign = Campaign(
        title=TITLE, goal="Da se **rezervisane javne nabavke** primenjuju u celoj Srbiji.",
        institutions=["Vlada Republike Srbije", "Kancelarija za javne nabavke"],
        status="open", created_by_id=author_id, signature_count=signatures,
    )  # fmt: skip
    campaign.refresh_search()
    db.session.add(campaign)
    db.session.flush()
    rows = []
    for n in range(signatures):
        kind, label = TYPES[n % 4]
        place = PLACES[n % len(PLACES)][0]
        if n < own:
            origin, org_id = owner_id, own_orgs[n]
        else:
            origin, org_id = partner_ids[n % len(partner_ids)], 100_000 + n
        rows.append({"tenant_id": owner_id, "campaign_id": campaign.id, "organization_id": org_id,
                     "organization_name": f"Organizacija {n:04d}", "municipality": place,
                     "actor_type": kind, "actor_type_label": label, "legal_form_label": label,
                     "origin_tenant_id": origin, "signer_name": f"Predstavnik {n}",
                     "signed_by_id": author_id, "signed_at": now - timedelta(minutes=n)})  # fmt: skip
    for first in range(0, len(rows), BATCH):
        db.session.execute(insert(CampaignSignature), rows[first : first + BATCH])
    db.session.execute(insert(CampaignAction), [
        {"tenant_id": owner_id, "campaign_id": campaign.id, "kind": "letter",
         "happened_on": date(2026, 1, 1) + timedelta(days=n), "title": f"Pismo {n}",
         "note": "Poslato pismo.", "evidence_url": "", "created_by_id": author_id,
         "created_at": now, "updated_at": now}
        for n in range(30)
    ])  # fmt: skip
    db.session.execute(insert(CampaignComment), [
        {"tenant_id": owner_id, "campaign_id": campaign.id,
         "origin_tenant_id": ([owner_id, *partner_ids])[n % (len(partner_ids) + 1)],
         "author_id": author_id, "author_name": f"Autor {n}", "body": f"Komentar *{n}*.",
         "hidden": False, "created_at": now - timedelta(minutes=n)}
        for n in range(60)
    ])  # fmt: skip
    return campaign.id


def describe(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        owner_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        if owner_id is None:
            raise SystemExit(f"no space {SLUG!r} in the database: run without --reuse")
        with tenant_context(owner_id):
            campaign = db.session.scalar(select(Campaign).where(Campaign.title == TITLE))
            info = {
                "campaign": campaign.id,
                "signatures": db.session.scalar(
                    select(sa.func.count())
                    .select_from(CampaignSignature)
                    .where(CampaignSignature.campaign_id == campaign.id)
                ),  # fmt: skip
                "spaces": db.session.scalar(
                    select(sa.func.count(sa.distinct(CampaignSignature.origin_tenant_id))).where(
                        CampaignSignature.campaign_id == campaign.id
                    )
                ),  # fmt: skip
            }
        db.engine.dispose()
    return info


def pages(info: dict) -> list[tuple[str, str]]:
    cid, n = info["campaign"], info["signatures"]
    base, shared = f"/{SLUG}/campaigns", f"/{PARTNER.format(0)}/campaigns"
    return [
        (f"campaign page ({n:,} signatories, {info['spaces']} spaces)", f"{base}/{cid}"),
        ("the same, in a partner space", f"{shared}/{cid}"),
        ("print view", f"{base}/{cid}/print"),
        ("signatories CSV", f"{base}/{cid}/signatories.csv"),
        ("signatories JSON", f"{base}/{cid}/signatories.json"),
        ("open letter DOCX", f"{base}/{cid}/letter.docx"),
        ("list (owner space)", f"{base}/"),
        ("list (partner space)", f"{shared}/"),
    ]


def first(app, browser, path: str) -> tuple[int, float, float]:
    """The first request of a page after the data is there (nothing kept yet in the fragment
    and download caches, which live in the process): statements, wall and CPU ms."""
    seen = [0]

    def count(*_args):
        seen[0] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = browser.get(path)
        response.get_data()
        wall = (time.perf_counter() - started) * 1000
        cpu = (time.thread_time() - started_cpu) * 1000
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (path, response.status_code)
    return seen[0], wall, cpu


def change(app, info: dict) -> None:
    """A change in the owner space, as a reader's comment makes it (the commonest change): it
    raises the space's marker, so the pages' kept fragments and downloads are drawn again."""
    with app.app_context():
        owner_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_context(owner_id):
            db.session.add(CampaignComment(campaign_id=info["campaign"], origin_tenant_id=owner_id,
                                           author_name="Merenje", body="Promena."))  # fmt: skip
            db.session.commit()


def after_change(app, browser, info: dict, path: str, times: int) -> tuple[float, float]:
    """The first request of a page after a change, in a warm process (`times` changes, each
    followed by one request): the median wall and CPU ms. Unlike the first request of the
    run, this is what the first reader after a comment or a signature pays."""
    wall, cpu = [], []
    for _ in range(times):
        change(app, info)
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = browser.get(path)
        response.get_data()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(wall), statistics.median(cpu)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_CAMPAIGNS_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--partners", type=int, default=40)
    parser.add_argument("--signatures", type=int, default=3_000)
    parser.add_argument("--own", type=int, default=300, help="signatories of the owner space")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--changes", type=int, default=5, help="changes, each followed by one request, per page"
    )
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page is over budget")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, partners=args.partners, signatures=args.signatures, own=args.own,
                 seed=args.seed, analyze=args.analyze)  # fmt: skip
    data = describe(url)
    print(f"data: {data}", file=sys.stderr)
    app = make_app(url)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    browser = client(app)
    login(browser, MEMBER_EMAIL, MEMBER_PASSWORD)
    results, too_many = [], []
    firsts, changed = [], []
    for page, path in pages(data):
        firsts.append(first(app, browser, path))
        wall, cpu, queries, size = measure(app, browser, path, 200, args.requests, args.warmup)
        changed.append(after_change(app, browser, data, path, args.changes))
        result = Measurement(
            page=page, viewer="member", url=path, status=200, queries=queries,
            median_ms=statistics.median(wall), p95_ms=percentile(wall, 0.95),
            cpu_median_ms=statistics.median(cpu), bytes=size,
        )  # fmt: skip
        results.append(result)
        if queries > CEILING:
            too_many.append(f"{page}: {queries} SQL statements (ceiling {CEILING})")
        print(f"{page:50} {queries:3} queries  median {result.median_ms:7.1f} ms  "
              f"p95 {result.p95_ms:7.1f} ms  cpu {result.cpu_median_ms:7.1f} ms",
              file=sys.stderr)  # fmt: skip
    info["load_after"] = _load()
    print()
    print(f"### Campaigns, {info['database']} — {info['date']}\n")
    print(f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}. "
          f"Data: space `{SLUG}` and {args.partners} partner spaces; one advocacy platform "
          f"with {data['signatures']:,} signatory organizations from {data['spaces']} spaces, "
          f"30 timeline steps, 60 comments. {args.requests} timed requests per page after "
          f"{args.warmup} warm-up requests, as a logged-in member of the owner space and of "
          f"the first partner space. Load average (`uptime`) {info['load_before']} before, "
          f"{info['load_after']} after.\n")  # fmt: skip
    print(
        "| Page | SQL statements | Median ms | p95 ms | CPU median ms | KB | Budget "
        "| First request: statements, wall ms, CPU ms | After a change: wall ms, CPU ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|---|")
    for m, (n, wall_ms, cpu_ms), (c_wall, c_cpu) in zip(results, firsts, changed, strict=True):
        print(f"| {m.page} | {m.queries} | {m.median_ms:.1f} | {m.p95_ms:.1f} | "
              f"{m.cpu_median_ms:.1f} | {m.bytes / 1024:.0f} | "
              f"{'ok' if m.within_budget else '**over**'} | {n}, {wall_ms:.1f}, {cpu_ms:.1f} | "
              f"{c_wall:.1f}, {c_cpu:.1f} |")  # fmt: skip
    if too_many:
        print("\n".join(too_many), file=sys.stderr)
        return 1
    over = [m for m in results if not m.within_budget]
    if over:
        print(f"\n{len(over)} page(s) over the {BUDGET_MS:.0f} ms median budget.")
    return 1 if over and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
