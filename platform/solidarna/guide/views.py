"""/<slug>/start/: the space's guide for people thinking of starting a social enterprise, and
its admins' editing page."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core import audit, markdown
from solidarna.core.i18n import current_locale
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.guide import kit
from solidarna.guide.permissions import can_edit_guide
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("guide", __name__, url_prefix="/start")
#: the office's support pages, when the space has them (a capability built apart)
SUPPORT_ENDPOINT = "support.index"


class GuideForm(FlaskForm):
    body = TextAreaField(
        _l("The guide (Serbian, Latin script)"),
        validators=[InputRequired(REQUIRED), Length(max=kit.MAX, message=_l("Use at most %(max)d characters."))],
        description=_l("Markdown: ## for a heading, - for a list item, **bold**. Readers of the Cyrillic interface get it in Cyrillic."),
    )  # fmt: skip
    body_en = TextAreaField(
        _l("The guide in English (optional)"),
        validators=[Optional(), Length(max=kit.MAX, message=_l("Use at most %(max)d characters."))],
    )  # fmt: skip


def support_url() -> str | None:
    """The office's support pages, if the platform has them and the space offers them."""
    if SUPPORT_ENDPOINT not in current_app.view_functions:
        return None
    if "support" not in (g.tenant.modules or []):
        return None
    return url_for(SUPPORT_ENDPOINT)


@bp.get("/")
def show():
    guide = kit.guide_of(g.tenant)
    text = (
        guide.get("body_en")
        if current_locale() == "en" and guide.get("body_en")
        else guide.get("body", "")
    )
    return render("guide/show.html", body=markdown.render(text) if text else "", support_url=support_url())  # fmt: skip


@bp.route("/edit", methods=["GET", "POST"])
@require(can_edit_guide)
def edit():
    tenant = g.tenant
    form = GuideForm(data=kit.guide_of(tenant))
    if form.validate_on_submit():
        new = {"body": form.body.data.strip()}
        if (form.body_en.data or "").strip():
            new["body_en"] = form.body_en.data.strip()
        if new != kit.guide_of(tenant):
            tenant.starter = {**(tenant.starter or {}), kit.KIT_KEY: new}
            audit.record("guide.changed", target=tenant)
            db.session.commit()
        flash(_("The guide is saved."), "success")
        return redirect(url_for("guide.show"), 303)
    return render("guide/edit.html", form=form, status=422 if form.errors else 200)
