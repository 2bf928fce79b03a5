"""The campaign page's signatories (table, counts, map) are a kept fragment and the print
view's table, the CSV, the JSON and the open letter DOCX are kept in the shared cache, all
under the campaign's partner-aware marker (views/common.py `partner_marker`): a signature
made from the partner space shows at once on the owner space's page and in its exports,
never a stale copy; what is not changed comes from the cache."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from solidarna.core import fragments
from tests.campaigns.conftest import client_of

EXPORTS = ("/print", "/signatories.csv", "/signatories.json", "/letter.docx")


@pytest.fixture(autouse=True)
def caches_on(app):
    app.config["PAGE_CACHE"] = True
    app.config["FRAGMENT_CACHE"] = True


#: a CSRF token in a page: signed with a timestamp, so two requests a second apart differ
CSRF_TOKEN = re.compile(r'(X-CSRFToken": "|name="csrf_token" value=")[^"]+')


def _text(response) -> str:
    if response.mimetype.endswith("wordprocessingml.document"):
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as docx:
            return docx.read("word/document.xml").decode("utf-8")
    return CSRF_TOKEN.sub(r"\1…", response.get_data().decode("utf-8"))


def _kept(response) -> str:
    return response.headers.get(fragments.STATUS_HEADER) or response.headers.get(
        "X-Download-Cache", ""
    )


def test_a_signature_from_the_partner_space_shows_at_once_in_the_owner_space(world):
    cid = world.campaign(title="Rezervisane javne nabavke")
    world.partner_with(cid)
    member = client_of(world.app, "owner_member@example.org")
    base = f"/korse/campaigns/{cid}"
    # the owner space's own signature, drawn and kept
    rep = client_of(world.app, "owner_rep@example.org")
    assert rep.post(f"{base}/sign", {"organization_id": world.orgs["korse"]}).status_code == 303
    for suffix in ("", *EXPORTS):
        first = member.get(base + suffix)
        assert first.status_code == 200, suffix
        assert "miss" in _kept(first), suffix
        assert "Zadruga Beograd" in _text(first) and "Udruženje Rasina" not in _text(first)
        again = member.get(base + suffix)
        assert "hit" in _kept(again), suffix
        assert _text(again) == _text(first) or suffix == ""
    # a Kruševac representative signs from Kruševac: the owner's pages are drawn afresh
    partner_rep = client_of(world.app, "partner_rep@example.org")
    assert partner_rep.post(f"/krusevac/campaigns/{cid}/sign",
                            {"organization_id": world.orgs["krusevac"]}).status_code == 303  # fmt: skip
    for suffix in ("", *EXPORTS):
        fresh = member.get(base + suffix)
        assert "hit" not in _kept(fresh), suffix
        text = _text(fresh)
        assert "Udruženje Rasina" in text and "Zadruga Beograd" in text, suffix
    page = member.get(base).get_data(as_text=True)
    assert "Kancelarija Kruševac: 1" in page  # the counts by space
    # and the partner space's own page follows the owner space's withdrawal
    seen = partner_rep.get(f"/krusevac/campaigns/{cid}").get_data(as_text=True)
    assert "Zadruga Beograd" in seen
    assert rep.post(f"{base}/withdraw", {"organization_id": world.orgs["korse"]}).status_code == 303
    seen = partner_rep.get(f"/krusevac/campaigns/{cid}").get_data(as_text=True)
    assert "Zadruga Beograd" not in seen and "Udruženje Rasina" in seen
    for suffix in EXPORTS:
        assert "Zadruga Beograd" not in _text(member.get(base + suffix)), suffix


def test_the_streamed_exports_are_the_documents_they_were(world):
    cid = world.campaign(title="Rezervisane javne nabavke")
    rep = client_of(world.app, "owner_rep@example.org")
    base = f"/korse/campaigns/{cid}"
    for _round in (1, 2):  # drawn (streamed), then kept
        body = rep.get(f"{base}/signatories.json").get_data().decode("utf-8")
        data = json.loads(body)
        assert body == json.dumps(data, ensure_ascii=False, indent=2)
        assert data["organizations"] == [] and data["campaign"]["owner"] == "KoRSE"
        assert list(data["campaign"]) == ["id", "title", "status", "owner", "url"]
        assert data["individual_supporters"] == 0
    assert rep.post(f"{base}/sign", {"organization_id": world.orgs["korse"]}).status_code == 303
    assert rep.post(f"{base}/support", {}).status_code == 303
    for _round in (1, 2):
        body = rep.get(f"{base}/signatories.json").get_data().decode("utf-8")
        data = json.loads(body)
        assert body == json.dumps(data, ensure_ascii=False, indent=2)
        assert [o["organization"] for o in data["organizations"]] == ["Zadruga Beograd"]
        assert data["individual_supporters"] == 1
        raw = rep.get(f"{base}/signatories.csv").get_data().decode("utf-8")
        assert raw.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(raw[1:])))
        assert rows[0][0] == "organization" and rows[1][0] == "Zadruga Beograd"
        assert len(rows) == 2


@pytest.mark.parametrize("suffix", ["", "/print", "/signatories.csv", "/signatories.json"])
def test_a_kept_page_costs_the_same_statements_at_two_sizes(world, suffix):
    from solidarna.extensions import db
    from tests.campaigns.test_query_counts import CEILING, fill
    from tests.conftest import statements

    member = client_of(world.app, "owner_member@example.org")
    member.get("/korse/")  # the login message shown (a page showing one is no page shell's)
    counts = []
    for size in (3, 150):
        cid = fill(world, size, 1 if size == 3 else 30)
        path = f"/korse/campaigns/{cid}{suffix}"
        with statements(db.engine) as drawn:
            first = member.get(path)
            drawn_text = _text(first)  # a streamed export is kept once it is read to the end
        assert first.status_code == 200 and "hit" not in _kept(first)
        with statements(db.engine) as seen:
            again = member.get(path)
        assert "hit" in _kept(again)
        assert _text(again).count("Org ") == drawn_text.count("Org ") > 0
        assert len(seen) <= len(drawn) <= CEILING
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def test_a_comment_from_the_partner_space_and_its_hiding_show_at_once(world):
    cid = world.campaign(title="Rezervisane javne nabavke")
    world.partner_with(cid)
    member = client_of(world.app, "owner_member@example.org")
    admin = client_of(world.app, "owner_admin@example.org")
    base = f"/korse/campaigns/{cid}"
    for client in (member, admin):
        assert "No comments yet." in client.get(base).get_data(as_text=True)
        assert "campaign-comments=hit" in client.get(base).headers[fragments.STATUS_HEADER]
    partner_rep = client_of(world.app, "partner_rep@example.org")
    assert partner_rep.post(f"/krusevac/campaigns/{cid}/comments",
                            {"body": "Podržavamo iz Kruševca."}).status_code == 303  # fmt: skip
    assert "Podržavamo iz Kruševca." in member.get(base).get_data(as_text=True)
    page = admin.get(base)
    assert "Podržavamo iz Kruševca." in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    comment_id = int(html.split('id="comment-')[1].split('"')[0])
    # the hide button's form carries the admin's own token (the kept HTML a placeholder)
    hidden = admin.post(f"{base}/comments/{comment_id}/hide", {"hidden": "1"})
    assert hidden.status_code == 303
    assert "Podržavamo iz Kruševca." not in member.get(base).get_data(as_text=True)
    assert "Podržavamo iz Kruševca." in admin.get(base).get_data(as_text=True)
