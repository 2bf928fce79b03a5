"""Measure the key pages under gunicorn with an HTTP load generator (DESIGN §9, issue 10 item 11).

    python bench/load.py                      # SQLite in instance/bench-load.sqlite3
    python bench/load.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_load
    python bench/load.py --quick              # ~2 s per page, a 10 s mix: to try it
    python bench/load.py --reuse --duration 10 --mix-duration 60

Builds the data set (bench/generate.py's directory, plus discussions, resources, practices,
member accounts, a few proposals of 40 articles, 30 working groups and an advocacy platform
in its largest space; `--reuse` keeps what is there), then starts two
gunicorn servers as subprocesses on free loopback ports with the same settings (sync workers,
the worker count of gunicorn.conf.py if the repository has one, else `--workers`): the
application in its production configuration (SOLIDARNA_ENV=production, a random SECRET_KEY,
DATABASE_URL; rate limits **off**, RATELIMIT_ENABLED=0, so the load is not refused) and
bench/bare.py, one Flask route returning a short string. Each key page is loaded for
`--duration` seconds with `--connections` concurrent connections, interleaved with the bare
route (bare, page A, bare, page B, ...), by `wrk` when it is on PATH and otherwise by a
Python keep-alive client (processes x threads, http.client). Reported per page: requests per
second, p50 and p99 latency, non-2xx responses, and the ratio of the bare route's requests
per second (measured just before the page) to the page's.

Then a write-heavy mix: `--mix-clients` concurrent clients (100) logged in as member
accounts, `--mix-writes` (30%) of their requests writes (a reply in a discussion, an edit of
the organization the account represents), for `--mix-duration` seconds (60). Each write
carries a unique marker; afterwards the markers are looked up in the database and compared
with the writes the server acknowledged (2xx/3xx): lost = acknowledged but not stored (must
be 0). The database named by `--database-url` is emptied unless `--reuse` (never point it at
real data); BENCH_LOAD_DATABASE_URL sets the default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
DEFAULT_URL = f"sqlite:///{ROOT / 'instance' / 'bench-load.sqlite3'}"
RESULTS = BENCH / "results"
SLUG = "bench-rs"
ACCOUNT_EMAIL = "bench-load-{n}@example.org"
ACCOUNT_PASSWORD = "bench load password, not a secret"
USER_AGENT = "solidarna-bench-load/1"
#: seconds a client waits for an answer (gunicorn's worker timeout is the same)
CLIENT_TIMEOUT = 60
MARKER = re.compile(r"bench-load-([0-9a-f]{8})-(\d+)-(\d+)")


# --- the data set ----------------------------------------------------------------------------


def prepare(url: str, *, tenants: int, organizations: int, accounts: int, threads: int,
            posts: int, seed: int, reuse: bool, survey_responses: int = 1_000,
            say=print) -> None:  # fmt: skip
    """generate.py's directory, then the load layer (idempotent: skipped when present)."""
    from generate import generate

    if not reuse:
        generate(url, tenants=tenants, organizations=organizations, seed=seed)
    add_load_layer(url, accounts=accounts, threads=threads, posts=posts, seed=seed, say=say)
    add_proposal_layer(url, seed=seed, say=say)
    add_groups_and_campaign_layer(url, seed=seed, say=say)
    add_research_and_news_layer(url, responses=survey_responses, seed=seed, say=say)
    add_events_and_support_layer(url, seed=seed, say=say)
    take_part_nationally(url, say=say)


GROUP_NAME = "Radna grupa (opterećenje) {n:02d}"
CAMPAIGN_TITLE = "Rezervisane javne nabavke (opterećenje)"


def add_groups_and_campaign_layer(url: str, *, groups: int = 30, signatures: int = 300,
                                  seed: int = 1, say=print) -> bool:  # fmt: skip
    """Working groups and an advocacy platform in the largest space (their modules switched
    on): `groups` public groups, the first with every load account as a member, and one open
    platform signed by `signatures` of the space's verified organizations. False when they
    are there already."""
    from generate import ADMIN_EMAIL, make_app

    from solidarna.accounts.models import User
    from solidarna.campaigns.models import Campaign, CampaignSignature
    from solidarna.core.models import utcnow
    from solidarna.core.script import fold
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory.organizations.models import Organization
    from solidarna.extensions import db
    from solidarna.groups.models import GroupMembership, WorkingGroup
    from solidarna.tenants.models import Tenant

    app = make_app(url)
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            if db.session.scalar(select(WorkingGroup.id).limit(1)):
                db.engine.dispose()
                return False
            tenant.modules = [*(m for m in tenant.modules or [] if m not in ("groups", "campaigns")),
                              "groups", "campaigns"]  # fmt: skip
            rng = random.Random(seed)
            now = utcnow()
            today = now.date()
            admin_id = db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
            for n in range(groups):
                name, mandate = GROUP_NAME.format(n=n), f"Zajednički rad {rng.randint(1, 99)}."
                db.session.add(WorkingGroup(
                    name=name, theme="finance", mandate=mandate, goals="- garantni fond",
                    visibility="public", join_policy="request", created_by_id=admin_id,
                    search_text=" ".join(fold(p) for p in (name, mandate, "garantni fond")),
                ))  # fmt: skip
            db.session.flush()
            first = db.session.scalar(
                select(WorkingGroup.id).where(WorkingGroup.name == GROUP_NAME.format(n=0))
            )
            people = list(db.session.scalars(
                select(User.id).where(User.email.like("bench-load-%@example.org"))
            ))  # fmt: skip
            for uid in [admin_id, *people]:
                db.session.add(GroupMembership(
                    group_id=first, user_id=uid, status="active", active_from=today,
                    role="coordinator" if uid == admin_id else "member",
                ))  # fmt: skip
            db.session.execute(
                sa.update(WorkingGroup).where(WorkingGroup.id == first)
                .values(member_count=len(people) + 1)
            )  # fmt: skip
            orgs = db.session.execute(
                select(Organization.id, Organization.name, Organization.municipality,
                       Organization.actor_type)
                .where(Organization.moderation == "verified").order_by(Organization.id)
                .limit(signatures)
            ).all()  # fmt: skip
            campaign = Campaign(
                title=CAMPAIGN_TITLE, goal="Da se **rezervisane javne nabavke** primenjuju.",
                institutions=["Vlada Republike Srbije"], status="open",
                created_by_id=admin_id, signature_count=len(orgs),
            )  # fmt: skip
            campaign.refresh_search()
            db.session.add(campaign)
            db.session.flush()
            db.session.execute(insert(CampaignSignature), [
                {"tenant_id": tenant.id, "campaign_id": campaign.id, "organization_id": oid,
                 "organization_name": name, "municipality": place or "",
                 "actor_type": kind or "", "actor_type_label": kind or "",
                 "legal_form_label": "", "origin_tenant_id": tenant.id,
                 "signer_name": f"Predstavnik {oid}", "signed_by_id": admin_id,
                 "signed_at": now}
                for oid, name, place, kind in orgs
            ])  # fmt: skip
            db.session.commit()
        db.engine.dispose()
    say(f"groups: {groups}; an advocacy platform signed by {len(orgs)} organizations in {SLUG}")
    return True


