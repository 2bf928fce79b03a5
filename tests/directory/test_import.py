"""CSV import for the space's administrators: template, upload, preview with every row's
problems, confirmation in one transaction, the report, and clear 4xx answers to bad files."""

import csv
import datetime
import io
import random
import re
import zipfile

import flask_babel
import pytest
from markupsafe import escape
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.opendata import csvio, xlsx_reader
from solidarna.directory.opendata import services as opendata
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import Organization
from tests.conftest import EN, Client, definitions, one, parse, text_of

VALID_PIB = "101134702"
OTHER_PIB = "113460262"
THIRD_PIB = "100026798"
HEADER = "name,legal_form,actor_type,municipality,pib,mb,kd_sections,vulnerable_groups,phone\n"


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "admin2", "member") as tenant:
        entry("Zadruga Rasinski med", pib=VALID_PIB)
    return tenant


@pytest.fixture
def admin(client, space):
    client.login("owner@example.org")
    return client


def organizations(db, tenant) -> list[Organization]:
    with tenant_context(tenant.id):
        return db.session.scalars(db.select(Organization).order_by(Organization.id)).all()


def upload(client, content: bytes | str, filename="popis.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        "/rasina/directory/import",
        {"file": (io.BytesIO(content), filename)},
        headers=EN,
    )


def upload_id(html: str) -> str:
    value = one(html, 'form input[type="hidden"][name="upload_id"]')["value"]
    assert re.fullmatch(r"[0-9a-f]{32}", value), value
    return value


def table_rows(html) -> list[list[str]]:
    """The texts of the cells of every body row of the page's tables."""
    return [[text_of(td) for td in tr.select("td")] for tr in parse(html).select("tbody tr")]


def confirm(client, html, **fields):
    return client.post(
        "/rasina/directory/import/confirm",
        {"upload_id": upload_id(html), "moderation": "pending", **fields},
        headers=EN,
    )


MIXED = (
    HEADER
    + f"Zadruga Brusnica,cooperative,cooperative,Brus,{OTHER_PIB},,A|C,rural_women,037 111 222\n"
    + "Loš PIB doo,doo,company_partner,Kruševac,101134703,,,,\n"
    + "Nepoznato mesto,association,association,Atlantida,,,,,\n"
    + "Daleko udruženje,association,association,Novi Sad,,,,,\n"
    + "Čudna forma,xyz,cooperative,Trstenik,,,Z,,\n"
    + f"Ponovljena Brusnica,cooperative,cooperative,Brus,{OTHER_PIB},,,,\n"
    + f"Već postoji,cooperative,cooperative,Kruševac,{VALID_PIB},,,,\n"
    + "Ћирилична задруга,Задруга,cooperative,Трстеник,,17162544,7022,roma,\n"
    + "\n"
    + '"Udruženje ""Ruke""",association,association,trstenik,,,"Q, P",disability,\n'
)


