"""One script per page (DESIGN §6): option lists of municipalities and regions are in the
reader's script while the stored values stay Latin; dates follow the reader's conventions
(day first in English) without a doubled full stop in Serbian."""

import pytest

from tests.conftest import EN, Client, one, parse, text_of
from tests.directory.test_resources import form_data as resource_form

CYRL = {"Accept-Language": "sr-Cyrl"}
LATN = {"Accept-Language": "sr-Latn"}


@pytest.fixture
def space(make_space, entry):
    with make_space("owner", "member", modules=["directory", "resources"]) as tenant:
        entry("Zadruga Rasinski med")
    return tenant


def options(html, name) -> dict[str, str]:
    return {o["value"]: text_of(o) for o in parse(html).select(f'select[name="{name}"] option')}


@pytest.mark.parametrize("path", ["/rasina/directory/new", "/rasina/resources/new",
                                  "/rasina/practices/new"])  # fmt: skip
def test_municipality_options_are_in_the_readers_script_with_latin_values(app, space, path):
    client = Client(app)
    client.login("member@example.org")
    cyrillic = options(client.get(path, headers=CYRL).get_data(as_text=True), "municipality")
    assert cyrillic["Kruševac"] == "Крушевац"
    assert cyrillic["Trstenik"] == "Трстеник"
    latin = options(client.get(path, headers=LATN).get_data(as_text=True), "municipality")
    assert latin["Kruševac"] == "Kruševac"


def test_region_options_name_districts_without_iso_codes(app, make_user):
    make_user("root@example.org", is_platform_admin=True)
    client = Client(app)
    client.login("root@example.org")
    html = client.get("/admin/", headers=CYRL).get_data(as_text=True)
    regions = options(html, "region")
    assert regions["RS-19"] == "Расински округ"
    assert not any(label.startswith("RS-") for label in regions.values())


def test_english_dates_are_day_first_and_serbian_ones_end_with_one_full_stop(space, client):
    client.login("member@example.org")
    data = resource_form(title="Sala za radionice", valid_until="2027-03-04")
    response = client.post("/rasina/resources/new", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    detail = response.headers["Location"]
    english = text_of(one(client.get(detail, headers=EN).get_data(as_text=True), "main"))
    assert "4 Mar 2027" in english
    serbian = text_of(one(client.get(detail, headers=LATN).get_data(as_text=True), "main"))
    assert "4. 3. 2027." in serbian
    assert "2027.." not in serbian
