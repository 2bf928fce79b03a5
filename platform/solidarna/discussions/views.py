"""Reading and writing discussions: categories, threads, replies in place, preview, quotes,
mentions, following, editing and deleting one's posts, reporting."""

from __future__ import annotations

import functools

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, bindparam
from sqlalchemy.orm import lazyload

from solidarna.core import notifications
from solidarna.core.fragments import Lazy
from solidarna.core.permissions import (
    can_manage_members,
    can_moderate,
    current_person,
    is_member,
    require,
)
from solidarna.core.rendering import render, wants_fragment
from solidarna.core.tenancy import PREPARED
from solidarna.core.urls import id_value, page_arg
from solidarna.discussions import mentions as people
from solidarna.discussions import moderation_services as ms
from solidarna.discussions import reading
from solidarna.discussions import services as ds
from solidarna.discussions.forms import PostForm, ReportForm, ThreadForm
from solidarna.discussions.models import Category, Post, Subscription, Thread
from solidarna.discussions.permissions import (
    can_delete_post,
    can_edit_post,
    can_post,
    can_read_thread,
    can_report_post,
    can_take_part,
    can_view_category,
    reader_rank,
    thread_subject,
)
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("discussions", __name__, url_prefix="/discussions")


def _not_visible():
    """Anonymous visitors are asked to log in (a member following a link from a mail);
    logged-in people who may not see it get 404, as if it did not exist."""
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    abort(404)


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    if not can_view_category(current_user, category):
        _not_visible()
    return category


@functools.cache
def _thread_by_id():
    # Built once, walked once per space (core/tenancy.PREPARED): every thread page asks it.
    return (
        db.select(Thread)
        .where(Thread.id == bindparam("thread"))
        .execution_options(**{PREPARED: True})
    )


def get_thread(thread_id: int) -> Thread:
    thread = db.session.scalar(_thread_by_id(), {"thread": thread_id})
    if thread is None:
        abort(404)
    if not can_read_thread(current_user, thread):
        _not_visible()
    return thread


@functools.cache
def _thread_with_subscription():
    """A logged-in person's thread page: the thread and their subscription to it in one
    statement, without the thread's author and last author (the page shows neither; asked
    for anyway, they load then)."""
    return (
        db.select(Thread, Subscription)
        .outerjoin(
            Subscription,
            and_(Subscription.thread_id == Thread.id, Subscription.user_id == bindparam("user")),
        )
        .where(Thread.id == bindparam("thread"))
        .options(lazyload(Thread.author), lazyload(Thread.last_author))
        .execution_options(**{PREPARED: True})
    )


def get_thread_and_subscription(thread_id: int) -> tuple[Thread, Subscription | None]:
    if not current_user.is_authenticated:
        return get_thread(thread_id), None
    row = db.session.execute(
        _thread_with_subscription(), {"thread": thread_id, "user": current_user.id}
    ).first()
    if row is None:
        abort(404)
    thread, subscription = row
    if not can_read_thread(current_user, thread):
        _not_visible()
    return thread, subscription


def get_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None:
        abort(404)
    if not can_read_thread(current_user, post.thread):
        _not_visible()
    return post


@bp.get("/")
def index():
    categories = Lazy(ds.categories_for, current_user)  # read only when drawn
    manages = can_manage_members(current_user)
    return render(
        "discussions/index.html",
        # a member's page: one shell per viewer level, the discussions about the entries
        # they may see filled per request from their own kept fragment
        shell=(),
        shell_fills="discussions/_index_fills.html",
        categories=categories,
        about=Lazy(reading.recent_subject_threads, 10),  # read only when drawn
        can_set_up=Lazy(lambda: manages and not categories),
    )


@bp.get("/c/<int:category_id>")
def category(category_id: int):
    category = get_category(category_id)
    page = reading.category_threads(category, page_arg(request.args))
    return render(
        "discussions/category.html",
        block="threads",
        category=category,
        page=page,
        can_start=can_post(current_user),
    )


def _thread_form_page(form, category=None, subject=None, error=None, preview=None, status=200):
    return render(
        "discussions/new_thread.html",
        form=form,
        category=category,
        subject=subject,
        error=error,
        preview=preview,
        status=status,
    )


