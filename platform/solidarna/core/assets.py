"""Static files: names that carry their content's hash, the build that precompresses them, and
how they are served.

Every file under static/ has a hashed name, ``css/app.css`` -> ``css/app.1a2b3c4d5e6f.css``
(the first 12 hex digits of the SHA-256 of its bytes), computed when the app starts from the
files themselves and kept in memory. ``url_for('static', filename='css/app.css')`` returns the
hashed name everywhere (a URL-defaults hook), so a page always names the exact bytes it was
rendered with and a browser may keep them for a year: a changed file has a new name.

``flask assets build`` writes each file under its hashed name into ``STATIC_BUILD_DIR``
(default ``build/static``, not committed) with gzip and brotli siblings (``.gz``, ``.br``,
when they are smaller), and WhiteNoise serves that folder in front of the app: the
precompressed file the client accepts, ``Cache-Control: public, max-age=31536000,
immutable``, ETag and 304, without entering Flask. Files the build has not written (no build
yet, or a file changed since) are served by the app's own ``static`` view from static/: the
current hash with the same immutable caching, an unhashed or outdated name with a short
``STATIC_MAX_AGE``, uncompressed.

With ``STATIC_AUTOREFRESH`` (on except in production) each lookup checks the file's size and
modification time, so an edited file gets its new hash without a restart.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app, send_from_directory
from werkzeug.security import safe_join

#: hex digits of the SHA-256 in a hashed name
DIGEST_LENGTH = 12
#: a year, the longest max-age caches honour
FOREVER = 365 * 24 * 3600
#: a hashed file name: stem, digest, optional extension
HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.\w+)?$")
COMPRESSED_SUFFIXES = (".gz", ".br")


def hashed_name(relative: str, digest: str) -> str:
    """``css/app.css`` + digest -> ``css/app.<digest>.css``; ``LICENSE`` -> ``LICENSE.<digest>``."""
    folder, slash, name = relative.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:  # no extension, or a name like ".htaccess"
        return f"{folder}{slash}{name}.{digest}"
    return f"{folder}{slash}{stem}.{digest}.{suffix}"


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:DIGEST_LENGTH]


@dataclass(frozen=True)
class Asset:
    relative: str  # path under static/, with forward slashes
    hashed: str  # the same with the content's digest in the name
    mtime_ns: int
    size: int


class Manifest:
    """The hashed name of every file under `root`, computed from the files' contents."""

    def __init__(self, root: Path | str, refresh: bool = False) -> None:
        self.root = Path(root)
        self.refresh = refresh
        self._assets: dict[str, Asset] = {}
        self._by_hashed: dict[str, str] = {}
        for path in sorted(_files(self.root)):
            self._add(path.relative_to(self.root).as_posix(), path)

    def __iter__(self):
        return iter(list(self._assets.values()))

    def _add(self, relative: str, path: Path) -> Asset | None:
        try:
            stat = path.stat()
            asset = Asset(
                relative, hashed_name(relative, file_digest(path)), stat.st_mtime_ns, stat.st_size
            )
        except OSError:
            return None
        old = self._assets.get(relative)
        if old is not None and old.hashed != asset.hashed:
            self._by_hashed.pop(old.hashed, None)
        self._assets[relative] = asset
        self._by_hashed[asset.hashed] = relative
        return asset

    def asset(self, relative: str) -> Asset | None:
        """The file's current entry; in refresh mode checked against the disk first."""
        known = self._assets.get(relative)
        if not self.refresh:
            return known
        joined = safe_join(str(self.root), relative)
        if joined is None:
            return None
        path = Path(joined)
        try:
            stat = path.stat()
        except OSError:
            return None
        if not path.is_file() or _skipped(path.name):
            return None
        if known is not None and (known.mtime_ns, known.size) == (stat.st_mtime_ns, stat.st_size):
            return known
        return self._add(relative, path)

    def url_name(self, relative: str) -> str | None:
        """The hashed name to put in a URL, or None for a file that does not exist."""
        asset = self.asset(relative)
        return asset.hashed if asset is not None else None

    def resolve(self, requested: str) -> tuple[str, bool]:
        """The file under static/ a requested name means, and whether the name is its current
        hashed one (then it may be cached for ever). An outdated hash (a page rendered before
        a deployment) still gets the current file, briefly cached."""
        original = self._by_hashed.get(requested)
        if original is not None:
            asset = self.asset(original)
            if asset is not None and asset.hashed == requested:
                return original, True
        elif self.asset(requested) is not None:
            return requested, False
        match = HASHED.match(requested.rpartition("/")[2])
        if match:
            folder = requested.rpartition("/")[0]
            original = f"{folder}/" if folder else ""
            original += match["stem"] + (match["suffix"] or "")
            asset = self.asset(original)
            if asset is not None:
                return original, asset.hashed == requested
        return requested, False


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.endswith(COMPRESSED_SUFFIXES)


