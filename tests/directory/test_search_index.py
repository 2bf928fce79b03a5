"""The text search on its index (core/search_index.py): kept in step with the entries, never
across spaces, the same answers as a folded substring match, and a plan that reads the index
(SQLite: the FTS5 table; PostgreSQL: the trigram index) rather than the space's rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from solidarna.core import search_index
from solidarna.core.tenancy import cross_tenant, tenant_context
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.models import Organization
from solidarna.directory.practices.models import Practice
from solidarna.directory.resources.models import Resource
from tests.conftest import EN, parse, text_of


def found(db, tenant, q: str, table=Organization) -> set[str]:
    """Names (or titles) of the tenant's rows matching `q`, through search_index.matching."""
    label = table.name if table is Organization else table.title
    with tenant_context(tenant.id):
        return set(
            db.session.scalars(sa.select(label).where(*search_index.matching(table.__table__, q)))
        )


def listed(client, q: str, slug: str = "rasina") -> set[str]:
    html = client.get(f"/{slug}/directory/", query_string={"q": q}, headers=EN)
    assert html.status_code == 200
    return {text_of(a) for a in parse(html).select(".org-card h3 a, .org-card h2 a")}


def fts_rows(db, table="organizations") -> int:
    """Rows in the table's FTS5 index (SQLite), or None where there is none."""
    if not search_index.uses_fts(db.engine.dialect.name):
        return None
    fts = search_index.INDEXES[table].fts()
    with cross_tenant():
        return db.session.scalar(sa.select(sa.func.count()).select_from(fts))


@pytest.fixture
def spaces(make_space, make_tenant, entry, db):
    with make_space("owner") as rasina:
        entry("Zadruga Rasinski med", mission="Med i pčelarstvo u Kruševcu.")
        entry("Ruke Trstenika", municipality="Trstenik", actor_type="association")
        entry("Pčelarska radionica", municipality="Brus", description="Obuke za mlade.")
    other = make_tenant("drugi", municipalities=["Niš"], region="RS-20")
    with tenant_context(other.id):
        entry("Tajna pekara Niš", municipality="Niš", mission="Hleb i pčelarstvo.")
        db.session.commit()
    return rasina, other


def test_words_match_as_substrings_across_scripts_and_diacritics(db, spaces):
    rasina, _ = spaces
    assert found(db, rasina, "пчелар") == {"Zadruga Rasinski med", "Pčelarska radionica"}
    assert found(db, rasina, "PCELAR radion") == {"Pčelarska radionica"}
    assert found(db, rasina, "asinsk") == {"Zadruga Rasinski med"}  # inside a word
    assert found(db, rasina, "obuke") == {"Pčelarska radionica"}  # the description
    assert found(db, rasina, "zadruga nema") == set()
    assert (
        found(db, rasina, "")
        == found(db, rasina, "   ")
        == {
            "Zadruga Rasinski med",
            "Ruke Trstenika",
            "Pčelarska radionica",
        }
    )


def test_short_words_match_the_beginning_of_a_word(db, spaces):
    rasina, _ = spaces
    assert found(db, rasina, "ru") == {"Ruke Trstenika"}  # not "tRUke", not "zadRUga"
    assert found(db, rasina, "r") == {"Zadruga Rasinski med", "Ruke Trstenika",
                                      "Pčelarska radionica"}  # fmt: skip
    assert found(db, rasina, "me") == {"Zadruga Rasinski med"}
    assert found(db, rasina, "ed") == set()  # "med" ends with it: not a beginning
    assert found(db, rasina, "pčelar u") == {"Zadruga Rasinski med"}  # "u Kruševcu"


def test_another_space_never_matches(db, client, spaces):
    rasina, other = spaces
    assert found(db, rasina, "pekara") == set() and found(db, rasina, "niš") == set()
    assert found(db, other, "pekara") == {"Tajna pekara Niš"}
    assert found(db, other, "pčelar") == {"Tajna pekara Niš"}
    assert "Tajna pekara" not in client.get("/rasina/directory/?q=pekara").get_data(as_text=True)
    page = client.get("/drugi/directory/?q=pekara", headers=EN).get_data(as_text=True)
    assert "Tajna pekara Niš" in page and "Zadruga Rasinski" not in page


def test_the_index_follows_creation_renaming_and_deletion(db, spaces, entry):
    rasina, _ = spaces
    before = fts_rows(db)
    with tenant_context(rasina.id):
        org = entry("Nova zora", municipality="Brus")
        db.session.commit()
    assert found(db, rasina, "zora") == {"Nova zora"}
    with tenant_context(rasina.id):
        org = db.session.get(Organization, org.id)
        services.update_organization(org, {"name": "Stara luka"}, {}, None)
        db.session.commit()
    assert found(db, rasina, "zora") == set()
    assert found(db, rasina, "luka") == {"Stara luka"}
    with tenant_context(rasina.id):
        db.session.delete(db.session.get(Organization, org.id))
        db.session.commit()
    assert found(db, rasina, "luka") == set()
    assert fts_rows(db) == before


