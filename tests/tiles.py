"""Tiny PMTiles archives for the tests, written with the `pmtiles` package's writer."""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write


def png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A real PNG image of one colour (a browser draws it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes(rgb) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


def make_archive(
    path: Path,
    tiles: dict[tuple[int, int, int], bytes],
    tile_type: TileType = TileType.PNG,
    compression: Compression = Compression.NONE,
    bounds: tuple[float, float, float, float] = (41.8, 18.7, 46.25, 23.1),  # s, w, n, e
) -> Path:
    """An archive holding `tiles` {(z, x, y): data} (stored gzipped when `compression` is GZIP)."""
    south, west, north, east = bounds
    with write(str(path)) as writer:
        for (z, x, y), data in sorted(tiles.items(), key=lambda item: zxy_to_tileid(*item[0])):
            stored = gzip.compress(data, mtime=0) if compression == Compression.GZIP else data
            writer.write_tile(zxy_to_tileid(z, x, y), stored)
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": compression,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": 0,
                "center_lon_e7": int((west + east) / 2 * 1e7),
                "center_lat_e7": int((south + north) / 2 * 1e7),
            },
            {"attribution": "Test tiles"},
        )
    return path
