"""Answering a survey, page by page (the rules the answer views follow).

A respondent reaches a survey by its link (public), as a member, or by a personal invitation's
token; their response is found again by the invitation, by the response's own resume key (in
the link they keep and in a cookie scoped to the survey's path), or by their account (one
response per account and survey, unless the survey is anonymous).

One section is one page. Only the questions shown (core/questions.visible over every answer so
far, this page's included) are read and saved; an answer posted for a question that was hidden
and still is is refused (422), never saved. A question whose earlier answer on the same page
was changed so that it is hidden now loses its answer. Two windows answering the same response
never lose an answer: the last write per question wins, and the page says which answers another
window had changed since this page was shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from solidarna.core import audit, geography, questions, representation
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.permissions import is_member
from solidarna.extensions import db
from solidarna.research import services
from solidarna.research.models import (
    LICENCES,
    STRATA,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveySection,
)
from solidarna.research.permissions import is_open

HIDDEN_ANSWER = _l(
    "This question is not shown with your answers so far, so an answer to it cannot be saved."
)
COOKIE_DAYS = 180


class Refusal(Exception):
    """Why this person cannot answer now: a localized message and the status to answer."""

    def __init__(self, message, status: int, login: bool = False):
        super().__init__(str(message))
        self.message = message
        self.status = status
        #: a visitor who may answer after logging in
        self.login = login


def cookie_name(survey: Survey) -> str:
    return f"research_resume_{survey.id}"


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def why_not(survey: Survey, user, invitation: SurveyInvitation | None = None,
            resuming: bool = False) -> Refusal | None:  # fmt: skip
    """None when the person may answer now; else the Refusal to show."""
    now = utcnow()
    if survey.status == "closed" or (survey.closes_at and now >= _aware(survey.closes_at)):
        return Refusal(_l("This survey is closed: it no longer takes answers."), 409)
    if survey.status == "draft" or (survey.opens_at and now < _aware(survey.opens_at)):
        return Refusal(_l("This survey is not open for answers yet."), 409)
    if invitation is not None and invitation.status == "unsubscribed":
        return Refusal(
            _l("This invitation was declined. Ask the space's office for a new one."), 410
        )
    if resuming and is_open(survey):
        return None
    if survey.access == "public" or invitation is not None:
        return None
    if survey.access == "members":
        if getattr(user, "is_authenticated", False) and is_member(user, survey):
            return None
        if not getattr(user, "is_authenticated", False):
            return Refusal(_l("Only members of the space answer this survey. Please log in."), 401,
                           login=True)  # fmt: skip
        return Refusal(_l("Only members of the space answer this survey."), 403)
    return Refusal(
        _l("This survey is answered by personal invitation only: open the link in your "
           "invitation."),
        403,
    )  # fmt: skip


def response_by_key(survey: Survey, key: str | None) -> SurveyResponse | None:
    if not key or len(key) > 100:
        return None
    return db.session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id,
            SurveyResponse.resume_key == services.hash_key(key),
        )
    )


def response_of(survey: Survey, user, invitation: SurveyInvitation | None,
                key: str | None) -> SurveyResponse | None:  # fmt: skip
    """The response this person continues, if they have one. An anonymous survey's response
    keeps no tie to its invitation: it is found by its key (the link, the cookie)."""
    if invitation is not None and not survey.anonymous:
        if invitation.response_id is not None:
            return db.session.get(SurveyResponse, invitation.response_id)
        return None
    found = response_by_key(survey, key)
    if found is not None:
        return found
    if survey.anonymous or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.user_id == user.id)
        .order_by(SurveyResponse.id.desc())
        .limit(1)
    )


def organizations_for(survey: Survey, user) -> list:
    """The organizations a representative may answer for (none for anonymous surveys)."""
    if survey.anonymous:
        return []
    return representation.organizations_represented_by(user)


def strata_of(organization_id: int | None) -> dict:
    if organization_id is None:
        return {}
    found = representation.contacts({"ids": [organization_id]})
    if not found:
        return {}
    contact = found[0]
    return {
        "municipality": contact.municipality,
        "legal_form": contact.legal_form,
        "actor_type": contact.actor_type,
        "se_status": contact.se_status,
    }


def start(survey: Survey, user, invitation, organization_id: int | None):
    """A new response (the caller checked the person may answer and act for the organization).
    Returns (response, resume key or None)."""
    authenticated = getattr(user, "is_authenticated", False)
    strata = strata_of(organization_id)
    if survey.anonymous and invitation is not None:
        # no tie between the response and the invitation (nor its organization): only the
        # strata, for the cross-tabs (small cells are suppressed there), and the state
        strata = {name: getattr(invitation, name) or "" for name in STRATA}
        invitation.status = "started"
        invitation = None
    response, key = services.start_response(
        survey,
        user=user if authenticated else None,
        invitation=invitation,
        organization=organization_id,
        strata=strata,
    )
    return response, key


# --- pages -----------------------------------------------------------------------------------


def sections_of(response_or_survey) -> list[SurveySection]:
    if isinstance(response_or_survey, SurveyResponse):
        from solidarna.research.models import SurveyVersion

        version = db.session.get(SurveyVersion, response_or_survey.version_id)
    else:
        version = response_or_survey.current_version
    return list(version.sections) if version is not None else []


def all_questions(sections: list[SurveySection]) -> list:
    return [q for section in sections for q in section.questions]


def section_shown(section: SurveySection, shown: set[str]) -> bool:
    return not section.questions or any(q.code in shown for q in section.questions)


def step_from(sections, shown: set[str], wanted: int, forward: bool = True) -> int:
    """The nearest section at or after (before, when not forward) `wanted` that shows a
    question; len(sections) is the closing page."""
    last = len(sections)
    wanted = max(0, min(wanted, last))
    step = 1 if forward else -1
    index = wanted
    while 0 <= index < last:
        if section_shown(sections[index], shown):
            return index
        index += step
    return last if forward else step_from(sections, shown, 0)


@dataclass
class Page:
    """What one section's page shows: its questions and, for each, what was typed and the
    problem (after a refused POST)."""

    section: SurveySection
    index: int
    shown: list = field(default_factory=list)
    typed: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def page_for(sections, index: int, answers: dict) -> Page:
    shown = questions.visible(all_questions(sections), answers)
    section = sections[index]
    page = Page(section=section, index=index)
    for q in section.questions:
        if q.code in shown:
            page.shown.append(q)
            page.typed[q.code] = questions.typed_from(q, answers.get(q.code))
    return page


def _typed_anything(typed) -> bool:
    if typed is None:
        return False
    if isinstance(typed, dict):
        return any(_typed_anything(v) for v in typed.values())
    if isinstance(typed, list | tuple):
        return any(_typed_anything(v) for v in typed)
    return bool(str(typed).strip())


def field_names(question) -> list[str]:
    """Every form field a question's input uses."""
    kind = question.kind
    names = [questions.field_name(question)]
    if kind in ("single", "multiple"):
        names.append(questions.field_name(question, "other"))
    elif kind == "organization":
        names = [questions.field_name(question, p) for p in ("pib", "mb", "legal_form")]
    elif kind == "matrix":
        rows = (question.settings or {}).get("rows") or []
        names = [questions.field_name(question, r.get("value", "")) for r in rows]
    return names