def test_template_has_the_header_and_one_fictional_row(client, space):
    response = client.get("/rasina/directory/import/template.csv", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert tuple(rows[0]) == opendata.COLUMNS == opendata.EXPORT_COLUMNS[1:27]
    assert len(rows) == 2 and rows[1][0].startswith("EXAMPLE")
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["municipality"] == "Brus"  # the first of the space's municipalities
    assert example["pib"] == "" and example["contact_email"].endswith("@example.org")


def test_the_template_example_row_is_not_imported_by_mistake(admin, space):
    template = admin.get("/rasina/directory/import/template.csv").get_data()
    response = upload(admin, template, "template.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "example row" in html and "No row can be imported" in html


def test_preview_lists_every_problem_and_writes_nothing(admin, space, db):
    response = upload(admin, MIXED)
    assert response.status_code == 200
    html = response.get_data(as_text=True)

    problems = table_rows(html)

    def problem(row, column, text):
        assert [p for p in problems if p[:2] == [str(row), column] and text in p[3]], (
            f"row {row} {column}: {text}"
        )

    problem(3, "pib", "check digit does not match")
    problem(4, "municipality", "Unknown municipality “Atlantida”")
    problem(5, "municipality", "Novi Sad is outside the area this space covers")
    problem(6, "legal_form", "“xyz” is not one of the known values")
    problem(6, "kd_sections", "Unknown values: “Z”")
    problem(7, "pib", "The same organization as in row 2")
    problem(8, "pib", "An entry with this PIB already exists: Zadruga Rasinski med")
    problem(9, "mb", "check digit of this registration number looks wrong")  # a warning
    assert "Nothing has been saved yet." in html
    # Rows 2, 9 (Cyrillic, a warning only) and 11 (after a blank line) can be imported.
    figures = definitions(html)
    assert figures["Ready to import"] == "3" and figures["With errors (skipped)"] == "6"
    assert "Import 3 entries" in html
    assert [o.name for o in organizations(db, space)] == ["Zadruga Rasinski med"]
    assert (
        db.session.scalar(
            db.select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "directory.imported")
        )
        == 0
    )


def test_confirm_creates_exactly_the_valid_rows_in_one_transaction(admin, space, db):
    html = upload(admin, MIXED, "Popis Rasina 2025.csv").get_data(as_text=True)
    response = confirm(admin, html)
    assert response.status_code == 303
    report_url = response.headers["Location"]
    created = {o.name: o for o in organizations(db, space)[1:]}
    assert set(created) == {"Zadruga Brusnica", "Ћирилична задруга", 'Udruženje "Ruke"'}
    brusnica = created["Zadruga Brusnica"]
    assert (brusnica.source, brusnica.source_detail, brusnica.moderation) == (
        "imported",
        "Popis Rasina 2025.csv",
        "pending",
    )
    assert brusnica.pib == OTHER_PIB and brusnica.tag_values("kd") == ["A", "C"]
    assert brusnica.phone == "037 111 222"
    cyrillic = created["Ћирилична задруга"]
    assert (cyrillic.municipality, cyrillic.legal_form, cyrillic.tag_values("kd")) == (
        "Trstenik",
        "cooperative",
        ["M"],  # APR activity code 7022 is in section M
    )
    assert created['Udruženje "Ruke"'].tag_values("kd") == ["P", "Q"]
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "directory.imported")
    )
    assert entry.details["created"] == 3 and entry.details["skipped"] == 6
    assert entry.details["filename"] == "Popis Rasina 2025.csv"
    report = admin.get(report_url, headers=EN).get_data(as_text=True)
    assert definitions(report)["Created"] == "3" and definitions(report)["Skipped"] == "6"
    assert "check digit does not match" in report and "Atlantida" in report
    # Pending entries are not public yet; a second confirmation does nothing.
    assert "Zadruga Brusnica" not in Client(admin.app).get("/rasina/directory/").get_data(
        as_text=True
    )
    again = confirm(admin, html)
    assert again.status_code == 409 and "already been imported" in again.get_data(as_text=True)
    assert len(organizations(db, space)) == 4


def test_a_failure_during_the_import_writes_nothing_and_the_upload_can_be_retried(admin, space, db):
    """Every attempt fails (the job is tried 1 + JOBS_RETRIES times): nothing is written, the
    admin is told, and the same upload can be confirmed again."""
    html = upload(admin, MIXED).get_data(as_text=True)
    inserted = []

    def fail_on_the_second(mapper, connection, target):
        inserted.append(target.name)
        if len(inserted) % 2 == 0:
            raise RuntimeError("the database went away")

    event.listen(Organization, "before_insert", fail_on_the_second)
    try:
        response = confirm(admin, html)
    finally:
        event.remove(Organization, "before_insert", fail_on_the_second)
    assert response.status_code == 303
    assert len(inserted) == 2 * (1 + admin.app.config["JOBS_RETRIES"])  # every attempt ran
    assert [o.name for o in organizations(db, space)] == ["Zadruga Rasinski med"]
    page = admin.get(response.headers["Location"], headers=EN)
    assert page.status_code == 200
    assert "The import failed" in text_of(one(page, "h1"))
    assert "Nothing was changed" in page.get_data(as_text=True)
    assert confirm(admin, html).status_code == 303
    assert len(organizations(db, space)) == 4


def test_a_failed_attempt_is_retried_and_imports_once(admin, space, db):
    html = upload(admin, MIXED).get_data(as_text=True)
    inserted = []

    def fail_once(mapper, connection, target):
        inserted.append(target.name)
        if len(inserted) == 2:
            raise RuntimeError("the database went away")

    event.listen(Organization, "before_insert", fail_once)
    try:
        response = confirm(admin, html)
    finally:
        event.remove(Organization, "before_insert", fail_once)
    assert len(organizations(db, space)) == 4  # the retry created the three, once
    report = admin.get(response.headers["Location"], headers=EN)
    assert definitions(report)["Created"] == "3"


