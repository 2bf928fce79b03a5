"""Reading and writing discussions through the real forms and pages."""

from __future__ import annotations

from bs4 import Tag

from solidarna.core.audit import AuditEntry
from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.discussions.models import POSTS_PER_PAGE, Category, Post, Subscription, Thread
from tests.conftest import Client, one, parse, text_of


def posts_on(html: str) -> list[int]:
    """The numbers of the posts on a page, in order."""
    return [
        int(a["id"].removeprefix("post-")) for a in parse(html).select('article.post[id^="post-"]')
    ]


def top_level(fragment) -> list[str]:
    """The names of a fragment's top-level elements (what htmx swaps in)."""
    return [child.name for child in parse(fragment).contents if isinstance(child, Tag)]


def test_categories_are_shown_by_visibility(app, space, as_user):
    anonymous = Client(app).get("/alfa/discussions/").get_data(as_text=True)
    assert "Pitanja" in anonymous and "Soba članova" not in anonymous and "Uprava" not in anonymous
    member = as_user("ana@example.org").get("/alfa/discussions/").get_data(as_text=True)
    assert "Soba članova" in member and "Uprava" not in member
    owner = as_user("owner@example.org").get("/alfa/discussions/").get_data(as_text=True)
    assert "Uprava" in owner


def test_members_category_asks_visitors_to_log_in_and_hides_from_outsiders(app, space, as_user):
    thread_id = space.thread("Tajna soba", category=space.members)
    response = Client(app).get(f"/alfa/discussions/t/{thread_id}")
    assert response.status_code == 302 and "/auth/login" in response.location
    assert as_user("out@example.org").get(f"/alfa/discussions/t/{thread_id}").status_code == 404
    assert as_user("bojan@example.org").get(f"/alfa/discussions/t/{thread_id}").status_code == 200
    admins = space.thread("Samo uprava", category=space.admins, author=space.owner)
    assert as_user("bojan@example.org").get(f"/alfa/discussions/t/{admins}").status_code == 404


def test_member_starts_a_thread_and_follows_it(app, db, space, as_user):
    ana = as_user("ana@example.org")
    response = ana.post(
        f"/alfa/discussions/c/{space.public.id}/new",
        {"title": "Kako do registracije socijalnog preduzeća?", "body": "Ima li iskustava?"},
    )
    assert response.status_code == 303
    page = ana.get(response.location).get_data(as_text=True)
    assert "Kako do registracije socijalnog preduzeća?" in page
    assert "Ima li iskustava?" in page and posts_on(page) == [1]
    with tenant_context(space.tenant.id):
        category = db.session.get(Category, space.public.id)
        assert (category.thread_count, category.post_count) == (1, 1)
        sub = db.session.scalar(db.select(Subscription))
        assert sub.user_id == space.ana.id and sub.following