def _posted_for(question, form) -> bool:
    return any(any(str(v).strip() for v in form.getlist(name)) for name in field_names(question))


def strata_from_answers(response: SurveyResponse, questions_: list, answers: dict) -> None:
    """A response with no organization behind it takes its strata from its own answers (the
    municipality question, the organization identity's legal form), for the cross-tabs."""
    if response.organization_id is not None or response.invitation_id is not None:
        return
    names = {m.code: m.name_latn for m in geography.municipalities()}
    for q in questions_:
        value = answers.get(q.code)
        if value is None:
            continue
        if q.kind == "municipality" and not response.municipality and value in names:
            response.municipality = names[value][:100]
        elif q.kind == "organization" and not response.legal_form and value.get("legal_form"):
            response.legal_form = str(value["legal_form"])[:40]


@dataclass
class Submission:
    page: Page
    values: dict
    #: at least one problem: answer 422 and show the page again
    refused: bool
    #: questions of this page that appeared with this page's answers (show the page again)
    appeared: list


def read_page(sections, index: int, form, answers: dict, *, draft: bool) -> Submission:
    """Read one section's answers from `form`. `draft` ("Back", "Save and finish later"):
    an unanswered required question is no problem yet."""
    every = all_questions(sections)
    section = sections[index]
    legal_forms = representation.strata_labels()["legal_form"]
    before = questions.visible(every, answers)
    reads = {q.code: questions.read(q, form, legal_forms) for q in section.questions}
    merged = dict(answers)
    for q in section.questions:
        if questions.KINDS[q.kind].answerable:
            found = reads[q.code]
            merged[q.code] = found.value if found.error is None else answers.get(q.code)
    now_shown = questions.visible(every, merged)
    page = Page(section=section, index=index)
    values: dict = {}
    appeared = []
    for q in section.questions:
        found = reads[q.code]
        if q.code not in now_shown:
            if q.code not in before and _posted_for(q, form):
                # the form never showed it: refused, never saved
                page.shown.append(q)
                page.typed[q.code] = found.typed
                page.errors[q.code] = HIDDEN_ANSWER
            elif answers.get(q.code) is not None:
                values[q.code] = None  # a changed mind hid it: its answer goes
            continue
        page.shown.append(q)
        page.typed[q.code] = found.typed
        if not questions.KINDS[q.kind].answerable:
            continue
        if q.code not in before:
            appeared.append(q)
            if not _posted_for(q, form):
                continue  # new on this page: asked when it is shown again
        error = found.error
        if error is not None and draft and found.value is None and not _typed_anything(found.typed):
            error = None
        if error is not None:
            page.errors[q.code] = error
            continue
        values[q.code] = found.value
    return Submission(page, values, bool(page.errors), appeared)


