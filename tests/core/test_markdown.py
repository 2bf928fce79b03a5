"""User markdown: formatting, links, images, mentions, excerpts, quotes, and an XSS corpus."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup

from solidarna.core.markdown import (
    MENTION_PATTERN,
    Candidate,
    excerpt,
    mention_candidates,
    mentioned_names,
    quote,
    render,
)
from solidarna.core.script import fold

CORPUS = Path(__file__).resolve().parent.parent / "data" / "xss_payloads.txt"

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {("a", "href"), ("a", "rel"), ("ol", "start"), ("span", "class")}
FORBIDDEN_TAGS = ("<script", "<svg", "<iframe", "<img", "<style")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def _elements(rendered: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = _Collector()
    collector.feed(rendered)
    collector.close()
    return collector.elements


def _links(rendered: str) -> list[dict[str, str | None]]:
    return [dict(attrs) for tag, attrs in _elements(rendered) if tag == "a"]


def _unescape_payload(line: str) -> str:
    codes = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\"}
    return re.sub(r"\\([nrt0\\])", lambda m: codes[m.group(1)], line)


def load_corpus() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [_unescape_payload(line) for line in lines if line and not line.startswith("# ")]


def assert_safe(rendered: str) -> None:
    """The checks every rendering of untrusted input must pass."""
    lowered = rendered.lower()
    for tag in FORBIDDEN_TAGS:
        assert tag not in lowered, f"{tag} in {rendered!r}"
    for tag, attrs in _elements(rendered):
        assert tag in ALLOWED_TAGS, f"<{tag}> in {rendered!r}"
        for name, value in attrs:
            assert (tag, name) in ALLOWED_ATTRIBUTES, f"{name}= on <{tag}> in {rendered!r}"
            value = value or ""
            squashed = re.sub(r"[\s\x00-\x1f]+", "", html.unescape(value)).lower()
            for scheme in ("javascript:", "vbscript:", "data:"):
                assert scheme not in squashed, f"{scheme} in {name}= of {rendered!r}"
            if name == "href":
                assert re.match(r"(https?://|mailto:|/(?![/\\]))", value, re.I), value
            if name == "rel":
                assert {"nofollow", "ugc"} <= set(value.split()), value
            if name == "class":
                assert value == "mention", value
            if name == "start":
                assert value.isdigit(), value


# --- formatting ------------------------------------------------------------------------------


def test_render_returns_markup_and_basic_formatting():
    out = render("*em* **strong** ~~gone~~ `code`")
    assert isinstance(out, Markup)
    assert out == ("<p><em>em</em> <strong>strong</strong> <s>gone</s> <code>code</code></p>\n")


def test_lists_keep_their_start_number():
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in render("- a\n- b")
    assert '<ol start="3">\n<li>c</li>' in render("3. c\n4. d")


def test_code_block_and_fence_escape_their_content():
    out = render("```python\nif a < b and c > d: print('<b>')\n```")
    assert out == "<pre><code>if a &lt; b and c &gt; d: print('&lt;b&gt;')\n</code></pre>\n"
    assert "class" not in out  # no language-* class
    assert render("    <i>x</i>") == "<pre><code>&lt;i&gt;x&lt;/i&gt;\n</code></pre>\n"


def test_tables_render_without_alignment_styles():
    out = render("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in out and "<th>a</th>" in out and "<td>2</td>" in out
    assert "style" not in out and "align" not in out


def test_newlines_are_kept_as_line_breaks():
    assert render("one\ntwo") == "<p>one<br>\ntwo</p>\n"
    assert render("one\n\ntwo") == "<p>one</p>\n<p>two</p>\n"


def test_raw_html_is_shown_as_text():
    assert render("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# a", "h3"), ("## a", "h4"), ("### a", "h5"), ("#### a", "h6"), ("###### a", "h6")],
)
def test_headings_are_shifted_below_the_page_headings(source, tag):
    assert render(source) == f"<{tag}>a</{tag}>\n"
    assert render("a\n===") == "<h3>a</h3>\n"  # setext too


def test_cyrillic_and_latin_text_untouched():
    source = "Ћирилица и латиница: **Крушевац**, Kruševac, Đorđe — „наводници“"
    assert render(source) == (
        "<p>Ћирилица и латиница: <strong>Крушевац</strong>, Kruševac, Đorđe — „наводници“</p>\n"
    )


def test_hr_and_blockquote():
    assert render("a\n\n---\n\n> b") == "<p>a</p>\n<hr>\n<blockquote>\n<p>b</p>\n</blockquote>\n"


# --- links and images ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    ["https://example.org/a?b=c", "http://example.org", "mailto:ana@example.org", "/x/y?z=1"],
)
def test_allowed_links_carry_rel_nofollow_ugc(href):
    links = _links(render(f"[text]({href})"))
    assert len(links) == 1
    assert links[0]["href"] == href
    assert {"nofollow", "ugc"} <= set(links[0]["rel"].split())


def test_autolinks_and_email_autolinks():
    assert _links(render("<https://example.org>"))[0]["href"] == "https://example.org"
    assert _links(render("<ana@example.org>"))[0]["href"] == "mailto:ana@example.org"
    assert _links(render("https://example.org")) == []  # linkify is off


@pytest.mark.parametrize(
    "href",
    [
        "//evil.example/x",
        "javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,hi",
        "ftp://example.org",
        "relative.html",
        "#top",
        "file:///etc/passwd",
    ],
)
def test_other_destinations_lose_the_link_but_keep_the_text(href):
    out = render(f"before [the text]({href}) after")
    assert out == "<p>before the text after</p>\n"


def test_backslash_after_slash_cannot_make_a_protocol_relative_link():
    (link,) = _links(render("[x](/\\evil.example)"))  # kept as a link to this site
    assert link["href"] == "/%5Cevil.example"
    assert not link["href"].startswith(("//", "/\\"))


def test_link_titles_are_dropped():
    assert render('[x](https://a.example "title")') == (
        '<p><a href="https://a.example" rel="nofollow ugc noopener">x</a></p>\n'
    )


def test_images_become_links_never_img():
    out = render("![a cat](https://img.example/cat.png)")
    assert "<img" not in out
    assert out == (
        '<p><a href="https://img.example/cat.png" rel="nofollow ugc noopener">a cat</a></p>\n'
    )


def test_image_without_alt_is_labelled_with_its_url():
    out = render("![](https://img.example/cat.png)")
    assert ">https://img.example/cat.png</a>" in out and "<img" not in out


def test_unsafe_image_keeps_only_its_alt_text():
    assert render("![a cat](javascript:alert(1))") == "<p>a cat</p>\n"
    assert render("![a cat](//evil.example/cat.png)") == "<p>a cat</p>\n"


def test_image_inside_link_does_not_nest_links():
    out = render("[![logo](https://img.example/l.png)](https://example.org)")
    assert out == '<p><a href="https://example.org" rel="nofollow ugc noopener">logo</a></p>\n'


# --- mentions --------------------------------------------------------------------------------


MEMBERS = {fold("Ana Anić"): "Ana Anić", fold("Бора Борић"): "Бора Борић"}


def test_mention_pattern():
    assert MENTION_PATTERN.fullmatch("@[Ana Anić]")
    assert not MENTION_PATTERN.fullmatch("@[]")
    assert not MENTION_PATTERN.fullmatch("@[a\nb]")
    assert not MENTION_PATTERN.fullmatch("@[a[b]")
    assert MENTION_PATTERN.fullmatch("@[" + "x" * 80 + "]")
    assert not MENTION_PATTERN.fullmatch("@[" + "x" * 81 + "]")


def test_resolved_mention_renders_as_span():
    out = render("hi @[Ana Anić]!", MEMBERS)
    assert out == '<p>hi <span class="mention">@Ana Anić</span>!</p>\n'


def test_mention_resolves_across_scripts_and_case():
    out = render("@[bora borić] @[ANA ANIĆ]", MEMBERS)
    assert '<span class="mention">@Бора Борић</span>' in out
    assert '<span class="mention">@Ana Anić</span>' in out


def test_unresolved_mention_stays_literal_text():
    assert render("hi @[Nobody]", MEMBERS) == "<p>hi @[Nobody]</p>\n"
    assert render("hi @[Ana Anić]") == "<p>hi @[Ana Anić]</p>\n"


def test_mention_display_name_is_escaped():
    out = render("@[x]", {"x": '<script>alert(1)</script>"'})
    assert out == '<p><span class="mention">@&lt;script&gt;alert(1)&lt;/script&gt;"</span></p>\n'


def test_mentions_in_code_stay_code():
    out = render("`@[Ana Anić]`\n\n```\n@[Ana Anić]\n```", MEMBERS)
    assert "mention" not in out
    assert "<code>@[Ana Anić]</code>" in out


def test_mentioned_names_in_order_deduplicated_outside_code():
    source = (
        "@[Бора Борић] and @[Ana Anić], again @[ana anic] and @[Bora Borić]\n"
        "`@[In Code]`\n\n    @[Indented Code]\n\n```\n@[Fenced]\n```\n"
        "mail@[Not A Mention] \\@[Escaped] @[   ] > @[Quoted]"
    )
    assert mentioned_names(source) == ["Бора Борић", "Ana Anić", "Quoted"]
    assert mentioned_names("") == []


def plain(*names):
    """The `plain` argument of render(): these names stand for exactly one member each."""
    return {fold(name): name for name in names}


def test_plain_mentions_are_candidates_with_their_two_and_three_word_names():
    found = mention_candidates("Hi @Ana Anić je rekla, @Бора Борић. @Niko")
    assert found == [
        Candidate("Ana Anić je", canonical=False),
        Candidate("Бора Борић", canonical=False),
        Candidate("Niko", canonical=False),
    ]
    assert [c.names for c in found] == [("Ana Anić je", "Ana Anić"), ("Бора Борић",), ()]
    assert Candidate("Ana Anić", canonical=True).names == ("Ana Anić",)
    assert mention_candidates("@Ana-Marija O'Brien  Petrović") == [
        Candidate("Ana-Marija O'Brien Petrović", canonical=False)
    ]


def test_plain_mention_renders_the_longest_resolved_prefix():
    out = render("Pitaj @Ana Anić je li gotovo!", None, plain("Ana Anić"))
    assert out == '<p>Pitaj <span class="mention">@Ana Anić</span> je li gotovo!</p>\n'
    out = render("@Ana Anić Jović, @Ana Anić.", None, plain("Ana Anić Jović", "Ana Anić"))
    assert out == (
        '<p><span class="mention">@Ana Anić Jović</span>, <span class="mention">@Ana Anić</span>.'
        "</p>\n"
    )
    # one word is never a plain mention, even of a member's first name
    assert render("@Ana", None, {fold("Ana"): "Ana"}) == "<p>@Ana</p>\n"


def test_plain_mention_in_any_script_case_and_diacritics_shows_the_member_name():
    members = plain("Бора Борић", "Đorđe Šaponjić")
    out = render("@bora boric i @ĐORĐE ŠAPONJIĆ i @djordje saponjic", None, members)
    assert out.count('<span class="mention">@Бора Борић</span>') == 1
    assert out.count('<span class="mention">@Đorđe Šaponjić</span>') == 2


def test_unresolved_plain_mention_stays_plain_text():
    assert render("@Niko Nikić je tu", None, plain("Ana Anić")) == "<p>@Niko Nikić je tu</p>\n"
    assert render("@Ana Anić") == "<p>@Ana Anić</p>\n"


def test_email_addresses_urls_escapes_code_and_quotes_are_not_plain_mentions():
    source = (
        "Pišite na ana@example.org ili Ana.Anic@Example.org.\n"
        "Profil: https://social.example/@Ana Anić i x.@Ana Anić\n"
        "\\@Ana Anić `@Ana Anić`\n\n    @Ana Anić\n\n```\n@Ana Anić\n```"
    )
    assert mention_candidates(source) == []
    out = render(source, None, plain("Ana Anić"))
    assert "mention" not in out
    assert "<code>@Ana Anić</code>" in out and "ana@example.org" in out
    # a quoted mention does not notify again (it is no candidate)
    assert mention_candidates("> @Ana Anić\n> > @Bora Borić") == []


def test_mentions_inside_emphasis_and_links_still_parse():
    out = render("**@Ana Anić** [@Ana Anić](/x)", None, plain("Ana Anić"))
    assert '<strong><span class="mention">@Ana Anić</span></strong>' in out
    assert (
        '<a href="/x" rel="nofollow ugc noopener"><span class="mention">@Ana Anić</span></a>' in out
    )


def test_canonical_and_plain_candidates_are_listed_once_each():
    found = mention_candidates("@[Ana Anić] @Ana Anić @[ana anic] @ana anić")
    assert found == [Candidate("Ana Anić", canonical=True), Candidate("Ana Anić", canonical=False)]


def test_excerpt_keeps_plain_mentions_as_written():
    assert excerpt("Hvala @Ana Anić, i @[Bora]!") == "Hvala @Ana Anić, i @Bora!"


def test_quote_escapes_an_at_in_the_author_name():
    assert mention_candidates(quote("hi", "@Ana Anić")) == []


# --- excerpt ---------------------------------------------------------------------------------


def test_excerpt_strips_markup_and_collapses_whitespace():
    source = "# Title\n\nSome *bold*  text,\na [link](https://x.example) and @[Ana]\n\n- item"
    assert excerpt(source) == "Title Some bold text, a link and @Ana item"


def test_excerpt_keeps_raw_html_as_plain_text():
    assert excerpt("<b>hi</b> & bye") == "<b>hi</b> & bye"


def test_excerpt_truncates_at_a_word_with_an_ellipsis():
    text = excerpt("word " * 100, length=50)
    assert text.endswith("…") and len(text) <= 50
    assert text[:-1].split() == ["word"] * len(text[:-1].split())
    assert excerpt("short", length=50) == "short"
    long_word = excerpt("x" * 300, length=20)
    assert long_word == "x" * 19 + "…"


# --- quote -----------------------------------------------------------------------------------


def test_quote_prefixes_every_line():
    assert quote("first line\nsecond line", "Ana Anić") == (
        "**Ana Anić** wrote:\n> first line\n> second line\n\n"
    )


def test_quote_keeps_blank_lines_and_nests_quotes():
    source = "reply\n\n> earlier post\n> more\n\nend\r\n"
    assert quote(source, "Ana") == (
        "**Ana** wrote:\n> reply\n>\n> > earlier post\n> > more\n>\n> end\n\n"
    )
    out = render(quote(source, "Ana"))
    assert out.count("<blockquote>") == 2


def test_quote_escapes_markdown_in_the_author_name():
    out = render(quote("hi", "*Evil* [x](javascript:alert(1)) @[Ana]"))
    assert "<em>" not in out and "<a" not in out
    assert "*Evil* [x](javascript:alert(1)) @[Ana]" in out
    assert mentioned_names(quote("hi", "@[Ana]")) == []


# --- XSS corpus ------------------------------------------------------------------------------


def test_corpus_is_large_enough():
    payloads = load_corpus()
    assert len(payloads) >= 50
    assert len(set(payloads)) == len(payloads)


@pytest.mark.parametrize("payload", load_corpus())
def test_corpus_payload_renders_safely(payload):
    assert_safe(str(render(payload)))
    hostile_members = {fold(name): payload for name in mentioned_names(payload)}
    assert_safe(str(render(payload, hostile_members)))
    assert_safe(str(render(quote(payload, payload))))


def test_assert_safe_catches_unsafe_html():
    for unsafe in (
        '<a href="javascript:alert(1)">x</a>',
        '<a href="//evil.example" rel="nofollow ugc">x</a>',
        '<a href="/x" rel="nofollow">x</a>',
        '<p onclick="alert(1)">x</p>',
        '<div hx-get="/x">x</div>',
        '<span class="mention evil">x</span>',
        '<img src="x">',
    ):
        with pytest.raises(AssertionError):
            assert_safe(unsafe)
