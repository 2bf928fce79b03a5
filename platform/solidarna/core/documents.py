"""Generated documents people hand over (DESIGN §12): the shared helpers.

- DOCX with python-docx: an A4 document with a title, headings, centred article labels,
  paragraphs from markdown (bold, italic and code kept as run formatting, lists as prefixed
  paragraphs; links keep their text), and runs of a word diff (insertions underlined,
  deletions struck through: `w:u` and `w:strike`, readable in any word processor and in print).
- CSV cells: a UTF-8 BOM so spreadsheet programs read the file as UTF-8, and formula-like
  cells escaped (CSV injection); the directory's open-data exports use them.
- Attachment responses with a safe ASCII file name made from a title.
- iCalendar files (`icalendar`): events in UTC with a stable UID and their URL (`ics`).

Every text passes through `convert` (the reader's script, core/script.in_script) on its way
into the document, so one builder writes Latin or Cyrillic.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask import Response
from icalendar import Calendar, Event
from markdown_it import MarkdownIt

from solidarna.core.script import fold

BOM = "\ufeff"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Convert = Callable[[str], str]


def _same(text: str) -> str:
    return text


# --- CSV ------------------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection): a text
    that starts with = + - @ or a control character gets a leading apostrophe, unless it
    is plainly a number or a phone number such as +381 37 123 456."""
    if not value or value[0] not in "=+-@\t\r":
        return value
    if value[0] in "+-" and all(c.isdigit() or c in " ()/.-+" for c in value[1:]):
        return value
    return "'" + value


# --- file names and responses ------------------------------------------------------------------


def ascii_slug(text: str | None, fallback: str, limit: int = 60) -> str:
    """A file name part from a title, in either script: `Odluka o podršci` -> `odluka-o-podrsci`."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text or "")).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or fallback


def attachment(data: bytes, filename: str, mimetype: str = DOCX_MIMETYPE) -> Response:
    """A download: `filename` must be ASCII (ascii_slug); the content is never sniffed."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- DOCX -----------------------------------------------------------------------------------------


