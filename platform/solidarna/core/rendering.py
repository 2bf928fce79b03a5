"""render(): one template serves the full page and its htmx fragments (DESIGN §5)."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template
from flask.templating import Environment
from jinja2_fragments.flask import render_block

from solidarna.extensions import htmx

# The block a page template fills; non-boosted htmx requests get just this block
# unless the view names another.
DEFAULT_BLOCK = "content"


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, with each template's globals a plain dict.

    Jinja copies a template's globals into the context of every render (`new_context`:
    `dict(globals, **vars)`), and its globals are a `ChainMap` over the environment's ~120
    (the helpers, predicates and constants every capability registers). Copying that
    ChainMap walks it key by key in Python: ~55 µs a page, against ~1 µs for a dict. The
    snapshot holds Jinja's own rule ("avoid modifying any globals after a template is
    loaded"): every `init_app` registers its globals before the first template is loaded
    (tests/core/test_rendering.py checks that no template is loaded while the app is made).
    """

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def wants_fragment() -> bool:
    """An htmx request wants a fragment, unless it is a boosted navigation or htmx restoring
    a page from history (the back button), which need the whole page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    template: str,
    *,
    block: str = DEFAULT_BLOCK,
    status: int = 200,
    shell: tuple | None = None,
    shell_fills: str | None = None,
    **context,
) -> Response:
    """`shell`: a logged-in person's whole page may come from a page shell kept per viewer
    level and these parts (core/fragments.py `shell_page`), its slots filled by the header's
    fillers and those of the `shell_fills` template."""
    body = None
    if wants_fragment():
        body = render_block(template, block, **context)
    elif shell is not None and status == 200:
        from solidarna.core.fragments import shell_page

        body = shell_page(template, shell, shell_fills, context)
    if body is None:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    from solidarna.core import subjects

    # Panels other capabilities add to an object's page: {{ subject_panels("organization", id) }}
    app.jinja_env.globals["subject_panels"] = subjects.panels

    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
        return response
