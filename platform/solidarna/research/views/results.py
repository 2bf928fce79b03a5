"""Results (admins; the public page once published): counts per option, mean and median,
cross-tabulation, charts with tables, free-text answers, the printable report, exports."""

from __future__ import annotations

from functools import partial

from flask import (
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from solidarna.core import audit, jobs, storage
from solidarna.core import questions as engine
from solidarna.core.documents import attachment
from solidarna.core.fragments import Lazy
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.research import export_job, exports, results
from solidarna.research.models import STRATA, Survey
from solidarna.research.permissions import can_manage_survey, can_read_public_results
from solidarna.research.views.common import load_own_survey
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_results", __name__, url_prefix="/research")

STRATUM_LABELS = {
    "municipality": _l("Municipality"),
    "legal_form": _l("Legal form"),
    "actor_type": _l("Kind of actor"),
    "se_status": _l("Social-enterprise status"),
}


def stratum_values(stratum: str) -> dict:
    """Labels of a stratum's codes (the directory's taxonomy); municipalities are names."""
    from solidarna.directory import taxonomy

    if stratum == "legal_form":
        return taxonomy.LEGAL_FORMS
    if stratum == "se_status":
        return taxonomy.SE_STATUSES
    if stratum == "actor_type":
        return taxonomy.actor_types(g.tenant)
    return {}


def _formatters() -> dict:
    return {
        "num": lambda v: format_decimal(v or 0),
        "decimal": lambda v: "" if v is None else format_decimal(round(v, 2), "#,##0.##"),
        "percent": lambda share: format_percent(share or 0, "#,##0%"),
        "stratum_labels": STRATUM_LABELS,
        "stratum_values": stratum_values,
        "rm_kinds": engine.KINDS,
    }


def _started() -> bool:
    return request.args.get("started") == "1"


def _int(name: str, default: int = 1) -> int:
    try:
        return max(int(request.args.get(name, default)), 1)
    except (TypeError, ValueError):
        return default


def _pick(found, code: str | None):
    return next((v for v in found if v.code == code), None)


@bp.get("/<int:survey_id>/results")
@require(can_manage_survey, obj=load_own_survey)
def index(survey: Survey):
    """The results of every question. The page's body is kept as fragments (core/fragments.py)
    under the survey, its version and its numbers of responses (and the space's change
    marker, the locale and the viewer's level): the counts are made only when it is drawn."""
    started = _started()
    return render(
        "research/results.html",
        survey=survey,
        data=Lazy(partial(results.compute, survey, started=started)),
        started=started,
        strata=STRATA,
        **_formatters(),
    )


@bp.get("/<int:survey_id>/results/crosstab")
@require(can_manage_survey, obj=load_own_survey)
def crosstab(survey: Survey):
    started = _started()
    choices = results.crosstab_questions(results.variables(survey))
    variable = _pick(choices, request.args.get("question")) or (choices[0] if choices else None)
    stratum = request.args.get("by") if request.args.get("by") in STRATA else "municipality"
    table = results.crosstab(survey, variable, stratum, started=started) if variable else None
    return render(
        "research/results_crosstab.html",
        survey=survey,
        choices=choices,
        variable=variable,
        stratum=stratum,
        table=table,
        strata=STRATA,
        started=started,
        public=False,
        **_formatters(),
    )


@bp.get("/<int:survey_id>/results/texts")
@require(can_manage_survey, obj=load_own_survey)
def texts(survey: Survey):
    started = _started()
    choices = results.text_questions(results.variables(survey))
    variable = _pick(choices, request.args.get("question")) or (choices[0] if choices else None)
    query = (request.args.get("q") or "").strip()[:200]
    page = (
        results.texts(survey, variable, query, _int("page"), started=started) if variable else None
    )
    return render(
        "research/results_texts.html",
        survey=survey,
        choices=choices,
        variable=variable,
        query=query,
        page=page,
        started=started,
        **_formatters(),
    )


@bp.get("/<int:survey_id>/results/report")
@require(can_manage_survey, obj=load_own_survey)
def report(survey: Survey):
    started = _started()
    return render(
        "research/report.html",
        survey=survey,
        data=Lazy(partial(results.compute, survey, started=started)),
        started=started,
        public=False,
        **_formatters(),
    )


@bp.post("/<int:survey_id>/results/publish")
@require(can_manage_survey, obj=load_own_survey)
def publish(survey: Survey):
    """Publish the aggregates on the public results page, or take them down."""
    public = request.form.get("public") == "1"
    if survey.status == "draft" and public:
        abort(409, _("A draft survey's results cannot be published."))
    if survey.results_public != public:
        survey.results_public = public
        audit.record(
            "survey.results_published" if public else "survey.results_unpublished",
            target=survey,
            actor=current_person(),
        )
        db.session.commit()
    return redirect(url_for("research.detail", survey_id=survey.id) + "#survey-results", 303)


@bp.get("/<int:survey_id>/public-results")
def public(survey_id: int):
    """The published aggregates, for anyone: small cells suppressed, no free texts (admins
    see it before publishing, as a preview; others get 404 until it is published)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can_read_public_results(current_person(), survey):
        abort(404)
    data = Lazy(partial(results.compute, survey, public=True))
    stratum = request.args.get("by") if request.args.get("by") in STRATA else ""
    # the questions are read only when the cross-tabulation's form is drawn (a kept
    # fragment) or one is asked for
    choices = Lazy(lambda: results.crosstab_questions(results.variables(survey)))
    asked = request.args.get("question")
    variable = _pick(choices, asked) if asked else None
    table = (
        results.crosstab(survey, variable, stratum, public=True) if variable and stratum else None
    )
    return render(
        "research/public_results.html",
        # a logged-in person's page: one shell per viewer level and address (an admin's is
        # the preview), the same for everyone else who reads the published figures
        shell=(),
        survey=survey,
        data=data,
        choices=choices,
        variable=variable,
        stratum=stratum,
        table=table,
        strata=STRATA,
        public=True,
        smallest=results.SMALLEST_CELL,
        **_formatters(),
    )


# --- exports ------------------------------------------------------------------------------


_name = export_job.file_name


def _stream(head: bytes, rest, filename: str, mimetype: str) -> Response:
    """A streamed attachment: `head` (made in the view), then what `rest` yields, run inside
    the request's context while the response is sent (as directory/opendata/views.py)."""
    rest = stream_with_context(rest)

    def chunks():
        yield head
        for chunk in rest:
            yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk

    response = attachment(chunks(), filename, mimetype)
    response.vary.add("Cookie")
    return response


def _exported(survey: Survey, form: str) -> None:
    audit.record("survey.exported", target=survey, actor=current_person(), format=form)
    db.session.commit()


@bp.get("/<int:survey_id>/export.csv")
@require(can_manage_survey, obj=load_own_survey)
def export_csv(survey: Survey):
    _exported(survey, "csv")
    cols = exports.columns(survey)
    return _stream(
        exports.csv_head(cols).encode("utf-8"),
        exports.csv_rows(survey, cols),
        _name(survey, "odgovori", "csv"),
        "text/csv; charset=utf-8",
    )


@bp.get("/<int:survey_id>/export.xlsx")
@require(can_manage_survey, obj=load_own_survey)
def export_xlsx(survey: Survey):
    """The responses as XLSX: written at once for a survey of up to
    export_job.DIRECT_XLSX_RESPONSES responses; for a larger one, a page that prepares it
    in the background (export_job.py) and lists this admin's recent exports of it."""
    if export_job.in_background(survey):
        return render(
            "research/export_prepare.html",
            survey=survey,
            recent=_recent_exports(survey),
            keep_hours=export_job.KEEP_HOURS,
        )
    _exported(survey, "xlsx")
    handle = exports.xlsx_file(survey)
    return _stream(
        b"", exports.file_chunks(handle), _name(survey, "odgovori", "xlsx"), exports.XLSX_MIMETYPE
    )


def _recent_exports(survey: Survey) -> list:
    found = db.session.scalars(
        db.select(jobs.Job)
        .where(
            jobs.Job.kind == export_job.KIND,
            jobs.Job.tenant_id == g.tenant.id,
            jobs.Job.user_id == current_person().id,
        )
        .order_by(jobs.Job.id.desc())
        .limit(20)
    ).all()
    return [j for j in found if j.params.get("survey_id") == survey.id][:5]


@bp.post("/<int:survey_id>/export.xlsx")
@require(can_manage_survey, obj=load_own_survey)
def export_xlsx_prepare(survey: Survey):
    """Hand a large XLSX export to the worker and show its progress."""
    audit.record("survey.exported", target=survey, actor=current_person(), format="xlsx")
    job = jobs.submit(
        export_job.KIND,
        tenant_id=g.tenant.id,
        user_id=current_person().id,
        total=survey.response_count,
        survey_id=survey.id,
    )
    db.session.commit()
    jobs.enqueue_job(job)
    return redirect(
        url_for("research_results.export_job_page", survey_id=survey.id, job_id=job.id), 303
    )


def _own_export(survey: Survey, job_id: int) -> jobs.Job:
    """A job of this admin, in this space, for this survey (404 for anyone else's)."""
    job = jobs.find(job_id, export_job.KIND, g.tenant.id, current_person().id)
    if job is None or job.params.get("survey_id") != survey.id:
        abort(404)
    return job


def _export_context(survey: Survey, job: jobs.Job) -> dict:
    done, total = jobs.progress(job)
    record = export_job.stored_file(job)
    return {
        "survey": survey,
        "job": job,
        "done": done,
        "total": total,
        "record": record,
        "expires_at": export_job.expires_at(record) if record else None,
        "poll_url": url_for("research_results.export_progress", survey_id=survey.id, job_id=job.id),
        "page_url": url_for("research_results.export_job_page", survey_id=survey.id, job_id=job.id),
    }


@bp.get("/<int:survey_id>/exports/<int:job_id>")
@require(can_manage_survey, obj=load_own_survey)
def export_job_page(survey: Survey, job_id: int):
    """The export's progress while it runs (refreshed by htmx, or by the page itself without
    JavaScript), then its download link until the file expires."""
    response = make_response(
        render("research/export_job.html", **_export_context(survey, _own_export(survey, job_id)))
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:survey_id>/exports/<int:job_id>/progress")
@require(can_manage_survey, obj=load_own_survey)
def export_progress(survey: Survey, job_id: int):
    """The progress fragment the job page polls; once finished it sends the browser to the
    page (the download link or the failure)."""
    job = _own_export(survey, job_id)
    context = _export_context(survey, job)
    response = make_response(render_template("jobs/_progress.html", **context))
    if job.finished:
        response.headers["HX-Redirect"] = context["page_url"]
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:survey_id>/exports/<int:job_id>/file")
@require(can_manage_survey, obj=load_own_survey)
def export_download(survey: Survey, job_id: int):
    """The prepared file (core/storage.py send_stored), while it is kept."""
    record = export_job.stored_file(_own_export(survey, job_id))
    if record is None:
        abort(404)
    return storage.send_stored(record)


@bp.get("/<int:survey_id>/export/codebook.csv")
@require(can_manage_survey, obj=load_own_survey)
def codebook_csv(survey: Survey):
    return attachment(
        exports.codebook_csv(survey).encode("utf-8"),
        _name(survey, "sifarnik", "csv"),
        "text/csv; charset=utf-8",
    )


@bp.get("/<int:survey_id>/export/codebook.xlsx")
@require(can_manage_survey, obj=load_own_survey)
def codebook_xlsx(survey: Survey):
    return attachment(
        exports.codebook_xlsx(survey), _name(survey, "sifarnik", "xlsx"), exports.XLSX_MIMETYPE
    )
