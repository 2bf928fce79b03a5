"""Base-map tiles served by the app itself from a local PMTiles archive (MAP_PMTILES_PATH), so
a map with a base map needs no third-party tile server (docs/operations.md, "Maps").

The archive is opened once per process (memory-mapped, read with the `pmtiles` package) and
opened again when the file changes (another inode, size or modification time). Only raster
archives (PNG, JPEG, WebP, AVIF) are served: Leaflet draws raster tiles. A missing tile, a
tile outside the archive's zoom levels or outside the tile grid is a 404, never a 500.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import mmap
import os
import threading
from dataclasses import dataclass, field

from flask import current_app
from pmtiles.reader import Reader
from pmtiles.tile import Compression, TileType

log = logging.getLogger(__name__)

# Raster tile types Leaflet can draw: (URL extension, MIME type).
RASTER = {
    TileType.PNG: ("png", "image/png"),
    TileType.JPEG: ("jpg", "image/jpeg"),
    TileType.WEBP: ("webp", "image/webp"),
    TileType.AVIF: ("avif", "image/avif"),
}


@dataclass(frozen=True)
class Archive:
    """An opened raster PMTiles archive."""

    path: str
    identity: tuple[int, int, int]  # inode, size, mtime (ns): a changed file is opened again
    extension: str
    mimetype: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None  # south, west, north, east
    gzipped: bool
    reader: Reader = field(repr=False, compare=False)

    @property
    def version(self) -> str:
        """Changes with the file: part of each tile's ETag."""
        return hashlib.sha256(repr(self.identity).encode()).hexdigest()[:12]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's image, or None when the archive has no such tile."""
        if not (self.min_zoom <= z <= self.max_zoom):
            return None
        side = 1 << z  # z <= max_zoom <= 255, read from one byte of the header
        if not (0 <= x < side and 0 <= y < side):
            return None
        try:
            data = self.reader.get(z, x, y)
            if data is None:
                return None
            data = bytes(data)
            return gzip.decompress(data) if self.gzipped else data
        except Exception:  # a damaged archive answers 404 for what it cannot read
            log.exception("PMTiles archive %s: tile %s/%s/%s unreadable", self.path, z, x, y)
            return None


_lock = threading.Lock()
_opened: dict[str, tuple[tuple[int, int, int], Archive | None]] = {}


def _open(path: str, identity: tuple[int, int, int]) -> Archive | None:
    try:
        with open(path, "rb") as handle:
            # The mapping keeps its own reference to the file; the handle can close.
            mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        reader = Reader(lambda offset, length: mapping[offset : offset + length])
        header = reader.header()
    except Exception as error:
        log.warning("MAP_PMTILES_PATH %s is not a readable PMTiles archive (%s)", path, error)
        return None
    kind = header["tile_type"]
    if kind not in RASTER:
        log.warning(
            "MAP_PMTILES_PATH %s holds %s tiles; only raster tiles (PNG, JPEG, WebP, AVIF) "
            "are served",
            path,
            kind.name,
        )
        return None
    compression = header["tile_compression"]
    if compression not in (Compression.NONE, Compression.UNKNOWN, Compression.GZIP):
        log.warning("MAP_PMTILES_PATH %s: tile compression %s unsupported", path, compression.name)
        return None
    bounds = None
    if header["min_lat_e7"] < header["max_lat_e7"] and header["min_lon_e7"] < header["max_lon_e7"]:
        bounds = tuple(
            header[key] / 1e7 for key in ("min_lat_e7", "min_lon_e7", "max_lat_e7", "max_lon_e7")
        )
    extension, mimetype = RASTER[kind]
    return Archive(
        path=path,
        identity=identity,
        extension=extension,
        mimetype=mimetype,
        min_zoom=header["min_zoom"],
        max_zoom=header["max_zoom"],
        bounds=bounds,
        gzipped=compression == Compression.GZIP,
        reader=reader,
    )


def archive() -> Archive | None:
    """The configured archive (MAP_PMTILES_PATH), or None when none is set or it is unusable
    (the reason is logged once per version of the file)."""
    path = (current_app.config.get("MAP_PMTILES_PATH") or "").strip()
    if not path:
        return None
    try:
        stat = os.stat(path)
    except OSError as error:
        known = _opened.get(path)
        if known is None or known[0] != (0, 0, 0):
            log.warning("MAP_PMTILES_PATH %s cannot be read (%s); map without tiles", path, error)
            _opened[path] = ((0, 0, 0), None)
        return None
    identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    known = _opened.get(path)
    if known is not None and known[0] == identity:
        return known[1]
    with _lock:
        known = _opened.get(path)
        if known is None or known[0] != identity:
            known = (identity, _open(path, identity))
            _opened[path] = known
    return known[1]
