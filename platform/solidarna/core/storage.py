"""Uploads (DESIGN §7, §12): files people send, kept where the server chooses and served only
by a view that has checked who may have them.

- **Where**: a `Backend` stores bytes under a key the server makes
  (`<tenant id>/<2 hex>/<2 hex>/<32 random hex>`, no part of it from the person). The local
  file system backend keeps them under `UPLOAD_ROOT` (default `<instance>/uploads`, which
  `flask backup` takes along); the interface (save, open, delete) is what an S3-compatible
  store would implement, chosen by `UPLOAD_BACKEND`.
- **What**: the type comes from the content (`filetype`), never from the name or the
  browser's word, and must be on the allow-list of the use (`USES`: "documents" takes PDF,
  DOCX, XLSX, ODT, ODS, PNG, JPEG, plain text and CSV). Text has no magic number: it is text
  when it is UTF-8 without control characters and does not look like markup (HTML, XML, SVG
  are refused). PNG and JPEG are decoded and written again with Pillow, which drops their
  metadata (EXIF, GPS, comments) and refuses images of more than `UPLOAD_MAX_PIXELS`.
- **How much**: `UPLOAD_MAX_BYTES` (per use: `UPLOAD_MAX_BYTES_<USE>`), below the request
  limit `MAX_CONTENT_LENGTH`, so a file too large is answered on the form, with what was typed.
- **A record**: `StoredFile` (tenant-scoped): key, the original name (for display and the
  download's name only), type, size, sha256, who and when.
- **Serving**: `send_stored(file)` as an attachment (RFC 5987 `filename*`), `nosniff`, a
  sandboxing CSP and private, revalidated caching.

Files written in a transaction that is rolled back are removed again; files of rows deleted
later stay until `delete_file` is called (documents are deleted softly and keep them).
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from pathlib import Path
from typing import BinaryIO, Protocol

import filetype
from flask import Response, current_app, send_file
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column
from wtforms import ValidationError

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, utcnow
from solidarna.core.tenancy import current_tenant_id
from solidarna.extensions import db

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
KEY_PATTERN = re.compile(r"^[0-9]+/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}$")


@dataclass(frozen=True)
class Kind:
    """A type of file we accept somewhere: its MIME type, extension and a name people know."""

    mime: str
    extension: str
    label: str


KINDS = {
    "pdf": Kind("application/pdf", "pdf", "PDF"),
    "docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "DOCX"
    ),
    "xlsx": Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX"
    ),  # fmt: skip
    "odt": Kind("application/vnd.oasis.opendocument.text", "odt", "ODT"),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", "ods", "ODS"),
    "png": Kind("image/png", "png", "PNG"),
    "jpg": Kind("image/jpeg", "jpg", "JPEG"),
    "txt": Kind("text/plain; charset=utf-8", "txt", "TXT"),
    "csv": Kind("text/csv; charset=utf-8", "csv", "CSV"),
}
IMAGES = {"png": "PNG", "jpg": "JPEG"}


@dataclass(frozen=True)
class Use:
    """What an upload is for: the kinds it takes (keys of KINDS)."""

    name: str
    kinds: tuple[str, ...]
    #: images larger than this (width, height) are scaled down to fit, keeping the aspect
    max_dimensions: tuple[int, int] | None = None

    def max_bytes(self) -> int:
        config = current_app.config
        value = config.get(f"UPLOAD_MAX_BYTES_{self.name.upper()}") or config.get(
            "UPLOAD_MAX_BYTES"
        )
        return int(value or DEFAULT_MAX_BYTES)

    def labels(self) -> str:
        return ", ".join(KINDS[k].label for k in self.kinds)


USES = {
    "documents": Use(
        "documents", ("pdf", "docx", "xlsx", "odt", "ods", "png", "jpg", "txt", "csv")
    ),
    # a news post's picture (news/forms.py), shown on the post and when it is shared
    "news_images": Use("news_images", ("png", "jpg"), max_dimensions=(2400, 2400)),
    # a space's logo (tenants/settings.py): the header, the home page, the Open Graph image.
    # SVG is refused, not sanitized (docs/architecture.md "Space settings").
    "logo": Use("logo", ("png", "jpg"), max_dimensions=(1024, 1024)),
}


class UploadError(ValueError):
    """A file we do not take: the message is for the person; `status` the answer (413 too
    large, 422 otherwise)."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.status = status


