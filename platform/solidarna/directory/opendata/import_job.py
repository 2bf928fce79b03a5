"""The import's confirmation, run by the worker (core/jobs.py): up to 2,000 entries are created
off the request, while the admin watches the progress.

The job reads the upload from the database (uploads.py), checks every row again (the directory
may have changed since the preview) and creates the valid ones in one transaction, which also
consumes the upload and marks the job done: it is all or nothing, and a job run twice (or a
retry after a failure) never imports twice."""

from __future__ import annotations

from flask import g

from solidarna.accounts.models import User
from solidarna.core import jobs
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.directory.opendata import csvio, uploads
from solidarna.extensions import db
from solidarna.tenants.models import Tenant

KIND = "directory.import"


@jobs.tracked(KIND, on_failure=uploads.release)
def run_import(job: jobs.Job) -> dict:
    upload = db.session.scalar(
        db.select(uploads.ImportUpload).where(
            uploads.ImportUpload.id == job.params["upload_id"],
            uploads.ImportUpload.job_id == job.id,
        )
    )
    if upload is None or upload.content is None:
        raise jobs.JobFailed(
            str(_l("This upload has already been imported or has expired. Upload the file again."))
        )
    tenant = db.session.get(Tenant, job.tenant_id)
    by = db.session.get(User, job.user_id)
    g.tenant = tenant  # what a request in the space would have
    table = csvio.read(upload.content, upload.filename)
    rows = csvio.validate(table, tenant)
    report = csvio.import_rows(
        rows,
        by,
        filename=upload.filename,
        moderation=job.params["moderation"],
        include_similar=job.params["include_similar"],
        progress=jobs.report_progress,
    )
    upload.content = None  # consumed, in the transaction that creates the entries
    upload.consumed_at = utcnow()
    job.progress_total = len(rows)
    return report.to_dict()
