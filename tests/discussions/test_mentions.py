"""Mentions of members: @[Name] and plain @Name Surname resolved against the space's members,
the notices they send, the suggestions endpoint behind both helpers, and the preview's notes
about an @ that notifies nobody."""

from __future__ import annotations

import pytest

from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.discussions import mentions
from solidarna.tenants.models import Membership
from tests.conftest import EN, Client, one, parse, text_of


def notices(db, user, kind="discussions.mention") -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(
        db.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def mention_texts(html) -> list[str]:
    return [text_of(m) for m in parse(html).select("span.mention")]


def suggested(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [b["data-mention"] for b in parse(response).select("[data-mention]")]


def add_member(db, space, user, role="member", status="active"):
    with tenant_context(space.tenant.id):
        db.session.add(Membership(user_id=user.id, role=role, status=status))
        db.session.commit()


# --- resolving and notifying -----------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["@Bojan Bojić", "@bojan bojic", "@BOJAN BOJIĆ", "@Бојан Бојић", "@бојан бојиц"]
)
def test_a_plain_full_name_in_any_script_case_or_diacritics_mentions_and_notifies(
    db, space, written
):
    thread_id = space.thread(author=space.ana)
    number = space.reply(thread_id, f"Pitaj {written}, on zna.", space.cveta)
    notes = notices(db, space.bojan)
    assert len(notes) == 1, written
    assert notes[0].url.endswith(f"/post/{number}") or f"#post-{number}" in notes[0].url
    with tenant_context(space.tenant.id):
        from solidarna.discussions.models import Post

        body = db.session.scalar(db.select(Post.body_html).where(Post.number == number))
    assert mention_texts(body) == ["@Bojan Bojić"]


def test_plain_and_canonical_mentions_of_one_member_notify_once(db, space):
    thread_id = space.thread(author=space.ana)
    space.reply(thread_id, "@Bojan Bojić i @[Bojan Bojić], @bojan bojić!", space.cveta)
    assert len(notices(db, space.bojan)) == 1
    assert notices(db, space.cveta) == [], "writing one's own name notifies nobody"


def test_an_ambiguous_plain_name_is_no_mention_but_the_canonical_one_notifies_both(
    app, db, space, make_user
):
    second = make_user(email="ana2@example.org", name="Ana Anić")
    add_member(db, space, second)
    thread_id = space.thread(author=space.bojan)
    number = space.reply(thread_id, "Pozdrav @Ana Anić!", space.cveta)
    assert notices(db, space.ana) == [] and notices(db, second) == []
    with app.test_request_context(), tenant_context(space.tenant.id):
        body = mentions.resolve("Pozdrav @Ana Anić!")
        assert mention_texts(body.html) == [] and body.ambiguous == ["Ana Anić"]
        assert body.mentioned == []
    assert number == 2 and notices(db, space.bojan, "discussions.reply") != []
    space.reply(thread_id, "Pozdrav @[Ana Anić]!", space.cveta)
    assert len(notices(db, space.ana)) == 1 and len(notices(db, second)) == 1


def test_unknown_names_non_members_and_other_spaces_are_not_mentions(
    app, db, space, make_user, make_tenant
):
    pending = make_user(email="pera@example.org", name="Pera Perić")
    add_member(db, space, pending, status="pending")
    elsewhere = make_user(email="vera@example.org", name="Vera Verić")
    make_tenant("beta", members={elsewhere: "member"})
    source = "@Niko Nikić je tu, @Oto Spoljni, @Pera Perić, @Vera Verić i ana@example.org."
    thread_id = space.thread(author=space.bojan)
    space.reply(thread_id, source, space.cveta)
    for user in (space.outsider, pending, elsewhere, space.ana):
        assert notices(db, user) == [], user.name
    with app.test_request_context(), tenant_context(space.tenant.id):
        body = mentions.resolve(source)
    assert mention_texts(body.html) == []
    assert body.unknown == ["@Niko Nikić", "@Oto Spoljni", "@Pera Perić", "@Vera Verić"]


def test_a_plain_mention_notifies_only_members_who_can_read_the_thread(db, space):
    thread_id = space.thread("Uprava", "Za upravu.", author=space.owner, category=space.admins)
    space.reply(thread_id, "@Ana Anić i @Milan Moderić, vidite ovo.", space.owner)
    assert notices(db, space.ana) == [] and notices(db, space.moderator) == []
    space.reply(thread_id, "Ipak, @Olga Vlasnić piše sebi.", space.owner)
    assert notices(db, space.owner) == []


def test_a_post_without_an_at_asks_nothing_about_members(app, db, space):
    from tests.conftest import statements

    with (
        app.test_request_context(),
        tenant_context(space.tenant.id),
        statements(db.engine) as seen,
    ):
        mentions.resolve("Obično pismo, **bez** pominjanja: ana(at)example.org.")
    assert seen == []


# --- the suggestions endpoint ----------------------------------------------------------------


def test_suggestions_fold_diacritics_and_scripts_and_put_word_starts_first(
    db, space, make_user, as_user
):
    add_member(db, space, make_user(email="jovana@example.org", name="Jovana Đorđević"))
    add_member(db, space, make_user(email="marija@example.org", name="Marija Anđelković"))
    ana = as_user("ana@example.org")
    assert suggested(ana.get("/alfa/discussions/mentions?q=bojic")) == ["Bojan Bojić"]
    assert suggested(ana.get("/alfa/discussions/mentions?q=ЦВЕ")) == ["Cveta Cvetić"]
    assert suggested(ana.get("/alfa/discussions/mentions?q=djordj")) == ["Jovana Đorđević"]
    # "an": the name starting with it, a name with a word starting with it, then the names that
    # merely contain it
    assert suggested(ana.get("/alfa/discussions/mentions?q=an")) == [
        "Ana Anić", "Marija Anđelković", "Bojan Bojić", "Jovana Đorđević", "Milan Moderić",
    ]  # fmt: skip
    assert suggested(ana.get("/alfa/discussions/mentions?q=ana an")) == ["Ana Anić"]
    assert suggested(ana.get("/alfa/discussions/mentions?q=a")) == []  # two letters at least


def test_suggestions_say_how_many_were_found(space, as_user):
    ana = as_user("ana@example.org")
    page = parse(ana.get("/alfa/discussions/mentions?q=ić", headers=EN))
    assert text_of(one(page, "[data-mention-count]")) == "5 members found"
    page = parse(ana.get("/alfa/discussions/mentions?q=bojan", headers=EN))
    assert text_of(one(page, "[data-mention-count]")) == "1 member found"
    page = parse(ana.get("/alfa/discussions/mentions?q=zzz", headers=EN))
    assert text_of(one(page, "[data-mention-count]")) == "No member with that name."


def test_suggestions_never_name_members_of_another_space_or_people_not_active(
    db, space, make_user, make_tenant, as_user
):
    other = make_user(email="anabeta@example.org", name="Ana Beta")
    make_tenant("beta", members={other: "member", space.bojan: "member"})
    add_member(db, space, make_user(email="anap@example.org", name="Ana Pending"), "member",
               "pending")  # fmt: skip
    ana = as_user("ana@example.org")
    assert suggested(ana.get("/alfa/discussions/mentions?q=ana")) == ["Ana Anić"]
    # in beta, Bojan is a member and asks: only beta's members, though Ana Anić is in alfa
    bojan = as_user("bojan@example.org")
    assert suggested(bojan.get("/beta/discussions/mentions?q=ana")) == ["Ana Beta"]
    assert suggested(bojan.get("/beta/discussions/mentions?q=cve")) == []


def test_suggestions_are_refused_to_visitors_and_non_members(app, space, as_user):
    anonymous = Client(app).get("/alfa/discussions/mentions?q=ana")
    assert anonymous.status_code in (302, 303, 401) and "data-mention" not in anonymous.get_data(
        as_text=True
    )
    outsider = as_user("out@example.org").get("/alfa/discussions/mentions?q=ana")
    assert outsider.status_code == 403
    assert "Ana Anić" not in outsider.get_data(as_text=True)


def test_suggestions_in_an_admins_discussion_offer_only_its_readers(space, as_user):
    owner = as_user("owner@example.org")
    thread_id = space.thread("Uprava", "Za upravu.", author=space.owner, category=space.admins)
    for url in (
        f"/alfa/discussions/mentions?q=ić&thread={thread_id}",
        f"/alfa/discussions/mentions?q=ić&category={space.admins.id}",
    ):
        assert suggested(owner.get(url)) == ["Olga Vlasnić"], url
    public_thread = space.thread()
    assert len(suggested(owner.get(f"/alfa/discussions/mentions?q=ić&thread={public_thread}"))) == 5
    ana = as_user("ana@example.org")
    assert ana.get(f"/alfa/discussions/mentions?q=ić&thread={thread_id}").status_code == 404
    for bad in ("abc", "-1", "0", "9" * 40, "99999"):
        response = ana.get(f"/alfa/discussions/mentions?q=ić&thread={bad}", headers=EN)
        assert response.status_code == 404, bad


# --- the preview -----------------------------------------------------------------------------


def live_preview(client, body, query=""):
    return parse(
        client.post(f"/alfa/discussions/preview{query}", {"body": body}, headers={
            "HX-Request": "true", **EN,
        })
    )  # fmt: skip


def test_the_live_preview_resolves_mentions_and_notes_the_ones_that_notify_nobody(
    db, space, make_user, as_user
):
    add_member(db, space, make_user(email="cveta2@example.org", name="Cveta Cvetić"))
    ana = as_user("ana@example.org")
    preview = live_preview(
        ana,
        "@Bojan Bojić, @[Bojan Bojić], @Niko Nikić je tu, @[Niko] i @Cveta Cvetić. `@Zla Osoba`",
    )
    assert mention_texts(str(one(preview, ".post-body"))) == ["@Bojan Bojić", "@Bojan Bojić"]
    assert [text_of(li) for li in preview.select(".mention-notes li")] == [
        "@Niko Nikić is not a member of this space: nobody will be notified.",
        "@Niko is not a member of this space: nobody will be notified.",
        "@Cveta Cvetić is the name of more than one member, so nobody will be notified. Choose "
        "one from the suggestions as you type, or write @[Cveta Cvetić] to notify all of them.",
    ]
    assert "Zla" not in text_of(one(preview, ".mention-notes")), "code is not parsed"
    clean = live_preview(ana, "Samo @Bojan Bojić.")
    assert clean.select(".mention-notes") == []


def test_the_preview_notes_a_member_who_cannot_read_the_discussion(space, as_user):
    owner = as_user("owner@example.org")
    thread_id = space.thread("Uprava", "Za upravu.", author=space.owner, category=space.admins)
    notes = live_preview(owner, "@Ana Anić, pogledaj.", f"?thread={thread_id}")
    assert [text_of(li) for li in notes.select(".mention-notes li")] == [
        "Ana Anić cannot read this discussion: they will not be notified."
    ]
    assert live_preview(owner, "@Ana Anić, pogledaj.").select(".mention-notes") == []


def test_the_preview_button_without_javascript_shows_the_notes_too(space, as_user):
    thread_id = space.thread()
    bojan = as_user("bojan@example.org")
    page = parse(
        bojan.post(
            f"/alfa/discussions/t/{thread_id}/reply",
            {"body": "Hvala @Ana Anić i @Niko Nikić!", "page": "1", "action": "preview"},
            headers=EN,
        )
    )
    preview = one(page, "#reply-preview")
    assert mention_texts(str(preview)) == ["@Ana Anić"]
    assert [text_of(li) for li in preview.select(".mention-notes li")] == [
        "@Niko Nikić is not a member of this space: nobody will be notified."
    ]
    # the text box points both helpers at this discussion's readers
    box = one(page, "textarea#reply-body")
    assert box["data-mention-source"].endswith(f"/alfa/discussions/mentions?thread={thread_id}")
    assert box["hx-post"].endswith(f"/alfa/discussions/preview?thread={thread_id}")
    assert one(page, "#reply-body-suggestions")["role"] == "listbox"


def test_the_help_under_the_editor_explains_the_syntax(space, as_user):
    page = parse(as_user("ana@example.org").get(f"/alfa/discussions/c/{space.public.id}/new",
                                                 headers=EN))  # fmt: skip
    assert "@Name Surname or @[Name Surname]" in text_of(one(page, "#thread-help"))


def test_at_most_twenty_mentions_of_a_post_are_understood(db, space, make_user, as_user):
    people = [
        make_user(email=f"m{n}@example.org", name=f"Član Broj{chr(97 + n)}") for n in range(21)
    ]
    for person in people:
        add_member(db, space, person)
    body = " ".join(f"@{person.name}" for person in people)
    preview = live_preview(as_user("ana@example.org"), body)
    assert len(preview.select(".post-body span.mention")) == 20
    assert [text_of(li) for li in preview.select(".mention-notes li")] == [
        "Only the first 20 mentions of a post are understood; the others stay text and notify "
        "nobody."
    ]
    thread_id = space.thread(author=space.bojan)
    space.reply(thread_id, body, space.cveta)
    assert [len(notices(db, person)) for person in people] == [1] * 20 + [0]
