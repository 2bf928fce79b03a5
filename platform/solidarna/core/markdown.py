"""Safe user markdown for discussions: render, mentions, excerpts and quotes.

Decisions:
- markdown-it-py in CommonMark mode with raw HTML off (`<b>` is shown as text), linkify off,
  tables and strikethrough on and `breaks` on (a newline in a post stays a line break).
- Headings are shifted down two levels (`#` -> h3 ... `####` and deeper -> h6), so a post never
  out-ranks the page's own h1/h2; h1 and h2 are not even on the sanitizer's allow-list.
- Images never become `<img>` (no third-party requests from any page): `![alt](url)` renders as a
  link to the URL whose text is the alt text (or the URL), with the same URL checks as any link.
- Links: only http, https, mailto and site paths (`/x`, never `//host` or `/\\host`). Any other
  destination (javascript:, data:, relative `x.html`, `#top` ...) loses its link and keeps its
  text. Every link carries `rel="nofollow ugc noopener"`.
- Mentions are `@[Display Name]` or plain `@Name Surname` (two or three words of letters, `-`
  and apostrophes), parsed by one inline rule (so `@x` in code stays code) that ignores `a@b`
  (an e-mail address), `\\@x` and, for plain ones, an `@` after `/ . : + = ~ -` (addresses,
  handles in URLs). This module does not know who is a member: `mention_candidates()` lists
  what was written, the caller resolves it and `render()` gets the resolved names. A resolved
  mention renders as `<span class="mention">@Name</span>`; an unresolved `@[Name]` stays the
  literal text, an unresolved plain one plain text. Of `@Ana Anić Beograd`, the longest
  resolved prefix (three words, then two) is the mention and the rest stays text.
- Everything then goes through nh3 with an explicit allow-list: tags below, `href` on a, `start`
  (digits) on ol so "3." lists keep their number, class "mention" on span; nothing else (no
  style, id, on*, hx-*, data-*, target ...). The result is safe to mark as Markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup, escape

from solidarna.core.script import fold

MENTION_PATTERN = re.compile(r"@\[([^\[\]\r\n]{1,80})\]")
_NAME_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
#: `@` and one to three words: one word is never a mention, but the preview says so
PLAIN_MENTION_PATTERN = re.compile(rf"@({_NAME_WORD}(?: +{_NAME_WORD}){{0,2}})(?![\w'’-])")
_NOT_BEFORE_PLAIN = frozenset("/.:+=~-@")

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
    | {"h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span"}
)
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}, "ol": {"start"}}  # "*": no lang/title
ALLOWED_CLASSES = {"span": {"mention"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_SAFE_ABSOLUTE = re.compile(r"(?:https?://|mailto:)[^\s\x00-\x1f\x7f]*\Z", re.IGNORECASE)
_SAFE_SITE_PATH = re.compile(r"/(?![/\\])[^\s\x00-\x1f\x7f\\]*\Z")
_WORD_CHAR = re.compile(r"\w")


def _safe_href(url: str) -> bool:
    """http(s) and mailto URLs, and paths on this site; nothing else."""
    return bool(_SAFE_ABSOLUTE.match(url) or _SAFE_SITE_PATH.match(url))


# --- markdown-it extensions ------------------------------------------------------------------


def _mention_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@" or (pos > 0 and _WORD_CHAR.match(state.src[pos - 1])):
        return False
    match = MENTION_PATTERN.match(state.src, pos)
    if match:
        if not match.group(1).strip():
            return False
        if not silent:
            token = state.push("mention", "", 0)
            token.content = match.group(1)
            token.meta = {"name": " ".join(match.group(1).split())}
        state.pos = match.end()
        return True
    return _plain_mention(state, silent)


def _plain_mention(state: StateInline, silent: bool) -> bool:
    """`@Name Surname`. Parsing for candidates (no "plain" in env) takes all the words; rendering
    takes the longest prefix of two or three words that resolved, or nothing."""
    pos = state.pos
    if pos > 0 and state.src[pos - 1] in _NOT_BEFORE_PLAIN:
        return False
    match = PLAIN_MENTION_PATTERN.match(state.src, pos)
    if not match:
        return False
    words = match.group(1).split()
    resolved = state.env.get("plain") if isinstance(state.env, dict) else None
    if resolved is None:  # collecting: every written @word(s) is a candidate
        if not silent:
            token = state.push("mention_candidate", "", 0)
            token.content = " ".join(words)
        state.pos = match.end()
        return True
    for count in (3, 2):
        name = " ".join(words[:count])
        if len(words) >= count and fold(name) in resolved:
            if not silent:
                token = state.push("mention", "", 0)
                token.content = name
                token.meta = {"name": name, "plain": True}
            # the words are separated by one or more spaces in the source: step over them
            end = pos + 1
            for word in words[:count]:
                end = state.src.index(word, end) + len(word)
            state.pos = end
            return True
    return False


def _render_mention(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    plain = token.meta.get("plain")
    display = (env.get("plain" if plain else "mentions") or {}).get(fold(token.meta["name"]))
    if display:
        return f'<span class="mention">@{escape(display)}</span>'
    return f"@[{escape(token.content)}]"


def _label_text(tokens: list[Token]) -> str:
    """The plain text of inline tokens (an image's alt text)."""
    parts = []
    for token in tokens:
        if token.type == "mention":
            parts.append(f"@{token.meta['name']}")
        elif token.type == "mention_candidate":
            parts.append(f"@{token.content}")
        elif token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _images_as_links(children: list[Token]) -> list[Token]:
    """`![alt](url)` -> a link to url labelled alt (or url); inside a link, just the alt."""
    out: list[Token] = []
    depth = 0
    for child in children:
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if child.type != "image":
            out.append(child)
            continue
        href = str(child.attrGet("src") or "")
        label = " ".join(_label_text(child.children or []).split()) or href
        if depth:
            out.append(Token("text", "", 0, content=label))
        else:
            out.append(Token("link_open", "a", 1, attrs={"href": href}))
            out.append(Token("text", "", 0, content=label))
            out.append(Token("link_close", "a", -1))
    return out


def _safety_rule(state: StateCore) -> None:
    """Shift headings, turn images into links and unlink unsafe destinations."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        if token.type != "inline" or not token.children:
            continue
        token.children = _images_as_links(token.children)
        hidden: list[bool] = []
        for child in token.children:
            if child.type == "link_open":
                child.attrs = {"href": str(child.attrGet("href") or "")}  # no title
                child.hidden = not _safe_href(child.attrs["href"])
                hidden.append(child.hidden)
            elif child.type == "link_close":
                child.hidden = hidden.pop() if hidden else True


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    # Let every destination parse as a link so that _safety_rule can drop an unsafe one and
    # keep its text; the default validator would leave "[text](javascript:...)" as raw syntax.
    md.validateLink = lambda url: True
    md.inline.ruler.before("link", "mention", _mention_rule)
    md.core.ruler.push("solidarna_safety", _safety_rule)
    md.add_render_rule("mention", _render_mention)
    return md


_md = _build_parser()


# --- sanitizer -------------------------------------------------------------------------------


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "ol" and attr == "start":
        return value if value.isdigit() and len(value) <= 9 else None
    if tag == "a" and attr == "href":
        return value if _safe_href(value) else None
    return value


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        url_relative=lambda url: url if _SAFE_SITE_PATH.match(url) else None,
        link_rel=LINK_REL,
        strip_comments=True,
    )


# --- public API ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Something written as a mention: `text` as written after the @ (spaces collapsed) and the
    names it may stand for, longest first (a plain `@A B C` may be "A B C" or "A B"; a single
    word stands for no name)."""

    text: str
    canonical: bool

    @property
    def names(self) -> tuple[str, ...]:
        if self.canonical:
            return (self.text,)
        words = self.text.split()
        return tuple(" ".join(words[:n]) for n in (3, 2) if len(words) >= n)


def mention_candidates(source: str) -> list[Candidate]:
    """What is written as a mention, in order, once each (by folded text), outside code and
    outside quotes (quoting a post does not notify the people it mentioned again)."""
    seen: set[tuple[bool, str]] = set()
    found: list[Candidate] = []
    depth = 0
    for block in _md.parse(source or "", {}):
        depth += block.nesting if block.type.startswith("blockquote") else 0
        if depth:
            continue
        for child in block.children or []:
            if child.type == "mention":
                candidate = Candidate(child.meta["name"], canonical=True)
            elif child.type == "mention_candidate":
                candidate = Candidate(child.content, canonical=False)
            else:
                continue
            key = (candidate.canonical, fold(candidate.text))
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def mentioned_names(source: str) -> list[str]:
    """The names written as @[Name], in order, once each (by folded form), outside code and
    outside quotes."""
    return [c.text for c in mention_candidates(source) if c.canonical]


def render(
    source: str, mentions: dict[str, str] | None = None, plain: dict[str, str] | None = None
) -> Markup:
    """Markdown to sanitized HTML. `mentions` maps fold(name) -> display name of the members
    that exist, for @[Name]; `plain` the same for @Name Surname written plainly (only names that
    stand for exactly one member). Other mentions stay text."""
    html = _md.render(source or "", {"mentions": mentions or {}, "plain": plain or {}})
    return Markup(_sanitize(html))


def _plain_text(source: str) -> str:
    parts: list[str] = []
    for block in _md.parse(source or "", {}):
        if block.type in ("code_block", "fence"):
            parts.append(block.content)
        parts.append(_label_text(block.children or []))
    return " ".join(" ".join(parts).split())


def excerpt(source: str, length: int = 200) -> str:
    """Plain text for notifications and feeds: markup stripped, whitespace collapsed, cut at a
    word boundary with an ellipsis when longer than `length` characters."""
    text = _plain_text(source)
    if len(text) <= length:
        return text
    cut = text[: max(length - 1, 0)]
    if " " in cut[len(cut) // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" .,;:!?-") + "…"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&~@])")


def quote(source: str, author_name: str) -> str:
    """Markdown quoting a post in a reply: an attribution line, then every line after "> "."""
    name = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join((author_name or "").split()))
    lines = (source or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    wrote = _("%(name)s wrote:", name=f"**{name}**")
    return f"{wrote}\n{quoted}\n\n"
