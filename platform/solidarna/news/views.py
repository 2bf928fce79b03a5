"""The pages of a space's news: the list (by kind and tag, paged), a post (with Open Graph
tags), its image, the space's Atom feed; the admins' pages to write, edit, publish,
unpublish and delete; and the national feed, which belongs to no space."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from solidarna.core import markdown, storage
from solidarna.core.errors import error_page
from solidarna.core.fragments import Lazy
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render, wants_fragment
from solidarna.extensions import db
from solidarna.news import feeds, kit, notices, services
from solidarna.news.forms import ActionForm, PostForm
from solidarna.news.models import KIND_PLURALS, KINDS, NewsPost
from solidarna.news.permissions import (
    can_edit_news_post,
    can_follow_news,
    can_view_news_post,
    can_write_news,
)
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("news", __name__, url_prefix="/news")
admin_bp = TenantBlueprint("news_admin", __name__, url_prefix="/news")
national_bp = Blueprint("news_feed", __name__)


@bp.get("/")
def index():
    filters = services.NewsFilters.from_args(request.args)
    user = current_person()
    return render(
        # a member's page: one shell per viewer level (what it lists and offers follows from
        # the level and the query), the follow form filled per request (core/fragments.py
        # shell_page); the posts and tags are read only when drawn
        "news/index.html", block="results", shell=(), shell_fills="news/_index_fills.html",
        filters=filters, page=Lazy(services.search, filters, user),
        tags=Lazy(services.tags_in_use), kinds=KINDS, kind_plurals=KIND_PLURALS,
        today=services.today(),
        drafts=filters.show == "drafts" and can_write_news(user),
        is_following=notices.is_following(user) if can_follow_news(user, g.tenant) else False,
    )  # fmt: skip


@bp.post("/follow")
@require(can_follow_news)
def follow():
    """Hear of new posts (follow=1) or not any more (follow=0), by one's notification
    settings; htmx gets the form back in place, without JS the list again."""
    wanted = request.form.get("follow", "")
    if not ActionForm().validate_on_submit() or wanted not in ("0", "1"):
        return error_page(400, detail=_("Choose whether to follow the news."))
    now = notices.set_following(current_person(), wanted == "1")
    if wants_fragment():
        return render_template("news/_follow.html", is_following=now)
    flash(
        _("You will hear of the space's new posts, by your notification settings.")
        if now else _("You will no longer hear of the space's new posts."),
        "success",
    )  # fmt: skip
    return redirect(url_for("news.index"), 303)


@bp.get("/<int:news_post_id>")
@require(can_view_news_post, obj=services.load_post)
def detail(post: NewsPost):
    # a member's page: one shell per viewer level (the office's controls follow from it), the
    # body's Markdown drawn only with the page (core/fragments.py shell_page)
    return render(
        "news/detail.html", shell=(), post=post, body=partial(markdown.render, post.body),
        kinds=KINDS, today=services.today(),
    )  # fmt: skip


@bp.get("/<int:news_post_id>/image")
@require(can_view_news_post, obj=services.load_post)
def image(post: NewsPost):
    """The post's image, shown inline (re-encoded on upload, so only pixels): to whoever may
    read the post."""
    if post.image is None:
        abort(404)
    record = post.image
    response = send_file(storage.backend().open(record.key), mimetype=record.content_type,
                         etag=record.sha256, max_age=0, conditional=True)  # fmt: skip
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = storage.SANDBOX_CSP
    response.headers["Cache-Control"] = (
        "public, no-cache" if g.tenant.visibility == "public" and post.is_published
        else "private, no-cache"
    )  # fmt: skip
    return response


@bp.get("/feed.atom")
def feed():
    return feeds.space_feed(g.tenant)


@national_bp.get("/news/feed.atom")
def national():
    return feeds.national_feed()


# --- the admins' pages ----------------------------------------------------------------------------


def _form_page(form, post=None, status=200):
    return render("news/form.html", form=form, post=post, kinds=KINDS, status=status,
                  texts=kit.texts(g.tenant) if post is None else [])  # fmt: skip


def _detail(post_id: int):
    return redirect(url_for("news.detail", news_post_id=post_id), 303)


@admin_bp.route("/new", methods=["GET", "POST"])
@require(can_write_news)
def create():
    text = kit.find(g.tenant, request.args.get("from"))
    form = PostForm()
    if not form.is_submitted():
        form.fill(text=text)
    if form.validate_on_submit():
        post = services.create(form.data_dict(), form.image.checked, current_person(),
                               kit_key=text["key"] if text else None)  # fmt: skip
        db.session.commit()
        flash(_("The post is saved as a draft. Publish it when it is ready."), "success")
        return _detail(post.id)
    return _form_page(form, status=form.status() if form.errors else 200)


@admin_bp.route("/<int:news_post_id>/edit", methods=["GET", "POST"])
@require(can_edit_news_post, obj=services.load_own_post)
def edit(post: NewsPost):
    form = PostForm(obj=post)
    if not form.is_submitted():
        form.fill(post)
    if form.validate_on_submit():
        changed = services.update(post, form.data_dict(), form.image.checked,
                                  form.remove_image.data, current_person())  # fmt: skip
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return _detail(post.id)
    return _form_page(form, post, status=form.status() if form.errors else 200)


def _act(post: NewsPost, action, done: str, undone: str):
    if not ActionForm().validate_on_submit():
        return error_page(400)
    changed = action(post, current_person())
    db.session.commit()
    flash(done if changed else undone, "success")
    return _detail(post.id)


@admin_bp.post("/<int:news_post_id>/publish")
@require(can_edit_news_post, obj=services.load_own_post)
def publish(post: NewsPost):
    return _act(post, services.publish, _("The post is published."),
                _("The post was already published."))  # fmt: skip


@admin_bp.post("/<int:news_post_id>/unpublish")
@require(can_edit_news_post, obj=services.load_own_post)
def unpublish(post: NewsPost):
    return _act(post, services.unpublish, _("The post is back among the drafts."),
                _("The post was already a draft."))  # fmt: skip


@admin_bp.post("/<int:news_post_id>/delete")
@require(can_edit_news_post, obj=services.load_own_post)
def delete(post: NewsPost):
    if not ActionForm().validate_on_submit():
        return error_page(400)
    services.delete(post, current_person())
    db.session.commit()
    flash(_("The news post is deleted."), "success")
    return redirect(url_for("news.index"), 303)
