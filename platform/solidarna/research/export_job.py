"""Large XLSX exports as background work (DESIGN §11: long work shows progress; §12: jobs).

A survey of more than DIRECT_XLSX_RESPONSES responses (config RESEARCH_XLSX_DIRECT_MAX) is not
written in the request: the admin asks for it with a button, the worker (core/jobs.py) writes
the workbook (exports.xlsx_file, openpyxl's write-only mode, reporting each response done) and
keeps it through core/storage.py as a stored file of the space (use USE); the job's page shows
the progress and then a download link. Only the admin who asked, in this space, for this
survey, may open the job or the file (`jobs.find`, and the survey's rules). A file is kept
for KEEP_HOURS and then deleted by the periodic `research.purge_exports` (its job page then
says so and offers a new export). Smaller surveys download at once, as the CSV always does
(it streams)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import select

from solidarna.accounts.models import User
from solidarna.core import jobs, storage
from solidarna.core.documents import ascii_slug
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.research import exports
from solidarna.research.models import Survey
from solidarna.tenants.models import Tenant

KIND = "research.export_xlsx"
#: the stored files' use (core/storage.py)
USE = "survey_export"
#: responses up to which the XLSX is written in the request (about a second of work)
DIRECT_XLSX_RESPONSES = 1000
#: how long a prepared export waits for its download
KEEP_HOURS = 24


def direct_limit() -> int:
    return int(current_app.config.get("RESEARCH_XLSX_DIRECT_MAX", DIRECT_XLSX_RESPONSES))


def in_background(survey: Survey) -> bool:
    return survey.response_count > direct_limit()


def file_name(survey: Survey, what: str, extension: str) -> str:
    return f"{ascii_slug(survey.title, 'anketa')}-{what}.{extension}"


@jobs.tracked(KIND)
def run_export(job: jobs.Job) -> dict:
    survey = db.session.get(Survey, job.params["survey_id"])
    if survey is None:
        raise jobs.JobFailed(str(_l("The survey no longer exists.")))
    g.tenant = db.session.get(Tenant, job.tenant_id)
    total = survey.response_count
    job.progress_total = total

    def progress(done: int) -> None:
        jobs.report_progress(done, total)

    handle = exports.xlsx_file(survey, progress=progress)
    try:
        data = handle.read()
    finally:
        handle.close()
    record = storage.store(
        storage.Checked(data, "xlsx", file_name(survey, "odgovori", "xlsx")),
        USE,
        by=db.session.get(User, job.user_id),
    )
    return {"file_id": record.id, "survey_id": survey.id, "size": len(data)}


def stored_file(job: jobs.Job) -> storage.StoredFile | None:
    """The job's file while it is kept (None once purged or expired)."""
    file_id = (job.result or {}).get("file_id")
    if job.state != "done" or file_id is None:
        return None
    record = db.session.get(storage.StoredFile, file_id)
    if record is None or record.use != USE or expired(record):
        return None
    return record


def expires_at(record: storage.StoredFile):
    return record.created_at + timedelta(hours=KEEP_HOURS)


def expired(record: storage.StoredFile) -> bool:
    return expires_at(record) <= utcnow()


def purge(now=None) -> int:
    """Delete the prepared exports older than KEEP_HOURS, in every space (the bytes and the
    record); the caller commits."""
    cutoff = (now or utcnow()) - timedelta(hours=KEEP_HOURS)
    old = db.session.execute(
        select(storage.StoredFile.id, storage.StoredFile.tenant_id)
        .where(storage.StoredFile.use == USE, storage.StoredFile.created_at < cutoff)
        .execution_options(all_tenants=True)
    ).all()
    for file_id, tenant_id in old:
        with tenant_context(tenant_id):
            record = db.session.get(storage.StoredFile, file_id)
            if record is not None:
                storage.delete_file(record)
                db.session.flush()
    return len(old)


@jobs.periodic("research.purge_exports", jobs.crontab(minute="20"))
def purge_exports() -> None:
    purge()
    db.session.commit()
