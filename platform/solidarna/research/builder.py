"""What the survey builder does, apart from its pages: sections and questions added, changed,
removed and moved, each checked on the whole questionnaire first (core/questions
condition_problems) and applied to the version the builder may change
(services.editable_version: a copy once the current one has responses); the status moves.

A refusal is a BuildError naming the question (its code) and why; nothing is written then, so a
refused edit of an answered version makes no new version. The callers commit."""

from __future__ import annotations

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, select

from solidarna.core import audit, questions
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.extensions import db
from solidarna.research import services
from solidarna.research.models import (
    Survey,
    SurveyInvitation,
    SurveyQuestion,
    SurveySection,
    SurveyVersion,
)

FIELDS = ("code", "kind", "label", "help", "required", "settings", "condition")


class BuildError(Exception):
    def __init__(self, message, status: int = 422, code: str | None = None, field: str = ""):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.code = code
        self.field = field


# --- loading what a URL names ------------------------------------------------------------------


def section_of(survey: Survey, section_id: int) -> SurveySection | None:
    """The section of the survey's current version that `section_id` names: itself, or (an id
    of an earlier version of the same survey) the section at its position now."""
    section = db.session.get(SurveySection, section_id)
    if section is None:
        return None
    version = db.session.get(SurveyVersion, section.version_id)
    if version is None or version.survey_id != survey.id:
        return None
    if version.id == survey.current_version_id:
        return section
    for current in survey.current_version.sections:
        if current.position == section.position:
            return current
    return None


def question_of(survey: Survey, question_id: int) -> SurveyQuestion | None:
    """The question of the current version that `question_id` names (by its code for an id of
    an earlier version of the same survey)."""
    question = db.session.get(SurveyQuestion, question_id)
    if question is None:
        return None
    version = db.session.get(SurveyVersion, question.version_id)
    if version is None or version.survey_id != survey.id:
        return None
    if version.id == survey.current_version_id:
        return question
    for current in services.questions_of(survey.current_version):
        if current.code == question.code:
            return current
    return None


# --- the questionnaire as plain rows, to check before writing -------------------------------------


def _row(question) -> dict:
    return {name: getattr(question, name) for name in FIELDS} | {
        "section": question.section_id,
        "id": question.id,
    }


def rows_of(version: SurveyVersion) -> list[dict]:
    return [_row(q) for q in services.questions_of(version)]


def problems(version: SurveyVersion) -> list[questions.Problem]:
    return questions.condition_problems(rows_of(version))


def _key(problem: questions.Problem) -> tuple[str, str]:
    return problem.code, str(problem.message)


def _refuse_conditions(rows: list[dict], before: list[dict], only: str | None = None) -> None:
    """Refuse a change that brings a problem the questionnaire did not have (`before`): first
    one of the changed question's own (`only`), then any other question's it would break."""
    known = {_key(p) for p in questions.condition_problems(before)}
    found = [p for p in questions.condition_problems(rows) if _key(p) not in known]
    found.sort(key=lambda p: p.code != only)
    for problem in found:
        raise BuildError(
            _l("Question %(code)s: %(problem)s", code=problem.code, problem=problem.message),
            code=problem.code,
            field="condition_question" if problem.code == only else "",
        )


def _renumber(version: SurveyVersion) -> None:
    db.session.flush()
    db.session.expire(version, ["sections"])
    position = 0
    for s, section in enumerate(version.sections):
        section.position = s
        db.session.expire(section, ["questions"])
        for question in section.questions:
            question.position = position
            position += 1
    db.session.flush()


# --- sections -------------------------------------------------------------------------------------


def add_section(survey: Survey, title: str, intro: str, actor) -> SurveySection:
    version = services.editable_version(survey, actor)
    last = db.session.scalar(
        select(func.max(SurveySection.position)).where(SurveySection.version_id == version.id)
    )
    section = SurveySection(
        version_id=version.id, position=(last if last is not None else -1) + 1, title=title,
        intro=intro,
    )  # fmt: skip
    db.session.add(section)
    db.session.flush()
    db.session.expire(version, ["sections"])
    audit.record("survey.section_added", target=survey, actor=actor, section=title)
    return section