# --- checking ------------------------------------------------------------------------------


@dataclass
class Checked:
    """A file that passed: its bytes (images re-encoded), its kind and its display name."""

    data: bytes
    kind: str
    original_name: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind].mime


def display_name(name: str | None) -> str:
    """The name a person gave the file, fit to show and to offer as the download's name: no
    folders, no control characters, NFC, at most 200 characters. Never used as a path."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "file"


MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|\?xml|meta|object|embed)",
                    re.IGNORECASE)  # fmt: skip
SVG = re.compile(rb"<\s*svg[\s>]", re.IGNORECASE)


def _is_text(data: bytes) -> bool:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(
        unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text
    ) and not MARKUP.search(data)


def _detect(data: bytes, original_name: str) -> str | None:
    """The kind of file the bytes are (a key of KINDS), or None."""
    guess = filetype.guess(data)
    if guess is not None:
        return guess.extension if guess.extension in KINDS else None
    if _is_text(data):
        return "csv" if original_name.lower().endswith(".csv") else "txt"
    return None


def _reencode(data: bytes, kind: str, max_dimensions: tuple[int, int] | None = None) -> bytes:
    """Decode and write the image again: only its pixels survive (no EXIF, GPS, comments,
    appended bytes); too many pixels (a decompression bomb) or an unreadable image is refused."""
    limit = int(current_app.config.get("UPLOAD_MAX_PIXELS") or DEFAULT_MAX_PIXELS)
    unreadable = UploadError(_l("The image cannot be read. Save it again as PNG or JPEG."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[IMAGES[kind]]) as image:
                width, height = image.size
                if width * height > limit:
                    raise UploadError(_l("The image is too large: at most %(mp)d megapixels.",
                                         mp=limit // 1_000_000), status=413)  # fmt: skip
                image.load()
                image = ImageOps.exif_transpose(image)
                if max_dimensions and (
                    image.width > max_dimensions[0] or image.height > max_dimensions[1]
                ):
                    image.thumbnail(max_dimensions, Image.Resampling.LANCZOS)
                out = io.BytesIO()
                if kind == "jpg":
                    if image.mode not in ("RGB", "L"):
                        image = image.convert("RGB")
                    image.save(out, "JPEG", quality=90, optimize=True)
                else:
                    image.save(out, "PNG", optimize=True)
                return out.getvalue()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(_l("The image is too large: at most %(mp)d megapixels.",
                             mp=limit // 1_000_000), status=413) from None  # fmt: skip
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise unreadable from None


def check(use: Use | str, upload) -> Checked:
    """Check a werkzeug FileStorage (or any object with `.stream` / `.read` and `.filename`)
    for `use`. Raises UploadError with the person's message."""
    use = USES[use] if isinstance(use, str) else use
    limit = use.max_bytes()
    stream = getattr(upload, "stream", upload)
    data = stream.read(limit + 1)
    original = display_name(getattr(upload, "filename", "") or "")
    if len(data) > limit:
        raise UploadError(
            _l("The file is too large: at most %(size)s.", size=human_size(limit)), status=413
        )
    if not data:
        raise UploadError(_l("The file is empty."))
    if SVG.search(data[:4096]) and filetype.guess(data) is None:
        raise UploadError(_l("SVG images are not accepted: send a PNG or JPEG instead."))
    kind = _detect(data, original)
    if kind is None or kind not in use.kinds:
        raise UploadError(
            _l("This type of file is not accepted. Accepted: %(kinds)s.", kinds=use.labels())
        )
    if kind in IMAGES:
        data = _reencode(data, kind, use.max_dimensions)
    return Checked(data, kind, original)


def human_size(size: int) -> str:
    from flask_babel import format_decimal

    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{format_decimal(round(size / 1024, 1))} KB"
    return f"{format_decimal(round(size / 1024 / 1024, 1))} MB"


