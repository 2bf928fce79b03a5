"""The import template in the reader's language: Serbian column names (Latin or Cyrillic) or
ours (English), an example row that imports once it is filled in, the accepted values on the
workbook's second worksheet and on the import page; and a file's headers and coded values
read in any language, script or common spelling."""

import csv
import io

import flask_babel
import pytest
from openpyxl import load_workbook

from solidarna.core.script import to_cyrillic
from solidarna.core.tenancy import tenant_context
from solidarna.directory.opendata import csv_headers, csvio
from solidarna.directory.opendata import services as opendata
from tests.conftest import EN, definitions, one, parse, text_of
from tests.directory.test_import import admin, confirm, organizations, space, table_rows, upload

__all__ = ["admin", "space"]  # fixtures

SR = {"Accept-Language": "sr-Latn"}
CYRL = {"Accept-Language": "sr-Cyrl"}
FILLED_NAME = "Zadruga Voćnjak Brus"


def filled(response, extension: str) -> bytes:
    """The downloaded template with its example row filled in: a real name instead of the
    example's, everything else kept; saved as the spreadsheet program would save it."""
    raw = response.get_data()
    if extension == "csv":
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
        rows[1][0] = FILLED_NAME
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode("utf-8")
    book = load_workbook(io.BytesIO(raw))
    book.worksheets[0]["A2"] = FILLED_NAME
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def first_rows(response, extension: str) -> list[list]:
    raw = response.get_data()
    if extension == "csv":
        return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    return [
        list(r) for r in load_workbook(io.BytesIO(raw)).worksheets[0].iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("language", "first", "legal_form", "place"),
    [
        ("sr_Latn", "Naziv", "Zadruga", "Brus"),
        ("sr_Cyrl", "Назив", "Задруга", "Брус"),
        ("en", "name", "cooperative", "Brus"),
    ],
)
def test_each_template_imports_once_its_example_row_is_filled_in(
    admin, space, db, extension, language, first, legal_form, place
):
    # The reader's interface language does not matter once ?lang= is given.
    response = admin.get(
        f"/rasina/directory/import/template.{extension}?lang={language}", headers=EN
    )
    assert response.status_code == 200
    slug = language.lower().replace("_", "-")
    assert (
        f'filename="rasina-import-template-{slug}.{extension}"'
        in response.headers["Content-Disposition"]
    )
    rows = first_rows(response, extension)
    assert rows[0] == csv_headers.header(language) and rows[0][0] == first
    example = dict(zip(opendata.COLUMNS, rows[1], strict=True))
    assert (example["legal_form"], example["municipality"]) == (legal_form, place)
    refused = upload(admin, response.get_data(), f"template.{extension}")
    assert refused.status_code == 422 and "example row" in refused.get_data(as_text=True)

    preview = upload(admin, filled(response, extension), f"popis.{extension}")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert not parse(html).select("#errors-heading"), table_rows(html)
    assert definitions(html)["Ready to import"] == "1" and not parse(html).select(
        "#warnings-heading"
    )
    assert confirm(admin, html).status_code == 303
    entry = organizations(db, space)[-1]
    assert entry.name == FILLED_NAME
    assert (entry.legal_form, entry.actor_type, entry.se_status, entry.status) == (
        "cooperative", "cooperative", "planned", "active",
    )  # fmt: skip
    assert (entry.municipality, entry.founding_year, entry.employees_total) == ("Brus", 2021, 4)
    assert entry.turnover_band == "lt_1m" and entry.tag_values("kd") == ["A", "C"]
    assert entry.tag_values("interest") == ["work_integration"]
    assert entry.tag_values("group") == ["long_term_unemployed", "rural_women"]


def test_the_template_follows_the_readers_language_and_script(admin, space):
    for headers, first, sheet in (
        (SR, "Naziv", "Dozvoljene vrednosti"),
        (CYRL, "Назив", "Дозвољене вредности"),
        (EN, "name", "Allowed values"),
    ):
        csv_rows = first_rows(
            admin.get("/rasina/directory/import/template.csv", headers=headers), "csv"
        )
        assert csv_rows[0][0] == first
        book = load_workbook(
            io.BytesIO(
                admin.get("/rasina/directory/import/template.xlsx", headers=headers).get_data()
            )
        )
        assert [s.title for s in book.worksheets][1] == sheet
    semicolons = admin.get(
        "/rasina/directory/import/template.csv?lang=sr_Latn&sep=semicolon"
    ).get_data()
    assert semicolons.decode("utf-8-sig").startswith("Naziv;Poslovno ime;Pravna forma;")
    assert admin.get("/rasina/directory/import/template.csv?lang=de").status_code == 404


def accepted_sheet(raw: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(raw)).worksheets[1].iter_rows(values_only=True))


