"""Locale choice (DESIGN §6) and the script filter for user content.

Order: the switcher's cookie (this browser's choice), then the logged-in user's setting, then
Accept-Language,
then the tenant's default, then Serbian Latin. Browsers send several tags for Serbian and
its neighbours; they are mapped deliberately (see ACCEPT_LANGUAGE_MAP).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2.ext
import jinja2.runtime
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import (
    LazyString,
    format_decimal,
    get_locale,
    get_timezone,
    get_translations,
    to_user_timezone,
)
from flask_login import current_user
from markupsafe import Markup
from wtforms.widgets import Select

from solidarna.core.script import in_script

LOCALE_COOKIE = "lang"
LOCALES = ("sr_Latn", "sr_Cyrl", "en")
# The name of each locale in its own script, for the switcher.
LOCALE_NAMES = {"sr_Latn": "Latinica", "sr_Cyrl": "Ћирилица", "en": "English"}
HTML_LANG = {"sr_Latn": "sr-Latn", "sr_Cyrl": "sr-Cyrl", "en": "en"}

# Babel's bare "sr" means Cyrillic, but most Serbian web users read Latin, and the platform's
# default is Latin: bare sr/sr-RS/sr-ME go to Latin unless the browser names Cyrillic.
ACCEPT_LANGUAGE_MAP = {
    "sr-latn": "sr_Latn", "sr-latn-rs": "sr_Latn", "sr-latn-me": "sr_Latn",
    "sr-latn-ba": "sr_Latn", "sr": "sr_Latn", "sr-rs": "sr_Latn", "sr-me": "sr_Latn",
    "sr-cs": "sr_Latn", "sh": "sr_Latn", "hr": "sr_Latn", "hr-hr": "sr_Latn",
    "bs": "sr_Latn", "bs-latn": "sr_Latn", "bs-ba": "sr_Latn", "cnr": "sr_Latn",
    "sr-cyrl": "sr_Cyrl", "sr-cyrl-rs": "sr_Cyrl", "sr-cyrl-ba": "sr_Cyrl",
    "sr-cyrl-me": "sr_Cyrl", "bs-cyrl": "sr_Cyrl", "mk": "sr_Cyrl",
    "en": "en",
}  # fmt: skip


def normalise_locale(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().replace("-", "_")
    for locale in LOCALES:
        if value.lower() == locale.lower():
            return locale
    return None


def from_accept_language(header_value) -> str | None:
    """Pick a locale from request.accept_languages, honouring quality order."""
    for tag, _quality in header_value:
        tag = tag.lower().replace("_", "-")
        if tag in ACCEPT_LANGUAGE_MAP:
            return ACCEPT_LANGUAGE_MAP[tag]
        base = tag.split("-")[0]
        if base == "en":
            return "en"
        if base in ACCEPT_LANGUAGE_MAP and base != "sr":
            return ACCEPT_LANGUAGE_MAP[base]
        if base == "sr":
            return "sr_Cyrl" if "cyrl" in tag else "sr_Latn"
    return None


def select_locale() -> str:
    if not has_request_context():  # commands: the tenant's language, else the default
        return (
            normalise_locale(g.get("tenant_default_locale"))
            or current_app.config["BABEL_DEFAULT_LOCALE"]
        )
    user_locale = getattr(current_user, "locale", None) if current_user else None
    return choose_locale(
        request.cookies.get(LOCALE_COOKIE),
        user_locale,
        request.accept_languages,
        g.get("tenant_default_locale"),
        current_app.config["BABEL_DEFAULT_LOCALE"],
    )


def choose_locale(cookie, user_locale, accept_languages, tenant_locale, default: str) -> str:
    """What the person chose in this browser wins (a choice made before logging in is not
    undone by the login); then the account's language, then the browser's, then the space's.
    Also used by the page cache's front door (core/pagecache.py), before Flask's request."""
    chosen = (
        normalise_locale(cookie)
        or normalise_locale(user_locale)
        or from_accept_language(accept_languages)
        or normalise_locale(tenant_locale)
    )
    return chosen or default


def current_locale() -> str:
    ctx = _babel_context()
    locale = getattr(ctx, "babel_locale", None) if ctx is not None else None
    kept = getattr(ctx, "solidarna_locale", None) if ctx is not None else None
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]  # asked for every value a page shows: str(Locale) is not free
    locale = get_locale()
    name = str(locale) if locale else current_app.config["BABEL_DEFAULT_LOCALE"]
    if ctx is not None and locale is not None:
        ctx.solidarna_locale = (locale, name)
    return name


def _babel_context():
    """Flask-Babel's per-request namespace (where it keeps the locale it chose; force_locale
    puts another Locale object there and back), or None outside an app context."""
    try:
        return g._flask_babel
    except (AttributeError, RuntimeError):
        return None


def translations():
    """This request's translations, kept beside the Locale object they were found for: the
    templates' `_()` asks for them dozens of times per page, and Flask-Babel's own lookup (the
    domain, the app, the locale's name, the cache) costs ~16 µs each time. A `force_locale`
    block has another Locale object, so it gets (and keeps) its own."""
    ctx = _babel_context()
    if ctx is None:
        return get_translations()
    locale = getattr(ctx, "babel_locale", None)
    kept = getattr(ctx, "solidarna_translations", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    ctx.solidarna_translations = (getattr(ctx, "babel_locale", None), found)
    return found


def _kept_gettext(string: str, **variables) -> str:
    text = translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables) -> LazyString:
    """`_l("...")`: Flask-Babel's lazy string, looked up when it is shown through the
    request's kept translations (translations()): a page shows dozens of them (navigation
    entries, capability labels, form labels), each a Flask-Babel lookup otherwise. Flask-Babel's
    own `lazy_gettext` does the same as `Domain.gettext`: the message, then `% variables`."""
    return LazyString(_kept_gettext, string, **variables)


# How dates are written in each locale: the English interface is read in Serbia and Europe, so
# it writes day-month-year (British conventions), not the month-first US ones of Babel's "en".
FORMATTING_LOCALES = {"en": Locale.parse("en_GB")}


def format_number(value) -> str:
    """{{ count|number }}: a number in the reader's locale ("1.234" in Serbian, "1,234" in
    English). Facet counts and totals repeat across pages and requests: each (locale, value)
    is formatted by Babel once per process."""
    value = value or 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _formatted(current_locale(), value)
    return format_decimal(value)


@functools.lru_cache(maxsize=8192)
def _formatted(locale: str, value) -> str:
    return babel_numbers.format_decimal(value, locale=Locale.parse(locale))


def formatting_locale() -> Locale:
    locale = get_locale()
    return FORMATTING_LOCALES.get(str(locale), locale)


def format_day(value, fmt: str = "medium") -> str:
    """{{ value|date }}: a date (or a moment's date in Europe/Belgrade) in the reader's locale."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return babel_dates.format_date(value, fmt, locale=formatting_locale())


def format_moment(value, fmt: str = "medium") -> str:
    """{{ value|datetime }}: a moment (stored in UTC) shown in Europe/Belgrade."""
    if not value:
        return ""
    return babel_dates.format_datetime(
        value, fmt, tzinfo=get_timezone(), locale=formatting_locale()
    )


def script_filter(text: str | None) -> str | Markup:
    """{{ org.name|script }}: show user content in the reader's script."""
    if isinstance(text, Markup):
        return Markup(in_script(str(text), current_locale()))
    return in_script(text, current_locale())


#: an option of a rendered chooser: its tag (attributes) and its label
_OPTION = re.compile(r"(<option\b[^>]*>)([^<]+)(?=</option>)")
#: an option a form already wrote as it must read (a code before its label: "q1: Label")
_KEEP = 'translate="no"'


def script_options(rendered) -> Markup:
    """{{ f()|script_options }}: a rendered <select>'s option labels in the reader's script
    (macros/forms.html, for every chooser of every form). The tags (the options' values, the
    optgroups' labels) stay as WTForms wrote them; only the labels pass through the script
    conversion, except an option marked `translate="no"` (`SelectChoice(..., render_kw=
    {"translate": "no"})`: a code people type in Latin, its label converted by the form).
    Translated labels are already in the reader's script, and converting a Cyrillic text to
    Cyrillic again changes nothing, so a label a form converted itself is not changed twice."""
    locale = current_locale()
    html = str(rendered)
    if locale not in ("sr_Cyrl", "sr_Latn"):
        return Markup(html)

    def convert(match) -> str:
        tag, label = match.group(1), match.group(2)
        return tag + (label if _KEEP in tag else in_script(label, locale))

    return Markup(_OPTION.sub(convert, html))


def is_chooser(field) -> bool:
    """{% if f is chooser %}: a form field drawn as a <select>."""
    return isinstance(getattr(field, "widget", None), Select)


#: the suffix of the optional English version of a piece of space content (name_en, ...)
ENGLISH_SUFFIX = "_en"


def localized(obj, field: str, locale: str | None = None) -> str:
    """{{ tenant|localized("name") }}: space content (a space's name, short name or
    description, a discussion category's name or description) as the reader sees it.

    In the English interface the English version (`<field>_en`) when one is written; otherwise
    the Serbian text in the reader's script (Cyrillic in the Cyrillic interface). `obj` is a
    model or a dict (a kit's suggested categories). Search and sorting use the Serbian field."""
    if obj is None:
        return ""
    if isinstance(obj, Mapping):
        value = obj.get
    else:

        def value(name, default=None):
            return getattr(obj, name, default)

    locale = locale or current_locale()
    if locale == "en":
        english = value(field + ENGLISH_SUFFIX, None)
        if english is not None and str(english).strip():
            return str(english)
    return in_script(str(value(field, None) or ""), locale)


class TemplateContext(jinja2.runtime.Context):
    """Jinja's context, without a copy of itself per `_()` inside a block or loop that sets a
    variable: a `pass_context` callable gets a derived context (all the page's variables and
    blocks copied) so that it can see such variables; the gettext callables read none (only
    the autoescape setting and the `gettext` global), and a page calls them dozens of times
    (about 4% of a logged-in member's request under gunicorn went to those copies; issue 11).
    Every other callable is called as Jinja calls it."""

    def call(__self, __obj, *args, **kwargs):
        if ("_block_vars" in kwargs or "_loop_vars" in kwargs) and any(
            __obj is plain for plain in __self.environment.plain_context_callables
        ):
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        return super().call(__obj, *args, **kwargs)


def init_app(app: Flask) -> None:
    from solidarna.extensions import babel

    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).resolve().parents[1] / "translations")
    )
    babel.init_app(app, locale_selector=select_locale)
    # the templates' gettext through the request's kept translations (see translations())
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    env = app.jinja_env
    env.context_class = TemplateContext
    env.plain_context_callables = (jinja2.ext._gettext_alias,) + tuple(
        env.globals[name] for name in ("gettext", "ngettext", "pgettext", "npgettext")
    )
    app.jinja_env.filters["script"] = script_filter
    app.jinja_env.filters["script_options"] = script_options
    app.jinja_env.tests["chooser"] = is_chooser
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = format_moment

    app.jinja_env.globals.update(locale_names=LOCALE_NAMES, html_langs=HTML_LANG)

    @app.context_processor
    def language_context() -> dict:
        locale = current_locale()
        return {"current_locale": locale, "html_lang": HTML_LANG.get(locale, "sr-Latn")}


# --- moments typed in Belgrade, stored in UTC (meetings, survey dates) ------------------------


def local_zone() -> ZoneInfo:
    """Where the platform's people are (Europe/Belgrade unless configured otherwise)."""
    name = "Europe/Belgrade"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", name)
    return ZoneInfo(name)


def local_to_utc(day: date, at: time) -> datetime:
    """A day and time typed in Belgrade as a moment in UTC (a time that does not exist on the
    day the clocks go forward is taken as the same time after the change, like a wall clock)."""
    local = datetime.combine(day, at, tzinfo=local_zone())
    return local.astimezone(ZoneInfo("UTC"))


def local_parts(moment: datetime | None) -> tuple[date | None, time | None]:
    """A stored moment as the day and time (to the minute) a form in Belgrade shows."""
    if moment is None:
        return None, None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(local_zone())
    return local.date(), local.time().replace(second=0, microsecond=0)
