"""Measure the events' pages with an event of 2,000 applications, in-process (issue 18 item 10).

    python bench/events.py                          # SQLite in instance/bench-events.sqlite3
    python bench/events.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_events
    python bench/events.py --reuse --requests 5 --warmup 1

Builds the space "bench-events" with two events of three sessions each: one with
`--applications` applicants (2,000) and one with a tenth of them; four in five accepted and
checked in at the first session, the rest waiting, every tenth reviewed on the rubric, inserted
in bulk. The database is emptied and rebuilt through the migrations first (never point it at
real data; `--reuse` keeps what is there; BENCH_EVENTS_DATABASE_URL sets the default URL).

Then, as the space's administrator, after `--warmup` requests, `--requests` timed ones of: the
calendar (list and month), the iCalendar feed, the event's page and its .ics, the applications
list (a page of 50, all and filtered), one application with its reviews, and the attendance
list (a page of 100 accepted participants, on a phone). Each page's SQL statements are asserted under
CEILING and equal at the two sizes (tests/events/test_query_counts.py asserts the same at 3 and
60). Prints a Markdown table."""

from __future__ import annotations

import argparse
import os
import sys
import time

import sqlalchemy as sa
from discussions import login, measure_at_two_sizes, two_sizes_table
from generate import ADMIN_EMAIL, ADMIN_PASSWORD, bench_space, fresh_database, make_app
from run import _load, client, machine
from sqlalchemy import insert, select

from solidarna.accounts.models import User
from solidarna.core.database import normalise_url
from solidarna.core.tenancy import tenant_context
from solidarna.events import services
from solidarna.events.models import ApplicationReview, Attendance, Event, EventApplication
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Tenant

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_URL = f"sqlite:///{os.path.join(ROOT, 'instance', 'bench-events.sqlite3')}"
SLUG = "bench-events"
TITLE = "Obuka: pokretanje socijalnog preduzeća (merenje)"
SMALL_TITLE = "Obuka, desetina (merenje)"
BATCH = 5_000
#: SQL statements per page, at most, whatever the number of applications
CEILING = 25
MODULES = ["directory", "events"]


def _event(title: str, admin, now, days_ahead: int = 10) -> Event:
    """A published training of three daily sessions, the first `days_ahead` days from now."""
    from datetime import timedelta

    day = now.replace(microsecond=0) + timedelta(days=days_ahead)
    sessions = [(day + timedelta(days=n), day + timedelta(days=n, hours=5)) for n in range(3)]
    event = services.create(
        {"title": title, "kind": "training", "description": "Tri dana obuke (merenje).",
         "place": "Sala 1, Kruševac", "latitude": 43.58, "longitude": 21.33, "online_url": "",
         "capacity": None, "eligibility": "anyone", "actor_types": [], "deadline": None,
         "fee": None, "accessibility": "", "survey_url": ""},
        sessions, admin, criteria=[{"code": "motivation", "label": "Motivacija"},
                                   {"code": "fit", "label": "Uklapanje"}],
    )  # fmt: skip
    event.status = "published"
    db.session.flush()
    return event


def fill(tenant_id: int, event: Event, count: int, prefix: str, admin_id: int, now) -> None:
    db.session.execute(insert(User), [
        {"email": f"{prefix}{n}@example.org", "name": f"Učesnica {prefix} {n}",
         "password_hash": "x", "email_verified_at": now} for n in range(count)
    ])  # fmt: skip
    ids = list(db.session.scalars(select(User.id).where(User.email.like(f"{prefix}%"))
                                  .order_by(User.id)))  # fmt: skip
    rows = [{"tenant_id": tenant_id, "event_id": event.id, "user_id": uid,
             "answers": {"status": {"choice": "idea", "other": ""}},
             "status": "accepted" if n % 5 else "pending", "checkin_code": f"{prefix[:2].upper()}{n}",
             "created_at": now, "attended_count": 1 if n % 5 else 0, "message": "",
             "organization_name": ""} for n, uid in enumerate(ids)]  # fmt: skip
    for first in range(0, len(rows), BATCH):
        db.session.execute(insert(EventApplication), rows[first : first + BATCH])
    applications = list(db.session.scalars(
        select(EventApplication.id).where(EventApplication.event_id == event.id)
        .order_by(EventApplication.id)))  # fmt: skip
    session_id = event.sessions[0].id
    db.session.execute(insert(Attendance), [
        {"tenant_id": tenant_id, "session_id": session_id, "application_id": a,
         "checked_in_at": now} for n, a in enumerate(applications) if n % 5
    ])  # fmt: skip
    db.session.execute(insert(ApplicationReview), [
        {"tenant_id": tenant_id, "application_id": a, "reviewer_id": admin_id,
         "scores": {"motivation": 4, "fit": 3}, "comment": "Dobro.", "created_at": now}
        for n, a in enumerate(applications) if n % 10 == 0
    ])  # fmt: skip
    event.application_count = count
    event.seated_count = sum(1 for n in range(count) if n % 5)


