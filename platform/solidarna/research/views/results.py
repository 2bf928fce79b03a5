"""Results (admins; the public page once published): counts per option, mean and median,
cross-tabulation, charts with tables, free-text answers, the printable report, exports."""

from __future__ import annotations

from flask import Response, abort, g, redirect, request, stream_with_context, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from solidarna.core import audit
from solidarna.core import questions as engine
from solidarna.core.documents import ascii_slug, attachment
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.research import exports, results
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
    started = _started()
    data = results.compute(survey, started=started)
    return render(
        "research/results.html",
        survey=survey,
        data=data,
        started=started,
        crosstab_questions=results.crosstab_questions([q.variable for q in data.questions]),
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
        data=results.compute(survey, started=started),
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
    data = results.compute(survey, public=True)
    stratum = request.args.get("by") if request.args.get("by") in STRATA else ""
    choices = results.crosstab_questions([q.variable for q in data.questions])
    variable = _pick(choices, request.args.get("question"))
    table = (
        results.crosstab(survey, variable, stratum, public=True) if variable and stratum else None
    )
    return render(
        "research/public_results.html",
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


def _name(survey: Survey, what: str, extension: str) -> str:
    return f"{ascii_slug(survey.title, 'anketa')}-{what}.{extension}"


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
    _exported(survey, "xlsx")
    handle = exports.xlsx_file(survey)
    return _stream(
        b"", exports.file_chunks(handle), _name(survey, "odgovori", "xlsx"), exports.XLSX_MIMETYPE
    )


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