def change_section(survey: Survey, section: SurveySection, title: str, intro: str, actor) -> bool:
    if (section.title, section.intro) == (title, intro):
        return False
    position = section.position
    version = services.editable_version(survey, actor)
    target = next(s for s in version.sections if s.position == position)
    target.title, target.intro = title, intro
    audit.record("survey.section_changed", target=survey, actor=actor, section=title)
    return True


def remove_section(survey: Survey, section: SurveySection, actor) -> None:
    version = survey.current_version
    if len(version.sections) == 1:
        raise BuildError(_l("A survey keeps at least one section."), 409)
    gone = {q.code for q in section.questions}
    rows = [r for r in rows_of(version) if r["code"] not in gone]
    _refuse_conditions(rows, rows_of(version))
    position = section.position
    version = services.editable_version(survey, actor)
    target = next(s for s in version.sections if s.position == position)
    title = target.title
    db.session.delete(target)
    _renumber(version)
    audit.record("survey.section_removed", target=survey, actor=actor, section=title)


def move_section(survey: Survey, section: SurveySection, step: int, actor) -> None:
    version = survey.current_version
    order = list(version.sections)
    index = order.index(section)
    other = index + step
    if not 0 <= other < len(order):
        raise BuildError(_l("The section is already at that end."), 409)
    order[index], order[other] = order[other], order[index]
    rows = [_row(q) for s in order for q in s.questions]
    _refuse_conditions(rows, rows_of(version))
    positions = [s.position for s in order]
    version = services.editable_version(survey, actor)
    by_position = {s.position: s for s in version.sections}
    for new, old in enumerate(positions):
        by_position[old].position = new
    _renumber(version)
    audit.record("survey.reordered", target=survey, actor=actor)


# --- questions ------------------------------------------------------------------------------------


def _check_code(version: SurveyVersion, data: dict, question: SurveyQuestion | None) -> None:
    taken = {q.code for q in services.questions_of(version) if q is not question}
    if not data["code"]:
        data["code"] = questions.suggest_code(data["label"], taken)
    if not questions.CODE.match(data["code"]):
        raise BuildError(
            _l("Use lowercase letters, digits and _, starting with a letter (at most 40)."),
            field="code",
        )
    if data["code"] in taken:
        raise BuildError(_l("Another question of this survey has this code."), field="code")


def add_question(survey: Survey, section: SurveySection, data: dict, actor) -> SurveyQuestion:
    """`data`: code (empty: suggested from the label), kind, label, help, required, settings,
    condition (None or a dict)."""
    version = survey.current_version
    _check_code(version, data, None)
    rows = rows_of(version)
    # a new question goes at the end of its section
    at = max((i + 1 for i, r in enumerate(rows) if r["section"] == section.id), default=None)
    if at is None:
        at = sum(1 for s in version.sections if s.position < section.position for _q in s.questions)
    rows.insert(at, dict(data, section=section.id, id=None))
    _refuse_conditions(rows, rows_of(version), only=data["code"])
    position = section.position
    version = services.editable_version(survey, actor)
    target = next(s for s in version.sections if s.position == position)
    question = SurveyQuestion(
        version_id=version.id, section_id=target.id, position=10**6,
        **{name: data[name] for name in FIELDS},
    )  # fmt: skip
    db.session.add(question)
    _renumber(version)
    audit.record("survey.question_added", target=survey, actor=actor, code=data["code"])
    return question


def change_question(survey: Survey, question: SurveyQuestion, data: dict, actor) -> bool:
    version = survey.current_version
    _check_code(version, data, question)
    if all(getattr(question, name) == data[name] for name in FIELDS):
        return False
    old = question.code
    rows = []
    for row in rows_of(version):
        if row["code"] == old:
            row = dict(data, section=row["section"], id=row["id"])
        elif old != data["code"] and (row["condition"] or {}).get("question") == old:
            # the questions that depend on it follow its new code
            row = dict(row, condition=dict(row["condition"], question=data["code"]))
        rows.append(row)
    _refuse_conditions(rows, rows_of(version), only=data["code"])
    version = services.editable_version(survey, actor)
    current = {q.code: q for q in services.questions_of(version)}
    target = current[old]
    for name in FIELDS:
        setattr(target, name, data[name])
    if old != data["code"]:
        for other in current.values():
            if other is not target and (other.condition or {}).get("question") == old:
                other.condition = dict(other.condition, question=data["code"])
    db.session.flush()
    audit.record("survey.question_changed", target=survey, actor=actor, code=data["code"])
    return True


