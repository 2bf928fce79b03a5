"""A group's documents: members (not observers) add them, new versions keep the earlier ones,
coordinators delete (softly, in the audit log); downloads only through the group's rules
(a private group's files answer 404 to outsiders, another space's too); refused files are
answered on the form with what was typed kept."""

from __future__ import annotations

import io

import pytest

from solidarna.core import audit
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups.documents import GroupDocument, GroupDocumentVersion
from tests.conftest import parse
from tests.core.test_storage import HTML, PDF, SVG, docx_bytes, png_bytes
from tests.groups.conftest import visitor


@pytest.fixture
def app_overrides(tmp_path):
    return {"UPLOAD_ROOT": str(tmp_path / "uploads"), "UPLOAD_MAX_BYTES": 200_000}


def client_of(space, email=None):
    client = visitor(space.app)
    if email:
        client.login(email)
    return client


def send(client, group_id, data, name, title="Zapisnik prvog sastanka", **extra):
    return client.post(
        f"/alfa/groups/{group_id}/documents/new",
        {"title": title, "description": "Usvojen na sastanku.", **extra,
         "file": (io.BytesIO(data), name)},
    )  # fmt: skip


def documents_of(space):
    with tenant_context(space.tenant.id):
        return db.session.scalars(
            db.select(GroupDocument).execution_options(populate_existing=True)
        ).all()


def versions_of(space, document_id):
    with tenant_context(space.tenant.id):
        return db.session.scalars(
            db.select(GroupDocumentVersion)
            .where(GroupDocumentVersion.document_id == document_id)
            .order_by(GroupDocumentVersion.number)
        ).all()


def download_url(space, group_id, document_id):
    """The current version's download."""
    version = versions_of(space, document_id)[-1]
    return f"/alfa/groups/{group_id}/documents/{document_id}/versions/{version.id}/file"


def test_a_member_adds_a_document_and_everyone_who_sees_the_group_downloads_it(space):
    group_id = space.group()
    space.add(group_id, space.member)
    member = client_of(space, "member@example.org")
    response = send(member, group_id, docx_bytes(), "Zapisnik ćirilica.docx")
    assert response.status_code == 303
    (document,) = documents_of(space)
    assert document.title == "Zapisnik prvog sastanka" and document.version_count == 1
    page = member.get(f"/alfa/groups/{group_id}").get_data(as_text=True)
    assert "Zapisnik prvog sastanka" in page and "Zapisnik ćirilica.docx" in page
    url = download_url(space, group_id, document.id)
    answer = visitor(space.app).get(url)  # a public group: its documents are public too
    assert answer.status_code == 200
    assert answer.data[:2] == b"PK"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "private" in answer.headers["Cache-Control"]
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    with tenant_context(space.tenant.id):
        actions = [e.action for e in audit.entries(tenant_id=space.tenant.id)]
    assert "group.document_added" in actions


def test_a_png_named_pdf_is_stored_and_offered_as_a_png(space):
    group_id = space.group()
    member = client_of(space, "coord@example.org")
    assert send(member, group_id, png_bytes(), "izvestaj.pdf").status_code == 303
    (document,) = documents_of(space)
    (version,) = versions_of(space, document.id)
    answer = member.get(download_url(space, group_id, document.id))
    assert answer.headers["Content-Type"] == "image/png"
    assert "izvestaj.png" in answer.headers["Content-Disposition"]
    assert answer.data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("data", "name"), [(HTML, "stranica.html"), (SVG, "logo.svg")])
def test_markup_and_svg_are_refused_on_the_form(space, data, name):
    group_id = space.group()
    member = client_of(space, "coord@example.org")
    response = send(member, group_id, data, name, title="Moj naslov")
    assert response.status_code == 422
    html = parse(response.get_data(as_text=True))
    assert html.select_one("#title")["value"] == "Moj naslov"  # what was typed is kept
    error = html.select_one(".field.has-error .error").get_text()
    assert ("SVG" in error) if name.endswith(".svg") else ("not accepted" in error)
    assert documents_of(space) == []


def test_too_large_answers_413_with_the_form_and_empty_is_refused(space):
    group_id = space.group()
    member = client_of(space, "coord@example.org")
    response = send(member, group_id, PDF + b"0" * 200_000, "veliki.pdf", title="Veliki")
    assert response.status_code == 413
    html = parse(response.get_data(as_text=True))
    assert html.select_one("#title")["value"] == "Veliki"
    assert "too large" in html.select_one(".field.has-error .error").get_text()
    empty = send(member, group_id, b"", "prazan.pdf")
    assert empty.status_code == 422
    assert documents_of(space) == []


