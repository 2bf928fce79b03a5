"""Reports, automatic hiding, the moderation queue, moderators' actions (all audit-logged),
categories managed by admins, and discussions attached to directory entries."""

from __future__ import annotations

from solidarna.core.audit import AuditEntry
from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.services import create_organization
from solidarna.discussions.models import Category, Post, Report, Thread
from tests.conftest import Client, nav_links, parse, text_of


def post_id(db, space, thread_id, number):
    with tenant_context(space.tenant.id):
        return db.session.scalar(
            db.select(Post.id).where(Post.thread_id == thread_id, Post.number == number)
        )


def audit(db, space, action):
    with tenant_context(space.tenant.id):
        return db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == action, AuditEntry.tenant_id == space.tenant.id)
        ).all()  # fmt: skip


def test_reports_hide_a_post_automatically_and_fill_the_queue(app, db, space, as_user):
    app.config["DISCUSSIONS_AUTO_HIDE_REPORTS"] = 2
    thread_id = space.thread()
    space.reply(thread_id, "Kupite jeftine satove na example.com", space.bojan)
    target = post_id(db, space, thread_id, 2)
    ana = as_user("ana@example.org")
    form = ana.get(f"/alfa/discussions/posts/{target}/report")
    assert form.status_code == 200 and "Zašto prijavljujete" in form.get_data(as_text=True)
    assert (
        ana.post(f"/alfa/discussions/posts/{target}/report", {"reason": "bogus"}).status_code == 422
    )
    assert (
        ana.post(f"/alfa/discussions/posts/{target}/report", {"reason": "spam"}).status_code == 303
    )
    again = ana.post(f"/alfa/discussions/posts/{target}/report", {"reason": "spam"})
    assert again.status_code == 422 and "Već ste prijavili" in again.get_data(as_text=True)
    own = as_user("bojan@example.org").post(
        f"/alfa/discussions/posts/{target}/report", {"reason": "spam"}
    )
    assert own.status_code == 422
    visitor_page = Client(app).get(f"/alfa/discussions/t/{thread_id}").get_data(as_text=True)
    assert "jeftine satove" in visitor_page  # one report: still visible
    as_user("cveta@example.org").post(
        f"/alfa/discussions/posts/{target}/report", {"reason": "abuse", "note": "Reklama."}
    )
    visitor_page = Client(app).get(f"/alfa/discussions/t/{thread_id}").get_data(as_text=True)
    assert "jeftine satove" not in visitor_page and "Moderatori su sakrili" in visitor_page
    assert audit(db, space, "discussions.post_auto_hidden")
    # Members do not reach the queue; moderators see the post with both reports.
    assert as_user("ana@example.org").get("/alfa/discussions/moderation").status_code == 403
    queue = as_user("mod@example.org").get("/alfa/discussions/moderation").get_data(as_text=True)
    assert "jeftine satove" in queue and "Reklama." in queue and "Ana Anić" in queue


def test_moderator_hides_with_a_reason_the_author_is_told_and_it_is_logged(db, space, as_user):
    thread_id = space.thread()
    space.reply(thread_id, "Neprimerena poruka", space.bojan)
    target = post_id(db, space, thread_id, 2)
    moderator = as_user("mod@example.org")
    without_reason = moderator.post(
        f"/alfa/discussions/posts/{target}/moderate", {"action": "hide"}
    )
    assert without_reason.status_code == 303
    with tenant_context(space.tenant.id):
        assert db.session.get(Post, target).hidden_at is None
    moderator.post(
        f"/alfa/discussions/posts/{target}/moderate",
        {"action": "hide", "reason": "Vređanje članova"},
    )
    entries = audit(db, space, "discussions.post_hide")
    assert len(entries) == 1 and entries[0].actor_id == space.moderator.id
    assert entries[0].details["reason"] == "Vređanje članova"
    told = db.session.scalars(
        db.select(Notification).where(Notification.user_id == space.bojan.id)
    ).all()
    assert [n.kind for n in told] == ["discussions.moderation"] and "Vređanje" in told[0].excerpt
    # The author still reads their hidden post, with the reason; others see the placeholder.
    own = (
        as_user("bojan@example.org").get(f"/alfa/discussions/t/{thread_id}").get_data(as_text=True)
    )
    assert "Vređanje članova" in own and "Neprimerena poruka" in own
    moderator.post(
        f"/alfa/discussions/posts/{target}/moderate", {"action": "unhide", "reason": "Greška"}
    )
    with tenant_context(space.tenant.id):
        assert db.session.get(Post, target).hidden_at is None
    assert audit(db, space, "discussions.post_unhide")[0].details["reason"] == "Greška"


