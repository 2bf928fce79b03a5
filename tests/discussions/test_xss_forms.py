"""The XSS corpus through the real reply form, the htmx reply fragment, the thread pages and
the live preview (no browser): every rendered post body passes the sanitizer's allow-list.
The browser half, which also checks that nothing runs, is tests/e2e/test_discussions_xss.py."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from solidarna.discussions.models import POSTS_PER_PAGE
from tests.conftest import EN, parse
from tests.core.test_markdown import assert_safe, load_corpus

PAYLOADS = load_corpus()
#: payloads with a NUL character; PostgreSQL cannot store one (see the test at the end)
WITH_NUL = [p for p in PAYLOADS if "\0" in p]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
SAFE_HREF = re.compile(r"(https?://|mailto:|/(?![/\\]))", re.IGNORECASE)


class PostBodies(HTMLParser):
    """The inner HTML of every element with the class "post-body", in document order."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.bodies: list[str] = []
        self._depth = 0  # open elements inside the current post body (0: outside)
        self._start = 0
        self.feed(source)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self._depth:
            if tag not in VOID:
                self._depth += 1
            return
        if "post-body" in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self._start = self._offset() + len(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        pass  # <br/>: no content of its own

    def handle_endtag(self, tag):
        if not self._depth or tag in VOID:
            return
        self._depth -= 1
        if not self._depth:
            self.bodies.append(self.source[self._start : self._offset()])


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def check_body(rendered: str, payload: str) -> None:
    """The allow-list of tests/core/test_markdown.py plus the attributes and links that must
    never reach a page, spelled out."""
    try:
        assert_safe(rendered)
        for tag, attrs in Elements(rendered).elements:
            for name, value in attrs:
                assert not name.startswith(("on", "hx-", "data-")), f"{name}= on <{tag}>"
                if name == "href":
                    assert SAFE_HREF.match(html.unescape(value or "")), value
    except AssertionError as error:
        raise AssertionError(f"payload {payload!r} rendered unsafely: {error}") from None


def test_post_bodies_parser_finds_nested_content():
    page = (
        '<div class="x"><div class="post-body"><p>a<br>b</p><div>c</div></div></div>'
        '<blockquote class="post-body"><p onclick="x">d</p></blockquote>'
    )
    assert PostBodies(page).bodies == ["<p>a<br>b</p><div>c</div>", '<p onclick="x">d</p>']
    with pytest.raises(AssertionError, match="onclick"):
        check_body(PostBodies(page).bodies[1], "d")


def test_every_payload_through_the_reply_form_renders_safely(app, space, as_user):
    app.config["DISCUSSIONS_POST_LIMIT"] = "10000 per minute"
    thread_id = space.thread("XSS korpus", "Početak.", author=space.ana)
    bojan = as_user("bojan@example.org")
    token = bojan.token()
    url = f"/alfa/discussions/t/{thread_id}/reply"
    htmx = {"HX-Request": "true", "HX-Target": "posts", "X-CSRFToken": token}

    # Every payload as an htmx reply: the fragment that is swapped into the page is checked
    # as it arrives; a few go through the plain form (no JavaScript) as well. The payloads with
    # a NUL character have their own test below.
    payloads = [p for p in PAYLOADS if p not in WITH_NUL]
    for number, payload in enumerate(payloads, start=2):
        page = (number - 1) // POSTS_PER_PAGE + 1
        data = {"body": payload, "page": str(page), "csrf_token": token}
        if number % 25 == 0:
            response = bojan.raw.post(url, data=data)
            assert response.status_code == 303, (payload, response.status_code)
            assert response.location.endswith(f"#post-{number}")
            continue
        response = bojan.raw.post(url, data=data, headers=htmx)
        assert response.status_code == 201, (payload, response.get_data(as_text=True)[:500])
        fragment = response.get_data(as_text=True)
        assert [a["id"] for a in parse(fragment).select("article")] == [f"post-{number}"]
        (body,) = PostBodies(fragment).bodies
        check_body(body, payload)

    # Every page of the thread, in Latin and in Cyrillic (the reader's script is applied to the
    # rendered HTML): all posts are there, each body passes.
    total = len(payloads) + 1
    pages = (total - 1) // POSTS_PER_PAGE + 1
    latin = ""
    for locale in ("sr_Latn", "sr_Cyrl"):
        assert (
            bojan.raw.post("/language", data={"locale": locale, "csrf_token": token}).status_code
            == 303
        )
        seen = []
        for page in range(1, pages + 1):
            source = bojan.get(f"/alfa/discussions/t/{thread_id}?page={page}").get_data(
                as_text=True
            )
            document = parse(source)
            assert document.html["lang"] == ("sr-Cyrl" if locale == "sr_Cyrl" else "sr-Latn")
            numbers = [int(a["id"][5:]) for a in document.select('article.post[id^="post-"]')]
            seen += numbers
            latin += source if locale == "sr_Latn" else ""
            bodies = PostBodies(source).bodies
            # One body per post, and the (empty) live preview of the reply form.
            assert len(bodies) == len(numbers) + 1 and bodies[-1] == ""
            for body in bodies:
                check_body(body, f"(a post on page {page}, {locale})")
        assert seen == list(range(1, total + 1))

    # Template syntax in a post is text, never evaluated on the server.
    assert "{{7*7}}" in latin and "{% raw %}{{ config }}{% endraw %}" in latin
    assert app.config["SECRET_KEY"] not in latin


HOSTILE_NAME = 'Zla <img src=x onerror=alert(1)> "Osoba'


def test_a_hostile_member_name_is_text_in_mentions_posts_and_suggestions(
    app, db, space, make_user, as_user
):
    from solidarna.core.tenancy import tenant_context
    from solidarna.tenants.models import Membership

    hostile = make_user(email="zla@example.org", name=HOSTILE_NAME)
    with tenant_context(space.tenant.id):
        db.session.add(Membership(user_id=hostile.id, role="member", status="active"))
        db.session.commit()
    thread_id = space.thread()
    space.reply(thread_id, f"Pozdrav, @[{HOSTILE_NAME}]!", space.bojan)
    space.reply(thread_id, "Ja pišem.", hostile)
    ana = as_user("ana@example.org")
    escaped = "Zla &lt;img src=x onerror=alert(1)&gt; &#34;Osoba"

    page = ana.get(f"/alfa/discussions/t/{thread_id}").get_data(as_text=True)
    bodies = PostBodies(page).bodies
    for body in bodies:
        check_body(body, HOSTILE_NAME)
    in_text = escaped.replace("&#34;", '"')  # the sanitizer leaves quotes in text alone
    assert f'<span class="mention">@{in_text}</span>' in bodies[1]
    assert f'<span id="post-3-by" class="post-author">{escaped}</span>' in page
    assert "<img" not in page

    suggestions = ana.get("/alfa/discussions/mentions?q=zla").get_data(as_text=True)
    assert f'data-mention="{escaped}"' in suggestions and f">@{escaped}</button>" in suggestions
    assert "<img" not in suggestions


def test_live_preview_of_every_payload_renders_safely(space, as_user):
    ana = as_user("ana@example.org")
    token = ana.token()
    for payload in PAYLOADS:
        response = ana.raw.post(
            "/alfa/discussions/preview",
            data={"body": payload, "csrf_token": token},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        if "\0" in payload:  # refused before any view runs (core/security.py)
            assert response.status_code == 400, payload
            continue
        assert response.status_code == 200, payload
        rendered = response.get_data(as_text=True)
        assert "<html" not in rendered
        (body,) = PostBodies(rendered).bodies
        check_body(body, payload)
        # Around the body only our own markup: its box and the notes about mentions, as text.
        around = Elements(rendered.replace(body, "", 1)).elements
        assert {(tag, tuple(attrs)) for tag, attrs in around} <= {
            ("div", (("class", "post-body"),)), ("ul", (("class", "mention-notes"),)), ("li", ()),
        }, payload  # fmt: skip


def test_preview_through_the_form_button_renders_safely(app, space, as_user):
    """Without JavaScript the Preview button posts the whole form; the page that comes back
    shows the rendering in the preview box and the text, escaped, in the text box."""
    thread_id = space.thread()
    bojan = as_user("bojan@example.org")
    token = bojan.token()
    for payload in PAYLOADS[:12]:
        response = bojan.raw.post(
            f"/alfa/discussions/t/{thread_id}/reply",
            data={"body": payload, "page": "1", "action": "preview", "csrf_token": token},
        )
        assert response.status_code == 200, payload
        source = response.get_data(as_text=True)
        *_posts, preview = PostBodies(source).bodies
        check_body(preview, payload)
        assert preview.strip(), payload
        textarea = re.search(r'<textarea id="reply-body"[^>]*>(.*?)</textarea>', source, re.S)
        assert textarea and "<script" not in textarea.group(1).lower(), payload


def test_payloads_with_nul_characters_are_refused_never_a_500(app, db, space, as_user):
    """A NUL character in a form is refused with a clear 400 before any view runs
    (core/security.py); PostgreSQL cannot store it, so passing it to the database would
    answer 500 there."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.discussions.models import Post

    assert len(WITH_NUL) >= 3
    app.config["DISCUSSIONS_POST_LIMIT"] = "10000 per minute"
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production: a 500 page
    thread_id = space.thread()
    bojan = as_user("bojan@example.org")
    token = bojan.token()
    for payload in WITH_NUL:
        response = bojan.raw.post(
            f"/alfa/discussions/t/{thread_id}/reply",
            data={"body": payload, "page": "1", "csrf_token": token},
            headers={"HX-Request": "true", "X-CSRFToken": token, **EN},
        )
        assert response.status_code == 400, (payload, response.status_code)
        rendered = response.get_data(as_text=True)
        assert "\0" not in rendered
        assert "a character that is not allowed (NUL)" in rendered, payload
    with tenant_context(space.tenant.id):
        posts = db.session.scalars(db.select(Post.number).where(Post.thread_id == thread_id))
        assert posts.all() == [1]  # only the opening post: nothing was stored
