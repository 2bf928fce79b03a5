"""The office's side of events: creating and changing an event, its sessions and application
questions (core/questions.py, the research builder's question form), publishing or cancelling,
the applications with their reviews (a 1-5 rubric per criterion and a comment) and decisions,
and the attendance list for a phone: check-in by the participant's code (typed, or opened from
their QR code) and marking by name."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from solidarna.core import questions as question_engine
from solidarna.core import representation
from solidarna.core.capabilities import current_tenant
from solidarna.core.errors import error_page
from solidarna.core.i18n import format_moment
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.core.script import fold
from solidarna.core.urls import page_arg
from solidarna.events import kit, services
from solidarna.events.forms import (
    CheckInForm,
    ConfirmForm,
    DecisionForm,
    EventForm,
    ReviewForm,
    StatusForm,
)
from solidarna.events.models import APPLICATION_STATUSES, ApplicationReview, Event, EventApplication
from solidarna.events.permissions import can_manage_event, can_manage_events
from solidarna.events.views.common import load_application, load_session, show_error
from solidarna.extensions import db
from solidarna.research.build_forms import QuestionForm
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("event_admin", __name__, url_prefix="/events/manage")
PER_PAGE = 50


def load_any_event(event_id: int) -> Event:
    """The office's pages: the event of this space, in any state (the rule then says 403)."""
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _event_form(event=None):
    return EventForm(obj=event, event=event, types=kit.types(current_tenant()),
                     actor_types=representation.strata_labels()["actor_type"])  # fmt: skip


def _form_page(form, event=None, status=200):
    return render("events/form.html", form=form, event=event, status=status)


@bp.route("/new", methods=["GET", "POST"])
@require(can_manage_events)
def create():
    form = _event_form()
    if form.validate_on_submit():
        try:
            event = services.create(form.data_dict(), form.session_times(), current_person(),
                                    criteria=kit.criteria(current_tenant()))  # fmt: skip
        except services.EventError as error:
            return show_error(form, error, "title") or _form_page(form, status=error.status)
        db.session.commit()
        flash(_("The event is saved as a draft. Add the application questions, then publish it."),
              "success")  # fmt: skip
        return redirect(url_for("event_admin.questions", event_id=event.id), 303)
    return _form_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@require(can_manage_event, obj=load_any_event)
def edit(event: Event):
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            changed = services.change(event, form.data_dict(), form.session_times(),
                                      current_person())  # fmt: skip
        except services.EventError as error:
            return show_error(form, error, "title") or _form_page(form, event, error.status)
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("events.detail", event_id=event.id), 303)
    return _form_page(form, event, status=422 if form.is_submitted() else 200)


@bp.post("/<int:event_id>/status")
@require(can_manage_event, obj=load_any_event)
def status(event: Event):
    form = StatusForm()
    if not form.validate_on_submit():
        return error_page(400, detail=_("Choose what to do with the event."))
    try:
        services.move(event, form.status.data, current_person())
    except services.EventError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("The event's state is changed."), "success")
    return redirect(url_for("events.detail", event_id=event.id), 303)


def _questions_page(event, form, status=200):
    return render("events/questions.html", event=event, form=form, remove_form=ConfirmForm(),
                  kinds=question_engine.KINDS,
                  status=status)  # fmt: skip


class _Row(dict):
    __getattr__ = dict.get


@bp.route("/<int:event_id>/questions", methods=["GET", "POST"])
@require(can_manage_event, obj=load_any_event)
def questions(event: Event):
    earlier = [_Row(q) for q in event.questions or []]
    form = QuestionForm(earlier=earlier)
    if request.method == "GET":
        form.kind.data = request.args.get("kind", "short_text")
        return _questions_page(event, form)
    if form.validate_on_submit():
        data = form.data_dict()
        if data is not None:
            try:
                services.add_question(event, data, current_person())
            except services.EventError as error:
                return show_error(form, error, "label") or _questions_page(event, form, 422)
            db.session.commit()
            flash(_("The question is added."), "success")
            return redirect(url_for("event_admin.questions", event_id=event.id), 303)
    return _questions_page(event, form, 422)


@bp.post("/<int:event_id>/questions/<int:number>/remove")
@require(can_manage_event, obj=load_any_event)
def remove_question(event: Event, number: int):
    if not ConfirmForm().validate_on_submit():
        return error_page(400)
    try:
        services.remove_question(event, number, current_person())
    except services.EventError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("The question is removed."), "success")
    return redirect(url_for("event_admin.questions", event_id=event.id), 303)