class FileCheck:
    """A Flask-WTF FileField validator: the file is there, of an accepted kind and size. The
    checked file is left on the field (`field.checked`), and `field.status` says how to answer
    (413 for too large, 422 otherwise)."""

    def __init__(self, use: str, required: bool = True):
        self.use = use
        self.required = required
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form, field) -> None:
        field.checked = None
        field.status = 422
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            if self.required:
                raise ValidationError(_l("Choose a file."))
            return
        try:
            field.checked = check(self.use, upload)
        except UploadError as error:
            field.status = error.status
            raise ValidationError(str(error)) from None


# --- where the bytes are -----------------------------------------------------------------------


class Backend(Protocol):
    def save(self, key: str, data: bytes) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...


class LocalBackend:
    """Files under a root folder; the key is the relative path (checked against KEY_PATTERN,
    so nothing outside the root can be named)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not KEY_PATTERN.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def save(self, key: str, data: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def upload_root() -> Path:
    return Path(
        current_app.config.get("UPLOAD_ROOT") or Path(current_app.instance_path) / "uploads"
    )


def backend() -> Backend:
    name = current_app.config.get("UPLOAD_BACKEND") or "local"
    if name != "local":
        raise RuntimeError(f"UPLOAD_BACKEND={name!r}: only 'local' is implemented")
    return LocalBackend(upload_root())


def new_key(tenant_id: int) -> str:
    token = secrets.token_hex(16)
    return f"{tenant_id}/{token[:2]}/{token[2:4]}/{token}"


# --- the record ----------------------------------------------------------------------------


class StoredFile(TenantScoped, db.Model):
    __tablename__ = "stored_files"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    #: what it was uploaded for (a key of USES)
    use: Mapped[str] = mapped_column(String(20))
    #: the person's name for it, cleaned (display_name): shown and offered on download only
    original_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def download_name(self) -> str:
        """The original name with the extension of what the file is (a PNG named .pdf is
        offered as .png)."""
        stem = self.original_name
        if "." in stem:
            stem = stem.rsplit(".", 1)[0] or stem
        return f"{stem}.{KINDS[self.kind].extension}" if self.kind in KINDS else stem

    @property
    def human_size(self) -> str:
        return human_size(self.size)


WRITTEN = "solidarna.storage.written"


def store(checked: Checked, use: str, by=None) -> StoredFile:
    """Write the file and add its record (flushed; the caller commits). If the transaction is
    rolled back, the file is removed again."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise RuntimeError("storing a file needs a current tenant")
    key = new_key(tenant_id)
    store_backend = backend()
    store_backend.save(key, checked.data)
    db.session.info.setdefault(WRITTEN, []).append((store_backend, key))
    record = StoredFile(
        key=key, use=use, original_name=checked.original_name, kind=checked.kind,
        content_type=checked.content_type, size=len(checked.data),
        sha256=sha256(checked.data).hexdigest(), uploaded_by_id=getattr(by, "id", None),
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    return record


def delete_file(record: StoredFile) -> None:
    """Remove the bytes and the record for good (the caller commits)."""
    backend().delete(record.key)
    db.session.delete(record)


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove_written(session: Session) -> None:
    for store_backend, key in session.info.pop(WRITTEN, []):
        store_backend.delete(key)


# --- serving ---------------------------------------------------------------------------------

#: nothing in a served file may run or load anything, even if a browser renders it
SANDBOX_CSP = "sandbox; default-src 'none'"


def send_stored(record: StoredFile) -> Response:
    """The file as a download. Call it only after checking that the person may have it."""
    response = send_file(
        backend().open(record.key),
        mimetype=record.content_type,
        as_attachment=True,
        download_name=record.download_name,  # Flask writes filename*=UTF-8''... (RFC 5987)
        etag=record.sha256,
        max_age=0,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def send_image(record: StoredFile, public: bool, immutable: bool = False) -> Response:
    """An image (re-encoded on upload, so only pixels) shown inline, e.g. in an <img>. Call
    it only after checking that the person may see it. `public`: anyone may (a shared cache
    may keep it); `immutable`: the URL names this very file (it changes with the file)."""
    response = send_file(
        backend().open(record.key),
        mimetype=record.content_type,
        etag=record.sha256,
        max_age=0,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_CSP
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = (
        f"{scope}, max-age=31536000, immutable" if immutable else f"{scope}, no-cache"
    )
    return response
