"""The office's page of an event's follow-up survey: choose one of the space's surveys (a link
through core/links.py, events/followup.py) and, after the event, mail it to the accepted
participants (each once)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.events import followup
from solidarna.events.forms import ConfirmForm, SurveyForm
from solidarna.events.models import Event
from solidarna.events.permissions import can_manage_event
from solidarna.events.services import EventError
from solidarna.events.views.manage import bp, load_any_event
from solidarna.extensions import db


def _page(event, form, status=200):
    return render("events/survey.html", event=event, form=form, mail_form=ConfirmForm(),
                  survey=followup.survey_of(event), ended=followup.ended(event),
                  status=status)  # fmt: skip


@bp.route("/<int:event_id>/survey", methods=["GET", "POST"])
@require(can_manage_event, obj=load_any_event)
def survey(event: Event):
    surveys = followup.choices()
    current = followup.survey_of(event)
    form = SurveyForm(surveys=surveys, data={"survey_id": str(current.id) if current else ""})
    if not form.is_submitted():
        return _page(event, form)
    if not form.validate_on_submit():
        return _page(event, form, 422)
    try:
        changed = followup.choose(event, form.survey(), current_person())
    except EventError as error:
        form.survey_id.errors = [str(error)]
        return _page(event, form, 422 if error.status == 404 else error.status)
    db.session.commit()
    flash(_("The follow-up survey is saved.") if changed else _("Nothing was changed."),
          "success")  # fmt: skip
    return redirect(url_for("event_admin.survey", event_id=event.id), 303)


@bp.post("/<int:event_id>/survey/mail")
@require(can_manage_event, obj=load_any_event)
def mail_survey(event: Event):
    if not ConfirmForm().validate_on_submit():
        return error_page(400)
    try:
        count = followup.mail(event, current_person())
    except EventError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(ngettext("The survey is mailed to %(num)d participant.",
                   "The survey is mailed to %(num)d participants.", count), "success")  # fmt: skip
    return redirect(url_for("event_admin.survey", event_id=event.id), 303)