def start_thread(form, *, category=None, subject=None):
    """Shared by categories and attached subjects: validate, preview or create."""
    if not form.validate_on_submit():
        return _thread_form_page(form, category, subject, status=422 if form.errors else 200)
    if request.form.get("action") == "preview":
        preview = people.resolve(form.body.data or "", reader_rank(category=category))
        return _thread_form_page(form, category, subject, preview=preview)
    try:
        thread, _post = ds.create_thread(
            form.title.data, form.body.data, current_person(), category=category, subject=subject
        )
    except ds.DiscussionError as error:
        status = 429 if isinstance(error, ds.RateLimited) else 422
        return _thread_form_page(form, category, subject, error=str(error), status=status)
    db.session.commit()
    flash(_("The discussion is started. You follow it and get a notice of every reply."), "success")
    return redirect(url_for("discussions.thread", thread_id=thread.id), 303)


@bp.route("/c/<int:category_id>/new", methods=["GET", "POST"])
@require(can_take_part, obj=get_category)
def new_thread(category: Category):
    return start_thread(ThreadForm(), category=category)


@bp.get("/t/<int:thread_id>")
def thread(thread_id: int):
    thread, subscription = get_thread_and_subscription(thread_id)
    page = min(page_arg(request.args), thread.pages)
    form = Lazy(PostForm)  # an empty reply form: made only when it is drawn (not kept)
    quote_number = id_value(request.args.get("quote"))
    if quote_number and can_post(current_user, thread):
        quoted = reading.post_by_number(thread, quote_number)
        if quoted is not None:
            form = PostForm()
            form.body.data = ds.quote_text(quoted)
    return thread_page(thread, page, form, subscription=subscription)


_ASK = object()


def thread_page(thread, page, form, error=None, preview=None, status=200, subscription=_ASK):
    if current_user.is_authenticated and notifications.mark_read(
        current_user, subject=("thread", thread.id)
    ):
        # Reading the thread is reading its notices: the bell drops them, and mail about the
        # thread starts again for the next reply (core/notifications.py coalesces while unread).
        db.session.commit()
    posts = Lazy(reading.thread_posts, thread, page)  # read only when the posts are drawn
    # the reply form holds something of this request (a quote, a text, an error or a
    # preview): drawn each time, not the kept empty one, and the page is not a shell's
    drafted = bool(
        error or preview or (not isinstance(form, Lazy) and (form.body.data or form.errors))
    )
    return render(
        "discussions/thread.html",
        # a member's page: one shell per viewer level, the own controls and the follow state
        # filled per request (core/fragments.py shell_page)
        shell=None if drafted else (),
        shell_fills="discussions/_thread_fills.html",
        thread=thread,
        subject=thread_subject(thread),
        page=page,
        posts=posts,
        # what the subject's owner offers about the posts' authors (a slot of each post)
        person_actions=Lazy(reading.person_actions, thread, page, posts),
        form=form,
        drafted=drafted,
        error=error,
        preview=preview,
        subscription=(
            ds.subscription(thread, current_user) if subscription is _ASK else subscription
        ),
        can_reply=can_post(current_user, thread),
        is_moderator=can_moderate(current_user),
        status=status,
    )


@bp.get("/t/<int:thread_id>/post/<int:number>")
def permalink(thread_id: int, number: int):
    """A stable link to a post: to the page it is on, scrolled to it."""
    thread = get_thread(thread_id)
    post = reading.post_by_number(thread, number)
    if post is None:
        abort(404)
    return redirect(reading.post_url(post), 303)


def _reply_form_again(thread, form, status, error=None, preview=None):
    """The reply form again with what was written (an error or a preview): in place for htmx,
    the thread's last page otherwise."""
    if wants_fragment():
        page = id_value(request.form.get("page")) or thread.pages
        response = make_response(
            render_template(
                "discussions/_reply_form.html",
                thread=thread,
                form=form,
                error=error,
                preview=preview,
                page=page,
            ),  # fmt: skip
            status,
        )
        response.headers["HX-Retarget"] = "#reply-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return thread_page(thread, thread.pages, form, error=error, preview=preview, status=status)


@bp.post("/t/<int:thread_id>/reply")
@require(can_post, obj=get_thread)
def reply(thread: Thread):
    form = PostForm()
    if not form.validate_on_submit():
        message = _("The form has expired. Please send it again.")
        return _reply_form_again(thread, form, 400, error=message)
    if request.form.get("action") == "preview":
        preview = people.resolve(form.body.data or "", reader_rank(thread))
        return _reply_form_again(thread, form, 200, preview=preview)
    try:
        post = ds.add_post(thread, form.body.data, current_person())
    except ds.DiscussionError as error:
        status = 429 if isinstance(error, ds.RateLimited) else 422
        return _reply_form_again(thread, form, status, error=str(error))
    db.session.commit()
    on_page = id_value(request.form.get("page"))
    if wants_fragment():
        if on_page == reading.page_of(post.number):
            response = make_response(
                render_template(
                    "discussions/_fresh_post.html",
                    post=post,
                    thread=thread,
                    can_reply=True,
                    is_moderator=can_moderate(current_user),
                    fresh=True,
                ),  # fmt: skip
                201,
            )
            response.headers["HX-Trigger"] = "reply-posted"
            return response
        response = make_response("", 204)
        response.headers["HX-Redirect"] = reading.post_url(post)
        return response
    flash(_("Your reply is posted."), "success")
    return redirect(reading.post_url(post), 303)