def changed_elsewhere(response: SurveyResponse | None, codes, shown_at: str | None) -> list[str]:
    """The codes among `codes` whose answer another window saved after this page was shown."""
    if response is None or not codes:
        return []
    try:
        moment = datetime.fromtimestamp(float(shown_at or ""), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return []
    rows = db.session.execute(
        select(SurveyAnswer.question_code, SurveyAnswer.updated_at).where(
            SurveyAnswer.response_id == response.id, SurveyAnswer.question_code.in_(list(codes))
        )
    )
    return sorted(code for code, updated in rows if _aware(updated) > moment)


def shown_at_now() -> str:
    return f"{utcnow().timestamp():.6f}"


# --- the closing page ------------------------------------------------------------------------


def missing_required(sections, answers: dict) -> list[SurveySection]:
    """The sections with a shown required question still unanswered."""
    shown = questions.visible(all_questions(sections), answers)
    return [
        s for s in sections
        if any(q.required and q.code in shown and answers.get(q.code) is None
               and questions.KINDS[q.kind].answerable for q in s.questions)
    ]  # fmt: skip


def may_suggest(survey: Survey, user, invitation) -> bool:
    """The directory update is offered to someone known: an account or an invitation's
    holder (a visitor's public answers do not propose directory entries)."""
    known = getattr(user, "is_authenticated", False) or invitation is not None
    return bool(known and survey.asks_directory_consent and not survey.anonymous)


def read_closing(survey: Survey, form, suggest: bool = True) -> tuple[dict, dict]:
    """(choices, errors) of the closing page."""
    licence = form.get("licence") or ""
    choices = {
        "licence": licence,
        "consent_directory": bool(form.get("consent_directory"))
        and survey.asks_directory_consent
        and not survey.anonymous,
        "directory_update": bool(form.get("directory_update")) and suggest,
    }
    errors = {}
    if licence not in LICENCES:
        errors["licence"] = _l("Choose how your answers may be used.")
    return choices, errors


def directory_fields(response: SurveyResponse, sections, answers: dict, name: str) -> dict:
    """A directory entry's fields from the answers: the identity and municipality questions,
    and questions whose variable codes name a field; the response's strata fill the rest."""
    fields = {
        "name": name,
        "municipality": response.municipality,
        "legal_form": response.legal_form,
        "actor_type": response.actor_type,
        "se_status": response.se_status,
    }
    by_code = {
        "name": "name", "org_name": "name", "organization_name": "name",
        "email": "contact_email", "contact_email": "contact_email", "phone": "phone",
        "website": "website", "address": "address", "founding_year": "founding_year",
        "employees": "employees_total", "employees_total": "employees_total",
        "mission": "mission", "actor_type": "actor_type", "se_status": "se_status",
    }  # fmt: skip
    for q in all_questions(sections):
        value = answers.get(q.code)
        if value is None:
            continue
        if q.kind == "organization":
            for part in ("pib", "mb", "legal_form"):
                if value.get(part):
                    fields[part] = value[part]
        elif q.kind == "municipality":
            found = {m.code: m for m in geography.municipalities()}.get(value)
            if found is not None:
                fields["municipality"] = found.name_latn
        elif q.code in by_code:
            target = by_code[q.code]
            if q.kind == "number":
                fields[target] = int(value)
            elif q.kind == "single":
                fields[target] = value.get("choice") if value.get("choice") != "other" else ""
            elif isinstance(value, str):
                fields[target] = value
    return {k: v for k, v in fields.items() if v not in (None, "")}


def finish(survey: Survey, response: SurveyResponse, choices: dict, user,
           invitation: SurveyInvitation | None = None) -> bool:  # fmt: skip
    """Complete the response with the closing page's choices; asks the directory for the
    update when the respondent wanted it. Returns whether the update went to the office."""
    sections = sections_of(response)
    by_code = {q.code: q for q in all_questions(sections)}
    response.licence = choices["licence"]
    response.consent_directory = choices["consent_directory"]
    response.directory_update_requested = choices["directory_update"]
    was_complete = response.status == "complete"
    services.complete(response, survey, by_code)
    if invitation is None and response.invitation_id is not None:
        invitation = db.session.get(SurveyInvitation, response.invitation_id)
    if invitation is not None:
        invitation.status = "complete"
    suggested = False
    if choices["directory_update"] and not was_complete:
        answers = services.answers_of(response)
        name = ""
        if response.organization_id is not None:
            cards = representation.describe([response.organization_id])
            card = cards.get(response.organization_id)
            name = card.name if card else ""
        if not name and response.invitation_id is not None:
            invitation = db.session.get(SurveyInvitation, response.invitation_id)
            name = invitation.organization_name if invitation else ""
        fields = directory_fields(response, sections, answers, name)
        source = f"{_l('Survey: %(title)s', title=survey.title)} · #{survey.id}"
        suggested = representation.suggest_entry(response.organization_id, fields, source,
                                                 user if getattr(user, "is_authenticated", False) else None)  # fmt: skip
        if suggested:
            audit.record("survey.directory_update_requested", target=survey,
                         actor=user if getattr(user, "is_authenticated", False) else None)  # fmt: skip
    return suggested
