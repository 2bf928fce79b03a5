"""What surveys do, apart from the pages: starting a survey (empty or from a kit template),
the version the builder edits (copied when the current one has responses), the questionnaire
in order, starting, saving and completing a response. The callers commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping

from sqlalchemy import delete, select, update

from solidarna.core import audit, questions
from solidarna.core.models import utcnow
from solidarna.core.script import fold
from solidarna.extensions import db
from solidarna.research.kit import question_settings
from solidarna.research.models import (
    Survey,
    SurveyAnswer,
    SurveyAnswerOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyVersion,
)


def new_survey(title: str, *, created_by=None, access: str = "public", description: str = "",
               template: dict | None = None) -> Survey:  # fmt: skip
    """A draft survey with its first version (empty, or the template's questionnaire)."""
    survey = Survey(
        title=title,
        description=description,
        access=access,
        created_by_id=getattr(created_by, "id", None),
        template_key=(template or {}).get("key", ""),
    )
    db.session.add(survey)
    db.session.flush()
    version = SurveyVersion(survey_id=survey.id, number=1)
    db.session.add(version)
    db.session.flush()
    survey.current_version_id = version.id
    db.session.flush()
    db.session.expire(survey, ["current_version"])
    if template:
        fill_from_template(version, template)
    return survey


def fill_from_template(version: SurveyVersion, template: dict) -> None:
    position = 0
    for s, raw_section in enumerate(template.get("sections") or []):
        section = SurveySection(
            version_id=version.id,
            position=s,
            title=raw_section["title"],
            intro=raw_section.get("intro", ""),
        )
        db.session.add(section)
        db.session.flush()
        for raw in raw_section.get("questions") or []:
            db.session.add(
                SurveyQuestion(
                    version_id=version.id,
                    section_id=section.id,
                    position=position,
                    code=raw["code"],
                    kind=raw["kind"],
                    label=raw["label"],
                    help=raw.get("help", ""),
                    required=bool(raw.get("required", False)),
                    settings=question_settings(raw),
                    condition=raw.get("condition"),
                )
            )
            position += 1
    db.session.flush()


def as_template(survey: Survey, version: SurveyVersion | None = None) -> dict:
    """A survey's questionnaire as a kit template (what `tenants export` would carry)."""
    version = version or survey.current_version
    sections = []
    for section in version.sections:
        rows = []
        for q in section.questions:
            raw = {"code": q.code, "kind": q.kind, "label": q.label}
            if q.help:
                raw["help"] = q.help
            if q.required:
                raw["required"] = True
            raw.update(q.settings or {})
            if q.condition:
                raw["condition"] = dict(q.condition)
            rows.append(raw)
        entry = {"title": section.title, "questions": rows}
        if section.intro:
            entry["intro"] = section.intro
        sections.append(entry)
    template = {"key": survey.template_key or f"survey-{survey.id}", "title": survey.title}
    if survey.description:
        template["description"] = survey.description
    template["access"] = survey.access
    template["sections"] = sections
    return template


def questions_of(version: SurveyVersion) -> list[SurveyQuestion]:
    """The version's questions in questionnaire order (sections, then position)."""
    return [q for section in version.sections for q in section.questions]


def editable_version(survey: Survey, actor=None) -> SurveyVersion:
    """The version the builder may change: the current one while it has no responses; else a
    copy of it, made current (responses keep theirs). Recorded in the audit log."""
    version = survey.current_version
    if not version.frozen:
        return version
    copy = SurveyVersion(survey_id=survey.id, number=version.number + 1)
    db.session.add(copy)
    db.session.flush()
    for section in version.sections:
        new_section = SurveySection(
            version_id=copy.id, position=section.position, title=section.title,
            intro=section.intro,
        )  # fmt: skip
        db.session.add(new_section)
        db.session.flush()
        for q in section.questions:
            db.session.add(
                SurveyQuestion(
                    version_id=copy.id,
                    section_id=new_section.id,
                    position=q.position,
                    code=q.code,
                    kind=q.kind,
                    label=q.label,
                    help=q.help,
                    required=q.required,
                    settings=dict(q.settings or {}),
                    condition=dict(q.condition) if q.condition else None,
                )  # fmt: skip
            )
    db.session.flush()
    db.session.expire(copy, ["sections"])
    survey.current_version_id = copy.id
    db.session.flush()
    db.session.expire(survey, ["current_version"])
    audit.record("survey.version_created", target=survey, actor=actor, number=copy.number)
    return copy


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_response(survey: Survey, *, user=None, invitation=None, organization=None,
                   strata: Mapping | None = None) -> tuple[SurveyResponse, str | None]:  # fmt: skip
    """A new response to the current version; freezes the version. Returns the response and,
    for a response reached without an account or invitation (or an anonymous one), the random
    key its link resumes it by (only its hash is stored)."""
    version = survey.current_version
    version.frozen = True
    key = None
    response = SurveyResponse(survey_id=survey.id, version_id=version.id)
    if survey.anonymous or (user is None and invitation is None):
        key = secrets.token_urlsafe(24)
        response.resume_key = hash_key(key)
    if not survey.anonymous:
        response.user_id = getattr(user, "id", None)
        response.invitation_id = getattr(invitation, "id", None)
        response.organization_id = getattr(organization, "id", organization) or getattr(
            invitation, "organization_id", None
        )
    source = dict(strata or {})
    if invitation is not None:
        for name in ("municipality", "legal_form", "actor_type", "se_status"):
            source.setdefault(name, getattr(invitation, name) or "")
    for name in ("municipality", "legal_form", "actor_type", "se_status"):
        setattr(response, name, (source.get(name) or "")[:100])
    db.session.add(response)
    db.session.flush()
    if invitation is not None:
        invitation.status = "started"
        invitation.response_id = response.id
    db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values(response_count=Survey.response_count + 1)
    )
    return response, key