def test_new_thread_needs_a_title_and_a_body_and_keeps_the_text(space, as_user):
    ana = as_user("ana@example.org")
    response = ana.post(
        f"/alfa/discussions/c/{space.public.id}/new", {"title": "x", "body": "Tekst"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "najmanje 3" in page and "Tekst" in page
    response = ana.post(
        f"/alfa/discussions/c/{space.public.id}/new", {"title": "Naslov", "body": " "}
    )
    assert response.status_code == 422 and "Napišite nešto" in response.get_data(as_text=True)


def test_plain_reply_redirects_to_the_new_post(space, as_user):
    thread_id = space.thread()
    response = as_user("bojan@example.org").post(
        f"/alfa/discussions/t/{thread_id}/reply", {"body": "Slažem se.", "page": "1"}
    )
    assert response.status_code == 303
    assert response.location.endswith(f"/alfa/discussions/t/{thread_id}#post-2")


def test_htmx_reply_returns_only_the_new_post(space, as_user):
    thread_id = space.thread()
    space.reply(thread_id, "Druga poruka", space.cveta)
    bojan = as_user("bojan@example.org")
    response = bojan.post(
        f"/alfa/discussions/t/{thread_id}/reply",
        {"body": "Odgovor **uživo**", "page": "1"},
        headers={"HX-Request": "true", "HX-Target": "posts"},
    )
    assert response.status_code == 201
    assert top_level(response) == ["article"]
    post = one(response, "article.post")
    assert post["id"] == "post-3" and text_of(one(post, ".post-body strong")) == "uživo"
    assert "Druga poruka" not in text_of(parse(response))


def test_htmx_reply_errors_come_back_in_the_form_with_the_text(space, as_user):
    thread_id = space.thread()
    response = as_user("bojan@example.org").post(
        f"/alfa/discussions/t/{thread_id}/reply",
        {"body": "x" * 20_001, "page": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply-form"
    html = response.get_data(as_text=True)
    assert "20000" in html.replace(".", "").replace(",", "") and "x" * 100 in html
    empty = as_user("bojan@example.org").post(
        f"/alfa/discussions/t/{thread_id}/reply", {"body": "   ", "page": "1"}
    )
    assert empty.status_code == 422 and "Napišite nešto" in empty.get_data(as_text=True)


def test_only_members_reply_and_locked_threads_take_only_moderators(app, db, space, as_user):
    thread_id = space.thread()
    anonymous = Client(app).post(f"/alfa/discussions/t/{thread_id}/reply", {"body": "hej"})
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.location
    outsider = as_user("out@example.org").post(
        f"/alfa/discussions/t/{thread_id}/reply", {"body": "hej"}
    )
    assert outsider.status_code == 403
    moderator = as_user("mod@example.org")
    assert (
        moderator.post(
            f"/alfa/discussions/t/{thread_id}/moderate", {"action": "lock", "reason": "Dosta je."}
        ).status_code
        == 303
    )
    assert (
        as_user("bojan@example.org")
        .post(f"/alfa/discussions/t/{thread_id}/reply", {"body": "hej"})
        .status_code
        == 403
    )
    assert (
        moderator.post(
            f"/alfa/discussions/t/{thread_id}/reply", {"body": "Zaključano."}
        ).status_code
        == 303
    )
    with tenant_context(space.tenant.id):
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "discussions.thread_lock")
        )
        assert entry.actor_id == space.moderator.id and entry.details["reason"] == "Dosta je."


def test_pages_and_permalinks_land_on_the_right_post(db, space, as_user):
    thread_id = space.thread()
    for n in range(2, 2 * POSTS_PER_PAGE + 6):
        space.reply(thread_id, f"Poruka broj {n}", space.bojan)
    ana = as_user("ana@example.org")
    page3 = ana.get(f"/alfa/discussions/t/{thread_id}?page=3").get_data(as_text=True)
    assert posts_on(page3) == list(range(2 * POSTS_PER_PAGE + 1, 2 * POSTS_PER_PAGE + 6))
    number = 2 * POSTS_PER_PAGE + 3
    response = ana.get(f"/alfa/discussions/t/{thread_id}/post/{number}")
    assert response.status_code == 303
    assert response.location.endswith(f"/t/{thread_id}?page=3#post-{number}")
    assert ana.get(f"/alfa/discussions/t/{thread_id}/post/999").status_code == 404
    # Pages past the end show the last page.
    assert (
        posts_on(ana.get(f"/alfa/discussions/t/{thread_id}?page=99").get_data(as_text=True))[0]
        == 41
    )


def test_quote_prefills_the_reply(space, as_user):
    thread_id = space.thread(body="Prvi red\ndrugi red")
    page = as_user("bojan@example.org").get(f"/alfa/discussions/t/{thread_id}?quote=1")
    reply = one(page, "textarea#reply-body").get_text()
    assert "Ana Anić" in reply and "> Prvi red\n> drugi red" in reply


def test_mentions_notify_the_member_and_render(db, space, as_user):
    ana = as_user("ana@example.org")
    response = ana.post(
        f"/alfa/discussions/c/{space.public.id}/new",
        {"title": "Sastanak", "body": "@[Bojan Bojić] i @[Niko Nepostojeći], vidimo se."},
    )
    body = one(ana.get(response.location), "#post-1 .post-body")
    assert [text_of(m) for m in body.select("span.mention")] == ["@Bojan Bojić"]
    assert "@[Niko Nepostojeći]" in text_of(body)  # not a member: left as typed
    notes = db.session.scalars(
        db.select(Notification).where(Notification.user_id == space.bojan.id)
    ).all()
    assert [n.kind for n in notes] == ["discussions.mention"]
    assert notes[0].title == "Sastanak" and "/alfa/discussions/t/" in notes[0].url


def test_mention_suggestions_list_members_in_either_script(space, as_user):
    ana = as_user("ana@example.org")
    suggestions = parse(ana.get("/alfa/discussions/mentions?q=Бој"))
    assert [b["data-mention"] for b in suggestions.select("[data-mention]")] == ["Bojan Bojić"]
    outsider = parse(ana.get("/alfa/discussions/mentions?q=Oto"))  # Oto is not a member
    assert outsider.select("[data-mention]") == [] and "Oto" not in text_of(outsider)


def test_followers_are_notified_of_replies_and_can_unfollow(db, space, as_user):
    thread_id = space.thread()
    space.reply(thread_id, "Ja sam tu.", space.bojan)
    space.reply(thread_id, "I ja.", space.cveta)

    def kinds(user):
        return [n.kind for n in db.session.scalars(
            db.select(Notification).where(Notification.user_id == user.id))]  # fmt: skip

    assert kinds(space.ana) == ["discussions.reply", "discussions.reply"]
    assert kinds(space.bojan) == ["discussions.reply"]
    assert kinds(space.cveta) == []
    bojan = as_user("bojan@example.org")
    assert (
        bojan.post(f"/alfa/discussions/t/{thread_id}/follow", {"following": "0"}).status_code == 303
    )
    space.reply(thread_id, "Još nešto.", space.cveta)
    space.reply(thread_id, "Bojan opet piše.", space.bojan)  # posting again does not re-follow
    space.reply(thread_id, "A sada Ana.", space.ana)
    assert kinds(space.bojan) == ["discussions.reply"]
    followed = bojan.post(
        f"/alfa/discussions/t/{thread_id}/follow",
        {"following": "1"},
        headers={"HX-Request": "true"},
    )
    assert top_level(followed) == ["form"]
    assert one(followed, 'form input[name="following"]')["value"] == "0"  # the button now unfollows
    state = bojan.get(f"/alfa/discussions/t/{thread_id}/follow", headers={"HX-Request": "true"})
    assert one(state, 'input[name="following"]')["value"] == "0"
    assert (
        as_user("out@example.org").get(f"/alfa/discussions/t/{thread_id}/follow").status_code == 403
    )


def test_author_edits_with_history_for_moderators(db, space, as_user):
    thread_id = space.thread(body="Prva verzija")
    ana = as_user("ana@example.org")
    with tenant_context(space.tenant.id):
        post_id = db.session.scalar(db.select(Post.id).where(Post.thread_id == thread_id))
    assert (
        as_user("bojan@example.org").get(f"/alfa/discussions/posts/{post_id}/edit").status_code
        == 403
    )
    response = ana.post(f"/alfa/discussions/posts/{post_id}/edit", {"body": "Druga verzija"})
    assert response.status_code == 303
    page = ana.get(f"/alfa/discussions/t/{thread_id}").get_data(as_text=True)
    assert "Druga verzija" in page and "Prva verzija" not in page
    assert ana.get(f"/alfa/discussions/posts/{post_id}/history").status_code == 403
    history = as_user("mod@example.org").get(f"/alfa/discussions/posts/{post_id}/history")
    assert history.status_code == 200 and "Prva verzija" in history.get_data(as_text=True)


def test_soft_delete_keeps_the_number(db, space, as_user):
    thread_id = space.thread()
    space.reply(thread_id, "Obrisaću ovo.", space.bojan)
    with tenant_context(space.tenant.id):
        post_id = db.session.scalar(db.select(Post.id).where(Post.number == 2))
    bojan = as_user("bojan@example.org")
    assert bojan.post(f"/alfa/discussions/posts/{post_id}/delete").status_code == 303
    page = as_user("ana@example.org").get(f"/alfa/discussions/t/{thread_id}").get_data(as_text=True)
    assert posts_on(page) == [1, 2] and "Obrisaću ovo." not in page
    moderator_page = as_user("mod@example.org").get(f"/alfa/discussions/t/{thread_id}")
    assert "Obrisaću ovo." in moderator_page.get_data(as_text=True)


def test_posting_is_rate_limited_and_keeps_the_text(app, space, as_user):
    thread_id = space.thread()
    app.config["DISCUSSIONS_POST_LIMIT"] = "2 per minute"
    bojan = as_user("bojan@example.org")
    for n in range(2):
        assert (
            bojan.post(f"/alfa/discussions/t/{thread_id}/reply", {"body": f"br {n}"}).status_code
            == 303
        )
    response = bojan.post(f"/alfa/discussions/t/{thread_id}/reply", {"body": "Treći put"})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Treći put" in html and "brzo" in html


def test_preview_renders_markdown_safely(space, as_user):
    preview = parse(as_user("ana@example.org").post(
        "/alfa/discussions/preview", {"body": "**jako** <script>alert(1)</script>"},
        headers={"HX-Request": "true"},
    ))  # fmt: skip
    assert text_of(one(preview, "strong")) == "jako"
    assert preview.find("script") is None
    assert "<script>alert(1)</script>" in text_of(preview)  # shown as text


def test_thread_of_another_space_is_not_found(app, db, space, make_tenant, as_user):
    other = make_tenant("beta")
    with app.test_request_context(), tenant_context(other.id):
        category = Category(name="Beta", visibility="public")
        db.session.add(category)
        db.session.commit()
        from solidarna.discussions import services as ds

        thread, _ = ds.create_thread("Beta tema", "Tajna beta poruka", space.ana, category=category)
        db.session.commit()
        beta_thread = thread.id
    assert Client(app).get(f"/alfa/discussions/t/{beta_thread}").status_code == 404
    assert Client(app).get(f"/beta/discussions/t/{beta_thread}").status_code == 200
    alfa_id = space.tenant.id
    db.session.expunge_all()  # a new request starts with an empty session
    with tenant_context(alfa_id):
        assert db.session.get(Thread, beta_thread) is None


def test_activity_feed_on_the_tenant_home_respects_visibility(app, space, as_user):
    space.thread("Javna tema o zadrugama")
    space.thread("Tajna tema članova", category=space.members)
    anonymous = Client(app).get("/alfa/").get_data(as_text=True)
    assert "Javna tema o zadrugama" in anonymous and "Tajna tema članova" not in anonymous
    member = as_user("bojan@example.org").get("/alfa/").get_data(as_text=True)
    assert "Tajna tema članova" in member


def test_reading_the_thread_reads_its_notifications(db, space, as_user):
    thread_id = space.thread()
    other = space.thread("Druga tema")
    space.reply(thread_id, "Odgovor za Anu", space.bojan)
    space.reply(other, "I ovde", space.bojan)

    def unread():
        db.session.expire_all()
        return sorted(
            n.title
            for n in db.session.scalars(
                db.select(Notification).where(
                    Notification.user_id == space.ana.id, Notification.read_at.is_(None)
                )
            )
        )

    assert unread() == ["Druga tema", "Prva tema"]
    as_user("ana@example.org").get(f"/alfa/discussions/t/{thread_id}")
    assert unread() == ["Druga tema"]
