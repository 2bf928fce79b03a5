"""The fragment cache: the shared, expensive part of a logged-in person's page, drawn once per
change and viewer level (DESIGN §9; docs/architecture.md "Fragment cache").

Members and administrators never get a whole page from the page cache (core/pagecache.py):
their header (the bell's count), follow buttons and own posts' controls are theirs. The part
of the page that is the same for everyone who may see the same things (the list of posts, the
entries and their facets, the categories, the activity feed) is kept instead:

    {% call cached_fragment("thread-posts", thread.id, page, fill={"post": post_slot}) %}
      ... {{ fragment_slot("post", post.id, post.author_id) }} ...
    {% endcall %}

The key is `frag:<release>:<space id>.<creation time>.<marker>:<name>:<locale>:<level>:<digest
of the arguments and the script root>`. The **viewer level** is what the tenant-level
permission predicates (core/permissions.py `PREDICATES`) answer for the viewer in this space,
as a bit string: a visitor, a member, a moderator, an admin, a platform admin are different
levels whenever some predicate tells them apart, and a predicate added later makes its own
difference without a list here. Anything else a fragment shows that depends on the person
(which entries they represent, ...) must be one of its arguments; what is theirs alone (the
controls of their own post) is a **slot**: `fragment_slot(name, *args)` leaves a marker in
the kept HTML, and each request fills it by calling `fill[name](*args)` (a small macro).

Inside a fragment `csrf_token()` gives a placeholder that each request replaces with its own
token; a rendering that contains the real token anyway (a form's `hidden_tag()`) is not kept
(and raises in tests). PAGE_CACHE=0 or FRAGMENT_CACHE=0 turns the cache off: the same code
then renders the body every time (slots and placeholders included), so what is shown is the
same either way.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context, render_template, request, session
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from solidarna.core import pagecache
from solidarna.core.permissions import PREDICATES, current_person

log = logging.getLogger(__name__)

KEY_PREFIX = "frag"
STATUS_HEADER = "X-Fragment-Cache"
#: stands for the request's CSRF token in a kept fragment (the same text the page cache uses;
#: NUL never appears in content: requests carrying one are refused, core/security.py)
PLACEHOLDER = pagecache.PLACEHOLDER.decode()
_SLOT = re.compile("\x00slot:([\\w-]+)((?::[^\x00:]*)*)\x00")


class FragmentLeak(AssertionError):
    """A fragment's rendering carried something of the person who drew it."""


def enabled(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("PAGE_CACHE") and config.get("FRAGMENT_CACHE", True))


def viewer_level() -> str:
    """What the tenant-level predicates say of the viewer here, one bit each (sorted by the
    predicate's name): two people with the same bits are shown the same by every fragment."""
    level = g.get("fragment_level")
    if level is None:
        person, tenant = current_person(), g.get("tenant")
        bits = []
        for name in sorted(PREDICATES):
            try:
                bits.append("1" if PREDICATES[name](person, tenant) else "0")
            except Exception:  # a predicate that cannot be asked this way tells nobody apart
                bits.append("-")
        level = ("p" if person is not None else "v") + "".join(bits)
        g.fragment_level = level
    return level


def _writes_pending() -> bool:
    """The session holds writes not yet committed: they raise the space's marker only at
    commit, so nothing is read from or kept under the marker until then."""
    from solidarna.extensions import db

    session = db.session()
    return bool(
        session.info.get(pagecache.MARKS) or session.new or session.deleted or session.dirty
    )