PROPOSAL_TITLE = "Predlog izmena Zakona o socijalnom preduzetništvu (opterećenje) {n}"


SURVEY_TITLE = "Potrebe aktera socijalne ekonomije (opterećenje)"
NEWS_TITLE = "Vest (opterećenje) {n:02d}"


def add_research_and_news_layer(url: str, *, responses: int = 1_000, posts: int = 40,
                                seed: int = 1, say=print) -> bool:  # fmt: skip
    """A survey and news in the largest space (their modules switched on): bench/research.py's
    questionnaire of 60 questions with `responses` complete responses, its results published
    (the public results page), and `posts` published news posts of every kind. False when
    they are there already."""
    from generate import ADMIN_EMAIL, make_app
    from research import fill, questionnaire

    from solidarna.accounts.models import User
    from solidarna.core.models import utcnow
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.news import services as news_services
    from solidarna.news.models import KINDS as NEWS_KINDS
    from solidarna.research import services as research_services
    from solidarna.research.models import Survey
    from solidarna.tenants.models import Tenant

    app = make_app(url)
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            if db.session.scalar(select(Survey.id).where(Survey.title == SURVEY_TITLE)):
                db.engine.dispose()
                return False
            missing = [m for m in ("research", "news") if m not in (tenant.modules or [])]
            if missing:
                tenant.modules = [*(tenant.modules or []), *missing]
            rng = random.Random(seed)
            now = utcnow()
            admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
            survey = research_services.new_survey(
                SURVEY_TITLE, created_by=admin, template=questionnaire()
            )
            survey.status = "open"
            survey.results_public = True
            survey.current_version.frozen = True
            db.session.flush()
            fill(rng, tenant.id, survey, responses, now)
            kinds = list(NEWS_KINDS)
            for n in range(posts):
                post = news_services.create(
                    {"kind": kinds[n % len(kinds)], "title": NEWS_TITLE.format(n=n),
                     "summary": "Kratak opis vesti za listu i deljenje.",
                     "body": "\n\n".join(f"Pasus {p} vesti o socijalnoj ekonomiji u okrugu."
                                          for p in range(8)),
                     "deadline": None, "tags": ["zadruge", f"oznaka {n % 4}"],
                     "image_alt": ""},
                    None, admin,
                )  # fmt: skip
                news_services.publish(post, admin)
            db.session.commit()
        db.engine.dispose()
    say(f"research and news: a survey of 60 questions with {responses} responses (results "
        f"published) and {posts} published posts in {SLUG}")  # fmt: skip
    return True


EVENT_TITLE = "Obuka (opterećenje) {n:02d}"
APPLICANT_PREFIX = "bench-load-prijava-"


def add_events_and_support_layer(url: str, *, events: int = 40, applications: int = 500,
                                 cases: int = 3_000, cases_per_person: int = 6, seed: int = 1,
                                 say=print) -> bool:  # fmt: skip
    """Events and support in the largest space (their modules switched on), with
    bench/events.py's and bench/support.py's builders: `events` trainings of three sessions,
    one every three days from the day after tomorrow, every other one moved a year back (the
    list and this month's calendar show both kinds); the first with `applications` applicants
    (new accounts; four in five accepted and checked in, every tenth reviewed) and the first
    load account's accepted application. `cases` support requests over 24 months, every
    status, one to three barrier codes each, `cases_per_person` by each applicant (the first
    load account among them: their "my requests"), handled by the administrator and two
    advisors. False when they are there already."""
    from datetime import timedelta

    from events import _event
    from events import fill as fill_applications
    from generate import ADMIN_EMAIL, make_app
    from support import fill as fill_cases

    from solidarna.accounts.models import User
    from solidarna.core.models import utcnow
    from solidarna.core.tenancy import tenant_context
    from solidarna.events.models import Event, EventApplication
    from solidarna.extensions import db
    from solidarna.support.models import SupportCase
    from solidarna.tenants.models import Membership, Tenant

    app = make_app(url)
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            if db.session.scalar(select(Event.id).where(Event.title == EVENT_TITLE.format(n=0))):
                db.engine.dispose()
                return False
            tenant.modules = [*(m for m in tenant.modules or [] if m not in ("events", "support")),
                              "events", "support"]  # fmt: skip
            rng = random.Random(seed)
            now = utcnow()
            admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
            member_id = db.session.scalar(
                select(User.id).where(User.email == ACCOUNT_EMAIL.format(n=0))
            )
            created = [_event(EVENT_TITLE.format(n=n), admin, now, days_ahead=2 + 3 * n)
                       for n in range(events)]  # fmt: skip
            for event in created[1::2]:  # past ones: a year back, the same weekday
                for session in event.sessions:
                    session.starts_at -= timedelta(days=364)
                    session.ends_at -= timedelta(days=364)
                event.starts_at -= timedelta(days=364)
                event.ends_at -= timedelta(days=364)
            first = created[0]
            fill_applications(tenant.id, first, applications, APPLICANT_PREFIX, admin.id, now)
            if member_id:
                db.session.execute(insert(EventApplication), [
                    {"tenant_id": tenant.id, "event_id": first.id, "user_id": member_id,
                     "answers": {}, "status": "accepted", "checkin_code": "CLAN0",
                     "created_at": now, "attended_count": 0, "message": "",
                     "organization_name": ""}
                ])  # fmt: skip
                first.application_count += 1
                first.seated_count += 1
            advisors = []
            for n in range(2):
                advisor = User(email=f"bench-load-savetnik-{n}@example.org",
                               name=f"Savetnica Opterećenja {n}", email_verified_at=now,
                               password_hash=admin.password_hash)  # fmt: skip
                db.session.add(advisor)
                advisors.append(advisor)
            db.session.flush()
            db.session.execute(insert(Membership.__table__), [
                {"tenant_id": tenant.id, "user_id": a.id, "role": "admin", "status": "active",
                 "message": "", "created_at": now, "updated_at": now} for a in advisors
            ])  # fmt: skip
            applicants = list(db.session.scalars(
                select(User.id).where(User.email.like(f"{APPLICANT_PREFIX}%")).order_by(User.id)
            ))  # fmt: skip
            requesters = [*([member_id] if member_id else []), *applicants]
            next_id = (db.session.scalar(select(sa.func.max(SupportCase.id))) or 0) + 1
            advisor_ids = [admin.id, *(a.id for a in advisors)]
            made = 0
            for requester in requesters:
                count = min(cases_per_person, cases - made)
                if count <= 0:
                    break
                fill_cases(rng, tenant.id, count, requester, advisor_ids, now, next_id)
                next_id += count
                made += count
        if db.engine.dialect.name == "postgresql":  # the builder sets the cases' ids itself
            db.session.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('support_cases', 'id'), "
                        "(SELECT max(id) FROM support_cases))")
                .execution_options(all_tenants=True)  # raw SQL on a tenant table
            )  # fmt: skip
        db.session.commit()
        db.engine.dispose()
    say(f"events: {events} trainings (the first with {applications} applications); support: "
        f"{made} cases from {min(len(requesters), -(-made // cases_per_person))} requesters "
        f"in {SLUG}")  # fmt: skip
    return True


