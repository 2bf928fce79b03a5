"""Measure the working groups' pages on a large data set, in-process (DESIGN §9, issue 14
item 10).

    python bench/groups.py                       # SQLite in instance/bench-groups.sqlite3
    python bench/groups.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_groups
    python bench/groups.py --reuse --requests 50 --warmup 5

Builds one space, "bench-groups", with `--groups` working groups (300: themes, visibilities
and join policies mixed, every tenth a sub-group, some ended, each with a coordinator, a few
members, a meeting ahead and one past) and one large group: `--members` active members (500,
four in five for one of `--organizations` verified directory entries, 400), `--meetings`
meetings (200, one a week: three quarters past, each past one with minutes, 25 people
present with their organizations, one to three numbered decisions and two tasks; the ones
ahead with 40 answers each) and 30 documents with one to three versions. The viewer — a
member of the space, of the large group (for an organization) and of 20 other groups — has
tasks in several groups. The database is emptied and rebuilt through the migrations first
(never point it at real data; `--reuse` keeps what is there; BENCH_GROUPS_DATABASE_URL sets
the default URL).

Then requests, as that logged-in member (visitors' list and group page come from the page
cache): the list (page 1, filtered, page 10), the large group's page, a past meeting's page
(minutes, attendance, decisions, tasks), a decision's page, My tasks, the calendar and the
large group's .ics feed; and, as the space's owner (a coordinator of the large group, who
gets the record's forms), the group's and the meeting's pages and the meeting's attendance
form (a page of 50 members); and the group's people pages (all members and all organizations,
50 a page). The group page's parts that are the same for everyone of a viewer level are kept
in the fragment cache until the space changes: the group page is measured also with the
cache off (every fragment drawn, as on the first view after a change). After `--warmup` requests, `--requests` timed ones. Each page's SQL statements are
asserted under CEILING (a bound that does not depend on the data's size: the same pages stay
under it at two small sizes, tests/groups/test_query_counts.py). Prints a Markdown table like
bench/proposals.py; the budget is a median under 25 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, timedelta

import sqlalchemy as sa
from discussions import Measurement, login, measure
from generate import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    MEMBER_EMAIL,
    MEMBER_PASSWORD,
    bench_space,
    fresh_database,
    make_app,
)
from run import BUDGET_MS, _load, client, machine, percentile
from sqlalchemy import insert, select

from solidarna.accounts.models import User
from solidarna.core.database import normalise_url
from solidarna.core.models import utcnow
from solidarna.core.script import fold
from solidarna.core.storage import StoredFile
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.groups.documents import GroupDocument, GroupDocumentVersion
from solidarna.groups.models import GroupMeeting, GroupMembership, MeetingRsvp, WorkingGroup
from solidarna.groups.records import GroupDecision, GroupTask, MeetingAttendance, MeetingMinutes
from solidarna.tenants.models import Membership, Tenant

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_URL = f"sqlite:///{os.path.join(ROOT, 'instance', 'bench-groups.sqlite3')}"
SLUG = "bench-groups"
LARGE_NAME = "Pristup finansijama (velika grupa)"
BATCH = 2_000
#: SQL statements per page, at most, whatever the data's size (asserted)
CEILING = 26
THEMES = ("finance", "procurement", "legal", "training", "markets")
WORDS = ("garantni fond", "javne nabavke", "rezervisane nabavke", "mentorstvo", "zadruge",
         "lokalni budžet", "subvencije", "obuka", "tržište", "zakon o socijalnom preduzetništvu",
         "radna integracija", "izveštaj", "mapa aktera", "zagovaranje")  # fmt: skip
PLACES = ("Kruševac", "Brus", "Trstenik", "Niš", "Novi Sad", "Subotica", "Čačak", "Vranje")


@dataclass
class DataSet:
    groups: int
    large: int
    members: int
    meetings: int
    past_meeting: int
    decision: tuple[int, int]
    attendance: int
    decisions: int
    tasks: int
    my_open_tasks: int


def _sentence(rng: random.Random) -> str:
    a, b, c = rng.sample(WORDS, 3)
    return f"Grupa radi na temi {a}: {b} i {c}."


def _chunks(rows: list[dict]):
    for first in range(0, len(rows), BATCH):
        yield rows[first : first + BATCH]


def _insert(model, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)


def generate(url: str, *, groups: int, members: int, organizations: int, meetings: int,
             seed: int = 1, analyze: bool | None = None,
             say=lambda *a: print(*a, file=sys.stderr)) -> None:  # fmt: skip
    started = time.perf_counter()
    rng = random.Random(seed)
    with fresh_database(url, analyze, say) as (admin, member, now):
        _insert(User, [
            {"email": f"clan{n:04d}@example.org", "name": f"Članica Grupić {n:04d}",
             "locale": "sr_Latn", "password_hash": "", "email_verified_at": now,
             "created_at": now, "updated_at": now}
            for n in range(members)
        ])  # fmt: skip
        people = list(
            db.session.scalars(
                select(User.id).where(User.email.like("clan%@example.org")).order_by(User.id)
            )
        )
        db.session.execute(
            insert(Tenant),
            [bench_space(SLUG, "Benchmark: radne grupe", ["directory", "discussions", "groups"])],
        )  # fmt: skip
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_context(tenant_id):
            _insert(Membership.__table__, [
                {"tenant_id": tenant_id, "user_id": uid, "role": role, "status": "active",
                 "message": "", "created_at": now, "updated_at": now}
                for uid, role in [(admin.id, "owner"), (member.id, "member")]
                + [(uid, "member") for uid in people]
            ])  # fmt: skip
            _fill(rng, tenant_id, admin.id, member.id, people, now, groups=groups,
                  organizations=organizations, meetings=meetings, say=say)  # fmt: skip
    say(f"generated in {time.perf_counter() - started:.1f} s")


def _fill(rng, tenant_id, admin_id, viewer_id, people, now, *, groups, organizations,
          meetings, say) -> None:  # fmt: skip
    today = now.date()
    _insert(Organization, [
        {"tenant_id": tenant_id, "name": f"Organizacija {n:03d}",
         "sort_name": f"organizacija {n:03d}",
         "legal_form": "cooperative" if n % 4 == 1 else "association",
         "actor_type": ("association", "cooperative", "social_enterprise", "foundation")[n % 4],
         "municipality": PLACES[n % len(PLACES)], "district_iso": "RS-19",
         "moderation": "verified", "se_status": "no", "status": "active", "source": "office",
         "source_detail": "bench", "field_visibility": {},
         "search_text": f"organizacija {n:03d}", "verified_at": now, "last_confirmed_at": now,
         "created_at": now, "updated_at": now}
        for n in range(organizations)
    ])  # fmt: skip
    orgs = list(db.session.scalars(select(Organization.id).order_by(Organization.id)))
    org_names = dict(db.session.execute(select(Organization.id, Organization.name)).all())

    # --- the space's groups: the large one first, then the others -------------------------------
    group_rows = [{
        "tenant_id": tenant_id, "name": LARGE_NAME, "theme": "finance",
        "mandate": "Grupa okuplja organizacije oko **pristupa finansijama**. " + _sentence(rng),
        "goals": "- garantni fond\n- obuke za finansijsko planiranje", "visibility": "public",
        "join_policy": "request", "parent_id": None, "created_by_id": admin_id,
        "member_count": 0, "ends_on": None, "created_at": now, "updated_at": now,
    }]  # fmt: skip
    for n in range(1, groups):
        words = rng.sample(WORDS, 2)
        name = f"Radna grupa {n:03d}: {words[0]}"
        roll = rng.random()
        group_rows.append({
            "tenant_id": tenant_id, "name": name, "theme": THEMES[n % len(THEMES)],
            "mandate": _sentence(rng), "goals": f"- {words[1]}",
            "visibility": "public" if roll < 0.8 else "members" if roll < 0.95 else "private",
            "join_policy": ("open", "request", "invitation")[n % 3], "parent_id": None,
            "created_by_id": admin_id, "member_count": 0,
            "ends_on": today - timedelta(days=30 + n) if n % 10 == 5 else None,
            "created_at": now - timedelta(hours=n), "updated_at": now,
        })  # fmt: skip
    for row in group_rows:
        row["search_text"] = " ".join(fold(p) for p in (row["name"], row["mandate"], row["goals"]))
    _insert(WorkingGroup, group_rows)
    ids = list(db.session.scalars(select(WorkingGroup.id).order_by(WorkingGroup.id)))
    large, others = ids[0], ids[1:]
    # every tenth group is a sub-group of the group before it (top-level: one level deep)
    for n, gid in enumerate(others, start=1):
        if n % 10 == 9:
            db.session.execute(
                sa.update(WorkingGroup).where(WorkingGroup.id == gid).values(parent_id=others[n - 2])
            )  # fmt: skip

    # --- memberships ------------------------------------------------------------------------------
    member_rows = [{"tenant_id": tenant_id, "group_id": large, "user_id": admin_id,
                    "role": "coordinator", "status": "active", "organization_id": None,
                    "organization_name": "", "message": "", "active_from": today,
                    "created_at": now}]  # fmt: skip
    roles = ("member",) * 8 + ("secretary", "observer")
    large_people = [viewer_id] + people[: len(people) - 1]
    for n, uid in enumerate(large_people):
        org = orgs[n % len(orgs)] if n % 5 else None  # four in five for an organization
        member_rows.append({
            "tenant_id": tenant_id, "group_id": large, "user_id": uid,
            "role": "member" if uid == viewer_id else roles[n % len(roles)], "status": "active",
            "organization_id": org, "organization_name": org_names[org] if org else "",
            "message": "", "active_from": today - timedelta(days=n % 700), "created_at": now,
        })  # fmt: skip
    viewer_groups = set(others[:40:2])  # the viewer is in 20 other groups
    for gid in others:
        chosen = {admin_id, *rng.sample(people, 5)}
        if gid in viewer_groups:
            chosen.add(viewer_id)
        for uid in chosen:
            member_rows.append({
                "tenant_id": tenant_id, "group_id": gid, "user_id": uid,
                "role": "coordinator" if uid == admin_id else "member", "status": "active",
                "organization_id": None, "organization_name": "", "message": "",
                "active_from": today, "created_at": now,
            })  # fmt: skip
    # and some requests waiting in the large group
    for uid in people[-1:]:
        member_rows.append({
            "tenant_id": tenant_id, "group_id": large, "user_id": uid, "role": "member",
            "status": "pending", "organization_id": None, "organization_name": "",
            "message": "Molim prijem.", "created_at": now,
        })  # fmt: skip
    _insert(GroupMembership, member_rows)
    db.session.execute(
        sa.update(WorkingGroup).values(
            member_count=select(sa.func.count(GroupMembership.id))
            .where(GroupMembership.group_id == WorkingGroup.id,
                   GroupMembership.status == "active")
            .scalar_subquery()
        )
    )  # fmt: skip
    memberships = db.session.execute(
        select(GroupMembership.id, GroupMembership.user_id, GroupMembership.organization_id,
               GroupMembership.organization_name)
        .where(GroupMembership.group_id == large, GroupMembership.status == "active")
    ).all()  # fmt: skip
    say(
        f"{len(ids)} groups, {len(member_rows)} memberships ({len(memberships)} active in the large one)"
    )

    # --- meetings: the large group's, one a week, three quarters past; one ahead and one past
    # in every other group ------------------------------------------------------------------------
    past_count = meetings * 3 // 4
    meeting_rows = []
    for k in range(meetings):
        starts = (now + timedelta(days=7 * (k - past_count) + 1)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        meeting_rows.append({
            "tenant_id": tenant_id, "group_id": large, "title": f"Sastanak {k + 1}: {rng.choice(WORDS)}",
            "starts_at": starts, "ends_at": starts + timedelta(hours=2),
            "place": f"{rng.choice(PLACES)}, sala {k % 5 + 1}",
            "online_url": "https://meet.example.org/grupa" if k % 3 == 0 else "",
            "agenda": f"1. {rng.choice(WORDS)}\n2. {rng.choice(WORDS)}\n3. Razno",
            "created_by_id": admin_id, "yes_count": 0, "maybe_count": 0, "no_count": 0,
            "created_at": now, "updated_at": now,
        })  # fmt: skip
    for n, gid in enumerate(others):
        for days in (3 + n % 90, -(10 + n % 60)):
            starts = (now + timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
            meeting_rows.append({
                "tenant_id": tenant_id, "group_id": gid, "title": f"Sastanak grupe {n + 1}",
                "starts_at": starts, "ends_at": starts + timedelta(hours=1),
                "place": rng.choice(PLACES), "online_url": "", "agenda": "1. Plan rada",
                "created_by_id": admin_id, "yes_count": 0, "maybe_count": 0, "no_count": 0,
                "created_at": now, "updated_at": now,
            })  # fmt: skip
    _insert(GroupMeeting, meeting_rows)
    large_meetings = db.session.execute(
        select(GroupMeeting.id, GroupMeeting.starts_at)
        .where(GroupMeeting.group_id == large).order_by(GroupMeeting.starts_at)
    ).all()  # fmt: skip
    past = [(mid, at) for mid, at in large_meetings if _aware(at) < now]
    ahead = [(mid, at) for mid, at in large_meetings if _aware(at) >= now]

    # --- the record of the past meetings --------------------------------------------------------
    minutes, attendance, decisions, tasks = [], [], [], []
    numbers: dict[int, int] = {}
    task_people = [m.user_id for m in memberships]
    for k, (mid, at) in enumerate(past):
        at = _aware(at)
        minutes.append({
            "tenant_id": tenant_id, "meeting_id": mid, "written_by_id": admin_id,
            "body": f"## Zapisnik\n\n{_sentence(rng)}\n\n{_sentence(rng)}", "published_at": at,
            "created_at": at, "updated_at": at,
        })  # fmt: skip
        for m in rng.sample(memberships, min(25, len(memberships))):
            attendance.append({
                "tenant_id": tenant_id, "meeting_id": mid, "membership_id": m.id,
                "user_id": m.user_id, "organization_id": m.organization_id,
                "organization_name": m.organization_name or "", "recorded_at": at,
            })  # fmt: skip
        year = at.astimezone(UTC).year
        for _ in range(1 + k % 3):
            numbers[year] = numbers.get(year, 0) + 1
            decisions.append({
                "tenant_id": tenant_id, "group_id": large, "meeting_id": mid, "year": year,
                "number": numbers[year], "title": f"Odluka o temi: {rng.choice(WORDS)}",
                "body": _sentence(rng), "created_by_id": admin_id, "created_at": at,
            })  # fmt: skip
        for t in range(2):
            due = (at + timedelta(days=14 + 7 * t)).date()
            assignee = viewer_id if (k + t) % 5 == 0 else rng.choice(task_people)
            done = due < today - timedelta(days=21)
            tasks.append({
                "tenant_id": tenant_id, "group_id": large, "meeting_id": mid,
                "title": f"Zadatak {k + 1}.{t + 1}: {rng.choice(WORDS)}", "assignee_id": assignee,
                "due_on": due, "done_at": at + timedelta(days=10) if done else None,
                "done_by_id": assignee if done else None, "created_by_id": admin_id,
                "created_at": at,
            })  # fmt: skip
    # the viewer's tasks in the other groups they are in: five each, some overdue
    for n, gid in enumerate(sorted(viewer_groups)):
        for t in range(5):
            tasks.append({
                "tenant_id": tenant_id, "group_id": gid, "meeting_id": None,
                "title": f"Zadatak u grupi {n + 1}.{t + 1}", "assignee_id": viewer_id,
                "due_on": today + timedelta(days=t * 3 - 4), "done_at": None,
                "done_by_id": None, "created_by_id": admin_id, "created_at": now,
            })  # fmt: skip
    _insert(MeetingMinutes, minutes)
    _insert(MeetingAttendance, attendance)
    _insert(GroupDecision, decisions)
    _insert(GroupTask, tasks)
    rsvps = []
    for mid, _at in ahead:
        for m in rng.sample(memberships, min(40, len(memberships))):
            rsvps.append({"tenant_id": tenant_id, "meeting_id": mid, "user_id": m.user_id,
                          "answer": rng.choice(("yes", "yes", "maybe", "no")),
                          "answered_at": now})  # fmt: skip
    _insert(MeetingRsvp, rsvps)
    for answer in ("yes", "maybe", "no"):
        db.session.execute(
            sa.update(GroupMeeting).values({
                f"{answer}_count": select(sa.func.count(MeetingRsvp.id))
                .where(MeetingRsvp.meeting_id == GroupMeeting.id, MeetingRsvp.answer == answer)
                .scalar_subquery()
            })
        )  # fmt: skip
    say(f"{len(meeting_rows)} meetings; the large group {len(past)} past, {len(ahead)} ahead: "
        f"{len(attendance)} present, {len(decisions)} decisions, {len(tasks)} tasks, "
        f"{len(rsvps)} answers")  # fmt: skip

    # --- the large group's documents: 30, one to three versions each (rows only: the pages
    # measured never read the files) --------------------------------------------------------------
    _insert(GroupDocument, [
        {"tenant_id": tenant_id, "group_id": large, "title": f"Dokument {n + 1}: {rng.choice(WORDS)}",
         "description": _sentence(rng), "created_by_id": admin_id, "version_count": 1 + n % 3,
         "created_at": now - timedelta(days=n), "updated_at": now - timedelta(days=n)}
        for n in range(30)
    ])  # fmt: skip
    documents = db.session.execute(
        select(GroupDocument.id, GroupDocument.version_count).where(GroupDocument.group_id == large)
    ).all()
    files, versions = [], []
    for doc_id, count in documents:
        for number in range(1, count + 1):
            files.append({
                "tenant_id": tenant_id, "key": f"{tenant_id}/00/00/{doc_id:016x}{number:016x}",
                "use": "documents", "original_name": f"dokument-{doc_id}-v{number}.pdf",
                "kind": "pdf", "content_type": "application/pdf", "size": 120_000,
                "sha256": "0" * 64, "uploaded_by_id": admin_id, "created_at": now,
            })  # fmt: skip
    _insert(StoredFile, files)
    keys = dict(db.session.execute(select(StoredFile.key, StoredFile.id)).all())
    for doc_id, count in documents:
        for number in range(1, count + 1):
            versions.append({
                "tenant_id": tenant_id, "document_id": doc_id, "number": number,
                "file_id": keys[f"{tenant_id}/00/00/{doc_id:016x}{number:016x}"],
                "uploaded_by_id": admin_id, "created_at": now - timedelta(days=doc_id % 30),
            })  # fmt: skip
    _insert(GroupDocumentVersion, versions)


def _aware(at):
    """SQLite gives naive datetimes back (UTC)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def describe(url: str) -> DataSet:
    app = make_app(url)
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        if tenant_id is None:
            raise SystemExit(f"no space {SLUG!r} in the database: run without --reuse")
        with tenant_context(tenant_id):
            from solidarna.accounts.models import User

            def count(model, *where):
                return db.session.scalar(select(sa.func.count()).select_from(model).where(*where))

            large = db.session.scalar(
                select(WorkingGroup.id).where(WorkingGroup.name == LARGE_NAME)
            )
            now = utcnow()
            # the past meeting with the most decisions, the latest such
            past = db.session.execute(
                select(GroupDecision.meeting_id, sa.func.count(GroupDecision.id).label("n"))
                .join(GroupMeeting, GroupMeeting.id == GroupDecision.meeting_id)
                .where(GroupDecision.group_id == large, GroupMeeting.starts_at < now)
                .group_by(GroupDecision.meeting_id)
                .order_by(sa.desc("n"), GroupDecision.meeting_id.desc())
                .limit(1)
            ).first()[0]  # fmt: skip
            first = db.session.execute(
                select(GroupDecision.year, GroupDecision.number)
                .where(GroupDecision.meeting_id == past).order_by(GroupDecision.number).limit(1)
            ).first()  # fmt: skip
            viewer = db.session.scalar(select(User.id).where(User.email == MEMBER_EMAIL))
            data = DataSet(
                groups=count(WorkingGroup),
                large=large,
                members=count(GroupMembership, GroupMembership.group_id == large,
                              GroupMembership.status == "active"),
                meetings=count(GroupMeeting, GroupMeeting.group_id == large),
                past_meeting=past,
                decision=(first.year, first.number),
                attendance=count(MeetingAttendance, MeetingAttendance.meeting_id == past),
                decisions=count(GroupDecision, GroupDecision.meeting_id == past),
                tasks=count(GroupTask, GroupTask.meeting_id == past),
                my_open_tasks=count(GroupTask, GroupTask.assignee_id == viewer,
                                    GroupTask.done_at.is_(None)),
            )  # fmt: skip
        db.engine.dispose()
    return data