def test_members_cannot_moderate(db, space, as_user):
    thread_id = space.thread()
    target = post_id(db, space, thread_id, 1)
    bojan = as_user("bojan@example.org")
    assert (
        bojan.post(
            f"/alfa/discussions/posts/{target}/moderate", {"action": "hide", "reason": "x"}
        ).status_code
        == 403
    )
    assert (
        bojan.post(f"/alfa/discussions/t/{thread_id}/moderate", {"action": "pin"}).status_code
        == 403
    )


def test_pin_move_and_delete_threads(db, space, as_user):
    first = space.thread("Stara tema")
    second = space.thread("Važna tema")
    moderator = as_user("mod@example.org")
    moderator.post(f"/alfa/discussions/t/{second}/moderate", {"action": "pin", "reason": ""})
    category = parse(moderator.get(f"/alfa/discussions/c/{space.public.id}"))
    titles = [text_of(a) for a in category.select(".thread-list .thread-title a")]
    assert titles == ["Važna tema", "Stara tema"]  # the pinned one first
    response = moderator.post(
        f"/alfa/discussions/t/{first}/move",
        {"category": str(space.members.id), "reason": "Interno"},
    )
    assert response.status_code == 303
    with tenant_context(space.tenant.id):
        assert db.session.get(Thread, first).category_id == space.members.id
        public = db.session.get(Category, space.public.id)
        members = db.session.get(Category, space.members.id)
        assert (public.thread_count, members.thread_count) == (1, 1)
    bad = moderator.post(f"/alfa/discussions/t/{first}/move", {"category": "99999", "reason": ""})
    assert bad.status_code == 422
    no_reason = moderator.post(f"/alfa/discussions/t/{second}/moderate", {"action": "delete"})
    assert no_reason.status_code == 303
    moderator.post(
        f"/alfa/discussions/t/{second}/moderate", {"action": "delete", "reason": "Duplikat"}
    )
    db.session.expire_all()
    with tenant_context(space.tenant.id):
        assert db.session.get(Thread, second).deleted_at is not None
        assert db.session.get(Category, space.public.id).thread_count == 0
    assert as_user("ana@example.org").get(f"/alfa/discussions/t/{second}").status_code == 404
    assert [e.details["reason"] for e in audit(db, space, "discussions.thread_delete")] == [
        "Duplikat"
    ]
    assert audit(db, space, "discussions.thread_moved")[0].details["reason"] == "Interno"


def test_admins_manage_categories(db, space, as_user):
    owner = as_user("owner@example.org")
    assert as_user("mod@example.org").get("/alfa/discussions/categories/").status_code == 403
    bad = owner.post("/alfa/discussions/categories/new", {"name": "", "visibility": "secret"})
    assert bad.status_code == 422
    assert (
        owner.post(
            "/alfa/discussions/categories/new",
            {"name": "Zakon i propisi", "description": "Izmene zakona", "visibility": "members"},
        ).status_code
        == 303
    )
    with tenant_context(space.tenant.id):
        made = db.session.scalar(db.select(Category).where(Category.name == "Zakon i propisi"))
        assert made.visibility == "members" and made.position == 4
        made_id = made.id
    space.thread("Tema u javnoj")
    refused = owner.post(f"/alfa/discussions/categories/{space.public.id}/delete")
    assert refused.status_code == 303
    assert "Premestite ili obrišite" in owner.get("/alfa/discussions/categories/").get_data(
        as_text=True
    )
    owner.post(f"/alfa/discussions/categories/{made_id}/move", {"direction": "up"})
    owner.post(f"/alfa/discussions/categories/{made_id}/delete")
    with tenant_context(space.tenant.id):
        assert db.session.get(Category, made_id) is None
    assert audit(db, space, "discussions.category_created")


