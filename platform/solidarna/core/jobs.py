"""Background and scheduled work (DESIGN §12): one queue library, huey, on the embedded default
(an SQLite file in the instance folder) or on Redis in production, run by one worker command,
`flask jobs worker`.

Capabilities declare their work where it belongs, at import time:

- `@jobs.task("name")` — a function run by the worker: `jobs.enqueue("name", *args)`.
- `@jobs.periodic("name", crontab(...))` — run by the worker's scheduler (outbox, digests).
- `@jobs.tracked("kind")` — work a person waits for: `jobs.submit(kind, **params)` adds a row
  to the `jobs` table (state, progress, message, result) in the caller's transaction, and
  `jobs.enqueue_job(job)` after the commit hands it to the worker. The function gets the Job
  and returns its result (a dict kept as JSON); what it writes and the job's "done" are
  committed together, so a job that ran is never run again (`run twice` is a no-op) and a
  failure writes nothing. A failed attempt is retried (JOBS_RETRIES, JOBS_RETRY_DELAY);
  after the last one the job is "failed" and its `on_failure` runs.

Every task runs in an app context of the application that built the queue (`create_app`),
in the tenant of its job and the locale of the person who asked for it. Live progress goes
through the queue's own storage (`report_progress`), which the web processes read as well: it
is written while the job's transaction is still open (SQLite allows one writer at a time, so
the job's own row cannot be updated from beside it).

Each application has its own huey instance (`app.extensions["jobs"]`), built from JOBS_URL and
JOBS_NAME, so tests can run a real consumer against a storage of their own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Flask, current_app, g, has_request_context
from flask_babel import force_locale
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy import JSON, ForeignKey, String, Text, update
from sqlalchemy.orm import Mapped, mapped_column

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TimestampMixin, one_of, utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db

__all__ = [
    "Job",
    "JobFailed",
    "crontab",
    "enqueue",
    "enqueue_job",
    "periodic",
    "submit",
    "task",
    "tracked",
]

log = logging.getLogger(__name__)

JOB_STATES = ("queued", "running", "done", "failed")
#: how long finished jobs (and their results) are kept
KEEP_DAYS = 30


class JobFailed(Exception):
    """Raised by a tracked job that cannot succeed however often it is tried (its upload has
    expired ...): the job fails at once, with this (translated) message, without retries."""


class Job(TimestampMixin, db.Model):
    """Work a person waits for: what it is, whose, how far it got, and what came of it."""

    __tablename__ = "jobs"
    #: never on a page a visitor sees (core/pagecache.py)
    pagecache_exempt = True
    __table_args__ = (one_of("state", JOB_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    #: the space it runs in; NULL for platform work
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    #: who asked for it (and who may see it)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(20), default="queued")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    #: what the person is told while it waits or after it failed (already translated)
    message: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(10))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


# --- declaring work ------------------------------------------------------------------------------


@dataclass
class Spec:
    name: str
    func: Callable
    schedule: crontab | None = None
    tracked: bool = False
    on_failure: Callable | None = None
    retries: int | None = None  # None: JOBS_RETRIES


#: every declared task, by name; bound to each application's huey when it first needs them
SPECS: dict[str, Spec] = {}


def task(name: str, *, retries: int | None = None):
    def register(func):
        SPECS[name] = Spec(name, func, retries=retries)
        return func

    return register


def periodic(name: str, schedule: crontab, *, retries: int = 0):
    def register(func):
        SPECS[name] = Spec(name, func, schedule=schedule, retries=retries)
        return func

    return register


def tracked(kind: str, *, on_failure: Callable | None = None, retries: int | None = None):
    """Work recorded in the `jobs` table: `func(job) -> result dict`, run in the job's
    tenant. `on_failure(job)` runs (and is committed) when the last attempt failed."""

    def register(func):
        SPECS[kind] = Spec(kind, func, tracked=True, on_failure=on_failure, retries=retries)
        return func

    return register


# --- the queue of one application ------------------------------------------------------------------


@dataclass
class Queue:
    app: Flask
    huey: Huey
    tasks: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bind(self) -> dict:
        """huey tasks for every declared spec (once per spec)."""
        with self.lock:
            for name, spec in SPECS.items():
                if name not in self.tasks:
                    self.tasks[name] = self._wrap(spec)
        return self.tasks

    def _wrap(self, spec: Spec):
        app = self.app
        retries = app.config["JOBS_RETRIES"] if spec.retries is None else spec.retries
        delay = app.config["JOBS_RETRY_DELAY"]
        options = {"name": spec.name, "retries": retries, "retry_delay": delay, "context": True}

        if spec.tracked:

            def run(job_id: int, task=None):
                with app.app_context():
                    try:
                        _run_tracked(spec, job_id, task)
                    finally:
                        db.session.remove()

        else:

            def run(*args, task=None, **kwargs):
                with app.app_context():
                    try:
                        return spec.func(*args, **kwargs)
                    finally:
                        db.session.remove()

        if spec.schedule is not None:
            return self.huey.periodic_task(spec.schedule, **options)(run)
        return self.huey.task(**options)(run)


def make_huey(app: Flask) -> Huey:
    url = app.config.get("JOBS_URL") or ""
    name = app.config.get("JOBS_NAME") or "solidarna"
    if url == "immediate":
        return MemoryHuey(name, immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if url.startswith("sqlite:///"):
        filename = url[len("sqlite:///") :]
    elif not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        filename = str(Path(app.instance_path) / "jobs.sqlite3")
    else:
        raise RuntimeError(
            f"Unknown JOBS_URL {url!r}: use redis://..., sqlite:///path, immediate, or leave it empty"
        )
    return SqliteHuey(name, filename=filename)


def configure(app: Flask) -> Queue:
    """(Re)build the application's queue from its config."""
    queue = Queue(app, make_huey(app))
    app.extensions["jobs"] = queue
    return queue


