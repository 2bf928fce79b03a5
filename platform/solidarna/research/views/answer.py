"""Answering a survey: one section per page, saved as it goes and resumed by the invitation's
token, the response's own link or the account; consent, licence, directory update.

The rules are research/answering.py's; these views read the request, answer 303 after a saved
page (POST-redirect-GET), 422 with everything typed kept when an answer is refused, and a
localized 401/403/404/409/410 page when the person cannot answer (never a 500)."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core import geography, representation
from solidarna.core.errors import error_page
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import current_person
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.research import answering, services
from solidarna.research.models import LICENCES, Survey
from solidarna.research.permissions import can_read_public_results
from solidarna.research.tokens import read_invitation
from solidarna.research.views.common import load_survey
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_answer", __name__, url_prefix="/research")

USED = _l("This invitation has already been used: the survey was answered with it. Thank you!")


def _here(survey: Survey, token: str | None, **args) -> str:
    if token:
        return url_for("research_answer.invited", survey_id=survey.id, survey_token=token, **args)
    return url_for("research_answer.answer", survey_id=survey.id, **args)


def _set_cookie(response, survey: Survey, key: str) -> None:
    response.set_cookie(
        answering.cookie_name(survey), key,
        max_age=answering.COOKIE_DAYS * 24 * 3600,
        path=url_for("research.detail", survey_id=survey.id),
        httponly=True, samesite="Lax", secure=request.is_secure,
    )  # fmt: skip


def _refused(refusal: answering.Refusal):
    if refusal.login:
        return current_app.login_manager.unauthorized()
    return error_page(refusal.status, detail=str(refusal.message))


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@bp.route("/<int:survey_id>/answer", methods=["GET", "POST"])
def answer(survey_id: int):
    return _answer(load_survey(survey_id), None, None)


@bp.route("/<int:survey_id>/i/<survey_token>", methods=["GET", "POST"])
def invited(survey_id: int, survey_token: str):
    survey = load_survey(survey_id)
    invitation = read_invitation(survey_token, survey)
    if invitation is None:
        return error_page(404, detail=_("This invitation link is not valid."))
    return _answer(survey, invitation, survey_token)


def _answer(survey: Survey, invitation, token: str | None):
    user = current_person()
    posted_key = request.values.get("key") or ""
    key = posted_key or request.cookies.get(answering.cookie_name(survey)) or ""
    if invitation is not None and invitation.status == "complete":
        return error_page(410, detail=str(USED))
    response = answering.response_of(survey, user, invitation, key)
    if invitation is None and posted_key and response is None:
        return error_page(404, detail=_("This link to continue the survey is not valid."))
    if (
        response is not None
        and response.resume_key
        and response.resume_key != services.hash_key(key)
    ):
        key = ""  # found by the account or the invitation, not by a key
    if response is not None and response.status == "complete":
        if invitation is not None:
            return error_page(410, detail=str(USED))
        return render("research/answer_done.html", survey=survey, already=True,
                      results=can_read_public_results(user, survey),
                      status=200 if request.method == "GET" else 409)  # fmt: skip
    refusal = answering.why_not(survey, user, invitation, resuming=response is not None)
    if refusal is not None:
        return _refused(refusal)
    sections = answering.sections_of(response or survey)
    if not sections:
        return error_page(409, detail=_("This survey has no questions yet."))
    answers = services.answers_of(response) if response is not None else {}
    ctx = {
        "survey": survey,
        "token": token,
        "key": key,
        "action": _here(survey, token),
        "sections": sections,
        "response": response,
        "resume_link": _here(survey, token, key=key, _external=True) if key else None,
        "legal_forms": representation.strata_labels()["legal_form"],
        "municipality_choices": geography.municipalities,
        "can_suggest": answering.may_suggest(survey, user, invitation),
        "organizations": [] if (response is not None or invitation is not None)
        else answering.organizations_for(survey, user),
    }  # fmt: skip
    if request.method == "GET":
        shown = answering.questions.visible(answering.all_questions(sections), answers)
        wanted = _int(request.args.get("s"), response.section_position if response else 0)
        index = answering.step_from(sections, shown, wanted)
        page = _closing(survey, ctx, answers) if index == len(sections) else None
        if page is None:
            page = _section_page(ctx, answering.page_for(sections, index, answers))
        if key:
            _set_cookie(page, survey, key)
        return page
    index = max(0, min(_int(request.form.get("section"), 0), len(sections)))
    go = request.form.get("go") or "next"
    if index == len(sections):
        return _post_closing(survey, invitation, token, response, key, ctx, answers, go)
    return _post_section(survey, invitation, token, response, key, ctx, answers, index, go)


def _section_page(ctx, page: answering.Page, status: int = 200, organization_error=None):
    return render(
        "research/answer.html", page=page, shown_at=answering.shown_at_now(),
        organization_error=organization_error, status=status,
        chosen_organization=request.form.get("organization_id", "") if request.method == "POST" else "",
        **ctx,
    )  # fmt: skip


def _closing(survey, ctx, answers, choices=None, errors=None, missing=None, status=200):
    sections = ctx["sections"]
    if missing is None and status == 200:
        missing = []
    return render(
        "research/answer_closing.html", choices=choices or {}, errors=errors or {},
        missing=missing or [], licences=LICENCES, index=len(sections), status=status, **ctx,
    )  # fmt: skip


def _redirect(survey, token, key, index: int, new_key: str | None = None):
    key = new_key or key
    target = _here(survey, token, s=index, **({"key": key} if key else {}))
    response = redirect(target, 303)
    if key:
        _set_cookie(response, survey, key)
    return response


def _organization(survey, user, ctx):
    """(organization id or None, error) from the first page's "answering for" choice."""
    if not ctx["organizations"]:
        return None, None
    raw = request.form.get("organization_id") or ""
    if not raw:
        return None, None
    chosen = _int(raw, -1)
    if not representation.may_act_for(user, chosen):
        return None, _("Choose one of the organizations you represent.")
    return chosen, None


