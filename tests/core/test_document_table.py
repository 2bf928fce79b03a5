"""core/documents.table: the rows copied from one pattern row read back as python-docx
would have written them (texts, empty cells, spaces kept, a line break through python-docx,
the reader's script), and the document opens again."""

from __future__ import annotations

import io

import pytest
from docx import Document

from solidarna.core import documents
from solidarna.core.script import in_script


def test_the_table_s_rows_read_back_as_written():
    def convert(text):
        return in_script(text, "sr_Cyrl")

    document = documents.new_document("Naslov", convert)
    rows = [
        ["Zadruga Brus", "Brus", "", "Prostor"],
        ["  Udruženje  ", "Niš", "Udruženje", "Kruševac"],
        ["Dva\nreda", "Čačak", "x", "y"],
    ]
    documents.table(document, ["Organizacija", "Opština", "Tip", "Prostor"], rows, convert)
    again = Document(io.BytesIO(documents.to_bytes(document)))
    grid = again.tables[0]
    read = [[cell.text for cell in row.cells] for row in grid.rows]
    assert read[0] == ["Организација", "Општина", "Тип", "Простор"]
    assert read[1] == ["Задруга Брус", "Брус", "", "Простор"]
    assert read[2] == ["  Удружење  ", "Ниш", "Удружење", "Крушевац"]
    assert read[3] == ["Два\nреда", "Чачак", "x", "y"]
    assert [r.bold for r in grid.rows[0].cells[0].paragraphs[0].runs if r.text] == [True]
    assert not any(run.bold for run in grid.rows[1].cells[0].paragraphs[0].runs)
    assert len(grid.rows) == 4


def test_a_row_of_the_wrong_width_is_refused():
    document = documents.new_document("Naslov")
    with pytest.raises(ValueError):
        documents.table(document, ["A", "B"], [["1", "2", "3"]])