def test_a_serbian_reader_gets_the_refusal_in_serbian(space):
    group_id = space.group()
    client = visitor(space.app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sr-Latn"
    with space.app.app_context():
        user = db.session.merge(space.coordinator)
        user.locale = "sr_Latn"
        db.session.commit()
    client.login("coord@example.org")
    response = send(client, group_id, b"", "prazan.pdf")
    assert response.status_code == 422
    assert "The file is empty." not in response.get_data(as_text=True)


def test_observers_and_outsiders_do_not_add_documents(space):
    group_id = space.group()
    space.add(group_id, space.member, role="observer")
    observer = client_of(space, "member@example.org")
    assert send(observer, group_id, PDF, "a.pdf").status_code == 403
    page = observer.get(f"/alfa/groups/{group_id}/documents/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' not in page
    outsider = client_of(space, "rep1@example.org")  # a member of the space, not of the group
    assert send(outsider, group_id, PDF, "a.pdf").status_code == 403
    assert documents_of(space) == []


def test_new_versions_keep_the_earlier_ones(space):
    group_id = space.group()
    coordinator = client_of(space, "coord@example.org")
    send(coordinator, group_id, PDF, "plan.pdf", title="Plan rada")
    (document,) = documents_of(space)
    base = f"/alfa/groups/{group_id}/documents/{document.id}"
    second = coordinator.post(
        f"{base}/versions", {"file": (io.BytesIO(docx_bytes()), "plan-2.docx")}
    )
    assert second.status_code == 303
    refused = coordinator.post(f"{base}/versions", {"file": (io.BytesIO(HTML), "x.html")})
    assert refused.status_code == 422
    first, latest = versions_of(space, document.id)
    assert (first.number, latest.number) == (1, 2)
    page = coordinator.get(base).get_data(as_text=True)
    assert "plan.pdf" in page and "plan-2.docx" in page and "Ceca Koordinatorka" in page
    old = coordinator.get(f"{base}/versions/{first.id}/file")
    assert old.status_code == 200 and old.data == PDF
    assert documents_of(space)[0].version_count == 2


def test_a_private_group_s_documents_answer_404_to_outsiders(space):
    group_id = space.group(visibility="private", join_policy="invitation")
    coordinator = client_of(space, "coord@example.org")
    assert send(coordinator, group_id, PDF, "tajno.pdf", title="Tajni plan").status_code == 303
    (document,) = documents_of(space)
    url = download_url(space, group_id, document.id)
    assert coordinator.get(url).status_code == 200
    for client in (client_of(space, "member@example.org"), visitor(space.app)):
        assert client.get(url).status_code == 404
        assert client.get(f"/alfa/groups/{group_id}/documents/").status_code == 404
    assert client_of(space, "owner@example.org").get(url).status_code == 200  # an admin


def test_another_space_s_documents_answer_404(space, make_user, make_tenant):
    group_id = space.group()
    send(client_of(space, "coord@example.org"), group_id, PDF, "a.pdf")
    (document,) = documents_of(space)
    (version,) = versions_of(space, document.id)
    document_id, version_id = document.id, version.id
    make_tenant("beta", members={make_user(email="b@example.org", locale="en"): "owner"})
    other = client_of(space, "b@example.org")
    path = f"/groups/{group_id}/documents/{document_id}/versions/{version_id}/file"
    assert other.get("/beta" + path).status_code == 404
    # a version of another document of the same group is not this document's
    assert (
        client_of(space, "coord@example.org")
        .get(f"/alfa/groups/{group_id}/documents/{document_id + 1}/versions/{version_id}/file")
        .status_code
        == 404
    )


def test_coordinators_delete_softly_and_the_log_says_who(space):
    group_id = space.group()
    space.add(group_id, space.member)
    send(client_of(space, "member@example.org"), group_id, PDF, "a.pdf", title="Za brisanje")
    (document,) = documents_of(space)
    url = download_url(space, group_id, document.id)
    member = client_of(space, "member@example.org")
    assert member.post(f"/alfa/groups/{group_id}/documents/{document.id}/delete").status_code == 403
    coordinator = client_of(space, "coord@example.org")
    deleted = coordinator.post(f"/alfa/groups/{group_id}/documents/{document.id}/delete")
    assert deleted.status_code == 303
    assert documents_of(space)[0].deleted_at is not None  # the row stays
    assert coordinator.get(url).status_code == 404
    page = coordinator.get(f"/alfa/groups/{group_id}").get_data(as_text=True)
    assert "Za brisanje" not in page
    log = client_of(space, "owner@example.org").get("/alfa/admin/audit").get_data(as_text=True)
    assert "Za brisanje" in log and "Ceca Koordinatorka" in log


def fill_documents(space, group_id, count: int) -> None:
    from solidarna.core import storage
    from solidarna.groups import documents
    from solidarna.groups.models import WorkingGroup

    with space.app.test_request_context(), tenant_context(space.tenant.id):
        group = db.session.get(WorkingGroup, group_id)
        author = db.session.merge(space.coordinator)
        for n in range(count):
            checked = storage.Checked(PDF, "pdf", f"dokument-{n}.pdf")
            document = documents.add(group, f"Dokument {n}", "", checked, author)
            documents.add_version(group, document, checked, author)
        db.session.commit()


@pytest.mark.parametrize("login", [None, "coord@example.org"])
def test_document_pages_statements_do_not_grow_with_documents(space, login):
    from tests.conftest import statements

    space.app.config["PAGE_CACHE"] = False

    def count(url):
        client = client_of(space, login)
        assert client.get(url).status_code == 200
        with statements(db.engine) as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    small, large = space.group(name="Mala grupa"), space.group(name="Velika grupa")
    fill_documents(space, small, 2)
    fill_documents(space, large, 30)
    for page in ("", "/documents/"):
        assert count(f"/alfa/groups/{small}{page}") == count(f"/alfa/groups/{large}{page}") <= 26
    page = parse(client_of(space, login).get(f"/alfa/groups/{large}").get_data(as_text=True))
    assert len(page.select("#documents tbody tr")) == 5  # the latest five, then "All documents"


def test_no_file_chosen_is_answered_on_the_form(space):
    group_id = space.group()
    coordinator = client_of(space, "coord@example.org")
    response = coordinator.post(
        f"/alfa/groups/{group_id}/documents/new", {"title": "Bez datoteke", "description": ""}
    )
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)
    assert documents_of(space) == []


def test_new_documents_of_public_groups_are_in_the_home_s_activity(space):
    public = space.group(name="Javna grupa")
    private = space.group(name="Zatvorena grupa", visibility="private", join_policy="invitation")
    coordinator = client_of(space, "coord@example.org")
    send(coordinator, public, PDF, "a.pdf", title="Javni zapisnik")
    send(coordinator, private, PDF, "b.pdf", title="Tajni zapisnik")
    home = visitor(space.app).get("/alfa/").get_data(as_text=True)
    assert "Javni zapisnik" in home and "Tajni zapisnik" not in home


def test_new_documents_and_versions_notify_the_active_members_by_their_preferences(space):
    """Through core/notifications: every active member but the uploader is told (in the
    app, and by mail as each one chose: `never` gets no mail); a pending one is not."""
    from solidarna.core.mail import OutboxMessage
    from solidarna.core.notifications import Notification, NotificationSettings

    group_id = space.group()
    space.add(group_id, space.member)
    space.add(group_id, space.rep1, organization_id=space.org1)
    space.add(group_id, space.rep2, status="pending")
    db.session.add(NotificationSettings(user_id=space.rep1.id, email_mode="never"))
    db.session.commit()
    member = client_of(space, "member@example.org")
    assert send(member, group_id, PDF, "plan.pdf", title="Plan rada").status_code == 303
    (document,) = documents_of(space)

    def told():
        rows = db.session.scalars(
            db.select(Notification).where(Notification.kind == "groups.document")
            .execution_options(populate_existing=True)
        ).all()  # fmt: skip
        return {(n.user_id, n.email_status) for n in rows}, rows

    seen, rows = told()
    assert seen == {(space.coordinator.id, "sent"), (space.rep1.id, "skipped")}
    assert all(n.url == f"/alfa/groups/{group_id}/documents/{document.id}" for n in rows)
    assert all("Plan rada" in n.title for n in rows)
    mailed = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.to_address for m in mailed if "Plan rada" in m.subject] == ["coord@example.org"]
    # a new version: told again (the coordinator uploads, so the coordinator is not)
    coordinator = client_of(space, "coord@example.org")
    base = f"/alfa/groups/{group_id}/documents/{document.id}"
    assert (
        coordinator.post(
            f"{base}/versions", {"file": (io.BytesIO(docx_bytes()), "plan-2.docx")}
        ).status_code
        == 303
    )
    _seen, rows = told()
    again = [n for n in rows if "Version 2" in n.title]
    assert sorted(n.user_id for n in again) == sorted([space.member.id, space.rep1.id])
