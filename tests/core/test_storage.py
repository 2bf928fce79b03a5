"""Uploads (core/storage.py): the type comes from the content against the use's allow-list,
sizes from the configuration, images are written again without their metadata, SVG and
markup are refused, files live under server-chosen keys and are served as attachments with
nosniff and a sandboxing CSP."""

from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager

import pytest
from docx import Document
from flask_babel import force_locale
from PIL import Image
from werkzeug.datastructures import FileStorage

from solidarna.core import storage
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db


def png_bytes(size=(8, 8), exif=False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010E] = "tajni.opis.slike"  # ImageDescription
        image.save(out, "PNG", exif=data.tobytes())
    else:
        image.save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (16, 16), (10, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "TajnaKamera"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def docx_bytes(text="Zapisnik sa sastanka") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


@contextmanager
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "izvestaj.pdf", "pdf"),
        (docx_bytes(), "zapisnik.docx", "docx"),
        (png_bytes(), "slika.png", "png"),
        (png_bytes(), "prerusena.pdf", "png"),  # a PNG named .pdf is a PNG
        ("Beleška: ćčžšđ\n".encode(), "beleska.txt", "txt"),
        (b"naziv;iznos\nZadruga;100\n", "budzet.csv", "csv"),
        (jpeg_with_exif(), "foto.jpeg", "jpg"),
    ],
)
def test_the_kind_comes_from_the_content(app, data, name, kind):
    with english(app):
        checked = storage.check("documents", upload(data, name))
    assert checked.kind == kind
    assert checked.content_type == storage.KINDS[kind].mime


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (HTML, "stranica.html"),
        (HTML, "stranica.txt"),  # markup under a text name is still markup
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "program.pdf"),
        (b"\x00\x01\x02binary", "podaci.csv"),
        (None, "arhiva.zip"),
    ],
)
def test_what_is_not_on_the_list_is_refused(app, data, name):
    if data is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("a.txt", "x")
        data = out.getvalue()
    with english(app), pytest.raises(storage.UploadError) as refused:
        storage.check("documents", upload(data, name))
    assert "not accepted" in str(refused.value)
    assert refused.value.status == 422


def test_svg_is_refused_with_its_own_message(app):
    with english(app), pytest.raises(storage.UploadError) as refused:
        storage.check("documents", upload(SVG, "logo.svg"))
    assert "SVG" in str(refused.value)


def test_empty_and_too_large_files(app):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    with english(app):
        with pytest.raises(storage.UploadError) as empty:
            storage.check("documents", upload(b"", "prazan.pdf"))
        assert "empty" in str(empty.value)
        with pytest.raises(storage.UploadError) as large:
            storage.check("documents", upload(PDF + b"0" * 1000, "veliki.pdf"))
        assert large.value.status == 413 and "too large" in str(large.value)
        # a per-use limit overrides the general one
        app.config["UPLOAD_MAX_BYTES_DOCUMENTS"] = 5000
        assert storage.check("documents", upload(PDF + b"0" * 1000, "veliki.pdf")).kind == "pdf"


def test_images_lose_their_metadata(app):
    with english(app):
        jpeg = storage.check("documents", upload(jpeg_with_exif(), "foto.jpg"))
        png = storage.check("documents", upload(png_bytes(exif=True), "slika.png"))
    assert b"TajnaKamera" in jpeg_with_exif() and b"TajnaKamera" not in jpeg.data
    assert b"tajni.opis.slike" in png_bytes(exif=True) and b"tajni.opis.slike" not in png.data
    assert Image.open(io.BytesIO(jpeg.data)).size == (16, 16)


def test_a_decompression_bomb_is_refused(app):
    app.config["UPLOAD_MAX_PIXELS"] = 1_000_000
    bomb = png_bytes(size=(2000, 2000))  # 4 megapixels of one colour: a few KB on the wire
    with english(app), pytest.raises(storage.UploadError) as refused:
        storage.check("documents", upload(bomb, "bomba.png"))
    assert refused.value.status == 413


def test_a_broken_image_is_refused(app):
    broken = png_bytes()[:40]
    with english(app), pytest.raises(storage.UploadError) as refused:
        storage.check("documents", upload(broken, "pokvarena.png"))
    assert "cannot be read" in str(refused.value)


def test_display_names_are_cleaned_and_never_a_path():
    assert storage.display_name("../../etc/passwd") == "passwd"
    assert storage.display_name("C:\\Users\\ana\\izveštaj.pdf") == "izveštaj.pdf"
    assert storage.display_name("a\x00b\u202ec.pdf") == "abc.pdf"
    assert storage.display_name("") == "file"
    assert len(storage.display_name("x" * 300 + ".pdf")) == 200


def test_files_are_stored_under_server_keys_and_served_as_attachments(app, make_tenant, tmp_path):
    app.config["UPLOAD_ROOT"] = str(tmp_path / "files")
    tenant = make_tenant("alfa")
    with app.test_request_context(), tenant_context(tenant.id):
        checked = storage.check("documents", upload(png_bytes(), "../Zapisnik ćirilica.pdf"))
        record = storage.store(checked, "documents")
        db.session.commit()
        assert storage.KEY_PATTERN.match(record.key) and record.key.startswith(f"{tenant.id}/")
        path = tmp_path / "files" / record.key
        assert path.read_bytes() == checked.data
        assert record.sha256 and record.size == len(checked.data)
        response = storage.send_stored(record)
        response.direct_passthrough = False
        assert response.get_data() == checked.data
    assert response.headers["Content-Type"] == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Zapisnik%20%C4%87irilica.png" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_a_file_of_a_rolled_back_transaction_is_removed(app, make_tenant, tmp_path):
    app.config["UPLOAD_ROOT"] = str(tmp_path / "files")
    tenant = make_tenant("alfa")
    with app.test_request_context(), tenant_context(tenant.id):
        record = storage.store(storage.check("documents", upload(PDF, "a.pdf")), "documents")
        path = tmp_path / "files" / record.key
        assert path.exists()
        db.session.rollback()
        assert not path.exists()


def test_the_local_backend_names_nothing_outside_its_root(tmp_path):
    backend = storage.LocalBackend(tmp_path)
    for key in ("../x", "1/../../etc/passwd", "/etc/passwd", "1/aa/bb/" + "g" * 32):
        with pytest.raises(ValueError):
            backend.path(key)


def test_another_backend_is_refused_clearly(app):
    app.config["UPLOAD_BACKEND"] = "s3"
    with english(app), pytest.raises(RuntimeError, match="only 'local'"):
        storage.backend()