def test_deleting_a_space_empties_its_part_of_the_index(db, spaces):
    rasina, other = spaces
    if fts_rows(db) is None:
        pytest.skip("no FTS5 table on this database")
    assert fts_rows(db) == 4
    with cross_tenant():
        db.session.execute(sa.delete(type(other)).where(type(other).id == other.id))
        db.session.commit()
    assert fts_rows(db) == 3  # the entries went by the foreign key's cascade


@pytest.mark.parametrize("q", ['"', '""x"', "%", "_", "\\", "a*", "OR", "NEAR(a b)", "-x", "^"])
def test_query_syntax_is_plain_text(db, client, spaces, q):
    rasina, _ = spaces
    assert found(db, rasina, q) == set()
    assert client.get("/rasina/directory/", query_string={"q": q}).status_code == 200


def test_quotes_and_wildcards_are_matched_literally(db, spaces, entry):
    rasina, _ = spaces
    with tenant_context(rasina.id):
        entry('Udruženje "100% domaće"', actor_type="association")
        db.session.commit()
    assert found(db, rasina, '"100%') == {'Udruženje "100% domaće"'}
    assert found(db, rasina, "00%") == {'Udruženje "100% domaće"'}
    assert found(db, rasina, "0%") == set()  # two characters: the beginning of a word
    assert found(db, rasina, "1_0") == set()


def test_resources_and_practices_search_on_the_index(db, spaces):
    rasina, other = spaces
    with tenant_context(rasina.id):
        resource = Resource(title="Sala za obuke", kind="premises", municipality="Kruševac",
                            district_iso="RS-19", description="Sala sa projektorom.")  # fmt: skip
        practice = Practice(title="Bašte u Brusu", municipality="Brus", summary="Zajedničke bašte.")
        for row in (resource, practice):
            row.refresh_search()
            db.session.add(row)
        db.session.commit()
    assert found(db, rasina, "projektor", Resource) == {"Sala za obuke"}
    assert found(db, other, "projektor", Resource) == set()
    assert found(db, rasina, "баште", Practice) == {"Bašte u Brusu"}
    assert found(db, other, "baste", Practice) == set()


def test_reindex_rebuilds_the_index_and_its_triggers(app, db, spaces, entry):
    rasina, other = spaces
    if fts_rows(db) is None:
        pytest.skip("no FTS5 table on this database")
    with cross_tenant():
        db.session.execute(sa.delete(search_index.INDEXES["organizations"].fts()))
        db.session.commit()
    assert found(db, rasina, "zadruga") == set()  # the index is what answers
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "organizations: 4 row(s) indexed" in result.output
    assert found(db, rasina, "zadruga") == {"Zadruga Rasinski med"}
    assert found(db, other, "pekara") == {"Tajna pekara Niš"}
    with tenant_context(rasina.id):  # the recreated triggers follow new entries
        entry("Nova zora", municipality="Brus")
        db.session.commit()
    assert found(db, rasina, "zora") == {"Nova zora"}
    bad = app.test_cli_runner().invoke(args=["search", "reindex", "users"])
    assert bad.exit_code != 0 and "not searchable: users" in bad.output


def test_the_search_reads_the_index_not_the_space(app, db, spaces):
    """SQLite: the list's statement, as sent (tenant condition and all), explained: the text
    filter is answered by the FTS5 table bounded to the space's rowids, and the organizations
    table is never scanned. (PostgreSQL's choice between the trigram index and a tenant index
    depends on the data's size and shape; see docs/benchmarks.md, "Search index".)"""
    if not search_index.uses_fts(db.engine.dialect.name):
        pytest.skip("the plan of PostgreSQL's trigram index depends on the data: see the docs")
    rasina, _ = spaces
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "LIMIT" in statement.upper():
            sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        with tenant_context(rasina.id):
            search.search(search.Filters(q="zadruga"), level="visitors", own_ids=set())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    ((statement, parameters),) = sent
    assert "organizations_search" in statement and "MATCH" in statement
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
    plan = [row[-1] for row in cursor.fetchall()]
    assert any("organizations_search VIRTUAL TABLE INDEX" in step for step in plan), plan
    # the rows are then found by primary key, or (the list, in name order) by walking the
    # space's name index with the hits as a lookup list: the text is never read
    assert not any(step.split()[:2] == ["SCAN", "organizations"] for step in plan), plan
