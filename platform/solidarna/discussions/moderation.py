"""Moderators' pages: the queue of reported and hidden posts, post and thread actions,
moving threads, earlier versions of posts. Every action is audit-logged with a reason."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core.forms import choices
from solidarna.core.i18n import localized
from solidarna.core.permissions import can_moderate, current_person, require
from solidarna.core.rendering import render
from solidarna.core.urls import safe_next
from solidarna.discussions import moderation_services as ms
from solidarna.discussions import reading
from solidarna.discussions import services as ds
from solidarna.discussions.forms import MoveForm, ReasonForm
from solidarna.discussions.models import Category
from solidarna.discussions.views import get_post, get_thread
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("discussion_moderation", __name__, url_prefix="/discussions")


def _done(action: str) -> str:
    return {
        "hide": _("The post is hidden."),
        "unhide": _("The post is visible again."),
        "delete": _("Deleted."),
        "dismiss": _("The reports are dismissed."),
        "lock": _("The discussion is locked: only moderators can reply."),
        "unlock": _("The discussion is open for replies again."),
        "pin": _("The discussion is pinned to the top of its category."),
        "unpin": _("The discussion is no longer pinned."),
        "restore": _("The discussion is restored."),
    }.get(action, _("Done."))


@bp.get("/moderation")
@require(can_moderate)
def queue():
    reported = ms.open_reports()
    hidden = ms.hidden_posts()
    threads = ms.load_threads({p.thread_id for p, _r in reported} | {p.thread_id for p in hidden})
    return render(
        "discussions/moderation.html",
        reported=reported,
        hidden=hidden,
        threads=threads,
        form=ReasonForm(),
        threshold=ms.auto_hide_threshold(),
    )


def _back(default: str) -> str:
    """Where the moderator came from (the queue or the thread), if it is on this site."""
    target = request.form.get("next", "")
    return safe_next(value=target) if target else default


def _act(act, back: str):
    """Run a moderation action from an inline form: on a problem, back with the message;
    on success, commit and say what was done (None: the caller redirects)."""
    form = ReasonForm()
    action = request.form.get("action", "")
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back, 303)
    try:
        act(action, current_person(), form.reason.data or "")
    except ds.DiscussionError as error:
        flash(str(error), "error")
        return redirect(back, 303)
    db.session.commit()
    flash(_done(action), "success")
    return None


@bp.post("/posts/<int:post_id>/moderate")
@require(can_moderate)
def moderate_post(post_id: int):
    post = get_post(post_id)
    back = _back(reading.post_url(post))
    return _act(lambda *a: ms.moderate_post(post, *a), back) or redirect(back, 303)


@bp.post("/t/<int:thread_id>/moderate")
@require(can_moderate)
def moderate_thread(thread_id: int):
    thread = get_thread(thread_id)
    back = url_for("discussions.thread", thread_id=thread.id)
    problem = _act(lambda *a: ms.moderate_thread(thread, *a), back)
    if problem:
        return problem
    if request.form.get("action") == "delete" and thread.category_id:
        return redirect(url_for("discussions.category", category_id=thread.category_id), 303)
    return redirect(back, 303)


@bp.route("/t/<int:thread_id>/move", methods=["GET", "POST"])
@require(can_moderate)
def move(thread_id: int):
    thread = get_thread(thread_id)
    if thread.category_id is None:
        abort(404)
    categories = list(db.session.scalars(db.select(Category).order_by(Category.position)))
    form = MoveForm()
    form.category.choices = choices({str(c.id): localized(c, "name") for c in categories})
    if not form.is_submitted():
        form.category.data = str(thread.category_id)
    error = None
    if form.validate_on_submit():
        target = next(c for c in categories if str(c.id) == form.category.data)
        try:
            ms.move_thread(thread, target, current_person(), form.reason.data)
        except ds.DiscussionError as problem:
            error = str(problem)
        else:
            db.session.commit()
            flash(
                _("The discussion is moved to %(name)s.", name=localized(target, "name")), "success"
            )
            return redirect(url_for("discussions.thread", thread_id=thread.id), 303)
    status = 422 if (form.errors or error) else 200
    return render(
        "discussions/move.html", thread=thread, form=form, error=error,
        status=status,
    )  # fmt: skip


@bp.get("/posts/<int:post_id>/history")
@require(can_moderate)
def history(post_id: int):
    post = get_post(post_id)
    return render("discussions/history.html", post=post, revisions=reading.revisions(post))
