"""The import's confirmation as a background job (core/jobs.py) run by a real huey consumer on
real storage (SQLite, and Redis when it runs here): progress shown through the polled fragment,
the report, a retry after a failed attempt, a job run twice importing once, the worker
command itself as a process, and the mail a request queued delivered by the worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from solidarna.core import jobs
from solidarna.core.tenancy import tenant_context
from solidarna.directory.opendata.uploads import ImportUpload
from solidarna.directory.organizations.models import Organization
from tests.conftest import EN, Client, definitions, one, parse, text_of
from tests.directory.test_import import MIXED, confirm, organizations, upload

ROOT = Path(__file__).resolve().parents[2]
HTMX = {**EN, "HX-Request": "true"}


@pytest.fixture(params=["sqlite", "redis"])
def storage(request, tmp_path) -> str:
    if request.param == "redis":
        return request.getfixturevalue("redis_url")
    return f"sqlite:///{tmp_path / 'jobs.sqlite3'}"


@pytest.fixture
def queue(app, storage):
    """The application's queue on a real storage under a name of this test's own (never the
    other tests' or helpers' keys), emptied afterwards."""
    app.config.update(JOBS_URL=storage, JOBS_NAME=f"test-{uuid.uuid4().hex}", JOBS_PROGRESS_EVERY=0)
    built = jobs.configure(app)
    yield built
    built.huey.storage.flush_all()


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "admin2") as tenant:
        entry("Zadruga Rasinski med", pib="101134702")
    return tenant


@pytest.fixture
def admin(client, space):
    client.login("owner@example.org")
    return client


@contextmanager
def running_worker(app, workers=2):
    """A huey consumer in threads of this process, as `flask jobs worker` runs it (without
    taking over the test process's signal handlers)."""
    consumer = jobs.worker(app, workers=workers, periodic_tasks=False)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()
    for number, handler in saved.items():
        signal.signal(number, handler)
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def wait_for(predicate, timeout=30.0, what="the job"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not finish within {timeout} s")


def job_of(db, response) -> jobs.Job:
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    db.session.expire_all()
    return db.session.get(jobs.Job, job_id)


def finished(client, location):
    """Polls the progress fragment as htmx does; the response that sends the browser on."""
    response = client.get(f"{location}/progress", headers=HTMX)
    assert response.status_code == 200
    return response if response.headers.get("HX-Redirect") else None


def test_a_worker_imports_while_the_page_shows_its_progress(app, db, admin, space, queue):
    html = upload(admin, MIXED, "Popis.csv").get_data(as_text=True)
    response = confirm(admin, html)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert len(organizations(db, space)) == 1  # nothing happens in the request
    page = admin.get(location, headers=EN)
    assert "Waiting for a free worker" in page.get_data(as_text=True)
    assert one(page, 'meta[http-equiv="refresh"]')  # without JavaScript the page reloads
    poll = one(page, ".job-progress")
    assert poll["hx-get"] == f"{location}/progress" and poll["hx-trigger"] == "every 1s"

    reached, release = threading.Event(), threading.Event()
    inserted = []

    def pause_at_the_second(mapper, connection, target):
        inserted.append(target.name)
        if len(inserted) == 2:
            reached.set()
            release.wait(30)

    event.listen(Organization, "before_insert", pause_at_the_second)
    try:
        with running_worker(app):
            assert reached.wait(30), "the worker did not start the import"
            fragment = admin.get(f"{location}/progress", headers=HTMX)
            bar = one(fragment, "progress")
            # MIXED has 9 rows; the second entry is row 8: 7 rows are done
            assert (bar["value"], bar["max"]) == ("7", "9")
            assert "7 of 9 rows done." in text_of(one(fragment, ".job-progress"))
            assert "HX-Redirect" not in fragment.headers
            release.set()
            done = wait_for(lambda: finished(admin, location))
    finally:
        release.set()
        event.remove(Organization, "before_insert", pause_at_the_second)
    assert done.headers["HX-Redirect"] == location
    assert not one(done, ".job-progress").get("hx-get")  # polling stops
    report = admin.get(location, headers=EN)
    assert definitions(report)["Created"] == "3" and definitions(report)["Skipped"] == "6"
    assert not parse(report).select('meta[http-equiv="refresh"]')
    assert len(organizations(db, space)) == 4
    job = job_of(db, response)
    assert (job.state, job.attempts, job.progress_done, job.progress_total) == ("done", 1, 9, 9)
    assert job.result["filename"] == "Popis.csv"
    with tenant_context(space.id):
        upload_row = db.session.scalar(db.select(ImportUpload).where(ImportUpload.job_id == job.id))
        assert upload_row.content is None and upload_row.consumed_at is not None


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
def test_a_failed_attempt_is_retried_by_the_worker(app, db, admin, space, queue):
    html = upload(admin, MIXED).get_data(as_text=True)
    inserted = []

    def fail_once(mapper, connection, target):
        inserted.append(target.name)
        if len(inserted) == 2:
            raise RuntimeError("the database went away")

    event.listen(Organization, "before_insert", fail_once)
    try:
        response = confirm(admin, html)
        with running_worker(app):
            wait_for(lambda: finished(admin, response.headers["Location"]))
    finally:
        event.remove(Organization, "before_insert", fail_once)
    job = job_of(db, response)
    assert (job.state, job.attempts) == ("done", 2)
    assert len(organizations(db, space)) == 4  # the failed attempt left nothing behind
    assert definitions(admin.get(response.headers["Location"], headers=EN))["Created"] == "3"


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
def test_a_job_run_twice_imports_once(app, db, admin, space, queue):
    html = upload(admin, MIXED).get_data(as_text=True)
    response = confirm(admin, html)
    job = job_of(db, response)
    jobs.enqueue_job(job)  # delivered twice (a retried enqueue, two workers)
    assert queue.huey.pending_count() == 2
    with running_worker(app):
        wait_for(
            lambda: (
                queue.huey.pending_count() == 0
                and finished(admin, f"/rasina/directory/import/jobs/{job.id}")
            )
        )
        time.sleep(0.3)
    job = job_of(db, response)
    assert (job.state, job.attempts) == ("done", 1)
    assert len(organizations(db, space)) == 4
    assert confirm(admin, html).status_code == 409  # and the upload is gone


def test_only_its_admin_sees_a_job(app, db, admin, space, queue):
    html = upload(admin, MIXED).get_data(as_text=True)
    location = confirm(admin, html).headers["Location"]
    other = Client(app)
    other.login("admin2@example.org")
    assert other.get(location).status_code == 404
    assert other.get(f"{location}/progress", headers=HTMX).status_code == 404
    assert admin.get(location).status_code == 200


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
def test_mail_queued_by_a_request_is_delivered_by_the_worker(app, db, admin, queue, outbox):
    admin.logout()
    response = admin.post("/auth/forgot", {"email": "owner@example.org"}, headers=EN)
    assert response.status_code == 200
    assert [m.status for m in outbox("owner@example.org")] == ["pending"]
    assert queue.huey.pending_count() == 1  # enqueued after the request
    with running_worker(app):

        def sent():
            db.session.expire_all()
            return outbox("owner@example.org")[0].status == "sent"

        wait_for(sent, what="the outbox delivery")


def test_the_worker_schedules_the_outbox_digests_and_purges(app):
    tasks = jobs.queue_of(app).bind()

    def runs_at(name, *when):
        return tasks[name].task_class().validate_datetime(datetime(2026, 3, 2, *when))

    assert runs_at("core.send_outbox", 12, 34) and runs_at("core.send_outbox", 0, 0)
    assert runs_at("core.send_digests", 5, 0) and not runs_at("core.send_digests", 6, 0)
    assert runs_at("directory.purge_uploads", 7, 30) and not runs_at(
        "directory.purge_uploads", 7, 0
    )
    assert runs_at("core.purge_jobs", 3, 15)


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
def test_the_worker_command_runs_the_queue(app, db, admin, space, queue, _schema, tmp_path):
    """`flask jobs worker` as its own process (what `make run` and production start) does
    the import an app server queued, and stops cleanly on Ctrl+C."""
    html = upload(admin, MIXED).get_data(as_text=True)
    response = confirm(admin, html)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "platform"),
        "SOLIDARNA_ENV": "development",
        "SECRET_KEY": "worker-test-secret-key-not-for-production",
        "DATABASE_URL": _schema,
        "JOBS_URL": app.config["JOBS_URL"],
        "JOBS_NAME": app.config["JOBS_NAME"],
    }
    flask = Path(sys.executable).with_name("flask")
    process = subprocess.Popen(
        [str(flask), "--app", "wsgi", "jobs", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: finished(admin, response.headers["Location"]), timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output[-3000:]
    assert "directory.import" in output  # the registered task, in the consumer's log
    assert job_of(db, response).state == "done"
    assert len(organizations(db, space)) == 4