def test_verified_imports_are_public_at_once(admin, space, db):
    html = upload(admin, HEADER + "Zadruga Brusnica,zadruga,Cooperative,Брус,,,,,\n").get_data(
        as_text=True
    )
    assert confirm(admin, html, moderation="verified").status_code == 303
    page = Client(admin.app).get("/rasina/directory/").get_data(as_text=True)
    assert "Zadruga Brusnica" in page


def test_imported_entries_start_with_the_space_s_privacy_defaults(admin, space, db):
    """The owners' defaults (settings, `default_field_visibility`) are stored with each new
    entry; without them an entry follows the platform's (nothing stored)."""
    row = HEADER + "Zadruga Brusnica,zadruga,Cooperative,Brus,,,,,037 111 222\n"
    assert confirm(admin, upload(admin, row).get_data(as_text=True)).status_code == 303
    first = [o for o in organizations(db, space) if o.name == "Zadruga Brusnica"][0]
    assert first.field_visibility in ({}, None) and first.visibility_of("phone") == "members"
    space.taxonomies = {"default_field_visibility": {"phone": "public", "employees": "admins"}}
    db.session.commit()
    row = HEADER + "Zadruga Kupinovo,zadruga,Cooperative,Brus,,,,,037 111 333\n"
    assert confirm(admin, upload(admin, row).get_data(as_text=True)).status_code == 303
    second = [o for o in organizations(db, space) if o.name == "Zadruga Kupinovo"][0]
    assert second.visibility_of("phone") == "public"
    assert second.visibility_of("employees") == "admins"
    assert second.visibility_of("turnover_band") == "admins"  # the platform's, kept
    assert first.visibility_of("phone") == "members"  # entries already there keep theirs


def test_possible_duplicates_are_skipped_unless_the_admin_chooses_them(admin, space, db):
    content = HEADER + "Zadruga Rasinski med DOO,cooperative,cooperative,Kruševac,,,,,\n"
    html = upload(admin, content).get_data(as_text=True)
    assert "Possible duplicate of: Zadruga Rasinski med" in html
    assert "Also import the rows marked as possible duplicates" in html
    assert confirm(admin, html).status_code == 303
    assert len(organizations(db, space)) == 1
    html = upload(admin, content).get_data(as_text=True)
    assert confirm(admin, html, include_similar="y").status_code == 303
    assert len(organizations(db, space)) == 2


def test_bulk_duplicate_check_agrees_with_find_duplicates(app, space, db):
    with app.test_request_context(), tenant_context(space.id):
        for name in ("Zadruga Rasinski med", "Zadruga Rasinski med doo", "Pčelarska zadruga"):
            table = csvio.read(
                f"name,legal_form,actor_type,municipality\n{name},zadruga,cooperative,Kruševac\n".encode()
            )
            row = csvio.validate(table, space)[0]
            expected = [o.id for o in services.find_duplicates(name, "Kruševac")]
            assert [id_ for id_, _ in row.similar] == expected


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"", 422, "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", 422, "The file is empty."),
        (HEADER.encode(), 422, "The file has column names but no entries."),
        (b"naziv;pib\nZadruga;101134702\n", 422, "legal_form, actor_type, municipality"),
        (b"PK\x03\x04" + b"\x00" * 200, 422, "looks like an Excel workbook but is damaged"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 200, 415, "Excel 97–2003 workbook (.xls)"),
        (b"\x00\x9c" + random.Random(7).randbytes(200_000), 415, "not a text file"),
        (b"\xef\xbb\xbfname\n\xff\xfe\n", 415, "says it is UTF-8 but is not"),
        (b"x" * (csvio.MAX_BYTES + 10), 413, "larger than 5 MB"),
        (
            (
                HEADER + "Zadruga,cooperative,cooperative,Brus,,,,,\n" * (csvio.MAX_ROWS + 1)
            ).encode(),
            413,
            f"more than {csvio.MAX_ROWS:,} rows",
        ),
        (b'name,legal_form,actor_type,municipality\n"unclosed\0,x,y,z\n', 415, "not a text file"),
    ],
)
def test_bad_files_get_a_clear_4xx(admin, space, db, content, status, message):
    response = upload(admin, content)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert len(organizations(db, space)) == 1


def test_no_file_and_too_large_requests(admin, space):
    response = admin.post("/rasina/directory/import", {}, headers=EN)
    assert (
        response.status_code == 422
        and "Choose a CSV or Excel (.xlsx) file." in response.get_data(as_text=True)
    )
    big = b"x" * (17 * 1024 * 1024)  # over the app-wide MAX_CONTENT_LENGTH
    assert upload(admin, big).status_code == 413


