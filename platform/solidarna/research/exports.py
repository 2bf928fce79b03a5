"""Exports of raw responses (issue 16, item 5), for analysis in a spreadsheet or a statistics
program: one row per response, one column per variable code, and a codebook that says what
each column holds.

Columns: the response's metadata (id, version, status, started, completed, its strata; for a
survey that is not anonymous also the organization's id and name, when kept — an anonymous
survey's export carries no identity at all, and leaves out the PIB and MB an organization
question asked), then per question in questionnaire order:

- single choice: `code` (the option's code) and `code__other` when "other" is offered
- multiple choice: `code__option` 0/1 for each option, and `code__other`
- matrix: `code__row` for each row; organization: `code__pib`, `code__mb`, `code__legal_form`
- every other kind: `code`

An unanswered question leaves its cells empty (a multiple choice's too: 0 means answered
without that option). Formula-like texts are escaped in CSV and XLSX alike (core/documents.py:
safe_cell), the CSV starts with a UTF-8 BOM, and both stream: the responses are read with one
statement in batches (yield_per), never all at once; the XLSX is written by openpyxl's
write-only mode to a temporary file and sent from there in chunks."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from solidarna.core import questions as engine
from solidarna.core.documents import BOM, safe_cell
from solidarna.core.script import to_cyrillic, to_latin
from solidarna.extensions import db
from solidarna.research.models import (
    STRATA,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
)
from solidarna.research.results import Variable, variables

#: responses read per batch
BATCH = 500
#: CSV lines per chunk sent
CHUNK = 200
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    name: str
    #: the question (None for the response's metadata)
    variable: Variable | None = None
    #: the option, row or part this column holds
    part: str = ""


def metadata_columns(survey: Survey) -> list[str]:
    names = ["response_id", "version", "status", "started_at", "completed_at", *STRATA]
    if not survey.anonymous:
        names += ["organization_id", "organization_name"]
    return names


def question_columns(survey: Survey, variable: Variable) -> list[Column]:
    question = variable.question
    code, kind = variable.code, variable.kind
    settings = engine.settings_of(question)
    if kind == "multiple":
        columns = [
            Column(f"{code}__{o['value']}", variable, o["value"])
            for o in engine.options_of(question)
            if o["value"] != engine.OTHER  # chosen when code__other holds the text
        ]
        if settings.get("other"):
            columns.append(Column(f"{code}__other", variable, "other_text"))
        return columns
    if kind == "single":
        columns = [Column(code, variable)]
        if settings.get("other"):
            columns.append(Column(f"{code}__other", variable, "other_text"))
        return columns
    if kind == "matrix":
        return [
            Column(f"{code}__{r['value']}", variable, r["value"])
            for r in settings.get("rows") or []
        ]
    if kind == "organization":
        parts = ("legal_form",) if survey.anonymous else ("pib", "mb", "legal_form")
        return [Column(f"{code}__{part}", variable, part) for part in parts]
    return [Column(code, variable)]


def columns(survey: Survey, found: list[Variable] | None = None) -> list[Column]:
    found = variables(survey) if found is None else found
    out = [Column(name) for name in metadata_columns(survey)]
    for variable in found:
        out += question_columns(survey, variable)
    return out


def cell(column: Column, value) -> object:
    """One question column's cell for an answer in normal form (None: not answered)."""
    if value is None:
        return None
    return _cell(column.variable.kind, column.part, value)


def _cell(kind: str, part: str, value) -> object:
    if part == "other_text":
        return value.get("other", "") if isinstance(value, dict) else ""
    if kind == "multiple":
        return 1 if part in (value.get("choices") or []) else 0
    if kind == "single":
        return value.get("choice", "")
    if kind == "matrix":
        return value.get(part) if isinstance(value, dict) else None
    if kind == "organization":
        return value.get(part, "") if isinstance(value, dict) else ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _getter(kind: str, part: str):
    """`_cell` for one column, chosen once per export rather than per cell."""
    if part == "other_text":
        return lambda value: value.get("other", "") if isinstance(value, dict) else ""
    if kind == "multiple":
        return lambda value: 1 if part in (value.get("choices") or ()) else 0
    if kind == "single":
        return lambda value: value.get("choice", "")
    if kind == "matrix":
        return lambda value: value.get(part) if isinstance(value, dict) else None
    if kind == "organization":
        return lambda value: value.get(part, "") if isinstance(value, dict) else ""
    return lambda value: _cell(kind, part, value)