def new_document(title: str, convert: Convert = _same, language: str = "sr-Latn"):
    """An A4 document with 2.5 cm margins, a readable body font and the title."""
    document = Document()
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.0)
    style = document.styles["Normal"]
    style.font.name = "Liberation Serif"
    style.font.size = Pt(12)
    document.core_properties.title = convert(title)
    document.core_properties.language = language
    heading = document.add_heading(convert(title), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def heading(document, text: str, level: int = 1, convert: Convert = _same, center=False):
    paragraph = document.add_heading(convert(text), level=level)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def label(document, text: str, convert: Convert = _same, bold: bool = True):
    """A centred line: an article's "Član 1.", its heading, a chapter's "Glava I"."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(convert(text))
    run.bold = bold
    return paragraph


def indent(paragraph, cm: float):
    paragraph.paragraph_format.left_indent = Cm(cm)
    return paragraph


def center(paragraph):
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def plain(document, text: str, convert: Convert = _same, indent: float = 0.0):
    paragraph = document.add_paragraph(convert(text))
    if indent:
        paragraph.paragraph_format.left_indent = Cm(indent)
    return paragraph


_MD = MarkdownIt("commonmark").enable("strikethrough")


def _inline(paragraph, children, convert: Convert) -> None:
    bold = italic = strike = 0
    for token in children or ():
        kind = token.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "s_open":
            strike += 1
        elif kind == "s_close":
            strike -= 1
        elif kind in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break()
        elif kind in ("text", "code_inline"):
            run = paragraph.add_run(
                token.content if kind == "code_inline" else convert(token.content)
            )
            run.bold = bool(bold) or None
            run.italic = bool(italic) or None
            run.font.strike = bool(strike) or None
            if kind == "code_inline":
                run.font.name = "Liberation Mono"
        elif kind == "image":
            paragraph.add_run(convert(token.content))


def markdown(
    document, text: str, convert: Convert = _same, prefix: str = "", indent: float = 0.0
) -> list:
    """Markdown as paragraphs of the document; `prefix` ("(1)", "1)") starts the first one.
    Returns the paragraphs written."""
    written = []
    lists: list[list[int | None]] = []  # per open list: the next number, None when bulleted
    tokens = _MD.parse(text or "")
    pending_heading = False
    for index, token in enumerate(tokens):
        if token.type == "bullet_list_open":
            lists.append([None])
        elif token.type == "ordered_list_open":
            lists.append([int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "heading_open":
            pending_heading = True
        elif token.type in ("fence", "code_block"):
            paragraph = document.add_paragraph()
            paragraph.add_run(token.content.rstrip("\n")).font.name = "Liberation Mono"
            written.append(paragraph)
        elif token.type == "inline":
            paragraph = document.add_paragraph()
            left = indent
            if lists and tokens[index - 1].type == "paragraph_open" and _opens_item(tokens, index):
                number = lists[-1][0]
                marker = "–" if number is None else f"{number}."
                if number is not None:
                    lists[-1][0] = number + 1
                paragraph.add_run(marker + "\u00a0")
                left = indent + 0.6 * len(lists)
            elif lists:
                left = indent + 0.6 * len(lists)
            if left:
                paragraph.paragraph_format.left_indent = Cm(left)
            if prefix and not written:
                paragraph.add_run(prefix + " ")
            _inline(paragraph, token.children, convert)
            if pending_heading:
                for run in paragraph.runs:
                    run.bold = True
                pending_heading = False
            written.append(paragraph)
    if not written and prefix:
        written.append(plain(document, prefix, indent=indent))
    return written


def _opens_item(tokens, index: int) -> bool:
    """The inline token is the first paragraph of a list item."""
    return index >= 2 and tokens[index - 2].type == "list_item_open"


def diff_runs(paragraph, runs: Iterable, convert: Convert = _same) -> None:
    """A word diff (core/diffs.changes) as runs: inserted words underlined (and green),
    deleted ones struck through (and red); the colours only help on screen."""
    for change in runs:
        run = paragraph.add_run(convert(change.text))
        if change.op == "insert":
            run.font.underline = True
            run.font.color.rgb = RGBColor(0x1A, 0x6B, 0x2F)
        elif change.op == "delete":
            run.font.strike = True
            run.font.color.rgb = RGBColor(0xA1, 0x1B, 0x1B)


def table(document, head: list[str], rows: Iterable[list[str]], convert: Convert = _same):
    """A grid with a bold header row and a row per item. python-docx builds one row as a
    pattern (its cells, widths and a run each); every item's row is a copy of it with the
    texts put in (building 3,000 rows through python-docx's API took over a second: each
    cell is found and filled by XPath). A text with a line break or a tab is written through
    python-docx, which turns them into `w:br` and `w:tab`."""
    grid = document.add_table(rows=1, cols=len(head))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, head, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(convert(text)).bold = True
    pattern = grid.add_row()
    for cell in pattern.cells:
        cell.text = "x"  # one run, one w:t per cell
    tr = pattern._tr
    tbl = tr.getparent()
    tbl.remove(tr)
    width = len(head)
    for values in rows:
        texts = [convert(text or "") for text in values]
        if len(texts) != width:
            raise ValueError(f"a row of {len(texts)} cells in a table of {width} columns")
        if any("\n" in t or "\t" in t or "\r" in t for t in texts):
            for cell, text in zip(grid.add_row().cells, texts, strict=True):
                cell.text = text
            continue
        row = deepcopy(tr)
        for element, text in zip(row.iter(_T), texts, strict=True):
            element.text = text
            if text != text.strip():  # as python-docx: leading or trailing spaces kept
                element.set(_SPACE, "preserve")
        tbl.append(row)
    return grid


_T = qn("w:t")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- iCalendar ------------------------------------------------------------------------------------

ICS_MIMETYPE = "text/calendar; charset=utf-8"


@dataclass
class CalendarEvent:
    """One event of an .ics file: `uid` stays the same for the same thing (calendar programs
    update the event instead of adding a second one), times are aware (written in UTC)."""

    uid: str
    summary: str
    starts_at: datetime
    url: str
    ends_at: datetime | None = None
    location: str = ""
    description: str = ""
    stamp: datetime | None = None
    sequence: int = 0


def ics(events: Iterable[CalendarEvent], name: str = "") -> bytes:
    """An iCalendar (RFC 5545) file of the events, times in UTC ("Z"), each with its URL also
    in the description (many calendar programs show only that)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Solidarna//solidarna//SR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    now = datetime.now(UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", (item.stamp or now).astimezone(UTC))
        event.add("dtstart", item.starts_at.astimezone(UTC))
        if item.ends_at is not None:
            event.add("dtend", item.ends_at.astimezone(UTC))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        event.add("url", item.url)
        description = "\n\n".join(p for p in (item.description.strip(), item.url) if p)
        event.add("description", description)
        event.add("sequence", item.sequence)
        calendar.add_component(event)
    return calendar.to_ical()


def ics_response(data: bytes, filename: str, download: bool = True) -> Response:
    """An .ics answer: a download (one meeting) or inline (a feed calendar programs poll)."""
    if download:
        return attachment(data, filename, ICS_MIMETYPE)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_MIMETYPE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- QR codes -------------------------------------------------------------------------------------


def qr_svg(data: str, title: str = "", scale: int = 4) -> str:
    """A QR code of `data` as an inline SVG element (segno; no XML declaration, no fixed
    colours beyond black on white, so it prints), labelled by `title` for screen readers."""
    import segno

    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=title or None,
        svgclass="qr", lineclass=None, omitsize=False,
    )  # fmt: skip
    return buffer.getvalue().decode("utf-8")