def _mention_scope() -> int | None:
    """The reader rank of the discussion the text is written in, named by `?thread=<id>` or
    `?category=<id>` (a new thread); None when neither is given. 404 for an id that is not one
    or names what the person may not see."""
    for key, load in (("thread", get_thread), ("category", get_category)):
        if key in request.args:
            number = id_value(request.args[key])
            if number is None:
                abort(404)
            found = load(number)
            return reader_rank(found) if key == "thread" else reader_rank(category=found)
    return None


@bp.post("/preview")
@require(can_take_part)
def preview():
    """The live preview of what is being written (htmx), rendered exactly as it will be, with
    a note for every @ that notifies nobody."""
    rank = _mention_scope()
    body = people.resolve((request.form.get("body") or "")[: ds.BODY_MAX], rank)
    return render_template("discussions/_preview.html", preview=body, live=True)


@bp.get("/mentions")
@require(can_take_part)
def mentions():
    """Members matching the typed name who may read the discussion, for the @mention helper
    next to the text box and the suggestions in it (static/js/app.js)."""
    query = request.args.get("q", "")
    rank = _mention_scope() or 1
    return render_template(
        "discussions/_mentions.html",
        people=people.mention_suggestions(query, min_rank=rank),
        query=query,
    )


@bp.get("/t/<int:thread_id>/follow")
@require(is_member, obj=get_thread)
def follow_state(thread: Thread):
    """The follow button as it stands (refreshed after a reply posted in place)."""
    return render_template(
        "discussions/_follow.html", thread=thread,
        subscription=ds.subscription(thread, current_user),
    )  # fmt: skip


@bp.post("/t/<int:thread_id>/follow")
@require(is_member, obj=get_thread)
def follow(thread: Thread):
    following = request.form.get("following") == "1"
    ds.set_following(thread, current_person(), following)
    db.session.commit()
    if wants_fragment():
        return render_template(
            "discussions/_follow.html", thread=thread,
            subscription=ds.subscription(thread, current_user),
        )  # fmt: skip
    flash(
        _("You follow this discussion.") if following else _("You no longer follow it."),
        "success",
    )
    return redirect(url_for("discussions.thread", thread_id=thread.id), 303)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@require(can_edit_post, obj=get_post)
def edit_post(post: Post):
    form = PostForm()
    if not form.is_submitted():
        form.body.data = post.body
    error = preview_body = None
    status = 200
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            preview_body = people.resolve(form.body.data or "", reader_rank(post.thread))
        else:
            try:
                changed = ds.edit_post(post, form.body.data, current_person())
            except ds.DiscussionError as problem:
                error, status = str(problem), 422
            else:
                db.session.commit()
                flash(_("The post is saved.") if changed else _("Nothing was changed."), "success")
                return redirect(reading.post_url(post), 303)
    elif form.errors:
        status = 400
    return render(
        "discussions/edit_post.html", post=post, form=form, error=error,
        preview=preview_body, status=status,
    )  # fmt: skip


@bp.post("/posts/<int:post_id>/delete")
@require(can_delete_post, obj=get_post)
def delete_post(post: Post):
    if post.author_id != current_user.id:
        ms.moderate_post(post, "delete", current_person(), request.form.get("reason", ""))
    else:
        ds.delete_post(post, current_person())
    db.session.commit()
    flash(_("The post is deleted."), "success")
    return redirect(reading.post_url(post), 303)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@require(can_report_post, obj=get_post)
def report(post: Post):
    form = ReportForm()
    error = None
    if form.validate_on_submit():
        try:
            ms.report_post(post, current_person(), form.reason.data, form.note.data or "")
        except ds.DiscussionError as problem:
            error = str(problem)
        else:
            db.session.commit()
            flash(_("Thank you. The moderators will look at the post."), "success")
            return redirect(reading.post_url(post), 303)
    status = 422 if (form.errors or error) else 200
    return render(
        "discussions/report.html", post=post, form=form, error=error,
        status=status,
    )  # fmt: skip
