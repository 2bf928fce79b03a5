"""Survey results (issue 16, item 4): counts and percentages per option, mean, median, smallest
and largest for numbers and scales, a matrix's rows on its scale with their means, the "other"
texts, a cross-tabulation by one of the response's strata, free-text answers with search
across scripts, and the public aggregates with small cells suppressed.

Everything is counted in SQL over the rows answers keep beside them (SurveyAnswerOption: one
row per option an answer counts for, so a multiple choice counts each option on its own and
never the combination; SurveyAnswer.number for numbers and scales), and the number of
statements does not depend on the number of responses: a results page is a constant handful
(the variables, the respondents, the option counts, the numbers' statistics, their
distributions for the medians, a few "other" texts per question). The rendered page is kept
as a fragment (core/fragments.py) per survey, version, counts, locale and viewer level.

Questions of all versions are matched by their variable code (`SurveyAnswer.question_code`);
a variable is labelled as in the newest version that has it. Only complete responses count
unless `started=True` (the page says which)."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, func, literal, select, union_all

from solidarna.core import questions as engine
from solidarna.core.script import fold
from solidarna.extensions import cache, db
from solidarna.research.models import (
    STRATA,
    Survey,
    SurveyAnswer,
    SurveyAnswerOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyVersion,
)

log = logging.getLogger(__name__)

#: the smallest count shown on the public page; smaller cells read "fewer than 5"
SMALLEST_CELL = 5
#: "other" texts listed per question on the results page (the free-text page has them all)
OTHER_TEXTS = 20
#: free-text answers per page
TEXT_PAGE = 25
FREE_TEXT_KINDS = ("short_text", "long_text")
OTHER_KINDS = ("single", "multiple")


@dataclass
class Variable:
    """A question as the results see it: the newest version's question with this code, and the
    section it is in (None for a code only older versions have)."""

    question: SurveyQuestion
    section: str = ""

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def kind(self) -> str:
        return self.question.kind


def variables(survey: Survey) -> list[Variable]:
    """Every answerable question of every version, by variable code: the current version's
    order first, then codes only older versions have (newest first). One statement for the
    questions, one for the current version's section titles."""
    rows = db.session.execute(
        select(SurveyQuestion, SurveyVersion.number)
        .join(SurveyVersion, SurveyVersion.id == SurveyQuestion.version_id)
        .where(SurveyVersion.survey_id == survey.id)
        .order_by(
            (SurveyVersion.id == survey.current_version_id).desc(),
            SurveyVersion.number.desc(),
            SurveyQuestion.position,
        )
    ).all()
    titles = dict(
        db.session.execute(
            select(SurveySection.id, SurveySection.title).where(
                SurveySection.version_id == survey.current_version_id
            )
        ).all()
    )
    found: dict[str, Variable] = {}
    for question, _number in rows:
        if question.code in found or not engine.KINDS[question.kind].answerable:
            continue
        found[question.code] = Variable(question, titles.get(question.section_id, ""))
    return list(found.values())


def counted_statuses(started: bool) -> tuple[str, ...]:
    return ("complete", "started") if started else ("complete",)


def _responses(survey: Survey, started: bool):
    return and_(
        SurveyResponse.survey_id == survey.id,
        SurveyResponse.status.in_(counted_statuses(started)),
    )


def _scope(started: bool, everyone: bool):
    """Restrict a statement over answers or option rows (`entity`, already filtered by the
    survey) to the counted responses: a join on the responses' status, left out when every
    response of the survey counts (none started, or started ones included), which spares a
    lookup per row."""

    def scoped(statement, entity):
        if everyone:
            return statement
        return statement.join(SurveyResponse, SurveyResponse.id == entity.response_id).where(
            SurveyResponse.status.in_(counted_statuses(started))
        )

    return scoped


# --- per question ---------------------------------------------------------------------------


@dataclass
class Cell:
    value: str
    label: str
    count: int
    #: share of the respondents who answered (0..1)
    share: float
    #: on the public page: fewer than SMALLEST_CELL respondents (count and share not shown)
    hidden: bool = False