def answers_of(response: SurveyResponse) -> dict[str, object]:
    """code -> value (normal form) of a response's answers."""
    rows = db.session.execute(
        select(SurveyAnswer.question_code, SurveyAnswer.value).where(
            SurveyAnswer.response_id == response.id
        )
    )
    return dict(rows.all())


def save_answers(response: SurveyResponse, by_code: Mapping[str, SurveyQuestion],
                 values: Mapping[str, object]) -> None:  # fmt: skip
    """Write these answers (code -> value; None removes the answer): one row per question, the
    last write wins, with the options it counts for rewritten beside it."""
    if not values:
        return
    codes = list(values)
    db.session.execute(
        delete(SurveyAnswerOption).where(
            SurveyAnswerOption.response_id == response.id,
            SurveyAnswerOption.question_code.in_(codes),
        )
    )
    existing = {
        a.question_code: a
        for a in db.session.scalars(
            select(SurveyAnswer).where(
                SurveyAnswer.response_id == response.id, SurveyAnswer.question_code.in_(codes)
            )
        )
    }
    for code, value in values.items():
        question = by_code[code]
        row = existing.get(code)
        if value is None:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = SurveyAnswer(survey_id=response.survey_id, response_id=response.id,
                               question_code=code)  # fmt: skip
            db.session.add(row)
        row.value = value
        row.number = questions.number_of(question, value)
        row.search_text = fold(questions.text_of(question, value))
        row.updated_at = utcnow()
        for matrix_row, option in questions.counted(question, value):
            db.session.add(
                SurveyAnswerOption(
                    survey_id=response.survey_id,
                    response_id=response.id,
                    question_code=code,
                    row=matrix_row,
                    option=option,
                )  # fmt: skip
            )
    response.updated_at = utcnow()
    db.session.flush()


def complete(response: SurveyResponse, survey: Survey, by_code: Mapping[str, SurveyQuestion]) -> None:  # fmt: skip
    """Mark a response complete; answers to questions that are no longer shown (a changed mind)
    are removed, so results never count an answer to a hidden question."""
    if response.status == "complete":
        return
    answers = answers_of(response)
    shown = questions.visible(by_code.values(), answers)
    hidden = {code: None for code in answers if code not in shown}
    save_answers(response, by_code, hidden)
    response.status = "complete"
    response.completed_at = utcnow()
    db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values(complete_count=Survey.complete_count + 1)
    )
