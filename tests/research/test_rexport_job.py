"""Large XLSX exports as background work (issue 16 item 5, DESIGN §11/§12): a survey of more
responses than RESEARCH_XLSX_DIRECT_MAX gets a page that prepares the file in the worker
(core/jobs.py, immediate in tests), keeps it through core/storage.py and offers it to the admin
who asked, in this space, until it expires; smaller ones download at once."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from solidarna.core import jobs, storage
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.research import export_job
from tests.conftest import Client
from tests.research.test_rresults import admin, fill, make_survey


@pytest.fixture
def app_overrides(tmp_path):
    return {"UPLOAD_ROOT": str(tmp_path / "uploads"), "RESEARCH_XLSX_DIRECT_MAX": 2}


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False


@pytest.fixture
def world(db, make_user, make_tenant):
    owner = make_user("owner@example.org", name="Vlasnica")
    second = make_user("second@example.org", name="Druga")
    member = make_user("member@example.org", name="Članica")
    tenant = make_tenant("krusevac", members={owner: "owner", second: "owner", member: "member"})
    make_tenant("brus", members={owner: "owner"})
    return tenant


def _job_id(response) -> int:
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_a_large_export_is_prepared_in_the_background(app, world):
    sid = make_survey(world)
    fill(world, sid, 3)
    client = admin(app)
    results_page = client.get(f"/krusevac/research/{sid}/results").get_data(as_text=True)
    link = re.search(r'<a href="[^"]*/export\.xlsx"[^>]*>', results_page)[0]
    assert "download" not in link  # it opens the page that prepares the file
    page = client.get(f"/krusevac/research/{sid}/export.xlsx")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Prepare the XLSX" in page.get_data(as_text=True)
    started = client.post(f"/krusevac/research/{sid}/export.xlsx")
    assert started.status_code == 303
    job_id = _job_id(started)
    shown = client.get(f"/krusevac/research/{sid}/exports/{job_id}")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "The spreadsheet is ready." in html
    assert shown.headers["Cache-Control"] == "no-store"
    progress = client.get(f"/krusevac/research/{sid}/exports/{job_id}/progress")
    assert progress.headers["HX-Redirect"].endswith(f"/exports/{job_id}")
    download = client.get(f"/krusevac/research/{sid}/exports/{job_id}/file")
    assert download.status_code == 200
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.get_data())).worksheets[0].values)
    assert len(rows) == 4 and "barriers__money" in rows[0]
    # the page of the survey's exports lists it
    again = client.get(f"/krusevac/research/{sid}/export.xlsx").get_data(as_text=True)
    assert f"/exports/{job_id}" in again


def test_only_the_admin_who_asked_sees_the_export(app, world):
    sid = make_survey(world)
    fill(world, sid, 3)
    job_id = _job_id(admin(app).post(f"/krusevac/research/{sid}/export.xlsx"))
    other = Client(app)
    other.login("second@example.org")
    assert other.get(f"/krusevac/research/{sid}/exports/{job_id}").status_code == 404
    assert other.get(f"/krusevac/research/{sid}/exports/{job_id}/file").status_code == 404
    member = Client(app)
    member.login("member@example.org")
    assert member.get(f"/krusevac/research/{sid}/exports/{job_id}/file").status_code in (403, 404)
    owner = admin(app)
    # another space's URL, another survey's, an unknown job: 404
    assert owner.get(f"/brus/research/{sid}/exports/{job_id}/file").status_code == 404
    second = make_survey(world, title="Druga")
    assert owner.get(f"/krusevac/research/{second}/exports/{job_id}").status_code == 404
    assert owner.get(f"/krusevac/research/{sid}/exports/{job_id + 99}").status_code == 404


def test_an_expired_export_is_gone_and_purged(app, world):
    sid = make_survey(world)
    fill(world, sid, 3)
    client = admin(app)
    job_id = _job_id(client.post(f"/krusevac/research/{sid}/export.xlsx"))
    with tenant_context(world.id):
        job = db.session.get(jobs.Job, job_id)
        record = db.session.get(storage.StoredFile, job.result["file_id"])
        record.created_at -= timedelta(hours=export_job.KEEP_HOURS + 1)
        key = record.key
        db.session.commit()
    html = client.get(f"/krusevac/research/{sid}/exports/{job_id}").get_data(as_text=True)
    assert "no longer kept" in html
    assert client.get(f"/krusevac/research/{sid}/exports/{job_id}/file").status_code == 404
    assert storage.backend().path(key).exists()
    assert export_job.purge() == 1
    db.session.commit()
    assert not storage.backend().path(key).exists()
    with tenant_context(world.id):
        assert db.session.get(storage.StoredFile, record.id) is None


def test_a_small_survey_downloads_at_once(app, world):
    sid = make_survey(world)
    fill(world, sid, 2)
    client = admin(app)
    link = re.search(
        r'<a href="[^"]*/export\.xlsx"[^>]*>',
        client.get(f"/krusevac/research/{sid}/results").get_data(as_text=True),
    )[0]
    assert "download" in link
    response = client.get(f"/krusevac/research/{sid}/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == export_job.storage.KINDS["xlsx"].mime