@bp.get("/<int:event_id>/applications")
@require(can_manage_event, obj=load_any_event)
def applications(event: Event):
    wanted = request.args.get("status", "")
    page = page_arg(request.args)
    where = [EventApplication.event_id == event.id]
    if wanted in APPLICATION_STATUSES:
        where.append(EventApplication.status == wanted)
    total = db.session.scalar(select(func.count()).select_from(EventApplication).where(*where))
    rows = list(
        db.session.scalars(
            select(EventApplication).where(*where).order_by(EventApplication.id)
            .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        )
    )  # fmt: skip
    scores = {}
    if rows:
        for application_id, reviews in db.session.execute(
            select(ApplicationReview.application_id, func.count())
            .where(ApplicationReview.application_id.in_([r.id for r in rows]))
            .group_by(ApplicationReview.application_id)
        ):
            scores[application_id] = reviews
    return render("events/applications.html", event=event, rows=rows, total=total or 0,
                  counts=services.counts(event), wanted=wanted, reviews=scores,
                  page_number=page, pages=max(1, -(-(total or 0) // PER_PAGE)))  # fmt: skip


def _rubric(event: Event) -> list[dict]:
    return event.criteria or kit.criteria(current_tenant())


def _application_page(event, application, review_form=None, decision_form=None, status=200,
                      score_errors=None, typed_scores=None):  # fmt: skip
    reviews = list(
        db.session.scalars(
            select(ApplicationReview).where(ApplicationReview.application_id == application.id)
            .order_by(ApplicationReview.created_at)
        )
    )  # fmt: skip
    rubric = _rubric(event)
    means = {}
    for criterion in rubric:
        given = [r.scores.get(criterion["code"]) for r in reviews if criterion["code"] in r.scores]
        if given:
            means[criterion["code"]] = sum(given) / len(given)
    mine = next((r for r in reviews if r.reviewer_id == current_person().id), None)
    if review_form is None:
        review_form = ReviewForm(comment=mine.comment if mine else "")
    return render(
        "events/application.html", event=event, application=application, reviews=reviews,
        rubric=rubric, means=means, review_form=review_form,
        decision_form=decision_form or DecisionForm(message=application.message),
        score_errors=score_errors or {},
        typed_scores=typed_scores or ({k: str(v) for k, v in mine.scores.items()} if mine else {}),
        status=status,
    )  # fmt: skip


@bp.get("/<int:event_id>/applications/<int:event_application_id>")
@require(can_manage_event, obj=load_any_event)
def application(event: Event, event_application_id: int):
    return _application_page(event, load_application(event, event_application_id))


@bp.post("/<int:event_id>/applications/<int:event_application_id>/review")
@require(can_manage_event, obj=load_any_event)
def review(event: Event, event_application_id: int):
    application = load_application(event, event_application_id)
    form = ReviewForm()
    rubric = _rubric(event)
    typed = {c["code"]: (request.form.get(f"score_{c['code']}") or "").strip() for c in rubric}
    errors, scores = {}, {}
    for code, value in typed.items():
        if not value:
            continue
        if value.isdigit() and len(value) == 1 and 1 <= int(value) <= 5:
            scores[code] = int(value)
        else:
            errors[code] = _("Score from 1 to 5.")
    if not form.validate_on_submit() or errors:
        return _application_page(event, application, review_form=form, status=422,
                                 score_errors=errors, typed_scores=typed)  # fmt: skip
    try:
        services.review(application, rubric, scores, (form.comment.data or "").strip(),
                        current_person())  # fmt: skip
    except services.EventError as error:
        form.comment.errors = [str(error)]
        return _application_page(event, application, review_form=form, status=422,
                                 typed_scores=typed)  # fmt: skip
    db.session.commit()
    flash(_("Your review is saved."), "success")
    return redirect(url_for("event_admin.application", event_id=event.id,
                            event_application_id=application.id), 303)  # fmt: skip


@bp.post("/<int:event_id>/applications/<int:event_application_id>/decide")
@require(can_manage_event, obj=load_any_event)
def decide(event: Event, event_application_id: int):
    application = load_application(event, event_application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(application, form.decision.data, (form.message.data or "").strip(),
                            current_person())  # fmt: skip
        except services.EventError as error:
            if error.status == 409 and not error.field:
                return error_page(409, detail=str(error))
            form.decision.errors = [str(error)]
            return _application_page(event, application, decision_form=form,
                                     status=error.status)  # fmt: skip
        db.session.commit()
        flash(_("The decision is saved and mailed to the applicant."), "success")
        return redirect(url_for("event_admin.applications", event_id=event.id), 303)
    return _application_page(event, application, decision_form=form, status=422)


def _sessions(event):
    return [(s, f"{format_moment(s.starts_at, 'short')}") for s in event.sessions]


ATTENDANCE_PER_PAGE = 100


def _attendance_page(event, form, session, status=200):
    """The accepted participants, a page of 100 by name order of application (a name search
    narrows them; at the door the code is the quick way), who of them is present at the
    session, and how many are in all."""
    from solidarna.accounts.models import User
    from solidarna.events.models import Attendance

    page = page_arg(request.args)
    wanted = (request.args.get("q") or "").strip()[:100]
    where = [EventApplication.event_id == event.id,
             EventApplication.status.in_(("accepted", "confirmed"))]  # fmt: skip
    seated_total = db.session.scalar(
        select(func.count()).select_from(EventApplication).where(*where)
    )  # fmt: skip
    query = select(EventApplication).where(*where)
    if wanted:
        # names are written in either script: folded on both sides (core/script.fold), so
        # "Jovana" finds "Јована" and the other way round; the seated people's names (one
        # statement, two short columns), then their page by id
        words = fold(wanted).split()
        names = db.session.execute(
            select(EventApplication.id, User.name)
            .join(User, User.id == EventApplication.user_id)
            .where(*where).order_by(EventApplication.id)
        ).all()  # fmt: skip
        ids = [i for i, name in names if all(word in fold(name) for word in words)]
        start = (page - 1) * ATTENDANCE_PER_PAGE
        query = query.where(EventApplication.id.in_(ids[start : start + ATTENDANCE_PER_PAGE]))
    else:
        query = query.limit(ATTENDANCE_PER_PAGE).offset((page - 1) * ATTENDANCE_PER_PAGE)
    seated = list(db.session.scalars(query.order_by(EventApplication.id)))
    present, present_total = set(), 0
    if session is not None:
        present_total = db.session.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.session_id == session.id)
        )  # fmt: skip
        if seated:
            present = set(db.session.scalars(select(Attendance.application_id).where(
                Attendance.session_id == session.id,
                Attendance.application_id.in_([a.id for a in seated]))))  # fmt: skip
    shown = seated_total if not wanted else len(ids)
    return render("events/attendance.html", event=event, form=form, session=session,
                  seated=seated, present=present, mark_form=ConfirmForm(), status=status,
                  seated_total=seated_total or 0, present_total=present_total or 0,
                  wanted=wanted, page_number=page,
                  pages=max(1, -(-(shown or 0) // ATTENDANCE_PER_PAGE)),
                  certificates={a.id: url_for("events.certificate",
                                              certificate_token=services.certificate_token(a))
                                for a in seated if services.has_certificate(a)})  # fmt: skip


def _current_session(event, wanted=None):
    session = load_session(event, wanted) if wanted else None
    if session is None and event.sessions:
        from solidarna.core.models import utcnow

        now = utcnow()
        upcoming = [s for s in event.sessions if services._aware(s.ends_at) >= now]
        session = upcoming[0] if upcoming else event.sessions[-1]
    return session


@bp.get("/<int:event_id>/attendance")
@require(can_manage_event, obj=load_any_event)
def attendance(event: Event):
    session = _current_session(event, request.args.get("session"))
    form = CheckInForm(sessions=_sessions(event), data={
        "session_id": str(session.id) if session else "",
        "code": (request.args.get("code") or "")[:20],
    })  # fmt: skip
    return _attendance_page(event, form, session)


@bp.post("/<int:event_id>/checkin")
@require(can_manage_event, obj=load_any_event)
def checkin(event: Event):
    form = CheckInForm(sessions=_sessions(event))
    session = _current_session(event, form.session_id.data)
    if not form.validate_on_submit():
        return _attendance_page(event, form, session, 422)
    try:
        application = services.check_in(event, session, form.code.data, current_person())
    except services.EventError as error:
        form.code.errors = [str(error)]
        return _attendance_page(event, form, session, error.status)
    db.session.commit()
    flash(_("%(name)s is checked in.", name=application.user.name), "success")
    return redirect(url_for("event_admin.attendance", event_id=event.id, session=session.id), 303)


@bp.post("/<int:event_id>/attendance/<int:event_application_id>")
@require(can_manage_event, obj=load_any_event)
def mark(event: Event, event_application_id: int):
    application = load_application(event, event_application_id)
    session = load_session(event, request.form.get("session_id"))
    if not ConfirmForm().validate_on_submit() or session is None:
        return error_page(400, detail=_("Choose the session."))
    try:
        services.mark(application, session, current_person())
    except services.EventError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("%(name)s is checked in.", name=application.user.name), "success")
    return redirect(url_for("event_admin.attendance", event_id=event.id, session=session.id), 303)
