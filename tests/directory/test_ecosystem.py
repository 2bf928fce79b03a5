"""The ecosystem overview: actor types by place with the missing ones marked, SE status,
employment (respecting field visibility), sectors, and the SVG charts with their tables."""

import re

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.ecosystem import charts
from solidarna.directory.ecosystem import services as ecosystem
from tests.conftest import EN, Client, current_nav, definitions, nav_links, one, parse, text_of

URL = "/rasina/ecosystem/"


@pytest.fixture
def space(make_space, entry):
    expected = ["cooperative", "incubator", "association"]
    with make_space("owner", "member", taxonomies={"expected_actor_types": expected}) as tenant:
        entry(
            "Zadruga Rasinski med", "Kruševac", "cooperative", se_status="registered",
            employees_total=10, employees_women=6, employees_vulnerable=4, volunteers=3,
            tags={"kd": ["A"], "group": ["rural_women"]},
        )  # fmt: skip
        entry(
            "Inkubator Kruševac", "Kruševac", "incubator",
            employees_total=3, employees_women=1, employees_vulnerable=0,
            field_visibility={"employees": "members"}, tags={"kd": ["N"]},
        )  # fmt: skip
        entry(
            "Šumsko voće Brus", "Brus", "cooperative", se_status="in_progress",
            employees_total=5, employees_women=2, employees_vulnerable=3,
            tags={"kd": ["A", "C"], "group": ["rural_women", "disability"]},
        )  # fmt: skip
        entry("Udruženje iz Niša", "Niš", "association", tags={"kd": ["S"]})
        # Not counted: awaiting review, rejected, archived.
        entry(
            "Udruženje na čekanju", "Kruševac", "association", moderation="pending",
            employees_total=100, se_status="registered", tags={"kd": ["Q"]},
        )  # fmt: skip
        entry("Inkubator Trstenik", "Trstenik", "incubator", moderation="pending")
        entry("Odbijena zadruga", "Brus", "cooperative", moderation="rejected")
        entry("Arhivirana zadruga", "Trstenik", "association", moderation="archived")
    return tenant


def compute(app, tenant, level):
    """The overview as a viewer at `level` would get it (labels in English)."""
    with app.test_request_context(headers=EN), tenant_context(tenant.id):
        return ecosystem.overview(tenant, level)


def row(html, place):
    """The matrix row of a place (parsed)."""
    return one(html, f'table.matrix tr[data-place="{place}"]')


def cell(matrix_row, actor_type):
    """(the cell's classes, its text) for an actor type in a matrix row."""
    found = one(matrix_row, f'td[data-type="{actor_type}"]')
    return " ".join(found["class"]), text_of(found)


def test_matrix_marks_expected_types_missing_per_municipality(client, space):
    html = client.get(URL, headers=EN).get_data(as_text=True)
    krusevac, brus, trstenik = row(html, "Kruševac"), row(html, "Brus"), row(html, "Trstenik")
    assert cell(krusevac, "cooperative") == ("num present", "1")
    assert cell(krusevac, "incubator") == ("num present", "1")
    assert cell(krusevac, "association")[0] == "missing"
    assert cell(brus, "cooperative") == ("num present", "1")
    assert cell(brus, "incubator")[0] == cell(brus, "association")[0] == "missing"
    # Pending and archived entries do not fill a gap.
    for actor_type in ("cooperative", "incubator", "association"):
        assert cell(trstenik, actor_type)[0] == "missing"
    assert "✗" in text_of(krusevac) and "missing" in cell(krusevac, "association")[1]
    # An entry outside the space's municipalities gets its own row, never "missing".
    nis = row(html, "Niš")
    assert "outside the area" in text_of(nis)
    assert cell(nis, "association") == ("num present", "1")
    assert cell(nis, "cooperative") == ("num zero", "0")
    # What is missing where, in words.
    words = text_of(parse(html))
    assert "Brus: Business incubator, Association (CSO)" in words
    assert "No verified organization yet: Trstenik" in words


def test_only_verified_entries_are_counted(app, client, space):
    data = compute(app, space, "admins")
    assert data.total == 4
    assert {r.key: r.total for r in data.matrix.rows} == {
        "Kruševac": 2,
        "Brus": 1,
        "Trstenik": 0,
        "Niš": 1,
    }
    assert data.pending == 2
    html = client.get(URL, headers=EN).get_data(as_text=True)
    assert "Udruženje na čekanju" not in html
    assert definitions(html)["Verified organizations"] == "4"
    assert "awaiting review" not in html  # visitors are not told about the queue


def test_admin_is_told_how_many_entries_await_review(client, space):
    client.login("owner@example.org")
    html = client.get(URL, headers=EN).get_data(as_text=True)
    assert "2 entries awaiting review are not counted yet." in html
    assert definitions(html)["Verified organizations"] == "4"


