"""CSV import for the space's administrators: template, upload, preview, confirm, report.

Nothing is written to the directory before the admin confirms. Between the preview and the
confirmation the uploaded file waits in the instance folder under a random name, in a folder
of its tenant and user (imports/<tenant id>/<user id>/<32 hex>.csv): the client sends back only
that random id, and the server never uses a path or name it was sent. On confirmation the
file is read and checked again (the directory may have changed), the valid rows are created in
one transaction, the file is deleted and a report is kept next to it for a day."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Regexp

from solidarna.core.permissions import require
from solidarna.core.rendering import render
from solidarna.directory import taxonomy
from solidarna.directory.opendata import csvio
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("directory_import", __name__, url_prefix="/directory", module="directory")

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600
SHOWN_PROBLEMS = 1000
SAMPLE_ROWS = 20


class UploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        render_kw={"accept": ".csv,.txt,text/csv"},
    )


class ConfirmForm(FlaskForm):
    upload_id = HiddenField(validators=[InputRequired(), Regexp(UPLOAD_ID.pattern)])
    moderation = RadioField(
        _l("Imported entries are"),
        choices=[
            SelectChoice("pending", _l("Pending: they wait in the moderation queue")),
            SelectChoice("verified", _l("Verified: they are public at once")),
        ],
        default="pending",
    )
    include_similar = BooleanField(_l("Also import the rows marked as possible duplicates"))


# --- where uploads wait -----------------------------------------------------------------------------


def _folder() -> Path:
    return Path(current_app.instance_path) / "imports" / str(g.tenant.id) / str(current_user.id)


def _paths(upload_id: str) -> tuple[Path, Path, Path]:
    if not UPLOAD_ID.match(upload_id or ""):
        abort(404)
    folder = _folder()
    return (
        folder / f"{upload_id}.csv",
        folder / f"{upload_id}.json",
        folder / f"{upload_id}.report.json",
    )


def _clean_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _store(raw: bytes, filename: str) -> str:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _clean_old(folder)
    upload_id = secrets.token_hex(16)
    data, meta, _report = _paths(upload_id)
    data.write_bytes(raw)
    meta.write_text(json.dumps({"filename": filename}), encoding="utf-8")
    return upload_id


def display_name(filename: str | None) -> str:
    """The file name as the admin knows it, for source_detail: no folders, no control
    characters, at most 200 characters. It is only ever shown, never used as a path."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:200] or "import.csv"


# --- pages -------------------------------------------------------------------------------------------


@bp.get("/import/template.csv")
def template():
    body = csvio.template_csv(g.tenant)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{g.tenant.slug}-import-template.csv"'
        },
    )


def _upload_page(form, error: str | None = None, status: int = 200):
    return render(
        "directory/import.html",
        tenant=g.tenant,
        form=form,
        file_error=error,
        max_rows=csvio.MAX_ROWS,
        max_mb=csvio.MAX_BYTES // 2**20,
        columns=csvio.COLUMNS,
        required=csvio.REQUIRED_COLUMNS,
        code_lists=_code_lists(),
        status=status,
    )


def _code_lists() -> list[tuple[str, dict]]:
    return [
        ("legal_form", taxonomy.LEGAL_FORMS),
        ("actor_type", taxonomy.actor_types(g.tenant)),
        ("se_status", taxonomy.SE_STATUSES),
        ("status", taxonomy.ORG_STATUSES),
        ("kd_sections", taxonomy.KD_SECTIONS),
        ("general_interest", taxonomy.GENERAL_INTEREST),
        ("vulnerable_groups", taxonomy.VULNERABLE_GROUPS),
        ("turnover_band", taxonomy.TURNOVER_BANDS),
    ]


def _preview(table: csvio.Table, upload_id: str, filename: str):
    rows = csvio.validate(table, g.tenant)
    errors = csvio.problems(rows)
    warnings = csvio.warnings(rows)
    importable = csvio.count_importable(rows, include_similar=False)
    similar = sum(1 for r in rows if r.valid and r.similar)
    form = ConfirmForm(formdata=None, upload_id=upload_id)
    return render(
        "directory/import_preview.html",
        tenant=g.tenant,
        form=form,
        filename=filename,
        table=table,
        rows=rows,
        errors=errors[:SHOWN_PROBLEMS],
        errors_total=len(errors),
        warnings=warnings[:SHOWN_PROBLEMS],
        warnings_total=len(warnings),
        importable=importable,
        similar=similar,
        invalid=sum(1 for r in rows if not r.valid),
        sample=[r for r in rows if r.valid][:SAMPLE_ROWS],
        status=200 if importable or similar else 422,
    )


@bp.route("/import", methods=["GET", "POST"])
@require("can_moderate_directory")
def upload():
    form = UploadForm()
    if not form.is_submitted():
        return _upload_page(form)
    if not form.validate():
        return _upload_page(form, status=422)
    stream = form.file.data
    raw = stream.read(csvio.MAX_BYTES + 1)
    filename = display_name(stream.filename)
    try:
        table = csvio.read(raw)
    except csvio.FileProblem as problem:
        return _upload_page(form, error=str(problem), status=problem.status)
    upload_id = _store(raw, filename)
    return _preview(table, upload_id, filename)


@bp.post("/import/confirm")
@require("can_moderate_directory")
def confirm():
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    data, meta, report_path = _paths(form.upload_id.data)
    claimed = data.with_suffix(".importing")
    try:
        os.rename(data, claimed)  # only one confirmation can take the file
    except FileNotFoundError:
        return _upload_page(
            UploadForm(formdata=None),
            error=_("This upload has already been imported or has expired. Upload the file again."),
            status=409,
        )
    try:
        filename = json.loads(meta.read_text(encoding="utf-8"))["filename"]
        table = csvio.read(claimed.read_bytes())
        rows = csvio.validate(table, g.tenant)
        report = csvio.import_rows(
            rows,
            current_user._get_current_object(),
            filename=filename,
            moderation=form.moderation.data,
            include_similar=form.include_similar.data,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        os.rename(claimed, data)
        raise
    report_path.write_text(json.dumps(report.to_dict()), encoding="utf-8")
    claimed.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)
    flash(
        ngettext("Imported %(num)d entry.", "Imported %(num)d entries.", len(report.created)),
        "success" if report.created else "warning",
    )
    return redirect(url_for("directory_import.report", upload_id=form.upload_id.data), 303)


@bp.get("/import/<upload_id>/report")
@require("can_moderate_directory")
def report(upload_id: str):
    _data, _meta, path = _paths(upload_id)
    if not path.exists():
        abort(404)
    report = csvio.Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
    return render("directory/import_report.html", tenant=g.tenant, report=report)