def take_part_nationally(url: str, say=print) -> None:
    """Every space takes part in the national overview (bench/national.py's set-up)."""
    from generate import make_app
    from national import take_part

    from solidarna.extensions import db

    app = make_app(url)
    spaces = take_part(app)
    with app.app_context():
        db.engine.dispose()
    say(f"national overview: {spaces} spaces taking part")


def add_proposal_layer(url: str, *, proposals: int = 6, articles: int = 40, versions: int = 6,
                       endorsers: int = 30, seed: int = 1, say=print) -> bool:  # fmt: skip
    """Proposals in the largest space (its module switched on): `proposals` of them, each of
    `articles` articles and `versions` versions, the first endorsed by `endorsers` of the
    space's verified organizations and the others by a few (bench/proposals.py's
    generator). False when they are there already."""
    from generate import ADMIN_EMAIL, make_app
    from proposals import add_proposal

    from solidarna.accounts.models import User
    from solidarna.core.models import utcnow
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory.organizations.models import Organization
    from solidarna.extensions import db
    from solidarna.proposals.models import Institution, Proposal, ProposalTag
    from solidarna.tenants.models import Tenant

    app = make_app(url)
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == SLUG))
        with tenant_context(tenant.id):
            if db.session.scalar(select(Proposal.id).limit(1)):
                db.engine.dispose()
                return False
            if "proposals" not in (tenant.modules or []):
                tenant.modules = [*(tenant.modules or []), "proposals"]
            rng = random.Random(seed)
            now = utcnow()
            admin_id = db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
            institution = Institution(name="Narodna skupština Republike Srbije", level="national")
            db.session.add(institution)
            db.session.flush()
            verified = db.session.execute(
                select(Organization.id, Organization.name)
                .where(Organization.moderation == "verified")
                .order_by(Organization.id)
                .limit(endorsers)
            ).all()
            states = ("endorsement", "consultation", "submitted", "in_assembly", "adopted")
            for n in range(proposals):
                pid = add_proposal(
                    rng, tenant.id, admin_id, now, title=PROPOSAL_TITLE.format(n=n),
                    institution_id=institution.id, articles=articles, versions=versions,
                    endorsers=[tuple(row) for row in (verified if n == 0 else verified[:3])],
                    state=states[n % len(states)],
                )  # fmt: skip
                db.session.add(ProposalTag(proposal_id=pid, value=f"oznaka {n % 3}"))
            db.session.commit()
        db.engine.dispose()
    say(f"proposals: {proposals} of {articles} articles and {versions} versions in {SLUG}")
    return True


def add_load_layer(url: str, *, accounts: int = 40, threads: int = 2_000, posts: int = 20_000,
                   seed: int = 1, say=print) -> bool:  # fmt: skip
    """Discussions, resources, practices and `accounts` member accounts (each representing one
    verified organization) in the largest space. False when they are there already."""
    from discussions import OTHER_CATEGORY_THREADS, _fill
    from generate import ADMIN_EMAIL, HUB_TIES, make_app

    from solidarna.accounts.models import User
    from solidarna.core.models import utcnow
    from solidarna.core.script import fold
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory import taxonomy
    from solidarna.directory.organizations.models import Organization, Representative
    from solidarna.directory.practices.models import Practice, PracticeOrganization
    from solidarna.directory.resources.models import Resource
    from solidarna.extensions import db
    from solidarna.tenants.models import Membership, Tenant

    long_thread = min(500, posts // 10)
    if posts - long_thread < threads + 3 * OTHER_CATEGORY_THREADS:
        raise SystemExit(
            f"--posts must be at least --threads-data + {3 * OTHER_CATEGORY_THREADS} + a tenth"
        )
    app = make_app(url)
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.email == ACCOUNT_EMAIL.format(n=0))):
            db.engine.dispose()
            return False
        rng = random.Random(seed)
        now = utcnow()
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        admin_id = db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
        probe = User(email="probe@example.org")
        probe.set_password(ACCOUNT_PASSWORD)
        names = [f"Član Opterećenja {n}" for n in range(accounts)]
        db.session.execute(
            insert(User.__table__),
            [
                {"email": ACCOUNT_EMAIL.format(n=n), "name": name, "email_verified_at": now,
                 "password_hash": probe.password_hash, "locale": None, "active": True,
                 "is_platform_admin": False, "created_at": now, "updated_at": now}
                for n, name in enumerate(names)
            ],
        )  # fmt: skip
        user_ids = list(
            db.session.scalars(
                select(User.id).where(User.email.like("bench-load-%@example.org")).order_by(User.id)
            )
        )
        with tenant_context(tenant_id):
            db.session.execute(
                insert(Membership.__table__),
                [
                    {"tenant_id": tenant_id, "user_id": uid, "role": "member", "status": "active",
                     "message": "", "created_at": now, "updated_at": now}
                    for uid in user_ids
                ],
            )  # fmt: skip
            verified = list(
                db.session.scalars(
                    select(Organization.id)
                    .where(Organization.moderation == "verified")
                    .order_by(Organization.id)
                )
            )
            verified = verified[HUB_TIES + 1 :] or verified  # not the hub or its ties
            db.session.execute(
                insert(Representative.__table__),
                [
                    {"tenant_id": tenant_id, "organization_id": org, "user_id": uid,
                     "status": "active", "message": "", "created_at": now, "updated_at": now}
                    for uid, org in zip(user_ids, verified, strict=False)
                ],
            )  # fmt: skip
            counts = _fill(
                rng, tenant_id, [admin_id, *user_ids], names, now,
                threads=threads, posts=posts, long_thread=long_thread,
                distinct_bodies=max(20, min(200, posts // 100)), say=say,
            )  # fmt: skip
            # coordinates for most entries (the generator sets none), as the map shows them
            orgs = Organization.__table__
            located = [
                {"oid": org, "lat": round(42.3 + 3.8 * rng.random(), 6),
                 "lon": round(19.2 + 3.4 * rng.random(), 6)}
                for org in db.session.scalars(select(Organization.id).order_by(Organization.id))
                if rng.random() < 0.7
            ]  # fmt: skip
            db.session.execute(
                sa.update(orgs)
                .where(orgs.c.id == sa.bindparam("oid"))
                .values(latitude=sa.bindparam("lat"), longitude=sa.bindparam("lon")),
                located,
            )
            places = ["Kruševac", "Niš", "Kraljevo", "Čačak", "Beograd", "Novi Sad", "Subotica"]
            kinds, availability = list(taxonomy.RESOURCE_KINDS), list(taxonomy.AVAILABILITY)
            resources = []
            for n in range(300):
                title = f"Resurs {n}: {rng.choice(['prostor', 'oprema', 'zemljište', 'obuka'])}"
                place = rng.choice(places)
                resources.append(
                    {"tenant_id": tenant_id, "title": title, "kind": rng.choice(kinds),
                     "description": "Izmišljen resurs za merenje.", "owner_organization_id":
                     rng.choice(verified), "owner_name": "", "municipality": place,
                     "district_iso": "RS-00", "address": None, "latitude": 43.0 + rng.random(),
                     "longitude": 20.0 + rng.random(), "availability": rng.choice(availability),
                     "conditions": "", "contact": "", "valid_until": None, "created_by_id": admin_id,
                     "search_text": fold(f"{title} {place}"), "created_at": now, "updated_at": now}
                )  # fmt: skip
            db.session.execute(insert(Resource.__table__), resources)
            practices = []
            for n in range(120):
                title = f"Dobra praksa {n}: {rng.choice(['zadruga', 'radionica', 'mreža'])}"
                practices.append(
                    {"tenant_id": tenant_id, "title": title, "summary": "Kratak opis prakse.",
                     "description": "Izmišljena praksa za merenje.", "municipality":
                     rng.choice(places), "year": rng.randint(2010, 2025),
                     "themes": [rng.choice(["A", "C", "Q"])], "created_by_id": admin_id,
                     "search_text": fold(title), "created_at": now, "updated_at": now}
                )  # fmt: skip
            db.session.execute(insert(Practice.__table__), practices)
            practice_ids = list(db.session.scalars(select(Practice.id)))
            db.session.execute(
                insert(PracticeOrganization.__table__),
                [
                    {"tenant_id": tenant_id, "practice_id": p, "organization_id": o}
                    for p in practice_ids
                    for o in rng.sample(verified, 2)
                ],
            )
        if db.engine.dialect.name == "postgresql":
            for table in ("discussion_categories", "discussion_threads", "discussion_posts"):
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    ).execution_options(all_tenants=True)  # raw SQL on a tenant table
                )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("VACUUM ANALYZE")
                )
        db.engine.dispose()
    say(
        f"load layer: {len(user_ids)} member accounts, {counts['threads']:,} threads, "
        f"{counts['posts']:,} posts, 300 resources, 120 practices in {SLUG}"
    )
    return True