def remove_question(survey: Survey, question: SurveyQuestion, actor) -> None:
    version = survey.current_version
    rows = [r for r in rows_of(version) if r["code"] != question.code]
    dependent = [r["code"] for r in rows if (r["condition"] or {}).get("question") == question.code]
    if dependent:
        raise BuildError(
            _l(
                "Question %(code)s is shown only after an answer to this one: change or remove "
                "its condition first.",
                code=dependent[0],
            ),
            409,
            code=question.code,
        )
    _refuse_conditions(rows, rows_of(version))
    code = question.code
    version = services.editable_version(survey, actor)
    target = next(q for q in services.questions_of(version) if q.code == code)
    db.session.delete(target)
    _renumber(version)
    audit.record("survey.question_removed", target=survey, actor=actor, code=code)


def move_question(survey: Survey, question: SurveyQuestion, step: int, actor) -> None:
    """One place up (step -1) or down (+1) in the questionnaire; past a section's first (or
    last) question it goes to the end of the previous (the start of the next) section."""
    version = survey.current_version
    sections = list(version.sections)
    placed = [(s, list(s.questions)) for s in sections]
    s_index = next(i for i, (s, _q) in enumerate(placed) if s.id == question.section_id)
    items = placed[s_index][1]
    index = items.index(question)
    if 0 <= index + step < len(items):
        items[index], items[index + step] = items[index + step], items[index]
        new_section = sections[s_index]
    elif 0 <= s_index + step < len(placed):
        items.pop(index)
        new_section = sections[s_index + step]
        if step < 0:
            placed[s_index + step][1].append(question)
        else:
            placed[s_index + step][1].insert(0, question)
    else:
        raise BuildError(_l("The question is already at that end."), 409, code=question.code)
    rows = [_row(q) for _s, qs in placed for q in qs]
    try:
        _refuse_conditions(rows, rows_of(version))
    except BuildError as error:
        raise BuildError(
            _l(
                "Question %(code)s cannot move there. %(reason)s",
                code=question.code,
                reason=error.message,
            ),
            409,
            code=error.code,
        ) from None
    order = [(s.position, [q.code for q in qs]) for s, qs in placed]
    target_position = new_section.position
    code = question.code
    version = services.editable_version(survey, actor)
    by_position = {s.position: s for s in version.sections}
    by_code = {q.code: q for q in services.questions_of(version)}
    position = 0
    for _section_position, codes in order:
        for c in codes:
            by_code[c].position = position
            if c == code:
                by_code[c].section_id = by_position[target_position].id
            position += 1
    _renumber(version)
    audit.record("survey.reordered", target=survey, actor=actor)


# --- status -----------------------------------------------------------------------------------------

MOVES = {"draft": ("open",), "open": ("closed",), "closed": ("open",)}


def move(survey: Survey, status: str, actor) -> None:
    if status not in MOVES.get(survey.status, ()):
        raise BuildError(_l("The survey cannot move to this status now."), 409)
    if status == "open":
        version = survey.current_version
        if not any(questions.KINDS[q.kind].answerable for q in services.questions_of(version)):
            raise BuildError(_l("Add at least one question before opening the survey."), 409)
        found = problems(version)
        if found:
            raise BuildError(
                _l(
                    "Question %(code)s: %(problem)s",
                    code=found[0].code,
                    problem=found[0].message,
                ),
                409,
                code=found[0].code,
            )
    old = survey.status
    survey.status = status
    db.session.flush()
    audit.record("survey.status_changed", target=survey, actor=actor, old=old, new=status)


def delete(survey: Survey, actor) -> None:
    if survey.status != "draft" or survey.response_count:
        raise BuildError(_l("Only a draft that no one has answered can be deleted."), 409)
    audit.record("survey.deleted", target=survey, actor=actor)
    db.session.execute(sql_delete(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id))
    for version in db.session.scalars(
        select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
    ):
        db.session.delete(version)
    db.session.flush()
    db.session.delete(survey)
    db.session.flush()
