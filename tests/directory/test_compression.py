"""Compression of the directory's data answers: the map's GeoJSON and an entry's JSON-LD are
compressed when the client accepts it; the streamed exports are sent as they are, still
streamed (COMPRESS_STREAMS off)."""

import gzip
import json

import brotli
import pytest


@pytest.fixture
def space(make_space, entry):
    with make_space("owner") as tenant:
        for n in range(30):
            entry(f"Zadruga broj {n}", mission="Med i pčelarstvo u Kruševcu. " * 3,
                  latitude=43.5 + n / 100, longitude=21.3)  # fmt: skip
    return tenant


def test_geojson_and_json_ld_are_compressed_when_accepted(client, space):
    plain = client.get("/rasina/directory/map.geojson")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    br = client.get("/rasina/directory/map.geojson", headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br"
    assert br.mimetype == "application/geo+json"
    assert json.loads(brotli.decompress(br.get_data())) == json.loads(plain.get_data())
    assert "Accept-Encoding" in br.headers["Vary"] and "Cookie" in br.headers["Vary"]

    profile = json.loads(plain.get_data())["features"][0]["properties"]["id"]
    entry = client.get(f"/rasina/directory/{profile}.json", headers={"Accept-Encoding": "gzip"})
    assert entry.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(entry.get_data()))["name"].startswith("Zadruga broj")


@pytest.mark.parametrize("export", ["export.csv", "export.json"])
def test_streamed_exports_are_sent_uncompressed_and_streamed(client, space, export):
    response = client.get(f"/rasina/directory/{export}", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.is_streamed
    assert "Content-Encoding" not in response.headers
    assert "Zadruga broj 29" in response.get_data(as_text=True)