def _stamp(moment, anonymous: bool):
    if moment is None:
        return None
    if anonymous:  # a day is enough, and a minute could tell who it was
        return moment.date().isoformat()
    return moment.replace(microsecond=0).isoformat(sep=" ")


def rows(survey: Survey, cols: list[Column] | None = None) -> Iterator[list]:
    """Each response's row (metadata, then the question columns), in the order of
    `columns()`: two statements read side by side in batches (yield_per), the responses and
    their answers, both in the responses' order, merged as they come."""
    cols = columns(survey) if cols is None else cols
    anonymous = survey.anonymous
    responses = (
        select(
            SurveyResponse.id,
            SurveyVersion.number,
            SurveyResponse.status,
            SurveyResponse.started_at,
            SurveyResponse.completed_at,
            *(getattr(SurveyResponse, s) for s in STRATA),
            SurveyResponse.organization_id,
            SurveyInvitation.organization_name,
        )
        .join(SurveyVersion, SurveyVersion.id == SurveyResponse.version_id)
        .outerjoin(SurveyInvitation, SurveyInvitation.id == SurveyResponse.invitation_id)
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyResponse.id)
        .execution_options(yield_per=BATCH)
    )
    answers = (
        select(SurveyAnswer.response_id, SurveyAnswer.question_code, SurveyAnswer.value)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyResponse.id)
        .execution_options(yield_per=BATCH * 20)
    )
    meta = len(metadata_columns(survey))
    plan = [(c.variable.code, _getter(c.variable.kind, c.part)) for c in cols[meta:]]
    given = iter(db.session.execute(answers))
    pending = next(given, None)
    for row in db.session.execute(responses):
        rid = row[0]
        mine = {}
        while pending is not None and pending[0] == rid:
            mine[pending[1]] = pending[2]
            pending = next(given, None)
        line = [rid, row[1], row[2], _stamp(row[3], anonymous), _stamp(row[4], anonymous),
                *row[5:9]]  # fmt: skip
        if not anonymous:
            line += [row[9], row[10] or ""]
        get = mine.get
        for code, cell_of in plan:
            value = get(code)
            line.append(None if value is None else cell_of(value))
        yield line


def _safe(value):
    return safe_cell(value) if isinstance(value, str) else value


def csv_head(cols: list[Column]) -> str:
    """The BOM and the header line (made before the rows stream)."""
    out = io.StringIO()
    csv.writer(out).writerow([c.name for c in cols])
    return BOM + out.getvalue()


def csv_rows(survey: Survey, cols: list[Column]) -> Iterator[str]:
    """The CSV's lines after the header, in chunks of CHUNK."""
    out = io.StringIO()
    writer = csv.writer(out)
    for number, line in enumerate(rows(survey, cols), start=1):
        writer.writerow(["" if v is None else _safe(v) for v in line])
        if number % CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _xlsx_value(value):
    """A cell as the write-only sheet takes it: strings escaped, an empty string left out
    (no cell is written for None, the same to a reader)."""
    if value.__class__ is str:
        return safe_cell(value) if value else None
    return value


def write_xlsx(sheets: list[tuple[str, Iterator[list]]], target) -> None:
    """Write-only workbook (rows go to disk as they come, no styles): (title, rows) per
    sheet."""
    book = Workbook(write_only=True)
    for title, lines in sheets:
        sheet = book.create_sheet(title[:31])
        append = sheet.append
        for line in lines:
            append([_xlsx_value(v) for v in line])
    book.save(target)


def xlsx_file(survey: Survey, progress: Callable[[int], None] | None = None):
    """The responses as an XLSX in a temporary file (rewound), to send in chunks or to keep
    (export_job.py); `progress(done)` is told each response written."""
    cols = columns(survey)

    def lines():
        yield [c.name for c in cols]
        for done, line in enumerate(rows(survey, cols), start=1):
            yield line
            if progress is not None:
                progress(done)

    target = tempfile.TemporaryFile()  # noqa: SIM115 (closed by file_chunks once sent)
    write_xlsx([(_("Responses"), lines())], target)
    target.seek(0)
    return target


