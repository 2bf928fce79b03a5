"""Demo documents of a working group (fictional, like everything in the demo): the minutes of
the first meeting as a DOCX in two versions and a PNG chart, made here in code and stored
through core/storage.py like an upload; and the group working on the space's demo proposal
(core/links.py)."""

from __future__ import annotations

import io

from docx import Document
from PIL import Image, ImageDraw

from solidarna.core import links, storage, subjects


def _minutes(version: int) -> bytes:
    document = Document()
    document.add_heading("Zapisnik sa prvog sastanka (demo)", level=1)
    document.add_paragraph("Radna grupa „Pristup finansijama“, Kruševac. Izmišljen primer.")
    document.add_paragraph("1. Pregled izvora finansiranja za socijalna preduzeća.")
    document.add_paragraph("2. Dogovor o predlogu lokalnog garantnog fonda.")
    if version > 1:
        document.add_paragraph("Dopuna: rok za komentare je kraj meseca.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _chart() -> bytes:
    image = Image.new("RGB", (320, 180), "white")
    draw = ImageDraw.Draw(image)
    for n, height in enumerate((60, 110, 90, 140)):
        draw.rectangle((30 + n * 70, 170 - height, 80 + n * 70, 170), fill=(30, 110, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def load_documents(group, author, other) -> None:
    """Two documents of `group` (the current tenant set, inside a request context)."""
    from solidarna.groups import documents

    minutes = documents.add(
        group, "Zapisnik sa prvog sastanka",
        "Šta je dogovoreno o izvorima finansiranja i garantnom fondu (demo).",
        storage.check("documents", _Upload(_minutes(1), "zapisnik-prvi-sastanak.docx")), author,
        notify=False,
    )  # fmt: skip
    documents.add_version(
        group, minutes,
        storage.check("documents", _Upload(_minutes(2), "zapisnik-prvi-sastanak-v2.docx")), other,
        notify=False,
    )  # fmt: skip
    documents.add(
        group, "Izvori finansiranja — pregled", "Grafikon iz prezentacije (izmišljeni brojevi).",
        storage.check("documents", _Upload(_chart(), "izvori-finansiranja.png")), other,
        notify=False,
    )  # fmt: skip


def link_proposal(group, title: str, by) -> None:
    """The group works on the space's demo proposal of this title, when a visitor sees one."""
    for proposal in subjects.choices("proposal"):
        if proposal.title == title:
            links.add("works_on", group.id, proposal.id, by)


class _Upload:
    def __init__(self, data: bytes, filename: str):
        self.stream = io.BytesIO(data)
        self.filename = filename