@dataclass
class Targets:
    """What the run requests: ids found in the database."""

    typical: int
    category: int
    thread: int
    reply_threads: list[int]
    accounts: list[tuple[str, int]]  # (email, organization it represents)
    #: the proposal with the most endorsers (add_proposal_layer), None without proposals
    proposal: int | None = None
    #: the group with the members and the platform (add_groups_and_campaign_layer)
    group: int | None = None
    campaign: int | None = None
    #: the survey and the newest news post (add_research_and_news_layer)
    survey: int | None = None
    news_post: int | None = None
    #: the event with the applications, whether there are support cases and whether spaces
    #: take part in the national overview (add_events_and_support_layer, take_part_nationally)
    event: int | None = None
    support: bool = False
    national: bool = False


def targets(url: str) -> Targets:
    from generate import hub_and_typical, make_app

    from solidarna.accounts.models import User
    from solidarna.campaigns.models import Campaign
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory.organizations.models import Representative
    from solidarna.discussions.models import Category, Thread
    from solidarna.events.models import Event
    from solidarna.extensions import db
    from solidarna.groups.models import WorkingGroup
    from solidarna.news.models import NewsPost
    from solidarna.proposals.models import Proposal
    from solidarna.research.models import Survey
    from solidarna.support.models import SupportCase
    from solidarna.tenants.models import Tenant

    _hub, _degree, typical = hub_and_typical(url, SLUG)
    app = make_app(url)
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_context(tenant_id):
            category = db.session.scalar(
                select(Category.id)
                .where(Category.visibility == "public")
                .order_by(Category.thread_count.desc())
            )
            thread = db.session.scalar(
                select(Thread.id)
                .where(Thread.category_id == category)
                .order_by(Thread.post_count.desc())
            )
            replies = list(
                db.session.scalars(
                    select(Thread.id)
                    .where(Thread.category_id == category, Thread.id != thread)
                    .order_by(Thread.id)
                    .limit(50)
                )
            )
            accounts = db.session.execute(
                select(User.email, Representative.organization_id)
                .join(Representative, Representative.user_id == User.id)
                .where(User.email.like("bench-load-%@example.org"))
                .order_by(User.id)
            ).all()
            proposal = db.session.scalar(
                select(Proposal.id).where(Proposal.title == PROPOSAL_TITLE.format(n=0))
            )
            group = db.session.scalar(
                select(WorkingGroup.id).where(WorkingGroup.name == GROUP_NAME.format(n=0))
            )
            campaign = db.session.scalar(
                select(Campaign.id).where(Campaign.title == CAMPAIGN_TITLE)
            )
            survey = db.session.scalar(select(Survey.id).where(Survey.title == SURVEY_TITLE))
            news_post = db.session.scalar(
                select(NewsPost.id)
                .where(NewsPost.status == "published")
                .order_by(NewsPost.published_at.desc(), NewsPost.id.desc())
            )
            event = db.session.scalar(
                select(Event.id).where(Event.title == EVENT_TITLE.format(n=0))
            )
            support = db.session.scalar(select(SupportCase.id).limit(1)) is not None
        national = db.session.scalar(
            select(Tenant.id).where(Tenant.in_national_overview.is_(True)).limit(1)
        ) is not None  # fmt: skip
        db.engine.dispose()
    return Targets(
        typical,
        category,
        thread,
        replies,
        [tuple(a) for a in accounts],
        proposal,
        group,
        campaign,
        survey,
        news_post,
        event,
        support,
        national,
    )