def test_se_status_breakdown(app, space):
    data = compute(app, space, "public")
    assert [(b.key, b.value) for b in data.se_status] == [
        ("registered", 1),
        ("in_progress", 1),
        ("planned", 0),
        ("no", 2),
    ]
    assert data.registered == 1
    assert data.se_status.total == 4


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        # The incubator shows its employees only to members: visitors' totals leave it out.
        ("public", {"total": 15, "women": 8, "vulnerable": 7, "reported": 2, "hidden": 1}),
        ("members", {"total": 18, "women": 9, "vulnerable": 7, "reported": 3, "hidden": 0}),
        ("admins", {"total": 18, "women": 9, "vulnerable": 7, "reported": 3, "hidden": 0}),
    ],
)
def test_employment_totals_respect_field_visibility(app, space, level, expected):
    work = compute(app, space, level).employment
    assert {k: getattr(work, k) for k in expected} == expected
    assert work.volunteers == 3 and work.organizations == 4


def test_employment_on_the_page_for_visitors_and_members(client, space):
    html = client.get(URL, headers=EN).get_data(as_text=True)
    figures = definitions(html)
    assert figures["Employees"] == "15" and figures["Employees from vulnerable groups"] == "7"
    assert "1 organization shares its figures only with members" in html
    (women,) = [th.parent for th in parse(html).select("th") if text_of(th) == "Women employed"]
    assert [text_of(td) for td in women.select("td")][:2] == ["8", "53%"]
    client.login("member@example.org")
    member = client.get(URL, headers=EN).get_data(as_text=True)
    assert definitions(member)["Employees"] == "18"
    assert "shares its figures only" not in member


def test_sectors_and_groups(app, space):
    data = compute(app, space, "public")
    assert [(b.key, b.value) for b in data.sectors] == [("A", 2), ("C", 1), ("N", 1), ("S", 1)]
    assert data.sectors.bars[0].label == "A · Agriculture, forestry and fishing"
    assert data.sectors.bars[0].share == 0.5  # of the 4 verified organizations
    assert [(b.key, b.value) for b in data.groups] == [("rural_women", 2), ("disability", 1)]


def test_charts_are_inline_svg_with_an_accessible_table(client, space):
    response = client.get(URL, headers=EN)
    page = parse(response)
    assert response.status_code == 200
    for chart_id in ("chart-se-status", "chart-employment", "chart-sectors", "chart-groups"):
        svg = one(page, f"svg.chart#{chart_id}")
        assert svg["role"] == "img" and svg["aria-labelledby"] == f"{chart_id}-title"
        assert text_of(one(svg, f"title#{chart_id}-title")), chart_id
        assert svg.select("rect.chart-bar"), chart_id
    tables = page.select("table.chart-table")
    assert len(tables) == 4
    for table in [*tables, one(page, "table.matrix")]:
        assert text_of(table.caption)
        assert table.select('th[scope="col"]') and table.select('th[scope="row"]')
    row_headers = [text_of(th) for th in page.select('table.chart-table th[scope="row"]')]
    assert "Registered at APR" in row_headers
    # The CSP (style-src 'self') blocks inline styles: none on the page, no script either.
    assert page.select("[style], style") == []
    assert page.find_all("script") and all(s.get("src") for s in page.find_all("script"))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_htmx_request_gets_the_content_block(client, space):
    response = client.get(URL, headers={**EN, "HX-Request": "true"})
    fragment = parse(response)
    assert response.status_code == 200
    assert fragment.find("html") is None and text_of(fragment.h1) == "Ecosystem overview"
    assert cell(row(fragment, "Kruševac"), "association")[0] == "missing"
    assert fragment.select("svg.chart")


def test_the_longest_bar_leaves_room_for_its_value(app, space):
    data = compute(app, space, "public")
    widths = {bar.key: bar.width for bar in data.employment_chart}
    assert widths["total"] == 85.0 and widths["women"] == pytest.approx(8 / 15 * 85, abs=0.01)


