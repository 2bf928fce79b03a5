"""The space's part in the national overview: /<slug>/admin/national, for its owners."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.tenants import national
from solidarna.tenants.permissions import can_publish_nationally
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("tenant_national", __name__, url_prefix="/admin/national")


class NationalForm(FlaskForm):
    taking_part = BooleanField(_l("Take part in the national overview"))


@bp.route("/", methods=["GET", "POST"])
@require(can_publish_nationally)
def settings():
    tenant = g.tenant
    form = NationalForm(data={"taking_part": tenant.in_national_overview})
    if form.validate_on_submit():
        if national.set_taking_part(tenant, bool(form.taking_part.data)):
            db.session.commit()
        flash(
            _("The space now takes part in the national overview.")
            if tenant.in_national_overview
            else _("The space no longer takes part in the national overview."),
            "success",
        )
        return redirect(url_for("tenant_national.settings"), 303)
    return render("tenants/admin/national.html", form=form, status=400 if form.errors else 200)