@pytest.mark.parametrize(
    ("encoding", "name", "place", "label"),
    [
        ("cp1250", "Zadruga Šljiva Ćićevac", "Kruševac", "Windows-1250"),
        ("cp1251", "Задруга Шљива", "Крушевац", "Windows-1251"),
        ("utf-16", "Zadruga Đurđevak", "Brus", "UTF-16"),
    ],
)
def test_excel_encodings_and_semicolons_are_read(admin, space, db, encoding, name, place, label):
    text = f"name;legal_form;actor_type;municipality\r\n{name};zadruga;cooperative;{place}\r\n"
    response = upload(admin, text.encode(encoding))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert f"Read as {label}" in html and [name] in [row[1:2] for row in table_rows(html)]
    assert confirm(admin, html).status_code == 303
    assert organizations(db, space)[-1].name == name


def test_an_export_imports_back(admin, space, db):
    exported = admin.get("/rasina/directory/export.csv").get_data()
    with tenant_context(space.id):
        db.session.execute(db.delete(Organization))
        db.session.commit()
    html = upload(admin, exported).get_data(as_text=True)
    assert "These columns are not imported" in html
    assert "url" in [text_of(code) for code in parse(html).select("code")]
    assert confirm(admin, html).status_code == 303
    assert [o.pib for o in organizations(db, space)] == [VALID_PIB]


def test_only_admins_import_and_uploads_belong_to_their_admin(client, space, db):
    assert client.get("/rasina/directory/import").status_code == 302
    client.login("member@example.org")
    assert client.get("/rasina/directory/import").status_code == 403
    assert upload(client, MIXED).status_code == 403
    owner = Client(client.app)
    owner.login("owner@example.org")
    directory = owner.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    links = {text_of(a): a["href"] for a in parse(directory).select("main a")}
    assert links["Import from CSV or Excel"] == "/rasina/directory/import"
    html = upload(owner, MIXED).get_data(as_text=True)
    other = Client(client.app)
    other.login("admin2@example.org")
    assert confirm(other, html).status_code == 409  # not her upload
    assert confirm(client, html).status_code == 403
    assert len(organizations(db, space)) == 1
    response = confirm(owner, html)
    assert response.status_code == 303
    assert other.get(response.headers["Location"]).status_code == 404
    assert owner.get(response.headers["Location"]).status_code == 200
    bad = owner.post(
        "/rasina/directory/import/confirm",
        {"upload_id": "../../secret_key", "moderation": "pending"},
    )
    assert bad.status_code == 400


# --- one rule for a row and the web form ----------------------------------------------------------

SR = {"Accept-Language": "sr-Latn"}
BASE_ROW = {
    "name": "Zadruga Brusnica",
    "legal_form": "cooperative",
    "actor_type": "cooperative",
    "municipality": "Brus",
}


def row_problems(app, space, headers, **cells) -> list[tuple[str, str]]:
    """(column, message) of every error of one CSV row, checked as the import checks it."""
    values = {**BASE_ROW, **cells}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(values)
    writer.writerow(values.values())
    with app.test_request_context(headers=headers), tenant_context(space.id):
        flask_babel.refresh()  # the test's app context may hold another request's locale
        row = csvio.validate(csvio.read(buffer.getvalue().encode()), space)[0]
        return [(p.column, p.message) for p in row.errors]