def _post_section(survey, invitation, token, response, key, ctx, answers, index, go):
    user = current_person()
    sections = ctx["sections"]
    submission = answering.read_page(sections, index, request.form, answers,
                                     draft=go in ("back", "later"))  # fmt: skip
    organization_id, organization_error = (None, None)
    if response is None and invitation is None:
        organization_id, organization_error = _organization(survey, user, ctx)
    if submission.refused or organization_error:
        return _section_page(ctx, submission.page, status=422,
                             organization_error=organization_error)  # fmt: skip
    new_key = None
    if response is None:
        if not submission.values and go == "back":
            return _redirect(survey, token, key, max(index - 1, 0))
        response, new_key = answering.start(survey, user, invitation, organization_id)
    by_code = {q.code: q for q in answering.all_questions(sections)}
    others = answering.changed_elsewhere(response, list(submission.values),
                                         request.form.get("shown_at"))  # fmt: skip
    services.save_answers(response, by_code, submission.values)
    answers = services.answers_of(response)
    answering.strata_from_answers(response, list(by_code.values()), answers)
    shown = answering.questions.visible(list(by_code.values()), answers)
    if others:
        labels = ", ".join(f"“{by_code[c].label}”" for c in others)
        flash(_("This answer was also changed in another window; the last one saved is kept: "
                "%(questions)s.", questions=labels), "warning")  # fmt: skip
    if go == "back":
        target = answering.step_from(sections, shown, index - 1, forward=False)
    elif submission.appeared and go == "next":
        target = index
        flash(_("Your answers opened more questions on this page."), "info")
    else:
        target = answering.step_from(sections, shown, index + 1)
    response.section_position = target
    db.session.commit()
    if go == "later":
        link = _here(survey, token, **({"key": new_key or key} if (new_key or key) else {}),
                     _external=True)  # fmt: skip
        page = render("research/answer_later.html", survey=survey, link=link,
                      by_account=not (new_key or key) and token is None)  # fmt: skip
        if new_key or key:
            _set_cookie(page, survey, new_key or key)
        return page
    return _redirect(survey, token, key, target, new_key)


def _post_closing(survey, invitation, token, response, key, ctx, answers, go):
    user = current_person()
    sections = ctx["sections"]
    if go == "back":
        shown = answering.questions.visible(answering.all_questions(sections), answers)
        return _redirect(survey, token, key,
                         answering.step_from(sections, shown, len(sections) - 1, forward=False))  # fmt: skip
    choices, errors = answering.read_closing(survey, request.form, ctx["can_suggest"])
    missing = answering.missing_required(sections, answers)
    if errors or missing:
        return _closing(survey, ctx, answers, choices, errors, missing, status=422)
    new_key = None
    if response is None:
        response, new_key = answering.start(survey, user, invitation, None)
    suggested = answering.finish(survey, response, choices, user, invitation)
    db.session.commit()
    if suggested:
        flash(_("Your directory entry update went to the office, which will check it."), "success")
    done = redirect(url_for("research_answer.done", survey_id=survey.id), 303)
    if new_key:
        _set_cookie(done, survey, new_key)
    return done


@bp.get("/<int:survey_id>/answer/done")
def done(survey_id: int):
    survey = load_survey(survey_id)
    return render("research/answer_done.html", survey=survey, already=False,
                  results=can_read_public_results(current_person(), survey))  # fmt: skip


@bp.route("/<int:survey_id>/i/<survey_token>/unsubscribe", methods=["GET", "POST"])
def unsubscribe(survey_id: int, survey_token: str):
    """The link in every invitation and reminder: no more mail about this survey."""
    survey = load_survey(survey_id)
    invitation = read_invitation(survey_token, survey)
    if invitation is None:
        return error_page(404, detail=_("This invitation link is not valid."))
    if request.method == "POST" and invitation.status not in ("complete", "unsubscribed"):
        invitation.status = "unsubscribed"
        db.session.commit()
        return redirect(
            url_for("research_answer.unsubscribe", survey_id=survey.id, survey_token=survey_token),
            303,
        )
    return render("research/answer_unsubscribe.html", survey=survey, invitation=invitation,
                  token=survey_token)  # fmt: skip