def pages(data: DataSet) -> list[tuple[str, str, str]]:
    """(page, url, viewer)."""
    base, gid = f"/{SLUG}/groups", data.large
    year, number = data.decision
    meeting = f"{base}/{gid}/meetings/{data.past_meeting}"
    return [
        (f"list ({data.groups} groups), page 1", f"{base}/", "member"),
        ("list, filtered (theme + taking members + my groups)",
         f"{base}/?theme=finance&joinable=1&mine=1", "member"),
        ("list, search", f"{base}/?q=nabavke", "member"),
        ("list, page 10", f"{base}/?page=10&ended=all", "member"),
        (f"group page ({data.members} members, {data.meetings} meetings)", f"{base}/{gid}", "member"),
        (f"meeting page ({data.attendance} present, {data.decisions} decisions, {data.tasks} tasks)",
         meeting, "member"),
        (f"decision {number}/{year}", f"{base}/{gid}/decisions/{year}/{number}", "member"),
        (f"my tasks ({data.my_open_tasks} open)", f"{base}/tasks/", "member"),
        ("calendar", f"{base}/calendar/", "member"),
        ("group .ics feed", f"{base}/{gid}/calendar.ics", "member"),
        ("all members, page 1 (50 a page)", f"{base}/{gid}/people", "member"),
        ("all organizations, page 2", f"{base}/{gid}/people?list=organizations&page=2", "member"),
        ("group page, coordinator", f"{base}/{gid}", "coordinator"),
        # the same page drawn whole each time, as on the first view after a change in the
        # space (its fragments are kept per change marker)
        ("group page, fragments drawn (cache off)", f"{base}/{gid}", "member, cache off"),
        ("group page, coordinator, fragments drawn (cache off)", f"{base}/{gid}",
         "coordinator, cache off"),
        ("meeting page, coordinator (the record's forms)", meeting, "coordinator"),
        ("attendance form, coordinator (50 a page)", f"{meeting}/attendance", "coordinator"),
    ]  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_GROUPS_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--groups", type=int, default=300, help="in the space")
    parser.add_argument("--members", type=int, default=500, help="of the large group")
    parser.add_argument("--organizations", type=int, default=400)
    parser.add_argument("--meetings", type=int, default=200, help="of the large group")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page is over budget")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, groups=args.groups, members=args.members, organizations=args.organizations,
                 meetings=args.meetings, seed=args.seed, analyze=args.analyze)  # fmt: skip
    data = describe(url)
    print(f"data: {data}", file=sys.stderr)
    app = make_app(url)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    drawn = make_app(url)  # the fragment cache off: every fragment drawn on each request
    drawn.config["PAGE_CACHE"] = False
    apps = {"member": app, "coordinator": app, "member, cache off": drawn,
            "coordinator, cache off": drawn}  # fmt: skip
    browsers = {viewer: client(apps[viewer]) for viewer in apps}
    for viewer, browser in browsers.items():
        if viewer.startswith("member"):
            login(browser, MEMBER_EMAIL, MEMBER_PASSWORD)
        else:
            login(browser, ADMIN_EMAIL, ADMIN_PASSWORD)
    results, too_many = [], []
    for page, path, viewer in pages(data):
        wall, cpu, queries, size = measure(apps[viewer], browsers[viewer], path, 200,
                                           args.requests, args.warmup)  # fmt: skip
        result = Measurement(
            page=page, viewer=viewer, url=path, status=200, queries=queries,
            median_ms=statistics.median(wall), p95_ms=percentile(wall, 0.95),
            cpu_median_ms=statistics.median(cpu), bytes=size,
        )  # fmt: skip
        results.append(result)
        if queries > CEILING:
            too_many.append(f"{page}: {queries} SQL statements (ceiling {CEILING})")
        print(f"{page:62} {queries:3} queries  median {result.median_ms:7.1f} ms  "
              f"p95 {result.p95_ms:7.1f} ms  cpu {result.cpu_median_ms:7.1f} ms",
              file=sys.stderr)  # fmt: skip
    info["load_after"] = _load()
    print()
    print(f"### Working groups, {info['database']} — {info['date']}\n")
    print(f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}. "
          f"Data: space `{SLUG}`, {data.groups} working groups; the large one "
          f"{data.members} active members, {data.meetings} meetings. {args.requests} timed "
          f"requests per page after {args.warmup} warm-up requests. Load average "
          f"{info['load_before']} before, {info['load_after']} after.\n")  # fmt: skip
    print("| Page | Viewer | SQL statements | Median ms | p95 ms | CPU median ms | KB | Budget |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for m in results:
        print(f"| {m.page} | {m.viewer} | {m.queries} | {m.median_ms:.1f} | {m.p95_ms:.1f} | "
              f"{m.cpu_median_ms:.1f} | {m.bytes / 1024:.0f} | "
              f"{'ok' if m.within_budget else '**over**'} |")  # fmt: skip
    if too_many:
        print("\n".join(too_many), file=sys.stderr)
        return 1
    over = [m for m in results if not m.within_budget]
    if over:
        print(f"\n{len(over)} page(s) over the {BUDGET_MS:.0f} ms median budget.")
    return 1 if over and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