def pages(t: Targets) -> list[tuple[str, str, str]]:
    """(page, viewer, path) of the key pages."""
    base = f"/{SLUG}"
    return [
        ("space home", "visitor", f"{base}/"),
        ("directory list", "visitor", f"{base}/directory/"),
        ("filtered search (q + facet)", "visitor", f"{base}/directory/?q=zadruga&kd=A"),
        ("directory list", "admin", f"{base}/directory/"),
        ("filtered search (q + facet)", "admin", f"{base}/directory/?q=zadruga&kd=A"),
        ("organization profile", "visitor", f"{base}/directory/{t.typical}"),
        ("ecosystem overview", "visitor", f"{base}/ecosystem/"),
        ("map page", "visitor", f"{base}/directory/map"),
        ("map data (GeoJSON)", "visitor", f"{base}/directory/map.geojson"),
        ("resources", "visitor", f"{base}/resources/"),
        ("practices", "visitor", f"{base}/practices/"),
        ("discussions index", "visitor", f"{base}/discussions/"),
        ("discussion category", "visitor", f"{base}/discussions/c/{t.category}"),
        ("thread page", "visitor", f"{base}/discussions/t/{t.thread}"),
        # a logged-in member (one of the mix's accounts): never the visitors' page cache
        ("space home", "member", f"{base}/"),
        ("directory list", "member", f"{base}/directory/"),
        ("filtered search (q + facet)", "member", f"{base}/directory/?q=zadruga&kd=A"),
        ("discussions index", "member", f"{base}/discussions/"),
        ("thread page", "member", f"{base}/discussions/t/{t.thread}"),
        ("thread page", "admin", f"{base}/discussions/t/{t.thread}"),
        # proposals (add_proposal_layer): the list and one proposal of 40 articles
        *(
            [
                ("proposals list", "visitor", f"{base}/proposals/"),
                ("proposal page", "visitor", f"{base}/proposals/{t.proposal}"),
                ("proposals list", "member", f"{base}/proposals/"),
                ("proposal page", "member", f"{base}/proposals/{t.proposal}"),
            ]
            if t.proposal
            else []
        ),
        # working groups and an advocacy platform (add_groups_and_campaign_layer)
        *(
            [
                ("groups list", "visitor", f"{base}/groups/"),
                ("group page", "visitor", f"{base}/groups/{t.group}"),
                ("groups list", "member", f"{base}/groups/"),
                ("group page", "member", f"{base}/groups/{t.group}"),
                ("advocacy platform", "visitor", f"{base}/campaigns/{t.campaign}"),
                ("advocacy platform", "member", f"{base}/campaigns/{t.campaign}"),
            ]
            if t.group and t.campaign
            else []
        ),
        # research (add_research_and_news_layer): the surveys, the published results of 60
        # questions, and the admins' results page (their fragments, core/fragments.py)
        *(
            [
                ("survey list", "visitor", f"{base}/research/"),
                ("survey results, public", "visitor", f"{base}/research/{t.survey}/public-results"),
                ("survey list", "member", f"{base}/research/"),
                ("survey results, public", "member", f"{base}/research/{t.survey}/public-results"),
                ("survey results", "admin", f"{base}/research/{t.survey}/results"),
            ]
            if t.survey
            else []
        ),
        *(
            [
                ("news list", "visitor", f"{base}/news/"),
                ("news post", "visitor", f"{base}/news/{t.news_post}"),
                ("news list", "member", f"{base}/news/"),
                ("news post", "member", f"{base}/news/{t.news_post}"),
            ]
            if t.news_post
            else []
        ),
        # events and support (add_events_and_support_layer): the calendar's list and this
        # month, the event of the applications (the member has one: their state is shown);
        # the office's dashboard of open cases, and one requester's own requests
        *(
            [
                ("events list", "visitor", f"{base}/events/"),
                ("events, month", "visitor", f"{base}/events/?view=month"),
                ("event page", "visitor", f"{base}/events/{t.event}/"),
                ("events list", "member", f"{base}/events/"),
                ("events, month", "member", f"{base}/events/?view=month"),
                ("event page", "member", f"{base}/events/{t.event}/"),
            ]
            if t.event
            else []
        ),
        *(
            [
                ("support office dashboard", "admin", f"{base}/support/office/"),
                ("my support requests", "member", f"{base}/support/"),
            ]
            if t.support
            else []
        ),
        # the national overview of every space taking part (take_part_nationally)
        *(
            [
                ("national overview", "visitor", "/overview/"),
                ("national overview", "member", "/overview/"),
            ]
            if t.national
            else []
        ),
    ]


def count_markers(url: str, run_id: str) -> tuple[set[str], set[str]]:
    """The reply markers and the organization-edit markers stored for this run."""
    from generate import make_app

    from solidarna.core.tenancy import cross_tenant
    from solidarna.directory.organizations.models import OrganizationRevision
    from solidarna.discussions.models import Post
    from solidarna.extensions import db

    app = make_app(url)
    with app.app_context(), cross_tenant():
        bodies = db.session.scalars(
            select(Post.body).where(Post.body.like(f"%bench-load-{run_id}-%"))
        )
        replies = {m.group(0) for body in bodies for m in MARKER.finditer(body) if m.group(1) == run_id}  # fmt: skip
        edits = set()
        for changes in db.session.scalars(
            select(OrganizationRevision.changes).where(OrganizationRevision.action == "updated")
        ):
            new = (changes or {}).get("description", [None, None])[1] or ""
            edits |= {m.group(0) for m in MARKER.finditer(new) if m.group(1) == run_id}
        db.engine.dispose()
    return replies, edits


# --- gunicorn ----------------------------------------------------------------------------------


def conf_workers(default: int) -> tuple[int, str]:
    """The worker count of the repository's gunicorn.conf.py, if there is one."""
    path = ROOT / "gunicorn.conf.py"
    if not path.exists():
        return default, "--workers"
    import runpy

    workers = runpy.run_path(str(path)).get("workers")
    if callable(workers):
        workers = workers()
    return (int(workers), "gunicorn.conf.py") if workers else (default, "--workers")