def test_a_new_space_sets_up_the_suggested_categories(db, make_user, make_tenant, as_user):
    owner = make_user(email="nova@example.org")
    make_tenant("nova", members={owner: "owner"}, default_locale="sr_Latn")
    client = as_user("nova@example.org")
    assert "Napravite predložene" in client.get("/nova/discussions/").get_data(as_text=True)
    assert client.post("/nova/discussions/categories/set-up").status_code == 303
    html = client.get("/nova/discussions/").get_data(as_text=True)
    assert "Pitanja i odgovori" in html and "Soba članova" in html


def test_discussions_attached_to_a_directory_entry(app, db, space, as_user):
    with tenant_context(space.tenant.id):
        verified = create_organization(
            {"name": "Zadruga Med", "legal_form": "cooperative", "actor_type": "cooperative",
             "municipality": "Brus"}, {}, None, source="office", moderation="verified",
        ).id  # fmt: skip
        pending = create_organization(
            {"name": "Nepotvrđena zadruga", "legal_form": "cooperative",
             "actor_type": "cooperative", "municipality": "Brus"}, {}, None,
            source="self_reported", moderation="pending",
        ).id  # fmt: skip
        db.session.commit()
    ana = as_user("ana@example.org")
    response = ana.post(
        f"/alfa/discussions/about/organization/{verified}/new",
        {"title": "Saradnja sa zadrugom", "body": "Ko je radio sa njima?"},
    )
    assert response.status_code == 303
    listing = Client(app).get(f"/alfa/discussions/about/organization/{verified}")
    assert listing.status_code == 200 and "Saradnja sa zadrugom" in listing.get_data(as_text=True)
    profile = Client(app).get(f"/alfa/directory/{verified}").get_data(as_text=True)
    assert "Saradnja sa zadrugom" in profile
    assert ana.get(f"/alfa/discussions/about/organization/{pending}").status_code == 404
    assert (
        ana.post(
            f"/alfa/discussions/about/organization/{pending}/new", {"title": "Tema", "body": "x"}
        ).status_code
        == 404
    )
    assert ana.get("/alfa/discussions/about/nothing/1").status_code == 404
    index = Client(app).get("/alfa/discussions/").get_data(as_text=True)
    assert "Saradnja sa zadrugom" in index and "Zadruga Med" in index


def test_reports_are_kept_per_person_and_resolved(db, space, as_user):
    thread_id = space.thread()
    target = post_id(db, space, thread_id, 1)
    as_user("bojan@example.org").post(
        f"/alfa/discussions/posts/{target}/report", {"reason": "off_topic"}
    )
    as_user("mod@example.org").post(
        f"/alfa/discussions/posts/{target}/moderate", {"action": "dismiss", "reason": "U redu je"}
    )
    with tenant_context(space.tenant.id):
        report = db.session.scalar(db.select(Report))
        assert report.resolution == "dismissed" and report.resolved_by_id == space.moderator.id
        assert db.session.get(Post, target).open_reports == 0


def test_discussions_exist_only_where_the_module_is_on(app, make_tenant, as_user, make_user):
    owner = make_user(email="bez@example.org")
    make_tenant("bez", members={owner: "owner"}, modules=["directory"])
    client = as_user("bez@example.org")
    assert client.get("/bez/discussions/").status_code == 404
    assert client.post("/bez/discussions/categories/set-up").status_code == 404
    links = nav_links(client.get("/bez/")).values()
    assert "/bez/directory/" in links and "/bez/discussions/" not in links