def web_form_page(app, headers, **fields) -> tuple[int, str]:
    client = Client(app)
    client.login("member@example.org")
    response = client.post("/rasina/directory/new", {**BASE_ROW, **fields}, headers=headers)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "column", "value", "message"),
    [
        ("latitude", "latitude", "47.5", "A latitude in Serbia is between 41.8 and 46.2."),
        ("longitude", "longitude", "17", "A longitude in Serbia is between 18.8 and 23.1."),
        ("latitude", "latitude", "NaN", "Enter a number, like 43.58."),
        ("name", "name", "Z" * 201, "Use at most 200 characters."),
        ("name", "name", "Z", "Use at least 2 characters."),
        ("legal_form", "legal_form", "xyz", "“xyz” is not one of the known values."),
        ("pib", "pib", "101134703", "This PIB is not valid: its check digit does not match."),
        ("pib", "pib", "12345", "A PIB has exactly 9 digits."),
        ("contact_email", "contact_email", "ime@", "Enter a valid e-mail address, like ime@primer.rs."),
        ("municipality", "municipality", "Novi Sad", "Novi Sad is outside the area this space covers."),
        ("municipality", "municipality", "Atlantida", "Unknown municipality “Atlantida”."),
        ("kd", "kd_sections", "Z", "Unknown values: “Z”."),
        ("employees_total", "employees_total", "-3", "Enter a whole number from 0 to 100,000."),
        ("website", "website", "ftp://x.rs", "Enter an address that starts with https:// or http://."),
    ],
)  # fmt: skip
def test_a_row_and_the_web_form_refuse_a_value_with_the_same_message(
    app, space, field, column, value, message
):
    other = {"latitude": "44.0", "longitude": "21.0"}  # the pair rule is not what is tested here
    extra = {k: v for k, v in other.items() if field in other and k != field}
    for headers in (EN, SR):
        problems = row_problems(app, space, headers, **{column: value}, **extra)
        assert len(problems) == 1 and problems[0][0] == column, problems
        if headers is EN:
            assert problems[0][1] == message
        status, html = web_form_page(app, headers, **{field: value}, **extra)
        assert status == 422
        assert str(escape(problems[0][1])) in html
    assert len(organizations(app.extensions["sqlalchemy"], space)) == 1


@pytest.mark.parametrize(
    ("name", "similar"),
    [
        ("Zadruga Rasinski med DOO", True),  # the same name without the legal-form word
        ("„Rasinski med” d.o.o.", True),  # quotes and a dotted legal form
        ("Rasinski medovi", True),  # rapidfuzz ratio 89 of "rasinski med"
        ("Rasinski vez", False),  # 83: below services.SIMILAR_NAME
    ],
)
def test_similar_names_warn_alike_in_the_web_form_and_the_import(admin, space, db, name, similar):
    html = upload(
        admin, f"name,legal_form,actor_type,municipality\n{name},zadruga,cooperative,Kruševac\n"
    ).get_data(as_text=True)
    assert ("Possible duplicate of: Zadruga Rasinski med" in html) is similar
    status, page = web_form_page(admin.app, EN, name=name, municipality="Kruševac")
    assert (status == 409 and "Similar entries already exist" in page) is similar
    assert status == (409 if similar else 303)


# --- Excel workbooks --------------------------------------------------------------------------------

XLSX_ROWS = [
    ["name", "legal_form", "actor_type", "municipality", "pib", "founding_year",
     "employees_total", "latitude", "longitude", "kd_sections", "phone", "last_confirmed"],
    ["Zadruga Brusnica", "Zadruga", "cooperative", "Брус", int(OTHER_PIB), 2019, 4, 43.58,
     21.33, "A; C", "037 111 222", datetime.date(2025, 3, 1)],
    [None] * 12,  # a blank row is skipped, as in CSV
    ['Udruženje "Ruke"', "association", "Association (CSO)", "trstenik", None, 2020.0,
     "=2+2", None, None, 7022, None, datetime.datetime(2025, 3, 2, 0, 0)],
]  # fmt: skip
XLSX_AS_CSV = (
    "name,legal_form,actor_type,municipality,pib,founding_year,employees_total,latitude,"
    "longitude,kd_sections,phone,last_confirmed\n"
    f"Zadruga Brusnica,Zadruga,cooperative,Брус,{OTHER_PIB},2019,4,43.58,21.33,A; C,"
    "037 111 222,2025-03-01\n"
    ",,,,,,,,,,,\n"
    '"Udruženje ""Ruke""",association,Association (CSO),trstenik,,2020,4,,,7022,,2025-03-02\n'
)