class Server:
    """gunicorn serving `app` on a free loopback port, in a subprocess."""

    def __init__(self, app: str, workers: int, env: dict, log: Path):
        self.app, self.workers, self.env, self.log_path = app, workers, env, log
        self.process: subprocess.Popen | None = None
        self.port = 0

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", self.app,
            "--bind", "127.0.0.1:0", "--workers", str(self.workers),
            "--worker-class", "sync", "--threads", "1", "--timeout", "60",
            "--graceful-timeout", "10", "--log-level", "info", "--error-logfile", "-",
        ]  # fmt: skip

    def start(self, timeout: float = 60) -> Server:
        return self.launch().wait(timeout)

    def launch(self) -> Server:
        self.log = self.log_path.open("w")
        # cwd: a scratch folder, so gunicorn does not pick up the repository's gunicorn.conf.py
        # on its own (its threads or worker class would change what is measured)
        self.process = subprocess.Popen(
            self.command(), env=self.env, cwd=self.log_path.parent,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        return self

    def wait(self, timeout: float = 60) -> Server:
        """Until every worker has booted and the server answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited:\n{self.log_path.read_text()}")
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.log_path.read_text())
            if found:
                self.port = int(found.group(1))
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn {self.app} did not start:\n{self.log_path.read_text()}")
        while time.monotonic() < deadline:  # every worker booted and answering
            booted = self.log_path.read_text().count("Booting worker")
            if booted >= self.workers and request(self.port, "GET", "/")[0]:
                return self
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn {self.app} did not answer:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()


def server_env(url: str, extra: list[str] | tuple = ()) -> dict:
    """The servers' environment: this one's, the production configuration, and `extra`
    (KEY=VALUE, e.g. a Redis URL if production asks for one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOLIDARNA_", "FLASK_"))}
    env.update(
        SOLIDARNA_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=url,
        RATELIMIT_ENABLED="0",  # the benchmark's load would be refused otherwise
        MAIL_SEND_AFTER_REQUEST="0",
        PYTHONPATH=os.pathsep.join([str(ROOT / "platform"), str(ROOT), str(BENCH)]),
    )
    env.update(item.split("=", 1) for item in extra)
    return env


# --- HTTP helpers ------------------------------------------------------------------------------


def request(port: int, method: str, path: str, body: dict | None = None, cookies: dict | None = None,
            timeout: float = 30) -> tuple[int, dict, str]:  # fmt: skip
    """One request on a new connection: (status, {cookie: value} set, body); status 0 on a
    connection error."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    data = None
    if body is not None:
        data = urlencode(body, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, set_cookies(response), text
    except (OSError, http.client.HTTPException):
        return 0, {}, ""
    finally:
        conn.close()


def set_cookies(response) -> dict:
    jar = {}
    for header in response.msg.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def merge(jar: dict, new: dict) -> None:
    for name, value in new.items():
        if value in ("", '""'):
            jar.pop(name, None)
        else:
            jar[name] = value


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def login(port: int, email: str, password: str) -> dict:
    """Post the login form once; the cookies of the logged-in session."""
    status, jar, html = request(port, "GET", "/auth/login")
    status, new, _ = request(
        port, "POST", "/auth/login",
        {"email": email, "password": password, "csrf_token": csrf_token(html)}, jar,
    )  # fmt: skip
    if status != 303:
        raise RuntimeError(f"login as {email} answered {status}")
    merge(jar, new)
    # the session as a browser keeps it after its first page: logging in starts a new session,
    # and the first page stores its CSRF token there (a new cookie). wrk sends one cookie for
    # the whole run: without this one the token would be made and the session signed again on
    # every request, which no browser makes the server do
    status, new, _ = request(port, "GET", "/", cookies=jar)
    if status != 200:
        raise RuntimeError(f"the first page after logging in as {email} answered {status}")
    merge(jar, new)
    return jar


class FormParser(HTMLParser):
    """The fields of each <form> of a page, as a browser would submit them unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append([name, a.get("value", "on" if a.get("type") == "checkbox" else "")])
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in a
            self._first, self._chosen = None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first is None:
                self._first = value
            if "selected" in a:
                fields.append([self._select, value])
                self._chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            fields.append([name, ""])

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][-1][1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea and self.forms:
                value = self.forms[-1]["fields"][-1][1]
                self.forms[-1]["fields"][-1][1] = value.removeprefix("\r").removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._chosen and not self._multiple and self._first is not None:
                self.forms[-1]["fields"].append([self._select, self._first])  # as a browser does
            self._select = None


def edit_form(html: str) -> list[list[str]]:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if any(name == "description" for name, _ in form["fields"]):
            return form["fields"]
    raise RuntimeError("no edit form with a description field on the page")


# --- load generators ---------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    tool: str


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


#: what the load sends as Accept-Encoding (--accept-encoding); "" sends none
ACCEPT_ENCODING = ""


def wrk(port: int, path: str, cookies: dict | None, seconds: float, connections: int,
        threads: int) -> Load:  # fmt: skip
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--latency", "--timeout", f"{CLIENT_TIMEOUT}s", "-H", f"User-Agent: {USER_AGENT}"]  # fmt: skip
    if ACCEPT_ENCODING:
        command += ["-H", f"Accept-Encoding: {ACCEPT_ENCODING}"]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if re.search(r"\b0 requests in", out):  # none finished within the duration
        return Load(0, seconds, 0.0, math.nan, math.nan, 0, 0, "wrk")
    total, took = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out).group(1, 2)
    unit = re.search(r"\d+ requests in [\d.]+(ms|s|m)", out).group(1)
    socket = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(
        requests=int(total),
        seconds=_ms(f"{took}{unit}") / 1000,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        p99_ms=_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        non_2xx=int(non.group(1)) if non else 0,
        errors=sum(int(n) for n in socket.groups()) if socket else 0,
        tool="wrk",
    )


def _py_load(args) -> dict:
    """One process of the Python load generator: `threads` keep-alive clients requesting
    `path` until `deadline` (time.time())."""
    port, path, cookies, deadline, threads, accept_encoding = args
    headers = {"User-Agent": USER_AGENT}
    if accept_encoding:
        headers["Accept-Encoding"] = accept_encoding
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    latencies, statuses, errors = [], {}, [0]
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
        mine, seen, failed = [], {}, 0
        while time.time() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append((time.perf_counter() - started) * 1000)
                seen[response.status] = seen.get(response.status, 0) + 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {"latencies": latencies, "statuses": statuses, "errors": errors[0]}


def python_load(port: int, path: str, cookies: dict | None, seconds: float, connections: int,
                processes: int) -> Load:  # fmt: skip
    processes = max(1, min(processes, connections))
    per = [connections // processes + (i < connections % processes) for i in range(processes)]
    started = time.time()
    deadline = started + seconds
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(
            _py_load, [(port, path, cookies, deadline, n, ACCEPT_ENCODING) for n in per]
        )
    took = time.time() - started
    latencies = [x for p in parts for x in p["latencies"]]
    statuses: dict[int, int] = {}
    for p in parts:
        for status, n in p["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    return Load(
        requests=len(latencies),
        seconds=took,
        rps=len(latencies) / took,
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        non_2xx=sum(n for s, n in statuses.items() if not 200 <= s < 300),
        errors=sum(p["errors"] for p in parts),
        tool="python",
    )


# --- the write-heavy mix -----------------------------------------------------------------------


@dataclass
class MixClient:
    number: int
    cookies: dict
    token: str
    organization: int
    form: list[list[str]]


def _mix_process(args) -> dict:
    """One process of the mix: a thread per client, each a loop of reads and writes."""
    port, clients, reads, reply_threads, write_share, deadline, run_id, seed = args
    out = {"reads": {}, "writes": {}, "acked": [], "latencies": [], "write_latencies": [],
           "in_window": 0}  # fmt: skip
    lock = threading.Lock()

    def tally(kind: str, status: int):
        out[kind][status] = out[kind].get(status, 0) + 1

    def run(client: MixClient):
        rng = random.Random(f"{seed}-{client.number}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
        sequence = 0
        while time.time() < deadline:
            headers = {"User-Agent": USER_AGENT,
                       "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}  # fmt: skip
            write = rng.random() < write_share
            marker = None
            if write:
                sequence += 1
                marker = f"bench-load-{run_id}-{client.number}-{sequence}"
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                if (sequence + client.number) % 2:  # replies and edits alternate
                    thread = rng.choice(reply_threads)
                    path = f"/{SLUG}/discussions/t/{thread}/reply"
                    body = urlencode({"body": f"Odgovor pod opterećenjem ({marker}).",
                                      "csrf_token": client.token})  # fmt: skip
                else:
                    path = f"/{SLUG}/directory/{client.organization}/edit"
                    fields = [[k, v] for k, v in client.form if k != "description"]
                    fields.append(["description", f"Izmenjeno pod opterećenjem ({marker})."])
                    body = urlencode([(k, v) for k, v in fields])
                method = "POST"
            else:
                path, method, body = rng.choice(reads), "GET", None
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                merge(client.cookies, set_cookies(response))
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
            took = (time.perf_counter() - started) * 1000
            with lock:
                tally("writes" if write else "reads", status)
                out["write_latencies" if write else "latencies"].append(took)
                out["in_window"] += time.time() <= deadline
                if write and 200 <= status < 400:
                    out["acked"].append(marker)

    workers = [threading.Thread(target=run, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return out


def mix(port: int, url: str, t: Targets, *, clients: int, seconds: float, write_share: float,
        processes: int, seed: int, say=print) -> dict:  # fmt: skip
    """The write-heavy mix; returns its figures, with the lost-write check."""
    run_id = secrets.token_hex(4)
    accounts = t.accounts
    sessions = {}
    for email, org in accounts[: min(len(accounts), clients)]:
        jar = login(port, email, ACCOUNT_PASSWORD)
        status, new, html = request(port, "GET", f"/{SLUG}/directory/{org}/edit", cookies=jar)
        if status != 200:
            raise RuntimeError(f"edit form of {org} for {email} answered {status}")
        merge(jar, new)
        sessions[email] = (jar, org, edit_form(html))
    mix_clients = []
    for n in range(clients):
        email, _org = accounts[n % len(sessions)]
        jar, org, form = sessions[email]
        token = next(v for k, v in form if k == "csrf_token")
        mix_clients.append(MixClient(n, dict(jar), token, org, form))
    # the map pages are left out: at 4,000 entries each weighs about 0.9 MB, and would be most
    # of the mix's work while people rarely open them
    # and the administrators' own pages (a member is refused them)
    members = {path for _page, viewer, path in pages(t) if viewer != "admin"}
    reads = list(dict.fromkeys(
        path for page, _viewer, path in pages(t) if "map" not in page and path in members
    ))  # fmt: skip
    processes = max(1, min(processes, clients))
    shares = [mix_clients[i::processes] for i in range(processes)]
    say(f"mix: {clients} clients ({len(sessions)} accounts) for {seconds:.0f} s, run {run_id}")
    started = time.time()
    deadline = started + seconds
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(
            _mix_process,
            [(port, share, reads, t.reply_threads, write_share, deadline, run_id, seed)
             for share in shares],
        )  # fmt: skip
    took = time.time() - started
    reads_by, writes_by, acked, lat, wlat = {}, {}, set(), [], []
    for p in parts:
        for status, n in p["reads"].items():
            reads_by[status] = reads_by.get(status, 0) + n
        for status, n in p["writes"].items():
            writes_by[status] = writes_by.get(status, 0) + n
        acked |= set(p["acked"])
        lat += p["latencies"]
        wlat += p["write_latencies"]
    replies, edits = count_markers(url, run_id)
    stored = replies | edits
    total = sum(reads_by.values()) + sum(writes_by.values())
    return {
        "run_id": run_id,
        "clients": clients,
        "accounts": len(sessions),
        "seconds": seconds,
        #: after the deadline, until the requests in flight had their answers
        "drain_seconds": took - seconds,
        "requests": total,
        #: requests answered within the duration, per second
        "rps": sum(p["in_window"] for p in parts) / seconds,
        "reads": sum(reads_by.values()),
        "writes": sum(writes_by.values()),
        "reads_by_status": dict(sorted(reads_by.items())),
        "writes_by_status": dict(sorted(writes_by.items())),
        "read_p50_ms": percentile(lat, 0.5),
        "read_p99_ms": percentile(lat, 0.99),
        "write_p50_ms": percentile(wlat, 0.5),
        "write_p99_ms": percentile(wlat, 0.99),
        "acknowledged": len(acked),
        "stored": len(stored & acked),
        "stored_replies": len(replies),
        "stored_edits": len(edits),
        "stored_unacknowledged": len(stored - acked),
        "lost": len(acked - stored),
    }


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Row:
    page: str
    viewer: str
    path: str
    load: Load
    #: the bare route, measured just before the page and just after it
    bare: Load
    bare_after: Load | None = None
    bytes: int = 0

    @property
    def bare_rps(self) -> float:
        after = self.bare_after or self.bare
        return (self.bare.rps + after.rps) / 2

    @property
    def ratio(self) -> float:
        return self.bare_rps / self.load.rps if self.load.rps else float("inf")


@dataclass
class Report:
    info: dict
    rows: list[Row] = field(default_factory=list)
    mix: dict | None = None


def measure_pages(
    app_port: int, bare_port: int, t: Targets, admin: dict, member: dict, args, say=print
):
    rows = []
    for page, viewer, path in pages(t):
        if args.only and not any(word in f"{page} {viewer}" for word in args.only):
            continue
        cookies = {"admin": admin, "member": member}.get(viewer)
        status, _c, body = request(app_port, "GET", path, cookies=cookies)
        if status != 200:
            raise RuntimeError(f"{path} as {viewer} answered {status}")
        # warm every worker's caches (the per-process cache, the compiled statements): a
        # second of the same load, not measured. A few requests one after another all went to
        # the first worker, and the others' first requests (a miss each) fell in the run
        load(app_port, path, cookies, argparse.Namespace(**{**vars(args), "duration": 1}))
        # bare, page A, bare, page B, ..., bare: each page between two bare measurements
        bare = rows[-1].bare_after if rows else load(bare_port, "/", None, args)
        result = load(app_port, path, cookies, args)
        row = Row(page, viewer, path, result, bare, load(bare_port, "/", None, args))
        row.bytes = len(body.encode())
        rows.append(row)
        say(
            f"{page:30} {viewer:7} {result.rps:7.1f} req/s  p50 {result.p50_ms:6.1f} ms  "
            f"p99 {result.p99_ms:6.1f} ms  non-2xx {result.non_2xx}  "
            f"bare {row.bare_rps:7.1f} req/s  ratio {row.ratio:5.1f}"
        )
    return rows


def load(port: int, path: str, cookies: dict | None, args) -> Load:
    if args.client == "wrk":
        return wrk(port, path, cookies, args.duration, args.connections, args.threads)
    return python_load(port, path, cookies, args.duration, args.connections, args.processes)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _load_avg() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def markdown(report: Report) -> str:
    i = report.info
    lines = [
        f"### Under gunicorn: {i['database']} — {i['date']} {i['time']}",
        "",
        f"Machine: {i['cores']} CPUs, {i['processor']}; Python {i['python']}, gunicorn "
        f"{i['gunicorn']}. Server: {i['workers']} sync workers (from {i['workers_from']}), "
        "SOLIDARNA_ENV=production, rate limiting disabled (RATELIMIT_ENABLED=0). "
        f"Load: {i['tool']}, {i['connections']} connections, {i['duration']:.0f} s per page, "
        f"each page between two runs of the bare route (bare req/s: their mean), "
        f"Accept-Encoding: {i.get('accept_encoding') or 'none'}. Load average {i['load_before']} before, "
        f"{i['load_after']} after.",
        "",
        "| Page | Viewer | req/s | p50 ms | p99 ms | non-2xx | errors | KB | bare req/s | "
        "bare ÷ page |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report.rows:
        lines.append(
            f"| {r.page} | {r.viewer} | {r.load.rps:.1f} | {_f(r.load.p50_ms)} | "
            f"{_f(r.load.p99_ms)} | {r.load.non_2xx} | {r.load.errors} | {r.bytes / 1024:,.0f} | "
            f"{r.bare_rps:.0f} | {_f(r.ratio)} |"
        )
    if report.mix:
        m = report.mix
        lines += [
            "",
            f"Write-heavy mix: {m['clients']} concurrent clients ({m['accounts']} member "
            f"accounts, Python client), {i['mix_writes']:.0%} writes (half replies in "
            f"discussions, half edits of the organization the account represents), "
            f"{m['seconds']:.0f} s (then {m['drain_seconds']:.0f} s until the requests in flight "
            "were answered; req/s counts the answers within the duration).",
            "",
            "| Requests | req/s | reads (p50 / p99 ms) | writes (p50 / p99 ms) | reads by status "
            "| writes by status | acknowledged writes | stored | lost |",
            "|---:|---:|---|---|---|---|---:|---:|---:|",
            f"| {m['requests']:,} | {m['rps']:.1f} | {m['reads']:,} ({m['read_p50_ms']:.0f} / "
            f"{m['read_p99_ms']:.0f}) | {m['writes']:,} ({m['write_p50_ms']:.0f} / "
            f"{m['write_p99_ms']:.0f}) | {_statuses(m['reads_by_status'])} | "
            f"{_statuses(m['writes_by_status'])} | {m['acknowledged']:,} | {m['stored']:,} | "
            f"**{m['lost']}** |",
        ]
        if m["stored_unacknowledged"]:
            lines.append(
                f"\n{m['stored_unacknowledged']} write(s) stored without an acknowledgement "
                "(the client gave up waiting)."
            )
    return "\n".join(lines) + "\n"


def _f(value: float) -> str:
    return f"{value:.1f}" if math.isfinite(value) else "—"


def _statuses(by: dict) -> str:
    return ", ".join(f"{'error' if int(s) == 0 else s}: {n:,}" for s, n in by.items()) or "—"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--organizations", type=int, default=20_000)
    parser.add_argument("--threads-data", type=int, default=2_000, help="discussion threads")
    parser.add_argument("--posts", type=int, default=20_000, help="discussion posts")
    parser.add_argument("--accounts", type=int, default=40, help="member accounts for the mix")
    parser.add_argument("--survey-responses", type=int, default=1_000,
                        help="complete responses of the survey of 60 questions")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn workers when the repository has no gunicorn.conf.py")  # fmt: skip
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="more environment for the servers (repeatable)")  # fmt: skip
    parser.add_argument("--duration", type=float, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--processes", type=int, default=2, help="Python load processes")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--mix-clients", type=int, default=100)
    parser.add_argument("--mix-duration", type=float, default=60)
    parser.add_argument("--mix-writes", type=float, default=0.3)
    parser.add_argument("--mix-processes", type=int, default=4)
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--no-mix", action="store_true")
    parser.add_argument(
        "--only", nargs="*", help="only the pages whose name or viewer contains a word"
    )
    parser.add_argument("--quick", action="store_true", help="2 s per page, a 10 s mix")
    parser.add_argument(
        "--accept-encoding",
        default="",
        help='send this Accept-Encoding with the load, as browsers do (e.g. "gzip, deflate, br")',
    )
    parser.add_argument("--output", type=Path, help="also write the Markdown here")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.mix_duration = 2, 10
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    global ACCEPT_ENCODING
    ACCEPT_ENCODING = args.accept_encoding
    sys.path.insert(0, str(BENCH))
    from generate import ADMIN_EMAIL, ADMIN_PASSWORD, make_app

    from solidarna.core.database import normalise_url

    url = normalise_url(args.database_url)
    say = lambda *a: print(*a, file=sys.stderr)  # noqa: E731
    prepare(
        url, tenants=args.tenants, organizations=args.organizations, accounts=args.accounts,
        threads=args.threads_data, posts=args.posts, seed=args.seed, reuse=args.reuse,
        survey_responses=args.survey_responses, say=say,
    )  # fmt: skip
    t = targets(url)
    workers, workers_from = conf_workers(args.workers)
    import gunicorn
    from run import machine

    info = machine(args.database_url, make_app(url))
    now = dt.datetime.now(dt.UTC)
    info.update(
        date=now.date().isoformat(), time=now.strftime("%H:%M UTC"), processor=_cpu_model(),
        gunicorn=gunicorn.__version__, workers=workers, workers_from=workers_from,
        tool=args.client, connections=args.connections, duration=args.duration,
        mix_writes=args.mix_writes, load_before=_load_avg(),
        accept_encoding=args.accept_encoding,
    )  # fmt: skip
    scratch = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = server_env(url, args.server_env)
    app_server = Server("wsgi:app", workers, env, scratch / "app.log")
    bare_server = Server("bare:app", workers, env, scratch / "bare.log")
    report = Report(info)
    try:
        app_server.launch(), bare_server.launch()
        app_server.wait(), bare_server.wait()
        say(f"app on :{app_server.port}, bare on :{bare_server.port}, {workers} workers each")
        if not args.no_pages:
            admin = login(app_server.port, ADMIN_EMAIL, ADMIN_PASSWORD)
            member = login(app_server.port, t.accounts[0][0], ACCOUNT_PASSWORD)
            report.rows = measure_pages(
                app_server.port, bare_server.port, t, admin, member, args, say
            )
        if not args.no_mix:
            report.mix = mix(
                app_server.port, url, t, clients=args.mix_clients, seconds=args.mix_duration,
                write_share=args.mix_writes, processes=args.mix_processes, seed=args.seed, say=say,
            )  # fmt: skip
    finally:
        app_server.stop()
        bare_server.stop()
    info["load_after"] = _load_avg()
    text = markdown(report)
    print()
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stem = f"load-{info['date']}-{info['database'].split()[0].lower()}"
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            {"machine": info,
             "pages": [asdict(r) | {"bare_rps": r.bare_rps, "ratio": r.ratio} for r in report.rows],
             "mix": report.mix},
            indent=2, default=str,
        )
    )  # fmt: skip
    if args.output:
        args.output.write_text(text)
    shutil.rmtree(scratch, ignore_errors=True)
    if report.mix and report.mix["lost"]:
        print(f"{report.mix['lost']} acknowledged write(s) are not in the database.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
