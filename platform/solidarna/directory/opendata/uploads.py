"""Where an uploaded file (CSV or a workbook, kept as it was sent) waits between the preview
and the confirmation of an import: in the database (`import_uploads`), so whichever app server
or worker handles the next step finds it.

Each upload belongs to its space (tenant) and its person and is known to the browser only by a
random token (32 hex, 128 bits) that is worthless to anyone else: it is looked up together
with the space and the person. The confirmation claims it for exactly one import job; the job
consumes it (drops the content) in the transaction that creates the entries, so an import is
never applied twice. Uploads older than a day are deleted (on the next upload in the space,
and by the worker's daily purge)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask_login import current_user
from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint, update
from sqlalchemy.orm import Mapped, mapped_column

from solidarna.core import jobs
from solidarna.core.models import TenantScoped, utcnow
from solidarna.core.tenancy import cross_tenant
from solidarna.extensions import db

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
KEEP = timedelta(days=1)


class ImportUpload(TenantScoped, db.Model):
    __tablename__ = "import_uploads"
    #: a file waiting for its import: on no visitor's page (core/pagecache.py)
    pagecache_exempt = True
    __table_args__ = (UniqueConstraint("tenant_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    #: the file as it was sent; NULL once imported
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: the import job that took it (one confirmation only)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    consumed_at: Mapped[datetime | None]


def _expired(now: datetime | None = None):
    return ImportUpload.created_at < (now or utcnow()) - KEEP


def store(raw: bytes, filename: str) -> str:
    """Keep an uploaded file until it is confirmed; its new random token. Commits."""
    db.session.execute(db.delete(ImportUpload).where(_expired()))  # this space's old ones
    token = secrets.token_hex(16)
    db.session.add(
        ImportUpload(user_id=current_user.id, token=token, filename=filename, content=raw)
    )
    db.session.commit()
    return token


def waiting(token: str) -> ImportUpload | None:
    """This person's upload in this space, not yet claimed by an import and not expired."""
    if not UPLOAD_ID.match(token or ""):
        return None
    return db.session.scalar(
        db.select(ImportUpload).where(
            ImportUpload.token == token,
            ImportUpload.user_id == current_user.id,
            ImportUpload.job_id.is_(None),
            ImportUpload.content.is_not(None),
            ~_expired(),
        )
    )


def claim(upload: ImportUpload, job_id: int) -> bool:
    """Give the upload to one job: of two confirmations at once, one wins."""
    return (
        db.session.execute(
            update(ImportUpload)
            .where(ImportUpload.id == upload.id, ImportUpload.job_id.is_(None))
            .values(job_id=job_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def release(job) -> None:
    """After a failed import: the upload can be confirmed again (within its day)."""
    db.session.execute(
        update(ImportUpload)
        .where(ImportUpload.job_id == job.id, ImportUpload.consumed_at.is_(None))
        .values(job_id=None)
        .execution_options(synchronize_session=False)
    )


def purge(now: datetime | None = None) -> int:
    """Delete every space's uploads older than a day; the caller commits."""
    with cross_tenant():  # deliberately every space's: a maintenance job
        return db.session.execute(db.delete(ImportUpload).where(_expired(now))).rowcount


@jobs.periodic("directory.purge_uploads", jobs.crontab(minute="30", hour="*"))
def purge_uploads() -> None:
    purge()
    db.session.commit()


def display_name(filename: str | None) -> str:
    """The file name as the admin knows it, for source_detail: no folders, no control
    characters, at most 200 characters. It is only ever shown, never used as a path."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:200] or "import.csv"