def _files(root: Path):
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if not _skipped(name):
                yield Path(folder) / name


@dataclass
class BuildReport:
    files: int = 0
    written: int = 0
    compressed: int = 0
    pruned: int = 0


def build(source: Path | str, target: Path | str, prune: bool = False) -> BuildReport:
    """Write every file of `source` under its hashed name into `target`, with .gz and .br
    siblings where compression pays. Files already there are kept (their name is their
    content); a new file's siblings are moved into place before it, so a server that sees the
    file sees them too. `prune` removes what the current files no longer produce."""
    from whitenoise.compress import Compressor

    source, target = Path(source), Path(target)
    manifest = Manifest(source)
    compressor = Compressor(use_gzip=True, use_brotli=True, quiet=True)
    report = BuildReport()
    wanted: set[str] = set()
    target.mkdir(parents=True, exist_ok=True)
    for asset in manifest:
        report.files += 1
        destination = target / asset.hashed
        wanted.add(asset.hashed)
        wanted.update(asset.hashed + suffix for suffix in COMPRESSED_SUFFIXES)
        if destination.is_file():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target, prefix=".build-") as scratch:
            staged = Path(scratch) / destination.name
            shutil.copy2(source / asset.relative, staged)
            siblings = (
                compressor.compress(str(staged)) if compressor.should_compress(staged.name) else []
            )
            for sibling in siblings:
                os.replace(sibling, destination.parent / Path(sibling).name)
            os.replace(staged, destination)
        report.written += 1
        report.compressed += len(siblings)
    if prune:
        for path in list(target.rglob("*")):
            relative = path.relative_to(target).as_posix()
            if path.is_file() and not relative.startswith(".build-") and relative not in wanted:
                path.unlink()
                report.pruned += 1
    return report


def build_dir(app: Flask) -> Path:
    from solidarna import ROOT

    return Path(app.config.get("STATIC_BUILD_DIR") or ROOT / "build" / "static")


def manifest() -> Manifest:
    return current_app.extensions["solidarna_assets"]


def init_app(app: Flask) -> None:
    refresh = app.config.get("STATIC_AUTOREFRESH")
    if refresh is None:
        refresh = app.config["ENV_NAME"] != "production"
    assets = Manifest(app.static_folder, refresh=bool(refresh))
    app.extensions["solidarna_assets"] = assets
    short = int(app.config.get("STATIC_MAX_AGE", 300))

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = assets.url_name(values["filename"]) or values["filename"]

    def static(filename: str):
        """The files the build has not written (WhiteNoise serves those it has)."""
        relative, current = assets.resolve(filename)
        response = send_from_directory(
            app.static_folder, relative, max_age=FOREVER if current else short
        )
        if current:
            response.cache_control.immutable = True
        return response

    app.view_functions["static"] = static

    built = build_dir(app)
    if built.is_dir():
        from whitenoise import WhiteNoise

        from solidarna.core.security import baseline_headers

        headers = baseline_headers(app.config)

        def add_headers(response_headers, path: str, url: str) -> None:
            for name, value in headers.items():
                response_headers[name] = value

        class StaticFiles(WhiteNoise):
            FOREVER = FOREVER  # a year (WhiteNoise's own is ten)

        app.wsgi_app = StaticFiles(
            app.wsgi_app,
            root=str(built),
            prefix=app.static_url_path,
            max_age=short,
            # only hashed names are written there: each one's content never changes
            immutable_file_test=lambda path, url: True,
            allow_all_origins=False,
            add_headers_function=add_headers,
        )

    @app.cli.group("assets")
    def assets_cli() -> None:
        """Static files: hashed names, precompressed copies."""

    @assets_cli.command("build")
    @click.option(
        "--prune", is_flag=True, help="Remove built files the current ones no longer produce."
    )
    def build_command(prune: bool) -> None:
        """Write static/ under hashed names, gzip and brotli beside, into STATIC_BUILD_DIR."""
        target = build_dir(app)
        report = build(app.static_folder, target, prune=prune)
        click.echo(
            f"{report.files} static files in {target}: {report.written} written, "
            f"{report.compressed} compressed copies made, {report.pruned} pruned."
        )