def generate(url: str, *, applications: int, analyze: bool | None = None,
             say=lambda *a: print(*a, file=sys.stderr)) -> float:  # fmt: skip
    started = time.perf_counter()
    with fresh_database(url, analyze, say) as (admin, _member, now):
        db.session.execute(insert(Tenant), [bench_space(SLUG, "Benchmark: događaji", MODULES)])
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        with tenant_context(tenant_id):
            db.session.execute(
                insert(Membership.__table__),
                [{"tenant_id": tenant_id, "user_id": admin.id, "role": "owner", "status": "active",
                  "message": "", "created_at": now, "updated_at": now}],
            )  # fmt: skip
            for title, count, prefix in ((TITLE, applications, "velika"),
                                         (SMALL_TITLE, max(applications // 10, 1), "mala")):  # fmt: skip
                event = _event(title, admin, now)
                fill(tenant_id, event, count, prefix, admin.id, now)
                say(f"{title}: {count} applications")
            db.session.commit()
    seconds = time.perf_counter() - started
    say(f"generated in {seconds:.1f} s")
    return seconds


def describe(url: str) -> dict:
    app = make_app(url)
    with app.app_context():
        tenant_id = db.session.scalar(select(Tenant.id).where(Tenant.slug == SLUG))
        if tenant_id is None:
            raise SystemExit(f"no space {SLUG!r} in the database: run without --reuse")
        with tenant_context(tenant_id):
            ids = dict(db.session.execute(select(Event.title, Event.id)).all())
            first = {
                key: db.session.scalar(select(sa.func.min(EventApplication.id))
                                       .where(EventApplication.event_id == ids[title]))
                for key, title in (("event", TITLE), ("small", SMALL_TITLE))
            }  # fmt: skip
            info = {
                "event": ids[TITLE], "small": ids[SMALL_TITLE], "first": first,
                "applications": db.session.scalar(
                    select(sa.func.count()).select_from(EventApplication)
                    .where(EventApplication.event_id == ids[TITLE])),
            }  # fmt: skip
        db.engine.dispose()
    return info


def pages(event_id: int, application_id: int) -> list[tuple[str, str]]:
    base = f"/{SLUG}/events"
    return [
        ("calendar, list", f"{base}/"),
        ("calendar, month", f"{base}/?view=month"),
        ("iCalendar feed", f"{base}/calendar.ics"),
        ("event page", f"{base}/{event_id}/"),
        ("event .ics", f"{base}/{event_id}/event.ics"),
        ("applications (page of 50)", f"{base}/manage/{event_id}/applications"),
        ("applications, accepted", f"{base}/manage/{event_id}/applications?status=accepted"),
        ("one application with reviews", f"{base}/manage/{event_id}/applications/{application_id}"),
        ("attendance list (a page of 100)", f"{base}/manage/{event_id}/attendance"),
    ]  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_EVENTS_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=5, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=1, help="untimed requests per page first")
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--only", default="", help="measure only the pages whose name has this")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, applications=args.applications, analyze=args.analyze)
    data = describe(url)
    print(f"data: {data}", file=sys.stderr)
    app = make_app(url)
    info = machine(args.database_url, app)
    info["load_before"] = _load()
    browser = client(app)
    login(browser, ADMIN_EMAIL, ADMIN_PASSWORD)
    results, problems = measure_at_two_sizes(
        app, browser, pages(data["event"], data["first"]["event"]),
        pages(data["small"], data["first"]["small"]), viewer="admin",
        size=f"{data['applications']:,} applications", ceiling=CEILING,
        requests=args.requests, warmup=args.warmup, only=args.only,
    )  # fmt: skip
    info["load_after"] = _load()
    print()
    print(f"### Events, {info['database']} — {info['date']}\n")
    print(f"Machine: {info['cores']} cores, {info['processor']}; Python {info['python']}. "
          f"Data: space `{SLUG}`, an event of three sessions with {data['applications']:,} "
          f"applications (four in five accepted and checked in at the first session, every "
          f"tenth reviewed) and a second with a tenth of them. {args.requests} timed requests "
          f"per page after {args.warmup} warm-up, as the space's administrator. Load average "
          f"(`uptime`) {info['load_before']} before, {info['load_after']} after.\n")  # fmt: skip
    print(two_sizes_table(results))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
