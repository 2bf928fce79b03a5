"""What a page says about itself when a link to it is shared (Open Graph, https://ogp.me/):
one mechanism in templates/base.html for every page, with these defaults; a page overrides a
part through its blocks (`og_title`, `og_description`, `og_type`, `og_image`, `og_image_alt`,
`og_site_name`, `og_extra`), news posts and advocacy platforms do.

- og:url is absolute, from PUBLIC_BASE_URL (the address people know, not the one a proxy
  forwarded), with the page's path and query.
- og:image is `share_image(tenant)`: the platform's default image shipped in static/img; the
  one place that will return a space's own logo once spaces have one.
- og:locale names the language and script the page is drawn in.
"""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _

from solidarna.core.i18n import current_locale, localized

DEFAULT_IMAGE = "img/share-default.png"
#: the default image's size (Open Graph readers lay the preview out before fetching it)
DEFAULT_IMAGE_SIZE = (1200, 630)
#: og:locale is language_TERRITORY; the script is part of the language here (BCP 47)
OG_LOCALES = {"sr_Latn": "sr_Latn_RS", "sr_Cyrl": "sr_Cyrl_RS", "en": "en_GB"}


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def share_url() -> str:
    """The page's own address, absolute."""
    path = request.full_path if request.query_string else request.path
    return absolute(path)


def share_image(tenant=None) -> str:
    """The image shown beside a shared link of a page: its space's logo when it has one (the
    settings page, tenants/settings.py), else the platform's default image."""
    if tenant is not None and getattr(tenant, "logo_id", None) is not None:
        from solidarna.tenants.settings import tenant_logo_url

        return absolute(tenant_logo_url(tenant))
    return absolute(url_for("static", filename=DEFAULT_IMAGE))


def share_description(tenant=None) -> str:
    """A page's description when it gives none: its space's when the space is public (a
    members-only space shows outsiders its name alone), else the platform's."""
    public = tenant is not None and getattr(tenant, "visibility", None) == "public"
    text = localized(tenant, "description").strip() if public else ""
    if text:
        return " ".join(text.split())[:300]
    return _(
        "Solidarna: the social and solidarity economy in Serbia, mapped and connected: "
        "municipal offices, coalitions and the organizations of their ecosystem."
    )


def init_app(app: Flask) -> None:
    # the functions are globals; only the locale's name is the request's
    app.jinja_env.globals.update(
        share_url=share_url,
        share_url_of=absolute,
        share_image=share_image,
        share_image_size=DEFAULT_IMAGE_SIZE,
        share_description=share_description,
    )

    @app.context_processor
    def sharing_context() -> dict:
        return {"og_locale": OG_LOCALES.get(current_locale(), "sr_Latn_RS")}
