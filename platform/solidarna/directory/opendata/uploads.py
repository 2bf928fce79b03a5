"""Where an uploaded file (CSV or a workbook, kept as it was sent) waits between the preview
and the confirmation of an import.

In the instance folder under a random name, in a folder of its tenant and user
(imports/<tenant id>/<user id>/<32 hex>.upload): the client sends back only that random id, and
the server never uses a path or name it was sent. Files older than a day are removed."""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import abort, current_app, g
from flask_login import current_user

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600


def folder() -> Path:
    """This tenant's and person's folder of waiting uploads."""
    return Path(current_app.instance_path) / "imports" / str(g.tenant.id) / str(current_user.id)


def paths(upload_id: str) -> tuple[Path, Path, Path]:
    """(the file, its metadata, its report) for an upload id; 404 for anything but an id."""
    if not UPLOAD_ID.match(upload_id or ""):
        abort(404)
    here = folder()
    return (
        here / f"{upload_id}.upload",
        here / f"{upload_id}.json",
        here / f"{upload_id}.report.json",
    )


def _clean_old(here: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in here.glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def store(raw: bytes, filename: str) -> str:
    """Keep an uploaded file until it is confirmed; its new random id."""
    here = folder()
    here.mkdir(parents=True, exist_ok=True)
    _clean_old(here)
    upload_id = secrets.token_hex(16)
    data, meta, _report = paths(upload_id)
    data.write_bytes(raw)
    meta.write_text(json.dumps({"filename": filename}), encoding="utf-8")
    return upload_id


def display_name(filename: str | None) -> str:
    """The file name as the admin knows it, for source_detail: no folders, no control
    characters, at most 200 characters. It is only ever shown, never used as a path."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:200] or "import.csv"
