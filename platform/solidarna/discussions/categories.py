"""Tenant admins manage the discussion categories: name, description, who can read them,
order; a space without categories can set up the suggested ones in one step."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core.i18n import localized
from solidarna.core.permissions import can_manage_members, current_person, require
from solidarna.core.rendering import render
from solidarna.discussions import moderation_services as ms
from solidarna.discussions.forms import CategoryForm
from solidarna.discussions.models import Category
from solidarna.discussions.services import DiscussionError
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("discussion_categories", __name__, url_prefix="/discussions/categories")


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    return category


@bp.get("/")
@require(can_manage_members)
def index():
    categories = list(db.session.scalars(db.select(Category).order_by(Category.position)))
    return render(
        "discussions/categories.html",
        categories=categories,
        suggested=ms.suggested_categories(g.tenant) if not categories else [],
    )


def _form_page(form, category=None, status=200):
    return render(
        "discussions/category_form.html", form=form, category=category,
        status=status,
    )  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@require(can_manage_members)
def create():
    form = CategoryForm()
    if form.validate_on_submit():
        category = ms.save_category(None, form.data, current_person())
        db.session.commit()
        flash(_("The category %(name)s is created.", name=localized(category, "name")), "success")
        return redirect(url_for("discussion_categories.index"), 303)
    return _form_page(form, status=422 if form.errors else 200)


@bp.route("/<int:category_id>/edit", methods=["GET", "POST"])
@require(can_manage_members)
def edit(category_id: int):
    category = get_category(category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        ms.save_category(category, form.data, current_person())
        db.session.commit()
        flash(_("The category is saved."), "success")
        return redirect(url_for("discussion_categories.index"), 303)
    return _form_page(form, category, status=422 if form.errors else 200)


@bp.post("/<int:category_id>/delete")
@require(can_manage_members)
def delete(category_id: int):
    category = get_category(category_id)
    try:
        ms.delete_category(category, current_person())
    except DiscussionError as error:
        flash(str(error), "error")
        return redirect(url_for("discussion_categories.index"), 303)
    db.session.commit()
    flash(_("The category is deleted."), "success")
    return redirect(url_for("discussion_categories.index"), 303)


@bp.post("/<int:category_id>/move")
@require(can_manage_members)
def move(category_id: int):
    category = get_category(category_id)
    ms.move_category(category, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("discussion_categories.index"), 303)


@bp.post("/set-up")
@require(can_manage_members)
def set_up():
    made = ms.set_up_categories(g.tenant, current_person())
    db.session.commit()
    if made:
        flash(_("The suggested categories are created; rename or change them here."), "success")
    return redirect(url_for("discussion_categories.index"), 303)
