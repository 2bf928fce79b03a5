"""Survey results, exports and the public page (issue 16, items 4, 5, 7, 10): counting each
option of a multiple choice on its own with percentages of the respondents, medians, the
cross-tabulation, small cells suppressed on the public page, free texts found in either
script, CSV and XLSX exports with one column per variable code, the codebook, anonymity, and
the number of SQL statements the same at two sizes."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.research import evidence as research_evidence
from solidarna.research import exports, results, services
from solidarna.research.models import Survey
from tests.conftest import Client, statements

TEMPLATE = {
    "key": "test",
    "sections": [
        {
            "title": "Osnovno",
            "questions": [
                {"code": "barriers", "kind": "multiple", "label": "Prepreke", "other": True,
                 "options": [{"value": "money", "label": "Novac"},
                             {"value": "law", "label": "Zakon"},
                             {"value": "people", "label": "Ljudi"}]},
                {"code": "kind", "kind": "single", "label": "Vrsta",
                 "options": [{"value": "a", "label": "Udruženje"}, {"value": "b", "label": "Zadruga"}]},
                {"code": "staff", "kind": "number", "label": "Zaposleni", "integer": True},
                {"code": "trust", "kind": "scale", "label": "Poverenje", "min": 1, "max": 5},
                {"code": "needs", "kind": "matrix", "label": "Potrebe", "min": 1, "max": 3,
                 "rows": [{"value": "space", "label": "Prostor"}, {"value": "training", "label": "Obuka"}]},
                {"code": "story", "kind": "long_text", "label": "Vaša priča"},
                {"code": "org", "kind": "organization", "label": "Organizacija"},
                {"code": "intro", "kind": "text", "label": "Hvala"},
            ],
        }
    ],
}  # fmt: skip


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False


@pytest.fixture
def world(db, make_user, make_tenant):
    owner = make_user("owner@example.org", name="Vlasnica")
    member = make_user("member@example.org", name="Članica")
    tenant = make_tenant("krusevac", members={owner: "owner", member: "member"})
    return tenant


def english(app) -> Client:
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def admin(app) -> Client:
    client = english(app)
    client.login("owner@example.org")
    return client


def make_survey(tenant, *, anonymous=False, title="Anketa o potrebama") -> int:
    with tenant_context(tenant.id):
        survey = services.new_survey(title, template=TEMPLATE)
        survey.status = "open"
        survey.anonymous = anonymous
        db.session.commit()
        return survey.id


def answer(tenant, survey_id, values, *, strata=None, finish=True) -> int:
    with tenant_context(tenant.id):
        survey = db.session.get(Survey, survey_id)
        by_code = {q.code: q for q in services.questions_of(survey.current_version)}
        response, _key = services.start_response(survey, strata=strata)
        services.save_answers(response, by_code, values)
        if finish:
            services.complete(response, survey, by_code)
        db.session.commit()
        return response.id


def many(choices, other=""):
    return {"choices": list(choices), "other": other}


def fill(tenant, survey_id, n: int) -> None:
    for i in range(n):
        answer(tenant, survey_id, {
            "barriers": many(["money", "law"] if i % 2 else ["money"]),
            "kind": {"choice": "ab"[i % 2], "other": ""},
            "staff": i, "trust": 1 + i % 5, "needs": {"space": 1 + i % 3, "training": 2},
            "story": f"Priča broj {i}",
        }, strata={"municipality": ("Kruševac", "Brus")[i % 2], "legal_form": "association"})  # fmt: skip


def compute(tenant, survey_id, **kwargs):
    with tenant_context(tenant.id):
        return results.compute(db.session.get(Survey, survey_id), **kwargs)


def test_multiple_choice_counts_each_option_with_shares_of_respondents(app, world):
    sid = make_survey(world)
    answer(world, sid, {"barriers": many(["money", "law"])})
    answer(world, sid, {"barriers": many(["money"])})
    answer(world, sid, {"barriers": many(["law", "people"])})
    answer(world, sid, {"barriers": many(["people"])}, finish=False)  # started only
    data = compute(world, sid)
    q = data.by_code("barriers")
    assert data.respondents == 3 and q.n == 3
    cells = {c.value: (c.count, round(c.share, 3)) for c in q.cells}
    # each option on its own, never "money+law"; shares of the 3 respondents (sum > 100%)
    assert cells == {"money": (2, 0.667), "law": (2, 0.667), "people": (1, 0.333),
                     "other": (0, 0.0)}  # fmt: skip
    with_started = compute(world, sid, started=True).by_code("barriers")
    assert with_started.n == 4 and {c.value: c.count for c in with_started.cells}["people"] == 2


def test_other_texts_are_listed(app, world):
    sid = make_survey(world)
    answer(world, sid, {"barriers": many(["other"], "Birokratija")})
    assert compute(world, sid).by_code("barriers").others == ["Birokratija"]


@pytest.mark.parametrize(("values", "median"), [((3, 1, 2), 2.0), ((4, 1, 2, 3), 2.5)])
def test_median_of_odd_and_even_numbers(app, world, values, median):
    sid = make_survey(world)
    for v in values:
        answer(world, sid, {"staff": v, "trust": v})
    data = compute(world, sid)
    for code in ("staff", "trust"):
        stats = data.by_code(code).stats
        assert stats.n == len(values)
        assert stats.median == median
        assert stats.mean == pytest.approx(sum(values) / len(values))
        assert (stats.low, stats.high) == (min(values), max(values))


def test_matrix_rows_with_means(app, world):
    sid = make_survey(world)
    answer(world, sid, {"needs": {"space": 1, "training": 3}})
    answer(world, sid, {"needs": {"space": 3}})
    rows = {r.value: r for r in compute(world, sid).by_code("needs").matrix}
    assert rows["space"].n == 2 and rows["space"].mean == 2.0
    assert rows["training"].n == 1 and rows["training"].mean == 3.0
    assert [c.count for c in rows["space"].cells] == [1, 0, 1]


def test_crosstab_by_municipality_with_column_percentages(app, world):
    sid = make_survey(world)
    answer(world, sid, {"barriers": many(["money", "law"])}, strata={"municipality": "Brus"})
    answer(world, sid, {"barriers": many(["money"])}, strata={"municipality": "Brus"})
    answer(world, sid, {"barriers": many(["law"])}, strata={"municipality": "Kruševac"})
    with tenant_context(world.id):
        survey = db.session.get(Survey, sid)
        variable = next(v for v in results.variables(survey) if v.code == "barriers")
        with statements(db.engine) as seen:
            table = results.crosstab(survey, variable, "municipality")
    assert len(seen) == 1
    assert table.columns == ["Brus", "Kruševac"]
    assert table.totals == {"Brus": 2, "Kruševac": 1}
    line = {value: cells for value, _label, cells in table.rows}
    assert (line["money"]["Brus"].count, line["money"]["Brus"].share) == (2, 1.0)
    assert (line["law"]["Brus"].count, line["law"]["Brus"].share) == (1, 0.5)
    assert line["law"]["Kruševac"].share == 1.0
    page = admin(app).get(
        f"/krusevac/research/{sid}/results/crosstab?question=barriers&by=municipality"
    )
    assert page.status_code == 200 and "Kruševac" in page.get_data(as_text=True)
    # nonsense in the query string: the defaults, never a 500
    assert (
        admin(app).get(f"/krusevac/research/{sid}/results/crosstab?question=x&by=y").status_code
        == 200
    )


def test_public_page_suppresses_small_cells_and_shows_no_texts(app, world):
    sid = make_survey(world)
    for i in range(9):
        answer(world, sid, {
            "kind": {"choice": "a" if i < 6 else "b", "other": ""},
            "barriers": many(["money"] if i < 7 else ["law"]),
            "story": "Tajna priča", "staff": 3,
        }, strata={"municipality": "Brus" if i < 8 else "Ćićevac"})  # fmt: skip
    data = compute(world, sid, public=True)
    kind = {c.value: c for c in data.by_code("kind").cells}
    # b has 3 (< 5): hidden; a would then be 9 - 3 and is hidden with it
    assert kind["b"].hidden and kind["a"].hidden
    barriers = {c.value: c for c in data.by_code("barriers").cells}
    assert not barriers["money"].hidden and barriers["law"].hidden
    assert data.by_code("story").texts == 0
    staff = data.by_code("staff").stats
    assert staff.n == 9 and staff.median == 3 and staff.low is None and staff.high is None
    visitor = english(app)
    assert visitor.get(f"/krusevac/research/{sid}/public-results").status_code == 404
    with tenant_context(world.id):
        db.session.get(Survey, sid).results_public = True
        db.session.commit()
    page = visitor.get(f"/krusevac/research/{sid}/public-results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "fewer than 5" in html and "Tajna priča" not in html
    crossed = visitor.get(
        f"/krusevac/research/{sid}/public-results?question=kind&by=municipality"
    ).get_data(as_text=True)
    assert "Ćićevac" not in crossed  # a group of one respondent is left out
    with tenant_context(world.id):
        survey = db.session.get(Survey, sid)
        variable = next(v for v in results.variables(survey) if v.code == "barriers")
        table = results.crosstab(survey, variable, "municipality", public=True)
    assert table.columns == ["Brus"]
    line = {value: cells for value, _label, cells in table.rows}
    assert line["law"]["Brus"].hidden and not line["money"]["Brus"].hidden


def test_public_page_404_for_drafts_and_unpublished(app, world):
    sid = make_survey(world)
    with tenant_context(world.id):
        survey = db.session.get(Survey, sid)
        survey.results_public = True
        survey.status = "draft"
        db.session.commit()
    assert english(app).get(f"/krusevac/research/{sid}/public-results").status_code == 404
    assert english(app).get("/krusevac/research/99999/public-results").status_code == 404


def test_admins_publish_and_take_down(app, world):
    sid = make_survey(world)
    client = admin(app)
    landing = client.get(f"/krusevac/research/{sid}/").get_data(as_text=True)
    assert "Publish the results" in landing and f"/research/{sid}/results" in landing
    assert (
        client.post(f"/krusevac/research/{sid}/results/publish", {"public": "1"}).status_code == 303
    )
    assert english(app).get(f"/krusevac/research/{sid}/public-results").status_code == 200
    assert "Published results" in english(app).get(f"/krusevac/research/{sid}/").get_data(
        as_text=True
    )
    assert (
        client.post(f"/krusevac/research/{sid}/results/publish", {"public": "0"}).status_code == 303
    )
    assert english(app).get(f"/krusevac/research/{sid}/public-results").status_code == 404
    member = english(app)
    member.login("member@example.org")
    assert member.get(f"/krusevac/research/{sid}/results").status_code == 403
    assert (
        member.post(f"/krusevac/research/{sid}/results/publish", {"public": "1"}).status_code == 403
    )


def test_free_text_search_across_scripts(app, world):
    sid = make_survey(world)
    answer(world, sid, {"story": "Radimo u Kruševcu sa zadrugom"})
    answer(world, sid, {"story": "Жене из Бруса праве сир"})
    answer(world, sid, {"story": "Nešto treće"})
    client = admin(app)

    def found(query):
        page = client.get(f"/krusevac/research/{sid}/results/texts?question=story&q={query}")
        assert page.status_code == 200
        return page.get_data(as_text=True)

    assert "Kruševcu" in found("Крушевцу") and "Nešto" not in found("Крушевцу")
    assert "Бруса" in found("brusa") or "Brusa" in found("brusa")
    assert "Brusa" in found("BRUSA") or "Бруса" in found("BRUSA")
    with tenant_context(world.id):
        survey = db.session.get(Survey, sid)
        variable = next(v for v in results.variables(survey) if v.code == "story")
        assert results.texts(survey, variable, "zene").total == 1
        assert results.texts(survey, variable, "").total == 3
        assert results.texts(survey, variable, "100%_").total == 0
    assert (
        client.get(f"/krusevac/research/{sid}/results/texts?question=story&page=x").status_code
        == 200
    )


def test_results_page_and_report_render(app, world):
    sid = make_survey(world)
    fill(world, sid, 4)
    client = admin(app)
    page = client.get(f"/krusevac/research/{sid}/results")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and 'scope="row"' in html and "<caption>" in html
    assert "Only complete responses are counted." in html
    assert "Complete and started" in client.get(
        f"/krusevac/research/{sid}/results?started=1"
    ).get_data(as_text=True)
    report = client.get(f"/krusevac/research/{sid}/results/report").get_data(as_text=True)
    assert 'class="report"' in report and "site-header" not in report and "Prepreke" in report
    assert english(app).get(f"/krusevac/research/{sid}/results").status_code in (302, 303)


def test_csv_export_has_bom_escaping_and_a_column_per_variable(app, world):
    sid = make_survey(world)
    answer(world, sid, {"barriers": many(["money", "other"], "=HYPERLINK(1)"), "story": "@cmd",
                        "org": {"pib": "100000024", "mb": "12345678", "legal_form": "doo"},
                        "needs": {"space": 2}}, strata={"municipality": "Brus"})  # fmt: skip
    answer(world, sid, {"kind": {"choice": "b", "other": ""}})
    response = admin(app).get(f"/krusevac/research/{sid}/export.csv")
    assert response.status_code == 200 and response.is_streamed
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(lines) == 2
    first, second = lines
    assert first["barriers__money"] == "1" and first["barriers__law"] == "0"
    assert first["barriers__other"] == "'=HYPERLINK(1)" and first["story"] == "'@cmd"
    assert first["org__pib"] == "100000024" and first["needs__space"] == "2"
    assert first["needs__training"] == "" and first["municipality"] == "Brus"
    assert second["kind"] == "b" and second["barriers__money"] == ""  # not answered: empty
    assert "intro" not in first  # a text block has no column


def test_xlsx_export_one_column_per_variable_code(app, world):
    sid = make_survey(world)
    fill(world, sid, 3)
    response = admin(app).get(f"/krusevac/research/{sid}/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(header) == len(set(header))
    expected = ["barriers__money", "barriers__law", "barriers__people", "barriers__other",
                "kind", "staff", "trust", "needs__space", "needs__training", "story",
                "org__pib", "org__mb", "org__legal_form"]  # fmt: skip
    assert [h for h in header if "__" in h or h in expected] == expected
    assert "organization_id" in header and len(rows) == 4
    assert rows[1][header.index("staff")] == 0 and rows[2][header.index("kind")] == "b"


def test_xlsx_escapes_formulas(app, world):
    sid = make_survey(world)
    answer(world, sid, {"story": "=1+1"})
    book = load_workbook(
        io.BytesIO(admin(app).get(f"/krusevac/research/{sid}/export.xlsx").get_data())
    )
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("story") + 1)
    assert cell.value == "'=1+1" and cell.data_type == "s"


def test_anonymous_export_has_no_identity(app, world):
    sid = make_survey(world, anonymous=True)
    answer(world, sid, {"org": {"pib": "100000024", "mb": "12345678", "legal_form": "doo"},
                        "story": "Anonimno"})  # fmt: skip
    raw = admin(app).get(f"/krusevac/research/{sid}/export.csv").get_data().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(raw)))
    assert "organization_id" not in header and "organization_name" not in header
    assert "org__pib" not in header and "org__mb" not in header and "org__legal_form" in header
    assert "100000024" not in raw and "12345678" not in raw


def test_codebook_in_both_scripts(app, world):
    sid = make_survey(world)
    with tenant_context(world.id):
        survey = db.session.get(Survey, sid)
        survey.current_version.sections[0].questions[1].condition = {
            "question": "barriers",
            "op": "includes",
            "value": "money",
        }
        db.session.commit()
    client = admin(app)
    raw = client.get(f"/krusevac/research/{sid}/export/codebook.csv").get_data()
    assert raw.startswith("\ufeff".encode())
    lines = {r["variable"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    assert (
        lines["kind"]["question_latin"] == "Vrsta" and lines["kind"]["question_cyrillic"] == "Врста"
    )
    assert "a = Udruženje" in lines["kind"]["values"]
    assert lines["kind"]["shown_when"] == "barriers includes money"
    assert lines["barriers__law"]["values"] == "1 = chosen; 0 = not chosen"
    assert "response_id" in lines and "trust" in lines
    book = load_workbook(
        io.BytesIO(client.get(f"/krusevac/research/{sid}/export/codebook.xlsx").get_data())
    )
    values = [r[0] for r in book.worksheets[0].iter_rows(values_only=True)]
    with tenant_context(world.id):
        names = [c.name for c in exports.columns(db.session.get(Survey, sid))]
    assert values[1:] == names


def test_questions_of_every_version_are_matched_by_code(app, world):
    sid = make_survey(world)
    answer(world, sid, {"kind": {"choice": "a", "other": ""}})
    with tenant_context(world.id):
        survey = db.session.get(Survey, sid)
        version = services.editable_version(survey)
        version.sections[0].questions[1].label = "Vrsta organizacije"
        db.session.commit()
    answer(world, sid, {"kind": {"choice": "a", "other": ""}})
    q = compute(world, sid).by_code("kind")
    assert q.question.label == "Vrsta organizacije" and q.n == 2


def _count(app, world, sid, paths):
    client = admin(app)
    client.get(paths[0])  # warm: the session, the tenant
    counts = []
    for path in paths:
        with statements(db.engine) as seen:
            response = client.get(path)
            assert response.status_code == 200, path
            response.get_data()
        counts.append(len(seen))
    return counts


def test_statement_count_is_the_same_at_two_sizes(app, world):
    small, large = make_survey(world, title="Mala"), make_survey(world, title="Velika")
    fill(world, small, 20)
    fill(world, large, 200)

    def paths(sid):
        base = f"/krusevac/research/{sid}"
        return [f"{base}/results", f"{base}/results?started=1",
                f"{base}/results/crosstab?question=kind&by=municipality", f"{base}/results/report",
                f"{base}/export.csv", f"{base}/export.xlsx", f"{base}/results/texts?question=story&q=pri"]  # fmt: skip

    assert _count(app, world, small, paths(small)) == _count(app, world, large, paths(large))
    counts = _count(app, world, large, paths(large))
    assert max(counts) <= 25, counts


def test_evidence_offers_published_survey_figures(app, world):
    sid = make_survey(world)
    fill(world, sid, 10)
    with app.test_request_context(), tenant_context(world.id):
        from flask import g

        g.tenant = world
        assert research_evidence.option_figures(world) == []  # not published
        db.session.get(Survey, sid).results_public = True
        db.session.commit()
        figures = {f.item: f for f in research_evidence.option_figures(world)}
    money = figures[f"{sid}:barriers:money"]
    assert money.value == 10 and "Novac" in money.label
    assert f"{sid}:barriers:people" not in figures  # nobody named it (and fewer than 5)


def test_the_ecosystem_overview_shows_the_most_named_barrier(app, world):
    sid = make_survey(world)
    for i in range(6):
        answer(world, sid, {"barriers": many(["law"] if i < 5 else ["money"])},
               strata={"municipality": "Brus"})  # fmt: skip
    page = english(app).get("/krusevac/ecosystem/").get_data(as_text=True)
    assert "Most named barrier" not in page  # not published
    with tenant_context(world.id):
        db.session.get(Survey, sid).results_public = True
        db.session.commit()
    page = english(app).get("/krusevac/ecosystem/").get_data(as_text=True)
    assert "Brus" in page and "Zakon" in page and "Most named barrier" in page


def test_results_page_is_kept_until_a_new_response(app, world):
    """With the caches on (core/fragments.py), a repeat of the results page draws nothing
    anew and counts nothing; a new complete response makes the next page count again, and
    shows it; each locale has its own."""
    app.config["PAGE_CACHE"] = True
    sid = make_survey(world)
    fill(world, sid, 3)
    client = admin(app)
    path = f"/krusevac/research/{sid}/results"
    first = client.get(path)
    assert "research-results-questions=miss" in first.headers["X-Fragment-Cache"]
    with statements(db.engine) as seen:
        again = client.get(path)
    assert (
        "research-results=hit, research-results-questions=hit"
        in (again.headers["X-Fragment-Cache"])
    )
    assert again.get_data(as_text=True).count("<svg") == first.get_data(as_text=True).count("<svg")
    assert not [s for s in seen if "survey_answer" in s]  # nothing counted
    assert "3 respondents answered" in again.get_data(as_text=True)
    fill(world, sid, 1)
    after = client.get(path)
    assert "research-results-questions=miss" in after.headers["X-Fragment-Cache"]
    assert "4 respondents answered" in after.get_data(as_text=True)
    report = client.get(f"/krusevac/research/{sid}/results/report")
    assert "research-report=miss" in report.headers["X-Fragment-Cache"]
    assert (
        "research-report=hit"
        in client.get(f"/krusevac/research/{sid}/results/report").headers["X-Fragment-Cache"]
    )


def test_variable_codes_are_marked_as_identifiers_on_a_cyrillic_interface(app, world):
    """Variable codes stay Latin (they are the exports' column names) and are marked as
    technical identifiers (<code translate="no">); the rest of the admins' pages is in the
    reader's script."""
    import re

    from tests.conftest import parse, text_of

    sid = make_survey(world)
    fill(world, sid, 6)
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sr-Cyrl"
    client.login("owner@example.org")
    client.get("/krusevac/")  # the welcome (a flash with the person's name as they wrote it)
    for path in (f"/krusevac/research/manage/{sid}/edit", f"/krusevac/research/{sid}/results",
                 f"/krusevac/research/{sid}/results/report"):  # fmt: skip
        main = parse(client.get(path).get_data(as_text=True)).select_one("main")
        marked = {c.get_text() for c in main.select('code[translate="no"]')}
        assert {"barriers", "kind", "needs"} <= marked, path
        for element in main.select('[translate="no"]'):
            element.decompose()
        latin = set(re.findall(r"[A-Za-zčćžšđČĆŽŠĐ]+", text_of(main)))
        assert latin <= {"XLSX", "CSV", "N", "Markdown"}, (path, latin)
        assert "Препреке" in text_of(main) or path.endswith("/edit")


def test_the_published_results_are_a_members_page_shell(app, world, make_user):
    """A member's published-results page is a page shell (core/fragments.py): another member
    gets it without a statement over the answers, the admin gets their own level's (the
    preview), and a new complete response is on the next request."""
    from solidarna.core import fragments
    from solidarna.tenants.models import Membership
    from tests.core.test_fragments import EN, html, status
    from tests.core.test_page_shell import same_page, uncached

    app.config["PAGE_CACHE"] = True
    second = make_user("second@example.org", name="Druga Članica")
    with tenant_context(world.id):
        db.session.add(Membership(tenant_id=world.id, user_id=second.id, role="member",
                                  status="active"))  # fmt: skip
        survey = db.session.get(Survey, make_survey(world))
        sid, survey.results_public = survey.id, True
        db.session.commit()
    fill(world, sid, 6)
    path = f"/krusevac/research/{sid}/public-results"
    members = []
    for email in ("member@example.org", "second@example.org"):
        client = english(app)
        client.login(email)
        client.get("/krusevac/", headers=EN)  # the login message shown
        members.append(client)
    assert status(members[0].get(path, headers=EN), fragments.SHELL) == "miss"
    with statements(db.engine) as seen:
        served = members[1].get(path, headers=EN)
    assert status(served, fragments.SHELL) == "hit" and "Druga Članica" in html(served)
    assert not [s for s in seen if "survey_answer" in s], seen
    assert same_page(html(served)) == same_page(html(uncached(app, members[1], path)))
    owner = admin(app)
    owner.get("/krusevac/", headers=EN)
    assert status(owner.get(path, headers=EN), fragments.SHELL) == "miss"
    fill(world, sid, 1)
    fresh = members[1].get(path, headers=EN)
    assert status(fresh, fragments.SHELL) == "miss" and "7 respondents" in html(fresh)