def test_the_workbooks_second_sheet_lists_the_accepted_values(admin, space):
    rows = accepted_sheet(
        admin.get("/rasina/directory/import/template.xlsx?lang=sr_Latn", headers=SR).get_data()
    )
    assert rows[2][0] in ("Column", "Kolona") and len(rows[2]) == 4
    by_column: dict[str, dict[str, tuple]] = {}
    for column, code, label, also in rows[3:]:
        by_column.setdefault(column, {})[code] = (label, also)
    assert set(by_column) == {
        "Pravna forma", "Vrsta aktera", "Status socijalnog preduzeća", "Status aktivnosti",
        "Opština", "Sektori delatnosti (KD)", "Delatnosti od opšteg interesa", "Ranjive grupe",
        "Godišnji promet",
    }  # fmt: skip
    doo_label, doo_also = by_column["Pravna forma"]["doo"]
    assert doo_label.startswith("Društvo sa ograničenom odgovornošću") and "d.o.o." in doo_also
    assert "udruženje građana" in by_column["Pravna forma"]["association"][1]
    assert "Rasinski" in by_column["Opština"]["Kruševac"][0]  # the district
    assert by_column["Opština"]["Kruševac"][1] == "Крушевац"
    assert set(by_column["Opština"]) == {"Brus", "Kruševac", "Trstenik"}  # the space's
    assert "01–03" in by_column["Sektori delatnosti (KD)"]["A"][1]
    cyrillic = accepted_sheet(
        admin.get("/rasina/directory/import/template.xlsx?lang=sr_Cyrl").get_data()
    )
    assert ("Правна форма", "cooperative", "Задруга") in [r[:3] for r in cyrillic]
    assert any(r[:2] == ("Општина", "Крушевац") and r[3] == "Kruševac" for r in cyrillic)


# --- reading headers and values in any language --------------------------------------------------


def read_rows(app, space, text: str, headers=EN):
    with app.test_request_context(headers=headers), tenant_context(space.id):
        flask_babel.refresh()
        table = csvio.read(text.encode("utf-8"))
        return table, csvio.validate(table, space)


@pytest.mark.parametrize(
    "header",
    [
        "name,legal_form,actor_type,municipality,kd_sections",
        "Name,Legal form,Actor type,Municipality,KD sections",
        "Naziv,Pravna forma,Vrsta aktera,Opština,Sektori delatnosti (KD)",
        "NAZIV , pravna  forma,vrsta_aktera,OPSTINA,sektori delatnosti kd",
        to_cyrillic("Naziv,Pravna forma,Vrsta aktera,Opština,Sektori delatnosti (KD)"),
        "НАЗИВ,ПРАВНА ФОРМА,Врста Актера,општина,Сектори делатности (КД)",
    ],
)
def test_headers_in_serbian_latin_cyrillic_or_english(app, space, header):
    table, (row,) = read_rows(app, space, f"{header}\nZadruga Brusnica,Zadruga,Задруга,Брус,A|C\n")
    assert table.columns == {
        "name": 0,
        "legal_form": 1,
        "actor_type": 2,
        "municipality": 3,
        "kd_sections": 4,
    }
    assert not table.ignored and not row.errors
    assert (row.data["legal_form"], row.data["actor_type"], row.data["municipality"]) == (
        "cooperative", "cooperative", "Brus",
    )  # fmt: skip
    assert row.tags["kd"] == ["A", "C"]


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("d.o.o.", "doo"), ("doo", "doo"), ("DOO", "doo"), ("Д.О.О.", "doo"),
        ("društvo s ograničenom odgovornošću", "doo"), ("Drustvo sa ogranicenom odgovornoscu", "doo"),
        ("zadruga", "cooperative"), ("Z.Z.", "cooperative"), ("Zemljoradnička zadruga", "cooperative"),
        ("udruženje", "association"), ("Udruženje građana", "association"), ("UG", "association"),
        ("удружење грађана", "association"), ("fondacija", "foundation"), ("Zadužbina", "endowment"),
        ("preduzetnik", "entrepreneur"), ("PR", "entrepreneur"), ("a.d.", "ad"), ("JKP", "public_enterprise"),
        ("Sportski klub", "sports_association"), ("Limited liability company (DOO)", "doo"),
    ],
)  # fmt: skip
def test_common_spellings_of_legal_forms(app, space, cell, code):
    _, (row,) = read_rows(
        app,
        space,
        f"naziv,pravna forma,vrsta aktera,opština\nZadruga Brusnica,{cell},cooperative,Brus\n",
    )
    assert not row.errors and row.data["legal_form"] == code


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("Grad Kruševac", "Kruševac"), ("Opština Brus", "Brus"), ("OPŠTINA TRSTENIK", "Trstenik"),
        ("Општина Трстеник", "Trstenik"), ("Град Крушевац", "Kruševac"), ("opstina brus", "Brus"),
    ],
)  # fmt: skip
def test_municipalities_with_or_without_grad_or_opstina(app, space, cell, name):
    _, (row,) = read_rows(
        app,
        space,
        f"name,legal_form,actor_type,municipality\nZadruga Brusnica,zadruga,cooperative,{cell}\n",
    )
    assert not row.errors and row.data["municipality"] == name