def fragment_key(name: str, parts: tuple) -> str | None:
    # a space's page: the space's marker; a platform page may name its own (`g.fragment_scope`,
    # e.g. the national overview's marker over the taking-part spaces)
    state = pagecache.tenant_marker() or g.get("fragment_scope")
    if state is None or _writes_pending():
        return None
    from solidarna.core.i18n import current_locale

    where = repr((request.script_root, parts))
    digest = hashlib.blake2b(where.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    scope = ".".join(str(part) for part in state[1:])
    release = current_app.config["PAGE_CACHE_RELEASE"]
    return f"{KEY_PREFIX}:{release}:{scope}:{name}:{current_locale()}:{viewer_level()}:{digest}"


def _rendering() -> bool:
    return bool(g.get("fragment_depth"))


def _recording() -> dict | None:
    """The fillers of the page shell being drawn (`shell_page`), or None."""
    return g.get("shell_fills")


def csrf_token() -> str:
    """The template global `csrf_token()`: inside a fragment or a page shell the placeholder."""
    return PLACEHOLDER if _rendering() or _recording() is not None else request_token()


def request_token() -> str:
    """The request's CSRF token: once signed, Flask-WTF keeps it in `g` under the field's
    name (`generate_csrf` reads its configuration again on each call: 20 posts' controls
    ask for it)."""
    return g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")) or generate_csrf()


def fragment_slot(name: str, *args) -> Markup:
    """A per-request hole in a fragment, filled by the `fill` the fragment is called with."""
    text = ":".join(str(arg) for arg in args)
    if "\x00" in text or (args and any(":" in str(arg) for arg in args)):
        raise ValueError("slot arguments are plain values without ':'")
    return Markup(f"\x00slot:{name}{':' + text if args else ''}\x00")


def header_by_level() -> bool:
    """Whether the page's header (base.html) follows from the viewer level, the endpoint and
    the space alone (the bell, the name and the return address are slots): in a space whose
    navigation is by level (core/capabilities.py navigation_by_level); on a platform page
    that names its own scope (`g.fragment_scope`, the national overview), whose header is
    the platform's, with the platform administrators' link (a predicate, so a bit of the
    level). Other platform pages are drawn every time: nothing keeps them."""
    from solidarna.core.capabilities import navigation_by_level

    if g.get("tenant") is None:
        return g.get("fragment_scope") is not None
    return navigation_by_level()


def _draw(caller: Callable) -> str:
    g.fragment_depth = g.get("fragment_depth", 0) + 1
    try:
        return str(caller())
    finally:
        g.fragment_depth -= 1


def _personal(html: str) -> bool:
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return bool(token and token in html)


def cached_fragment(name: str, *parts, caller: Callable, fill: dict | None = None) -> Markup:
    """`{% call cached_fragment(name, *parts, fill={...}) %}body{% endcall %}`: the body drawn
    once per key and kept; each request fills the slots and the CSRF placeholder."""
    if _rendering():
        raise RuntimeError(f"fragment {name!r} inside another fragment")
    key = fragment_key(name, parts) if enabled() else None
    html = _get(key) if key else None
    status = "hit"
    if html is None:
        status = "miss" if key else "off"
        html = _draw(caller)
        if _personal(html):
            if current_app.testing:
                raise FragmentLeak(f"fragment {name!r} carries the viewer's CSRF token")
            log.warning("Fragment %s carries the viewer's CSRF token; not kept", name)
        elif key:
            _set(key, html)
    g.setdefault("fragments", []).append((name, status))
    return Markup(_filled(html, fill))


def fragment(*, caller: Callable, fill: dict | None = None) -> Markup:
    """`{% call fragment(fill={...}) %}`: a body with slots drawn and filled at once, never
    kept (the same template drawn alone, like a reply just posted)."""
    if _rendering():
        return Markup(caller())
    return Markup(_filled(_draw(caller), fill))


def _filled(html: str, fill: dict | None) -> str:
    """A fragment's HTML with its slots filled; while a page shell is drawn they stay, and
    their fillers are noted for the whole page (`shell_page`)."""
    recorded = _recording()
    if recorded is None:
        return _fill(html, fill or {})
    for name, filler in (fill or {}).items():
        recorded.setdefault(name, filler)
    return html


def _fill(html: str, fill: dict) -> str:
    def slot(match: re.Match) -> str:
        name, args = match.group(1), match.group(2)
        filler = fill.get(name)
        if filler is None:
            raise KeyError(f"no filler for the fragment slot {name!r}")
        return str(filler(*args[1:].split(":")) if args else filler())

    if "\x00slot:" in html:
        html = _SLOT.sub(slot, html)
    if PLACEHOLDER in html:
        html = html.replace(PLACEHOLDER, request_token())
    return html


# --- the page shell -----------------------------------------------------------------------------

#: the name of a page shell in the X-Fragment-Cache header
SHELL = "page"
#: the header's fillers (base.html imports them too): the bell, the name, the page's address
HEADER_FILLS = "_header_fills.html"


def _shell_eligible() -> bool:
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and len(request.query_string) <= pagecache.MAX_QUERY  # no key flood
        and current_user.is_authenticated
        and _recording() is None
        and not _rendering()
        and "_flashes" not in session
        and header_by_level()
    )


def shell_fills(fills: str | None, context: dict) -> dict:
    """The fillers of a page's slots for this request: the header's and those `fills` (a
    template of macros that sets `fill`) exports, made with the view's context."""
    context = dict(context)
    current_app.update_template_context(context)
    env = current_app.jinja_env
    found = dict(env.get_template(HEADER_FILLS).make_module(context).fill)
    if fills:
        found.update(env.get_template(fills).make_module(context).fill)
    return found


def shell_page(template: str, parts: tuple, fills: str | None, context: dict) -> str | None:
    """A logged-in person's whole page from its shell: the page as drawn for their viewer
    level, kept with every slot (the bell, the name, the own posts' controls, ...) and every
    CSRF placeholder open, filled for each request by the header's fillers and those of
    `fills`. `parts` are what the page shows that the level does not say (the entries the
    person represents, ...). On a miss the page is drawn with its slots open and kept when
    nothing of the person is in it outside them (see `_keepable`); None when the page is not
    for a shell this time (the caller draws it as usual)."""
    if not _shell_eligible():
        return None
    # named as the page cache names a visitor's page: the path, the sorted query, htmx's
    # headers
    where = (pagecache.address(request), pagecache.htmx_bits(request.headers), *parts)
    key = fragment_key(f"{SHELL}.{template}", where)
    if key is None:
        return None
    html = _get(key)
    if html is not None:
        g.setdefault("fragments", []).append((SHELL, "hit"))
        return _fill(html, shell_fills(fills, context))
    g.shell_fills = recorded = {}
    try:
        html = render_template(template, **context)
    finally:
        g.shell_fills = None
    page = _fill(html, recorded)
    keep = _keepable(html, page, fills, context)
    if keep and not _writes_pending():  # nothing written while it was drawn
        _set(key, html)
    g.setdefault("fragments", []).append((SHELL, "miss" if keep else "drawn"))
    return page