def workbook(rows, title="Popis") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_formulas(raw: bytes, value: str) -> bytes:
    """The workbook as a spreadsheet program saves it: each formula with its last value
    (openpyxl writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb"(</f>)<v\s*(?:/>|></v>)", rb"\1<v>" + value.encode() + b"</v>", data
                )
            target.writestr(info, data)
    return buffer.getvalue()


def test_a_workbook_reads_as_the_same_table_as_its_csv(app, space):
    raw = with_cached_formulas(workbook(XLSX_ROWS), "4")
    with app.test_request_context(headers=EN):
        from_xlsx = csvio.read(raw, "popis.csv")  # the content decides, not the name
        from_csv = csvio.read(XLSX_AS_CSV.encode())
    assert from_xlsx.sheet == "Popis" and from_xlsx.columns == from_csv.columns
    assert [(n, cells[:12]) for n, cells in from_xlsx.rows] == from_csv.rows
    assert from_xlsx.rows[1][0] == 4  # spreadsheet row numbers, the blank row counted


def test_a_workbook_imports_like_the_csv(admin, space, db):
    raw = with_cached_formulas(workbook(XLSX_ROWS), "4")
    response = upload(admin, raw, "Popis Rasina.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert "Read from the worksheet “Popis” of an Excel workbook." in html
    assert "Import 2 entries" in html
    assert confirm(admin, html).status_code == 303
    created = {o.name: o for o in organizations(db, space)[1:]}
    brusnica, ruke = created["Zadruga Brusnica"], created['Udruženje "Ruke"']
    assert (brusnica.pib, brusnica.founding_year, brusnica.employees_total) == (OTHER_PIB, 2019, 4)
    assert (brusnica.municipality, brusnica.latitude, brusnica.tag_values("kd")) == (
        "Brus",
        43.58,
        ["A", "C"],
    )
    assert (ruke.actor_type, ruke.founding_year, ruke.employees_total) == ("association", 2020, 4)
    assert ruke.tag_values("kd") == ["M"] and brusnica.source_detail == "Popis Rasina.xlsx"


def test_the_workbook_template_reads_back_and_its_example_is_refused(admin, space):
    response = admin.get("/rasina/directory/import/template.xlsx", headers=EN)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="rasina-import-template-en.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert tuple(rows[0]) == opendata.COLUMNS and rows[1][0].startswith("EXAMPLE")
    assert rows[1][opendata.COLUMNS.index("employees_total")] == 4
    refused = upload(admin, response.get_data(), "template.xlsx")
    assert refused.status_code == 422 and "example row" in refused.get_data(as_text=True)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _broken_sheet() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook(XLSX_ROWS)))
    return _zip(
        {
            name: b"<worksheet><sheetData><row" if name.startswith("xl/worksheets/") else data
            for name, data in ((n, source.read(n)) for n in source.namelist())
        }
    )


@pytest.mark.parametrize(
    ("content", "filename", "status", "message"),
    [
        (lambda: workbook(XLSX_ROWS)[:3000], "popis.xlsx", 422, "looks like an Excel workbook but is damaged"),
        (_broken_sheet, "popis.xlsx", 422, "This Excel workbook is damaged and cannot be read."),
        (lambda: workbook([]), "popis.xlsx", 422, "The first worksheet (“Popis”) is empty."),
        (lambda: workbook([[None, None], [" ", None]]), "prazno.xlsx", 422, "The first worksheet (“Popis”) is empty."),
        (lambda: workbook(XLSX_ROWS[:1]), "popis.xlsx", 422, "The file has column names but no entries."),
        (lambda: workbook([["naziv", "pib"], ["Zadruga", 1]]), "popis.xlsx", 422, "legal_form, actor_type, municipality"),
        (lambda: workbook([XLSX_ROWS[0]] + [XLSX_ROWS[1]] * (csvio.MAX_ROWS + 1)), "popis.xlsx", 413, f"more than {csvio.MAX_ROWS:,} rows"),
        (lambda: MIXED.encode(), "popis.xlsx", 415, "named like an Excel workbook (.xlsx) but is not one"),
        (lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "popis.ods", 415, "OpenDocument spreadsheet (.ods)"),
        (lambda: _zip({"popis.csv": MIXED.encode()}), "popis.zip", 415, "a ZIP archive, not an Excel workbook"),
    ],
)  # fmt: skip
def test_bad_workbooks_get_a_clear_4xx_and_nothing_is_imported(
    admin, space, db, content, filename, status, message
):
    response = upload(admin, content(), filename)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:2000]
    assert message in html and "The file cannot be imported." in html
    assert len(organizations(db, space)) == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (4, "4"),
        (4.0, "4"),
        (101134702.0, "101134702"),
        (43.58, "43.58"),
        (True, "TRUE"),
        (datetime.date(2025, 3, 1), "2025-03-01"),
        (datetime.datetime(2025, 3, 1, 0, 0), "2025-03-01"),
        (datetime.datetime(2025, 3, 1, 9, 30), "2025-03-01 09:30:00"),
        (" Brus ", " Brus "),
    ],
)
def test_workbook_cells_read_as_the_text_a_csv_file_holds(value, text):
    assert xlsx_reader.cell_text(value) == text
