"""Open data (docs/open-data.md): the exports and the import (CSV or Excel).

Exports: the list as CSV and as JSON-LD, honouring the list's filters, and one entry as
JSON-LD. Each shows exactly what the requester may see on the list and the profiles: the same
entries (search.all_matching) and the same private fields (services.field_visible). Large
exports are streamed row by row."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from solidarna.accounts.services import absolute_url
from solidarna.core import jobs
from solidarna.core.i18n import current_locale
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.directory.opendata import accepted, csv_headers, csvio, import_job, uploads
from solidarna.directory.opendata import services as opendata
from solidarna.directory.opendata.forms import ConfirmForm, UploadForm
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.permissions import can_moderate_directory
from solidarna.directory.organizations.search import Filters
from solidarna.directory.organizations.views.browse import load_organization
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

exports_bp = TenantBlueprint("directory_exports", __name__, url_prefix="/directory")

JSONLD = "application/ld+json"


def entry_url(org: Organization) -> str:
    """The entry's stable, absolute address: its profile without the readable name, which
    may change."""
    return absolute_url("directory.profile", organization_id=org.id)


def _filename(extension: str) -> str:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Belgrade"))
    return f"{g.tenant.slug}-directory-{datetime.now(zone).date().isoformat()}.{extension}"


def _personal(response: Response) -> Response:
    """What an export holds depends on who asks: never from a shared cache."""
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def _download(head: str, rows, mimetype: str, extension: str) -> Response:
    """A streamed attachment: `head` (the header, which needs nothing from the request),
    then `rows`, a generator run inside the request's context (stream_with_context) while
    the response is sent, so memory does not grow with the number of entries.

    Sending the head first also keeps the context's push and pop in the same chunk-reading
    loop when a server (or the test client) reads the first chunk somewhere else."""
    rows = stream_with_context(rows)

    def chunks():
        yield head
        yield from rows

    response = Response(chunks(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(extension)}"'
    return _personal(response)


def _matching():
    """The list's entries for the request's filters, as the viewer may see them."""
    filters = Filters.from_args(request.args)
    level = services.viewer_level()
    own = services.represented_ids()
    return level, lambda: search.all_matching(filters, level, own)


@exports_bp.get("/export.csv")
def export_csv():
    level, matching = _matching()
    delimiter = opendata.DELIMITERS.get(request.args.get("sep", ""), ",")

    def rows():
        yield from opendata.csv_rows(matching(), level, entry_url, delimiter)

    return _download(opendata.csv_head(delimiter), rows(), "text/csv", "csv")


@exports_bp.get("/export.json")
def export_json():
    level, matching = _matching()

    def rows():
        yield from opendata.jsonld_rows(matching(), level, entry_url)

    return _download(opendata.jsonld_head(), rows(), JSONLD, "json")


@exports_bp.get("/<int:organization_id>.json")
def organization_json(organization_id: int):
    org = load_organization(organization_id)
    document = opendata.organization_document(org, services.viewer_level(), entry_url(org))
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=JSONLD)
    return _personal(response)


# --- the import (CSV or .xlsx), for the space's administrators: template, upload, preview, confirm, report
#
# Nothing is written to the directory before the admin confirms. Between the preview and the
# confirmation the uploaded file waits in the database (uploads.py). The confirmation hands it
# to an import job (import_job.py): the worker reads and checks the file again (the directory
# may have changed), creates the valid rows in one transaction that also consumes the upload,
# and keeps the report in the job's row; the admin watches the progress meanwhile.

import_bp = TenantBlueprint("directory_import", __name__, url_prefix="/directory")
SHOWN_PROBLEMS = 1000
SAMPLE_ROWS = 20


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _template_language() -> str:
    """The template's language: `?lang=` (sr_Latn, sr_Cyrl or en), else the reader's."""
    language = request.args.get("lang") or current_locale()
    if language not in csv_headers.LANGUAGES:
        abort(404)
    return language


def _template_download(body, mimetype: str, language: str, extension: str) -> Response:
    suffix = language.lower().replace("_", "-")
    filename = f"{g.tenant.slug}-import-template-{suffix}.{extension}"
    response = Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    response.vary.add("Cookie")  # without ?lang= the language is the reader's
    response.vary.add("Accept-Language")
    return response


@import_bp.get("/import/template.csv")
def template():
    language = _template_language()
    delimiter = opendata.DELIMITERS.get(request.args.get("sep", ""), ",")
    body = csvio.template_csv(g.tenant, language, delimiter)
    return _template_download(body, "text/csv", language, "csv")


@import_bp.get("/import/template.xlsx")
def template_xlsx():
    language = _template_language()
    return _template_download(csvio.template_xlsx(g.tenant, language), XLSX, language, "xlsx")


def _upload_page(form, error: str | None = None, status: int = 200):
    serbian = "sr_Cyrl" if current_locale() == "sr_Cyrl" else "sr_Latn"
    columns = [(c, accepted.heading(c, serbian)) for c in csvio.COLUMNS]
    return render(
        "directory/import.html",
        form=form,
        file_error=error,
        max_rows=csvio.MAX_ROWS,
        max_mb=csvio.MAX_BYTES // 2**20,
        columns=columns,
        columns_by_name=dict(columns),
        required=csvio.REQUIRED_COLUMNS,
        code_lists=accepted.code_lists(g.tenant),
        serbian=serbian,
        status=status,
    )


def _preview(table: csvio.Table, upload_id: str, filename: str):
    rows = csvio.validate(table, g.tenant)
    errors = csvio.problems(rows)
    warnings = csvio.warnings(rows)
    importable = csvio.count_importable(rows, include_similar=False)
    similar = sum(1 for r in rows if r.valid and r.similar)
    form = ConfirmForm(formdata=None, upload_id=upload_id)
    return render(
        "directory/import_preview.html",
        form=form,
        filename=filename,
        table=table,
        # each column as the file names it, for the problems
        headings={
            c: table.header[i].replace(opendata.BOM, "").strip() for c, i in table.columns.items()
        },
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


@import_bp.route("/import", methods=["GET", "POST"])
@require(can_moderate_directory)
def upload():
    form = UploadForm()
    if not form.is_submitted():
        return _upload_page(form)
    if not form.validate():
        return _upload_page(form, status=422)
    stream = form.file.data
    raw = stream.read(csvio.MAX_BYTES + 1)
    filename = uploads.display_name(stream.filename)
    try:
        table = csvio.read(raw, filename)
    except csvio.FileProblem as problem:
        return _upload_page(form, error=str(problem), status=problem.status)
    upload_id = uploads.store(raw, filename)
    return _preview(table, upload_id, filename)


@import_bp.post("/import/confirm")
@require(can_moderate_directory)
def confirm():
    """Hand the upload to an import job and show its progress: the entries are created by
    the worker (import_job.py), not in this request."""
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    upload = uploads.waiting(form.upload_id.data)
    if upload is not None:
        job = jobs.submit(
            import_job.KIND,
            tenant_id=g.tenant.id,
            user_id=current_person().id,
            upload_id=upload.id,
            moderation=form.moderation.data,
            include_similar=bool(form.include_similar.data),
        )
        if uploads.claim(upload, job.id):  # only one confirmation can take the upload
            db.session.commit()
            jobs.enqueue_job(job)
            return redirect(url_for("directory_import.job", job_id=job.id), 303)
        db.session.rollback()
    return _upload_page(
        UploadForm(formdata=None),
        error=_("This upload has already been imported or has expired. Upload the file again."),
        status=409,
    )


def _own_job(job_id: int) -> jobs.Job:
    job = jobs.find(job_id, import_job.KIND, g.tenant.id, current_person().id)
    if job is None:
        abort(404)
    return job


def _job_context(job: jobs.Job) -> dict:
    done, total = jobs.progress(job)
    return {
        "job": job,
        "done": done,
        "total": total,
        "poll_url": url_for("directory_import.job_progress", job_id=job.id),
        "page_url": url_for("directory_import.job", job_id=job.id),
    }


@import_bp.get("/import/jobs/<int:job_id>")
@require(can_moderate_directory)
def job(job_id: int):
    """The import's progress while it runs (refreshed by htmx, or by the page itself
    without JavaScript), then its report."""
    job = _own_job(job_id)
    if job.state == "done":
        report = csvio.Report.from_dict(job.result)
        return render("directory/import_report.html", report=report)
    return render("directory/import_job.html", **_job_context(job))


@import_bp.get("/import/jobs/<int:job_id>/progress")
@require(can_moderate_directory)
def job_progress(job_id: int):
    """The progress fragment the job page polls; once the job is finished it sends the
    browser to the page (the report or the failure)."""
    job = _own_job(job_id)
    context = _job_context(job)
    response = make_response(render_template("jobs/_progress.html", **context))
    if job.finished:
        response.headers["HX-Redirect"] = context["page_url"]
    response.headers["Cache-Control"] = "no-store"
    return response
