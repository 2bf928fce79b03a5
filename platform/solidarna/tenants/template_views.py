"""The space's survey and proposal templates on /<slug>/admin/settings/templates, for its
owners (and platform admins, `can_change_settings`): the list, editing one, adding one,
retiring one and offering it again (tenants/templates.py)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.tenants import templates
from solidarna.tenants.routing import TenantBlueprint
from solidarna.tenants.template_forms import template_form

bp = TenantBlueprint("tenant_templates", __name__, url_prefix="/admin/settings/templates")


def _key(kit_key: str):
    key = templates.kit_key(g.tenant, kit_key)
    if key is None:
        abort(404)
    return key


def _template(key, template_key: str) -> dict:
    template = templates.find(g.tenant, key, template_key)
    if template is None:
        abort(404)
    return template


@bp.get("/")
@require("can_change_settings")
def index():
    lists = [
        (key, templates.templates_of(g.tenant, key)) for key in templates.template_keys(g.tenant)
    ]
    return render("tenants/admin/templates.html", lists=lists, is_retired=templates.is_retired)


def _edit(key, template: dict | None):
    form = template_form(key.outline, template)
    status = 200
    problems: list[str] = []
    if form.is_submitted() and template is not None and form.is_stale():
        flash(_("The template was changed since you opened it. Here it is as it is now: "
                "make your changes again."), "error")  # fmt: skip
        form = template_form(key.outline, template, formdata=None)
        status = 409
    elif form.is_submitted():
        if form.validate():
            replaces = template["key"] if template is not None else None
            taken = {t["key"] for t in templates.templates_of(g.tenant, key)}
            new_key = replaces or templates.new_key(form.t__title.data, taken)
            changed = form.template(new_key)
            problems = templates.problems(g.tenant, key, changed, replaces)
            if not problems:
                saved = templates.save(g.tenant, key, changed, replaces, current_person())
                db.session.commit()
                if template is None:
                    flash(_("The template is added."), "success")
                else:
                    flash(_("The template is saved.") if saved else _("Nothing was changed."),
                          "success")  # fmt: skip
                return redirect(
                    url_for("tenant_templates.edit", kit_key=key.key, template_key=new_key), 303
                )
        status = 422
    return render(
        "tenants/admin/template_edit.html", key=key, item=template, form=form,
        problems=problems, status=status, is_retired=templates.is_retired,
    )  # fmt: skip


@bp.route("/<kit_key>/new", methods=["GET", "POST"])
@require("can_change_settings")
def new(kit_key: str):
    return _edit(_key(kit_key), None)


@bp.route("/<kit_key>/<template_key>/edit", methods=["GET", "POST"])
@require("can_change_settings")
def edit(kit_key: str, template_key: str):
    key = _key(kit_key)
    return _edit(key, _template(key, template_key))


@bp.post("/<kit_key>/<template_key>/retire")
@require("can_change_settings")
def retire(kit_key: str, template_key: str):
    """Retire a template (no longer offered for new surveys or proposals), or, with
    restore=1, offer it again."""
    key = _key(kit_key)
    template = _template(key, template_key)
    restore = request.form.get("restore") == "1"
    templates.set_retired(g.tenant, key, template, not restore, current_person())
    db.session.commit()
    flash(
        _("The template is offered again.") if restore
        else _("The template is retired: it is no longer offered; what was made from it stays."),
        "success",
    )  # fmt: skip
    return redirect(url_for("tenant_templates.index"), 303)
