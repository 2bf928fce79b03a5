"""Applying for a space at /onboarding/ (the applicant's pages) and the platform admins' queue
of applications at /admin/applications/."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from solidarna.core.i18n import localized
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.tenants import applications
from solidarna.tenants.applications import APPLICATION_STATUSES, SpaceApplication
from solidarna.tenants.onboarding_forms import ApplicationForm, MessageForm

bp = Blueprint("onboarding", __name__, url_prefix="/onboarding")
queue_bp = Blueprint("application_queue", __name__, url_prefix="/admin/applications")


# --- the applicant ------------------------------------------------------------------------


def own_application(application_id: int) -> SpaceApplication:
    """The logged-in person's application; anyone else's answers 404, as a missing one."""
    application = db.session.get(SpaceApplication, application_id)
    if application is None or application.applicant_id != current_person().id:
        abort(404)
    return application


def start_page(form=None, status=200):
    mine = applications.mine(current_person()) if current_user.is_authenticated else []
    if current_user.is_authenticated and form is None:
        form = ApplicationForm(formdata=None)
    return render("onboarding/start.html", form=form, mine=mine, status=status)


@bp.get("/")
def start():
    """What a space is and how to apply; the form for a logged-in person, for a visitor the
    way to log in (and back here) or to register."""
    return start_page()


@bp.post("/")
@login_required
def submit():
    form = ApplicationForm()
    if not form.validate():
        return start_page(form=form, status=422)
    application = SpaceApplication()
    form.fill(application)
    applications.submit(application, current_person())
    db.session.commit()
    flash(
        _("Your application is sent. The platform administrators will answer by e-mail."),
        "success",
    )
    return redirect(url_for("onboarding.show", application_id=application.id), 303)


@bp.get("/slug")
@login_required
def check_slug():
    """The live check of the proposed address (htmx): a short message, never an error page.
    The same check runs again when the form is sent."""
    slug = (request.args.get("slug") or "").strip().lower()[:100]
    application = None
    if (editing := request.args.get("application", type=int)) is not None:
        application = db.session.get(SpaceApplication, editing)
        if application is not None and application.applicant_id != current_person().id:
            application = None
    problem = applications.slug_message(slug, application) if slug else None
    # always a fragment: what htmx puts beside the field (opened directly, the same message)
    return render_template("onboarding/_slug_check.html", slug=slug, problem=problem)


@bp.get("/applications/<int:application_id>")
@login_required
def show(application_id: int):
    application = own_application(application_id)
    return render(
        "onboarding/show.html",
        application=application,
        kits=applications.available_kits(),
        statuses=APPLICATION_STATUSES,
    )


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def edit(application_id: int):
    application = own_application(application_id)
    if not application.is_editable:
        flash(_("This application cannot be changed now."), "info")
        return redirect(url_for("onboarding.show", application_id=application.id), 303)
    form = ApplicationForm(obj=application, application=application)
    if request.method == "POST":
        if not form.validate():
            return render("onboarding/edit.html", form=form, application=application, status=422)
        form.fill(application)
        applications.resubmit(application, current_person())
        db.session.commit()
        flash(_("Your application is sent again."), "success")
        return redirect(url_for("onboarding.show", application_id=application.id), 303)
    return render("onboarding/edit.html", form=form, application=application)


# --- the platform admins' queue ----------------------------------------------------------


@queue_bp.before_request
@require("is_platform_admin", obj=lambda: None)
def guard():
    """Every /admin/applications/ route is for platform admins only."""


def get_application(application_id: int) -> SpaceApplication:
    application = db.session.get(SpaceApplication, application_id)
    if application is None:
        abort(404)
    return application


@queue_bp.get("/")
def index():
    status = request.args.get("status", "submitted")
    if status not in APPLICATION_STATUSES:
        status = "submitted"
    return render(
        "tenants/platform/applications.html",
        current=status,
        statuses=APPLICATION_STATUSES,
        counts=applications.counts(),
        rows=applications.queue(status),
    )


def detail_page(application, forms=None, status=200, error=None):
    forms = forms or {}
    return render(
        "tenants/platform/application.html",
        application=application,
        kits=applications.available_kits(),
        statuses=APPLICATION_STATUSES,
        more_form=forms.get("more") or MessageForm(formdata=None, prefix="more"),
        decline_form=forms.get("decline") or MessageForm(formdata=None, prefix="decline"),
        error=error,
        slug_problem=applications.slug_message(application.slug, application)
        if application.is_open
        else None,
        status=status,
    )


@queue_bp.get("/<int:application_id>")
def detail(application_id: int):
    return detail_page(get_application(application_id))


def _refused(application_id: int, error, status: int = 409):
    """Nothing of the failed action stays; the page is drawn from the row as it was."""
    db.session.rollback()
    return detail_page(get_application(application_id), status=status, error=str(error))


@queue_bp.post("/<int:application_id>/approve")
def approve(application_id: int):
    application = get_application(application_id)
    try:
        tenant = applications.approve(application, current_person())
    except applications.ApplicationError as error:
        return _refused(application_id, error)
    db.session.commit()
    flash(
        _(
            "The space %(name)s is created. %(owner)s is its owner and has been told by e-mail.",
            name=localized(tenant, "name"),
            owner=application.applicant.name,
        ),
        "success",
    )
    return redirect(url_for("application_queue.detail", application_id=application.id), 303)


def _with_message(application_id: int, action, prefix: str, success: str):
    application = get_application(application_id)
    form = MessageForm(prefix=prefix)
    if not form.validate():
        return detail_page(application, forms={prefix: form}, status=422)
    try:
        action(application, current_person(), form.message.data)
    except applications.ApplicationError as error:
        return _refused(application_id, error)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("application_queue.detail", application_id=application.id), 303)


@queue_bp.post("/<int:application_id>/more")
def ask_for_more(application_id: int):
    return _with_message(
        application_id,
        applications.ask_for_more,
        "more",
        _("The applicant is asked for more information by e-mail."),
    )


@queue_bp.post("/<int:application_id>/decline")
def decline(application_id: int):
    return _with_message(
        application_id,
        applications.decline,
        "decline",
        _("The application is declined; the applicant is told by e-mail."),
    )
