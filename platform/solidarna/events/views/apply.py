"""Applying to an event (logged in, for oneself or on behalf of an organization one represents),
the applicant's own page (status, the office's message, the check-in code and its QR code, the
certificate once earned, the follow-up survey) and confirming or cancelling."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from solidarna.core import documents
from solidarna.core.errors import error_page
from solidarna.core.models import utcnow
from solidarna.core.permissions import current_person
from solidarna.core.rendering import render
from solidarna.events import followup, services
from solidarna.events.forms import ApplyForm, ConfirmForm
from solidarna.events.permissions import applications_open, eligible_organizations, may_apply
from solidarna.events.views.common import load_event, show_error
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("event_applications", __name__, url_prefix="/events/<int:event_id>")


def _form_page(event, form, typed=None, errors=None, status=200, full=False):
    return render("events/apply.html", event=event, form=form, typed=typed or {},
                  errors=errors or {}, full=full or event.is_full, status=status)  # fmt: skip


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply(event_id: int):
    event = load_event(event_id)
    user = current_person()
    mine = services.application_of(event, user)
    if mine is not None:
        flash(_("You have already applied to this event."), "info")
        return redirect(url_for("event_applications.mine", event_id=event.id), 303)
    if event.status == "cancelled":
        return error_page(409, detail=str(services.CANCELLED_MESSAGE))
    if services.close_if_late(event):
        db.session.commit()
    if not applications_open(event):
        return error_page(409, detail=_("Applications to this event are closed."))
    if not may_apply(user, event):
        return error_page(403, detail=_("This event is not open to you."))
    organizations = eligible_organizations(user, event)
    form = ApplyForm(organizations=organizations,
                     only_organizations=event.eligibility == "representatives")  # fmt: skip
    if request.method == "GET":
        return _form_page(event, form)
    if not form.validate_on_submit():
        return _form_page(event, form, status=422 if form.errors else 400)
    answers, typed, errors = services.read_answers(event, request.form)
    if errors:
        return _form_page(event, form, typed, errors, 422)
    try:
        services.apply(event, user, answers, form.organization(), bool(form.waitlist.data))
    except services.EventError as error:
        if error.field == "waitlist":
            form.waitlist.errors = [str(error)]
            return _form_page(event, form, typed, errors, 409, full=True)
        return show_error(form, error, "organization_id") or _form_page(event, form, typed,
                                                                        errors, 422)  # fmt: skip
    db.session.commit()
    flash(_("Your application is sent. You will get a mail with the office's decision."),
          "success")  # fmt: skip
    return redirect(url_for("event_applications.mine", event_id=event.id), 303)


@bp.get("/mine")
@login_required
def mine(event_id: int):
    event = load_event(event_id)
    application = services.application_of(event, current_person())
    if application is None:
        return redirect(url_for("events.detail", event_id=event.id), 303)
    qr = None
    if application.status in ("accepted", "confirmed"):
        link = url_for("event_admin.attendance", event_id=event.id, code=application.checkin_code,
                       _external=True)  # fmt: skip
        qr = documents.qr_svg(link, _("Your check-in code as a QR code"))
    certificate = None
    if services.has_certificate(application):
        certificate = url_for(
            "events.certificate", certificate_token=services.certificate_token(application)
        )
    ended = event.ends_at is not None and services._aware(event.ends_at) < utcnow()
    survey = None
    if ended and application.status in ("accepted", "confirmed"):
        survey = followup.survey_of(event)
    return render(
        "events/mine.html",
        event=event,
        application=application,
        qr=qr,
        certificate=certificate,
        ended=ended,
        survey=survey,
        form=ConfirmForm(),
    )


def _own(event):
    application = services.application_of(event, current_person())
    if application is None:
        from flask import abort

        abort(404)
    return application


@bp.post("/mine/confirm")
@login_required
def confirm(event_id: int):
    event = load_event(event_id)
    application = _own(event)
    if not ConfirmForm().validate_on_submit():
        return error_page(400)
    try:
        services.confirm(application)
    except services.EventError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("Thank you: your seat is confirmed."), "success")
    return redirect(url_for("event_applications.mine", event_id=event.id), 303)


@bp.post("/mine/cancel")
@login_required
def cancel(event_id: int):
    event = load_event(event_id)
    application = _own(event)
    if not ConfirmForm().validate_on_submit():
        return error_page(400)
    try:
        services.cancel(application, current_person())
    except services.EventError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("Your application is cancelled."), "success")
    return redirect(url_for("event_applications.mine", event_id=event.id), 303)