def test_national_space_is_split_by_district(client, db, make_tenant, entry):
    tenant = make_tenant(
        "koalicija",
        region="RS",
        municipalities=[],
        taxonomies={"expected_actor_types": ["cooperative", "network"]},
    )
    with tenant_context(tenant.id):
        entry("Zadruga Kruševac", "Kruševac", "cooperative")
        entry("Zadruga Aleksandrovac", "Aleksandrovac", "cooperative")
        entry("Mreža Novi Sad", "Novi Sad", "network")
        db.session.commit()
    html = client.get("/koalicija/ecosystem/", headers=EN).get_data(as_text=True)
    assert "Actor types by district" in html
    assert text_of(one(html, 'table.matrix th.place[scope="col"]')) == "District"
    rasina = row(html, "RS-19")
    assert text_of(one(rasina, "th[scope=row]")) == "Rasinski okrug"
    assert cell(rasina, "cooperative") == ("num present", "2")
    assert cell(rasina, "network")[0] == "missing"
    south_backa = row(html, "RS-06")
    assert cell(south_backa, "network") == ("num present", "1")
    assert cell(south_backa, "cooperative")[0] == "missing"
    assert cell(row(html, "RS-00"), "cooperative")[0] == "missing"  # Belgrade has none yet
    places = [tr["data-place"] for tr in parse(html).select("table.matrix tr[data-place]")]
    assert len([p for p in places if re.fullmatch(r"RS-\d\d", p)]) == 30
    assert definitions(html)["Districts with organizations"].startswith("2 ")


def test_district_space_without_a_list_uses_its_district(db, make_tenant):
    tenant = make_tenant("okrug", region="RS-19", municipalities=[])
    by, places = ecosystem.area(tenant)
    assert by == "municipality"
    assert {key for key, _ in places} == {
        "Kruševac", "Aleksandrovac", "Brus", "Varvarin", "Trstenik", "Ćićevac",
    }  # fmt: skip


def test_without_expected_types_nothing_is_marked_missing(client, db, make_tenant, entry):
    tenant = make_tenant("bez", region="RS-19", municipalities=["Brus"])
    with tenant_context(tenant.id):
        entry("Zadruga Brus", "Brus", "cooperative")
        db.session.commit()
    html = client.get("/bez/ecosystem/", headers=EN).get_data(as_text=True)
    assert "lists no expected actor types" in html
    assert parse(html).select("table.matrix td") and not parse(html).select(".missing")
    assert cell(row(html, "Brus"), "cooperative") == ("num present", "1")


def test_empty_space_says_what_to_do(client, db, make_tenant):
    make_tenant("prazan", region="RS-19", municipalities=["Brus"])
    response = client.get("/prazan/ecosystem/", headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No verified organizations yet." in html and "Log in to take part." in html
    assert "No employment figures recorded yet." in html


def test_nav_links_to_the_overview_and_module_off_is_404(client, space, db, make_tenant):
    listing = client.get("/rasina/directory/", headers=EN)
    assert nav_links(listing)["Ecosystem"] == "/rasina/ecosystem/"
    assert current_nav(listing) == ["Directory"]
    assert current_nav(client.get("/rasina/ecosystem/", headers=EN)) == ["Ecosystem"]
    make_tenant("bezmapa", modules=["discussions"])
    assert client.get("/bezmapa/ecosystem/").status_code == 404


def test_members_only_space_sends_visitors_to_log_in(client, db, make_tenant):
    make_tenant("zatvoren", visibility="members")
    response = client.get("/zatvoren/ecosystem/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert Client(client.app).get("/zatvoren/ecosystem/").status_code == 302


# --- the chart layout (pure functions) --------------------------------------------------------


def test_bar_chart_layout():
    chart = charts.bar_chart([("a", "A", 10), ("b", "B", 5), ("c", "C", 0)])
    assert [b.width for b in chart] == [85.0, 42.5, 0.0]
    assert [round(b.share, 3) for b in chart] == [0.667, 0.333, 0.0]
    assert [b.top for b in chart] == [0, charts.ROW_HEIGHT, 2 * charts.ROW_HEIGHT]
    assert chart.height == 3 * charts.ROW_HEIGHT and chart.total == 15
    assert chart.bars[1].bar_y == charts.ROW_HEIGHT + charts.BAR_TOP


def test_bar_chart_tiny_values_stay_visible_and_zero_can_be_dropped():
    chart = charts.bar_chart([("a", "A", 10_000), ("b", "B", 1), ("c", "C", 0)], drop_zero=True)
    assert [b.key for b in chart] == ["a", "b"]
    assert chart.bars[1].width == charts.MIN_WIDTH


def test_bar_chart_with_no_data():
    chart = charts.bar_chart([("a", "A", 0)], total=0)
    assert chart.empty and chart.bars[0].width == 0 and chart.bars[0].share == 0
    assert charts.bar_chart([]).height == charts.ROW_HEIGHT


def test_bar_chart_share_of_a_given_total_and_sorting():
    rows = charts.sorted_by_value([("x", "X", 1), ("y", "Y", 3), ("z", "Z", 1)])
    assert [key for key, _, _ in rows] == ["y", "x", "z"]
    chart = charts.bar_chart(rows, total=4)
    assert [b.share for b in chart] == [0.75, 0.25, 0.25]