def test_an_unknown_value_names_the_column_the_value_and_what_is_accepted(admin, space, db):
    content = (
        "Naziv,Pravna forma,Vrsta aktera,Opština,Ranjive grupe\n"
        "Zadruga Brusnica,društvo bez ikakve forme,cooperative,Brus,\n"
        "Udruženje Ruke,udruženje,association,Atlantida,roma|marsovci\n"
    )
    response = upload(admin, content)
    assert response.status_code == 422
    problems = {
        (row, column): (value, text)
        for row, column, value, text in table_rows(response.get_data(as_text=True))
    }
    value, text = problems[("2", "Pravna forma legal_form")]
    assert value == "društvo bez ikakve forme"
    assert text.startswith("“društvo bez ikakve forme” is not one of the known values.")
    assert "Accepted values: entrepreneur, doo, ad, od, kd, cooperative, association," in text
    value, text = problems[("3", "Opština municipality")]
    assert value == "Atlantida" and "Unknown municipality “Atlantida”." in text
    assert "Accepted values: Brus, Kruševac, Trstenik." in text
    assert "Unknown values: “marsovci”." in problems[("3", "Ranjive grupe vulnerable_groups")][1]
    assert "social_protection" in problems[("3", "Ranjive grupe vulnerable_groups")][1]
    # In Serbian, the same.
    serbian = admin.post(
        "/rasina/directory/import",
        {"file": (io.BytesIO(content.encode()), "popis.csv")},
        headers=SR,
    )
    rows = table_rows(serbian.get_data(as_text=True))
    legal = [r for r in rows if r[:2] == ["2", "Pravna forma legal_form"]][0][3]
    assert "Dozvoljene vrednosti: entrepreneur, doo" in legal or "entrepreneur, doo, ad" in legal
    assert len(organizations(db, space)) == 1


def test_missing_required_columns_are_named_in_the_readers_language(admin, space):
    response = admin.post(
        "/rasina/directory/import",
        {"file": (io.BytesIO(b"Naziv;PIB\nZadruga;101134702\n"), "popis.csv")},
        headers=SR,
    )
    assert response.status_code == 422
    assert (
        "Pravna forma (legal_form), Vrsta aktera (actor_type), Opština (municipality)"
        in response.get_data(as_text=True)
    )


def test_the_import_page_lists_the_accepted_values_of_every_coded_column(admin, space):
    page = parse(admin.get("/rasina/directory/import", headers=SR).get_data(as_text=True))
    legal = one(page, "details#values-legal_form")
    assert "Pravna forma" in text_of(one(legal, "summary"))
    cells = {
        text_of(tr.select("td")[0]): [text_of(td) for td in tr.select("td")]
        for tr in legal.select("tbody tr")
    }
    assert "d.o.o." in cells["doo"][2] and "udruženje građana" in cells["association"][2]
    places = one(page, "details#values-municipality")
    assert [text_of(tr.td) for tr in places.select("tbody tr")] == ["Brus", "Kruševac", "Trstenik"]
    for column in (
        "actor_type",
        "se_status",
        "status",
        "kd_sections",
        "general_interest",
        "vulnerable_groups",
        "turnover_band",
    ):
        assert one(page, f"details#values-{column} summary")
    links = {a["href"] for a in page.select("main a[download]")}
    assert links == {
        "/rasina/directory/import/template.xlsx?lang=sr_Latn", "/rasina/directory/import/template.csv?lang=sr_Latn",
        "/rasina/directory/import/template.xlsx?lang=en", "/rasina/directory/import/template.csv?lang=en",
    }  # fmt: skip
    cyrillic = parse(admin.get("/rasina/directory/import", headers=CYRL).get_data(as_text=True))
    places = one(cyrillic, "details#values-municipality")
    assert "Брус" in [text_of(tr.td) for tr in places.select("tbody tr")]
    assert {a["href"] for a in cyrillic.select("main a[download]")} >= {
        "/rasina/directory/import/template.xlsx?lang=sr_Cyrl"
    }


def test_every_spelling_of_the_synonym_table_reads_as_its_code(app, space):
    """No spelling is lost to another code's label or spelling (an ambiguous one is dropped)."""
    from solidarna.directory import taxonomy
    from solidarna.directory.opendata.csv_codes import Lookups

    with app.test_request_context(headers=EN), tenant_context(space.id):
        lookups = Lookups(space)
        for column, synonyms in taxonomy.SYNONYMS.items():
            for code, spellings in synonyms.items():
                for spelling in spellings:
                    for written in (spelling, spelling.upper(), to_cyrillic(spelling)):
                        assert lookups.code(column, written) == code, (column, written)
