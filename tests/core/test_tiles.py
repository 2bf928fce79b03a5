"""Base-map tiles served by the app from a local PMTiles archive (core/tiles.py, the route
pages.map_tile): the archive's tiles with long caching, 404 (never 500) for anything it does
not hold, for out-of-range coordinates, or when no usable archive is configured."""

from __future__ import annotations

import os

import pytest
from pmtiles.tile import Compression, TileType

from tests.conftest import EN
from tests.tiles import make_archive, png

RED, BLUE, GREEN = png((200, 30, 30)), png((30, 30, 200)), png((30, 160, 60))


@pytest.fixture
def archive(app, tmp_path):
    path = make_archive(
        tmp_path / "base.pmtiles", {(0, 0, 0): RED, (1, 1, 0): BLUE, (2, 2, 1): GREEN}
    )
    app.config["MAP_PMTILES_PATH"] = str(path)
    return path


def test_a_tile_is_served_from_the_archive_with_long_caching(client, archive):
    response = client.get("/map/tiles/1/1/0.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == BLUE
    cache = response.cache_control
    assert cache.public and cache.max_age == 30 * 24 * 3600
    assert response.headers["ETag"]
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    # A browser that has it asks again only to confirm.
    again = client.get("/map/tiles/1/1/0.png", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/map/tiles/0/0/0.png").data == RED
    assert client.get("/map/tiles/2/2/1.png").data == GREEN


def test_the_cache_lifetime_is_a_setting(app, client, archive):
    app.config["MAP_TILE_CACHE_SECONDS"] = 600
    assert client.get("/map/tiles/0/0/0.png").cache_control.max_age == 600


def test_a_logged_in_reader_gets_the_same_shareable_tile(client, archive, make_user):
    make_user("reader@example.org")
    client.login("reader@example.org")
    response = client.get("/map/tiles/0/0/0.png")
    assert response.status_code == 200 and response.cache_control.public
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


@pytest.mark.parametrize(
    "path",
    [
        "/map/tiles/1/0/0.png",  # in range, not in the archive
        "/map/tiles/3/0/0.png",  # beyond the archive's zoom levels
        "/map/tiles/1/2/0.png",  # x outside the grid of zoom 1
        "/map/tiles/1/0/2.png",  # y outside the grid
        "/map/tiles/31/0/0.png",
        "/map/tiles/9999999999/0/0.png",  # as large as an id may be
        "/map/tiles/99999999999/0/0.png",  # larger
        "/map/tiles/0/0/0.jpg",  # not the archive's image type
        "/map/tiles/0/0/0",
        "/map/tiles/-1/0/0.png",
        "/map/tiles/a/0/0.png",
        "/map/tiles/0/0/0.png.png",
    ],
)
def test_what_the_archive_does_not_hold_is_404(client, archive, path):
    response = client.get(path, headers=EN)
    assert response.status_code == 404, path


def test_without_an_archive_there_are_no_tiles(app, client):
    app.config["MAP_PMTILES_PATH"] = ""
    assert client.get("/map/tiles/0/0/0.png").status_code == 404


def test_a_missing_or_broken_archive_answers_404_and_is_logged(app, client, tmp_path, caplog):
    app.config["MAP_PMTILES_PATH"] = str(tmp_path / "absent.pmtiles")
    assert client.get("/map/tiles/0/0/0.png").status_code == 404
    assert "cannot be read" in caplog.text
    broken = tmp_path / "broken.pmtiles"
    broken.write_bytes(b"this is not an archive" * 10)
    app.config["MAP_PMTILES_PATH"] = str(broken)
    assert client.get("/map/tiles/0/0/0.png").status_code == 404
    assert "not a readable PMTiles archive" in caplog.text
    empty = tmp_path / "empty.pmtiles"
    empty.write_bytes(b"")
    app.config["MAP_PMTILES_PATH"] = str(empty)
    assert client.get("/map/tiles/0/0/0.png").status_code == 404


def test_a_vector_archive_is_not_served(app, client, tmp_path, caplog):
    path = make_archive(tmp_path / "vector.pmtiles", {(0, 0, 0): b"\x1a\x00"}, TileType.MVT)
    app.config["MAP_PMTILES_PATH"] = str(path)
    assert client.get("/map/tiles/0/0/0.png").status_code == 404
    assert client.get("/map/tiles/0/0/0.mvt").status_code == 404
    assert "only raster tiles" in caplog.text


def test_other_raster_types_keep_their_own_extension(app, client, tmp_path):
    path = make_archive(tmp_path / "photo.pmtiles", {(0, 0, 0): b"\xff\xd8jpeg"}, TileType.JPEG)
    app.config["MAP_PMTILES_PATH"] = str(path)
    response = client.get("/map/tiles/0/0/0.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert client.get("/map/tiles/0/0/0.png").status_code == 404


def test_gzipped_tiles_are_served_as_images(app, client, tmp_path):
    path = make_archive(tmp_path / "gz.pmtiles", {(0, 0, 0): RED}, compression=Compression.GZIP)
    app.config["MAP_PMTILES_PATH"] = str(path)
    assert client.get("/map/tiles/0/0/0.png").data == RED


def test_a_replaced_archive_is_read_again(app, client, archive):
    first = client.get("/map/tiles/0/0/0.png")
    assert first.data == RED
    fresh = make_archive(archive.with_name("new.pmtiles"), {(0, 0, 0): GREEN})
    os.replace(fresh, archive)
    second = client.get("/map/tiles/0/0/0.png")
    assert second.data == GREEN
    assert second.headers["ETag"] != first.headers["ETag"]
