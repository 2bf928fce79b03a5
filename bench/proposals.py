"""Measure the proposal pages on a large data set, in-process (DESIGN §9, issue 13 item 13).

    python bench/proposals.py                       # SQLite in instance/bench-proposals.sqlite3
    python bench/proposals.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_proposals
    python bench/proposals.py --reuse --requests 50 --warmup 5

Builds one space, "bench-proposals", with `--proposals` proposals (2,000) for the list and one
large proposal: `--articles` articles (120, in chapters of ten), `--versions` versions (200,
each changing one to three articles, so the first and the last differ in most of them) and
`--endorsers` endorsing organizations (300, verified entries of the space's directory). The
database is emptied and rebuilt through the migrations first (never point it at real data;
`--reuse` keeps what is there; BENCH_PROPOSALS_DATABASE_URL sets the default URL).

Then requests, as a logged-in member (visitors' pages come from the page cache), the list
(page 1, a filtered page, a deep page), the large proposal's page, its versions, the comparison
of its first and last versions (unified and side by side), the print view, the DOCX and the
redline DOCX between the first and last versions; after `--warmup` requests, `--requests`
timed ones. Each page's SQL statements are asserted under CEILING (a bound that does not depend
on the data's size: the same pages stay under it with 5 proposals, tests/proposals). It also
times the comparison itself (text.compare_parts and every changed part's word diff) outside
HTTP. Prints a Markdown table like bench/discussions.py; the budget is a median under 25 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

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

from solidarna.core import markdown
from solidarna.core.database import normalise_url
from solidarna.core.script import fold
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.models import (
    Endorsement,
    Institution,
    Proposal,
    ProposalPart,
    ProposalTag,
    ProposalVersion,
)
from solidarna.tenants.models import Membership, Tenant

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_URL = f"sqlite:///{os.path.join(ROOT, 'instance', 'bench-proposals.sqlite3')}"
SLUG = "bench-proposals"
BATCH = 2_000
#: SQL statements per page, at most, whatever the data's size (asserted)
CEILING = 24
LARGE_TITLE = "Zakon o izmenama i dopunama Zakona o socijalnom preduzetništvu (velika verzija)"

WORDS = ("socijalno preduzeće", "radna integracija", "lokalna samouprava", "javna nabavka",
         "osetljive društvene grupe", "budžet", "subvencija", "zadruga", "izveštaj", "rok",
         "ministarstvo", "podrška", "mera", "zapošljavanje", "obuka", "registar", "status",
         "opšti interes", "dobit", "reinvestiranje")  # fmt: skip
STATES = ("consultation", "endorsement", "adopted", "submitted", "in_assembly",
          "adopted_by_institution", "rejected", "no_answer", "implemented")  # fmt: skip
KINDS = ("law", "amendment", "local_decision", "subsidy", "grant_programme",
         "reserved_procurement", "strategy")  # fmt: skip


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 6)
    return f"U skladu sa ovim zakonom, {words[0]} i {words[1]} ostvaruju {words[2]}, " \
           f"a {words[3]} obezbeđuje {words[4]} kroz {words[5]}."  # fmt: skip


def _body(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def _edit(rng: random.Random, body: str) -> str:
    """A small change: a word replaced, a sentence added or one dropped."""
    roll = rng.random()
    sentences = body.split(". ")
    if roll < 0.5:
        return body.replace(rng.choice(WORDS), rng.choice(WORDS), 1)
    if roll < 0.8 or len(sentences) < 2:
        return body + " " + _sentence(rng)
    sentences.pop(rng.randrange(len(sentences)))
    return ". ".join(sentences)


@dataclass
class DataSet:
    proposals: int
    large: int
    articles: int
    versions: int
    endorsers: int
    seconds: float = 0.0


def generate(url: str, *, proposals: int, articles: int, versions: int, endorsers: int,
             seed: int = 1, analyze: bool | None = None,
             say=lambda *a: print(*a, file=sys.stderr)) -> DataSet:  # fmt: skip
    started = time.perf_counter()
    rng = random.Random(seed)
    with fresh_database(url, analyze, say) as (admin, member, now):
        db.session.execute(
            insert(Tenant),
            [bench_space(SLUG, "Benchmark: predlozi", ["directory", "resources", "discussions", "proposals"])],
        )  # fmt: skip
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_context(tenant_id):
            db.session.execute(
                insert(Membership.__table__),
                [{"tenant_id": tenant_id, "user_id": uid, "role": role, "status": "active",
                  "message": "", "created_at": now, "updated_at": now}
                 for uid, role in ((admin.id, "owner"), (member.id, "member"))],
            )  # fmt: skip
            large = _fill(rng, tenant_id, admin.id, now, proposals=proposals,
                          articles=articles, versions=versions, endorsers=endorsers, say=say)  # fmt: skip
    result = DataSet(proposals + 1, large, articles, versions, endorsers,
                     time.perf_counter() - started)  # fmt: skip
    say(f"generated {result} ")
    return result


def _fill(rng, tenant_id, author_id, now, *, proposals, articles, versions, endorsers, say) -> int:
    institution = Institution(name="Narodna skupština Republike Srbije", level="national")
    db.session.add(institution)
    db.session.flush()
    places = ("Kruševac", "Brus", "Trstenik", "Niš", "Novi Sad", "Subotica", "Čačak", "Vranje")
    types = ("association", "cooperative", "social_enterprise", "foundation")
    db.session.execute(
        insert(Organization),
        [{"tenant_id": tenant_id, "name": f"Organizacija {n:03d}", "sort_name": f"organizacija {n:03d}",
          "legal_form": "cooperative" if types[n % 4] == "cooperative" else "association",
          "actor_type": types[n % 4], "municipality": places[n % len(places)],
          "district_iso": "RS-19", "moderation": "verified", "se_status": "no",
          "status": "active", "source": "office", "source_detail": "bench",
          "field_visibility": {}, "search_text": f"organizacija {n:03d}", "verified_at": now,
          "last_confirmed_at": now, "created_at": now, "updated_at": now}
         for n in range(endorsers)],
    )  # fmt: skip
    # the list: proposals past their draft, with a tag or two
    rows = []
    for n in range(proposals):
        title = f"Predlog mere {n}: {rng.choice(WORDS)} i {rng.choice(WORDS)}"
        at = now - timedelta(hours=n)
        rows.append({"tenant_id": tenant_id, "title": title, "kind": rng.choice(KINDS),
                     "level": rng.choice(("national", "local")), "state": rng.choice(STATES),
                     "lead_author_id": author_id, "institution_id": institution.id,
                     "summary": _sentence(rng), "search_text": fold(title),
                     "created_at": at, "updated_at": at, "last_activity_at": at,
                     "version_count": 1, "beneficiary_groups": [],
                     "beneficiary_actor_types": []})  # fmt: skip
    for first in range(0, len(rows), BATCH):
        db.session.execute(insert(Proposal), rows[first : first + BATCH])
    ids = list(db.session.scalars(select(Proposal.id).order_by(Proposal.id)))
    db.session.execute(
        insert(ProposalTag),
        [{"tenant_id": tenant_id, "proposal_id": i, "value": f"oznaka {i % 12}"} for i in ids]
        + [{"tenant_id": tenant_id, "proposal_id": i, "value": "zapošljavanje"}
           for i in ids if i % 3 == 0],
    )  # fmt: skip
    say(f"{len(ids)} proposals for the list")
    # the large proposal
    orgs = list(db.session.scalars(select(Organization.id).order_by(Organization.id)))
    names = dict(db.session.execute(select(Organization.id, Organization.name)).all())
    proposal_id = add_proposal(
        rng, tenant_id, author_id, now, title=LARGE_TITLE, institution_id=institution.id,
        articles=articles, versions=versions, endorsers=[(o, names[o]) for o in orgs],
    )  # fmt: skip
    say(f"the large proposal: {articles} articles, {versions} versions, "
        f"{len(orgs)} endorsers")  # fmt: skip
    return proposal_id


def add_proposal(rng, tenant_id, author_id, now, *, title, institution_id, articles, versions,
                 endorsers, state="adopted") -> int:  # fmt: skip
    """One proposal of `articles` articles (in chapters of ten), `versions` versions (each
    changing one to three articles) and the organizations `endorsers` ((id, name)) endorsing
    it, written as the services would (also used by bench/load.py's load layer)."""
    proposal = Proposal(
        title=title, kind="amendment", level="national", state=state,
        lead_author_id=author_id, institution_id=institution_id,
        summary="Izmene zakona koje predlaže koalicija.", memorandum=_body(rng),
        legal_basis="Član 97. Ustava Republike Srbije.", fiscal_cost=120_000_000,
        fiscal_source="Budžet Republike Srbije", version_count=versions,
        endorsement_count=len(endorsers), beneficiary_groups=[], beneficiary_actor_types=[],
        search_text=fold(title), last_activity_at=now,
    )  # fmt: skip
    db.session.add(proposal)
    db.session.flush()
    chapters = (articles + 9) // 10
    parts = []  # (code, parent code, kind, heading, body) in reading order
    for c in range(chapters):
        parts.append([f"g{c:03d}", None, "chapter", f"Glava {c + 1}: {rng.choice(WORDS)}", ""])
        for a in range(min(10, articles - c * 10)):
            parts.append([f"c{c:03d}{a:02d}", f"g{c:03d}", "article",
                          f"Član o pitanju: {rng.choice(WORDS)}", _body(rng)])  # fmt: skip
    article_rows = [p for p in parts if p[2] == "article"]
    version_rows = []
    for number in range(1, versions + 1):
        if number > 1:
            for part in rng.sample(article_rows, min(len(article_rows), rng.randint(1, 3))):
                part[4] = _edit(rng, part[4])
        snapshot = text.snapshot(proposal, nodes=[])
        snapshot["parts"] = [{"code": c, "parent": p, "kind": k, "heading": h, "body": b}
                             for c, p, k, h, b in parts]  # fmt: skip
        version_rows.append({"tenant_id": tenant_id, "proposal_id": proposal.id,
                             "number": number, "author_id": author_id, "created_at": now,
                             "message": f"Izmena {number}", "snapshot": snapshot})  # fmt: skip
    for first in range(0, len(version_rows), 50):
        db.session.execute(insert(ProposalVersion), version_rows[first : first + 50])
    ids_by_code: dict[str, int] = {}
    positions: dict[str | None, int] = {}
    for code, parent, kind, heading, body in parts:
        row = ProposalPart(
            proposal_id=proposal.id, code=code, parent_id=ids_by_code.get(parent),
            position=positions.get(parent, 0), kind=kind, heading=heading, body=body,
            body_html=str(markdown.render(body)),
        )  # fmt: skip
        positions[parent] = positions.get(parent, 0) + 1
        db.session.add(row)
        if kind == "chapter":
            db.session.flush()
        ids_by_code[code] = row.id
    db.session.flush()
    if endorsers:
        db.session.execute(
            insert(Endorsement),
            [{"tenant_id": tenant_id, "proposal_id": proposal.id, "organization_id": o,
              "organization_name": name, "kind": "cosponsor" if o % 10 == 0 else "support",
              "acted_by_id": author_id, "created_at": now} for o, name in endorsers],
        )  # fmt: skip
    return proposal.id


def describe(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        if tenant_id is None:
            raise SystemExit(f"no space {SLUG!r} in the database: run without --reuse")
        with tenant_context(tenant_id):
            large = db.session.scalar(select(Proposal).where(Proposal.title == LARGE_TITLE))
            info = {
                "proposals": db.session.scalar(select(sa.func.count()).select_from(Proposal)),
                "large": large.id,
                "versions": large.version_count,
                "articles": db.session.scalar(
                    select(sa.func.count())
                    .select_from(ProposalPart)
                    .where(ProposalPart.proposal_id == large.id, ProposalPart.kind == "article")
                ),  # fmt: skip
                "endorsers": db.session.scalar(
                    select(sa.func.count())
                    .select_from(Endorsement)
                    .where(Endorsement.proposal_id == large.id)
                ),  # fmt: skip
            }
        db.engine.dispose()
    return info


def pages(info: dict) -> list[tuple[str, str]]:
    base, pid, last = f"/{SLUG}/proposals", info["large"], info["versions"]
    big = f"({info['articles']} articles, {info['endorsers']} endorsers)"
    return [
        (f"list ({info['proposals']:,} proposals), page 1", f"{base}/"),
        ("list, filtered (state + tag + activity)",
         f"{base}/?state=submitted&tag=oznaka+3&sort=activity"),
        ("list, page 40", f"{base}/?page=40"),
        (f"proposal {big}", f"{base}/{pid}"),
        (f"versions ({last})", f"{base}/{pid}/versions"),
        (f"compare v1 and v{last}", f"{base}/{pid}/compare?from=1&to={last}"),
        (f"compare v1 and v{last}, side by side", f"{base}/{pid}/compare?from=1&to={last}&view=side"),
        ("print view", f"{base}/{pid}/print"),
        ("DOCX", f"{base}/{pid}/document.docx"),
        (f"redline DOCX v1 and v{last}", f"{base}/{pid}/redline.docx?from=1&to={last}"),
    ]  # fmt: skip


def time_diff(app, info: dict, repeat: int = 20) -> tuple[float, int]:
    """The comparison of the first and last versions outside HTTP: matching the parts and the
    word diff of every changed one (median ms), and how many parts changed."""
    with app.test_request_context(), app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_context(tenant_id):
            proposal = db.session.get(Proposal, info["large"])
            old = text.find_version(proposal, 1).snapshot
            new = text.find_version(proposal, info["versions"]).snapshot
            times, changed = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                changes = text.compare_parts(old, new)
                changed = 0
                for change in changes:
                    if change.status != "unchanged":
                        change.body_diff()
                        changed += 1
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_PROPOSALS_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--proposals", type=int, default=2_000, help="in the list")
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--endorsers", type=int, default=300)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page is over budget")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, proposals=args.proposals, articles=args.articles, versions=args.versions,
                 endorsers=args.endorsers, seed=args.seed, analyze=args.analyze)  # fmt: skip
    data = describe(url)
    print(f"data: {data}", file=sys.stderr)
    app = make_app(url)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    browser = client(app)
    login(browser, MEMBER_EMAIL, MEMBER_PASSWORD)
    results, too_many = [], []
    for page, path in pages(data):
        wall, cpu, queries, size = measure(app, browser, path, 200, args.requests, args.warmup)
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
    diff_ms, changed = time_diff(app, data)
    info["load_after"] = _load()
    print()
    print(f"### Proposals, {info['database']} — {info['date']}\n")
    print(f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}. "
          f"Data: space `{SLUG}`, {data['proposals']:,} proposals; the large one "
          f"{data['articles']} articles, {data['versions']} versions, {data['endorsers']} "
          f"endorsing organizations. {args.requests} timed requests per page after "
          f"{args.warmup} warm-up requests, as a logged-in member. Load average "
          f"{info['load_before']} before, {info['load_after']} after.\n")  # fmt: skip
    print("| Page | SQL statements | Median ms | p95 ms | CPU median ms | KB | Budget |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for m in results:
        print(f"| {m.page} | {m.queries} | {m.median_ms:.1f} | {m.p95_ms:.1f} | "
              f"{m.cpu_median_ms:.1f} | {m.bytes / 1024:.0f} | "
              f"{'ok' if m.within_budget else '**over**'} |")  # fmt: skip
    print(
        f"\nThe comparison alone (v1 and v{data['versions']}, {changed} parts changed, "
        f"matching and word diffs, no HTTP): median {diff_ms:.1f} ms."
    )
    if too_many:
        print("\n".join(too_many), file=sys.stderr)
        return 1
    over = [m for m in results if not m.within_budget]
    if over:
        print(f"\n{len(over)} page(s) over the {BUDGET_MS:.0f} ms median budget.")
    return 1 if over and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
