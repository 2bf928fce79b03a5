"""CSV import for the space's administrators: template, upload, preview with every row's
problems, confirmation in one transaction, the report, and clear 4xx answers to bad files."""

import csv
import io
import os
import re

import pytest
from sqlalchemy import event, func

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.opendata import csvio
from solidarna.directory.opendata import services as opendata
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import Organization
from tests.conftest import Client

EN = {"Accept-Language": "en"}
VALID_PIB = "101134702"
OTHER_PIB = "113460262"
THIRD_PIB = "100026798"
HEADER = "name,legal_form,actor_type,municipality,pib,mb,kd_sections,vulnerable_groups,phone\n"


@pytest.fixture
def space(db, make_user, make_tenant):
    owner = make_user(email="owner@example.org", name="Vlasnica")
    make_user(email="admin2@example.org", name="Druga administratorka")
    member = make_user(email="member@example.org", name="Članica")
    admin2 = db.session.scalar(
        db.select(type(owner)).where(type(owner).email == "admin2@example.org")
    )
    tenant = make_tenant(
        "rasina",
        members={owner: "owner", admin2: "admin", member: "member"},
        region="RS-19",
        municipalities=["Kruševac", "Brus", "Trstenik"],
    )
    with tenant_context(tenant.id):
        services.create_organization(
            {"name": "Zadruga Rasinski med", "legal_form": "cooperative",
             "actor_type": "cooperative", "municipality": "Kruševac", "pib": VALID_PIB},
            {}, None, source="office", moderation="verified",
        )  # fmt: skip
        db.session.commit()
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
    match = re.search(r'name="upload_id" type="hidden" value="([0-9a-f]{32})"', html)
    assert match, html[:3000]
    return match.group(1)


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

    def problem(row, column, text):
        pattern = (
            rf"<td>{row}</td><td><code>{column}</code></td><td>[^<]*</td><td>[^<]*{re.escape(text)}"
        )
        assert re.search(pattern, html), f"row {row} {column}: {text}"

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
    assert re.search(r"<dt>Ready to import</dt><dd>3</dd>", html)
    assert re.search(r"<dt>With errors \(skipped\)</dt><dd>6</dd>", html)
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
    assert re.search(r"<dt>Created</dt><dd>3</dd>", report)
    assert re.search(r"<dt>Skipped</dt><dd>6</dd>", report)
    assert "check digit does not match" in report and "Atlantida" in report
    # Pending entries are not public yet; a second confirmation does nothing.
    assert "Zadruga Brusnica" not in Client(admin.app).get("/rasina/directory/").get_data(
        as_text=True
    )
    again = confirm(admin, html)
    assert again.status_code == 409 and "already been imported" in again.get_data(as_text=True)
    assert len(organizations(db, space)) == 4


def test_a_failure_during_the_import_writes_nothing_and_the_upload_can_be_retried(admin, space, db):
    html = upload(admin, MIXED).get_data(as_text=True)
    inserted = []

    def fail_on_the_second(mapper, connection, target):
        inserted.append(target.name)
        if len(inserted) == 2:
            raise RuntimeError("the database went away")

    event.listen(Organization, "before_insert", fail_on_the_second)
    try:
        with pytest.raises(RuntimeError):
            confirm(admin, html)
    finally:
        event.remove(Organization, "before_insert", fail_on_the_second)
    assert [o.name for o in organizations(db, space)] == ["Zadruga Rasinski med"]
    assert confirm(admin, html).status_code == 303
    assert len(organizations(db, space)) == 4


def test_verified_imports_are_public_at_once(admin, space, db):
    html = upload(admin, HEADER + "Zadruga Brusnica,zadruga,Cooperative,Брус,,,,,\n").get_data(
        as_text=True
    )
    assert confirm(admin, html, moderation="verified").status_code == 303
    page = Client(admin.app).get("/rasina/directory/").get_data(as_text=True)
    assert "Zadruga Brusnica" in page


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
        (os.urandom(200_000), 415, "not a text file"),
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
    assert f"Read as {label}" in html and f"<td>{name}</td>" in html
    assert confirm(admin, html).status_code == 303
    assert organizations(db, space)[-1].name == name


def test_an_export_imports_back(admin, space, db):
    exported = admin.get("/rasina/directory/export.csv").get_data()
    with tenant_context(space.id):
        db.session.execute(db.delete(Organization))
        db.session.commit()
    html = upload(admin, exported).get_data(as_text=True)
    assert "These columns are not imported" in html and "<code>url</code>" in html
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
    assert 'href="/rasina/directory/import"' in directory and "Import from CSV" in directory
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