@dataclass
class Stats:
    n: int = 0
    mean: float | None = None
    median: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass
class MatrixRow:
    value: str
    label: str
    cells: list[Cell]
    n: int
    mean: float | None
    hidden: bool = False


@dataclass
class QuestionResult:
    variable: Variable
    #: respondents who answered the question
    n: int = 0
    cells: list[Cell] = field(default_factory=list)
    stats: Stats | None = None
    matrix: list[MatrixRow] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    #: free-text answers (their number; the texts are on the free-text page)
    texts: int = 0
    hidden: bool = False

    @property
    def question(self):
        return self.variable.question

    @property
    def counted(self) -> bool:
        return engine.KINDS[self.variable.kind].counted and self.variable.kind != "matrix"


@dataclass
class Results:
    survey: Survey
    started: bool
    #: respondents counted (complete, or complete and started)
    respondents: int
    complete: int
    begun: int
    questions: list[QuestionResult]

    def by_code(self, code: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.variable.code == code), None)


def _option_labels(question) -> list[tuple[str, str]]:
    return [(o["value"], str(o["label"])) for o in engine.options_of(question)]


def _median(pairs: list[tuple[float, int]]) -> float | None:
    """The median of a distribution given as sorted (value, count) pairs."""
    total = sum(count for _value, count in pairs)
    if not total:
        return None
    wanted = ((total - 1) // 2, total // 2)
    found, seen = [], 0
    for value, count in pairs:
        for index in wanted:
            if seen <= index < seen + count:
                found.append(value)
        seen += count
    return sum(found) / len(found)


def aggregates(survey: Survey, started: bool, numeric: list[str], with_other: list[str]) -> dict:
    """What the results count, as plain values: the respondents by status, per variable the
    answers and the numbers' statistics, the option counts, the numbers' medians and the first
    "other" texts. Complete responses do not change, so the counts of complete ones are kept
    in the shared cache under the survey's number of complete responses (a new one, or a
    response removed with its survey, gives a new key): a results page after the first reads
    only the variables and the survey. With the started ones included they are counted anew."""
    if started:
        return _aggregates(survey, started, numeric, with_other)
    key = (
        f"research.results.{survey.tenant_id}.{survey.id}.{survey.complete_count}"
        f".{survey.response_count}.{','.join(numeric)}.{','.join(with_other)}"
    )
    if len(key) > 200:
        key = "research.results." + hashlib.sha256(key.encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:
        log.warning("Cache not reachable; counting %s", key, exc_info=True)
        found = None
    if found is not None:
        return found
    value = _aggregates(survey, started, numeric, with_other)
    try:
        cache.set(key, value, timeout=current_app.config.get("PAGE_CACHE_TIMEOUT", 300) * 12)
    except Exception:
        log.warning("Cache not reachable; not keeping %s", key, exc_info=True)
    return value


def _aggregates(survey: Survey, started: bool, numeric: list[str], with_other: list[str]) -> dict:
    by_status = dict(
        db.session.execute(
            select(SurveyResponse.status, func.count())
            .where(SurveyResponse.survey_id == survey.id)
            .group_by(SurveyResponse.status)
        ).all()
    )
    respondents = sum(by_status.get(s, 0) for s in counted_statuses(started))
    scoped = _scope(started, everyone=respondents == sum(by_status.values()))
    answered = {
        code: (n, numbers, mean, low, high)
        for code, n, numbers, mean, low, high in db.session.execute(
            scoped(
                select(
                    SurveyAnswer.question_code,
                    func.count(),
                    func.count(SurveyAnswer.number),
                    func.avg(SurveyAnswer.number),
                    func.min(SurveyAnswer.number),
                    func.max(SurveyAnswer.number),
                ),
                SurveyAnswer,
            )
            .where(SurveyAnswer.survey_id == survey.id)
            .group_by(SurveyAnswer.question_code)
        ).all()
    }
    counts: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for code, row, option, n in db.session.execute(
        scoped(
            select(
                SurveyAnswerOption.question_code,
                SurveyAnswerOption.row,
                SurveyAnswerOption.option,
                func.count(),
            ),
            SurveyAnswerOption,
        )
        .where(SurveyAnswerOption.survey_id == survey.id)
        .group_by(
            SurveyAnswerOption.question_code, SurveyAnswerOption.row, SurveyAnswerOption.option
        )
    ):
        counts[code][(row, option)] = n
    return {
        "by_status": by_status,
        "answered": answered,
        "counts": dict(counts),
        "medians": _medians(survey, scoped, numeric) if numeric else {},
        "others": dict(_other_texts(survey, scoped, with_other)) if with_other else {},
    }


def compute(survey: Survey, *, started: bool = False, public: bool = False) -> Results:
    """The results of every question. `public`: cells of fewer than SMALLEST_CELL respondents
    are hidden (and, where a hidden cell could be worked out from the totals, the next smallest
    too), no free texts, numbers only for questions with enough respondents and without the
    smallest and largest answer (each is one respondent's)."""
    found = variables(survey)
    numeric = [v.code for v in found if v.kind == "number"]
    with_other = [v.code for v in found if v.kind in OTHER_KINDS]
    kept = aggregates(survey, started, numeric, with_other)
    by_status, answered, counts = kept["by_status"], kept["answered"], kept["counts"]
    medians = kept["medians"]
    others = {} if public else kept["others"]
    respondents = sum(by_status.get(s, 0) for s in counted_statuses(started))

    results = []
    for variable in found:
        n, numbers, mean, low, high = answered.get(variable.code, (0, 0, None, None, None))
        result = QuestionResult(variable, n=n)
        kind = variable.kind
        mine = counts.get(variable.code, {})
        if kind == "matrix":
            result.matrix = _matrix(variable.question, mine, public)
        elif engine.KINDS[kind].counted:
            labels = _option_labels(variable.question)
            if kind == "municipality":
                labels = [(v, label) for v, label in labels if mine.get(("", v))]
            result.cells = [
                Cell(
                    value,
                    label,
                    mine.get(("", value), 0),
                    mine.get(("", value), 0) / n if n else 0.0,
                )
                for value, label in labels
            ]
            if public:
                _suppress_line(result.cells, n, exclusive=kind != "multiple")
        if kind == "scale":
            pairs = sorted((float(option), count) for (_row, option), count in mine.items())
            result.stats = Stats(numbers, mean, _median(pairs), low, high)
        elif kind == "number":
            result.stats = Stats(numbers, mean, medians.get(variable.code), low, high)
        if public and result.stats is not None:
            if result.stats.n < SMALLEST_CELL:
                result.stats = Stats(result.stats.n)
                result.hidden = True
            else:  # the smallest and largest answers are one respondent's each
                result.stats.low = result.stats.high = None
        if kind in FREE_TEXT_KINDS:  # an answer in words is never empty
            result.texts = 0 if public else n
        result.others = others.get(variable.code, [])
        results.append(result)
    return Results(
        survey=survey,
        started=started,
        respondents=respondents,
        complete=by_status.get("complete", 0),
        begun=by_status.get("started", 0),
        questions=results,
    )


def _matrix(question, counts: dict, public: bool) -> list[MatrixRow]:
    scale = _option_labels(question)
    rows = []
    for raw in engine.settings_of(question).get("rows") or []:
        value = raw["value"]
        mine = {option: counts.get((value, option), 0) for option, _label in scale}
        n = sum(mine.values())
        cells = [Cell(o, label, mine[o], mine[o] / n if n else 0.0) for o, label in scale]
        mean = sum(int(o) * c for o, c in mine.items()) / n if n else None
        row = MatrixRow(value, str(raw.get("label", value)), cells, n, mean)
        if public:
            _suppress_line(cells, n, exclusive=True)
            if n < SMALLEST_CELL:
                row.mean, row.hidden = None, True
        rows.append(row)
    return rows


def _suppress_line(cells: list[Cell], n: int, exclusive: bool) -> None:
    """Hide the cells of fewer than SMALLEST_CELL respondents; when the cells add up to `n`
    (one option per respondent) and only one is hidden, hide the next smallest too, so the
    hidden one cannot be worked out from the total."""
    for cell in cells:
        if 0 < cell.count < SMALLEST_CELL:
            cell.hidden = True
    hidden = [c for c in cells if c.hidden]
    if exclusive and len(hidden) == 1:
        rest = sorted((c for c in cells if not c.hidden and c.count), key=lambda c: c.count)
        if rest:
            rest[0].hidden = True


def _medians(survey: Survey, scoped, codes: list[str]) -> dict[str, float]:
    """The median of each number question's answers, from their distribution: one GROUP BY
    (code, number) over the covering index (tenant, survey, code, number), the middle one or
    two picked here (`_median`). A window over every answer (ROW_NUMBER and COUNT over the
    question) gave the same in ten times the time on SQLite."""
    pairs: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for code, number, count in db.session.execute(
        scoped(
            select(SurveyAnswer.question_code, SurveyAnswer.number, func.count()),
            SurveyAnswer,
        )
        .where(
            SurveyAnswer.survey_id == survey.id,
            SurveyAnswer.question_code.in_(codes),
            SurveyAnswer.number.is_not(None),
        )
        .group_by(SurveyAnswer.question_code, SurveyAnswer.number)
        .order_by(SurveyAnswer.question_code, SurveyAnswer.number)
    ):
        pairs[code].append((float(number), count))
    return {code: _median(found) for code, found in pairs.items()}


def _other_texts(survey: Survey, scoped, codes: list[str]) -> dict[str, list[str]]:
    """The first OTHER_TEXTS "other" answers of each choice question, in the responses'
    order (one statement): the option rows of "other" (an answer has its text exactly when
    it counts for that option) are numbered per question over the covering index, and only
    the first ones are joined to their answers for the text."""
    ranked = (
        scoped(
            select(
                SurveyAnswerOption.question_code.label("code"),
                SurveyAnswerOption.response_id.label("response_id"),
                func.row_number()
                .over(
                    partition_by=SurveyAnswerOption.question_code,
                    order_by=SurveyAnswerOption.response_id,
                )
                .label("place"),
            ),
            SurveyAnswerOption,
        )
        .where(
            SurveyAnswerOption.survey_id == survey.id,
            SurveyAnswerOption.question_code.in_(codes),
            SurveyAnswerOption.row == "",
            SurveyAnswerOption.option == engine.OTHER,
        )
        .subquery()
    )
    found: dict[str, list[str]] = defaultdict(list)
    for code, value in db.session.execute(
        select(ranked.c.code, SurveyAnswer.value)
        .join(
            SurveyAnswer,
            and_(
                SurveyAnswer.response_id == ranked.c.response_id,
                SurveyAnswer.question_code == ranked.c.code,
            ),
        )
        .where(ranked.c.place <= OTHER_TEXTS)
        .order_by(ranked.c.code, ranked.c.place)
    ):
        text = (value or {}).get("other", "") if isinstance(value, dict) else ""
        if text:
            found[code].append(text)
    return found


# --- cross-tabulation -----------------------------------------------------------------------

STRATUM_NAMES = STRATA


@dataclass
class Crosstab:
    variable: Variable
    stratum: str
    #: the stratum's values (columns), "" for responses without it
    columns: list[str]
    #: respondents who answered, per column
    totals: dict[str, int]
    #: rows: (option value, label, {column: Cell})
    rows: list[tuple[str, str, dict[str, Cell]]]
    dropped: int = 0


def crosstab_questions(found: list[Variable]) -> list[Variable]:
    """The questions a cross-tabulation can break down (counted, not matrices)."""
    return [v for v in found if engine.KINDS[v.kind].counted and v.kind != "matrix"]


def crosstab(survey: Survey, variable: Variable, stratum: str, *, started: bool = False,
             public: bool = False) -> Crosstab:  # fmt: skip
    """Counts of each option by the stratum's values, with column percentages (of the
    respondents in that column who answered): one GROUP BY statement, the column totals in
    the same statement (UNION ALL). `public`: columns of fewer than SMALLEST_CELL respondents
    are left out and small cells hidden (with the next smallest where one could be worked
    out from a total)."""
    if stratum not in STRATA:
        raise ValueError(stratum)
    column = getattr(SurveyResponse, stratum)
    base = (
        select()
        .select_from(SurveyAnswerOption)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswerOption.response_id)
        .where(
            _responses(survey, started),
            SurveyAnswerOption.survey_id == survey.id,
            SurveyAnswerOption.question_code == variable.code,
            SurveyAnswerOption.row == "",
        )
    )
    cells = base.add_columns(
        column.label("place"), SurveyAnswerOption.option.label("option"),
        func.count(func.distinct(SurveyResponse.id)).label("n"),
    ).group_by(column, SurveyAnswerOption.option)  # fmt: skip
    totals = base.add_columns(
        column.label("place"), literal(None).label("option"),
        func.count(func.distinct(SurveyResponse.id)).label("n"),
    ).group_by(column)  # fmt: skip
    counts: dict[tuple[str, str], int] = {}
    per_column: dict[str, int] = {}
    for place, option, n in db.session.execute(union_all(cells, totals)):
        if option is None:
            per_column[place or ""] = n
        else:
            counts[(place or "", option)] = n
    columns = sorted(per_column, key=lambda p: (p == "", fold(p)))
    dropped = 0
    if public:
        small = [c for c in columns if per_column[c] < SMALLEST_CELL]
        dropped = sum(per_column[c] for c in small)
        columns = [c for c in columns if c not in small]
    labels = _option_labels(variable.question)
    if variable.kind == "municipality":
        labels = [(v, label) for v, label in labels if any(o == v for _p, o in counts)]
    rows = []
    for value, label in labels:
        line = {}
        for place in columns:
            n = counts.get((place, value), 0)
            total = per_column.get(place, 0)
            line[place] = Cell(value, label, n, n / total if total else 0.0)
        rows.append((value, label, line))
    if public:
        exclusive = variable.kind != "multiple"
        for place in columns:
            _suppress_line([line[place] for _v, _l, line in rows], per_column[place], exclusive)
        for _value, _label, line in rows:  # the option's total is shown on the same page
            _suppress_line([line[p] for p in columns], 0, exclusive=True)
    return Crosstab(variable, stratum, columns, {c: per_column[c] for c in columns}, rows, dropped)


# --- free-text answers ----------------------------------------------------------------------


@dataclass
class TextPage:
    items: list[tuple[int, str, str]]
    total: int
    page: int
    pages: int


def text_questions(found: list[Variable]) -> list[Variable]:
    return [
        v for v in found
        if v.kind in FREE_TEXT_KINDS
        or (v.kind in OTHER_KINDS and engine.settings_of(v.question).get("other"))
    ]  # fmt: skip


def texts(survey: Survey, variable: Variable, query: str = "", page: int = 1, *,
          started: bool = False) -> TextPage:  # fmt: skip
    """The free-text answers of a question (or a choice's "other" texts), newest first,
    filtered by words in either script (the query folded as search_text is: `Крушевац`
    finds `Kruševac`), a page at a time: two statements."""
    where = [
        _responses(survey, started),
        SurveyAnswer.survey_id == survey.id,
        SurveyAnswer.question_code == variable.code,
        SurveyAnswer.search_text != "",
    ]
    for word in fold(query).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(SurveyAnswer.search_text.like(f"%{escaped}%", escape="\\"))
    joined = select().select_from(SurveyAnswer).join(
        SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id
    ).where(*where)  # fmt: skip
    total = db.session.scalar(joined.add_columns(func.count()))
    pages = max(1, -(-total // TEXT_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        joined.add_columns(SurveyAnswer.response_id, SurveyAnswer.value, SurveyResponse.status)
        .order_by(SurveyAnswer.id.desc())
        .limit(TEXT_PAGE)
        .offset((page - 1) * TEXT_PAGE)
    ).all()
    items = []
    for response_id, value, status in rows:
        text = engine.text_of(variable.question, value)
        items.append((response_id, text, status))
    return TextPage(items, total, page, pages)