def file_chunks(handle, size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


# --- the codebook ------------------------------------------------------------------------------

CODEBOOK_HEADER = (
    "variable",
    "question_latin",
    "question_cyrillic",
    "type",
    "values",
    "shown_when",
)


def condition_text(condition: dict | None) -> str:
    if not condition:
        return ""
    op = condition.get("op")
    if op == "answered":
        return _("%(question)s is answered", question=condition.get("question"))
    return _(
        "%(question)s %(op)s %(value)s",
        question=condition.get("question"),
        op=str(engine.OPS.get(op, op)),
        value=condition.get("value"),
    )


def _labels(pairs) -> str:
    return "; ".join(f"{value} = {label}" for value, label in pairs)


def codebook_rows(survey: Survey) -> Iterator[list[str]]:
    """One line per column of the export: the variable, the question's text in Latin and in
    Cyrillic, its type, what its values mean, and when it is shown."""
    meta = {
        "response_id": _("Number of the response"),
        "version": _("Version of the questionnaire answered"),
        "status": _("complete or started"),
        "started_at": _("When the response was started"),
        "completed_at": _("When the response was completed"),
        "municipality": _("Municipality of the respondent organization"),
        "legal_form": _("Legal form of the respondent organization"),
        "actor_type": _("Kind of actor of the respondent organization"),
        "se_status": _("Social-enterprise status of the respondent organization"),
        "organization_id": _("The organization's number in the directory"),
        "organization_name": _("The organization's name (personal invitations)"),
    }
    for name in metadata_columns(survey):
        text = meta[name]
        yield [name, to_latin(text), to_cyrillic(to_latin(text)), _("metadata"), "", ""]
    for column in columns(survey)[len(metadata_columns(survey)) :]:
        variable = column.variable
        question = variable.question
        label = to_latin(question.label)
        kind = variable.kind
        values = ""
        if column.part == "other_text":
            label = f"{label} — {_('Other')}"
            values = _("the respondent's own answer")
        elif kind == "multiple":
            option = next((o for o in engine.options_of(question) if o["value"] == column.part), {})
            label = f"{label} — {to_latin(str(option.get('label', column.part)))}"
            values = _labels([("1", _("chosen")), ("0", _("not chosen"))])
        elif kind == "matrix":
            row = next((r for r in engine.settings_of(question).get("rows") or []
                        if r.get("value") == column.part), {})  # fmt: skip
            label = f"{label} — {to_latin(str(row.get('label', column.part)))}"
            low, high = engine.scale_bounds(engine.settings_of(question))
            values = f"{low}–{high}"
        elif kind == "organization":
            label = f"{label} — {column.part}"
        elif kind in ("single", "yes_no"):
            values = _labels((v, to_latin(str(label_))) for v, label_ in
                             ((o["value"], o["label"]) for o in engine.options_of(question)))  # fmt: skip
        elif kind == "scale":
            settings = engine.settings_of(question)
            low, high = engine.scale_bounds(settings)
            values = f"{low}–{high}"
            if settings.get("min_label") or settings.get("max_label"):
                values += f" ({low} = {settings.get('min_label', '')}; {high} = {settings.get('max_label', '')})"
        elif kind == "number":
            settings = engine.settings_of(question)
            bits = [str(settings[k]) for k in ("min", "max") if settings.get(k) is not None]
            values = "–".join(bits) + (f" {settings['unit']}" if settings.get("unit") else "")
        elif kind == "municipality":
            values = _("the municipality's code from the reference list")
        elif kind == "date":
            values = "YYYY-MM-DD"
        yield [
            column.name,
            label,
            to_cyrillic(label),
            str(engine.KINDS[kind].label),
            values,
            condition_text(question.condition),
        ]


def codebook_csv(survey: Survey) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CODEBOOK_HEADER)
    for line in codebook_rows(survey):
        writer.writerow([_safe(v) for v in line])
    return BOM + out.getvalue()


def codebook_xlsx(survey: Survey) -> bytes:
    out = io.BytesIO()

    def lines():
        yield list(CODEBOOK_HEADER)
        yield from codebook_rows(survey)

    write_xlsx([(_("Codebook"), lines())], out)
    return out.getvalue()
