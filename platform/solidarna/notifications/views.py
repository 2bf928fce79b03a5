"""Notifications: the list, open and mark read, the header's bell, mail settings, unsubscribe."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from solidarna.core import notifications as service
from solidarna.core.rendering import render, wants_fragment
from solidarna.core.urls import page_arg, safe_next
from solidarna.extensions import csrf, db
from solidarna.notifications.forms import EMAIL_MODE_HELP, SettingsForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

INVALID = 422
PER_PAGE = 20
#: the htmx event that refreshes the header's bell
CHANGED_EVENT = "notifications-changed"


class ListFilters:
    """The list's query arguments, in the shape the pagination macro expects."""

    def __init__(self, unread_only: bool = False, page: int = 1):
        self.unread_only = unread_only
        self.page = page

    @classmethod
    def from_values(cls, values) -> ListFilters:
        return cls(values.get("unread") == "1", page_arg(values))

    def args(self, **changes) -> dict:
        args = {"unread": "1"} if self.unread_only else {}
        page = changes.get("page", self.page)
        if page > 1:
            args["page"] = page
        return args


def _list_context(filters: ListFilters) -> dict:
    return {
        "filters": filters,
        "page": service.for_user(
            current_user, unread_only=filters.unread_only, page=filters.page, per_page=PER_PAGE
        ),
        "unread_total": service.current_unread_count(),  # shared with the header's badge
    }


def _owned(notification_id: int) -> service.Notification:
    notification = service.get_for(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


@bp.get("/")
@login_required
def index():
    filters = ListFilters.from_values(request.args)
    return render("notifications/index.html", block="results", **_list_context(filters))


@bp.get("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Open what a notification is about, marking it read."""
    notification = _owned(notification_id)
    target = safe_next("notifications.index", value=notification.url)
    service.mark_read(current_user, notification)
    db.session.commit()
    return redirect(target, 303)


def _after_marking():
    """htmx: the updated list and an event for the bell; plain forms: back where they were."""
    filters = ListFilters.from_values(request.form)
    if wants_fragment():
        response = render("notifications/index.html", block="results", **_list_context(filters))
        response.headers["HX-Trigger"] = CHANGED_EVENT
        return response
    default = url_for("notifications.index", **filters.args())
    return redirect(
        safe_next("notifications.index", value=request.form.get("next") or default), 303
    )


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    service.mark_read(current_user, _owned(notification_id))
    db.session.commit()
    return _after_marking()


@bp.post("/read-all")
@login_required
def mark_all_read():
    service.mark_read(current_user)
    db.session.commit()
    return _after_marking()


@bp.get("/bell")
def bell():
    """The header's bell with the unread count, refreshed by htmx after changes. Visitors
    (a session that ended) get 204, so htmx leaves the header alone."""
    if not current_user.is_authenticated:
        return "", 204
    response = make_response(render_template("notifications/_bell.html"))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(email_mode=service.email_mode(current_user))
    if form.validate_on_submit():
        service.set_email_mode(current_user, form.email_mode.data)
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    return render(
        "notifications/settings.html",
        form=form,
        help=EMAIL_MODE_HELP,
        status=INVALID if form.errors else 200,
    )


# --- unsubscribe from a mail, without logging in ----------------------------------------------


def _bad_link():
    return render(
        "errors/error.html",
        code=400,
        title=_("The link does not work"),
        message=_(
            "This unsubscribe link is not valid. Open the link from the mail again, or log in "
            "and change your notification settings."
        ),
        status=400,
    )


def _masked(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


def _unsubscribed_page(user, token: str):
    return render(
        "notifications/unsubscribed.html",
        token=token,
        email=_masked(user.email),
        logged_in_as_them=current_user.is_authenticated and current_user.id == user.id,
    )


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """The link in every notification mail: one click stops all notification mail."""
    user = service.user_from_unsubscribe_token(token)
    if user is None:
        return _bad_link()
    service.set_email_mode(user, "never")
    db.session.commit()
    return _unsubscribed_page(user, token)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058 one-click: mail clients POST here; the signed token is the proof
def unsubscribe_one_click(token: str):
    return unsubscribe(token)


@bp.post("/unsubscribe/<token>/undo")
def resubscribe(token: str):
    user = service.user_from_unsubscribe_token(token)
    if user is None:
        return _bad_link()
    service.set_email_mode(user, service.DEFAULT_EMAIL_MODE)
    db.session.commit()
    flash(_("You will receive notification mail again."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("notifications.settings"), 303)
    return redirect(url_for("pages.home"), 303)
