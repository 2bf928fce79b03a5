"""Distribution (space admins): personal invitations drawn from the directory by filters with
a sample per stratum, sending them and reminders, response rate by stratum."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from solidarna.core import representation
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.research import distribution as dist
from solidarna.research.answer_forms import STRATUM_LABELS, DrawForm
from solidarna.research.models import INVITATION_STATUSES, Survey
from solidarna.research.permissions import can_manage_survey, is_open
from solidarna.research.views.common import load_own_survey
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_distribute", __name__, url_prefix="/research/manage")


def _form(formdata=None) -> DrawForm:
    form = DrawForm(formdata=formdata)
    municipalities = sorted({c.municipality for c in representation.contacts({}) if c.municipality})
    form.fill_choices(representation.strata_labels(), municipalities)
    return form


def _page(survey: Survey, form: DrawForm, preview=None, status: int = 200):
    return render(
        "research/distribution.html", survey=survey, form=form, preview=preview,
        counts=dist.counts_by_status(survey), statuses=INVITATION_STATUSES,
        rates=dist.rates(survey), stratum_labels=STRATUM_LABELS,
        due=dist.due_reminders(survey), invitations=dist.invitations_of(survey), is_open=is_open(survey), status=status,
    )  # fmt: skip


@bp.get("/<int:survey_id>/distribution")
@require(can_manage_survey, obj=load_own_survey)
def distribution(survey: Survey):
    return _page(survey, _form())


@bp.post("/<int:survey_id>/distribution/draw")
@require(can_manage_survey, obj=load_own_survey)
def draw(survey: Survey):
    form = _form(request.form)
    if not form.validate():
        return _page(survey, form, status=422)
    seed = form.seed.data or dist.new_seed()
    form.seed.data = seed
    result = dist.draw(
        survey, form.filters(), per_stratum=form.per_stratum.data,
        stratify_by=tuple(form.stratify_by.data or ()), quota=form.quota.data, seed=seed,
    )  # fmt: skip
    if request.form.get("go") != "create":
        return _page(survey, form, preview=result)
    if not result.chosen:
        flash(_("No organization to invite with these filters."), "warning")
        return _page(survey, form, preview=result, status=422)
    count = dist.create_invitations(survey, result.chosen, current_person())
    db.session.commit()
    flash(ngettext("%(num)d invitation is ready to send.", "%(num)d invitations are ready to send.",
                   count), "success")  # fmt: skip
    return redirect(url_for("research_distribute.distribution", survey_id=survey.id), 303)


@bp.post("/<int:survey_id>/distribution/send")
@require(can_manage_survey, obj=load_own_survey)
def send(survey: Survey):
    if not is_open(survey):
        flash(_("Invitations are sent while the survey is open."), "warning")
        return redirect(url_for("research_distribute.distribution", survey_id=survey.id), 303)
    count = dist.send_invitations(survey, current_person())
    db.session.commit()
    flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", count), "success")
    return redirect(url_for("research_distribute.distribution", survey_id=survey.id), 303)


@bp.post("/<int:survey_id>/distribution/remind")
@require(can_manage_survey, obj=load_own_survey)
def remind(survey: Survey):
    count = dist.send_reminders(survey, current_person())
    db.session.commit()
    if count:
        flash(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", count), "success")
    else:
        flash(_("No reminder is due: those who have not finished were reminded recently or as "
                "often as allowed."), "info")  # fmt: skip
    return redirect(url_for("research_distribute.distribution", survey_id=survey.id), 303)
