"""What proposals keep in the shared cache (`extensions.cache`, docs/architecture.md "Shared
cache"): renderings that cost tens or hundreds of milliseconds and that nothing but their key
can change (bench/proposals.py, docs/benchmarks.md "Proposals").

- A comparison of two versions (the page's diff and the redline DOCX): versions never change,
  so the key is the proposal and the two versions' ids, the view, the locale with its script
  and the release; it is never stale.
- A proposal's text as a legal act (the DOCX, the print view): it shows the endorsers and the
  cited figures as well as the current version, so its key also carries the space's change
  marker (`pagecache.tenant_marker`, raised by any write in the space).

The space is named by its id and creation time (a space deleted and made again with the same id
never meets the old keys). An unreachable cache only costs the rendering.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app, g, request

from solidarna.core import pagecache
from solidarna.core.i18n import current_locale

log = logging.getLogger(__name__)

KEY_PREFIX = "proposals"
#: a comparison is kept a day after its last rendering; the legal act as long as a page
VERSIONS_TIMEOUT = 24 * 3600


def key(kind: str, *parts, changing: bool = False) -> str | None:
    """The key of one kept rendering in the current space; `changing`: it also shows what any
    write in the space may change (endorsers, figures), so the space's marker is in it."""
    state = pagecache.tenant_marker()
    if state is None:
        return None
    space = f"{state[1]}.{state[2]}" + (f".{state[3]}" if changing else "")
    release = current_app.config.get("PAGE_CACHE_RELEASE", "")
    where = ":".join(str(part) for part in parts)
    return f"{KEY_PREFIX}:{release}:{space}:{kind}:{where}:{current_locale()}:{request.script_root}"


def kept(kind: str, parts: tuple, make: Callable[[], object], *, changing: bool = False):
    """The kept value for `kind` and `parts`, made (and kept) when there is none."""
    from solidarna.extensions import cache

    name = key(kind, *parts, changing=changing)
    value = None
    if name is not None:
        try:
            value = cache.get(name)
        except Exception:  # a cache is never a reason to fail the page
            log.warning("Cache not reachable; rendering %s", name, exc_info=True)
    status = "hit"
    if value is None:
        status = "miss"
        value = make()
        if name is not None:
            timeout = (
                current_app.config.get("PAGE_CACHE_TIMEOUT", 300) if changing else VERSIONS_TIMEOUT
            )
            try:
                cache.set(name, value, timeout=timeout)
            except Exception:
                log.warning("Cache not reachable; not keeping %s", name, exc_info=True)
    g.setdefault("proposals_kept", []).append((kind, status))
    return value


def init_app(app) -> None:
    @app.after_request
    def say_what_was_kept(response):
        seen = g.get("proposals_kept")
        if seen:
            response.headers["X-Proposals-Kept"] = ", ".join(f"{k}={s}" for k, s in seen)
        return response
