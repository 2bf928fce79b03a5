"""Survey figures for others to cite (core/evidence.py, issue 16 item 7): what a published
survey's public results page shows, at the same level (a cited figure goes into public
documents): only surveys whose admins published the results, only complete responses, and
only counts of at least SMALLEST_CELL respondents.

- `research.survey_options`: the respondents naming each option of each choice question of a
  published survey (item `<survey id>:<variable code>:<option>`).
- `research.barriers_by_municipality`: per municipality (the responses' stratum), the most
  named option of a published survey's barriers question — a multiple or single choice whose
  variable code starts with `barrier` or `prepreke` (the pilot questionnaire's convention);
  item `<survey id>:<municipality>`. The ecosystem overview shows it (`overview=True`).

Each provider is two statements whatever the number of responses: the published surveys'
questions, and one GROUP BY over the options their answers count for."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from solidarna.core import questions as engine
from solidarna.core.evidence import Figure, FigureProvider, in_space_language, today
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.extensions import db
from solidarna.research.models import (
    Survey,
    SurveyAnswerOption,
    SurveyQuestion,
    SurveyResponse,
)
from solidarna.research.results import SMALLEST_CELL

CHOICE_KINDS = ("single", "multiple", "yes_no")
BARRIER_PREFIXES = ("barrier", "prepreke")


def _published() -> list[Survey]:
    return db.session.scalars(
        select(Survey)
        .where(Survey.results_public.is_(True), Survey.status != "draft")
        .order_by(Survey.id)
    ).all()


def _questions(surveys: list[Survey]) -> dict[tuple[int, str], SurveyQuestion]:
    """The current version's choice questions of each survey, by (survey id, code)."""
    by_version = {s.current_version_id: s.id for s in surveys}
    rows = db.session.scalars(
        select(SurveyQuestion).where(
            SurveyQuestion.version_id.in_(list(by_version)),
            SurveyQuestion.kind.in_(CHOICE_KINDS),
        )
    )
    return {(by_version[q.version_id], q.code): q for q in rows}


def option_figures(tenant) -> list[Figure]:
    surveys = _published()
    if not surveys:
        return []
    found = _questions(surveys)
    titles = {s.id: s.title for s in surveys}
    counts = db.session.execute(
        select(SurveyAnswerOption.survey_id, SurveyAnswerOption.question_code,
               SurveyAnswerOption.option, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswerOption.response_id)
        .where(SurveyAnswerOption.survey_id.in_(list(titles)), SurveyResponse.status == "complete",
               SurveyAnswerOption.row == "")
        .group_by(SurveyAnswerOption.survey_id, SurveyAnswerOption.question_code,
                  SurveyAnswerOption.option)
    ).all()  # fmt: skip
    day = today()
    figures = []
    with in_space_language(tenant):
        for survey_id, code, option, n in sorted(counts):
            question = found.get((survey_id, code))
            if question is None or n < SMALLEST_CELL:
                continue
            labels = {o["value"]: str(o["label"]) for o in engine.options_of(question)}
            figures.append(
                Figure(
                    f"{survey_id}:{code}:{option}",
                    _("Respondents naming “%(option)s” in “%(question)s” (survey %(survey)s)",
                      option=labels.get(option, option), question=question.label,
                      survey=titles[survey_id]),
                    n,
                    day,
                )
            )  # fmt: skip
    return figures


def barrier_figures(tenant) -> list[Figure]:
    surveys = _published()
    if not surveys:
        return []
    found = {
        key: q for key, q in _questions(surveys).items()
        if q.kind in ("single", "multiple") and q.code.startswith(BARRIER_PREFIXES)
    }  # fmt: skip
    if not found:
        return []
    titles = {s.id: s.title for s in surveys}
    counts = db.session.execute(
        select(SurveyAnswerOption.survey_id, SurveyAnswerOption.question_code,
               SurveyResponse.municipality, SurveyAnswerOption.option, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswerOption.response_id)
        .where(SurveyAnswerOption.survey_id.in_(list({s for s, _c in found})),
               SurveyAnswerOption.question_code.in_(list({c for _s, c in found})),
               SurveyResponse.status == "complete", SurveyResponse.municipality != "",
               SurveyAnswerOption.row == "")
        .group_by(SurveyAnswerOption.survey_id, SurveyAnswerOption.question_code,
                  SurveyResponse.municipality, SurveyAnswerOption.option)
    ).all()  # fmt: skip
    best: dict[tuple[int, str], tuple[int, str, str]] = {}
    for survey_id, code, place, option, n in counts:
        if (survey_id, code) not in found or n < SMALLEST_CELL or option == engine.OTHER:
            continue
        slot = (survey_id, place)
        if slot not in best or (n, code) > (best[slot][0], best[slot][1]):
            best[slot] = (n, code, option)
    day = today()
    figures = []
    with in_space_language(tenant):
        for (survey_id, place), (n, code, option) in sorted(best.items()):
            question = found[(survey_id, code)]
            labels = {o["value"]: str(o["label"]) for o in engine.options_of(question)}
            figures.append(
                Figure(
                    f"{survey_id}:{place}",
                    _("Most named barrier in %(place)s: “%(option)s” (survey %(survey)s)",
                      place=place, option=labels.get(option, option), survey=titles[survey_id]),
                    n,
                    day,
                )
            )  # fmt: skip
    return figures


PROVIDERS = (
    FigureProvider(
        "research.survey_options",
        _l("Published survey results: respondents naming each option"),
        "research",
        option_figures,
    ),
    FigureProvider(
        "research.barriers_by_municipality",
        _l("Published survey results: the most named barrier, by municipality"),
        "research",
        barrier_figures,
        overview=True,
    ),
)