def queue_of(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["jobs"]


def enqueue(name: str, *args, **kwargs):
    """Hand `name` to the worker (or, in immediate mode, run it now)."""
    return queue_of().bind()[name](*args, **kwargs)


def submit(kind: str, *, tenant_id=None, user_id=None, total: int = 0, **params) -> Job:
    """A new queued job in the caller's transaction (enqueue it with enqueue_job after the
    commit: the worker must find the row)."""
    from solidarna.core.i18n import current_locale

    job = Job(
        kind=kind,
        tenant_id=tenant_id,
        user_id=user_id,
        state="queued",
        progress_total=total,
        locale=current_locale(),
        params=params,
    )
    db.session.add(job)
    db.session.flush()
    return job


def enqueue_job(job: Job) -> None:
    enqueue(job.kind, job.id)


# --- running a tracked job --------------------------------------------------------------------------


def _claim(job_id: int) -> bool:
    """queued -> running, once: a job enqueued twice or a retry racing another worker runs
    once."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "queued")
        .values(state="running", attempts=Job.attempts + 1, updated_at=utcnow())
    ).rowcount
    db.session.commit()
    return claimed == 1


def _run_tracked(spec: Spec, job_id: int, task) -> None:
    if not _claim(job_id):
        log.info("Job %s is not queued; not run again", job_id)
        return
    job = db.session.get(Job, job_id)
    scope = tenant_context(job.tenant_id) if job.tenant_id is not None else nullcontext()
    locale = job.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with scope, force_locale(locale):
        g.job_id = job.id
        try:
            result = spec.func(job)
            job.state = "done"
            job.result = result
            job.message = None
            job.progress_done = max(job.progress_done, job.progress_total)
            db.session.commit()
        except JobFailed as failure:
            db.session.rollback()
            job = db.session.get(Job, job_id)
            job.state, job.message = "failed", str(failure)
            if spec.on_failure is not None:
                spec.on_failure(job)
            db.session.commit()
        except Exception:
            db.session.rollback()
            job = db.session.get(Job, job_id)
            last = task is None or not task.retries
            if last:
                job.state = "failed"
                job.message = str(_l("The work could not be finished. Nothing was changed."))
                if spec.on_failure is not None:
                    spec.on_failure(job)
            else:
                job.state = "queued"
                job.message = str(_l("The first attempt failed; it will be tried again."))
            db.session.commit()
            raise  # huey logs it and, while retries remain, runs it again
        finally:
            g.pop("job_id", None)
            forget_progress(job_id)


def _progress_key(job_id: int) -> str:
    return f"progress:{job_id}"


def report_progress(done: int, total: int, *, every: float = 0.5) -> None:
    """From inside a tracked job: how far it got, for the person watching (at most every
    `every` seconds, and always at the end)."""
    job_id = g.get("job_id")
    if job_id is None:
        return
    now = time.monotonic()
    every = current_app.config.get("JOBS_PROGRESS_EVERY", every)
    if done < total and now - g.get("job_progress_at", 0) < every:
        return
    g.job_progress_at = now
    queue_of().huey.put(_progress_key(job_id), (done, total))


def forget_progress(job_id: int) -> None:
    queue_of().huey.get(_progress_key(job_id))  # get without peek removes it


def progress(job: Job) -> tuple[int, int]:
    """(done, total) of a job: the live figure while it runs, else its row's."""
    done, total = job.progress_done, job.progress_total
    if job.state == "running":
        live = queue_of().huey.get(_progress_key(job.id), peek=True)
        if live:
            done, total = live
    return done, total


def find(job_id: int, kind: str, tenant_id: int | None, user_id: int | None) -> Job | None:
    """A job as its owner may see it: of this kind, in this space, asked for by this person."""
    return db.session.scalar(
        db.select(Job).where(
            Job.id == job_id, Job.kind == kind, Job.tenant_id == tenant_id, Job.user_id == user_id
        )
    )


def purge(now: datetime | None = None) -> int:
    """Delete finished jobs older than KEEP_DAYS; the caller commits."""
    cutoff = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    return db.session.execute(
        db.delete(Job).where(Job.state.in_(("done", "failed")), Job.updated_at < cutoff)
    ).rowcount


@periodic("core.purge_jobs", crontab(minute="15", hour="3"))
def purge_jobs() -> None:
    count = purge()
    db.session.commit()
    log.info("Purged %s finished job(s)", count)


# --- the worker and the application ------------------------------------------------------------------


def worker(app: Flask, workers: int | None = None, periodic_tasks: bool = True) -> Consumer:
    """A huey consumer of the application's queue (`consumer.run()` blocks; tests `start()`
    it in threads)."""
    queue = queue_of(app)
    queue.bind()
    return Consumer(
        queue.huey,
        workers=workers or app.config["JOBS_WORKERS"],
        worker_type="thread",
        periodic=periodic_tasks,
        max_delay=1.0,
    )


def init_app(app: Flask) -> None:
    configure(app)

    @app.cli.group("jobs")
    def jobs_cli() -> None:
        """Background jobs (huey)."""

    @jobs_cli.command("worker")
    @click.option("--workers", "-w", type=int, help="Threads (default JOBS_WORKERS).")
    @click.option("--no-periodic", is_flag=True, help="Do not run the scheduled tasks here.")
    def worker_command(workers: int | None, no_periodic: bool) -> None:
        """Run queued and scheduled jobs until stopped (Ctrl+C or SIGTERM)."""
        if queue_of(app).huey.immediate:
            raise click.ClickException("JOBS_URL=immediate runs jobs in place; no worker needed")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        worker(app, workers, periodic_tasks=not no_periodic).run()

    @jobs_cli.command("status")
    def status_command() -> None:
        """Jobs by state, and what waits in the queue."""
        rows = db.session.execute(
            db.select(Job.state, db.func.count()).group_by(Job.state).order_by(Job.state)
        ).all()
        counts = ", ".join(f"{state} {count}" for state, count in rows) or "no jobs"
        huey = queue_of(app).huey
        click.echo(
            f"{counts}; in the queue {huey.pending_count()}, scheduled {huey.scheduled_count()}"
        )

    @app.after_request
    def _mail_by_the_worker(response):
        """Mail queued by this request goes out through the worker when it is not sent
        right after the request (MAIL_SEND_AFTER_REQUEST off)."""
        if (
            has_request_context()
            and g.get("mail_queued")
            and not app.config.get("MAIL_SEND_AFTER_REQUEST")
            and not queue_of(app).huey.immediate
        ):
            try:  # one quick write to the queue; the view has committed the mail
                enqueue("core.send_outbox")
            except Exception:  # the worker's minute run delivers it anyway
                log.exception("Could not enqueue the outbox's delivery")
        return response