def _keepable(html: str, page: str, fills: str | None, context: dict) -> bool:
    """A page shell (`html`, drawn as `page`) is kept only if it shows no flashed message,
    carries neither the person's CSRF token nor their e-mail address (wherever it is
    shown), and each of its slots has a filler in the header's or the page's fillers (under
    TESTING those must fill it exactly as the page's own did)."""
    if request_ctx.flashes:
        return False
    if _personal(html):
        if current_app.testing:
            raise FragmentLeak("a page shell carries the viewer's CSRF token")
        log.warning("A page shell carries the viewer's CSRF token; not kept")
        return False
    email = getattr(current_user, "email", None)
    if email and email in html:  # e.g. an entry's contact address: drawn, not kept
        return False
    names = {match.group(1) for match in _SLOT.finditer(html)}
    declared = shell_fills(fills, context)
    if not names <= declared.keys():
        return False
    if current_app.testing and _fill(html, declared) != page:
        raise FragmentLeak("a page shell's fillers fill it unlike the page's own")
    return True


def _get(key: str) -> str | None:
    from solidarna.extensions import cache

    try:
        value = cache.get(key)
    except Exception:  # a cache is never a reason to fail the page
        log.warning("Cache not reachable; drawing %s", key, exc_info=True)
        return None
    return value if isinstance(value, str) else None


def _set(key: str, html: str) -> None:
    from solidarna.extensions import cache

    try:
        cache.set(key, html, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    except Exception:
        log.warning("Cache not reachable; not keeping %s", key, exc_info=True)


def kept_value(name: str, *parts, compute: Callable):
    """`compute()`'s value, kept in the shared cache under a fragment's key (the space's change
    marker, the locale, the viewer level and `parts`): for what a page asks per request that
    only a write in the space changes (which entries an account represents, the home's
    figures). The value must be picklable and follow from the key alone; anything about one
    person goes in `parts` (their id). Computed each time when the cache is off, outside a
    request or a space, or while this request's writes wait for their commit
    (`fragment_key`)."""
    key = fragment_key(f"v.{name}", parts) if enabled() and has_request_context() else None
    if key is None:
        return compute()
    from solidarna.extensions import cache

    try:
        found = cache.get(key)
    except Exception:
        log.warning("Cache not reachable; computing %s", key, exc_info=True)
        found = None
    if found is not None:
        return found[0]
    value = compute()
    try:
        cache.set(key, (value,), timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    except Exception:
        log.warning("Cache not reachable; not keeping %s", key, exc_info=True)
    return value


class Lazy:
    """A view's value computed when a template first uses it, and not at all when the
    fragment that uses it comes from the cache: `posts=Lazy(reading.thread_posts, t, page)`."""

    __slots__ = ("_args", "_done", "_fn", "_value")

    def __init__(self, fn: Callable, *args):
        self._fn, self._args, self._done, self._value = fn, args, False, None

    def value(self):
        if not self._done:
            self._value, self._done = self._fn(*self._args), True
        return self._value

    def __getattr__(self, name):
        return getattr(self.value(), name)

    def __getitem__(self, item):
        return self.value()[item]

    def __iter__(self):
        return iter(self.value())

    def __len__(self):
        return len(self.value())

    def __bool__(self):
        return bool(self.value())

    def __contains__(self, item):
        return item in self.value()


def init_app(app: Flask) -> None:
    """After CSRFProtect (which sets the `csrf_token` global and context variable)."""
    app.config.setdefault("FRAGMENT_CACHE", True)
    app.jinja_env.globals.update(
        cached_fragment=cached_fragment,
        fragment=fragment,
        fragment_slot=fragment_slot,
        csrf_token=csrf_token,
        header_by_level=header_by_level,
    )
    # Flask-WTF also gives templates `csrf_token` as a context variable: this one, later,
    # wins
    app.context_processor(lambda: {"csrf_token": csrf_token})

    @app.after_request
    def say_what_was_kept(response):
        drawn = g.get("fragments")
        if drawn:
            response.headers[STATUS_HEADER] = ", ".join(f"{n}={s}" for n, s in drawn)
        return response


__all__ = [
    "Lazy",
    "cached_fragment",
    "enabled",
    "fragment_slot",
    "kept_value",
    "shell_page",
    "viewer_level",
]
